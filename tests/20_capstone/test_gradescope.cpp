// tests/20_capstone/test_gradescope.cpp — §7: leaderboard rows and Gradescope's results.json from the
// hand-written report (kValidReport: final accuracy 0.972, 550 bytes, p90 2.5 ms, 8x smaller).
#include <filesystem>
#include <fstream>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "capstone_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::capstone;

TEST_CASE("the leaderboard shows the final variant's accuracy size latency and compression", "[20_capstone]") {
    const std::vector<LeaderboardEntry> board = leaderboard(capstone_test::valid_report());
    REQUIRE(board.size() == 4);
    CHECK(board[0].name == "Accuracy");
    CHECK(board[0].value == 0.972);
    CHECK_FALSE(board[0].ascending);
    CHECK(board[1].name == "Size (KB)");
    CHECK(board[1].value == Approx(0.55));
    CHECK(board[1].ascending);
    CHECK(board[2].name == "Latency p90 (ms)");
    CHECK(board[2].value == Approx(2.5));
    CHECK(board[2].ascending);
    CHECK(board[3].name == "Compression");
    CHECK(board[3].value == 8.0);
    CHECK_FALSE(board[3].ascending);
}

TEST_CASE("a valid report meeting every target scores full points", "[20_capstone]") {
    const GradescopeResults r = grade_submission(capstone_test::valid_report(), Targets{});
    REQUIRE(r.tests.size() == 5);
    const std::vector<std::string> names{"report is valid", "final accuracy", "accuracy drop", "size ratio", "latency p90"};
    for (size_t i = 0; i < 5; ++i) {
        CHECK(r.tests[i].name == names[i]);
        CHECK(r.tests[i].passed);
        CHECK(r.tests[i].score == 2.0);
        CHECK(r.tests[i].max_score == 2.0);
    }
    CHECK(r.score == 10.0);
    CHECK_THAT(r.tests[3].output, Contains("8"));
    CHECK(r.leaderboard.size() == 4);
}

TEST_CASE("targets a report misses fail with the measured value and the target in the output", "[20_capstone]") {
    Targets t;
    t.min_accuracy = 0.975;    // 0.972 misses it
    t.min_size_ratio = 10;     // 8x misses it
    t.max_latency_ratio = 0.5; // 0.0025 / 0.004 = 0.625 misses it
    t.points_size = 5;
    const GradescopeResults r = grade_submission(capstone_test::valid_report(), t);
    REQUIRE(r.tests.size() == 5);
    CHECK(r.tests[0].passed);
    CHECK_FALSE(r.tests[1].passed);
    CHECK(r.tests[1].score == 0.0);
    CHECK_THAT(r.tests[1].output, Contains("0.972") && Contains("0.975"));
    CHECK(r.tests[2].passed);  // drop 0.008 <= 0.01
    CHECK_FALSE(r.tests[3].passed);
    CHECK(r.tests[3].max_score == 5.0);
    CHECK_THAT(r.tests[3].output, Contains("10"));
    CHECK_FALSE(r.tests[4].passed);
    CHECK_THAT(r.tests[4].output, Contains("0.625"));
    CHECK(r.score == 4.0);
    CHECK(r.max_score() == 13.0);
}

TEST_CASE("an invalid report scores zero and says why in the first test", "[20_capstone]") {
    const json::Value bad = capstone_test::report_with("\"size_ratio\": 8", "\"size_ratio\": 80");
    const GradescopeResults r = grade_submission(bad, Targets{});
    REQUIRE(r.tests.size() == 5);
    CHECK(r.score == 0.0);
    CHECK_FALSE(r.tests[0].passed);
    CHECK_THAT(r.tests[0].output, Contains("$.improvements.size_ratio") && Contains("got 80"));
    for (size_t i = 1; i < 5; ++i) {
        CHECK_FALSE(r.tests[i].passed);
        CHECK(r.tests[i].output == "not graded: the report is invalid");
    }
    CHECK(r.leaderboard.empty());
    const GradescopeResults empty = grade_submission(json::Value(), Targets{});
    CHECK(empty.score == 0.0);
    CHECK_THAT(empty.tests[0].output, Contains("expected an object"));
}

