// include/tinytorch/capstone/gradescope.hpp
// Module 20 · Capstone — lesson: modules/20_capstone/README.md §7 (grading and the leaderboard)
//
// For instructors: turn a student's submission report into Gradescope's results.json —
//   {"score": 7, "execution_time": 0.01, "output": "...", "visibility": "visible",
//    "stdout_visibility": "visible",
//    "tests": [{"name": "report is valid", "number": "1", "score": 2, "max_score": 2,
//               "status": "passed", "output": "...", "tags": ["20_capstone"], "visibility": "visible"}, ...],
//    "leaderboard": [{"name": "Accuracy", "value": 0.981},
//                    {"name": "Size (KB)", "value": 27.4, "order": "asc"},
//                    {"name": "Latency p90 (ms)", "value": 0.021, "order": "asc"}, ...]}
// Each target of the assignment (Targets) is one test worth its points; a report that fails
// validate_submission scores 0 with the SchemaError's message as the output of the first test,
// and gets no leaderboard row. Leaderboard values are the *final* variant's measurements.
#pragma once
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tinytorch/capstone/submission.hpp"

namespace tinytorch::capstone {

/// One column of Gradescope's leaderboard; ascending: smaller is better ("order": "asc").
struct LeaderboardEntry {
    std::string name;
    double value = 0;
    bool ascending = false;
};

/// One Gradescope test.
struct GradescopeTest {
    std::string name;
    double score = 0, max_score = 0;
    bool passed = false;
    std::string output;  ///< what was measured against what was asked
    std::vector<std::string> tags{"20_capstone"};
    std::string visibility = "visible";
};

/// What a submission must reach, and the points each target is worth.
struct Targets {
    double min_accuracy = 0.97;        ///< final accuracy (fraction)
    double max_accuracy_drop = 0.01;   ///< baseline accuracy - final accuracy
    double min_size_ratio = 4.0;       ///< baseline size / final size
    double max_latency_ratio = 1.0;    ///< final p90 / baseline p90 (1: not slower than the baseline)
    double points_valid = 2, points_accuracy = 2, points_accuracy_drop = 2, points_size = 2, points_latency = 2;
};

/// Gradescope's results.json as a struct.
struct GradescopeResults {
    double score = 0;
    double execution_time = 0;  ///< seconds the grading took
    std::string output;
    std::string visibility = "visible", stdout_visibility = "visible";
    std::vector<GradescopeTest> tests;
    std::vector<LeaderboardEntry> leaderboard;

