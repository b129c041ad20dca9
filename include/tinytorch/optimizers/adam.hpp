// include/tinytorch/optimizers/adam.hpp
// Module 07 · Optimizers — lesson: modules/07_optimizers/README.md §3
#pragma once
#include <cmath>
#include <utility>

#include "tinytorch/optimizers/optimizer.hpp"

namespace tinytorch::optim {

using Betas = std::pair<double, double>;

/// Adam's settings: AdamOptions(1e-3).betas({0.9, 0.98}).eps(1e-9).weight_decay(1e-4).amsgrad(true)
struct AdamOptions {
    AdamOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT: implicit, so Adam(params, 1e-3) works
    TINYTORCH_OPTION(double, lr, 1e-3);
    TINYTORCH_OPTION(Betas, betas, Betas(0.9, 0.999));
    TINYTORCH_OPTION(double, eps, 1e-8);
    TINYTORCH_OPTION(double, weight_decay, 0.0);
    TINYTORCH_OPTION(bool, amsgrad, false);
};

namespace detail {

/// The numbers one Adam/AdamW update of one parameter needs.
struct AdamStep {
    float beta1, beta2, eps;
    float weight_decay;   ///< coupled L2 (Adam): d = g + wd·θ;  0 for AdamW
    float decay;          ///< decoupled (AdamW): θ = decay·θ first, decay = 1 − lr·wd;  1 for Adam
    float step_size;      ///< lr / (1 − β1^t)
    float bc2_sqrt;       ///< √(1 − β2^t)
    bool amsgrad;
};

/// One Adam update of n floats, in place (θ: parameter, g: gradient, m, v, vmax: state):
///   θ = decay·θ;  d = g + wd·θ;  m = β1·m + (1−β1)·d;  v = β2·v + (1−β2)·d²
///   v̂ = max(vmax, v) → vmax if amsgrad, else v
///   θ = θ − step_size · m / (√v̂ / √(1−β2^t) + ε)
inline void adam_update(float* theta, const float* g, float* m, float* v, float* vmax, int64_t numel,
                        const AdamStep& a) {
    // BEGIN SOLUTION: adam_update (§3)
    for_blocks(numel, [&](int64_t o, int64_t n) {
        auto p = span(theta, o, n);
        auto mm = span(m, o, n);
        auto vv = span(v, o, n);
        if (a.decay != 1.0f) p *= a.decay;
        Block d = span(g, o, n);
        if (a.weight_decay != 0.0f) d += a.weight_decay * p;
        mm = a.beta1 * mm + (1.0f - a.beta1) * d;
        vv = a.beta2 * vv + (1.0f - a.beta2) * d.square();
        if (a.amsgrad) {
            auto vm = span(vmax, o, n);
            vm = vm.max(vv);
            p -= a.step_size * (mm / (vm.sqrt() / a.bc2_sqrt + a.eps));
        } else {
            p -= a.step_size * (mm / (vv.sqrt() / a.bc2_sqrt + a.eps));
        }
    });
    // END SOLUTION
}

inline void check_adam_options(const char* who, Betas betas, double eps, double weight_decay) {
    if (!(betas.first >= 0.0 && betas.first < 1.0) || !(betas.second >= 0.0 && betas.second < 1.0))
        throw ValueError(fmt(who, ": betas must lie in [0, 1), got (", betas.first, ", ", betas.second,
                             "); hint: (0.9, 0.999) is the usual choice"));
    if (!(eps >= 0.0))
        throw ValueError(fmt(who, ": eps must be >= 0, got ", eps, "; hint: 1e-8 keeps the division safe"));
    if (!(weight_decay >= 0.0))
        throw ValueError(fmt(who, ": weight_decay must be >= 0, got ", weight_decay, "; hint: try 1e-2"));
}

}  // namespace detail

/// Adam, exactly as torch.optim.Adam (weight decay is L2 added to the gradient). Per parameter,
/// at its t-th update (t counts that parameter's own steps):
///   d = g + wd·θ
///   m = β1·m + (1 − β1)·d            first moment (mean of gradients)
///   v = β2·v + (1 − β2)·d²           second moment (mean of squared gradients)
///   θ = θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)     (√max(v) so far, if amsgrad)
/// State: "exp_avg" m, "exp_avg_sq" v (+ "max_exp_avg_sq" if amsgrad): 8 (12) bytes per parameter.
class Adam : public Optimizer {
public:
    Adam(std::vector<Tensor> params, const AdamOptions& options = AdamOptions());
    void step() override;
    std::string name() const override { return "Adam"; }
    AdamOptions options() const { return AdamOptions(options_).lr(lr_); }

protected:
    std::vector<std::string> buffer_names() const override {
        if (options_.amsgrad()) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
        return {"exp_avg", "exp_avg_sq"};
    }

private:
    AdamOptions options_;
};

inline Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Optimizer(std::move(params), options.lr()), options_(options) {
    detail::check_adam_options("Adam", options.betas(), options.eps(), options.weight_decay());
}

inline void Adam::step() {
    NoGradGuard no_grad;
    const double lr = static_cast<float>(lr_), beta1 = options_.betas().first, beta2 = options_.betas().second;
    for (size_t i = 0; i < params_.size(); ++i) {
        Tensor grad = gradient(i);
        if (!grad.defined()) continue;
        ParamState& s = state(i);
        float* vmax = options_.amsgrad() ? s.buffers[2].data_ptr() : nullptr;
        detail::AdamStep a{};
        a.beta1 = static_cast<float>(beta1);
        a.beta2 = static_cast<float>(beta2);
        a.eps = static_cast<float>(options_.eps());
        a.amsgrad = options_.amsgrad();
        // BEGIN SOLUTION: Adam::step (§3)
        const double t = static_cast<double>(++s.step);
        a.weight_decay = static_cast<float>(options_.weight_decay());
        a.decay = 1.0f;
        a.step_size = static_cast<float>(lr / (1.0 - std::pow(beta1, t)));
        a.bc2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, t)));
        // END SOLUTION
        detail::adam_update(params_[i].data_ptr(), grad.data_ptr(), s.buffers[0].data_ptr(), s.buffers[1].data_ptr(),
                            vmax, grad.numel(), a);
    }
}

}  // namespace tinytorch::optim
