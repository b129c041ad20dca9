// include/tinytorch/capstone/pipeline.hpp
// Module 20 · Capstone — lesson: modules/20_capstone/README.md §6 (the pipeline)
//
// One pass over a trained model, every step a module of the course:
//   1. profile      module 14: parameters, FLOPs and peak activation memory of one forward pass
//   2. baseline     the float model written as safetensors (module 08), read back and measured
//   3. quantize     module 15: int8 dynamic quantization, written with quantization::save (I8 weights),
//                   read back into a fresh model and measured
//   4. prune        module 16: global magnitude pruning to `prune_amount` of the weights, masks on
//   5. fine-tune    the caller's training loop on the pruned model (the masks keep the zeros);
//                   then written as bitmask + int8 values (save_sparse), read back, quantized to
//                   int8 for inference and measured
//   6. benchmark    module 19's harness times each variant as read back (measure_variant, §2)
// and a submission report (§4) that names the final variant: the smallest file whose accuracy is
// within `max_accuracy_drop` of the baseline. Every variant is measured on the model rebuilt from
// its file, so its size, accuracy and latency belong to the same bytes.
//
// C++ modules cannot be copied: the pipeline builds each variant with `make_model` (a fresh model
// of the trained architecture) and loads the trained weights into it. The layers to quantize and
// prune must sit in an nn::Sequential (modules 15 and 16 swap them there).
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/capstone/submission.hpp"
#include "tinytorch/compression/compression.hpp"
#include "tinytorch/profiling/model_summary.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "tinytorch/training/checkpoint.hpp"

