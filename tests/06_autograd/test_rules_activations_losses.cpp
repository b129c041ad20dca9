// tests/06_autograd/test_rules_activations_losses.cpp — the rules of the ops modules 02
// (activations) and 04 (losses) record, checked through their real forward functions.
#include "support/catch.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/losses/losses.hpp"
#include "helpers.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;
using namespace autograd_test;
namespace F = tinytorch::nn::functional;
using tinytorch::nn::Reduction;

// ---- activations ------------------------------------------------------------------------------------

TEST_CASE("relu gradients pass gradcheck away from zero and are one or zero", "[06_autograd]") {
    CHECK(judge::gradcheck([](const Tensor& x) { return relu(x); }, leaf_away_from_zero({3, 4}, 1)));
    Tensor x = Tensor({-1.f, 0.f, 2.f}).requires_grad_();
    relu(x).sum().backward();
    CHECK(judge::equal(x.grad(), Tensor({0.f, 0.f, 1.f})));
}

TEST_CASE("sigmoid gradients pass gradcheck and peak at one quarter", "[06_autograd]") {
    CHECK(judge::gradcheck([](const Tensor& x) { return sigmoid(x); }, leaf({3, 4}, 2, -4.0f, 4.0f)));
    Tensor x = Tensor({0.f}).requires_grad_();
    sigmoid(x).sum().backward();
    CHECK(judge::allclose(x.grad(), Tensor({0.25f})));
}

TEST_CASE("tanh gradients pass gradcheck and equal one minus tanh squared", "[06_autograd]") {
    CHECK(judge::gradcheck([](const Tensor& x) { return tinytorch::tanh(x); }, leaf({3, 4}, 3, -3.0f, 3.0f)));
    Tensor x = Tensor({0.f, 1.f}).requires_grad_();
    tinytorch::tanh(x).sum().backward();
    const float t = std::tanh(1.0f);
    CHECK(judge::allclose(x.grad(), Tensor({1.f, 1.f - t * t})));
}

TEST_CASE("gelu gradients pass gradcheck for the exact erf form", "[06_autograd]") {
    CHECK(judge::gradcheck([](const Tensor& x) { return gelu(x, "none"); }, leaf({3, 5}, 4, -3.0f, 3.0f)));
    Tensor x = Tensor({0.f}).requires_grad_();
    gelu(x).sum().backward();
    CHECK(judge::allclose(x.grad(), Tensor({0.5f})));  // Φ(0) + 0·φ(0)
}

TEST_CASE("gelu gradients pass gradcheck for the tanh approximation", "[06_autograd]") {
    CHECK(judge::gradcheck([](const Tensor& x) { return gelu(x, "tanh"); }, leaf({3, 5}, 5, -3.0f, 3.0f)));
}

TEST_CASE("the two gelu forms have different derivatives and each rule matches its own form", "[06_autograd]") {
    Tensor a = Tensor({1.5f}).requires_grad_(), b = Tensor({1.5f}).requires_grad_();
    gelu(a, "none").sum().backward();
    gelu(b, "tanh").sum().backward();
    // d/dx x·Φ(x) at 1.5 = Φ(1.5) + 1.5·φ(1.5) = 0.9331928 + 1.5·0.1295176 = 1.1274692
    CHECK_THAT(a.grad().item(), WithinAbs(1.1274692, 1e-5));
    CHECK(a.grad().item() != b.grad().item());
    CHECK_THAT(b.grad().item(), WithinAbs(1.1274692, 2e-3));  // the approximation is close, not equal
}

TEST_CASE("softmax gradients pass gradcheck along every dim", "[06_autograd]") {
    for (int64_t d : {0, 1, -1}) {
        INFO("dim " << d);
        CHECK(judge::gradcheck([d](const Tensor& x) { return softmax(x, d); }, leaf({3, 4}, 6, -2.0f, 2.0f)));
    }
    CHECK(judge::gradcheck([](const Tensor& x) { return softmax(x, 1); }, leaf({2, 3, 4}, 7, -2.0f, 2.0f)));
}

