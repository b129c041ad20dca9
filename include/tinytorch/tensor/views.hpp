// include/tinytorch/tensor/views.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §5 (views), §6 (indexing and slicing)
//
// A view shares storage and only changes shape/strides/offset: O(1), no copy. Writing
// through a view writes the original. Every view records a Node so gradients flow back.
#pragma once
#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "tinytorch/tensor/core.hpp"
#include "tinytorch/tensor/creation.hpp"
#include "tinytorch/tensor/graph.hpp"
#include "tinytorch/tensor/iteration.hpp"

namespace tinytorch {

namespace detail {
/// Copy any strided tensor into a fresh contiguous one (no graph recording).
inline Tensor copy_to_contiguous(const Tensor& src) {
    Tensor out = empty_uninitialized(src.shape());
    out.impl()->dtype = src.dtype();
    if (src.numel() == 0) return out;
    const float* s = src.storage()->data();
    float* o = out.data_ptr();
    if (src.is_contiguous()) {
        std::memcpy(o, src.data_ptr(), src.nbytes());
        return out;
    }
    for_each_run<2>(src.shape(), {contiguous_strides(src.shape()), src.strides()}, {0, src.storage_offset()},
                    [&](int64_t n, std::array<int64_t, 2> off, std::array<int64_t, 2> st) {
                        for (int64_t i = 0; i < n; ++i) o[off[0] + i] = s[off[1] + i * st[1]];
                    });
    return out;
}

/// Resolve one -1 in `shape` so it holds `numel` elements; check sizes match.
inline Shape infer_shape(Shape shape, int64_t numel, const Shape& from, const char* op) {
    {  // sizes beyond 2^48 elements (zero dims counted as 1) would overflow the strides
        Shape sizes = shape;
        for (int64_t& d : sizes) d = d == -1 ? 1 : d;
        bool negative = false;
        for (int64_t d : sizes) negative = negative || d < 0;
        if (!negative && !try_numel(sizes))
            throw ShapeError(fmt(op, ": shape ", shape_str(shape), " is too large (more than 2^48 elements, zero dims "
                                 "counted as 1); hint: check the sizes for an overflow"));
    }
    int64_t known = 1, unknown = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == -1) {
            if (unknown >= 0)
                throw ShapeError(fmt(op, ": only one dimension can be -1, got ", shape_str(shape),
                                     "; hint: give every size but one"));
            unknown = static_cast<int64_t>(i);
        } else if (shape[i] < 0) {
            throw ShapeError(fmt(op, ": invalid size ", shape[i], " in ", shape_str(shape),
                                 "; hint: sizes are >= 0, or -1 to infer one"));
        } else {
            known *= shape[i];
        }
    }
    if (unknown >= 0) {
        if (known == 0 || numel % known != 0)
            throw ShapeError(fmt(op, ": cannot reshape ", shape_str(from), " (", numel, " elements) into ",
                                 shape_str(shape), "; hint: ", numel, " is not divisible by ", known));
        shape[unknown] = numel / known;
    } else if (known != numel) {
        throw ShapeError(fmt(op, ": cannot reshape ", shape_str(from), " (", numel, " elements) into ",
                             shape_str(shape), " (", known, " elements); hint: the total number of elements must "
                             "stay the same"));
    }
    return shape;
}
}  // namespace detail

// ---- copies ---------------------------------------------------------------------------------

inline Tensor Tensor::clone() const {
    Tensor out = detail::copy_to_contiguous(*this);
    if (autograd::wants_grad(*this)) autograd::record(out, "clone", {*this});
    return out;
}

inline Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

inline Tensor Tensor::detach() const {
    check_defined("detach");
    return make_view(*this, shape(), strides(), storage_offset());
}

// ---- reshaping views ----------------------------------------------------------------------------

inline Tensor Tensor::view(const Shape& new_shape) const {
    // BEGIN SOLUTION: Tensor::view (§5)
    Shape s = detail::infer_shape(new_shape, numel(), shape(), "view");
    if (!is_contiguous())
        throw ShapeError(fmt("view: the tensor of shape ", shape_str(shape()), " with strides ",
                             shape_str(strides()), " is not contiguous; hint: use reshape(), or call "
                             ".contiguous() first"));
    Tensor out = make_view(*this, s, contiguous_strides(s), storage_offset());
    if (autograd::wants_grad(*this)) autograd::record(out, "reshape", {*this});
    return out;
    // END SOLUTION
}

