// tests/06_autograd/test_engine.cpp — the backward engine: chain rule, topological order,
// accumulation, retain_grad, graph lifetime (release, retain_graph, memory), error paths.
#include <memory>

#include "support/catch.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "helpers.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;
using namespace autograd_test;

// ---- the chain rule through a graph ---------------------------------------------------------------

TEST_CASE("the gradient of three x plus one summed is three everywhere", "[06_autograd]") {
    Tensor x = Tensor({1.f, -2.f, 5.f}).requires_grad_();
    (x * 3.0f + 1.0f).sum().backward();
    CHECK(judge::equal(x.grad(), full({3}, 3.0f)));
}

TEST_CASE("a tensor used twice in one op gets both contributions", "[06_autograd]") {
    Tensor x = Tensor({1.f, -2.f, 5.f}).requires_grad_();
    (x * x).sum().backward();
    CHECK(judge::equal(x.grad(), Tensor({2.f, -4.f, 10.f})));
}

TEST_CASE("a residual connection adds the skip gradient to the branch gradient", "[06_autograd]") {
    Tensor x = Tensor({0.5f, -1.f}).requires_grad_();
    Tensor y = (x * x * x) + x;  // dy/dx = 3x^2 + 1
    y.sum().backward();
    CHECK(judge::allclose(x.grad(), Tensor({1.75f, 4.f})));
    CHECK(judge::gradcheck([](const Tensor& t) { return t.exp() * t + t; }, leaf({4}, 1)));
}

TEST_CASE("a deep composite expression passes gradcheck", "[06_autograd]") {
    auto f = [](const Inputs& x) {
        Tensor h = (x[0].matmul(x[1]) + x[2]).pow(2.0f) + 0.5f;
        Tensor s = h.sum(1, true).sqrt();
        return (h / s).log() * x[0].sum(1, true);
    };
    CHECK(judge::gradcheck(f, {leaf({3, 4}, 2), leaf({4, 5}, 3), leaf({5}, 4)}));
}

TEST_CASE("a two layer MLP built from raw tensor ops passes gradcheck for every parameter", "[06_autograd]") {
    // x [6, 4] -> Linear(4, 5) -> relu (as clamp_min) -> Linear(5, 3) -> mean squared error
    Tensor x = leaf({6, 4}, 5).detach(), y = leaf({6, 3}, 6).detach();
    auto mlp_loss = [x, y](const Inputs& p) {
        Tensor h = (x.matmul(p[0]) + p[1]).clamp_min(0.0f);
        Tensor out = h.matmul(p[2]) + p[3];
        return (out - y).pow(2.0f).mean();
    };
    Inputs params{leaf({4, 5}, 7), leaf({5}, 8), leaf({5, 3}, 9), leaf({3}, 10)};
    auto result = judge::gradcheck(mlp_loss, params);
    CHECK(result);
    CHECK(result.max_error < 1e-3);
    // and one step of gradient descent on those gradients lowers the loss
    Tensor before = mlp_loss(params);
    before.backward();
    Inputs stepped;
    for (Tensor& p : params) stepped.push_back(p.detach().sub(p.grad().mul(0.1f)));
    CHECK(mlp_loss(stepped).item() < before.item());
}

TEST_CASE("a leaf that does not require grad gets no gradient", "[06_autograd]") {
    Tensor w = leaf({3}, 11), c = Tensor({1.f, 2.f, 3.f});
    (w * c).sum().backward();
    CHECK_FALSE(c.grad().defined());
    CHECK(judge::equal(w.grad(), c));
}

// The three error tests below check the seed validation that Tensor::backward and run_backward
// do before any student code runs: tests of ready-made code, on tensors built by judge::tensor.
TEST_CASE("backward from a tensor that needs no grad says what to do", "[06_autograd][provided]") {
    Tensor c = judge::tensor({3.f}, {});
    CHECK_THROWS_AS(c.backward(), ValueError);
    CHECK_THROWS_WITH(c.backward(), Contains("does not require grad") && Contains("requires_grad_()"));
}

