// tests/04_losses/test_class_losses.cpp — class-index losses: NLL (§3) and cross-entropy (§4).
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/losses/losses.hpp"
#include "support/judge.hpp"
using namespace tinytorch;
namespace F = tinytorch::nn::functional;
using nn::Reduction;

namespace {
const float kInf = std::numeric_limits<float>::infinity();
const Reduction kReductions[] = {Reduction::None, Reduction::Mean, Reduction::Sum};
}  // namespace

// ---- §3 NLL and target checks -----------------------------------------------------------------------

TEST_CASE("nll_loss picks and negates the log probability of each target", "[04_losses]") {
    Tensor lp = Tensor({{-0.1f, -2.f, -3.f}, {-1.5f, -0.5f, -4.f}});
    Tensor t = Tensor({0.f, 2.f});
    CHECK(judge::equal(F::nll_loss(lp, t, Reduction::None), Tensor({0.1f, 4.f})));
    CHECK_THAT(F::nll_loss(lp, t).item(), WithinRel(2.05, 1e-6));
    CHECK_THAT(F::nll_loss(lp, t, Reduction::Sum).item(), WithinRel(4.1, 1e-6));
}

TEST_CASE("nll_loss after log_softmax equals cross_entropy on the logits", "[04_losses]") {
    Tensor logits = randn({6, 4}) * 2.f;
    Tensor t = randint(0, 4, {6});
    for (Reduction r : kReductions)
        CHECK(judge::allclose(F::nll_loss(log_softmax(logits, 1), t, r), F::cross_entropy(logits, t, r), 1e-5f, 1e-6f));
}

TEST_CASE("a class target out of range raises an IndexError naming the value and position", "[04_losses]") {
    Tensor scores = zeros({3, 4});
    CHECK_THROWS_AS(F::cross_entropy(scores, Tensor({0.f, 1.f, 4.f})), IndexError);
    CHECK_THROWS_WITH(F::cross_entropy(scores, Tensor({0.f, 1.f, 4.f})),
                      Contains("cross_entropy") && Contains("target[2] = 4") && Contains("4 classes") &&
                          Contains("0 to 3"));
    CHECK_THROWS_AS(F::nll_loss(scores, Tensor({-1.f, 1.f, 0.f})), IndexError);
    CHECK_THROWS_WITH(F::nll_loss(scores, Tensor({-1.f, 1.f, 0.f})), Contains("nll_loss") && Contains("target[0] = -1"));
}

TEST_CASE("a class target that is not a whole number raises a ValueError naming the position", "[04_losses]") {
    Tensor scores = zeros({2, 3});
    CHECK_THROWS_AS(F::cross_entropy(scores, Tensor({1.f, 0.5f})), ValueError);
    CHECK_THROWS_WITH(F::cross_entropy(scores, Tensor({1.f, 0.5f})),
                      Contains("target[1] = 0.5") && Contains("whole number"));
    CHECK_THROWS_AS(F::nll_loss(scores, Tensor({std::nanf(""), 0.f})), ValueError);
    CHECK_THROWS_WITH(F::nll_loss(scores, Tensor({std::nanf(""), 0.f})), Contains("target[0]"));
}

TEST_CASE("class losses want logits of shape N by C and one target per row", "[04_losses]") {
    CHECK_THROWS_AS(F::cross_entropy(zeros({2, 3, 4}), zeros({2, 3})), ShapeError);
    CHECK_THROWS_WITH(F::cross_entropy(zeros({2, 3, 4}), zeros({2, 3})),
                      Contains("[2, 3, 4]") && Contains("[N, C]") && Contains("hint"));
    CHECK_THROWS_AS(F::nll_loss(zeros({4, 3}), zeros({3})), ShapeError);
    CHECK_THROWS_WITH(F::nll_loss(zeros({4, 3}), zeros({3})), Contains("[4, 3]") && Contains("[3]") && Contains("[4]"));
    CHECK_THROWS_AS(F::cross_entropy(zeros({4, 3}), zeros({4, 3})), ShapeError);
    CHECK_THROWS_WITH(F::cross_entropy(zeros({4, 3}), zeros({4, 3})), Contains("one-hot"));
    CHECK_THROWS_AS(F::cross_entropy(zeros({2, 0}), zeros({2})), ValueError);
}

