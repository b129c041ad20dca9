// include/tinytorch/quantization/quantized_module.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §5, §9 (given)
//
// What every quantized layer (QuantizedLinear, QuantizedConv2d) shares:
//   * its options — how the input is quantized (dynamic per tensor / per row, or static with the
//     pair calibration chose);
//   * the int8 weight, which is not a float Tensor and so is not in state_dict(): checkpoints
//     (quantization::save / load, §9) ask for it through this interface;
//   * the weight packed for the integer GEMM kernel in use, made on first use and again when the
//     kernel changes (set_int_gemm_isa);
//   * a thread-local scratch area for the quantized input and the int32 products.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tinytorch/layers/module.hpp"
#include "tinytorch/quantization/activation_quant.hpp"
#include "tinytorch/quantization/int_gemm.hpp"
#include "tinytorch/quantization/observers.hpp"
#include "tinytorch/quantization/quantized_tensor.hpp"

namespace tinytorch::nn {

/// How a quantized layer treats its input. Setters chain:
/// QuantizedOptions().input(InputQuantization::Static).input_qparams({0.02f, 3}).
struct QuantizedOptions {
    QuantizedOptions& input(quantization::InputQuantization v) { input_ = v; return *this; }
    QuantizedOptions& input_qparams(QParams v) { input_qparams_ = v; return *this; }
    /// Weights: one scale per output channel (true, the default) or one for the whole weight.
    QuantizedOptions& per_channel(bool v) { per_channel_ = v; return *this; }
    quantization::InputQuantization input() const { return input_; }
    QParams input_qparams() const { return input_qparams_; }
    bool per_channel() const { return per_channel_; }

private:
    quantization::InputQuantization input_ = quantization::InputQuantization::DynamicPerTensor;
    QParams input_qparams_{1.0f, 0};
    bool per_channel_ = true;
};

/// The interface checkpoints and size reports use.
class QuantizedModule {
public:
    virtual ~QuantizedModule() = default;
    /// The int8 weight: qint8, symmetric (zero-points 0), per output channel (axis 0) or per tensor.
    virtual const QuantizedTensor& qweight() const = 0;
    /// The float32 bias (undefined when the layer has none).
    virtual Tensor qbias() const = 0;
    virtual const QuantizedOptions& qoptions() const = 0;
    /// Bytes this layer keeps for inference, measured from what it holds: the int8 weight (1 byte
    /// per value), its float32 scales, the float32 bias — and the packed GEMM operand.
    virtual size_t nbytes() const = 0;
};

namespace detail {

/// Checks a weight can feed the integer GEMM: qint8, zero-points 0 (symmetric), per tensor or per
/// channel along axis 0. `what` names the layer in the message.
inline void check_gemm_weight(const QuantizedTensor& w, const char* what) {
    if (!w.defined())
        throw ValueError(fmt(what, ": the weight is undefined; hint: quantize a float layer, e.g. ", what,
                             "(linear)"));
    if (w.dtype() != kQInt8)
        throw ValueError(fmt(what, ": the weight must be QInt8, got ", qdtype_name(w.dtype()),
                             "; hint: weights are signed (int8), activations unsigned (uint8)"));
    if (is_per_channel(w.qscheme()) && w.axis() != 0)
        throw ValueError(fmt(what, ": a per-channel weight must have its channels along axis 0 (outputs), got axis ",
                             w.axis(), "; hint: quantize_per_channel(weight, scales, zero_points, 0, kQInt8)"));
    for (int32_t z : w.zero_points())
        if (z != 0)
            throw ValueError(fmt(what, ": the weight's zero-points must be 0 (symmetric), got ", z,
                                 "; hint: the integer GEMM corrects the input's zero-point only — quantize weights "
                                 "with a symmetric scheme (kPerChannelSymmetric)"));
    for (int64_t i = 0, n = w.numel(); i < n; ++i)
        if (w.value(i) == -128)
            throw ValueError(fmt(what, ": the weight holds -128 at position ", i,
                                 "; hint: symmetric int8 weights use [-127, 127] (choose_qparams with "
                                 "symmetric = true), so that +x and -x quantize alike"));
}

/// The quantized weight a float weight becomes: per output channel (axis 0) or per tensor,
/// symmetric qint8 in [-127, 127] — an observer of the weight, then quantize (§5).
inline QuantizedTensor quantize_weight(const Tensor& weight, bool per_channel) {
    // BEGIN SOLUTION: quantize_weight (§5)
    using namespace quantization;
    MinMaxObserver observer(ObserverOptions().dtype(kQInt8).qscheme(per_channel ? kPerChannelSymmetric
                                                                                 : kPerTensorSymmetric));
    observer.observe(weight);
    return quantize(weight, observer.calculate_qparams());
    // END SOLUTION
}

/// Per-thread scratch of quantized layers: the uint8 input, the int32 products, per-row qparams.
struct QuantizedScratch {
    std::vector<uint8_t> input;
    std::vector<int32_t> acc;
    std::vector<float> row_scale;
    std::vector<int32_t> row_zero_point;
    static QuantizedScratch& get() {
        thread_local QuantizedScratch s;
        return s;
    }
    void reserve(int64_t rows, int64_t input_bytes, int64_t products) {
        if (input.size() < static_cast<size_t>(input_bytes)) input.resize(static_cast<size_t>(input_bytes));
        if (acc.size() < static_cast<size_t>(products)) acc.resize(static_cast<size_t>(products));
        if (row_scale.size() < static_cast<size_t>(rows)) {
            row_scale.resize(static_cast<size_t>(rows));
            row_zero_point.resize(static_cast<size_t>(rows));
        }
    }
};

/// Weights packed for the current integer-GEMM kernel, one block per group (a convolution with
/// groups has one GEMM per group), made on first use and again when set_int_gemm_isa changes the
/// kernel. Shared by copies of a layer; safe to call from several threads.
class PackCache {
public:
    using Packs = std::vector<quantization::PackedWeights>;
    /// The packs for `isa`, made by make(isa) when missing or packed for another kernel.
    template <typename Make>
    std::shared_ptr<const Packs> get(quantization::GemmIsa isa, Make&& make) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!packs_ || isa_ != isa) {
            packs_ = std::make_shared<const Packs>(make(isa));
            isa_ = isa;
        }
        return packs_;
    }
    size_t nbytes() const {
        std::lock_guard<std::mutex> lock(mutex_);
        size_t n = 0;
        if (packs_)
            for (const auto& p : *packs_) n += p.nbytes();
        return n;
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Packs> packs_;
    quantization::GemmIsa isa_ = quantization::GemmIsa::Reference;
};

}  // namespace detail
}  // namespace tinytorch::nn
