// tests/03_layers/test_dropout.cpp — nn::Dropout (lesson §6)
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/layers/layers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

TEST_CASE("Dropout in eval mode returns the input unchanged", "[03_layers]") {
    nn::Dropout drop(0.5);
    drop.eval();
    Tensor x = randn({4, 5});
    CHECK(judge::equal(drop(x), x));
}

TEST_CASE("Dropout with p zero is the identity in training", "[03_layers]") {
    nn::Dropout drop(0.0);
    Tensor x = randn({100});
    CHECK(judge::equal(drop(x), x));
}

TEST_CASE("Dropout with p one gives zeros", "[03_layers]") {
    nn::Dropout drop(1.0);
    Tensor x = randn({3, 7}).requires_grad_();
    Tensor y = drop(x);
    CHECK(judge::equal(y, zeros({3, 7})));
    CHECK(y.requires_grad());  // still part of the graph
}

TEST_CASE("Dropout keeps about 1 minus p of the elements and scales them by 1 over 1 minus p", "[03_layers]") {
    manual_seed(42);
    const double p = 0.3;
    const int64_t n = 10000;
    nn::Dropout drop(p);
    Tensor y = drop(ones({n}));
    int64_t kept = 0;
    for (float v : y.to_vector()) {
        if (v != 0.0f) {
            ++kept;
            CHECK_THAT(v, WithinRel(1.0f / 0.7f, 1e-6f));
        }
    }
    const double expected = n * (1 - p), sigma = std::sqrt(n * p * (1 - p));
    CHECK(std::fabs(static_cast<double>(kept) - expected) < 4 * sigma);
    CHECK_THAT(y.mean().item(), WithinAbs(1.0, 0.03));  // inverted dropout keeps the expectation
}

TEST_CASE("Dropout repeats its mask after manual_seed and changes it between calls", "[03_layers]") {
    nn::Dropout drop(0.5);
    Tensor x = ones({64});
    manual_seed(7);
    Tensor a = drop(x), b = drop(x);
    manual_seed(7);
    CHECK(judge::equal(drop(x), a));
    CHECK_FALSE(judge::equal(a, b));
}

TEST_CASE("Dropout drops the same element positions whatever the values", "[03_layers]") {
    nn::Dropout drop(0.5);
    Tensor x = arange(1.0f, 33.0f);
    manual_seed(8);
    Tensor mask = drop(ones({32}));
    manual_seed(8);
    CHECK(judge::allclose(drop(x), x * mask));
}

TEST_CASE("Dropout rejects p outside zero to one", "[03_layers][provided]") {
    CHECK_THROWS_AS(nn::Dropout(1.5), ValueError);
    CHECK_THROWS_AS(nn::Dropout(-0.1), ValueError);
    CHECK_THROWS_AS(nn::Dropout(std::nan("")), ValueError);
    CHECK_THROWS_WITH(nn::Dropout(1.5), Contains("1.5") && Contains("[0, 1]") && Contains("hint"));
}

TEST_CASE("Dropout records a multiply so gradients can flow", "[03_layers]") {
    manual_seed(1);
    nn::Dropout drop(0.5);
    Tensor x = randn({8}).requires_grad_();
    Tensor y = drop(x);
    REQUIRE(y.grad_fn() != nullptr);
    CHECK(y.grad_fn()->name == "mul");
    REQUIRE(y.grad_fn()->inputs.size() == 2);
    CHECK(y.grad_fn()->inputs[0].is_same(x));
    // the second input is the mask: 0 or 2 where 2 = 1 / (1 - 0.5)
    for (float m : y.grad_fn()->inputs[1].to_vector()) CHECK((m == 0.0f || m == 2.0f));
}

TEST_CASE("Dropout keeps the input shape", "[03_layers]") {
    nn::Dropout drop(0.2);
    CHECK(drop(ones({2, 3, 4})).shape() == Shape{2, 3, 4});
    CHECK(drop(ones({0, 3})).shape() == Shape{0, 3});
}
