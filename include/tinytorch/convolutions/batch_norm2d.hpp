// include/tinytorch/convolutions/batch_norm2d.hpp
// Module 09 · Convolutions — lesson: modules/09_convolutions/README.md §8
//
// Batch normalisation per channel c of x [N, C, H, W], over the M = N·H·W values of that channel:
//     training: μ_c = mean, σ²_c = biased variance of the batch;  eval: the running estimates
//     y = (x − μ_c) / √(σ²_c + eps) · γ_c + β_c
// Training also updates the running estimates: r ← (1 − momentum)·r + momentum·batch value,
// with the *unbiased* variance σ²·M/(M − 1) (as PyTorch).
//
//   batch_norm2d_reference — built from differentiable tensor ops: short, obviously right.
//   batch_norm2d           — fused: two passes over x per channel, and one registered backward
//                            rule "batch_norm2d" (inputs x, γ, β; saved μ, 1/σ; ints training),
//                            instead of a dozen recorded ops and their temporaries.
// Backward in training (x̂ = (x − μ)/σ, sums over the channel's M values):
//     dβ = Σ g,  dγ = Σ g·x̂,  dx = γ/σ · (g − Σg/M − x̂ · Σ(g·x̂)/M)
// and in eval mode (μ, σ constants): dx = γ/σ · g.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <cmath>
#include <string>
#include <vector>

#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/convolutions/conv_geometry.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch {
namespace detail {

/// Check batch_norm2d's operands: x [N, C, H, W]; γ, β, running mean and var each [C] or undefined.
inline void check_batch_norm2d(const char* op, const Tensor& input, const Tensor& running_mean,
                               const Tensor& running_var, const Tensor& weight, const Tensor& bias, bool training) {
    if (!input.defined() || input.dim() != 4)
        throw ShapeError(fmt(op, ": expected input [N, C, H, W] (4 dims), got ", shape_or_undefined(input),
                             "; hint: a single image [C, H, W] needs a batch dim: x.unsqueeze(0)"));
    const int64_t C = input.size(1);
    const std::pair<const char*, const Tensor*> params[] = {
        {"running_mean", &running_mean}, {"running_var", &running_var}, {"weight", &weight}, {"bias", &bias}};
    for (const auto& [name, t] : params)
        if (t->defined() && (t->dim() != 1 || t->size(0) != C))
            throw ShapeError(fmt(op, ": expected ", name, " [", C, "] for input ", shape_str(input.shape()), ", got ",
                                 shape_str(t->shape()), "; hint: one value per channel"));
    if (!training && (!running_mean.defined() || !running_var.defined()))
        throw ValueError(fmt(op, ": evaluation mode needs running_mean and running_var; hint: pass training=true to "
                             "normalise with the batch statistics"));
    if (training && input.size(0) * input.size(2) * input.size(3) <= 1)
        throw ValueError(fmt(op, ": expected more than 1 value per channel when training, got input ",
                             shape_str(input.shape()), "; hint: use a batch of at least 2, or eval mode"));
}

}  // namespace detail

/// The readable reference, composed of recorded tensor ops (autograd differentiates it through
/// their rules). Same arguments and results as batch_norm2d; also updates the running stats.
inline Tensor batch_norm2d_reference(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                                     const Tensor& weight, const Tensor& bias, bool training, double momentum = 0.1,
                                     double eps = 1e-5) {
    detail::check_batch_norm2d("batch_norm2d_reference", input, running_mean, running_var, weight, bias, training);
    const int64_t C = input.size(1);
    Tensor out;
    // BEGIN SOLUTION: batch_norm2d_reference (§8)
    const std::vector<int64_t> dims{0, 2, 3};
    Tensor mean, var;
    if (training) {
        mean = input.mean(dims, /*keepdim=*/true);
        var = input.sub(mean).pow(2.0f).mean(dims, true);  // biased: divides by M
        if (running_mean.defined()) {
            NoGradGuard no_grad;
            const float m = static_cast<float>(momentum);
            const int64_t M = input.numel() / C;
            Tensor rm = running_mean, rv = running_var;
            rm.mul_(1.0f - m).add_(mean.detach().reshape({C}), m);
            rv.mul_(1.0f - m).add_(var.detach().reshape({C}), m * static_cast<float>(M) / static_cast<float>(M - 1));
        }
    } else {
        mean = running_mean.reshape({1, C, 1, 1});
        var = running_var.reshape({1, C, 1, 1});
    }
    out = input.sub(mean).div(var.add(static_cast<float>(eps)).sqrt());
    if (weight.defined()) out = out.mul(weight.reshape({1, C, 1, 1}));
    if (bias.defined()) out = out.add(bias.reshape({1, C, 1, 1}));
    // END SOLUTION
    return out;
}

