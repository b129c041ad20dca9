// tests/04_losses/test_binary_losses.cpp — binary cross-entropy on probabilities (§5) and on logits (§6).
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/losses/losses.hpp"
#include "support/judge.hpp"
using namespace tinytorch;
namespace F = tinytorch::nn::functional;
using nn::Reduction;

// ---- §5 BCE -----------------------------------------------------------------------------------------

TEST_CASE("binary_cross_entropy follows the formula on hard and soft labels", "[04_losses]") {
    Tensor p = Tensor({0.9f, 0.2f, 0.5f, 0.7f}), t = Tensor({1.f, 0.f, 1.f, 0.25f});
    std::vector<float> pv = p.to_vector(), tv = t.to_vector();
    std::vector<float> got = F::binary_cross_entropy(p, t, Reduction::None).to_vector();
    double sum = 0.0;
    for (size_t i = 0; i < pv.size(); ++i) {
        const double want = -(tv[i] * std::log(double(pv[i])) + (1.0 - tv[i]) * std::log(1.0 - pv[i]));
        CHECK_THAT(got[i], WithinRel(want, 1e-5));
        sum += want;
    }
    CHECK_THAT(F::binary_cross_entropy(p, t).item(), WithinRel(sum / 4.0, 1e-5));
    CHECK_THAT(F::binary_cross_entropy(p, t, Reduction::Sum).item(), WithinRel(sum, 1e-5));
}

TEST_CASE("binary_cross_entropy of a coin flip is log 2", "[04_losses]") {
    CHECK_THAT(F::binary_cross_entropy(full({8}, 0.5f), Tensor({0.f, 1.f, 0.f, 1.f, 1.f, 1.f, 0.f, 0.f})).item(),
               WithinRel(std::log(2.0), 1e-6));
}

TEST_CASE("binary_cross_entropy clamps its logs at minus one hundred for exact zeros and ones", "[04_losses]") {
    Tensor p = Tensor({0.f, 1.f, 0.f, 1.f}), t = Tensor({0.f, 1.f, 1.f, 0.f});
    Tensor loss = F::binary_cross_entropy(p, t, Reduction::None);
    CHECK(judge::equal(loss.abs(), Tensor({0.f, 0.f, 100.f, 100.f})));
    CHECK(F::binary_cross_entropy(p, t).item() == 50.f);
    CHECK_THAT(F::binary_cross_entropy(Tensor({1e-30f}), Tensor({1.f})).item(), WithinRel(69.0775528, 1e-5));
    CHECK(F::binary_cross_entropy(Tensor({1e-45f}), Tensor({1.f})).item() == 100.f);
}

TEST_CASE("binary_cross_entropy rejects probabilities outside the unit interval naming the position", "[04_losses]") {
    CHECK_THROWS_AS(F::binary_cross_entropy(Tensor({{0.5f, 1.5f}}), Tensor({{1.f, 1.f}})), ValueError);
    CHECK_THROWS_WITH(F::binary_cross_entropy(Tensor({{0.5f, 1.5f}}), Tensor({{1.f, 1.f}})),
                      Contains("input[0, 1] = 1.5") && Contains("sigmoid") && Contains("BCEWithLogitsLoss"));
    CHECK_THROWS_AS(F::binary_cross_entropy(Tensor({-0.1f}), Tensor({0.f})), ValueError);
    CHECK_THROWS_AS(F::binary_cross_entropy(Tensor({std::nanf("")}), Tensor({0.f})), ValueError);
    CHECK_THROWS_AS(F::binary_cross_entropy(Tensor({0.5f, 0.5f}), Tensor({0.f, 2.f})), ValueError);
    CHECK_THROWS_WITH(F::binary_cross_entropy(Tensor({0.5f, 0.5f}), Tensor({0.f, 2.f})),
                      Contains("target[1] = 2") && Contains("labels"));
}

TEST_CASE("binary_cross_entropy rejects a target of another shape and names both shapes", "[04_losses]") {
    CHECK_THROWS_AS(F::binary_cross_entropy(full({3, 1}, 0.5f), zeros({3})), ShapeError);
    CHECK_THROWS_WITH(F::binary_cross_entropy(full({3, 1}, 0.5f), zeros({3})),
                      Contains("binary_cross_entropy") && Contains("[3, 1]") && Contains("[3]"));
}

