// include/tinytorch/losses/mse_loss.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §2
#pragma once
#include <string>

#include "tinytorch/losses/reduction.hpp"

namespace tinytorch::nn {
/// Options of nn::MSELoss, libtorch style: nn::MSELoss(nn::MSELossOptions().reduction(kSum)), or
/// nn::MSELossOptions(kSum) (libtorch has that constructor too).
struct MSELossOptions {
    MSELossOptions(Reduction r = Reduction::Mean) : reduction_(r) {}  // NOLINT: implicit, as libtorch's
    MSELossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    Reduction reduction() const { return reduction_; }

private:
    Reduction reduction_ = Reduction::Mean;
};

namespace functional {
using MSELossFuncOptions = MSELossOptions;

/// mse_loss(input, target) = reduce((input - target)²), element-wise over any shape (shapes equal).
/// Composed of Tensor ops (sub, pow, mean/sum), so autograd differentiates it without a rule —
/// with respect to the target too, as PyTorch.
inline Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options = {}) {
    // BEGIN SOLUTION: mse_loss (§2)
    detail::check_same_shape(input, target, "mse_loss");
    return apply_reduction(input.sub(target).pow(2.0f), options.reduction(), "mse_loss");
    // END SOLUTION
}

}  // namespace functional

/// Mean squared error: MSELoss()(input, target) = mean((input - target)²).   shapes: any, equal -> [] (or input's for None)
class MSELoss {
public:
    explicit MSELoss(const MSELossOptions& options = {}) : options_(options) {}
    explicit MSELoss(Reduction reduction) : options_(MSELossOptions().reduction(reduction)) {}
    Tensor forward(const Tensor& input, const Tensor& target) const {
        return functional::mse_loss(input, target, options_);
    }
    Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
    std::string name() const { return "MSELoss(reduction=" + reduction_name(options_.reduction()) + ")"; }
    const MSELossOptions& options() const { return options_; }

private:
    MSELossOptions options_;
};

}  // namespace tinytorch::nn
