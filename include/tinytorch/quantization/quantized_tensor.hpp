// include/tinytorch/quantization/quantized_tensor.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §2
//
// QuantizedTensor really stores one byte per value (int8 for qint8, uint8 for quint8) plus its
// scale(s) and zero-point(s): a [256, 784] weight is 200 704 bytes + 256 scales, not 802 816
// bytes of float32 (the original TinyTorch kept "INT8" values in float32 tensors and computed
// the savings on paper).
//
//   QuantizedTensor q = quantize_per_tensor(x, 0.05, 128, kQUInt8);          // one scale, one zero-point
//   QuantizedTensor w = quantize_per_channel(W, scales, zero_points, 0, kQInt8);  // one per row of W
//   Tensor back = q.dequantize();                                              // (q − zp) · scale
//
// libtorch spells these the same (torch::quantize_per_tensor(x, scale, zero_point, torch::kQUInt8),
// q.dequantize(), q.int_repr(), q.q_scale(), q.q_per_channel_scales(), ...); there they return a
// Tensor of a quantized dtype, here a QuantizedTensor (docs/libtorch-differences.md).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/quantization/qparams.hpp"

namespace tinytorch {

/// A tensor of 8-bit integers with the scales and zero-points that give them meaning.
/// Copying shares the bytes (like Tensor); the values are immutable once made.
class QuantizedTensor {
public:
    QuantizedTensor() = default;  ///< undefined: defined() is false

    /// Assemble one from its parts (what quantize_per_* and the checkpoint reader do): `bytes`
    /// holds numel values (int8 or uint8 bit patterns), `scales`/`zero_points` one entry
    /// (per-tensor) or size(axis) entries (per-channel). Checked: sizes, positive finite scales,
    /// zero-points inside the dtype's range.
    QuantizedTensor(std::vector<uint8_t> bytes, Shape shape, QDtype dtype, QScheme qscheme, std::vector<float> scales,
                    std::vector<int32_t> zero_points, int64_t axis = 0);

    bool defined() const { return bytes_ != nullptr; }
    const Shape& shape() const { return shape_; }
    const Shape& sizes() const { return shape_; }
    int64_t dim() const { return static_cast<int64_t>(shape_.size()); }
    int64_t size(int64_t d) const { return shape_[normalize_dim(d, dim(), "QuantizedTensor::size")]; }
    int64_t numel() const { return numel_of(shape_); }
    QDtype dtype() const { return dtype_; }
    QScheme qscheme() const { return qscheme_; }

    /// Bytes the values occupy: one per value — the real storage, not an estimate.
    size_t nbytes() const { return bytes_ ? bytes_->size() : 0; }
    /// Bytes of the values plus the float32 scales and int32 zero-points kept beside them.
    size_t total_nbytes() const { return nbytes() + scales_.size() * sizeof(float) + zero_points_.size() * sizeof(int32_t); }

    /// The raw bytes, row-major (int8 or uint8 bit patterns).
    const uint8_t* bytes() const { return bytes_ ? bytes_->data() : nullptr; }
    /// The values as int8 (qint8 only) / uint8 (quint8 only): ValueError for the other dtype.
    const int8_t* int8_data() const;
    const uint8_t* uint8_data() const;
    /// Value i (row-major) as an integer.
    int32_t value(int64_t i) const {
        const uint8_t b = (*bytes_)[static_cast<size_t>(i)];
        return dtype_ == kQInt8 ? static_cast<int32_t>(static_cast<int8_t>(b)) : static_cast<int32_t>(b);
    }

    // ---- quantization parameters (libtorch's accessor names) ----------------------------------
    double q_scale() const;                ///< per-tensor schemes only
    int64_t q_zero_point() const;          ///< per-tensor schemes only
    Tensor q_per_channel_scales() const;   ///< per-channel schemes only: [size(axis)]
    Tensor q_per_channel_zero_points() const;  ///< [size(axis)], float32 holding whole numbers
    int64_t q_per_channel_axis() const;
    const std::vector<float>& scales() const { return scales_; }          ///< 1 or size(axis) entries
    const std::vector<int32_t>& zero_points() const { return zero_points_; }
    int64_t axis() const { return axis_; }

    /// (q − zero_point) · scale, float32, same shape.
    Tensor dequantize() const;
    /// The stored integers as a float32 tensor (for printing and tests; libtorch gives int8/uint8).
    Tensor int_repr() const;

