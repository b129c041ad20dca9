// include/tinytorch/convolutions/max_pool2d.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §6
//
// out[n, c, y, x] = max over the window rows y·sh − ph .. +kh, cols x·sw − pw .. +kw of in[n, c, ·, ·]
// (the padding counts as −∞: it never wins). shapes: [N, C, H, W] -> [N, C, Ho, Wo].
// The position of each maximum (flat index iy·W + ix in its plane, as PyTorch's indices) is
// saved, and backward sends each output gradient to it — to the first maximum on ties.
// Records "max_pool2d" (input x; saved indices; ints kh, kw, sh, sw, ph, pw).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/convolutions/conv_geometry.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch {
namespace detail {

/// GCC keeps `v > best ? v : best` on floats as a branch (a float compare "might trap"), and a
/// branch on "is this the new maximum?" is mispredicted half the time on real data. Allowing it
/// to ignore traps lets it turn the loop below into vector blends (clang does so by default).
#if defined(__GNUC__) && !defined(__clang__)
#define TINYTORCH_VECTORIZE_COMPARES __attribute__((optimize("no-trapping-math", "tree-vectorize", "vect-cost-model=dynamic")))
#else
#define TINYTORCH_VECTORIZE_COMPARES
#endif

/// The fast path for the common 2x2 window with stride 2 and no padding, one output row:
/// rows r0, r1 of the input -> Wo maxima and their flat indices (`row_at` = index of r0[0],
/// `W` = input width). Same rule as the general loop: the first maximum wins, NaN propagates.
TINYTORCH_VECTORIZE_COMPARES
inline void max_pool2d_2x2_row(const float* __restrict r0, const float* __restrict r1, float* __restrict out,
                               float* __restrict idx, int Wo, float row_at, float W) {
    for (int ox = 0; ox < Wo; ++ox) {
        const float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
        float best = a, at = 0.0f;  // the winner and its offset inside the window
        bool take = (b > best) | (b != b);  // b != b: b is NaN
        best = take ? b : best, at = take ? 1.0f : at;
        take = (c > best) | (c != c);
        best = take ? c : best, at = take ? W : at;
        take = (d > best) | (d != d);
        best = take ? d : best, at = take ? W + 1.0f : at;
        out[ox] = best;
        idx[ox] = row_at + static_cast<float>(2 * ox) + at;
    }
}

}  // namespace detail

/// Max pooling and the argmax of every window: {out, indices}, both [N, C, Ho, Wo]; indices hold
/// iy·W + ix (whole numbers as floats).
inline std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, IntPair kernel_size, IntPair stride,
                                                         IntPair padding = 0) {
    RecordScope scope("max_pool2d", input);
    const detail::Pool2dGeometry g = detail::pool2d_geometry("max_pool2d", input, kernel_size, stride, padding);
    const Tensor x = input.detach().contiguous();
    // not zero-filled: every output and index is written below
    Tensor out = detail::empty_uninitialized({g.N, g.C, g.Ho, g.Wo}), indices = detail::empty_uninitialized({g.N, g.C, g.Ho, g.Wo});
    // BEGIN SOLUTION: max_pool2d (§6)
    const float* px = x.data_ptr();
    float* po = out.data_ptr();
    float* pi = indices.data_ptr();
    const int64_t W = g.W, HW = g.H * g.W, L = g.Ho * g.Wo;
    const bool pairs = g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 && g.pw == 0;
    detail::parallel_for(g.N * g.C, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(1, HW)),
                         [&](int64_t lo, int64_t hi) {
        for (int64_t plane = lo; plane < hi; ++plane) {
            const float* p = px + plane * HW;
            float* o = po + plane * L;
            float* oi = pi + plane * L;
            for (int64_t oy = 0; oy < g.Ho; ++oy) {
                if (pairs) {  // the common 2x2 / stride 2 case: no clipping, vectorised
                    detail::max_pool2d_2x2_row(p + 2 * oy * W, p + (2 * oy + 1) * W, o + oy * g.Wo, oi + oy * g.Wo,
                                               static_cast<int>(g.Wo), static_cast<float>(2 * oy * W),
                                               static_cast<float>(W));
                    continue;
                }
                const int64_t y0 = oy * g.sh - g.ph, ylo = std::max<int64_t>(y0, 0), yhi = std::min(y0 + g.kh, g.H);
                for (int64_t ox = 0; ox < g.Wo; ++ox) {
                    const int64_t x0 = ox * g.sw - g.pw, xlo = std::max<int64_t>(x0, 0), xhi = std::min(x0 + g.kw, W);
                    float best = -std::numeric_limits<float>::infinity();
                    int64_t at = ylo * W + xlo;
                    for (int64_t iy = ylo; iy < yhi; ++iy)
                        for (int64_t ix = xlo; ix < xhi; ++ix) {
                            const float v = p[iy * W + ix];
                            if (v > best || std::isnan(v)) {  // strict >: the first maximum wins; NaN propagates
                                best = v;
                                at = iy * W + ix;
                            }
                        }
                    o[oy * g.Wo + ox] = best;
                    oi[oy * g.Wo + ox] = static_cast<float>(at);
                }
            }
        }
    });
    // END SOLUTION
    if (autograd::wants_grad(input))
        autograd::record(out, "max_pool2d", {input}, {indices}, {g.kh, g.kw, g.sh, g.sw, g.ph, g.pw});
    scope.set_output(out, {g.kh, g.kw});
    return {out, indices};
}

