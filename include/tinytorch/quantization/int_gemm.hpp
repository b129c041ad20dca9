// include/tinytorch/quantization/int_gemm.hpp
// Module 15 · Quantization — lesson: modules/15_quantization/README.md §4
//
// The integer GEMM every quantized layer runs:
//     C[m, n] = Σ_k A[m, k] · B[n, k]          A uint8 [M, K] (activations), B int8 [N, K] (weights,
//                                              one row per output), C int32 [M, N]
// Products of 8-bit numbers are at most 255 · 128 = 32 640, so a 32-bit sum of K of them is exact
// for K up to 65 793 (kMaxGemmDepth): integer GEMMs give *exactly* the same numbers on every CPU,
// whatever the summation order — the tests compare every kernel with the reference bit for bit.
//
// Three kernels, chosen at compile time by what -march enables (dispatch below):
//   reference    the three loops of the definition (students write it; tests judge the others by it)
//   AVX2         vpmaddwd on 16-bit values (int_gemm_avx2.hpp)
//   AVX-512 VNNI vpdpbusd: four u8 × s8 products summed into each int32 lane in one instruction
//                (int_gemm_avx512.hpp)
// A fast kernel reads B in a layout made for it, prepared once per weight (pack_weights): weights
// do not change between calls, so the packing cost is paid at quantization time, not per batch.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "tinytorch/quantization/qparams.hpp"
#include "tinytorch/tensor/iteration.hpp"

#if defined(__AVX2__) && !defined(TINYTORCH_PORTABLE_INT_GEMM)
#define TINYTORCH_INT_GEMM_AVX2 1
#else
#define TINYTORCH_INT_GEMM_AVX2 0
#endif
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__) && !defined(TINYTORCH_PORTABLE_INT_GEMM)
#define TINYTORCH_INT_GEMM_AVX512_VNNI 1
#else
#define TINYTORCH_INT_GEMM_AVX512_VNNI 0
#endif

namespace tinytorch::quantization {

/// Which kernel computes an integer GEMM.
enum class GemmIsa : int8_t { Reference, Avx2, Avx512Vnni };

inline const char* isa_name(GemmIsa isa) {
    switch (isa) {
        case GemmIsa::Avx2: return "AVX2 (vpmaddwd on 16-bit values)";
        case GemmIsa::Avx512Vnni: return "AVX-512 VNNI (vpdpbusd)";
        default: return "portable reference";
    }
}
inline const char* isa_short_name(GemmIsa isa) {
    switch (isa) {
        case GemmIsa::Avx2: return "avx2";
        case GemmIsa::Avx512Vnni: return "avx512vnni";
        default: return "reference";
    }
}

/// The kernels this build contains (compiled with -march=native: those this CPU runs), slowest first.
inline std::vector<GemmIsa> compiled_isas() {
    std::vector<GemmIsa> out{GemmIsa::Reference};
    if (TINYTORCH_INT_GEMM_AVX2) out.push_back(GemmIsa::Avx2);
    if (TINYTORCH_INT_GEMM_AVX512_VNNI) out.push_back(GemmIsa::Avx512Vnni);
    return out;
}
inline GemmIsa best_isa() { return compiled_isas().back(); }

namespace detail {
inline GemmIsa& isa_setting() {
    static GemmIsa isa = best_isa();
    return isa;
}
}  // namespace detail

/// The kernel quantized layers use from now on (default: the fastest compiled). Layers repack
/// their weights for it at their next forward. ValueError for a kernel this build lacks.
inline void set_int_gemm_isa(GemmIsa isa) {
    for (GemmIsa c : compiled_isas())
        if (c == isa) {
            detail::isa_setting() = isa;
            return;
        }
    throw ValueError(fmt("set_int_gemm_isa: this build has no ", isa_name(isa), " kernel; hint: compile with ",
                         "-march=native on a CPU that has it (TINYTORCH_NATIVE=ON), or use best_isa()"));
}
inline GemmIsa int_gemm_isa() { return detail::isa_setting(); }

/// Products of K u8 × s8 pairs fit an int32 accumulator while K·255·128 < 2^31.
inline constexpr int64_t kMaxGemmDepth = 65793;

namespace detail {

/// A 64-byte aligned byte buffer (what AVX-512 loads like best), zero-filled.
class AlignedBytes {
public:
    AlignedBytes() = default;
    explicit AlignedBytes(size_t n) : size_(n) {
        const size_t bytes = std::max<size_t>(64, (n + 63) / 64 * 64);
        data_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, bytes)));
        if (!data_) throw std::bad_alloc();
        std::memset(data_.get(), 0, bytes);
    }
    uint8_t* data() { return data_.get(); }
    const uint8_t* data() const { return data_.get(); }
    size_t size() const { return size_; }

