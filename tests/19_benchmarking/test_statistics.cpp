// tests/19_benchmarking/test_statistics.cpp — robust statistics against hand-worked values;
// bootstrap intervals reproducible with a seed.
#include "support/catch.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"

using namespace tinytorch;
using namespace tinytorch::benchmark;

TEST_CASE("MAD is the median of absolute deviations from the median", "[19_benchmarking]") {
    // median 3; |x - 3| = 2 1 0 1 97 -> sorted 0 1 1 2 97 -> 1: the outlier does not move it
    CHECK(mad({1, 2, 3, 4, 100}) == 1.0);
    // median 2; deviations 1 1 0 0 2 4 7 -> sorted 0 0 1 1 2 4 7 -> 1
    CHECK(mad({1, 1, 2, 2, 4, 6, 9}) == 1.0);
    // even count: median 2.5; deviations 1.5 0.5 0.5 1.5 -> 1.0
    CHECK(mad({1, 2, 3, 4}) == 1.0);
    CHECK(mad({5, 5, 5}) == 0.0);
    CHECK(mean(std::vector<double>{1, 2, 3, 4, 100}) == 22.0);
    CHECK(median({1, 2, 3, 4, 100}) == 3.0);
}

TEST_CASE("statistics of nothing are errors", "[19_benchmarking][provided]") {
    CHECK_THROWS_AS(mad({}), ValueError);
    CHECK_THROWS_AS(mean(std::vector<double>{}), ValueError);
    CHECK_THROWS_AS(bootstrap_ci({}), ValueError);
    CHECK_THROWS_WITH(bootstrap_ci({1, 2}, 1.5), Contains("confidence"));
    CHECK_THROWS_AS(ratio_ci({1}, {}), ValueError);
}

TEST_CASE("bootstrap intervals are reproducible with a seed", "[19_benchmarking]") {
    const std::vector<double> x{10.2, 10.4, 9.9, 10.1, 12.5, 10.0, 10.3, 9.8, 10.6, 11.0};
    const Interval a = bootstrap_ci(x, 0.95, 1000, 42), b = bootstrap_ci(x, 0.95, 1000, 42);
    CHECK(a.low == b.low);
    CHECK(a.high == b.high);
    CHECK(a.low <= median(x));
    CHECK(median(x) <= a.high);
    CHECK(a.low >= 9.8);   // a bootstrap median is always one of the data's middle values
    CHECK(a.high <= 12.5);
    // a wider confidence level never gives a narrower interval
    const Interval wide = bootstrap_ci(x, 0.99, 1000, 42);
    CHECK(wide.low <= a.low);
    CHECK(wide.high >= a.high);
}

TEST_CASE("bootstrap intervals match hand-worked cases", "[19_benchmarking]") {
    // constant data: every resample has the same median
    const Interval c = bootstrap_ci({4, 4, 4, 4}, 0.95, 500, 1);
    CHECK(c.low == 4.0);
    CHECK(c.high == 4.0);
    // two values {1, 3}: a resample's median is 1 (p = 1/4), 2 (1/2) or 3 (1/4); the 2.5% and
    // 97.5% points of 4000 such medians are 1 and 3
    const Interval two = bootstrap_ci({1, 3}, 0.95, 4000, 7);
    CHECK(two.low == 1.0);
    CHECK(two.high == 3.0);
    // at 40% confidence the 30th and 70th percentiles both fall among the medians equal to 2
    const Interval narrow = bootstrap_ci({1, 3}, 0.40, 4000, 7);
    CHECK(narrow.low == 2.0);
    CHECK(narrow.high == 2.0);
    // another statistic: the mean of {0, 10} resamples is 0, 5 or 10
    const Interval m = bootstrap_ci({0, 10}, 0.95, 4000, 3, [](const std::vector<double>& v) { return benchmark::mean(v); });
    CHECK(m.low == 0.0);
    CHECK(m.high == 10.0);
}

TEST_CASE("ratio intervals resample both sides", "[19_benchmarking]") {
    const Interval same = ratio_ci({2, 2, 2}, {1, 1, 1}, 0.95, 500, 0);
    CHECK(same.low == 2.0);
    CHECK(same.high == 2.0);
    const std::vector<double> a{2.0, 2.2, 1.9, 2.1, 2.05}, b{1.0, 1.1, 0.95, 1.05, 1.0};
    const Interval r = ratio_ci(a, b, 0.95, 2000, 9);
    CHECK(r.low <= median(a) / median(b));
    CHECK(median(a) / median(b) <= r.high);
    CHECK(r.low >= 1.9 / 1.1);   // the extremes a resample can reach
    CHECK(r.high <= 2.2 / 0.95);
    const Interval again = ratio_ci(a, b, 0.95, 2000, 9);
    CHECK(again.low == r.low);
    CHECK(again.high == r.high);
}
