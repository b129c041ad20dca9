// include/tinytorch/tensor/core.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §1–§2
//
// The Tensor class: a cheap handle (one shared_ptr) to a TensorImpl, which holds
//   storage  — the shared flat buffer of floats,
//   shape    — the size of each dimension,
//   strides  — how many floats to step in storage to move one along each dimension,
//   offset   — where element [0, 0, ...] sits in storage,
// plus the autograd slots (requires_grad, grad, grad_fn) that module 06 fills in.
// Copying a Tensor copies the handle, not the data (like libtorch and NumPy).
//
// The methods are declared here and defined in the other files of this folder, one
// concept per file; include "tinytorch/tensor/tensor.hpp" to get them all.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <type_traits>
#include <vector>

#include "tinytorch/tensor/dtype.hpp"
#include "tinytorch/tensor/errors.hpp"
#include "tinytorch/tensor/shape.hpp"
#include "tinytorch/tensor/storage.hpp"

namespace tinytorch {

namespace autograd {
struct Node;
}  // namespace autograd

struct TensorImpl;

/// A Python-style slice for Tensor::index: Slice() is ':', Slice(1, 3) is '1:3',
/// Slice(std::nullopt, std::nullopt, 2) is '::2'. Negative bounds count from the end.
struct Slice {
    std::optional<int64_t> start, stop;
    int64_t step = 1;
    Slice() = default;
    Slice(std::optional<int64_t> start_, std::optional<int64_t> stop_ = std::nullopt, int64_t step_ = 1)
        : start(start_), stop(stop_), step(step_) {}
};

/// One entry of Tensor::index({...}): an integer (selects, removes the dim) or a Slice.
struct TensorIndex {
    std::variant<int64_t, Slice> value;
    TensorIndex(int64_t i) : value(i) {}           // NOLINT: implicit on purpose, x.index({0, Slice()})
    TensorIndex(int i) : value(int64_t(i)) {}      // NOLINT
    TensorIndex(Slice s) : value(s) {}             // NOLINT
};

/// A float32, N-dimensional, strided tensor (dtype() tags it Float or Bool; see dtype.hpp).
class Tensor {
public:
    // ---- construction (creation.hpp) ------------------------------------------------------
    Tensor() = default;  ///< an undefined tensor: defined() is false
    explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}
    /// 1-D. A template (any arithmetic element type) so that a column {{1.f}, {2.f}} is not
    /// ambiguous: a braced element cannot be deduced as a number, so only the 2-D form matches.
    template <typename V>
        requires std::is_arithmetic_v<V>
    Tensor(std::initializer_list<V> values);
    Tensor(std::initializer_list<std::initializer_list<float>> rows);               ///< 2-D
    Tensor(std::initializer_list<std::initializer_list<std::initializer_list<float>>> planes);  ///< 3-D
    Tensor(std::vector<float> values, Shape shape);  ///< any shape; values in row-major order

    // ---- metadata (core.hpp) --------------------------------------------------------------
    bool defined() const { return impl_ != nullptr; }
    const Shape& shape() const;
    const Shape& sizes() const { return shape(); }  ///< libtorch spelling of shape()
    int64_t size(int64_t dim) const;
    int64_t dim() const;
    int64_t numel() const;
    const Shape& strides() const;
    int64_t stride(int64_t dim) const;
    int64_t storage_offset() const;
    bool is_contiguous() const;
    size_t nbytes() const { return static_cast<size_t>(numel()) * sizeof(float); }
    ScalarType dtype() const;        ///< kFloat, or kBool for comparisons, masks and .to(kBool)
    ScalarType scalar_type() const { return dtype(); }  ///< libtorch spelling of dtype()
    bool is_floating_point() const { return dtype() == ScalarType::Float; }
    /// to(kBool): value != 0, tagged Bool; to(kFloat): the values as numbers. *this when the
    /// dtype already matches (as in libtorch), else a new tensor (not recorded by autograd).
    Tensor to(ScalarType dtype) const;
    float* data_ptr();              ///< pointer to element [0, ..., 0] (not to storage start)
    const float* data_ptr() const;
    /// libtorch's typed spelling; the storage is float32, so only T = float compiles.
    template <typename T>
        requires std::is_same_v<T, float>
    T* data_ptr() { return data_ptr(); }
    template <typename T>
        requires std::is_same_v<T, float>
    const T* data_ptr() const { return data_ptr(); }
    const std::shared_ptr<Storage>& storage() const;
    bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
    bool shares_storage_with(const Tensor& other) const;
    TensorImpl* impl() const { return impl_.get(); }
    /// How many Tensor handles share this tensor's header (libtorch's use_count); views are
    /// other headers and count on storage().use_count() instead.
    long use_count() const noexcept { return impl_.use_count(); }

