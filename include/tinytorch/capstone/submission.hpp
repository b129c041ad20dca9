// include/tinytorch/capstone/submission.hpp
// Module 20 · Capstone — lesson: modules/20_capstone/README.md §4 (the report), §5 (checking it)
//
// The submission report: who, which model and data, every measured variant, which one is the
// result, what it gained over the baseline and on which machine — one JSON object whose shape is
// submission_schema() (below, in code). to_json builds it from the measurements; write_submission
// validates before writing, read_submission validates after reading. validate_submission checks
// the schema *and* that the numbers agree with each other and with the files: a size ratio that
// is not baseline size / final size, a p90 below the p50, a file whose size on disk differs from
// the report — a report edited by hand does not pass.
//
//   {"schema": "tinytorch-capstone-v1", "student": "...", "model": {...}, "dataset": {...},
//    "variants": [{"name": "baseline", "storage": "float32", "file": "baseline.safetensors",
//                  "size_bytes": 1066472, "bytes_per_parameter": 4.0006, "sparsity": 0,
//                  "accuracy": 0.9812, "test_samples": 10000,
//                  "latency": {"batch": 1, "p50_s": ..., "p90_s": ..., ...}}, ...],
//    "baseline": "baseline", "final": "pruned-int8", "techniques": [...],
//    "improvements": {"size_ratio": ..., "accuracy_delta": ..., "latency_p90_ratio": ...},
//    "environment": {module 19's record: cpu_model, cpu_isa, threads, openblas_coretype, ...}}
#pragma once
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tinytorch/benchmarking/environment.hpp"
#include "tinytorch/capstone/schema.hpp"
#include "tinytorch/capstone/variant_metrics.hpp"
#include "tinytorch/training/atomic_file.hpp"

namespace tinytorch::capstone {

inline constexpr const char* kSchemaVersion = "tinytorch-capstone-v1";

/// The model before optimisation, as module 14's profiler saw it.
struct ModelInfo {
    std::string name;           ///< e.g. "mnist-mlp"
    std::string architecture;   ///< e.g. "784-128-64-10 ReLU MLP"
    int64_t parameters = 0;     ///< every value of every parameter
    int64_t forward_flops = 0;  ///< one forward pass of one sample
    int64_t peak_activation_bytes = 0;
};

/// Everything a submission report holds.
struct Submission {
    std::string student = "anonymous";
    ModelInfo model;
    std::string dataset;
    int64_t test_samples = 0;
    std::vector<VariantMetrics> variants;
    std::string baseline = "baseline", final_variant;  ///< names of two of the variants
    std::vector<std::string> techniques;               ///< e.g. "int8 dynamic quantization (per-channel)"
    benchmark::Environment environment;