inline Tensor Tensor::reshape(const Shape& new_shape) const {
    // BEGIN SOLUTION: Tensor::reshape (§5)
    return is_contiguous() ? view(new_shape) : contiguous().view(new_shape);
    // END SOLUTION
}

inline Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
    if (dim() == 0) return reshape({1});
    int64_t s = normalize_dim(start_dim, dim(), "flatten"), e = normalize_dim(end_dim, dim(), "flatten");
    if (s > e)
        throw IndexError(fmt("flatten: start_dim ", start_dim, " comes after end_dim ", end_dim,
                             "; hint: flatten(1) keeps the batch dim and merges the rest"));
    Shape out(shape().begin(), shape().begin() + s);
    int64_t merged = 1;
    for (int64_t d = s; d <= e; ++d) merged *= shape()[d];
    out.push_back(merged);
    out.insert(out.end(), shape().begin() + e + 1, shape().end());
    return reshape(out);
}

inline Tensor Tensor::squeeze() const {
    Shape s;
    for (int64_t d : shape())
        if (d != 1) s.push_back(d);
    return reshape(s);
}

inline Tensor Tensor::squeeze(int64_t d) const {
    int64_t dd = normalize_dim(d, dim(), "squeeze");
    if (dim() == 0 || shape()[dd] != 1) return *this;  // like PyTorch: a no-op on sizes != 1
    Shape s = shape();
    s.erase(s.begin() + dd);
    return reshape(s);
}

inline Tensor Tensor::unsqueeze(int64_t d) const {
    int64_t dd = normalize_dim(d, dim() + 1, "unsqueeze");
    Shape s = shape();
    s.insert(s.begin() + dd, 1);
    return reshape(s);
}

// ---- reordering views -------------------------------------------------------------------------

inline Tensor Tensor::permute(const std::vector<int64_t>& dims) const {
    // BEGIN SOLUTION: Tensor::permute (§5)
    if (static_cast<int64_t>(dims.size()) != dim())
        throw ShapeError(fmt("permute: got ", dims.size(), " dims for a tensor with ", dim(), " dims (shape ",
                             shape_str(shape()), "); hint: name every dim exactly once"));
    Shape s(dims.size()), st(dims.size());
    std::vector<bool> seen(dims.size(), false);
    std::vector<int64_t> normalized(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) {
        int64_t d = normalize_dim(dims[i], dim(), "permute");
        if (seen[d])
            throw ShapeError(fmt("permute: dim ", dims[i], " appears twice in ", shape_str(Shape(dims)),
                                 "; hint: the dims must be a permutation of 0..", dim() - 1));
        seen[d] = true;
        normalized[i] = d;
        s[i] = shape()[d];
        st[i] = strides()[d];
    }
    Tensor out = make_view(*this, s, st, storage_offset());
    if (autograd::wants_grad(*this)) autograd::record(out, "permute", {*this}, {}, normalized);
    return out;
    // END SOLUTION
}

inline Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
    // BEGIN SOLUTION: Tensor::transpose (§5)
    std::vector<int64_t> order(dim());
    std::iota(order.begin(), order.end(), 0);
    int64_t d0 = normalize_dim(dim0, dim(), "transpose"), d1 = normalize_dim(dim1, dim(), "transpose");
    if (d0 != d1) std::swap(order[d0], order[d1]);  // d0 == d1 also covers a 0-dim tensor
    return permute(order);
    // END SOLUTION
}

inline Tensor Tensor::t() const {
    if (dim() != 2)
        throw ShapeError(fmt("t: expects a 2-D tensor, got shape ", shape_str(shape()),
                             "; hint: use transpose(dim0, dim1) for other ranks"));
    return transpose(0, 1);
}

