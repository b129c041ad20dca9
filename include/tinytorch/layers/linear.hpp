// include/tinytorch/layers/linear.hpp
// Module 03 · Layers — lesson: modules/03_layers/README.md §4
#pragma once
#include <cmath>

#include "tinytorch/layers/init.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch::nn {

/// libtorch's spelling of Linear's options: nn::Linear(nn::LinearOptions(784, 128).bias(false)).
struct LinearOptions {
    LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
    LinearOptions& bias(bool b) { bias_ = b; return *this; }
    int64_t in_features() const { return in_features_; }
    int64_t out_features() const { return out_features_; }
    bool bias() const { return bias_; }

private:
    int64_t in_features_, out_features_;
    bool bias_ = true;
};

/// y = x @ Wᵀ + b.   x: [..., in] -> y: [..., out];  weight: [out, in] (libtorch layout), bias: [out].
/// Initialised like PyTorch: W, b ~ U(−1/√in, 1/√in) (kaiming_uniform_ with a = √5).
class Linear : public Module {
public:
    Linear(int64_t in_features, int64_t out_features, bool bias = true);
    explicit Linear(const LinearOptions& options)
        : Linear(options.in_features(), options.out_features(), options.bias()) {}

    Tensor forward(const Tensor& x) override;
    /// Draw fresh weights (and bias) from the default initialisation.
    void reset_parameters(Generator& gen = default_generator());
    std::string extra_repr() const override;

    int64_t in_features() const { return in_features_; }
    int64_t out_features() const { return out_features_; }
    bool has_bias() const { return bias.defined(); }

    /// The registered parameters (handles: assigning a new tensor here does not re-register it;
    /// change values in place, e.g. with weight.copy_(...) or the nn::init functions).
    Tensor weight;  ///< [out_features, in_features]
    Tensor bias;    ///< [out_features], undefined when constructed with bias = false

private:
    int64_t in_features_ = 0, out_features_ = 0;
};

inline Linear::Linear(int64_t in_features, int64_t out_features, bool with_bias)
    : in_features_(in_features), out_features_(out_features) {
    if (in_features < 0 || out_features < 0)
        throw ValueError(fmt("Linear: feature counts must be >= 0, got in_features=", in_features,
                             " out_features=", out_features, "; hint: Linear(784, 128) maps 784 inputs to 128 outputs"));
    // BEGIN SOLUTION: Linear::Linear (§4)
    weight = register_parameter("weight", empty({out_features, in_features}));
    if (with_bias) bias = register_parameter("bias", empty({out_features}));
    // END SOLUTION
    reset_parameters();
}

inline void Linear::reset_parameters(Generator& gen) {
    // BEGIN SOLUTION: Linear::reset_parameters (§4)
    init::kaiming_uniform_(weight, std::sqrt(5.0), init::FanMode::fan_in, init::Nonlinearity::leaky_relu, gen);
    if (bias.defined()) {
        double bound = in_features_ > 0 ? 1.0 / std::sqrt(static_cast<double>(in_features_)) : 0.0;
        init::uniform_(bias, -bound, bound, gen);
    }
    // END SOLUTION
}

inline Tensor Linear::forward(const Tensor& x) {
    if (!x.defined() || x.dim() == 0 || x.size(-1) != in_features_)
        throw ShapeError(fmt("Linear: expected input [..., ", in_features_, "], got ",
                             x.defined() ? shape_str(x.shape()) : std::string("an undefined tensor"),
                             "; hint: the last dim of the input must equal in_features (", in_features_,
                             "); flatten images first, e.g. x.flatten(1)"));
    // BEGIN SOLUTION: Linear::forward (§4)
    // weight.t() is a view: matmul reads the [out, in] buffer column-wise, no copy is made.
    Tensor y = x.matmul(weight.t());
    if (bias.defined()) y = y + bias;  // bias [out] broadcasts over every leading dim
    return y;
    // END SOLUTION
}

inline std::string Linear::extra_repr() const {
    return fmt("in_features=", in_features_, ", out_features=", out_features_, ", bias=", bias.defined() ? "true" : "false");
}

}  // namespace tinytorch::nn
