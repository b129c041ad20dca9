// tests/09_convolutions/helpers.hpp — small helpers shared by module 09's test files.
#pragma once
#include <vector>

#include "tinytorch/convolutions/convolutions.hpp"

namespace conv_test {
using namespace tinytorch;

/// Uniform values in [lo, hi), reproducible from `seed`.
inline Tensor random(const Shape& shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
    Generator gen(seed);
    return uniform(shape, lo, hi, gen);
}
/// The same, as a leaf that requires grad.
inline Tensor leaf(const Shape& shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
    return random(shape, seed, lo, hi).requires_grad_();
}
/// Distinct values (a random permutation of 0.1·k plus noise): no ties, so max pooling and
/// its finite differences are well defined.
inline Tensor distinct(const Shape& shape, uint64_t seed) {
    Generator gen(seed);
    const int64_t n = numel_of(shape);
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) v[i] = 0.05f * static_cast<float>(i);
    for (int64_t i = n - 1; i > 0; --i) std::swap(v[i], v[gen.randint(static_cast<uint64_t>(i + 1))]);
    return Tensor(v, shape);
}

using Inputs = std::vector<Tensor>;

/// Run with `n` OpenMP threads while this lives (the test main sets 1 by default).
class ThreadCount {
public:
    explicit ThreadCount(int n) : before_(get_num_threads()) { set_num_threads(n); }
    ~ThreadCount() { set_num_threads(before_); }
    ThreadCount(const ThreadCount&) = delete;
    ThreadCount& operator=(const ThreadCount&) = delete;

private:
    int before_;
};
}  // namespace conv_test
