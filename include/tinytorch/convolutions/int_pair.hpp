// include/tinytorch/convolutions/int_pair.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §1
//
// Kernel sizes, strides, paddings and dilations come in pairs (height, width). Like
// libtorch's ExpandingArray<2>, an IntPair is built from one int (used for both) or two:
//     conv2d(x, w, b, /*stride=*/2, /*padding=*/{1, 0});   // stride (2, 2), padding (1, 0)
#pragma once
#include <cstdint>
#include <string>

#include "tinytorch/tensor/errors.hpp"

namespace tinytorch {

/// (h, w): a value per spatial dim. Implicit from one int, or from {h, w}.
struct IntPair {
    int64_t h = 0, w = 0;
    IntPair(int64_t both) : h(both), w(both) {}          // NOLINT: implicit on purpose, conv2d(x, w, b, 2)
    IntPair(int64_t h_, int64_t w_) : h(h_), w(w_) {}    // {kh, kw}
    int64_t operator[](int i) const { return i == 0 ? h : w; }
    bool operator==(const IntPair& other) const = default;
    /// "(3, 3)", as PyTorch prints kernel sizes.
    std::string str() const { return fmt("(", h, ", ", w, ")"); }
};

}  // namespace tinytorch
