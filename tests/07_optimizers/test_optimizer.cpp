// tests/07_optimizers/test_optimizer.cpp — the Optimizer base: parameters, zero_grad, lr, skipping (lesson §1)
#include "support/catch.hpp"
#include "tinytorch/optimizers/optimizers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
Tensor param(std::vector<float> values) {
    Shape shape{static_cast<int64_t>(values.size())};
    return Tensor(std::move(values), shape).requires_grad_();
}
}  // namespace

// The argument checks and bookkeeping of the Optimizer base are ready-made, but the base reads
// its parameters through module 01 (is_contiguous), so no test of it can run in the untouched
// release: each of these tests also checks one step of the student's optimizer, and is graded.
namespace test_optimizer {
Tensor ready_param(std::vector<float> values) {
    const int64_t n = static_cast<int64_t>(values.size());
    return judge::tensor(values, {n}).requires_grad_();
}
/// One SGD step, lr 0.5, on [1, 2] with gradient [2, -2] gives [0, 3].
void check_one_sgd_step() {
    Tensor p = ready_param({1.f, 2.f});
    optim::SGD opt({p}, 0.5);
    p.set_grad(judge::tensor({2.f, -2.f}, {2}));
    opt.step();
    CHECK(judge::equal(p, judge::tensor({0.f, 3.f}, {2})));
}
}  // namespace test_optimizer

TEST_CASE("an optimizer keeps handles to the parameters it was given", "[07_optimizers]") {
    test_optimizer::check_one_sgd_step();
    Tensor w = test_optimizer::ready_param({1.f, 2.f, 3.f}), b = test_optimizer::ready_param({0.f});
    optim::SGD opt({w, b}, 0.1);
    REQUIRE(opt.params().size() == 2);
    CHECK(opt.params()[0].is_same(w));
    CHECK(opt.params()[1].is_same(b));
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
    CHECK(judge::allclose(fc.weight, Tensor({{0.5f, 2.5f}})));
    CHECK(judge::allclose(fc.bias, Tensor({-0.5f})));
    CHECK(fc.weight.is_leaf());  // updates are not recorded
}

TEST_CASE("a parameter that does not require grad is rejected naming its index", "[07_optimizers]") {
    test_optimizer::check_one_sgd_step();
    std::vector<Tensor> params{test_optimizer::ready_param({1.f}), judge::tensor({1.f, 2.f}, {2})};
    CHECK_THROWS_AS(optim::SGD(params, 0.1), ValueError);
    CHECK_THROWS_WITH(optim::Adam(params), Contains("parameter 1") && Contains("[2]") && Contains("requires_grad_"));
}

TEST_CASE("empty undefined duplicated and non leaf parameter lists are rejected", "[07_optimizers]") {
    test_optimizer::check_one_sgd_step();
    CHECK_THROWS_WITH(optim::SGD({}, 0.1), Contains("empty"));
    CHECK_THROWS_WITH(optim::SGD({test_optimizer::ready_param({1.f}), Tensor()}, 0.1),
                      Contains("parameter 1") && Contains("undefined"));
    Tensor p = test_optimizer::ready_param({1.f, 2.f});
    CHECK_THROWS_WITH(optim::SGD({p, p}, 0.1), Contains("parameter 1") && Contains("parameter 0"));
    Tensor computed = judge::tensor({2.f, 4.f}, {2});  // as an operation leaves its result
    computed.impl()->requires_grad = true;
    computed.impl()->grad_fn = std::make_shared<autograd::Node>();
    CHECK_THROWS_WITH(optim::RMSprop({computed}), Contains("leaf"));
}

TEST_CASE("a non contiguous view is rejected as a parameter while its base steps", "[07_optimizers]") {
    Tensor m = Tensor({{1.f, 2.f}, {3.f, 4.f}}).requires_grad_();
    CHECK_THROWS_AS(optim::SGD({m.t()}, 0.1), ValueError);  // a non-contiguous view
    optim::SGD opt({m}, 0.5);
    m.set_grad(Tensor({{1.f, 0.f}, {0.f, -2.f}}));
    opt.step();
    CHECK(judge::equal(m, judge::tensor({0.5f, 2.f, 3.f, 5.f}, {2, 2})));
}

TEST_CASE("a negative or non finite learning rate is rejected", "[07_optimizers]") {
    test_optimizer::check_one_sgd_step();
    CHECK_THROWS_AS(optim::SGD({test_optimizer::ready_param({1.f})}, -0.1), ValueError);
    CHECK_THROWS_WITH(optim::Adam({test_optimizer::ready_param({1.f})}, optim::AdamOptions(std::nan(""))),
                      Contains("learning rate"));
    optim::SGD opt({test_optimizer::ready_param({1.f})}, 0.1);
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
    test_optimizer::check_one_sgd_step();
    std::vector<Tensor> params{test_optimizer::ready_param({1.f, 2.f}), test_optimizer::ready_param({3.f})};
    optim::Adam opt(params);
    for (Tensor& p : params) p.set_grad(judge::full(p.impl()->shape, 1.f));
    opt.zero_grad();
    for (const Tensor& p : params) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("parameters without a gradient are skipped by every optimizer", "[07_optimizers]") {
    auto check = [](optim::Optimizer& opt, Tensor& a, Tensor& b) {
        a.set_grad(ones_like(a));
        opt.step();
        CHECK(judge::equal(b, Tensor({5.f, 6.f})));  // b has no gradient: untouched
        CHECK_FALSE(judge::equal(a, Tensor({1.f, 2.f})));
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
    CHECK(judge::equal(p, Tensor({{-1.f, -3.f, -5.f}, {-2.f, -4.f, -6.f}})));
}

TEST_CASE("a gradient whose shape differs from its parameter is a ShapeError", "[07_optimizers]") {
    test_optimizer::check_one_sgd_step();
    Tensor p = test_optimizer::ready_param({1.f, 2.f});
    p.mutable_grad() = judge::full({3}, 1.f);  // bypasses set_grad's own check
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
