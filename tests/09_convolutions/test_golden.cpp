// tests/09_convolutions/test_golden.cpp — forward values AND input gradients against PyTorch's,
// from the committed file tests/golden/convolutions_forward_backward.txt
// (generator: tests/golden/gen_convolutions.py).
#include "golden/golden.hpp"
#include "support/catch.hpp"
#include "tinytorch/convolutions/convolutions.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace {
const std::vector<golden::Case>& cases() {
    static const std::vector<golden::Case> all = golden::load("convolutions_forward_backward.txt");
    return all;
}

/// A fresh leaf with the case's values that requires grad.
Tensor leaf_of(const golden::Case& c, const std::string& name) {
    return c.tensor(name).clone().requires_grad_();
}

void check_close(const Tensor& got, const Tensor& want, const char* what, float rtol, float atol) {
    INFO(what);
    REQUIRE(got.defined());
    REQUIRE(got.shape() == want.shape());
    INFO("max abs diff " << judge::max_abs_diff(got, want));
    CHECK(judge::allclose(got, want, rtol, atol));
}
}  // namespace

TEST_CASE("conv2d forward and gradients match PyTorch for every configuration", "[09_convolutions]") {
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), "conv2d")) {
        INFO("golden case " << c.name);
        Tensor x = leaf_of(c, "input"), w = leaf_of(c, "weight");
        Tensor b = c.tensors.count("bias") ? leaf_of(c, "bias") : Tensor();
        Tensor out = conv2d(x, w, b, {c.int_attr("sh"), c.int_attr("sw")}, {c.int_attr("ph"), c.int_attr("pw")},
                            {c.int_attr("dh"), c.int_attr("dw")}, c.int_attr("groups"));
        check_close(out, c.tensor("out"), "out", 1e-4f, 1e-5f);
        out.backward(c.tensor("grad_out"));
        check_close(x.grad(), c.tensor("grad_input"), "grad_input", 1e-4f, 1e-5f);
        check_close(w.grad(), c.tensor("grad_weight"), "grad_weight", 1e-4f, 1e-4f);
        if (b.defined()) check_close(b.grad(), c.tensor("grad_bias"), "grad_bias", 1e-4f, 1e-4f);
        ++n;
    }
    CHECK(n >= 7);
}

TEST_CASE("max_pool2d values indices and gradients match PyTorch", "[09_convolutions]") {
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), "max_pool2d")) {
        INFO("golden case " << c.name);
        Tensor x = leaf_of(c, "input");
        const IntPair k{c.int_attr("kh"), c.int_attr("kw")}, s{c.int_attr("sh"), c.int_attr("sw")},
            p{c.int_attr("ph"), c.int_attr("pw")};
        auto [out, indices] = max_pool2d_with_indices(x, k, s, p);
        check_close(out, c.tensor("out"), "out", 0.0f, 0.0f);
        CHECK(judge::equal(indices, c.tensor("indices")));
        out.backward(c.tensor("grad_out"));
        check_close(x.grad(), c.tensor("grad_input"), "grad_input", 1e-6f, 1e-6f);
        ++n;
    }
    CHECK(n >= 4);
}

TEST_CASE("avg_pool2d values and gradients match PyTorch with and without counting padding", "[09_convolutions]") {
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), "avg_pool2d")) {
        INFO("golden case " << c.name);
        Tensor x = leaf_of(c, "input");
        Tensor out = avg_pool2d(x, {c.int_attr("kh"), c.int_attr("kw")}, {c.int_attr("sh"), c.int_attr("sw")},
                                {c.int_attr("ph"), c.int_attr("pw")}, c.int_attr("count_include_pad") != 0);
        check_close(out, c.tensor("out"), "out", 1e-5f, 1e-6f);
        out.backward(c.tensor("grad_out"));
        check_close(x.grad(), c.tensor("grad_input"), "grad_input", 1e-5f, 1e-6f);
        ++n;
    }
    CHECK(n >= 8);
}

TEST_CASE("adaptive_avg_pool2d values and gradients match PyTorch", "[09_convolutions]") {
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), "adaptive_avg_pool2d")) {
        INFO("golden case " << c.name);
        Tensor x = leaf_of(c, "input");
        Tensor out = adaptive_avg_pool2d(x, {c.int_attr("oh"), c.int_attr("ow")});
        check_close(out, c.tensor("out"), "out", 1e-5f, 1e-6f);
        out.backward(c.tensor("grad_out"));
        check_close(x.grad(), c.tensor("grad_input"), "grad_input", 1e-5f, 1e-6f);
        ++n;
    }
    CHECK(n >= 3);
}

TEST_CASE("batch_norm2d values gradients and running stats match PyTorch", "[09_convolutions]") {
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), "batch_norm2d")) {
        INFO("golden case " << c.name);
        for (bool fused : {true, false}) {
            INFO("fused " << fused);
            Tensor x = leaf_of(c, "input"), w = leaf_of(c, "weight"), b = leaf_of(c, "bias");
            Tensor rm = c.tensor("running_mean").clone(), rv = c.tensor("running_var").clone();
            const bool training = c.int_attr("training") != 0;
            const double momentum = c.float_attr("momentum");
            Tensor out = fused ? batch_norm2d(x, rm, rv, w, b, training, momentum, 1e-5)
                               : batch_norm2d_reference(x, rm, rv, w, b, training, momentum, 1e-5);
            check_close(out, c.tensor("out"), "out", 1e-4f, 1e-5f);
            check_close(rm, c.tensor("new_running_mean"), "running_mean", 1e-5f, 1e-6f);
            check_close(rv, c.tensor("new_running_var"), "running_var", 1e-5f, 1e-6f);
            out.backward(c.tensor("grad_out"));
            check_close(x.grad(), c.tensor("grad_input"), "grad_input", 1e-3f, 1e-5f);
            check_close(w.grad(), c.tensor("grad_weight"), "grad_weight", 1e-4f, 1e-4f);
            check_close(b.grad(), c.tensor("grad_bias"), "grad_bias", 1e-4f, 1e-4f);
        }
        ++n;
    }
    CHECK(n >= 3);
}
