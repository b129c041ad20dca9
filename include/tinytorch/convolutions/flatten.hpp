// include/tinytorch/convolutions/flatten.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §9
#pragma once
#include <string>

#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// Merge dims start_dim..end_dim into one: Flatten() maps [N, C, H, W] -> [N, C·H·W], the step
/// between the convolutional features and a Linear head. A view when possible (no copy); the
/// gradient flows back through the recorded reshape.
class Flatten : public Module {
public:
    explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1) : start_dim_(start_dim), end_dim_(end_dim) {}
    Tensor forward(const Tensor& x) override {
        if (!x.defined())
            throw ValueError("Flatten: the input is undefined; hint: pass the output of the previous layer");
        // BEGIN SOLUTION: Flatten::forward (§9)
        return x.flatten(start_dim_, end_dim_);
        // END SOLUTION
    }
    std::string extra_repr() const override { return fmt("start_dim=", start_dim_, ", end_dim=", end_dim_); }

private:
    int64_t start_dim_, end_dim_;
};

}  // namespace tinytorch::nn
