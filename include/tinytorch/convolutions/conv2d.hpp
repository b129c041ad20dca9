// include/tinytorch/convolutions/conv2d.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §2 (the definition),
//                            §3 (im2col + GEMM), §4 (backward)
//
// out[n, o, y, x] = b[o] + Σ_{c, ky, kx} in[n, gi·Cg + c, y·sh − ph + ky·dh, x·sw − pw + kx·dw] · w[o, c, ky, kx]
// with gi = o / (O/groups) the group of output channel o, Cg = C/groups, and 0 in the padding.
// shapes: input [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] (optional) -> [N, O, Ho, Wo]
//
//   conv2d_naive — the seven loops of the definition: used by tests and the lesson.
//   conv2d       — im2col + GEMM over groups of images, in parallel: the same numbers, ~100x faster.
// conv2d records the node "conv2d" (inputs: input, weight, bias; ints: sh, sw, ph, pw, dh, dw,
// groups); this module registers its backward rule below (module 06 came first).
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
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

namespace detail {

/// Columns one GEMM of conv2d should have: a 32x32 output map alone has 1024, but an 8x8 map has
/// 64 and a 4x4 map 16 — too thin for a GEMM to run at speed (each call packs the whole weight
/// matrix again for a few columns). So images are grouped until their columns reach this.
constexpr int64_t kConvGemmColumns = 1024;

/// How many images share one GEMM: about kConvGemmColumns columns, at most `chunk` (the images
/// of one thread), and a column buffer [K, B·L] of at most 4M floats (16 MB).
inline int64_t images_per_gemm(const Conv2dGeometry& g, int64_t chunk) {
    const int64_t L = std::max<int64_t>(1, g.L()), by_width = (kConvGemmColumns + L - 1) / L;
    const int64_t by_memory = std::max<int64_t>(1, (int64_t(1) << 22) / std::max<int64_t>(1, g.K() * L));
    return std::clamp<int64_t>(std::min(by_width, by_memory), 1, std::max<int64_t>(chunk, 1));
}

}  // namespace detail

/// The fast path: im2col + GEMM. Per group of B images (detail::images_per_gemm) and conv group,
/// cols = the B column matrices side by side [Cg·kh·kw, B·Ho·Wo], then ONE GEMM
/// W_g [Og, Cg·kh·kw] @ cols -> [Og, B·Ho·Wo], scattered into out[n, o, :] with the bias added
/// on the way (B = 1: the GEMM writes straight into out). Each thread takes a contiguous share of
/// the batch with its own buffers. A 1×1 stride-1 convolution of one image needs no im2col.
inline Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(), IntPair stride = 1,
                     IntPair padding = 0, IntPair dilation = 1, int64_t groups = 1) {
    RecordScope scope("conv2d", input, weight, bias);  // a profiler's FLOP formula also needs the output
    const detail::Conv2dGeometry g =
        detail::conv2d_geometry("conv2d", input, weight, bias, stride, padding, dilation, groups);
    const Tensor x = input.detach().contiguous(), w = weight.detach().contiguous();
    const Tensor b = bias.defined() ? bias.detach().contiguous() : Tensor();
    Tensor out = detail::empty_uninitialized({g.N, g.O, g.Ho, g.Wo});  // not zero-filled: write every element
    // BEGIN SOLUTION: conv2d (§3)
    const float* px = x.data_ptr();
    const float* pw = w.data_ptr();
    const float* pb = b.defined() ? b.data_ptr() : nullptr;
    float* po = out.data_ptr();
    const int64_t K = g.K(), L = g.L(), Cg = g.Cg(), Og = g.Og(), HW = g.H * g.W;
    detail::parallel_for(g.N, 1, [&](int64_t lo, int64_t hi) {
        const int64_t B = detail::images_per_gemm(g, hi - lo);
        float* cols = detail::thread_scratch(static_cast<size_t>(K * B * L), 0);
        float* prod = B > 1 ? detail::thread_scratch(static_cast<size_t>(Og * B * L), 1) : nullptr;
        for (int64_t n0 = lo; n0 < hi; n0 += B) {
            const int64_t nb = std::min(B, hi - n0), ld = nb * L;  // images in this GEMM, its columns
            for (int64_t gi = 0; gi < g.groups; ++gi) {
                const float* rhs = cols;
                if (nb == 1 && g.is_pointwise()) rhs = px + (n0 * g.C + gi * Cg) * HW;  // the plane *is* cols
                else
                    for (int64_t j = 0; j < nb; ++j) detail::im2col(px + ((n0 + j) * g.C + gi * Cg) * HW, g, cols + j * L, ld);
                float* dst = nb == 1 ? po + (n0 * g.O + gi * Og) * L : prod;
                detail::gemm_strided(pw + gi * Og * K, K, 1, rhs, ld, 1, dst, Og, K, ld);
                for (int64_t j = 0; j < nb; ++j)  // [Og, nb·L] -> out[n0 + j, gi·Og + o, :] + bias
                    for (int64_t o = 0; o < Og; ++o) {
                        float* row = po + ((n0 + j) * g.O + gi * Og + o) * L;
                        const float bo = pb ? pb[gi * Og + o] : 0.0f;
                        if (nb == 1) {
                            if (pb) {
                                TINYTORCH_SIMD
                                for (int64_t l = 0; l < L; ++l) row[l] += bo;
                            }
                        } else {
                            const float* src = prod + o * ld + j * L;
                            TINYTORCH_SIMD
                            for (int64_t l = 0; l < L; ++l) row[l] = src[l] + bo;
                        }
                    }
            }
        }
    });
    // END SOLUTION
    if (autograd::wants_grad(input, weight, bias))
        autograd::record(out, "conv2d", {input, weight, bias}, {}, {g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.groups});
    scope.set_output(out);
    return out;
}

