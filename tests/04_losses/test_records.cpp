// tests/04_losses/test_records.cpp — the fused losses record the node module 06 differentiates
// (docs/architecture.md §3); MSE and BCE are ordinary tensor ops. No backward here.
#include "support/catch.hpp"
#include "tinytorch/losses/losses.hpp"
#include "support/judge.hpp"
using namespace tinytorch;
namespace F = tinytorch::nn::functional;
using nn::Reduction;

namespace {
const Reduction kRecordReductions[] = {Reduction::None, Reduction::Mean, Reduction::Sum};

/// The node on `loss`, checked to be `op` with `x` as its first (by default only) input.
const autograd::Node& node_of(const Tensor& loss, const Tensor& x, const std::string& op, size_t inputs = 1) {
    REQUIRE(loss.grad_fn() != nullptr);
    const autograd::Node& n = *loss.grad_fn();
    CHECK(n.name == op);
    REQUIRE(n.inputs.size() == inputs);
    CHECK(n.inputs[0].is_same(x));
    CHECK(n.output_shape == loss.shape());
    return n;
}
}  // namespace

TEST_CASE("cross_entropy records one node with the targets and the softmax saved", "[04_losses]") {
    Tensor logits = (randn({4, 3}) * 2.f).requires_grad_();
    Tensor t = Tensor({2.f, 0.f, 1.f, 1.f});
    for (Reduction r : kRecordReductions)
        for (double eps : {0.0, 0.1}) {
            INFO("reduction " << nn::reduction_name(r) << " label_smoothing " << eps);
            Tensor loss = F::cross_entropy(logits, t, r, eps);
            CHECK(loss.requires_grad());
            const autograd::Node& n = node_of(loss, logits, "cross_entropy");
            REQUIRE(n.saved.size() == 3);
            CHECK(judge::equal(n.saved[0], t));
            CHECK(n.saved[1].shape() == Shape{4, 3});
            CHECK(judge::allclose(n.saved[1], softmax(logits, 1), 1e-6f, 1e-8f));
            CHECK_FALSE(n.saved[1].requires_grad());
            CHECK_FALSE(n.saved[2].defined());  // no class weights
            CHECK(n.ints == std::vector<int64_t>{nn::reduction_code(r), -100});  // reduction, ignore_index
            CHECK(n.scalars == std::vector<double>{eps, 4.0});                   // ε, the mean's denominator
        }
}

TEST_CASE("nn CrossEntropyLoss records the same node as the functional form", "[04_losses]") {
    Tensor logits = randn({2, 5}).requires_grad_();
    Tensor loss = nn::CrossEntropyLoss(Reduction::Sum, 0.3)(logits, Tensor({4.f, 0.f}));
    const autograd::Node& n = node_of(loss, logits, "cross_entropy");
    CHECK(n.ints == std::vector<int64_t>{2, -100});
    CHECK(n.scalars == std::vector<double>{0.3, 2.0});
}

TEST_CASE("cross_entropy records its class weights ignore_index and the weighted denominator", "[04_losses]") {
    Tensor logits = randn({3, 4}).requires_grad_();
    Tensor w({1.f, 2.f, 0.5f, 4.f});
    Tensor loss = F::cross_entropy(logits, Tensor({1.f, 3.f, 0.f}),
                                   nn::CrossEntropyLossOptions().weight(w).ignore_index(0).reduction(kMean));
    const autograd::Node& n = node_of(loss, logits, "cross_entropy");
    REQUIRE(n.saved.size() == 3);
    CHECK(judge::equal(n.saved[2], w));
    CHECK(n.ints == std::vector<int64_t>{1, 0});
    CHECK(n.scalars == std::vector<double>{0.0, 6.0});  // w[1] + w[3]; the ignored sample counts 0
}

