// include/tinytorch/quantization/quantized_conv2d.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §6
//
// nn::QuantizedConv2d: a convolution as ONE integer GEMM per group of images, the way module 09
// runs the float one — but with the patches as *rows* (im2row) rather than columns, because the
// integer GEMM multiplies uint8 rows of A by int8 rows of the weight:
//     A [B·Ho·Wo, Cg·kh·kw]  uint8, row (n, oy, ox) = the receptive field of output (oy, ox) of image n
//     W [Og, Cg·kh·kw]       int8, one row per output channel (the weight [O, Cg, kh, kw] as it is)
//     C = A · Wᵀ             int32 [B·Ho·Wo, Og]  ->  out[n, o, oy, ox] = s_x·s_w[o]·(C − z_x·rowsum[o]) + b[o]
// The input is quantized once (a uint8 copy of the batch), then im2row copies bytes, not floats.
// Zero padding is padding with the *zero-point*: the integer that stands for 0.0 — which is why
// 0.0 must be exactly representable (qparams.hpp).
// Input quantization: static (calibrated, the usual for convolutions) or dynamic per tensor.
#pragma once
#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "tinytorch/convolutions/conv2d_layer.hpp"
#include "tinytorch/quantization/quantized_module.hpp"

namespace tinytorch::nn {

namespace detail {
/// One image's channels x [C, H, W] (uint8, C = g.Cg()) -> rows [Ho·Wo, C·kh·kw], `ld` bytes apart:
/// rows[(oy·Wo + ox)·ld + (c·kh + ky)·kw + kx] = x[c, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw],
/// or `pad` (the zero-point) where that position lies in the padding.
inline void im2row_u8(const uint8_t* x, const tinytorch::detail::Conv2dGeometry& g, uint8_t pad, uint8_t* rows,
                      int64_t ld) {
    // BEGIN SOLUTION: im2row_u8 (§6)
    const int64_t C = g.Cg();
    for (int64_t oy = 0; oy < g.Ho; ++oy)
        for (int64_t ox = 0; ox < g.Wo; ++ox) {
            uint8_t* row = rows + (oy * g.Wo + ox) * ld;
            for (int64_t c = 0; c < C; ++c)
                for (int64_t ky = 0; ky < g.kh; ++ky) {
                    const int64_t iy = oy * g.sh - g.ph + ky * g.dh;
                    uint8_t* dst = row + (c * g.kh + ky) * g.kw;
                    if (iy < 0 || iy >= g.H) {
                        std::fill(dst, dst + g.kw, pad);
                        continue;
                    }
                    const uint8_t* src = x + (c * g.H + iy) * g.W;
                    for (int64_t kx = 0; kx < g.kw; ++kx) {
                        const int64_t ix = ox * g.sw - g.pw + kx * g.dw;
                        dst[kx] = ix < 0 || ix >= g.W ? pad : src[ix];
                    }
                }
        }
    // END SOLUTION
}
}  // namespace detail

/// A Conv2d whose weight is int8 and whose product is an integer GEMM.
/// x [N, in, H, W] -> y [N, out, Ho, Wo], same geometry (stride, padding, dilation, groups).
class QuantizedConv2d : public Module, public QuantizedModule {
public:
    /// Quantize a float Conv2d: weight symmetric qint8 per output channel, bias kept in float32.
    /// `options.input()` must be Static (with its calibrated pair) or DynamicPerTensor.
    explicit QuantizedConv2d(const Conv2d& conv, QuantizedOptions options = {});
    /// From its parts (what checkpoints load): weight qint8 [out, in/groups, kh, kw].
    QuantizedConv2d(QuantizedTensor weight, Tensor bias, Conv2dOptions conv_options, QuantizedOptions options = {});

    Tensor forward(const Tensor& x) override;
    std::string extra_repr() const override;

    const Conv2dOptions& conv_options() const { return conv_; }
    const QuantizedTensor& qweight() const override { return weight_; }
    Tensor qbias() const override { return bias; }
    const QuantizedOptions& qoptions() const override { return options_; }
    size_t nbytes() const override;
    Tensor dequantized_weight() const { return weight_.dequantize(); }

