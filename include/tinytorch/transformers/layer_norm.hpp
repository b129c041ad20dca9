// include/tinytorch/transformers/layer_norm.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md §1
//
// Layer normalisation over the last D = ∏ normalized_shape values of each row of x:
//     μ = mean(x_row),  σ² = mean((x_row − μ)²)  (biased),  rstd = 1/√(σ² + eps)
//     x̂ = (x − μ)·rstd,   y = x̂·γ + β            γ (weight), β (bias): normalized_shape or absent
// Unlike batch norm, every row is normalised on its own: no batch statistics, no running
// averages, the same computation in training and evaluation.
//
//   layer_norm_reference — composed of recorded tensor ops (mean, sub, pow, sqrt, div, mul, add):
//                          short and obviously right; autograd differentiates it op by op.
//   layer_norm           — fused: one pass for μ and σ², one for y, and one registered backward
//                          rule "layer_norm" (inputs x, γ, β; saved μ, rstd per row) instead of
//                          nine recorded ops and their [rows, D] temporaries.
// Backward (per row, ĝ = g·γ, means over the row's D values):
//     dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ·x̂))
//     dγ = Σ_rows g·x̂,   dβ = Σ_rows g
// The original TinyTorch computed μ and σ outside the graph, so its dx was simply wrong.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch {
namespace detail {

/// Check layer_norm's operands; returns D = ∏ normalized_shape.
inline int64_t check_layer_norm(const char* op, const Tensor& input, const Shape& normalized_shape,
                                const Tensor& weight, const Tensor& bias, double eps) {
    const int64_t k = static_cast<int64_t>(normalized_shape.size());
    if (k == 0)
        throw ValueError(fmt(op, ": normalized_shape is empty; hint: give the trailing dims to normalise over, e.g. {",
                             input.defined() && input.dim() > 0 ? input.size(-1) : 128, "} for the last one"));
    if (!input.defined() || input.dim() < k ||
        !std::equal(normalized_shape.begin(), normalized_shape.end(), input.shape().end() - k))
        throw ShapeError(fmt(op, ": expected input [..., ", shape_str(normalized_shape).substr(1), " (ending in ",
                             shape_str(normalized_shape), "), got ",
                             input.defined() ? shape_str(input.shape()) : std::string("an undefined tensor"),
                             "; hint: normalized_shape names the trailing dims of the input, e.g. the embedding size"));
    for (const auto& [name, t] : {std::pair<const char*, const Tensor*>{"weight", &weight}, {"bias", &bias}})
        if (t->defined() && t->shape() != normalized_shape)
            throw ShapeError(fmt(op, ": expected ", name, " ", shape_str(normalized_shape), ", got ",
                                 shape_str(t->shape()), "; hint: weight and bias have the normalized shape"));
    if (!(eps > 0.0))
        throw ValueError(fmt(op, ": eps must be positive, got ", eps, "; hint: the default is 1e-5"));
    return numel_of(normalized_shape);
}

}  // namespace detail

/// The readable reference: y = (x − mean)/√(var + eps)·weight + bias over the trailing dims
/// `normalized_shape`, built from recorded tensor ops. weight/bias may be undefined.
inline Tensor layer_norm_reference(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = {},
                                   const Tensor& bias = {}, double eps = 1e-5) {
    detail::check_layer_norm("layer_norm_reference", input, normalized_shape, weight, bias, eps);
    Tensor out;
    // BEGIN SOLUTION: layer_norm_reference (§1)
    std::vector<int64_t> dims;
    for (int64_t d = input.dim() - static_cast<int64_t>(normalized_shape.size()); d < input.dim(); ++d) dims.push_back(d);
    const Tensor mean = input.mean(dims, /*keepdim=*/true);
    const Tensor centered = input.sub(mean);
    const Tensor var = centered.pow(2.0f).mean(dims, true);  // biased: divides by D
    out = centered.div(var.add(static_cast<float>(eps)).sqrt());
    if (weight.defined()) out = out.mul(weight);  // [D...] broadcasts over the leading dims
    if (bias.defined()) out = out.add(bias);
    // END SOLUTION
    return out;
}

