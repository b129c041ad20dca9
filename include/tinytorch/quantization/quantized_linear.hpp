// include/tinytorch/quantization/quantized_linear.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §5
//
// nn::QuantizedLinear: y = x @ Wᵀ + b with int8 weights and an integer GEMM.
//   weight   qint8 [out, in], symmetric, one scale per output channel: W ≈ s_w[n] · q_w[n, k]
//   input    uint8, affine, quantized on every call:                   x ≈ s_x[m] · (q_x[m, k] − z_x[m])
//   product  Σ_k x[m, k]·W[n, k] ≈ s_x[m] · s_w[n] · (Σ_k q_x[m, k]·q_w[n, k]  −  z_x[m] · Σ_k q_w[n, k])
//                                                    └──── the integer GEMM ───┘   └─ row sums of q_w, once ─┘
// so y[m, n] = s_x[m]·s_w[n]·(C[m, n] − z_x[m]·rowsum[n]) + b[n]: everything inside the parentheses
// is an exact int32, the scales are applied once per output. The bias stays float32 (as in PyTorch).
//
//   nn::QuantizedLinear q(linear);                 // dynamic: the input range is measured per call
//   nn::QuantizedLinear s(linear, nn::QuantizedOptions().input(quantization::InputQuantization::Static)
//                                                    .input_qparams(observer.calculate_qparams().at()));
// Inference only: the output carries no gradient (quantization-aware training uses fake_quant.hpp).
#pragma once
#include <memory>
#include <string>
#include <utility>

#include "tinytorch/layers/linear.hpp"
#include "tinytorch/quantization/quantized_module.hpp"

namespace tinytorch::nn {

/// A Linear layer whose weight is stored as int8 and whose product is an integer GEMM.
/// x: [..., in] -> y: [..., out].
class QuantizedLinear : public Module, public QuantizedModule {
public:
    /// Quantize a float Linear: weight symmetric qint8 per output channel (or per tensor), bias kept.
    explicit QuantizedLinear(const Linear& linear, QuantizedOptions options = {});
    /// From its parts (what checkpoints load): weight qint8 [out, in], bias [out] or undefined.
    QuantizedLinear(QuantizedTensor weight, Tensor bias, QuantizedOptions options = {});

    Tensor forward(const Tensor& x) override;
    std::string extra_repr() const override;

    int64_t in_features() const { return in_; }
    int64_t out_features() const { return out_; }
    const QuantizedTensor& qweight() const override { return weight_; }
    Tensor qbias() const override { return bias; }
    const QuantizedOptions& qoptions() const override { return options_; }
    size_t nbytes() const override;
    /// Bytes of the weight packed for the current kernel (0 before the first forward).
    size_t packed_nbytes() const { return cache_->nbytes(); }
    /// The weight as float32 (dequantized): what the layer effectively multiplies by.
    Tensor dequantized_weight() const { return weight_.dequantize(); }

