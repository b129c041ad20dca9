// tests/02_activations/test_elementwise.cpp — relu, sigmoid, tanh, gelu and their nn:: functors.
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/activations/activations.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();
}  // namespace

// ---- §1 ReLU ------------------------------------------------------------------------------------

TEST_CASE("relu keeps positives and zeroes negatives", "[02_activations]") {
    Tensor y = relu(Tensor({{-2.f, -0.5f, 0.f}, {0.5f, 3.f, -kInf}}));
    CHECK(y.shape() == Shape{2, 3});
    CHECK(judge::equal(y, Tensor({{0.f, 0.f, 0.f}, {0.5f, 3.f, 0.f}})));
}

TEST_CASE("relu lets NaN and infinity through like PyTorch", "[02_activations]") {
    std::vector<float> y = relu(Tensor({kNaN, kInf, -1.f})).to_vector();
    CHECK(std::isnan(y[0]));
    CHECK(y[1] == kInf);
    CHECK(y[2] == 0.f);
}

TEST_CASE("relu reads non contiguous views element by element", "[02_activations]") {
    Tensor x = arange(-6.f, 6.f).reshape({3, 4});
    Tensor xt = x.t();  // [4, 3] view with strides [1, 4]
    REQUIRE_FALSE(xt.is_contiguous());
    Tensor y = relu(xt);
    CHECK(y.is_contiguous());
    CHECK(judge::equal(y, relu(xt.contiguous())));
    CHECK(y.at({3, 2}) == 5.f);
    CHECK(y.at({0, 0}) == 0.f);
}

TEST_CASE("relu counts the sparsity it creates on symmetric input", "[02_activations]") {
    Tensor x = arange(-50.f, 51.f) * 0.02f;  // 50 negatives, one exact zero, 50 positives
    Tensor y = relu(x);
    CHECK(y.eq(0.f).sum().item() == 51.f);
    CHECK_THAT(y.sum().item(), WithinRel(25.5, 1e-5));
}

TEST_CASE("nn ReLU gives the same values as relu and names itself", "[02_activations]") {
    nn::ReLU act;
    Tensor x = Tensor({-1.f, 2.f});
    CHECK(judge::equal(act(x), relu(x)));
    CHECK(judge::equal(act.forward(x), Tensor({0.f, 2.f})));
    CHECK(act.name() == "ReLU()");
    CHECK(judge::equal(nn::functional::relu(x), Tensor({0.f, 2.f})));
}

TEST_CASE("an activation of an undefined tensor raises a ValueError", "[02_activations]") {
    CHECK_THROWS_AS(relu(Tensor()), ValueError);
    CHECK_THROWS_WITH(sigmoid(Tensor()), Contains("undefined"));
}

// ---- §2 Sigmoid -----------------------------------------------------------------------------------

TEST_CASE("sigmoid of zero is one half and its outputs lie in the unit interval", "[02_activations]") {
    Tensor y = sigmoid(linspace(-30.f, 30.f, 61));
    CHECK(y.at({30}) == 0.5f);
    CHECK(y.min().item() >= 0.f);
    CHECK(y.max().item() <= 1.f);
    CHECK_THAT(sigmoid(Tensor({1.f})).item(), WithinRel(0.7310585786, 1e-6));
    CHECK_THAT(sigmoid(Tensor({-2.f})).item(), WithinRel(0.1192029220, 1e-6));
}

TEST_CASE("sigmoid saturates to exactly zero and one at plus or minus one thousand without NaN", "[02_activations]") {
    std::vector<float> y = sigmoid(Tensor({-1000.f, -kInf, 1000.f, kInf})).to_vector();
    CHECK(y[0] == 0.f);
    CHECK(y[1] == 0.f);
    CHECK(y[2] == 1.f);
    CHECK(y[3] == 1.f);
}

TEST_CASE("sigmoid keeps small tail probabilities accurate for negative inputs", "[02_activations]") {
    // 1 - sigmoid(20) would round to 0 in float; sigmoid(-20) itself must be the tiny true value.
    CHECK_THAT(sigmoid(Tensor({-20.f})).item(), WithinRel(2.0611536e-9, 1e-5));
    CHECK_THAT(sigmoid(Tensor({-80.f})).item(), WithinRel(1.8048514e-35, 1e-4));
}

TEST_CASE("sigmoid satisfies sigma of minus x equals one minus sigma of x", "[02_activations]") {
    Tensor x = linspace(-8.f, 8.f, 33);
    CHECK(judge::allclose(sigmoid(-x), 1.f - sigmoid(x), 1e-5f, 1e-6f));
}

TEST_CASE("sigmoid propagates NaN", "[02_activations]") {
    CHECK(std::isnan(sigmoid(Tensor({kNaN})).item()));
}