TEST_CASE("nn BCELoss applies its reduction option and names itself", "[04_losses]") {
    Tensor p = Tensor({0.5f, 0.5f}), t = Tensor({1.f, 0.f});
    CHECK_THAT(nn::BCELoss()(p, t).item(), WithinRel(std::log(2.0), 1e-6));
    CHECK_THAT(nn::BCELoss(Reduction::Sum)(p, t).item(), WithinRel(2.0 * std::log(2.0), 1e-6));
    CHECK(nn::BCELoss(nn::BCELossOptions().reduction(Reduction::None)).forward(p, t).shape() == Shape{2});
    CHECK(nn::BCELoss().name() == "BCELoss(reduction=mean)");
}

// ---- §6 BCE with logits -----------------------------------------------------------------------------

TEST_CASE("binary_cross_entropy_with_logits equals BCE of the sigmoid for moderate logits", "[04_losses]") {
    Tensor x = randn({3, 5}) * 3.f;
    Tensor t = rand({3, 5});
    for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum})
        CHECK(judge::allclose(F::binary_cross_entropy_with_logits(x, t, r), F::binary_cross_entropy(sigmoid(x), t, r), 1e-4f,
                       1e-5f));
}

TEST_CASE("binary_cross_entropy_with_logits stays exact where the sigmoid saturates", "[04_losses]") {
    Tensor x = Tensor({-1000.f, -200.f, 1000.f, 200.f, 0.f, 40.f});
    Tensor t = Tensor({1.f, 1.f, 0.f, 1.f, 1.f, 1.f});
    std::vector<float> got = F::binary_cross_entropy_with_logits(x, t, Reduction::None).to_vector();
    CHECK(got[0] == 1000.f);
    CHECK(got[1] == 200.f);  // BCE of sigmoid(-200) = 0 would be clamped to 100
    CHECK(got[2] == 1000.f);
    CHECK(got[3] == 0.f);
    CHECK_THAT(got[4], WithinRel(std::log(2.0), 1e-6));
    CHECK_THAT(got[5], WithinRel(4.248354e-18, 1e-4));  // log1p keeps the tiny loss of a confident right answer
    CHECK(F::binary_cross_entropy(sigmoid(Tensor({-200.f})), Tensor({1.f})).item() == 100.f);
}

TEST_CASE("binary_cross_entropy_with_logits checks the target shape and range", "[04_losses]") {
    CHECK_THROWS_AS(F::binary_cross_entropy_with_logits(zeros({2, 2}), zeros({4})), ShapeError);
    CHECK_THROWS_WITH(F::binary_cross_entropy_with_logits(zeros({2, 2}), zeros({4})),
                      Contains("[2, 2]") && Contains("[4]"));
    CHECK_THROWS_AS(F::binary_cross_entropy_with_logits(zeros({2}), Tensor({0.f, -1.f})), ValueError);
    CHECK_THROWS_WITH(F::binary_cross_entropy_with_logits(zeros({2}), Tensor({0.f, -1.f})),
                      Contains("binary_cross_entropy_with_logits") && Contains("target[1] = -1"));
}

TEST_CASE("binary_cross_entropy_with_logits reads non contiguous inputs", "[04_losses]") {
    Tensor x = randn({4, 3}).t(), t = rand({4, 3}).t();
    REQUIRE_FALSE(x.is_contiguous());
    CHECK(judge::allclose(F::binary_cross_entropy_with_logits(x, t, Reduction::None),
                   F::binary_cross_entropy_with_logits(x.contiguous(), t.contiguous(), Reduction::None), 1e-6f, 1e-7f));
}

TEST_CASE("nn BCEWithLogitsLoss applies its reduction option and names itself", "[04_losses]") {
    Tensor x = Tensor({0.f, 0.f}), t = Tensor({1.f, 0.f});
    CHECK_THAT(nn::BCEWithLogitsLoss()(x, t).item(), WithinRel(std::log(2.0), 1e-6));
    CHECK_THAT(nn::BCEWithLogitsLoss(Reduction::Sum).forward(x, t).item(), WithinRel(2.0 * std::log(2.0), 1e-6));
    nn::BCEWithLogitsLoss none_loss(nn::BCEWithLogitsLossOptions().reduction(Reduction::None));
    CHECK(none_loss(x, t).shape() == Shape{2});
    CHECK(none_loss.name() == "BCEWithLogitsLoss(reduction=none)");
}
