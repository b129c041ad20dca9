// include/tinytorch/tensor/testing.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §9 (comparing tensors in tests)
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "tinytorch/tensor/core.hpp"

namespace tinytorch {

/// Same shape and |a - b| <= atol + rtol * |b| everywhere (NaNs equal only if equal_nan).
inline bool allclose(const Tensor& a, const Tensor& b, float rtol = 1e-5f, float atol = 1e-8f, bool equal_nan = false) {
    if (!a.defined() || !b.defined() || a.shape() != b.shape()) return false;
    std::vector<float> va = a.to_vector(), vb = b.to_vector();
    for (size_t i = 0; i < va.size(); ++i) {
        float x = va[i], y = vb[i];
        if (std::isnan(x) || std::isnan(y)) {
            if (!(equal_nan && std::isnan(x) && std::isnan(y))) return false;
            continue;
        }
        if (x == y) continue;                               // also covers equal infinities
        if (std::isinf(x) || std::isinf(y)) return false;  // else inf <= rtol * inf would pass
        if (!(std::fabs(x - y) <= atol + rtol * std::fabs(y))) return false;
    }
    return true;
}

/// Same shape and exactly the same values.
inline bool equal(const Tensor& a, const Tensor& b) {
    return a.defined() && b.defined() && a.shape() == b.shape() && a.to_vector() == b.to_vector();
}

/// Largest |a - b| (shapes must match); handy in failure messages.
inline float max_abs_diff(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape())
        throw ShapeError(fmt("max_abs_diff: shapes differ: ", shape_str(a.shape()), " vs ", shape_str(b.shape()),
                             "; hint: compare tensors of the same shape"));
    std::vector<float> va = a.to_vector(), vb = b.to_vector();
    float m = 0.0f;
    for (size_t i = 0; i < va.size(); ++i) {
        if (va[i] == vb[i]) continue;  // also equal infinities
        float d = std::fabs(va[i] - vb[i]);
        if (std::isnan(d)) return d;   // a NaN must show, std::max would drop it
        m = std::max(m, d);
    }
    return m;
}

}  // namespace tinytorch
