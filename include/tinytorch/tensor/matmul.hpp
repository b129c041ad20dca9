// include/tinytorch/tensor/matmul.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §7 (matrix multiplication)
//
// out[..., i, j] = sum_k a[..., i, k] * b[..., k, j]
// shapes: [..., M, K] @ [..., K, N] -> [broadcast(...), M, N]; a 1-D operand is treated as a
// row (left) or column (right) vector and its dim is dropped from the result, as in NumPy.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <string>

#include "tinytorch/tensor/core.hpp"
#include "tinytorch/tensor/gemm_kernel.hpp"
#include "tinytorch/tensor/graph.hpp"
#include "tinytorch/tensor/iteration.hpp"
#include "tinytorch/tensor/views.hpp"

#if TINYTORCH_HAS_OPENBLAS
#include <cblas.h>
#endif

#ifdef TINYTORCH_PREBUILT_EIGEN_GEMM
// The test programs compile Eigen's GEMM once (tests/support/gemm_eigen.cpp), not in every file.
namespace tinytorch::detail {
void gemm_eigen(const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs, int64_t bcs, float* out,
                int64_t ldo, int64_t M, int64_t K, int64_t N, bool accumulate);
}  // namespace tinytorch::detail
#else
#include "tinytorch/tensor/gemm_eigen.hpp"
#endif

namespace tinytorch {
namespace detail {

/// The definition, three loops: used by tests and the lesson. [M, K] @ [K, N] -> [M, N].
inline Tensor matmul_naive(const Tensor& a, const Tensor& b) {
    if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(0))
        throw ShapeError(fmt("matmul_naive: expects [M, K] @ [K, N], got ", shape_str(a.shape()), " @ ",
                             shape_str(b.shape()), "; hint: the naive reference handles 2-D operands only"));
    const int64_t M = a.size(0), K = a.size(1), N = b.size(1);
    Tensor out = zeros({M, N});
    for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
            float acc = 0.0f;
            for (int64_t k = 0; k < K; ++k) acc += a.at({i, k}) * b.at({k, j});
            out.data_ptr()[i * N + j] = acc;
        }
    return out;
}

/// Multiply-adds (M·N·K) below which a GEMM stays on one thread. Starting threads and meeting
/// at the end costs microseconds on an idle machine and a whole scheduler time slice (milliseconds)
/// when another program holds a core, so small products are faster serial (lesson §7).
constexpr int64_t kGemmParallelWork = int64_t(1) << 22;  // 4M multiply-adds ≈ 0.1 ms on one core

/// Which GEMM serves matmul, chosen at compile time (first that applies):
///   1. OpenBLAS's cblas_sgemm  — when built with TINYTORCH_HAS_OPENBLAS (CMake option
///      TINYTORCH_USE_OPENBLAS, on when libopenblas-dev is found);
///   2. TinyTorch's own kernel  — gemm_kernel.hpp, on CPUs with AVX2 and FMA (-march=native);
///   3. Eigen's GEMM            — anywhere else.
inline std::string gemm_backend_name() {
#if TINYTORCH_HAS_OPENBLAS
    return "OpenBLAS cblas_sgemm";
#elif TINYTORCH_GEMM_AVX2
    return gemm::kernel_name();
#else
    return fmt("Eigen ", EIGEN_WORLD_VERSION, ".", EIGEN_MAJOR_VERSION, ".", EIGEN_MINOR_VERSION, " GEMM");
#endif
}

