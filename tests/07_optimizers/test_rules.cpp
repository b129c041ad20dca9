// tests/07_optimizers/test_rules.cpp — hand-computed updates and option checks (lesson §2–§5)
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
Tensor scalar_param(float v) { return Tensor({v}).requires_grad_(); }
float run(optim::Optimizer& opt, Tensor& p, std::vector<float> grads) {
    for (float g : grads) {
        p.set_grad(Tensor({g}));
        opt.step();
    }
    return p.item();
}
}  // namespace

// ---- SGD -----------------------------------------------------------------------------------

TEST_CASE("SGD without momentum steps against the gradient scaled by lr", "[07_optimizers]") {
    Tensor p = scalar_param(1.0f);
    optim::SGD opt({p}, 0.1);
    CHECK_THAT(run(opt, p, {2.0f, -1.0f}), WithinAbs(1.0 - 0.2 + 0.1, 1e-6));
}

TEST_CASE("SGD momentum starts its buffer at the first gradient", "[07_optimizers]") {
    Tensor p = scalar_param(0.0f);
    optim::SGD opt({p}, optim::SGDOptions(0.1).momentum(0.9).dampening(0.5));
    // step 1: b = g = 1 (no dampening on the first step), p = -0.1
    // step 2: b = 0.9 * 1 + 0.5 * 1 = 1.4, p = -0.1 - 0.14 = -0.24
    CHECK_THAT(run(opt, p, {1.0f}), WithinAbs(-0.1, 1e-6));
    CHECK_THAT(run(opt, p, {1.0f}), WithinAbs(-0.24, 1e-6));
}

