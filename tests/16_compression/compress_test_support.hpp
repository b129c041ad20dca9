// tests/16_compression/compress_test_support.hpp — what the module-16 tests share: the judge helpers
// (tests/support/judge.hpp), deterministic values, in-place parameter writes and a plain matrix
// product written here, so that expected values never come from code under test.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "support/judge.hpp"

namespace compress_test {

/// Deterministic floats uniform in [lo, hi).
inline std::vector<float> uniform_values(size_t n, float lo, float hi, uint32_t seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(gen);
    return v;
}
inline tinytorch::Tensor uniform(const tinytorch::Shape& shape, float lo, float hi, uint32_t seed) {
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    return judge::tensor(uniform_values(static_cast<size_t>(n), lo, hi, seed), shape);
}
/// Overwrite a parameter's values in place (its storage, so the module sees them).
inline void set_values(const tinytorch::Tensor& t, const std::vector<float>& v) {
    std::memcpy(t.impl()->storage->data() + t.impl()->offset, v.data(), v.size() * sizeof(float));
}
/// y[n, o] = Σ_i x[n, i] · w[o, i] + b[o], in double: the definition of a Linear layer.
inline std::vector<float> linear_ref(const std::vector<float>& x, const std::vector<float>& w,
                                     const std::vector<float>& b, int64_t n, int64_t in, int64_t out) {
    std::vector<float> y(static_cast<size_t>(n * out));
    for (int64_t r = 0; r < n; ++r)
        for (int64_t o = 0; o < out; ++o) {
            double acc = b.empty() ? 0.0 : b[o];
            for (int64_t i = 0; i < in; ++i) acc += double(x[r * in + i]) * w[o * in + i];
            y[r * out + o] = static_cast<float>(acc);
        }
    return y;
}
inline int64_t zeros_in(const std::vector<float>& v) {
    int64_t z = 0;
    for (float x : v) z += x == 0.0f;
    return z;
}

}  // namespace compress_test
