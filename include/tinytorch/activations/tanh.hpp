// include/tinytorch/activations/tanh.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md §3
#pragma once
#include <cmath>
#include <string>

#include "tinytorch/activations/vector_math.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// tanh(x) = (e^x - e^-x) / (e^x + e^-x) = 2·sigmoid(2x) - 1, element-wise, in [-1, 1].
/// shape: any -> same.  Records "tanh": inputs {x}, saved {out}.
inline Tensor tanh(const Tensor& x) {
    TINYTORCH_RECORD_OP("tanh", x);
    // BEGIN SOLUTION: tanh (§3)
    // A library tanh saturates to ±1 without overflowing (the textbook quotient above would compute
    // inf / inf = NaN for |x| > 88); the SIMD one does so 8 floats at a time.
    Tensor out = detail::map_runs(x, [](const float* in, float* o, int64_t n) { detail::tanh_into(in, o, n); });
    if (autograd::wants_grad(x)) autograd::record(out, "tanh", {x}, {out});
    return out;
    // END SOLUTION
}

namespace nn {

/// Tanh()(x) = tanh(x).   shape: any -> same
class Tanh {
public:
    Tensor forward(const Tensor& x) const { return tinytorch::tanh(x); }
    Tensor operator()(const Tensor& x) const { return forward(x); }
    std::string name() const { return "Tanh()"; }
};

namespace functional {
using tinytorch::tanh;
}  // namespace functional

}  // namespace nn
}  // namespace tinytorch