TEST_CASE("backward on a leaf adds the seed to its own gradient", "[06_autograd]") {
    Tensor x = Tensor({2.f, 3.f}).requires_grad_();
    x.backward(Tensor({1.f, 4.f}));
    CHECK(judge::equal(x.grad(), Tensor({1.f, 4.f})));
}

// ---- seeds and their errors -------------------------------------------------------------------------

TEST_CASE("backward without a gradient on a non-scalar tensor is a ValueError naming the shape", "[06_autograd][provided]") {
    Tensor y = judge::tensor(std::vector<float>(12, 1.f), {4, 3}).requires_grad_();
    CHECK_THROWS_AS(y.backward(), ValueError);
    CHECK_THROWS_WITH(y.backward(), Contains("non-scalar") && Contains("[4, 3]") && Contains("pass a gradient"));
}

TEST_CASE("backward with an explicit gradient computes a vector Jacobian product", "[06_autograd]") {
    Tensor x = Tensor({1.f, 2.f, 3.f}).requires_grad_();
    (x * x).backward(Tensor({1.f, 10.f, 100.f}));
    CHECK(judge::equal(x.grad(), Tensor({2.f, 40.f, 600.f})));
}

TEST_CASE("backward with a gradient of the wrong shape is a ShapeError naming both shapes", "[06_autograd][provided]") {
    Tensor y = judge::tensor(std::vector<float>(6, 1.f), {2, 3}).requires_grad_();
    Tensor g = judge::tensor(std::vector<float>(6, 1.f), {3, 2});
    CHECK_THROWS_AS(y.backward(g), ShapeError);
    CHECK_THROWS_WITH(y.backward(g), Contains("[3, 2]") && Contains("[2, 3]"));
}

TEST_CASE("a one element tensor of any rank can be the root without a gradient", "[06_autograd]") {
    Tensor x = Tensor({3.f}).requires_grad_();
    (x * x).reshape({1, 1}).backward();
    CHECK(judge::equal(x.grad(), Tensor({6.f})));
}

// ---- accumulation and zero_grad ------------------------------------------------------------------------

TEST_CASE("gradients accumulate across two backward calls until zero_grad", "[06_autograd]") {
    Tensor x = Tensor({1.f, 2.f}).requires_grad_();
    (x * 3.0f).sum().backward();
    (x * x).sum().backward();
    CHECK(judge::equal(x.grad(), Tensor({5.f, 7.f})));
    x.zero_grad();
    CHECK_FALSE(x.grad().defined());
    (x * 3.0f).sum().backward();
    CHECK(judge::equal(x.grad(), Tensor({3.f, 3.f})));
}

TEST_CASE("two leaves fed the same gradient do not share gradient storage", "[06_autograd]") {
    Tensor a = zeros({3}).requires_grad_(), b = zeros({3}).requires_grad_();
    (a + b).sum().backward();
    CHECK_FALSE(a.grad().shares_storage_with(b.grad()));
    a.mutable_grad().mul_(5.0f);
    CHECK(judge::equal(b.grad(), ones({3})));
    CHECK(a.grad().is_contiguous());
}

TEST_CASE("retain_grad keeps the gradient of an intermediate tensor", "[06_autograd]") {
    Tensor x = Tensor({1.f, 2.f}).requires_grad_();
    Tensor h = x * 3.0f;
    h.retain_grad();
    Tensor z = h * h;
    z.sum().backward();
    CHECK(judge::equal(h.grad(), Tensor({6.f, 12.f})));
    CHECK(judge::equal(x.grad(), Tensor({18.f, 36.f})));
    CHECK_FALSE(z.grad().defined());  // not retained: intermediates keep no gradient by default
}

