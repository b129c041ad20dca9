// include/tinytorch/transformers/mlp.hpp
// Module 13 · Transformers — lesson: modules/13_transformers/README.md §2
#pragma once
#include <memory>
#include <string>

#include "tinytorch/activations/activations.hpp"
#include "tinytorch/layers/layers.hpp"

namespace tinytorch::nn {

/// The position-wise feed-forward block of a transformer (nanoGPT's MLP):
///   y = dropout(c_proj(gelu(c_fc(x))))      x: [..., n_embd] -> y: [..., n_embd]
/// c_fc: n_embd -> hidden (4·n_embd by default), c_proj: hidden -> n_embd. Every position is
/// transformed on its own (the same weights at every position, no mixing between positions).
/// GELU is the exact erf form by default ("tanh" for GPT-2's approximation).
class MLP : public Module {
public:
    /// hidden_dim 0 means 4 · n_embd.
    explicit MLP(int64_t n_embd, int64_t hidden_dim = 0, double dropout = 0.0, bool bias = true,
                 std::string gelu_approximate = "none");

    Tensor forward(const Tensor& x) override;
    std::string extra_repr() const override { return fmt("gelu='", gelu_.approximate(), "'"); }

    std::shared_ptr<Linear> c_fc;      ///< n_embd -> hidden
    std::shared_ptr<Linear> c_proj;    ///< hidden -> n_embd
    std::shared_ptr<Dropout> dropout;  ///< on the output (drops in training only)

private:
    GELU gelu_;
};

inline MLP::MLP(int64_t n_embd, int64_t hidden_dim, double dropout_p, bool bias, std::string gelu_approximate)
    : gelu_(std::move(gelu_approximate)) {
    if (n_embd <= 0 || hidden_dim < 0)
        throw ValueError(fmt("MLP: needs n_embd > 0 and hidden_dim >= 0, got n_embd=", n_embd, " hidden_dim=",
                             hidden_dim, "; hint: MLP(128) builds 128 -> 512 -> 128"));
    // BEGIN SOLUTION: MLP::MLP (§2)
    const int64_t hidden = hidden_dim > 0 ? hidden_dim : 4 * n_embd;
    c_fc = register_module("c_fc", std::make_shared<Linear>(n_embd, hidden, bias));
    c_proj = register_module("c_proj", std::make_shared<Linear>(hidden, n_embd, bias));
    dropout = register_module("dropout", std::make_shared<Dropout>(dropout_p));
    // END SOLUTION
}

inline Tensor MLP::forward(const Tensor& x) {
    // BEGIN SOLUTION: MLP::forward (§2)
    return dropout->forward(c_proj->forward(gelu_(c_fc->forward(x))));
    // END SOLUTION
}

}  // namespace tinytorch::nn
