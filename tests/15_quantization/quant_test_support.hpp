// tests/15_quantization/quant_test_support.hpp — what the module-15 tests share: the judge helpers
// (tests/support/judge.hpp), a plain int32 GEMM written in the test (the expected values of every integer-GEMM test),
// byte/tensor builders that call no student code, and a deterministic random source.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/judge.hpp"

namespace quant_test {

/// C[m, n] = Σ_k A[m, k]·B[n, k] in int64 (then checked to fit int32): the definition, written
/// here so that no kernel under test computes its own expected values.
inline std::vector<int32_t> plain_gemm(int64_t M, int64_t N, int64_t K, const std::vector<uint8_t>& A,
                                       const std::vector<int8_t>& B) {
    std::vector<int32_t> C(static_cast<size_t>(M * N));
    for (int64_t m = 0; m < M; ++m)
        for (int64_t n = 0; n < N; ++n) {
            int64_t acc = 0;
            for (int64_t k = 0; k < K; ++k) acc += int64_t(A[m * K + k]) * int64_t(B[n * K + k]);
            C[m * N + n] = static_cast<int32_t>(acc);
        }
    return C;
}

/// Deterministic bytes: full range, extremes included.
inline std::vector<uint8_t> random_u8(size_t n, uint32_t seed) {
    std::mt19937 gen(seed);
    std::vector<uint8_t> v(n);
    for (auto& x : v) x = static_cast<uint8_t>(gen() & 0xFF);
    return v;
}
inline std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
    std::mt19937 gen(seed);
    std::vector<int8_t> v(n);
    for (auto& x : v) x = static_cast<int8_t>(static_cast<int>(gen() % 256) - 128);
    return v;
}
/// Deterministic floats uniform in [lo, hi) as a tensor built without student code.
inline tinytorch::Tensor uniform(const tinytorch::Shape& shape, float lo, float hi, uint32_t seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> d(lo, hi);
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = d(gen);
    return judge::tensor(v, shape);
}
/// Overwrite a parameter's values in place (its storage, so the module sees them).
inline void set_values(const tinytorch::Tensor& t, const std::vector<float>& v) {
    std::memcpy(t.impl()->storage->data() + t.impl()->offset, v.data(), v.size() * sizeof(float));
}

}  // namespace quant_test
