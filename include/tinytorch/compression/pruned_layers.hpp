// include/tinytorch/compression/pruned_layers.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md §2
//
// A pruned layer computes with
//     weight = weight_orig ⊙ weight_mask
// (PyTorch's torch.nn.utils.prune reparametrisation). weight_orig is the trained parameter — the
// very tensor the dense layer held, so an optimizer built before pruning keeps updating it —
// and weight_mask a 0/1 buffer saved with the model. The product is taken inside forward(), so a
// pruned weight is exactly 0 whatever the optimizer does: its gradient is g ⊙ mask = 0, and even
// where momentum, Adam's running averages or weight decay move weight_orig, the product stays 0.
// (The original TinyTorch zeroed the weights in place; the next optimizer step with momentum
// brought them back.)
//
//   auto pruned = std::make_shared<nn::PrunedLinear>(dense, mask);   // usually via magnitude_prune
//   Tensor y = (*pruned)(x);                                         // x @ (W ⊙ M)ᵀ + b
//   std::shared_ptr<nn::Linear> plain = pruned->to_dense();          // make it permanent
#pragma once
#include <memory>
#include <string>

#include "tinytorch/autograd/no_grad.hpp"
#include "tinytorch/convolutions/conv2d_layer.hpp"
#include "tinytorch/layers/linear.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// What the pruned layers share: weight_orig (parameter), weight_mask (0/1 buffer), bias.
class PrunedLayer : public Module {
public:
    Tensor weight_orig;  ///< the trained weight (a parameter; pruned entries may hold anything)
    Tensor weight_mask;  ///< 1 = kept, 0 = pruned; same shape as weight_orig (a buffer)
    Tensor bias;         ///< the dense layer's bias (a parameter), undefined without one

    /// weight_orig ⊙ weight_mask, recorded for autograd (d/d weight_orig = g ⊙ mask).
    Tensor weight() const;
    /// Overwrite the mask's values in place (0/1 entries, the shape of weight_orig).
    void set_mask(const Tensor& mask);
    /// How many weights the mask removes.
    int64_t num_pruned() const;

protected:
    PrunedLayer(const Tensor& weight, const Tensor& bias, const Tensor& mask, const char* layer);
};

/// A Linear whose weight is weight_orig ⊙ weight_mask.   x: [..., in] -> [..., out]
class PrunedLinear : public PrunedLayer {
public:
    /// Shares `dense`'s weight and bias tensors (no copy); `mask` is copied.
    PrunedLinear(const Linear& dense, const Tensor& mask);
    Tensor forward(const Tensor& x) override;
    /// A plain Linear holding weight_orig ⊙ weight_mask (pruned entries are 0) and the bias.
    std::shared_ptr<Linear> to_dense() const;
    std::string extra_repr() const override;
    int64_t in_features() const { return in_features_; }
    int64_t out_features() const { return out_features_; }

private:
    int64_t in_features_, out_features_;
};

/// A Conv2d whose weight is weight_orig ⊙ weight_mask.   x: [N, in, H, W] -> [N, out, Ho, Wo]
class PrunedConv2d : public PrunedLayer {
public:
    PrunedConv2d(const Conv2d& dense, const Tensor& mask);
    Tensor forward(const Tensor& x) override;
    std::shared_ptr<Conv2d> to_dense() const;
    std::string extra_repr() const override;
    const Conv2dOptions& options() const { return options_; }

private:
    Conv2dOptions options_;
};

// ================================================================================================
// definitions
// ================================================================================================

inline PrunedLayer::PrunedLayer(const Tensor& weight, const Tensor& b, const Tensor& mask, const char* layer) {
    if (!mask.defined() || mask.shape() != weight.shape())
        throw ShapeError(fmt(layer, ": the mask has shape ", mask.defined() ? shape_str(mask.shape()) : "undefined",
                             " but the weight has shape ", shape_str(weight.shape()),
                             "; hint: a pruning mask has exactly the weight's shape (1 = keep, 0 = prune)"));
    weight_orig = register_parameter("weight_orig", weight);  // the same tensor: optimizers keep working
    if (b.defined()) bias = register_parameter("bias", b);
    weight_mask = register_buffer("weight_mask", zeros(weight.shape()));
    set_mask(mask);
}