    /// The variant called `name`; ValueError listing the names when there is none.
    const VariantMetrics& variant(const std::string& name) const {
        std::string names;
        for (const VariantMetrics& v : variants) {
            if (v.name == name) return v;
            names += (names.empty() ? "" : ", ") + v.name;
        }
        throw ValueError(fmt("Submission::variant: no variant '", name, "' (have: ", names.empty() ? "none" : names,
                             "); hint: baseline and final_variant must name measured variants"));
    }
};

/// Module 19's environment record as a json::Value (its own to_json, parsed).
inline json::Value environment_json(const benchmark::Environment& env) { return json::parse(env.to_json(2), "environment"); }

/// The shape of a report, in code (see schema.hpp). The grader and write_submission use this one.
inline const Schema& submission_schema() {
    static const Schema schema{{
        Field::string("schema").one_of({kSchemaVersion}).hint("write reports with capstone::to_json"),
        Field::string("student").not_empty().hint("your name or id"),
        Field::object("model", Schema{{
            Field::string("name").not_empty(),
            Field::string("architecture").not_empty(),
            Field::integer("parameters").at_least(1).hint("count every value of every parameter of the float model"),
            Field::integer("forward_flops").at_least(0).hint("module 14's summary(): forward_flops of one sample"),
            Field::integer("peak_activation_bytes").at_least(0),
        }}),
        Field::object("dataset", Schema{{
            Field::string("name").not_empty(),
            Field::integer("test_samples").at_least(1).hint("the size of the held-out test set"),
        }}),
        Field::array_of("variants", Schema{{
            Field::string("name").not_empty(),
            Field::string("storage").one_of({"float32", "int8", "sparse-int8", "sparse-float32"}),
            Field::string("file").not_empty().hint("the name of the file the variant was measured from"),
            Field::integer("size_bytes").at_least(1).hint("the size of the written file in bytes (file_size_bytes)"),
            Field::number("bytes_per_parameter").above(0).hint("size_bytes / model.parameters"),
            Field::number("sparsity").between(0, 1).hint("a fraction of the weights, not a percentage"),
            Field::number("accuracy").between(0, 1).hint("a fraction of the test set, not a percentage"),
            Field::integer("test_samples").at_least(1),
            Field::object("latency", Schema{{
                Field::integer("batch").at_least(1),
                Field::number("p50_s").above(0).hint("seconds per call, from module 19's harness"),
                Field::number("p90_s").above(0).hint("seconds per call, from module 19's harness"),
                Field::number("p99_s").above(0),
                Field::number("median_s").above(0),
                Field::number("mad_s").at_least(0),
                Field::integer("repeats").at_least(1),
                Field::integer("calls").at_least(1).hint("calls timed one by one (latency_options())"),
            }}),
        }}).items_at_least(1),
        Field::string("baseline").not_empty().hint("the name of the unoptimised variant"),
        Field::string("final").not_empty().hint("the name of the variant you submit"),
        Field::array_of("techniques", Kind::string),
        Field::object("improvements", Schema{{
            Field::number("size_ratio").above(0).hint("baseline size_bytes / final size_bytes"),
            Field::number("accuracy_delta").between(-1, 1).hint("final accuracy - baseline accuracy (fractions)"),
            Field::number("latency_p90_ratio").above(0).hint("baseline p90_s / final p90_s (> 1: faster)"),
        }}),
        Field::object("environment", Schema{{
            Field::string("date").not_empty(),
            Field::string("cpu_model").not_empty().hint("module 19's capture_environment()"),
            Field::integer("logical_cpus").at_least(1),
            Field::array_of("cpu_isa", Kind::string),
            Field::array_of("compiled_isa", Kind::string),
            Field::string("compiler").not_empty(),
            Field::integer("threads").at_least(1),
            Field::string("gemm_backend").not_empty(),
            Field::string("openblas_coretype").not_empty().hint("the value of OPENBLAS_CORETYPE, or \"unset\""),
            Field::string("openblas_l2_size").not_empty().hint("the value of OPENBLAS_L2_SIZE, or \"unset\""),
            Field::array_of("load_average", Kind::number),
        }}),
    }};
    return schema;
}

/// One variant as the report holds it (the names of submission_schema()'s "variants" items);
/// bytes_per_parameter = size_bytes / parameters (the float model's parameter count).
inline json::Value to_json(const VariantMetrics& v, int64_t parameters) {
    json::Value out = json::Value::object();
    // BEGIN SOLUTION: to_json(VariantMetrics) (§4)
    json::Value latency = json::Value::object();
    latency.set("batch", v.latency.batch)
        .set("p50_s", v.latency.p50_s)
        .set("p90_s", v.latency.p90_s)
        .set("p99_s", v.latency.p99_s)
        .set("median_s", v.latency.median_s)
        .set("mad_s", v.latency.mad_s)
        .set("repeats", v.latency.repeats)
        .set("calls", v.latency.calls);
    out.set("name", v.name)
        .set("storage", v.storage)
        .set("file", v.file)
        .set("size_bytes", v.size_bytes)
        .set("bytes_per_parameter", parameters > 0 ? static_cast<double>(v.size_bytes) / static_cast<double>(parameters) : 0.0)
        .set("sparsity", v.sparsity)
        .set("accuracy", v.accuracy)
        .set("test_samples", v.test_samples)
        .set("latency", latency);
    // END SOLUTION
    return out;
}

/// The whole report (see the top of this file): every field of submission_schema(), the
/// improvements computed from the baseline and final variants, the environment record.
inline json::Value to_json(const Submission& s) {
    [[maybe_unused]] const VariantMetrics& base = s.variant(s.baseline);  // ValueError when a name is unknown
    [[maybe_unused]] const VariantMetrics& fin = s.variant(s.final_variant);
    json::Value out = json::Value::object();
    // BEGIN SOLUTION: to_json(Submission) (§4)
    json::Value model = json::Value::object();
    model.set("name", s.model.name)
        .set("architecture", s.model.architecture)
        .set("parameters", s.model.parameters)
        .set("forward_flops", s.model.forward_flops)
        .set("peak_activation_bytes", s.model.peak_activation_bytes);
    json::Value dataset = json::Value::object();
    dataset.set("name", s.dataset).set("test_samples", s.test_samples);
    json::Value variants = json::Value::array();
    for (const VariantMetrics& v : s.variants) variants.push_back(to_json(v, s.model.parameters));
    json::Value improvements = json::Value::object();
    improvements.set("size_ratio", static_cast<double>(base.size_bytes) / static_cast<double>(fin.size_bytes))
        .set("accuracy_delta", fin.accuracy - base.accuracy)
        .set("latency_p90_ratio", base.latency.p90_s / fin.latency.p90_s);
    out.set("schema", kSchemaVersion)
        .set("student", s.student)
        .set("model", model)
        .set("dataset", dataset)
        .set("variants", variants)
        .set("baseline", s.baseline)
        .set("final", s.final_variant)
        .set("techniques", s.techniques)
        .set("improvements", improvements)
        .set("environment", environment_json(s.environment));
    // END SOLUTION
    return out;
}

/// Options of validate_submission.
struct ValidationOptions {
    /// The folder of the variants' files: when not empty, each variant's file must exist there and
    /// have exactly size_bytes bytes. Empty: the files are not looked at.
    std::string files_dir;
    /// Relative tolerance of the derived numbers (ratios, bytes per parameter, the accuracy delta).
    double rtol = 1e-6;
};

namespace detail {
/// |a - b| <= rtol · max(|a|, |b|) + 1e-12
inline bool agrees(double a, double b, double rtol) {
    return std::fabs(a - b) <= rtol * std::max(std::fabs(a), std::fabs(b)) + 1e-12;
}
}  // namespace detail

/// Validate a report: submission_schema(), then the numbers against each other — every variant
/// name once; "baseline" and "final" name variants; per variant p50_s <= p90_s <= p99_s and
/// bytes_per_parameter = size_bytes / model.parameters; improvements = baseline over final (size,
/// p90) and final − baseline (accuracy); with options.files_dir, each file's size on disk equals
/// size_bytes. The first problem is a SchemaError at its path (e.g. "$.improvements.size_ratio"),
/// with the value expected (computed), the value found and a hint.
inline void validate_submission(const json::Value& report, const ValidationOptions& options = {}) {
    // BEGIN SOLUTION: validate_submission (§5)
    validate(report, submission_schema());
    const double params = report["model"]["parameters"].as_number();
    const json::Value& variants = report["variants"];
    std::set<std::string> names;
    for (size_t i = 0; i < variants.size(); ++i) {
        const json::Value& v = variants[i];
        const std::string at = fmt("$.variants[", i, "]");
        const std::string& name = v["name"].as_string();
        if (!names.insert(name).second)
            throw SchemaError(at + ".name", "a name no other variant has", json::quote(name),
                              "give each variant its own name");
        const json::Value& lat = v["latency"];
        const double p50 = lat["p50_s"].as_number(), p90 = lat["p90_s"].as_number(), p99 = lat["p99_s"].as_number();
        if (!(p50 <= p90))
            throw SchemaError(at + ".latency.p90_s", fmt("a number >= p50_s = ", json::number(p50)), json::number(p90),
                              "a percentile cannot be below a lower one: report the harness's numbers");
        if (!(p90 <= p99))
            throw SchemaError(at + ".latency.p99_s", fmt("a number >= p90_s = ", json::number(p90)), json::number(p99),
                              "a percentile cannot be below a lower one: report the harness's numbers");
        const double size = v["size_bytes"].as_number();
        const double bpp = v["bytes_per_parameter"].as_number();
        if (!detail::agrees(bpp, size / params, options.rtol))
            throw SchemaError(at + ".bytes_per_parameter",
                              fmt(json::number(size / params), " (size_bytes / model.parameters)"), json::number(bpp),
                              "derive it from the measured file size, never assume 4 bytes per parameter");
        if (!options.files_dir.empty()) {
            const std::string path = (std::filesystem::path(options.files_dir) / v["file"].as_string()).string();
            std::error_code ec;
            const auto on_disk = std::filesystem::file_size(path, ec);
            if (ec)
                throw SchemaError(at + ".file", fmt("a file in '", options.files_dir, "'"),
                                  fmt(json::quote(v["file"].as_string()), ", which does not exist"),
                                  "submit the model files together with the report");
            if (static_cast<double>(on_disk) != size)
                throw SchemaError(at + ".size_bytes", fmt(on_disk, " (the size of ", path, ")"), json::number(size),
                                  "measure the size from the file you wrote (file_size_bytes)");
        }
    }
    auto find = [&](const char* key) -> const json::Value& {
        const std::string& name = report[key].as_string();
        for (size_t i = 0; i < variants.size(); ++i)
            if (variants[i]["name"].as_string() == name) return variants[i];
        std::string list;
        for (const std::string& n : names) list += (list.empty() ? "" : ", ") + json::quote(n);
        throw SchemaError(fmt("$.", key), fmt("the name of a variant (one of ", list, ")"), json::quote(name),
                          "baseline and final must name measured variants");
    };
    const json::Value& base = find("baseline");
    const json::Value& fin = find("final");
    const json::Value& imp = report["improvements"];
    const double size_ratio = base["size_bytes"].as_number() / fin["size_bytes"].as_number();
    const double delta = fin["accuracy"].as_number() - base["accuracy"].as_number();
    const double p90_ratio = base["latency"]["p90_s"].as_number() / fin["latency"]["p90_s"].as_number();
    if (!detail::agrees(imp["size_ratio"].as_number(), size_ratio, options.rtol))
        throw SchemaError("$.improvements.size_ratio", fmt(json::number(size_ratio), " (baseline / final size_bytes)"),
                          imp["size_ratio"].describe(), "compute it from the variants' measured sizes");
    if (!detail::agrees(imp["accuracy_delta"].as_number(), delta, options.rtol))
        throw SchemaError("$.improvements.accuracy_delta", fmt(json::number(delta), " (final - baseline accuracy)"),
                          imp["accuracy_delta"].describe(), "compute it from the variants' measured accuracies");
    if (!detail::agrees(imp["latency_p90_ratio"].as_number(), p90_ratio, options.rtol))
        throw SchemaError("$.improvements.latency_p90_ratio", fmt(json::number(p90_ratio), " (baseline / final p90_s)"),
                          imp["latency_p90_ratio"].describe(), "compute it from the variants' measured p90 latencies");
    // END SOLUTION
}

/// Validate (files checked in the report's folder) and write the report atomically.
inline void write_submission(const Submission& s, const std::string& path) {
    const json::Value report = to_json(s);
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    validate_submission(report, {folder.empty() ? std::string(".") : folder.string()});
    train::detail::AtomicFileWriter file(path);
    {
        std::ofstream out(file.temp_path(), std::ios::binary);
        if (!out) throw DataError(fmt("write_submission: cannot write '", path, "'; hint: does the folder exist?"));
        out << report.dump(2) << "\n";
        out.flush();
        if (!out) throw DataError(fmt("write_submission: writing '", path, "' failed (disk full?)"));
    }
    file.commit();
}

/// Read and validate a report. check_files: the variants' files must sit beside it, sizes matching.
inline json::Value read_submission(const std::string& path, bool check_files = true) {
    json::Value report = json::parse_file(path);
    ValidationOptions o;
    if (check_files) {
        const std::filesystem::path folder = std::filesystem::path(path).parent_path();
        o.files_dir = folder.empty() ? std::string(".") : folder.string();
    }
    validate_submission(report, o);
    return report;
}

}  // namespace tinytorch::capstone