// Tensor::requires_grad_'s check is ready-made (module 01's graph.hpp): [provided], on a tensor
// built by judge::tensor with a hand-made node, as an operation would have left it.
TEST_CASE("requires_grad_ on a result of an operation is a ValueError with a hint", "[06_autograd][provided]") {
    Tensor y = judge::tensor({1.f, 2.f}, {2});
    y.impl()->grad_fn = std::make_shared<autograd::Node>();
    y.impl()->grad_fn->name = "mul";
    CHECK_THROWS_AS(y.requires_grad_(), ValueError);
    CHECK_THROWS_WITH(y.requires_grad_(false), Contains("only leaf tensors") && Contains("detach"));
}

// ---- topological order: each node once ----------------------------------------------------------------

TEST_CASE("a graph with two to the twenty paths runs each of its twenty nodes once", "[06_autograd]") {
    // y = y + y twenty times: 2^20 paths from x to y, but only 20 nodes. A per-path
    // recursive backward (the original TinyTorch) would run 2^20 - 1 rules here.
    Tensor x = Tensor({1.f}).requires_grad_();
    Tensor y = x;
    for (int i = 0; i < 20; ++i) y = y + y;
    y.backward();
    CHECK(x.grad().item() == 1048576.0f);
    CHECK(autograd::last_backward_stats().nodes == 20);
    CHECK(autograd::last_backward_stats().rule_calls == 20);
}

TEST_CASE("a node runs only after every consumer has added its gradient", "[06_autograd]") {
    // a feeds b and c; c also feeds d from b: a's rule must see b's and c's contributions summed.
    Tensor x = Tensor({2.f}).requires_grad_();
    Tensor a = x * x;        // 2x dx
    Tensor b = a * 3.0f;
    Tensor c = a + b;        // c = 4a
    Tensor d = c * b;        // d = 4a * 3a = 12 a^2 = 12 x^4 -> dd/dx = 48 x^3 = 384
    d.backward();
    CHECK(judge::allclose(x.grad(), Tensor({384.f})));
    CHECK(autograd::last_backward_stats().rule_calls == 4);  // a, b, c, d: once each
}

TEST_CASE("a chain of twenty thousand nodes back-propagates without recursion on a 256 KB stack", "[06_autograd]") {
    float grad = 0.0f;
    int64_t rule_calls = 0;
    on_small_stack([&] {  // a recursive backward overflows this stack (helpers.hpp)
        Tensor x = Tensor({1.f}).requires_grad_();
        Tensor y = x;
        for (int i = 0; i < 20000; ++i) y = y + x;
        y.backward();
        grad = x.grad().item();
        rule_calls = autograd::last_backward_stats().rule_calls;
    });
    CHECK(grad == 20001.0f);
    CHECK(rule_calls == 20000);
}

TEST_CASE("a retained chain of twenty thousand nodes is freed without overflowing a 256 KB stack", "[06_autograd]") {
    float grad = 0.0f;
    bool alive_while_held = false, freed_after = false;
    on_small_stack([&] {
        Tensor x = Tensor({1.f}).requires_grad_();
        std::weak_ptr<autograd::Node> first;
        {
            Tensor y = x * 1.0f;
            first = y.grad_fn();
            for (int i = 0; i < 20000; ++i) y = y * 1.0f;
            y.backward(Tensor(), true);  // retain_graph: the whole chain stays alive until y goes
            grad = x.grad().item();
            alive_while_held = !first.expired();
        }
        freed_after = first.expired();
    });
    CHECK(grad == 1.0f);
    CHECK(alive_while_held);
    CHECK(freed_after);
}

// ---- graph lifetime --------------------------------------------------------------------------------

TEST_CASE("backward frees the graph so that a second backward says to pass retain_graph", "[06_autograd]") {
    Tensor x = Tensor({1.f, 2.f}).requires_grad_();
    Tensor loss = (x * x).sum();
    loss.backward();
    REQUIRE(loss.grad_fn());
    CHECK(loss.grad_fn()->released);
    CHECK(loss.grad_fn()->inputs.empty());
    CHECK(loss.grad_fn()->saved.empty());
    CHECK_THROWS_AS(loss.backward(), Error);
    CHECK_THROWS_WITH(loss.backward(), Contains("already freed") && Contains("retain_graph=true"));
    CHECK(judge::equal(x.grad(), Tensor({2.f, 4.f})));  // the failed call added nothing
}

