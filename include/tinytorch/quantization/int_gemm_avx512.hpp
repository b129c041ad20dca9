// include/tinytorch/quantization/int_gemm_avx512.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §4 (given: read it)
//
// The AVX-512 VNNI integer GEMM. One instruction does the whole 8-bit dot-product step:
//     vpdpbusd acc, a, b:   acc[i] += a[4i]·b[4i] + a[4i+1]·b[4i+1] + a[4i+2]·b[4i+2] + a[4i+3]·b[4i+3]
// with a unsigned bytes, b signed bytes, the four products summed in 32 bits — no intermediate
// int16, so no saturation (unlike AVX2's vpmaddubsw): full-range uint8 activations are exact.
// One 512-bit vpdpbusd is 64 multiply-adds; a float FMA of the same width is 16.
//
// Layout: weights in panels of 16 outputs (one int32 lane each); per group of 4 k, the 64 bytes
// B[16p + j, 4g + t] at byte 4j + t — one register. The activation side needs no packing: the
// 4 bytes A[m, 4g .. 4g+3] are one int32, broadcast to all 16 lanes.
// Register tile: 8 rows × 48 outputs (24 accumulators + 3 weight registers + 1 broadcast of the 32
// registers). Per group of 4 k: 3 loads, 8 broadcasts, 24 vpdpbusd = 1536 multiply-adds.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tinytorch/quantization/int_gemm.hpp"

#if TINYTORCH_INT_GEMM_AVX512_VNNI
#include <immintrin.h>
#endif

namespace tinytorch::quantization::detail {

#if TINYTORCH_INT_GEMM_AVX512_VNNI

constexpr int64_t kVnniRows = 8;    ///< rows of the register tile
constexpr int64_t kVnniPanels = 3;  ///< panels (of 16 outputs) per register tile

/// Panels of 16 outputs; per group of 4 k, the 64 bytes B[16p + j, 4g + t] at byte 4j + t.
inline void pack_avx512_vnni(const int8_t* B, int64_t ldb, PackedWeights& p) {
    p.panel = 16;
    p.group = 4;
    p.groups = (p.K + 3) / 4;
    p.data = AlignedBytes(static_cast<size_t>(p.panels() * p.groups * 64));
    auto* out = reinterpret_cast<int8_t*>(p.data.data());
    for (int64_t n = 0; n < p.N; ++n)
        for (int64_t k = 0; k < p.K; ++k) {
            const int64_t panel = n / 16, j = n % 16, g = k / 4, t = k % 4;
            out[(panel * p.groups + g) * 64 + 4 * j + t] = B[n * ldb + k];
        }
}

/// The 4 activation bytes of group g as one int32; the last group of a K that is not a multiple
/// of 4 reads only the bytes that exist (the packed weights are zero beyond K).
inline int32_t vnni_a4(const uint8_t* row, int64_t k, int64_t K) {
    int32_t v = 0;
    std::memcpy(&v, row + k, static_cast<size_t>(std::min<int64_t>(4, K - k)));
    return v;
}

template <int MR, int NV>
inline void vnni_tile(const uint8_t* a, int64_t lda, int64_t K, const int8_t* b, int64_t panel_stride, int64_t groups,
                      int32_t* c, int64_t ldc, int64_t cols) {
    __m512i acc[MR][NV];
    for (int r = 0; r < MR; ++r)
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_si512();
    // one group of 4 k: NV weight registers, MR broadcasts, MR·NV vpdpbusd
    auto step = [&](int64_t g, bool tail) {
        __m512i bv[NV];
        for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_si512(b + v * panel_stride + g * 64);
        for (int r = 0; r < MR; ++r) {
            int32_t four;
            if (!tail) std::memcpy(&four, a + r * lda + 4 * g, sizeof four);
            else four = vnni_a4(a + r * lda, 4 * g, K);
            const __m512i av = _mm512_set1_epi32(four);
            for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], av, bv[v]);
        }
    };
    const int64_t full = K / 4;  // groups whose 4 bytes all exist
    for (int64_t g = 0; g < full; ++g) step(g, false);
    if (full < groups) step(full, true);  // the last, partial group
    for (int v = 0; v < NV; ++v) {
        const int64_t valid = std::min<int64_t>(16, cols - 16 * v);
        if (valid <= 0) break;
        const __mmask16 mask = static_cast<__mmask16>(valid == 16 ? 0xFFFF : (1u << valid) - 1);
        for (int r = 0; r < MR; ++r) _mm512_mask_storeu_epi32(c + r * ldc + 16 * v, mask, acc[r][v]);
    }
}

