// include/tinytorch/capstone/variant_metrics.hpp
// Module 20 · Capstone — lesson: modules/20_capstone/README.md §2 (measuring a model variant)
//
// Every number of a submission is measured on the model *as it was written to disk and read
// back* — never estimated:
//   size       the bytes of the file (std::filesystem::file_size), not parameters × 4: an int8
//              weight costs 1 byte, a pruned one 1/8 (its bit in the bitmask)
//   accuracy   the fraction of the real test set classified correctly (argmax of the logits)
//   latency    module 19's harness: warm-up, calibrated repeats, every call timed on its own,
//              p50 and p90 of single calls of `batch` samples (MLPerf single-stream: batch 1, p90)
// The original TinyTorch's capstone assumed 4 bytes per parameter for every model, quantized or
// not, and timed calls with time.time() without warm-up.
#pragma once
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "tinytorch/autograd/no_grad.hpp"
#include "tinytorch/benchmarking/harness.hpp"
#include "tinytorch/layers/module.hpp"

namespace tinytorch::capstone {

/// Held-out data: images [N, ...] and labels [N] (class indices stored as floats, as the loaders give).
struct TestSet {
    std::string name = "test";
    Tensor images, labels;
};

/// Latency of single calls of one batch (seconds), from module 19's harness.
struct LatencyMetrics {
    int64_t batch = 1;
    double p50_s = 0, p90_s = 0, p99_s = 0, median_s = 0, mad_s = 0;
    int repeats = 0;
    int64_t calls = 0;  ///< calls timed one by one (all repeats)
};

/// One variant of the model (baseline, int8, pruned + int8 ...) as measured.
struct VariantMetrics {
    std::string name;        ///< "baseline", "int8", "pruned-int8"
    std::string storage;     ///< how its file stores weights: "float32", "int8", "sparse-int8", "sparse-float32"
    std::string file;        ///< the file's name (in the report's folder)
    int64_t size_bytes = 0;  ///< measured: the size of that file
    double sparsity = 0;     ///< fraction in [0, 1] of the weights (dim >= 2) that are zero
    double accuracy = 0;     ///< fraction in [0, 1] of `test_samples` classified correctly
    int64_t test_samples = 0;
    LatencyMetrics latency;
};

/// The size of a file in bytes; DataError naming it when it does not exist.
inline int64_t file_size_bytes(const std::string& path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    if (ec)
        throw DataError(fmt("file_size_bytes: cannot read the size of '", path, "' (", ec.message(),
                            "); hint: measure the file after writing it"));
    return static_cast<int64_t>(n);
}

/// How the capstone times a model: 0.1 s warm-up, 7 repeats of >= 0.05 s, every call timed on
/// its own (per_call_threshold_s = 0), so p50/p90 are percentiles of single calls.
inline benchmark::BenchmarkOptions latency_options() {
    benchmark::BenchmarkOptions o;
    o.warmup_seconds = 0.1;
    o.repeat_seconds = 0.05;
    o.repeats = 7;
    o.per_call_threshold_s = 0.0;
    o.unit = "samples";
    return o;
}

/// Fraction of the samples whose argmax over the model's output equals the label, evaluated in
/// eval mode without gradients, `batch_size` samples at a time.   images [N, ...], labels [N]
inline double accuracy(nn::Module& model, const Tensor& images, const Tensor& labels, int64_t batch_size = 1000) {
    if (!images.defined() || !labels.defined() || images.dim() < 1 || labels.dim() != 1 ||
        images.size(0) != labels.size(0))
        throw ShapeError(fmt("accuracy: expected images [N, ...] and labels [N], got ",
                             images.defined() ? shape_str(images.shape()) : std::string("undefined"), " and ",
                             labels.defined() ? shape_str(labels.shape()) : std::string("undefined"),
                             "; hint: one label (a class index) per image"));
    if (images.size(0) == 0 || batch_size < 1)
        throw ValueError(fmt("accuracy: needs at least one sample and batch_size >= 1, got ", images.size(0),
                             " samples and batch_size ", batch_size, "; hint: pass the test set"));
    // BEGIN SOLUTION: accuracy (§2)
    NoGradGuard no_grad;
    model.eval();
    const int64_t n = images.size(0);
    int64_t correct = 0;
    for (int64_t start = 0; start < n; start += batch_size) {
        const int64_t end = std::min(n, start + batch_size);
        const std::vector<float> predicted = model.forward(images.slice(0, start, end)).argmax(1).to_vector();
        const std::vector<float> truth = labels.slice(0, start, end).to_vector();
        for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == truth[i];
    }
    return double(correct) / double(n);
    // END SOLUTION
}

/// Latency of model.forward(input) with module 19's harness (`options`: warm-up, repeats, clock),
/// in eval mode without gradients; batch = input.size(0).
inline LatencyMetrics measure_latency(nn::Module& model, const Tensor& input,
                                      const benchmark::BenchmarkOptions& options = latency_options()) {
    if (!input.defined() || input.dim() < 1 || input.size(0) < 1)
        throw ShapeError(fmt("measure_latency: expected an input batch [B, ...] with B >= 1, got ",
                             input.defined() ? shape_str(input.shape()) : std::string("undefined"),
                             "; hint: e.g. test.images.slice(0, 0, 1) for single-sample latency"));
    LatencyMetrics out;
    // BEGIN SOLUTION: measure_latency (§2)
    NoGradGuard no_grad;
    model.eval();
    benchmark::BenchmarkOptions o = options;
    o.items_per_call = static_cast<double>(input.size(0));
    const benchmark::Measurement m = benchmark::measure("forward", [&] { (void)model.forward(input); }, o);
    out.batch = input.size(0);
    out.p50_s = m.p50_s;
    out.p90_s = m.p90_s;
    out.p99_s = m.p99_s;
    out.median_s = m.median_s;
    out.mad_s = m.mad_s;
    out.repeats = static_cast<int>(m.seconds_per_call.size());
    out.calls = static_cast<int64_t>(m.call_seconds.size());
    // END SOLUTION
    return out;
}

/// Measure one variant: the size of `path` (the file this model was read back from), the
/// accuracy on `test`, the latency on `latency_input`. `file` in the result is the file's name
/// without its folder (the report sits beside it); `sparsity` is left to the caller.
inline VariantMetrics measure_variant(const std::string& name, const std::string& storage, nn::Module& model,
                                      const std::string& path, const TestSet& test, const Tensor& latency_input,
                                      const benchmark::BenchmarkOptions& options = latency_options()) {
    VariantMetrics v;
    v.name = name;
    v.storage = storage;
    // BEGIN SOLUTION: measure_variant (§2)
    v.file = std::filesystem::path(path).filename().string();
    v.size_bytes = file_size_bytes(path);
    v.accuracy = accuracy(model, test.images, test.labels);
    v.test_samples = test.images.size(0);
    v.latency = measure_latency(model, latency_input, options);
    // END SOLUTION
    return v;
}

}  // namespace tinytorch::capstone
