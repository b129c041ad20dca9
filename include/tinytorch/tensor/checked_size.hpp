// include/tinytorch/tensor/checked_size.hpp
// Module 01 · Tensor — lesson: modules/01_tensor/README.md §2 (shapes and strides) — given, not yours to write
//
// The one place where a shape becomes an element count, a byte count and strides with the
// arithmetic checked. Shapes come from outside (file headers, user code): multiplied naively
// in int64, [2^32, 2^32, 4] wraps to 0 elements, and a leading zero dim ([0, 2^40, 2^40])
// hides an overflow in the strides of the dims after it. Every allocation and every reader
// asks here first, so a wrapped size never reaches memory.
//   try_numel({2, 3, 4}) = 24     try_numel({0, 5}) = 0     try_numel({-1}) = nullopt
//   try_numel({1 << 30, 1 << 30}) = nullopt (more than kMaxNumel elements)
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "tinytorch/tensor/errors.hpp"

namespace tinytorch {

/// The most elements one tensor may have: 2^48 (a petabyte of floats, beyond any machine's
/// memory) — small enough that numel · 8 bytes and every stride fit in int64 with room to spare.
inline constexpr int64_t kMaxNumel = int64_t(1) << 48;

namespace detail {
/// a · b in uint64, false when it overflows.
inline bool checked_mul(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }
/// a + b in uint64, false when it overflows.
inline bool checked_add(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_add_overflow(a, b, &out); }
}  // namespace detail

/// The element count of `shape`, or nullopt when a dim is negative or the shape is too big:
/// the product of every dim taken as at least 1 (what the largest stride reaches) must stay
/// within kMaxNumel, so a zero dim cannot hide an overflow in the dims after it.
inline std::optional<int64_t> try_numel(const std::vector<int64_t>& shape) {
    uint64_t numel = 1, span = 1;  // span: the product with zero dims counted as 1
    for (int64_t d : shape) {
        if (d < 0) return std::nullopt;
        const uint64_t u = static_cast<uint64_t>(d);
        if (!detail::checked_mul(span, u ? u : 1, span) || span > static_cast<uint64_t>(kMaxNumel)) return std::nullopt;
        numel *= u;  // <= span: cannot overflow
    }
    return static_cast<int64_t>(numel);
}

/// The element count of `shape`; ValueError naming `who` when a dim is negative or the
/// shape holds more than kMaxNumel elements (with zero dims counted as 1).
inline int64_t checked_numel(const std::vector<int64_t>& shape, const char* who) {
    if (auto n = try_numel(shape)) return *n;
    std::string dims = "[";
    for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
    dims += "]";
    for (int64_t d : shape)
        if (d < 0)
            throw ValueError(fmt(who, ": negative dimension in shape ", dims, "; hint: every size must be >= 0"));
    throw ValueError(fmt(who, ": shape ", dims, " is too large: the product of its dims exceeds 2^48 elements "
                         "(zero dims counted as 1); hint: check the dims — a size from a file or a computation "
                         "has probably overflowed"));
}

/// Bytes of `numel` elements of `element_size` bytes, or nullopt on overflow or numel < 0.
inline std::optional<uint64_t> try_nbytes(int64_t numel, uint64_t element_size) {
    uint64_t bytes = 0;
    if (numel < 0 || !detail::checked_mul(static_cast<uint64_t>(numel), element_size, bytes)) return std::nullopt;
    return bytes;
}

}  // namespace tinytorch
