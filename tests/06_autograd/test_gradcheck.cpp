// tests/06_autograd/test_gradcheck.cpp — the finite-difference checker itself: it must pass
// correct rules, catch wrong ones and say where. These tests call the student's
// autograd::gradcheck by name (it is what they test); every other suite checks gradients with the
// instructor's judge::gradcheck (tests/support/judge_gradcheck.hpp), which is tested here too.
// judge-lint: tests the students' own helpers
#include "support/catch.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "helpers.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;
using namespace autograd_test;

namespace {
// "test_square": out = x², with a deliberately wrong rule (g·x instead of 2·g·x).
std::vector<Tensor> wrong_square_backward(const autograd::Node& node, const Tensor& g) {
    return {g.mul(node.inputs[0])};
}
Tensor wrong_square(const Tensor& x) {
    Tensor out;
    {
        NoGradGuard guard;
        out = x * x;
    }
    autograd::register_rule("test_square", &wrong_square_backward);
    if (autograd::wants_grad(x)) autograd::record(out, "test_square", {x});
    return out;
}
// "test_sym": softmax-like op whose wrong rule returns zeros — invisible to a loss of plain sums.
std::vector<Tensor> zero_backward(const autograd::Node& node, const Tensor&) {
    return {zeros(node.inputs[0].shape())};
}
Tensor normalise_rows(const Tensor& x) {  // x / rowsum(x): rows sum to 1 whatever x is
    Tensor out;
    {
        NoGradGuard guard;
        out = x / x.sum(1, true);
    }
    autograd::register_rule("test_sym", &zero_backward);
    if (autograd::wants_grad(x)) autograd::record(out, "test_sym", {x});
    return out;
}
// "test_cheat_square": the wrong rule of test_square (g·x) with a forward that reads what backward
// leaves behind — x² normally, x²/2 once its input holds a gradient — so that finite differences
// taken after backward, on the same leaves, agree with the wrong rule. The numeric side must not
// see that state: it runs first, on copies that never require grad.
Tensor cheat_square(const Tensor& x) {
    Tensor out;
    {
        NoGradGuard guard;
        out = x.grad().defined() ? x * x * 0.5f : x * x;
    }
    autograd::register_rule("test_cheat_square", &wrong_square_backward);
    if (autograd::wants_grad(x)) autograd::record(out, "test_cheat_square", {x});
    return out;
}
}  // namespace

TEST_CASE("gradcheck passes a correct gradient and reports a small error", "[06_autograd]") {
    auto r = autograd::gradcheck([](const Inputs& x) { return x[0] * x[1].exp(); }, {leaf({3, 2}, 1), leaf({2}, 2)});
    CHECK(r.ok);
    CHECK(static_cast<bool>(r));
    CHECK(r.max_error < 1e-3);
    CHECK_THAT(r.message, Contains("passed") && Contains("'mul'"));
}

TEST_CASE("gradcheck catches a wrong rule and names the op the element and both values", "[06_autograd]") {
    Tensor x = Tensor({{1.f, 2.f}, {3.f, 4.f}}).requires_grad_();
    auto r = autograd::gradcheck([](const Tensor& t) { return wrong_square(t); }, x);
    CHECK_FALSE(r.ok);
    CHECK(r.max_error > 1.0);
    // the worst element is [1, 1]: analytic w·4 vs numeric w·8
    CHECK_THAT(r.message, Contains("failed") && Contains("'test_square'") && Contains("element [1, 1]") &&
                              Contains("analytic") && Contains("numeric") && Contains("4 of 4"));
}

TEST_CASE("gradcheck weights the outputs randomly so a rule cannot hide behind a symmetric loss", "[06_autograd]") {
    // The rule says 0; with the loss sum(out) the true gradient is also 0 (rows sum to 1),
    // so only a randomly weighted sum exposes it.
    Tensor x = leaf({2, 3}, 3, 0.5f, 2.0f);
    auto r = autograd::gradcheck([](const Tensor& t) { return normalise_rows(t); }, x);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.message, Contains("'test_sym'"));
}

TEST_CASE("gradcheck checks only the inputs that require grad and leaves the inputs untouched", "[06_autograd]") {
    Tensor a = leaf({2, 2}, 4), c = Tensor({{1.f, 2.f}, {3.f, 4.f}});
    std::vector<float> before = a.to_vector();
    auto r = autograd::gradcheck([](const Inputs& x) { return x[0].matmul(x[1]); }, {a, c});
    CHECK(r.ok);
    CHECK_THAT(r.message, Contains("4 elements"));
    CHECK(a.to_vector() == before);
    CHECK_FALSE(a.grad().defined());
}

