// include/tinytorch/tensor/gemm_kernel.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §7 (matrix multiplication, "how fast GEMMs work")
//
// TinyTorch's own single-threaded GEMM: out[M, N] (+)= A[M, K] @ B[K, N] for strided operands.
// Given to students; module 17 (acceleration, modules/17_acceleration/README.md §5) takes it apart.
// matmul_naive in matmul.hpp is the definition it must agree with. The speed comes from three ideas
// (Goto's GEMM, as in BLIS and OpenBLAS):
//
//  1. A register tile. The micro-kernel keeps an MR x NR block of `out` in vector registers for a
//     whole pass over k: per k it loads NR floats of B, broadcasts MR floats of A and issues
//     MR x NR / (floats per register) fused multiply-adds, so the FMA units, not memory, set the pace.
//     Three tiles, chosen at compile time from what -march=native enables:
//       Avx512Tile  14 x 32 in 28 of the 32 AVX-512 registers (16 floats each)
//       Avx2Tile     6 x 16 in 12 of the 16 AVX2 registers (8 floats each)
//       PortableTile 6 x 16 as plain loops (any CPU; the compiler vectorises what it can)
//  2. Packing. A KC x NR slice of B is copied once into a contiguous panel (NR floats per k), so the
//     kernel reads it with unit stride whatever B's layout was (a transposed weight costs the same as a
//     row-major one), and the panel stays in L1 cache while the kernel runs down every MR-row strip of
//     A. A is read in place or packed into MR-row strips (see gemm_with() for when).
//  3. Blocking for the caches: KC rows of B per pass (one panel in L1), MC rows of A per block
//     (MC x KC floats in L2), NC columns of B packed at a time (KC x NC floats in L3).
//
// Two extras serve inference (module 17's freeze): an Epilogue (bias per column, then ReLU/GELU/...,
// applied to the tile while it is still in registers or L1 on the last pass over k), and PackedB, a
// weight packed once into the panels gemm_packed() reads, so no call packs it again.
// Measured on the course machines (1 thread, ./tito bench): AVX2 part 55-97% of the FMA peak and
// 0.85-1.1x OpenBLAS; AVX-512 part (Zen 5): see README "Speed".
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#if !defined(TINYTORCH_PORTABLE_GEMM) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define TINYTORCH_GEMM_AVX2 1
#else
#define TINYTORCH_GEMM_AVX2 0
#endif
// TINYTORCH_GEMM_NO_AVX512 keeps an AVX-512 machine on the AVX2 tile (for comparisons).
#if TINYTORCH_GEMM_AVX2 && defined(__AVX512F__) && !defined(TINYTORCH_GEMM_NO_AVX512)
#define TINYTORCH_GEMM_AVX512 1
#else
#define TINYTORCH_GEMM_AVX512 0
#endif

/// Ask for vector code in the next loop (OpenMP's `simd`; a no-op in builds without OpenMP).
#if defined(_OPENMP)
#define TINYTORCH_VECTORIZE _Pragma("omp simd")
#else
#define TINYTORCH_VECTORIZE
#endif

