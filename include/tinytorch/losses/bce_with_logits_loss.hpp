// include/tinytorch/losses/bce_with_logits_loss.hpp
// Module 04 · Losses — lesson: modules/04_losses/README.md §6
#pragma once
#include "tinytorch/tensor/eigen.hpp"  // Eigen, with GCC 12's false AVX-512 warning silenced
#include <algorithm>
#include <cmath>
#include <string>

#include "tinytorch/activations/vector_math.hpp"
#include "tinytorch/losses/bce_loss.hpp"
#include "tinytorch/losses/reduction.hpp"

namespace tinytorch::nn {

/// Options of nn::BCEWithLogitsLoss / functional::binary_cross_entropy_with_logits, as libtorch's:
/// nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().pos_weight(pw).weight(w).reduction(kSum)).
/// weight rescales each element's loss (broadcast to the input); pos_weight multiplies the loss
/// of the positive term, one value per class along the last dim (broadcast to the input).
struct BCEWithLogitsLossOptions {
    BCEWithLogitsLossOptions(Reduction r = Reduction::Mean) : reduction_(r) {}  // NOLINT: F::...(x, t, kSum)
    BCEWithLogitsLossOptions& weight(const Tensor& w) { weight_ = w; return *this; }
    BCEWithLogitsLossOptions& pos_weight(const Tensor& w) { pos_weight_ = w; return *this; }
    BCEWithLogitsLossOptions& reduction(Reduction r) { reduction_ = r; return *this; }
    const Tensor& weight() const { return weight_; }
    const Tensor& pos_weight() const { return pos_weight_; }
    Reduction reduction() const { return reduction_; }

private:
    Tensor weight_, pos_weight_;
    Reduction reduction_ = Reduction::Mean;
};

namespace detail {
/// `t` broadcast to `shape` and made contiguous (so a kernel can walk it with the input), or an
/// undefined tensor when `t` is undefined.
inline Tensor broadcast_contiguous(const Tensor& t, const Shape& shape) {
    if (!t.defined()) return t;
    Tensor e = t.detach().expand(shape);
    return e.is_contiguous() ? e : tinytorch::detail::copy_to_contiguous(e);
}
}  // namespace detail

namespace functional {
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;

/// binary_cross_entropy_with_logits(x, t) = reduce(w·[(1 - t)·x + l·softplus(-x)]),
/// l = 1 + (pos_weight - 1)·t, softplus(-x) = max(-x, 0) + log(1 + e^{-|x|}) = -log σ(x):
/// BCE(σ(x), t) without ever forming σ(x) — finite for any finite x, no clamping.
/// shapes: any, equal; t in [0, 1]; w and pos_weight broadcast to x -> [] (or x's shape for None).
/// Records "bce_with_logits": inputs {x, t} (a target that requires grad gets its gradient, as in
/// PyTorch), saved {weight, pos_weight} (undefined when absent), ints {reduction code}.
inline Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                               const BinaryCrossEntropyWithLogitsFuncOptions& options = {}) {
    TINYTORCH_RECORD_OP("binary_cross_entropy_with_logits", input, target);
    detail::check_weight_broadcasts(options.weight(), input.shape(), "weight", "binary_cross_entropy_with_logits");
    detail::check_weight_broadcasts(options.pos_weight(), input.shape(), "pos_weight",
                                    "binary_cross_entropy_with_logits");
    // BEGIN SOLUTION: binary_cross_entropy_with_logits (§6)
    const Reduction reduction = options.reduction();
    detail::check_same_shape(input, target, "binary_cross_entropy_with_logits");
    detail::check_probabilities(target, "target", "binary_cross_entropy_with_logits");
    Tensor x = input.is_contiguous() ? input : tinytorch::detail::copy_to_contiguous(input);
    Tensor t = target.is_contiguous() ? target : tinytorch::detail::copy_to_contiguous(target);
    Tensor w = detail::broadcast_contiguous(options.weight(), input.shape());
    Tensor pw = detail::broadcast_contiguous(options.pos_weight(), input.shape());
    Tensor per = empty(input.shape());
    const float* px = x.data_ptr();
    const float* pt = t.data_ptr();
    const float* pww = w.defined() ? w.data_ptr() : nullptr;
    const float* ppw = pw.defined() ? pw.data_ptr() : nullptr;
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
            if (!ppw) {
                ob = xb.max(0.0f) - xb * tb + ob.log1p();  // the same as below with l = 1
            } else {
                Eigen::Map<const Eigen::ArrayXf> pb(ppw + begin, len);
                ob = (1.0f - tb) * xb + (1.0f + (pb - 1.0f) * tb) * ((-xb).max(0.0f) + ob.log1p());
            }
            if (pww) ob *= Eigen::Map<const Eigen::ArrayXf>(pww + begin, len);
        }
    });
    Tensor out = apply_reduction(per, reduction, "binary_cross_entropy_with_logits");
    if (autograd::wants_grad(input, target))
        autograd::record(out, "bce_with_logits", {input, target}, {w, pw}, {reduction_code(reduction)});
    return out;
    // END SOLUTION
}

}  // namespace functional

/// Sigmoid and binary cross-entropy fused: takes raw scores (logits), stable for any magnitude.
/// shapes: any, equal -> [] (or input's for None)
class BCEWithLogitsLoss {
public:
    explicit BCEWithLogitsLoss(const BCEWithLogitsLossOptions& options = {}) : options_(options) {}
    explicit BCEWithLogitsLoss(Reduction reduction) : options_(BCEWithLogitsLossOptions().reduction(reduction)) {}
    Tensor forward(const Tensor& input, const Tensor& target) const {
        return functional::binary_cross_entropy_with_logits(input, target, options_);
    }
    Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
    std::string name() const {
        return fmt("BCEWithLogitsLoss(reduction=", reduction_name(options_.reduction()),
                   options_.weight().defined() ? ", weight" : "", options_.pos_weight().defined() ? ", pos_weight" : "",
                   ")");
    }
    const BCEWithLogitsLossOptions& options() const { return options_; }

private:
    BCEWithLogitsLossOptions options_;
};

}  // namespace tinytorch::nn
