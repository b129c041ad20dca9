// tests/07_optimizers/test_optimizer.cpp — the Optimizer base: parameters, zero_grad, lr, skipping (lesson §1)
#include "support/catch.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
using namespace tinytorch;

namespace {
Tensor param(std::vector<float> values) {
    Shape shape{static_cast<int64_t>(values.size())};
    return Tensor(std::move(values), shape).requires_grad_();
}
}  // namespace

TEST_CASE("an optimizer keeps handles to the parameters it was given", "[07_optimizers]") {
    nn::Linear fc(3, 2);
    optim::SGD opt(fc.parameters(), 0.1);
    REQUIRE(opt.params().size() == 2);
    CHECK(opt.params()[0].is_same(fc.weight));
    CHECK(opt.params()[1].is_same(fc.bias));
    CHECK(opt.name() == "SGD");
}

TEST_CASE("step updates the model parameters in place", "[07_optimizers]") {
    nn::Linear fc(2, 1);
    fc.weight.copy_(Tensor({{1.f, 2.f}}));
    fc.bias.copy_(Tensor({0.5f}));
    optim::SGD opt(fc.parameters(), 0.5);
    fc.weight.set_grad(Tensor({{1.f, -1.f}}));
    fc.bias.set_grad(Tensor({2.f}));
    opt.step();
    CHECK(allclose(fc.weight, Tensor({{0.5f, 2.5f}})));
    CHECK(allclose(fc.bias, Tensor({-0.5f})));
    CHECK(fc.weight.is_leaf());  // updates are not recorded
}

TEST_CASE("a parameter that does not require grad is rejected naming its index", "[07_optimizers]") {
    std::vector<Tensor> params{param({1.f}), Tensor({1.f, 2.f})};
    CHECK_THROWS_AS(optim::SGD(params, 0.1), ValueError);
    CHECK_THROWS_WITH(optim::Adam(params), Contains("parameter 1") && Contains("[2]") && Contains("requires_grad_"));
}

TEST_CASE("empty undefined duplicated and non leaf parameter lists are rejected", "[07_optimizers]") {
    CHECK_THROWS_WITH(optim::SGD({}, 0.1), Contains("empty"));
    CHECK_THROWS_WITH(optim::SGD({param({1.f}), Tensor()}, 0.1), Contains("parameter 1") && Contains("undefined"));
    Tensor p = param({1.f, 2.f});
    CHECK_THROWS_WITH(optim::SGD({p, p}, 0.1), Contains("parameter 1") && Contains("parameter 0"));
    Tensor computed = p * 2.0f;
    CHECK_THROWS_WITH(optim::RMSprop({computed}), Contains("leaf"));
    Tensor m = Tensor({{1.f, 2.f}, {3.f, 4.f}}).requires_grad_();
    CHECK_THROWS_AS(optim::SGD({m.t()}, 0.1), ValueError);  // a non-contiguous view
}

TEST_CASE("a negative or non finite learning rate is rejected", "[07_optimizers]") {
    CHECK_THROWS_AS(optim::SGD({param({1.f})}, -0.1), ValueError);
    CHECK_THROWS_WITH(optim::Adam({param({1.f})}, optim::AdamOptions(std::nan(""))), Contains("learning rate"));
    optim::SGD opt({param({1.f})}, 0.1);
    CHECK_THROWS_AS(opt.set_lr(-1.0), ValueError);
    CHECK_THROWS_WITH(opt.set_lr(INFINITY), Contains("inf") && Contains("hint"));
}

TEST_CASE("lr and set_lr read and change the learning rate used by step", "[07_optimizers]") {
    Tensor p = param({1.f});
    optim::SGD opt({p}, 0.1);
    CHECK(opt.lr() == 0.1);
    opt.set_lr(0.25);
    CHECK(opt.lr() == 0.25);
    CHECK(opt.options().lr() == 0.25);
    p.set_grad(Tensor({2.f}));
    opt.step();
    CHECK(p.item() == 0.5f);
}

