// tests/19_benchmarking/test_comparison.cpp — ratios with their intervals, verdicts, tables.
#include "support/catch.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"

using namespace tinytorch;
using namespace tinytorch::benchmark;

namespace comparison_test {
Measurement made_up(const std::string& name, std::vector<double> seconds, double items = 1) {
    Samples s;
    s.name = name;
    s.items_per_call = items;
    s.seconds_per_call = std::move(seconds);
    return summarize(s);
}
}  // namespace comparison_test
using comparison_test::made_up;

TEST_CASE("compare gives the throughput ratio and its interval", "[19_benchmarking]") {
    Comparison c = compare(made_up("old", {0.02, 0.02, 0.02, 0.02, 0.02}), made_up("new", {0.01, 0.01, 0.01, 0.01, 0.01}));
    CHECK(c.baseline == "old");
    CHECK(c.candidate == "new");
    CHECK(c.ratio == Approx(2.0));
    CHECK(c.ci.low == Approx(2.0));
    CHECK(c.ci.high == Approx(2.0));
    CHECK(c.verdict() == "faster");
    CHECK(compare(made_up("new", {0.01, 0.01}), made_up("old", {0.02, 0.02})).verdict() == "slower");
    // throughput counts items: 64 samples in 0.02 s beat 16 samples in 0.01 s
    CHECK(compare(made_up("a", {0.01, 0.01}, 16), made_up("b", {0.02, 0.02}, 64)).ratio == Approx(2.0));
}

TEST_CASE("overlapping measurements give no clear difference", "[19_benchmarking]") {
    Measurement a = made_up("a", {0.010, 0.011, 0.012, 0.0105, 0.0115});
    Measurement b = made_up("b", {0.0105, 0.0115, 0.0110, 0.012, 0.010});
    Comparison c = compare(a, b, 0.95, 2000, 5);
    CHECK(c.ratio == Approx(1.0));
    CHECK(c.ci.contains(1.0));
    CHECK(c.verdict() == "no clear difference");
    const std::string table = comparison_table({c});
    CHECK_THAT(table, Contains("no clear difference") && Contains("1.000x") && Contains("(95%)"));
}

TEST_CASE("the measurement table lists median MAD interval and percentiles", "[19_benchmarking]") {
    Measurement a = made_up("fast path", {0.0010, 0.0011, 0.0012}, 256);
    a.unit = "samples";
    const std::string t = measurement_table({a});
    for (const char* s : {"fast path", "median/call", "MAD", "95% CI", "samples/s", "p50", "p90", "p99"})
        CHECK_THAT(t, Contains(s));
    CHECK_THAT(t, Contains("1.100 ms"));
}
