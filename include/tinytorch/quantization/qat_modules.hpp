// include/tinytorch/quantization/qat_modules.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §7, §8
//
// The float layers as the static and QAT flows see them: nn::QATLinear and nn::QATConv2d keep the
// float weight and bias (the *same* tensors as the layer they replace, so an optimizer made before
// prepare_qat still trains them) and add two FakeQuantize modules:
//     input_fake_quant    watches the layer's input (per tensor, quint8): calibration sets its range
//     weight_fake_quant   watches the weight (per output channel, symmetric qint8)
//   prepare()     observers on, fake quantization off: the model computes exactly what it did,
//                 while calibration batches set the input ranges
//   prepare_qat() observers and fake quantization on: training sees the rounding (STE gradients)
//   convert()     each one becomes a QuantizedLinear / QuantizedConv2d with a static input pair
// QConfig says which observers to make (PyTorch's QConfig(activation=..., weight=...)).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "tinytorch/convolutions/conv2d_layer.hpp"
#include "tinytorch/layers/linear.hpp"
#include "tinytorch/quantization/fake_quant.hpp"

namespace tinytorch::quantization {

/// Which observers a prepared layer makes: one for its input (activation), one for its weight.
struct QConfig {
    std::function<std::shared_ptr<Observer>()> activation;
    std::function<std::shared_ptr<Observer>()> weight;
};

/// Post-training (static) quantization: min-max of every calibration input (quint8, per tensor),
/// per-channel symmetric weights.
inline QConfig get_default_qconfig() {
    return {[] { return std::make_shared<MinMaxObserver>(ObserverOptions().dtype(kQUInt8)); },
            [] { return std::make_shared<PerChannelMinMaxObserver>(); }};
}
/// Static quantization whose input ranges ignore the rarest (100 − p)% of values (histogram).
inline QConfig get_percentile_qconfig(double percentile = 99.99) {
    return {[percentile] { return std::make_shared<PercentileObserver>(ObserverOptions().dtype(kQUInt8), percentile); },
            [] { return std::make_shared<PerChannelMinMaxObserver>(); }};
}
/// Quantization-aware training: moving-average ranges for inputs and weights (both change while
/// the model trains).
inline QConfig get_default_qat_qconfig() {
    return {[] { return std::make_shared<MovingAverageMinMaxObserver>(ObserverOptions().dtype(kQUInt8)); },
            [] { return std::make_shared<MovingAveragePerChannelMinMaxObserver>(); }};
}

}  // namespace tinytorch::quantization

namespace tinytorch::nn {

/// A Linear with fake-quantized input and weight: y = fq_x(x) @ fq_w(W)ᵀ + b.
class QATLinear : public Module {
public:
    /// Shares `linear`'s weight and bias tensors (same storage: same parameters for an optimizer).
    QATLinear(const Linear& linear, const quantization::QConfig& qconfig);
    Tensor forward(const Tensor& x) override;
    std::string extra_repr() const override;
    /// Observers and fake quantization of both children on / off.
    void enable_fake_quant(bool on = true);
    void enable_observer(bool on = true);

    Tensor weight, bias;
    std::shared_ptr<FakeQuantize> input_fake_quant, weight_fake_quant;
    int64_t in_features() const { return weight.size(1); }
    int64_t out_features() const { return weight.size(0); }
};

/// A Conv2d with fake-quantized input and weight.
class QATConv2d : public Module {
public:
    QATConv2d(const Conv2d& conv, const quantization::QConfig& qconfig);
    Tensor forward(const Tensor& x) override;
    std::string extra_repr() const override;
    void enable_fake_quant(bool on = true);
    void enable_observer(bool on = true);
    const Conv2dOptions& options() const { return options_; }

