// include/tinytorch/activations/softmax.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md §5 (the definition), §6 (the kernel)
//
// softmax_naive  — the definition written with tensor ops: max, sub, exp, sum, div.
// softmax        — the same numbers from one fused kernel (detail::softmax_forward): two reads
//                  of x, one write of y, no temporaries, one autograd node. The kernel also
//                  serves log_softmax (log_softmax.hpp); module 04's cross-entropy repeats its
//                  row loop (max, exp, sum) to get the loss in the same pass.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tinytorch/activations/vector_math.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// softmax along `dim`, composed of tensor ops: e = exp(x - max(x)); e / sum(e).   shape: any -> same
/// Stable, but makes five passes and three temporaries; the reference the fused kernel is tested against.
inline Tensor softmax_naive(const Tensor& x, int64_t dim) {
    // BEGIN SOLUTION: softmax_naive (§5)
    // Shifting a row by a constant does not change its softmax; shifting by the row max makes every
    // exponent <= 0, so exp cannot overflow. The shift is a constant: detach it.
    Tensor shifted = x.sub(x.amax(dim, /*keepdim=*/true).detach());
    Tensor e = shifted.exp();
    return e.div(e.sum(dim, /*keepdim=*/true));
    // END SOLUTION
}

namespace detail {

/// Softmax (log = false) or log-softmax (log = true) of `rows` contiguous rows of length n:
/// x, y are [rows, n] and the softmax runs along the last (contiguous) dim.
inline void softmax_lastdim(const float* x, float* y, int64_t rows, int64_t n, bool log) {
    // BEGIN SOLUTION: detail::softmax_lastdim (§6)
    // Per row: find the max, write z = x - max into y, exponentiate in place (SIMD), sum, then
    // scale (softmax: y = e / sum) or rewrite (log-softmax: y = z - log(sum)). The row stays in L1.
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1)), [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
            Eigen::Map<const Eigen::ArrayXf> xr(x + r * n, n);
            Eigen::Map<Eigen::ArrayXf> yr(y + r * n, n);
            const float m = xr.maxCoeff();  // a NaN in the row ends up in every output of the row
            yr = xr - m;                    // every exponent <= 0: no overflow
            exp_into(yr.data(), yr.data(), n);
            const float s = yr.sum();       // >= 1: the max contributes e^0
            if (log)
                yr = (xr - m) - std::log(s);
            else
                yr *= 1.0f / s;
        }
    });
    // END SOLUTION
}

/// The same along a dim that is not the last: x, y are [outer, n, inner] contiguous (inner > 1)
/// and the softmax runs along n, whose elements sit `inner` floats apart.
inline void softmax_strided(const float* x, float* y, int64_t outer, int64_t n, int64_t inner, bool log) {
    // BEGIN SOLUTION: detail::softmax_strided (§6)
    // The trick: walk k (the softmax dim) in the OUTER loop and the `inner` positions in the inner
    // loop (as whole-row Eigen expressions), so every inner loop reads contiguous memory; running
    // max and sum live in [inner] buffers.
    // (Looping over one column at a time would jump `inner` floats per read: a cache miss each.)
    using Row = Eigen::Map<Eigen::ArrayXf>;
    using ConstRow = Eigen::Map<const Eigen::ArrayXf>;
    parallel_for(outer, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n * inner, 1)),
                 [&](int64_t lo, int64_t hi) {
                     Eigen::ArrayXf m(inner), s(inner);  // running max and sum, one per inner position
                     for (int64_t o = lo; o < hi; ++o) {
                         const float* xo = x + o * n * inner;
                         float* yo = y + o * n * inner;
                         m = ConstRow(xo, inner);
                         for (int64_t k = 1; k < n; ++k) m = m.max(ConstRow(xo + k * inner, inner));
                         s.setZero();
                         for (int64_t k = 0; k < n; ++k) {
                             Row yk(yo + k * inner, inner);
                             yk = ConstRow(xo + k * inner, inner) - m;
                             exp_into(yk.data(), yk.data(), inner);
                             s += yk;
                         }
                         if (log) {
                             s = s.log();
                             for (int64_t k = 0; k < n; ++k)
                                 Row(yo + k * inner, inner) = (ConstRow(xo + k * inner, inner) - m) - s;
                         } else {
                             s = s.inverse();
                             for (int64_t k = 0; k < n; ++k) Row(yo + k * inner, inner) *= s;
                         }
                     }
                 });
    // END SOLUTION
}

/// softmax (log = false) or log_softmax (log = true) of x along the normalised dim d, not recorded.
/// View x as [outer, n, inner] (n = size of d) and run the matching kernel; out is contiguous.
inline Tensor softmax_forward(const Tensor& x, int64_t d, bool log) {
    // BEGIN SOLUTION: detail::softmax_forward (§6)
    Tensor src = x.is_contiguous() ? x : copy_to_contiguous(x);
    Tensor out = empty(x.shape());
    if (x.numel() == 0) return out;
    const Shape& s = x.shape();
    int64_t outer = 1, inner = 1, n = x.dim() == 0 ? 1 : s[d];
    for (int64_t i = 0; i < d; ++i) outer *= s[i];
    for (int64_t i = d + 1; i < x.dim(); ++i) inner *= s[i];
    if (inner == 1)  // fast path: each softmax row is contiguous
        softmax_lastdim(src.data_ptr(), out.data_ptr(), outer, n, log);
    else
        softmax_strided(src.data_ptr(), out.data_ptr(), outer, n, inner, log);
    return out;
    // END SOLUTION
}

}  // namespace detail

/// softmax(x, dim)_i = e^{x_i} / Σ_j e^{x_j} along `dim` (negative counts from the end); each slice
/// sums to 1. Stable for any finite input.   shape: any -> same
/// Records "softmax": inputs {x}, saved {out}, ints {dim (normalised)}.
inline Tensor softmax(const Tensor& x, int64_t dim) {
    TINYTORCH_RECORD_OP("softmax", x);
    // BEGIN SOLUTION: softmax (§6)
    const int64_t d = normalize_dim(dim, x.dim(), "softmax");
    Tensor out = detail::softmax_forward(x, d, /*log=*/false);
    if (autograd::wants_grad(x)) autograd::record(out, "softmax", {x}, {out}, {d});
    return out;
    // END SOLUTION
}

namespace nn {

/// Softmax(dim)(x) = softmax(x, dim).   shape: any -> same
class Softmax {
public:
    explicit Softmax(int64_t dim) : dim_(dim) {}
    Tensor forward(const Tensor& x) const { return softmax(x, dim_); }
    Tensor operator()(const Tensor& x) const { return forward(x); }
    std::string name() const { return fmt("Softmax(dim=", dim_, ")"); }
    int64_t dim() const { return dim_; }

private:
    int64_t dim_;
};

namespace functional {
using tinytorch::softmax;
}  // namespace functional

}  // namespace nn
}  // namespace tinytorch
