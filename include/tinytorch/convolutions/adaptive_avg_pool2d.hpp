// include/tinytorch/convolutions/adaptive_avg_pool2d.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §7
//
// Average pooling to a fixed output size, whatever the input size: output row i averages the
// input rows [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉) (PyTorch's windows; they may overlap by one), and the
// same for columns. adaptive_avg_pool2d(x, 1) is global average pooling.
// shapes: [N, C, H, W] -> [N, C, oh, ow]. Records "adaptive_avg_pool2d" (input x; ints oh, ow).
#pragma once
#include <string>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/convolutions/conv_geometry.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch {
namespace detail {

/// First input index of adaptive window i of `out` over `in`: ⌊i·in/out⌋.
inline int64_t adaptive_start(int64_t i, int64_t in, int64_t out) { return (i * in) / out; }
/// One past the last input index of window i: ⌈(i+1)·in/out⌉.
inline int64_t adaptive_end(int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; }

inline void check_adaptive(const char* op, const Tensor& input, IntPair output_size) {
    if (!input.defined() || input.dim() != 4)
        throw ShapeError(fmt(op, ": expected input [N, C, H, W] (4 dims), got ", shape_or_undefined(input),
                             "; hint: a single image [C, H, W] needs a batch dim: x.unsqueeze(0)"));
    if (output_size.h <= 0 || output_size.w <= 0)
        throw ValueError(fmt(op, ": output_size must be positive, got ", output_size.str(),
                             "; hint: 1 gives global average pooling"));
    if (input.size(2) <= 0 || input.size(3) <= 0)
        throw ShapeError(fmt(op, ": the input ", shape_str(input.shape()), " has an empty spatial dim",
                             "; hint: there is nothing to average"));
}

}  // namespace detail

/// Adaptive average pooling to output_size (oh, ow): [N, C, H, W] -> [N, C, oh, ow].
inline Tensor adaptive_avg_pool2d(const Tensor& input, IntPair output_size) {
    RecordScope scope("adaptive_avg_pool2d", input);
    detail::check_adaptive("adaptive_avg_pool2d", input, output_size);
    const int64_t planes = input.size(0) * input.size(1), H = input.size(2), W = input.size(3);
    const int64_t oh = output_size.h, ow = output_size.w;
    const Tensor x = input.detach().contiguous();
    Tensor out = empty({input.size(0), input.size(1), oh, ow});
    // BEGIN SOLUTION: adaptive_avg_pool2d (§7)
    const float* px = x.data_ptr();
    float* po = out.data_ptr();
    for (int64_t p = 0; p < planes; ++p)
        for (int64_t i = 0; i < oh; ++i) {
            const int64_t y0 = detail::adaptive_start(i, H, oh), y1 = detail::adaptive_end(i, H, oh);
            for (int64_t j = 0; j < ow; ++j) {
                const int64_t x0 = detail::adaptive_start(j, W, ow), x1 = detail::adaptive_end(j, W, ow);
                float sum = 0.0f;
                for (int64_t y = y0; y < y1; ++y)
                    for (int64_t xx = x0; xx < x1; ++xx) sum += px[(p * H + y) * W + xx];
                po[(p * oh + i) * ow + j] = sum / static_cast<float>((y1 - y0) * (x1 - x0));
            }
        }
    // END SOLUTION
    if (autograd::wants_grad(input)) autograd::record(out, "adaptive_avg_pool2d", {input}, {}, {oh, ow});
    scope.set_output(out);
    return out;
}

namespace autograd {

/// Backward of "adaptive_avg_pool2d": each input pixel of window (i, j) gets g[i, j] / window area.
inline std::vector<Tensor> adaptive_avg_pool2d_backward(const Node& node, const Tensor& grad_output) {
    const Tensor& input = node.inputs[0];
    const int64_t planes = input.size(0) * input.size(1), H = input.size(2), W = input.size(3);
    const int64_t oh = node.ints[0], ow = node.ints[1];
    Tensor grad_input = zeros(input.shape());
    // BEGIN SOLUTION: adaptive_avg_pool2d_backward (§7)
    const Tensor go = grad_output.contiguous();
    const float* pg = go.data_ptr();
    float* px = grad_input.data_ptr();
    for (int64_t p = 0; p < planes; ++p)
        for (int64_t i = 0; i < oh; ++i) {
            const int64_t y0 = tinytorch::detail::adaptive_start(i, H, oh), y1 = tinytorch::detail::adaptive_end(i, H, oh);
            for (int64_t j = 0; j < ow; ++j) {
                const int64_t x0 = tinytorch::detail::adaptive_start(j, W, ow), x1 = tinytorch::detail::adaptive_end(j, W, ow);
                const float share = pg[(p * oh + i) * ow + j] / static_cast<float>((y1 - y0) * (x1 - x0));
                for (int64_t y = y0; y < y1; ++y)
                    for (int64_t xx = x0; xx < x1; ++xx) px[(p * H + y) * W + xx] += share;
            }
        }
    // END SOLUTION
    return {grad_input};
}

inline const bool adaptive_avg_pool2d_rule_registered =
    register_rule("adaptive_avg_pool2d", &adaptive_avg_pool2d_backward);

}  // namespace autograd

namespace nn {

/// adaptive_avg_pool2d as a module: AdaptiveAvgPool2d(1) is global average pooling.
class AdaptiveAvgPool2d : public Module {
public:
    explicit AdaptiveAvgPool2d(IntPair output_size) : output_size_(output_size) {
        if (output_size.h <= 0 || output_size.w <= 0)
            throw ValueError(fmt("AdaptiveAvgPool2d: output_size must be positive, got ", output_size.str(),
                                 "; hint: AdaptiveAvgPool2d(1) averages each channel to one value"));
    }
    Tensor forward(const Tensor& x) override { return adaptive_avg_pool2d(x, output_size_); }
    std::string extra_repr() const override { return fmt("output_size=", output_size_.str()); }
    IntPair output_size() const { return output_size_; }

private:
    IntPair output_size_;
};

}  // namespace nn
}  // namespace tinytorch