namespace tinytorch::detail::gemm {

// ---- the epilogue: what happens to a finished tile before it is stored ---------------------------

/// Element-wise functions the kernel can apply to its output as it stores it.
enum class Activation { none, relu, gelu_tanh, gelu_erf, sigmoid, tanh };

/// out = act(A @ B + bias) — bias is one float per output column (nullptr: none). Applied on the
/// last pass over k only, to the tile while it is hot: no second pass over out in memory.
struct Epilogue {
    const float* bias = nullptr;
    Activation act = Activation::none;
};

/// e^x for one float with operations a compiler vectorises (no library call): x = n·ln2 + r with
/// |r| <= ln2/2, e^r by its Taylor series to r^7, 2^n by writing n into the float's exponent bits.
/// Relative error below 2e-7 for x in [-87, 88]; 0 below, +inf above.
inline float exp_approx(float x) {
    x = std::min(std::max(x, -87.5f), 88.5f);
    const float n = std::nearbyint(x * 1.44269504088896341f);  // (floor would not vectorise)
    const float r = (x - n * 0.693145751953125f) - n * 1.42860682030941723212e-6f;  // ln2 in two parts
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const float scale = std::bit_cast<float>((static_cast<int32_t>(n) + 127) << 23);  // 2^n
    return x <= -87.5f ? 0.0f : p * scale;
}

/// erf(x) (Abramowitz & Stegun 7.1.26: 1 - t·(a1 + t·(a2 + ...))·e^{-x²}, t = 1/(1 + p·|x|)),
/// absolute error below 4e-7 in float arithmetic (1.5e-7 in exact), vectorisable.
inline float erf_approx(float x) {
    const float ax = std::abs(x);
    const float t = 1.0f / (1.0f + 0.3275911f * ax);
    float poly = 1.061405429f;
    poly = poly * t - 1.453152027f;
    poly = poly * t + 1.421413741f;
    poly = poly * t - 0.284496736f;
    poly = poly * t + 0.254829592f;
    const float y = 1.0f - poly * t * exp_approx(-ax * ax);
    return x < 0.0f ? -y : y;
}

/// p[i] = act(p[i]) for n contiguous floats, one pass, vectorisable loops (no temporaries).
///   gelu_erf:  0.5·x·(1 + erf(x/√2))          gelu_tanh: x·σ(2u), u = √(2/π)(x + 0.044715x³)
///   (0.5·(1 + tanh(u)) = σ(2u), so the tanh form needs one exp and one division)
inline void apply_activation(Activation act, float* p, int64_t n) {
    switch (act) {
        case Activation::none: return;
        case Activation::relu:
            for (int64_t i = 0; i < n; ++i) p[i] = p[i] < 0.0f ? 0.0f : p[i];  // NaN stays NaN
            return;
        case Activation::gelu_erf:
            TINYTORCH_VECTORIZE
            for (int64_t i = 0; i < n; ++i) p[i] = 0.5f * p[i] * (1.0f + erf_approx(p[i] * 0.70710678118654752f));
            return;
        case Activation::gelu_tanh:
            TINYTORCH_VECTORIZE
            for (int64_t i = 0; i < n; ++i) {
                const float x = p[i], u = 0.79788456080286535588f * (x + 0.044715f * x * x * x);
                p[i] = x / (1.0f + exp_approx(-2.0f * u));
            }
            return;
        case Activation::sigmoid:
            TINYTORCH_VECTORIZE
            for (int64_t i = 0; i < n; ++i) p[i] = 1.0f / (1.0f + exp_approx(-p[i]));
            return;
        case Activation::tanh:
            TINYTORCH_VECTORIZE
            for (int64_t i = 0; i < n; ++i) p[i] = 2.0f / (1.0f + exp_approx(-2.0f * p[i])) - 1.0f;
            return;
    }
}

/// The epilogue for rows x cols of out (row stride ldc) after plain stores: + bias, then act.
inline void epilogue_rows(float* c, int64_t ldc, int64_t rows, int64_t cols, const float* bias, Activation act) {
    for (int64_t r = 0; r < rows; ++r) {
        float* row = c + r * ldc;
        if (bias)
            for (int64_t j = 0; j < cols; ++j) row[j] += bias[j];
        apply_activation(act, row, cols);
    }
}

// ---- the register tiles -----------------------------------------------------------------------------
// Each tile type says its shape (MR x NR), its cache blocking (KC, MC, NC) and has the micro-kernel
//   kernel<Rows, AK>(kc, a, lda, panel, c, ldc, cols, accumulate, bias, act):
//   tile[Rows, NR] = A[Rows, kc] @ panel[kc, NR], A(r, k) at a[r * lda + k * AK] (AK = 1: rows of A in
//   place; AK = MR, lda = 1: a packed strip), stored (or added, `accumulate`) to the first `cols`
//   columns of c; bias/act non-null/none only on the last pass over k.

/// The same tile as plain loops (any CPU): the definition the SIMD tiles implement.
struct PortableTile {
    static constexpr int64_t MR = 6, NR = 16, KC = 256, MC = 96, NC = 2048;
    static constexpr int64_t CONFLICT_STRIDE = 256;  ///< pack A when its row stride is a multiple of this
    static const char* name() { return "TinyTorch 6x16 portable micro-kernel"; }
    template <int Rows, int AK>
    static void kernel(int64_t kc, const float* a, int64_t lda, const float* panel, float* c, int64_t ldc,
                       int64_t cols, bool accumulate, const float* bias, Activation act) {
        float tile[MR][NR] = {};
        for (int64_t k = 0; k < kc; ++k, panel += NR)
            for (int r = 0; r < Rows; ++r) {
                const float x = a[r * lda + k * AK];
                for (int64_t j = 0; j < NR; ++j) tile[r][j] += x * panel[j];
            }
        for (int r = 0; r < Rows; ++r)
            for (int64_t j = 0; j < cols; ++j) c[r * ldc + j] = accumulate ? c[r * ldc + j] + tile[r][j] : tile[r][j];
        if (bias || act != Activation::none) epilogue_rows(c, ldc, Rows, cols, bias, act);
    }
};

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

/// 6 x 16: 12 accumulators of 8 floats. Per k: 2 loads of B, 6 broadcasts of A, 12 FMAs.
struct Avx2Tile {
    static constexpr int64_t MR = 6, NR = 16;
    static constexpr int64_t KC = 384;  ///< a KC x 16 panel of B is 24 KB (L1)
    static constexpr int64_t MC = 96;   ///< MC x KC floats of A = 144 KB (L2); a multiple of MR
    static constexpr int64_t NC = 2048; ///< KC x NC floats of B = 3 MB (L3)
    /// Pack A when its row stride is a multiple of 256 floats (1 KB): measured faster on 1024 x 1024.
    static constexpr int64_t CONFLICT_STRIDE = 256;
    static const char* name() { return "TinyTorch 6x16 AVX2/FMA micro-kernel"; }
    template <int Rows, int AK>
    static void kernel(int64_t kc, const float* a, int64_t lda, const float* panel, float* c, int64_t ldc,
                       int64_t cols, bool accumulate, const float* bias, Activation act) {
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
            const __m256 zero = _mm256_setzero_ps();
            for (int r = 0; r < Rows; ++r) {
                float* dst = c + r * ldc;
                __m256 t0 = _mm256_load_ps(tile[r]), t1 = _mm256_load_ps(tile[r] + 8);
                if (accumulate) t0 = _mm256_add_ps(t0, _mm256_loadu_ps(dst)), t1 = _mm256_add_ps(t1, _mm256_loadu_ps(dst + 8));
                if (bias) t0 = _mm256_add_ps(t0, _mm256_loadu_ps(bias)), t1 = _mm256_add_ps(t1, _mm256_loadu_ps(bias + 8));
                if (act == Activation::relu) t0 = _mm256_max_ps(t0, zero), t1 = _mm256_max_ps(t1, zero);
                _mm256_storeu_ps(dst, t0), _mm256_storeu_ps(dst + 8, t1);
            }
            if (act != Activation::none && act != Activation::relu) epilogue_rows(c, ldc, Rows, NR, nullptr, act);
            return;
        }
        for (int r = 0; r < Rows; ++r)  // an edge tile: only the columns that exist
            for (int64_t j = 0; j < cols; ++j) c[r * ldc + j] = accumulate ? c[r * ldc + j] + tile[r][j] : tile[r][j];
        if (bias || act != Activation::none) epilogue_rows(c, ldc, Rows, cols, bias, act);
    }
};
#endif