inline Tensor Tensor::expand(const Shape& target) const {
    // BEGIN SOLUTION: Tensor::expand (§5)
    if (target.size() < shape().size())
        throw ShapeError(fmt("expand: cannot expand shape ", shape_str(shape()), " to fewer dims ",
                             shape_str(target), "; hint: the target needs at least as many dims"));
    Shape s = target, st(target.size(), 0);
    size_t lead = target.size() - shape().size();
    for (size_t i = 0; i < lead; ++i)
        if (target[i] < 0)
            throw ShapeError(fmt("expand: cannot expand shape ", shape_str(shape()), " to ", shape_str(target),
                                 " (new leading dim ", i, " has size ", target[i], "); hint: -1 only keeps an existing "
                                 "dim, new dims need a size >= 0"));
    for (size_t i = 0; i < shape().size(); ++i) {
        int64_t have = shape()[i], want = target[lead + i];
        if (want == -1) want = have;
        if ((have != want && have != 1) || want < 0)
            throw ShapeError(fmt("expand: cannot expand shape ", shape_str(shape()), " to ", shape_str(target),
                                 " (dim ", lead + i, ": ", have, " vs ", want, "); hint: only size-1 dims expand"));
        s[lead + i] = want;
        st[lead + i] = have == want ? strides()[i] : 0;
    }
    if (s == shape()) return *this;
    Tensor out = make_view(*this, s, st, storage_offset());
    if (autograd::wants_grad(*this)) autograd::record(out, "expand", {*this});
    return out;
    // END SOLUTION
}

// ---- indexing and slicing ---------------------------------------------------------------------

inline Tensor Tensor::select(int64_t d, int64_t i) const {
    // BEGIN SOLUTION: Tensor::select (§6)
    if (dim() == 0)
        throw IndexError("select: cannot index a 0-dim tensor; hint: use item() to read its value");
    int64_t dd = normalize_dim(d, dim(), "select"), n = shape()[dd];
    if (i < -n || i >= n)
        throw IndexError(fmt("select: index ", i, " is out of range for dim ", dd, " with size ", n,
                             "; hint: valid indices are ", -n, "..", n - 1));
    int64_t ii = i < 0 ? i + n : i;
    Shape s = shape(), st = strides();
    s.erase(s.begin() + dd);
    st.erase(st.begin() + dd);
    Tensor out = make_view(*this, s, st, storage_offset() + ii * strides()[dd]);
    if (autograd::wants_grad(*this)) autograd::record(out, "select", {*this}, {}, {dd, ii});
    return out;
    // END SOLUTION
}

inline Tensor Tensor::slice(int64_t d, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step) const {
    // BEGIN SOLUTION: Tensor::slice (§6)
    if (dim() == 0) throw IndexError("slice: cannot slice a 0-dim tensor; hint: use item()");
    if (step <= 0)
        throw ValueError(fmt("slice: step must be positive, got ", step, "; hint: Slice(0, 10, 2) takes every "
                             "second element"));
    int64_t dd = normalize_dim(d, dim(), "slice"), n = shape()[dd];
    // Python rules: negative bounds count from the end, out-of-range bounds are clamped.
    auto fix = [n](std::optional<int64_t> v, int64_t dflt) {
        if (!v) return dflt;
        int64_t x = *v < 0 ? *v + n : *v;
        return std::clamp<int64_t>(x, 0, n);
    };
    int64_t b = fix(start, 0), e = std::max(fix(stop, n), b);
    Shape s = shape(), st = strides();
    s[dd] = (e - b + step - 1) / step;
    st[dd] = strides()[dd] * step;
    Tensor out = make_view(*this, s, st, storage_offset() + b * strides()[dd]);
    if (autograd::wants_grad(*this)) autograd::record(out, "slice", {*this}, {}, {dd, b, e, step});
    return out;
    // END SOLUTION
}

inline Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
    if (dim() == 0) throw IndexError("narrow: cannot narrow a 0-dim tensor; hint: use item() to read its value");
    int64_t dd = normalize_dim(d, dim(), "narrow"), n = shape()[dd];
    if (start < 0) start += n;
    if (start < 0 || length < 0 || start + length > n)
        throw IndexError(fmt("narrow: [", start, ", ", start + length, ") is outside dim ", dd, " of size ", n,
                             "; hint: need 0 <= start and start + length <= ", n));
    return slice(dd, start, start + length, 1);
}

inline Tensor Tensor::index(std::initializer_list<TensorIndex> indices) const {
    if (static_cast<int64_t>(indices.size()) > dim())
        throw IndexError(fmt("index: ", indices.size(), " indices for a tensor with ", dim(), " dims (shape ",
                             shape_str(shape()), "); hint: at most one index per dimension"));
    Tensor out = *this;
    int64_t d = 0;  // the dim of `out` the next index applies to
    for (const TensorIndex& idx : indices) {
        if (std::holds_alternative<int64_t>(idx.value)) {
            out = out.select(d, std::get<int64_t>(idx.value));  // removes dim d
        } else {
            const Slice& s = std::get<Slice>(idx.value);
            out = out.slice(d, s.start, s.stop, s.step);
            ++d;
        }
    }
    return out;
}

