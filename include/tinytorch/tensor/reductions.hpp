// include/tinytorch/tensor/reductions.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §8 (reductions)
//
// A reduction folds the dims in `dims` away: sum([2, 3, 4], dims {1}) -> [2, 4], or
// [2, 1, 4] with keepdim. The trick used here: permute the reduced dims to the end and make
// the tensor contiguous; then every output element is the fold of one contiguous row.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "tinytorch/tensor/core.hpp"
#include "tinytorch/tensor/creation.hpp"
#include "tinytorch/tensor/elementwise.hpp"
#include "tinytorch/tensor/graph.hpp"
#include "tinytorch/tensor/iteration.hpp"
#include "tinytorch/tensor/views.hpp"

namespace tinytorch {
namespace detail {

/// Sorted, de-duplicated, non-negative dims; an empty list means "all dims".
inline std::vector<int64_t> reduction_dims(const std::vector<int64_t>& dims, int64_t ndim, const char* op) {
    std::vector<int64_t> out;
    if (ndim == 0) {  // a scalar: dim 0 / -1 are accepted (as in PyTorch) and reduce nothing
        for (int64_t d : dims) normalize_dim(d, ndim, op);
        return out;
    }
    if (dims.empty()) {
        out.resize(ndim);
        std::iota(out.begin(), out.end(), 0);
        return out;
    }
    for (int64_t d : dims) out.push_back(normalize_dim(d, ndim, op));
    std::sort(out.begin(), out.end());
    if (std::adjacent_find(out.begin(), out.end()) != out.end())
        throw IndexError(fmt(op, ": a dim appears twice in ", shape_str(Shape(dims)), "; hint: list each dim once"));
    return out;
}

/// Shape after reducing `dims` (kept as 1 with keepdim, else removed).
inline Shape reduced_shape(const Shape& shape, const std::vector<int64_t>& dims, bool keepdim) {
    Shape out;
    for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
        bool reduced = std::find(dims.begin(), dims.end(), d) != dims.end();
        if (!reduced) out.push_back(shape[d]);
        else if (keepdim) out.push_back(1);
    }
    return out;
}

/// The rows to fold: x with the reduced dims moved last, contiguous, as [outer, inner].
/// Returns the contiguous tensor; inner = product of the reduced sizes.
inline Tensor rows_to_reduce(const Tensor& x, const std::vector<int64_t>& dims, int64_t& outer, int64_t& inner) {
    std::vector<int64_t> order;
    for (int64_t d = 0; d < x.dim(); ++d)
        if (std::find(dims.begin(), dims.end(), d) == dims.end()) order.push_back(d);
    // A fold visits a set, so the reduced dims may come in any order: take them in memory order
    // (largest stride first). Then x.t().sum() reads x as it lies instead of copying it by columns.
    std::vector<int64_t> reduced(dims.begin(), dims.end());
    std::stable_sort(reduced.begin(), reduced.end(), [&x](int64_t a, int64_t b) { return x.stride(a) > x.stride(b); });
    order.insert(order.end(), reduced.begin(), reduced.end());
    inner = 1;
    for (int64_t d : dims) inner *= x.size(d);
    outer = inner == 0 ? numel_of(reduced_shape(x.shape(), dims, false)) : x.numel() / inner;
    Tensor moved = x.detach().permute(order);
    return moved.is_contiguous() ? moved : copy_to_contiguous(moved);
}

/// out[r] = fold(row r) for each of the `outer` rows of length `inner`.
template <typename Fold>
Tensor reduce_rows(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, Fold fold) {
    int64_t outer = 0, inner = 0;
    Tensor rows = rows_to_reduce(x, dims, outer, inner);
    Tensor out = empty(reduced_shape(x.shape(), dims, keepdim));
    const float* p = rows.data_ptr();
    float* o = out.data_ptr();
    parallel_for(outer, std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(inner, 1)),
                 [&](int64_t lo, int64_t hi) {
                     for (int64_t r = lo; r < hi; ++r) o[r] = fold(p + r * inner, inner);
                 });
    return out;
}