/// Non-overlapping windows: the stride is the kernel size.
inline std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, IntPair kernel_size) {
    return max_pool2d_with_indices(input, kernel_size, kernel_size, 0);
}

/// Max pooling: [N, C, H, W] -> [N, C, Ho, Wo].
inline Tensor max_pool2d(const Tensor& input, IntPair kernel_size, IntPair stride, IntPair padding = 0) {
    return max_pool2d_with_indices(input, kernel_size, stride, padding).first;
}
/// Max pooling over non-overlapping windows (stride = kernel size).
inline Tensor max_pool2d(const Tensor& input, IntPair kernel_size) {
    return max_pool2d(input, kernel_size, kernel_size, 0);
}

namespace autograd {

/// Backward of "max_pool2d": grad_x = 0 except at each window's argmax, which receives the
/// window's output gradient (overlapping windows that share a maximum add up).
inline std::vector<Tensor> max_pool2d_backward(const Node& node, const Tensor& grad_output) {
    const Tensor& input = node.inputs[0];
    Tensor grad_input = zeros(input.shape());
    // BEGIN SOLUTION: max_pool2d_backward (§6)
    const Tensor go = grad_output.contiguous(), idx = node.saved[0].contiguous();
    const int64_t planes = input.size(0) * input.size(1), HW = input.size(2) * input.size(3);
    const int64_t L = go.size(2) * go.size(3);
    const float* pg = go.data_ptr();
    const float* pi = idx.data_ptr();
    float* px = grad_input.data_ptr();
    tinytorch::detail::parallel_for(planes, std::max<int64_t>(1, tinytorch::detail::kParallelGrain / std::max<int64_t>(1, L)),
                                    [&](int64_t lo, int64_t hi) {
        for (int64_t plane = lo; plane < hi; ++plane)
            for (int64_t l = 0; l < L; ++l)
                px[plane * HW + static_cast<int64_t>(pi[plane * L + l])] += pg[plane * L + l];
    });
    // END SOLUTION
    return {grad_input};
}

inline const bool max_pool2d_rule_registered = register_rule("max_pool2d", &max_pool2d_backward);

}  // namespace autograd

namespace nn {

/// Options of MaxPool2d: MaxPool2dOptions(2).stride(1).padding(0).
struct MaxPool2dOptions {
    MaxPool2dOptions(IntPair kernel_size) : kernel_size_(kernel_size) {}  // NOLINT: MaxPool2d(2) reads well
    MaxPool2dOptions& stride(IntPair v) { stride_ = v; return *this; }
    MaxPool2dOptions& padding(IntPair v) { padding_ = v; return *this; }
    IntPair kernel_size() const { return kernel_size_; }
    IntPair stride() const { return stride_.value_or(kernel_size_); }
    IntPair padding() const { return padding_; }

private:
    IntPair kernel_size_;
    std::optional<IntPair> stride_;
    IntPair padding_ = 0;
};

/// max_pool2d as a module (no parameters). [N, C, H, W] -> [N, C, Ho, Wo].
class MaxPool2d : public Module {
public:
    explicit MaxPool2d(const MaxPool2dOptions& options) : options_(options) {}
    MaxPool2d(IntPair kernel_size) : options_(kernel_size) {}  // NOLINT: stride = kernel size
    MaxPool2d(IntPair kernel_size, IntPair stride, IntPair padding = 0)
        : options_(MaxPool2dOptions(kernel_size).stride(stride).padding(padding)) {}
    Tensor forward(const Tensor& x) override {
        return max_pool2d(x, options_.kernel_size(), options_.stride(), options_.padding());
    }
    std::string extra_repr() const override {
        return fmt("kernel_size=", options_.kernel_size().str(), ", stride=", options_.stride().str(),
                   ", padding=", options_.padding().str());
    }
    const MaxPool2dOptions& options() const { return options_; }

private:
    MaxPool2dOptions options_;
};

}  // namespace nn
}  // namespace tinytorch
