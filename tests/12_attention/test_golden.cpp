// tests/12_attention/test_golden.cpp — values and gradients against PyTorch, from the committed file
// tests/golden/attention.txt (generator: tests/golden/gen_attention.py): scaled_dot_product_attention
// (libtorch 2.x definition: float and boolean masks, causal, scale) and nn.MultiheadAttention.
#include <limits>

#include "golden/golden.hpp"
#include "support/catch.hpp"
#include "tinytorch/attention/attention.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace attention_golden {
const std::vector<golden::Case>& cases() {
    static const std::vector<golden::Case> all = golden::load("attention.txt");
    return all;
}

Tensor leaf_of(const golden::Case& c, const std::string& name) { return c.tensor(name).clone().requires_grad_(); }

void check_close(const Tensor& got, const Tensor& want, const char* what, float rtol = 1e-4f, float atol = 2e-5f) {
    INFO(what);
    REQUIRE(got.defined());
    REQUIRE(got.shape() == want.shape());
    INFO("max abs diff " << judge::max_abs_diff(got, want));
    CHECK(judge::allclose(got, want, rtol, atol));
}

/// A stored 0/1 mask as an additive one: `blocked_when` is the stored value that means "blocked"
/// (0 for SDPA's boolean masks, 1 for MultiheadAttention's).
/// A golden 0/1 mask as the Bool mask PyTorch was given (libtorch's meaning: for SDPA true = may
/// attend, for MultiheadAttention true = may NOT attend).
Tensor bool_mask(const Tensor& mask01) { return mask01.to(kBool); }
}  // namespace attention_golden

TEST_CASE("scaled_dot_product_attention matches PyTorch values and gradients", "[12_attention]") {
    using namespace attention_golden;
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), "sdpa")) {
        for (bool fused : {true, false}) {
            INFO("golden case " << c.name << (fused ? " fused" : " naive"));
            Tensor q = leaf_of(c, "query"), k = leaf_of(c, "key"), v = leaf_of(c, "value");
            Tensor mask;
            if (c.has("mask_kind"))
                mask = c.attr("mask_kind") == "bool" ? bool_mask(c.tensor("mask")) : c.tensor("mask");
            std::optional<double> scale;
            if (c.has("scale")) scale = std::stod(c.attr("scale"));
            const bool causal = c.int_attr("causal") != 0;
            Tensor out = fused ? scaled_dot_product_attention(q, k, v, mask, 0.0, causal, scale)
                               : scaled_dot_product_attention_naive(q, k, v, mask, 0.0, causal, scale);
            check_close(out, c.tensor("out"), "out");
            out.backward(c.tensor("grad_out"));
            check_close(q.grad(), c.tensor("grad_query"), "grad_query");
            check_close(k.grad(), c.tensor("grad_key"), "grad_key");
            check_close(v.grad(), c.tensor("grad_value"), "grad_value");
        }
        ++n;
    }
    CHECK(n >= 10);
}

TEST_CASE("MultiheadAttention matches PyTorch outputs weights and gradients", "[12_attention]") {
    using namespace attention_golden;
    int n = 0;
    for (const golden::Case& c : golden::with_op(cases(), "mha")) {
        INFO("golden case " << c.name);
        const bool self = c.int_attr("self_attention") != 0, need = c.int_attr("need_weights") != 0;
        nn::MultiheadAttention m(nn::MultiheadAttentionOptions(c.int_attr("embed_dim"), c.int_attr("num_heads"))
                                     .batch_first(c.int_attr("batch_first") != 0));
        StateDict sd;
        for (const char* key : {"in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"})
            sd.insert(key, c.tensor(key));
        m.load_state_dict(sd);
        Tensor q = leaf_of(c, "query");
        Tensor k = self ? q : c.tensor("key"), v = self ? q : c.tensor("value");
        Tensor attn_mask, kpm;
        if (c.has("attn_kind"))
            attn_mask = c.attr("attn_kind") == "bool" ? bool_mask(c.tensor("attn_mask")) : c.tensor("attn_mask");
        if (c.has("kpm_kind")) kpm = bool_mask(c.tensor("key_padding_mask"));
        auto [out, weights] = m.forward(q, k, v, kpm, need, attn_mask, c.int_attr("average") != 0);
        check_close(out, c.tensor("out"), "out");
        if (need) check_close(weights, c.tensor("weights"), "weights", 1e-4f, 1e-6f);
        else CHECK_FALSE(weights.defined());
        out.backward(c.tensor("grad_out"));
        check_close(q.grad(), c.tensor("grad_query"), "grad_query");
        check_close(m.in_proj_weight.grad(), c.tensor("grad_in_proj_weight"), "grad_in_proj_weight");
        check_close(m.out_proj->weight.grad(), c.tensor("grad_out_proj_weight"), "grad_out_proj_weight");
        ++n;
    }
    CHECK(n >= 5);
}
