// include/tinytorch/acceleration/threading.hpp
// Module 17 · Acceleration — lesson: modules/17_acceleration/README.md §6 (threads)
//
// More cores: give each thread its own block of rows of C. The blocks share B (read-only) and
// write disjoint rows of C, so the threads never wait for each other until the end.
#pragma once
#include <algorithm>
#include <cstdint>

#include "tinytorch/acceleration/gemm_ladder.hpp"

namespace tinytorch::accel {

/// C = A @ B (row-major, contiguous) on up to get_num_threads() threads: the rows of C are cut
/// into one block per thread (a multiple of 16 rows, so no thread gets a ragged register tile in
/// the middle), each block one single-threaded GEMM through `rung`. Products below 4M
/// multiply-adds stay on the calling thread (starting a thread costs more than they take).
inline void gemm_parallel(Rung rung, const float* a, const float* b, float* c, int64_t M, int64_t K, int64_t N) {
    // BEGIN SOLUTION: gemm_parallel (§6)
    const int64_t threads = get_num_threads();
    if (threads <= 1 || M * N * K < (int64_t(1) << 22) || M < 32) return gemm_rung(rung, a, b, c, M, K, N);
    const int64_t rows = ((M + threads - 1) / threads + 15) / 16 * 16;
    const int64_t parts = (M + rows - 1) / rows;
    tinytorch::detail::parallel_for(parts, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t p = lo; p < hi; ++p) {
            const int64_t r0 = p * rows, n = std::min(rows, M - r0);
            gemm_rung(rung, a + r0 * K, b, c + r0 * N, n, K, N);
        }
    });
    // END SOLUTION
}

}  // namespace tinytorch::accel