/// Sum of n floats: Eigen sums blocks of 4096 in vector lanes; the block sums add up in double,
/// so a sum over 47 million pixels keeps float32's precision instead of drifting.
inline float fold_sum(const float* p, int64_t n) {
    constexpr int64_t block = 4096;
    if (n <= block) return n == 0 ? 0.0f : Eigen::Map<const Eigen::ArrayXf>(p, n).sum();
    double total = 0.0;
    for (int64_t i = 0; i < n; i += block)
        total += Eigen::Map<const Eigen::ArrayXf>(p + i, std::min(block, n - i)).sum();
    return static_cast<float>(total);
}

/// sum over `dims` — reduce_rows(fold_sum), except when the reduced dims are the leading dims of
/// a contiguous x (a bias gradient: [N, C] summed over N). There, moving the reduced dims last
/// would copy x by columns; instead each row is added onto a running row of C sums (in double,
/// like fold_sum's blocks), a loop over C the compiler vectorises.
inline Tensor reduce_sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
    bool leading = !dims.empty() && x.is_contiguous() && static_cast<int64_t>(dims.size()) < x.dim();
    for (size_t i = 0; leading && i < dims.size(); ++i) leading = dims[i] == static_cast<int64_t>(i);
    if (!leading) return reduce_rows(x, dims, keepdim, fold_sum);
    int64_t rows = 1;
    for (int64_t d : dims) rows *= x.size(d);
    const int64_t cols = rows == 0 ? numel_of(reduced_shape(x.shape(), dims, false)) : x.numel() / rows;
    Tensor out = empty(reduced_shape(x.shape(), dims, keepdim));
    const float* p = x.data_ptr();
    float* o = out.data_ptr();
    parallel_for(cols, std::max<int64_t>(64, kParallelGrain / std::max<int64_t>(rows, 1)), [=](int64_t lo, int64_t hi) {
        std::vector<double> acc(static_cast<size_t>(hi - lo), 0.0);
        double* a = acc.data();
        for (int64_t r = 0; r < rows; ++r) {
            const float* row = p + r * cols + lo;
            for (int64_t c = 0; c < hi - lo; ++c) a[c] += row[c];
        }
        for (int64_t c = 0; c < hi - lo; ++c) o[lo + c] = static_cast<float>(a[c]);
    });
    return out;
}

}  // namespace detail

// ---- sum and mean -------------------------------------------------------------------------------

inline Tensor Tensor::sum(const std::vector<int64_t>& dims, bool keepdim) const {
    TINYTORCH_RECORD_OP("sum", *this);
    // BEGIN SOLUTION: Tensor::sum (§8)
    std::vector<int64_t> d = detail::reduction_dims(dims, dim(), "sum");
    Tensor out = detail::reduce_sum(*this, d, keepdim);  // reduce_rows(..., fold_sum), with a fast path
    if (autograd::wants_grad(*this)) {
        std::vector<int64_t> ints{keepdim ? 1 : 0};
        ints.insert(ints.end(), d.begin(), d.end());
        autograd::record(out, "sum", {*this}, {}, ints);
    }
    return out;
    // END SOLUTION
}
inline Tensor Tensor::sum(int64_t d, bool keepdim) const { return sum(std::vector<int64_t>{d}, keepdim); }
inline Tensor Tensor::sum() const { return sum(std::vector<int64_t>{}, false); }

namespace detail {
/// mean/var/std of a Bool tensor: refused, as libtorch refuses them ("could not infer output dtype").
inline void check_float_input(const Tensor& x, const char* op) {
    if (x.dtype() != ScalarType::Float)
        throw ValueError(fmt(op, ": needs a Float tensor, got dtype ", dtype_name(x.dtype()), " (shape ",
                             shape_str(x.shape()), "), as in libtorch; hint: convert first, e.g. "
                             "mask.to(kFloat).mean(), or count with mask.sum()"));
}
}  // namespace detail

