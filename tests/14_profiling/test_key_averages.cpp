// tests/14_profiling/test_key_averages.cpp — grouping, sums, sorting and the printed table.
#include "support/catch.hpp"
#include "tinytorch/profiling/profiling.hpp"
#include "helpers.hpp"

using namespace tinytorch;
using namespace tinytorch::profiler;
using namespace profiling_test;

TEST_CASE("key_averages sums calls and times per op name", "[14_profiling]") {
    Tensor a = ones({2, 3}), b = ones({4});
    Profiler prof;
    for (int i = 0; i < 3; ++i) Tensor c = a + a;
    for (int i = 0; i < 2; ++i) Tensor c = b + b;
    Tensor d = a * a;
    prof.stop();
    KeyAverages avg = prof.key_averages();
    const EventAverage* add = avg.find("add");
    REQUIRE(add);
    CHECK(add->count == 5);
    CHECK(add->flops == 3 * 6 + 2 * 4);
    int64_t self = 0, total = 0;
    for (const Event* e : named(prof.events(), "add")) self += e->self_ns, total += e->duration_ns;
    CHECK(add->self_ns == self);
    CHECK(add->total_ns == total);
    CHECK(add->average_ns() == Approx(double(total) / 5));
    REQUIRE(avg.find("mul"));
    CHECK(avg.find("mul")->count == 1);
    for (size_t i = 1; i < avg.rows.size(); ++i) CHECK(avg.rows[i - 1].self_ns >= avg.rows[i].self_ns);
    int64_t all = 0;
    for (const Event& e : prof.events()) all += e.self_ns;
    CHECK(avg.self_ns_total == all);
}

TEST_CASE("key_averages can group by input shape", "[14_profiling]") {
    Tensor a = ones({2, 3}), b = ones({4});
    Profiler prof;
    for (int i = 0; i < 3; ++i) Tensor c = a + a;
    for (int i = 0; i < 2; ++i) Tensor c = b + b;
    prof.stop();
    KeyAverages avg = prof.key_averages(true);
    int found = 0;
    for (const EventAverage& r : avg.rows) {
        if (r.name != "add") continue;
        ++found;
        if (r.input_shapes == "[[2, 3], [2, 3]]") CHECK(r.count == 3);
        else if (r.input_shapes == "[[4], [4]]") CHECK(r.count == 2);
        else FAIL("unexpected shapes " << r.input_shapes);
    }
    CHECK(found == 2);
    CHECK_THAT(avg.table(), Contains("Input Shapes") && Contains("[[4], [4]]"));
}

TEST_CASE("the key averages table has the torch profiler columns", "[14_profiling]") {
    auto net = small_mlp();
    Tensor x = randn({3, 4});
    Profiler prof;
    Tensor y = (*net)(x);
    prof.stop();
    const std::string t = prof.key_averages().table();
    for (const char* column : {"Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                               "# of Calls", "FLOPs", "Self Alloc", "Alloc", "Self CPU time total:"})
        CHECK_THAT(t, Contains(column));
    CHECK_THAT(t, Contains("matmul") && Contains("nn.Module: Linear"));
    // row_limit keeps the top rows only
    const std::string two = prof.key_averages().table("self_cpu_time_total", 2);
    CHECK(std::count(two.begin(), two.end(), '\n') == 2 + 5);  // 2 rows + 3 rules + header + footer
    CHECK_THROWS_AS(prof.key_averages().table("speed"), ValueError);
    CHECK_THROWS_WITH(prof.key_averages().table("speed"), Contains("self_cpu_time_total"));
}