    Tensor bias;  ///< [out] float32 (a buffer: saved, never trained), undefined without bias

private:
    QuantizedTensor weight_;
    QuantizedOptions options_;
    int64_t in_ = 0, out_ = 0;
    std::vector<float> weight_scale_;  ///< [out]: the per-tensor scale repeated, or the channel scales
    std::shared_ptr<detail::PackCache> cache_ = std::make_shared<detail::PackCache>();
    std::shared_ptr<const detail::PackCache::Packs> packed() const;
};

// ================================================================================================
// definitions
// ================================================================================================

inline QuantizedLinear::QuantizedLinear(const Linear& linear, QuantizedOptions options)
    : QuantizedLinear(detail::quantize_weight(linear.weight.detach(), options.per_channel()),
                      linear.bias.defined() ? linear.bias.detach().clone() : Tensor(), options) {}

inline QuantizedLinear::QuantizedLinear(QuantizedTensor weight, Tensor bias_, QuantizedOptions options)
    : weight_(std::move(weight)), options_(options) {
    detail::check_gemm_weight(weight_, "QuantizedLinear");
    if (weight_.dim() != 2)
        throw ShapeError(fmt("QuantizedLinear: the weight must be [out, in], got ", shape_str(weight_.shape()),
                             "; hint: a Linear's weight is 2-D"));
    out_ = weight_.size(0);
    in_ = weight_.size(1);
    if (bias_.defined() && (bias_.dim() != 1 || bias_.size(0) != out_))
        throw ShapeError(fmt("QuantizedLinear: expected bias [", out_, "], got ", shape_str(bias_.shape()),
                             "; hint: one bias per output"));
    if (options_.input() == quantization::InputQuantization::Static)
        tinytorch::detail::check_qparam("QuantizedLinear (static input)", options_.input_qparams().scale,
                             options_.input_qparams().zero_point, kQUInt8);
    weight_scale_.resize(static_cast<size_t>(out_));
    for (int64_t n = 0; n < out_; ++n) weight_scale_[n] = weight_.scales()[weight_.scales().size() == 1 ? 0 : n];
    if (bias_.defined()) bias = register_buffer("bias", bias_.detach().contiguous());
}

inline std::shared_ptr<const detail::PackCache::Packs> QuantizedLinear::packed() const {
    return cache_->get(quantization::int_gemm_isa(), [&](quantization::GemmIsa isa) {
        detail::PackCache::Packs packs;
        packs.push_back(quantization::pack_weights(weight_.int8_data(), out_, in_, in_, isa));
        return packs;
    });
}

inline Tensor QuantizedLinear::forward(const Tensor& x) {
    if (!x.defined() || x.dim() == 0 || x.size(-1) != in_)
        throw ShapeError(fmt("QuantizedLinear: expected input [..., ", in_, "], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: the last dim of the input must equal in_features (", in_, ")"));
    const Tensor input = x.detach().contiguous();
    const int64_t M = input.numel() / std::max<int64_t>(in_, 1), K = in_, N = out_;
    Shape out_shape = input.shape();
    out_shape.back() = N;
    Tensor y = tinytorch::detail::empty_uninitialized(out_shape);
    if (M == 0) return y;
    const auto packs = packed();
    [[maybe_unused]] const quantization::PackedWeights& w = packs->front();
    detail::QuantizedScratch& s = detail::QuantizedScratch::get();
    s.reserve(M, M * K, M * N);
    [[maybe_unused]] const float* px = input.data_ptr();
    [[maybe_unused]] const float* pb = bias.defined() ? bias.data_ptr() : nullptr;
    [[maybe_unused]] float* py = y.data_ptr();
    // BEGIN SOLUTION: QuantizedLinear::forward (§5)
    // 1. the input as uint8 rows, with each row's scale and zero-point
    quantization::quantize_activations(px, M, K, K, options_.input(), options_.input_qparams(), s.input.data(), K,
                                       s.row_scale.data(), s.row_zero_point.data());
    // 2. C = q_x @ q_wᵀ in int32
    quantization::gemm_u8s8s32(M, s.input.data(), K, w, s.acc.data(), N);
    // 3. y = s_x·s_w·(C − z_x·rowsum) + b, the zero-point correction in exact int32
    for (int64_t m = 0; m < M; ++m) {
        const int32_t* c = s.acc.data() + m * N;
        const float sx = s.row_scale[m];
        const int32_t zx = s.row_zero_point[m];
        float* row = py + m * N;
        for (int64_t n = 0; n < N; ++n) {
            const float v = static_cast<float>(c[n] - zx * w.row_sums[n]) * (sx * weight_scale_[n]);
            row[n] = pb ? v + pb[n] : v;
        }
    }
    // END SOLUTION
    return y;
}

inline size_t QuantizedLinear::nbytes() const {
    return weight_.nbytes() + weight_.scales().size() * sizeof(float) +
           (bias.defined() ? static_cast<size_t>(bias.numel()) * sizeof(float) : 0) + packed_nbytes();
}

inline std::string QuantizedLinear::extra_repr() const {
    std::string s = fmt("in_features=", in_, ", out_features=", out_, ", bias=", bias.defined() ? "true" : "false",
                        ", weight=qint8 ", is_per_channel(weight_.qscheme()) ? "per-channel" : "per-tensor",
                        ", input=", quantization::input_quantization_name(options_.input()));
    if (options_.input() == quantization::InputQuantization::Static)
        s += fmt(" (scale=", options_.input_qparams().scale, ", zero_point=", options_.input_qparams().zero_point, ")");
    return s;
}

}  // namespace tinytorch::nn
