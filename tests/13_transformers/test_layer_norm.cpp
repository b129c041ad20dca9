// tests/13_transformers/test_layer_norm.cpp — LayerNorm: hand-worked values, PyTorch golden
// values, the fused kernel against the composed reference, gradients by finite differences
// (input, weight, bias: the original TinyTorch's input gradient was wrong), the module, errors.
#include <cmath>

#include "golden/golden.hpp"
#include "support/catch.hpp"
#include "tinytorch/transformers/transformers.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;

namespace test_layer_norm {

/// Uniform values in [lo, hi) from a fixed seed, as a leaf that requires grad (or not).
Tensor leaf(const Shape& shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f, bool grad = true) {
    Generator gen(seed);
    Tensor t = uniform(shape, lo, hi, gen);
    if (grad) t.requires_grad_();
    return t;
}

Shape normalized_of(const golden::Case& c) {
    const Shape& s = c.tensor("input").shape();
    return Shape(s.end() - c.int_attr("normalized_dims"), s.end());
}

}  // namespace test_layer_norm

using namespace test_layer_norm;

TEST_CASE("layer_norm of one row matches the hand-worked value", "[13_transformers]") {
    // x = [1, 2, 3, 4]: mean 2.5, biased variance 1.25, so y = (x - 2.5) / sqrt(1.25 + 1e-5)
    Tensor x = Tensor({1.f, 2.f, 3.f, 4.f}).reshape({1, 4});
    const float s = 1.0f / std::sqrt(1.25f + 1e-5f);
    Tensor want = Tensor({-1.5f * s, -0.5f * s, 0.5f * s, 1.5f * s}).reshape({1, 4});
    CHECK(judge::allclose(layer_norm(x, {4}), want, 1e-5f, 1e-6f));
    CHECK(judge::allclose(layer_norm_reference(x, {4}), want, 1e-5f, 1e-6f));
    // gamma and beta: y * gamma + beta
    Tensor gamma({2.f, 1.f, 0.5f, -1.f}), beta({0.f, 1.f, 0.f, 3.f});
    Tensor want_affine = Tensor({-3.0f * s, -0.5f * s + 1.f, 0.25f * s, -1.5f * s + 3.f}).reshape({1, 4});
    CHECK(judge::allclose(layer_norm(x, {4}, gamma, beta), want_affine, 1e-5f, 1e-6f));
}

TEST_CASE("layer_norm gives every row mean zero and variance one", "[13_transformers]") {
    Tensor x = leaf({3, 5, 32}, 1301, -3.0f, 7.0f, false) * Tensor({4.0f}) + Tensor({10.0f});
    Tensor y = layer_norm(x, {32});
    REQUIRE(y.shape() == Shape{3, 5, 32});
    CHECK(judge::allclose(y.mean(-1), zeros({3, 5}), 0.0f, 1e-5f));
    CHECK(judge::allclose(y.var(-1, /*unbiased=*/false), ones({3, 5}), 0.0f, 1e-3f));
}

TEST_CASE("layer_norm matches PyTorch forward and backward on the golden cases", "[13_transformers]") {
    const auto cases = golden::load("transformers_layer_norm.txt");
    REQUIRE(cases.size() == 6);
    for (const golden::Case& c : cases) {
        INFO("case " << c.name);
        const Shape ns = normalized_of(c);
        const double eps = std::stod(c.attr("eps"));
        for (bool fused : {true, false}) {
            INFO((fused ? "fused" : "reference"));
            Tensor x = c.tensor("input").clone().requires_grad_();
            Tensor w = c.tensors.count("weight") ? c.tensor("weight").clone().requires_grad_() : Tensor();
            Tensor b = c.tensors.count("bias") ? c.tensor("bias").clone().requires_grad_() : Tensor();
            Tensor y = fused ? layer_norm(x, ns, w, b, eps) : layer_norm_reference(x, ns, w, b, eps);
            CHECK(judge::allclose(y, c.tensor("out"), 1e-4f, 1e-5f));
            (y * c.tensor("grad_out")).sum().backward();
            CHECK(judge::allclose(x.grad(), c.tensor("grad_input"), 1e-3f, 1e-4f));
            if (w.defined()) CHECK(judge::allclose(w.grad(), c.tensor("grad_weight"), 1e-4f, 1e-4f));
            if (b.defined()) CHECK(judge::allclose(b.grad(), c.tensor("grad_bias"), 1e-4f, 1e-4f));
        }
    }
}

