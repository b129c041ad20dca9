// tests/16_compression/test_pruning.cpp — §1–§3: counting zeros as fractions, magnitude masks
// (hand-worked, layer-wise and global), pruned layers whose zeros survive SGD with momentum, Adam
// and weight decay (optimizers built BEFORE pruning, with state from earlier steps), making
// pruning permanent, and the refusals.
#include "support/catch.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/compression/compression.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "compress_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::compression;

namespace pruning_test {
/// Linear(4, 3) -> ReLU -> Linear(3, 2) with fixed weights of distinct magnitudes.
std::shared_ptr<nn::Sequential> mlp() {
    auto net = std::make_shared<nn::Sequential>(nn::Linear(4, 3), nn::ReLU(), nn::Linear(3, 2));
    compress_test::set_values(net->at<nn::Linear>(0).weight,
                              {0.9f, -0.1f, 0.5f, -0.7f, 0.2f, -0.8f, 0.05f, 0.6f, -0.3f, 0.4f, -0.02f, 1.0f});
    compress_test::set_values(net->at<nn::Linear>(0).bias, {0.1f, 0.0f, -0.1f});
    compress_test::set_values(net->at<nn::Linear>(2).weight, {0.25f, -0.5f, 0.75f, 1.5f, -0.125f, 0.0625f});
    compress_test::set_values(net->at<nn::Linear>(2).bias, {0.0f, 0.5f});
    return net;
}
/// A custom module whose forward calls its own pointer.
struct Direct : nn::Module {
    std::shared_ptr<nn::Linear> fc;
    Direct() { fc = register_module("fc", std::make_shared<nn::Linear>(2, 2)); }
    Tensor forward(const Tensor& x) override { return fc->forward(x); }
};
}  // namespace pruning_test

TEST_CASE("count_zeros and the sparsity report count exact zeros as fractions", "[16_compression]") {
    CHECK(count_zeros(judge::tensor({0.0f, 1.0f, -0.0f, 2.0f, 0.0f}, {5})) == 3);
    auto net = pruning_test::mlp();
    compress_test::set_values(net->at<nn::Linear>(0).weight, std::vector<float>(12, 0.0f));
    compress_test::set_values(net->at<nn::Linear>(0).bias, {0.0f, 0.0f, 0.0f});  // biases are not weights
    SparsityReport r = sparsity_report(*net);
    REQUIRE(r.layers.size() == 2);
    CHECK(r.layers[0].name == "0.weight");
    CHECK(r.layers[0].zeros == 12);
    CHECK(r.layers[0].sparsity() == 1.0);
    CHECK(r.layers[1].zeros == 0);
    CHECK(r.numel == 18);
    CHECK(r.zeros == 12);
    CHECK(r.sparsity() == Approx(12.0 / 18.0));  // a fraction, not 66.7
    CHECK(measure_sparsity(*net) == Approx(2.0 / 3.0));
    CHECK_THAT(r.to_string(), Catch::Matchers::Contains("0.6667 (66.6667%)"));
}

TEST_CASE("magnitude_mask zeroes the round(amount·n) smallest |w|, ties in row-major order", "[16_compression]") {
    Tensor w = judge::tensor({0.3f, -0.1f, 0.2f, -0.4f, 0.1f, 0.0f}, {2, 3});
    // |w| sorted: 0.0 (5), 0.1 (1), 0.1 (4), 0.2 (2), 0.3 (0), 0.4 (3); half = 3 smallest: 5, 1, 4
    CHECK(judge::equal(magnitude_mask(w, 0.5), judge::tensor({1, 0, 1, 1, 0, 0}, {2, 3})));
    CHECK(judge::equal(magnitude_mask(w, 0.25), judge::tensor({1, 0, 1, 1, 1, 0}, {2, 3})));  // round(1.5) = 2
    CHECK(judge::equal(magnitude_mask(w, 0.0), judge::full({2, 3}, 1.0f)));
    CHECK(judge::equal(magnitude_mask(w, 1.0), judge::full({2, 3}, 0.0f)));
}

