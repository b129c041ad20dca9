// include/tinytorch/convolutions/im2col.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §3 (im2col), §4 (col2im)
//
// im2col copies every receptive field of one image into a column of a matrix, so that the
// whole convolution of that image becomes ONE matrix product:
//     cols [C·kh·kw, Ho·Wo]:  cols[(c·kh + ky)·kw + kx, oy·Wo + ox] = x[c, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw]
//     out  [O, Ho·Wo]      =  weight [O, C·kh·kw] @ cols
// (positions in the zero padding give 0). col2im is its adjoint: it adds each entry of a
// column matrix back onto the input position it was copied from — the backward of im2col.
//
// The trick that makes both fast: first copy the channel into a plane that *has* its zero border
// ([H + 2·ph, W + 2·pw], from detail::thread_scratch). Then no tap ever falls outside, and every
// (c, ky, kx, oy) stretch of a row of cols is one plain copy of Wo floats — no bounds checks,
// no branches, a loop the compiler turns into vector moves (TINYTORCH_SIMD, `#pragma omp simd`,
// asks for that even at -O2, where GCC only vectorises loops of known length). col2im adds into such a bordered plane and then adds its inside back to x.
// `ld` is the row stride of `cols` (L for one image on its own): conv2d puts the column matrices
// of several images side by side — cols [K, B·L], image j in columns j·L .. j·L + L — so that
// one GEMM serves B images (lesson §3, "batching the GEMM").
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "tinytorch/convolutions/conv_geometry.hpp"

/// Vectorise the next loop (OpenMP's `simd`): GCC at -O2 leaves loops of unknown length scalar.
#if defined(_OPENMP)
#define TINYTORCH_SIMD _Pragma("omp simd")
#else
#define TINYTORCH_SIMD
#endif

namespace tinytorch::detail {

/// A per-thread scratch buffer of at least n floats (slot 0..3), kept between calls: the column
/// matrices of a training step are allocated once per thread, not once per image. conv2d uses
/// slots 0–2; im2col and col2im use slot 3 for their bordered plane.
inline float* thread_scratch(size_t n, int slot) {
    thread_local std::vector<float> buffers[4];
    std::vector<float>& b = buffers[slot];
    if (b.size() < n) b.resize(n);
    return b.data();
}

/// One image's channels x [C, H, W] (contiguous, C = g.Cg()) -> cols [C·kh·kw, Ho·Wo], whose
/// rows lie `ld` floats apart (ld >= Ho·Wo; pass g.L() for a matrix of its own).
inline void im2col(const float* x, const Conv2dGeometry& g, float* cols, int64_t ld) {
    // BEGIN SOLUTION: im2col (§3)
    const int64_t C = g.Cg(), H = g.H, W = g.W, Ho = g.Ho, Wo = g.Wo;
    const bool padded = g.ph > 0 || g.pw > 0;
    const int64_t Hp = H + 2 * g.ph, Wp = W + 2 * g.pw;  // the plane with its zero border
    float* border = padded ? thread_scratch(static_cast<size_t>(Hp * Wp), 3) : nullptr;
    if (padded) std::fill(border, border + Hp * Wp, 0.0f);  // the inside is overwritten per channel
    for (int64_t c = 0; c < C; ++c) {
        const float* plane = x + c * H * W;
        if (padded) {  // copy the channel into the middle of the bordered plane
            for (int64_t y = 0; y < H; ++y) {
                float* dst = border + (y + g.ph) * Wp + g.pw;
                const float* src = plane + y * W;
TINYTORCH_SIMD
                for (int64_t i = 0; i < W; ++i) dst[i] = src[i];
            }
            plane = border;
        }
        for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) {
                float* row = cols + ((c * g.kh + ky) * g.kw + kx) * ld;
                for (int64_t oy = 0; oy < Ho; ++oy) {
                    // padded coordinates: input row oy·sh + ky·dh, column ox·sw + kx·dw
                    const float* src = plane + (oy * g.sh + ky * g.dh) * Wp + kx * g.dw;
                    float* dst = row + oy * Wo;
                    if (g.sw == 1) {
TINYTORCH_SIMD
                        for (int64_t ox = 0; ox < Wo; ++ox) dst[ox] = src[ox];
                    } else {
                        for (int64_t ox = 0; ox < Wo; ++ox) dst[ox] = src[ox * g.sw];
                    }
                }
            }
    }
    // END SOLUTION
}

/// The adjoint of im2col: x [C, H, W] += every entry of cols [C·kh·kw, Ho·Wo] (rows `ld` floats
/// apart) at the input position it came from (entries that came from the padding are dropped).
inline void col2im(const float* cols, const Conv2dGeometry& g, float* x, int64_t ld) {
    // BEGIN SOLUTION: col2im (§4)
    const int64_t C = g.Cg(), H = g.H, W = g.W, Ho = g.Ho, Wo = g.Wo;
    const bool padded = g.ph > 0 || g.pw > 0;
    const int64_t Hp = H + 2 * g.ph, Wp = W + 2 * g.pw;
    float* border = padded ? thread_scratch(static_cast<size_t>(Hp * Wp), 3) : nullptr;
    for (int64_t c = 0; c < C; ++c) {
        float* plane = x + c * H * W;
        float* acc = plane;  // without padding, add straight into x
        if (padded) {
            std::fill(border, border + Hp * Wp, 0.0f);
            acc = border;
        }
        for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) {
                const float* row = cols + ((c * g.kh + ky) * g.kw + kx) * ld;
                for (int64_t oy = 0; oy < Ho; ++oy) {
                    float* dst = acc + (oy * g.sh + ky * g.dh) * Wp + kx * g.dw;
                    const float* src = row + oy * Wo;
                    if (g.sw == 1) {
TINYTORCH_SIMD
                        for (int64_t ox = 0; ox < Wo; ++ox) dst[ox] += src[ox];
                    } else {
                        for (int64_t ox = 0; ox < Wo; ++ox) dst[ox * g.sw] += src[ox];
                    }
                }
            }
        if (padded)  // the inside of the bordered plane belongs to x; the border was padding
            for (int64_t y = 0; y < H; ++y) {
                const float* src = border + (y + g.ph) * Wp + g.pw;
                float* dst = plane + y * W;
TINYTORCH_SIMD
                for (int64_t i = 0; i < W; ++i) dst[i] += src[i];
            }
    }
    // END SOLUTION
}

}  // namespace tinytorch::detail
