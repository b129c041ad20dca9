// include/tinytorch/losses/bce_with_logits_loss.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §6
#pragma once
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>

#include "tinytorch/activations/vector_math.hpp"
#include "tinytorch/losses/bce_loss.hpp"
#include "tinytorch/losses/reduction.hpp"

namespace tinytorch::nn {
namespace functional {

/// binary_cross_entropy_with_logits(x, t) = reduce(max(x, 0) - x·t + log(1 + e^{-|x|})), which is
/// BCE(sigmoid(x), t) without ever forming sigmoid(x): finite for any finite x, no clamping.
/// shapes: any, equal; t in [0, 1] -> [] (or x's shape for None).
/// Records "bce_with_logits": inputs {x}, saved {target}, ints {reduction code}.
inline Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                               Reduction reduction = Reduction::Mean) {
    TINYTORCH_RECORD_OP("binary_cross_entropy_with_logits", input, target);
    // BEGIN SOLUTION: binary_cross_entropy_with_logits (§6)
    detail::check_same_shape(input, target, "binary_cross_entropy_with_logits");
    detail::check_probabilities(target, "target", "binary_cross_entropy_with_logits");
    Tensor x = input.is_contiguous() ? input : tinytorch::detail::copy_to_contiguous(input);
    Tensor t = target.is_contiguous() ? target : tinytorch::detail::copy_to_contiguous(target);
    Tensor per = empty(input.shape());
    const float* px = x.data_ptr();
    const float* pt = t.data_ptr();
    float* pl = per.data_ptr();
    // -[t·log σ(x) + (1-t)·log(1-σ(x))] rewritten so exp only sees -|x| <= 0 (no overflow), and
    // log1p keeps precision when e^{-|x|} is tiny. Blocks of 4096 stay in L1 across the passes.
    namespace td = tinytorch::detail;
    const int64_t count = per.numel(), block = td::kRunBlock, blocks = (count + block - 1) / block;
    td::parallel_for(blocks, std::max<int64_t>(1, td::kParallelGrain / block), [&](int64_t lo, int64_t hi) {
        for (int64_t b = lo; b < hi; ++b) {
            const int64_t begin = b * block, len = std::min(block, count - begin);
            Eigen::Map<const Eigen::ArrayXf> xb(px + begin, len), tb(pt + begin, len);
            Eigen::Map<Eigen::ArrayXf> ob(pl + begin, len);
            ob = -xb.abs();
            td::exp_into(ob.data(), ob.data(), len);  // e^{-|x|} in [0, 1]
            ob = xb.max(0.0f) - xb * tb + ob.log1p();
        }
    });
    Tensor out = apply_reduction(per, reduction, "binary_cross_entropy_with_logits");
    if (autograd::wants_grad(input))
        autograd::record(out, "bce_with_logits", {input}, {target}, {reduction_code(reduction)});
    return out;
    // END SOLUTION
}

}  // namespace functional

/// Options of nn::BCEWithLogitsLoss: nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().reduction(...)).
struct BCEWithLogitsLossOptions {
    BCEWithLogitsLossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    Reduction reduction() const { return reduction_; }

private:
    Reduction reduction_ = Reduction::Mean;
};

/// Sigmoid and binary cross-entropy fused: takes raw scores (logits), stable for any magnitude.
/// shapes: any, equal -> [] (or input's for None)
class BCEWithLogitsLoss {
public:
    explicit BCEWithLogitsLoss(const BCEWithLogitsLossOptions& options = {}) : options_(options) {}
    explicit BCEWithLogitsLoss(Reduction reduction) : options_(BCEWithLogitsLossOptions().reduction(reduction)) {}
    Tensor forward(const Tensor& input, const Tensor& target) const {
        return functional::binary_cross_entropy_with_logits(input, target, options_.reduction());
    }
    Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
    std::string name() const { return "BCEWithLogitsLoss(reduction=" + reduction_name(options_.reduction()) + ")"; }
    const BCEWithLogitsLossOptions& options() const { return options_; }

private:
    BCEWithLogitsLossOptions options_;
};

}  // namespace tinytorch::nn