TEST_CASE("nn Sigmoid gives the same values as sigmoid and names itself", "[02_activations]") {
    nn::Sigmoid act;
    Tensor x = randn({3, 4});
    CHECK(judge::equal(act(x), sigmoid(x)));
    CHECK(act.name() == "Sigmoid()");
}

// ---- §3 Tanh --------------------------------------------------------------------------------------

TEST_CASE("tanh is odd and saturates to exactly plus or minus one", "[02_activations]") {
    Tensor x = linspace(-5.f, 5.f, 21);
    CHECK(judge::allclose(tanh(-x), -tanh(x), 1e-6f, 1e-7f));
    std::vector<float> y = tanh(Tensor({-1000.f, -kInf, 0.f, 1000.f, kInf})).to_vector();
    CHECK(y == std::vector<float>{-1.f, -1.f, 0.f, 1.f, 1.f});
    CHECK_THAT(tanh(Tensor({0.5f})).item(), WithinRel(0.4621171573, 1e-6));
}

TEST_CASE("tanh equals two sigmoid of two x minus one", "[02_activations]") {
    Tensor x = linspace(-6.f, 6.f, 25);
    CHECK(judge::allclose(tanh(x), 2.f * sigmoid(2.f * x) - 1.f, 1e-5f, 1e-6f));
}

TEST_CASE("nn Tanh gives the same values as tanh and names itself", "[02_activations]") {
    nn::Tanh act;
    Tensor x = randn({5});
    CHECK(judge::equal(act(x), tanh(x)));
    CHECK(act.name() == "Tanh()");
}

// ---- §4 GELU --------------------------------------------------------------------------------------

TEST_CASE("gelu in exact mode is x times the normal cdf", "[02_activations]") {
    Tensor x = Tensor({-3.f, -1.f, 0.f, 0.5f, 1.f, 2.f});
    std::vector<float> y = gelu(x).to_vector();
    std::vector<float> xs = x.to_vector();
    for (size_t i = 0; i < xs.size(); ++i) {
        const double cdf = 0.5 * std::erfc(-static_cast<double>(xs[i]) / std::sqrt(2.0));
        CHECK_THAT(y[i], WithinAbs(xs[i] * cdf, 1e-6));
    }
    CHECK_THAT(gelu(Tensor({1.f})).item(), WithinRel(0.8413447461, 1e-6));
}

TEST_CASE("gelu in tanh mode stays within a thousandth of the exact form", "[02_activations]") {
    Tensor x = linspace(-6.f, 6.f, 121);
    Tensor exact = gelu(x, "none"), approx = gelu(x, "tanh");
    CHECK(judge::max_abs_diff(exact, approx) < 1e-3f);
    CHECK_FALSE(judge::equal(exact, approx));  // two different formulas
    CHECK_THAT(gelu(Tensor({1.f}), "tanh").item(), WithinRel(0.8411919906, 1e-6));
}

TEST_CASE("gelu is zero at zero and dips to its minimum near minus 0.75", "[02_activations]") {
    Tensor x = linspace(-4.f, 4.f, 801);
    for (const char* mode : {"none", "tanh"}) {
        Tensor y = gelu(x, mode);
        CHECK(gelu(Tensor({0.f}), mode).item() == 0.f);
        CHECK_THAT(y.min().item(), WithinAbs(-0.16997, 2e-4));
        CHECK_THAT(x.at({static_cast<int64_t>(y.argmin().item())}), WithinAbs(-0.75, 0.02));
    }
}

TEST_CASE("gelu is finite and saturates at plus or minus one thousand", "[02_activations]") {
    for (const char* mode : {"none", "tanh"}) {
        std::vector<float> y = gelu(Tensor({-1000.f, 1000.f}), mode).to_vector();
        CHECK(y[0] == 0.f);
        CHECK(y[1] == 1000.f);
    }
}

TEST_CASE("gelu rejects an unknown approximation name", "[02_activations]") {
    CHECK_THROWS_AS(gelu(Tensor({1.f}), "sigmoid"), ValueError);
    CHECK_THROWS_WITH(gelu(Tensor({1.f}), "sigmoid"), Contains("'sigmoid'") && Contains("tanh") && Contains("hint"));
}

TEST_CASE("nn GELU checks its option at construction and names itself", "[02_activations]") {
    CHECK_THROWS_AS(nn::GELU("erf"), ValueError);
    CHECK_THROWS_WITH(nn::GELU("erf"), Contains("'erf'") && Contains("none"));
    nn::GELU exact, approx("tanh"), from_options(nn::GELUOptions().approximate("tanh"));
    Tensor x = linspace(-3.f, 3.f, 13);
    CHECK(judge::equal(exact(x), gelu(x)));
    CHECK(judge::equal(approx(x), gelu(x, "tanh")));
    CHECK(judge::equal(from_options(x), gelu(x, "tanh")));
    CHECK(exact.name() == "GELU(approximate='none')");
    CHECK(approx.name() == "GELU(approximate='tanh')");
    CHECK(from_options.approximate() == "tanh");
}
