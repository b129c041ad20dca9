// include/tinytorch/activations/relu.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md §1
#pragma once
#include <string>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// relu(x) = max(x, 0), element-wise (NaN stays NaN).   shape: any -> same
/// Records "relu": inputs {x}, saved {out}.
inline Tensor relu(const Tensor& x) {
    TINYTORCH_RECORD_OP("relu", x);
    // BEGIN SOLUTION: relu (§1)
    // `v < 0 ? 0 : v` rather than `v > 0 ? v : 0`: a NaN fails both tests and must come out NaN.
    Tensor out = detail::map_unary(x, [](float v) { return v < 0.0f ? 0.0f : v; });
    if (autograd::wants_grad(x)) autograd::record(out, "relu", {x}, {out});
    return out;
    // END SOLUTION
}

namespace nn {

/// ReLU()(x) = relu(x).   shape: any -> same
class ReLU {
public:
    Tensor forward(const Tensor& x) const { return relu(x); }
    Tensor operator()(const Tensor& x) const { return forward(x); }
    std::string name() const { return "ReLU()"; }
};

namespace functional {
using tinytorch::relu;
}  // namespace functional

}  // namespace nn
}  // namespace tinytorch
