// tests/02_activations/test_softmax.cpp — softmax, log_softmax, their composed references and functors.
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/activations/activations.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
const float kSoftmaxInf = std::numeric_limits<float>::infinity();

bool all_finite(const Tensor& t) {
    for (float v : t.to_vector())
        if (!std::isfinite(v)) return false;
    return true;
}
}  // namespace

// ---- §5 the definition ---------------------------------------------------------------------------

TEST_CASE("softmax_naive turns each row into probabilities", "[02_activations]") {
    Tensor p = softmax_naive(Tensor({{1.f, 2.f, 3.f}, {0.f, 0.f, 0.f}}), 1);
    CHECK(judge::allclose(p, Tensor({{0.09003057f, 0.24472847f, 0.66524096f}, {1 / 3.f, 1 / 3.f, 1 / 3.f}}), 1e-5f, 1e-7f));
}

TEST_CASE("softmax_naive and log_softmax_naive are stable at one thousand", "[02_activations]") {
    Tensor x = Tensor({{1000.f, 1001.f, 1002.f}});
    CHECK(judge::allclose(softmax_naive(x, 1), Tensor({{0.09003057f, 0.24472847f, 0.66524096f}}), 1e-5f, 1e-7f));
    CHECK(judge::allclose(log_softmax_naive(x, -1), Tensor({{-2.40760596f, -1.40760596f, -0.40760596f}}), 1e-5f, 1e-6f));
}

TEST_CASE("log_softmax_naive stays finite where the probability underflows to zero", "[02_activations]") {
    Tensor y = log_softmax_naive(Tensor({0.f, -1000.f}), 0);
    CHECK(judge::allclose(y, Tensor({0.f, -1000.f})));
}

// ---- §6 the fused kernel: softmax ------------------------------------------------------------------

TEST_CASE("softmax rows sum to one and keep the argmax", "[02_activations]") {
    Tensor x = randn({8, 10}) * 3.f;
    Tensor p = softmax(x, 1);
    CHECK(p.shape() == Shape{8, 10});
    CHECK(judge::allclose(p.sum(1), ones({8}), 1e-5f, 1e-6f));
    CHECK(p.min().item() > 0.f);
    CHECK(judge::equal(p.argmax(1), x.argmax(1)));
}

TEST_CASE("softmax gives known values on a small example", "[02_activations]") {
    CHECK(judge::allclose(softmax(Tensor({1.f, 2.f, 3.f}), 0), Tensor({0.09003057f, 0.24472847f, 0.66524096f}), 1e-6f, 1e-7f));
    CHECK(judge::allclose(softmax(Tensor({{1.f, 1.f}, {2.f, 4.f}}), 0),
                   Tensor({{0.26894142f, 0.04742587f}, {0.73105858f, 0.95257413f}}), 1e-6f, 1e-7f));
}

TEST_CASE("softmax is stable for inputs of plus or minus one thousand", "[02_activations]") {
    Tensor x = Tensor({{1000.f, 1001.f, 1002.f}, {-1000.f, -999.f, -998.f}, {1000.f, -1000.f, 0.f}});
    Tensor p = softmax(x, 1);
    REQUIRE(all_finite(p));
    Tensor row = Tensor({0.09003057f, 0.24472847f, 0.66524096f});
    CHECK(judge::allclose(p[0], row, 1e-5f, 1e-7f));
    CHECK(judge::allclose(p[1], row, 1e-5f, 1e-7f));
    CHECK(judge::equal(p[2], Tensor({1.f, 0.f, 0.f})));
}

TEST_CASE("softmax gives exactly zero to a masked minus infinity logit", "[02_activations]") {
    Tensor p = softmax(Tensor({{0.f, -kSoftmaxInf, 0.f}, {-kSoftmaxInf, 5.f, -kSoftmaxInf}}), -1);
    CHECK(judge::equal(p, Tensor({{0.5f, 0.f, 0.5f}, {0.f, 1.f, 0.f}})));
}

TEST_CASE("softmax does not change when a constant is added to each row", "[02_activations]") {
    Tensor x = randn({4, 7});
    Tensor shift = Tensor(std::vector<float>{-50.f, 0.f, 3.f, 80.f}, {4, 1});
    CHECK(judge::allclose(softmax(x + shift, 1), softmax(x, 1), 1e-4f, 1e-6f));
}

TEST_CASE("softmax over every dim of a 4d tensor equals the composed reference", "[02_activations]") {
    Tensor x = randn({2, 3, 4, 5}) * 2.f;
    for (int64_t d = -4; d < 4; ++d) {
        INFO("dim " << d);
        Tensor p = softmax(x, d);
        CHECK(p.shape() == x.shape());
        CHECK(judge::allclose(p, softmax_naive(x, d), 1e-5f, 1e-7f));
        CHECK(judge::allclose(p.sum(d), ones(x.sum(d).shape()), 1e-5f, 1e-6f));
    }
}

TEST_CASE("softmax of a non contiguous view equals softmax of its contiguous copy", "[02_activations]") {
    Tensor x = randn({6, 5, 4});
    Tensor v = x.permute({2, 0, 1});  // [4, 6, 5], not contiguous
    REQUIRE_FALSE(v.is_contiguous());
    for (int64_t d = 0; d < 3; ++d) CHECK(judge::allclose(softmax(v, d), softmax(v.contiguous(), d), 1e-6f, 1e-8f));
    Tensor s = x.slice(1, 1, 5, 2);  // every other row of dim 1
    CHECK(judge::allclose(softmax(s, 1), softmax(s.contiguous(), 1), 1e-6f, 1e-8f));
}

