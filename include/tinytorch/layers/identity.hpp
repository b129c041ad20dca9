// include/tinytorch/layers/identity.hpp
// Module 03 · Layers — lesson: modules/03_layers/README.md §5
#pragma once
#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// y = x, a placeholder (e.g. to switch a layer off without changing the model's structure).
class Identity : public Module {
public:
    Tensor forward(const Tensor& x) override { return x; }
};

}  // namespace tinytorch::nn