#if TINYTORCH_GEMM_AVX512
#ifndef TINYTORCH_GEMM512_KC  // block sizes can be overridden at compile time, for experiments
#define TINYTORCH_GEMM512_KC 512
#endif
#ifndef TINYTORCH_GEMM512_MC
#define TINYTORCH_GEMM512_MC 168
#endif
#ifndef TINYTORCH_GEMM512_NC
#define TINYTORCH_GEMM512_NC 4096
#endif

// GCC 12 warns "__Y may be used uninitialized" inside its own _mm512_max_ps: a false positive on
// the self-initialised `__m512 __Y = __Y;` of _mm512_undefined_ps in avx512fintrin.h. Silenced
// for this struct only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
/// 14 x 32: 28 accumulators of 16 floats (of 32 registers; 2 hold B, 1 the broadcast A). Per k:
/// 2 loads of B, 14 broadcasts of A, 28 FMAs — 896 flops per 64 floats read from L1.
/// Edge tiles need no scalar loop: AVX-512's masked loads/stores touch only the columns that exist.
struct Avx512Tile {
    static constexpr int64_t MR = 14, NR = 32;
    /// KC = 512: a panel of B is 64 KB and streams from L2, but K = 1024 takes 2 passes over C instead
    /// of 4 (measured on Zen 5, 1024^3: KC 256 0.85x, 384 0.92x, 512 0.95x OpenBLAS's speed).
    static constexpr int64_t KC = TINYTORCH_GEMM512_KC;
    static constexpr int64_t MC = TINYTORCH_GEMM512_MC;  ///< MC x KC floats of A = 336 KB (L2); a multiple of MR
    static constexpr int64_t NC = TINYTORCH_GEMM512_NC;  ///< KC x NC floats of B = 8 MB (L3)
    /// Pack A when its row stride is a multiple of 1024 floats (4 KB): 14 rows 4 KB apart fall into one
    /// set of a 12-way L1. A 1 KB stride spreads them over 4 sets, no conflict: W1's second layer
    /// (K = 256) reads A in place, 93 -> 77 us at batch 256.
    static constexpr int64_t CONFLICT_STRIDE = 1024;
    static const char* name() { return "TinyTorch 14x32 AVX-512 micro-kernel"; }
    template <int Rows, int AK>
    static void kernel(int64_t kc, const float* a, int64_t lda, const float* panel, float* c, int64_t ldc,
                       int64_t cols, bool accumulate, const float* bias, Activation act) {
        // Accumulators in an array indexed only by compile-time constants after unrolling, so the
        // compiler keeps each in a register (checked: no spills in the loop at -O2/-O3).
        __m512 acc[2 * MR];
#pragma GCC unroll 28
        for (int i = 0; i < 2 * Rows; ++i) acc[i] = _mm512_setzero_ps();
        // Ask for the tile of C now: it is read and written only after the loop over k, and by then
        // the 28 cache lines have arrived from L2/L3 instead of stalling the stores.
#pragma GCC unroll 14
        for (int r = 0; r < Rows; ++r) _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0),
                                       _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 31), _MM_HINT_T0);
        if (cols > 16) {
            for (int64_t k = 0; k < kc; ++k, panel += NR) {
                // Ask for the panel 8 steps of k ahead (1 KB; past its end: the next panel, and a prefetch
                // never faults). The hardware prefetcher would follow this stream only after a few misses
                // on each new panel; measured on Zen 5: 2-3% faster on W1's layers, 1% at 1024^3.
                _mm_prefetch(reinterpret_cast<const char*>(panel + 8 * NR), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(panel + 8 * NR + 16), _MM_HINT_T0);
                const __m512 b0 = _mm512_load_ps(panel), b1 = _mm512_load_ps(panel + 16);
#pragma GCC unroll 14
                for (int r = 0; r < Rows; ++r) {
                    const __m512 x = _mm512_set1_ps(a[r * lda + k * AK]);
                    acc[2 * r] = _mm512_fmadd_ps(x, b0, acc[2 * r]);
                    acc[2 * r + 1] = _mm512_fmadd_ps(x, b1, acc[2 * r + 1]);
                }
            }
        } else {  // at most 16 columns exist (a narrow last panel, e.g. N = 10): skip the zero half
            for (int64_t k = 0; k < kc; ++k, panel += NR) {
                const __m512 b0 = _mm512_load_ps(panel);
#pragma GCC unroll 14
                for (int r = 0; r < Rows; ++r) acc[2 * r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * lda + k * AK]), b0, acc[2 * r]);
            }
        }
        // Store: masks select the columns that exist (all 32 for a whole tile).
        const __mmask16 m0 = cols >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << cols) - 1);
        const __mmask16 m1 = cols >= 32 ? __mmask16(0xFFFF) : cols > 16 ? __mmask16((1u << (cols - 16)) - 1) : __mmask16(0);
        const __m512 zero = _mm512_setzero_ps();
        __m512 bias0 = zero, bias1 = zero;
        if (bias) bias0 = _mm512_maskz_loadu_ps(m0, bias), bias1 = _mm512_maskz_loadu_ps(m1, bias + 16);