TEST_CASE("softmax rows summed give a zero gradient", "[06_autograd]") {
    Tensor x = leaf({2, 3}, 8);
    softmax(x, 1).sum().backward();  // each row sums to 1 whatever x is
    CHECK(judge::allclose(x.grad(), zeros({2, 3}), 0.0f, 1e-6f));
}

TEST_CASE("log_softmax gradients pass gradcheck along every dim", "[06_autograd]") {
    for (int64_t d : {0, 1, -1}) {
        INFO("dim " << d);
        CHECK(judge::gradcheck([d](const Tensor& x) { return log_softmax(x, d); }, leaf({3, 4}, 9, -2.0f, 2.0f)));
    }
    CHECK(judge::gradcheck([](const Tensor& x) { return log_softmax(x, 0); }, leaf({3, 2, 2}, 10, -2.0f, 2.0f)));
}

TEST_CASE("activations chained into a small network pass gradcheck", "[06_autograd]") {
    auto f = [](const Inputs& p) {
        return log_softmax(gelu(p[0].matmul(p[1]), "tanh").matmul(p[2]), 1) * sigmoid(p[0]).sum(1, true);
    };
    CHECK(judge::gradcheck(f, {leaf({3, 4}, 11), leaf({4, 5}, 12), leaf({5, 2}, 13)}));
}

// ---- losses -----------------------------------------------------------------------------------------------

namespace {
// a function, not a global: a global Tensor is built before main, and in a student release its stub would throw there
Tensor targets() { return Tensor({2.f, 0.f, 3.f, 2.f, 1.f}); }
}  // namespace

TEST_CASE("cross_entropy gradients pass gradcheck for every reduction", "[06_autograd]") {
    for (Reduction r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
        INFO("reduction " << nn::reduction_name(r));
        CHECK(judge::gradcheck([r](const Tensor& x) { return F::cross_entropy(x, targets(), r); }, leaf({5, 4}, 14, -2.f, 2.f)));
    }
}

TEST_CASE("cross_entropy gradients pass gradcheck with label smoothing", "[06_autograd]") {
    for (Reduction r : {Reduction::Mean, Reduction::None}) {
        INFO("reduction " << nn::reduction_name(r));
        CHECK(judge::gradcheck([r](const Tensor& x) { return F::cross_entropy(x, targets(), r, 0.2); }, leaf({5, 4}, 15, -2.f, 2.f)));
    }
}

TEST_CASE("the fused cross_entropy gradient equals probabilities minus one hot over N", "[06_autograd]") {
    Tensor x = zeros({2, 4}).requires_grad_();  // uniform probabilities 1/4
    F::cross_entropy(x, Tensor({1.f, 3.f})).backward();
    CHECK(judge::allclose(x.grad(), Tensor({{0.125f, -0.375f, 0.125f, 0.125f}, {0.125f, 0.125f, 0.125f, -0.375f}})));
}

TEST_CASE("the fused cross_entropy gradient equals the gradient through log_softmax and nll_loss", "[06_autograd]") {
    Tensor a = leaf({5, 4}, 16, -3.f, 3.f), b = a.detach().clone().requires_grad_();
    F::cross_entropy(a, targets(), Reduction::Mean, 0.1).backward();
    F::cross_entropy_naive(b, targets(), Reduction::Mean, 0.1).backward();
    CHECK(judge::allclose(a.grad(), b.grad(), 1e-4f, 1e-6f));
}

TEST_CASE("nll_loss gradients pass gradcheck for every reduction", "[06_autograd]") {
    for (Reduction r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
        INFO("reduction " << nn::reduction_name(r));
        CHECK(judge::gradcheck([r](const Tensor& x) { return F::nll_loss(x, targets(), r); }, leaf({5, 4}, 17)));
    }
    Tensor lp = zeros({2, 3}).requires_grad_();
    F::nll_loss(lp, Tensor({2.f, 0.f}), Reduction::Sum).backward();
    CHECK(judge::equal(lp.grad(), Tensor({{0.f, 0.f, -1.f}, {-1.f, 0.f, 0.f}})));
}

