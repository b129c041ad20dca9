// include/tinytorch/benchmarking/harness.hpp
// Module 19 · Benchmarking — lesson: modules/19_benchmarking/README.md §3 (calibration), §4 (measuring)
//
// The one benchmark harness. measure(name, fn) does what a careful person does by hand:
//   1. warm-up    call fn untimed for a while: caches, the allocator's free lists, lazily
//                 built state and the CPU's clock all settle;
//   2. calibrate  find how many calls make one timed repeat last at least repeat_seconds, so
//                 the clock's resolution and overhead disappear in the repeat's length;
//   3. repeat     time `repeats` such repeats (each call on its own too when calls are long
//                 enough, for latency percentiles);
//   4. summarise  median and MAD per call, a bootstrap CI of the median, throughput, p50/p90/p99.
// measure_interleaved(cases) alternates the cases repeat by repeat (and reverses the order every
// other round), so a burst of load from another program hits every case alike.
// The clock is a parameter: tests drive the harness with a fake clock, never with real time.
//
// Steps 1-3 are ready-made (collect(): read them — the lesson walks through them) so that every
// analysis program of the course can time things with them from module 01 on; step 4, the
// statistics, is yours (summarize(), §4).
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tinytorch/benchmarking/statistics.hpp"

namespace tinytorch::benchmark {

/// Seconds from some fixed point. The default reads std::chrono::steady_clock.
using Clock = std::function<double()>;

inline double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// CPU time of the calling thread, where the system has it (else steady_seconds). Unlike wall
/// time, other programs on a busy machine do not inflate it — but it misses work done by other
/// threads, so use it for single-threaded code only.
inline double thread_cpu_seconds() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
#else
    return steady_seconds();
#endif
}

struct BenchmarkOptions {
    double warmup_seconds = 0.2;       ///< untimed calls for at least this long ...
    int64_t min_warmup_calls = 2;      ///< ... and at least this many
    double repeat_seconds = 0.1;       ///< a timed repeat lasts at least this long (calibrated)
    int repeats = 7;                   ///< timed repeats
    int64_t max_calls_per_repeat = 1'000'000'000;
    double items_per_call = 1.0;       ///< what one call processes (samples, FLOPs, ...): throughput = items / s
    std::string unit = "calls";        ///< the name of an item, for tables and JSON ("samples", "GFLOP")
    double per_call_threshold_s = 1e-5;  ///< calls at least this long are also timed one by one
    double confidence = 0.95;          ///< of the bootstrap intervals
    int resamples = 2000;              ///< bootstrap resamples
    uint64_t seed = 0;                 ///< bootstrap seed: same samples, same interval
    Clock clock;                       ///< empty: steady_seconds
};

/// One benchmarked case: what was timed and its statistics (times in seconds).
struct Measurement {
    std::string name, unit;
    double items_per_call = 1.0;
    int64_t warmup_calls = 0, calls_per_repeat = 0;
    std::vector<double> seconds_per_call;  ///< one per repeat: the repeat's time / its calls
    std::vector<double> call_seconds;      ///< each call of every repeat, when timed one by one
    double median_s = 0, mad_s = 0, min_s = 0, max_s = 0;
    Interval median_ci_s;                  ///< bootstrap interval of the median time per call
    double throughput = 0;                 ///< median items per second
    Interval throughput_ci;
    double p50_s = 0, p90_s = 0, p99_s = 0;
    bool per_call_latency = false;         ///< percentiles of single calls (else of repeats' means)
};

/// How many calls make one repeat last at least `target_seconds`: time 1 call, then grow the
/// count by the factor the last time predicts (×1.2 to land above the target), at least ×1.5
/// (never stuck) and at most ×10 (one slow outlier cannot blow it up), until a run reaches it.
/// `seconds_per_call`, if given, receives the last run's time per call.
inline int64_t calibrate_calls(const std::function<void()>& fn, const Clock& clock, double target_seconds,
                               int64_t max_calls = 1'000'000'000, double* seconds_per_call = nullptr) {
    if (!(target_seconds > 0) || max_calls < 1)
        throw ValueError(fmt("calibrate_calls: needs target_seconds > 0 and max_calls >= 1, got ", target_seconds,
                             " and ", max_calls, "; hint: e.g. calibrate_calls(fn, clock, 0.1)"));
    int64_t n = 1;
    while (true) {
        const double t0 = clock();
        for (int64_t i = 0; i < n; ++i) fn();
        const double t = clock() - t0;
        if (seconds_per_call) *seconds_per_call = t / static_cast<double>(n);
        if (t >= target_seconds || n >= max_calls) return n;
        const double grow = std::clamp(t > 0 ? 1.2 * target_seconds / t : 10.0, 1.5, 10.0);
        n = std::min(max_calls, std::max(n + 1, static_cast<int64_t>(std::ceil(static_cast<double>(n) * grow))));
    }
}