inline void PrunedLayer::set_mask(const Tensor& mask) {
    if (!mask.defined() || mask.shape() != weight_orig.shape())
        throw ShapeError(fmt(name(), "::set_mask: the mask has shape ",
                             mask.defined() ? shape_str(mask.shape()) : "undefined", " but the weight has shape ",
                             shape_str(weight_orig.shape()), "; hint: one 0/1 entry per weight"));
    for (float v : mask.contiguous().to_vector())
        if (v != 0.0f && v != 1.0f)
            throw ValueError(fmt(name(), "::set_mask: mask entries must be 0 or 1, found ", v,
                                 "; hint: 1 keeps a weight, 0 prunes it"));
    NoGradGuard no_grad;
    weight_mask.copy_(mask);
}

inline int64_t PrunedLayer::num_pruned() const {
    int64_t n = 0;
    for (float v : weight_mask.to_vector()) n += v == 0.0f;
    return n;
}

inline Tensor PrunedLayer::weight() const {
    // BEGIN SOLUTION: PrunedLayer::weight (§2)
    return weight_orig.mul(weight_mask);  // the mask is a constant: the gradient to weight_orig is g ⊙ mask
    // END SOLUTION
}

inline PrunedLinear::PrunedLinear(const Linear& dense, const Tensor& mask)
    : PrunedLayer(dense.weight, dense.bias, mask, "PrunedLinear"),
      in_features_(dense.in_features()),
      out_features_(dense.out_features()) {}

inline Tensor PrunedLinear::forward(const Tensor& x) {
    if (!x.defined() || x.dim() == 0 || x.size(-1) != in_features_)
        throw ShapeError(fmt("PrunedLinear: expected input [..., ", in_features_, "], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: the last dim of the input must equal in_features (", in_features_, ")"));
    // BEGIN SOLUTION: PrunedLinear::forward (§2)
    Tensor y = x.matmul(weight().t());  // the mask is applied on every call: nothing can regrow
    if (bias.defined()) y = y + bias;
    return y;
    // END SOLUTION
}

inline std::shared_ptr<Linear> PrunedLinear::to_dense() const {
    auto dense = std::make_shared<Linear>(in_features_, out_features_, bias.defined());
    NoGradGuard no_grad;
    dense->weight.copy_(weight());
    if (bias.defined()) dense->bias.copy_(bias);
    return dense;
}

inline std::string PrunedLinear::extra_repr() const {
    return fmt("in_features=", in_features_, ", out_features=", out_features_, ", bias=",
               bias.defined() ? "true" : "false", ", pruned=", num_pruned(), "/", weight_orig.numel());
}

inline PrunedConv2d::PrunedConv2d(const Conv2d& dense, const Tensor& mask)
    : PrunedLayer(dense.weight, dense.bias, mask, "PrunedConv2d"), options_(dense.options()) {}

inline Tensor PrunedConv2d::forward(const Tensor& x) {
    if (!x.defined() || x.dim() != 4 || x.size(1) != options_.in_channels())
        throw ShapeError(fmt("PrunedConv2d: expected input [N, ", options_.in_channels(), ", H, W], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: in_channels is ", options_.in_channels()));
    // BEGIN SOLUTION: PrunedConv2d::forward (§2)
    return conv2d(x, weight(), bias, options_.stride(), options_.padding(), options_.dilation(), options_.groups());
    // END SOLUTION
}

inline std::shared_ptr<Conv2d> PrunedConv2d::to_dense() const {
    auto dense = std::make_shared<Conv2d>(options_);
    NoGradGuard no_grad;
    dense->weight.copy_(weight());
    if (bias.defined()) dense->bias.copy_(bias);
    return dense;
}

inline std::string PrunedConv2d::extra_repr() const {
    return fmt(options_.in_channels(), ", ", options_.out_channels(), ", kernel_size=", options_.kernel_size().str(),
               ", stride=", options_.stride().str(), ", pruned=", num_pruned(), "/", weight_orig.numel());
}

}  // namespace tinytorch::nn
