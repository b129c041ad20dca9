// tests/03_layers/test_init.cpp — nn::init, PyTorch's formulas (lesson §3)
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/layers/layers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;
namespace init = tinytorch::nn::init;

namespace {
double sample_std(const Tensor& t) {
    std::vector<float> v = t.to_vector();
    double mean = 0.0, sq = 0.0;
    for (float x : v) mean += x;
    mean /= static_cast<double>(v.size());
    for (float x : v) sq += (x - mean) * (x - mean);
    return std::sqrt(sq / static_cast<double>(v.size()));
}
}  // namespace

TEST_CASE("calculate_fan_in_and_fan_out multiplies the receptive field", "[03_layers]") {
    CHECK(init::calculate_fan_in_and_fan_out(empty({5, 3})) == std::pair<int64_t, int64_t>{3, 5});
    CHECK(init::calculate_fan_in_and_fan_out(empty({4, 3, 2, 5})) == std::pair<int64_t, int64_t>{30, 40});
}

// The argument checks of the initialisers run before the student's code: [provided], on
// tensors built by judge::tensor.
TEST_CASE("calculate_fan_in_and_fan_out rejects tensors with fewer than two dims", "[03_layers][provided]") {
    const Tensor seven = judge::tensor(std::vector<float>(7, 0.f), {7});
    CHECK_THROWS_AS(init::calculate_fan_in_and_fan_out(seven), ValueError);
    CHECK_THROWS_WITH(init::calculate_fan_in_and_fan_out(seven), Contains("[7]") && Contains("hint"));
    CHECK_THROWS_AS(init::kaiming_uniform_(seven), ValueError);
}

TEST_CASE("calculate_gain matches the PyTorch table", "[03_layers][provided]") {
    using NL = init::Nonlinearity;
    CHECK(init::calculate_gain(NL::linear) == 1.0);
    CHECK(init::calculate_gain(NL::sigmoid) == 1.0);
    CHECK_THAT(init::calculate_gain(NL::tanh), WithinAbs(5.0 / 3.0, 1e-12));
    CHECK_THAT(init::calculate_gain(NL::relu), WithinAbs(std::sqrt(2.0), 1e-12));
    CHECK_THAT(init::calculate_gain(NL::leaky_relu, std::sqrt(5.0)), WithinAbs(std::sqrt(1.0 / 3.0), 1e-12));
    CHECK_THAT(init::calculate_gain(NL::leaky_relu), WithinAbs(std::sqrt(2.0 / 1.0001), 1e-12));
}

TEST_CASE("kaiming_uniform_ fills its whole range and stays inside the bound", "[03_layers]") {
    manual_seed(1);
    Tensor w = init::kaiming_uniform_(empty({256, 64}), 0.0, init::FanMode::fan_in, init::Nonlinearity::relu);
    const double bound = std::sqrt(3.0) * std::sqrt(2.0) / std::sqrt(64.0);  // = sqrt(6 / fan_in)
    CHECK(w.max().item() <= bound);
    CHECK(w.min().item() >= -bound);
    CHECK(w.max().item() > 0.99 * bound);
    CHECK(w.min().item() < -0.99 * bound);
    CHECK_THAT(sample_std(w), WithinRel(bound / std::sqrt(3.0), 0.03));
}

TEST_CASE("kaiming_normal_ in fan_out mode has std gain over sqrt fan_out", "[03_layers]") {
    manual_seed(2);
    Tensor w = init::kaiming_normal_(empty({32, 128, 3}), 0.0, init::FanMode::fan_out, init::Nonlinearity::relu);
    CHECK_THAT(sample_std(w), WithinRel(std::sqrt(2.0) / std::sqrt(32.0 * 3.0), 0.03));
    CHECK(std::fabs(w.mean().item()) < 0.01);
}

TEST_CASE("kaiming with leaky_relu uses the slope a in the gain", "[03_layers]") {
    manual_seed(3);
    Tensor w = init::kaiming_normal_(empty({200, 100}), 1.0);  // leaky_relu, slope 1: gain 1
    CHECK_THAT(sample_std(w), WithinRel(1.0 / std::sqrt(100.0), 0.03));
}

TEST_CASE("xavier_uniform_ and xavier_normal_ use both fans", "[03_layers]") {
    manual_seed(4);
    Tensor u = init::xavier_uniform_(empty({100, 300}), 2.0);
    const double a = 2.0 * std::sqrt(6.0 / 400.0);
    CHECK(u.max().item() <= a);
    CHECK(u.max().item() > 0.99 * a);
    CHECK_THAT(sample_std(u), WithinRel(a / std::sqrt(3.0), 0.03));
    Tensor n = init::xavier_normal_(empty({100, 300}));
    CHECK_THAT(sample_std(n), WithinRel(std::sqrt(2.0 / 400.0), 0.03));
}

