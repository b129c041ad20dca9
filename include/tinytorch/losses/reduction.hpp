// include/tinytorch/losses/reduction.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §1
//
// Every loss first computes one number per sample (or per element), then reduces them:
// Mean (the default; the loss does not grow with the batch size), Sum, or None (keep them all).
#pragma once
#include <cstdint>
#include <string>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::nn {

/// How a loss folds its per-sample values: None keeps them, Mean averages, Sum adds.
enum class Reduction { None, Mean, Sum };

}  // namespace tinytorch::nn

namespace tinytorch {
/// libtorch's spellings: nn::MSELossOptions().reduction(kSum), nn::CrossEntropyLoss(... .reduction(kMean)).
inline constexpr nn::Reduction kNone = nn::Reduction::None;
inline constexpr nn::Reduction kMean = nn::Reduction::Mean;
inline constexpr nn::Reduction kSum = nn::Reduction::Sum;
}  // namespace tinytorch

namespace tinytorch::nn {

/// The integer a loss records in its autograd node: 0 none, 1 mean, 2 sum (docs/architecture.md §3).
inline int64_t reduction_code(Reduction r) {
    switch (r) {
        case Reduction::None: return 0;
        case Reduction::Mean: return 1;
        case Reduction::Sum: return 2;
    }
    return 1;
}

/// "none", "mean" or "sum" (PyTorch's spelling), for names and messages.
inline std::string reduction_name(Reduction r) {
    switch (r) {
        case Reduction::None: return "none";
        case Reduction::Mean: return "mean";
        case Reduction::Sum: return "sum";
    }
    return "mean";
}

/// Fold per-sample losses: None -> as is, Mean -> 0-d mean, Sum -> 0-d sum. Built from Tensor
/// ops, so it is recorded exactly when `losses` requires grad.
inline Tensor apply_reduction(const Tensor& losses, Reduction reduction, const char* op = "loss") {
    // BEGIN SOLUTION: apply_reduction (§1)
    switch (reduction) {
        case Reduction::None: return losses;
        case Reduction::Sum: return losses.sum();
        case Reduction::Mean:
            if (losses.numel() == 0)
                throw ValueError(fmt(op, ": the mean of an empty batch (losses of shape ", shape_str(losses.shape()),
                                     ") is undefined; hint: skip empty batches or use Reduction::Sum"));
            return losses.mean();
    }
    return losses.mean();
    // END SOLUTION
}

namespace detail {

/// "[1, 2]": the multi-index of the flat (row-major) position `flat` in `shape`, for error messages.
inline std::string index_str(const Shape& shape, int64_t flat) {
    Shape index(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
        index[d] = shape[d] ? flat % shape[d] : 0;
        flat = shape[d] ? flat / shape[d] : 0;
    }
    return shape_str(index);
}

/// ShapeError unless input and target have the same shape (losses do not broadcast: a silent
/// broadcast of [N] against [N, 1] would compare every prediction with every target).
inline void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
    if (input.shape() != target.shape())
        throw ShapeError(fmt(op, ": input of shape ", shape_str(input.shape()), " and target of shape ",
                             shape_str(target.shape()), " differ; hint: give one target per prediction, e.g. "
                             "reshape targets [N] to [N, 1] for a model that outputs [N, 1]"));
}

/// PyTorch's weighted mean of class-index losses: Σ per / Σ weights of the counted samples
/// (a sample whose target is ignore_index counts 0). None and Sum as apply_reduction. Built from
/// Tensor ops, so a composed loss stays differentiable. All samples ignored: NaN, as PyTorch.
inline Tensor reduce_weighted(const Tensor& per, Reduction reduction, double weight_total, const char* op) {
    if (reduction != Reduction::Mean || per.numel() == 0) return apply_reduction(per, reduction, op);
    return per.sum().mul(static_cast<float>(1.0 / weight_total));
}

/// A target that requires grad where PyTorch gives it no gradient (class indices): refused,
/// so that a gradient is never silently missing.
inline void check_index_target_has_no_grad(const Tensor& target, const char* op) {
    if (target.requires_grad())
        throw ValueError(fmt(op, ": the target holds class indices and cannot require grad (PyTorch's are int64); "
                             "hint: pass target.detach(), or soft labels to a loss that differentiates them "
                             "(mse_loss, binary_cross_entropy[_with_logits])"));
}

/// A weight that requires grad: refused (this loss would not differentiate it; reject rather than
/// silently leave its gradient empty).
inline void check_weight_has_no_grad(const Tensor& weight, const char* what, const char* op) {
    if (weight.defined() && weight.requires_grad())
        throw ValueError(fmt(op, ": ", what, " requires grad, but this loss gives it no gradient; hint: pass ",
                             what, ".detach() (a weight is a constant of the loss)"));
}

}  // namespace detail
}  // namespace tinytorch::nn
