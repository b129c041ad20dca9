// include/tinytorch/benchmarking/comparison.hpp
// Module 19 · Benchmarking — lesson: modules/19_benchmarking/README.md §6 (comparing)
//
// "B is 1.21× faster than A" means little without its uncertainty. compare(a, b) gives the
// ratio of median throughputs and a bootstrap interval of that ratio; only when the whole
// interval lies above (below) 1 is B faster (slower) — otherwise the run cannot tell.
#pragma once
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "tinytorch/benchmarking/harness.hpp"

namespace tinytorch::benchmark {

struct Comparison {
    std::string baseline, candidate;
    double ratio = 0;    ///< candidate throughput / baseline throughput (> 1: the candidate is faster)
    Interval ci;         ///< bootstrap interval of the ratio
    double confidence = 0.95;
    /// "faster", "slower" or "no clear difference" (the interval contains 1).
    std::string verdict() const {
        if (ci.low > 1.0) return "faster";
        if (ci.high < 1.0) return "slower";
        return "no clear difference";
    }
};

/// The candidate's throughput over the baseline's, with a `confidence` interval from
/// ratio_ci over the per-repeat throughputs of both.
inline Comparison compare(const Measurement& baseline, const Measurement& candidate, double confidence = 0.95,
                          int resamples = 2000, uint64_t seed = 0) {
    Comparison c;
    c.baseline = baseline.name;
    c.candidate = candidate.name;
    c.confidence = confidence;
    // BEGIN SOLUTION: compare (§6)
    auto rates = [](const Measurement& m) {
        std::vector<double> r(m.seconds_per_call.size());
        for (size_t i = 0; i < r.size(); ++i) r[i] = m.items_per_call / m.seconds_per_call[i];
        return r;
    };
    const std::vector<double> rb = rates(baseline), rc = rates(candidate);
    c.ratio = median(rc) / median(rb);
    c.ci = ratio_ci(rc, rb, confidence, resamples, seed);
    // END SOLUTION
    return c;
}

namespace detail {
inline std::string pad(const std::string& s, size_t w, bool right = false) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}
inline std::string num(double v, const char* format = "%.4g") {
    char buf[48];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}
/// 1.234 ms, 56.7 us, 2.1 s
inline std::string seconds_str(double s) {
    if (s >= 1.0) return num(s, "%.3f s");
    if (s >= 1e-3) return num(s * 1e3, "%.3f ms");
    if (s >= 1e-6) return num(s * 1e6, "%.2f us");
    return num(s * 1e9, "%.1f ns");
}
}  // namespace detail

/// One line per measurement: median time per call ± MAD, its interval, throughput, latencies.
inline std::string measurement_table(const std::vector<Measurement>& ms) {
    std::vector<std::vector<std::string>> rows = {
        {"case", "median/call", "MAD", "95% CI of median", "throughput", "p50", "p90", "p99", "calls x repeats"}};
    for (const Measurement& m : ms) {
        rows.push_back({m.name, detail::seconds_str(m.median_s), detail::seconds_str(m.mad_s),
                        "[" + detail::seconds_str(m.median_ci_s.low) + ", " + detail::seconds_str(m.median_ci_s.high) + "]",
                        detail::num(m.throughput) + " " + m.unit + "/s", detail::seconds_str(m.p50_s),
                        detail::seconds_str(m.p90_s), detail::seconds_str(m.p99_s) + (m.per_call_latency ? "" : "*"),
                        std::to_string(m.calls_per_repeat) + " x " + std::to_string(m.seconds_per_call.size())});
    }
    std::vector<size_t> w(rows[0].size(), 0);
    for (const auto& r : rows)
        for (size_t j = 0; j < r.size(); ++j) w[j] = std::max(w[j], r[j].size());
    std::string out;
    for (size_t i = 0; i < rows.size(); ++i) {
        for (size_t j = 0; j < rows[i].size(); ++j) out += detail::pad(rows[i][j], w[j], j > 0) + (j + 1 < w.size() ? "  " : "");
        out += "\n";
    }
    bool starred = false;
    for (const Measurement& m : ms) starred = starred || !m.per_call_latency;
    if (starred) out += "* percentiles of the repeats' mean call times (calls too short to time one by one)\n";
    return out;
}

/// One line per comparison: ratio, its interval and the verdict.
inline std::string comparison_table(const std::vector<Comparison>& cs) {
    std::vector<std::vector<std::string>> rows = {{"candidate", "vs baseline", "ratio", "CI", "verdict"}};
    for (const Comparison& c : cs)
        rows.push_back({c.candidate, c.baseline, detail::num(c.ratio, "%.3fx"),
                        "[" + detail::num(c.ci.low, "%.3f") + ", " + detail::num(c.ci.high, "%.3f") + "] (" +
                            detail::num(100 * c.confidence, "%.0f") + "%)",
                        c.verdict()});
    std::vector<size_t> w(rows[0].size(), 0);
    for (const auto& r : rows)
        for (size_t j = 0; j < r.size(); ++j) w[j] = std::max(w[j], r[j].size());
    std::string out;
    for (const auto& r : rows) {
        for (size_t j = 0; j < r.size(); ++j) out += detail::pad(r[j], w[j], j == 2) + (j + 1 < w.size() ? "  " : "");
        out += "\n";
    }
    return out;
}

}  // namespace tinytorch::benchmark