    Tensor weight, bias;
    std::shared_ptr<FakeQuantize> input_fake_quant, weight_fake_quant;

private:
    Conv2dOptions options_;
};

// ================================================================================================
// definitions
// ================================================================================================

namespace detail {
inline std::shared_ptr<FakeQuantize> make_fake_quant(const std::function<std::shared_ptr<quantization::Observer>()>& make,
                                                     const char* what) {
    if (!make)
        throw ValueError(fmt("QConfig: no ", what, " observer factory; hint: start from ",
                             "quantization::get_default_qconfig() or get_default_qat_qconfig()"));
    return std::make_shared<FakeQuantize>(make());
}
}  // namespace detail

inline QATLinear::QATLinear(const Linear& linear, const quantization::QConfig& qconfig) {
    weight = register_parameter("weight", linear.weight);  // a leaf: the same tensor, not a copy
    if (linear.bias.defined()) bias = register_parameter("bias", linear.bias);
    input_fake_quant = register_module("input_fake_quant", detail::make_fake_quant(qconfig.activation, "activation"));
    weight_fake_quant = register_module("weight_fake_quant", detail::make_fake_quant(qconfig.weight, "weight"));
}

inline Tensor QATLinear::forward(const Tensor& x) {
    if (!x.defined() || x.dim() == 0 || x.size(-1) != in_features())
        throw ShapeError(fmt("QATLinear: expected input [..., ", in_features(), "], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: the last dim of the input must equal in_features"));
    // BEGIN SOLUTION: QATLinear::forward (§7)
    Tensor y = (*input_fake_quant)(x).matmul((*weight_fake_quant)(weight).t());
    if (bias.defined()) y = y + bias;
    return y;
    // END SOLUTION
}

inline void QATLinear::enable_fake_quant(bool on) {
    input_fake_quant->enable_fake_quant(on);
    weight_fake_quant->enable_fake_quant(on);
}
inline void QATLinear::enable_observer(bool on) {
    input_fake_quant->enable_observer(on);
    weight_fake_quant->enable_observer(on);
}
inline std::string QATLinear::extra_repr() const {
    return fmt("in_features=", in_features(), ", out_features=", out_features(), ", bias=",
               bias.defined() ? "true" : "false");
}

inline QATConv2d::QATConv2d(const Conv2d& conv, const quantization::QConfig& qconfig) : options_(conv.options()) {
    weight = register_parameter("weight", conv.weight);
    if (conv.bias.defined()) bias = register_parameter("bias", conv.bias);
    input_fake_quant = register_module("input_fake_quant", detail::make_fake_quant(qconfig.activation, "activation"));
    weight_fake_quant = register_module("weight_fake_quant", detail::make_fake_quant(qconfig.weight, "weight"));
}

inline Tensor QATConv2d::forward(const Tensor& x) {
    if (!x.defined() || x.dim() != 4 || x.size(1) != options_.in_channels())
        throw ShapeError(fmt("QATConv2d: expected input [N, ", options_.in_channels(), ", H, W], got ",
                             tinytorch::detail::shape_or_undefined(x), "; hint: in_channels is ",
                             options_.in_channels()));
    // BEGIN SOLUTION: QATConv2d::forward (§7)
    return conv2d((*input_fake_quant)(x), (*weight_fake_quant)(weight), bias, options_.stride(), options_.padding(),
                  options_.dilation(), options_.groups());
    // END SOLUTION
}

inline void QATConv2d::enable_fake_quant(bool on) {
    input_fake_quant->enable_fake_quant(on);
    weight_fake_quant->enable_fake_quant(on);
}
inline void QATConv2d::enable_observer(bool on) {
    input_fake_quant->enable_observer(on);
    weight_fake_quant->enable_observer(on);
}
inline std::string QATConv2d::extra_repr() const {
    const Conv2dOptions& o = options_;
    return fmt(o.in_channels(), ", ", o.out_channels(), ", kernel_size=", o.kernel_size().str(),
               ", stride=", o.stride().str());
}

}  // namespace tinytorch::nn
