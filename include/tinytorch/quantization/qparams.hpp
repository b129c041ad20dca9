// include/tinytorch/quantization/qparams.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §1
//
// Affine quantization maps a real number x to an integer q of a small type and back:
//     q = clamp(round(x / scale) + zero_point, qmin, qmax)          dequantized: x̂ = (q − zero_point) · scale
// This file holds the integer types (qint8 = int8 [-128, 127], quint8 = uint8 [0, 255] — PyTorch's
// names), the schemes (per tensor or per channel, affine or symmetric) and choose_qparams: the
// scale and zero-point that map a range [min, max] onto the integers.
//
// Two rules make quantization exact where it matters:
//   * 0.0 is always representable: zero padding, ReLU's zeros and a layer without bias must stay
//     exactly 0. So the range is first widened to include 0, and the scale is computed from the
//     *widened* range. The zero-point then lands inside [qmin, qmax] by construction. (The
//     original TinyTorch computed the scale from [min, max] and then clamped the zero-point,
//     which shifts every value by up to (min / scale) steps — a silent bias when min > 0.)
//   * symmetric int8 uses [-127, 127] with zero-point 0, scale = max|x| / 127: the range is
//     symmetric around 0, and the integer GEMM never sees -128 (see int_gemm.hpp).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// The integer type a quantized tensor stores: 1 byte per value either way.
enum class QDtype : int8_t { QInt8, QUInt8 };
inline constexpr QDtype kQInt8 = QDtype::QInt8;    ///< int8,  [-128, 127] (torch::kQInt8)
inline constexpr QDtype kQUInt8 = QDtype::QUInt8;  ///< uint8, [0, 255]    (torch::kQUInt8)

/// How scale and zero-point are shared: one pair for the whole tensor, or one per channel (a
/// slice along `axis`); affine = any zero-point, symmetric = zero-point fixed (0 for qint8,
/// 128 for quint8) and the range symmetric around 0.
enum class QScheme : int8_t { PerTensorAffine, PerTensorSymmetric, PerChannelAffine, PerChannelSymmetric };
inline constexpr QScheme kPerTensorAffine = QScheme::PerTensorAffine;
inline constexpr QScheme kPerTensorSymmetric = QScheme::PerTensorSymmetric;
inline constexpr QScheme kPerChannelAffine = QScheme::PerChannelAffine;
inline constexpr QScheme kPerChannelSymmetric = QScheme::PerChannelSymmetric;

inline bool is_per_channel(QScheme s) { return s == kPerChannelAffine || s == kPerChannelSymmetric; }
inline bool is_symmetric(QScheme s) { return s == kPerTensorSymmetric || s == kPerChannelSymmetric; }

/// "QInt8" / "QUInt8"; "per_tensor_affine", ... (PyTorch's spellings).
inline std::string qdtype_name(QDtype d) { return d == kQInt8 ? "QInt8" : "QUInt8"; }
inline std::string qscheme_name(QScheme s) {
    switch (s) {
        case kPerTensorAffine: return "per_tensor_affine";
        case kPerTensorSymmetric: return "per_tensor_symmetric";
        case kPerChannelAffine: return "per_channel_affine";
        default: return "per_channel_symmetric";
    }
}

/// The integers a dtype may hold: qint8 [-128, 127], quint8 [0, 255]. With `symmetric`, qint8
/// gives up -128 ([-127, 127]) so that the range is symmetric around its zero-point 0.
struct QRange {
    int32_t qmin, qmax;
};
inline QRange qrange(QDtype dtype, bool symmetric = false) {
    if (dtype == kQInt8) return {symmetric ? -127 : -128, 127};
    return {0, 255};
}

/// One scale and one zero-point.
struct QParams {
    float scale = 1.0f;
    int32_t zero_point = 0;
};

namespace detail {
/// q = clamp(round(x / scale) + zp, qmin, qmax), round half to even (std::nearbyint, what the
/// vector instructions do too). The clamp is applied to x / scale *before* rounding (the bounds
/// qmin − zp, qmax − zp are integers, so the result is the same) so that ±inf clamp too; NaN
/// gives qmin, as the vector code's max instruction does.
inline int32_t quantize_one(float x, float scale, int32_t zero_point, int32_t qmin, int32_t qmax) {
    float v = x / scale;
    const float lo = static_cast<float>(qmin - zero_point), hi = static_cast<float>(qmax - zero_point);
    v = !(v >= lo) ? lo : v;  // also NaN -> lo
    v = v > hi ? hi : v;
    return static_cast<int32_t>(std::nearbyint(v)) + zero_point;
}
inline float dequantize_one(int32_t q, float scale, int32_t zero_point) {
    return static_cast<float>(q - zero_point) * scale;
}
}  // namespace detail

/// The scale and zero-point that map [min, max] onto `dtype`'s integers (lesson §1):
///   affine:    [lo, hi] = [min(min, 0), max(max, 0)];  scale = (hi − lo) / (qmax − qmin);
///              zero_point = qmin − round(lo / scale)   (inside [qmin, qmax] because lo <= 0 <= hi)
///   symmetric: a = max(|min|, |max|);  qint8: scale = a / 127, zero_point 0 (range [-127, 127]);
///              quint8: scale = a / 127.5, zero_point 128 (PyTorch's symmetric quint8)
/// A zero range (all values 0) gives scale 1 (any scale represents 0 exactly); the scale is at
/// least float epsilon so that x / scale stays finite. ValueError for a non-finite or inverted range.
inline QParams choose_qparams(float min, float max, QDtype dtype, bool symmetric = false) {
    if (!std::isfinite(min) || !std::isfinite(max))
        throw ValueError(fmt("choose_qparams: the range [", min, ", ", max, "] is not finite; hint: the observed ",
                             "tensor holds inf or NaN — check the data or the layer that produced it"));
    if (min > max)
        throw ValueError(fmt("choose_qparams: min ", min, " > max ", max, "; hint: observe a tensor before asking ",
                             "for its quantization parameters"));
    QParams p;
    // BEGIN SOLUTION: choose_qparams (§1)
    const QRange r = qrange(dtype, symmetric);
    const double eps = std::numeric_limits<float>::epsilon();
    const double lo = std::min<double>(min, 0.0), hi = std::max<double>(max, 0.0);  // 0 must be representable
    if (symmetric) {
        const double a = std::max(-lo, hi);
        // qint8 [-127, 127]: 127 steps each side of 0; quint8 [0, 255] around 128: 127.5 steps
        const double steps = dtype == kQInt8 ? 127.0 : 127.5;
        p.scale = a == 0.0 ? 1.0f : static_cast<float>(std::max(a / steps, eps));
        p.zero_point = dtype == kQInt8 ? 0 : 128;
    } else {
        const double range = hi - lo;
        p.scale = range == 0.0 ? 1.0f : static_cast<float>(std::max(range / (r.qmax - r.qmin), eps));
        // lo / scale lies in [-(qmax - qmin), 0], so the zero-point needs no clamp; the clamp below
        // only guards the last bit of float rounding, and the scale was already made to fit.
        const double zp = r.qmin - std::nearbyint(lo / static_cast<double>(p.scale));
        p.zero_point = static_cast<int32_t>(std::clamp<double>(zp, r.qmin, r.qmax));
    }
    // END SOLUTION
    return p;
}

}  // namespace tinytorch