/// The raw timings of one case: what collect() measured, before any statistics.
struct Samples {
    std::string name;
    double items_per_call = 1.0;
    int64_t warmup_calls = 0, calls_per_repeat = 0;
    std::vector<double> seconds_per_call;  ///< one per repeat: the repeat's time / its calls
    std::vector<double> call_seconds;      ///< each call of every repeat, when timed one by one
    /// The median seconds per call over the repeats (middle value; mean of the middle two).
    double median_s() const {
        if (seconds_per_call.empty()) return 0;
        std::vector<double> v = seconds_per_call;
        std::sort(v.begin(), v.end());
        const size_t n = v.size();
        return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
    double min_s() const { return seconds_per_call.empty() ? 0 : *std::min_element(seconds_per_call.begin(), seconds_per_call.end()); }
    double max_s() const { return seconds_per_call.empty() ? 0 : *std::max_element(seconds_per_call.begin(), seconds_per_call.end()); }
};

/// A case for measure_interleaved / collect_interleaved.
struct Case {
    std::string name;
    std::function<void()> fn;
    double items_per_call = 0;  ///< 0: the options' items_per_call
};

namespace detail {
/// Warm-up and calibration of one case.
struct Plan {
    int64_t warmup_calls = 0, calls = 1;
    bool per_call = false;  ///< calls are long enough to time one by one
};
inline Plan plan(const std::function<void()>& fn, const Clock& clock, const BenchmarkOptions& o) {
    Plan p;
    const double start = clock();
    while (p.warmup_calls < o.min_warmup_calls || clock() - start < o.warmup_seconds) {
        fn();
        ++p.warmup_calls;
    }
    double per_call_s = 0;
    p.calls = calibrate_calls(fn, clock, o.repeat_seconds, o.max_calls_per_repeat, &per_call_s);
    p.per_call = per_call_s >= o.per_call_threshold_s;  // long enough to time each call on its own
    return p;
}
/// One timed repeat: `calls` calls; their single times go to `calls_out` when timed one by one.
inline double repeat(const std::function<void()>& fn, const Clock& clock, const Plan& p, std::vector<double>& calls_out) {
    if (!p.per_call) {
        const double t0 = clock();
        for (int64_t i = 0; i < p.calls; ++i) fn();
        return (clock() - t0) / static_cast<double>(p.calls);
    }
    double total = 0;
    for (int64_t i = 0; i < p.calls; ++i) {
        const double t0 = clock();
        fn();
        const double t = clock() - t0;
        calls_out.push_back(t);
        total += t;
    }
    return total / static_cast<double>(p.calls);
}
inline void check_options(const BenchmarkOptions& o, const char* op) {
    if (o.repeats < 1 || !(o.repeat_seconds > 0) || o.warmup_seconds < 0 || !(o.items_per_call > 0))
        throw ValueError(fmt(op, ": needs repeats >= 1, repeat_seconds > 0, warmup_seconds >= 0 and items_per_call > 0, "
                             "got ", o.repeats, ", ", o.repeat_seconds, ", ", o.warmup_seconds, ", ", o.items_per_call,
                             "; hint: the defaults (7 repeats of 0.1 s after 0.2 s of warm-up) suit most cases"));
}
}  // namespace detail

/// Steps 1-3 for several cases: each is warmed up and calibrated, then `repeats` rounds run one
/// repeat of every case — in order, then reversed, alternately.
inline std::vector<Samples> collect_interleaved(const std::vector<Case>& cases, const BenchmarkOptions& options = {}) {
    detail::check_options(options, "collect_interleaved");
    const Clock clock = options.clock ? options.clock : Clock(steady_seconds);
    std::vector<detail::Plan> plans;
    for (const Case& c : cases) plans.push_back(detail::plan(c.fn, clock, options));
    std::vector<Samples> out(cases.size());
    for (int r = 0; r < options.repeats; ++r)
        for (size_t j = 0; j < cases.size(); ++j) {
            const size_t k = r % 2 ? cases.size() - 1 - j : j;
            out[k].seconds_per_call.push_back(detail::repeat(cases[k].fn, clock, plans[k], out[k].call_seconds));
        }
    for (size_t k = 0; k < cases.size(); ++k) {
        out[k].name = cases[k].name;
        out[k].items_per_call = cases[k].items_per_call > 0 ? cases[k].items_per_call : options.items_per_call;
        out[k].warmup_calls = plans[k].warmup_calls;
        out[k].calls_per_repeat = plans[k].calls;
    }
    return out;
}

/// Steps 1-3 for one case.
inline Samples collect(const std::string& name, const std::function<void()>& fn, const BenchmarkOptions& options = {}) {
    return collect_interleaved({Case{name, fn, 0}}, options)[0];
}

/// Step 4: the statistics of a case's samples (options: confidence, resamples, seed, unit).
inline Measurement summarize(const Samples& samples, const BenchmarkOptions& o = {}) {
    if (samples.seconds_per_call.empty())
        throw ValueError(fmt("summarize: '", samples.name, "' has no timed repeats; hint: repeats must be >= 1"));
    Measurement m;
    m.name = samples.name;
    m.unit = o.unit;
    m.items_per_call = samples.items_per_call;
    m.warmup_calls = samples.warmup_calls;
    m.calls_per_repeat = samples.calls_per_repeat;
    m.seconds_per_call = samples.seconds_per_call;
    m.call_seconds = samples.call_seconds;
    // BEGIN SOLUTION: summarize (§4)
    const std::vector<double>& t = samples.seconds_per_call;
    m.median_s = median(t);
    m.mad_s = mad(t);
    m.min_s = *std::min_element(t.begin(), t.end());
    m.max_s = *std::max_element(t.begin(), t.end());
    m.median_ci_s = bootstrap_ci(t, o.confidence, o.resamples, o.seed);
    std::vector<double> rates(t.size());
    for (size_t i = 0; i < rates.size(); ++i) rates[i] = samples.items_per_call / t[i];
    m.throughput = median(rates);
    m.throughput_ci = bootstrap_ci(rates, o.confidence, o.resamples, o.seed);
    m.per_call_latency = !samples.call_seconds.empty();
    const std::vector<double>& lat = m.per_call_latency ? samples.call_seconds : t;
    m.p50_s = percentile(lat, 50);
    m.p90_s = percentile(lat, 90);
    m.p99_s = percentile(lat, 99);
    // END SOLUTION
    return m;
}

/// collect_interleaved + summarize: the cases measured together, with statistics.
inline std::vector<Measurement> measure_interleaved(const std::vector<Case>& cases, const BenchmarkOptions& options = {}) {
    std::vector<Measurement> out;
    for (const Samples& s : collect_interleaved(cases, options)) out.push_back(summarize(s, options));
    return out;
}

/// Median seconds per call, set up for the analysis programs of the course: calibrated repeats
/// of `repeat_seconds`, `repeats` of them (ready-made, no statistics of §4). The calibration
/// runs (at least `repeat_seconds` of calls) are the warm-up; a call slower than `repeat_seconds`
/// runs 1 + repeats times.
inline double seconds_per_call(const std::function<void()>& fn, int repeats = 5, double repeat_seconds = 0.04,
                               double warmup_seconds = 0.0, const Clock& clock = {}) {
    BenchmarkOptions o;
    o.clock = clock;
    o.warmup_seconds = warmup_seconds;
    o.min_warmup_calls = 0;
    o.repeat_seconds = repeat_seconds;
    o.repeats = repeats;
    return collect("", fn, o).median_s();
}

/// One case: warm-up, calibration, repeats, statistics.
inline Measurement measure(const std::string& name, const std::function<void()>& fn, const BenchmarkOptions& options = {}) {
    return summarize(collect(name, fn, options), options);
}

}  // namespace tinytorch::benchmark
