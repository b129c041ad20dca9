// include/tinytorch/convolutions/conv2d.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §2 (the definition),
//                            §3 (im2col + GEMM), §4 (backward)
//
// out[n, o, y, x] = b[o] + Σ_{c, ky, kx} in[n, gi·Cg + c, y·sh − ph + ky·dh, x·sw − pw + kx·dw] · w[o, c, ky, kx]
// with gi = o / (O/groups) the group of output channel o, Cg = C/groups, and 0 in the padding.
// shapes: input [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] (optional) -> [N, O, Ho, Wo]
//
//   conv2d_naive — the six loops of the definition: used by tests and the lesson.
//   conv2d       — im2col + GEMM, one image per thread: the same numbers, ~100x faster.
// conv2d records the node "conv2d" (inputs: input, weight, bias; ints: sh, sw, ph, pw, dh, dw,
// groups); this module registers its backward rule below (module 06 came first).
#pragma once
#include <Eigen/Core>
#include <mutex>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/convolutions/conv_geometry.hpp"
#include "tinytorch/convolutions/im2col.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// The definition, loop by loop (no GEMM, not recorded): the reference conv2d is tested against.
inline Tensor conv2d_naive(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
                           IntPair stride = 1, IntPair padding = 0, IntPair dilation = 1, int64_t groups = 1) {
    const detail::Conv2dGeometry g =
        detail::conv2d_geometry("conv2d_naive", input, weight, bias, stride, padding, dilation, groups);
    const Tensor x = input.detach().contiguous(), w = weight.detach().contiguous();
    const Tensor b = bias.defined() ? bias.detach().contiguous() : Tensor();
    Tensor out = empty({g.N, g.O, g.Ho, g.Wo});
    // BEGIN SOLUTION: conv2d_naive (§2)
    const float* px = x.data_ptr();
    const float* pw = w.data_ptr();
    float* po = out.data_ptr();
    const int64_t Cg = g.Cg(), Og = g.Og();
    for (int64_t n = 0; n < g.N; ++n)
        for (int64_t o = 0; o < g.O; ++o) {
            const int64_t first_channel = (o / Og) * Cg;  // the group's first input channel
            for (int64_t y = 0; y < g.Ho; ++y)
                for (int64_t xo = 0; xo < g.Wo; ++xo) {
                    float acc = b.defined() ? b.data_ptr()[o] : 0.0f;
                    for (int64_t c = 0; c < Cg; ++c)
                        for (int64_t ky = 0; ky < g.kh; ++ky)
                            for (int64_t kx = 0; kx < g.kw; ++kx) {
                                const int64_t iy = y * g.sh - g.ph + ky * g.dh, ix = xo * g.sw - g.pw + kx * g.dw;
                                if (iy < 0 || iy >= g.H || ix < 0 || ix >= g.W) continue;  // zero padding
                                acc += px[((n * g.C + first_channel + c) * g.H + iy) * g.W + ix] *
                                       pw[((o * Cg + c) * g.kh + ky) * g.kw + kx];
                            }
                    po[((n * g.O + o) * g.Ho + y) * g.Wo + xo] = acc;
                }
        }
    // END SOLUTION
    return out;
}

/// The fast path: per image and group, cols = im2col(x) [Cg·kh·kw, Ho·Wo], then
/// out[Og, Ho·Wo] = W_g [Og, Cg·kh·kw] @ cols (Eigen GEMM), + bias. Images run in parallel,
/// each thread with its own column buffer. A 1×1 stride-1 convolution needs no im2col at all.
inline Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(), IntPair stride = 1,
                     IntPair padding = 0, IntPair dilation = 1, int64_t groups = 1) {
    const detail::Conv2dGeometry g =
        detail::conv2d_geometry("conv2d", input, weight, bias, stride, padding, dilation, groups);
    const Tensor x = input.detach().contiguous(), w = weight.detach().contiguous();
    const Tensor b = bias.defined() ? bias.detach().contiguous() : Tensor();
    Tensor out = empty({g.N, g.O, g.Ho, g.Wo});
    // BEGIN SOLUTION: conv2d (§3)
    const float* px = x.data_ptr();
    const float* pw = w.data_ptr();
    const float* pb = b.defined() ? b.data_ptr() : nullptr;
    float* po = out.data_ptr();
    const int64_t K = g.K(), L = g.L(), Cg = g.Cg(), Og = g.Og();
    const bool pointwise = g.is_pointwise();
    detail::parallel_for(g.N, 1, [&](int64_t lo, int64_t hi) {
        float* cols = pointwise ? nullptr : detail::thread_scratch(static_cast<size_t>(K * L), 0);
        for (int64_t n = lo; n < hi; ++n)
            for (int64_t gi = 0; gi < g.groups; ++gi) {
                const float* xg = px + (n * g.C + gi * Cg) * g.H * g.W;
                if (!pointwise) detail::im2col(xg, g, cols);
                float* og = po + (n * g.O + gi * Og) * L;
                detail::gemm_strided(pw + gi * Og * K, K, 1, pointwise ? xg : cols, L, 1, og, Og, K, L);
                if (pb)
                    for (int64_t o = 0; o < Og; ++o) {
                        const float bo = pb[gi * Og + o];
                        float* row = og + o * L;
                        for (int64_t l = 0; l < L; ++l) row[l] += bo;
                    }
            }
    });
    // END SOLUTION
    if (autograd::wants_grad(input, weight, bias))
        autograd::record(out, "conv2d", {input, weight, bias}, {}, {g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.groups});
    return out;
}