/// One GEMM on the calling thread: out[M, N] (row stride ldo) = a @ b, or += a @ b when
/// `accumulate`, through the backend above (OpenBLAS and TinyTorch's kernel take row-major or
/// transposed operands as they are; Eigen's GEMM runs with EIGEN_DONT_PARALLELIZE: TinyTorch threads it).
inline void gemm_serial(const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs, int64_t bcs, float* out,
                        int64_t ldo, int64_t M, int64_t K, int64_t N, bool accumulate) {
    if (M == 0 || N == 0) return;
    if (K == 0) {
        if (!accumulate)
            for (int64_t i = 0; i < M; ++i) std::fill(out + i * ldo, out + i * ldo + N, 0.0f);
        return;
    }
#if TINYTORCH_HAS_OPENBLAS
    // A [rows, cols] with strides (rs, cs) is row-major (cs == 1) or the transpose of a
    // row-major matrix (rs == 1); cblas takes either with its leading dimension.
    auto layout = [](int64_t rows, int64_t cols, int64_t rs, int64_t cs, CBLAS_TRANSPOSE& t, int64_t& ld) {
        if (cs == 1 && rs >= std::max<int64_t>(cols, 1)) { t = CblasNoTrans; ld = rs; return true; }
        if (rs == 1 && cs >= std::max<int64_t>(rows, 1)) { t = CblasTrans; ld = cs; return true; }
        return false;
    };
    CBLAS_TRANSPOSE ta, tb;
    int64_t lda, ldb;
    // One row times a matrix (a Linear on one token: KV-cache decoding, module 18) is a
    // matrix-vector product: sgemv reads the matrix once, in place, where sgemm would first pack
    // all of it into panels (measured on Zen 5 at [1, 128] @ [128, 384]: 4.6 µs vs 22 µs).
    if (M == 1 && acs >= 1 && layout(K, N, brs, bcs, tb, ldb)) {
        // out[0, n] = sum_k a[k]·b[k, n]: b row-major [K, N] is bᵀ·a (Trans); b = Wᵀ with W [N, K] row-major is W·a
        if (tb == CblasNoTrans)
            cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<int>(K), static_cast<int>(N), 1.0f, b,
                        static_cast<int>(ldb), a, static_cast<int>(acs), accumulate ? 1.0f : 0.0f, out, 1);
        else
            cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(N), static_cast<int>(K), 1.0f, b,
                        static_cast<int>(ldb), a, static_cast<int>(acs), accumulate ? 1.0f : 0.0f, out, 1);
        return;
    }
    if (layout(M, K, ars, acs, ta, lda) && layout(K, N, brs, bcs, tb, ldb)) {
        cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), 1.0f, a,
                    static_cast<int>(lda), b, static_cast<int>(ldb), accumulate ? 1.0f : 0.0f, out,
                    static_cast<int>(ldo));
        return;
    }
#elif TINYTORCH_GEMM_AVX2
    gemm::gemm(a, ars, acs, b, brs, bcs, out, ldo, M, K, N, accumulate);  // any strides
    return;
#endif
    gemm_eigen(a, ars, acs, b, brs, bcs, out, ldo, M, K, N, accumulate);  // gemm_eigen.hpp
}

/// out[M, N] = a[M, K] @ b[K, N] (+= with `accumulate`) for strided operands; out has contiguous
/// rows of length N. Big products are split into one block of rows (or columns) per thread, each
/// a serial GEMM; small ones, and calls from inside a parallel loop, run on the calling thread.
inline void gemm_strided(const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs, int64_t bcs,
                         float* out, int64_t M, int64_t K, int64_t N, bool accumulate = false) {
    const int64_t ldo = std::max<int64_t>(N, 1);
#if TINYTORCH_HAS_OPENBLAS
    // TinyTorch owns the threads: OpenBLAS runs single-threaded inside them (set once; again if
    // someone changed it, which only a call from outside a parallel loop may safely undo).
    static const bool openblas_serial = (openblas_set_num_threads(1), true);
    (void)openblas_serial;
    if (!in_parallel_region() && openblas_get_num_threads() != 1) openblas_set_num_threads(1);
#endif
    const int64_t threads = in_parallel_region() ? 1 : get_num_threads();
    if (threads > 1 && M * N * K >= kGemmParallelWork) {
        const bool by_rows = M >= N;  // split the longer side, in multiples of 16 (whole SIMD panels)
        const int64_t len = by_rows ? M : N;
        const int64_t chunk = ((len + threads - 1) / threads + 15) / 16 * 16;
        const int64_t parts = (len + chunk - 1) / chunk;
        parallel_for(parts, 1, [&](int64_t p0, int64_t p1) {
            for (int64_t p = p0; p < p1; ++p) {
                const int64_t lo = p * chunk, n = std::min(chunk, len - lo);
                if (by_rows) gemm_serial(a + lo * ars, ars, acs, b, brs, bcs, out + lo * ldo, ldo, n, K, N, accumulate);
                else gemm_serial(a, ars, acs, b + lo * bcs, brs, bcs, out + lo, ldo, M, K, n, accumulate);
            }
        });
        return;
    }
    gemm_serial(a, ars, acs, b, brs, bcs, out, ldo, M, K, N, accumulate);
}

