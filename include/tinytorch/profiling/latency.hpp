// include/tinytorch/profiling/latency.hpp
// Module 14 · Profiling — lesson: modules/14_profiling/README.md §6
//
// Latency of a call, measured: warm-up calls first (caches, the allocator's free lists, lazy
// initialisation), then each call timed on its own; the median and the 90th percentile
// describe it better than a mean, which one descheduled call on a shared machine can ruin.
// (Module 19 builds the full benchmark harness — calibration, repeats, confidence intervals — on this.)
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::profiler {

/// The q-th percentile (q in [0, 100]) with linear interpolation between the two nearest ranks
/// (NumPy's default): position (n − 1)·q/100 in the sorted values. percentile(v, 50) is the median.
inline double percentile(std::vector<double> values, double q) {
    if (values.empty())
        throw ValueError("percentile: no values; hint: measure at least one sample first");
    if (!(q >= 0.0 && q <= 100.0))
        throw ValueError(fmt("percentile: q must be in [0, 100], got ", q, "; hint: the 90th percentile is q = 90"));
    // BEGIN SOLUTION: percentile (§6)
    std::sort(values.begin(), values.end());
    const double pos = (static_cast<double>(values.size()) - 1.0) * q / 100.0;
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    return values[lo] + (values[hi] - values[lo]) * frac;
    // END SOLUTION
}

/// The median: the middle value, or the mean of the two middle ones.
inline double median(std::vector<double> values) { return percentile(std::move(values), 50.0); }

/// Latency of one call, in milliseconds.
struct LatencyStats {
    int64_t warmup = 0;              ///< untimed calls before measuring
    std::vector<double> samples_ms;  ///< one per timed call, in call order
    double median_ms = 0, p90_ms = 0, mean_ms = 0, min_ms = 0, max_ms = 0;
};

/// Summary statistics of samples already measured (milliseconds).
inline LatencyStats latency_stats(std::vector<double> samples_ms, int64_t warmup = 0) {
    if (samples_ms.empty())
        throw ValueError("latency_stats: no samples; hint: time at least one call");
    LatencyStats s;
    s.warmup = warmup;
    s.median_ms = percentile(samples_ms, 50.0);
    s.p90_ms = percentile(samples_ms, 90.0);
    double sum = 0;
    for (double v : samples_ms) sum += v;
    s.mean_ms = sum / static_cast<double>(samples_ms.size());
    s.min_ms = *std::min_element(samples_ms.begin(), samples_ms.end());
    s.max_ms = *std::max_element(samples_ms.begin(), samples_ms.end());
    s.samples_ms = std::move(samples_ms);
    return s;
}

/// Call `fn` `warmup` times untimed, then `iterations` times, timing each call (steady clock).
inline LatencyStats measure_latency(const std::function<void()>& fn, int warmup = 5, int iterations = 50) {
    if (warmup < 0 || iterations < 1)
        throw ValueError(fmt("measure_latency: needs warmup >= 0 and iterations >= 1, got ", warmup, " and ", iterations,
                             "; hint: e.g. measure_latency(fn, 5, 50)"));
    // BEGIN SOLUTION: measure_latency (§6)
    using Clock = std::chrono::steady_clock;
    for (int i = 0; i < warmup; ++i) fn();
    std::vector<double> samples;
    samples.reserve(static_cast<size_t>(iterations));
    for (int i = 0; i < iterations; ++i) {
        const auto t0 = Clock::now();
        fn();
        samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return latency_stats(std::move(samples), warmup);
    // END SOLUTION
}

}  // namespace tinytorch::profiler