TEST_CASE("nll_loss records its node with the targets saved", "[04_losses]") {
    Tensor lp = log_softmax(randn({3, 4}), 1).requires_grad_();
    Tensor t = Tensor({3.f, 0.f, 1.f});
    for (Reduction r : kRecordReductions) {
        Tensor loss = F::nll_loss(lp, t, r);
        const autograd::Node& n = node_of(loss, lp, "nll_loss");
        REQUIRE(n.saved.size() == 2);
        CHECK(judge::equal(n.saved[0], t));
        CHECK_FALSE(n.saved[1].defined());  // no class weights
        CHECK(n.ints == std::vector<int64_t>{nn::reduction_code(r), -100});
        CHECK(n.scalars == std::vector<double>{3.0});
    }
}

TEST_CASE("bce_with_logits records input and target as inputs and its weights as saved", "[04_losses]") {
    Tensor x = randn({2, 3}).requires_grad_();
    Tensor t = rand({2, 3});
    for (Reduction r : kRecordReductions) {
        Tensor loss = F::binary_cross_entropy_with_logits(x, t, r);
        const autograd::Node& n = node_of(loss, x, "bce_with_logits", 2);
        CHECK(n.inputs[1].is_same(t));
        REQUIRE(n.saved.size() == 2);
        CHECK_FALSE(n.saved[0].defined());
        CHECK_FALSE(n.saved[1].defined());
        CHECK(n.ints == std::vector<int64_t>{nn::reduction_code(r)});
    }
    Tensor pw({1.f, 2.f, 3.f});
    Tensor loss = F::binary_cross_entropy_with_logits(x, t, nn::BCEWithLogitsLossOptions().pos_weight(pw));
    const autograd::Node& n = node_of(loss, x, "bce_with_logits", 2);
    CHECK(n.saved[1].shape() == Shape{2, 3});  // pos_weight broadcast to the input
    CHECK(n.saved[1].to_vector() == std::vector<float>{1, 2, 3, 1, 2, 3});
}

TEST_CASE("the class loss through log_softmax records log_softmax then nll_loss", "[04_losses]") {
    Tensor logits = randn({3, 4}).requires_grad_();
    Tensor loss = nn::NLLLoss()(nn::LogSoftmax(1)(logits), Tensor({0.f, 1.f, 3.f}));
    REQUIRE(loss.grad_fn() != nullptr);
    CHECK(loss.grad_fn()->name == "nll_loss");
    CHECK(loss.grad_fn()->inputs[0].grad_fn()->name == "log_softmax");
    CHECK(loss.grad_fn()->inputs[0].grad_fn()->inputs[0].is_same(logits));
}

TEST_CASE("mse and bce are recorded as ordinary tensor ops", "[04_losses]") {
    Tensor p = rand({4}).requires_grad_();
    Tensor t = rand({4});
    for (const Tensor& loss : {F::mse_loss(p, t), F::binary_cross_entropy(p, t), F::mse_loss(p, t, Reduction::Sum)}) {
        REQUIRE(loss.grad_fn() != nullptr);
        const std::string& name = loss.grad_fn()->name;
        CHECK(name != "mse_loss");
        CHECK(name != "bce_loss");
        CHECK((name == "mul_scalar" || name == "sum"));
    }
    CHECK(F::mse_loss(p, t, Reduction::None).grad_fn()->name == "pow");
}

TEST_CASE("losses record nothing when the input does not require grad", "[04_losses]") {
    Tensor x = rand({3, 2}), t = Tensor({1.f, 0.f, 1.f});
    for (const Tensor& loss : {F::cross_entropy(x, t), F::nll_loss(x, t), F::mse_loss(x, x),
                               F::binary_cross_entropy(x, x), F::binary_cross_entropy_with_logits(x, x)}) {
        CHECK_FALSE(loss.requires_grad());
        CHECK(loss.grad_fn() == nullptr);
    }
}

TEST_CASE("losses record nothing while grad mode is off", "[04_losses]") {
    Tensor x = rand({3, 2}).requires_grad_();
    Tensor t = Tensor({1.f, 0.f, 1.f});
    autograd::set_grad_enabled(false);
    std::vector<Tensor> losses{F::cross_entropy(x, t), F::nll_loss(x, t), F::binary_cross_entropy_with_logits(x, x.detach())};
    autograd::set_grad_enabled(true);
    for (const Tensor& loss : losses) CHECK(loss.grad_fn() == nullptr);
}