    Tensor bias;  ///< [out] float32 buffer, undefined without bias

private:
    QuantizedTensor weight_;
    Conv2dOptions conv_;
    QuantizedOptions options_;
    std::vector<float> weight_scale_;  ///< [out]
    std::shared_ptr<detail::PackCache> cache_ = std::make_shared<detail::PackCache>();
    std::shared_ptr<const detail::PackCache::Packs> packed() const;
};

// ================================================================================================
// definitions
// ================================================================================================

inline QuantizedConv2d::QuantizedConv2d(const Conv2d& conv, QuantizedOptions options)
    : QuantizedConv2d(detail::quantize_weight(conv.weight.detach(), options.per_channel()),
                      conv.bias.defined() ? conv.bias.detach().clone() : Tensor(), conv.options(), options) {}

inline QuantizedConv2d::QuantizedConv2d(QuantizedTensor weight, Tensor bias_, Conv2dOptions conv_options,
                                        QuantizedOptions options)
    : weight_(std::move(weight)), conv_(conv_options), options_(options) {
    detail::check_gemm_weight(weight_, "QuantizedConv2d");
    const IntPair k = conv_.kernel_size();
    const Shape expected{conv_.out_channels(), conv_.in_channels() / std::max<int64_t>(1, conv_.groups()), k.h, k.w};
    if (weight_.shape() != expected)
        throw ShapeError(fmt("QuantizedConv2d: the weight must be ", shape_str(expected), " for ", conv_.in_channels(),
                             " -> ", conv_.out_channels(), " channels, kernel ", k.str(), ", groups ", conv_.groups(),
                             ", got ", shape_str(weight_.shape()), "; hint: [out, in/groups, kh, kw]"));
    if (bias_.defined() && (bias_.dim() != 1 || bias_.size(0) != conv_.out_channels()))
        throw ShapeError(fmt("QuantizedConv2d: expected bias [", conv_.out_channels(), "], got ",
                             shape_str(bias_.shape()), "; hint: one bias per output channel"));
    if (options_.input() == quantization::InputQuantization::DynamicPerRow)
        throw ValueError("QuantizedConv2d: per-row input quantization is not supported for convolutions; hint: use "
                         "InputQuantization::Static (calibrated) or DynamicPerTensor");
    if (options_.input() == quantization::InputQuantization::Static)
        tinytorch::detail::check_qparam("QuantizedConv2d (static input)", options_.input_qparams().scale,
                                        options_.input_qparams().zero_point, kQUInt8);
    const int64_t O = conv_.out_channels();
    weight_scale_.resize(static_cast<size_t>(O));
    for (int64_t o = 0; o < O; ++o) weight_scale_[o] = weight_.scales()[weight_.scales().size() == 1 ? 0 : o];
    if (bias_.defined()) bias = register_buffer("bias", bias_.detach().contiguous());
}

inline std::shared_ptr<const detail::PackCache::Packs> QuantizedConv2d::packed() const {
    return cache_->get(quantization::int_gemm_isa(), [&](quantization::GemmIsa isa) {
        const int64_t groups = conv_.groups(), Og = conv_.out_channels() / groups;
        const int64_t K = weight_.numel() / std::max<int64_t>(1, conv_.out_channels());
        detail::PackCache::Packs packs;
        for (int64_t gi = 0; gi < groups; ++gi)
            packs.push_back(quantization::pack_weights(weight_.int8_data() + gi * Og * K, Og, K, K, isa));
        return packs;
    });
}

inline Tensor QuantizedConv2d::forward(const Tensor& x) {
    if (!x.defined() || x.dim() != 4 || x.size(1) != conv_.in_channels())
        throw ShapeError(fmt("QuantizedConv2d: expected input [N, ", conv_.in_channels(), ", H, W], got ",
                             tinytorch::detail::shape_or_undefined(x), "; hint: in_channels is ", conv_.in_channels()));
    const Tensor input = x.detach().contiguous();
    // the float layer's geometry check (same errors as conv2d), on a weight-shaped placeholder
    const tinytorch::detail::Conv2dGeometry g = tinytorch::detail::conv2d_geometry(
        "QuantizedConv2d", input, tinytorch::detail::empty_uninitialized(weight_.shape()), Tensor(), conv_.stride(),
        conv_.padding(), conv_.dilation(), conv_.groups());
    Tensor out = tinytorch::detail::empty_uninitialized({g.N, g.O, g.Ho, g.Wo});
    if (g.N == 0 || g.L() == 0) return out;
    const auto packs = packed();
    const int64_t K = g.K(), L = g.L(), Og = g.Og(), CHW = g.C * g.H * g.W;
    // images per GEMM: about 1024 rows, as module 09's float convolution does
    const int64_t B = std::clamp<int64_t>((1024 + L - 1) / L, 1, g.N);
    detail::QuantizedScratch& s = detail::QuantizedScratch::get();
    s.reserve(1, g.N * CHW, B * L * Og);
    thread_local std::vector<uint8_t> rows;
    if (rows.size() < static_cast<size_t>(B * L * K)) rows.resize(static_cast<size_t>(B * L * K));
    [[maybe_unused]] const float* pb = bias.defined() ? bias.data_ptr() : nullptr;
    [[maybe_unused]] float* po = out.data_ptr();
    // BEGIN SOLUTION: QuantizedConv2d::forward (§6)
    // 1. the whole batch as uint8, one scale and zero-point (static: calibrated; dynamic: this batch)
    quantization::quantize_activations(input.data_ptr(), 1, g.N * CHW, 0, options_.input(), options_.input_qparams(),
                                       s.input.data(), 0, s.row_scale.data(), s.row_zero_point.data());
    const float sx = s.row_scale[0];
    const int32_t zx = s.row_zero_point[0];
    // 2. per group of nb images and per conv group: im2row, one GEMM, then dequantize into out
    for (int64_t n0 = 0; n0 < g.N; n0 += B) {
        const int64_t nb = std::min(B, g.N - n0);
        for (int64_t gi = 0; gi < g.groups; ++gi) {
            const quantization::PackedWeights& w = (*packs)[static_cast<size_t>(gi)];
            for (int64_t j = 0; j < nb; ++j)
                detail::im2row_u8(s.input.data() + (n0 + j) * CHW + gi * g.Cg() * g.H * g.W, g,
                                  static_cast<uint8_t>(zx), rows.data() + j * L * K, K);
            quantization::gemm_u8s8s32(nb * L, rows.data(), K, w, s.acc.data(), Og);
            for (int64_t j = 0; j < nb; ++j)
                for (int64_t o = 0; o < Og; ++o) {
                    const int64_t oc = gi * Og + o;
                    const float scale = sx * weight_scale_[oc], b = pb ? pb[oc] : 0.0f;
                    const int32_t correction = zx * w.row_sums[o];
                    const int32_t* c = s.acc.data() + j * L * Og + o;  // column o of C, stride Og
                    float* dst = po + ((n0 + j) * g.O + oc) * L;
                    for (int64_t l = 0; l < L; ++l) dst[l] = static_cast<float>(c[l * Og] - correction) * scale + b;
                }
        }
    }
    // END SOLUTION
    return out;
}

inline size_t QuantizedConv2d::nbytes() const {
    return weight_.nbytes() + weight_.scales().size() * sizeof(float) +
           (bias.defined() ? static_cast<size_t>(bias.numel()) * sizeof(float) : 0) + cache_->nbytes();
}

inline std::string QuantizedConv2d::extra_repr() const {
    const Conv2dOptions& o = conv_;
    std::string s = fmt(o.in_channels(), ", ", o.out_channels(), ", kernel_size=", o.kernel_size().str(),
                        ", stride=", o.stride().str());
    if (!(o.padding() == IntPair(0))) s += fmt(", padding=", o.padding().str());
    if (!(o.dilation() == IntPair(1))) s += fmt(", dilation=", o.dilation().str());
    if (o.groups() != 1) s += fmt(", groups=", o.groups());
    s += fmt(", weight=qint8 ", is_per_channel(weight_.qscheme()) ? "per-channel" : "per-tensor",
             ", input=", quantization::input_quantization_name(options_.input()));
    if (options_.input() == quantization::InputQuantization::Static)
        s += fmt(" (scale=", options_.input_qparams().scale, ", zero_point=", options_.input_qparams().zero_point, ")");
    return s;
}

}  // namespace tinytorch::nn