    double max_score() const {
        double m = 0;
        for (const GradescopeTest& t : tests) m += t.max_score;
        return m;
    }
    /// Gradescope's format (see the top of this file); tests numbered "1", "2", ... in order.
    json::Value to_json() const {
        json::Value tests_json = json::Value::array();
        for (size_t i = 0; i < tests.size(); ++i) {
            const GradescopeTest& t = tests[i];
            json::Value j = json::Value::object();
            j.set("name", t.name)
                .set("number", std::to_string(i + 1))
                .set("score", t.score)
                .set("max_score", t.max_score)
                .set("status", t.passed ? "passed" : "failed")
                .set("output", t.output)
                .set("tags", t.tags)
                .set("visibility", t.visibility);
            tests_json.push_back(j);
        }
        json::Value board = json::Value::array();
        for (const LeaderboardEntry& e : leaderboard) {
            json::Value j = json::Value::object();
            j.set("name", e.name).set("value", e.value);
            if (e.ascending) j.set("order", "asc");
            board.push_back(j);
        }
        json::Value out = json::Value::object();
        out.set("score", score)
            .set("execution_time", execution_time)
            .set("output", output)
            .set("visibility", visibility)
            .set("stdout_visibility", stdout_visibility)
            .set("tests", tests_json)
            .set("leaderboard", board);
        return out;
    }
};

/// The leaderboard row of a *valid* report, from its final variant, in this order:
///   "Accuracy"          final accuracy (fraction)                 higher is better
///   "Size (KB)"         final size_bytes / 1000                   ascending
///   "Latency p90 (ms)"  final latency p90_s · 1000                ascending
///   "Compression"       improvements.size_ratio (×)               higher is better
inline std::vector<LeaderboardEntry> leaderboard(const json::Value& report) {
    std::vector<LeaderboardEntry> out;
    // BEGIN SOLUTION: leaderboard (§7)
    const std::string& final_name = report["final"].as_string();
    const json::Value* fin = nullptr;
    for (const json::Value& v : report["variants"].items())
        if (v["name"].as_string() == final_name) fin = &v;
    if (!fin) throw ValueError(fmt("leaderboard: the report has no variant '", final_name, "'; hint: validate it first"));
    out.push_back({"Accuracy", (*fin)["accuracy"].as_number(), false});
    out.push_back({"Size (KB)", (*fin)["size_bytes"].as_number() / 1000.0, true});
    out.push_back({"Latency p90 (ms)", (*fin)["latency"]["p90_s"].as_number() * 1000.0, true});
    out.push_back({"Compression", report["improvements"]["size_ratio"].as_number(), false});
    // END SOLUTION
    return out;
}

/// Grade a parsed report against `targets`. Test 1 "report is valid" (validate_submission with
/// `options`); then one test per target, in Targets' order — "final accuracy", "accuracy drop",
/// "size ratio", "latency p90" — each passed (full points) or failed (0), its output stating the
/// measured value and the target. An invalid report: test 1 fails with the error's message, the
/// others fail with output "not graded: the report is invalid", no leaderboard. score = the sum.
inline GradescopeResults grade_submission(const json::Value& report, const Targets& targets,
                                          const ValidationOptions& options = {}) {
    GradescopeResults r;
    // BEGIN SOLUTION: grade_submission (§7)
    GradescopeTest valid{"report is valid", 0, targets.points_valid, false, ""};
    try {
        validate_submission(report, options);
        valid.passed = true;
        valid.output = "the report fits submission_schema() and its numbers agree";
    } catch (const Error& e) {
        valid.output = e.what();
    }
    std::vector<GradescopeTest> checks = {
        {"final accuracy", 0, targets.points_accuracy, false, ""},
        {"accuracy drop", 0, targets.points_accuracy_drop, false, ""},
        {"size ratio", 0, targets.points_size, false, ""},
        {"latency p90", 0, targets.points_latency, false, ""},
    };
    if (!valid.passed) {
        for (GradescopeTest& t : checks) t.output = "not graded: the report is invalid";
    } else {
        const std::string& final_name = report["final"].as_string();
        const std::string& base_name = report["baseline"].as_string();
        const json::Value *fin = nullptr, *base = nullptr;
        for (const json::Value& v : report["variants"].items()) {
            if (v["name"].as_string() == final_name) fin = &v;
            if (v["name"].as_string() == base_name) base = &v;
        }
        const double acc = (*fin)["accuracy"].as_number();
        const double drop = (*base)["accuracy"].as_number() - acc;
        const double ratio = report["improvements"]["size_ratio"].as_number();
        const double lat = (*fin)["latency"]["p90_s"].as_number() / (*base)["latency"]["p90_s"].as_number();
        checks[0].passed = acc >= targets.min_accuracy;
        checks[0].output = fmt("final accuracy ", acc, ", target >= ", targets.min_accuracy);
        checks[1].passed = drop <= targets.max_accuracy_drop;
        checks[1].output = fmt("accuracy drop ", drop, " (baseline - final), target <= ", targets.max_accuracy_drop);
        checks[2].passed = ratio >= targets.min_size_ratio;
        checks[2].output = fmt("size ratio ", ratio, "x (baseline / final bytes on disk), target >= ",
                               targets.min_size_ratio, "x");
        checks[3].passed = lat <= targets.max_latency_ratio;
        checks[3].output = fmt("latency p90 final / baseline ", lat, ", target <= ", targets.max_latency_ratio);
        r.leaderboard = leaderboard(report);
    }
    valid.score = valid.passed ? valid.max_score : 0;
    r.tests.push_back(valid);
    for (GradescopeTest& t : checks) {
        t.score = t.passed ? t.max_score : 0;
        r.tests.push_back(t);
    }
    for (const GradescopeTest& t : r.tests) r.score += t.score;
    r.output = fmt("capstone: ", r.score, " / ", r.max_score(), " points");
    // END SOLUTION
    return r;
}

/// Grade the report at `path` (its files checked beside it when check_files): a file that cannot
/// be read or parsed is graded like an invalid report. Sets execution_time.
inline GradescopeResults grade_file(const std::string& path, const Targets& targets, bool check_files = true) {
    const auto start = std::chrono::steady_clock::now();
    ValidationOptions o;
    if (check_files) {
        const std::filesystem::path folder = std::filesystem::path(path).parent_path();
        o.files_dir = folder.empty() ? std::string(".") : folder.string();
    }
    GradescopeResults r;
    try {
        r = grade_submission(json::parse_file(path), targets, o);
    } catch (const DataError& e) {  // unreadable or not JSON: graded as an invalid report
        r = grade_submission(json::Value(), targets, o);
        r.tests.front().output = e.what();
    }
    r.execution_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

/// Write results.json (DataError when the file cannot be written).
inline void write_results(const GradescopeResults& r, const std::string& path) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw DataError(fmt("write_results: cannot open '", path, "' for writing; hint: does the folder exist?"));
    out << r.to_json().dump(2) << "\n";
    out.flush();
    if (!out) throw DataError(fmt("write_results: writing '", path, "' failed (disk full?)"));
}

}  // namespace tinytorch::capstone
