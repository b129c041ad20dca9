// include/tinytorch/convolutions/im2col.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §3 (im2col), §4 (col2im)
//
// im2col copies every receptive field of one image into a column of a matrix, so that the
// whole convolution of that image becomes ONE matrix product:
//     cols [C·kh·kw, Ho·Wo]:  cols[(c·kh + ky)·kw + kx, oy·Wo + ox] = x[c, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw]
//     out  [O, Ho·Wo]      =  weight [O, C·kh·kw] @ cols
// (positions in the zero padding give 0). col2im is its adjoint: it adds each entry of a
// column matrix back onto the input position it was copied from — the backward of im2col.
// Both walk one row of `cols` at a time: for a fixed (c, ky, kx) the valid ox form one
// contiguous range, so the inner loop is one vector copy (stride 1) or a strided copy.
// `ld` is the row stride of `cols` (L for one image on its own): conv2d puts the column matrices of several
// images side by side — cols [K, B·L], image j in columns j·L .. j·L + L — so that one GEMM
// serves B images (lesson §3, "batching the GEMM").
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "tinytorch/convolutions/conv_geometry.hpp"

namespace tinytorch::detail {

/// The output columns ox whose input column ox·sw + offset lies inside [0, W): [lo, hi).
struct ValidRange {
    int64_t lo = 0, hi = 0;
};
inline ValidRange valid_columns(int64_t offset, int64_t stride, int64_t W, int64_t Wo) {
    ValidRange r;
    r.lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    r.hi = W - 1 - offset < 0 ? 0 : std::min(Wo, (W - 1 - offset) / stride + 1);
    r.lo = std::min(r.lo, Wo);
    r.hi = std::max(r.hi, r.lo);
    return r;
}

/// One image's channels x [C, H, W] (contiguous, C = g.Cg()) -> cols [C·kh·kw, Ho·Wo], whose
/// rows lie `ld` floats apart (ld >= Ho·Wo; pass g.L() for a matrix of its own).
inline void im2col(const float* x, const Conv2dGeometry& g, float* cols, int64_t ld) {
    // BEGIN SOLUTION: im2col (§3)
    const int64_t C = g.Cg(), H = g.H, W = g.W, Ho = g.Ho, Wo = g.Wo;
    for (int64_t c = 0; c < C; ++c) {
        const float* plane = x + c * H * W;
        for (int64_t ky = 0; ky < g.kh; ++ky) {
            for (int64_t kx = 0; kx < g.kw; ++kx) {
                float* row = cols + ((c * g.kh + ky) * g.kw + kx) * ld;
                const int64_t xoff = kx * g.dw - g.pw;  // input column of ox = ox·sw + xoff
                const ValidRange v = valid_columns(xoff, g.sw, W, Wo);
                for (int64_t oy = 0; oy < Ho; ++oy) {
                    float* r = row + oy * Wo;
                    const int64_t iy = oy * g.sh - g.ph + ky * g.dh;
                    if (iy < 0 || iy >= H) {  // the whole output row reads padding
                        std::fill(r, r + Wo, 0.0f);
                        continue;
                    }
                    std::fill(r, r + v.lo, 0.0f);
                    std::fill(r + v.hi, r + Wo, 0.0f);
                    const float* src = plane + iy * W + xoff;
                    if (g.sw == 1) {
                        for (int64_t ox = v.lo; ox < v.hi; ++ox) r[ox] = src[ox];
                    } else {
                        for (int64_t ox = v.lo; ox < v.hi; ++ox) r[ox] = src[ox * g.sw];
                    }
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
    for (int64_t c = 0; c < C; ++c) {
        float* plane = x + c * H * W;
        for (int64_t ky = 0; ky < g.kh; ++ky) {
            for (int64_t kx = 0; kx < g.kw; ++kx) {
                const float* row = cols + ((c * g.kh + ky) * g.kw + kx) * ld;
                const int64_t xoff = kx * g.dw - g.pw;
                const ValidRange v = valid_columns(xoff, g.sw, W, Wo);
                for (int64_t oy = 0; oy < Ho; ++oy) {
                    const int64_t iy = oy * g.sh - g.ph + ky * g.dh;
                    if (iy < 0 || iy >= H) continue;
                    const float* r = row + oy * Wo;
                    float* dst = plane + iy * W + xoff;
                    if (g.sw == 1) {
                        for (int64_t ox = v.lo; ox < v.hi; ++ox) dst[ox] += r[ox];
                    } else {
                        for (int64_t ox = v.lo; ox < v.hi; ++ox) dst[ox * g.sw] += r[ox];
                    }
                }
            }
        }
    }
    // END SOLUTION
}

/// A per-thread scratch buffer of at least n floats (slot 0, 1 or 2), kept between calls: the
/// column matrices of a training step are allocated once per thread, not once per image.
inline float* thread_scratch(size_t n, int slot) {
    thread_local std::vector<float> buffers[3];
    std::vector<float>& b = buffers[slot];
    if (b.size() < n) b.resize(n);
    return b.data();
}

}  // namespace tinytorch::detail