TEST_CASE("zero_grad leaves every gradient undefined", "[07_optimizers]") {
    nn::Sequential net(nn::Linear(2, 3), nn::Linear(3, 1));
    optim::Adam opt(net.parameters());
    for (Tensor& p : net.parameters()) p.set_grad(ones_like(p));
    opt.zero_grad();
    for (const Tensor& p : net.parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("parameters without a gradient are skipped by every optimizer", "[07_optimizers]") {
    auto check = [](optim::Optimizer& opt, Tensor& a, Tensor& b) {
        a.set_grad(ones_like(a));
        opt.step();
        CHECK(equal(b, Tensor({5.f, 6.f})));  // b has no gradient: untouched
        CHECK_FALSE(equal(a, Tensor({1.f, 2.f})));
    };
    {
        Tensor a = param({1.f, 2.f}), b = param({5.f, 6.f});
        optim::SGD opt({a, b}, optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.1));
        check(opt, a, b);
    }
    {
        Tensor a = param({1.f, 2.f}), b = param({5.f, 6.f});
        optim::Adam opt({a, b}, optim::AdamOptions(0.1).weight_decay(0.1));
        check(opt, a, b);
    }
    {
        Tensor a = param({1.f, 2.f}), b = param({5.f, 6.f});
        optim::AdamW opt({a, b}, optim::AdamWOptions(0.1).weight_decay(0.5));  // decay too is skipped
        check(opt, a, b);
    }
    {
        Tensor a = param({1.f, 2.f}), b = param({5.f, 6.f});
        optim::RMSprop opt({a, b}, optim::RMSpropOptions(0.1).momentum(0.5).centered(true));
        check(opt, a, b);
    }
}

TEST_CASE("a non contiguous gradient is read correctly", "[07_optimizers]") {
    Tensor p = Tensor({{0.f, 0.f, 0.f}, {0.f, 0.f, 0.f}}).requires_grad_();
    Tensor g = Tensor({{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}}).t();  // [2, 3], column-major view
    p.set_grad(g);
    optim::SGD opt({p}, 1.0);
    opt.step();
    CHECK(equal(p, Tensor({{-1.f, -3.f, -5.f}, {-2.f, -4.f, -6.f}})));
}

TEST_CASE("a gradient whose shape differs from its parameter is a ShapeError", "[07_optimizers]") {
    Tensor p = param({1.f, 2.f});
    p.mutable_grad() = ones({3});  // bypasses set_grad's own check
    optim::Adam opt({p});
    CHECK_THROWS_AS(opt.step(), ShapeError);
    CHECK_THROWS_WITH(opt.step(), Contains("[2]") && Contains("[3]"));
}

TEST_CASE("state is allocated at the first step and state_bytes counts it", "[07_optimizers]") {
    nn::Linear fc(100, 10);  // 1010 parameters
    auto fill_grads = [&] {
        for (Tensor& p : fc.parameters()) p.set_grad(ones_like(p));
    };
    optim::SGD plain(fc.parameters(), 0.1);
    optim::SGD momentum(fc.parameters(), optim::SGDOptions(0.1).momentum(0.9));
    optim::Adam adam(fc.parameters());
    optim::Adam ams(fc.parameters(), optim::AdamOptions().amsgrad(true));
    optim::RMSprop rms(fc.parameters(), optim::RMSpropOptions().momentum(0.9).centered(true));
    CHECK(adam.state_bytes() == 0);
    fill_grads();
    for (optim::Optimizer* opt : std::vector<optim::Optimizer*>{&plain, &momentum, &adam, &ams, &rms}) opt->step();
    CHECK(plain.state_bytes() == 0);
    CHECK(momentum.state_bytes() == 1010 * 4);
    CHECK(adam.state_bytes() == 2 * 1010 * 4);
    CHECK(ams.state_bytes() == 3 * 1010 * 4);
    CHECK(rms.state_bytes() == 3 * 1010 * 4);
}

TEST_CASE("step records no graph even when grad mode is on", "[07_optimizers]") {
    Tensor p = param({1.f, 2.f});
    p.set_grad(Tensor({1.f, 1.f}));
    optim::Adam opt({p}, 0.1);
    opt.step();
    CHECK(p.is_leaf());
    CHECK(p.requires_grad());
    CHECK(is_grad_enabled());  // the guard inside step() restored the mode
}
