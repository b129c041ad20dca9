// tests/06_autograd/test_no_grad.cpp — NoGradGuard and detach: when nothing is recorded.
#include <stdexcept>

#include "support/catch.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "helpers.hpp"
#include "support/judge.hpp"

using namespace tinytorch;
using namespace autograd_test;

TEST_CASE("inside a NoGradGuard no operation records a node", "[06_autograd]") {
    Tensor x = leaf({2, 3}, 1);
    Tensor y;
    {
        NoGradGuard guard;
        CHECK_FALSE(is_grad_enabled());
        y = (x * 2.0f).matmul(x.t()).sum();
    }
    CHECK(is_grad_enabled());
    CHECK_FALSE(y.requires_grad());
    CHECK(y.grad_fn() == nullptr);
    CHECK_THROWS_AS(y.backward(), ValueError);
    CHECK(judge::allclose(y, (x.detach() * 2.0f).matmul(x.detach().t()).sum()));  // same values
}

TEST_CASE("nested NoGradGuards restore the mode each one found", "[06_autograd]") {
    Tensor x = leaf({2}, 2);
    {
        NoGradGuard outer;
        {
            NoGradGuard inner;
            CHECK_FALSE(autograd::is_grad_enabled());
        }
        CHECK_FALSE(autograd::is_grad_enabled());  // the inner guard did not turn recording back on
        CHECK_FALSE((x * 2.0f).requires_grad());
    }
    CHECK(autograd::is_grad_enabled());
    CHECK((x * 2.0f).requires_grad());
}

TEST_CASE("a NoGradGuard restores recording when an exception leaves its scope", "[06_autograd]") {
    // The guard is student code: catch only this test's own exception type, so a stub's
    // NotImplemented (a std::runtime_error too) fails the test instead of being swallowed.
    struct Boom {};
    bool enabled_inside = true;
    try {
        NoGradGuard guard;
        enabled_inside = is_grad_enabled();
        throw Boom{};
    } catch (const Boom&) {
    }
    CHECK_FALSE(enabled_inside);
    CHECK(is_grad_enabled());
}

TEST_CASE("a guard created while recording is off leaves it off", "[06_autograd]") {
    set_grad_enabled(false);
    { NoGradGuard guard; }
    CHECK_FALSE(is_grad_enabled());
    set_grad_enabled(true);
    CHECK(is_grad_enabled());
}

TEST_CASE("in-place parameter updates under a guard keep the parameter a leaf", "[06_autograd]") {
    Tensor w = Tensor({1.f, 2.f}).requires_grad_();
    (w * w).sum().backward();
    {
        NoGradGuard guard;
        w.add_(w.grad(), -0.25f);
    }
    CHECK(w.is_leaf());
    CHECK(w.requires_grad());
    CHECK(judge::allclose(w, Tensor({0.5f, 1.f})));
}

TEST_CASE("detach cuts the graph so no gradient flows through the detached branch", "[06_autograd]") {
    Tensor x = Tensor({3.f}).requires_grad_();
    Tensor d = x.detach();
    CHECK_FALSE(d.requires_grad());
    CHECK(d.is_leaf());
    CHECK(d.shares_storage_with(x));
    (x * d).sum().backward();  // d is a constant: d(x * 3)/dx = 3, not 2x = 6
    CHECK(judge::equal(x.grad(), Tensor({3.f})));
}

TEST_CASE("a detached tensor made a new leaf gets its own gradient and the original none", "[06_autograd]") {
    Tensor x = Tensor({2.f}).requires_grad_();
    Tensor h = x * 3.0f;
    Tensor n = h.detach().requires_grad_();
    (n * n).sum().backward();
    CHECK(judge::equal(n.grad(), Tensor({12.f})));
    CHECK_FALSE(x.grad().defined());
}
