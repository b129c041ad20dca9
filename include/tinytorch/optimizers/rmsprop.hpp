// include/tinytorch/optimizers/rmsprop.hpp
// Module 07 · Optimizers — lesson: modules/07_optimizers/README.md §5
#pragma once
#include "tinytorch/optimizers/optimizer.hpp"

namespace tinytorch::optim {

/// RMSprop's settings: RMSpropOptions(1e-2).alpha(0.9).momentum(0.9).centered(true)
struct RMSpropOptions {
    RMSpropOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT: implicit, so RMSprop(params, 1e-2) works
    TINYTORCH_OPTION(double, lr, 1e-2);
    TINYTORCH_OPTION(double, alpha, 0.99);
    TINYTORCH_OPTION(double, eps, 1e-8);
    TINYTORCH_OPTION(double, weight_decay, 0.0);
    TINYTORCH_OPTION(double, momentum, 0.0);
    TINYTORCH_OPTION(bool, centered, false);
};

/// RMSprop, exactly as torch.optim.RMSprop. Per parameter:
///   d = g + wd·θ
///   s = α·s + (1 − α)·d²                        running mean of squared gradients
///   centered: a = α·a + (1 − α)·d,  r = √(s − a²) + ε     (divides by the variance, not the raw 2nd moment)
///   else:     r = √s + ε
///   momentum μ > 0:  b = μ·b + d / r,  θ = θ − lr·b       (b starts at zero)
///   else:            θ = θ − lr · d / r
/// State: "square_avg" (+ "momentum_buffer" if μ > 0, + "grad_avg" if centered): 4–12 bytes per parameter.
class RMSprop : public Optimizer {
public:
    RMSprop(std::vector<Tensor> params, const RMSpropOptions& options = RMSpropOptions());
    void step() override;
    std::string name() const override { return "RMSprop"; }
    RMSpropOptions options() const { return RMSpropOptions(options_).lr(lr_); }

protected:
    std::vector<std::string> buffer_names() const override {
        std::vector<std::string> names{"square_avg"};
        if (options_.momentum() > 0.0) names.push_back("momentum_buffer");
        if (options_.centered()) names.push_back("grad_avg");
        return names;
    }

private:
    RMSpropOptions options_;
};

inline RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : Optimizer(std::move(params), options.lr()), options_(options) {
    if (!(options.alpha() >= 0.0))
        throw ValueError(fmt("RMSprop: alpha must be >= 0, got ", options.alpha(), "; hint: 0.99 is the default"));
    if (!(options.eps() >= 0.0))
        throw ValueError(fmt("RMSprop: eps must be >= 0, got ", options.eps(), "; hint: 1e-8 keeps the division safe"));
    if (!(options.momentum() >= 0.0))
        throw ValueError(fmt("RMSprop: momentum must be >= 0, got ", options.momentum(), "; hint: 0 or 0.9"));
    if (!(options.weight_decay() >= 0.0))
        throw ValueError(fmt("RMSprop: weight_decay must be >= 0, got ", options.weight_decay(), "; hint: try 1e-4"));
}

inline void RMSprop::step() {
    NoGradGuard no_grad;
    const float lr = static_cast<float>(lr_), alpha = static_cast<float>(options_.alpha()),
                eps = static_cast<float>(options_.eps()), wd = static_cast<float>(options_.weight_decay()),
                mu = static_cast<float>(options_.momentum());
    const bool centered = options_.centered();
    for (size_t i = 0; i < params_.size(); ++i) {
        Tensor grad = gradient(i);
        if (!grad.defined()) continue;
        ParamState& s = state(i);
        float* theta = params_[i].data_ptr();
        const float* g = grad.data_ptr();
        float* sq = s.buffers[0].data_ptr();
        float* buf = mu > 0.0f ? s.buffers[1].data_ptr() : nullptr;
        float* ga = centered ? s.buffers.back().data_ptr() : nullptr;
        // BEGIN SOLUTION: RMSprop::step (§5)
        ++s.step;
        detail::for_blocks(grad.numel(), [&](int64_t o, int64_t n) {
            auto p = detail::span(theta, o, n);
            auto sa = detail::span(sq, o, n);
            detail::Block d = detail::span(g, o, n);
            if (wd != 0.0f) d += wd * p;
            sa = alpha * sa + (1.0f - alpha) * d.square();
            detail::Block r;
            if (centered) {
                auto a = detail::span(ga, o, n);
                a = alpha * a + (1.0f - alpha) * d;
                r = (sa - a.square()).sqrt() + eps;
            } else {
                r = sa.sqrt() + eps;
            }
            if (mu > 0.0f) {
                auto b = detail::span(buf, o, n);
                b = mu * b + d / r;
                p -= lr * b;
            } else {
                p -= lr * (d / r);
            }
        });
        // END SOLUTION
    }
}

}  // namespace tinytorch::optim
