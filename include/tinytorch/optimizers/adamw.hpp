// include/tinytorch/optimizers/adamw.hpp
// Module 07 · Optimizers — lesson: modules/07_optimizers/README.md §4
#pragma once
#include "tinytorch/optimizers/adam.hpp"

namespace tinytorch::optim {

/// AdamW's settings: as Adam's, but weight decay defaults to 1e-2 (it is the point of AdamW).
struct AdamWOptions {
    AdamWOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT: implicit, so AdamW(params, 1e-3) works
    TINYTORCH_OPTION(double, lr, 1e-3);
    TINYTORCH_OPTION(Betas, betas, Betas(0.9, 0.999));
    TINYTORCH_OPTION(double, eps, 1e-8);
    TINYTORCH_OPTION(double, weight_decay, 1e-2);
    TINYTORCH_OPTION(bool, amsgrad, false);
};

/// AdamW, exactly as torch.optim.AdamW: decoupled weight decay, applied to θ BEFORE the Adam
/// update and never mixed into the moments:
///   θ = θ·(1 − lr·wd)
///   m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g²
///   θ = θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)     (√max(v) so far, if amsgrad)
/// With wd = 0 it equals Adam. State as Adam: 8 (12 with amsgrad) bytes per parameter.
class AdamW : public Optimizer {
public:
    AdamW(std::vector<Tensor> params, const AdamWOptions& options = AdamWOptions());
    void step() override;
    std::string name() const override { return "AdamW"; }
    AdamWOptions options() const { return AdamWOptions(options_).lr(lr_); }

protected:
    std::vector<std::string> buffer_names() const override {
        if (options_.amsgrad()) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
        return {"exp_avg", "exp_avg_sq"};
    }

private:
    AdamWOptions options_;
};

inline AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : Optimizer(std::move(params), options.lr()), options_(options) {
    detail::check_adam_options("AdamW", options.betas(), options.eps(), options.weight_decay());
}

inline void AdamW::step() {
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
        // BEGIN SOLUTION: AdamW::step (§4)
        const double t = static_cast<double>(++s.step);
        a.weight_decay = 0.0f;                                                    // nothing added to g ...
        a.decay = static_cast<float>(1.0 - lr * options_.weight_decay());          // ... θ shrinks instead
        a.step_size = static_cast<float>(lr / (1.0 - std::pow(beta1, t)));
        a.bc2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, t)));
        // END SOLUTION
        detail::adam_update(params_[i].data_ptr(), grad.data_ptr(), s.buffers[0].data_ptr(), s.buffers[1].data_ptr(),
                            vmax, grad.numel(), a);
    }
}

}  // namespace tinytorch::optim
