// tests/02_activations/test_records.cpp — every activation records the node module 06 differentiates
// (docs/architecture.md §3). No backward here: only what is recorded.
#include "support/catch.hpp"
#include "tinytorch/activations/activations.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
/// The node on `out`, checked to name `op` and to point back at `x` as its only input.
const autograd::Node& node_of(const Tensor& out, const Tensor& x, const std::string& op) {
    REQUIRE(out.requires_grad());
    REQUIRE(out.grad_fn() != nullptr);
    const autograd::Node& n = *out.grad_fn();
    CHECK(n.name == op);
    REQUIRE(n.inputs.size() == 1);
    CHECK(n.inputs[0].is_same(x));
    CHECK(n.output_shape == out.shape());
    return n;
}

/// The node saves the output itself, detached (same storage, no grad, no grad_fn: no cycle).
void check_saves_output(const autograd::Node& n, const Tensor& out) {
    REQUIRE(n.saved.size() == 1);
    CHECK(n.saved[0].shares_storage_with(out));
    CHECK(judge::equal(n.saved[0], out));
    CHECK_FALSE(n.saved[0].requires_grad());
    CHECK(n.saved[0].grad_fn() == nullptr);
}
}  // namespace

TEST_CASE("relu sigmoid and tanh record their node with the output saved", "[02_activations]") {
    Tensor x = randn({2, 3}).requires_grad_();
    Tensor r = relu(x), s = sigmoid(x), t = tanh(x);
    const autograd::Node& nr = node_of(r, x, "relu");
    check_saves_output(nr, r);
    CHECK(nr.ints.empty());
    check_saves_output(node_of(s, x, "sigmoid"), s);
    check_saves_output(node_of(t, x, "tanh"), t);
}

TEST_CASE("gelu records its approximation mode as an int and saves nothing", "[02_activations]") {
    Tensor x = randn({4}).requires_grad_();
    Tensor y0 = gelu(x);
    const autograd::Node& exact = node_of(y0, x, "gelu");
    CHECK(exact.ints == std::vector<int64_t>{0});
    CHECK(exact.saved.empty());
    Tensor y = gelu(x, "tanh");
    CHECK(node_of(y, x, "gelu").ints == std::vector<int64_t>{1});
}

TEST_CASE("softmax and log_softmax record the normalised dim and save the output", "[02_activations]") {
    Tensor x = randn({2, 3, 4}).requires_grad_();
    Tensor p = softmax(x, -1);
    const autograd::Node& np = node_of(p, x, "softmax");
    CHECK(np.ints == std::vector<int64_t>{2});
    check_saves_output(np, p);
    Tensor l = log_softmax(x, -3);
    const autograd::Node& nl = node_of(l, x, "log_softmax");
    CHECK(nl.ints == std::vector<int64_t>{0});
    check_saves_output(nl, l);
}

TEST_CASE("the fused softmax records one node where the composed one records several", "[02_activations]") {
    Tensor x = randn({2, 5}).requires_grad_();
    Tensor fused = softmax(x, 1), composed = softmax_naive(x, 1);
    CHECK(fused.grad_fn()->name == "softmax");
    CHECK(composed.grad_fn()->name == "div");  // e / sum(e): the last of several recorded ops
    CHECK(judge::allclose(fused, composed, 1e-6f, 1e-8f));
}

TEST_CASE("activations record nothing when no input requires grad", "[02_activations]") {
    Tensor x = randn({3});
    for (const Tensor& y : {relu(x), sigmoid(x), tanh(x), gelu(x), softmax(x, 0), log_softmax(x, 0)}) {
        CHECK_FALSE(y.requires_grad());
        CHECK(y.grad_fn() == nullptr);
    }
}

TEST_CASE("activations record nothing while grad mode is off", "[02_activations]") {
    Tensor x = randn({3}).requires_grad_();
    autograd::set_grad_enabled(false);
    std::vector<Tensor> ys{relu(x), sigmoid(x), tanh(x), gelu(x, "tanh"), softmax(x, 0), log_softmax(x, 0)};
    autograd::set_grad_enabled(true);
    for (const Tensor& y : ys) CHECK(y.grad_fn() == nullptr);
}
