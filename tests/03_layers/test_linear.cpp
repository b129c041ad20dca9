// tests/03_layers/test_linear.cpp — nn::Linear (lesson §4)
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/layers/layers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
// y[n, o] = sum_i x[n, i] * W[o, i] + b[o], by loops: the definition.
Tensor linear_reference(const Tensor& x, const Tensor& w, const Tensor& b) {
    const int64_t N = x.size(0), I = x.size(1), O = w.size(0);
    std::vector<float> out(static_cast<size_t>(N * O));
    for (int64_t n = 0; n < N; ++n)
        for (int64_t o = 0; o < O; ++o) {
            double acc = b.defined() ? b.at({o}) : 0.0;
            for (int64_t i = 0; i < I; ++i) acc += static_cast<double>(x.at({n, i})) * w.at({o, i});
            out[static_cast<size_t>(n * O + o)] = static_cast<float>(acc);
        }
    return Tensor(out, {N, O});
}
}  // namespace

TEST_CASE("Linear weight is out by in and bias is out", "[03_layers]") {
    nn::Linear fc(784, 128);
    CHECK(fc.weight.shape() == Shape{128, 784});
    CHECK(fc.bias.shape() == Shape{128});
    CHECK(fc.in_features() == 784);
    CHECK(fc.out_features() == 128);
    CHECK(fc.weight.requires_grad());
    CHECK(fc.bias.requires_grad());
    auto named = fc.named_parameters();
    REQUIRE(named.size() == 2);
    CHECK(named[0].first == "weight");
    CHECK(named[1].first == "bias");
    CHECK(named[0].second.is_same(fc.weight));
}

TEST_CASE("Linear computes x times W transposed plus b", "[03_layers]") {
    nn::Linear fc(3, 2);
    fc.weight.copy_(Tensor({{1.f, 2.f, 3.f}, {-1.f, 0.f, 1.f}}));
    fc.bias.copy_(Tensor({0.5f, -0.5f}));
    Tensor y = fc(Tensor({{1.f, 1.f, 1.f}, {2.f, 0.f, -1.f}}));
    CHECK(judge::allclose(y, Tensor({{6.5f, -0.5f}, {-0.5f, -3.5f}})));
    Tensor v = fc(Tensor({1.f, 0.f, 0.f}));  // a single vector: [in] -> [out]
    CHECK(judge::allclose(v, Tensor({1.5f, -1.5f})));
}

TEST_CASE("Linear matches the loop definition on random input", "[03_layers]") {
    manual_seed(11);
    nn::Linear fc(37, 19);
    Tensor x = randn({13, 37});
    CHECK(judge::allclose(fc(x), linear_reference(x, fc.weight, fc.bias), 1e-5f, 1e-5f));
}

TEST_CASE("Linear applies to every leading batch dim", "[03_layers]") {
    manual_seed(12);
    nn::Linear fc(5, 3);
    Tensor x = randn({2, 4, 5});
    Tensor y = fc(x);
    REQUIRE(y.shape() == Shape{2, 4, 3});
    Tensor flat = linear_reference(x.reshape({8, 5}), fc.weight, fc.bias);
    CHECK(judge::allclose(y.reshape({8, 3}), flat, 1e-5f, 1e-6f));
}

TEST_CASE("Linear without bias has only a weight", "[03_layers]") {
    nn::Linear fc(4, 2, false);
    CHECK_FALSE(fc.bias.defined());
    CHECK_FALSE(fc.has_bias());
    REQUIRE(fc.parameters().size() == 1);
    fc.weight.copy_(Tensor({{1.f, 1.f, 1.f, 1.f}, {0.f, 1.f, 0.f, -1.f}}));
    CHECK(judge::allclose(fc(Tensor({{1.f, 2.f, 3.f, 4.f}})), Tensor({{10.f, -2.f}})));
    CHECK(fc.to_string() == "Linear(in_features=4, out_features=2, bias=false)");
    nn::Linear opt(nn::LinearOptions(4, 2).bias(false));  // libtorch's spelling of the same layer
    CHECK_FALSE(opt.bias.defined());
    CHECK(opt.weight.shape() == Shape{2, 4});
    CHECK(nn::Linear(nn::LinearOptions(3, 5)).bias.shape() == Shape{5});
}

TEST_CASE("Linear default init is uniform within one over sqrt in_features", "[03_layers]") {
    manual_seed(0);
    nn::Linear fc(100, 400);
    const float bound = 0.1f;  // 1/sqrt(100)
    CHECK(fc.weight.max().item() <= bound);
    CHECK(fc.weight.min().item() >= -bound);
    CHECK(fc.weight.max().item() > 0.99f * bound);
    CHECK(fc.bias.abs().max().item() <= bound);
    CHECK(fc.bias.abs().max().item() > 0.9f * bound);  // the bias is not zero-initialised
    // variance of U(-b, b) is b^2 / 3
    float var = fc.weight.var().item();
    CHECK_THAT(var, WithinRel(bound * bound / 3.0f, 0.05f));
}

TEST_CASE("Linear init repeats after manual_seed and reset_parameters redraws it", "[03_layers]") {
    manual_seed(5);
    nn::Linear a(6, 3);
    manual_seed(5);
    nn::Linear b(6, 3);
    CHECK(judge::equal(a.weight, b.weight));
    CHECK(judge::equal(a.bias, b.bias));
    Tensor before = a.weight.clone();
    a.reset_parameters();
    CHECK_FALSE(judge::equal(a.weight, before));
    Generator g1(9), g2(9);
    a.reset_parameters(g1);
    b.reset_parameters(g2);
    CHECK(judge::equal(a.weight, b.weight));
}

TEST_CASE("Linear output records a graph when its parameters require grad", "[03_layers]") {
    nn::Linear fc(3, 2);
    Tensor y = fc(ones({4, 3}));
    CHECK(y.requires_grad());
    CHECK(y.grad_fn() != nullptr);
    CHECK(y.grad_fn()->name == "add");
}

TEST_CASE("Linear handles an empty batch", "[03_layers]") {
    nn::Linear fc(10, 5);
    Tensor y = fc(zeros({0, 10}));
    CHECK(y.shape() == Shape{0, 5});
}

TEST_CASE("Linear rejects an input whose last dim is not in_features", "[03_layers]") {
    nn::Linear fc(784, 10);
    CHECK_THROWS_AS(fc(zeros({32, 28, 28})), ShapeError);
    CHECK_THROWS_WITH(fc(zeros({32, 28, 28})), Contains("[32, 28, 28]") && Contains("784") && Contains("hint"));
    CHECK_THROWS_AS(fc(scalar_tensor(1.0f)), ShapeError);
}

TEST_CASE("Linear rejects negative feature counts", "[03_layers][provided]") {
    CHECK_THROWS_AS(nn::Linear(-1, 3), ValueError);
    CHECK_THROWS_WITH(nn::Linear(4, -2), Contains("out_features=-2"));
}

TEST_CASE("Linear parameter counts add up for an MLP", "[03_layers]") {
    nn::Sequential mlp(nn::Linear(784, 256), nn::Linear(256, 128), nn::Linear(128, 10));
    int64_t count = 0;
    for (const Tensor& p : mlp.parameters()) count += p.numel();
    CHECK(count == 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);  // 235,146
}