namespace tinytorch::capstone {

/// A fresh, untrained model of the architecture being optimised.
using ModelFactory = std::function<std::shared_ptr<nn::Module>()>;
/// The caller's training loop, run on the pruned model (its masks installed).
using FineTune = std::function<void(nn::Module&)>;

struct PipelineOptions {
    std::string out_dir = ".";               ///< where the model files and submission.json go
    std::string student = "anonymous";
    std::string model_name = "model", architecture = "model";
    double prune_amount = 0.8;                ///< fraction of all weights pruned (global magnitude)
    double max_accuracy_drop = 0.01;          ///< the final variant may lose at most this much accuracy
    int64_t latency_batch = 1;                ///< samples per timed call (MLPerf single-stream: 1)
    benchmark::BenchmarkOptions latency = latency_options();
    std::function<void(const std::string&)> log;  ///< progress lines (empty: silent)
};

/// The model `make_model` builds, holding the weights of `trained`.
inline std::shared_ptr<nn::Module> copy_model(const nn::Module& trained, const ModelFactory& make_model) {
    std::shared_ptr<nn::Module> fresh = make_model();
    if (!fresh) throw ValueError("copy_model: make_model returned nullptr; hint: return std::make_shared<...>(...)");
    fresh->load_state_dict(trained.state_dict());
    return fresh;
}

/// Stage 2: the float model as safetensors at out_dir/baseline.safetensors, read back, measured.
inline VariantMetrics baseline_stage(const nn::Module& trained, const ModelFactory& make_model, const TestSet& test,
                                     const Tensor& latency_input, const PipelineOptions& o) {
    const std::string path = (std::filesystem::path(o.out_dir) / "baseline.safetensors").string();
    train::save_weights(trained, path);
    std::shared_ptr<nn::Module> model = make_model();
    train::load_weights(*model, path);
    VariantMetrics v = measure_variant("baseline", "float32", *model, path, test, latency_input, o.latency);
    v.sparsity = compression::measure_sparsity(*model);
    return v;
}

/// Stage 3: a copy of `trained` quantized with quantization::quantize_dynamic (int8 weights per
/// output channel), written with quantization::save to out_dir/int8.safetensors, loaded with
/// quantization::load into a fresh model of the architecture and measured as variant "int8",
/// storage "int8"; its sparsity is that of the float weights it was quantized from.
inline VariantMetrics quantize_stage(const nn::Module& trained, const ModelFactory& make_model, const TestSet& test,
                                     const Tensor& latency_input, const PipelineOptions& o) {
    const std::string path = (std::filesystem::path(o.out_dir) / "int8.safetensors").string();
    VariantMetrics v;
    // BEGIN SOLUTION: quantize_stage (§6)
    std::shared_ptr<nn::Module> model = copy_model(trained, make_model);
    const double sparsity = compression::measure_sparsity(*model);
    quantization::quantize_dynamic(*model);
    quantization::save(*model, path);
    std::shared_ptr<nn::Module> back = make_model();
    quantization::load(*back, path);
    v = measure_variant("int8", "int8", *back, path, test, latency_input, o.latency);
    v.sparsity = sparsity;
    // END SOLUTION
    return v;
}

/// Stages 4-5: a copy of `trained` pruned with compression::magnitude_prune(o.prune_amount,
/// global), fine-tuned by `fine_tune`, written with compression::save_sparse (int8 values) of its
/// effective_state_dict to out_dir/pruned-int8.safetensors; then a fresh model loads that file
/// (load_sparse), its sparsity is measured, it is quantized with quantize_dynamic and measured as
/// variant "pruned-int8", storage "sparse-int8".
inline VariantMetrics prune_stage(const nn::Module& trained, const ModelFactory& make_model, const FineTune& fine_tune,
                                  const TestSet& test, const Tensor& latency_input, const PipelineOptions& o) {
    const std::string path = (std::filesystem::path(o.out_dir) / "pruned-int8.safetensors").string();
    VariantMetrics v;
    // BEGIN SOLUTION: prune_stage (§6)
    std::shared_ptr<nn::Module> model = copy_model(trained, make_model);
    compression::magnitude_prune(*model, o.prune_amount, compression::PruneScope::global);
    if (fine_tune) fine_tune(*model);
    compression::save_sparse(path, compression::effective_state_dict(*model), compression::SparseValues::int8);
    std::shared_ptr<nn::Module> back = make_model();
    back->load_state_dict(compression::load_sparse(path));
    const double sparsity = compression::measure_sparsity(*back);
    quantization::quantize_dynamic(*back);
    v = measure_variant("pruned-int8", "sparse-int8", *back, path, test, latency_input, o.latency);
    v.sparsity = sparsity;
    // END SOLUTION
    return v;
}

/// The variant to submit: the smallest file among those within max_accuracy_drop of the
/// baseline's accuracy (the baseline itself when none is).
inline std::string choose_final(const std::vector<VariantMetrics>& variants, const std::string& baseline,
                                double max_accuracy_drop) {
    const VariantMetrics* base = nullptr;
    for (const VariantMetrics& v : variants)
        if (v.name == baseline) base = &v;
    if (!base) throw ValueError(fmt("choose_final: no variant named '", baseline, "'; hint: measure the baseline first"));
    const VariantMetrics* best = base;
    for (const VariantMetrics& v : variants)
        if (v.accuracy >= base->accuracy - max_accuracy_drop && v.size_bytes < best->size_bytes) best = &v;
    return best->name;
}

/// The whole pipeline (see the top of this file). Writes baseline.safetensors, int8.safetensors,
/// pruned-int8.safetensors and submission.json into o.out_dir (created if missing) and returns
/// the submission. `trained` is not changed.
inline Submission run_pipeline(const nn::Module& trained, const ModelFactory& make_model, const TestSet& test,
                               const FineTune& fine_tune, const PipelineOptions& o = {}) {
    if (!(o.prune_amount >= 0.0 && o.prune_amount <= 1.0))
        throw ValueError(fmt("run_pipeline: prune_amount must be a fraction in [0, 1], got ", o.prune_amount,
                             "; hint: 0.8 prunes 80% of the weights"));
    if (!test.images.defined() || test.images.dim() < 1 || o.latency_batch < 1 || test.images.size(0) < o.latency_batch)
        throw ValueError(fmt("run_pipeline: the test set must hold at least latency_batch = ", o.latency_batch,
                             " samples; hint: pass the real test set"));
    auto log = [&](const std::string& line) { if (o.log) o.log(line); };
    std::filesystem::create_directories(o.out_dir);
    const Tensor latency_input = test.images.slice(0, 0, o.latency_batch).contiguous();

    Submission s;
    s.student = o.student;
    s.dataset = test.name;
    s.test_samples = test.images.size(0);
    log("1/6 profile (module 14)");
    {
        std::shared_ptr<nn::Module> model = copy_model(trained, make_model);
        profiler::SummaryOptions so;
        so.warmup = 0;
        so.iterations = 0;
        so.training_memory = false;
        const profiler::ModelSummary p = profiler::summary(*model, test.images.slice(0, 0, 1).contiguous(), so);
        s.model = ModelInfo{o.model_name, o.architecture, p.parameters, p.forward_flops, p.peak_activation_bytes};
    }
    log("2/6 baseline: float32 safetensors");
    s.variants.push_back(baseline_stage(trained, make_model, test, latency_input, o));
    log("3/6 quantize: int8 (module 15)");
    s.variants.push_back(quantize_stage(trained, make_model, test, latency_input, o));
    log("4-5/6 prune (module 16) + fine-tune, then sparse int8 storage");
    s.variants.push_back(prune_stage(trained, make_model, fine_tune, test, latency_input, o));
    log("6/6 benchmark done (module 19's harness in every stage); writing submission.json");
    s.baseline = "baseline";
    s.final_variant = choose_final(s.variants, s.baseline, o.max_accuracy_drop);
    s.techniques = {"int8 dynamic quantization (per-channel weights, per-tensor activations)",
                    fmt("global magnitude pruning to ", o.prune_amount, " of the weights + fine-tuning"),
                    "sparse storage: bitmask + int8 values"};
    s.environment = benchmark::capture_environment();
    write_submission(s, (std::filesystem::path(o.out_dir) / "submission.json").string());
    return s;
}

}  // namespace tinytorch::capstone
