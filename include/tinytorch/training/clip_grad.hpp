// include/tinytorch/training/clip_grad.hpp
// Module 08 · Training — lesson: modules/08_training/README.md §2 (gradient clipping)
#pragma once
#include <cmath>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::nn::utils {

/// Scale all gradients together so their global L2 norm is at most `max_norm`:
///   total = sqrt(sum over params of sum(grad^2));  if total > max_norm: grad *= max_norm / total.
/// Returns the norm before clipping. Parameters without a gradient are skipped.
inline double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm) {
    if (!(max_norm > 0.0))
        throw ValueError(fmt("clip_grad_norm_: max_norm must be positive, got ", max_norm,
                             "; hint: 1.0 is a common choice"));
    // BEGIN SOLUTION: clip_grad_norm_ (§2)
    double sum_sq = 0.0;
    for (const Tensor& p : parameters) {
        if (!p.grad().defined()) continue;
        for (float g : p.grad().to_vector()) sum_sq += static_cast<double>(g) * g;
    }
    double total = std::sqrt(sum_sq);
    if (total > max_norm) {
        float scale = static_cast<float>(max_norm / (total + 1e-6));
        for (Tensor p : parameters)
            if (p.grad().defined()) p.mutable_grad().mul_(scale);
    }
    return total;
    // END SOLUTION
}

}  // namespace tinytorch::nn::utils
