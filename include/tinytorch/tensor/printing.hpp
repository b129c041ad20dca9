// include/tinytorch/tensor/printing.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §9 (printing)
//
//   tensor([[ 1.0000,  2.0000],
//           [-3.5000,  4.0000]], shape=[2, 2])
// Big tensors are summarised: at most 3 leading and 3 trailing entries per dim, then "...".
// A Bool tensor prints true/false and says so:  tensor([ true, false], shape=[2], dtype=Bool)
#pragma once
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>

#include "tinytorch/tensor/core.hpp"
#include "tinytorch/tensor/graph.hpp"

namespace tinytorch {
namespace detail {

inline std::string format_value(float v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    float a = std::fabs(v);
    if (a != 0.0f && (a >= 1e6f || a < 1e-4f)) std::snprintf(buf, sizeof buf, "%.4e", static_cast<double>(v));
    else std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(v));
    return buf;
}

inline std::string format_element(float v, ScalarType dtype) {
    if (dtype == ScalarType::Bool) return v != 0.0f ? "true" : "false";
    return format_value(v);
}

inline void print_dim(std::string& out, const Tensor& t, int64_t d, int64_t offset, size_t width, bool summarise,
                      int64_t indent) {
    const int64_t n = t.size(d);
    const bool last = d == t.dim() - 1;
    out += "[";
    for (int64_t i = 0; i < n; ++i) {
        if (summarise && n > 6 && i == 3) {
            out += last ? "..., " : "...,\n" + std::string(static_cast<size_t>(indent + 1), ' ');
            i = n - 3;
        }
        int64_t pos = offset + i * t.stride(d);
        if (last) {
            std::string v = format_element(t.storage()->data()[pos], t.dtype());
            out += std::string(width > v.size() ? width - v.size() : 0, ' ') + v;
        } else {
            print_dim(out, t, d + 1, pos, width, summarise, indent + 1);
        }
        if (i + 1 < n) {
            out += ",";
            if (last) out += " ";
            else out += std::string(static_cast<size_t>(t.dim() - d - 1), '\n') + std::string(static_cast<size_t>(indent + 1), ' ');
        }
    }
    out += "]";
}
}  // namespace detail

inline std::string Tensor::to_string() const {
    if (!defined()) return "tensor(undefined)";
    std::string out = "tensor(";
    const bool summarise = numel() > 1000;
    size_t width = 0;
    for (float v : to_vector()) width = std::max(width, detail::format_element(v, dtype()).size());
    if (dim() == 0) out += detail::format_element(item(), dtype());
    else detail::print_dim(out, *this, 0, storage_offset(), width, summarise, 7);
    out += ", shape=" + shape_str(shape());
    if (dtype() != ScalarType::Float) out += ", dtype=" + dtype_name(dtype());
    if (grad_fn()) out += ", grad_fn=" + grad_fn()->name;
    else if (requires_grad()) out += ", requires_grad=true";
    return out + ")";
}

inline std::ostream& operator<<(std::ostream& out, const Tensor& t) { return out << t.to_string(); }

}  // namespace tinytorch
