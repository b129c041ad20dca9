// include/tinytorch/tensor/gemm_kernel.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §7 (matrix multiplication, "how fast GEMMs work")
//
// TinyTorch's own single-threaded GEMM: out[M, N] (+)= A[M, K] @ B[K, N] for strided operands.
// Given to students (module 17, acceleration, takes it apart); matmul_naive in matmul.hpp is the
// definition it must agree with. The speed comes from three ideas (Goto's GEMM, as in BLIS):
//
//  1. A register tile. The micro-kernel keeps a 6 x 16 block of `out` in 12 AVX registers (8 floats
//     each) for a whole pass over k: per k it loads 16 floats of B, broadcasts 6 floats of A and
//     does 12 fused multiply-adds — 192 flops for 8 loads, so the FMA units, not memory, set the pace.
//  2. Packing B. A KC x 16 slice of B is copied once into a contiguous panel (16 floats per k), so
//     the kernel reads it with unit stride whatever B's layout was (a transposed weight costs the
//     same as a row-major one), and the panel stays in L1 cache while the kernel runs down every
//     6-row strip of A.
//  3. Blocking for the caches: KC rows of B per pass (a 24 KB panel, L1), MC rows of A per block
//     (MC x KC floats, L2), NC columns of B packed at a time (KC x NC floats, L3).
//
// A is read in place when its rows are contiguous (activations @ weight.t(): no copy at all), or
// packed into 6-row strips when that is faster (see gemm() below for when).
// Without AVX2+FMA (or with TINYTORCH_PORTABLE_GEMM) the same kernel is written as plain loops.
// Measured on the course machine (1 thread): 55-97% of the FMA peak (few-row im2col products are
// the slow end), 1.0-1.6x Eigen's GEMM and 0.85-1.1x OpenBLAS on the milestone shapes.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__) && !defined(TINYTORCH_PORTABLE_GEMM)
#include <immintrin.h>
#define TINYTORCH_GEMM_AVX2 1
#else
#define TINYTORCH_GEMM_AVX2 0
#endif

