// include/tinytorch/tensor/creation.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §3 (creating tensors)
#pragma once
#include <cmath>
#include <cstring>
#include <vector>

#include "tinytorch/tensor/core.hpp"
#include "tinytorch/tensor/generator.hpp"

namespace tinytorch {

// ---- from data ----------------------------------------------------------------------------

inline Tensor::Tensor(std::vector<float> values, Shape shape) {
    // BEGIN SOLUTION: Tensor(values, shape) (§3)
    if (static_cast<int64_t>(values.size()) != numel_of(shape))
        throw ShapeError(fmt("Tensor: ", values.size(), " values cannot fill shape ", shape_str(shape), " (",
                             numel_of(shape), " elements); hint: the product of the dims must equal the number "
                             "of values"));
    *this = empty(shape);
    if (!values.empty()) std::memcpy(data_ptr(), values.data(), values.size() * sizeof(float));
    // END SOLUTION
}

template <typename V>
    requires std::is_arithmetic_v<V>
inline Tensor::Tensor(std::initializer_list<V> values)
    : Tensor(std::vector<float>(values.begin(), values.end()), Shape{static_cast<int64_t>(values.size())}) {
    if constexpr (std::is_same_v<V, bool>) impl_->dtype = ScalarType::Bool;  // Tensor({true, false}) is a mask
}

inline Tensor::Tensor(std::initializer_list<std::initializer_list<float>> rows) {
    // BEGIN SOLUTION: Tensor(nested rows) (§3)
    std::vector<float> values;
    int64_t cols = rows.size() ? static_cast<int64_t>(rows.begin()->size()) : 0, r = 0;
    for (const auto& row : rows) {
        if (static_cast<int64_t>(row.size()) != cols)
            throw ShapeError(fmt("Tensor: row ", r, " has ", row.size(), " values but row 0 has ", cols,
                                 "; hint: nested lists must be rectangular"));
        values.insert(values.end(), row.begin(), row.end());
        ++r;
    }
    *this = Tensor(std::move(values), Shape{static_cast<int64_t>(rows.size()), cols});
    // END SOLUTION
}

inline Tensor::Tensor(std::initializer_list<std::initializer_list<std::initializer_list<float>>> planes) {
    std::vector<float> values;
    int64_t rows = -1, cols = -1, p = 0;
    for (const auto& plane : planes) {
        Tensor t(plane);  // reuses the 2-D constructor and its checks
        if (rows < 0) { rows = t.size(0); cols = t.size(1); }
        if (t.size(0) != rows || t.size(1) != cols)
            throw ShapeError(fmt("Tensor: plane ", p, " has shape ", shape_str(t.shape()), " but plane 0 has [",
                                 rows, ", ", cols, "]; hint: nested lists must be rectangular"));
        std::vector<float> v = t.to_vector();
        values.insert(values.end(), v.begin(), v.end());
        ++p;
    }
    *this = Tensor(std::move(values), Shape{static_cast<int64_t>(planes.size()), std::max<int64_t>(rows, 0),
                                            std::max<int64_t>(cols, 0)});
}

/// A 0-dimensional tensor holding one value (what a loss is).
inline Tensor scalar_tensor(float value) { return Tensor(std::vector<float>{value}, Shape{}); }

/// libtorch-style spelling: tensor({1, 2, 3}) or tensor(values, shape).
inline Tensor tensor(std::initializer_list<float> values) { return Tensor(values); }
inline Tensor tensor(std::vector<float> values, Shape shape) { return Tensor(std::move(values), std::move(shape)); }

// ---- filled ---------------------------------------------------------------------------------

inline Tensor full(const Shape& shape, float value) {
    // BEGIN SOLUTION: full (§3)
    Tensor t = empty(shape);
    std::fill(t.data_ptr(), t.data_ptr() + t.numel(), value);
    return t;
    // END SOLUTION
}
inline Tensor zeros(const Shape& shape) { return empty(shape); }  // empty() zero-fills
inline Tensor ones(const Shape& shape) { return full(shape, 1.0f); }
/// With a dtype, as libtorch's ones({2, 3}, kBool); a Bool tensor holds value != 0.
inline Tensor full(const Shape& shape, float value, ScalarType dtype) {
    Tensor t = full(shape, dtype == ScalarType::Bool ? (value != 0.0f ? 1.0f : 0.0f) : value);
    t.impl()->dtype = dtype;
    return t;
}
inline Tensor zeros(const Shape& shape, ScalarType dtype) { return empty(shape, dtype); }
inline Tensor ones(const Shape& shape, ScalarType dtype) { return full(shape, 1.0f, dtype); }
/// The *_like forms keep the dtype of `t` unless one is given (as libtorch).
inline Tensor zeros_like(const Tensor& t) { return zeros(t.shape(), t.dtype()); }
inline Tensor ones_like(const Tensor& t) { return ones(t.shape(), t.dtype()); }
inline Tensor full_like(const Tensor& t, float value) { return full(t.shape(), value, t.dtype()); }
inline Tensor zeros_like(const Tensor& t, ScalarType dtype) { return zeros(t.shape(), dtype); }
inline Tensor ones_like(const Tensor& t, ScalarType dtype) { return ones(t.shape(), dtype); }
inline Tensor full_like(const Tensor& t, float value, ScalarType dtype) { return full(t.shape(), value, dtype); }

/// Identity matrix n x n.
inline Tensor eye(int64_t n) {
    Tensor t = zeros({n, n});
    for (int64_t i = 0; i < n; ++i) t.data_ptr()[i * n + i] = 1.0f;
    return t;
}

// ---- ranges ---------------------------------------------------------------------------------

/// [start, start+step, ...) up to but excluding `end`.   arange(0, 5) -> [0, 1, 2, 3, 4]
inline Tensor arange(float start, float end, float step = 1.0f) {
    // BEGIN SOLUTION: arange (§3)
    if (step == 0.0f || !std::isfinite(step))
        throw ValueError(fmt("arange: step must be a non-zero finite number, got ", step,
                             "; hint: arange(0, 10, 2) counts in twos"));
    double count = std::ceil((static_cast<double>(end) - start) / step);
    int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
    Tensor t = empty({n});
    for (int64_t i = 0; i < n; ++i) t.data_ptr()[i] = static_cast<float>(start + static_cast<double>(i) * step);
    return t;
    // END SOLUTION
}
inline Tensor arange(float end) { return arange(0.0f, end, 1.0f); }

/// `steps` evenly spaced values from start to end, both included.
inline Tensor linspace(float start, float end, int64_t steps) {
    // BEGIN SOLUTION: linspace (§3)
    if (steps < 0)
        throw ValueError(fmt("linspace: steps must be >= 0, got ", steps, "; hint: linspace(0, 1, 5) gives 5 values"));
    Tensor t = empty({steps});
    double delta = steps > 1 ? (static_cast<double>(end) - start) / static_cast<double>(steps - 1) : 0.0;
    for (int64_t i = 0; i < steps; ++i) t.data_ptr()[i] = static_cast<float>(start + delta * static_cast<double>(i));
    if (steps > 1) t.data_ptr()[steps - 1] = end;  // exact end point despite rounding
    return t;
    // END SOLUTION
}

// ---- random (reproducible with manual_seed) ------------------------------------------------------

/// Standard normal N(0, 1) samples.
inline Tensor randn(const Shape& shape, Generator& gen = default_generator()) {
    Tensor t = empty(shape);
    float* p = t.data_ptr();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = gen.normal();
    return t;
}
/// Uniform samples in [0, 1).
inline Tensor rand(const Shape& shape, Generator& gen = default_generator()) {
    Tensor t = empty(shape);
    float* p = t.data_ptr();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = gen.uniform();
    return t;
}
/// Uniform samples in [low, high).
inline Tensor uniform(const Shape& shape, float low, float high, Generator& gen = default_generator()) {
    Tensor t = empty(shape);
    float* p = t.data_ptr();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = gen.uniform(low, high);
    return t;
}
/// Integers in [low, high) stored as floats (class labels, token ids).
inline Tensor randint(int64_t low, int64_t high, const Shape& shape, Generator& gen = default_generator()) {
    if (high <= low)
        throw ValueError(fmt("randint: need low < high, got low=", low, " high=", high,
                             "; hint: randint(0, 10, {5}) draws five digits"));
    Tensor t = empty(shape);
    float* p = t.data_ptr();
    for (int64_t i = 0; i < t.numel(); ++i)
        p[i] = static_cast<float>(low + static_cast<int64_t>(gen.randint(static_cast<uint64_t>(high - low))));
    return t;
}

}  // namespace tinytorch
