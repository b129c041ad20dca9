// milestones/06_2018_mlperf/check_run.cpp — `check_run_06 DIR`: exits 0 when DIR holds the run
// record of a milestone 06 run that is complete and consistent (not that its targets are met):
//   run.json     strict JSON (tests/support/json_reader.hpp); milestone "06_2018_mlperf"; the
//                environment (CPU ISA, OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE); every figure of the
//                three runs present and finite; accuracies in [0, 1]; p50 <= p90 <= p99;
//   the files    each model file the record names exists and has exactly the bytes it reports;
//                the size ratios are baseline bytes / submission bytes;
//   verdicts     the targets are the design's (closed 3.9x / 0.5 point, open 10x / 1 point, KV 5x)
//                and each "<run>_result" is VALID exactly when its figures meet them;
//   pareto.svg   exists and is an SVG document.
// The milestone's --quick CTest run writes the record; this test reads it back.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/json_reader.hpp"

namespace {

struct Check {
    std::string problem;
    void require(bool ok, const std::string& what) {
        if (!ok && problem.empty()) problem = what;
    }
};

double number(const test_json::Value& results, const std::string& key, Check& c) {
    if (!results.has(key) || !results[key].is_number() || !std::isfinite(results[key].num)) {
        c.require(false, "results." + key + " is missing or not a finite number");
        return NAN;
    }
    return results[key].num;
}

std::string text(const test_json::Value& notes, const std::string& key, Check& c) {
    if (!notes.has(key) || !notes[key].is_string()) {
        c.require(false, "notes." + key + " is missing or not a string");
        return "";
    }
    return notes[key].str;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: check_run_06 DIR (the --out folder of a milestone 06 run)\n");
        return 2;
    }
    const std::string dir = argv[1];
    try {
        const test_json::Value doc = test_json::parse_file(dir + "/run.json");
        Check c;
        c.require(doc.is_object() && doc.has("milestone") && doc["milestone"].str == "06_2018_mlperf",
                  "\"milestone\" is not \"06_2018_mlperf\"");
        c.require(doc.has("environment") && doc["environment"].is_object(), "no environment object");
        if (c.problem.empty()) {
            const test_json::Value& env = doc["environment"];
            for (const char* key : {"cpu_isa", "compiled_isa"})
                c.require(env.has(key) && env[key].is_array(), std::string("environment.") + key + " is not an array");
            for (const char* key : {"openblas_coretype", "openblas_l2_size", "cpu_model"})
                c.require(env.has(key) && env[key].is_string(), std::string("environment.") + key + " is not a string");
        }
        c.require(doc.has("results") && doc["results"].is_object() && doc.has("notes") && doc["notes"].is_object(),
                  "no results / notes objects");
        if (!c.problem.empty()) throw std::runtime_error(c.problem);
        const test_json::Value& r = doc["results"];
        const test_json::Value& n = doc["notes"];
        const double base_bytes = number(r, "baseline_bytes", c);
        c.require(base_bytes > 0, "baseline_bytes <= 0");
        const double base_acc = number(r, "baseline_test_accuracy", c);
        for (const std::string run : {"closed", "open"}) {
            const double bytes = number(r, run + "_bytes", c), acc = number(r, run + "_test_accuracy", c);
            const double ratio = number(r, run + "_size_ratio", c), loss = number(r, run + "_accuracy_loss_points", c);
            const double min_ratio = number(r, run + "_target_size_ratio", c);
            const double max_loss = number(r, run + "_target_max_loss_points", c);
            const double p50 = number(r, run + "_p50_ms", c), p90 = number(r, run + "_p90_ms", c),
                         p99 = number(r, run + "_p99_ms", c);
            number(r, run + "_single_stream_qps", c);
            number(r, run + "_offline_samples_per_s", c);
            c.require(acc >= 0 && acc <= 1 && base_acc >= 0 && base_acc <= 1, run + ": an accuracy outside [0, 1]");
            c.require(p50 > 0 && p50 <= p90 && p90 <= p99, run + ": latency percentiles not 0 < p50 <= p90 <= p99");
            c.require(std::fabs(ratio - base_bytes / bytes) <= 1e-6 * ratio, run + "_size_ratio is not baseline / " + run + " bytes");
            c.require(std::fabs(loss - 100 * (base_acc - acc)) <= 1e-6, run + "_accuracy_loss_points is not 100 · (baseline − " + run + ")");
            const std::string file = text(n, run + "_file", c);
            c.require(std::filesystem::exists(file) && double(std::filesystem::file_size(file)) == bytes,
                      run + ": " + file + " does not exist or does not have the " + std::to_string(int64_t(bytes)) +
                          " bytes the record reports");
            // the design's targets (docs: DESIGN §7): closed 3.9x / 0.5 point, open 10x / 1 point
            c.require(min_ratio == (run == "closed" ? 3.9 : 10.0) && max_loss == (run == "closed" ? 0.5 : 1.0),
                      run + ": the targets are not MLPerf Tiny's of the design (closed 3.9x / 0.5, open 10x / 1)");
            const bool valid = ratio >= min_ratio && loss <= max_loss;
            const std::string verdict = text(n, run + "_result", c);
            c.require(verdict == (valid ? "VALID" : "INVALID"), run + "_result '" + verdict + "' does not follow from its figures");
        }
        {  // module 16's format, measured beside the open submission
            const double bytes = number(r, "open_bitmask_bytes", c);
            const std::string file = text(n, "open_bitmask_file", c);
            c.require(std::filesystem::exists(file) && double(std::filesystem::file_size(file)) == bytes,
                      "open_bitmask: " + file + " does not exist or does not have the bytes the record reports");
        }
        const std::string kv = text(n, "kv_result", c);
        if (kv != "NOT RUN") {
            const double speedup = number(r, "kv_speedup", c), target = number(r, "kv_target_speedup", c);
            const double identical = number(r, "kv_tokens_identical", c);
            const double lo = number(r, "kv_speedup_ci_low", c), hi = number(r, "kv_speedup_ci_high", c);
            number(r, "kv_uncached_tokens_per_s", c);
            number(r, "kv_cached_tokens_per_s", c);
            c.require(target == 5.0, "kv_target_speedup is not the design's 5x");
            c.require(speedup > 0 && lo > 0 && lo <= hi, "kv_speedup or its interval is not positive and ordered");
            c.require(kv == (identical == 1 && speedup >= target ? "VALID" : "INVALID"),
                      "kv_result '" + kv + "' does not follow from its figures");
        }
        std::ifstream svg(dir + "/pareto.svg");
        std::stringstream ss;
        ss << svg.rdbuf();
        c.require(ss.str().rfind("<svg", 0) == 0 && ss.str().find("</svg>") != std::string::npos,
                  dir + "/pareto.svg is missing or not an SVG document");
        if (!c.problem.empty()) throw std::runtime_error(c.problem);
        std::printf("check_run_06: %s/run.json is complete and consistent: closed %s, open %s, generation %s\n",
                    dir.c_str(), n["closed_result"].str.c_str(), n["open_result"].str.c_str(), kv.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "check_run_06: %s: %s\n", dir.c_str(), e.what());
        return 1;
    }
}
