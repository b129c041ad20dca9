// include/tinytorch/tensor/gemm_eigen.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §7 (matrix multiplication)
//
// Eigen's GEMM behind one plain function: matmul's last resort (matmul.hpp: OpenBLAS first, then
// TinyTorch's own kernel), and the path for operand layouts the others do not take. It sits in
// a header of its own because Eigen's GEMM templates cost seconds to compile: the test programs
// compile it once (tests/support/gemm_eigen.cpp, with TINYTORCH_PREBUILT_EIGEN_GEMM defined)
// instead of in every test file, which shortens the edit -> test cycle.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <cstdint>

#ifndef TINYTORCH_GEMM_EIGEN_LINKAGE
#define TINYTORCH_GEMM_EIGEN_LINKAGE inline
#endif

namespace tinytorch {
namespace detail {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ColMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using RowMap = Eigen::Map<const RowMat, Eigen::Unaligned, Eigen::OuterStride<>>;
using ColMap = Eigen::Map<const ColMat, Eigen::Unaligned, Eigen::OuterStride<>>;
using OutMap = Eigen::Map<RowMat, Eigen::Unaligned, Eigen::OuterStride<>>;

/// Call f with an Eigen view of the [rows, cols] matrix at p with element strides
/// (rs, cs). Row-major (cs == 1) and transposed (rs == 1) layouts map without a copy —
/// a transposed weight costs nothing. Anything else is copied first.
template <typename F>
void with_eigen_matrix(const float* p, int64_t rows, int64_t cols, int64_t rs, int64_t cs, F&& f) {
    if (cs == 1 && rs >= std::max<int64_t>(cols, 1)) {
        f(RowMap(p, rows, cols, Eigen::OuterStride<>(rs)));
    } else if (rs == 1 && cs >= std::max<int64_t>(rows, 1)) {
        f(ColMap(p, rows, cols, Eigen::OuterStride<>(cs)));
    } else {
        RowMat copy(rows, cols);
        for (int64_t i = 0; i < rows; ++i)
            for (int64_t j = 0; j < cols; ++j) copy(i, j) = p[i * rs + j * cs];
        f(RowMap(copy.data(), rows, cols, Eigen::OuterStride<>(std::max<int64_t>(cols, 1))));
    }
}

/// out[M, N] (row stride ldo) = a @ b, or += a @ b when `accumulate`, with Eigen's GEMM on the
/// calling thread (EIGEN_DONT_PARALLELIZE: TinyTorch threads it); M, N, K > 0; any strides.
TINYTORCH_GEMM_EIGEN_LINKAGE void gemm_eigen(const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs,
                                             int64_t bcs, float* out, int64_t ldo, int64_t M, int64_t K, int64_t N,
                                             bool accumulate) {
    OutMap o(out, M, N, Eigen::OuterStride<>(ldo));
    with_eigen_matrix(a, M, K, ars, acs, [&](const auto& A) {
        with_eigen_matrix(b, K, N, brs, bcs, [&](const auto& B) {
            if (accumulate) o.noalias() += A * B;
            else o.noalias() = A * B;
        });
    });
}

}  // namespace detail
}  // namespace tinytorch
