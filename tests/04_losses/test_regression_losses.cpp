// tests/04_losses/test_regression_losses.cpp — reductions (§1) and mean squared error (§2).
#include "support/catch.hpp"
#include "tinytorch/losses/losses.hpp"
#include "support/judge.hpp"
using namespace tinytorch;
namespace F = tinytorch::nn::functional;
using nn::Reduction;

// ---- §1 reductions ----------------------------------------------------------------------------------

TEST_CASE("reduction codes and names follow the autograd contract", "[04_losses][provided]") {
    CHECK(nn::reduction_code(Reduction::None) == 0);
    CHECK(nn::reduction_code(Reduction::Mean) == 1);
    CHECK(nn::reduction_code(Reduction::Sum) == 2);
    CHECK(nn::reduction_name(Reduction::None) == "none");
    CHECK(nn::reduction_name(Reduction::Mean) == "mean");
    CHECK(nn::reduction_name(Reduction::Sum) == "sum");
}

TEST_CASE("apply_reduction keeps averages or adds the per sample losses", "[04_losses]") {
    Tensor losses = Tensor({1.f, 2.f, 6.f});
    CHECK(judge::equal(nn::apply_reduction(losses, Reduction::None), losses));
    Tensor mean = nn::apply_reduction(losses, Reduction::Mean);
    CHECK(mean.dim() == 0);
    CHECK(mean.item() == 3.f);
    Tensor sum = nn::apply_reduction(losses, Reduction::Sum);
    CHECK(sum.dim() == 0);
    CHECK(sum.item() == 9.f);
}

TEST_CASE("the mean of an empty batch is a ValueError that suggests the sum", "[04_losses]") {
    CHECK_THROWS_AS(nn::apply_reduction(zeros({0}), Reduction::Mean, "my_loss"), ValueError);
    CHECK_THROWS_WITH(nn::apply_reduction(zeros({0}), Reduction::Mean, "my_loss"),
                      Contains("my_loss") && Contains("[0]") && Contains("Sum"));
    CHECK(nn::apply_reduction(zeros({0}), Reduction::Sum).item() == 0.f);
    CHECK_THROWS_AS(F::mse_loss(zeros({0, 3}), zeros({0, 3})), ValueError);
}

// ---- §2 MSE -----------------------------------------------------------------------------------------

TEST_CASE("mse_loss is zero for a perfect prediction and averages squared errors", "[04_losses]") {
    Tensor target = Tensor({1.f, 0.f, 6.f});
    CHECK(F::mse_loss(target, target).item() == 0.f);
    Tensor loss = F::mse_loss(Tensor({1.f, 2.f, 3.f}), target);
    CHECK(loss.dim() == 0);
    CHECK_THAT(loss.item(), WithinRel(13.0 / 3.0, 1e-6));
}

TEST_CASE("mse_loss keeps or sums the squared errors with none and sum", "[04_losses]") {
    Tensor p = Tensor({{1.f, 2.f}, {3.f, 4.f}}), t = Tensor({{0.f, 2.f}, {5.f, 1.f}});
    CHECK(judge::equal(F::mse_loss(p, t, Reduction::None), Tensor({{1.f, 0.f}, {4.f, 9.f}})));
    CHECK(F::mse_loss(p, t, Reduction::Sum).item() == 14.f);
    CHECK(F::mse_loss(p, t, Reduction::Mean).item() == 3.5f);
}

TEST_CASE("mse_loss is never negative and grows with the error", "[04_losses]") {
    Tensor t = randn({16});
    float previous = -1.f;
    for (float shift : {0.f, 0.1f, 0.5f, 2.f}) {
        float loss = F::mse_loss(t + shift, t).item();
        CHECK(loss >= 0.f);
        CHECK(loss > previous);
        CHECK_THAT(loss, WithinRel(static_cast<double>(shift) * shift, 1e-4));
        previous = loss;
    }
}

TEST_CASE("mse_loss rejects a target of another shape and names both shapes", "[04_losses]") {
    CHECK_THROWS_AS(F::mse_loss(zeros({4, 1}), zeros({4})), ShapeError);
    CHECK_THROWS_WITH(F::mse_loss(zeros({4, 1}), zeros({4})),
                      Contains("mse_loss") && Contains("[4, 1]") && Contains("[4]") && Contains("hint"));
}

TEST_CASE("nn MSELoss applies its reduction option and names itself", "[04_losses]") {
    Tensor p = Tensor({1.f, 3.f}), t = Tensor({0.f, 0.f});
    nn::MSELoss mean_loss, sum_loss(Reduction::Sum), none_loss(nn::MSELossOptions().reduction(Reduction::None));
    CHECK(mean_loss(p, t).item() == 5.f);
    CHECK(sum_loss.forward(p, t).item() == 10.f);
    CHECK(judge::equal(none_loss(p, t), Tensor({1.f, 9.f})));
    CHECK(mean_loss.name() == "MSELoss(reduction=mean)");
    CHECK(none_loss.name() == "MSELoss(reduction=none)");
    CHECK(sum_loss.options().reduction() == Reduction::Sum);
}
