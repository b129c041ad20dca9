// include/tinytorch/benchmarking/statistics.hpp
// Module 19 · Benchmarking — lesson: modules/19_benchmarking/README.md §1 (robust statistics), §2 (bootstrap)
//
// Timings on a shared machine are not bell curves: most runs cluster, a few are slow because
// something else ran. So we describe them with statistics a few outliers cannot move:
//   median     the middle value                                  (profiler::median, module 14)
//   MAD        the median of |x - median|: a spread of the typical runs
//   bootstrap  a 95% confidence interval of the median without assuming any distribution:
//              resample the runs with replacement many times, take the median of each
//              resample, and keep the middle 95% of those medians (the percentile bootstrap).
// The resampling is seeded, so the same runs always give the same interval.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "tinytorch/profiling/latency.hpp"

namespace tinytorch::benchmark {

using profiler::median;
using profiler::percentile;

/// A two-sided interval [low, high].
struct Interval {
    double low = 0, high = 0;
    bool contains(double v) const { return low <= v && v <= high; }
};

/// The arithmetic mean.
inline double mean(const std::vector<double>& values) {
    if (values.empty()) throw ValueError("mean: no values; hint: measure at least one sample first");
    double s = 0;
    for (double v : values) s += v;
    return s / static_cast<double>(values.size());
}

/// Median absolute deviation: median(|x_i − median(x)|). (× 1.4826 estimates the standard
/// deviation of normally distributed data; we report the raw MAD.)
inline double mad(const std::vector<double>& values) {
    if (values.empty()) throw ValueError("mad: no values; hint: measure at least one sample first");
    // BEGIN SOLUTION: mad (§1)
    const double m = median(values);
    std::vector<double> dev(values.size());
    for (size_t i = 0; i < values.size(); ++i) dev[i] = std::fabs(values[i] - m);
    return median(dev);
    // END SOLUTION
}

/// One resample with replacement: n draws of an index in [0, n) from `gen`, in order.
inline std::vector<double> resample(const std::vector<double>& values, Generator& gen) {
    std::vector<double> out(values.size());
    for (double& v : out) v = values[static_cast<size_t>(gen.randint(values.size()))];
    return out;
}

/// Percentile-bootstrap confidence interval of `statistic` (default: the median): `resamples`
/// resamples drawn with Generator(seed), the statistic of each, and the (1 − c)/2 and (1 + c)/2
/// percentiles of those statistics.
inline Interval bootstrap_ci(const std::vector<double>& values, double confidence = 0.95, int resamples = 2000,
                             uint64_t seed = 0,
                             const std::function<double(const std::vector<double>&)>& statistic = nullptr) {
    if (values.empty()) throw ValueError("bootstrap_ci: no values; hint: measure at least one sample first");
    if (!(confidence > 0.0 && confidence < 1.0) || resamples < 1)
        throw ValueError(fmt("bootstrap_ci: needs 0 < confidence < 1 and resamples >= 1, got ", confidence, " and ",
                             resamples, "; hint: bootstrap_ci(samples, 0.95, 2000, seed)"));
    const auto stat = statistic ? statistic : [](const std::vector<double>& v) { return median(v); };
    // BEGIN SOLUTION: bootstrap_ci (§2)
    Generator gen(seed);
    std::vector<double> stats(static_cast<size_t>(resamples));
    for (double& s : stats) s = stat(resample(values, gen));
    const double tail = 100.0 * (1.0 - confidence) / 2.0;
    return {percentile(stats, tail), percentile(stats, 100.0 - tail)};
    // END SOLUTION
}

/// Confidence interval of median(a) / median(b): each resample draws from a and from b
/// independently (the two were measured independently).
inline Interval ratio_ci(const std::vector<double>& a, const std::vector<double>& b, double confidence = 0.95,
                         int resamples = 2000, uint64_t seed = 0) {
    if (a.empty() || b.empty()) throw ValueError("ratio_ci: both sides need samples; hint: measure both first");
    if (!(confidence > 0.0 && confidence < 1.0) || resamples < 1)
        throw ValueError(fmt("ratio_ci: needs 0 < confidence < 1 and resamples >= 1, got ", confidence, " and ",
                             resamples, "; hint: ratio_ci(a, b, 0.95, 2000, seed)"));
    // BEGIN SOLUTION: ratio_ci (§2)
    Generator gen(seed);
    std::vector<double> ratios(static_cast<size_t>(resamples));
    for (double& r : ratios) {
        const double ma = median(resample(a, gen));
        const double mb = median(resample(b, gen));
        r = ma / mb;
    }
    const double tail = 100.0 * (1.0 - confidence) / 2.0;
    return {percentile(ratios, tail), percentile(ratios, 100.0 - tail)};
    // END SOLUTION
}

}  // namespace tinytorch::benchmark