TEST_CASE("layer_norm input weight and bias gradients pass gradcheck", "[13_transformers]") {
    auto fused = [](const std::vector<Tensor>& t) { return layer_norm(t[0], {6}, t[1], t[2]); };
    CHECK(judge::gradcheck(fused, {leaf({3, 2, 6}, 1310, -2.0f, 2.0f), leaf({6}, 1311, 0.5f, 1.5f), leaf({6}, 1312)}));
    auto two_dims = [](const std::vector<Tensor>& t) { return layer_norm(t[0], {2, 3}, t[1], t[2], 1e-3); };
    CHECK(judge::gradcheck(two_dims, {leaf({4, 2, 3}, 1313), leaf({2, 3}, 1314, 0.5f, 1.5f), leaf({2, 3}, 1315)}));
    auto plain = [](const Tensor& x) { return layer_norm(x, {5}); };
    CHECK(judge::gradcheck(plain, leaf({4, 5}, 1316)));
    auto reference = [](const std::vector<Tensor>& t) { return layer_norm_reference(t[0], {6}, t[1], t[2]); };
    CHECK(judge::gradcheck(reference, {leaf({3, 6}, 1317, -2.0f, 2.0f), leaf({6}, 1318, 0.5f, 1.5f), leaf({6}, 1319)}));
}

TEST_CASE("layer_norm input gradient is not the gradient of a constant mean and std", "[13_transformers]") {
    // The original TinyTorch treated mean and std as constants: its dx was gamma * g / std.
    // With gamma = 1, beta = 0 the rows of y always sum to 0, so d(sum y)/dx is exactly 0.
    Tensor x = leaf({2, 8}, 1320, -2.0f, 2.0f);
    layer_norm(x, {8}).sum().backward();
    CHECK(judge::allclose(x.grad(), zeros({2, 8}), 0.0f, 1e-5f));
    // and for a loss that is not symmetric the gradient differs from g / std
    Tensor x2 = leaf({1, 4}, 1321, -2.0f, 2.0f);
    Tensor g({{1.f, 0.f, 0.f, 0.f}});
    (layer_norm(x2, {4}) * g).sum().backward();
    Tensor rstd = x2.detach().var(-1, /*unbiased=*/false, /*keepdim=*/true).add(1e-5f).pow(-0.5f);
    CHECK(judge::max_abs_diff(x2.grad(), g * rstd) > 0.05f);
}

TEST_CASE("fused layer_norm equals the composed reference on a large batch", "[13_transformers]") {
    // large enough to be split into blocks and threads (the partial sums of dgamma and dbeta)
    Tensor x1 = leaf({64, 33, 48}, 1330, -2.0f, 3.0f), w1 = leaf({48}, 1331, 0.5f, 1.5f), b1 = leaf({48}, 1332);
    Tensor x2 = x1.detach().clone().requires_grad_(), w2 = w1.detach().clone().requires_grad_(),
           b2 = b1.detach().clone().requires_grad_();
    Tensor g = leaf({64, 33, 48}, 1333, -1.0f, 1.0f, false);
    Tensor y1 = layer_norm(x1, {48}, w1, b1), y2 = layer_norm_reference(x2, {48}, w2, b2);
    CHECK(judge::allclose(y1, y2, 1e-4f, 1e-5f));
    (y1 * g).sum().backward();
    (y2 * g).sum().backward();
    CHECK(judge::allclose(x1.grad(), x2.grad(), 1e-3f, 1e-4f));
    CHECK(judge::allclose(w1.grad(), w2.grad(), 1e-3f, 1e-3f));
    CHECK(judge::allclose(b1.grad(), b2.grad(), 1e-3f, 1e-3f));
}

TEST_CASE("layer_norm reads non-contiguous inputs", "[13_transformers]") {
    Tensor x = leaf({6, 4}, 1340, -1.0f, 1.0f, false).t();  // [4, 6], strided
    REQUIRE_FALSE(x.is_contiguous());
    CHECK(judge::allclose(layer_norm(x, {6}), layer_norm_reference(x.contiguous(), {6}), 1e-5f, 1e-6f));
}

