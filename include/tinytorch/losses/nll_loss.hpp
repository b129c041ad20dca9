// include/tinytorch/losses/nll_loss.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §3
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tinytorch/losses/reduction.hpp"

namespace tinytorch::nn {

/// Options of nn::NLLLoss / functional::nll_loss, as libtorch's:
/// nn::NLLLoss(nn::NLLLossOptions().weight(w).ignore_index(0).reduction(kSum)).
/// weight: one rescaling factor per class, [C] (undefined = all 1); ignore_index: samples whose
/// target equals it add nothing and do not count in the mean (default -100, as PyTorch).
struct NLLLossOptions {
    NLLLossOptions(Reduction r = Reduction::Mean) : reduction_(r) {}  // NOLINT: F::nll_loss(x, t, kSum)
    NLLLossOptions& weight(const Tensor& w) { weight_ = w; return *this; }
    NLLLossOptions& ignore_index(int64_t i) { ignore_index_ = i; return *this; }
    NLLLossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    const Tensor& weight() const { return weight_; }
    int64_t ignore_index() const { return ignore_index_; }
    Reduction reduction() const { return reduction_; }

private:
    Tensor weight_;
    int64_t ignore_index_ = -100;
    Reduction reduction_ = Reduction::Mean;
};

namespace functional {
using NLLLossFuncOptions = NLLLossOptions;
}  // namespace functional

namespace detail {

/// Check class scores `input` [N, C] against class-index targets [N] (floats holding whole numbers
/// in 0..C-1, or ignore_index) and return the targets as integers. ShapeError for wrong shapes,
/// ValueError for a target that is not a whole number, IndexError for one out of range; each names
/// the position. A target equal to ignore_index is returned as is, unchecked.
inline std::vector<int64_t> check_class_targets(const Tensor& input, const Tensor& target, const char* op,
                                                int64_t ignore_index = -100) {
    // BEGIN SOLUTION: detail::check_class_targets (§3)
    if (input.dim() != 2)
        throw ShapeError(fmt(op, ": expected input of shape [N, C] (one row of class scores per sample), got ",
                             shape_str(input.shape()), "; hint: reshape sequence logits [B, T, C] to [B*T, C] "
                             "and their targets [B, T] to [B*T]"));
    const int64_t n = input.size(0), c = input.size(1);
    if (target.dim() != 1 || target.size(0) != n)
        throw ShapeError(fmt(op, ": expected target of shape [", n, "] (one class index per row of input ",
                             shape_str(input.shape()), "), got ", shape_str(target.shape()),
                             "; hint: targets are class indices, not one-hot rows (use argmax(1) to convert)"));
    if (c == 0)
        throw ValueError(fmt(op, ": input of shape ", shape_str(input.shape()), " has no classes; hint: C must be >= 1"));
    std::vector<float> values = target.to_vector();
    std::vector<int64_t> classes(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
        const float v = values[i];
        if (v == static_cast<float>(ignore_index)) {  // skipped by the loss: any value is fine
            classes[i] = ignore_index;
            continue;
        }
        if (!(v == std::floor(v)))  // also catches NaN
            throw ValueError(fmt(op, ": target[", i, "] = ", v, " is not a whole number; hint: targets are class "
                                 "indices 0..", c - 1, " stored as floats"));
        if (v < 0.0f || v >= static_cast<float>(c))
            throw IndexError(fmt(op, ": target[", i, "] = ", v, " is out of range for ", c, " classes (input ",
                                 shape_str(input.shape()), "); hint: class indices run from 0 to ", c - 1,
                                 " (or ignore_index = ", ignore_index, " to skip a sample)"));
        classes[i] = static_cast<int64_t>(v);
    }
    return classes;
    // END SOLUTION
}

/// The class weights as C floats (all 1 when `weight` is undefined); ShapeError unless [C].
inline std::vector<float> class_weights(const Tensor& weight, int64_t classes, const char* op) {
    if (!weight.defined()) return std::vector<float>(static_cast<size_t>(classes), 1.0f);
    if (weight.dim() != 1 || weight.size(0) != classes)
        throw ShapeError(fmt(op, ": weight must have one value per class, shape [", classes, "], got ",
                             shape_str(weight.shape()), "; hint: weight rescales each class, e.g. inverse class "
                             "frequencies"));
    check_weight_has_no_grad(weight, "weight", op);
    return weight.to_vector();
}

/// Each sample's weight: weight[target], 0 for an ignored sample; `total` receives their sum
/// (the denominator of the mean).
inline std::vector<float> sample_weights(const std::vector<int64_t>& classes, const std::vector<float>& w,
                                         int64_t ignore_index, double& total) {
    std::vector<float> out(classes.size());
    total = 0.0;
    for (size_t i = 0; i < classes.size(); ++i) {
        out[i] = classes[i] == ignore_index ? 0.0f : w[static_cast<size_t>(classes[i])];
        total += out[i];
    }
    return out;
}

}  // namespace detail

namespace functional {

/// nll_loss(log_probs, target)_i = -weight[t_i]·log_probs[i, t_i] (0 when t_i = ignore_index); the
/// mean divides by the sum of weight[t_i] over counted samples (by their number without weights).
/// shapes: log_probs [N, C], target [N] (class indices as floats), weight [C] -> [] (or [N] for None).
/// Records "nll_loss": inputs {log_probs}, saved {target, weight}, ints {reduction code,
/// ignore_index}, scalars {weight total}.
inline Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const NLLLossFuncOptions& options = {}) {
    detail::check_index_target_has_no_grad(target, "nll_loss");
    // BEGIN SOLUTION: nll_loss (§3)
    const int64_t ignore = options.ignore_index();
    std::vector<int64_t> classes = detail::check_class_targets(log_probs, target, "nll_loss", ignore);
    const int64_t n = log_probs.size(0);
    const std::vector<float> w = detail::class_weights(options.weight(), log_probs.size(1), "nll_loss");
    double total = 0.0;
    const std::vector<float> ws = detail::sample_weights(classes, w, ignore, total);
    Tensor per = empty({n});
    for (int64_t i = 0; i < n; ++i)  // one read per row
        per.data_ptr()[i] = classes[i] == ignore ? 0.0f : -ws[i] * log_probs.at({i, classes[i]});
    Tensor out = detail::reduce_weighted(per, options.reduction(), total, "nll_loss");
    if (autograd::wants_grad(log_probs))
        autograd::record(out, "nll_loss", {log_probs}, {target, options.weight()},
                         {reduction_code(options.reduction()), ignore}, {total});
    return out;
    // END SOLUTION
}

}  // namespace functional

/// Negative log-likelihood of class indices given log-probabilities (e.g. from LogSoftmax(1)).
/// shapes: [N, C] and [N] -> [] (or [N] for None)
class NLLLoss {
public:
    explicit NLLLoss(const NLLLossOptions& options = {}) : options_(options) {}
    explicit NLLLoss(Reduction reduction) : options_(NLLLossOptions().reduction(reduction)) {}
    Tensor forward(const Tensor& log_probs, const Tensor& target) const {
        return functional::nll_loss(log_probs, target, options_);
    }
    Tensor operator()(const Tensor& log_probs, const Tensor& target) const { return forward(log_probs, target); }
    std::string name() const {
        return fmt("NLLLoss(reduction=", reduction_name(options_.reduction()),
                   options_.weight().defined() ? ", weight" : "", options_.ignore_index() != -100
                       ? fmt(", ignore_index=", options_.ignore_index()) : std::string(), ")");
    }
    const NLLLossOptions& options() const { return options_; }

private:
    NLLLossOptions options_;
};

}  // namespace tinytorch::nn