/// Fused batch normalisation of x [N, C, H, W] -> same shape; γ (weight), β (bias) and the
/// running stats are [C] or undefined. training: batch statistics (and running stats updated
/// in place when given); otherwise the running statistics.
inline Tensor batch_norm2d(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                           const Tensor& weight, const Tensor& bias, bool training, double momentum = 0.1,
                           double eps = 1e-5) {
    RecordScope scope("batch_norm2d", input, weight, bias);
    detail::check_batch_norm2d("batch_norm2d", input, running_mean, running_var, weight, bias, training);
    const int64_t N = input.size(0), C = input.size(1), HW = input.size(2) * input.size(3), M = N * HW;
    const Tensor x = input.detach().contiguous();
    Tensor out = detail::empty_uninitialized(input.shape()), mean = empty({C}), invstd = empty({C});  // out: every element is written
    // BEGIN SOLUTION: batch_norm2d (§8)
    using Plane = Eigen::Map<const Eigen::ArrayXf>;
    using OutPlane = Eigen::Map<Eigen::ArrayXf>;
    const Tensor rm = running_mean.defined() ? running_mean.contiguous() : Tensor();
    const Tensor rv = running_var.defined() ? running_var.contiguous() : Tensor();
    const Tensor gamma = weight.defined() ? weight.detach().contiguous() : Tensor();
    const Tensor beta = bias.defined() ? bias.detach().contiguous() : Tensor();
    std::vector<double> batch_var(static_cast<size_t>(C));
    const float* px = x.data_ptr();
    float* py = out.data_ptr();
    detail::parallel_for(C, std::max<int64_t>(1, detail::kParallelGrain / std::max<int64_t>(1, M)),
                         [&](int64_t lo, int64_t hi) {
        for (int64_t c = lo; c < hi; ++c) {
            double mu, var;
            if (training) {  // two passes: the mean, then squared deviations (stabler than E[x²] − E[x]²)
                double s = 0.0;
                for (int64_t n = 0; n < N; ++n) s += Plane(px + (n * C + c) * HW, HW).sum();
                mu = s / static_cast<double>(M);
                double ss = 0.0;
                for (int64_t n = 0; n < N; ++n)
                    ss += (Plane(px + (n * C + c) * HW, HW) - static_cast<float>(mu)).square().sum();
                var = ss / static_cast<double>(M);
            } else {
                mu = rm.data_ptr()[c];
                var = rv.data_ptr()[c];
            }
            batch_var[c] = var;
            const double inv = 1.0 / std::sqrt(var + eps);
            mean.data_ptr()[c] = static_cast<float>(mu);
            invstd.data_ptr()[c] = static_cast<float>(inv);
            // y = x·scale + shift, with γ/σ and β − μ·γ/σ folded into two numbers per channel
            const double gam = gamma.defined() ? gamma.data_ptr()[c] : 1.0, bet = beta.defined() ? beta.data_ptr()[c] : 0.0;
            const float scale = static_cast<float>(gam * inv), shift = static_cast<float>(bet - mu * gam * inv);
            for (int64_t n = 0; n < N; ++n)
                OutPlane(py + (n * C + c) * HW, HW) = Plane(px + (n * C + c) * HW, HW) * scale + shift;
        }
    });
    if (training && running_mean.defined() && running_var.defined()) {
        Tensor rmean = running_mean, rvar = running_var;  // handles: updated in place
        const Tensor unbiased = Tensor(std::vector<float>(batch_var.begin(), batch_var.end()), {C})
                                    .mul(static_cast<float>(M) / static_cast<float>(M - 1));
        rmean.mul_(static_cast<float>(1.0 - momentum)).add_(mean, static_cast<float>(momentum));
        rvar.mul_(static_cast<float>(1.0 - momentum)).add_(unbiased, static_cast<float>(momentum));
    }
    // END SOLUTION
    if (autograd::wants_grad(input, weight, bias))
        autograd::record(out, "batch_norm2d", {input, weight, bias}, {mean, invstd}, {training ? 1 : 0});
    scope.set_output(out, {training ? 1 : 0});
    return out;
}