private:
    struct Free {
        void operator()(uint8_t* p) const { std::free(p); }
    };
    std::unique_ptr<uint8_t, Free> data_;
    size_t size_ = 0;
};

/// C[m, n] = Σ_k A[m, k] · B[n, k], the definition: A uint8 rows `lda` bytes apart, B int8 rows
/// `ldb` bytes apart, C int32 rows `ldc` apart. Every product and sum in int32.
inline void gemm_u8s8s32_reference(int64_t M, int64_t N, int64_t K, const uint8_t* A, int64_t lda, const int8_t* B,
                                   int64_t ldb, int32_t* C, int64_t ldc) {
    // BEGIN SOLUTION: gemm_u8s8s32_reference (§4)
    for (int64_t m = 0; m < M; ++m)
        for (int64_t n = 0; n < N; ++n) {
            int32_t acc = 0;
            const uint8_t* a = A + m * lda;
            const int8_t* b = B + n * ldb;
            for (int64_t k = 0; k < K; ++k) acc += static_cast<int32_t>(a[k]) * static_cast<int32_t>(b[k]);
            C[m * ldc + n] = acc;
        }
    // END SOLUTION
}

}  // namespace detail

/// A weight matrix B [N, K] (int8) laid out for one kernel, with its row sums (Σ_k B[n, k], which
/// the zero-point correction of quantized layers needs). Made by pack_weights; read-only after.
///   reference  B as it is, [N, K]
///   AVX2       int16, panels of 8 outputs: per pair of k, 8 × 2 values (one 256-bit register)
///   VNNI       int8,  panels of 16 outputs: per group of 4 k, 16 × 4 bytes (one 512-bit register)
/// Padding (outputs up to a whole panel, k up to a whole group) is zero, so it adds nothing.
struct PackedWeights {
    GemmIsa isa = GemmIsa::Reference;
    int64_t N = 0, K = 0;
    int64_t panel = 1;      ///< outputs per panel (1 for the reference layout)
    int64_t group = 1;      ///< k values per group (1, 2 or 4)
    int64_t groups = 0;     ///< ceil(K / group)
    detail::AlignedBytes data;
    std::vector<int32_t> row_sums;  ///< [N]: Σ_k B[n, k]
    int64_t panels() const { return (N + panel - 1) / panel; }
    /// Bytes of the packed operand (int16 for AVX2: twice the int8 weights, padding included).
    size_t nbytes() const { return data.size(); }
};

namespace detail {
// defined in int_gemm_avx2.hpp / int_gemm_avx512.hpp (where the ISA is missing, they throw)
inline void pack_avx2(const int8_t* B, int64_t ldb, PackedWeights& p);
inline void pack_avx512_vnni(const int8_t* B, int64_t ldb, PackedWeights& p);
inline void gemm_avx2(int64_t M, const uint8_t* A, int64_t lda, const PackedWeights& B, int32_t* C, int64_t ldc);
inline void gemm_avx512_vnni(int64_t M, const uint8_t* A, int64_t lda, const PackedWeights& B, int32_t* C,
                             int64_t ldc);
}  // namespace detail