TEST_CASE("bce_with_logits gradients pass gradcheck for every reduction", "[06_autograd]") {
    Tensor t = Tensor({{1.f, 0.f, 0.3f}, {0.f, 1.f, 0.8f}});
    for (Reduction r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
        INFO("reduction " << nn::reduction_name(r));
        CHECK(judge::gradcheck([r, t](const Tensor& x) { return F::binary_cross_entropy_with_logits(x, t, r); },
                        leaf({2, 3}, 18, -3.f, 3.f)));
    }
}

TEST_CASE("the bce_with_logits gradient is sigmoid minus target over the element count", "[06_autograd]") {
    Tensor x = Tensor({0.f, 0.f}).requires_grad_();
    F::binary_cross_entropy_with_logits(x, Tensor({1.f, 0.f})).backward();
    CHECK(judge::allclose(x.grad(), Tensor({-0.25f, 0.25f})));
}

TEST_CASE("mse and bce losses built from primitives pass gradcheck", "[06_autograd]") {
    Tensor y = leaf({4, 2}, 19).detach();
    CHECK(judge::gradcheck([y](const Tensor& x) { return F::mse_loss(x, y); }, leaf({4, 2}, 20)));
    Tensor t = Tensor({1.f, 0.f, 1.f});
    CHECK(judge::gradcheck([t](const Tensor& x) { return F::binary_cross_entropy(sigmoid(x), t); }, leaf({3}, 21)));
}

TEST_CASE("a softmax classifier trained by its gradients lowers its cross_entropy loss", "[06_autograd]") {
    Generator gen(3);
    Tensor x = randn({20, 3}, gen);
    Tensor target = x.argmax(1);  // learnable: the class is the largest feature
    Tensor w = zeros({3, 3}).requires_grad_();
    float first = 0.0f, last = 0.0f;
    for (int step = 0; step < 100; ++step) {
        Tensor loss = F::cross_entropy(x.matmul(w), target);
        loss.backward();
        if (step == 0) first = loss.item();
        last = loss.item();
        NoGradGuard no_grad;
        w.add_(w.grad(), -0.5f);
        w.zero_grad();
    }
    CHECK_THAT(first, WithinAbs(std::log(3.0), 1e-5));
    CHECK(last < 0.5f * first);
}

TEST_CASE("weighted cross_entropy with ignored samples passes gradcheck", "[06_autograd]") {
    const Tensor w({0.5f, 2.f, 1.f, 3.f});
    const Tensor t({0.f, 3.f, 1.f, 1.f, 2.f});
    for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum})
        for (double eps : {0.0, 0.3}) {
            INFO("reduction " << nn::reduction_name(r) << " label_smoothing " << eps);
            auto opts = nn::CrossEntropyLossOptions().weight(w).ignore_index(1).reduction(r).label_smoothing(eps);
            CHECK(judge::gradcheck([opts, t](const Tensor& x) { return F::cross_entropy(x, t, opts); },
                            leaf({5, 4}, 90, -2.f, 2.f)));
            CHECK(judge::gradcheck([opts, t](const Tensor& x) { return F::cross_entropy_naive(x, t, opts); },
                            leaf({5, 4}, 91, -2.f, 2.f)));
        }
}

TEST_CASE("an ignored sample gets no gradient from cross_entropy or nll_loss", "[06_autograd]") {
    Tensor x = leaf({3, 2}, 92);
    F::cross_entropy(x, Tensor({1.f, -100.f, 0.f})).backward();
    CHECK(x.grad()[1].to_vector() == std::vector<float>{0.f, 0.f});
    Tensor y = leaf({3, 2}, 93);
    F::nll_loss(y, Tensor({1.f, 0.f, 0.f}), nn::NLLLossOptions().ignore_index(0).weight(Tensor({1.f, 4.f})))
        .backward();
    // only sample 0 counts: mean over its weight 4, so d/dy[0, 1] = -4 / 4
    CHECK(y.grad().to_vector() == std::vector<float>{0.f, -1.f, 0.f, 0.f, 0.f, 0.f});
}