inline Tensor Tensor::mean(const std::vector<int64_t>& dims, bool keepdim) const {
    TINYTORCH_RECORD_OP("mean", *this);
    detail::check_float_input(*this, "mean");
    // BEGIN SOLUTION: Tensor::mean (§8)
    std::vector<int64_t> d = detail::reduction_dims(dims, dim(), "mean");
    int64_t count = 1;
    for (int64_t k : d) count *= size(k);
    if (count == 0)
        throw ValueError(fmt("mean: reducing ", shape_str(shape()), " over an empty dim; hint: a mean needs at "
                             "least one element"));
    return sum(d, keepdim).mul(1.0f / static_cast<float>(count));
    // END SOLUTION
}
inline Tensor Tensor::mean(int64_t d, bool keepdim) const { return mean(std::vector<int64_t>{d}, keepdim); }
inline Tensor Tensor::mean() const { return mean(std::vector<int64_t>{}, false); }

inline Tensor Tensor::sum_to(const Shape& target) const {
    TINYTORCH_RECORD_OP("sum_to", *this);
    if (shape() == target) return *this;
    if (broadcast_shapes(target, shape(), "sum_to") != shape())
        throw ShapeError(fmt("sum_to: shape ", shape_str(shape()), " is not a broadcast of ", shape_str(target),
                             "; hint: sum_to undoes broadcasting, so target must broadcast to this shape"));
    std::vector<int64_t> dims;
    size_t lead = shape().size() - target.size();
    for (size_t i = 0; i < shape().size(); ++i)
        if (i < lead || (target[i - lead] == 1 && shape()[i] != 1)) dims.push_back(static_cast<int64_t>(i));
    return (dims.empty() ? *this : sum(dims, true)).reshape(target);
}

// ---- max / min and their positions ------------------------------------------------------------------

namespace detail {
/// Position of the largest (sign = +1) or smallest (sign = -1) value; the first one on ties.
/// NaN wins, as in PyTorch, so a NaN is never hidden.
inline int64_t arg_extreme(const float* p, int64_t n, float sign) {
    int64_t best = 0;
    for (int64_t i = 1; i < n; ++i) {
        if (std::isnan(p[best])) break;
        if (std::isnan(p[i]) || sign * p[i] > sign * p[best]) best = i;
    }
    return best;
}

/// (values, indices) of the largest (sign +1) or smallest (sign -1) element along dim d.
inline std::tuple<Tensor, Tensor> extreme(const Tensor& x, int64_t d, bool keepdim, float sign, const char* op) {
    if (x.dim() == 0) {
        normalize_dim(d, 0, op);  // only 0 and -1 are valid dims of a scalar
        return {x.clone(), zeros({})};
    }
    int64_t dd = normalize_dim(d, x.dim(), op);
    if (x.size(dd) == 0)
        throw ValueError(fmt(op, ": dim ", dd, " of shape ", shape_str(x.shape()), " is empty; hint: a max or min "
                             "needs at least one element"));
    Tensor idx = reduce_rows(x, {dd}, keepdim, [sign](const float* p, int64_t n) {
        return static_cast<float>(arg_extreme(p, n, sign));
    });
    int64_t outer = 0, inner = 0;
    Tensor rows = rows_to_reduce(x, {dd}, outer, inner);
    Tensor out = empty(idx.shape());
    for (int64_t r = 0; r < outer; ++r)
        out.data_ptr()[r] = rows.data_ptr()[r * inner + static_cast<int64_t>(idx.data_ptr()[r])];
    out.impl()->dtype = x.dtype();  // the max of a mask is still a mask
    if (autograd::wants_grad(x)) autograd::record(out, sign > 0 ? "max" : "min", {x}, {idx}, {dd, keepdim ? 1 : 0});
    return {out, idx};
}

inline Tensor arg_extreme_dim(const Tensor& x, int64_t d, bool keepdim, float sign, const char* op) {
    if (x.dim() == 0) {
        normalize_dim(d, 0, op);
        return zeros({});
    }
    int64_t dd = normalize_dim(d, x.dim(), op);
    if (x.size(dd) == 0)
        throw ValueError(fmt(op, ": dim ", dd, " of shape ", shape_str(x.shape()), " is empty; hint: needs at least "
                             "one element"));
    return reduce_rows(x, {dd}, keepdim, [sign](const float* p, int64_t n) {
        return static_cast<float>(arg_extreme(p, n, sign));
    });
}
}  // namespace detail

