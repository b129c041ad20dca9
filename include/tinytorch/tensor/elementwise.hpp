// include/tinytorch/tensor/elementwise.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §4 (broadcasting), §7 (element-wise math)
//
// Every element-wise op is one of two kernels:
//   broadcast_binary(a, b, f) — out[i] = f(a[i'], b[i'']) with NumPy broadcasting,
//   map_unary(x, f)           — out[i] = f(x[i]).
// Each public op then records a Node (name + inputs) so module 06 can differentiate it.
#pragma once
#include <cmath>
#include <limits>
#include <optional>

#include "tinytorch/tensor/core.hpp"
#include "tinytorch/tensor/graph.hpp"
#include "tinytorch/tensor/iteration.hpp"
#include "tinytorch/tensor/views.hpp"

namespace tinytorch {
namespace detail {

/// out = f(x) element by element; out is contiguous with x's shape.
template <typename F>
Tensor map_unary(const Tensor& x, F f) {
    Tensor out = empty_uninitialized(x.shape());
    float* o = out.data_ptr();
    if (x.is_contiguous()) {  // fast path: one flat loop the compiler vectorises
        const float* p = x.data_ptr();
        parallel_for(x.numel(), [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i) o[i] = f(p[i]);
        });
        return out;
    }
    const float* s = x.storage()->data();
    for_each_run<2>(x.shape(), {out.strides(), x.strides()}, {0, x.storage_offset()},
                    [&](int64_t n, std::array<int64_t, 2> off, std::array<int64_t, 2> st) {
                        for (int64_t i = 0; i < n; ++i) o[off[0] + i] = f(s[off[1] + i * st[1]]);
                    });
    return out;
}

/// out = f(a, b) with NumPy broadcasting: out has broadcast_shapes(a, b); a dim of size 1
/// is read with stride 0, so the same value is reused along it.
template <typename F>
Tensor broadcast_binary(const Tensor& a, const Tensor& b, F f, const char* op) {
    // BEGIN SOLUTION: broadcast_binary (§4)
    Shape s = broadcast_shapes(a.shape(), b.shape(), op);
    Tensor out = empty_uninitialized(s);
    float* o = out.data_ptr();
    if (a.shape() == b.shape() && a.is_contiguous() && b.is_contiguous()) {  // fast path: same layout
        const float* pa = a.data_ptr();
        const float* pb = b.data_ptr();
        parallel_for(out.numel(), [&](int64_t lo, int64_t hi) {
            for (int64_t i = lo; i < hi; ++i) o[i] = f(pa[i], pb[i]);
        });
        return out;
    }
    const float* pa = a.storage()->data();
    const float* pb = b.storage()->data();
    for_each_run<3>(s, {out.strides(), broadcast_strides(a.shape(), a.strides(), s),
                        broadcast_strides(b.shape(), b.strides(), s)},
                    {0, a.storage_offset(), b.storage_offset()},
                    [&](int64_t n, std::array<int64_t, 3> off, std::array<int64_t, 3> st) {
                        float* oo = o + off[0];
                        const float* aa = pa + off[1];
                        const float* bb = pb + off[2];
                        // The common cases get their own loops so they vectorise.
                        if (st[1] == 1 && st[2] == 1) {
                            for (int64_t i = 0; i < n; ++i) oo[i] = f(aa[i], bb[i]);
                        } else if (st[1] == 1 && st[2] == 0) {
                            const float bv = bb[0];
                            for (int64_t i = 0; i < n; ++i) oo[i] = f(aa[i], bv);
                        } else if (st[1] == 0 && st[2] == 1) {
                            const float av = aa[0];
                            for (int64_t i = 0; i < n; ++i) oo[i] = f(av, bb[i]);
                        } else {
                            for (int64_t i = 0; i < n; ++i) oo[i] = f(aa[i * st[1]], bb[i * st[2]]);
                        }
                    });
    return out;
    // END SOLUTION
}

}  // namespace detail

// ---- tensor (op) tensor ---------------------------------------------------------------------
// dtype rules (libtorch's promotion): a Bool operand with a Float one reads as 0/1 and the result
// is Float; Bool + Bool is logical or and Bool * Bool logical and (both Bool); any subtraction
// with a Bool operand is refused, as in libtorch (use logical_not / logical_xor for masks).

