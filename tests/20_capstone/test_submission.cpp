// tests/20_capstone/test_submission.cpp — §4 the report built from measurements, §5 its numbers
// checked against each other and against the files (a hand-written report, numbers worked out in
// capstone_test_support.hpp).
#include <filesystem>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "capstone_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::capstone;

namespace submission_test {
VariantMetrics variant(const std::string& name, const std::string& storage, int64_t size, double acc, double p90) {
    VariantMetrics v;
    v.name = name;
    v.storage = storage;
    v.file = name + ".safetensors";
    v.size_bytes = size;
    v.sparsity = storage == "sparse-int8" ? 0.75 : 0.0;
    v.accuracy = acc;
    v.test_samples = 400;
    v.latency = LatencyMetrics{1, p90 / 2, p90, p90 * 1.5, p90 / 2, p90 / 10, 7, 70};
    return v;
}
Submission submission() {
    Submission s;
    s.student = "grace";
    s.model = ModelInfo{"mlp", "32-64-3", 2000, 4352, 268};
    s.dataset = "blobs";
    s.test_samples = 400;
    s.variants = {variant("baseline", "float32", 8000, 0.95, 0.004), variant("int8", "int8", 2000, 0.9475, 0.002),
                  variant("pruned-int8", "sparse-int8", 500, 0.94, 0.0032)};
    s.final_variant = "pruned-int8";
    s.techniques = {"int8", "pruning"};
    s.environment = benchmark::capture_environment();
    return s;
}
/// The SchemaError validate_submission throws for `report` (fails the test when there is none).
SchemaError error_of(const json::Value& report, const ValidationOptions& o = {}) {
    try {
        validate_submission(report, o);
    } catch (const SchemaError& e) {
        return e;
    }
    FAIL("validate_submission accepted the report");
    return SchemaError("", "", "", "");
}
}  // namespace submission_test

TEST_CASE("a variant's report entry has its measurements and bytes per parameter", "[20_capstone]") {
    const VariantMetrics v = submission_test::variant("int8", "int8", 2000, 0.9475, 0.002);
    const test_json::Value j = test_json::parse(to_json(v, 2000).dump());
    CHECK(j["name"].str == "int8");
    CHECK(j["storage"].str == "int8");
    CHECK(j["file"].str == "int8.safetensors");
    CHECK(j["size_bytes"].num == 2000);
    CHECK(j["bytes_per_parameter"].num == 1.0);  // int8: one byte per parameter, measured
    CHECK(j["sparsity"].num == 0.0);
    CHECK(j["accuracy"].num == 0.9475);
    CHECK(j["test_samples"].num == 400);
    const test_json::Value& lat = j["latency"];
    CHECK(lat["batch"].num == 1);
    CHECK(lat["p50_s"].num == v.latency.p50_s);
    CHECK(lat["p90_s"].num == 0.002);
    CHECK(lat["p99_s"].num == v.latency.p99_s);
    CHECK(lat["median_s"].num == v.latency.median_s);
    CHECK(lat["mad_s"].num == v.latency.mad_s);
    CHECK(lat["repeats"].num == 7);
    CHECK(lat["calls"].num == 70);
    CHECK(test_json::parse(to_json(v, 4000).dump())["bytes_per_parameter"].num == 0.5);
}

TEST_CASE("the report holds model data variants improvements and the machine", "[20_capstone]") {
    const Submission s = submission_test::submission();
    const test_json::Value j = test_json::parse(to_json(s).dump());
    CHECK(j["schema"].str == "tinytorch-capstone-v1");
    CHECK(j["student"].str == "grace");
    CHECK(j["model"]["parameters"].num == 2000);
    CHECK(j["model"]["forward_flops"].num == 4352);
    CHECK(j["model"]["architecture"].str == "32-64-3");
    CHECK(j["dataset"]["name"].str == "blobs");
    CHECK(j["dataset"]["test_samples"].num == 400);
    REQUIRE(j["variants"].size() == 3);
    CHECK(j["variants"][2]["name"].str == "pruned-int8");
    CHECK(j["variants"][2]["bytes_per_parameter"].num == 0.25);
    CHECK(j["variants"][0]["bytes_per_parameter"].num == 4.0);
    CHECK(j["baseline"].str == "baseline");
    CHECK(j["final"].str == "pruned-int8");
    CHECK(j["techniques"].size() == 2);
    CHECK(j["improvements"]["size_ratio"].num == 16.0);               // 8000 / 500
    CHECK(j["improvements"]["accuracy_delta"].num == Approx(-0.01));  // 0.94 - 0.95
    CHECK(j["improvements"]["latency_p90_ratio"].num == Approx(1.25));       // 0.004 / 0.0032
    const test_json::Value& env = j["environment"];
    CHECK(env["cpu_model"].str == s.environment.cpu_model);
    CHECK(env["threads"].num == s.environment.threads);
    CHECK(env["openblas_coretype"].str == s.environment.openblas_coretype);
    CHECK(env["openblas_l2_size"].str == s.environment.openblas_l2_size);
    CHECK(env["cpu_isa"].size() == s.environment.cpu_isa.size());
    CHECK_NOTHROW(validate_submission(to_json(s)));  // what to_json writes is valid
    Submission unknown = s;
    unknown.final_variant = "int4";
    CHECK_THROWS_AS(to_json(unknown), ValueError);
}

TEST_CASE("validate_submission accepts the hand-written report", "[20_capstone]") {
    CHECK_NOTHROW(validate_submission(capstone_test::valid_report()));
}

