// include/tinytorch/compression/gradual_schedule.hpp
// Module 16 · Compression — lesson: modules/16_compression/README.md §4
//
// Gradual pruning (Zhu & Gupta, "To prune, or not to prune", 2017): instead of removing 90% of the
// weights at once, raise the sparsity step by step while training goes on, fast at first (many
// redundant weights) and slowly at the end (the network needs time to recover):
//     s(t) = s_f + (s_i − s_f) · (1 − (t − t0) / (t1 − t0))³      for t0 <= t <= t1
// s(t) = 0 before t0 (no pruning yet) and s_f after t1. Prune every `frequency` steps:
//
//   compression::GradualPruningSchedule schedule(0.0, 0.9, /*begin=*/0, /*end=*/1000, /*frequency=*/100);
//   for (int64_t step = 0; ...; ++step) {
//       if (schedule.is_pruning_step(step)) compression::magnitude_prune(model, schedule.sparsity_at(step));
//       ... one training step ...
//   }
#pragma once
#include <cmath>
#include <cstdint>

#include "tinytorch/compression/magnitude_pruning.hpp"

namespace tinytorch::compression {

/// Zhu & Gupta's cubic sparsity schedule from initial_sparsity at begin_step to final_sparsity at end_step.
class GradualPruningSchedule {
public:
    GradualPruningSchedule(double initial_sparsity, double final_sparsity, int64_t begin_step, int64_t end_step,
                           int64_t frequency = 1);
    /// The target sparsity (a fraction) at `step`.
    double sparsity_at(int64_t step) const;
    /// Whether to prune at `step`: begin_step, every `frequency` steps after it, and end_step.
    bool is_pruning_step(int64_t step) const {
        return step >= begin_ && step <= end_ && ((step - begin_) % frequency_ == 0 || step == end_);
    }
    double initial_sparsity() const { return initial_; }
    double final_sparsity() const { return final_; }
    int64_t begin_step() const { return begin_; }
    int64_t end_step() const { return end_; }
    int64_t frequency() const { return frequency_; }

private:
    double initial_, final_;
    int64_t begin_, end_, frequency_;
};

inline GradualPruningSchedule::GradualPruningSchedule(double initial_sparsity, double final_sparsity,
                                                      int64_t begin_step, int64_t end_step, int64_t frequency)
    : initial_(initial_sparsity), final_(final_sparsity), begin_(begin_step), end_(end_step), frequency_(frequency) {
    detail::check_amount(initial_sparsity, "GradualPruningSchedule (initial_sparsity)");
    detail::check_amount(final_sparsity, "GradualPruningSchedule (final_sparsity)");
    if (final_sparsity < initial_sparsity)
        throw ValueError(fmt("GradualPruningSchedule: final_sparsity ", final_sparsity, " is below initial_sparsity ",
                             initial_sparsity, "; hint: the schedule only ever prunes more (e.g. 0.0 -> 0.9)"));
    if (begin_step < 0 || end_step <= begin_step)
        throw ValueError(fmt("GradualPruningSchedule: need 0 <= begin_step < end_step, got begin_step=", begin_step,
                             " end_step=", end_step, "; hint: e.g. begin 0, end 1000 (training steps)"));
    if (frequency <= 0)
        throw ValueError(fmt("GradualPruningSchedule: frequency must be >= 1, got ", frequency,
                             "; hint: prune every 100 steps with frequency=100"));
}

inline double GradualPruningSchedule::sparsity_at(int64_t step) const {
    if (step < begin_) return 0.0;
    if (step >= end_) return final_;
    // BEGIN SOLUTION: GradualPruningSchedule::sparsity_at (§4)
    const double progress = static_cast<double>(step - begin_) / static_cast<double>(end_ - begin_);
    const double remaining = 1.0 - progress;
    return final_ + (initial_ - final_) * remaining * remaining * remaining;
    // END SOLUTION
}

}  // namespace tinytorch::compression
