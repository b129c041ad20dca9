// tests/06_autograd/test_golden.cpp — gradients of whole graphs against PyTorch's, from
// tests/golden/autograd_grads.txt (written by tests/golden/gen_autograd.py). Each case name
// selects the same function here as in the generator; the loss is L = sum(w * f(x, c)).
#include <cmath>
#include <functional>
#include <map>

#include "support/catch.hpp"
#include "golden/golden.hpp"
#include "tinytorch/autograd/autograd.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/losses/losses.hpp"
#include "support/judge.hpp"

using namespace tinytorch;
namespace F = tinytorch::nn::functional;
using Inputs = std::vector<Tensor>;

namespace {
using GraphFn = std::function<Tensor(const Inputs& x, const Inputs& c)>;

const std::map<std::string, GraphFn>& golden_functions() {
    static const std::map<std::string, GraphFn> fns = {
        {"broadcast_mul_add", [](const Inputs& x, const Inputs&) { return x[0] * x[2] + x[1]; }},
        {"matmul_broadcast_batch", [](const Inputs& x, const Inputs&) { return x[0].matmul(x[1]); }},
        {"attention",
         [](const Inputs& x, const Inputs&) {
             return softmax(x[0].matmul(x[1].transpose(-1, -2)) / std::sqrt(8.0f), -1).matmul(x[2]);
         }},
        {"layer_norm",
         [](const Inputs& x, const Inputs&) {
             Tensor centered = x[0] - x[0].mean(-1, true);
             return centered / (x[0].var(-1, /*unbiased=*/false, /*keepdim=*/true) + 1e-5f).sqrt() * x[1] + x[2];
         }},
        {"mlp_cross_entropy",
         [](const Inputs& x, const Inputs& c) {
             Tensor h = gelu(c[0].matmul(x[0]) + x[1], "tanh");
             return F::cross_entropy(h.matmul(x[2]) + x[3], c[1], nn::Reduction::Mean, 0.1);
         }},
        {"log_softmax_nll",
         [](const Inputs& x, const Inputs& c) {
             return F::nll_loss(log_softmax(tinytorch::tanh(x[0]) * 3.0f, 1), c[0], nn::Reduction::Sum);
         }},
        {"bce_with_logits_gelu",
         [](const Inputs& x, const Inputs& c) {
             return F::binary_cross_entropy_with_logits(gelu(x[0]) * sigmoid(x[0]), c[0]);
         }},
        {"reduce_index_cat",
         [](const Inputs& x, const Inputs&) {
             const Tensor& a = x[0];
             return cat({std::get<0>(a.max(1, true)), a.amin(0).reshape({1, 4}).t(), a.index({Slice(), Slice(1, std::nullopt, 2)}),
                         a[2].reshape({4, 1}), a.index_select(1, Tensor({3.f, 0.f, 3.f})).sum(1, true)},
                        1)
                 .abs()
                 .sum(0);
         }},
        {"elementwise_residual",
         [](const Inputs& x, const Inputs& c) {
             return where(c[0].gt(0.0f), maximum(x[0], x[1]), (x[0] * x[1]).clamp(-0.5f, 0.5f)) +
                    (x[0].pow(2.0f) + 1.0f).log().sqrt() * (-x[1]).exp() + x[0];
         }},
    };
    return fns;
}
}  // namespace

