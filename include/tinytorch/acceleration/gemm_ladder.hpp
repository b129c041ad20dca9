// include/tinytorch/acceleration/gemm_ladder.hpp
// Module 17 · Acceleration — lesson: modules/17_acceleration/README.md §2-§5 (the GEMM ladder)
//
// The same product C[M, N] = A[M, K] @ B[K, N] (row-major, contiguous, float32) written four
// times, each rung faster than the last for one reason you can name and measure:
//   rung 1  gemm_naive          i-j-k: the definition; walks B down its columns (a cache miss per step)
//   rung 2  gemm_ikj            i-k-j: the same sums in another order; every inner loop has unit stride
//   rung 3  gemm_blocked        i-k-j inside cache-sized blocks: each block of B is reused while in cache
//   rung 4  gemm_register_tile  packed panels of B and an MR x NR tile of C held in vector registers
// Rung 5 is TinyTorch's own kernel (tensor/gemm_kernel.hpp, given), the same idea as rung 4 with
// intrinsics, A packed too and an AVX-512 tile; analysis_17_acceleration puts all of them (and
// OpenBLAS) against this machine's measured roofline.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tinytorch/acceleration/simd.hpp"
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::accel {

/// Rung 1 — the definition, i-j-k: C[i, j] = Σ_k A[i, k] · B[k, j], one dot product per output.
inline void gemm_naive(const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N) {
    // BEGIN SOLUTION: gemm_naive (§2)
    for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
            float acc = 0.0f;
            for (int64_t k = 0; k < K; ++k) acc += a[i * K + k] * b[k * N + j];
            c[i * N + j] = acc;
        }
    // END SOLUTION
}

/// Rung 2 — loop order i-k-j: row i of C += A[i, k] · row k of B, for each k. The inner loop walks
/// a row of B and a row of C with unit stride, so it vectorises and every cache line is used whole.
inline void gemm_ikj(const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N) {
    // BEGIN SOLUTION: gemm_ikj (§3)
    std::fill(c, c + M * N, 0.0f);
    for (int64_t i = 0; i < M; ++i) {
        float* ci = c + i * N;
        for (int64_t k = 0; k < K; ++k) {
            const float aik = a[i * K + k];
            const float* bk = b + k * N;
            for (int64_t j = 0; j < N; ++j) ci[j] += aik * bk[j];
        }
    }
    // END SOLUTION
}

/// Block sizes of rung 3: a kc x nc block of B (kc·nc·4 bytes: 256 x 256 = 256 KB, L2) is reused
/// by the mc rows of A of one block of rows; the nc floats of a row of C stay in L1 across the kc steps.
struct BlockSizes {
    int64_t mc = 64, kc = 256, nc = 256;
};

/// Rung 3 — cache blocking: the i-k-j loops of rung 2 inside blocks of mc rows, kc depth and nc
/// columns, so a block of B is read from cache mc times instead of from memory.
inline void gemm_blocked(const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N,
                         BlockSizes bs = {}) {
    if (bs.mc < 1 || bs.kc < 1 || bs.nc < 1)
        throw ValueError(fmt("gemm_blocked: block sizes must be >= 1, got mc=", bs.mc, " kc=", bs.kc, " nc=", bs.nc,
                             "; hint: the defaults BlockSizes{} fit a 1 MB L2 cache"));
    // BEGIN SOLUTION: gemm_blocked (§4)
    std::fill(c, c + M * N, 0.0f);
    for (int64_t jc = 0; jc < N; jc += bs.nc) {
        const int64_t nc = std::min(bs.nc, N - jc);
        for (int64_t pc = 0; pc < K; pc += bs.kc) {
            const int64_t kc = std::min(bs.kc, K - pc);
            for (int64_t ic = 0; ic < M; ic += bs.mc) {
                const int64_t mc = std::min(bs.mc, M - ic);
                for (int64_t i = ic; i < ic + mc; ++i) {
                    float* ci = c + i * N + jc;
                    for (int64_t k = pc; k < pc + kc; ++k) {
                        const float aik = a[i * K + k];
                        const float* bk = b + k * N + jc;
                        for (int64_t j = 0; j < nc; ++j) ci[j] += aik * bk[j];
                    }
                }
            }
        }
    }
    // END SOLUTION
}

/// Rung 4's register tile: kTileRows x kTileCols floats of C, in 2 · kTileRows vector registers.
constexpr int64_t kTileRows = 6;
constexpr int64_t kTileCols = 2 * Vec::W;  ///< 32 floats with AVX-512, 16 with AVX2
/// Rung 4's depth of one pass over k: a kPanelDepth x kTileCols panel of B (32 KB with AVX-512) fits L1.
constexpr int64_t kPanelDepth = 256;

/// Copy the kc x cols block of B at b (row stride ldb) into `panel`, kc rows of kTileCols floats
/// (row k of the panel = B[k, 0..cols-1], then zeros up to kTileCols).
inline void pack_panel(const float* b, int64_t ldb, int64_t kc, int64_t cols, float* panel) {
    // BEGIN SOLUTION: pack_panel (§5)
    for (int64_t k = 0; k < kc; ++k) {
        const float* src = b + k * ldb;
        float* dst = panel + k * kTileCols;
        for (int64_t j = 0; j < cols; ++j) dst[j] = src[j];
        for (int64_t j = cols; j < kTileCols; ++j) dst[j] = 0.0f;
    }
    // END SOLUTION
}

