// tests/04_losses/test_golden.cpp — loss values against PyTorch's, from the committed file
// tests/golden/losses_forward.txt (generator: tests/golden/gen_losses.py).
#include "golden/golden.hpp"
#include "support/catch.hpp"
#include "tinytorch/losses/losses.hpp"
#include "support/judge.hpp"
using namespace tinytorch;
namespace F = tinytorch::nn::functional;
using nn::Reduction;

namespace {
const std::vector<golden::Case>& cases() {
    static const std::vector<golden::Case> all = golden::load("losses_forward.txt");
    return all;
}

Reduction reduction_of(const golden::Case& c) {
    const std::string r = c.attr("reduction");
    if (r == "none") return Reduction::None;
    if (r == "sum") return Reduction::Sum;
    REQUIRE(r == "mean");
    return Reduction::Mean;
}

/// Run `loss(input, target, reduction, case)` on every case of `op`; returns how many ran.
template <typename F>
int check_op(const std::string& op, F loss, float rtol = 1e-5f, float atol = 1e-5f) {
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), op)) {
        INFO("golden case " << c.name);
        Tensor got = loss(c.tensor("input"), c.tensor("target"), reduction_of(c), c);
        const Tensor& want = c.tensor("out");
        CHECK(got.shape() == want.shape());
        INFO("max abs diff " << (got.shape() == want.shape() ? judge::max_abs_diff(got, want) : -1.f));
        CHECK(judge::allclose(got, want, rtol, atol));
        ++n;
    }
    return n;
}
}  // namespace

TEST_CASE("mse_loss matches PyTorch for every reduction", "[04_losses]") {
    CHECK(check_op("mse_loss", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case&) {
              return F::mse_loss(x, t, r);
          }) == 6);
}

TEST_CASE("cross_entropy matches PyTorch for every reduction and label smoothing", "[04_losses]") {
    int n = check_op("cross_entropy", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
        return F::cross_entropy(x, t, r, c.float_attr("label_smoothing"));
    });
    CHECK(n >= 20);
}

TEST_CASE("the composed cross entropy matches PyTorch too", "[04_losses]") {
    int n = check_op("cross_entropy", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
        return F::cross_entropy_naive(x, t, r, c.float_attr("label_smoothing"));
    });
    CHECK(n >= 20);
}

TEST_CASE("nn CrossEntropyLoss matches PyTorch", "[04_losses]") {
    CHECK(check_op("cross_entropy", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
              return nn::CrossEntropyLoss(
                  nn::CrossEntropyLossOptions().reduction(r).label_smoothing(c.float_attr("label_smoothing")))(x, t);
          }) >= 20);
}

TEST_CASE("nll_loss matches PyTorch for every reduction", "[04_losses]") {
    CHECK(check_op("nll_loss", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case&) {
              return F::nll_loss(x, t, r);
          }) == 6);
}

TEST_CASE("binary_cross_entropy matches PyTorch including exact zeros and ones", "[04_losses]") {
    CHECK(check_op("binary_cross_entropy", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case&) {
              return nn::BCELoss(r)(x, t);
          }) == 3);
}

TEST_CASE("binary_cross_entropy_with_logits matches PyTorch up to logits of one thousand", "[04_losses]") {
    CHECK(check_op("binary_cross_entropy_with_logits",
                   [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case&) {
                       return nn::BCEWithLogitsLoss(r)(x, t);
                   }) == 6);
}

namespace test_golden_options {
Tensor optional_tensor(const golden::Case& c, const std::string& name) {
    return c.tensors.count(name) ? c.tensor(name) : Tensor();
}
}  // namespace test_golden_options

TEST_CASE("cross_entropy with weight and ignore_index matches PyTorch fused and composed", "[04_losses]") {
    using test_golden_options::optional_tensor;
    auto options = [](Reduction r, const golden::Case& c) {
        return nn::CrossEntropyLossOptions().weight(optional_tensor(c, "weight")).ignore_index(c.int_attr("ignore_index"))
            .reduction(r).label_smoothing(c.float_attr("label_smoothing"));
    };
    CHECK(check_op("cross_entropy_opts", [&](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
              return F::cross_entropy(x, t, options(r, c));
          }) == 18);
    CHECK(check_op("cross_entropy_opts", [&](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
              return F::cross_entropy_naive(x, t, options(r, c));
          }) == 18);
    CHECK(check_op("cross_entropy_opts", [&](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
              return nn::CrossEntropyLoss(options(r, c))(x, t);
          }) == 18);
}

TEST_CASE("nll_loss with weight and ignore_index matches PyTorch", "[04_losses]") {
    using test_golden_options::optional_tensor;
    CHECK(check_op("nll_loss_opts", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
              return nn::NLLLoss(nn::NLLLossOptions().weight(optional_tensor(c, "weight"))
                                     .ignore_index(c.int_attr("ignore_index")).reduction(r))(x, t);
          }) == 6);
}

TEST_CASE("binary losses with weight and pos_weight match PyTorch", "[04_losses]") {
    using test_golden_options::optional_tensor;
    CHECK(check_op("bce_opts", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
              return nn::BCELoss(nn::BCELossOptions().weight(optional_tensor(c, "weight")).reduction(r))(x, t);
          }) == 6);
    CHECK(check_op("bcel_opts", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case& c) {
              return nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().weight(optional_tensor(c, "weight"))
                                               .pos_weight(optional_tensor(c, "pos_weight")).reduction(r))(x, t);
          }) == 9);
    CHECK(check_op("mse_opts", [](const Tensor& x, const Tensor& t, Reduction r, const golden::Case&) {
              return nn::MSELoss(nn::MSELossOptions(r))(x, t);
          }) == 3);
}