TEST_CASE("nn NLLLoss applies its reduction option and names itself", "[04_losses]") {
    Tensor lp = Tensor({{-1.f, -2.f}, {-3.f, -4.f}}), t = Tensor({1.f, 0.f});
    CHECK(nn::NLLLoss()(lp, t).item() == 2.5f);
    CHECK(nn::NLLLoss(Reduction::Sum)(lp, t).item() == 5.f);
    CHECK(judge::equal(nn::NLLLoss(nn::NLLLossOptions().reduction(Reduction::None)).forward(lp, t), Tensor({2.f, 3.f})));
    CHECK(nn::NLLLoss().name() == "NLLLoss(reduction=mean)");
}

// ---- §4 cross-entropy -------------------------------------------------------------------------------

TEST_CASE("cross_entropy of equal logits is log C", "[04_losses]") {
    for (int64_t c : {2, 3, 10, 1000}) {
        Tensor loss = F::cross_entropy(zeros({4, c}), zeros({4}));
        CHECK_THAT(loss.item(), WithinRel(std::log(static_cast<double>(c)), 1e-5));
    }
}

TEST_CASE("cross_entropy is small for confident right answers and large for confident wrong ones", "[04_losses]") {
    Tensor logits = Tensor({{10.f, 0.f, 0.f}, {0.f, 10.f, 0.f}});
    CHECK(F::cross_entropy(logits, Tensor({0.f, 1.f})).item() < 1e-3f);
    CHECK(F::cross_entropy(logits, Tensor({2.f, 2.f})).item() > 9.f);
    CHECK_THAT(F::cross_entropy(Tensor({{1.f, 2.f, 3.f}}), Tensor({2.f})).item(), WithinRel(0.40760596, 1e-5));
}

TEST_CASE("cross_entropy equals log_softmax followed by nll_loss for every reduction", "[04_losses]") {
    Tensor logits = randn({7, 5}) * 3.f;
    Tensor t = randint(0, 5, {7});
    for (Reduction r : kReductions)
        for (double eps : {0.0, 0.1, 0.5, 1.0}) {
            INFO("reduction " << nn::reduction_name(r) << " label_smoothing " << eps);
            Tensor fused = F::cross_entropy(logits, t, r, eps), composed = F::cross_entropy_naive(logits, t, r, eps);
            CHECK(fused.shape() == composed.shape());
            CHECK(judge::allclose(fused, composed, 1e-5f, 1e-5f));
        }
    CHECK(F::cross_entropy(logits, t, Reduction::None).shape() == Shape{7});
    CHECK(F::cross_entropy(logits, t).dim() == 0);
}

TEST_CASE("cross_entropy stays finite and exact for logits of plus or minus one thousand", "[04_losses]") {
    Tensor logits = Tensor({{1000.f, 0.f, -1000.f}, {1000.f, 0.f, -1000.f}, {-1000.f, -999.f, -998.f}});
    Tensor loss = F::cross_entropy(logits, Tensor({0.f, 2.f, 2.f}), Reduction::None);
    CHECK(loss.at({0}) == 0.f);
    CHECK(loss.at({1}) == 2000.f);
    CHECK_THAT(loss.at({2}), WithinRel(0.40760596, 1e-5));
}

TEST_CASE("cross_entropy stays finite when a logit is masked to minus infinity", "[04_losses]") {
    Tensor logits = Tensor({{0.f, -kInf, 0.f}});
    CHECK_THAT(F::cross_entropy(logits, Tensor({0.f})).item(), WithinRel(std::log(2.0), 1e-6));
}

