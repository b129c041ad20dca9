// include/tinytorch/tensor/shape.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §2 (shapes and strides), §4 (broadcasting)
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tinytorch/tensor/checked_size.hpp"
#include "tinytorch/tensor/errors.hpp"

namespace tinytorch {

/// A shape or a list of strides: one int64 per dimension. `{}` is the shape of a scalar.
using Shape = std::vector<int64_t>;

/// "[2, 3]" — how shapes appear in every error message.
inline std::string shape_str(const Shape& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

/// Number of elements a shape holds (1 for a scalar, 0 if any dim is 0). For shapes that are
/// already valid (a tensor's own); a shape from outside goes through checked_numel
/// (checked_size.hpp) first. Multiplied in uint64 so that a bad shape gives a wrong count, never
/// undefined behaviour.
inline int64_t numel_of(const Shape& shape) {
    uint64_t n = 1;
    for (int64_t d : shape) n *= static_cast<uint64_t>(d);
    return static_cast<int64_t>(n);
}

/// Row-major ("C order") strides: the last dim moves fastest.  [2, 3, 4] -> [12, 4, 1]
inline Shape contiguous_strides(const Shape& shape) {
    // BEGIN SOLUTION: contiguous_strides (§2)
    Shape strides(shape.size());
    int64_t step = 1;
    for (size_t i = shape.size(); i-- > 0;) {
        strides[i] = step;
        step *= std::max<int64_t>(shape[i], 1);
    }
    return strides;
    // END SOLUTION
}

/// Turn a possibly negative dim (-1 = last) into 0..ndim-1, or throw IndexError.
inline int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op = "dim") {
    int64_t lo = ndim == 0 ? -1 : -ndim, hi = ndim == 0 ? 0 : ndim - 1;
    if (dim < lo || dim > hi)
        throw IndexError(fmt(op, ": dimension ", dim, " is out of range for a tensor with ", ndim,
                             " dims; hint: valid dims are ", lo, "..", hi));
    return dim < 0 ? dim + std::max<int64_t>(ndim, 1) : dim;
}

/// NumPy broadcasting: align shapes at the right; each pair of dims must be equal or one of
/// them 1.  [2, 1, 3] with [4, 3] -> [2, 4, 3]
inline Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op = "broadcast") {
    // BEGIN SOLUTION: broadcast_shapes (§4)
    size_t n = std::max(a.size(), b.size());
    Shape out(n);
    for (size_t i = 0; i < n; ++i) {
        int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
        int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ShapeError(fmt(op, ": shapes ", shape_str(a), " and ", shape_str(b),
                                 " cannot be broadcast (dim ", i, ": ", da, " vs ", db,
                                 "); hint: aligned from the right, each pair of dims must be equal or 1"));
        out[i] = da == 1 ? db : da;
    }
    return out;
    // END SOLUTION
}

}  // namespace tinytorch