#pragma GCC unroll 14
        for (int r = 0; r < Rows; ++r) {
            float* dst = c + r * ldc;
            __m512 t0 = acc[2 * r], t1 = acc[2 * r + 1];
            if (accumulate)
                t0 = _mm512_add_ps(t0, _mm512_maskz_loadu_ps(m0, dst)), t1 = _mm512_add_ps(t1, _mm512_maskz_loadu_ps(m1, dst + 16));
            if (bias) t0 = _mm512_add_ps(t0, bias0), t1 = _mm512_add_ps(t1, bias1);
            if (act == Activation::relu) t0 = _mm512_max_ps(t0, zero), t1 = _mm512_max_ps(t1, zero);
            _mm512_mask_storeu_ps(dst, m0, t0);
            _mm512_mask_storeu_ps(dst + 16, m1, t1);
        }
        if (act != Activation::none && act != Activation::relu) epilogue_rows(c, ldc, Rows, cols, nullptr, act);
    }
};
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

#if TINYTORCH_GEMM_AVX512
using BestTile = Avx512Tile;
#elif TINYTORCH_GEMM_AVX2
using BestTile = Avx2Tile;
#else
using BestTile = PortableTile;
#endif

/// The tile and blocking the default gemm() uses on this build.
constexpr int64_t MR = BestTile::MR;  ///< rows of the register tile
constexpr int64_t NR = BestTile::NR;  ///< columns of the register tile
constexpr int64_t KC = BestTile::KC;  ///< depth of one pass over k
constexpr int64_t MC = BestTile::MC;  ///< rows of A per cache block
constexpr int64_t NC = BestTile::NC;  ///< columns of B packed at once

