// include/tinytorch/losses/nll_loss.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §3
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "tinytorch/losses/reduction.hpp"

namespace tinytorch::nn {
namespace detail {

/// Check class scores `input` [N, C] against class-index targets [N] (floats holding whole numbers
/// in 0..C-1) and return the targets as integers. ShapeError for wrong shapes, ValueError for a
/// target that is not a whole number, IndexError for one out of range; each names the position.
inline std::vector<int64_t> check_class_targets(const Tensor& input, const Tensor& target, const char* op) {
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
        if (!(v == std::floor(v)))  // also catches NaN
            throw ValueError(fmt(op, ": target[", i, "] = ", v, " is not a whole number; hint: targets are class "
                                 "indices 0..", c - 1, " stored as floats"));
        if (v < 0.0f || v >= static_cast<float>(c))
            throw IndexError(fmt(op, ": target[", i, "] = ", v, " is out of range for ", c, " classes (input ",
                                 shape_str(input.shape()), "); hint: class indices run from 0 to ", c - 1));
        classes[i] = static_cast<int64_t>(v);
    }
    return classes;
    // END SOLUTION
}

}  // namespace detail

namespace functional {

/// nll_loss(log_probs, target)_i = -log_probs[i, target_i], then reduced.
/// shapes: log_probs [N, C], target [N] (class indices as floats) -> [] (or [N] for None).
/// Records "nll_loss": inputs {log_probs}, saved {target}, ints {reduction code}.
inline Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction = Reduction::Mean) {
    TINYTORCH_RECORD_OP("nll_loss", log_probs, target);
    // BEGIN SOLUTION: nll_loss (§3)
    std::vector<int64_t> classes = detail::check_class_targets(log_probs, target, "nll_loss");
    const int64_t n = log_probs.size(0);
    Tensor per = empty({n});
    for (int64_t i = 0; i < n; ++i) per.data_ptr()[i] = -log_probs.at({i, classes[i]});  // one read per row
    Tensor out = apply_reduction(per, reduction, "nll_loss");
    if (autograd::wants_grad(log_probs))
        autograd::record(out, "nll_loss", {log_probs}, {target}, {reduction_code(reduction)});
    return out;
    // END SOLUTION
}

}  // namespace functional

/// Options of nn::NLLLoss: nn::NLLLoss(nn::NLLLossOptions().reduction(nn::Reduction::Sum)).
struct NLLLossOptions {
    NLLLossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    Reduction reduction() const { return reduction_; }

private:
    Reduction reduction_ = Reduction::Mean;
};

/// Negative log-likelihood of class indices given log-probabilities (e.g. from LogSoftmax(1)).
/// shapes: [N, C] and [N] -> [] (or [N] for None)
class NLLLoss {
public:
    explicit NLLLoss(const NLLLossOptions& options = {}) : options_(options) {}
    explicit NLLLoss(Reduction reduction) : options_(NLLLossOptions().reduction(reduction)) {}
    Tensor forward(const Tensor& log_probs, const Tensor& target) const {
        return functional::nll_loss(log_probs, target, options_.reduction());
    }
    Tensor operator()(const Tensor& log_probs, const Tensor& target) const { return forward(log_probs, target); }
    std::string name() const { return "NLLLoss(reduction=" + reduction_name(options_.reduction()) + ")"; }
    const NLLLossOptions& options() const { return options_; }

private:
    NLLLossOptions options_;
};

}  // namespace tinytorch::nn
