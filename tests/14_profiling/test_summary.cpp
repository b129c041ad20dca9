// tests/14_profiling/test_summary.cpp — the model summary: parameters, FLOPs per layer from the
// layer's real geometry (hand counts), activation memory from the allocator, latency.
#include "support/catch.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/attention/attention.hpp"        // modules 09-13, solved before 14
#include "tinytorch/convolutions/convolutions.hpp"
#include "tinytorch/embeddings/embeddings.hpp"
#include "tinytorch/transformers/transformers.hpp"
#include "tinytorch/profiling/profiling.hpp"
#include "helpers.hpp"

using namespace tinytorch;
using namespace tinytorch::profiler;
using namespace profiling_test;

namespace summary_test {
const LayerSummary& layer(const ModelSummary& s, const std::string& path) {
    for (const LayerSummary& l : s.layers)
        if (l.path == path) return l;
    throw std::runtime_error("no layer " + path);
}
}  // namespace summary_test
using summary_test::layer;

TEST_CASE("summary counts parameters and per layer FLOPs of an MLP", "[14_profiling]") {
    auto net = small_mlp();
    ModelSummary s = summary(*net, randn({3, 4}), SummaryOptions{1, 5, true});
    CHECK(s.parameters == 4 * 8 + 8 + 8 * 2 + 2);
    CHECK(s.trainable_parameters == s.parameters);
    CHECK(s.parameter_bytes == 4 * s.parameters);
    REQUIRE(s.layers.size() == 4);
    CHECK(layer(s, "Sequential").depth == 0);
    CHECK(layer(s, "Sequential.0").type == "Linear");
    CHECK(layer(s, "Sequential.0").parameters == 40);
    CHECK(layer(s, "Sequential.0").flops == 2 * 3 * 8 * 4 + 3 * 8);
    CHECK(layer(s, "Sequential.0").output_shape == Shape{3, 8});
    CHECK(layer(s, "Sequential.1").flops == 24);
    CHECK(layer(s, "Sequential.2").flops == 2 * 3 * 2 * 8 + 6);
    CHECK(s.forward_flops == 216 + 24 + 102);
    CHECK(s.latency.samples_ms.size() == 5);
    CHECK(s.latency.median_ms <= s.latency.p90_ms);
    CHECK(s.graph_activation_bytes > 0);
    CHECK_THAT(s.to_string(), Contains("Sequential.0") && Contains("parameters") && Contains("p90"));
}

TEST_CASE("summary measures peak activation memory from the allocator", "[14_profiling]") {
    // one bias-free Linear under inference: the only allocation is the [3, 8] output,
    // 96 bytes rounded up to two 64-byte lines
    nn::Linear fc(4, 8, false);
    ModelSummary s = summary(fc, randn({3, 4}), SummaryOptions{0, 1, false});
    CHECK(s.peak_activation_bytes == 128);
    // with a bias the add allocates a second [3, 8] while the first is alive: 256 at the peak
    nn::Linear fc_bias(4, 8);
    CHECK(summary(fc_bias, randn({3, 4}), SummaryOptions{0, 1, false}).peak_activation_bytes == 256);
}

TEST_CASE("summary counts a CNN layer by layer from its geometry", "[14_profiling]") {
    manual_seed(5);
    nn::Sequential net(std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 4, 3).padding(1)),
                       std::make_shared<nn::BatchNorm2d>(4), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(),
                       std::make_shared<nn::Linear>(64, 3));
    net.eval();
    ModelSummary s = summary(net, randn({2, 1, 8, 8}), SummaryOptions{1, 3, true});
    CHECK(layer(s, "Sequential.0").type == "Conv2d");
    CHECK(layer(s, "Sequential.0").parameters == 4 * 9 + 4);
    CHECK(layer(s, "Sequential.0").flops == 2 * 512 * 9 + 512);  // [2, 4, 8, 8] outputs of 9 taps + bias
    CHECK(layer(s, "Sequential.1").flops == 2 * 512);             // eval: x·scale + shift
    CHECK(layer(s, "Sequential.2").flops == 512);
    CHECK(layer(s, "Sequential.3").flops == 128 * 4);             // 2x2 windows -> [2, 4, 4, 4]
    CHECK(layer(s, "Sequential.4").flops == 0);                   // a reshape
    CHECK(layer(s, "Sequential.5").flops == 2 * 2 * 3 * 64 + 6);
    CHECK(s.buffer_bytes > 0);  // running statistics
    // the biggest activation is the conv output [2, 4, 8, 8] = 2 KiB; two of them are alive at once
    CHECK(s.peak_activation_bytes >= 2048);
}