namespace tinytorch::detail::gemm {

constexpr int64_t MR = 6;    ///< rows of the register tile
constexpr int64_t NR = 16;   ///< columns of the register tile (two 8-float AVX registers)
#ifndef TINYTORCH_GEMM_KC  // block sizes can be overridden at compile time, for experiments
#define TINYTORCH_GEMM_KC 384
#endif
#ifndef TINYTORCH_GEMM_MC
#define TINYTORCH_GEMM_MC 96
#endif
#ifndef TINYTORCH_GEMM_NC
#define TINYTORCH_GEMM_NC 2048
#endif
constexpr int64_t KC = TINYTORCH_GEMM_KC;  ///< depth of one pass: a packed KC x NR panel of B is 24 KB (L1)
constexpr int64_t MC = TINYTORCH_GEMM_MC;  ///< rows of A per block: MC x KC floats = 144 KB (L2); a multiple of MR
constexpr int64_t NC = TINYTORCH_GEMM_NC;  ///< columns of B packed at once: KC x NC floats = 3 MB (L3)

/// Which kernel this build uses (the bench prints it).
inline const char* kernel_name() {
    return TINYTORCH_GEMM_AVX2 ? "TinyTorch 6x16 AVX2/FMA micro-kernel" : "TinyTorch 6x16 portable micro-kernel";
}

#if TINYTORCH_GEMM_AVX2
/// dst[r][c] = src[c][r] for an 8 x 8 tile (rows of src are `ld_src` floats apart, rows of dst
/// `ld_dst`): eight loads, three rounds of shuffles, eight stores instead of 64 scalar moves.
inline void transpose8x8(const float* src, int64_t ld_src, float* dst, int64_t ld_dst) {
    __m256 r0 = _mm256_loadu_ps(src + 0 * ld_src), r1 = _mm256_loadu_ps(src + 1 * ld_src);
    __m256 r2 = _mm256_loadu_ps(src + 2 * ld_src), r3 = _mm256_loadu_ps(src + 3 * ld_src);
    __m256 r4 = _mm256_loadu_ps(src + 4 * ld_src), r5 = _mm256_loadu_ps(src + 5 * ld_src);
    __m256 r6 = _mm256_loadu_ps(src + 6 * ld_src), r7 = _mm256_loadu_ps(src + 7 * ld_src);
    // round 1: interleave pairs of rows
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    // round 2: gather groups of four within each 128-bit lane
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    // round 3: swap 128-bit lanes between the two halves
    _mm256_storeu_ps(dst + 0 * ld_dst, _mm256_permute2f128_ps(s0, s4, 0x20));
    _mm256_storeu_ps(dst + 1 * ld_dst, _mm256_permute2f128_ps(s1, s5, 0x20));
    _mm256_storeu_ps(dst + 2 * ld_dst, _mm256_permute2f128_ps(s2, s6, 0x20));
    _mm256_storeu_ps(dst + 3 * ld_dst, _mm256_permute2f128_ps(s3, s7, 0x20));
    _mm256_storeu_ps(dst + 4 * ld_dst, _mm256_permute2f128_ps(s0, s4, 0x31));
    _mm256_storeu_ps(dst + 5 * ld_dst, _mm256_permute2f128_ps(s1, s5, 0x31));
    _mm256_storeu_ps(dst + 6 * ld_dst, _mm256_permute2f128_ps(s2, s6, 0x31));
    _mm256_storeu_ps(dst + 7 * ld_dst, _mm256_permute2f128_ps(s3, s7, 0x31));
}
#endif

/// Copy a kc x nc block of B (element strides brs, bcs) into panels of NR columns: panel p
/// holds, for each k, the NR floats B[k, p*NR + 0..NR-1], zero-padded past nc.
inline void pack_b(const float* b, int64_t brs, int64_t bcs, int64_t kc, int64_t nc, float* dst) {
    const int64_t panels = (nc + NR - 1) / NR;
    if (bcs == 1) {
        // Row-major B: walk each row of B once, front to back (the hardware prefetcher follows),
        // dealing its floats out to the panels.
        for (int64_t k = 0; k < kc; ++k) {
            const float* src = b + k * brs;
            for (int64_t p = 0; p < panels; ++p) {
                float* d = dst + p * kc * NR + k * NR;
                const int64_t nn = std::min(NR, nc - p * NR);
                for (int64_t j = 0; j < nn; ++j) d[j] = src[p * NR + j];
                for (int64_t j = nn; j < NR; ++j) d[j] = 0.0f;
            }
        }
        return;
    }
    // Otherwise (a transposed weight: brs == 1) each column of B is a contiguous run of k.
    // Columns are read 8 at a time and transposed in 8 x 8 tiles (see transpose8x8 below).
    for (int64_t p = 0; p < panels; ++p, dst += kc * NR) {
        const int64_t j0 = p * NR, nn = std::min(NR, nc - j0);
        int64_t k = 0;
#if TINYTORCH_GEMM_AVX2
        if (brs == 1 && nn == NR)
            for (; k + 8 <= kc; k += 8)
                for (int64_t half = 0; half < NR; half += 8) transpose8x8(b + (j0 + half) * bcs + k, bcs, dst + k * NR + half, NR);
#endif
        for (; k < kc; ++k)
            for (int64_t j = 0; j < NR; ++j) dst[k * NR + j] = j < nn ? b[k * brs + (j0 + j) * bcs] : 0.0f;
    }
}

/// The micro-kernel: tile[rows, NR] (+)= A[rows, kc] (row stride lda) @ panel[kc, NR], rows <= MR.
/// The tile is written to c (row stride ldc) for its first `cols` columns; `accumulate` adds to c.
template <int Rows, int AK>
inline void micro_kernel(int64_t kc, const float* a, int64_t lda, const float* panel, float* c, int64_t ldc,
                         int64_t cols, bool accumulate) {
#if TINYTORCH_GEMM_AVX2
    // 12 accumulators as named variables: in an array GCC keeps them in memory, 3x slower.
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    const float* a0 = a;
    const float* a1 = a + (Rows > 1 ? 1 : 0) * lda;
    const float* a2 = a + (Rows > 2 ? 2 : 0) * lda;
    const float* a3 = a + (Rows > 3 ? 3 : 0) * lda;
    const float* a4 = a + (Rows > 4 ? 4 : 0) * lda;
    const float* a5 = a + (Rows > 5 ? 5 : 0) * lda;
    for (int64_t k = 0; k < kc; ++k, panel += NR) {
        const __m256 b0 = _mm256_loadu_ps(panel), b1 = _mm256_loadu_ps(panel + 8);
        __m256 x = _mm256_broadcast_ss(a0 + k * AK);
        c00 = _mm256_fmadd_ps(x, b0, c00), c01 = _mm256_fmadd_ps(x, b1, c01);
        if constexpr (Rows > 1) x = _mm256_broadcast_ss(a1 + k * AK), c10 = _mm256_fmadd_ps(x, b0, c10), c11 = _mm256_fmadd_ps(x, b1, c11);
        if constexpr (Rows > 2) x = _mm256_broadcast_ss(a2 + k * AK), c20 = _mm256_fmadd_ps(x, b0, c20), c21 = _mm256_fmadd_ps(x, b1, c21);
        if constexpr (Rows > 3) x = _mm256_broadcast_ss(a3 + k * AK), c30 = _mm256_fmadd_ps(x, b0, c30), c31 = _mm256_fmadd_ps(x, b1, c31);
        if constexpr (Rows > 4) x = _mm256_broadcast_ss(a4 + k * AK), c40 = _mm256_fmadd_ps(x, b0, c40), c41 = _mm256_fmadd_ps(x, b1, c41);
        if constexpr (Rows > 5) x = _mm256_broadcast_ss(a5 + k * AK), c50 = _mm256_fmadd_ps(x, b0, c50), c51 = _mm256_fmadd_ps(x, b1, c51);
    }
    alignas(32) float tile[MR][NR];
    _mm256_store_ps(tile[0], c00), _mm256_store_ps(tile[0] + 8, c01);
    if constexpr (Rows > 1) _mm256_store_ps(tile[1], c10), _mm256_store_ps(tile[1] + 8, c11);
    if constexpr (Rows > 2) _mm256_store_ps(tile[2], c20), _mm256_store_ps(tile[2] + 8, c21);
    if constexpr (Rows > 3) _mm256_store_ps(tile[3], c30), _mm256_store_ps(tile[3] + 8, c31);
    if constexpr (Rows > 4) _mm256_store_ps(tile[4], c40), _mm256_store_ps(tile[4] + 8, c41);
    if constexpr (Rows > 5) _mm256_store_ps(tile[5], c50), _mm256_store_ps(tile[5] + 8, c51);
    if (cols == NR) {  // a whole tile: add/store with vector instructions
        for (int r = 0; r < Rows; ++r) {
            float* dst = c + r * ldc;
            __m256 t0 = _mm256_load_ps(tile[r]), t1 = _mm256_load_ps(tile[r] + 8);
            if (accumulate) t0 = _mm256_add_ps(t0, _mm256_loadu_ps(dst)), t1 = _mm256_add_ps(t1, _mm256_loadu_ps(dst + 8));
            _mm256_storeu_ps(dst, t0), _mm256_storeu_ps(dst + 8, t1);
        }
        return;
    }
#else
    // The same tile as plain loops; a compiler vectorises the inner j loop.
    float tile[MR][NR] = {};
    for (int64_t k = 0; k < kc; ++k, panel += NR)
        for (int r = 0; r < Rows; ++r) {
            const float x = a[r * lda + k * AK];
            for (int64_t j = 0; j < NR; ++j) tile[r][j] += x * panel[j];
        }
#endif
    for (int r = 0; r < Rows; ++r)  // an edge tile: only the columns that exist
        for (int64_t j = 0; j < cols; ++j) c[r * ldc + j] = accumulate ? c[r * ldc + j] + tile[r][j] : tile[r][j];
}

/// One MR-row strip (rows <= MR) through the micro-kernel of matching height.
template <int AK>
inline void micro_kernel_rows(int64_t rows, int64_t kc, const float* a, int64_t lda, const float* panel, float* c,
                              int64_t ldc, int64_t cols, bool accumulate) {
    switch (rows) {
        case 6: micro_kernel<6, AK>(kc, a, lda, panel, c, ldc, cols, accumulate); break;
        case 5: micro_kernel<5, AK>(kc, a, lda, panel, c, ldc, cols, accumulate); break;
        case 4: micro_kernel<4, AK>(kc, a, lda, panel, c, ldc, cols, accumulate); break;
        case 3: micro_kernel<3, AK>(kc, a, lda, panel, c, ldc, cols, accumulate); break;
        case 2: micro_kernel<2, AK>(kc, a, lda, panel, c, ldc, cols, accumulate); break;
        default: micro_kernel<1, AK>(kc, a, lda, panel, c, ldc, cols, accumulate); break;
    }
}

/// Copy an mc x kc block of A (element strides ars, acs) into strips of MR rows, k-major: strip s
/// holds, for each k, the MR floats A[s*MR + 0..MR-1, k] (zero-padded past mc). The kernel then
/// reads A as one contiguous stream, whatever its layout.
inline void pack_a(const float* a, int64_t ars, int64_t acs, int64_t mc, int64_t kc, float* dst) {
    for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += kc * MR) {
        const int64_t rows = std::min(MR, mc - i0);
        for (int64_t r = 0; r < MR; ++r) {
            if (r < rows) {
                const float* src = a + (i0 + r) * ars;
                for (int64_t k = 0; k < kc; ++k) dst[k * MR + r] = src[k * acs];
            } else {
                for (int64_t k = 0; k < kc; ++k) dst[k * MR + r] = 0.0f;
            }
        }
    }
}