namespace autograd {

/// Backward of "batch_norm2d" (formulas at the top of this file), one channel per task.
inline std::vector<Tensor> batch_norm2d_backward(const Node& node, const Tensor& grad_output) {
    const Tensor &input = node.inputs[0], &weight = node.inputs[1];
    const Tensor &mean = node.saved[0], &invstd = node.saved[1];
    const bool training = node.ints[0] != 0;
    const bool need_x = needs_grad(node, 0), need_w = needs_grad(node, 1), need_b = needs_grad(node, 2);
    const int64_t N = input.size(0), C = input.size(1), HW = input.size(2) * input.size(3), M = N * HW;
    Tensor grad_input = need_x ? tinytorch::detail::empty_uninitialized(input.shape()) : Tensor();  // fully written
    Tensor grad_weight = need_w ? empty({C}) : Tensor();
    Tensor grad_bias = need_b ? empty({C}) : Tensor();
    // BEGIN SOLUTION: batch_norm2d_backward (§8)
    using Plane = Eigen::Map<const Eigen::ArrayXf>;
    using OutPlane = Eigen::Map<Eigen::ArrayXf>;
    const Tensor x = input.detach().contiguous(), g = grad_output.contiguous();
    const Tensor gamma = weight.defined() ? weight.detach().contiguous() : Tensor();
    const float* px = x.data_ptr();
    const float* pg = g.data_ptr();
    tinytorch::detail::parallel_for(C, std::max<int64_t>(1, tinytorch::detail::kParallelGrain / std::max<int64_t>(1, M)),
                                    [&](int64_t lo, int64_t hi) {
        for (int64_t c = lo; c < hi; ++c) {
            const float mu = mean.data_ptr()[c], inv = invstd.data_ptr()[c];
            double sum_g = 0.0, sum_gxc = 0.0;  // Σ g and Σ g·(x − μ)
            for (int64_t n = 0; n < N; ++n) {
                const int64_t at = (n * C + c) * HW;
                sum_g += Plane(pg + at, HW).sum();
                sum_gxc += (Plane(pg + at, HW) * (Plane(px + at, HW) - mu)).sum();
            }
            const double sum_gxhat = sum_gxc * inv;  // Σ g·x̂
            if (need_b) grad_bias.data_ptr()[c] = static_cast<float>(sum_g);
            if (need_w) grad_weight.data_ptr()[c] = static_cast<float>(sum_gxhat);
            if (!need_x) continue;
            const double a = (gamma.defined() ? gamma.data_ptr()[c] : 1.0) * inv;  // γ/σ
            // training: dx = a·(g − Σg/M − (x − μ)·inv·Σ(g·x̂)/M) = a·g + kx·x + k0
            const double kx = training ? -a * inv * sum_gxhat / static_cast<double>(M) : 0.0;
            const double k0 = training ? -a * sum_g / static_cast<double>(M) - kx * mu : 0.0;
            for (int64_t n = 0; n < N; ++n) {
                const int64_t at = (n * C + c) * HW;
                OutPlane(grad_input.data_ptr() + at, HW) = Plane(pg + at, HW) * static_cast<float>(a) +
                                                           Plane(px + at, HW) * static_cast<float>(kx) +
                                                           static_cast<float>(k0);
            }
        }
    });
    // END SOLUTION
    return {grad_input, grad_weight, grad_bias};
}

inline const bool batch_norm2d_rule_registered = register_rule("batch_norm2d", &batch_norm2d_backward);

}  // namespace autograd