// The next three check gradcheck's ready-made argument and graph checks, which run before the
// student's numerical_gradient: [provided], on tensors built by judge::tensor.
TEST_CASE("gradcheck with no input requiring grad is a ValueError with a hint", "[06_autograd][provided]") {
    auto f = [](const Tensor& t) { return t; };
    CHECK_THROWS_AS(autograd::gradcheck(f, judge::tensor({1.f}, {1})), ValueError);
    CHECK_THROWS_WITH(autograd::gradcheck(f, judge::tensor({1.f}, {1})), Contains("none of the 1 inputs requires grad") &&
                                                       Contains("requires_grad_()"));
}

TEST_CASE("gradcheck with a non-positive step is a ValueError", "[06_autograd][provided]") {
    auto f = [](const Tensor& t) { return t; };
    CHECK_THROWS_WITH(autograd::gradcheck(f, judge::tensor({1.f}, {1}).requires_grad_(), 0.0),
                      Contains("eps must be positive"));
}

TEST_CASE("gradcheck fails with a clear message when the output has no graph", "[06_autograd][provided]") {
    auto r = autograd::gradcheck([](const Tensor& t) { return t.detach(); }, judge::tensor({1.f, 2.f}, {2}).requires_grad_());
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.message, Contains("does not require grad"));
}

TEST_CASE("gradcheck reports an input that no gradient reached", "[06_autograd]") {
    auto r = autograd::gradcheck([](const Inputs& x) { return x[0] * 2.0f + x[1].detach(); }, {leaf({2}, 7), leaf({2}, 8)});
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.message, Contains("input 1") && Contains("no gradient reached this input"));
}

TEST_CASE("gradcheck takes its finite differences before backward so leftover gradients cannot fool it", "[06_autograd]") {
    Tensor x = Tensor({{1.f, 2.f}, {3.f, 4.f}}).requires_grad_();
    auto r = autograd::gradcheck([](const Tensor& t) { return cheat_square(t); }, x);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.message, Contains("'test_cheat_square'") && Contains("4 of 4"));
}

TEST_CASE("judge gradcheck passes correct rules and reports the op", "[06_autograd]") {
    auto r = judge::gradcheck([](const Inputs& x) { return x[0] * x[1].exp(); }, {leaf({3, 2}, 1), leaf({2}, 2)});
    CHECK(r.ok);
    CHECK(r.max_error < 1e-3);
    CHECK_THAT(r.message, Contains("passed") && Contains("'mul'") && Contains("8 elements"));
}

TEST_CASE("judge gradcheck catches wrong rules including one hidden by a symmetric loss", "[06_autograd]") {
    Tensor x = Tensor({{1.f, 2.f}, {3.f, 4.f}}).requires_grad_();
    auto r = judge::gradcheck([](const Tensor& t) { return wrong_square(t); }, x);
    CHECK_FALSE(r.ok);
    CHECK(r.max_error > 0.5);  // analytic w·x against numeric 2·w·x
    CHECK_THAT(r.message, Contains("'test_square'") && Contains("element [") && Contains("4 of 4"));
    CHECK_FALSE(judge::gradcheck([](const Tensor& t) { return normalise_rows(t); }, leaf({2, 3}, 3, 0.5f, 2.0f)));
}

TEST_CASE("judge gradcheck is not fooled by a forward that reads leftover gradients", "[06_autograd]") {
    Tensor x = Tensor({{1.f, 2.f}, {3.f, 4.f}}).requires_grad_();
    auto r = judge::gradcheck([](const Tensor& t) { return cheat_square(t); }, x);
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.message, Contains("'test_cheat_square'") && Contains("4 of 4"));
}

TEST_CASE("judge gradcheck checks only inputs that require grad and reports missing gradients", "[06_autograd]") {
    Tensor a = leaf({2, 2}, 4), c = Tensor({{1.f, 2.f}, {3.f, 4.f}});
    auto r = judge::gradcheck([](const Inputs& x) { return x[0].matmul(x[1]); }, {a, c});
    CHECK(r.ok);
    CHECK_THAT(r.message, Contains("4 elements"));
    CHECK_FALSE(a.grad().defined());
    auto missing = judge::gradcheck([](const Inputs& x) { return x[0] * 2.0f + x[1].detach(); }, {leaf({2}, 7), leaf({2}, 8)});
    CHECK_FALSE(missing.ok);
    CHECK_THAT(missing.message, Contains("input 1") && Contains("no gradient reached this input"));
}