TEST_CASE("weighted nll_loss passes gradcheck", "[06_autograd]") {
    const Tensor w({0.5f, 2.f, 1.f, 3.f});
    for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
        auto opts = nn::NLLLossOptions().weight(w).ignore_index(3).reduction(r);
        CHECK(judge::gradcheck([opts](const Tensor& x) { return F::nll_loss(x, targets(), opts); }, leaf({5, 4}, 94)));
    }
}

TEST_CASE("bce_with_logits gives a target that requires grad its gradient and passes gradcheck", "[06_autograd]") {
    const Tensor pw({1.f, 3.f, 0.5f}), w({2.f, 1.f, 0.5f});
    for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
        INFO("reduction " << nn::reduction_name(r));
        CHECK(judge::gradcheck([r](const Inputs& v) { return F::binary_cross_entropy_with_logits(v[0], v[1], r); },
                        {leaf({2, 3}, 95, -3.f, 3.f), leaf({2, 3}, 96, 0.2f, 0.8f)}));
        auto opts = nn::BCEWithLogitsLossOptions().pos_weight(pw).weight(w).reduction(r);
        CHECK(judge::gradcheck([opts](const Inputs& v) { return F::binary_cross_entropy_with_logits(v[0], v[1], opts); },
                        {leaf({2, 3}, 97, -3.f, 3.f), leaf({2, 3}, 98, 0.2f, 0.8f)}));
    }
    // PyTorch: d/dt of the mean loss is -x / N
    Tensor x = Tensor({0.5f, -2.f}), t = Tensor({0.3f, 0.6f}).requires_grad_();
    F::binary_cross_entropy_with_logits(x, t).backward();
    CHECK(judge::allclose(t.grad(), Tensor({-0.25f, 1.f})));
}

TEST_CASE("bce and mse give a target that requires grad its gradient", "[06_autograd]") {
    CHECK(judge::gradcheck([](const Inputs& v) { return F::binary_cross_entropy(v[0], v[1]); },
                    {leaf({2, 3}, 99, 0.2f, 0.8f), leaf({2, 3}, 100, 0.2f, 0.8f)}));
    CHECK(judge::gradcheck([](const Inputs& v) {
        return F::binary_cross_entropy(v[0], v[1], nn::BCELossOptions().weight(Tensor({1.f, 2.f, 0.5f})));
    }, {leaf({2, 3}, 101, 0.2f, 0.8f), leaf({2, 3}, 102, 0.2f, 0.8f)}));
    CHECK(judge::gradcheck([](const Inputs& v) { return F::mse_loss(v[0], v[1], Reduction::Sum); },
                    {leaf({4}, 103), leaf({4}, 104)}));
}

TEST_CASE("class index targets and loss weights that require grad are refused", "[06_autograd]") {
    Tensor x = leaf({2, 3}, 105);
    Tensor t = Tensor({0.f, 2.f}).requires_grad_();
    CHECK_THROWS_AS(F::cross_entropy(x, t), ValueError);
    CHECK_THROWS_WITH(F::cross_entropy(x, t), Contains("class indices") && Contains("detach"));
    CHECK_THROWS_AS(F::cross_entropy_naive(x, t), ValueError);
    CHECK_THROWS_WITH(F::nll_loss(x, t), Contains("nll_loss") && Contains("require grad"));
    Tensor w = Tensor({1.f, 1.f, 1.f}).requires_grad_();
    CHECK_THROWS_WITH(F::cross_entropy(x, Tensor({0.f, 2.f}), nn::CrossEntropyLossOptions().weight(w)),
                      Contains("weight") && Contains("detach"));
    CHECK_THROWS_AS(F::binary_cross_entropy_with_logits(x, Tensor({{0.f, 1.f, 0.f}, {1.f, 0.f, 1.f}}),
                                                        nn::BCEWithLogitsLossOptions().pos_weight(w)),
                    ValueError);
    // the refusals are ready-made; the rule that runs once the targets are detached is the student's
    CHECK(judge::gradcheck([](const Tensor& v) { return F::cross_entropy(v, Tensor({0.f, 2.f})); }, leaf({2, 3}, 106)));
}
