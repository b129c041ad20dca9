// tests/20_capstone/capstone_test_support.hpp — what the module-20 tests share: a report written by
// hand (every derived number worked out below it), small deterministic models and data, a fast
// latency setting, and files of exact sizes. Expected values never come from code under test.
#pragma once
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/judge.hpp"
#include "support/json_reader.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/capstone/capstone.hpp"
#include "tinytorch/layers/sequential.hpp"
#include "tinytorch/losses/losses.hpp"
#include "tinytorch/optimizers/optimizers.hpp"

namespace capstone_test {

// model.parameters = 1000. Sizes 4400 / 1100 / 550 bytes -> bytes_per_parameter 4.4 / 1.1 / 0.55;
// size_ratio = 4400 / 550 = 8; accuracy_delta = 0.972 - 0.98 = -0.008;
// latency_p90_ratio = 0.004 / 0.0025 = 1.6.
inline const char* kValidReport = R"({
  "schema": "tinytorch-capstone-v1",
  "student": "ada",
  "model": {"name": "mlp", "architecture": "32-64-3", "parameters": 1000, "forward_flops": 4352,
            "peak_activation_bytes": 268},
  "dataset": {"name": "blobs", "test_samples": 500},
  "variants": [
    {"name": "baseline", "storage": "float32", "file": "baseline.safetensors", "size_bytes": 4400,
     "bytes_per_parameter": 4.4, "sparsity": 0, "accuracy": 0.98, "test_samples": 500,
     "latency": {"batch": 1, "p50_s": 0.002, "p90_s": 0.004, "p99_s": 0.005, "median_s": 0.002,
                 "mad_s": 0.0001, "repeats": 7, "calls": 70}},
    {"name": "int8", "storage": "int8", "file": "int8.safetensors", "size_bytes": 1100,
     "bytes_per_parameter": 1.1, "sparsity": 0, "accuracy": 0.976, "test_samples": 500,
     "latency": {"batch": 1, "p50_s": 0.001, "p90_s": 0.002, "p99_s": 0.003, "median_s": 0.001,
                 "mad_s": 0.0001, "repeats": 7, "calls": 70}},
    {"name": "pruned-int8", "storage": "sparse-int8", "file": "pruned-int8.safetensors", "size_bytes": 550,
     "bytes_per_parameter": 0.55, "sparsity": 0.8, "accuracy": 0.972, "test_samples": 500,
     "latency": {"batch": 1, "p50_s": 0.001, "p90_s": 0.0025, "p99_s": 0.003, "median_s": 0.001,
                 "mad_s": 0.0001, "repeats": 7, "calls": 70}}
  ],
  "baseline": "baseline",
  "final": "pruned-int8",
  "techniques": ["int8", "pruning"],
  "improvements": {"size_ratio": 8, "accuracy_delta": -0.008, "latency_p90_ratio": 1.6},
  "environment": {"date": "2026-12-06T15:00:00Z", "host": "h", "kernel": "Linux", "cpu_model": "AMD EPYC",
                  "logical_cpus": 2, "cpu_isa": ["avx2", "avx512f"], "compiled_isa": ["avx2"],
                  "compiler": "g++ 12.2", "cxx_flags": "-O3", "threads": 1, "gemm_backend": "OpenBLAS",
                  "openblas_coretype": "Haswell", "openblas_l2_size": "512", "variables": {},
                  "load_average": [1.5, 1.2, 1.0]}
})";

/// The hand-written report, parsed with the framework's reader (provided code, tested on its own).
inline tinytorch::json::Value valid_report() { return tinytorch::json::parse(kValidReport, "kValidReport"); }

/// kValidReport with the first occurrence of `from` replaced by `to` (the text must be there).
inline tinytorch::json::Value report_with(const std::string& from, const std::string& to) {
    std::string text = kValidReport;
    const size_t at = text.find(from);
    if (at == std::string::npos) throw std::invalid_argument("report_with: '" + from + "' is not in kValidReport");
    text.replace(at, from.size(), to);
    return tinytorch::json::parse(text, "edited kValidReport");
}