namespace autograd {

/// Backward of "conv2d", per group of B images (as in the forward pass; in parallel) and conv
/// group, with cols = im2col(x) recomputed rather than stored (a training step would otherwise
/// keep K·L floats per image alive). G [Og, B·L] is the output gradient of the B images side by side:
///   grad_input : dcols [K, B·L] = W_gᵀ [K, Og] @ G, then col2im of each image's columns into grad_x
///   grad_weight: Σ G @ colsᵀ [B·L, K]   (each thread sums its images; then threads add up)
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
    const Tensor x = need_w ? input.detach().contiguous() : Tensor();
    const Tensor w = weight.detach().contiguous(), go = grad_output.contiguous();
    const int64_t K = g.K(), L = g.L(), Cg = g.Cg(), Og = g.Og(), HW = g.H * g.W;
    const bool pointwise = g.is_pointwise();
    const float* pg = go.data_ptr();
    const float* pw = w.data_ptr();
    std::mutex merge;
    tinytorch::detail::parallel_for(g.N, 1, [&](int64_t lo, int64_t hi) {
        const int64_t B = tinytorch::detail::images_per_gemm(g, hi - lo);
        std::vector<float> acc_w(need_w ? static_cast<size_t>(g.O * K) : 0), acc_b(need_b ? g.O : 0);
        float* cols = need_w ? tinytorch::detail::thread_scratch(static_cast<size_t>(K * B * L), 0) : nullptr;
        float* dcols = need_x ? tinytorch::detail::thread_scratch(static_cast<size_t>(K * B * L), 1) : nullptr;
        float* gbuf = B > 1 ? tinytorch::detail::thread_scratch(static_cast<size_t>(Og * B * L), 2) : nullptr;
        for (int64_t n0 = lo; n0 < hi; n0 += B) {
            const int64_t nb = std::min(B, hi - n0), ld = nb * L;
            const bool direct = nb == 1 && pointwise;  // one image, 1x1: the input plane is its cols
            for (int64_t gi = 0; gi < g.groups; ++gi) {
                // G [Og, nb·L]: one image's gradient is already that matrix; several are gathered
                const float* G = pg + (n0 * g.O + gi * Og) * L;
                if (nb > 1) {
                    for (int64_t j = 0; j < nb; ++j)
                        for (int64_t o = 0; o < Og; ++o)
                            std::copy_n(pg + ((n0 + j) * g.O + gi * Og + o) * L, L, gbuf + o * ld + j * L);
                    G = gbuf;
                }
                if (need_w) {
                    const float* C = x.data_ptr() + (n0 * g.C + gi * Cg) * HW;
                    if (!direct) {
                        for (int64_t j = 0; j < nb; ++j)
                            tinytorch::detail::im2col(x.data_ptr() + ((n0 + j) * g.C + gi * Cg) * HW, g, cols + j * L, ld);
                        C = cols;
                    }
                    // acc_w[Og, K] += G [Og, nb·L] @ Cᵀ: strides (1, ld) read C as its transpose, no copy
                    tinytorch::detail::gemm_strided(G, ld, 1, C, 1, ld, acc_w.data() + gi * Og * K, Og, ld, K,
                                                    /*accumulate=*/true);
                }
                if (need_x) {
                    float* gx = grad_input.data_ptr() + (n0 * g.C + gi * Cg) * HW;
                    tinytorch::detail::gemm_strided(pw + gi * Og * K, 1, K, G, ld, 1, direct ? gx : dcols, K, Og, ld);
                    if (!direct)
                        for (int64_t j = 0; j < nb; ++j) tinytorch::detail::col2im(dcols + j * L, g, gx + j * g.C * HW, ld);
                }
                if (need_b)
                    for (int64_t o = 0; o < Og; ++o)
                        acc_b[gi * Og + o] += Eigen::Map<const Eigen::ArrayXf>(G + o * ld, ld).sum();
            }
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