TEST_CASE("gradients of nine composite graphs match PyTorch", "[06_autograd]") {
    const std::vector<golden::Case> cases = golden::load("autograd_grads.txt");
    REQUIRE(cases.size() == golden_functions().size());
    for (const golden::Case& c : cases) {
        INFO("case " << c.name);
        auto fn = golden_functions().find(c.name);
        REQUIRE(fn != golden_functions().end());
        Inputs xs, cs;
        for (int64_t i = 0; i < c.int_attr("inputs"); ++i)
            xs.push_back(c.tensor("x" + std::to_string(i)).clone().requires_grad_());
        for (int64_t j = 0; j < c.int_attr("constants"); ++j) cs.push_back(c.tensor("c" + std::to_string(j)));
        Tensor out = fn->second(xs, cs);
        (out * c.tensor("w")).sum().backward();
        for (size_t i = 0; i < xs.size(); ++i) {
            const Tensor& expected = c.tensor("g" + std::to_string(i));
            INFO("gradient of input " << i << ", largest difference " << judge::max_abs_diff(xs[i].grad(), expected));
            CHECK(judge::allclose(xs[i].grad(), expected, 1e-4f, 1e-5f));
        }
    }
}

namespace test_golden_losses {
nn::Reduction reduction_named(const std::string& r) {
    return r == "none" ? nn::Reduction::None : r == "sum" ? nn::Reduction::Sum : nn::Reduction::Mean;
}
Tensor optional_tensor(const golden::Case& c, const std::string& name) {
    return c.tensors.count(name) ? c.tensor(name) : Tensor();
}
/// The loss of a `*_opts` case of losses_forward.txt, with the options the case names.
Tensor loss_of(const golden::Case& c, const Tensor& x, const Tensor& t) {
    const std::string op = c.attr("op");
    const nn::Reduction r = reduction_named(c.attr("reduction"));
    if (op == "cross_entropy_opts")
        return F::cross_entropy(x, t, nn::CrossEntropyLossOptions().weight(optional_tensor(c, "weight"))
                                          .ignore_index(c.int_attr("ignore_index")).reduction(r)
                                          .label_smoothing(c.float_attr("label_smoothing")));
    if (op == "nll_loss_opts")
        return F::nll_loss(x, t, nn::NLLLossOptions().weight(optional_tensor(c, "weight"))
                                     .ignore_index(c.int_attr("ignore_index")).reduction(r));
    if (op == "bce_opts")
        return F::binary_cross_entropy(x, t, nn::BCELossOptions().weight(optional_tensor(c, "weight")).reduction(r));
    if (op == "bcel_opts")
        return F::binary_cross_entropy_with_logits(
            x, t, nn::BCEWithLogitsLossOptions().weight(optional_tensor(c, "weight"))
                      .pos_weight(optional_tensor(c, "pos_weight")).reduction(r));
    REQUIRE(op == "mse_opts");
    return F::mse_loss(x, t, r);
}
}  // namespace test_golden_losses

TEST_CASE("loss gradients with weight ignore_index and pos_weight match PyTorch for input and target", "[06_autograd]") {
    int checked = 0, target_grads = 0;
    for (const golden::Case& c : golden::load("losses_forward.txt")) {
        if (!c.tensors.count("grad_input")) continue;
        INFO("golden case " << c.name);
        Tensor x = c.tensor("input").clone().requires_grad_();
        const bool target_grad = c.tensors.count("grad_target") > 0;
        Tensor t = target_grad ? c.tensor("target").clone().requires_grad_() : c.tensor("target");
        Tensor out = test_golden_losses::loss_of(c, x, t);
        CHECK(judge::allclose(out, c.tensor("out"), 1e-5f, 1e-5f));
        out.sum().backward();
        REQUIRE(x.grad().defined());
        INFO("input grad max abs diff " << judge::max_abs_diff(x.grad(), c.tensor("grad_input")));
        CHECK(judge::allclose(x.grad(), c.tensor("grad_input"), 1e-4f, 1e-6f));
        if (target_grad) {
            REQUIRE(t.grad().defined());
            INFO("target grad max abs diff " << judge::max_abs_diff(t.grad(), c.tensor("grad_target")));
            CHECK(judge::allclose(t.grad(), c.tensor("grad_target"), 1e-4f, 1e-6f));
            ++target_grads;
        }
        ++checked;
    }
    CHECK(checked == 42);
    CHECK(target_grads == 18);
}
