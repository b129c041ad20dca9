// include/tinytorch/activations/gelu.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md §4
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <cmath>
#include <string>
#include <string_view>

#include "tinytorch/activations/vector_math.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {
namespace detail {

/// "none" -> 0 (exact, erf), "tanh" -> 1 (the tanh approximation); anything else is a ValueError.
inline int64_t gelu_mode(std::string_view approximate, const char* op = "gelu") {
    if (approximate == "none") return 0;
    if (approximate == "tanh") return 1;
    throw ValueError(fmt(op, ": approximate must be 'none' or 'tanh', got '", approximate,
                         "'; hint: 'none' is the exact erf form (the default), 'tanh' the GPT-2 approximation"));
}

}  // namespace detail

/// gelu(x) = x·Φ(x), Φ the standard normal CDF, element-wise.   shape: any -> same
///   approximate "none": 0.5·x·(1 + erf(x/√2))
///   approximate "tanh": 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
/// Records "gelu": inputs {x}, ints {0 for "none", 1 for "tanh"}.
inline Tensor gelu(const Tensor& x, std::string_view approximate = "none") {
    TINYTORCH_RECORD_OP("gelu", x);
    // BEGIN SOLUTION: gelu (§4)
    const int64_t mode = detail::gelu_mode(approximate);
    Tensor out;
    if (mode == 0) {
        // Eigen's erf runs 8 floats at a time (a rational approximation, ~1e-7 absolute error);
        // std::erf is a scalar library call, ~40x slower: the naive form is
        //     map_unary(x, [](float v) { return 0.5f * v * (1.0f + std::erf(v * inv_sqrt2)); })
        out = detail::map_runs(x, [](const float* in, float* o, int64_t n) {
            constexpr float inv_sqrt2 = 0.70710678118654752440f;
            Eigen::Map<const Eigen::ArrayXf> xs(in, n);
            Eigen::Map<Eigen::ArrayXf>(o, n) = 0.5f * xs * (1.0f + (xs * inv_sqrt2).erf());
        });
    } else {  // a SIMD tanh as well
        out = detail::map_runs(x, [](const float* in, float* o, int64_t n) {
            const float sqrt_2_over_pi = 0.79788456080286535588f, kappa = 0.044715f;
            Eigen::Map<const Eigen::ArrayXf> xs(in, n);
            Eigen::Map<Eigen::ArrayXf> ys(o, n);
            ys = sqrt_2_over_pi * (xs + kappa * xs.cube());
            detail::tanh_into(o, o, n);
            ys = 0.5f * xs * (1.0f + ys);
        });
    }
    if (autograd::wants_grad(x)) autograd::record(out, "gelu", {x}, {}, {mode});
    return out;
    // END SOLUTION
}

namespace nn {

/// Options of nn::GELU, libtorch style: nn::GELU(nn::GELUOptions().approximate("tanh")).
struct GELUOptions {
    GELUOptions& approximate(std::string value) {
        approximate_ = std::move(value);
        return *this;
    }
    const std::string& approximate() const { return approximate_; }

private:
    std::string approximate_ = "none";
};

/// GELU(approximate)(x) = gelu(x, approximate); approximate is "none" (default) or "tanh".
class GELU {
public:
    explicit GELU(std::string approximate = "none") : approximate_(std::move(approximate)) {
        tinytorch::detail::gelu_mode(approximate_, "GELU");  // a typo fails here, not at the first forward
    }
    explicit GELU(const GELUOptions& options) : GELU(options.approximate()) {}
    Tensor forward(const Tensor& x) const { return gelu(x, approximate_); }
    Tensor operator()(const Tensor& x) const { return forward(x); }
    std::string name() const { return "GELU(approximate='" + approximate_ + "')"; }
    const std::string& approximate() const { return approximate_; }

private:
    std::string approximate_;
};

namespace functional {
using tinytorch::gelu;
}  // namespace functional

}  // namespace nn
}  // namespace tinytorch
