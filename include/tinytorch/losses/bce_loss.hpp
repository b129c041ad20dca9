// include/tinytorch/losses/bce_loss.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §5
#pragma once
#include <string>
#include <vector>

#include "tinytorch/losses/reduction.hpp"

namespace tinytorch::nn {
namespace detail {

/// ValueError unless every value of t lies in [0, 1] (NaN does not); names the first bad position.
inline void check_probabilities(const Tensor& t, const char* what, const char* op) {
    // BEGIN SOLUTION: detail::check_probabilities (§5)
    std::vector<float> values = t.to_vector();
    for (size_t i = 0; i < values.size(); ++i)
        if (!(values[i] >= 0.0f && values[i] <= 1.0f))
            throw ValueError(fmt(op, ": ", what, index_str(t.shape(), static_cast<int64_t>(i)), " = ", values[i],
                                 " is not a probability in [0, 1]; hint: ",
                                 std::string(what) == "target"
                                     ? "targets are labels 0 or 1 (or soft labels in between)"
                                     : "BCELoss takes probabilities (apply sigmoid first), or use "
                                       "BCEWithLogitsLoss on raw scores"));
    // END SOLUTION
}

/// log(p) for p in [0, 1], clamped below at -100 as in PyTorch (so log(0) = -100), built from
/// Tensor ops whose gradients stay finite at p = 0.
inline Tensor clamped_log(const Tensor& p) {
    // BEGIN SOLUTION: detail::clamped_log (§5)
    // log(0) = -inf, and its gradient 1/p = inf times a zero upstream gradient is NaN. So log a
    // copy where zeros are replaced by 1 (gradient 1/1 there), then write -100 over those places
    // (masked_fill sends them no gradient).
    Tensor zero = p.le(0.0f);
    return p.masked_fill(zero, 1.0f).log().masked_fill(zero, -100.0f).clamp_min(-100.0f);
    // END SOLUTION
}

}  // namespace detail

namespace functional {

/// binary_cross_entropy(p, t) = reduce(-(t·log p + (1-t)·log(1-p))), logs clamped at -100.
/// shapes: any, equal; p and t in [0, 1] -> [] (or p's shape for None). Composed of Tensor ops.
inline Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean) {
    TINYTORCH_RECORD_OP("binary_cross_entropy", input, target);
    // BEGIN SOLUTION: binary_cross_entropy (§5)
    detail::check_same_shape(input, target, "binary_cross_entropy");
    detail::check_probabilities(input, "input", "binary_cross_entropy");
    detail::check_probabilities(target, "target", "binary_cross_entropy");
    Tensor log_p = detail::clamped_log(input);
    Tensor log_q = detail::clamped_log(1.0f - input);
    Tensor per = target.mul(log_p).add((1.0f - target).mul(log_q)).neg();
    return apply_reduction(per, reduction, "binary_cross_entropy");
    // END SOLUTION
}

}  // namespace functional

/// Options of nn::BCELoss: nn::BCELoss(nn::BCELossOptions().reduction(nn::Reduction::Sum)).
struct BCELossOptions {
    BCELossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    Reduction reduction() const { return reduction_; }

private:
    Reduction reduction_ = Reduction::Mean;
};

/// Binary cross-entropy of probabilities (e.g. sigmoid outputs) against targets in [0, 1].
/// shapes: any, equal -> [] (or input's for None)
class BCELoss {
public:
    explicit BCELoss(const BCELossOptions& options = {}) : options_(options) {}
    explicit BCELoss(Reduction reduction) : options_(BCELossOptions().reduction(reduction)) {}
    Tensor forward(const Tensor& input, const Tensor& target) const {
        return functional::binary_cross_entropy(input, target, options_.reduction());
    }
    Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
    std::string name() const { return "BCELoss(reduction=" + reduction_name(options_.reduction()) + ")"; }
    const BCELossOptions& options() const { return options_; }

private:
    BCELossOptions options_;
};

}  // namespace tinytorch::nn
