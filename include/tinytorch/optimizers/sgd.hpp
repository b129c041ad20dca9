// include/tinytorch/optimizers/sgd.hpp
// Module 07 · Optimizers — lesson: modules/07_optimizers/README.md §2
#pragma once
#include "tinytorch/optimizers/optimizer.hpp"

namespace tinytorch::optim {

/// SGD's settings: SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(5e-4)
struct SGDOptions {
    SGDOptions(double lr) : lr_(lr) {}  // NOLINT: implicit, so SGD(params, 0.1) works
    TINYTORCH_OPTION(double, lr, 0.01);
    TINYTORCH_OPTION(double, momentum, 0.0);
    TINYTORCH_OPTION(double, dampening, 0.0);
    TINYTORCH_OPTION(double, weight_decay, 0.0);
    TINYTORCH_OPTION(bool, nesterov, false);
};

/// Stochastic gradient descent, exactly as torch.optim.SGD. For each parameter θ with gradient g:
///   d = g + wd·θ                                   (L2 weight decay, if wd ≠ 0)
///   if μ ≠ 0:  b = d at the first step, else b = μ·b + (1 − dampening)·d
///              d = d + μ·b if nesterov, else d = b
///   θ = θ − lr·d
/// State: "momentum_buffer" b (only when μ ≠ 0): 4 bytes per parameter.
class SGD : public Optimizer {
public:
    SGD(std::vector<Tensor> params, const SGDOptions& options);
    void step() override;
    std::string name() const override { return "SGD"; }
    /// The options, with the current learning rate.
    SGDOptions options() const { return SGDOptions(options_).lr(lr_); }

protected:
    std::vector<std::string> buffer_names() const override {
        return options_.momentum() != 0.0 ? std::vector<std::string>{"momentum_buffer"} : std::vector<std::string>{};
    }

private:
    SGDOptions options_;
};

inline SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : Optimizer(std::move(params), options.lr()), options_(options) {
    if (!(options.momentum() >= 0.0))
        throw ValueError(fmt("SGD: momentum must be >= 0, got ", options.momentum(), "; hint: 0.9 is typical"));
    if (!(options.weight_decay() >= 0.0))
        throw ValueError(fmt("SGD: weight_decay must be >= 0, got ", options.weight_decay(),
                             "; hint: 1e-4 or 5e-4 is typical"));
    if (options.nesterov() && (options.momentum() <= 0.0 || options.dampening() != 0.0))
        throw ValueError(fmt("SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum=",
                             options.momentum(), " dampening=", options.dampening(),
                             "; hint: SGDOptions(lr).momentum(0.9).nesterov(true)"));
}

inline void SGD::step() {
    NoGradGuard no_grad;
    const float lr = static_cast<float>(lr_), mu = static_cast<float>(options_.momentum()),
                damp = static_cast<float>(options_.dampening()), wd = static_cast<float>(options_.weight_decay());
    const bool nesterov = options_.nesterov();
    for (size_t i = 0; i < params_.size(); ++i) {
        Tensor grad = gradient(i);
        if (!grad.defined()) continue;  // no gradient this step: leave the parameter alone
        ParamState& s = state(i);
        float* theta = params_[i].data_ptr();
        const float* g = grad.data_ptr();
        float* buf = mu != 0.0f ? s.buffers[0].data_ptr() : nullptr;
        // BEGIN SOLUTION: SGD::step (§2)
        const bool first = ++s.step == 1;
        // One fused pass per element: θ, g and b are each read once. The three loops differ only
        // in how b is formed, so each one is a straight line the compiler vectorises.
        detail::for_blocks(grad.numel(), [=](int64_t o, int64_t n) {
            float* p = theta + o;
            const float* gp = g + o;
            float* bp = buf ? buf + o : nullptr;
            auto decayed = [=](int64_t j) { return wd != 0.0f ? gp[j] + wd * p[j] : gp[j]; };
            if (mu == 0.0f) {
                for (int64_t j = 0; j < n; ++j) p[j] -= lr * decayed(j);
            } else if (first) {  // PyTorch starts the buffer at the first gradient, not at zero
                for (int64_t j = 0; j < n; ++j) {
                    const float d = decayed(j);
                    bp[j] = d;
                    p[j] -= lr * (nesterov ? d + mu * d : d);
                }
            } else {
                for (int64_t j = 0; j < n; ++j) {
                    const float d = decayed(j), b = mu * bp[j] + (1.0f - damp) * d;
                    bp[j] = b;
                    p[j] -= lr * (nesterov ? d + mu * b : b);
                }
            }
        });
        // END SOLUTION
    }
}

}  // namespace tinytorch::optim