TEST_CASE("validate_submission refuses missing fields wrong types and negative sizes", "[20_capstone]") {
    using capstone_test::report_with;
    using submission_test::error_of;
    SchemaError missing = error_of(report_with("\"student\": \"ada\",", ""));
    CHECK(missing.path() == "$.student");
    CHECK(missing.got() == "nothing (the field is missing)");
    SchemaError negative = error_of(report_with("\"size_bytes\": 1100", "\"size_bytes\": -1100"));
    CHECK(negative.path() == "$.variants[1].size_bytes");
    CHECK(negative.expected() == "an integer >= 1");
    CHECK_THAT(negative.what(), Contains("hint: the size of the written file"));
    SchemaError type = error_of(report_with("\"accuracy\": 0.976", "\"accuracy\": \"97.6%\""));
    CHECK(type.path() == "$.variants[1].accuracy");
    SchemaError env = error_of(report_with("\"openblas_l2_size\": \"512\", ", ""));
    CHECK(env.path() == "$.environment.openblas_l2_size");
    SchemaError threads = error_of(report_with("\"threads\": 1", "\"threads\": 0"));
    CHECK(threads.path() == "$.environment.threads");
}

TEST_CASE("validate_submission refuses numbers that disagree with each other", "[20_capstone]") {
    using capstone_test::report_with;
    using submission_test::error_of;
    // the original capstone's defect: 4 bytes per parameter assumed for a quantized model
    SchemaError bpp = error_of(report_with("\"bytes_per_parameter\": 1.1", "\"bytes_per_parameter\": 4"));
    CHECK(bpp.path() == "$.variants[1].bytes_per_parameter");
    CHECK_THAT(bpp.expected(), Contains("1.1"));
    CHECK(bpp.got() == "4");
    SchemaError ratio = error_of(report_with("\"size_ratio\": 8", "\"size_ratio\": 12"));
    CHECK(ratio.path() == "$.improvements.size_ratio");
    CHECK_THAT(ratio.expected(), Contains("8"));
    CHECK(ratio.got() == "12");
    CHECK(error_of(report_with("-0.008", "0.008")).path() == "$.improvements.accuracy_delta");
    CHECK(error_of(report_with("\"latency_p90_ratio\": 1.6", "\"latency_p90_ratio\": 2")).path() ==
          "$.improvements.latency_p90_ratio");
    SchemaError order = error_of(report_with("\"p90_s\": 0.004", "\"p90_s\": 0.0015"));
    CHECK(order.path() == "$.variants[0].latency.p90_s");
    CHECK_THAT(order.expected(), Contains(">= p50_s"));
    CHECK(error_of(report_with("\"p99_s\": 0.005", "\"p99_s\": 0.0039")).path() == "$.variants[0].latency.p99_s");
    SchemaError fin = error_of(report_with("\"final\": \"pruned-int8\"", "\"final\": \"int4\""));
    CHECK(fin.path() == "$.final");
    CHECK(fin.got() == "\"int4\"");
    CHECK_THAT(fin.expected(), Contains("\"pruned-int8\""));
    SchemaError twice = error_of(report_with("\"name\": \"int8\"", "\"name\": \"baseline\""));
    CHECK(twice.path() == "$.variants[1].name");
}

TEST_CASE("validate_submission compares each size with the file on disk", "[20_capstone]") {
    tinytorch_test::TempDir dir;
    capstone_test::write_bytes(dir.file("baseline.safetensors"), 4400);
    capstone_test::write_bytes(dir.file("int8.safetensors"), 1100);
    capstone_test::write_bytes(dir.file("pruned-int8.safetensors"), 550);
    ValidationOptions o;
    o.files_dir = dir.str();
    CHECK_NOTHROW(validate_submission(capstone_test::valid_report(), o));
    capstone_test::write_bytes(dir.file("int8.safetensors"), 4400);  // a float file passed off as int8
    SchemaError size = submission_test::error_of(capstone_test::valid_report(), o);
    CHECK(size.path() == "$.variants[1].size_bytes");
    CHECK_THAT(size.expected(), Contains("4400"));
    CHECK(size.got() == "1100");
    std::filesystem::remove(dir.file("int8.safetensors"));
    SchemaError gone = submission_test::error_of(capstone_test::valid_report(), o);
    CHECK(gone.path() == "$.variants[1].file");
}

TEST_CASE("write_submission and read_submission round-trip a report beside its files", "[20_capstone]") {
    tinytorch_test::TempDir dir;
    const Submission s = submission_test::submission();
    for (const VariantMetrics& v : s.variants)
        capstone_test::write_bytes(dir.file(v.file), static_cast<size_t>(v.size_bytes));
    write_submission(s, dir.file("submission.json"));
    const json::Value back = read_submission(dir.file("submission.json"));
    CHECK(back["final"].as_string() == "pruned-int8");
    CHECK(back["improvements"]["size_ratio"].as_number() == 16.0);
    std::filesystem::remove(dir.file("pruned-int8.safetensors"));
    CHECK_THROWS_AS(read_submission(dir.file("submission.json")), SchemaError);
    CHECK_NOTHROW(read_submission(dir.file("submission.json"), false));  // files not checked
    Submission bad = s;
    bad.variants[0].accuracy = 98.0;  // a percentage
    CHECK_THROWS_AS(write_submission(bad, dir.file("bad.json")), SchemaError);
    CHECK_FALSE(std::filesystem::exists(dir.file("bad.json")));  // nothing written
}
