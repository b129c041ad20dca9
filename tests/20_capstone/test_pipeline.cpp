// tests/20_capstone/test_pipeline.cpp — §6: the quantize and prune stages and the whole pipeline on a
// small MLP trained on synthetic blobs; every figure is checked against the files on disk and against
// a model rebuilt here from them.
#include <filesystem>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "capstone_test_support.hpp"
#include "tinytorch/training/checkpoint.hpp"

using namespace tinytorch;
using namespace tinytorch::capstone;

namespace pipeline_test {
/// A 64-128-3 MLP trained on 150 blob samples (well separated: ~100% accuracy), and 90 test samples.
struct Trained {
    std::shared_ptr<nn::Module> model = capstone_test::make_mlp();
    TestSet test = capstone_test::blobs(90, 64, 2);
    Trained() { capstone_test::train(*model, capstone_test::blobs(150, 64, 1), 40); }
};
PipelineOptions options(const std::string& dir) {
    PipelineOptions o;
    o.out_dir = dir;
    o.latency = capstone_test::fast_latency();
    o.student = "ada";
    o.model_name = "blobs-mlp";
    o.architecture = "64-128-3";
    return o;
}
ModelFactory factory() {
    return [] { return capstone_test::make_mlp(); };
}
int64_t file_size(const std::string& path) { return static_cast<int64_t>(std::filesystem::file_size(path)); }
}  // namespace pipeline_test

TEST_CASE("quantize_stage writes int8 weights and measures the model read back from them", "[20_capstone]") {
    tinytorch_test::TempDir dir;
    pipeline_test::Trained t;
    const PipelineOptions o = pipeline_test::options(dir.str());
    const double float_acc = capstone_test::accuracy_ref(*t.model, t.test);
    train::save_weights(*t.model, dir.file("float.safetensors"));
    const int64_t float_bytes = pipeline_test::file_size(dir.file("float.safetensors"));

    const VariantMetrics v = quantize_stage(*t.model, pipeline_test::factory(), t.test, t.test.images.slice(0, 0, 1), o);
    const std::string path = dir.file("int8.safetensors");
    CHECK(v.name == "int8");
    CHECK(v.storage == "int8");
    CHECK(v.file == "int8.safetensors");
    REQUIRE(std::filesystem::exists(path));
    CHECK(v.size_bytes == pipeline_test::file_size(path));
    CHECK(v.size_bytes * 3 < float_bytes);  // 1 byte per weight instead of 4 (plus scales, biases, header)
    train::Metadata meta;
    const train::RawTensors raw = train::load_safetensors_raw(path, &meta);
    int64_t int8_values = 0;
    for (const auto& [name, r] : raw)
        if (r.dtype == "I8" && (name == "0.weight" || name == "2.weight")) int8_values += static_cast<int64_t>(r.bytes.size());
    CHECK(int8_values == 64 * 128 + 128 * 3);
    // the accuracy is that of the model in the file
    auto back = capstone_test::make_mlp();
    quantization::load(*back, path);
    CHECK(v.accuracy == capstone_test::accuracy_ref(*back, t.test));
    CHECK(v.accuracy >= float_acc - 0.05);
    CHECK(v.test_samples == 90);
    CHECK(v.sparsity == 0.0);
    CHECK(v.latency.p50_s > 0);
}