namespace detail {
inline bool both_bool(const Tensor& a, const Tensor& b) {
    return a.dtype() == ScalarType::Bool && b.dtype() == ScalarType::Bool;
}
inline void check_no_bool_sub(const Tensor& a, const Tensor* b, const char* op) {
    if (a.dtype() == ScalarType::Bool || (b && b->dtype() == ScalarType::Bool))
        throw ValueError(fmt(op, ": subtraction with a Bool tensor (shape ", shape_str(a.shape()), ") is not "
                             "supported, as in libtorch; hint: to invert a mask use logical_not() or ~mask, to "
                             "use it as numbers convert it first with .to(kFloat)"));
}
}  // namespace detail

inline Tensor Tensor::add(const Tensor& other) const {
    if (detail::both_bool(*this, other))  // True + True = True: logical or
        return detail::tagged(detail::broadcast_binary(*this, other, [](float a, float b) {
            return (a != 0.0f || b != 0.0f) ? 1.0f : 0.0f; }, "add"), ScalarType::Bool);
    Tensor out = detail::broadcast_binary(*this, other, [](float a, float b) { return a + b; }, "add");
    if (autograd::wants_grad(*this, other)) autograd::record(out, "add", {*this, other});
    return out;
}
inline Tensor Tensor::sub(const Tensor& other) const {
    detail::check_no_bool_sub(*this, &other, "sub");
    Tensor out = detail::broadcast_binary(*this, other, [](float a, float b) { return a - b; }, "sub");
    if (autograd::wants_grad(*this, other)) autograd::record(out, "sub", {*this, other});
    return out;
}
inline Tensor Tensor::mul(const Tensor& other) const {
    Tensor out = detail::broadcast_binary(*this, other, [](float a, float b) { return a * b; }, "mul");
    if (detail::both_bool(*this, other)) return detail::tagged(out, ScalarType::Bool);  // 0/1 * 0/1: logical and
    if (autograd::wants_grad(*this, other)) autograd::record(out, "mul", {*this, other});
    return out;
}
inline Tensor Tensor::div(const Tensor& other) const {
    Tensor out = detail::broadcast_binary(*this, other, [](float a, float b) { return a / b; }, "div");
    if (autograd::wants_grad(*this, other)) autograd::record(out, "div", {*this, other});
    return out;
}
inline Tensor Tensor::maximum(const Tensor& other) const {
    Tensor out = detail::broadcast_binary(*this, other, [](float a, float b) { return a > b ? a : b; }, "maximum");
    if (detail::both_bool(*this, other)) return detail::tagged(out, ScalarType::Bool);
    if (autograd::wants_grad(*this, other)) autograd::record(out, "maximum", {*this, other});
    return out;
}
inline Tensor Tensor::minimum(const Tensor& other) const {
    Tensor out = detail::broadcast_binary(*this, other, [](float a, float b) { return a < b ? a : b; }, "minimum");
    if (detail::both_bool(*this, other)) return detail::tagged(out, ScalarType::Bool);
    if (autograd::wants_grad(*this, other)) autograd::record(out, "minimum", {*this, other});
    return out;
}

// ---- tensor (op) scalar -----------------------------------------------------------------------

inline Tensor Tensor::add(float v) const {
    Tensor out = detail::map_unary(*this, [v](float a) { return a + v; });
    if (autograd::wants_grad(*this)) autograd::record(out, "add_scalar", {*this}, {}, {}, {v});
    return out;
}
inline Tensor Tensor::sub(float v) const {
    detail::check_no_bool_sub(*this, nullptr, "sub");
    return add(-v);
}
inline Tensor Tensor::mul(float v) const {
    Tensor out = detail::map_unary(*this, [v](float a) { return a * v; });
    if (autograd::wants_grad(*this)) autograd::record(out, "mul_scalar", {*this}, {}, {}, {v});
    return out;
}
inline Tensor Tensor::div(float v) const { return mul(1.0f / v); }

// ---- unary math -------------------------------------------------------------------------------