TEST_CASE("global masks rank all layers together while layer-wise masks rank each layer alone", "[16_compression]") {
    Tensor a = judge::tensor({1.0f, 2.0f, 3.0f, 4.0f}, {2, 2});
    Tensor b = judge::tensor({0.1f, 0.2f, 5.0f, 6.0f}, {2, 2});
    std::vector<Tensor> g = global_magnitude_masks({a, b}, 0.5);  // 4 smallest of 8: 0.1, 0.2, 1, 2
    CHECK(judge::equal(g[0], judge::tensor({0, 0, 1, 1}, {2, 2})));
    CHECK(judge::equal(g[1], judge::tensor({0, 0, 1, 1}, {2, 2})));
    std::vector<Tensor> g3 = global_magnitude_masks({a, b}, 0.375);  // 3 smallest: 0.1, 0.2, 1
    CHECK(judge::equal(g3[0], judge::tensor({0, 1, 1, 1}, {2, 2})));
    CHECK(judge::equal(g3[1], judge::tensor({0, 0, 1, 1}, {2, 2})));

    auto net = pruning_test::mlp();
    auto names = magnitude_prune(*net, 0.5, PruneScope::global);  // 9 of 18 weights
    CHECK(names == std::vector<std::string>{"0", "2"});
    SparsityReport r = sparsity_report(*net);
    CHECK(r.zeros == 9);
    // the 9 smallest |w| overall: 0.02 0.05 0.0625 0.1 0.125 0.2 0.25 0.3 0.4 -> 6 in layer 0, 3 in layer 2
    CHECK(r.layers[0].zeros == 6);
    CHECK(r.layers[1].zeros == 3);
    auto net2 = pruning_test::mlp();
    magnitude_prune(*net2, 0.5);  // layer-wise: 6 of 12 and 3 of 6
    CHECK(sparsity_report(*net2).layers[0].zeros == 6);
    CHECK(sparsity_report(*net2).layers[1].zeros == 3);
}

TEST_CASE("a pruned Linear computes x (W ⊙ M)ᵀ + b and passes g ⊙ M to weight_orig", "[16_compression]") {
    auto net = pruning_test::mlp();
    const std::vector<float> w0 = judge::values(net->at<nn::Linear>(0).weight);
    magnitude_prune(*net, 0.5);
    auto& layer = net->at<nn::PrunedLinear>(0);
    // layer 0: |w| 0.02 0.05 0.1 0.2 0.3 0.4 are pruned (positions 10, 6, 1, 4, 8, 9)
    const std::vector<float> mask{1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1};
    CHECK(judge::equal(layer.weight_mask, judge::tensor(mask, {3, 4})));
    CHECK(layer.num_pruned() == 6);
    std::vector<float> wm(12);
    for (size_t i = 0; i < 12; ++i) wm[i] = w0[i] * mask[i];
    Tensor x = compress_test::uniform({2, 4}, -1.0f, 1.0f, 7);
    x.requires_grad_(true);
    Tensor y = layer(x);
    CHECK(judge::allclose(y, judge::tensor(compress_test::linear_ref(judge::values(x), wm, {0.1f, 0.0f, -0.1f}, 2, 4, 3),
                                           {2, 3}), 1e-5, 1e-6));
    y.sum().backward();
    const std::vector<float> g = judge::values(layer.weight_orig.grad());
    for (size_t i = 0; i < 12; ++i)
        if (mask[i] == 0.0f) CHECK(g[i] == 0.0f);
        else CHECK(g[i] != 0.0f);
}

