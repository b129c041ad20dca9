// include/tinytorch/layers/dropout.hpp
// Module 03 · Layers — lesson: modules/03_layers/README.md §6
#pragma once
#include <cmath>

#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// Inverted dropout. Training: y = x · m / (1 − p) with m ~ Bernoulli(1 − p) per element, so
/// E[y] = x and nothing needs rescaling at test time. Eval, or p = 0: y = x. p = 1: y = 0.
/// shape: any -> same. The mask comes from the global generator (tinytorch::manual_seed).
class Dropout : public Module {
public:
    explicit Dropout(double p = 0.5);
    Tensor forward(const Tensor& x) override;
    double p() const { return p_; }
    std::string extra_repr() const override { return fmt("p=", p_); }

private:
    double p_;
};

inline Dropout::Dropout(double p) : p_(p) {
    if (!(p >= 0.0 && p <= 1.0))
        throw ValueError(fmt("Dropout: p must be in [0, 1], got ", p, "; hint: p is the probability of zeroing an ",
                             "element, e.g. Dropout(0.1)"));
}

inline Tensor Dropout::forward(const Tensor& x) {
    // BEGIN SOLUTION: Dropout::forward (§6)
    if (!is_training() || p_ == 0.0) return x;
    if (p_ == 1.0) return x * 0.0f;  // still a graph node: the gradient is zero, not missing
    // The mask holds 0 or 1/(1-p): one multiply both drops and rescales, and it is a
    // recorded tensor op, so gradients flow through exactly the kept elements.
    const float keep = static_cast<float>(1.0 - p_), scale = 1.0f / keep;
    Tensor mask = rand(x.shape()).lt(keep).to(kFloat).mul_(scale);  // Bool -> 0/1 floats -> 0 or 1/(1-p)
    return x * mask;
    // END SOLUTION
}

}  // namespace tinytorch::nn
