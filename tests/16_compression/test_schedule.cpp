// tests/16_compression/test_schedule.cpp — §4: Zhu & Gupta's cubic schedule, hand-worked, and a
// gradual pruning loop that reaches its target sparsity step by step.
#include "support/catch.hpp"
#include "tinytorch/compression/compression.hpp"
#include "compress_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::compression;

TEST_CASE("the cubic schedule rises fast then slowly from s_i to s_f", "[16_compression]") {
    GradualPruningSchedule s(0.0, 0.8, 10, 50, 10);
    CHECK(s.sparsity_at(0) == 0.0);   // before begin_step: nothing pruned yet
    CHECK(s.sparsity_at(10) == Approx(0.0));
    // t = 20: progress 0.25 -> 0.8 + (0 − 0.8)·0.75³ = 0.8 − 0.3375 = 0.4625
    CHECK(s.sparsity_at(20) == Approx(0.4625));
    CHECK(s.sparsity_at(30) == Approx(0.7));      // 0.8 − 0.8·0.125
    CHECK(s.sparsity_at(40) == Approx(0.7875));   // 0.8 − 0.8·0.015625
    CHECK(s.sparsity_at(50) == Approx(0.8));
    CHECK(s.sparsity_at(1000) == Approx(0.8));
    GradualPruningSchedule from_half(0.5, 0.9, 0, 4);
    CHECK(from_half.sparsity_at(0) == Approx(0.5));
    CHECK(from_half.sparsity_at(2) == Approx(0.9 - 0.4 * 0.125));
    CHECK(s.is_pruning_step(10));
    CHECK(s.is_pruning_step(30));
    CHECK(!s.is_pruning_step(31));
    CHECK(!s.is_pruning_step(60));
    CHECK(!s.is_pruning_step(0));
}

TEST_CASE("gradual pruning over a loop reaches the final sparsity, never going back", "[16_compression]") {
    auto net = std::make_shared<nn::Sequential>(nn::Linear(10, 10));
    auto outer = std::make_shared<nn::Sequential>(net);
    compress_test::set_values(net->at<nn::Linear>(0).weight, compress_test::uniform_values(100, -1.0f, 1.0f, 4));
    GradualPruningSchedule s(0.0, 0.9, 0, 8, 2);
    double last = 0.0;
    for (int64_t step = 0; step <= 8; ++step)
        if (s.is_pruning_step(step)) {
            magnitude_prune(*outer, s.sparsity_at(step));
            const double now = measure_sparsity(*outer);
            CHECK(now >= last);
            CHECK(now == Approx(s.sparsity_at(step)).margin(0.005));
            last = now;
        }
    CHECK(last == Approx(0.9));
}

TEST_CASE("the schedule refuses sparsities outside 0..1, a falling target and bad steps", "[16_compression]") {
    CHECK_THROWS_WITH(GradualPruningSchedule(0.0, 90.0, 0, 10),
                      Catch::Matchers::Contains("final_sparsity") && Catch::Matchers::Contains("got 90"));
    CHECK_THROWS_AS(GradualPruningSchedule(0.5, 0.2, 0, 10), ValueError);
    CHECK_THROWS_WITH(GradualPruningSchedule(0.0, 0.5, 10, 10), Catch::Matchers::Contains("begin_step < end_step"));
    CHECK_THROWS_WITH(GradualPruningSchedule(0.0, 0.5, 0, 10, 0), Catch::Matchers::Contains("frequency must be >= 1"));
    CHECK(GradualPruningSchedule(0.0, 0.5, 0, 10).sparsity_at(5) == Approx(0.5 - 0.5 * 0.125));
}
