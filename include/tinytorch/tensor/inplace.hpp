// include/tinytorch/tensor/inplace.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §7 (in-place updates)
//
// In-place ops write into the tensor's own storage (and so into every view of it). They
// are never recorded by autograd: optimizers use them to update parameters, under
// NoGradGuard. Do not modify a tensor in place while a graph still needs its old value.
#pragma once
#include <algorithm>

#include "tinytorch/tensor/core.hpp"
#include "tinytorch/tensor/iteration.hpp"

namespace tinytorch {
namespace detail {
/// An in-place op must write each element once: refuse destinations where several elements
/// share one memory location (expanded views, stride 0 on a dim of size > 1).
inline void check_writable(const Tensor& dst, const char* op) {
    for (int64_t d = 0; d < dst.dim(); ++d)
        if (dst.stride(d) == 0 && dst.size(d) > 1)
            throw ValueError(fmt(op, ": the destination of shape ", shape_str(dst.shape()), " has strides ",
                                 shape_str(dst.strides()), ", so several of its elements share one memory location "
                                 "(an expand() view); hint: call .clone() or .contiguous() first"));
}

/// dst[i] = f(dst[i], src[i]) with src broadcast to dst's shape.
template <typename F>
void update_inplace(Tensor& dst, const Tensor& src, F f, const char* op) {
    check_writable(dst, op);
    Shape s = broadcast_shapes(dst.shape(), src.shape(), op);
    if (s != dst.shape())
        throw ShapeError(fmt(op, ": cannot write a tensor of shape ", shape_str(src.shape()), " into one of shape ",
                             shape_str(dst.shape()), "; hint: in-place ops keep the destination's shape, so the "
                             "source must broadcast to it"));
    float* d = dst.storage()->data();
    const float* p = src.storage()->data();
    if (src.is_same(dst) || (src.shares_storage_with(dst) && src.shape() == dst.shape() &&
                             src.storage_offset() == dst.storage_offset() && src.strides() == dst.strides())) {
        // reading and writing the same elements: safe element by element
    } else if (src.shares_storage_with(dst)) {
        Tensor copy = copy_to_contiguous(src);  // overlapping views: read from a snapshot
        update_inplace(dst, copy, f, op);
        return;
    }
    for_each_run<2>(dst.shape(), {dst.strides(), broadcast_strides(src.shape(), src.strides(), dst.shape())},
                    {dst.storage_offset(), src.storage_offset()},
                    [&](int64_t n, std::array<int64_t, 2> off, std::array<int64_t, 2> st) {
                        float* dd = d + off[0];
                        const float* ss = p + off[1];
                        if (st[0] == 1 && st[1] == 1) {
                            for (int64_t i = 0; i < n; ++i) dd[i] = f(dd[i], ss[i]);
                        } else {
                            for (int64_t i = 0; i < n; ++i) dd[i * st[0]] = f(dd[i * st[0]], ss[i * st[1]]);
                        }
                    });
}
template <typename F>
void map_inplace(Tensor& dst, F f, const char* op = "in-place op") {
    check_writable(dst, op);
    float* d = dst.storage()->data();
    for_each_run<1>(dst.shape(), {dst.strides()}, {dst.storage_offset()},
                    [&](int64_t n, std::array<int64_t, 1> off, std::array<int64_t, 1> st) {
                        float* dd = d + off[0];
                        for (int64_t i = 0; i < n; ++i) dd[i * st[0]] = f(dd[i * st[0]]);
                    });
}
}  // namespace detail

namespace detail {
/// Arithmetic in place would leave values other than 0/1 in a Bool tensor: refused, as libtorch
/// refuses to cast a Float result into a Bool destination.
inline void check_not_bool_destination(const Tensor& dst, const char* op) {
    if (dst.dtype() == ScalarType::Bool)
        throw ValueError(fmt(op, ": the destination is a Bool tensor (shape ", shape_str(dst.shape()), "), which "
                             "holds only true/false; hint: convert it with .to(kFloat) first"));
}
}  // namespace detail

inline Tensor& Tensor::fill_(float value) {
    if (dtype() == ScalarType::Bool) value = value != 0.0f ? 1.0f : 0.0f;
    detail::map_inplace(*this, [value](float) { return value; }, "fill_");
    return *this;
}
inline Tensor& Tensor::copy_(const Tensor& src) {
    if (dtype() == ScalarType::Bool)  // copying numbers into a mask keeps value != 0
        detail::update_inplace(*this, src, [](float, float s) { return s != 0.0f ? 1.0f : 0.0f; }, "copy_");
    else
        detail::update_inplace(*this, src, [](float, float s) { return s; }, "copy_");
    return *this;
}
inline Tensor& Tensor::add_(const Tensor& other, float alpha) {
    detail::check_not_bool_destination(*this, "add_");
    detail::update_inplace(*this, other, [alpha](float d, float s) { return d + alpha * s; }, "add_");
    return *this;
}
inline Tensor& Tensor::mul_(const Tensor& other) {
    detail::check_not_bool_destination(*this, "mul_");
    detail::update_inplace(*this, other, [](float d, float s) { return d * s; }, "mul_");
    return *this;
}
inline Tensor& Tensor::add_(float value) {
    detail::check_not_bool_destination(*this, "add_");
    detail::map_inplace(*this, [value](float d) { return d + value; }, "add_");
    return *this;
}
inline Tensor& Tensor::mul_(float value) {
    detail::check_not_bool_destination(*this, "mul_");
    detail::map_inplace(*this, [value](float d) { return d * value; }, "mul_");
    return *this;
}

}  // namespace tinytorch
