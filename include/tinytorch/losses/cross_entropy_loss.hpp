// include/tinytorch/losses/cross_entropy_loss.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §4
//
// cross_entropy_naive — the definition: log_softmax (module 02), then nll_loss. Two nodes, and a
//                       [N, C] log-probability tensor kept alive for backward.
// cross_entropy       — one fused pass per row: log-sum-exp, the target's logit and (with label
//                       smoothing) the row sum; one node that saves the softmax for backward.
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
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

/// Options of nn::CrossEntropyLoss / functional::cross_entropy, as libtorch's:
/// nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().weight(w).ignore_index(0).label_smoothing(0.1)
///                      .reduction(kSum)). weight [C] rescales each class; a sample whose target is
/// ignore_index (default -100) adds nothing and does not count in the mean.
struct CrossEntropyLossOptions {
    CrossEntropyLossOptions& weight(const Tensor& w) { weight_ = w; return *this; }
    CrossEntropyLossOptions& ignore_index(int64_t i) { ignore_index_ = i; return *this; }
    CrossEntropyLossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    CrossEntropyLossOptions& label_smoothing(double e) { label_smoothing_ = e; return *this; }
    const Tensor& weight() const { return weight_; }
    int64_t ignore_index() const { return ignore_index_; }
    Reduction reduction() const { return reduction_; }
    double label_smoothing() const { return label_smoothing_; }

private:
    Tensor weight_;
    int64_t ignore_index_ = -100;
    Reduction reduction_ = Reduction::Mean;
    double label_smoothing_ = 0.0;
};

