// include/tinytorch/tensor/iteration.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §4 (walking strided memory)
//
// The loops every element-wise kernel shares:
//   parallel_for      — split [0, n) across OpenMP threads when the work is big enough,
//   for_each_run      — visit all elements of K strided operands of one shape, as runs
//                       along the innermost dimension (the part a CPU can vectorise).
// These are given to students: the lesson is strides and broadcasting, not OpenMP.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

#include "tinytorch/tensor/shape.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace tinytorch {

/// Threads TinyTorch kernels may use (1 without OpenMP).
inline int get_num_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}
/// Like torch::set_num_threads: limits TinyTorch's element-wise kernels and Eigen's GEMM.
inline void set_num_threads(int n) {
#ifdef _OPENMP
    omp_set_num_threads(std::max(1, n));
#else
    (void)n;
#endif
}

namespace detail {

/// Below this many elements a loop stays on one thread (thread start-up costs ~microseconds).
constexpr int64_t kParallelGrain = 1 << 15;

/// body(begin, end) over disjoint chunks of [0, n); chunks run in parallel when n >= grain.
template <typename F>
void parallel_for(int64_t n, int64_t grain, F&& body) {
    if (n <= 0) return;
#ifdef _OPENMP
    if (n >= 2 * grain && omp_get_max_threads() > 1 && !omp_in_parallel()) {
#pragma omp parallel
        {
            int64_t nt = omp_get_num_threads(), t = omp_get_thread_num();
            int64_t chunk = (n + nt - 1) / nt, begin = t * chunk, end = std::min(n, begin + chunk);
            if (begin < end) body(begin, end);
        }
        return;
    }
#endif
    (void)grain;
    body(int64_t(0), n);
}
template <typename F>
void parallel_for(int64_t n, F&& body) {
    parallel_for(n, kParallelGrain, std::forward<F>(body));
}

/// Merge neighbouring dims that every operand walks contiguously, and drop size-1 dims, so
/// that e.g. a contiguous [64, 3, 32, 32] loop becomes one flat run of 196608 elements.
template <size_t K>
void coalesce_dims(Shape& shape, std::array<Shape, K>& strides) {
    Shape s;
    std::array<Shape, K> st;
    for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] == 1) continue;
        bool merge = !s.empty();
        for (size_t k = 0; k < K && merge; ++k) merge = st[k].back() == strides[k][d] * shape[d];
        if (merge) {
            s.back() *= shape[d];
            for (size_t k = 0; k < K; ++k) st[k].back() = strides[k][d];
        } else {
            s.push_back(shape[d]);
            for (size_t k = 0; k < K; ++k) st[k].push_back(strides[k][d]);
        }
    }
    shape = std::move(s);
    strides = std::move(st);
}

/// Visit every element of `shape` (row-major order) for K operands with the given element
/// strides and base offsets. Calls run(n, offsets, inner_strides) once per innermost run:
/// element i of the run is at offsets[k] + i * inner_strides[k] in operand k.
template <size_t K, typename Run>
void for_each_run(Shape shape, std::array<Shape, K> strides, std::array<int64_t, K> base, Run&& run) {
    if (numel_of(shape) == 0) return;
    coalesce_dims<K>(shape, strides);
    std::array<int64_t, K> inner_strides{};
    if (shape.empty()) {  // a single element
        run(int64_t(1), base, inner_strides);
        return;
    }
    const int64_t ndim = static_cast<int64_t>(shape.size());
    const int64_t inner = shape.back();
    for (size_t k = 0; k < K; ++k) inner_strides[k] = strides[k].back();
    const int64_t rows = numel_of(shape) / inner;
    const int64_t row_grain = std::max<int64_t>(1, kParallelGrain / inner);
    parallel_for(rows, row_grain, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            std::array<int64_t, K> offsets = base;
            int64_t rest = r;
            for (int64_t d = ndim - 2; d >= 0; --d) {  // unravel the row index over the outer dims
                int64_t i = rest % shape[d];
                rest /= shape[d];
                for (size_t k = 0; k < K; ++k) offsets[k] += i * strides[k][d];
            }
            run(inner, offsets, inner_strides);
        }
    });
}

/// Strides that make `shape`/`strides` read as if it had `target` shape (stride 0 on
/// broadcast dims). Assumes `shape` broadcasts to `target`.
inline Shape broadcast_strides(const Shape& shape, const Shape& strides, const Shape& target) {
    Shape out(target.size(), 0);
    size_t lead = target.size() - shape.size();
    for (size_t i = 0; i < shape.size(); ++i) out[lead + i] = shape[i] == 1 ? 0 : strides[i];
    return out;
}

}  // namespace detail
}  // namespace tinytorch
