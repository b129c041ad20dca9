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

/// Options of nn::BCELoss / functional::binary_cross_entropy, as libtorch's:
/// nn::BCELoss(nn::BCELossOptions().weight(w).reduction(kSum)); weight rescales each element's
/// loss and must broadcast to the input's shape (undefined = 1).
struct BCELossOptions {
    BCELossOptions(Reduction r = Reduction::Mean) : reduction_(r) {}  // NOLINT: F::binary_cross_entropy(p, t, kSum)
    BCELossOptions& weight(const Tensor& w) { weight_ = w; return *this; }
    BCELossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    const Tensor& weight() const { return weight_; }
    Reduction reduction() const { return reduction_; }

private:
    Tensor weight_;
    Reduction reduction_ = Reduction::Mean;
};

namespace detail {
/// ShapeError unless `weight` (when defined) broadcasts to `shape` without growing it.
inline void check_weight_broadcasts(const Tensor& weight, const Shape& shape, const char* what, const char* op) {
    if (!weight.defined()) return;
    check_weight_has_no_grad(weight, what, op);
    if (broadcast_shapes(weight.shape(), shape, op) != shape)
        throw ShapeError(fmt(op, ": ", what, " of shape ", shape_str(weight.shape()), " does not broadcast to the "
                             "input's shape ", shape_str(shape), "; hint: give one value per element, or per "
                             "class along the last dim"));
}
}  // namespace detail

namespace functional {
using BinaryCrossEntropyFuncOptions = BCELossOptions;

/// binary_cross_entropy(p, t) = reduce(-w·(t·log p + (1-t)·log(1-p))), logs clamped at -100.
/// shapes: any, equal; p and t in [0, 1]; w broadcasts to p -> [] (or p's shape for None).
/// Composed of Tensor ops: a target that requires grad gets d/dt = -w·(log p - log(1-p))·g.
inline Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                                   const BinaryCrossEntropyFuncOptions& options = {}) {
    detail::check_weight_broadcasts(options.weight(), input.shape(), "weight", "binary_cross_entropy");
    // BEGIN SOLUTION: binary_cross_entropy (§5)
    detail::check_same_shape(input, target, "binary_cross_entropy");
    detail::check_probabilities(input, "input", "binary_cross_entropy");
    detail::check_probabilities(target, "target", "binary_cross_entropy");
    Tensor log_p = detail::clamped_log(input);
    Tensor log_q = detail::clamped_log(1.0f - input);
    Tensor per = target.mul(log_p).add((1.0f - target).mul(log_q)).neg();
    if (options.weight().defined()) per = per.mul(options.weight());
    return apply_reduction(per, options.reduction(), "binary_cross_entropy");
    // END SOLUTION
}

}  // namespace functional

/// Binary cross-entropy of probabilities (e.g. sigmoid outputs) against targets in [0, 1].
/// shapes: any, equal -> [] (or input's for None)
class BCELoss {
public:
    explicit BCELoss(const BCELossOptions& options = {}) : options_(options) {}
    explicit BCELoss(Reduction reduction) : options_(BCELossOptions().reduction(reduction)) {}
    Tensor forward(const Tensor& input, const Tensor& target) const {
        return functional::binary_cross_entropy(input, target, options_);
    }
    Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
    std::string name() const {
        return fmt("BCELoss(reduction=", reduction_name(options_.reduction()),
                   options_.weight().defined() ? ", weight" : "", ")");
    }
    const BCELossOptions& options() const { return options_; }

private:
    BCELossOptions options_;
};

}  // namespace tinytorch::nn