namespace nn {

/// Options of BatchNorm2d: BatchNorm2dOptions(64).eps(1e-5).momentum(0.1).affine(true).track_running_stats(true).
struct BatchNorm2dOptions {
    BatchNorm2dOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT: BatchNorm2d(64)
    BatchNorm2dOptions& eps(double v) { eps_ = v; return *this; }
    BatchNorm2dOptions& momentum(double v) { momentum_ = v; return *this; }
    BatchNorm2dOptions& affine(bool v) { affine_ = v; return *this; }
    BatchNorm2dOptions& track_running_stats(bool v) { track_running_stats_ = v; return *this; }
    int64_t num_features() const { return num_features_; }
    double eps() const { return eps_; }
    double momentum() const { return momentum_; }
    bool affine() const { return affine_; }
    bool track_running_stats() const { return track_running_stats_; }

private:
    int64_t num_features_;
    double eps_ = 1e-5, momentum_ = 0.1;
    bool affine_ = true, track_running_stats_ = true;
};

/// Batch normalisation of [N, C, H, W] with C = num_features (see the top of this file).
/// Parameters weight (γ, ones) and bias (β, zeros) when affine; buffers running_mean (zeros),
/// running_var (ones) and num_batches_tracked when track_running_stats. Training mode uses
/// and records the batch statistics; eval mode uses the running ones.
class BatchNorm2d : public Module {
public:
    explicit BatchNorm2d(const BatchNorm2dOptions& options);
    BatchNorm2d(int64_t num_features, double eps, double momentum = 0.1, bool affine = true,
                bool track_running_stats = true)
        : BatchNorm2d(BatchNorm2dOptions(num_features).eps(eps).momentum(momentum).affine(affine).track_running_stats(
              track_running_stats)) {}

    Tensor forward(const Tensor& x) override;
    /// running_mean ← 0, running_var ← 1, num_batches_tracked ← 0.
    void reset_running_stats();
    /// γ ← 1, β ← 0, and the running stats reset.
    void reset_parameters();
    std::string extra_repr() const override;
    const BatchNorm2dOptions& options() const { return options_; }

    Tensor weight, bias;                                         ///< [C] parameters (affine)
    Tensor running_mean, running_var, num_batches_tracked;       ///< [C], [C], [] buffers (tracking)

private:
    BatchNorm2dOptions options_;
};

inline BatchNorm2d::BatchNorm2d(const BatchNorm2dOptions& o) : options_(o) {
    if (o.num_features() <= 0)
        throw ValueError(fmt("BatchNorm2d: num_features must be positive, got ", o.num_features(),
                             "; hint: it is the channel count C of the [N, C, H, W] input"));
    if (!(o.eps() > 0.0) || !(o.momentum() >= 0.0 && o.momentum() <= 1.0))
        throw ValueError(fmt("BatchNorm2d: needs eps > 0 and momentum in [0, 1], got eps=", o.eps(),
                             " momentum=", o.momentum(), "; hint: the defaults are eps=1e-5, momentum=0.1"));
    const int64_t C = o.num_features();
    // BEGIN SOLUTION: BatchNorm2d::BatchNorm2d (§8)
    if (o.affine()) {
        weight = register_parameter("weight", ones({C}));
        bias = register_parameter("bias", zeros({C}));
    }
    if (o.track_running_stats()) {
        running_mean = register_buffer("running_mean", zeros({C}));
        running_var = register_buffer("running_var", ones({C}));
        num_batches_tracked = register_buffer("num_batches_tracked", scalar_tensor(0.0f));
    }
    // END SOLUTION
}

inline void BatchNorm2d::reset_running_stats() {
    if (!running_mean.defined()) return;
    running_mean.fill_(0.0f);
    running_var.fill_(1.0f);
    num_batches_tracked.fill_(0.0f);
}

inline void BatchNorm2d::reset_parameters() {
    reset_running_stats();
    if (weight.defined()) weight.fill_(1.0f);
    if (bias.defined()) bias.fill_(0.0f);
}

inline Tensor BatchNorm2d::forward(const Tensor& x) {
    const int64_t C = options_.num_features();
    if (!x.defined() || x.dim() != 4 || x.size(1) != C)
        throw ShapeError(fmt("BatchNorm2d: expected input [N, ", C, ", H, W], got ",
                             tinytorch::detail::shape_or_undefined(x), "; hint: num_features is ", C));
    // BEGIN SOLUTION: BatchNorm2d::forward (§8)
    // Batch statistics while training, and always when no running statistics are kept.
    const bool use_batch = is_training() || !running_mean.defined();
    if (is_training() && num_batches_tracked.defined()) num_batches_tracked.add_(1.0f);
    return batch_norm2d(x, running_mean, running_var, weight, bias, use_batch, options_.momentum(), options_.eps());
    // END SOLUTION
}

inline std::string BatchNorm2d::extra_repr() const {
    return fmt(options_.num_features(), ", eps=", options_.eps(), ", momentum=", options_.momentum(),
               ", affine=", options_.affine() ? "true" : "false",
               ", track_running_stats=", options_.track_running_stats() ? "true" : "false");
}

}  // namespace nn
}  // namespace tinytorch