namespace functional {
using CrossEntropyFuncOptions = CrossEntropyLossOptions;

/// cross_entropy_naive = reduce((1-ε)·nll_i + (ε/C)·Σ_j w_j·(-log_softmax(x)_ij)), composed of
/// log_softmax and nll_loss (weights w, ignored samples 0).   shapes: logits [N, C], target [N] -> []
inline Tensor cross_entropy_naive(const Tensor& logits, const Tensor& target,
                                  const CrossEntropyFuncOptions& options = {}) {
    detail::check_index_target_has_no_grad(target, "cross_entropy");
    // BEGIN SOLUTION: cross_entropy_naive (§4)
    detail::check_label_smoothing(options.label_smoothing(), "cross_entropy");
    const int64_t ignore = options.ignore_index();
    std::vector<int64_t> classes = detail::check_class_targets(logits, target, "cross_entropy", ignore);
    const std::vector<float> w = detail::class_weights(options.weight(), logits.size(1), "cross_entropy");
    double total = 0.0;
    detail::sample_weights(classes, w, ignore, total);
    Tensor log_probs = log_softmax(logits, 1);
    Tensor per = nll_loss(log_probs, target,
                          NLLLossOptions().weight(options.weight()).ignore_index(ignore).reduction(Reduction::None));
    if (options.label_smoothing() > 0.0) {
        const float eps = static_cast<float>(options.label_smoothing());
        std::vector<float> counted(classes.size());  // 1 for a counted sample, 0 for an ignored one
        for (size_t i = 0; i < classes.size(); ++i) counted[i] = classes[i] == ignore ? 0.0f : 1.0f;
        Tensor w_row(w, {1, logits.size(1)});
        Tensor smooth = log_probs.mul(w_row).sum(1).neg().mul(Tensor(counted, {logits.size(0)}));
        per = per.mul(1.0f - eps).add(smooth.mul(eps / static_cast<float>(logits.size(1))));
    }
    return detail::reduce_weighted(per, options.reduction(), total, "cross_entropy");
    // END SOLUTION
}

/// Cross-entropy of class indices given raw scores (logits), with class weights w, ignore_index and
/// label smoothing ε, PyTorch's definition:
///   loss_i = (1-ε)·w_{t_i}·(lse_i - x[i, t_i]) + (ε/C)·Σ_j w_j·(lse_i - x[i, j]),  lse_i = log Σ_j e^{x[i, j]},
/// 0 for an ignored sample; the mean divides by Σ_i w_{t_i} over counted samples.
/// shapes: logits [N, C], target [N] (class indices as floats), weight [C] -> [] (or [N] for None).
/// Records "cross_entropy": inputs {logits}, saved {target, probs = softmax(logits, 1), weight},
/// ints {reduction code, ignore_index}, scalars {label_smoothing, weight total}.
inline Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyFuncOptions& options = {}) {
    TINYTORCH_RECORD_OP("cross_entropy", logits, target);
    detail::check_index_target_has_no_grad(target, "cross_entropy");
    // BEGIN SOLUTION: cross_entropy (§4)
    detail::check_label_smoothing(options.label_smoothing(), "cross_entropy");
    const int64_t ignore = options.ignore_index();
    std::vector<int64_t> classes = detail::check_class_targets(logits, target, "cross_entropy", ignore);
    const int64_t n = logits.size(0), c = logits.size(1);
    const std::vector<float> w = detail::class_weights(options.weight(), c, "cross_entropy");
    double total = 0.0;
    const std::vector<float> ws = detail::sample_weights(classes, w, ignore, total);
    const bool weighted = options.weight().defined();
    float w_sum = 0.0f;  // Σ_j w_j (= C without weights)
    for (float v : w) w_sum += v;
    const float eps = static_cast<float>(options.label_smoothing());
    Tensor x = logits.is_contiguous() ? logits : tinytorch::detail::copy_to_contiguous(logits);
    const bool keep = autograd::wants_grad(logits);  // backward needs softmax(x): only then store [N, C]
    Tensor probs = keep ? empty({n, c}) : Tensor();
    Tensor per = empty({n});
    const float* px = x.data_ptr();
    float* pp = keep ? probs.data_ptr() : nullptr;
    float* pl = per.data_ptr();
    tinytorch::detail::parallel_for(n, std::max<int64_t>(1, tinytorch::detail::kParallelGrain / c), [&](int64_t lo, int64_t hi) {
        std::vector<float> scratch(pp ? 0 : c);  // e^{x-m} of one row when probs are not kept
        Eigen::Map<const Eigen::ArrayXf> wv(w.data(), c);
        for (int64_t i = lo; i < hi; ++i) {
            Eigen::Map<const Eigen::ArrayXf> xr(px + i * c, c);
            Eigen::Map<Eigen::ArrayXf> er(pp ? pp + i * c : scratch.data(), c);
            const float m = xr.maxCoeff();
            er = xr - m;  // <= 0: no overflow; work with x - m, not lse = m + log s, to keep precision
            // Σ_j w_j (x_j - m), for smoothing (only when ε > 0: a masked -inf logit would give 0·inf = NaN)
            const float shifted_sum = eps > 0.0f ? (weighted ? (er * wv).sum() : er.sum()) : 0.0f;
            tinytorch::detail::exp_into(er.data(), er.data(), c);
            const float s = er.sum();
            const float log_s = std::log(s);
            if (classes[i] == ignore) {
                pl[i] = 0.0f;
            } else {
                float loss = ws[i] * (log_s - (xr[classes[i]] - m));  // -w_t·log_softmax(x)[target]
                if (eps > 0.0f)
                    loss = (1.0f - eps) * loss + eps / static_cast<float>(c) * (w_sum * log_s - shifted_sum);
                pl[i] = loss;
            }
            if (pp) er *= 1.0f / s;  // probs = softmax(x), what backward needs
        }
    });
    Tensor out = detail::reduce_weighted(per, options.reduction(), total, "cross_entropy");
    if (keep)
        autograd::record(out, "cross_entropy", {logits}, {target, probs, options.weight()},
                         {reduction_code(options.reduction()), ignore}, {options.label_smoothing(), total});
    return out;
    // END SOLUTION
}

/// The positional spelling kept from before options existed: cross_entropy(x, t, Reduction::Sum, 0.1).
inline Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction,
                            double label_smoothing = 0.0) {
    return cross_entropy(logits, target,
                         CrossEntropyFuncOptions().reduction(reduction).label_smoothing(label_smoothing));
}
inline Tensor cross_entropy_naive(const Tensor& logits, const Tensor& target, Reduction reduction,
                                  double label_smoothing = 0.0) {
    return cross_entropy_naive(logits, target,
                               CrossEntropyFuncOptions().reduction(reduction).label_smoothing(label_smoothing));
}

}  // namespace functional

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
        return functional::cross_entropy(logits, target, options_);
    }
    Tensor operator()(const Tensor& logits, const Tensor& target) const { return forward(logits, target); }
    std::string name() const {
        return fmt("CrossEntropyLoss(reduction=", reduction_name(options_.reduction()),
                   ", label_smoothing=", options_.label_smoothing(), options_.weight().defined() ? ", weight" : "",
                   options_.ignore_index() != -100 ? fmt(", ignore_index=", options_.ignore_index()) : std::string(),
                   ")");
    }
    const CrossEntropyLossOptions& options() const { return options_; }

private:
    CrossEntropyLossOptions options_;
};

}  // namespace tinytorch::nn
