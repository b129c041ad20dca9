// include/tinytorch/quantization/fake_quant.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §7
//
// Quantization-aware training (QAT) trains a float model that *feels* the rounding it will get:
// every weight (and every layer input) passes through fake quantization,
//     fake_quant(x) = (clamp(round(x / s) + z, qmin, qmax) − z) · s        (float in, float out)
// which is exactly what quantize-then-dequantize gives. Its true derivative is 0 almost everywhere
// (a staircase), which would stop all learning. The straight-through estimator (STE) replaces it:
//     d fake_quant / dx = 1 where qmin <= round(x / s) + z <= qmax, else 0
// i.e. the gradient of clamp(x, lo, hi) — values inside the range learn as if nothing happened,
// values clamped at the edges get no gradient (moving them would not change the output).
//
//   Tensor y = fake_quantize_per_tensor_affine(x, 0.1, 0, -128, 127);   // PyTorch's signature
//   nn::FakeQuantize fq(std::make_shared<quantization::MovingAverageMinMaxObserver>());
//   Tensor y2 = fq(x);      // observe x's range, then fake-quantize with the observer's parameters
// The op records the node "fake_quantize" (inputs: x; saved: scales, zero-points; ints: axis or −1,
// qmin, qmax); its backward rule (the STE) is registered below.
#pragma once
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/layers/module.hpp"
#include "tinytorch/quantization/observers.hpp"
#include "tinytorch/tensor/graph.hpp"