/// out[M, N] (row stride ldo) = A @ B, or += with `accumulate`; A[M, K] has element strides
/// (ars, acs), B[K, N] has (brs, bcs). Single-threaded; gemm_strided splits work over threads.
inline void gemm(const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs, int64_t bcs, float* out,
                 int64_t ldo, int64_t M, int64_t K, int64_t N, bool accumulate) {
    if (M == 0 || N == 0) return;
    if (K == 0) {
        if (!accumulate)
            for (int64_t i = 0; i < M; ++i) std::fill(out + i * ldo, out + i * ldo + N, 0.0f);
        return;
    }
    // Buffers reused across calls (one set per thread): no allocation in a training step.
    // Panels start on a 64-byte cache line: a 16-float row of a panel is then exactly one line.
    thread_local std::vector<float> b_buffer, a_buffer;
    auto aligned = [](std::vector<float>& buf, int64_t floats) {
        if (static_cast<int64_t>(buf.size()) < floats + 16) buf.resize(floats + 16);
        auto addr = reinterpret_cast<std::uintptr_t>(buf.data());
        return buf.data() + ((64 - addr % 64) % 64) / sizeof(float);
    };
    float* b_pack = aligned(b_buffer, KC * std::min(NC, (N + NR - 1) / NR * NR));
    // A is read in place when its rows are contiguous (no copy: best for a weight-sized B, e.g.
    // activations @ weight.t(), measured 1.1x faster), and packed into strips when
    //  - its rows are not contiguous (a transposed operand),
    //  - its row stride is a multiple of 256 floats (1 KB): the 6 rows of a strip then share a few
    //    L1 cache sets and evict each other (1024 x 1024 matrices),
    //  - B is wide (N >= 1024): each packed strip is reused by N / 16 panels, which pays for the copy
    //    (im2col columns: 1.1x faster packed).
    const bool pack_a_blocks = acs != 1 || ars % 256 == 0 || N >= 1024;
    float* a_pack = pack_a_blocks ? aligned(a_buffer, (MC + MR) * KC) : nullptr;

    for (int64_t jc = 0; jc < N; jc += NC) {
        const int64_t nc = std::min(NC, N - jc);
        // Passes over k of equal depth (K = 288 is 2 x 144, not 256 + a short pass of 32).
        const int64_t passes = (K + KC - 1) / KC, depth = (K + passes - 1) / passes;
        for (int64_t pc = 0; pc < K; pc += depth) {
            const int64_t kc = std::min(depth, K - pc);
            const bool add = accumulate || pc > 0;  // later passes over k add to what earlier ones wrote
            pack_b(b + pc * brs + jc * bcs, brs, bcs, kc, nc, b_pack);
            for (int64_t ic = 0; ic < M; ic += MC) {
                const int64_t mc = std::min(MC, M - ic);
                const float* ablock = a + ic * ars + pc * acs;
                if (pack_a_blocks) pack_a(ablock, ars, acs, mc, kc, a_pack);
                for (int64_t jr = 0; jr < nc; jr += NR) {
                    const float* panel = b_pack + (jr / NR) * kc * NR;
                    const int64_t cols = std::min(NR, nc - jr);
                    float* c = out + ic * ldo + jc + jr;
                    for (int64_t ir = 0; ir < mc; ir += MR) {
                        const int64_t rows = std::min(MR, mc - ir);
                        if (pack_a_blocks)  // strip ir/MR of the packed block: row stride 1, k stride MR
                            micro_kernel_rows<MR>(rows, kc, a_pack + ir * kc, 1, panel, c + ir * ldo, ldo, cols, add);
                        else  // rows of A in place: row stride ars, k stride 1
                            micro_kernel_rows<1>(rows, kc, ablock + ir * ars, ars, panel, c + ir * ldo, ldo, cols, add);
                    }
                }
            }
        }
    }
}

}  // namespace tinytorch::detail::gemm
