// tests/16_compression/test_golden.cpp — distillation loss and gradient, and the truncated SVD,
// against PyTorch's values from the committed file tests/golden/compression.txt (generator:
// tests/golden/gen_compression.py: F.kl_div(log_softmax(s/T), softmax(t/T), "batchmean")·T²,
// + cross_entropy, torch.autograd.grad, torch.linalg.svd).
#include "golden/golden.hpp"
#include "support/catch.hpp"
#include "tinytorch/compression/compression.hpp"
#include "compress_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::compression;

namespace compression_golden {
const std::vector<golden::Case>& cases() {
    static const std::vector<golden::Case> all = golden::load("compression.txt");
    return all;
}
/// A fresh leaf holding the values of `t` (built without student code), requiring grad.
Tensor leaf(const Tensor& t) {
    Tensor x = judge::tensor(judge::values(t), t.shape());
    x.requires_grad_(true);
    return x;
}
}  // namespace compression_golden

TEST_CASE("distillation_kl and its gradient match PyTorch's kl_div batchmean times T squared", "[16_compression]") {
    int n = 0;
    for (const golden::Case& c : golden::with_op(compression_golden::cases(), "distill_kl")) {
        INFO("golden case " << c.name);
        Tensor s = compression_golden::leaf(c.tensor("student"));
        Tensor loss = distillation_kl(s, c.tensor("teacher"), c.float_attr("T"));
        CHECK(judge::values(loss)[0] == Approx(judge::values(c.tensor("out"))[0]).epsilon(1e-5).margin(1e-6));
        loss.backward();
        INFO("max |grad diff| " << judge::max_abs_diff(s.grad(), c.tensor("grad")));
        CHECK(judge::allclose(s.grad(), c.tensor("grad"), 1e-4, 1e-6));
        ++n;
    }
    CHECK(n == 4);
}

TEST_CASE("DistillationLoss and its gradient match PyTorch's alpha mix with cross_entropy", "[16_compression]") {
    int n = 0;
    for (const golden::Case& c : golden::with_op(compression_golden::cases(), "distill")) {
        INFO("golden case " << c.name);
        Tensor s = compression_golden::leaf(c.tensor("student"));
        DistillationLoss kd(c.float_attr("T"), std::stod(c.attr("alpha")));
        Tensor loss = kd(s, c.tensor("teacher"), c.tensor("labels"));
        CHECK(judge::values(loss)[0] == Approx(judge::values(c.tensor("out"))[0]).epsilon(1e-5).margin(1e-6));
        loss.backward();
        INFO("max |grad diff| " << judge::max_abs_diff(s.grad(), c.tensor("grad")));
        CHECK(judge::allclose(s.grad(), c.tensor("grad"), 1e-4, 1e-6));
        ++n;
    }
    CHECK(n == 2);
}

TEST_CASE("factorize_linear's up times down is torch.linalg.svd's best rank-r approximation", "[16_compression]") {
    int n = 0;
    for (const golden::Case& c : golden::with_op(compression_golden::cases(), "low_rank")) {
        INFO("golden case " << c.name);
        const Tensor& w = c.tensor("weight");
        const int64_t out = w.shape()[0], in = w.shape()[1], r = c.int_attr("rank");
        nn::Linear fc(in, out);
        compress_test::set_values(fc.weight, judge::values(w));
        auto low = factorize_linear(fc, r);
        const std::vector<float> up = judge::values(low->up), down = judge::values(low->down);
        REQUIRE(up.size() == static_cast<size_t>(out * r));
        REQUIRE(down.size() == static_cast<size_t>(r * in));
        std::vector<float> product(static_cast<size_t>(out * in));
        for (int64_t o = 0; o < out; ++o)
            for (int64_t i = 0; i < in; ++i) {
                double acc = 0.0;
                for (int64_t k = 0; k < r; ++k) acc += double(up[o * r + k]) * down[k * in + i];
                product[static_cast<size_t>(o * in + i)] = static_cast<float>(acc);
            }
        Tensor got = judge::tensor(product, {out, in});
        INFO("max |diff| " << judge::max_abs_diff(got, c.tensor("out")));
        CHECK(judge::allclose(got, c.tensor("out"), 1e-4, 1e-5));
        ++n;
    }
    CHECK(n == 2);
}