    // ---- element access (core.hpp) --------------------------------------------------------
    float item() const;                                 ///< the value of a one-element tensor
    /// libtorch's typed spelling (x.item<float>()); only T = float compiles.
    template <typename T>
        requires std::is_same_v<T, float>
    T item() const { return item(); }
    float at(std::initializer_list<int64_t> index) const;  ///< one element, negative indices allowed
    std::vector<float> to_vector() const;               ///< all values in row-major order

    // ---- copies (views.hpp) ---------------------------------------------------------------
    Tensor clone() const;        ///< a new contiguous tensor with the same values (tracked)
    Tensor contiguous() const;   ///< *this if already contiguous, else a contiguous copy
    Tensor detach() const;       ///< same storage, cut from the autograd graph

    // ---- views: same storage, new shape/strides/offset (views.hpp) -------------------------
    Tensor view(const Shape& shape) const;        ///< needs contiguous input; one dim may be -1
    Tensor reshape(const Shape& shape) const;     ///< a view when possible, else a copy
    Tensor transpose(int64_t dim0, int64_t dim1) const;
    Tensor t() const;                             ///< transpose of a 2-D tensor
    Tensor permute(const std::vector<int64_t>& dims) const;
    Tensor squeeze() const;                       ///< drop every dim of size 1
    Tensor squeeze(int64_t dim) const;            ///< drop `dim` if its size is 1
    Tensor unsqueeze(int64_t dim) const;          ///< insert a dim of size 1 at `dim`
    Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
    Tensor expand(const Shape& shape) const;      ///< broadcast size-1 dims (stride 0)
    Tensor expand_as(const Tensor& other) const { return expand(other.shape()); }
    Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
    Tensor select(int64_t dim, int64_t index) const;  ///< removes `dim`
    Tensor slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step = 1) const;
    Tensor operator[](int64_t index) const { return select(0, index); }
    Tensor index(std::initializer_list<TensorIndex> indices) const;  ///< x.index({0, Slice(1, 3)})
    Tensor index_select(int64_t dim, const Tensor& indices) const;   ///< copy of the rows named in `indices`

    // ---- element-wise math with broadcasting (elementwise.hpp) ----------------------------
    Tensor add(const Tensor& other) const;
    Tensor sub(const Tensor& other) const;
    Tensor mul(const Tensor& other) const;
    Tensor div(const Tensor& other) const;
    Tensor add(float value) const;
    Tensor sub(float value) const;
    Tensor mul(float value) const;
    Tensor div(float value) const;
    Tensor neg() const;
    Tensor exp() const;
    Tensor log() const;
    Tensor sqrt() const;
    Tensor pow(float exponent) const;
    Tensor abs() const;
    Tensor clamp(std::optional<float> min, std::optional<float> max) const;
    Tensor clamp_min(float min) const { return clamp(min, std::nullopt); }
    Tensor clamp_max(float max) const { return clamp(std::nullopt, max); }
    Tensor maximum(const Tensor& other) const;
    Tensor minimum(const Tensor& other) const;
    Tensor masked_fill(const Tensor& mask, float value) const;  ///< value where mask != 0
    // comparisons give kBool tensors (stored as 1.0f / 0.0f) and are not differentiable
    Tensor eq(const Tensor& other) const;
    Tensor ne(const Tensor& other) const;
    Tensor lt(const Tensor& other) const;
    Tensor le(const Tensor& other) const;
    Tensor gt(const Tensor& other) const;
    Tensor ge(const Tensor& other) const;
    Tensor eq(float value) const;
    Tensor ne(float value) const;
    Tensor lt(float value) const;
    Tensor le(float value) const;
    Tensor gt(float value) const;
    Tensor ge(float value) const;
    // logical ops: any tensor (non-zero = true) -> kBool
    Tensor logical_not() const;
    Tensor logical_and(const Tensor& other) const;
    Tensor logical_or(const Tensor& other) const;
    Tensor logical_xor(const Tensor& other) const;
    Tensor isnan() const;  ///< kBool
    Tensor isinf() const;  ///< kBool
    Tensor isfinite() const;  ///< kBool
    Tensor any() const;  ///< kBool scalar: some element is non-zero
    Tensor all() const;  ///< kBool scalar: every element is non-zero
    Tensor any(int64_t dim, bool keepdim = false) const;
    Tensor all(int64_t dim, bool keepdim = false) const;

    // ---- matrix product (matmul.hpp) -------------------------------------------------------
    Tensor matmul(const Tensor& other) const;

    // ---- reductions (reductions.hpp) --------------------------------------------------------
    Tensor sum() const;
    Tensor sum(int64_t dim, bool keepdim = false) const;
    Tensor sum(const std::vector<int64_t>& dims, bool keepdim = false) const;
    Tensor mean() const;
    Tensor mean(int64_t dim, bool keepdim = false) const;
    Tensor mean(const std::vector<int64_t>& dims, bool keepdim = false) const;
    Tensor max() const;  ///< the largest element, a 0-dim tensor
    Tensor min() const;
    /// (values, indices) along `dim`, as libtorch: auto [v, i] = x.max(1); indices are floats.
    std::tuple<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
    std::tuple<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
    Tensor max(const Tensor& other) const { return maximum(other); }  ///< libtorch: element-wise maximum
    Tensor min(const Tensor& other) const { return minimum(other); }
    /// The values only: amax(1) is std::get<0>(max(1)); several dims at once; {} = all dims.
    Tensor amax(int64_t dim, bool keepdim = false) const;
    Tensor amax(const std::vector<int64_t>& dims = {}, bool keepdim = false) const;
    Tensor amin(int64_t dim, bool keepdim = false) const;
    Tensor amin(const std::vector<int64_t>& dims = {}, bool keepdim = false) const;
    Tensor argmax() const;  ///< index into the flattened tensor, as a float scalar
    Tensor argmax(int64_t dim, bool keepdim = false) const;
    Tensor argmin() const;
    Tensor argmin(int64_t dim, bool keepdim = false) const;
    /// Variance with libtorch's overloads: var(unbiased = true) over all elements;
    /// var(dim, unbiased = true, keepdim = false) — unbiased divides by n - 1, else by n;
    /// var(dims, std::optional<int64_t>(correction), keepdim) divides by n - correction
    /// (the libtorch 2.x form; nullopt = 1). x.var(1) is dim 1 (libtorch's var(int dim)).
    /// An empty dims list means every dim.
    Tensor var(bool unbiased = true) const;
    Tensor var(int dim) const { return var(static_cast<int64_t>(dim), true, false); }
    Tensor var(int64_t dim, bool unbiased = true, bool keepdim = false) const;
    Tensor var(const std::vector<int64_t>& dims, bool unbiased = true, bool keepdim = false) const;
    Tensor var(int64_t dim, std::optional<int64_t> correction, bool keepdim = false) const;
    Tensor var(const std::vector<int64_t>& dims, std::optional<int64_t> correction, bool keepdim = false) const;
    /// Standard deviation: sqrt of var, same overloads.
    Tensor std(bool unbiased = true) const;
    Tensor std(int dim) const { return std(static_cast<int64_t>(dim), true, false); }
    Tensor std(int64_t dim, bool unbiased = true, bool keepdim = false) const;
    Tensor std(const std::vector<int64_t>& dims, bool unbiased = true, bool keepdim = false) const;
    Tensor std(int64_t dim, std::optional<int64_t> correction, bool keepdim = false) const;
    Tensor std(const std::vector<int64_t>& dims, std::optional<int64_t> correction, bool keepdim = false) const;
    /// Sum away broadcast dims so the result has `shape` (undoes broadcasting; used by autograd).
    Tensor sum_to(const Shape& shape) const;

    // ---- in-place updates: write into this tensor's storage, never recorded (inplace.hpp) ---
    Tensor& fill_(float value);
    Tensor& zero_() { return fill_(0.0f); }
    Tensor& copy_(const Tensor& src);                     ///< src broadcast to this shape
    Tensor& add_(const Tensor& other, float alpha = 1.0f);  ///< this += alpha * other
    Tensor& sub_(const Tensor& other) { return add_(other, -1.0f); }
    Tensor& mul_(const Tensor& other);
    Tensor& add_(float value);
    Tensor& mul_(float value);
    Tensor& div_(float value) { return mul_(1.0f / value); }

    // ---- autograd slots (graph.hpp; the engine is module 06) --------------------------------
    bool requires_grad() const;
    Tensor& requires_grad_(bool on = true);   ///< only on leaves (tensors you created)
    const Tensor& grad() const;                     ///< undefined until a backward reaches it
    Tensor& mutable_grad();
    void set_grad(const Tensor& grad);
    void zero_grad();                               ///< drop the gradient (set it undefined)
    const std::shared_ptr<autograd::Node>& grad_fn() const;
    bool is_leaf() const;
    void retain_grad();                             ///< keep .grad() on a non-leaf too
    bool retains_grad() const;
    /// Back-propagate from this tensor. Without `gradient` it must hold one element (a loss).
    void backward(const Tensor& gradient = Tensor(), bool retain_graph = false) const;

    // ---- printing (printing.hpp) ------------------------------------------------------------
    std::string to_string() const;