TEST_CASE("uniform_ and normal_ respect their parameters", "[03_layers]") {
    manual_seed(5);
    Tensor u = init::uniform_(empty({10000}), 2.0, 3.0);
    CHECK(u.min().item() >= 2.0f);
    CHECK(u.max().item() < 3.0f);
    CHECK_THAT(u.mean().item(), WithinAbs(2.5, 0.01));
    Tensor n = init::normal_(empty({20000}), -1.0, 0.5);
    CHECK_THAT(n.mean().item(), WithinAbs(-1.0, 0.02));
    CHECK_THAT(sample_std(n), WithinRel(0.5, 0.03));
}

TEST_CASE("uniform_ and normal_ reject invalid parameters", "[03_layers][provided]") {
    const Tensor three = judge::tensor({0.f, 0.f, 0.f}, {3});
    CHECK_THROWS_AS(init::uniform_(three, 1.0, 0.0), ValueError);
    CHECK_THROWS_WITH(init::uniform_(three, 1.0, 0.0), Contains("a=1") && Contains("b=0"));
    CHECK_THROWS_AS(init::normal_(three, 0.0, -1.0), ValueError);
    CHECK_THROWS_WITH(init::normal_(three, 0.0, -1.0), Contains("-1") && Contains("hint"));
    CHECK_THROWS_AS(init::zeros_(Tensor()), ValueError);
}

TEST_CASE("uniform_ normal_ constant_ zeros_ and ones_ fill in place and return the same tensor", "[03_layers]") {
    // a degenerate range and a zero deviation make the student's uniform_ and normal_ exact
    Tensor t = randn({2, 3});
    CHECK(init::uniform_(t, 0.5, 0.5).is_same(t));
    CHECK(judge::equal(t, judge::tensor(std::vector<float>(6, 0.5f), {2, 3})));
    CHECK(init::normal_(t, -2.0, 0.0).is_same(t));
    CHECK(judge::equal(t, judge::tensor(std::vector<float>(6, -2.0f), {2, 3})));
    Tensor r = init::constant_(t, 0.25);
    CHECK(r.is_same(t));
    CHECK(judge::equal(t, full({2, 3}, 0.25f)));
    init::ones_(t);
    CHECK(judge::equal(t, ones({2, 3})));
    init::zeros_(t);
    CHECK(judge::equal(t, zeros({2, 3})));
}

TEST_CASE("initialisers repeat exactly after manual_seed", "[03_layers]") {
    manual_seed(42);
    Tensor a = init::kaiming_uniform_(empty({8, 5}), std::sqrt(5.0));
    Tensor b = init::xavier_normal_(empty({8, 5}));
    manual_seed(42);
    CHECK(judge::equal(a, init::kaiming_uniform_(empty({8, 5}), std::sqrt(5.0))));
    CHECK(judge::equal(b, init::xavier_normal_(empty({8, 5}))));
    Generator gen(7), same(7);
    CHECK(judge::equal(init::normal_(empty({6}), 0.0, 1.0, gen), init::normal_(empty({6}), 0.0, 1.0, same)));
}

TEST_CASE("initialisers write through views into the underlying tensor", "[03_layers]") {
    Tensor big = zeros({4, 6});
    init::uniform_(big.t().slice(0, 1, 3), 3.0, 3.0);  // columns 1 and 2, a non-contiguous view; U(3, 3) = 3
    CHECK(big.at({0, 1}) == 3.0f);
    CHECK(big.at({3, 2}) == 3.0f);
    CHECK(big.at({0, 0}) == 0.0f);
    CHECK(big.sum().item() == 24.0f);
}

TEST_CASE("initialisers never record a graph", "[03_layers]") {
    Tensor w = empty({3, 4}).requires_grad_();
    init::kaiming_uniform_(w);
    init::normal_(w);
    CHECK(w.is_leaf());
    CHECK(w.requires_grad());
}

TEST_CASE("initialising a tensor with no elements is a no op", "[03_layers]") {
    Tensor w = empty({0, 5});
    CHECK(init::kaiming_uniform_(w).numel() == 0);
    CHECK(init::xavier_uniform_(empty({3, 0})).numel() == 0);
}