/// Fused layer normalisation (as at::layer_norm): x [..., *normalized_shape] -> same shape.
/// weight (γ) and bias (β) are `normalized_shape` or undefined. Records "layer_norm":
/// inputs {x, weight, bias}, saved {mean, rstd} (one float per row), ints {D}.
inline Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = {},
                         const Tensor& bias = {}, double eps = 1e-5) {
    TINYTORCH_RECORD_OP("layer_norm", input, weight, bias);
    const int64_t D = detail::check_layer_norm("layer_norm", input, normalized_shape, weight, bias, eps);
    const int64_t R = D > 0 ? input.numel() / D : 0;  // rows
    const Tensor x = input.detach().contiguous();
    Tensor out = detail::empty_uninitialized(input.shape()), mean = empty({R}), rstd = empty({R});
    // BEGIN SOLUTION: layer_norm (§1)
    using Row = Eigen::Map<const Eigen::ArrayXf>;
    using OutRow = Eigen::Map<Eigen::ArrayXf>;
    const Tensor gamma = weight.defined() ? weight.detach().contiguous() : Tensor();
    const Tensor beta = bias.defined() ? bias.detach().contiguous() : Tensor();
    const float* px = x.data_ptr();
    float* py = out.data_ptr();
    float* pm = mean.data_ptr();
    float* pr = rstd.data_ptr();
    detail::parallel_for(R, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(1, D)),
                         [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
            Row xr(px + r * D, D);
            OutRow yr(py + r * D, D);
            // two passes over a row that sits in L1: the mean, then squared deviations
            // (stabler than E[x²] − E[x]² when |μ| is large against σ)
            const float mu = xr.sum() / static_cast<float>(D);
            const float var = (xr - mu).square().sum() / static_cast<float>(D);
            const float inv = 1.0f / std::sqrt(var + static_cast<float>(eps));
            pm[r] = mu;
            pr[r] = inv;
            if (gamma.defined() && beta.defined())
                yr = (xr - mu) * inv * Row(gamma.data_ptr(), D) + Row(beta.data_ptr(), D);
            else if (gamma.defined())
                yr = (xr - mu) * inv * Row(gamma.data_ptr(), D);
            else if (beta.defined())
                yr = (xr - mu) * inv + Row(beta.data_ptr(), D);
            else
                yr = (xr - mu) * inv;
        }
    });
    // END SOLUTION
    if (autograd::wants_grad(input, weight, bias))
        autograd::record(out, "layer_norm", {input, weight, bias}, {mean, rstd}, {D});
    return out;
}

namespace autograd {

/// Backward of "layer_norm" (formulas at the top of this file). Rows are split into one block
/// per thread; each block sums its own dγ, dβ partials, added up at the end.
inline std::vector<Tensor> layer_norm_backward(const Node& node, const Tensor& grad_output) {
    const Tensor &input = node.inputs[0], &weight = node.inputs[1];
    const Tensor &mean = node.saved[0], &rstd = node.saved[1];
    const bool need_x = needs_grad(node, 0), need_w = needs_grad(node, 1), need_b = needs_grad(node, 2);
    Tensor grad_input = need_x ? tinytorch::detail::empty_uninitialized(input.shape()) : Tensor();  // fully written
    Tensor grad_weight = need_w ? zeros(weight.shape()) : Tensor();
    Tensor grad_bias = need_b ? zeros(node.inputs[2].shape()) : Tensor();
    // BEGIN SOLUTION: layer_norm_backward (§1)
    const int64_t D = node.ints[0], R = mean.numel();  // row length, rows
    using Row = Eigen::Map<const Eigen::ArrayXf>;
    using OutRow = Eigen::Map<Eigen::ArrayXf>;
    const Tensor x = input.detach().contiguous(), g = grad_output.contiguous();
    const Tensor gamma = weight.defined() ? weight.detach().contiguous() : Tensor();
    const float* px = x.data_ptr();
    const float* pg = g.data_ptr();
    const int64_t blocks =
        std::clamp<int64_t>(R * D / tinytorch::detail::kParallelGrain, 1, std::max(1, get_num_threads()));
    const int64_t rows_per_block = (R + blocks - 1) / blocks;
    // dγ, dβ partial sums of each block (in float: a block adds at most a few thousand rows)
    std::vector<Eigen::ArrayXf> part_w(need_w ? blocks : 0, Eigen::ArrayXf::Zero(D));
    std::vector<Eigen::ArrayXf> part_b(need_b ? blocks : 0, Eigen::ArrayXf::Zero(D));
    tinytorch::detail::parallel_for(blocks, 1, [&](int64_t b_lo, int64_t b_hi) {
        Eigen::ArrayXf xhat(D), gw(D);
        for (int64_t b = b_lo; b < b_hi; ++b) {
            for (int64_t r = b * rows_per_block, end = std::min(R, r + rows_per_block); r < end; ++r) {
                Row xr(px + r * D, D), gr(pg + r * D, D);
                const float inv = rstd.data_ptr()[r];
                xhat = (xr - mean.data_ptr()[r]) * inv;
                if (need_w) part_w[b] += gr * xhat;
                if (need_b) part_b[b] += gr;
                if (!need_x) continue;
                if (gamma.defined()) gw = gr * Row(gamma.data_ptr(), D);
                else gw = gr;
                const float mean_gw = gw.sum() / static_cast<float>(D);
                const float mean_gwx = (gw * xhat).sum() / static_cast<float>(D);
                OutRow(grad_input.data_ptr() + r * D, D) = inv * (gw - mean_gw - xhat * mean_gwx);
            }
        }
    });
    for (int64_t b = 0; b < blocks; ++b) {
        if (need_w) OutRow(grad_weight.data_ptr(), D) += part_w[b];
        if (need_b) OutRow(grad_bias.data_ptr(), D) += part_b[b];
    }
    // END SOLUTION
    return {grad_input, grad_weight, grad_bias};
}

inline const bool layer_norm_rule_registered = register_rule("layer_norm", &layer_norm_backward);

}  // namespace autograd

