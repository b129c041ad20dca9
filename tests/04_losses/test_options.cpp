// tests/04_losses/test_options.cpp — libtorch's loss options: weight, ignore_index, pos_weight, kMean/kSum
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/losses/losses.hpp"
#include "support/judge.hpp"
using namespace tinytorch;
namespace F = tinytorch::nn::functional;

TEST_CASE("cross_entropy weights each sample by its class and divides the mean by the weight total", "[04_losses]") {
    Tensor logits({{0.f, 0.f}, {0.f, 0.f}, {2.f, 0.f}});  // rows 0 and 1: -log 0.5 each
    Tensor t({0.f, 1.f, 1.f});
    Tensor w({1.f, 3.f});
    const float l0 = std::log(2.f), l2 = std::log(1.f + std::exp(2.f));  // row 2: -log softmax[1]
    auto opts = nn::CrossEntropyLossOptions().weight(w);
    CHECK(judge::allclose(F::cross_entropy(logits, t, opts.reduction(kNone)), Tensor({l0, 3.f * l0, 3.f * l2})));
    CHECK(F::cross_entropy(logits, t, opts.reduction(kSum)).item() == Approx(l0 + 3.f * l0 + 3.f * l2));
    CHECK(F::cross_entropy(logits, t, opts.reduction(kMean)).item() == Approx((l0 + 3.f * l0 + 3.f * l2) / 7.f));
    CHECK(nn::CrossEntropyLoss(opts.reduction(kMean))(logits, t).item() == Approx((4.f * l0 + 3.f * l2) / 7.f));
}

TEST_CASE("ignore_index drops samples from the loss and from the mean", "[04_losses]") {
    Tensor logits({{0.f, 0.f}, {5.f, -5.f}, {0.f, 0.f}});
    const float l0 = std::log(2.f);
    // -100 is ignored by default, as in PyTorch
    CHECK(F::cross_entropy(logits, Tensor({0.f, -100.f, 1.f}), kNone).to_vector() == std::vector<float>{l0, 0.f, l0});
    CHECK(F::cross_entropy(logits, Tensor({0.f, -100.f, 1.f})).item() == Approx(l0));  // 2 counted samples
    auto opts = nn::CrossEntropyLossOptions().ignore_index(1);
    CHECK(F::cross_entropy(logits, Tensor({0.f, 1.f, 1.f}), opts).item() == Approx(l0));  // only sample 0
    CHECK(F::nll_loss(Tensor({{-1.f, -2.f}, {-3.f, -4.f}}), Tensor({1.f, 0.f}), nn::NLLLossOptions().ignore_index(0))
              .item() == 2.f);
    // every sample ignored: the mean is 0/0, NaN as in PyTorch
    CHECK(std::isnan(F::cross_entropy(logits, Tensor({1.f, 1.f, 1.f}), opts).item()));
    CHECK(F::cross_entropy(logits, Tensor({1.f, 1.f, 1.f}), opts.reduction(kSum)).item() == 0.f);
}

TEST_CASE("class weights must be one per class", "[04_losses]") {
    Tensor logits({{0.f, 1.f, 2.f}});
    CHECK_THROWS_AS(F::cross_entropy(logits, Tensor({0.f}), nn::CrossEntropyLossOptions().weight(Tensor({1.f, 2.f}))),
                    ShapeError);
    CHECK_THROWS_WITH(F::nll_loss(logits, Tensor({0.f}), nn::NLLLossOptions().weight(Tensor({1.f, 2.f}))),
                      Contains("[3]") && Contains("[2]") && Contains("weight"));
    CHECK_THROWS_WITH(F::cross_entropy(logits, Tensor({7.f})), Contains("ignore_index"));
}

TEST_CASE("binary losses rescale by weight and pos_weight as PyTorch", "[04_losses]") {
    Tensor p({0.5f, 0.5f}), t({1.f, 0.f});
    const float l = std::log(2.f);
    auto bce = nn::BCELossOptions().weight(Tensor({2.f, 0.f})).reduction(kNone);
    CHECK(judge::allclose(F::binary_cross_entropy(p, t, bce), Tensor({2.f * l, 0.f})));
    CHECK(F::binary_cross_entropy(p, t, bce.reduction(kMean)).item() == Approx(l));  // mean over elements
    Tensor x({0.f, 0.f});
    auto bcel = nn::BCEWithLogitsLossOptions().pos_weight(Tensor({3.f})).reduction(kNone);
    CHECK(judge::allclose(F::binary_cross_entropy_with_logits(x, t, bcel), Tensor({3.f * l, l})));  // positives x3
    CHECK_THROWS_AS(F::binary_cross_entropy_with_logits(x, t, nn::BCEWithLogitsLossOptions().weight(Tensor({1.f, 2.f, 3.f}))),
                    ShapeError);
    CHECK_THROWS_WITH(F::binary_cross_entropy(Tensor({{0.5f}, {0.5f}}), Tensor({{1.f}, {0.f}}),
                                              nn::BCELossOptions().weight(Tensor({1.f, 2.f, 3.f}))),
                      Contains("weight") && Contains("[3]"));
}

TEST_CASE("loss options spell reductions as libtorch and the loss names show the options", "[04_losses]") {
    CHECK(nn::MSELossOptions(kSum).reduction() == nn::Reduction::Sum);
    CHECK(F::mse_loss(Tensor({1.f, 3.f}), Tensor({0.f, 0.f}), kSum).item() == 10.f);
    CHECK(nn::MSELoss(kNone)(Tensor({1.f, 3.f}), Tensor({0.f, 0.f})).to_vector() == std::vector<float>{1.f, 9.f});
    CHECK(nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().weight(Tensor({1.f})).ignore_index(0)).name() ==
          "CrossEntropyLoss(reduction=mean, label_smoothing=0, weight, ignore_index=0)");
    CHECK(nn::NLLLoss(nn::NLLLossOptions().ignore_index(2)).name() == "NLLLoss(reduction=mean, ignore_index=2)");
    CHECK(nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().pos_weight(Tensor({2.f}))).name() ==
          "BCEWithLogitsLoss(reduction=mean, pos_weight)");
    CHECK(nn::BCELoss(nn::BCELossOptions().weight(Tensor({2.f}))).name() == "BCELoss(reduction=mean, weight)");
    CHECK(nn::CrossEntropyLossOptions().ignore_index() == -100);  // PyTorch's default
}
