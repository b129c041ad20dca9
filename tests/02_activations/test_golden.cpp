// tests/02_activations/test_golden.cpp — forward values against PyTorch's, from the committed file
// tests/golden/activations_forward.txt (generator: tests/golden/gen_activations.py).
#include "golden/golden.hpp"
#include "support/catch.hpp"
#include "tinytorch/activations/activations.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
const std::vector<golden::Case>& cases() {
    static const std::vector<golden::Case> all = golden::load("activations_forward.txt");
    return all;
}

/// Run `op` on every case of that op and compare with PyTorch; returns how many cases ran.
template <typename F>
int check_op(const std::string& op, F run, float rtol = 1e-5f, float atol = 1e-6f) {
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), op)) {
        INFO("golden case " << c.name);
        Tensor got = run(c);
        const Tensor& want = c.tensor("out");
        CHECK(got.shape() == want.shape());
        INFO("max abs diff " << (got.shape() == want.shape() ? judge::max_abs_diff(got, want) : -1.f));
        CHECK(judge::allclose(got, want, rtol, atol, /*equal_nan=*/true));
        ++n;
    }
    return n;
}
}  // namespace

TEST_CASE("relu matches PyTorch on random and special values", "[02_activations]") {
    CHECK(check_op("relu", [](const golden::Case& c) { return relu(c.tensor("x")); }) >= 2);
}

TEST_CASE("sigmoid matches PyTorch including the far tails and infinities", "[02_activations]") {
    CHECK(check_op("sigmoid", [](const golden::Case& c) { return sigmoid(c.tensor("x")); }) >= 3);
}

TEST_CASE("tanh matches PyTorch including the far tails", "[02_activations]") {
    CHECK(check_op("tanh", [](const golden::Case& c) { return tanh(c.tensor("x")); }) >= 2);
}

TEST_CASE("gelu matches PyTorch in both approximation modes", "[02_activations]") {
    int n = check_op("gelu", [](const golden::Case& c) { return gelu(c.tensor("x"), c.attr("approximate")); });
    CHECK(n >= 4);
}

TEST_CASE("softmax matches PyTorch over every dim and on inputs of one thousand", "[02_activations]") {
    int n = check_op(
        "softmax", [](const golden::Case& c) { return softmax(c.tensor("x"), c.int_attr("dim")); }, 1e-5f, 1e-7f);
    CHECK(n >= 10);
}

TEST_CASE("log_softmax matches PyTorch over every dim and on inputs of one thousand", "[02_activations]") {
    int n = check_op(
        "log_softmax", [](const golden::Case& c) { return log_softmax(c.tensor("x"), c.int_attr("dim")); }, 1e-5f,
        1e-5f);
    CHECK(n >= 10);
}

TEST_CASE("the functor classes match PyTorch like the free functions", "[02_activations]") {
    CHECK(check_op("relu", [](const golden::Case& c) { return nn::ReLU()(c.tensor("x")); }) >= 1);
    CHECK(check_op("sigmoid", [](const golden::Case& c) { return nn::Sigmoid()(c.tensor("x")); }) >= 1);
    CHECK(check_op("tanh", [](const golden::Case& c) { return nn::Tanh()(c.tensor("x")); }) >= 1);
    CHECK(check_op("gelu", [](const golden::Case& c) { return nn::GELU(c.attr("approximate"))(c.tensor("x")); }) >= 1);
    CHECK(check_op(
              "softmax", [](const golden::Case& c) { return nn::Softmax(c.int_attr("dim"))(c.tensor("x")); }, 1e-5f,
              1e-7f) >= 1);
    CHECK(check_op(
              "log_softmax",
              [](const golden::Case& c) { return nn::LogSoftmax(c.int_attr("dim"))(c.tensor("x")); }, 1e-5f,
              1e-5f) >= 1);
}