inline Tensor Tensor::neg() const {
    if (dtype() == ScalarType::Bool)
        throw ValueError(fmt("neg: negating a Bool tensor (shape ", shape_str(shape()), ") is not supported, as in "
                             "libtorch; hint: to invert a mask use logical_not() or ~mask"));
    Tensor out = detail::map_unary(*this, [](float a) { return -a; });
    if (autograd::wants_grad(*this)) autograd::record(out, "neg", {*this});
    return out;
}
inline Tensor Tensor::exp() const {
    // BEGIN SOLUTION: Tensor::exp (§7)
    Tensor out = detail::map_unary(*this, [](float a) { return std::exp(a); });
    if (autograd::wants_grad(*this)) autograd::record(out, "exp", {*this}, {out});
    return out;
    // END SOLUTION
}
inline Tensor Tensor::log() const {
    // BEGIN SOLUTION: Tensor::log (§7)
    Tensor out = detail::map_unary(*this, [](float a) { return std::log(a); });
    if (autograd::wants_grad(*this)) autograd::record(out, "log", {*this});
    return out;
    // END SOLUTION
}
inline Tensor Tensor::sqrt() const {
    Tensor out = detail::map_unary(*this, [](float a) { return std::sqrt(a); });
    if (autograd::wants_grad(*this)) autograd::record(out, "sqrt", {*this}, {out});
    return out;
}
inline Tensor Tensor::pow(float p) const {
    // BEGIN SOLUTION: Tensor::pow (§7)
    Tensor out = p == 2.0f ? detail::map_unary(*this, [](float a) { return a * a; })
                           : detail::map_unary(*this, [p](float a) { return std::pow(a, p); });
    if (autograd::wants_grad(*this)) autograd::record(out, "pow", {*this}, {}, {}, {p});
    return out;
    // END SOLUTION
}
inline Tensor Tensor::abs() const {
    Tensor out = detail::map_unary(*this, [](float a) { return std::fabs(a); });
    if (autograd::wants_grad(*this)) autograd::record(out, "abs", {*this});
    return out;
}
inline Tensor Tensor::clamp(std::optional<float> min, std::optional<float> max) const {
    // BEGIN SOLUTION: Tensor::clamp (§7)
    const float lo = min.value_or(-std::numeric_limits<float>::infinity());
    const float hi = max.value_or(std::numeric_limits<float>::infinity());
    if (lo > hi)
        throw ValueError(fmt("clamp: min ", lo, " is greater than max ", hi, "; hint: clamp(min, max) needs min <= max"));
    Tensor out = detail::map_unary(*this, [lo, hi](float a) { return a < lo ? lo : (a > hi ? hi : a); });
    if (autograd::wants_grad(*this)) autograd::record(out, "clamp", {*this}, {}, {}, {lo, hi});
    return out;
    // END SOLUTION
}

namespace detail {
inline void check_bool_mask(const Tensor& mask, const char* op, const char* what) {
    if (mask.dtype() != ScalarType::Bool)
        throw ValueError(fmt(op, ": the ", what, " must be a Bool tensor, got dtype ", dtype_name(mask.dtype()),
                             " (shape ", shape_str(mask.shape()), "), as in libtorch; hint: build it with a "
                             "comparison such as x.eq(0) or x > 0, or convert with .to(kBool)"));
}
}  // namespace detail

inline Tensor Tensor::masked_fill(const Tensor& mask, float value) const {
    detail::check_bool_mask(mask, "masked_fill", "mask");
    Shape s = broadcast_shapes(shape(), mask.shape(), "masked_fill");
    if (s != shape())
        throw ShapeError(fmt("masked_fill: mask of shape ", shape_str(mask.shape()), " does not broadcast to the "
                             "tensor's shape ", shape_str(shape()), "; hint: the mask may have fewer or size-1 dims, "
                             "never more"));
    if (dtype() == ScalarType::Bool) value = value != 0.0f ? 1.0f : 0.0f;
    Tensor out = detail::broadcast_binary(*this, mask, [value](float a, float m) { return m != 0.0f ? value : a; },
                                          "masked_fill");
    out.impl()->dtype = dtype();
    if (autograd::wants_grad(*this)) autograd::record(out, "masked_fill", {*this}, {mask}, {}, {value});
    return out;
}

/// cond ? a : b element by element (cond a Bool tensor, as in libtorch), with broadcasting of all
/// three. The result is Bool when a and b both are.
inline Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
    detail::check_bool_mask(cond, "where", "condition");
    Shape s = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where");
    Tensor out = empty(s);
    float* o = out.data_ptr();
    const float* pc = cond.storage()->data();
    const float* pa = a.storage()->data();
    const float* pb = b.storage()->data();
    detail::for_each_run<4>(s, {out.strides(), detail::broadcast_strides(cond.shape(), cond.strides(), s),
                                detail::broadcast_strides(a.shape(), a.strides(), s),
                                detail::broadcast_strides(b.shape(), b.strides(), s)},
                            {0, cond.storage_offset(), a.storage_offset(), b.storage_offset()},
                            [&](int64_t n, std::array<int64_t, 4> off, std::array<int64_t, 4> st) {
                                for (int64_t i = 0; i < n; ++i)
                                    o[off[0] + i] = pc[off[1] + i * st[1]] != 0.0f ? pa[off[2] + i * st[2]]
                                                                                   : pb[off[3] + i * st[3]];
                            });
    if (detail::both_bool(a, b)) out.impl()->dtype = ScalarType::Bool;
    if (autograd::wants_grad(a, b)) autograd::record(out, "where", {a, b}, {cond});
    return out;
}

