// include/tinytorch/autograd/rules_losses.hpp
// Module 06 · Autograd — lesson: modules/06_autograd/README.md §10 (activations and losses)
//
// Backward rules for the fused losses module 04 records (cross_entropy, nll_loss,
// bce_with_logits). Fused, because the gradient of the whole loss is far simpler (and
// stabler) than chaining the rules of log, softmax, gather and mean: for cross-entropy it
// is just probs − one_hot. Like the activation rules, they read only the Node.
// ints[0] is the reduction: 0 none (g has one value per sample), 1 mean, 2 sum (g is a scalar).
#pragma once
#include <cmath>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::autograd {

/// The class index of sample n, checked (a bad target must not write outside the gradient).
inline int64_t loss_target_class(const std::vector<float>& targets, size_t n, int64_t classes, const char* op) {
    const int64_t c = static_cast<int64_t>(targets[n]);
    if (static_cast<float>(c) != targets[n] || c < 0 || c >= classes)
        throw IndexError(fmt(op, " backward: target ", targets[n], " of sample ", n, " is not a class index in 0..",
                             classes - 1, "; hint: targets hold whole class numbers"));
    return c;
}

/// The [N, C] input of a class-index loss, checked against the op table's contract.
inline void check_loss_input(const Node& node, const char* op) {
    const Tensor& x = node.inputs[0];
    if (x.dim() != 2 || node.saved.empty() || node.saved[0].numel() != x.size(0))
        throw ShapeError(fmt(op, " backward: expected [N, C] scores and N targets, got ", shape_str(x.shape()),
                             " and ", node.saved.empty() ? std::string("none") : shape_str(node.saved[0].shape()),
                             "; hint: docs/architecture.md section 3 is the contract between the loss and its rule"));
}

/// Scale the per-sample gradient rows `d` [N, C] by g: g[n] per row (none), g/N (mean), g (sum).
inline Tensor loss_scale_rows(const Tensor& d, const Tensor& g, int64_t reduction) {
    if (reduction == 0) return d.mul(g.reshape({-1, 1}));
    const float n = static_cast<float>(d.size(0));
    return reduction == 1 ? d.mul(g).div(n) : d.mul(g);
}

/// CE = mean_n −Σ_c q[n, c]·log softmax(x)[n, c], with q the target smoothed by ε:
///   q = (1 − ε)·one_hot + ε/C.      dlogits = (probs − q)·g   (/N for mean)
/// saved = {targets [N], probs [N, C]}, scalars = {ε}.
inline std::vector<Tensor> cross_entropy_backward(const Node& node, const Tensor& g) {
    check_loss_input(node, "cross_entropy");
    // BEGIN SOLUTION: cross_entropy_backward (§10)
    const Tensor& probs = node.saved[1];
    const int64_t N = probs.size(0), C = probs.size(1);
    const float eps = node.scalars.empty() ? 0.0f : static_cast<float>(node.scalars[0]);
    const std::vector<float> targets = node.saved[0].to_vector();
    Tensor q = full({N, C}, eps / static_cast<float>(C));
    for (int64_t n = 0; n < N; ++n)
        q.data_ptr()[n * C + loss_target_class(targets, n, C, "cross_entropy")] += 1.0f - eps;
    return {loss_scale_rows(probs.sub(q), g, node.ints[0])};
    // END SOLUTION
}

/// NLL = mean_n −log_probs[n, target_n]:   d log_probs = −g at the target column, 0 elsewhere
inline std::vector<Tensor> nll_loss_backward(const Node& node, const Tensor& g) {
    check_loss_input(node, "nll_loss");
    // BEGIN SOLUTION: nll_loss_backward (§10)
    const int64_t N = node.inputs[0].size(0), C = node.inputs[0].size(1);
    const std::vector<float> targets = node.saved[0].to_vector();
    Tensor d = zeros({N, C});
    for (int64_t n = 0; n < N; ++n) d.data_ptr()[n * C + loss_target_class(targets, n, C, "nll_loss")] = -1.0f;
    return {loss_scale_rows(d, g, node.ints[0])};
    // END SOLUTION
}

/// BCE(x, t) = −[t·log σ(x) + (1 − t)·log(1 − σ(x))], element-wise, any shape:
///   dx = (σ(x) − t)·g   (/numel for mean).   saved = {target}
inline std::vector<Tensor> bce_with_logits_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: bce_with_logits_backward (§10)
    const Tensor& x = node.inputs[0];
    const Tensor sig = tinytorch::detail::map_unary(x, [](float v) {  // stable: never exp of a large positive
        return v >= 0.0f ? 1.0f / (1.0f + std::exp(-v)) : std::exp(v) / (1.0f + std::exp(v));
    });
    Tensor d = sig.sub(node.saved[0]).mul(g);
    if (node.ints[0] == 1) d = d.div(static_cast<float>(x.numel()));
    return {d.sum_to(x.shape())};
    // END SOLUTION
}

inline bool register_loss_rules() {
    register_rule("cross_entropy", &cross_entropy_backward);
    register_rule("nll_loss", &nll_loss_backward);
    register_rule("bce_with_logits", &bce_with_logits_backward);
    return true;
}
inline const bool loss_rules_registered = register_loss_rules();

}  // namespace tinytorch::autograd