TEST_CASE("summary rejects an undefined input", "[14_profiling][provided]") {
    nn::Identity model;  // no parameters: nothing a student writes runs before the check
    CHECK_THROWS_AS(summary(model, Tensor()), ValueError);
    CHECK_THROWS_WITH(summary(model, Tensor()), Contains("undefined"));
}

namespace summary_test {
/// Self-attention as a module of its own (nn::MultiheadAttention's forward takes three inputs).
struct SelfAttention : nn::Module {
    std::shared_ptr<nn::MultiheadAttention> mha;
    SelfAttention() { mha = register_module("mha", std::make_shared<nn::MultiheadAttention>(8, 2)); }
    Tensor forward(const Tensor& x) override { return std::get<0>(mha->forward(x, x, x, {}, false)); }
};
/// Embedding -> LayerNorm -> self-attention (residual) -> Linear head, on token ids [T, N].
struct TinyLM : nn::Module {
    std::shared_ptr<nn::Embedding> emb;
    std::shared_ptr<nn::LayerNorm> ln;
    std::shared_ptr<SelfAttention> attn;
    std::shared_ptr<nn::Linear> head;
    TinyLM() {
        emb = register_module("emb", std::make_shared<nn::Embedding>(10, 8));
        ln = register_module("ln", std::make_shared<nn::LayerNorm>(Shape{8}));
        attn = register_module("attn", std::make_shared<SelfAttention>());
        head = register_module("head", std::make_shared<nn::Linear>(8, 10));
    }
    Tensor forward(const Tensor& idx) override {
        Tensor h = (*ln)((*emb)(idx));
        return (*head)(h + (*attn)(h));
    }
};
}  // namespace summary_test

TEST_CASE("summary counts embedding layer norm and attention layers from their ops", "[14_profiling]") {
    manual_seed(9);
    summary_test::TinyLM lm;
    Tensor idx = Tensor({0.f, 3.f, 9.f, 1.f, 2.f, 5.f, 7.f, 4.f, 8.f, 6.f}).reshape({5, 2});  // T = 5, N = 2
    ModelSummary s = summary(lm, idx, SummaryOptions{0, 2, false});
    CHECK(layer(s, "TinyLM.emb").type == "Embedding");
    CHECK(layer(s, "TinyLM.emb").parameters == 80);
    CHECK(layer(s, "TinyLM.emb").flops == 0);  // a gather computes nothing
    CHECK(layer(s, "TinyLM.emb").output_shape == Shape{5, 2, 8});
    CHECK(layer(s, "TinyLM.ln").flops == 8 * 80);  // 80 elements: mean, variance, normalise, affine
    // attention: in-projection [10, 8] @ [8, 24] + bias, scaled dot-product attention over
    // 2·2 heads of 5x5 scores with d = 4 (2·100·4 twice + 5·100), out-projection + bias
    const int64_t attention = 2 * 10 * 24 * 8 + 10 * 24 + (2 * 100 * 4 + 2 * 100 * 4 + 5 * 100) + 2 * 10 * 8 * 8 + 80;
    CHECK(layer(s, "TinyLM.attn").flops == attention);
    CHECK(layer(s, "TinyLM.head").flops == 2 * 10 * 10 * 8 + 100);
    CHECK(s.forward_flops == 8 * 80 + attention + 80 + 1700);  // + the residual add
}