private:
    std::shared_ptr<TensorImpl> impl_;
    void check_defined(const char* op) const;
};

/// The state behind a Tensor handle.
struct TensorImpl {
    std::shared_ptr<Storage> storage;
    Shape shape;
    Shape strides;
    int64_t offset = 0;
    ScalarType dtype = ScalarType::Float;  ///< how to read the floats (views share their base's)
    // autograd slots: filled by recorded operations and by module 06's engine
    bool requires_grad = false;
    bool retains_grad = false;
    Tensor grad;
    std::shared_ptr<autograd::Node> grad_fn;
};

// ---- free-function forms (libtorch style) ---------------------------------------------------
Tensor empty(const Shape& shape);
std::ostream& operator<<(std::ostream& out, const Tensor& t);

// ---- inline definitions of the metadata accessors ---------------------------------------------

inline void Tensor::check_defined(const char* op) const {
    if (!impl_)
        throw ValueError(fmt(op, ": the tensor is undefined (default-constructed); hint: create it with "
                                 "zeros(), ones(), Tensor({...}) or from another tensor"));
}
inline const Shape& Tensor::shape() const { check_defined("shape"); return impl_->shape; }
inline int64_t Tensor::dim() const { check_defined("dim"); return static_cast<int64_t>(impl_->shape.size()); }
inline int64_t Tensor::size(int64_t d) const {
    if (dim() == 0)
        throw IndexError(fmt("size: dimension ", d, " requested but the tensor is 0-dim (shape []); hint: a scalar "
                             "has no dimensions, use numel() or item()"));
    return shape()[normalize_dim(d, dim(), "size")];
}
inline int64_t Tensor::numel() const { return numel_of(shape()); }
inline const Shape& Tensor::strides() const { check_defined("strides"); return impl_->strides; }
inline int64_t Tensor::stride(int64_t d) const {
    if (dim() == 0)
        throw IndexError(fmt("stride: dimension ", d, " requested but the tensor is 0-dim (shape []); hint: a scalar "
                             "has no dimensions"));
    return strides()[normalize_dim(d, dim(), "stride")];
}
inline int64_t Tensor::storage_offset() const { check_defined("storage_offset"); return impl_->offset; }
inline ScalarType Tensor::dtype() const { check_defined("dtype"); return impl_->dtype; }
inline const std::shared_ptr<Storage>& Tensor::storage() const { check_defined("storage"); return impl_->storage; }
inline float* Tensor::data_ptr() { check_defined("data_ptr"); return impl_->storage->data() + impl_->offset; }
inline const float* Tensor::data_ptr() const { check_defined("data_ptr"); return impl_->storage->data() + impl_->offset; }
inline bool Tensor::shares_storage_with(const Tensor& other) const {
    return defined() && other.defined() && impl_->storage == other.impl_->storage;
}