TEST_CASE("pruned weights stay exactly zero through SGD with momentum and weight decay", "[16_compression]") {
    auto net = pruning_test::mlp();
    // the optimizer is built BEFORE pruning and has momentum from an earlier step
    optim::SGD opt(net->parameters(), optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.01));
    Tensor x = compress_test::uniform({8, 4}, -1.0f, 1.0f, 3);
    auto train_step = [&] {
        opt.zero_grad();
        Tensor loss = (*net)(x).pow(2.0f).mean();
        loss.backward();
        opt.step();
    };
    train_step();
    magnitude_prune(*net, 0.75, PruneScope::global);
    const std::vector<float> mask0 = judge::values(net->at<nn::PrunedLinear>(0).weight_mask);
    const std::vector<float> mask2 = judge::values(net->at<nn::PrunedLinear>(2).weight_mask);
    CHECK(compress_test::zeros_in(mask0) + compress_test::zeros_in(mask2) == 14);  // round(0.75 · 18)
    for (int i = 0; i < 5; ++i) train_step();
    // the effective weights: zero where masked, whatever momentum did to weight_orig
    const SparsityReport r = sparsity_report(*net);
    CHECK(r.zeros >= 14);
    const std::vector<float> w = judge::values(net->at<nn::PrunedLinear>(0).weight());
    for (size_t i = 0; i < mask0.size(); ++i)
        if (mask0[i] == 0.0f) CHECK(w[i] == 0.0f);
    // and the network computes with them: layer 0's output from weight_orig ⊙ mask, read raw
    const std::vector<float> orig = judge::values(net->at<nn::PrunedLinear>(0).weight_orig);
    std::vector<float> wm(orig.size());
    for (size_t i = 0; i < orig.size(); ++i) wm[i] = orig[i] * mask0[i];
    CHECK(judge::allclose((*net)[0]->forward(x),
                          judge::tensor(compress_test::linear_ref(judge::values(x), wm,
                                                                  judge::values(net->at<nn::PrunedLinear>(0).bias), 8,
                                                                  4, 3),
                                        {8, 3}),
                          1e-5, 1e-6));
}

TEST_CASE("pruned weights stay exactly zero through Adam steps", "[16_compression]") {
    auto net = pruning_test::mlp();
    optim::Adam opt(net->parameters(), optim::AdamOptions(0.05));
    Tensor x = compress_test::uniform({8, 4}, -1.0f, 1.0f, 5);
    auto train_step = [&] {
        opt.zero_grad();
        (*net)(x).pow(2.0f).mean().backward();
        opt.step();
    };
    train_step();
    train_step();  // Adam's moments are non-zero everywhere now
    magnitude_prune(*net, 0.5);
    const std::vector<float> mask = judge::values(net->at<nn::PrunedLinear>(2).weight_mask);
    for (int i = 0; i < 4; ++i) train_step();
    const std::vector<float> w = judge::values(net->at<nn::PrunedLinear>(2).weight());
    int64_t zeros = 0;
    for (size_t i = 0; i < mask.size(); ++i)
        if (mask[i] == 0.0f) {
            CHECK(w[i] == 0.0f);
            ++zeros;
        }
    CHECK(zeros == 3);
}

TEST_CASE("pruning again raises sparsity and never revives a weight and remove_pruning bakes the zeros in",
          "[16_compression]") {
    auto net = pruning_test::mlp();
    magnitude_prune(*net, 0.5);
    const std::vector<float> first = judge::values(net->at<nn::PrunedLinear>(0).weight_mask);
    magnitude_prune(*net, 0.75);
    const std::vector<float> second = judge::values(net->at<nn::PrunedLinear>(0).weight_mask);
    CHECK(compress_test::zeros_in(second) == 9);
    for (size_t i = 0; i < first.size(); ++i)
        if (first[i] == 0.0f) CHECK(second[i] == 0.0f);
    magnitude_prune(*net, 0.25);  // below the current sparsity: nothing changes
    CHECK(judge::values(net->at<nn::PrunedLinear>(0).weight_mask) == second);

    Tensor x = compress_test::uniform({3, 4}, -1.0f, 1.0f, 11);
    const Tensor before = (*net)(x).detach();
    CHECK(remove_pruning(*net) == std::vector<std::string>{"0", "2"});
    auto& dense = net->at<nn::Linear>(0);  // a plain Linear again
    CHECK(compress_test::zeros_in(judge::values(dense.weight)) == 9);
    CHECK(judge::allclose((*net)(x), before, 1e-6, 1e-7));
    StateDict sd = net->state_dict();
    CHECK(sd.contains("0.weight"));
    CHECK(!sd.contains("0.weight_orig"));
}