namespace autograd {

/// Backward of "conv2d", per image (in parallel) and group, with cols = im2col(x) recomputed
/// rather than stored (a training step would otherwise keep K·L floats per image alive):
///   grad_input : dcols [K, L] = W_gᵀ [K, Og] @ g [Og, L], then col2im(dcols) adds into grad_x
///   grad_weight: Σ_n g [Og, L] @ colsᵀ [L, K]   (each thread sums its images; then threads add up)
///   grad_bias  : Σ_{n, y, x} g
inline std::vector<Tensor> conv2d_backward(const Node& node, const Tensor& grad_output) {
    const Tensor &input = node.inputs[0], &weight = node.inputs[1], &bias = node.inputs[2];
    const std::vector<int64_t>& a = node.ints;
    const tinytorch::detail::Conv2dGeometry g = tinytorch::detail::conv2d_geometry(
        "conv2d backward", input, weight, bias, {a[0], a[1]}, {a[2], a[3]}, {a[4], a[5]}, a[6]);
    const bool need_x = needs_grad(node, 0), need_w = needs_grad(node, 1), need_b = needs_grad(node, 2);
    Tensor grad_input = need_x ? zeros(input.shape()) : Tensor();
    Tensor grad_weight = need_w ? zeros(weight.shape()) : Tensor();
    Tensor grad_bias = need_b ? zeros(bias.shape()) : Tensor();
    // BEGIN SOLUTION: conv2d_backward (§4)
    using tinytorch::detail::OutMap;
    using tinytorch::detail::RowMap;
    const Tensor x = need_w ? input.detach().contiguous() : Tensor();
    const Tensor w = weight.detach().contiguous(), go = grad_output.contiguous();
    const int64_t K = g.K(), L = g.L(), Cg = g.Cg(), Og = g.Og(), HW = g.H * g.W;
    const bool pointwise = g.is_pointwise();
    const float* pg = go.data_ptr();
    const float* pw = w.data_ptr();
    std::mutex merge;
    tinytorch::detail::parallel_for(g.N, 1, [&](int64_t lo, int64_t hi) {
        std::vector<float> acc_w(need_w ? static_cast<size_t>(g.O * K) : 0), acc_b(need_b ? g.O : 0);
        float* cols = need_w && !pointwise ? tinytorch::detail::thread_scratch(static_cast<size_t>(K * L), 0) : nullptr;
        float* dcols = need_x && !pointwise ? tinytorch::detail::thread_scratch(static_cast<size_t>(K * L), 1) : nullptr;
        for (int64_t n = lo; n < hi; ++n)
            for (int64_t gi = 0; gi < g.groups; ++gi) {
                const float* gg = pg + (n * g.O + gi * Og) * L;  // this group's gradient [Og, L]
                const int64_t in_at = (n * g.C + gi * Cg) * HW;
                if (need_w) {
                    const float* xc = x.data_ptr() + in_at;
                    if (!pointwise) {
                        tinytorch::detail::im2col(xc, g, cols);
                        xc = cols;
                    }
                    OutMap(acc_w.data() + gi * Og * K, Og, K, Eigen::OuterStride<>(K)).noalias() +=
                        RowMap(gg, Og, L, Eigen::OuterStride<>(L)) * RowMap(xc, K, L, Eigen::OuterStride<>(L)).transpose();
                }
                if (need_x) {
                    float* gx = grad_input.data_ptr() + in_at;
                    // a pointwise conv's column matrix is the input plane itself: write the product there
                    tinytorch::detail::gemm_strided(pw + gi * Og * K, 1, K, gg, L, 1, pointwise ? gx : dcols, K, Og, L);
                    if (!pointwise) tinytorch::detail::col2im(dcols, g, gx);
                }
                if (need_b)
                    for (int64_t o = 0; o < Og; ++o)
                        acc_b[gi * Og + o] += Eigen::Map<const Eigen::ArrayXf>(gg + o * L, L).sum();
            }
        std::lock_guard<std::mutex> lock(merge);
        for (size_t i = 0; i < acc_w.size(); ++i) grad_weight.data_ptr()[i] += acc_w[i];
        for (size_t i = 0; i < acc_b.size(); ++i) grad_bias.data_ptr()[i] += acc_b[i];
    });
    // END SOLUTION
    return {grad_input, grad_weight, grad_bias};
}

inline const bool conv2d_rule_registered = register_rule("conv2d", &conv2d_backward);

}  // namespace autograd
}  // namespace tinytorch
