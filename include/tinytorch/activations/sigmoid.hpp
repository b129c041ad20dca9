// include/tinytorch/activations/sigmoid.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md §2
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <cmath>
#include <string>

#include "tinytorch/activations/vector_math.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// sigmoid(x) = 1 / (1 + e^-x), element-wise, in [0, 1]; never overflows (exactly 0 / 1 far out;
/// results below 1.2e-38, i.e. x < -87.3, flush to 0).
/// shape: any -> same.  Records "sigmoid": inputs {x}, saved {out}.
inline Tensor sigmoid(const Tensor& x) {
    TINYTORCH_RECORD_OP("sigmoid", x);
    // BEGIN SOLUTION: sigmoid (§2)
    // The trick: e^-x overflows for x < -88.7. Clamp x at -88 first: σ(-88) ≈ 6e-39 is already below
    // the smallest normal float, so the clamp changes nothing float32 can hold; results under 1.2e-38
    // are flushed to exactly 0. For x >= 0, e^-x <= 1: nothing to fear. One SIMD expression per block.
    Tensor out = detail::map_runs(x, [](const float* in, float* o, int64_t n) {
        Eigen::Map<const Eigen::ArrayXf> xs(in, n);
        Eigen::Map<Eigen::ArrayXf>(o, n) = (1.0f + (-xs.max(-88.0f)).exp()).inverse();
        detail::flush_tiny(o, n);
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