inline bool Tensor::is_contiguous() const {
    // BEGIN SOLUTION: Tensor::is_contiguous (§2)
    // Contiguous = the strides are exactly the row-major ones (dims of size 1 may have any stride).
    const Shape& s = shape();
    int64_t expected = 1;
    for (size_t i = s.size(); i-- > 0;) {
        if (s[i] != 1 && impl_->strides[i] != expected) return false;
        expected *= s[i];
    }
    return true;
    // END SOLUTION
}

inline float Tensor::item() const {
    if (numel() != 1)
        throw ValueError(fmt("item: needs a tensor with exactly one element, got shape ", shape_str(shape()),
                             " (", numel(), " elements); hint: reduce it first, e.g. .sum() or .mean()"));
    return *data_ptr();
}

inline float Tensor::at(std::initializer_list<int64_t> index) const {
    // BEGIN SOLUTION: Tensor::at (§2)
    if (static_cast<int64_t>(index.size()) != dim())
        throw IndexError(fmt("at: got ", index.size(), " indices for a tensor with ", dim(), " dims (shape ",
                             shape_str(shape()), "); hint: give one index per dimension"));
    int64_t pos = impl_->offset, d = 0;
    for (int64_t i : index) {
        int64_t n = impl_->shape[d];
        if (i < -n || i >= n)
            throw IndexError(fmt("at: index ", i, " is out of range for dim ", d, " with size ", n,
                                 "; hint: valid indices are ", -n, "..", n - 1));
        pos += (i < 0 ? i + n : i) * impl_->strides[d];
        ++d;
    }
    return impl_->storage->data()[pos];
    // END SOLUTION
}