namespace tinytorch {

namespace detail {
/// Fake quantization of x (any layout) with per-channel (axis >= 0) or per-tensor (axis = −1)
/// parameters; also computes the STE mask when `mask` is given (1 inside the range, else 0).
inline Tensor fake_quantize_impl(const Tensor& x, const std::vector<float>& scales, const std::vector<int32_t>& zps,
                                 int64_t axis, int32_t qmin, int32_t qmax, Tensor* mask) {
    const Tensor c = x.detach().contiguous();
    Tensor out = empty(c.shape());
    if (mask) *mask = empty(c.shape());
    [[maybe_unused]] int64_t inner = c.numel(), channels = 1;
    if (axis >= 0) {
        channels = c.size(axis);
        inner = 1;
        for (int64_t d = axis + 1; d < c.dim(); ++d) inner *= c.size(d);
    }
    [[maybe_unused]] const float* p = c.data_ptr();
    [[maybe_unused]] float* o = out.data_ptr();
    [[maybe_unused]] float* m = mask ? mask->data_ptr() : nullptr;
    // BEGIN SOLUTION: fake_quantize (§7)
    for (int64_t i = 0, n = c.numel(); i < n; ++i) {
        const int64_t k = axis >= 0 ? (i / inner) % channels : 0;
        const float s = scales[k];
        const int32_t z = zps[k];
        o[i] = detail::dequantize_one(detail::quantize_one(p[i], s, z, qmin, qmax), s, z);
        if (m) {
            const float q = std::nearbyint(p[i] / s) + static_cast<float>(z);  // before the clamp
            m[i] = q >= static_cast<float>(qmin) && q <= static_cast<float>(qmax) ? 1.0f : 0.0f;
        }
    }
    // END SOLUTION
    return out;
}

inline void check_fake_quant_args(const char* op, const Tensor& x, int64_t qmin, int64_t qmax) {
    if (!x.defined())
        throw ValueError(fmt(op, ": the input is undefined; hint: pass a float tensor"));
    if (qmin >= qmax || qmin < -(int64_t(1) << 24) || qmax > (int64_t(1) << 24))
        throw ValueError(fmt(op, ": quant_min ", qmin, " must be below quant_max ", qmax,
                             " (and both within ±2^24); hint: int8 is -128, 127 and uint8 0, 255"));
}
}  // namespace detail

/// (clamp(round(x / scale) + zero_point, quant_min, quant_max) − zero_point) · scale, element-wise;
/// the gradient is the straight-through estimator (1 inside the range, 0 where clamped).
inline Tensor fake_quantize_per_tensor_affine(const Tensor& x, double scale, int64_t zero_point, int64_t quant_min,
                                              int64_t quant_max) {
    detail::check_fake_quant_args("fake_quantize_per_tensor_affine", x, quant_min, quant_max);
    if (!(scale > 0.0) || !std::isfinite(static_cast<float>(scale)) || static_cast<float>(scale) <= 0.0f)
        throw ValueError(fmt("fake_quantize_per_tensor_affine: scale must be a positive finite float32, got ", scale,
                             "; hint: choose_qparams(min, max, dtype) gives one"));
    if (zero_point < quant_min || zero_point > quant_max)
        throw ValueError(fmt("fake_quantize_per_tensor_affine: zero_point ", zero_point, " is outside [", quant_min,
                             ", ", quant_max, "]; hint: the zero-point is the integer that stands for 0.0"));
    const std::vector<float> s{static_cast<float>(scale)};
    const std::vector<int32_t> z{static_cast<int32_t>(zero_point)};
    Tensor out = detail::fake_quantize_impl(x, s, z, -1, static_cast<int32_t>(quant_min),
                                            static_cast<int32_t>(quant_max), nullptr);
    if (autograd::wants_grad(x))
        autograd::record(out, "fake_quantize", {x}, {Tensor(std::vector<float>(s), {1}), Tensor({float(zero_point)})},
                         {-1, quant_min, quant_max});
    return out;
}

/// The same with one scale and zero-point per slice along `axis` (scale, zero_point: 1-D, size(axis)).
inline Tensor fake_quantize_per_channel_affine(const Tensor& x, const Tensor& scale, const Tensor& zero_point,
                                               int64_t axis, int64_t quant_min, int64_t quant_max) {
    detail::check_fake_quant_args("fake_quantize_per_channel_affine", x, quant_min, quant_max);
    if (x.dim() == 0)
        throw ShapeError("fake_quantize_per_channel_affine: the input is a scalar; hint: per-channel needs a dim");
    const int64_t ax = normalize_dim(axis, x.dim(), "fake_quantize_per_channel_affine");
    if (!scale.defined() || !zero_point.defined() || scale.dim() != 1 || zero_point.dim() != 1 ||
        scale.size(0) != x.size(ax) || zero_point.size(0) != x.size(ax))
        throw ShapeError(fmt("fake_quantize_per_channel_affine: input ", shape_str(x.shape()), " has ", x.size(ax),
                             " channels along axis ", ax, ", so scale and zero_point must be [", x.size(ax),
                             "]; hint: one pair per channel"));
    const std::vector<float> s = scale.to_vector(), zs = zero_point.to_vector();
    std::vector<int32_t> z;
    for (size_t k = 0; k < s.size(); ++k) {
        const float zk = zs[k];
        if (!(s[k] > 0.0f) || !std::isfinite(s[k]))
            throw ValueError(fmt("fake_quantize_per_channel_affine: scale[", k, "] = ", s[k],
                                 " is not a positive finite number; hint: observers give valid scales"));
        if (zk != std::floor(zk) || zk < quant_min || zk > quant_max)
            throw ValueError(fmt("fake_quantize_per_channel_affine: zero_point[", k, "] = ", zk,
                                 " is not a whole number in [", quant_min, ", ", quant_max, "]"));
        z.push_back(static_cast<int32_t>(zk));
    }
    Tensor out = detail::fake_quantize_impl(x, s, z, ax, static_cast<int32_t>(quant_min),
                                            static_cast<int32_t>(quant_max), nullptr);
    if (autograd::wants_grad(x))
        autograd::record(out, "fake_quantize", {x}, {scale.detach(), zero_point.detach()}, {ax, quant_min, quant_max});
    return out;
}

namespace autograd {
/// The straight-through estimator: dx = g where the unclamped integer lies in [qmin, qmax], else 0.
inline std::vector<Tensor> fake_quantize_backward(const Node& node, const Tensor& grad_output) {
    const Tensor& x = node.inputs[0];
    const std::vector<float> s = node.saved[0].to_vector(), zf = node.saved[1].to_vector();
    std::vector<int32_t> z(zf.begin(), zf.end());
    Tensor mask;
    tinytorch::detail::fake_quantize_impl(x, s, z, node.ints[0], static_cast<int32_t>(node.ints[1]),
                                          static_cast<int32_t>(node.ints[2]), &mask);
    // BEGIN SOLUTION: fake_quantize_backward (§7)
    return {grad_output.mul(mask)};
    // END SOLUTION
}
inline const bool fake_quantize_rule_registered = register_rule("fake_quantize", &fake_quantize_backward);
}  // namespace autograd

namespace nn {

/// An observer plus fake quantization, as a module (PyTorch's FakeQuantize): forward(x) updates
/// the observer with x (when the observer is enabled) and returns fake_quant(x) with the
/// observer's current parameters (when fake quantization is enabled), else x itself.
class FakeQuantize : public Module {
public:
    explicit FakeQuantize(std::shared_ptr<quantization::Observer> observer);
    Tensor forward(const Tensor& x) override;
    void enable_fake_quant(bool on = true) { fake_quant_enabled_ = on; }
    void disable_fake_quant() { fake_quant_enabled_ = false; }
    void enable_observer(bool on = true) { observer_enabled_ = on; }
    void disable_observer() { observer_enabled_ = false; }
    bool fake_quant_enabled() const { return fake_quant_enabled_; }
    bool observer_enabled() const { return observer_enabled_; }
    quantization::Observer& observer() const { return *observer_; }
    /// The observer's current parameters.
    quantization::QuantParams calculate_qparams() const { return observer_->calculate_qparams(); }
    std::string extra_repr() const override;

private:
    std::shared_ptr<quantization::Observer> observer_;
    bool fake_quant_enabled_ = true, observer_enabled_ = true;
};

inline FakeQuantize::FakeQuantize(std::shared_ptr<quantization::Observer> observer) : observer_(std::move(observer)) {
    if (!observer_)
        throw ValueError("FakeQuantize: the observer is a null pointer; hint: pass e.g. "
                         "std::make_shared<quantization::MovingAverageMinMaxObserver>()");
}

inline Tensor FakeQuantize::forward(const Tensor& x) {
    if (observer_enabled_) observer_->observe(x);
    if (!fake_quant_enabled_) return x;
    const quantization::QuantParams p = observer_->calculate_qparams();
    const QRange r = qrange(p.dtype, is_symmetric(p.qscheme));
    if (is_per_channel(p.qscheme)) {
        const int64_t channels = static_cast<int64_t>(p.scales.size());
        std::vector<float> z(p.zero_points.begin(), p.zero_points.end());
        return fake_quantize_per_channel_affine(x, Tensor(std::vector<float>(p.scales), {channels}),
                                                Tensor(std::move(z), {channels}), p.axis, r.qmin, r.qmax);
    }
    return fake_quantize_per_tensor_affine(x, p.scales[0], p.zero_points[0], r.qmin, r.qmax);
}

inline std::string FakeQuantize::extra_repr() const {
    const auto& o = observer_->options();
    return fmt("observer=", observer_->name(), ", dtype=", qdtype_name(o.dtype()), ", qscheme=",
               qscheme_name(o.qscheme()), ", fake_quant=", fake_quant_enabled_ ? "on" : "off", ", observer=",
               observer_enabled_ ? "on" : "off");
}

}  // namespace nn
}  // namespace tinytorch
