// tests/support/judge.hpp — how the tests compare tensors: the instructor's code, never yours.
//
// Every test judges with these helpers, always spelled with the namespace:
//     CHECK(judge::allclose(y, Tensor({0.f, 0.f, 3.f})));
//     CHECK(judge::equal(idx, Tensor({2.f, 0.f})));
//     INFO("max |diff| " << judge::max_abs_diff(a, b));
// Why not tinytorch::allclose (include/tinytorch/tensor/testing.hpp)? Because ./tito grade takes
// include/ from a submission: a test that compared with a helper from include/ would let the
// submission decide what "close" means. These helpers live in the tests' tree, which the grader
// always takes from the instructor's copy, and they read a tensor's values through the raw
// storage, shape, strides and offset (TensorImpl), not through to_vector() or is_contiguous().
//
// Why function objects? A call written judge::allclose(a, b) is a qualified name, so argument-
// dependent lookup never adds a same-named function from namespace tinytorch; and judge::allclose
// is a variable, so a header that declares another judge::allclose does not overload it — it
// does not compile. (tests/support/catch.hpp also makes an unqualified allclose(...) in a test
// a compile error, so a test cannot pick up the student's helper by accident.)
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tinytorch/tensor/core.hpp"

namespace judge {

namespace detail {
inline std::string shape_text(const tinytorch::Shape& shape) {
    std::ostringstream s;
    s << '[';
    for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
    s << ']';
    return s.str();
}
inline int64_t numel(const tinytorch::Shape& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}
}  // namespace detail

/// The values of `t` in row-major order, read from its storage through its own shape, strides
/// and offset (any layout: views, stride-0 broadcasts). Throws std::invalid_argument when `t` is
/// undefined or its geometry points outside its storage.
struct ValuesFn {
    std::vector<float> operator()(const tinytorch::Tensor& t) const {
        const tinytorch::TensorImpl* impl = t.impl();
        if (impl == nullptr) throw std::invalid_argument("judge::values: the tensor is undefined");
        const tinytorch::Shape& shape = impl->shape;
        const tinytorch::Shape& strides = impl->strides;
        if (strides.size() != shape.size() || !impl->storage)
            throw std::invalid_argument("judge::values: shape " + detail::shape_text(shape) + " and strides " +
                                        detail::shape_text(strides) + " do not match");
        const int64_t n = detail::numel(shape);
        std::vector<float> out;
        if (n <= 0) return out;
        // the reachable range of storage positions must lie inside the storage
        int64_t lo = impl->offset, hi = impl->offset;
        for (size_t d = 0; d < shape.size(); ++d) {
            const int64_t span = (shape[d] - 1) * strides[d];
            (span < 0 ? lo : hi) += span;
        }
        if (lo < 0 || hi >= static_cast<int64_t>(impl->storage->size()))
            throw std::invalid_argument("judge::values: shape " + detail::shape_text(shape) + ", strides " +
                                        detail::shape_text(strides) + " and offset " + std::to_string(impl->offset) +
                                        " reach outside a storage of " + std::to_string(impl->storage->size()) +
                                        " floats");
        const float* base = impl->storage->data();
        out.reserve(static_cast<size_t>(n));
        std::vector<int64_t> idx(shape.size(), 0);
        for (int64_t k = 0; k < n; ++k) {
            int64_t pos = impl->offset;
            for (size_t d = 0; d < shape.size(); ++d) pos += idx[d] * strides[d];
            out.push_back(base[pos]);
            for (size_t d = shape.size(); d-- > 0;) {  // odometer: the last dim moves fastest
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }
};
inline constexpr ValuesFn values{};

/// A new contiguous tensor holding `vals` (row-major) with `shape`, built without calling any
/// function a student writes (no Tensor(values, shape), no empty()): for expected values and
/// for fresh inputs in judge::gradcheck.
struct TensorFn {
    tinytorch::Tensor operator()(const std::vector<float>& vals, const tinytorch::Shape& shape) const {
        const int64_t n = detail::numel(shape);
        if (n < 0 || static_cast<int64_t>(vals.size()) != n)
            throw std::invalid_argument("judge::tensor: " + std::to_string(vals.size()) +
                                        " values cannot fill shape " + detail::shape_text(shape));
        auto impl = std::make_shared<tinytorch::TensorImpl>();
        impl->storage = std::make_shared<tinytorch::Storage>(vals.size());
        if (!vals.empty()) std::memcpy(impl->storage->data(), vals.data(), vals.size() * sizeof(float));
        impl->shape = shape;
        impl->strides.assign(shape.size(), 1);
        for (size_t d = shape.size(); d-- > 1;) impl->strides[d - 1] = impl->strides[d] * shape[d];
        return tinytorch::Tensor(std::move(impl));
    }
};
inline constexpr TensorFn tensor{};

/// A new contiguous tensor of `shape` with every element `value` (also built without student code).
struct FullFn {
    tinytorch::Tensor operator()(const tinytorch::Shape& shape, float value = 0.0f) const {
        const int64_t n = detail::numel(shape);
        if (n < 0) throw std::invalid_argument("judge::full: negative size in shape " + detail::shape_text(shape));
        return tensor(std::vector<float>(static_cast<size_t>(n), value), shape);
    }
};
inline constexpr FullFn full{};

/// Same shape and |a - b| <= atol + rtol·|b| everywhere (NaNs equal only if equal_nan; equal
/// infinities are equal). Same meaning as torch.allclose.
struct AllcloseFn {
    bool operator()(const tinytorch::Tensor& a, const tinytorch::Tensor& b, double rtol = 1e-5, double atol = 1e-8,
                    bool equal_nan = false) const {
        if (!a.defined() || !b.defined() || a.impl()->shape != b.impl()->shape) return false;
        const std::vector<float> va = values(a), vb = values(b);
        for (size_t i = 0; i < va.size(); ++i) {
            const double x = va[i], y = vb[i];
            if (std::isnan(x) || std::isnan(y)) {
                if (!(equal_nan && std::isnan(x) && std::isnan(y))) return false;
                continue;
            }
            if (x == y) continue;                               // also equal infinities
            if (std::isinf(x) || std::isinf(y)) return false;  // else inf <= rtol·inf would pass
            if (!(std::fabs(x - y) <= atol + rtol * std::fabs(y))) return false;
        }
        return true;
    }
};
inline constexpr AllcloseFn allclose{};

/// Same shape and exactly the same values (NaN is never equal).
struct EqualFn {
    bool operator()(const tinytorch::Tensor& a, const tinytorch::Tensor& b) const {
        if (!a.defined() || !b.defined() || a.impl()->shape != b.impl()->shape) return false;
        const std::vector<float> va = values(a), vb = values(b);
        for (size_t i = 0; i < va.size(); ++i)
            if (!(va[i] == vb[i])) return false;
        return true;
    }
};
inline constexpr EqualFn equal{};

/// Largest |a - b| (NaN if any difference is NaN); throws std::invalid_argument when the shapes
/// differ. For failure messages: INFO("max |diff| " << judge::max_abs_diff(a, b)).
struct MaxAbsDiffFn {
    double operator()(const tinytorch::Tensor& a, const tinytorch::Tensor& b) const {
        if (!a.defined() || !b.defined() || a.impl()->shape != b.impl()->shape)
            throw std::invalid_argument("judge::max_abs_diff: shapes differ: " +
                                        (a.defined() ? detail::shape_text(a.impl()->shape) : std::string("undefined")) +
                                        " vs " +
                                        (b.defined() ? detail::shape_text(b.impl()->shape) : std::string("undefined")));
        const std::vector<float> va = values(a), vb = values(b);
        double m = 0.0;
        for (size_t i = 0; i < va.size(); ++i) {
            if (va[i] == vb[i]) continue;  // also equal infinities
            const double d = std::fabs(static_cast<double>(va[i]) - static_cast<double>(vb[i]));
            if (std::isnan(d)) return d;
            if (d > m) m = d;
        }
        return m;
    }
};
inline constexpr MaxAbsDiffFn max_abs_diff{};

/// [M, K] @ [K, N] by the definition, accumulated in double, from the raw values of both operands
/// (any layout): the product the matmul tests compare with. Not detail::matmul_naive: that one is
/// in include/, which the grader takes from the submission. Throws std::invalid_argument when the
/// operands are not 2-D or do not multiply.
struct MatmulFn {
    tinytorch::Tensor operator()(const tinytorch::Tensor& a, const tinytorch::Tensor& b) const {
        if (!a.defined() || !b.defined() || a.impl()->shape.size() != 2 || b.impl()->shape.size() != 2 ||
            a.impl()->shape[1] != b.impl()->shape[0])
            throw std::invalid_argument("judge::matmul: expects [M, K] @ [K, N], got " +
                                        (a.defined() ? detail::shape_text(a.impl()->shape) : std::string("undefined")) +
                                        " @ " +
                                        (b.defined() ? detail::shape_text(b.impl()->shape) : std::string("undefined")));
        const int64_t M = a.impl()->shape[0], K = a.impl()->shape[1], N = b.impl()->shape[1];
        const std::vector<float> va = values(a), vb = values(b);
        std::vector<float> out(static_cast<size_t>(M * N));
        std::vector<double> row(static_cast<size_t>(N));
        for (int64_t i = 0; i < M; ++i) {
            std::fill(row.begin(), row.end(), 0.0);
            for (int64_t k = 0; k < K; ++k) {  // i-k-j: both inner reads walk memory in order
                const double aik = va[static_cast<size_t>(i * K + k)];
                const float* bk = vb.data() + k * N;
                for (int64_t j = 0; j < N; ++j) row[static_cast<size_t>(j)] += aik * bk[j];
            }
            for (int64_t j = 0; j < N; ++j) out[static_cast<size_t>(i * N + j)] = static_cast<float>(row[static_cast<size_t>(j)]);
        }
        return tensor(out, {M, N});
    }
};
inline constexpr MatmulFn matmul{};

}  // namespace judge