inline std::tuple<Tensor, Tensor> Tensor::max(int64_t d, bool keepdim) const {
    TINYTORCH_RECORD_OP("max", *this);
    // BEGIN SOLUTION: Tensor::max (§8)
    return detail::extreme(*this, d, keepdim, +1.0f, "max");
    // END SOLUTION
}
inline std::tuple<Tensor, Tensor> Tensor::min(int64_t d, bool keepdim) const {
    TINYTORCH_RECORD_OP("min", *this);
    return detail::extreme(*this, d, keepdim, -1.0f, "min");
}
inline Tensor Tensor::max() const {
    if (numel() == 0) throw ValueError("max: the tensor is empty; hint: max needs at least one element");
    return std::get<0>(reshape({-1}).max(0));
}
inline Tensor Tensor::min() const {
    if (numel() == 0) throw ValueError("min: the tensor is empty; hint: min needs at least one element");
    return std::get<0>(reshape({-1}).min(0));
}

namespace detail {
/// amax/amin over several dims: move them last, flatten them into one, take max/min along it.
/// Built from views and max(dim), so autograd needs no rule of its own.
inline Tensor extreme_values(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, bool largest,
                             const char* op) {
    std::vector<int64_t> d = reduction_dims(dims, x.dim(), op);
    if (x.dim() == 0) return x;
    if (d.size() == 1) return std::get<0>(largest ? x.max(d[0], keepdim) : x.min(d[0], keepdim));
    std::vector<int64_t> order;
    Shape kept;
    for (int64_t k = 0; k < x.dim(); ++k)
        if (std::find(d.begin(), d.end(), k) == d.end()) { order.push_back(k); kept.push_back(x.size(k)); }
    order.insert(order.end(), d.begin(), d.end());
    Shape flat = kept;
    flat.push_back(-1);
    Tensor rows = x.permute(order).reshape(flat);
    Tensor out = std::get<0>(largest ? rows.max(-1) : rows.min(-1));
    return keepdim ? out.reshape(reduced_shape(x.shape(), d, true)) : out;
}
}  // namespace detail

inline Tensor Tensor::amax(const std::vector<int64_t>& dims, bool keepdim) const {
    return detail::extreme_values(*this, dims, keepdim, true, "amax");
}
inline Tensor Tensor::amin(const std::vector<int64_t>& dims, bool keepdim) const {
    return detail::extreme_values(*this, dims, keepdim, false, "amin");
}
inline Tensor Tensor::amax(int64_t d, bool keepdim) const { return amax(std::vector<int64_t>{d}, keepdim); }
inline Tensor Tensor::amin(int64_t d, bool keepdim) const { return amin(std::vector<int64_t>{d}, keepdim); }
inline Tensor Tensor::argmax(int64_t d, bool keepdim) const {
    TINYTORCH_RECORD_OP("argmax", *this);
    // BEGIN SOLUTION: Tensor::argmax (§8)
    return detail::arg_extreme_dim(*this, d, keepdim, +1.0f, "argmax");
    // END SOLUTION
}
inline Tensor Tensor::argmin(int64_t d, bool keepdim) const {
    TINYTORCH_RECORD_OP("argmin", *this);
    return detail::arg_extreme_dim(*this, d, keepdim, -1.0f, "argmin");
}
inline Tensor Tensor::argmax() const {
    if (numel() == 0) throw ValueError("argmax: the tensor is empty; hint: needs at least one element");
    return detail::copy_to_contiguous(*this).reshape({-1}).argmax(0);
}
inline Tensor Tensor::argmin() const {
    if (numel() == 0) throw ValueError("argmin: the tensor is empty; hint: needs at least one element");
    return detail::copy_to_contiguous(*this).reshape({-1}).argmin(0);
}

