// include/tinytorch/autograd/rules_losses.hpp
// Module 06 · Autograd — lesson: modules/06_autograd/README.md §10 (activations and losses)
//
// Backward rules for the fused losses module 04 records (cross_entropy, nll_loss,
// bce_with_logits). Fused, because the gradient of the whole loss is far simpler (and
// stabler) than chaining the rules of log, softmax, gather and mean: for cross-entropy it
// is just probs − one_hot. Like the activation rules, they read only the Node.
// ints[0] is the reduction: 0 none (g has one value per sample), 1 mean, 2 sum (g is a scalar).
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "tinytorch/autograd/rules_tensor.hpp"
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

/// Scale the per-sample gradient rows `d` [N, C] by g: g[n] per row (none), g/total (mean, total =
/// the sum of the counted samples' weights: N without weights or ignored samples), g (sum).
inline Tensor loss_scale_rows(const Tensor& d, const Tensor& g, int64_t reduction, double total) {
    if (reduction == 0) return d.mul(g.reshape({-1, 1}));
    return reduction == 1 ? d.mul(g).mul(static_cast<float>(1.0 / total)) : d.mul(g);
}

/// The class weights a loss node saved (all 1 when it saved none) — PyTorch's `weight` option.
inline std::vector<float> saved_class_weights(const Node& node, size_t slot, int64_t classes) {
    if (node.saved.size() <= slot || !node.saved[slot].defined())
        return std::vector<float>(static_cast<size_t>(classes), 1.0f);
    return node.saved[slot].to_vector();
}

/// CE_n = (1 − ε)·w_t·(−log p_t) + (ε/C)·Σ_k w_k·(−log p_k), p = softmax(x_n), t = target_n, with
/// d(−log p_k)/dx = p − e_k:
///   dx_n = (1 − ε)·w_t·(p − e_t) + (ε/C)·(W·p − w),   W = Σ_k w_k,   0 for an ignored sample;
/// without weights that is p − q, q = (1 − ε)·e_t + ε/C. Times g (/total for mean).
/// saved = {targets [N], probs [N, C], weight [C] or undefined}, ints = {reduction, ignore_index},
/// scalars = {ε, total}.
inline std::vector<Tensor> cross_entropy_backward(const Node& node, const Tensor& g) {
    check_loss_input(node, "cross_entropy");
    // BEGIN SOLUTION: cross_entropy_backward (§10)
    const Tensor& probs = node.saved[1];
    const int64_t N = probs.size(0), C = probs.size(1);
    const float eps = node.scalars.empty() ? 0.0f : static_cast<float>(node.scalars[0]);
    const double total = node.scalars.size() > 1 ? node.scalars[1] : static_cast<double>(N);
    const int64_t ignore = node.ints.size() > 1 ? node.ints[1] : -100;
    const std::vector<float> targets = node.saved[0].to_vector();
    const std::vector<float> w = saved_class_weights(node, 2, C);
    float w_sum = 0.0f;
    for (float v : w) w_sum += v;
    const Tensor p = probs.contiguous();
    Tensor d = zeros({N, C});
    float* pd = d.data_ptr();
    const float* pp = p.data_ptr();
    for (int64_t n = 0; n < N; ++n) {
        if (targets[n] == static_cast<float>(ignore)) continue;  // an ignored sample: no gradient
        const int64_t t = loss_target_class(targets, n, C, "cross_entropy");
        const float a = (1.0f - eps) * w[t], b = eps / static_cast<float>(C);
        for (int64_t k = 0; k < C; ++k) pd[n * C + k] = (a + b * w_sum) * pp[n * C + k] - b * w[k];
        pd[n * C + t] -= a;
    }
    return {loss_scale_rows(d, g, node.ints[0], total)};
    // END SOLUTION
}

/// NLL_n = −w_t·log_probs[n, t]:   d log_probs = −w_t·g at the target column, 0 elsewhere and for
/// an ignored sample (/total for mean). saved = {targets, weight or undefined}, ints = {reduction,
/// ignore_index}, scalars = {total}.
inline std::vector<Tensor> nll_loss_backward(const Node& node, const Tensor& g) {
    check_loss_input(node, "nll_loss");
    // BEGIN SOLUTION: nll_loss_backward (§10)
    const int64_t N = node.inputs[0].size(0), C = node.inputs[0].size(1);
    const std::vector<float> targets = node.saved[0].to_vector();
    const std::vector<float> w = saved_class_weights(node, 1, C);
    const int64_t ignore = node.ints.size() > 1 ? node.ints[1] : -100;
    const double total = node.scalars.empty() ? static_cast<double>(N) : node.scalars[0];
    Tensor d = zeros({N, C});
    for (int64_t n = 0; n < N; ++n) {
        if (targets[n] == static_cast<float>(ignore)) continue;
        const int64_t t = loss_target_class(targets, n, C, "nll_loss");
        d.data_ptr()[n * C + t] = -w[t];
    }
    return {loss_scale_rows(d, g, node.ints[0], total)};
    // END SOLUTION
}

/// BCE(x, t) = w·[(1 − t)·x + l·softplus(−x)], l = 1 + (pw − 1)·t, element-wise, any shape:
///   dx = w·[(1 − t) − l·(1 − σ(x))]·g   (= w·(σ(x) − t)·g without pos_weight)
///   dt = w·[−x + (pw − 1)·softplus(−x)]·g   (= −w·x·g without pos_weight)
/// each /numel for mean. inputs = {x, t}; saved = {weight, pos_weight} (broadcast to x, or undefined).
inline std::vector<Tensor> bce_with_logits_backward(const Node& node, const Tensor& g) {
    // BEGIN SOLUTION: bce_with_logits_backward (§10)
    const Tensor &x = node.inputs[0], &t = node.inputs[1];
    const Tensor w = node.saved.size() > 0 ? node.saved[0] : Tensor();
    const Tensor pw = node.saved.size() > 1 ? node.saved[1] : Tensor();
    Tensor scale = w.defined() ? g.mul(w) : g;  // w·g, broadcast
    if (node.ints[0] == 1) scale = scale.div(static_cast<float>(x.numel()));
    Tensor dx, dt;
    if (needs_grad(node, 0)) {
        const Tensor sig = tinytorch::detail::map_unary(x, [](float v) {  // stable: never exp of a large positive
            return v >= 0.0f ? 1.0f / (1.0f + std::exp(-v)) : std::exp(v) / (1.0f + std::exp(v));
        });
        const Tensor d = pw.defined() ? t.neg().add(1.0f).sub(pw.sub(1.0f).mul(t).add(1.0f).mul(sig.neg().add(1.0f)))
                                      : sig.sub(t);
        dx = d.mul(scale).sum_to(x.shape());
    }
    if (needs_grad(node, 1)) {
        Tensor d = x.neg();
        if (pw.defined()) {
            const Tensor softplus_neg = tinytorch::detail::map_unary(x, [](float v) {  // log(1 + e^{-v}), stable
                return std::max(-v, 0.0f) + std::log1p(std::exp(-std::fabs(v)));
            });
            d = d.add(pw.sub(1.0f).mul(softplus_neg));
        }
        dt = d.mul(scale).sum_to(t.shape());
    }
    return {dx, dt};
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
