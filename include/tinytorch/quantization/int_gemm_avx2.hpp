// include/tinytorch/quantization/int_gemm_avx2.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §4 (given: read it)
//
// The AVX2 integer GEMM. AVX2 has no one-instruction 8-bit dot product; its two building blocks:
//   vpmaddubsw  u8 × s8 products, adjacent pairs summed into int16 — WITH SATURATION: two products
//               of 255 · 127 add up to 64 770 > 32 767, so full-range uint8 activations overflow
//               silently (the fix FBGEMM uses: 7-bit activations, 0..127, one bit of precision lost);
//   vpmaddwd    int16 × int16 products, adjacent pairs summed into int32 — exact for our values.
// This kernel uses vpmaddwd on 16-bit values: the weights are packed once as int16, the activations
// are widened to int16 once per call (vpmovzxbw), and every product and sum is exact, for the full
// uint8 range — the same integers as the reference and the VNNI kernel, so all three paths can
// serve the same quantized model and be compared bit for bit. The price: twice the bytes per value
// moved (int16), and one multiply instruction does 16 multiply-adds instead of 32. On a CPU whose
// two vector multiply pipes also take vpmaddubsw, the byte path would need a second vpmaddwd
// (against ones) to widen its int16 pairs anyway, so both reach 32 multiply-adds per cycle.
//
// Register tile: 6 rows × 16 outputs (12 accumulators of 8 int32 lanes, as the float kernel's
// 6 × 16 in tensor/gemm_kernel.hpp). Per pair of k: load 2 weight vectors (8 outputs × 2 k each),
// broadcast 6 activation pairs (2 × int16 = one int32), 12 vpmaddwd + 12 vpaddd.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tinytorch/quantization/int_gemm.hpp"

#if TINYTORCH_INT_GEMM_AVX2
#include <immintrin.h>
#endif

namespace tinytorch::quantization::detail {

#if TINYTORCH_INT_GEMM_AVX2

constexpr int64_t kAvx2Rows = 6;    ///< rows of the register tile
constexpr int64_t kAvx2Panels = 2;  ///< panels (of 8 outputs) per register tile

/// Panels of 8 outputs; per pair of k, the 16 int16 values B[8p + j, 2g + t] at index 2j + t.
inline void pack_avx2(const int8_t* B, int64_t ldb, PackedWeights& p) {
    p.panel = 8;
    p.group = 2;
    p.groups = (p.K + 1) / 2;
    p.data = AlignedBytes(static_cast<size_t>(p.panels() * p.groups * 16) * sizeof(int16_t));
    auto* out = reinterpret_cast<int16_t*>(p.data.data());
    for (int64_t n = 0; n < p.N; ++n)
        for (int64_t k = 0; k < p.K; ++k) {
            const int64_t panel = n / 8, j = n % 8, g = k / 2, t = k % 2;
            out[(panel * p.groups + g) * 16 + 2 * j + t] = B[n * ldb + k];
        }
}

/// acc[r][v] += A16[r, 2g..2g+1] · B[panel v, group g] for every group; then store the valid columns.
template <int MR, int NV>
inline void avx2_tile(const int16_t* a, int64_t lda16, const int16_t* b, int64_t panel_stride, int64_t groups,
                      int32_t* c, int64_t ldc, int64_t cols) {
    __m256i acc[MR][NV];
    for (int r = 0; r < MR; ++r)
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_setzero_si256();
    for (int64_t g = 0; g < groups; ++g) {
        __m256i bv[NV];
        for (int v = 0; v < NV; ++v)
            bv[v] = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + v * panel_stride + g * 16));
        for (int r = 0; r < MR; ++r) {
            int32_t pair;  // (a[r, 2g], a[r, 2g + 1]) as two int16 = one int32, copied to all 8 lanes
            std::memcpy(&pair, a + r * lda16 + 2 * g, sizeof pair);
            const __m256i av = _mm256_set1_epi32(pair);
            for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(av, bv[v]));
        }
    }
    for (int v = 0; v < NV; ++v) {
        const int64_t valid = std::min<int64_t>(8, cols - 8 * v);
        if (valid <= 0) break;
        if (valid == 8) {
            for (int r = 0; r < MR; ++r)
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + r * ldc + 8 * v), acc[r][v]);
        } else {  // a partial panel: lanes 0..valid-1 only
            const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(valid)),
                                                    _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
            for (int r = 0; r < MR; ++r) _mm256_maskstore_epi32(c + r * ldc + 8 * v, mask, acc[r][v]);
        }
    }
}