/// Which kernel this build uses (the bench prints it).
inline const char* kernel_name() { return BestTile::name(); }

// ---- packing ---------------------------------------------------------------------------------------

/// Copy a kc x nc block of B (element strides brs, bcs) into panels of NR columns: panel p
/// holds, for each k, the NR floats B[k, p*NR + 0..NR-1], zero-padded past nc.
template <int64_t NR_>
inline void pack_b(const float* b, int64_t brs, int64_t bcs, int64_t kc, int64_t nc, float* dst) {
    const int64_t panels = (nc + NR_ - 1) / NR_;
    if (bcs == 1) {
        // Row-major B: walk each row of B once, front to back (the hardware prefetcher follows),
        // dealing its floats out to the panels.
        for (int64_t k = 0; k < kc; ++k) {
            const float* src = b + k * brs;
            for (int64_t p = 0; p < panels; ++p) {
                float* d = dst + p * kc * NR_ + k * NR_;
                const int64_t nn = std::min(NR_, nc - p * NR_);
                for (int64_t j = 0; j < nn; ++j) d[j] = src[p * NR_ + j];
                for (int64_t j = nn; j < NR_; ++j) d[j] = 0.0f;
            }
        }
        return;
    }
    // Otherwise (a transposed weight: brs == 1) each column of B is a contiguous run of k.
    // Columns are read 8 at a time and transposed in 8 x 8 tiles (transpose8x8 above).
    for (int64_t p = 0; p < panels; ++p, dst += kc * NR_) {
        const int64_t j0 = p * NR_, nn = std::min(NR_, nc - j0);
        int64_t k = 0;
#if TINYTORCH_GEMM_AVX2
        if (brs == 1 && nn == NR_)
            for (; k + 8 <= kc; k += 8)
                for (int64_t part = 0; part < NR_; part += 8) transpose8x8(b + (j0 + part) * bcs + k, bcs, dst + k * NR_ + part, NR_);
#endif
        for (; k < kc; ++k)
            for (int64_t j = 0; j < NR_; ++j) dst[k * NR_ + j] = j < nn ? b[k * brs + (j0 + j) * bcs] : 0.0f;
    }
}