TEST_CASE("retain_graph keeps the graph for a second backward that accumulates", "[06_autograd]") {
    Tensor x = Tensor({1.f, 2.f}).requires_grad_();
    Tensor loss = x.exp().sum();
    loss.backward(Tensor(), true);
    CHECK_FALSE(loss.grad_fn()->released);
    loss.backward();
    CHECK(judge::allclose(x.grad(), x.detach().exp().mul(2.0f)));
    CHECK(loss.grad_fn()->released);
}

TEST_CASE("a second loss through a trunk freed by the first loss needs retain_graph", "[06_autograd]") {
    Tensor x = Tensor({1.f, 2.f}).requires_grad_();
    Tensor trunk = x * 2.0f;
    Tensor loss1 = trunk.sum(), loss2 = (trunk * trunk).sum();
    loss1.backward();
    CHECK_THROWS_WITH(loss2.backward(), Contains("'mul_scalar'") && Contains("retain_graph"));

    Tensor z = Tensor({1.f, 2.f}).requires_grad_();
    Tensor t2 = z * 2.0f;
    Tensor l1 = t2.sum(), l2 = (t2 * t2).sum();
    l1.backward(Tensor(), true);
    l2.backward();
    CHECK(judge::equal(z.grad(), Tensor({2.f + 8.f, 2.f + 16.f})));
}

namespace {
int64_t count_alive(const std::vector<std::weak_ptr<autograd::Node>>& nodes) {
    int64_t n = 0;
    for (const auto& w : nodes) n += w.expired() ? 0 : 1;
    return n;
}
int64_t count_alive(const std::vector<std::weak_ptr<Storage>>& buffers) {
    int64_t n = 0;
    for (const auto& w : buffers) n += w.expired() ? 0 : 1;
    return n;
}
}  // namespace

TEST_CASE("a thousand training steps keep no old graph or activation alive", "[06_autograd]") {
    Generator gen(7);
    Tensor x = randn({16, 4}, gen), y = randn({16, 1}, gen);
    Tensor w1 = randn({4, 8}, gen).mul(0.5f).requires_grad_(), b1 = zeros({8}).requires_grad_();
    Tensor w2 = randn({8, 1}, gen).mul(0.5f).requires_grad_(), b2 = zeros({1}).requires_grad_();
    std::vector<std::weak_ptr<autograd::Node>> nodes;
    std::vector<std::weak_ptr<Storage>> activations;
    std::vector<Tensor> losses;  // kept for logging, as users do: must not keep graphs alive
    int64_t max_alive_nodes = 0, max_alive_buffers = 0;
    for (int step = 0; step < 1000; ++step) {
        Tensor h = (x.matmul(w1) + b1).clamp_min(0.0f);
        Tensor out = h.matmul(w2) + b2;
        Tensor loss = (out - y).pow(2.0f).mean();
        nodes.push_back(h.grad_fn());
        nodes.push_back(out.grad_fn());
        activations.push_back(h.storage());
        activations.push_back(out.storage());
        loss.backward();
        REQUIRE(loss.grad_fn()->released);
        REQUIRE(loss.grad_fn()->inputs.empty());
        {
            NoGradGuard no_grad;
            for (Tensor* p : {&w1, &b1, &w2, &b2}) {
                p->add_(p->grad(), -0.05f);
                p->zero_grad();
            }
        }
        losses.push_back(loss);
        max_alive_nodes = std::max(max_alive_nodes, count_alive(nodes));
        max_alive_buffers = std::max(max_alive_buffers, count_alive(activations));
    }
    CHECK(max_alive_nodes <= 2);    // only the current step's, while h and out are in scope
    CHECK(max_alive_buffers <= 2);
    CHECK(count_alive(nodes) == 0);
    CHECK(count_alive(activations) == 0);
    CHECK(losses.back().item() < 0.5f * losses.front().item());  // and it did train
}