/// The fast path for >= 2-D operands: batched, batch dims broadcast.
inline Tensor matmul_batched(const Tensor& a, const Tensor& b) {
    // BEGIN SOLUTION: matmul (§7)
    const int64_t M = a.size(-2), K = a.size(-1), K2 = b.size(-2), N = b.size(-1);
    if (K != K2)
        throw ShapeError(fmt("matmul: inner dimensions differ: ", shape_str(a.shape()), " @ ", shape_str(b.shape()),
                             " (", K, " vs ", K2, "); hint: the last dim of A must equal the second-to-last of B"));
    Shape batch_a(a.shape().begin(), a.shape().end() - 2), batch_b(b.shape().begin(), b.shape().end() - 2);
    const std::string op = fmt("matmul ", shape_str(a.shape()), " @ ", shape_str(b.shape()), " (batch dims)");
    Shape batch = broadcast_shapes(batch_a, batch_b, op.c_str());
    Shape out_shape = batch;
    out_shape.push_back(M);
    out_shape.push_back(N);
    Tensor out = empty_uninitialized(out_shape);  // the GEMM writes every element
    const int64_t batches = numel_of(batch);
    if (out.numel() == 0) return out;

    // Trick: [B, M, K] @ [K, N] with rows stacked contiguously is ONE [B*M, K] @ [K, N] GEMM.
    if (batch_b.empty() && a.dim() > 2 && a.is_contiguous()) {
        gemm_strided(a.data_ptr(), K, 1, b.data_ptr(), b.stride(-2), b.stride(-1), out.data_ptr(), batches * M, K, N);
        return out;
    }
    Shape sa = broadcast_strides(batch_a, Shape(a.strides().begin(), a.strides().end() - 2), batch);
    Shape sb = broadcast_strides(batch_b, Shape(b.strides().begin(), b.strides().end() - 2), batch);
    const float* pa = a.data_ptr();
    const float* pb = b.data_ptr();
    float* po = out.data_ptr();
    const int64_t ars = a.stride(-2), acs = a.stride(-1), brs = b.stride(-2), bcs = b.stride(-1);
    auto one_batch = [&](int64_t i) {
        int64_t oa = 0, ob = 0, rest = i;
        for (int64_t d = static_cast<int64_t>(batch.size()) - 1; d >= 0; --d) {
            int64_t k = rest % batch[d];
            rest /= batch[d];
            oa += k * sa[d];
            ob += k * sb[d];
        }
        gemm_strided(pa + oa, ars, acs, pb + ob, brs, bcs, po + i * M * N, M, K, N);
    };
    // Many small products (attention heads): one per thread. Few big ones: gemm_strided threads each.
    if (batches >= 2 && M * N * K < (1 << 18)) {
        parallel_for(batches, 1, [&](int64_t lo, int64_t hi) {
            for (int64_t i = lo; i < hi; ++i) one_batch(i);
        });
    } else {
        for (int64_t i = 0; i < batches; ++i) one_batch(i);
    }
    return out;
    // END SOLUTION
}

}  // namespace detail

inline Tensor Tensor::matmul(const Tensor& other) const {
    TINYTORCH_RECORD_OP("matmul", *this, other);
    if (dim() == 0 || other.dim() == 0)
        throw ShapeError(fmt("matmul: both operands need at least 1 dim, got ", shape_str(shape()), " @ ",
                             shape_str(other.shape()), "; hint: use mul() to scale by a scalar"));
    // 1-D operands: view as a row / column matrix, multiply, drop the added dim.
    if (dim() == 1 && other.dim() == 1) {
        if (size(0) != other.size(0))
            throw ShapeError(fmt("matmul: inner dimensions differ: ", shape_str(shape()), " @ ",
                                 shape_str(other.shape()), "; hint: a dot product needs equal lengths"));
        return unsqueeze(0).matmul(other.unsqueeze(1)).reshape({});
    }
    if (dim() == 1 && size(0) != other.size(-2))
        throw ShapeError(fmt("matmul: inner dimensions differ: ", shape_str(shape()), " @ ", shape_str(other.shape()),
                             " (", size(0), " vs ", other.size(-2), "); hint: a 1-D left operand is a row vector, its "
                             "length must equal the second-to-last dim of B"));
    if (other.dim() == 1 && size(-1) != other.size(0))
        throw ShapeError(fmt("matmul: inner dimensions differ: ", shape_str(shape()), " @ ", shape_str(other.shape()),
                             " (", size(-1), " vs ", other.size(0), "); hint: a 1-D right operand is a column vector, "
                             "its length must equal the last dim of A"));
    if (dim() == 1) return unsqueeze(0).matmul(other).squeeze(-2);
    if (other.dim() == 1) return matmul(other.unsqueeze(1)).squeeze(-1);
    Tensor out = detail::matmul_batched(*this, other);
    if (autograd::wants_grad(*this, other)) autograd::record(out, "matmul", {*this, other});
    return out;
}

inline Tensor matmul(const Tensor& a, const Tensor& b) { return a.matmul(b); }

}  // namespace tinytorch