TEST_CASE("softmax over a middle dim skips size one dims after it as a last dim run", "[02_activations]") {
    Tensor x = randn({3, 7, 1, 1});
    CHECK(judge::allclose(softmax(x, 1), softmax_naive(x, 1), 1e-6f, 1e-8f));
    CHECK(judge::equal(softmax(x, 3), ones({3, 7, 1, 1})));
}

TEST_CASE("softmax of a scalar is one and of an empty tensor is empty", "[02_activations]") {
    CHECK(softmax(scalar_tensor(7.f), 0).item() == 1.f);
    CHECK(log_softmax(scalar_tensor(7.f), -1).item() == 0.f);
    Tensor e = softmax(zeros({0, 4}), 1);
    CHECK(e.shape() == Shape{0, 4});
}

TEST_CASE("softmax accepts negative dims and rejects out of range dims", "[02_activations]") {
    Tensor x = randn({2, 3});
    CHECK(judge::equal(softmax(x, -1), softmax(x, 1)));
    CHECK(judge::equal(softmax(x, -2), softmax(x, 0)));
    CHECK_THROWS_AS(softmax(x, 2), IndexError);
    CHECK_THROWS_WITH(softmax(x, 2), Contains("softmax") && Contains("dimension 2") && Contains("-2..1"));
    CHECK_THROWS_AS(log_softmax(x, -3), IndexError);
    CHECK_THROWS_WITH(log_softmax(x, -3), Contains("log_softmax") && Contains("-3"));
}

TEST_CASE("softmax lets a NaN poison only its own row", "[02_activations]") {
    Tensor p = softmax(Tensor({{0.f, std::nanf(""), 1.f}, {0.f, 1.f, 2.f}}), 1);
    for (float v : p[0].to_vector()) CHECK(std::isnan(v));
    CHECK(all_finite(p[1]));
}

// ---- §6 the fused kernel: log_softmax ----------------------------------------------------------------

TEST_CASE("log_softmax equals the log of softmax where softmax is not tiny", "[02_activations]") {
    Tensor x = randn({5, 9});
    CHECK(judge::allclose(log_softmax(x, 1), softmax(x, 1).log(), 1e-5f, 1e-6f));
    CHECK(judge::allclose(log_softmax(x, 0), log_softmax_naive(x, 0), 1e-5f, 1e-6f));
}

TEST_CASE("log_softmax stays finite where the probability underflows to zero", "[02_activations]") {
    Tensor x = Tensor({{0.f, -1000.f}, {1000.f, -1000.f}});
    Tensor y = log_softmax(x, 1);
    REQUIRE(all_finite(y));
    CHECK(judge::allclose(y, Tensor({{0.f, -1000.f}, {0.f, -2000.f}})));
    CHECK(softmax(x, 1).log().min().item() == -kSoftmaxInf);  // what the unfused route would give
}

TEST_CASE("log_softmax exponentiated sums to one over every dim", "[02_activations]") {
    Tensor x = randn({3, 4, 5}) * 5.f;
    for (int64_t d = 0; d < 3; ++d) {
        INFO("dim " << d);
        CHECK(judge::allclose(log_softmax(x, d).exp().sum(d), ones(x.sum(d).shape()), 1e-5f, 1e-6f));
        CHECK(judge::allclose(log_softmax(x, d), log_softmax_naive(x, d), 1e-5f, 1e-6f));
    }
}

// ---- functors --------------------------------------------------------------------------------------

TEST_CASE("nn Softmax and LogSoftmax apply their dim and name themselves", "[02_activations]") {
    Tensor x = randn({3, 4});
    nn::Softmax rows(1), cols(0);
    nn::LogSoftmax log_rows(-1);
    CHECK(judge::equal(rows(x), softmax(x, 1)));
    CHECK(judge::equal(cols.forward(x), softmax(x, 0)));
    CHECK(judge::equal(log_rows(x), log_softmax(x, -1)));
    CHECK(rows.name() == "Softmax(dim=1)");
    CHECK(log_rows.name() == "LogSoftmax(dim=-1)");
    CHECK(cols.dim() == 0);
    CHECK(judge::equal(nn::functional::softmax(x, 1), softmax(x, 1)));
    CHECK(judge::equal(nn::functional::log_softmax(x, 1), log_softmax(x, 1)));
}

TEST_CASE("activation functors chain like the layers of a tiny network", "[02_activations]") {
    nn::ReLU relu_layer;
    nn::Tanh tanh_layer;
    nn::Softmax out_layer(1);
    Tensor x = Tensor({{-1.f, 0.5f, 2.f}, {3.f, -2.f, 0.f}});
    Tensor y = out_layer(tanh_layer(relu_layer(x)));
    Tensor h = Tensor({{0.f, std::tanh(0.5f), std::tanh(2.f)}, {std::tanh(3.f), 0.f, 0.f}});
    CHECK(judge::allclose(y, softmax_naive(h, 1), 1e-6f, 1e-7f));
    CHECK(judge::allclose(y.sum(1), ones({2}), 1e-6f, 1e-7f));
}
