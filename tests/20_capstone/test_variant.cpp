// tests/20_capstone/test_variant.cpp — §2: accuracy on a hand-made model, latency through module 19's
// harness driven by a stepping clock (every time known exactly), the size read from the file.
#include <filesystem>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "capstone_test_support.hpp"
#include "tinytorch/training/checkpoint.hpp"

using namespace tinytorch;
using namespace tinytorch::capstone;

namespace variant_test {
/// Linear(2, 2) with W = I, b = 0: predicts the index of the larger input.
std::shared_ptr<nn::Sequential> argmax_model() {
    auto net = std::make_shared<nn::Sequential>(nn::Linear(2, 2));
    const Tensor& w = net->at<nn::Linear>(0).weight;
    const Tensor& b = net->at<nn::Linear>(0).bias;
    const float id[4] = {1, 0, 0, 1}, zero[2] = {0, 0};
    std::memcpy(w.impl()->storage->data() + w.impl()->offset, id, sizeof id);
    std::memcpy(b.impl()->storage->data() + b.impl()->offset, zero, sizeof zero);
    return net;
}
// inputs whose larger coordinate is 0, 1, 0, 1, 1; labels 0, 1, 0, 0, 1 -> 4 of 5 right
Tensor inputs() { return judge::tensor({1, 0, 0, 1, 2, 1, 0, 3, 1, 5}, {5, 2}); }
Tensor labels() { return judge::tensor({0, 1, 0, 0, 1}, {5}); }
}  // namespace variant_test

TEST_CASE("accuracy is the fraction of argmax predictions equal to the labels", "[20_capstone]") {
    auto net = variant_test::argmax_model();
    CHECK(accuracy(*net, variant_test::inputs(), variant_test::labels()) == 0.8);
    for (int64_t batch : {1, 2, 3, 5, 100})  // batching does not change the count
        CHECK(accuracy(*net, variant_test::inputs(), variant_test::labels(), batch) == 0.8);
    CHECK(accuracy(*net, variant_test::inputs(), judge::tensor({0, 1, 0, 1, 1}, {5})) == 1.0);
    net->train();
    (void)accuracy(*net, variant_test::inputs(), variant_test::labels());
    CHECK_FALSE(net->is_training());  // evaluated in eval mode
}

TEST_CASE("accuracy refuses images and labels that do not pair up", "[20_capstone][provided]") {
    auto net = std::make_shared<nn::Sequential>();  // never run: the arguments are refused first
    CHECK_THROWS_AS(accuracy(*net, variant_test::inputs(), judge::tensor({0, 1}, {2})), ShapeError);
    CHECK_THROWS_WITH(accuracy(*net, variant_test::inputs(), judge::tensor({0, 1}, {2})),
                      Contains("[5, 2]") && Contains("[2]") && Contains("hint"));
    CHECK_THROWS_AS(accuracy(*net, variant_test::inputs(), variant_test::labels(), 0), ValueError);
    CHECK_THROWS_AS(file_size_bytes("/nonexistent/model.safetensors"), DataError);
    CHECK_THROWS_AS(measure_latency(*net, Tensor()), ShapeError);
}

TEST_CASE("measure_latency reports the harness's single-call percentiles", "[20_capstone]") {
    auto net = variant_test::argmax_model();
    capstone_test::SteppingClock clock(1.0 / 1024);  // every timed call lasts exactly 1/1024 s
    benchmark::BenchmarkOptions o = latency_options();
    o.clock = clock.clock();
    o.warmup_seconds = 0;
    o.repeat_seconds = 1.0 / 1024;  // one call per repeat reaches it
    o.repeats = 5;
    const LatencyMetrics m = measure_latency(*net, judge::tensor({1, 0, 0, 1, 2, 1}, {3, 2}), o);
    CHECK(m.batch == 3);
    CHECK(m.p50_s == 1.0 / 1024);
    CHECK(m.p90_s == 1.0 / 1024);
    CHECK(m.p99_s == 1.0 / 1024);
    CHECK(m.median_s == 1.0 / 1024);
    CHECK(m.mad_s == 0.0);
    CHECK(m.repeats == 5);
    CHECK(m.calls == 5);  // each call timed on its own
}

TEST_CASE("measure_latency on the real clock gives ordered positive percentiles", "[20_capstone]") {
    auto net = variant_test::argmax_model();
    const LatencyMetrics m = measure_latency(*net, judge::tensor({1, 0}, {1, 2}), capstone_test::fast_latency());
    CHECK(m.batch == 1);
    CHECK(m.p50_s > 0);
    CHECK(m.p50_s <= m.p90_s);
    CHECK(m.p90_s <= m.p99_s);
    CHECK(m.repeats == 3);
    CHECK(m.calls >= 3);
}

TEST_CASE("measure_variant takes the size from the written file not from the parameter count", "[20_capstone]") {
    tinytorch_test::TempDir dir;
    auto net = variant_test::argmax_model();
    const std::string path = dir.file("argmax.safetensors");
    train::save_weights(*net, path);
    TestSet test;
    test.images = variant_test::inputs();
    test.labels = variant_test::labels();
    const VariantMetrics v = measure_variant("baseline", "float32", *net, path, test,
                                             judge::tensor({1, 0}, {1, 2}), capstone_test::fast_latency());
    CHECK(v.name == "baseline");
    CHECK(v.storage == "float32");
    CHECK(v.file == "argmax.safetensors");  // the name, not the folder
    CHECK(v.size_bytes == static_cast<int64_t>(std::filesystem::file_size(path)));
    CHECK(v.size_bytes > 6 * 4);  // 6 parameters, plus the safetensors header
    CHECK(v.accuracy == 0.8);
    CHECK(v.test_samples == 5);
    CHECK(v.latency.batch == 1);
    CHECK(v.latency.p50_s > 0);
    CHECK_THROWS_AS(measure_variant("x", "float32", *net, dir.file("missing.safetensors"), test,
                                    judge::tensor({1, 0}, {1, 2}), capstone_test::fast_latency()),
                    DataError);
}