namespace nn {

/// Options of LayerNorm, libtorch style: LayerNormOptions({128}).eps(1e-5).elementwise_affine(true).
/// bias(false) keeps γ but drops β (as PyTorch ≥ 2.1's LayerNorm(bias=False), and nanoGPT's
/// bias=False models).
struct LayerNormOptions {
    LayerNormOptions(Shape normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT
    LayerNormOptions& eps(double v) { eps_ = v; return *this; }
    LayerNormOptions& elementwise_affine(bool v) { elementwise_affine_ = v; return *this; }
    LayerNormOptions& bias(bool v) { bias_ = v; return *this; }
    const Shape& normalized_shape() const { return normalized_shape_; }
    double eps() const { return eps_; }
    bool elementwise_affine() const { return elementwise_affine_; }
    bool bias() const { return bias_; }

private:
    Shape normalized_shape_;
    double eps_ = 1e-5;
    bool elementwise_affine_ = true, bias_ = true;
};

/// Layer normalisation over the trailing `normalized_shape` dims (see the top of this file).
/// Parameters weight (γ, ones) and bias (β, zeros) when elementwise_affine (bias only if
/// options.bias()). The same computation in training and eval mode.
class LayerNorm : public Module {
public:
    explicit LayerNorm(const LayerNormOptions& options);
    explicit LayerNorm(Shape normalized_shape) : LayerNorm(LayerNormOptions(std::move(normalized_shape))) {}

    Tensor forward(const Tensor& x) override;
    /// γ ← 1, β ← 0.
    void reset_parameters();
    std::string extra_repr() const override;
    const LayerNormOptions& options() const { return options_; }

    Tensor weight, bias;  ///< normalized_shape; undefined when not affine (bias: or bias(false))

private:
    LayerNormOptions options_;
};

inline LayerNorm::LayerNorm(const LayerNormOptions& o) : options_(o) {
    if (o.normalized_shape().empty())
        throw ValueError("LayerNorm: normalized_shape is empty; hint: LayerNorm(LayerNormOptions({128})) normalises "
                         "the last dim of size 128");
    for (int64_t d : o.normalized_shape())
        if (d <= 0)
            throw ValueError(fmt("LayerNorm: normalized_shape ", shape_str(o.normalized_shape()),
                                 " has a dim <= 0; hint: every normalised dim must be positive"));
    if (!(o.eps() > 0.0))
        throw ValueError(fmt("LayerNorm: eps must be positive, got ", o.eps(), "; hint: the default is 1e-5"));
    // BEGIN SOLUTION: LayerNorm::LayerNorm (§1)
    if (o.elementwise_affine()) {
        weight = register_parameter("weight", ones(o.normalized_shape()));
        if (o.bias()) bias = register_parameter("bias", zeros(o.normalized_shape()));
    }
    // END SOLUTION
}

inline void LayerNorm::reset_parameters() {
    if (weight.defined()) weight.fill_(1.0f);
    if (bias.defined()) bias.fill_(0.0f);
}

inline Tensor LayerNorm::forward(const Tensor& x) {
    // BEGIN SOLUTION: LayerNorm::forward (§1)
    return layer_norm(x, options_.normalized_shape(), weight, bias, options_.eps());
    // END SOLUTION
}

inline std::string LayerNorm::extra_repr() const {
    return fmt(shape_str(options_.normalized_shape()), ", eps=", options_.eps(),
               ", elementwise_affine=", options_.elementwise_affine() ? "true" : "false",
               options_.elementwise_affine() && !options_.bias() ? ", bias=false" : "");
}

}  // namespace nn
}  // namespace tinytorch