template <int NV>
inline void vnni_rows(int64_t mr, const uint8_t* a, int64_t lda, int64_t K, const int8_t* b, int64_t panel_stride,
                      int64_t groups, int32_t* c, int64_t ldc, int64_t cols) {
    switch (mr) {
        case 8: vnni_tile<8, NV>(a, lda, K, b, panel_stride, groups, c, ldc, cols); break;
        case 7: vnni_tile<7, NV>(a, lda, K, b, panel_stride, groups, c, ldc, cols); break;
        case 6: vnni_tile<6, NV>(a, lda, K, b, panel_stride, groups, c, ldc, cols); break;
        case 5: vnni_tile<5, NV>(a, lda, K, b, panel_stride, groups, c, ldc, cols); break;
        case 4: vnni_tile<4, NV>(a, lda, K, b, panel_stride, groups, c, ldc, cols); break;
        case 3: vnni_tile<3, NV>(a, lda, K, b, panel_stride, groups, c, ldc, cols); break;
        case 2: vnni_tile<2, NV>(a, lda, K, b, panel_stride, groups, c, ldc, cols); break;
        default: vnni_tile<1, NV>(a, lda, K, b, panel_stride, groups, c, ldc, cols); break;
    }
}

inline void gemm_avx512_vnni(int64_t M, const uint8_t* A, int64_t lda, const PackedWeights& B, int32_t* C,
                             int64_t ldc) {
    const auto* packed = reinterpret_cast<const int8_t*>(B.data.data());
    const int64_t panel_stride = B.groups * 64, panels = B.panels();
    for (int64_t p0 = 0; p0 < panels; p0 += kVnniPanels) {
        const int64_t nv = std::min(kVnniPanels, panels - p0);
        const int64_t n0 = p0 * 16, cols = std::min<int64_t>(nv * 16, B.N - n0);
        const int8_t* b = packed + p0 * panel_stride;
        for (int64_t m0 = 0; m0 < M; m0 += kVnniRows) {
            const int64_t mr = std::min(kVnniRows, M - m0);
            const uint8_t* a = A + m0 * lda;
            int32_t* c = C + m0 * ldc + n0;
            if (nv == 3) vnni_rows<3>(mr, a, lda, B.K, b, panel_stride, B.groups, c, ldc, cols);
            else if (nv == 2) vnni_rows<2>(mr, a, lda, B.K, b, panel_stride, B.groups, c, ldc, cols);
            else vnni_rows<1>(mr, a, lda, B.K, b, panel_stride, B.groups, c, ldc, cols);
        }
    }
}

#else  // no AVX-512 VNNI in this build

inline void pack_avx512_vnni(const int8_t*, int64_t, PackedWeights&) {
    throw ValueError("pack_avx512_vnni: this build has no AVX-512 VNNI integer kernel; hint: use best_isa()");
}
inline void gemm_avx512_vnni(int64_t, const uint8_t*, int64_t, const PackedWeights&, int32_t*, int64_t) {
    throw ValueError("gemm_avx512_vnni: this build has no AVX-512 VNNI integer kernel; hint: use best_isa()");
}

#endif

}  // namespace tinytorch::quantization::detail