TEST_CASE("grade_file writes Gradescope's results format with the leaderboard", "[20_capstone]") {
    tinytorch_test::TempDir dir;
    capstone_test::write_bytes(dir.file("baseline.safetensors"), 4400);
    capstone_test::write_bytes(dir.file("int8.safetensors"), 1100);
    capstone_test::write_bytes(dir.file("pruned-int8.safetensors"), 550);
    std::ofstream(dir.file("submission.json")) << capstone_test::kValidReport;
    const GradescopeResults r = grade_file(dir.file("submission.json"), Targets{});
    write_results(r, dir.file("results.json"));
    const test_json::Value j = test_json::parse_file(dir.file("results.json"));
    CHECK(j["score"].num == 10.0);
    CHECK(j["execution_time"].num >= 0.0);
    CHECK(j["visibility"].str == "visible");
    CHECK(j["stdout_visibility"].str == "visible");
    REQUIRE(j["tests"].size() == 5);
    const test_json::Value& t0 = j["tests"][0];
    CHECK(t0["name"].str == "report is valid");
    CHECK(t0["number"].str == "1");
    CHECK(t0["status"].str == "passed");
    CHECK(t0["score"].num == 2.0);
    CHECK(t0["max_score"].num == 2.0);
    CHECK(t0["tags"][0].str == "20_capstone");
    REQUIRE(j["leaderboard"].size() == 4);
    CHECK(j["leaderboard"][0]["name"].str == "Accuracy");
    CHECK(j["leaderboard"][0]["value"].num == 0.972);
    CHECK_FALSE(j["leaderboard"][0].has("order"));  // Gradescope's default: higher is better
    CHECK(j["leaderboard"][1]["order"].str == "asc");
    // the model file does not match the report: graded as invalid
    capstone_test::write_bytes(dir.file("pruned-int8.safetensors"), 2200);
    const GradescopeResults tampered = grade_file(dir.file("submission.json"), Targets{});
    CHECK(tampered.score == 0.0);
    CHECK_THAT(tampered.tests[0].output, Contains("$.variants[2].size_bytes"));
    // a file that is not JSON at all
    std::ofstream(dir.file("broken.json")) << "{\"schema\": ";
    const GradescopeResults broken = grade_file(dir.file("broken.json"), Targets{});
    CHECK(broken.score == 0.0);
    CHECK_THAT(broken.tests[0].output, Contains("not valid JSON"));
}

TEST_CASE("results json follows Gradescope's field names and statuses", "[20_capstone][provided]") {
    GradescopeResults r;
    r.score = 3;
    r.execution_time = 0.5;
    r.output = "o";
    GradescopeTest a;
    a.name = "a";
    a.score = 3;
    a.max_score = 3;
    a.passed = true;
    GradescopeTest b;
    b.name = "b";
    b.max_score = 2;
    b.output = "why";
    r.tests = {a, b};
    r.leaderboard = {{"Accuracy", 0.5, false}, {"Time", 15.1, true}};
    const test_json::Value j = test_json::parse(r.to_json().dump());
    CHECK(j["score"].num == 3);
    CHECK(j["execution_time"].num == 0.5);
    CHECK(j["tests"][0]["status"].str == "passed");
    CHECK(j["tests"][1]["status"].str == "failed");
    CHECK(j["tests"][1]["number"].str == "2");
    CHECK(j["tests"][1]["output"].str == "why");
    CHECK(j["tests"][1]["visibility"].str == "visible");
    CHECK(j["leaderboard"][1]["order"].str == "asc");
    CHECK(j["leaderboard"][1]["value"].num == 15.1);
    CHECK(r.max_score() == 5);
    CHECK_THROWS_AS(write_results(r, "/nonexistent-folder/results.json"), DataError);
}