/// Lay out B [N, K] (int8 rows `ldb` apart) for kernel `isa`. ValueError for K > kMaxGemmDepth
/// or a kernel this build lacks.
inline PackedWeights pack_weights(const int8_t* B, int64_t N, int64_t K, int64_t ldb, GemmIsa isa = int_gemm_isa()) {
    if (N < 0 || K < 0 || ldb < K)
        throw ValueError(fmt("pack_weights: bad sizes N=", N, " K=", K, " ldb=", ldb,
                             "; hint: B is [N, K] with rows ldb >= K bytes apart"));
    if (K > kMaxGemmDepth)
        throw ValueError(fmt("pack_weights: K = ", K, " products of u8 x s8 could overflow int32 (at most ",
                             kMaxGemmDepth, "); hint: split the reduction into blocks"));
    bool compiled = false;
    for (GemmIsa c : compiled_isas()) compiled = compiled || c == isa;
    if (!compiled)
        throw ValueError(fmt("pack_weights: this build has no ", isa_name(isa), " kernel; hint: use best_isa()"));
    PackedWeights p;
    p.isa = isa;
    p.N = N;
    p.K = K;
    p.row_sums.assign(static_cast<size_t>(N), 0);
    for (int64_t n = 0; n < N; ++n)
        for (int64_t k = 0; k < K; ++k) p.row_sums[n] += B[n * ldb + k];
    if (isa == GemmIsa::Avx2) {
        detail::pack_avx2(B, ldb, p);
    } else if (isa == GemmIsa::Avx512Vnni) {
        detail::pack_avx512_vnni(B, ldb, p);
    } else {
        p.groups = K;
        p.data = detail::AlignedBytes(static_cast<size_t>(N * K));
        for (int64_t n = 0; n < N; ++n) std::memcpy(p.data.data() + n * K, B + n * ldb, static_cast<size_t>(K));
    }
    return p;
}

/// C[M, N] = A[M, K] · Bᵀ with the kernel B was packed for. A uint8 rows `lda` bytes apart, C int32
/// rows `ldc` apart. Large products run in parallel (blocks of rows on TinyTorch's worker pool).
inline void gemm_u8s8s32(int64_t M, const uint8_t* A, int64_t lda, const PackedWeights& B, int32_t* C, int64_t ldc) {
    if (M <= 0 || B.N == 0) return;
    if (B.K == 0) {
        for (int64_t m = 0; m < M; ++m) std::fill(C + m * ldc, C + m * ldc + B.N, 0);
        return;
    }
    auto rows = [&](int64_t m0, int64_t m1) {
        const int64_t m = m1 - m0;
        const uint8_t* a = A + m0 * lda;
        int32_t* c = C + m0 * ldc;
        switch (B.isa) {
            case GemmIsa::Avx2: detail::gemm_avx2(m, a, lda, B, c, ldc); break;
            case GemmIsa::Avx512Vnni: detail::gemm_avx512_vnni(m, a, lda, B, c, ldc); break;
            default:
                detail::gemm_u8s8s32_reference(m, B.N, B.K, a, lda, reinterpret_cast<const int8_t*>(B.data.data()),
                                               B.K, c, ldc);
        }
    };
    const int64_t threads = tinytorch::detail::in_parallel_region() ? 1 : get_num_threads();
    if (threads > 1 && M * B.N * B.K >= (int64_t(1) << 22) && M >= 32) {
        const int64_t chunk = ((M + threads - 1) / threads + 7) / 8 * 8;  // whole register tiles
        tinytorch::detail::parallel_for((M + chunk - 1) / chunk, 1, [&](int64_t p0, int64_t p1) {
            for (int64_t p = p0; p < p1; ++p) rows(p * chunk, std::min(M, (p + 1) * chunk));
        });
        return;
    }
    rows(0, M);
}

}  // namespace tinytorch::quantization

#include "tinytorch/quantization/int_gemm_avx2.hpp"
#include "tinytorch/quantization/int_gemm_avx512.hpp"
