// include/tinytorch/losses/cross_entropy_loss.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §4
//
// cross_entropy_naive — the definition: log_softmax (module 02), then nll_loss. Two nodes, and a
//                       [N, C] log-probability tensor kept alive for backward.
// cross_entropy       — one fused pass per row: log-sum-exp, the target's logit and (with label
//                       smoothing) the row sum; one node that saves the softmax for backward.
#pragma once
#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

#include "tinytorch/activations/activations.hpp"
#include "tinytorch/losses/nll_loss.hpp"
#include "tinytorch/losses/reduction.hpp"

namespace tinytorch::nn {
namespace detail {

/// ValueError unless 0 <= label_smoothing <= 1.
inline void check_label_smoothing(double label_smoothing, const char* op) {
    if (!(label_smoothing >= 0.0 && label_smoothing <= 1.0))
        throw ValueError(fmt(op, ": label_smoothing must be in [0, 1], got ", label_smoothing,
                             "; hint: 0 is plain cross-entropy, 0.1 a common choice"));
}

}  // namespace detail

namespace functional {

/// cross_entropy_naive = reduce((1-ε)·nll_i + ε·mean_j(-log_softmax(x)_ij)), composed of
/// log_softmax and nll_loss.   shapes: logits [N, C], target [N] -> [] (or [N] for None)
inline Tensor cross_entropy_naive(const Tensor& logits, const Tensor& target, Reduction reduction = Reduction::Mean,
                                  double label_smoothing = 0.0) {
    // BEGIN SOLUTION: cross_entropy_naive (§4)
    detail::check_label_smoothing(label_smoothing, "cross_entropy");
    detail::check_class_targets(logits, target, "cross_entropy");
    Tensor log_probs = log_softmax(logits, 1);
    Tensor per = nll_loss(log_probs, target, Reduction::None);
    if (label_smoothing > 0.0) {
        const float eps = static_cast<float>(label_smoothing);
        per = per.mul(1.0f - eps).add(log_probs.mean(1).mul(-eps));
    }
    return apply_reduction(per, reduction, "cross_entropy");
    // END SOLUTION
}

/// Cross-entropy of class indices given raw scores (logits), with optional label smoothing ε:
/// loss_i = (1-ε)·(lse_i - x[i, t_i]) + ε·(lse_i - mean_j x[i, j]),  lse_i = log Σ_j e^{x[i, j]}.
/// shapes: logits [N, C], target [N] (class indices as floats) -> [] (or [N] for None).
/// Records "cross_entropy": inputs {logits}, saved {target, probs = softmax(logits, 1)},
/// ints {reduction code}, scalars {label_smoothing}.
inline Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction = Reduction::Mean,
                            double label_smoothing = 0.0) {
    TINYTORCH_RECORD_OP("cross_entropy", logits, target);
    // BEGIN SOLUTION: cross_entropy (§4)
    detail::check_label_smoothing(label_smoothing, "cross_entropy");
    std::vector<int64_t> classes = detail::check_class_targets(logits, target, "cross_entropy");
    const int64_t n = logits.size(0), c = logits.size(1);
    const float eps = static_cast<float>(label_smoothing);
    Tensor x = logits.is_contiguous() ? logits : tinytorch::detail::copy_to_contiguous(logits);
    const bool keep = autograd::wants_grad(logits);  // backward needs softmax(x): only then store [N, C]
    Tensor probs = keep ? empty({n, c}) : Tensor();
    Tensor per = empty({n});
    const float* px = x.data_ptr();
    float* pp = keep ? probs.data_ptr() : nullptr;
    float* pl = per.data_ptr();
    tinytorch::detail::parallel_for(n, std::max<int64_t>(1, tinytorch::detail::kParallelGrain / c), [&](int64_t lo, int64_t hi) {
        std::vector<float> scratch(pp ? 0 : c);  // e^{x-m} of one row when probs are not kept
        for (int64_t i = lo; i < hi; ++i) {
            Eigen::Map<const Eigen::ArrayXf> xr(px + i * c, c);
            Eigen::Map<Eigen::ArrayXf> er(pp ? pp + i * c : scratch.data(), c);
            const float m = xr.maxCoeff();
            er = xr - m;  // <= 0: no overflow; work with x - m, not lse = m + log s, to keep precision
            const float shifted_sum = eps > 0.0f ? er.sum() : 0.0f;  // Σ_j (x_j - m), for smoothing
            tinytorch::detail::exp_into(er.data(), er.data(), c);
            const float s = er.sum();
            const float log_s = std::log(s);
            float loss = log_s - (xr[classes[i]] - m);  // -log_softmax(x)[target]
            if (eps > 0.0f)  // skipped at ε = 0 so a masked -inf logit cannot turn 0·inf into NaN
                loss = (1.0f - eps) * loss + eps * (log_s - shifted_sum / static_cast<float>(c));
            pl[i] = loss;
            if (pp) er *= 1.0f / s;  // probs = softmax(x), what backward needs
        }
    });
    Tensor out = apply_reduction(per, reduction, "cross_entropy");
    if (keep)
        autograd::record(out, "cross_entropy", {logits}, {target, probs}, {reduction_code(reduction)},
                         {label_smoothing});
    return out;
    // END SOLUTION
}

}  // namespace functional

/// Options of nn::CrossEntropyLoss, libtorch style:
/// nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().label_smoothing(0.1).reduction(nn::Reduction::Sum)).
struct CrossEntropyLossOptions {
    CrossEntropyLossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    CrossEntropyLossOptions& label_smoothing(double e) { label_smoothing_ = e; return *this; }
    Reduction reduction() const { return reduction_; }
    double label_smoothing() const { return label_smoothing_; }

private:
    Reduction reduction_ = Reduction::Mean;
    double label_smoothing_ = 0.0;
};

/// Cross-entropy of raw scores against class indices (log_softmax and NLL fused, stable).
/// shapes: logits [N, C], target [N] -> [] (or [N] for None)
class CrossEntropyLoss {
public:
    explicit CrossEntropyLoss(const CrossEntropyLossOptions& options = {}) : options_(options) {
        detail::check_label_smoothing(options_.label_smoothing(), "CrossEntropyLoss");
    }
    explicit CrossEntropyLoss(Reduction reduction, double label_smoothing = 0.0)
        : CrossEntropyLoss(CrossEntropyLossOptions().reduction(reduction).label_smoothing(label_smoothing)) {}
    Tensor forward(const Tensor& logits, const Tensor& target) const {
        return functional::cross_entropy(logits, target, options_.reduction(), options_.label_smoothing());
    }
    Tensor operator()(const Tensor& logits, const Tensor& target) const { return forward(logits, target); }
    std::string name() const {
        return fmt("CrossEntropyLoss(reduction=", reduction_name(options_.reduction()),
                   ", label_smoothing=", options_.label_smoothing(), ")");
    }
    const CrossEntropyLossOptions& options() const { return options_; }

private:
    CrossEntropyLossOptions options_;
};

}  // namespace tinytorch::nn
