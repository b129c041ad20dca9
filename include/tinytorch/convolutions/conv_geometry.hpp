// include/tinytorch/convolutions/conv_geometry.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §1
//
// The shape arithmetic of a 2-D convolution, checked once and shared by conv2d_naive,
// conv2d (im2col + GEMM) and its backward rule:
//     Ho = ⌊(H + 2·ph − dh·(kh − 1) − 1) / sh⌋ + 1          (the same for W)
// input [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] or undefined -> output [N, O, Ho, Wo].
// Pooling windows slide by the same formula (dilation 1): pool2d_geometry.
#pragma once
#include <cstdint>

#include "tinytorch/convolutions/int_pair.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// Output length of one spatial dim: ⌊(in + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1.
inline int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation) {
    // BEGIN SOLUTION: conv_output_size (§1)
    return (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
    // END SOLUTION
}

namespace detail {

/// Every size a convolution needs, for the whole tensor and for one group.
struct Conv2dGeometry {
    int64_t N = 0, C = 0, H = 0, W = 0;   ///< input [N, C, H, W]
    int64_t O = 0, kh = 0, kw = 0;        ///< weight [O, C/groups, kh, kw]
    int64_t sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1, groups = 1;
    int64_t Ho = 0, Wo = 0;               ///< output [N, O, Ho, Wo]
    int64_t Cg() const { return C / groups; }      ///< input channels per group
    int64_t Og() const { return O / groups; }      ///< output channels per group
    int64_t K() const { return Cg() * kh * kw; }   ///< rows of the column matrix: one per (c, ky, kx)
    int64_t L() const { return Ho * Wo; }          ///< columns: one per output position
    /// 1×1 kernel, stride 1, no padding: the input plane already *is* the column matrix.
    bool is_pointwise() const { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
};

inline std::string shape_or_undefined(const Tensor& t) {
    return t.defined() ? shape_str(t.shape()) : std::string("an undefined tensor");
}

/// Check the operands of a convolution and work out its sizes (the errors name `op`).
inline Conv2dGeometry conv2d_geometry(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias,
                                      IntPair stride, IntPair padding, IntPair dilation, int64_t groups) {
    if (!input.defined() || input.dim() != 4)
        throw ShapeError(fmt(op, ": expected input [N, C, H, W] (4 dims), got ", shape_or_undefined(input),
                             "; hint: a single image [C, H, W] needs a batch dim: x.unsqueeze(0)"));
    if (!weight.defined() || weight.dim() != 4)
        throw ShapeError(fmt(op, ": expected weight [out_channels, in_channels/groups, kh, kw] (4 dims), got ",
                             shape_or_undefined(weight), "; hint: a 3x3 kernel from 3 to 16 channels is [16, 3, 3, 3]"));
    if (groups <= 0)
        throw ValueError(fmt(op, ": groups must be positive, got ", groups, "; hint: groups=1 is an ordinary "
                             "convolution, groups=in_channels a depthwise one"));
    if (stride.h <= 0 || stride.w <= 0)
        throw ValueError(fmt(op, ": stride must be positive, got ", stride.str(), "; hint: stride 1 visits every "
                             "position, stride 2 every other one"));
    if (dilation.h <= 0 || dilation.w <= 0)
        throw ValueError(fmt(op, ": dilation must be positive, got ", dilation.str(), "; hint: dilation 1 is an "
                             "ordinary (dense) kernel"));
    if (padding.h < 0 || padding.w < 0)
        throw ValueError(fmt(op, ": padding must be >= 0, got ", padding.str(), "; hint: padding p adds p zeros on "
                             "each side; crop with narrow() instead of a negative padding"));
    Conv2dGeometry g;
    g.N = input.size(0), g.C = input.size(1), g.H = input.size(2), g.W = input.size(3);
    g.O = weight.size(0), g.kh = weight.size(2), g.kw = weight.size(3);
    g.sh = stride.h, g.sw = stride.w, g.ph = padding.h, g.pw = padding.w, g.dh = dilation.h, g.dw = dilation.w;
    g.groups = groups;
    if (g.C % groups != 0 || g.O % groups != 0)
        throw ValueError(fmt(op, ": groups=", groups, " must divide both in_channels (", g.C, ") and out_channels (",
                             g.O, "); hint: each group convolves C/groups input channels into O/groups outputs"));
    if (weight.size(1) * groups != g.C)
        throw ShapeError(fmt(op, ": expected input [N, ", weight.size(1) * groups, ", H, W], got ",
                             shape_str(input.shape()), "; hint: weight ", shape_str(weight.shape()), " with groups=",
                             groups, " needs ", weight.size(1) * groups, " input channels"));
    if (bias.defined() && (bias.dim() != 1 || bias.size(0) != g.O))
        throw ShapeError(fmt(op, ": expected bias [", g.O, "], got ", shape_str(bias.shape()),
                             "; hint: one bias per output channel, or an undefined Tensor() for none"));
    if (g.kh <= 0 || g.kw <= 0)
        throw ShapeError(fmt(op, ": the kernel must be at least 1x1, got weight ", shape_str(weight.shape()),
                             "; hint: weight is [out_channels, in_channels/groups, kh, kw]"));
    const int64_t eh = g.dh * (g.kh - 1) + 1, ew = g.dw * (g.kw - 1) + 1;  // the span a dilated kernel covers
    if (eh > g.H + 2 * g.ph || ew > g.W + 2 * g.pw)
        throw ShapeError(fmt(op, ": the kernel (", eh, "x", ew, " with dilation) is larger than the padded input (",
                             g.H + 2 * g.ph, "x", g.W + 2 * g.pw, ") of input ", shape_str(input.shape()),
                             "; hint: use a smaller kernel, more padding, or a larger image"));
    g.Ho = conv_output_size(g.H, g.kh, g.sh, g.ph, g.dh);
    g.Wo = conv_output_size(g.W, g.kw, g.sw, g.pw, g.dw);
    return g;
}

/// The sizes of a pooling window sliding over [N, C, H, W] (no dilation, no ceil mode).
struct Pool2dGeometry {
    int64_t N = 0, C = 0, H = 0, W = 0, kh = 0, kw = 0, sh = 1, sw = 1, ph = 0, pw = 0, Ho = 0, Wo = 0;
};

/// Check a pooling call and work out its output size (the errors name `op`). Like PyTorch,
/// the padding may be at most half the kernel, so every window holds at least one real pixel.
inline Pool2dGeometry pool2d_geometry(const char* op, const Tensor& input, IntPair kernel, IntPair stride,
                                      IntPair padding) {
    if (!input.defined() || input.dim() != 4)
        throw ShapeError(fmt(op, ": expected input [N, C, H, W] (4 dims), got ", shape_or_undefined(input),
                             "; hint: a single image [C, H, W] needs a batch dim: x.unsqueeze(0)"));
    if (kernel.h <= 0 || kernel.w <= 0)
        throw ValueError(fmt(op, ": kernel_size must be positive, got ", kernel.str(), "; hint: 2 pools 2x2 windows"));
    if (stride.h <= 0 || stride.w <= 0)
        throw ValueError(fmt(op, ": stride must be positive, got ", stride.str(),
                             "; hint: leave it out to use the kernel size (non-overlapping windows)"));
    if (padding.h < 0 || padding.w < 0 || 2 * padding.h > kernel.h || 2 * padding.w > kernel.w)
        throw ValueError(fmt(op, ": padding must be between 0 and half the kernel size, got padding ", padding.str(),
                             " for kernel ", kernel.str(), "; hint: a window must never lie entirely in the padding"));
    Pool2dGeometry g;
    g.N = input.size(0), g.C = input.size(1), g.H = input.size(2), g.W = input.size(3);
    g.kh = kernel.h, g.kw = kernel.w, g.sh = stride.h, g.sw = stride.w, g.ph = padding.h, g.pw = padding.w;
    if (g.kh > g.H + 2 * g.ph || g.kw > g.W + 2 * g.pw)
        throw ShapeError(fmt(op, ": the kernel ", kernel.str(), " is larger than the padded input (", g.H + 2 * g.ph,
                             "x", g.W + 2 * g.pw, ") of input ", shape_str(input.shape()),
                             "; hint: pool with a smaller window or pool fewer times"));
    g.Ho = conv_output_size(g.H, g.kh, g.sh, g.ph, 1);
    g.Wo = conv_output_size(g.W, g.kw, g.sw, g.pw, 1);
    return g;
}

}  // namespace detail
}  // namespace tinytorch