TEST_CASE("effective_state_dict names a pruned layer's weights as an unpruned model does", "[16_compression]") {
    auto net = pruning_test::mlp();
    magnitude_prune(*net, 0.5);
    StateDict sd = effective_state_dict(*net);
    CHECK(sd.keys() == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
    CHECK(compress_test::zeros_in(judge::values(*sd.find("0.weight"))) == 6);
    auto fresh = pruning_test::mlp();
    fresh->load_state_dict(sd);
    Tensor x = compress_test::uniform({2, 4}, -1.0f, 1.0f, 2);
    CHECK(judge::allclose((*fresh)(x), (*net)(x), 1e-6, 1e-7));
}

TEST_CASE("a pruned Conv2d masks its filters and stays zero through training", "[16_compression]") {
    auto net = std::make_shared<nn::Sequential>(nn::Conv2d(2, 3, 3, 1, 1), nn::ReLU());
    optim::SGD opt(net->parameters(), optim::SGDOptions(0.1).momentum(0.9));
    Tensor x = compress_test::uniform({2, 2, 5, 5}, -1.0f, 1.0f, 9);
    auto step = [&] {
        opt.zero_grad();
        (*net)(x).mean().backward();
        opt.step();
    };
    step();
    magnitude_prune(*net, 0.8);
    auto& conv = net->at<nn::PrunedConv2d>(0);
    CHECK(conv.num_pruned() == 43);  // round(0.8 · 54)
    const std::vector<float> mask = judge::values(conv.weight_mask);
    step();
    step();
    CHECK(count_zeros(conv.weight()) >= 43);
    const std::vector<float> w = judge::values(conv.weight());
    for (size_t i = 0; i < mask.size(); ++i)
        if (mask[i] == 0.0f) CHECK(w[i] == 0.0f);
    CHECK(sparsity_report(*net).layers[0].zeros >= 43);
}

TEST_CASE("pruning refuses an amount outside 0..1, a percentage, and layers it cannot swap", "[16_compression]") {
    auto net = pruning_test::mlp();
    CHECK_THROWS_AS(magnitude_prune(*net, 90.0), ValueError);
    CHECK_THROWS_WITH(magnitude_prune(*net, 90.0), Catch::Matchers::Contains("fraction in [0, 1], got 90") &&
                                                       Catch::Matchers::Contains("not a percentage"));
    CHECK_THROWS_WITH(magnitude_mask(judge::full({2, 2}, 1.0f), -0.1), Catch::Matchers::Contains("got -0.1"));
    pruning_test::Direct direct;
    CHECK_THROWS_AS(magnitude_prune(direct, 0.5), ValueError);
    CHECK_THROWS_WITH(magnitude_prune(direct, 0.5), Catch::Matchers::Contains("fc (Linear in Direct)"));
    nn::Linear alone(2, 2);
    CHECK_THROWS_WITH(magnitude_prune(alone, 0.5), Catch::Matchers::Contains("cannot replace itself"));
    CHECK_THROWS_AS(nn::PrunedLinear(alone, judge::full({3, 2}, 1.0f)), ShapeError);
    // nothing changed, and pruning works afterwards
    CHECK(sparsity_report(*net).zeros == 0);
    magnitude_prune(*net, 0.5);
    CHECK(sparsity_report(*net).zeros == 9);
}
