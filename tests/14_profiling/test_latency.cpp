// tests/14_profiling/test_latency.cpp — percentiles against hand-worked values; the latency
// helper's warm-up and iteration counts (never its speed).
#include "support/catch.hpp"
#include "tinytorch/profiling/profiling.hpp"

using namespace tinytorch;
using namespace tinytorch::profiler;

TEST_CASE("percentile interpolates linearly between the nearest ranks", "[14_profiling]") {
    // sorted: 1 2 3 4 5 ; position (n-1)·q/100
    std::vector<double> v{5, 1, 4, 2, 3};
    CHECK(percentile(v, 0) == 1.0);
    CHECK(percentile(v, 100) == 5.0);
    CHECK(percentile(v, 50) == 3.0);
    CHECK(percentile(v, 90) == Approx(4.6));   // position 3.6: 4 + 0.6·(5 - 4)
    CHECK(percentile(v, 25) == Approx(2.0));   // position 1.0
    CHECK(percentile({10, 20}, 50) == 15.0);   // even count: the mean of the middle two
    CHECK(median({7}) == 7.0);
    CHECK(median({4, 1, 3, 2}) == 2.5);
}

TEST_CASE("percentile rejects empty input and q outside 0 to 100", "[14_profiling][provided]") {
    CHECK_THROWS_AS(percentile({}, 50), ValueError);
    CHECK_THROWS_WITH(percentile({}, 50), Contains("no values"));
    CHECK_THROWS_AS(percentile({1, 2}, 101), ValueError);
    CHECK_THROWS_WITH(percentile({1, 2}, -1), Contains("[0, 100]"));
}

TEST_CASE("measure_latency warms up then times every iteration", "[14_profiling]") {
    int calls = 0;
    LatencyStats s = measure_latency([&] { ++calls; }, 3, 7);
    CHECK(calls == 10);
    CHECK(s.warmup == 3);
    REQUIRE(s.samples_ms.size() == 7);
    CHECK(s.min_ms <= s.median_ms);
    CHECK(s.median_ms <= s.p90_ms);
    CHECK(s.p90_ms <= s.max_ms);
    CHECK(s.median_ms == percentile(s.samples_ms, 50));
    CHECK_THROWS_AS(measure_latency([] {}, 1, 0), ValueError);
}

TEST_CASE("latency_stats summarises given samples", "[14_profiling]") {
    LatencyStats s = latency_stats({4, 1, 3, 2, 10});
    CHECK(s.median_ms == 3.0);
    CHECK(s.p90_ms == Approx(7.6));  // position 3.6 of 1 2 3 4 10
    CHECK(s.mean_ms == 4.0);
    CHECK(s.min_ms == 1.0);
    CHECK(s.max_ms == 10.0);
}
