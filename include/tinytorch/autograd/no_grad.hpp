// include/tinytorch/autograd/no_grad.hpp
// Module 06 · Autograd — lesson: modules/06_autograd/README.md §2 (no-grad inference)
//
// While a NoGradGuard lives, no operation records a Node: evaluation and optimizer updates
// build no graph, keep no activations alive, and run faster. The guard restores the mode it
// found, so guards nest (an inner guard ends, the outer one still holds).
#pragma once
#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch {

/// RAII: turns graph recording off for the guard's lifetime, then restores the previous mode.
///   { NoGradGuard guard; Tensor y = model(x); }   // y has no grad_fn
class NoGradGuard {
public:
    NoGradGuard() {
        // BEGIN SOLUTION: NoGradGuard::NoGradGuard (§2)
        previous_ = autograd::is_grad_enabled();
        autograd::set_grad_enabled(false);
        // END SOLUTION
    }
    // Given (not a solution region): a destructor must never throw, so it is not a stub.
    ~NoGradGuard() { autograd::set_grad_enabled(previous_); }
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_ = true;  ///< the mode to restore
};

/// Is graph recording on? (false inside a NoGradGuard)
inline bool is_grad_enabled() { return autograd::is_grad_enabled(); }
/// Switch recording on or off without a guard (prefer NoGradGuard: it cannot forget to restore).
inline void set_grad_enabled(bool enabled) { autograd::set_grad_enabled(enabled); }

namespace autograd {
using tinytorch::NoGradGuard;
}  // namespace autograd

}  // namespace tinytorch
