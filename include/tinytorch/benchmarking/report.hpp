// include/tinytorch/benchmarking/report.hpp
// Module 19 · Benchmarking — lesson: modules/19_benchmarking/README.md §7 (the JSON report)
//
// The machine-readable result: the environment, every measurement with its raw samples (so
// anyone can recompute the statistics) and every comparison. Provided code.
#pragma once
#include <fstream>
#include <string>
#include <vector>

#include "tinytorch/benchmarking/comparison.hpp"
#include "tinytorch/benchmarking/environment.hpp"

namespace tinytorch::benchmark {

inline std::string to_json(const Measurement& m) {
    std::string s = "{\"name\": " + json::quote(m.name) + ", \"unit\": " + json::quote(m.unit) +
                    ", \"items_per_call\": " + json::number(m.items_per_call) +
                    ", \"warmup_calls\": " + std::to_string(m.warmup_calls) +
                    ", \"calls_per_repeat\": " + std::to_string(m.calls_per_repeat) +
                    ",\n     \"median_s\": " + json::number(m.median_s) + ", \"mad_s\": " + json::number(m.mad_s) +
                    ", \"min_s\": " + json::number(m.min_s) + ", \"max_s\": " + json::number(m.max_s) +
                    ", \"median_ci_s\": " + json::array({m.median_ci_s.low, m.median_ci_s.high}) +
                    ",\n     \"throughput\": " + json::number(m.throughput) +
                    ", \"throughput_ci\": " + json::array({m.throughput_ci.low, m.throughput_ci.high}) +
                    ", \"p50_s\": " + json::number(m.p50_s) + ", \"p90_s\": " + json::number(m.p90_s) +
                    ", \"p99_s\": " + json::number(m.p99_s) +
                    ", \"per_call_latency\": " + (m.per_call_latency ? "true" : "false") +
                    ",\n     \"seconds_per_call\": " + json::array(m.seconds_per_call) + "}";
    return s;
}

inline std::string to_json(const Comparison& c) {
    return "{\"baseline\": " + json::quote(c.baseline) + ", \"candidate\": " + json::quote(c.candidate) +
           ", \"ratio\": " + json::number(c.ratio) + ", \"ci\": " + json::array({c.ci.low, c.ci.high}) +
           ", \"confidence\": " + json::number(c.confidence) + ", \"verdict\": " + json::quote(c.verdict()) + "}";
}

/// {"program": ..., "environment": {...}, "measurements": [...], "comparisons": [...]}
inline std::string report_json(const std::string& program, const Environment& env, const std::vector<Measurement>& ms,
                               const std::vector<Comparison>& cs = {}) {
    std::string s = "{\n  \"program\": " + json::quote(program) + ",\n  \"environment\": " + env.to_json(2) +
                    ",\n  \"measurements\": [";
    for (size_t i = 0; i < ms.size(); ++i) s += (i ? ",\n    " : "\n    ") + to_json(ms[i]);
    s += "\n  ],\n  \"comparisons\": [";
    for (size_t i = 0; i < cs.size(); ++i) s += (i ? ",\n    " : "\n    ") + to_json(cs[i]);
    return s + "\n  ]\n}\n";
}

/// Write report_json(...) to `path` (DataError when the file cannot be written).
inline void write_report(const std::string& path, const std::string& program, const Environment& env,
                         const std::vector<Measurement>& ms, const std::vector<Comparison>& cs = {}) {
    const std::string text = report_json(program, env, ms, cs);
    std::ofstream out(path, std::ios::binary);
    if (!out)
        throw DataError(fmt("write_report: cannot open '", path, "' for writing; hint: check that the folder exists"));
    out << text;
    out.flush();
    if (!out) throw DataError(fmt("write_report: writing '", path, "' failed (disk full?)"));
}

}  // namespace tinytorch::benchmark