// ---- comparisons: Bool tensors, 1 where true, 0 where false (never recorded) -------------------
#define TINYTORCH_COMPARISON(NAME, OP)                                                                       \
    inline Tensor Tensor::NAME(const Tensor& other) const {                                                   \
        return detail::tagged(detail::broadcast_binary(*this, other,                                           \
                                  [](float a, float b) { return (a OP b) ? 1.0f : 0.0f; }, #NAME),            \
                              ScalarType::Bool);                                                              \
    }                                                                                                         \
    inline Tensor Tensor::NAME(float v) const {                                                               \
        return detail::tagged(detail::map_unary(*this, [v](float a) { return (a OP v) ? 1.0f : 0.0f; }),       \
                              ScalarType::Bool);                                                              \
    }
TINYTORCH_COMPARISON(eq, ==)
TINYTORCH_COMPARISON(ne, !=)
TINYTORCH_COMPARISON(lt, <)
TINYTORCH_COMPARISON(le, <=)
TINYTORCH_COMPARISON(gt, >)
TINYTORCH_COMPARISON(ge, >=)
#undef TINYTORCH_COMPARISON

// ---- logical ops: non-zero counts as true; the result is Bool ------------------------------------

inline Tensor Tensor::logical_not() const {
    return detail::tagged(detail::map_unary(*this, [](float a) { return a != 0.0f ? 0.0f : 1.0f; }), ScalarType::Bool);
}
inline Tensor Tensor::logical_and(const Tensor& other) const {
    return detail::tagged(detail::broadcast_binary(*this, other, [](float a, float b) {
        return (a != 0.0f && b != 0.0f) ? 1.0f : 0.0f; }, "logical_and"), ScalarType::Bool);
}
inline Tensor Tensor::logical_or(const Tensor& other) const {
    return detail::tagged(detail::broadcast_binary(*this, other, [](float a, float b) {
        return (a != 0.0f || b != 0.0f) ? 1.0f : 0.0f; }, "logical_or"), ScalarType::Bool);
}
inline Tensor Tensor::logical_xor(const Tensor& other) const {
    return detail::tagged(detail::broadcast_binary(*this, other, [](float a, float b) {
        return ((a != 0.0f) != (b != 0.0f)) ? 1.0f : 0.0f; }, "logical_xor"), ScalarType::Bool);
}
inline Tensor Tensor::isnan() const {
    return detail::tagged(detail::map_unary(*this, [](float a) { return std::isnan(a) ? 1.0f : 0.0f; }), ScalarType::Bool);
}
inline Tensor Tensor::isinf() const {
    return detail::tagged(detail::map_unary(*this, [](float a) { return std::isinf(a) ? 1.0f : 0.0f; }), ScalarType::Bool);
}
inline Tensor Tensor::isfinite() const {
    return detail::tagged(detail::map_unary(*this, [](float a) { return std::isfinite(a) ? 1.0f : 0.0f; }),
                          ScalarType::Bool);
}

// ---- dtype conversion ---------------------------------------------------------------------------

inline Tensor Tensor::to(ScalarType target) const {
    if (dtype() == target) return *this;  // libtorch returns the same tensor when nothing changes
    if (target == ScalarType::Bool)
        return detail::tagged(detail::map_unary(*this, [](float a) { return a != 0.0f ? 1.0f : 0.0f; }), ScalarType::Bool);
    return detail::tagged(detail::copy_to_contiguous(*this), ScalarType::Float);  // the same 0/1 values, as numbers
}

// ---- operators and free functions (libtorch style) ----------------------------------------------

inline Tensor operator+(const Tensor& a, const Tensor& b) { return a.add(b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return a.sub(b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return a.mul(b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return a.div(b); }
inline Tensor operator+(const Tensor& a, float v) { return a.add(v); }
inline Tensor operator-(const Tensor& a, float v) { return a.sub(v); }
inline Tensor operator*(const Tensor& a, float v) { return a.mul(v); }
inline Tensor operator/(const Tensor& a, float v) { return a.div(v); }
inline Tensor operator+(float v, const Tensor& a) { return a.add(v); }
inline Tensor operator-(float v, const Tensor& a) {
    detail::check_no_bool_sub(a, nullptr, "sub");
    return a.neg().add(v);
}
inline Tensor operator*(float v, const Tensor& a) { return a.mul(v); }
inline Tensor operator/(float v, const Tensor& a) { return a.pow(-1.0f).mul(v); }
inline Tensor operator-(const Tensor& a) { return a.neg(); }
inline Tensor operator<(const Tensor& a, const Tensor& b) { return a.lt(b); }
inline Tensor operator<=(const Tensor& a, const Tensor& b) { return a.le(b); }
inline Tensor operator>(const Tensor& a, const Tensor& b) { return a.gt(b); }
inline Tensor operator>=(const Tensor& a, const Tensor& b) { return a.ge(b); }
inline Tensor operator<(const Tensor& a, float v) { return a.lt(v); }
inline Tensor operator<=(const Tensor& a, float v) { return a.le(v); }
inline Tensor operator>(const Tensor& a, float v) { return a.gt(v); }
inline Tensor operator>=(const Tensor& a, float v) { return a.ge(v); }
inline Tensor operator==(const Tensor& a, const Tensor& b) { return a.eq(b); }
inline Tensor operator!=(const Tensor& a, const Tensor& b) { return a.ne(b); }
inline Tensor operator==(const Tensor& a, float v) { return a.eq(v); }
inline Tensor operator!=(const Tensor& a, float v) { return a.ne(v); }

namespace detail {
/// libtorch's ~, &, |, ^ are bitwise ops; on Bool tensors (the only kind they take here) they are
/// the logical ones. Float operands are refused, as libtorch refuses bitwise ops on floats.
inline void check_bitwise(const Tensor& a, const Tensor* b, const char* op) {
    for (const Tensor* t : {&a, b})
        if (t && t->dtype() != ScalarType::Bool)
            throw ValueError(fmt(op, ": bitwise operators take Bool tensors here, got dtype ", dtype_name(t->dtype()),
                                 " (shape ", shape_str(t->shape()), "); hint: compare first (x > 0) or use "
                                 ".to(kBool)"));
}
}  // namespace detail
inline Tensor operator~(const Tensor& a) { detail::check_bitwise(a, nullptr, "operator~"); return a.logical_not(); }
inline Tensor operator&(const Tensor& a, const Tensor& b) { detail::check_bitwise(a, &b, "operator&"); return a.logical_and(b); }
inline Tensor operator|(const Tensor& a, const Tensor& b) { detail::check_bitwise(a, &b, "operator|"); return a.logical_or(b); }
inline Tensor operator^(const Tensor& a, const Tensor& b) { detail::check_bitwise(a, &b, "operator^"); return a.logical_xor(b); }

inline Tensor add(const Tensor& a, const Tensor& b) { return a.add(b); }
inline Tensor sub(const Tensor& a, const Tensor& b) { return a.sub(b); }
inline Tensor mul(const Tensor& a, const Tensor& b) { return a.mul(b); }
inline Tensor div(const Tensor& a, const Tensor& b) { return a.div(b); }
inline Tensor exp(const Tensor& x) { return x.exp(); }
inline Tensor log(const Tensor& x) { return x.log(); }
inline Tensor sqrt(const Tensor& x) { return x.sqrt(); }
inline Tensor pow(const Tensor& x, float p) { return x.pow(p); }
inline Tensor abs(const Tensor& x) { return x.abs(); }
inline Tensor neg(const Tensor& x) { return x.neg(); }
inline Tensor clamp(const Tensor& x, std::optional<float> lo, std::optional<float> hi) { return x.clamp(lo, hi); }
inline Tensor maximum(const Tensor& a, const Tensor& b) { return a.maximum(b); }
inline Tensor minimum(const Tensor& a, const Tensor& b) { return a.minimum(b); }
inline Tensor eq(const Tensor& a, const Tensor& b) { return a.eq(b); }
inline Tensor ne(const Tensor& a, const Tensor& b) { return a.ne(b); }
inline Tensor lt(const Tensor& a, const Tensor& b) { return a.lt(b); }
inline Tensor le(const Tensor& a, const Tensor& b) { return a.le(b); }
inline Tensor gt(const Tensor& a, const Tensor& b) { return a.gt(b); }
inline Tensor ge(const Tensor& a, const Tensor& b) { return a.ge(b); }
inline Tensor logical_not(const Tensor& x) { return x.logical_not(); }
inline Tensor logical_and(const Tensor& a, const Tensor& b) { return a.logical_and(b); }
inline Tensor logical_or(const Tensor& a, const Tensor& b) { return a.logical_or(b); }
inline Tensor logical_xor(const Tensor& a, const Tensor& b) { return a.logical_xor(b); }
inline Tensor isnan(const Tensor& x) { return x.isnan(); }
inline Tensor isinf(const Tensor& x) { return x.isinf(); }
inline Tensor isfinite(const Tensor& x) { return x.isfinite(); }

}  // namespace tinytorch
