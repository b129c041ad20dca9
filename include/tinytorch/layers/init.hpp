// include/tinytorch/layers/init.hpp
// Module 03 · Layers — lesson: modules/03_layers/README.md §3
//
// Weight initialisers, with PyTorch's formulas (torch.nn.init). Each fills its tensor in
// place — the same storage the model and the optimizer hold — draws from the global
// generator (tinytorch::manual_seed) unless given another, and is never recorded by
// autograd. Each returns the tensor it filled.
#pragma once
#include <cmath>
#include <cstdint>
#include <utility>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::nn::init {

/// Which fan scales the variance: fan_in keeps the forward signal's variance, fan_out the backward's.
enum class FanMode { fan_in, fan_out };
/// The non-linearity that follows the layer (it sets the gain).
enum class Nonlinearity { linear, sigmoid, tanh, relu, leaky_relu };

namespace detail {
/// Write draw() into every element of t, in row-major order (views are filled through a copy).
template <typename Draw>
Tensor fill_with(Tensor t, Draw draw) {
    if (!t.defined())
        throw ValueError("init: the tensor is undefined; hint: create the tensor (e.g. empty({out, in})) before "
                         "initialising it");
    if (t.is_contiguous()) {
        float* p = t.data_ptr();
        for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = draw();
    } else {
        Tensor tmp = empty(t.shape());
        float* p = tmp.data_ptr();
        for (int64_t i = 0, n = tmp.numel(); i < n; ++i) p[i] = draw();
        t.copy_(tmp);
    }
    return t;
}
}  // namespace detail

/// The recommended gain for a non-linearity: linear, sigmoid 1; tanh 5/3; relu √2;
/// leaky_relu √(2 / (1 + slope²)) with slope = `param`.
inline double calculate_gain(Nonlinearity nonlinearity, double param = 0.01) {
    switch (nonlinearity) {
        case Nonlinearity::linear:
        case Nonlinearity::sigmoid: return 1.0;
        case Nonlinearity::tanh: return 5.0 / 3.0;
        case Nonlinearity::relu: return std::sqrt(2.0);
        case Nonlinearity::leaky_relu: return std::sqrt(2.0 / (1.0 + param * param));
    }
    return 1.0;
}

/// (fan_in, fan_out) of a weight [out, in, k...]: fan_in = in·∏k, fan_out = out·∏k.
inline std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t) {
    if (!t.defined() || t.dim() < 2)
        throw ValueError(fmt("calculate_fan_in_and_fan_out: needs a tensor with at least 2 dims, got shape ",
                             t.defined() ? shape_str(t.shape()) : std::string("undefined"),
                             "; hint: a weight is [out, in] (Linear) or [out, in, kh, kw] (Conv2d); a bias is ",
                             "initialised from its weight's fan_in"));
    // BEGIN SOLUTION: calculate_fan_in_and_fan_out (§3)
    int64_t receptive = 1;
    for (int64_t d = 2; d < t.dim(); ++d) receptive *= t.size(d);
    return {t.size(1) * receptive, t.size(0) * receptive};
    // END SOLUTION
}

/// Fill with U(a, b).
inline Tensor uniform_(Tensor t, double a = 0.0, double b = 1.0, Generator& gen = default_generator()) {
    if (!(a <= b))
        throw ValueError(fmt("uniform_: needs a <= b, got a=", a, " b=", b, "; hint: the range is [a, b)"));
    // BEGIN SOLUTION: uniform_ (§3)
    return detail::fill_with(std::move(t), [&] { return gen.uniform(static_cast<float>(a), static_cast<float>(b)); });
    // END SOLUTION
}

/// Fill with N(mean, std²).
inline Tensor normal_(Tensor t, double mean = 0.0, double std = 1.0, Generator& gen = default_generator()) {
    if (!(std >= 0.0))
        throw ValueError(fmt("normal_: the standard deviation must be >= 0, got ", std,
                             "; hint: pass std, not the variance, and keep it non-negative"));
    // BEGIN SOLUTION: normal_ (§3)
    return detail::fill_with(std::move(t), [&] { return static_cast<float>(mean + std * gen.normal()); });
    // END SOLUTION
}

/// Fill with one value.
inline Tensor constant_(Tensor t, double value) {
    return detail::fill_with(std::move(t), [value] { return static_cast<float>(value); });
}
inline Tensor zeros_(Tensor t) { return constant_(std::move(t), 0.0); }
inline Tensor ones_(Tensor t) { return constant_(std::move(t), 1.0); }

/// Glorot/Xavier: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)).
inline Tensor xavier_uniform_(Tensor t, double gain = 1.0, Generator& gen = default_generator()) {
    auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
    if (t.numel() == 0) return t;
    // BEGIN SOLUTION: xavier_uniform_ (§3)
    double a = gain * std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
    return uniform_(std::move(t), -a, a, gen);
    // END SOLUTION
}

/// Glorot/Xavier: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).
inline Tensor xavier_normal_(Tensor t, double gain = 1.0, Generator& gen = default_generator()) {
    auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
    if (t.numel() == 0) return t;
    // BEGIN SOLUTION: xavier_normal_ (§3)
    double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
    return normal_(std::move(t), 0.0, std, gen);
    // END SOLUTION
}

/// He/Kaiming: U(−b, b) with b = √3 · gain / √fan, gain = calculate_gain(nonlinearity, a),
/// fan = fan_in or fan_out. With a = √5 (leaky_relu) this is nn::Linear's U(−1/√in, 1/√in).
inline Tensor kaiming_uniform_(Tensor t, double a = 0.0, FanMode mode = FanMode::fan_in,
                               Nonlinearity nonlinearity = Nonlinearity::leaky_relu,
                               Generator& gen = default_generator()) {
    auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
    if (t.numel() == 0) return t;  // nothing to fill (PyTorch warns and does the same)
    int64_t fan = mode == FanMode::fan_in ? fan_in : fan_out;
    // BEGIN SOLUTION: kaiming_uniform_ (§3)
    double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
    double bound = std::sqrt(3.0) * std;
    return uniform_(std::move(t), -bound, bound, gen);
    // END SOLUTION
}

/// He/Kaiming: N(0, std²) with std = gain / √fan.
inline Tensor kaiming_normal_(Tensor t, double a = 0.0, FanMode mode = FanMode::fan_in,
                              Nonlinearity nonlinearity = Nonlinearity::leaky_relu,
                              Generator& gen = default_generator()) {
    auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
    if (t.numel() == 0) return t;
    int64_t fan = mode == FanMode::fan_in ? fan_in : fan_out;
    // BEGIN SOLUTION: kaiming_normal_ (§3)
    double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
    return normal_(std::move(t), 0.0, std, gen);
    // END SOLUTION
}

}  // namespace tinytorch::nn::init
