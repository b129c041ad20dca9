// include/tinytorch/activations/sigmoid.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md §2
#pragma once
#include <cmath>
#include <string>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// sigmoid(x) = 1 / (1 + e^-x), element-wise, in [0, 1]; never overflows (exactly 0 / 1 far out).
/// shape: any -> same.  Records "sigmoid": inputs {x}, saved {out}.
inline Tensor sigmoid(const Tensor& x) {
    // BEGIN SOLUTION: sigmoid (§2)
    // The trick: only ever call exp on a number <= 0, so it lies in (0, 1] and cannot overflow.
    //   x >= 0:  1 / (1 + e^-x)        x < 0:  e^x / (1 + e^x)   (the same function, rearranged)
    Tensor out = detail::map_unary(x, [](float v) {
        if (v >= 0.0f) return 1.0f / (1.0f + std::exp(-v));
        const float e = std::exp(v);  // NaN lands here too and stays NaN
        return e / (1.0f + e);
    });
    if (autograd::wants_grad(x)) autograd::record(out, "sigmoid", {x}, {out});
    return out;
    // END SOLUTION
}

namespace nn {

/// Sigmoid()(x) = sigmoid(x).   shape: any -> same
class Sigmoid {
public:
    Tensor forward(const Tensor& x) const { return sigmoid(x); }
    Tensor operator()(const Tensor& x) const { return forward(x); }
    std::string name() const { return "Sigmoid()"; }
};

namespace functional {
using tinytorch::sigmoid;
}  // namespace functional

}  // namespace nn
}  // namespace tinytorch