TEST_CASE("prune_stage prunes fine-tunes with the masks on and stores sparse int8", "[20_capstone]") {
    tinytorch_test::TempDir dir;
    pipeline_test::Trained t;
    PipelineOptions o = pipeline_test::options(dir.str());
    o.prune_amount = 0.8;
    int calls = 0;
    int64_t pruned_layers = 0;
    FineTune fine_tune = [&](nn::Module& m) {
        ++calls;
        for (const auto& [name, mod] : m.named_modules()) pruned_layers += dynamic_cast<nn::PrunedLayer*>(mod) != nullptr;
        capstone_test::train(m, capstone_test::blobs(150, 64, 1), 10);
    };
    const VariantMetrics q = quantize_stage(*t.model, pipeline_test::factory(), t.test, t.test.images.slice(0, 0, 1), o);
    const VariantMetrics v =
        prune_stage(*t.model, pipeline_test::factory(), fine_tune, t.test, t.test.images.slice(0, 0, 1), o);
    CHECK(calls == 1);
    CHECK(pruned_layers == 2);  // both Linear layers carried masks while fine-tuning
    const std::string path = dir.file("pruned-int8.safetensors");
    CHECK(v.name == "pruned-int8");
    CHECK(v.storage == "sparse-int8");
    CHECK(v.file == "pruned-int8.safetensors");
    REQUIRE(std::filesystem::exists(path));
    CHECK(v.size_bytes == pipeline_test::file_size(path));
    CHECK(v.size_bytes < q.size_bytes);
    train::Metadata meta;
    (void)train::load_safetensors_raw(path, &meta);
    CHECK(meta["format"] == "tinytorch-sparse-v1");
    // the zeros survived fine-tuning: 80% of all weights (global), counted here from the file
    const StateDict stored = compression::load_sparse(path);
    std::vector<float> weights = judge::values(*stored.find("0.weight"));
    const std::vector<float> w2 = judge::values(*stored.find("2.weight"));
    weights.insert(weights.end(), w2.begin(), w2.end());
    const double zeros = capstone_test::zero_fraction(weights);
    CHECK(zeros >= 0.8 - 1e-3);
    CHECK(v.sparsity == Approx(zeros).margin(1e-12));
    // accuracy and latency belong to the model rebuilt from that file and quantized for inference
    auto back = capstone_test::make_mlp();
    back->load_state_dict(stored);
    quantization::quantize_dynamic(*back);
    CHECK(v.accuracy == capstone_test::accuracy_ref(*back, t.test));
    CHECK(v.accuracy >= 0.9);
    CHECK(v.latency.p90_s >= v.latency.p50_s);
}

TEST_CASE("run_pipeline writes three measured variants and a valid report beside them", "[20_capstone]") {
    tinytorch_test::TempDir dir;
    pipeline_test::Trained t;
    const std::vector<float> before = judge::values(t.model->state_dict().find("0.weight")->detach());
    std::vector<std::string> lines;
    PipelineOptions o = pipeline_test::options(dir.str());
    o.log = [&](const std::string& l) { lines.push_back(l); };
    const Submission s = run_pipeline(*t.model, pipeline_test::factory(), t.test,
                                      [](nn::Module& m) { capstone_test::train(m, capstone_test::blobs(150, 64, 1), 5); }, o);
    CHECK(judge::values(t.model->state_dict().find("0.weight")->detach()) == before);  // the trained model is untouched
    CHECK(lines.size() >= 5);
    REQUIRE(s.variants.size() == 3);
    CHECK(s.model.parameters == 64 * 128 + 128 + 128 * 3 + 3);
    CHECK(s.model.forward_flops > 0);
    CHECK(s.test_samples == 90);
    const std::string report = dir.file("submission.json");
    REQUIRE(std::filesystem::exists(report));
    const test_json::Value j = test_json::parse_file(report);
    REQUIRE(j["variants"].size() == 3);
    for (size_t i = 0; i < 3; ++i) {
        const test_json::Value& v = j["variants"][i];
        CHECK(v["size_bytes"].num == static_cast<double>(pipeline_test::file_size(dir.file(v["file"].str))));
        CHECK(v["bytes_per_parameter"].num == Approx(v["size_bytes"].num / 8707.0));
    }
    CHECK(j["variants"][0]["storage"].str == "float32");
    CHECK(j["variants"][1]["storage"].str == "int8");
    CHECK(j["variants"][2]["storage"].str == "sparse-int8");
    CHECK(j["final"].str == "pruned-int8");  // smallest, and within 1 point of the baseline on easy blobs
    CHECK(j["improvements"]["size_ratio"].num > 6);
    CHECK(j["environment"]["threads"].num >= 1);
    CHECK_NOTHROW(read_submission(report));
}

TEST_CASE("run_pipeline refuses a prune amount outside 0..1 and a test set smaller than a batch", "[20_capstone][provided]") {
    tinytorch_test::TempDir dir;
    nn::Sequential model;  // never run: the options are refused first
    const TestSet test = capstone_test::blobs(4, 64, 3);
    PipelineOptions o = pipeline_test::options(dir.str());
    o.prune_amount = 80;
    CHECK_THROWS_AS(run_pipeline(model, pipeline_test::factory(), test, {}, o), ValueError);
    CHECK_THROWS_WITH(run_pipeline(model, pipeline_test::factory(), test, {}, o), Contains("fraction"));
    o.prune_amount = 0.5;
    o.latency_batch = 8;
    CHECK_THROWS_AS(run_pipeline(model, pipeline_test::factory(), test, {}, o), ValueError);
}