TEST_CASE("SGD Nesterov looks ahead along the momentum", "[07_optimizers]") {
    Tensor p = scalar_param(0.0f);
    optim::SGD opt({p}, optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
    // step 1: b = 1, d = 1 + 0.9 * 1 = 1.9, p = -0.19
    // step 2: b = 0.9 + 1 = 1.9, d = 1 + 0.9 * 1.9 = 2.71, p = -0.19 - 0.271
    CHECK_THAT(run(opt, p, {1.0f}), WithinAbs(-0.19, 1e-6));
    CHECK_THAT(run(opt, p, {1.0f}), WithinAbs(-0.461, 1e-6));
}

TEST_CASE("SGD weight decay adds wd times the parameter to the gradient", "[07_optimizers]") {
    Tensor p = scalar_param(2.0f);
    optim::SGD opt({p}, optim::SGDOptions(0.5).weight_decay(0.1));
    CHECK_THAT(run(opt, p, {0.0f}), WithinAbs(2.0 - 0.5 * 0.2, 1e-6));
}

// The option checks are ready-made but need module 01 (the optimizers read their parameters
// through is_contiguous): each test also checks the first step of that optimizer, and is graded.
TEST_CASE("SGD rejects Nesterov without momentum or with dampening", "[07_optimizers]") {
    Tensor p = judge::tensor({0.f}, {1}).requires_grad_();
    optim::SGD nesterov({p}, optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
    p.set_grad(judge::tensor({1.f}, {1}));
    nesterov.step();  // buffer b = g = 1; Nesterov step uses g + 0.9 b = 1.9
    CHECK_THAT(judge::values(p)[0], WithinAbs(-0.19, 1e-6));
    CHECK_THROWS_AS(optim::SGD({p}, optim::SGDOptions(0.1).nesterov(true)), ValueError);
    CHECK_THROWS_WITH(optim::SGD({p}, optim::SGDOptions(0.1).momentum(0.9).dampening(0.1).nesterov(true)),
                      Contains("Nesterov") && Contains("dampening=0.1") && Contains("hint"));
    CHECK_THROWS_WITH(optim::SGD({p}, optim::SGDOptions(0.1).momentum(-0.5)), Contains("momentum") && Contains("-0.5"));
    CHECK_THROWS_AS(optim::SGD({p}, optim::SGDOptions(0.1).weight_decay(-1)), ValueError);
}

TEST_CASE("SGD options chain and read back", "[07_optimizers][provided]") {
    auto o = optim::SGDOptions(0.3).momentum(0.9).dampening(0.1).weight_decay(1e-4).nesterov(false);
    CHECK(o.lr() == 0.3);
    CHECK(o.momentum() == 0.9);
    CHECK(o.dampening() == 0.1);
    CHECK(o.weight_decay() == 1e-4);
    CHECK_FALSE(o.nesterov());
}

// ---- Adam / AdamW ----------------------------------------------------------------------------

TEST_CASE("Adam first step moves every parameter by about lr whatever the gradient scale", "[07_optimizers]") {
    // t = 1: m̂ = g, v̂ = g², so the step is lr * g / (|g| + eps) = lr * sign(g)
    Tensor p = Tensor({0.f, 0.f, 0.f}).requires_grad_();
    p.set_grad(Tensor({1e-3f, -5.f, 1e3f}));
    optim::Adam opt({p}, 0.01);
    opt.step();
    CHECK(judge::allclose(p, Tensor({-0.01f, 0.01f, -0.01f}), 1e-4f, 1e-7f));
}

TEST_CASE("Adam second step matches the bias corrected closed form", "[07_optimizers]") {
    Tensor p = scalar_param(1.0f);
    const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, g1 = 2.0, g2 = -1.0;
    optim::Adam opt({p}, lr);
    run(opt, p, {2.0f, -1.0f});
    double m = (1 - b1) * g1, v = (1 - b2) * g1 * g1, theta = 1.0;
    theta -= lr / (1 - b1) * m / (std::sqrt(v) / std::sqrt(1 - b2) + eps);
    m = b1 * m + (1 - b1) * g2;
    v = b2 * v + (1 - b2) * g2 * g2;
    theta -= lr / (1 - b1 * b1) * m / (std::sqrt(v) / std::sqrt(1 - b2 * b2) + eps);
    CHECK_THAT(p.item(), WithinAbs(theta, 1e-6));
}

TEST_CASE("AdamW with zero weight decay equals Adam", "[07_optimizers]") {
    Tensor a = scalar_param(1.0f), b = scalar_param(1.0f);
    optim::Adam adam({a}, 0.05);
    optim::AdamW adamw({b}, optim::AdamWOptions(0.05).weight_decay(0.0));
    std::vector<float> grads{0.5f, -2.0f, 1.0f, 3.0f};
    CHECK(run(adam, a, grads) == run(adamw, b, grads));
}

TEST_CASE("AdamW decays the parameter before the Adam update and Adam does not", "[07_optimizers]") {
    // with g = 0 the moments stay zero, so only the decay moves the parameter
    Tensor a = scalar_param(2.0f), b = scalar_param(2.0f);
    optim::AdamW adamw({a}, optim::AdamWOptions(0.1).weight_decay(0.5));
    CHECK_THAT(run(adamw, a, {0.0f}), WithinAbs(2.0 * (1 - 0.1 * 0.5), 1e-6));
    // Adam's coupled decay goes through the normalised moments instead: one step of size lr
    optim::Adam adam({b}, optim::AdamOptions(0.1).weight_decay(0.5));
    CHECK_THAT(run(adam, b, {0.0f}), WithinAbs(2.0 - 0.1, 1e-6));
}

TEST_CASE("AdamW defaults to weight decay 0.01", "[07_optimizers][provided]") {
    CHECK(optim::AdamWOptions().weight_decay() == 0.01);
    CHECK(optim::AdamWOptions().lr() == 1e-3);
    CHECK(optim::AdamOptions().weight_decay() == 0.0);
    CHECK(optim::AdamOptions().betas() == optim::Betas(0.9, 0.999));
}

TEST_CASE("Adam amsgrad keeps the largest second moment", "[07_optimizers]") {
    // a big gradient then small ones: amsgrad divides by the old, larger v and moves less
    Tensor a = scalar_param(0.0f), b = scalar_param(0.0f);
    optim::Adam plain({a}, 0.1);
    optim::Adam ams({b}, optim::AdamOptions(0.1).amsgrad(true));
    run(plain, a, {10.0f});
    run(ams, b, {10.0f});
    CHECK(a.item() == b.item());  // identical while v only grows
    const float start = a.item();
    run(plain, a, {0.1f, 0.1f, 0.1f});
    run(ams, b, {0.1f, 0.1f, 0.1f});
    CHECK(std::fabs(b.item() - start) < std::fabs(a.item() - start));
}

TEST_CASE("Adam and AdamW reject betas outside zero to one and negative eps", "[07_optimizers]") {
    Tensor p = judge::tensor({0.f}, {1}).requires_grad_();
    optim::Adam first({p}, optim::AdamOptions(0.1));
    p.set_grad(judge::tensor({-3.f}, {1}));
    first.step();  // bias-corrected first step: lr·g/(|g| + eps) = lr·sign(g), so p moves by +0.1
    CHECK_THAT(judge::values(p)[0], WithinAbs(0.1, 1e-6));
    CHECK_THROWS_AS(optim::Adam({p}, optim::AdamOptions().betas({1.0, 0.999})), ValueError);
    CHECK_THROWS_WITH(optim::AdamW({p}, optim::AdamWOptions().betas({0.9, -0.1})),
                      Contains("AdamW") && Contains("betas") && Contains("-0.1"));
    CHECK_THROWS_WITH(optim::Adam({p}, optim::AdamOptions().eps(-1e-8)), Contains("eps"));
    CHECK_THROWS_WITH(optim::AdamW({p}, optim::AdamWOptions().weight_decay(-0.01)), Contains("weight_decay"));
}

// ---- RMSprop ----------------------------------------------------------------------------------

TEST_CASE("RMSprop divides by the root of the running mean square", "[07_optimizers]") {
    Tensor p = scalar_param(1.0f);
    optim::RMSprop opt({p}, optim::RMSpropOptions(0.01).alpha(0.9));
    // s = 0.1 * 4 = 0.4, p = 1 - 0.01 * 2 / (sqrt(0.4) + 1e-8)
    CHECK_THAT(run(opt, p, {2.0f}), WithinAbs(1.0 - 0.01 * 2.0 / std::sqrt(0.4), 1e-6));
}

TEST_CASE("RMSprop centered subtracts the squared mean gradient", "[07_optimizers]") {
    Tensor p = scalar_param(1.0f);
    optim::RMSprop opt({p}, optim::RMSpropOptions(0.01).alpha(0.9).centered(true));
    // s = 0.4, a = 0.2, r = sqrt(0.4 - 0.04)
    CHECK_THAT(run(opt, p, {2.0f}), WithinAbs(1.0 - 0.01 * 2.0 / std::sqrt(0.36), 1e-6));
}

TEST_CASE("RMSprop momentum accumulates the normalised steps from zero", "[07_optimizers]") {
    Tensor p = scalar_param(0.0f);
    optim::RMSprop opt({p}, optim::RMSpropOptions(0.1).alpha(0.0).momentum(0.5));
    // alpha 0: s = g², so d / r = sign(g) = 1 each step; b = 1 then 1.5
    CHECK_THAT(run(opt, p, {3.0f}), WithinAbs(-0.1, 1e-6));
    CHECK_THAT(run(opt, p, {3.0f}), WithinAbs(-0.25, 1e-6));
}

TEST_CASE("RMSprop rejects negative alpha eps momentum and weight decay", "[07_optimizers]") {
    Tensor p = judge::tensor({0.f}, {1}).requires_grad_();
    optim::RMSprop first({p}, optim::RMSpropOptions(0.01).alpha(0.99));
    p.set_grad(judge::tensor({2.f}, {1}));
    first.step();  // v = 0.01·4 = 0.04; p -= 0.01·2/(0.2 + eps) = 0.1
    CHECK_THAT(judge::values(p)[0], WithinAbs(-0.1, 1e-5));
    CHECK_THROWS_WITH(optim::RMSprop({p}, optim::RMSpropOptions().alpha(-0.1)), Contains("alpha"));
    CHECK_THROWS_AS(optim::RMSprop({p}, optim::RMSpropOptions().eps(-1)), ValueError);
    CHECK_THROWS_AS(optim::RMSprop({p}, optim::RMSpropOptions().momentum(-1)), ValueError);
    CHECK_THROWS_AS(optim::RMSprop({p}, optim::RMSpropOptions().weight_decay(-1)), ValueError);
}
