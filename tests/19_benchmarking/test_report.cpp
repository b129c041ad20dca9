// tests/19_benchmarking/test_report.cpp — the environment record and the JSON report, read back.
#include <cstdlib>

#include "support/catch.hpp"
#include "support/json_reader.hpp"
#include "support/temp_dir.hpp"
#include "tinytorch/benchmarking/benchmarking.hpp"

using namespace tinytorch;
using namespace tinytorch::benchmark;

TEST_CASE("the environment record names the CPU ISA threads BLAS and OpenBLAS variables", "[19_benchmarking][provided]") {
    Environment e = capture_environment();
    CHECK_FALSE(e.cpu_model.empty());
    CHECK(e.logical_cpus >= 1);
    CHECK(e.threads == get_num_threads());
    CHECK(e.gemm_backend == tinytorch::detail::gemm_backend_name());
    const char* core = std::getenv("OPENBLAS_CORETYPE");
    CHECK(e.openblas_coretype == (core ? core : "unset"));
    const char* l2 = std::getenv("OPENBLAS_L2_SIZE");
    CHECK(e.openblas_l2_size == (l2 ? l2 : "unset"));
    for (const std::string& isa : e.compiled_isa)  // a build cannot use what the CPU lacks
        if (!e.cpu_isa.empty() && isa != "neon") CHECK(std::find(e.cpu_isa.begin(), e.cpu_isa.end(), isa) != e.cpu_isa.end());
    const test_json::Value j = test_json::parse(e.to_json());
    CHECK(j["cpu_model"].str == e.cpu_model);
    CHECK(j["load_average"].size() == 3);
    CHECK(j["cpu_isa"].is_array());
    CHECK(j["openblas_l2_size"].str == e.openblas_l2_size);
    CHECK_THAT(e.to_string(), Contains("OPENBLAS_CORETYPE=") && Contains("load average"));
}

TEST_CASE("the JSON report holds the environment measurements and comparisons", "[19_benchmarking]") {
    BenchmarkOptions o;
    o.unit = "samples";
    Samples sa, sb;
    sa.name = "baseline";
    sb.name = "candidate";
    sa.items_per_call = sb.items_per_call = 32;
    sa.seconds_per_call = {0.02, 0.021, 0.019};
    sb.seconds_per_call = {0.01, 0.011, 0.009};
    Measurement a = summarize(sa, o), b = summarize(sb, o);
    Comparison c = compare(a, b);
    tinytorch_test::TempDir dir;
    write_report(dir.file("report.json"), "test", capture_environment(), {a, b}, {c});
    const test_json::Value j = test_json::parse_file(dir.file("report.json"));
    CHECK(j["program"].str == "test");
    CHECK(j["environment"].has("cpu_isa"));
    REQUIRE(j["measurements"].size() == 2);
    const test_json::Value& m = j["measurements"][0];
    CHECK(m["name"].str == "baseline");
    CHECK(m["unit"].str == "samples");
    CHECK(m["median_s"].num == Approx(0.02));
    CHECK(m["seconds_per_call"].size() == 3);
    CHECK(m["throughput"].num == Approx(32 / 0.02));
    CHECK(m["median_ci_s"].size() == 2);
    REQUIRE(j["comparisons"].size() == 1);
    CHECK(j["comparisons"][0]["ratio"].num == Approx(2.0));
    CHECK(j["comparisons"][0]["verdict"].str == c.verdict());
    CHECK_THROWS_AS(write_report("/nonexistent-folder/r.json", "t", capture_environment(), {a}), DataError);
}