    std::string to_string() const;

private:
    std::shared_ptr<const std::vector<uint8_t>> bytes_;
    Shape shape_;
    QDtype dtype_ = kQInt8;
    QScheme qscheme_ = kPerTensorAffine;
    std::vector<float> scales_;
    std::vector<int32_t> zero_points_;
    int64_t axis_ = 0;
    void check_defined(const char* op) const {
        if (!bytes_)
            throw ValueError(fmt(op, ": the quantized tensor is undefined; hint: make one with quantize_per_tensor ",
                                 "or quantize_per_channel"));
    }
};

/// Quantize with one scale and zero-point: q = clamp(round(x / scale) + zero_point, qmin, qmax).
/// qint8 stores [-128, 127], quint8 [0, 255]. ValueError for a scale <= 0 or not finite, a
/// zero-point outside the dtype's range, or NaN in x (what would it mean?); ±inf clamp.
QuantizedTensor quantize_per_tensor(const Tensor& x, double scale, int64_t zero_point, QDtype dtype);
/// Quantize with one scale and zero-point per slice along `axis`: scales and zero_points are
/// 1-D tensors of x.size(axis) entries (zero-points as whole numbers).
QuantizedTensor quantize_per_channel(const Tensor& x, const Tensor& scales, const Tensor& zero_points, int64_t axis,
                                     QDtype dtype);
/// The same, from std::vectors (what observers produce). `symmetric` only records the scheme.
QuantizedTensor quantize_per_channel(const Tensor& x, const std::vector<float>& scales,
                                     const std::vector<int32_t>& zero_points, int64_t axis, QDtype dtype,
                                     bool symmetric = false);
/// x̂ = (q − zero_point) · scale.
inline Tensor dequantize(const QuantizedTensor& q) { return q.dequantize(); }

// ================================================================================================
// definitions
// ================================================================================================

namespace detail {
inline void check_qparam(const char* op, double scale, int64_t zero_point, QDtype dtype) {
    const QRange r = qrange(dtype);
    if (!(scale > 0.0) || !std::isfinite(scale) || !std::isfinite(static_cast<float>(scale)) ||
        static_cast<float>(scale) <= 0.0f)
        throw ValueError(fmt(op, ": scale must be a positive finite float32, got ", scale,
                             "; hint: choose_qparams(min, max, dtype) gives one for a range"));
    if (zero_point < r.qmin || zero_point > r.qmax)
        throw ValueError(fmt(op, ": zero_point ", zero_point, " is outside ", qdtype_name(dtype), "'s range [", r.qmin,
                             ", ", r.qmax, "]; hint: the zero-point is the integer that stands for 0.0, so it must be ",
                             "one of the stored integers"));
}
/// The contiguous float values of x (any layout), checked for NaN.
inline Tensor quantize_input(const char* op, const Tensor& x) {
    if (!x.defined())
        throw ValueError(fmt(op, ": the input tensor is undefined; hint: pass a float tensor"));
    Tensor c = x.detach().contiguous();
    const float* p = c.data_ptr();
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
        if (std::isnan(p[i]))
            throw ValueError(fmt(op, ": the input holds NaN at position ", i, " of shape ", shape_str(x.shape()),
                                 "; hint: NaN has no integer to stand for it — find where it came from"));
    return c;
}
}  // namespace detail

inline QuantizedTensor::QuantizedTensor(std::vector<uint8_t> bytes, Shape shape, QDtype dtype, QScheme qscheme,
                                        std::vector<float> scales, std::vector<int32_t> zero_points, int64_t axis)
    : shape_(std::move(shape)), dtype_(dtype), qscheme_(qscheme), scales_(std::move(scales)),
      zero_points_(std::move(zero_points)) {
    const int64_t n = checked_numel(shape_, "QuantizedTensor");
    if (static_cast<int64_t>(bytes.size()) != n)
        throw ShapeError(fmt("QuantizedTensor: ", bytes.size(), " bytes for shape ", shape_str(shape_), " (", n,
                             " values); hint: one byte per value"));
    int64_t channels = 1;
    if (is_per_channel(qscheme_)) {
        if (shape_.empty())
            throw ShapeError("QuantizedTensor: a per-channel scheme needs at least one dimension; hint: use a "
                             "per-tensor scheme for a scalar");
        axis_ = normalize_dim(axis, static_cast<int64_t>(shape_.size()), "QuantizedTensor");
        channels = shape_[static_cast<size_t>(axis_)];
    }
    if (static_cast<int64_t>(scales_.size()) != channels || static_cast<int64_t>(zero_points_.size()) != channels)
        throw ShapeError(fmt("QuantizedTensor: ", qscheme_name(qscheme_), " over shape ", shape_str(shape_), " needs ",
                             channels, " scales and zero-points, got ", scales_.size(), " and ", zero_points_.size(),
                             "; hint: one pair per slice along the axis (per-channel) or one pair (per-tensor)"));
    for (size_t c = 0; c < scales_.size(); ++c) detail::check_qparam("QuantizedTensor", scales_[c], zero_points_[c], dtype_);
    bytes_ = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
}

inline const int8_t* QuantizedTensor::int8_data() const {
    check_defined("int8_data");
    if (dtype_ != kQInt8)
        throw ValueError("int8_data: the tensor is QUInt8; hint: read it with uint8_data()");
    return reinterpret_cast<const int8_t*>(bytes_->data());
}
inline const uint8_t* QuantizedTensor::uint8_data() const {
    check_defined("uint8_data");
    if (dtype_ != kQUInt8)
        throw ValueError("uint8_data: the tensor is QInt8; hint: read it with int8_data()");
    return bytes_->data();
}

inline double QuantizedTensor::q_scale() const {
    check_defined("q_scale");
    if (is_per_channel(qscheme_))
        throw ValueError(fmt("q_scale: the tensor is ", qscheme_name(qscheme_), "; hint: use q_per_channel_scales()"));
    return scales_[0];
}
inline int64_t QuantizedTensor::q_zero_point() const {
    check_defined("q_zero_point");
    if (is_per_channel(qscheme_))
        throw ValueError(fmt("q_zero_point: the tensor is ", qscheme_name(qscheme_),
                             "; hint: use q_per_channel_zero_points()"));
    return zero_points_[0];
}
inline Tensor QuantizedTensor::q_per_channel_scales() const {
    check_defined("q_per_channel_scales");
    if (!is_per_channel(qscheme_))
        throw ValueError(fmt("q_per_channel_scales: the tensor is ", qscheme_name(qscheme_), "; hint: use q_scale()"));
    return Tensor(std::vector<float>(scales_.begin(), scales_.end()), {static_cast<int64_t>(scales_.size())});
}
inline Tensor QuantizedTensor::q_per_channel_zero_points() const {
    check_defined("q_per_channel_zero_points");
    if (!is_per_channel(qscheme_))
        throw ValueError(fmt("q_per_channel_zero_points: the tensor is ", qscheme_name(qscheme_),
                             "; hint: use q_zero_point()"));
    std::vector<float> z(zero_points_.begin(), zero_points_.end());
    return Tensor(std::move(z), {static_cast<int64_t>(zero_points_.size())});
}
inline int64_t QuantizedTensor::q_per_channel_axis() const {
    check_defined("q_per_channel_axis");
    if (!is_per_channel(qscheme_))
        throw ValueError(fmt("q_per_channel_axis: the tensor is ", qscheme_name(qscheme_), "; hint: it has no axis"));
    return axis_;
}

inline Tensor QuantizedTensor::int_repr() const {
    check_defined("int_repr");
    Tensor out = empty(shape_);
    float* o = out.data_ptr();
    for (int64_t i = 0, n = numel(); i < n; ++i) o[i] = static_cast<float>(value(i));
    return out;
}

inline Tensor QuantizedTensor::dequantize() const {
    check_defined("dequantize");
    Tensor out = empty(shape_);
    // BEGIN SOLUTION: QuantizedTensor::dequantize (§2)
    float* o = out.data_ptr();
    const int64_t n = numel();
    if (!is_per_channel(qscheme_)) {
        for (int64_t i = 0; i < n; ++i) o[i] = detail::dequantize_one(value(i), scales_[0], zero_points_[0]);
    } else {
        // element i of a row-major tensor belongs to channel (i / inner) % channels
        const int64_t channels = shape_[static_cast<size_t>(axis_)];
        int64_t inner = 1;
        for (size_t d = static_cast<size_t>(axis_) + 1; d < shape_.size(); ++d) inner *= shape_[d];
        for (int64_t i = 0; i < n; ++i) {
            const int64_t c = (i / inner) % channels;
            o[i] = detail::dequantize_one(value(i), scales_[c], zero_points_[c]);
        }
    }
    // END SOLUTION
    return out;
}

inline std::string QuantizedTensor::to_string() const {
    if (!bytes_) return "QuantizedTensor(undefined)";
    std::string s = fmt("QuantizedTensor(shape=", shape_str(shape_), ", dtype=", qdtype_name(dtype_),
                        ", qscheme=", qscheme_name(qscheme_));
    if (is_per_channel(qscheme_)) s += fmt(", axis=", axis_, ", channels=", scales_.size());
    else s += fmt(", scale=", scales_[0], ", zero_point=", zero_points_[0]);
    return s + ")";
}

inline QuantizedTensor quantize_per_tensor(const Tensor& x, double scale, int64_t zero_point, QDtype dtype) {
    detail::check_qparam("quantize_per_tensor", scale, zero_point, dtype);
    const Tensor c = detail::quantize_input("quantize_per_tensor", x);
    std::vector<uint8_t> bytes(static_cast<size_t>(c.numel()));
    // BEGIN SOLUTION: quantize_per_tensor (§2)
    const QRange r = qrange(dtype);
    const float s = static_cast<float>(scale);
    const int32_t zp = static_cast<int32_t>(zero_point);
    const float* p = c.data_ptr();
    for (size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<uint8_t>(detail::quantize_one(p[i], s, zp, r.qmin, r.qmax));  // int8 bits as uint8
    // END SOLUTION
    return QuantizedTensor(std::move(bytes), c.shape(), dtype, kPerTensorAffine, {static_cast<float>(scale)},
                           {static_cast<int32_t>(zero_point)});
}

inline QuantizedTensor quantize_per_channel(const Tensor& x, const std::vector<float>& scales,
                                            const std::vector<int32_t>& zero_points, int64_t axis, QDtype dtype,
                                            bool symmetric) {
    const Tensor c = detail::quantize_input("quantize_per_channel", x);
    if (c.dim() == 0)
        throw ShapeError("quantize_per_channel: the input is a scalar (0-dim); hint: per-channel quantization needs "
                         "a dimension to take channels from; use quantize_per_tensor");
    const int64_t ax = normalize_dim(axis, c.dim(), "quantize_per_channel");
    const int64_t channels = c.size(ax);
    if (static_cast<int64_t>(scales.size()) != channels || static_cast<int64_t>(zero_points.size()) != channels)
        throw ShapeError(fmt("quantize_per_channel: input ", shape_str(c.shape()), " has ", channels,
                             " channels along axis ", ax, ", got ", scales.size(), " scales and ", zero_points.size(),
                             " zero-points; hint: one scale and one zero-point per channel"));
    for (int64_t k = 0; k < channels; ++k) detail::check_qparam("quantize_per_channel", scales[k], zero_points[k], dtype);
    std::vector<uint8_t> bytes(static_cast<size_t>(c.numel()));
    // BEGIN SOLUTION: quantize_per_channel (§2)
    const QRange r = qrange(dtype);
    int64_t inner = 1;
    for (int64_t d = ax + 1; d < c.dim(); ++d) inner *= c.size(d);
    const float* p = c.data_ptr();
    for (size_t i = 0; i < bytes.size(); ++i) {
        const int64_t k = (static_cast<int64_t>(i) / inner) % channels;
        bytes[i] = static_cast<uint8_t>(detail::quantize_one(p[i], scales[k], zero_points[k], r.qmin, r.qmax));
    }
    // END SOLUTION
    return QuantizedTensor(std::move(bytes), c.shape(), dtype, symmetric ? kPerChannelSymmetric : kPerChannelAffine,
                           scales, zero_points, ax);
}

inline QuantizedTensor quantize_per_channel(const Tensor& x, const Tensor& scales, const Tensor& zero_points,
                                            int64_t axis, QDtype dtype) {
    if (!scales.defined() || !zero_points.defined() || scales.dim() != 1 || zero_points.dim() != 1)
        throw ShapeError(fmt("quantize_per_channel: scales and zero_points must be 1-D tensors, got ",
                             scales.defined() ? shape_str(scales.shape()) : std::string("undefined"), " and ",
                             zero_points.defined() ? shape_str(zero_points.shape()) : std::string("undefined"),
                             "; hint: one entry per channel"));
    std::vector<float> s = scales.to_vector();
    std::vector<int32_t> z;
    for (float v : zero_points.to_vector()) {
        if (v != std::floor(v))
            throw ValueError(fmt("quantize_per_channel: zero-point ", v, " is not a whole number; hint: zero-points ",
                                 "are integers (the stored integer that stands for 0.0)"));
        z.push_back(static_cast<int32_t>(std::max(-1e9f, std::min(1e9f, v))));
    }
    return quantize_per_channel(x, s, z, axis, dtype);
}

}  // namespace tinytorch