template <int NV>
inline void avx2_rows(int64_t mr, const int16_t* a, int64_t lda16, const int16_t* b, int64_t panel_stride,
                      int64_t groups, int32_t* c, int64_t ldc, int64_t cols) {
    switch (mr) {
        case 6: avx2_tile<6, NV>(a, lda16, b, panel_stride, groups, c, ldc, cols); break;
        case 5: avx2_tile<5, NV>(a, lda16, b, panel_stride, groups, c, ldc, cols); break;
        case 4: avx2_tile<4, NV>(a, lda16, b, panel_stride, groups, c, ldc, cols); break;
        case 3: avx2_tile<3, NV>(a, lda16, b, panel_stride, groups, c, ldc, cols); break;
        case 2: avx2_tile<2, NV>(a, lda16, b, panel_stride, groups, c, ldc, cols); break;
        default: avx2_tile<1, NV>(a, lda16, b, panel_stride, groups, c, ldc, cols); break;
    }
}

inline void gemm_avx2(int64_t M, const uint8_t* A, int64_t lda, const PackedWeights& B, int32_t* C, int64_t ldc) {
    // 1. widen the activations to int16, rows padded with zeros to a whole number of pairs
    const int64_t lda16 = 2 * B.groups;
    thread_local std::vector<int16_t> wide;
    if (wide.size() < static_cast<size_t>(M * lda16)) wide.resize(static_cast<size_t>(M * lda16));
    for (int64_t m = 0; m < M; ++m) {
        const uint8_t* src = A + m * lda;
        int16_t* dst = wide.data() + m * lda16;
        int64_t k = 0;
        for (; k + 16 <= B.K; k += 16)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + k),
                                _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k))));
        for (; k < B.K; ++k) dst[k] = src[k];
        for (; k < lda16; ++k) dst[k] = 0;
    }
    // 2. column blocks of 2 panels (16 outputs; their packed weights stay in L1), rows in tiles of 6
    const auto* packed = reinterpret_cast<const int16_t*>(B.data.data());
    const int64_t panel_stride = B.groups * 16, panels = B.panels();
    for (int64_t p0 = 0; p0 < panels; p0 += kAvx2Panels) {
        const int64_t nv = std::min(kAvx2Panels, panels - p0);
        const int64_t n0 = p0 * 8, cols = std::min<int64_t>(nv * 8, B.N - n0);
        const int16_t* b = packed + p0 * panel_stride;
        for (int64_t m0 = 0; m0 < M; m0 += kAvx2Rows) {
            const int64_t mr = std::min(kAvx2Rows, M - m0);
            const int16_t* a = wide.data() + m0 * lda16;
            int32_t* c = C + m0 * ldc + n0;
            if (nv == 2) avx2_rows<2>(mr, a, lda16, b, panel_stride, B.groups, c, ldc, cols);
            else avx2_rows<1>(mr, a, lda16, b, panel_stride, B.groups, c, ldc, cols);
        }
    }
}

#else  // no AVX2 in this build

inline void pack_avx2(const int8_t*, int64_t, PackedWeights&) {
    throw ValueError("pack_avx2: this build has no AVX2 integer kernel; hint: use best_isa()");
}
inline void gemm_avx2(int64_t, const uint8_t*, int64_t, const PackedWeights&, int32_t*, int64_t) {
    throw ValueError("gemm_avx2: this build has no AVX2 integer kernel; hint: use best_isa()");
}

#endif

}  // namespace tinytorch::quantization::detail