/// How many rows strip s of `strips` gets when mc rows are dealt out as evenly as possible: the
/// first mc % strips strips one more. With MR = 14, 256 rows become 9 strips of 14 and 10 of 13
/// instead of 18 of 14 and one of 4: a 4-row strip issues 8 FMAs per k instead of 28 and runs at
/// a fraction of the tile's speed (measured on W1's first layer: the 4-row strip took 2.3% of the
/// time for 1.6% of the work); 13 rows run as fast as 14.
inline int64_t strip_rows(int64_t mc, int64_t strips, int64_t s) {
    return mc / strips + (s < mc % strips ? 1 : 0);
}

/// Copy an mc x kc block of A (element strides ars, acs) into strips of at most MR rows (as
/// strip_rows deals them), k-major: strip s holds, for each k, MR floats — its rows of A at k,
/// zero-padded to MR. The kernel then reads A as one contiguous stream, whatever its layout.
template <int64_t MR_>
inline void pack_a(const float* a, int64_t ars, int64_t acs, int64_t mc, int64_t kc, float* dst) {
    const int64_t strips = (mc + MR_ - 1) / MR_;
    for (int64_t s = 0, i0 = 0; s < strips; ++s, dst += kc * MR_) {
        const int64_t rows = strip_rows(mc, strips, s);
        for (int64_t r = 0; r < MR_; ++r) {
            if (r < rows) {
                const float* src = a + (i0 + r) * ars;
                for (int64_t k = 0; k < kc; ++k) dst[k * MR_ + r] = src[k * acs];
            } else {
                for (int64_t k = 0; k < kc; ++k) dst[k * MR_ + r] = 0.0f;
            }
        }
        i0 += rows;
    }
}

/// One strip of `rows` <= MR rows through the micro-kernel of that height.
template <class Tile, int AK, int Rows = Tile::MR>
inline void kernel_rows(int64_t rows, int64_t kc, const float* a, int64_t lda, const float* panel, float* c, int64_t ldc,
                        int64_t cols, bool accumulate, const float* bias, Activation act) {
    if constexpr (Rows > 1) {
        if (rows < Rows) return kernel_rows<Tile, AK, Rows - 1>(rows, kc, a, lda, panel, c, ldc, cols, accumulate, bias, act);
    }
    Tile::template kernel<Rows, AK>(kc, a, lda, panel, c, ldc, cols, accumulate, bias, act);
}

/// Passes over k of equal depth (K = 288 with KC = 256 is 2 x 144, not 256 + a short pass of 32).
inline int64_t pass_depth(int64_t K, int64_t kc_max) {
    const int64_t passes = (K + kc_max - 1) / kc_max;
    return (K + passes - 1) / passes;
}

/// A float buffer reused across calls, its start on a 64-byte cache line (a panel row of 16 or 32
/// floats is then exactly one or two lines).
inline float* aligned_buffer(std::vector<float>& buf, int64_t floats) {
    if (static_cast<int64_t>(buf.size()) < floats + 16) buf.resize(static_cast<size_t>(floats + 16));
    auto addr = reinterpret_cast<std::uintptr_t>(buf.data());
    return buf.data() + ((64 - addr % 64) % 64) / sizeof(float);
}

// ---- a weight packed once ------------------------------------------------------------------------------