inline Tensor Tensor::index_select(int64_t d, const Tensor& indices) const {
    if (dim() == 0) throw IndexError("index_select: cannot index a 0-dim tensor; hint: use item() to read its value");
    int64_t dd = normalize_dim(d, dim(), "index_select"), n = shape()[dd];
    if (indices.dim() > 1)
        throw ShapeError(fmt("index_select: indices must be 0-D or 1-D, got shape ", shape_str(indices.shape()),
                             "; hint: flatten them first"));
    std::vector<float> idx = indices.to_vector();
    Shape s = shape();
    s[dd] = static_cast<int64_t>(idx.size());
    Tensor out = empty(s);
    out.impl()->dtype = dtype();
    for (size_t k = 0; k < idx.size(); ++k) {
        int64_t i = static_cast<int64_t>(idx[k]);
        if (static_cast<float>(i) != idx[k] || i < 0 || i >= n)
            throw IndexError(fmt("index_select: index ", idx[k], " (position ", k, ") is out of range for dim ",
                                 dd, " with size ", n, "; hint: indices are whole numbers in 0..", n - 1));
        Tensor src = select(dd, i).detach(), dst = out.select(dd, static_cast<int64_t>(k)).detach();
        dst.copy_(src);
    }
    if (autograd::wants_grad(*this)) autograd::record(out, "index_select", {*this}, {indices}, {dd});
    return out;
}

// ---- joining ------------------------------------------------------------------------------------

/// Join tensors along an existing dim; all other dims must match.
inline Tensor cat(const std::vector<Tensor>& tensors, int64_t d = 0) {
    if (tensors.empty()) throw ValueError("cat: got an empty list; hint: pass at least one tensor");
    const Tensor& first = tensors[0];
    if (first.dim() == 0)
        throw ShapeError("cat: tensor 0 is 0-dim (shape []) and has no dim to join along; hint: use stack() to "
                         "join scalars");
    int64_t dd = normalize_dim(d, first.dim(), "cat");
    Shape s = first.shape();
    s[dd] = 0;
    for (size_t k = 0; k < tensors.size(); ++k) {
        const Tensor& t = tensors[k];
        bool ok = t.dim() == first.dim();
        for (int64_t i = 0; ok && i < t.dim(); ++i) ok = i == dd || t.size(i) == first.size(i);
        if (!ok)
            throw ShapeError(fmt("cat: tensor ", k, " has shape ", shape_str(t.shape()), " but tensor 0 has ",
                                 shape_str(first.shape()), "; hint: all dims except dim ", dd, " must match"));
        s[dd] += t.size(dd);
    }
    Tensor out = empty(s);
    bool all_bool = true;  // Bool only when every part is (libtorch promotes a mix to Float)
    for (const Tensor& t : tensors) all_bool = all_bool && t.dtype() == ScalarType::Bool;
    if (all_bool) out.impl()->dtype = ScalarType::Bool;
    int64_t pos = 0;
    for (const Tensor& t : tensors) {
        out.slice(dd, pos, pos + t.size(dd)).detach().copy_(t);
        pos += t.size(dd);
    }
    if (autograd::wants_grad_list(tensors)) autograd::record(out, "cat", tensors, {}, {dd});
    return out;
}

/// Join tensors of equal shape along a new dim.
inline Tensor stack(const std::vector<Tensor>& tensors, int64_t d = 0) {
    if (tensors.empty()) throw ValueError("stack: got an empty list; hint: pass at least one tensor");
    std::vector<Tensor> parts;
    parts.reserve(tensors.size());
    for (size_t k = 0; k < tensors.size(); ++k) {
        if (tensors[k].shape() != tensors[0].shape())
            throw ShapeError(fmt("stack: tensor ", k, " has shape ", shape_str(tensors[k].shape()),
                                 " but tensor 0 has ", shape_str(tensors[0].shape()), "; hint: stack needs equal shapes"));
        parts.push_back(tensors[k].unsqueeze(d));
    }
    return cat(parts, d);
}

inline std::vector<float> Tensor::to_vector() const {
    Tensor c = is_contiguous() ? *this : detail::copy_to_contiguous(*this);
    return std::vector<float>(c.data_ptr(), c.data_ptr() + c.numel());
}

}  // namespace tinytorch
