// tests/19_benchmarking/test_harness.cpp — warm-up, calibration, repeats and summaries driven by
// a fake clock, so every count and time is known exactly (no wall-clock speed is asserted).
#include <string>

#include "support/catch.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"

using namespace tinytorch;
using namespace tinytorch::benchmark;

namespace harness_test {
/// A clock that only moves when a fake workload "runs": each call advances it by `step`.
struct FakeMachine {
    double now = 0;
    int64_t calls = 0;
    Clock clock() { return [this] { return now; }; }
    std::function<void()> work(double step) {
        return [this, step] {
            now += step;
            ++calls;
        };
    }
};
constexpr double kStep = 1.0 / 256;  // a binary fraction: sums are exact
}  // namespace harness_test
using harness_test::FakeMachine;
using harness_test::kStep;

TEST_CASE("calibration grows the call count until a repeat reaches the target time", "[19_benchmarking][provided]") {
    FakeMachine m;
    // 1 call: 1/256 s -> grow ×10 (the cap) -> 10 calls: 10/256 s = 0.039 s
    // -> grow ×1.2·0.1/0.039 = 3.07 -> 31 calls: 0.121 s >= 0.1 s
    CHECK(calibrate_calls(m.work(kStep), m.clock(), 0.1) == 31);
    CHECK(m.calls == 1 + 10 + 31);
    FakeMachine slow;  // one call already exceeds the target
    CHECK(calibrate_calls(slow.work(0.5), slow.clock(), 0.1) == 1);
    CHECK(slow.calls == 1);
    FakeMachine capped;
    double per_call = 0;
    CHECK(calibrate_calls(capped.work(kStep), capped.clock(), 10.0, 25, &per_call) == 25);
    CHECK(per_call == kStep);
    // a clock that never moves: grows by 10 each round until the cap
    CHECK(calibrate_calls([] {}, [] { return 0.0; }, 0.1, 1000) == 1000);
}

TEST_CASE("measure warms up calibrates and times every repeat", "[19_benchmarking]") {
    FakeMachine m;
    BenchmarkOptions o;
    o.clock = m.clock();
    o.warmup_seconds = 4 * kStep;  // exactly 4 warm-up calls
    o.repeat_seconds = 0.1;
    o.repeats = 3;
    o.items_per_call = 64;
    o.unit = "samples";
    Measurement r = measure("fake", m.work(kStep), o);
    CHECK(r.name == "fake");
    CHECK(r.warmup_calls == 4);
    CHECK(r.calls_per_repeat == 31);
    // 4 warm-up + 42 calibration + 3 repeats of 31
    CHECK(m.calls == 4 + 42 + 3 * 31);
    REQUIRE(r.seconds_per_call.size() == 3);
    CHECK(r.median_s == kStep);
    CHECK(r.mad_s == 0.0);
    CHECK(r.median_ci_s.low == kStep);
    CHECK(r.median_ci_s.high == kStep);
    CHECK(r.throughput == 64 * 256.0);
    CHECK(r.per_call_latency);  // 3.9 ms per call: long enough to time one by one
    CHECK(r.call_seconds.size() == 3 * 31);
    CHECK(r.p99_s == kStep);
    CHECK(r.unit == "samples");
}

TEST_CASE("summaries use the median MAD and percentiles of the repeats", "[19_benchmarking]") {
    Samples s;
    s.name = "x";
    s.items_per_call = 2;
    s.seconds_per_call = {0.010, 0.012, 0.011, 0.030, 0.011};
    Measurement m = summarize(s);
    CHECK(m.median_s == Approx(0.011));
    CHECK(m.mad_s == Approx(0.001));  // deviations 0.001 0.001 0 0.019 0
    CHECK(m.min_s == Approx(0.010));
    CHECK(m.max_s == Approx(0.030));
    CHECK(m.throughput == Approx(2 / 0.011));
    CHECK_FALSE(m.per_call_latency);
    CHECK(m.p50_s == Approx(0.011));
    CHECK(m.p90_s == Approx(0.0228));  // sorted .010 .011 .011 .012 .030: position 3.6
    CHECK(m.median_ci_s.low <= m.median_s);
    CHECK(m.median_s <= m.median_ci_s.high);
    // single-call latencies, when given, are what the percentiles describe
    s.seconds_per_call = {0.01, 0.01};
    s.call_seconds = {0.01, 0.01, 0.01, 0.05};
    Measurement c = summarize(s);
    CHECK(c.per_call_latency);
    CHECK(c.p99_s == Approx(0.0488));  // position 2.97 of .01 .01 .01 .05
}

