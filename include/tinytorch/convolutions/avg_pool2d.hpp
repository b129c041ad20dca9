// include/tinytorch/convolutions/avg_pool2d.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §7
//
// out[n, c, y, x] = (Σ of in[n, c, ·, ·] over the window) / divisor, the padding counting as 0;
// divisor = kh·kw when count_include_pad (PyTorch's default), else the number of real pixels
// in the window. shapes: [N, C, H, W] -> [N, C, Ho, Wo].
// Backward spreads each output gradient evenly, /divisor, over the real pixels of its window.
// Records "avg_pool2d" (input x; ints kh, kw, sh, sw, ph, pw, count_include_pad).
#pragma once
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/convolutions/conv_geometry.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch {
namespace detail {

/// One pooling window of output (oy, ox): the real rows [ylo, yhi) and cols [xlo, xhi) it
/// covers, and what its sum is divided by.
struct AvgWindow {
    int64_t ylo, yhi, xlo, xhi;
    float divisor;
};
inline AvgWindow avg_window(const Pool2dGeometry& g, int64_t oy, int64_t ox, bool count_include_pad) {
    const int64_t y0 = oy * g.sh - g.ph, x0 = ox * g.sw - g.pw;
    AvgWindow w;
    w.ylo = std::max<int64_t>(y0, 0), w.yhi = std::min(y0 + g.kh, g.H);
    w.xlo = std::max<int64_t>(x0, 0), w.xhi = std::min(x0 + g.kw, g.W);
    const int64_t padded = (std::min(y0 + g.kh, g.H + g.ph) - y0) * (std::min(x0 + g.kw, g.W + g.pw) - x0);
    w.divisor = static_cast<float>(count_include_pad ? padded : (w.yhi - w.ylo) * (w.xhi - w.xlo));
    return w;
}

}  // namespace detail

/// Average pooling: [N, C, H, W] -> [N, C, Ho, Wo].
inline Tensor avg_pool2d(const Tensor& input, IntPair kernel_size, IntPair stride, IntPair padding = 0,
                         bool count_include_pad = true) {
    RecordScope scope("avg_pool2d", input);
    const detail::Pool2dGeometry g = detail::pool2d_geometry("avg_pool2d", input, kernel_size, stride, padding);
    const Tensor x = input.detach().contiguous();
    Tensor out = empty({g.N, g.C, g.Ho, g.Wo});
    // BEGIN SOLUTION: avg_pool2d (§7)
    const float* px = x.data_ptr();
    float* po = out.data_ptr();
    const int64_t HW = g.H * g.W, L = g.Ho * g.Wo;
    detail::parallel_for(g.N * g.C, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(1, HW)),
                         [&](int64_t lo, int64_t hi) {
        for (int64_t plane = lo; plane < hi; ++plane) {
            const float* p = px + plane * HW;
            for (int64_t oy = 0; oy < g.Ho; ++oy)
                for (int64_t ox = 0; ox < g.Wo; ++ox) {
                    const detail::AvgWindow w = detail::avg_window(g, oy, ox, count_include_pad);
                    float sum = 0.0f;
                    for (int64_t iy = w.ylo; iy < w.yhi; ++iy)
                        for (int64_t ix = w.xlo; ix < w.xhi; ++ix) sum += p[iy * g.W + ix];
                    po[plane * L + oy * g.Wo + ox] = sum / w.divisor;
                }
        }
    });
    // END SOLUTION
    if (autograd::wants_grad(input))
        autograd::record(out, "avg_pool2d", {input}, {},
                         {g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, count_include_pad ? 1 : 0});
    scope.set_output(out, {g.kh, g.kw});
    return out;
}
/// Average pooling over non-overlapping windows (stride = kernel size).
inline Tensor avg_pool2d(const Tensor& input, IntPair kernel_size) {
    return avg_pool2d(input, kernel_size, kernel_size, 0, true);
}

