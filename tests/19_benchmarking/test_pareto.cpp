// tests/19_benchmarking/test_pareto.cpp — dominance and the Pareto front on a hand example; the plot.
#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"

using namespace tinytorch;
using namespace tinytorch::benchmark;

namespace pareto_test {
std::vector<ModelVariant> variants() {
    return {{"A", 0.90, 1.0, 100}, {"B", 0.95, 2.0, 300}, {"C", 0.93, 3.0, 200}, {"D", 0.80, 0.5, 50},
            {"E", 0.90, 1.5, 100}};
}
}  // namespace pareto_test
using pareto_test::variants;

TEST_CASE("dominance needs at least as good in both and better in one", "[19_benchmarking]") {
    const auto v = variants();
    CHECK(dominates(v[1], v[2], Cost::latency));   // B: more accurate and faster than C
    CHECK_FALSE(dominates(v[1], v[2], Cost::size));  // ... but bigger
    CHECK(dominates(v[0], v[4], Cost::latency));   // A: as accurate, faster than E
    CHECK_FALSE(dominates(v[0], v[4], Cost::size));  // same accuracy and size: a tie
    CHECK_FALSE(dominates(v[0], v[0], Cost::latency));
}

TEST_CASE("the Pareto front keeps the undominated variants cheapest first", "[19_benchmarking]") {
    const auto v = variants();
    // latency: D (0.5 ms) A (1) B (2); C is beaten by B, E by A
    CHECK(pareto_front(v, Cost::latency) == std::vector<size_t>{3, 0, 1});
    // size: D (50) A (100) E (100, ties A) C (200) B (300)
    CHECK(pareto_front(v, Cost::size) == std::vector<size_t>{3, 0, 4, 2, 1});
    CHECK(pareto_front({}, Cost::size).empty());
}

TEST_CASE("the Pareto plot shows every variant and marks the front", "[19_benchmarking]") {
    const auto v = variants();
    const std::string svg = pareto_svg(v, "variants");
    CHECK(svg.rfind("<svg", 0) == 0);
    CHECK_THAT(svg, Contains("latency (ms)") && Contains("size (KiB)") && Contains(">C</text>"));
    size_t circles = 0, filled = 0;
    for (size_t p = svg.find("<circle"); p != std::string::npos; p = svg.find("<circle", p + 1)) {
        ++circles;
        if (svg.compare(svg.find("fill=", p), 14, "fill='#d62728'") == 0) ++filled;
    }
    CHECK(circles == 2 * v.size());
    CHECK(filled == 3 + 5);  // the latency front has 3, the size front 5
    tinytorch_test::TempDir dir;
    write_pareto_svg(dir.file("p.svg"), v, "variants");
    std::ifstream in(dir.file("p.svg"));
    std::string first;
    std::getline(in, first);
    CHECK(first.rfind("<svg", 0) == 0);
    CHECK_THROWS_AS(pareto_svg({}, "none"), ValueError);
}