TEST_CASE("collect_interleaved alternates the order of the cases repeat by repeat", "[19_benchmarking][provided]") {
    FakeMachine m;
    std::string log;
    BenchmarkOptions o;
    o.clock = m.clock();
    o.warmup_seconds = 0;
    o.min_warmup_calls = 1;
    o.repeat_seconds = 0.5;  // one call of 1 s is already more than a repeat
    o.repeats = 4;
    auto a = [&] { m.now += 1.0; log += 'A'; };
    auto b = [&] { m.now += 2.0; log += 'B'; };
    std::vector<Samples> r = collect_interleaved({{"a", a, 10}, {"b", b, 0}}, o);
    // each case: 1 warm-up, 1 calibration call; then rounds AB, BA, AB, BA
    CHECK(log == "AABB" "AB" "BA" "AB" "BA");
    REQUIRE(r.size() == 2);
    CHECK(r[0].seconds_per_call == std::vector<double>{1, 1, 1, 1});
    CHECK(r[1].median_s() == 2.0);
    CHECK(r[0].items_per_call == 10);
    CHECK(r[1].items_per_call == 1);
    CHECK(r[0].call_seconds.size() == 4);  // 1 s calls are timed one by one
}

TEST_CASE("interleaved measurements keep each case's items per call", "[19_benchmarking]") {
    FakeMachine m;
    std::string log;
    BenchmarkOptions o;
    o.clock = m.clock();
    o.warmup_seconds = 0;
    o.min_warmup_calls = 1;
    o.repeat_seconds = 0.5;  // one call of 1 s is already more than a repeat
    o.repeats = 4;
    auto a = [&] { m.now += 1.0; log += 'A'; };
    auto b = [&] { m.now += 2.0; log += 'B'; };
    std::vector<Measurement> r = measure_interleaved({{"a", a, 10}, {"b", b, 0}}, o);
    CHECK(log == "AABB" "AB" "BA" "AB" "BA");
    REQUIRE(r.size() == 2);
    CHECK(r[0].median_s == 1.0);
    CHECK(r[1].median_s == 2.0);
    CHECK(r[0].throughput == 10.0);  // the case's own items per call
    CHECK(r[1].throughput == 0.5);   // the options' (1 per call)
}

TEST_CASE("harness options are checked", "[19_benchmarking][provided]") {
    BenchmarkOptions o;
    o.repeats = 0;
    CHECK_THROWS_AS(measure("x", [] {}, o), ValueError);
    CHECK_THROWS_WITH(measure("x", [] {}, o), Contains("repeats"));
    CHECK_THROWS_AS(calibrate_calls([] {}, steady_seconds, 0.0), ValueError);
}

TEST_CASE("seconds_per_call runs warm-up calibration and repeats", "[19_benchmarking][provided]") {
    int calls = 0;
    const double s = seconds_per_call([&] { ++calls; }, 3, 1e-4, 0.0);
    CHECK(s >= 0.0);
    CHECK(calls >= 1 + 3);  // at least the calibration and one call per repeat
}

TEST_CASE("the harness runs on the real clock without asserting speed", "[19_benchmarking]") {
    BenchmarkOptions o;
    o.warmup_seconds = 0.001;
    o.repeat_seconds = 0.002;
    o.repeats = 3;
    Tensor a = ones({16, 16});
    Measurement r = measure("matmul 16", [&] { (void)a.matmul(a); }, o);
    CHECK(r.seconds_per_call.size() == 3);
    CHECK(r.calls_per_repeat >= 1);
    CHECK(r.median_s > 0);
    CHECK(r.min_s <= r.median_s);
    CHECK(r.median_s <= r.max_s);
}