TEST_CASE("keeping losses with retain_graph keeps every graph alive which the leak check detects", "[06_autograd]") {
    // The counter-example that shows the test above can fail: retained graphs pile up.
    Tensor w = Tensor({0.5f}).requires_grad_();
    std::vector<std::weak_ptr<autograd::Node>> nodes;
    std::vector<Tensor> losses;
    for (int step = 0; step < 50; ++step) {
        Tensor h = w * 2.0f;
        Tensor loss = (h * h).sum();
        nodes.push_back(h.grad_fn());
        loss.backward(Tensor(), true);
        losses.push_back(loss);
    }
    CHECK(count_alive(nodes) == 50);
    losses.clear();
    CHECK(count_alive(nodes) == 0);
}

// ---- rule contract errors ---------------------------------------------------------------------------

namespace {
std::vector<Tensor> wrong_shape_backward(const autograd::Node&, const Tensor& g) { return {g.sum(0)}; }
std::vector<Tensor> wrong_count_backward(const autograd::Node&, const Tensor& g) { return {g, g}; }
}  // namespace

TEST_CASE("a rule returning a gradient of the wrong shape is an error naming the op and both shapes", "[06_autograd]") {
    autograd::register_rule("test_wrong_shape", &wrong_shape_backward);
    Tensor x = leaf({3, 2}, 15);
    Tensor y = x.detach().clone();
    autograd::record(y, "test_wrong_shape", {x});
    CHECK_THROWS_AS(y.sum().backward(), ShapeError);
    Tensor y2 = x.detach().clone();
    autograd::record(y2, "test_wrong_shape", {x});
    CHECK_THROWS_WITH(y2.sum().backward(),
                      Contains("test_wrong_shape") && Contains("[2]") && Contains("[3, 2]") && Contains("sum_to"));
}

TEST_CASE("a rule returning the wrong number of gradients is an error naming the op", "[06_autograd]") {
    autograd::register_rule("test_wrong_count", &wrong_count_backward);
    Tensor x = leaf({2}, 16);
    Tensor y = x.detach().clone();
    autograd::record(y, "test_wrong_count", {x});
    CHECK_THROWS_WITH(y.sum().backward(), Contains("test_wrong_count") && Contains("2 gradients for 1 inputs"));
}

TEST_CASE("an op without a registered rule fails before any gradient is written", "[06_autograd]") {
    Tensor x = leaf({2}, 17);
    Tensor y = x.detach().clone();
    autograd::record(y, "test_no_such_rule", {x});
    Tensor loss = (y + x).sum();
    CHECK_THROWS_WITH(loss.backward(), Contains("no backward rule") && Contains("test_no_such_rule"));
    CHECK_FALSE(x.grad().defined());
}

TEST_CASE("rules run with grad mode off and backward restores it", "[06_autograd]") {
    Tensor x = leaf({3}, 18);
    (x * x).sum().backward();
    CHECK(is_grad_enabled());
    CHECK_FALSE(x.grad().requires_grad());
    CHECK(x.grad().grad_fn() == nullptr);
}

// ---- the contract with modules 01-05 ----------------------------------------------------------------

TEST_CASE("including autograd installs the engine and a rule for every op of the table", "[06_autograd][provided]") {
    CHECK(autograd::engine_hook() == &autograd::run_backward);
    // docs/architecture.md section 3, in the table's order
    for (const char* op : {"add", "sub", "mul", "div", "maximum", "minimum", "add_scalar", "mul_scalar", "neg", "abs",
                           "log", "exp", "sqrt", "pow", "clamp", "masked_fill", "where", "matmul", "reshape",
                           "permute", "expand", "select", "slice", "index_select", "clone", "cat", "sum", "max",
                           "min", "relu", "sigmoid", "tanh", "gelu", "softmax", "log_softmax", "cross_entropy",
                           "nll_loss", "bce_with_logits"}) {
        INFO("op " << op);
        CHECK(autograd::rule_registry().count(op) == 1);
    }
}