TEST_CASE("nn::LayerNorm registers weight ones and bias zeros", "[13_transformers]") {
    nn::LayerNorm ln(nn::LayerNormOptions({8}));
    auto named = ln.named_parameters();
    REQUIRE(named.size() == 2);
    CHECK(named[0].first == "weight");
    CHECK(named[1].first == "bias");
    CHECK(judge::equal(ln.weight, ones({8})));
    CHECK(judge::equal(ln.bias, zeros({8})));
    Tensor x = leaf({2, 3, 8}, 1350, -1.0f, 1.0f, false);
    CHECK(judge::allclose(ln(x), layer_norm_reference(x, {8}), 1e-5f, 1e-6f));
}

TEST_CASE("nn::LayerNorm without affine or without bias has fewer parameters", "[13_transformers]") {
    nn::LayerNorm plain(nn::LayerNormOptions({4}).elementwise_affine(false));
    CHECK(plain.parameters().empty());
    CHECK_FALSE(plain.weight.defined());
    nn::LayerNorm no_bias(nn::LayerNormOptions({4}).bias(false));
    REQUIRE(no_bias.parameters().size() == 1);
    CHECK_FALSE(no_bias.bias.defined());
    no_bias.weight.fill_(2.0f);
    Tensor x = Tensor({{1.f, 2.f, 3.f, 4.f}});
    CHECK(judge::allclose(no_bias(x), layer_norm(x, {4}) * 2.0f, 1e-5f, 1e-6f));
}

TEST_CASE("nn::LayerNorm trains its weight and bias and behaves the same in eval mode", "[13_transformers]") {
    nn::LayerNorm ln(Shape{5});
    ln.weight.copy_(Tensor({1.f, 2.f, 3.f, 4.f, 5.f}));
    Tensor x = leaf({3, 5}, 1360, -1.0f, 1.0f, false);
    Tensor train_out = ln(x);
    ln.eval();
    CHECK(judge::equal(ln(x), train_out));
    ln.train();
    ln(x).sum().backward();
    REQUIRE(ln.weight.grad().defined());
    REQUIRE(ln.bias.grad().defined());
    CHECK(judge::allclose(ln.bias.grad(), full({5}, 3.0f), 0.0f, 1e-5f));  // d(sum y)/d beta = number of rows
    CHECK(judge::allclose(ln.weight.grad(), layer_norm(x, {5}).sum(0), 1e-4f, 1e-5f));
}

TEST_CASE("layer_norm names the shapes when the input does not end in normalized_shape", "[13_transformers][provided]") {
    CHECK_THROWS_AS(layer_norm(judge::full({2, 3}), {4}), ShapeError);
    CHECK_THROWS_WITH(layer_norm(judge::full({2, 3}), {4}), Contains("[2, 3]") && Contains("[..., 4]") && Contains("hint"));
    CHECK_THROWS_WITH(layer_norm(judge::full({2, 3}), {2, 3, 4}), Contains("[2, 3, 4]"));
    CHECK_THROWS_AS(layer_norm(judge::full({2, 4}), {4}, judge::full({3}, 1.f)), ShapeError);
    CHECK_THROWS_WITH(layer_norm(judge::full({2, 4}), {4}, judge::full({3}, 1.f)), Contains("weight [4]") && Contains("[3]"));
    CHECK_THROWS_WITH(layer_norm(judge::full({2, 4}), {4}, judge::full({4}, 1.f), judge::full({5}, 1.f)), Contains("bias [4]"));
    CHECK_THROWS_AS(layer_norm(judge::full({2, 4}), {4}, {}, {}, 0.0), ValueError);
    CHECK_THROWS_AS(layer_norm(judge::full({2, 4}), {}), ValueError);
}

TEST_CASE("nn::LayerNorm rejects empty or non-positive shapes and eps", "[13_transformers][provided]") {
    CHECK_THROWS_AS(nn::LayerNorm(nn::LayerNormOptions(Shape{})), ValueError);
    CHECK_THROWS_WITH(nn::LayerNorm(nn::LayerNormOptions({0})), Contains("[0]") && Contains("positive"));
    CHECK_THROWS_WITH(nn::LayerNorm(nn::LayerNormOptions({4}).eps(-1.0)), Contains("eps") && Contains("-1"));
}