TEST_CASE("label smoothing mixes in the mean negative log probability over classes", "[04_losses]") {
    Tensor logits = Tensor({{2.f, 0.f, -1.f}});
    Tensor lp = log_softmax(logits, 1);
    const float nll = -lp.at({0, 0}), smooth = -lp.mean().item();
    for (float eps : {0.f, 0.1f, 0.5f, 1.f}) {
        INFO("label_smoothing " << eps);
        CHECK_THAT(F::cross_entropy(logits, Tensor({0.f}), Reduction::Mean, eps).item(),
                   WithinRel((1.0 - eps) * nll + eps * smooth, 1e-5));
    }
}

TEST_CASE("label smoothing puts a floor under the loss of a perfect prediction", "[04_losses]") {
    Tensor confident = Tensor({{30.f, 0.f, 0.f, 0.f}});
    CHECK(F::cross_entropy(confident, Tensor({0.f})).item() < 1e-6f);
    // with eps = 0.1 the target keeps 0.1/4 on each wrong class: the loss is about 0.1 * 30 * 3/4
    CHECK_THAT(F::cross_entropy(confident, Tensor({0.f}), Reduction::Mean, 0.1).item(), WithinRel(2.25, 1e-4));
}

TEST_CASE("label smoothing outside the unit interval is a ValueError", "[04_losses]") {
    CHECK_THROWS_AS(F::cross_entropy(zeros({1, 2}), zeros({1}), Reduction::Mean, 1.5), ValueError);
    CHECK_THROWS_WITH(F::cross_entropy(zeros({1, 2}), zeros({1}), Reduction::Mean, -0.1),
                      Contains("label_smoothing") && Contains("-0.1") && Contains("[0, 1]"));
    CHECK_THROWS_AS(nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().label_smoothing(2.0)), ValueError);
    CHECK_THROWS_WITH(nn::CrossEntropyLoss(Reduction::Mean, 2.0), Contains("CrossEntropyLoss") && Contains("2"));
}

TEST_CASE("cross_entropy reads non contiguous logits", "[04_losses]") {
    Tensor stored = randn({5, 3});  // class-major storage
    Tensor logits = stored.t();      // [3, 5] view
    REQUIRE_FALSE(logits.is_contiguous());
    Tensor t = Tensor({4.f, 0.f, 2.f});
    for (Reduction r : kReductions)
        CHECK(judge::allclose(F::cross_entropy(logits, t, r, 0.2), F::cross_entropy(logits.contiguous(), t, r, 0.2), 1e-6f,
                       1e-7f));
}

TEST_CASE("cross_entropy of an empty batch is empty without reduction and an error with mean", "[04_losses]") {
    CHECK(F::cross_entropy(zeros({0, 3}), zeros({0}), Reduction::None).shape() == Shape{0});
    CHECK(F::cross_entropy(zeros({0, 3}), zeros({0}), Reduction::Sum).item() == 0.f);
    CHECK_THROWS_AS(F::cross_entropy(zeros({0, 3}), zeros({0})), ValueError);
}

TEST_CASE("nn CrossEntropyLoss takes libtorch style options and names itself", "[04_losses]") {
    Tensor logits = randn({4, 3}), t = Tensor({0.f, 1.f, 2.f, 1.f});
    nn::CrossEntropyLoss plain;
    nn::CrossEntropyLoss smoothed(nn::CrossEntropyLossOptions().label_smoothing(0.1).reduction(Reduction::Sum));
    nn::CrossEntropyLoss positional(Reduction::None, 0.25);
    CHECK(judge::equal(plain(logits, t), F::cross_entropy(logits, t)));
    CHECK(judge::equal(smoothed.forward(logits, t), F::cross_entropy(logits, t, Reduction::Sum, 0.1)));
    CHECK(judge::equal(positional(logits, t), F::cross_entropy(logits, t, Reduction::None, 0.25)));
    CHECK(plain.name() == "CrossEntropyLoss(reduction=mean, label_smoothing=0)");
    CHECK(smoothed.name() == "CrossEntropyLoss(reduction=sum, label_smoothing=0.1)");
    CHECK(smoothed.options().label_smoothing() == 0.1);
    CHECK(smoothed.options().reduction() == Reduction::Sum);
}
