// include/tinytorch/activations/log_softmax.hpp
// Module 02 · Activations — lesson: modules/02_activations/README.md §5 (log-sum-exp), §6 (the kernel)
#pragma once
#include <string>

#include "tinytorch/activations/softmax.hpp"

namespace tinytorch {

/// log_softmax along `dim`, composed of tensor ops: (x - m) - log(sum(exp(x - m))), m = max(x).
/// The reference the fused kernel is tested against.   shape: any -> same
inline Tensor log_softmax_naive(const Tensor& x, int64_t dim) {
    // BEGIN SOLUTION: log_softmax_naive (§5)
    // log-sum-exp: log Σ e^{x_j} = m + log Σ e^{x_j - m}. Never take log(softmax(x)): a probability
    // that underflows to 0 gives log(0) = -inf, while (x - m) - lse stays finite.
    Tensor shifted = x.sub(x.amax(dim, /*keepdim=*/true).detach());
    return shifted.sub(shifted.exp().sum(dim, /*keepdim=*/true).log());
    // END SOLUTION
}

/// log_softmax(x, dim)_i = x_i - log Σ_j e^{x_j} along `dim`; finite for any finite input.
/// shape: any -> same.  Records "log_softmax": inputs {x}, saved {out}, ints {dim (normalised)}.
inline Tensor log_softmax(const Tensor& x, int64_t dim) {
    // BEGIN SOLUTION: log_softmax (§6)
    const int64_t d = normalize_dim(dim, x.dim(), "log_softmax");
    Tensor out = detail::softmax_forward(x, d, /*log=*/true);
    if (autograd::wants_grad(x)) autograd::record(out, "log_softmax", {x}, {out}, {d});
    return out;
    // END SOLUTION
}

namespace nn {

/// LogSoftmax(dim)(x) = log_softmax(x, dim).   shape: any -> same
class LogSoftmax {
public:
    explicit LogSoftmax(int64_t dim) : dim_(dim) {}
    Tensor forward(const Tensor& x) const { return log_softmax(x, dim_); }
    Tensor operator()(const Tensor& x) const { return forward(x); }
    std::string name() const { return fmt("LogSoftmax(dim=", dim_, ")"); }
    int64_t dim() const { return dim_; }

private:
    int64_t dim_;
};

namespace functional {
using tinytorch::log_softmax;
}  // namespace functional

}  // namespace nn
}  // namespace tinytorch