/// B[K, N] packed once, in the order gemm_packed() reads it: for each NC-column block and each pass over k,
/// the panels pack_b() would have produced. A frozen Linear keeps its weight like this (module 17).
/// Owns its floats (a copy: later writes to the weight it came from do not reach it); move-only.
template <class Tile = BestTile>
struct PackedB {
    int64_t K = 0, N = 0, depth = 1;
    struct Free {
        void operator()(float* p) const { std::free(p); }
    };
    std::unique_ptr<float, Free> storage;  ///< 64-byte aligned
    int64_t floats = 0;
    const float* data() const { return storage.get(); }
};

/// Pack B (element strides brs, bcs) into a PackedB whose passes over k are at most kc_max deep
/// (default: the tile's KC, as gemm() packs on the fly).
template <class Tile = BestTile>
PackedB<Tile> pack_weight(const float* b, int64_t brs, int64_t bcs, int64_t K, int64_t N, int64_t kc_max = Tile::KC) {
    PackedB<Tile> p;
    p.K = K, p.N = N, p.depth = K > 0 ? pass_depth(K, std::max<int64_t>(kc_max, 1)) : 1;
    const int64_t padded_n = (N + Tile::NR - 1) / Tile::NR * Tile::NR;
    p.floats = std::max<int64_t>(K * padded_n, 16);
    p.storage.reset(static_cast<float*>(std::aligned_alloc(64, static_cast<size_t>((p.floats * 4 + 63) / 64 * 64))));
    if (!p.storage) throw std::bad_alloc();
    float* dst = p.storage.get();
    for (int64_t jc = 0; jc < N; jc += Tile::NC) {
        const int64_t nc = std::min(Tile::NC, N - jc), nc_padded = (nc + Tile::NR - 1) / Tile::NR * Tile::NR;
        for (int64_t pc = 0; pc < K; pc += p.depth) {
            const int64_t kc = std::min(p.depth, K - pc);
            pack_b<Tile::NR>(b + pc * brs + jc * bcs, brs, bcs, kc, nc, dst);
            dst += kc * nc_padded;
        }
    }
    return p;
}

// ---- the loops around the micro-kernel -------------------------------------------------------------

