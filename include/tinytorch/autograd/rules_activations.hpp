// include/tinytorch/autograd/rules_activations.hpp
// Module 06 · Autograd — lesson: modules/06_autograd/README.md §10 (activations and losses)
//
// Backward rules for the ops module 02 records (relu, sigmoid, tanh, gelu, softmax,
// log_softmax). They read only the Node (inputs, saved outputs, ints), so this file needs
// module 01 alone — not module 02's headers. Most rules use the *saved output*: the
// derivative of sigmoid, tanh, softmax is cheapest written in terms of what forward computed.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <cmath>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::autograd {

/// out = max(x, 0):   dx = g * [out > 0]
/// (Composed, g.mul(out.gt(0)) makes a 0/1 mask tensor and a second pass; one fused pass
/// over g and out is ~2x faster on a CNN's activations.)
inline std::vector<Tensor> relu_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: relu_backward (§10)
    const Tensor& out = node.saved[0];
    if (g.is_contiguous() && out.is_contiguous() && g.shape() == out.shape()) {
        Tensor gx = tinytorch::detail::empty_uninitialized(g.shape());
        const float* pg = g.data_ptr();
        const float* po = out.data_ptr();
        float* px = gx.data_ptr();
        tinytorch::detail::parallel_for(g.numel(), [pg, po, px](int64_t lo, int64_t hi) {
            for (int64_t i = lo; i < hi; ++i) {
                const float gi = pg[i];  // loaded unconditionally: the loop becomes a vector blend
                px[i] = po[i] > 0.0f ? gi : 0.0f;
            }
        });
        return {gx};
    }
    return {g.mul(out.gt(0.0f))};  // any layout (e.g. g an expand() view)
    // END SOLUTION
}

/// out = 1 / (1 + e^-x):   dx = g * out * (1 - out)
inline std::vector<Tensor> sigmoid_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: sigmoid_backward (§10)
    const Tensor& out = node.saved[0];
    return {g.mul(out).mul(out.neg().add(1.0f))};
    // END SOLUTION
}

/// out = tanh(x):   dx = g * (1 - out^2)
inline std::vector<Tensor> tanh_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: tanh_backward (§10)
    const Tensor& out = node.saved[0];
    return {g.mul(out.mul(out).neg().add(1.0f))};
    // END SOLUTION
}

/// GELU'(x) for the same formula forward used (ints[0]: 0 = exact, 1 = tanh approximation):
///   exact:  gelu = x·Φ(x)                        gelu' = Φ(x) + x·φ(x)
///   tanh:   gelu = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)
///           gelu' = ½(1 + tanh u) + ½x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²)
inline std::vector<Tensor> gelu_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: gelu_backward (§10)
    const bool approximate = !node.ints.empty() && node.ints[0] == 1;
    const Tensor& x = node.inputs[0];
    if (!approximate && x.is_contiguous() && g.is_contiguous() && g.shape() == x.shape()) {
        // exact GELU, the common case: one pass over x and g in L1-sized blocks, with Eigen's
        // vectorised erf and exp (the map_unary below calls scalar std::erf and std::exp)
        Tensor gx = tinytorch::detail::empty_uninitialized(x.shape());
        const float* px = x.data_ptr();
        const float* pg = g.data_ptr();
        float* po = gx.data_ptr();
        constexpr int64_t block = 4096;
        const int64_t n = x.numel(), blocks = (n + block - 1) / block;
        tinytorch::detail::parallel_for(blocks, std::max<int64_t>(1, tinytorch::detail::kParallelGrain / block),
                                        [&](int64_t lo, int64_t hi) {
            for (int64_t b = lo; b < hi; ++b) {
                const int64_t at = b * block, len = std::min(block, n - at);
                Eigen::Map<const Eigen::ArrayXf> xs(px + at, len), gs(pg + at, len);
                Eigen::Map<Eigen::ArrayXf>(po + at, len) =
                    gs * (0.5f * (1.0f + (xs * 0.7071067811865476f).erf()) +          // Φ(x)
                          xs * 0.3989422804014327f * (-0.5f * xs.square()).exp());    // x·φ(x)
            }
        });
        return {gx};
    }
    Tensor slope;
    if (approximate) {
        slope = tinytorch::detail::map_unary(x, [](float v) {
            const float k = 0.7978845608028654f;  // sqrt(2 / pi)
            const float t = std::tanh(k * (v + 0.044715f * v * v * v));
            return 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * k * (1.0f + 3.0f * 0.044715f * v * v);
        });
    } else {
        slope = tinytorch::detail::map_unary(x, [](float v) {
            const float cdf = 0.5f * (1.0f + std::erf(v * 0.7071067811865476f));  // Φ(x)
            const float pdf = 0.3989422804014327f * std::exp(-0.5f * v * v);       // φ(x)
            return cdf + v * pdf;
        });
    }
    return {g.mul(slope)};
    // END SOLUTION
}

/// out = softmax(x, dim):   dx = out * (g - Σ_dim(g * out))   (the Jacobian, never built)
inline std::vector<Tensor> softmax_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: softmax_backward (§10)
    const Tensor& out = node.saved[0];
    const int64_t dim = node.ints[0];
    return {out.mul(g.sub(g.mul(out).sum(dim, true)))};
    // END SOLUTION
}

/// out = log_softmax(x, dim):   dx = g - exp(out) * Σ_dim g
inline std::vector<Tensor> log_softmax_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: log_softmax_backward (§10)
    const Tensor& out = node.saved[0];
    const int64_t dim = node.ints[0];
    return {g.sub(out.exp().mul(g.sum(dim, true)))};
    // END SOLUTION
}

inline bool register_activation_rules() {
    register_rule("relu", &relu_backward);
    register_rule("sigmoid", &sigmoid_backward);
    register_rule("tanh", &tanh_backward);
    register_rule("gelu", &gelu_backward);
    register_rule("softmax", &softmax_backward);
    register_rule("log_softmax", &log_softmax_backward);
    return true;
}
inline const bool activation_rules_registered = register_activation_rules();

}  // namespace tinytorch::autograd