namespace autograd {

/// Backward of "avg_pool2d": every real pixel of a window gets grad_out / divisor (windows that
/// overlap add up).
inline std::vector<Tensor> avg_pool2d_backward(const Node& node, const Tensor& grad_output) {
    const Tensor& input = node.inputs[0];
    const std::vector<int64_t>& a = node.ints;
    const tinytorch::detail::Pool2dGeometry g =
        tinytorch::detail::pool2d_geometry("avg_pool2d backward", input, {a[0], a[1]}, {a[2], a[3]}, {a[4], a[5]});
    const bool count_include_pad = a[6] != 0;
    Tensor grad_input = zeros(input.shape());
    // BEGIN SOLUTION: avg_pool2d_backward (§7)
    const Tensor go = grad_output.contiguous();
    const float* pg = go.data_ptr();
    float* px = grad_input.data_ptr();
    const int64_t HW = g.H * g.W, L = g.Ho * g.Wo;
    tinytorch::detail::parallel_for(g.N * g.C, std::max<int64_t>(1, tinytorch::detail::kParallelGrain / std::max<int64_t>(1, HW)),
                                    [&](int64_t lo, int64_t hi) {
        for (int64_t plane = lo; plane < hi; ++plane) {
            float* p = px + plane * HW;
            for (int64_t oy = 0; oy < g.Ho; ++oy)
                for (int64_t ox = 0; ox < g.Wo; ++ox) {
                    const tinytorch::detail::AvgWindow w = tinytorch::detail::avg_window(g, oy, ox, count_include_pad);
                    const float share = pg[plane * L + oy * g.Wo + ox] / w.divisor;
                    for (int64_t iy = w.ylo; iy < w.yhi; ++iy)
                        for (int64_t ix = w.xlo; ix < w.xhi; ++ix) p[iy * g.W + ix] += share;
                }
        }
    });
    // END SOLUTION
    return {grad_input};
}

inline const bool avg_pool2d_rule_registered = register_rule("avg_pool2d", &avg_pool2d_backward);

}  // namespace autograd

namespace nn {

/// Options of AvgPool2d: AvgPool2dOptions(2).stride(2).padding(0).count_include_pad(true).
struct AvgPool2dOptions {
    AvgPool2dOptions(IntPair kernel_size) : kernel_size_(kernel_size) {}  // NOLINT: AvgPool2d(2) reads well
    AvgPool2dOptions& stride(IntPair v) { stride_ = v; return *this; }
    AvgPool2dOptions& padding(IntPair v) { padding_ = v; return *this; }
    AvgPool2dOptions& count_include_pad(bool v) { count_include_pad_ = v; return *this; }
    IntPair kernel_size() const { return kernel_size_; }
    IntPair stride() const { return stride_.value_or(kernel_size_); }
    IntPair padding() const { return padding_; }
    bool count_include_pad() const { return count_include_pad_; }

private:
    IntPair kernel_size_;
    std::optional<IntPair> stride_;
    IntPair padding_ = 0;
    bool count_include_pad_ = true;
};

/// avg_pool2d as a module (no parameters). [N, C, H, W] -> [N, C, Ho, Wo].
class AvgPool2d : public Module {
public:
    explicit AvgPool2d(const AvgPool2dOptions& options) : options_(options) {}
    AvgPool2d(IntPair kernel_size) : options_(kernel_size) {}  // NOLINT: stride = kernel size
    AvgPool2d(IntPair kernel_size, IntPair stride, IntPair padding = 0)
        : options_(AvgPool2dOptions(kernel_size).stride(stride).padding(padding)) {}
    Tensor forward(const Tensor& x) override {
        return avg_pool2d(x, options_.kernel_size(), options_.stride(), options_.padding(),
                          options_.count_include_pad());
    }
    std::string extra_repr() const override {
        return fmt("kernel_size=", options_.kernel_size().str(), ", stride=", options_.stride().str(),
                   ", padding=", options_.padding().str());
    }
    const AvgPool2dOptions& options() const { return options_; }

private:
    AvgPool2dOptions options_;
};

}  // namespace nn
}  // namespace tinytorch
