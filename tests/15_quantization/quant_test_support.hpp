// tests/15_quantization/quant_test_support.hpp — what the module-15 tests share: the judge helpers
// (tests/support/judge.hpp once the grading scheme has landed; until then the same comparisons
// here), a plain int32 GEMM written in the test (the expected values of every integer-GEMM test),
// byte/tensor builders that call no student code, and a deterministic random source.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#if __has_include("support/judge.hpp")
#include "support/judge.hpp"
#else
#include "tinytorch/tensor/core.hpp"
namespace judge {
/// Row-major values read from the storage through shape, strides and offset (no student code).
inline std::vector<float> values(const tinytorch::Tensor& t) {
    const tinytorch::TensorImpl* impl = t.impl();
    std::vector<float> out;
    if (!impl || !impl->storage) return out;
    int64_t n = 1;
    for (int64_t d : impl->shape) n *= d;
    std::vector<int64_t> idx(impl->shape.size(), 0);
    for (int64_t k = 0; k < n; ++k) {
        int64_t pos = impl->offset;
        for (size_t d = 0; d < idx.size(); ++d) pos += idx[d] * impl->strides[d];
        out.push_back(impl->storage->data()[pos]);
        for (size_t d = idx.size(); d-- > 0;) {
            if (++idx[d] < impl->shape[d]) break;
            idx[d] = 0;
        }
    }
    return out;
}
inline tinytorch::Tensor tensor(const std::vector<float>& vals, const tinytorch::Shape& shape) {
    auto impl = std::make_shared<tinytorch::TensorImpl>();
    impl->storage = std::make_shared<tinytorch::Storage>(vals.size());
    if (!vals.empty()) std::memcpy(impl->storage->data(), vals.data(), vals.size() * sizeof(float));
    impl->shape = shape;
    impl->strides.assign(shape.size(), 1);
    for (size_t d = shape.size(); d-- > 1;) impl->strides[d - 1] = impl->strides[d] * shape[d];
    return tinytorch::Tensor(std::move(impl));
}
inline bool allclose(const tinytorch::Tensor& a, const tinytorch::Tensor& b, double rtol = 1e-5, double atol = 1e-8) {
    if (!a.defined() || !b.defined() || a.impl()->shape != b.impl()->shape) return false;
    const std::vector<float> va = values(a), vb = values(b);
    for (size_t i = 0; i < va.size(); ++i)
        if (!(va[i] == vb[i]) && !(std::fabs(double(va[i]) - vb[i]) <= atol + rtol * std::fabs(double(vb[i]))))
            return false;
    return true;
}
inline bool equal(const tinytorch::Tensor& a, const tinytorch::Tensor& b) {
    if (!a.defined() || !b.defined() || a.impl()->shape != b.impl()->shape) return false;
    const std::vector<float> va = values(a), vb = values(b);
    for (size_t i = 0; i < va.size(); ++i)
        if (!(va[i] == vb[i])) return false;
    return true;
}
inline double max_abs_diff(const tinytorch::Tensor& a, const tinytorch::Tensor& b) {
    const std::vector<float> va = values(a), vb = values(b);
    double m = 0;
    for (size_t i = 0; i < va.size() && i < vb.size(); ++i) m = std::max(m, std::fabs(double(va[i]) - vb[i]));
    return m;
}
}  // namespace judge
#endif

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