/// out[M, N] (row stride ldo) = A @ B (+ out with `accumulate`), then the epilogue; A[M, K] has
/// element strides (ars, acs); B is packed on the fly from (b, brs, bcs), or read from `packed`
/// when that is non-null. Single-threaded; gemm_strided (matmul.hpp) splits work over threads.
template <class Tile>
void gemm_driver(const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs, int64_t bcs,
                 const PackedB<Tile>* packed, float* out, int64_t ldo, int64_t M, int64_t K, int64_t N, bool accumulate,
                 const Epilogue& ep) {
    constexpr int64_t MR_ = Tile::MR, NR_ = Tile::NR, MC_ = Tile::MC, NC_ = Tile::NC;
    if (M == 0 || N == 0) return;
    if (K == 0) {
        for (int64_t i = 0; i < M; ++i) {
            if (!accumulate) std::fill(out + i * ldo, out + i * ldo + N, 0.0f);
            epilogue_rows(out + i * ldo, ldo, 1, N, ep.bias, ep.act);
        }
        return;
    }
    // Buffers reused across calls (one set per thread): no allocation in a training step.
    thread_local std::vector<float> b_buffer, a_buffer;
    const int64_t depth = packed ? packed->depth : pass_depth(K, Tile::KC);
    float* b_pack = packed ? nullptr : aligned_buffer(b_buffer, depth * std::min(NC_, (N + NR_ - 1) / NR_ * NR_));
    // A is read in place when its rows are contiguous (no copy: best for few rows and a weight-sized
    // B, e.g. activations @ weight.t()), and packed into strips when
    //  - its rows are not contiguous (a transposed operand),
    //  - its row stride is a multiple of 256 floats (1 KB): the rows of a strip then share a few L1
    //    cache sets and evict each other (1024 x 1024 matrices),
    //  - B is wide (N >= 1024): each packed strip is reused by N / NR panels, which pays for the copy
    //    (for W1's layers, N = 256, 128, 10, reading A in place is 1.1x faster, 1.8x for N = 10).
    const bool pack_a_blocks = acs != 1 || ars % Tile::CONFLICT_STRIDE == 0 || N >= 1024;
    float* a_pack = pack_a_blocks ? aligned_buffer(a_buffer, (MC_ + MR_) * depth) : nullptr;
    const float* packed_next = packed ? packed->data() : nullptr;

    for (int64_t jc = 0; jc < N; jc += NC_) {
        const int64_t nc = std::min(NC_, N - jc), nc_padded = (nc + NR_ - 1) / NR_ * NR_;
        for (int64_t pc = 0; pc < K; pc += depth) {
            const int64_t kc = std::min(depth, K - pc);
            const bool add = accumulate || pc > 0;  // later passes over k add to what earlier ones wrote
            const bool last = pc + kc >= K;         // the epilogue runs once, on the finished sums
            const float* panels = packed_next;
            if (packed) packed_next += kc * nc_padded;
            else pack_b<NR_>(b + pc * brs + jc * bcs, brs, bcs, kc, nc, b_pack), panels = b_pack;
            const Activation act = last ? ep.act : Activation::none;
            for (int64_t ic = 0; ic < M; ic += MC_) {
                const int64_t mc = std::min(MC_, M - ic);
                const float* ablock = a + ic * ars + pc * acs;
                if (pack_a_blocks) pack_a<MR_>(ablock, ars, acs, mc, kc, a_pack);
                for (int64_t jr = 0; jr < nc; jr += NR_) {
                    const float* panel = panels + (jr / NR_) * kc * NR_;
                    const int64_t cols = std::min(NR_, nc - jr);
                    const float* bias = last && ep.bias ? ep.bias + jc + jr : nullptr;
                    float* c = out + ic * ldo + jc + jr;
                    // The block's rows in strips of nearly equal height (strip_rows): no short strip at the end.
                    const int64_t strips = (mc + MR_ - 1) / MR_;
                    for (int64_t s = 0, ir = 0; s < strips; ++s) {
                        const int64_t rows = strip_rows(mc, strips, s);
                        if (pack_a_blocks)  // strip s of the packed block: row stride 1, k stride MR
                            kernel_rows<Tile, MR_>(rows, kc, a_pack + s * MR_ * kc, 1, panel, c + ir * ldo, ldo, cols, add, bias, act);
                        else  // rows of A in place: row stride ars, k stride 1
                            kernel_rows<Tile, 1>(rows, kc, ablock + ir * ars, ars, panel, c + ir * ldo, ldo, cols, add, bias, act);
                        ir += rows;
                    }
                }
            }
        }
    }
}

/// out[M, N] (row stride ldo) = A @ B, or += with `accumulate`, on a chosen tile (tests compare tiles).
template <class Tile>
void gemm_with(const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs, int64_t bcs, float* out,
               int64_t ldo, int64_t M, int64_t K, int64_t N, bool accumulate, const Epilogue& ep = {}) {
    gemm_driver<Tile>(a, ars, acs, b, brs, bcs, nullptr, out, ldo, M, K, N, accumulate, ep);
}

/// out[M, N] (row stride ldo) = A @ B, or += with `accumulate`; A[M, K] has element strides
/// (ars, acs), B[K, N] has (brs, bcs). Single-threaded; gemm_strided splits work over threads.
inline void gemm(const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs, int64_t bcs, float* out,
                 int64_t ldo, int64_t M, int64_t K, int64_t N, bool accumulate, const Epilogue& ep = {}) {
    gemm_driver<BestTile>(a, ars, acs, b, brs, bcs, nullptr, out, ldo, M, K, N, accumulate, ep);
}

/// out[M, N] (row stride ldo) = epilogue(A @ B (+ out)) with B packed once by pack_weight().
template <class Tile>
void gemm_packed(const float* a, int64_t ars, int64_t acs, const PackedB<Tile>& b, float* out, int64_t ldo, int64_t M,
                 bool accumulate, const Epilogue& ep = {}) {
    gemm_driver<Tile>(a, ars, acs, nullptr, 0, 0, &b, out, ldo, M, b.K, b.N, accumulate, ep);
}

}  // namespace tinytorch::detail::gemm