// ---- variance and standard deviation --------------------------------------------------------------

inline Tensor Tensor::var(const std::vector<int64_t>& dims, std::optional<int64_t> correction_opt, bool keepdim) const {
    TINYTORCH_RECORD_OP("var", *this);
    detail::check_float_input(*this, "var");
    // BEGIN SOLUTION: Tensor::var (§8)
    const int64_t correction = correction_opt.value_or(1);  // nullopt: 1, unbiased
    std::vector<int64_t> d = detail::reduction_dims(dims, dim(), "var");
    int64_t count = 1;
    for (int64_t k : d) count *= size(k);
    if (count - correction <= 0)
        throw ValueError(fmt("var: ", count, " element(s) per group with correction ", correction,
                             " leaves no degrees of freedom; hint: use unbiased=false (correction 0) or more elements"));
    // Two passes (mean, then squared deviations) — stabler than E[x^2] - E[x]^2.
    Tensor centered = sub(mean(d, true));
    return centered.mul(centered).sum(d, keepdim).mul(1.0f / static_cast<float>(count - correction));
    // END SOLUTION
}
// The libtorch overloads, all one function: unbiased = correction 1, biased = correction 0.
inline Tensor Tensor::var(int64_t d, std::optional<int64_t> correction, bool keepdim) const {
    return var(std::vector<int64_t>{d}, correction, keepdim);
}
inline Tensor Tensor::var(const std::vector<int64_t>& dims, bool unbiased, bool keepdim) const {
    return var(dims, std::optional<int64_t>(unbiased ? 1 : 0), keepdim);
}
inline Tensor Tensor::var(int64_t d, bool unbiased, bool keepdim) const {
    return var(std::vector<int64_t>{d}, std::optional<int64_t>(unbiased ? 1 : 0), keepdim);
}
inline Tensor Tensor::var(bool unbiased) const {
    return var(std::vector<int64_t>{}, std::optional<int64_t>(unbiased ? 1 : 0), false);
}
inline Tensor Tensor::std(const std::vector<int64_t>& dims, std::optional<int64_t> correction, bool keepdim) const {
    return var(dims, correction, keepdim).sqrt();
}
inline Tensor Tensor::std(int64_t d, std::optional<int64_t> correction, bool keepdim) const {
    return var(d, correction, keepdim).sqrt();
}
inline Tensor Tensor::std(const std::vector<int64_t>& dims, bool unbiased, bool keepdim) const {
    return var(dims, unbiased, keepdim).sqrt();
}
inline Tensor Tensor::std(int64_t d, bool unbiased, bool keepdim) const { return var(d, unbiased, keepdim).sqrt(); }
inline Tensor Tensor::std(bool unbiased) const { return var(unbiased).sqrt(); }

// ---- any / all: Bool results ---------------------------------------------------------------------------

inline Tensor Tensor::any() const {
    const std::vector<float> v = to_vector();
    const bool r = std::any_of(v.begin(), v.end(), [](float a) { return a != 0.0f; });
    return full({}, r ? 1.0f : 0.0f, ScalarType::Bool);
}
inline Tensor Tensor::all() const {
    const std::vector<float> v = to_vector();
    const bool r = std::all_of(v.begin(), v.end(), [](float a) { return a != 0.0f; });
    return full({}, r ? 1.0f : 0.0f, ScalarType::Bool);
}
inline Tensor Tensor::any(int64_t d, bool keepdim) const {
    return detail::tagged(ne(0.0f).to(kFloat).amax(d, keepdim), ScalarType::Bool);
}
inline Tensor Tensor::all(int64_t d, bool keepdim) const {
    return detail::tagged(ne(0.0f).to(kFloat).amin(d, keepdim), ScalarType::Bool);
}

// free-function forms
inline Tensor sum(const Tensor& x) { return x.sum(); }
inline Tensor mean(const Tensor& x) { return x.mean(); }
inline Tensor amax(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false) { return x.amax(dims, keepdim); }
inline Tensor amin(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false) { return x.amin(dims, keepdim); }


}  // namespace tinytorch