/// C[rows, cols] (row stride ldc) += A[rows, kc] (row stride lda) @ panel[kc, kTileCols], for
/// rows <= kTileRows, cols <= kTileCols. Always computes a whole tile in registers (missing rows
/// read a row that exists, the panel's padding is zero) and stores only what exists.
inline void register_tile(int64_t kc, const float* a, int64_t lda, const float* panel, float* c, int64_t ldc,
                          int64_t rows, int64_t cols) {
    // BEGIN SOLUTION: register_tile (§5)
    const float* arow[kTileRows];
    for (int64_t r = 0; r < kTileRows; ++r) arow[r] = a + std::min(r, rows - 1) * lda;
    Vec acc[kTileRows][2];
    for (int64_t r = 0; r < kTileRows; ++r) acc[r][0] = acc[r][1] = Vec::zero();
    for (int64_t k = 0; k < kc; ++k, panel += kTileCols) {
        const Vec b0 = Vec::load(panel), b1 = Vec::load(panel + Vec::W);
#pragma GCC unroll 8
        for (int64_t r = 0; r < kTileRows; ++r) {
            const Vec x = Vec::broadcast(arow[r][k]);
            acc[r][0] = fma(x, b0, acc[r][0]);
            acc[r][1] = fma(x, b1, acc[r][1]);
        }
    }
    if (rows == kTileRows && cols == kTileCols) {  // a whole tile: add with vector instructions
        for (int64_t r = 0; r < kTileRows; ++r) {
            float* dst = c + r * ldc;
            (Vec::load(dst) + acc[r][0]).store(dst);
            (Vec::load(dst + Vec::W) + acc[r][1]).store(dst + Vec::W);
        }
        return;
    }
    float tile[kTileCols];  // an edge tile: through a buffer, only the part that exists
    for (int64_t r = 0; r < rows; ++r) {
        acc[r][0].store(tile);
        acc[r][1].store(tile + Vec::W);
        for (int64_t j = 0; j < cols; ++j) c[r * ldc + j] += tile[j];
    }
    // END SOLUTION
}

/// Rung 4 — packed panels and a register tile: for each pass of kPanelDepth over k, for each
/// kTileCols-wide panel of B (packed once), run register_tile down every kTileRows-row strip of A.
inline void gemm_register_tile(const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N) {
    // BEGIN SOLUTION: gemm_register_tile (§5)
    std::fill(c, c + M * N, 0.0f);
    std::vector<float> panel(static_cast<size_t>(kPanelDepth * kTileCols));
    for (int64_t pc = 0; pc < K; pc += kPanelDepth) {
        const int64_t kc = std::min(kPanelDepth, K - pc);
        for (int64_t jr = 0; jr < N; jr += kTileCols) {
            const int64_t cols = std::min(kTileCols, N - jr);
            pack_panel(b + pc * N + jr, N, kc, cols, panel.data());
            for (int64_t ir = 0; ir < M; ir += kTileRows)
                register_tile(kc, a + ir * K + pc, K, panel.data(), c + ir * N + jr, N, std::min(kTileRows, M - ir), cols);
        }
    }
    // END SOLUTION
}

/// The rungs by name, for tables and tests.
enum class Rung { naive, ikj, blocked, register_tile, tinytorch_kernel };

/// "naive i-j-k", "loop order i-k-j", ...
inline std::string rung_name(Rung r) {
    switch (r) {
        case Rung::naive: return "1 naive i-j-k";
        case Rung::ikj: return "2 loop order i-k-j";
        case Rung::blocked: return "3 cache blocking";
        case Rung::register_tile: return "4 packed panels + register tile";
        case Rung::tinytorch_kernel: return "5 TinyTorch kernel (gemm_kernel.hpp)";
    }
    return "?";
}

/// C = A @ B on raw row-major arrays through one rung.
inline void gemm_rung(Rung r, const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N) {
    switch (r) {
        case Rung::naive: return gemm_naive(a, b, c, M, K, N);
        case Rung::ikj: return gemm_ikj(a, b, c, M, K, N);
        case Rung::blocked: return gemm_blocked(a, b, c, M, K, N);
        case Rung::register_tile: return gemm_register_tile(a, b, c, M, K, N);
        case Rung::tinytorch_kernel: return tinytorch::detail::gemm::gemm(a, K, 1, b, N, 1, c, N, M, K, N, false);
    }
}

/// [M, K] @ [K, N] -> [M, N] through one rung of the ladder (operands made contiguous first).
inline Tensor ladder_matmul(const Tensor& a, const Tensor& b, Rung r) {
    if (!a.defined() || !b.defined() || a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(0))
        throw ShapeError(fmt("ladder_matmul: expects [M, K] @ [K, N], got ",
                             a.defined() ? shape_str(a.shape()) : std::string("undefined"), " @ ",
                             b.defined() ? shape_str(b.shape()) : std::string("undefined"),
                             "; hint: the ladder multiplies 2-D matrices; use matmul for batches"));
    const Tensor ac = a.contiguous(), bc = b.contiguous();
    const int64_t M = a.size(0), K = a.size(1), N = b.size(1);
    Tensor out = zeros({M, N});
    gemm_rung(r, ac.data_ptr(), bc.data_ptr(), out.data_ptr(), M, K, N);
    return out;
}

}  // namespace tinytorch::accel