/// A file of exactly n bytes.
inline void write_bytes(const std::string& path, size_t n) {
    const std::string zeros(n, '\0');
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(zeros.data(), static_cast<std::streamsize>(n));
}

/// A clock that advances by `step` seconds at every read: a timed call always lasts `step`.
struct SteppingClock {
    double now = 0, step;
    explicit SteppingClock(double s) : step(s) {}
    tinytorch::benchmark::Clock clock() { return [this] { return now += step; }; }
};

/// Latency options that finish in milliseconds: no warm-up time, 3 short repeats.
inline tinytorch::benchmark::BenchmarkOptions fast_latency() {
    tinytorch::benchmark::BenchmarkOptions o = tinytorch::capstone::latency_options();
    o.warmup_seconds = 0;
    o.min_warmup_calls = 1;
    o.repeat_seconds = 2e-4;
    o.repeats = 3;
    return o;
}

/// Three Gaussian blobs in `dim` dimensions (class c centred at 5·e_c, noise 0.7), n samples, seeded.
inline tinytorch::capstone::TestSet blobs(int64_t n, int64_t dim, uint32_t seed) {
    std::mt19937 gen(seed);
    std::normal_distribution<float> noise(0.0f, 0.7f);
    std::vector<float> x(static_cast<size_t>(n * dim)), y(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const int64_t c = i % 3;
        y[i] = static_cast<float>(c);
        for (int64_t d = 0; d < dim; ++d) x[i * dim + d] = noise(gen) + (d == c ? 5.0f : 0.0f);
    }
    tinytorch::capstone::TestSet t;
    t.name = "blobs";
    t.images = judge::tensor(x, {n, dim});
    t.labels = judge::tensor(y, {n});
    return t;
}

/// dim-hidden-3 ReLU MLP in an nn::Sequential, seeded initialisation.
inline std::shared_ptr<tinytorch::nn::Module> make_mlp(int64_t dim = 64, int64_t hidden = 128) {
    tinytorch::manual_seed(7);
    return std::make_shared<tinytorch::nn::Sequential>(tinytorch::nn::Linear(dim, hidden), tinytorch::nn::ReLU(),
                                                        tinytorch::nn::Linear(hidden, 3));
}

/// A few epochs of Adam on the blobs (full batch): enough to separate them.
inline void train(tinytorch::nn::Module& model, const tinytorch::capstone::TestSet& data, int steps) {
    tinytorch::optim::Adam adam(model.parameters(), tinytorch::optim::AdamOptions(0.01));
    tinytorch::nn::CrossEntropyLoss loss_fn;
    model.train();
    for (int s = 0; s < steps; ++s) {
        adam.zero_grad();
        tinytorch::Tensor loss = loss_fn.forward(model.forward(data.images), data.labels);
        loss.backward();
        adam.step();
    }
}

/// Share of the values equal to zero.
inline double zero_fraction(const std::vector<float>& v) {
    size_t z = 0;
    for (float x : v) z += x == 0.0f;
    return v.empty() ? 0.0 : static_cast<double>(z) / static_cast<double>(v.size());
}

}  // namespace capstone_test

namespace capstone_test {
/// Accuracy computed here: the model's logits read through judge::values, argmax by hand.
inline double accuracy_ref(tinytorch::nn::Module& model, const tinytorch::capstone::TestSet& t) {
    tinytorch::NoGradGuard no_grad;
    model.eval();
    const std::vector<float> logits = judge::values(model.forward(t.images));
    const std::vector<float> labels = judge::values(t.labels);
    const size_t n = labels.size(), classes = logits.size() / n;
    size_t right = 0;
    for (size_t i = 0; i < n; ++i) {
        size_t best = 0;
        for (size_t c = 1; c < classes; ++c)
            if (logits[i * classes + c] > logits[i * classes + best]) best = c;
        right += static_cast<float>(best) == labels[i];
    }
    return static_cast<double>(right) / static_cast<double>(n);
}
}  // namespace capstone_test