/// A new, contiguous, zero-filled tensor — the one place storage is allocated.
inline Tensor empty(const Shape& shape) {
    const int64_t numel = checked_numel(shape, "empty");  // negative dims, overflowing sizes
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = std::make_shared<Storage>(static_cast<size_t>(numel));
    impl->shape = shape;
    impl->strides = contiguous_strides(shape);
    return Tensor(std::move(impl));
}

/// empty(shape) with a dtype tag: empty({2, 3}, kBool) is all false.
inline Tensor empty(const Shape& shape, ScalarType dtype) {
    Tensor t = empty(shape);
    t.impl()->dtype = dtype;
    return t;
}

namespace detail {
/// `t` with its dtype tag set (a fresh result of an op, never a tensor the caller still holds).
inline Tensor tagged(Tensor t, ScalarType dtype) {
    t.impl()->dtype = dtype;
    return t;
}

/// Like empty() but the memory is not zero-filled: only for kernels that write every element
/// (matmul, element-wise ops, copies) — saves a pass over memory per result.
inline Tensor empty_uninitialized(const Shape& shape) {
    const int64_t numel = checked_numel(shape, "empty");
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = std::make_shared<Storage>(static_cast<size_t>(numel), false);
    impl->shape = shape;
    impl->strides = contiguous_strides(shape);
    return Tensor(std::move(impl));
}
}  // namespace detail

/// A view: a new header over `base`'s storage with the given geometry (no copy).
inline Tensor make_view(const Tensor& base, Shape shape, Shape strides, int64_t offset) {
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = base.storage();
    impl->shape = std::move(shape);
    impl->strides = std::move(strides);
    impl->offset = offset;
    impl->dtype = base.dtype();
    return Tensor(std::move(impl));
}

}  // namespace tinytorch
