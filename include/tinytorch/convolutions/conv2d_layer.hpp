// include/tinytorch/convolutions/conv2d_layer.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §5
//
//   nn::Conv2d conv(nn::Conv2dOptions(3, 16, 3).stride(1).padding(1));   // libtorch style
//   nn::Conv2d conv(3, 16, 3, /*stride=*/1, /*padding=*/1);              // the short form
//   Tensor y = conv(x);                                                  // [N, 3, H, W] -> [N, 16, H, W]
#pragma once
#include <cmath>
#include <string>

#include "tinytorch/convolutions/conv2d.hpp"
#include "tinytorch/layers/init.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// Everything that defines a Conv2d; setters chain: Conv2dOptions(3, 16, 3).stride(2).padding(1).
struct Conv2dOptions {
    Conv2dOptions(int64_t in_channels, int64_t out_channels, IntPair kernel_size)
        : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
    Conv2dOptions& stride(IntPair v) { stride_ = v; return *this; }
    Conv2dOptions& padding(IntPair v) { padding_ = v; return *this; }
    Conv2dOptions& dilation(IntPair v) { dilation_ = v; return *this; }
    Conv2dOptions& groups(int64_t v) { groups_ = v; return *this; }
    Conv2dOptions& bias(bool v) { bias_ = v; return *this; }
    int64_t in_channels() const { return in_channels_; }
    int64_t out_channels() const { return out_channels_; }
    IntPair kernel_size() const { return kernel_size_; }
    IntPair stride() const { return stride_; }
    IntPair padding() const { return padding_; }
    IntPair dilation() const { return dilation_; }
    int64_t groups() const { return groups_; }
    bool bias() const { return bias_; }

private:
    int64_t in_channels_, out_channels_;
    IntPair kernel_size_, stride_ = 1, padding_ = 0, dilation_ = 1;
    int64_t groups_ = 1;
    bool bias_ = true;
};

/// y = conv2d(x, weight, bias, stride, padding, dilation, groups).
/// x [N, in, H, W] -> y [N, out, Ho, Wo];  weight [out, in/groups, kh, kw], bias [out].
/// Initialised like PyTorch: weight and bias ~ U(−1/√fan_in, 1/√fan_in), fan_in = in/groups·kh·kw.
class Conv2d : public Module {
public:
    explicit Conv2d(const Conv2dOptions& options);
    Conv2d(int64_t in_channels, int64_t out_channels, IntPair kernel_size, IntPair stride = 1, IntPair padding = 0)
        : Conv2d(Conv2dOptions(in_channels, out_channels, kernel_size).stride(stride).padding(padding)) {}

    Tensor forward(const Tensor& x) override;
    /// Draw fresh weights (and bias) from the default initialisation.
    void reset_parameters(Generator& gen = default_generator());
    std::string extra_repr() const override;
    const Conv2dOptions& options() const { return options_; }

    Tensor weight;  ///< [out_channels, in_channels/groups, kh, kw]
    Tensor bias;    ///< [out_channels], undefined with bias(false)

private:
    Conv2dOptions options_;
};

inline Conv2d::Conv2d(const Conv2dOptions& o) : options_(o) {
    const IntPair k = o.kernel_size();
    if (o.in_channels() <= 0 || o.out_channels() <= 0)
        throw ValueError(fmt("Conv2d: channel counts must be positive, got in_channels=", o.in_channels(),
                             " out_channels=", o.out_channels(), "; hint: Conv2d(3, 16, 3) maps 3 channels to 16"));
    if (k.h <= 0 || k.w <= 0)
        throw ValueError(fmt("Conv2d: kernel_size must be positive, got ", k.str(), "; hint: 3 means a 3x3 kernel"));
    if (o.groups() <= 0 || o.in_channels() % o.groups() != 0 || o.out_channels() % o.groups() != 0)
        throw ValueError(fmt("Conv2d: groups=", o.groups(), " must be positive and divide in_channels (",
                             o.in_channels(), ") and out_channels (", o.out_channels(),
                             "); hint: groups=in_channels gives a depthwise convolution"));
    if (o.stride().h <= 0 || o.stride().w <= 0 || o.dilation().h <= 0 || o.dilation().w <= 0)
        throw ValueError(fmt("Conv2d: stride and dilation must be positive, got stride ", o.stride().str(),
                             " dilation ", o.dilation().str(), "; hint: 1 is the ordinary convolution"));
    if (o.padding().h < 0 || o.padding().w < 0)
        throw ValueError(fmt("Conv2d: padding must be >= 0, got ", o.padding().str(),
                             "; hint: padding=1 keeps a 3x3 convolution's output the size of its input"));
    // BEGIN SOLUTION: Conv2d::Conv2d (§5)
    weight = register_parameter("weight", empty({o.out_channels(), o.in_channels() / o.groups(), k.h, k.w}));
    if (o.bias()) bias = register_parameter("bias", empty({o.out_channels()}));
    // END SOLUTION
    reset_parameters();
}

inline void Conv2d::reset_parameters(Generator& gen) {
    // BEGIN SOLUTION: Conv2d::reset_parameters (§5)
    // kaiming_uniform_ with a = √5 gives bound √3·√(2/(1+5))/√fan_in = 1/√fan_in, as PyTorch.
    init::kaiming_uniform_(weight, std::sqrt(5.0), init::FanMode::fan_in, init::Nonlinearity::leaky_relu, gen);
    if (bias.defined()) {
        const double fan_in = static_cast<double>(init::calculate_fan_in_and_fan_out(weight).first);
        const double bound = 1.0 / std::sqrt(fan_in);
        init::uniform_(bias, -bound, bound, gen);
    }
    // END SOLUTION
}

inline Tensor Conv2d::forward(const Tensor& x) {
    if (!x.defined() || x.dim() != 4 || x.size(1) != options_.in_channels())
        throw ShapeError(fmt("Conv2d: expected input [N, ", options_.in_channels(), ", H, W], got ",
                             tinytorch::detail::shape_or_undefined(x), "; hint: in_channels is ", options_.in_channels(),
                             x.defined() && x.dim() == 3 ? " (a single image needs a batch dim: x.unsqueeze(0))" : ""));
    // BEGIN SOLUTION: Conv2d::forward (§5)
    return conv2d(x, weight, bias, options_.stride(), options_.padding(), options_.dilation(), options_.groups());
    // END SOLUTION
}

inline std::string Conv2d::extra_repr() const {
    const Conv2dOptions& o = options_;
    std::string s = fmt(o.in_channels(), ", ", o.out_channels(), ", kernel_size=", o.kernel_size().str(),
                        ", stride=", o.stride().str());
    if (!(o.padding() == IntPair(0))) s += fmt(", padding=", o.padding().str());
    if (!(o.dilation() == IntPair(1))) s += fmt(", dilation=", o.dilation().str());
    if (o.groups() != 1) s += fmt(", groups=", o.groups());
    if (!o.bias()) s += ", bias=false";
    return s;
}

}  // namespace tinytorch::nn
