// tests/12_attention/test_mha.cpp — nn::MultiheadAttention: PyTorch's parameters, masks with ITS
// convention, need_weights, batch_first, unbatched inputs, kdim/vdim, dropout, errors.
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/attention/attention.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;

namespace mha_test {
const float kInf = std::numeric_limits<float>::infinity();

/// The definition, head by head, from the module's parameters: x [L, E] unbatched self-attention.
Tensor reference_self_attention(nn::MultiheadAttention& m, const Tensor& x, const Tensor& mask) {
    const int64_t E = m.embed_dim(), H = m.num_heads(), d = m.head_dim();
    Tensor w = m.in_proj_weight.detach(), b = m.in_proj_bias.detach();
    std::vector<Tensor> heads;
    for (int64_t h = 0; h < H; ++h) {
        auto proj = [&](int64_t part) {
            return x.matmul(w.narrow(0, part * E + h * d, d).t()) + b.narrow(0, part * E + h * d, d);
        };
        Tensor scores = proj(0).matmul(proj(1).t()) / std::sqrt(static_cast<float>(d));
        if (mask.defined()) scores = scores + mask;
        heads.push_back(softmax(scores, -1).matmul(proj(2)));
    }
    return cat(heads, -1).matmul(m.out_proj->weight.detach().t()) + m.out_proj->bias.detach();
}
}  // namespace mha_test


TEST_CASE("MultiheadAttention has PyTorch parameter names shapes and initial biases", "[12_attention]") {
    nn::MultiheadAttention m(8, 2);
    auto named = m.named_parameters();
    REQUIRE(named.size() == 4);
    CHECK(named[0].first == "in_proj_weight");
    CHECK(named[0].second.shape() == Shape{24, 8});
    CHECK(named[1].first == "in_proj_bias");
    CHECK(named[2].first == "out_proj.weight");
    CHECK(named[2].second.shape() == Shape{8, 8});
    CHECK(named[3].first == "out_proj.bias");
    CHECK(judge::equal(m.in_proj_bias, zeros({24})));
    CHECK(judge::equal(m.out_proj->bias, zeros({8})));
    const float bound = std::sqrt(6.0f / (24 + 8));  // Xavier uniform of [3E, E]
    CHECK(m.in_proj_weight.abs().max().item() <= bound);
    CHECK(m.in_proj_weight.abs().max().item() > 0.5f * bound);
    CHECK(m.head_dim() == 4);
    nn::MultiheadAttention nb(nn::MultiheadAttentionOptions(8, 2).bias(false));
    CHECK(nb.parameters().size() == 2);
}

TEST_CASE("MultiheadAttention self attention equals the head by head definition", "[12_attention]") {
    manual_seed(1);
    nn::MultiheadAttention m(12, 3);
    nn::init::normal_(m.in_proj_bias, 0.0, 0.5);
    nn::init::normal_(m.out_proj->bias, 0.0, 0.5);
    Tensor x = randn({5, 12});
    Tensor mask = randn({5, 5});
    auto [out, weights] = m.forward(x, x, x, {}, true, mask);
    CHECK(judge::allclose(out, mha_test::reference_self_attention(m, x, mask), 1e-4f, 1e-5f));
    REQUIRE(weights.shape() == Shape{5, 5});
    CHECK(judge::allclose(weights.sum(-1), ones({5}), 1e-5f, 1e-6f));
    auto [fused, none] = m.forward(x, x, x, {}, false, mask);
    CHECK_FALSE(none.defined());
    CHECK(judge::allclose(fused, out, 1e-5f, 1e-6f));
}

TEST_CASE("MultiheadAttention defaults to sequence first and batch_first swaps the layout", "[12_attention]") {
    manual_seed(2);
    nn::MultiheadAttention seq_first(8, 4);
    nn::MultiheadAttention batch_first(nn::MultiheadAttentionOptions(8, 4).batch_first(true));
    batch_first.load_state_dict(seq_first.state_dict());
    Tensor x = randn({6, 3, 8});  // [L, N, E]
    auto [a, wa] = seq_first.forward(x, x, x);
    auto [b, wb] = batch_first.forward(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1));
    REQUIRE(a.shape() == Shape{6, 3, 8});
    REQUIRE(b.shape() == Shape{3, 6, 8});
    CHECK(judge::allclose(a, b.transpose(0, 1), 1e-5f, 1e-6f));
    REQUIRE(wa.shape() == Shape{3, 6, 6});
    CHECK(judge::allclose(wa, wb, 1e-6f, 1e-7f));
    // each batch entry is attended independently: entry 1 alone gives the same rows
    auto [one, w1] = seq_first.forward(x.narrow(1, 1, 1), x.narrow(1, 1, 1), x.narrow(1, 1, 1));
    CHECK(judge::allclose(one, a.narrow(1, 1, 1), 1e-5f, 1e-6f));
}

TEST_CASE("MultiheadAttention accepts unbatched input and returns unbatched weights", "[12_attention]") {
    manual_seed(3);
    nn::MultiheadAttention m(6, 2);
    Tensor q = randn({4, 6}), kv = randn({7, 6});
    auto [out, w] = m.forward(q, kv, kv);
    REQUIRE(out.shape() == Shape{4, 6});
    REQUIRE(w.shape() == Shape{4, 7});
    auto [batched, wb] = m.forward(q.unsqueeze(1), kv.unsqueeze(1), kv.unsqueeze(1));
    CHECK(judge::allclose(out, batched.squeeze(1), 1e-6f, 1e-7f));
    auto [o2, per_head] = m.forward(q, kv, kv, {}, true, {}, /*average_attn_weights=*/false);
    REQUIRE(per_head.shape() == Shape{2, 4, 7});
    CHECK(judge::allclose(per_head.mean(0), w, 1e-6f, 1e-7f));
}

TEST_CASE("a float key_padding_mask hides padded keys from every query and head", "[12_attention]") {
    manual_seed(4);
    nn::MultiheadAttention m(8, 2);
    Tensor x = randn({5, 2, 8});  // [L, N, E]
    Tensor pad = zeros({2, 5});
    pad.index({1, Slice(3, std::nullopt)}).fill_(-mha_test::kInf);  // entry 1: keys 3 and 4 are padding
    auto [out, w] = m.forward(x, x, x, pad);
    CHECK(judge::equal(w[1].narrow(-1, 3, 2), zeros({5, 2})));
    CHECK(judge::allclose(w.sum(-1), ones({2, 5}), 1e-5f, 1e-6f));
    // the same as giving entry 1 only its first 3 keys
    Tensor q1 = x.narrow(1, 1, 1), kv1 = x.narrow(1, 1, 1).narrow(0, 0, 3);
    auto [ref, wr] = m.forward(q1, kv1, kv1);
    CHECK(judge::allclose(out.narrow(1, 1, 1), ref, 1e-5f, 1e-6f));
}

TEST_CASE("a 3-D attn_mask gives each head of each batch entry its own mask", "[12_attention]") {
    manual_seed(5);
    nn::MultiheadAttention m(4, 2);
    Tensor x = randn({3, 2, 4});
    Tensor mask = zeros({4, 3, 3});  // [N·H, L, S]: entry 0 head 1 may only see key 0
    mask.index({1, Slice(), Slice(1, std::nullopt)}).fill_(-mha_test::kInf);
    auto [out, w] = m.forward(x, x, x, {}, true, mask, false);
    REQUIRE(w.shape() == Shape{2, 2, 3, 3});
    CHECK(judge::allclose(w[0][1], Tensor({{1.f, 0.f, 0.f}, {1.f, 0.f, 0.f}, {1.f, 0.f, 0.f}})));
    CHECK(w[1][1].narrow(-1, 1, 2).abs().sum().item() > 0.0f);
    auto [fused, none] = m.forward(x, x, x, {}, false, mask);
    CHECK(judge::allclose(fused, out, 1e-5f, 1e-6f));
}

TEST_CASE("is_causal without a mask applies the causal mask in MultiheadAttention", "[12_attention]") {
    manual_seed(6);
    nn::MultiheadAttention m(4, 1);
    Tensor x = randn({4, 4});
    Tensor causal = Tensor({{0.f, -mha_test::kInf, -mha_test::kInf, -mha_test::kInf}, {0.f, 0.f, -mha_test::kInf, -mha_test::kInf}, {0.f, 0.f, 0.f, -mha_test::kInf}, {0.f, 0.f, 0.f, 0.f}});
    auto [a, wa] = m.forward(x, x, x, {}, true, {}, true, true);
    auto [b, wb] = m.forward(x, x, x, {}, true, causal);
    CHECK(judge::allclose(a, b, 1e-6f, 1e-7f));
    auto [c, none] = m.forward(x, x, x, {}, false, {}, true, true);
    CHECK(judge::allclose(c, b, 1e-5f, 1e-6f));
}

TEST_CASE("cross attention with kdim and vdim uses separate projection weights", "[12_attention]") {
    manual_seed(7);
    nn::MultiheadAttention m(nn::MultiheadAttentionOptions(6, 3).kdim(4).vdim(5));
    auto named = m.named_parameters();
    REQUIRE(named.size() == 6);
    CHECK(named[0].first == "q_proj_weight");
    CHECK(named[1].second.shape() == Shape{6, 4});
    CHECK(named[2].second.shape() == Shape{6, 5});
    CHECK(named[3].first == "in_proj_bias");
    auto [out, w] = m.forward(randn({3, 2, 6}), randn({7, 2, 4}), randn({7, 2, 5}));
    CHECK(out.shape() == Shape{3, 2, 6});
    CHECK(w.shape() == Shape{2, 3, 7});
}

TEST_CASE("every MultiheadAttention parameter and input receives a gradient", "[12_attention]") {
    manual_seed(8);
    nn::MultiheadAttention m(6, 2);
    nn::init::normal_(m.in_proj_bias, 0.0, 0.3);
    Tensor x = randn({4, 2, 6}).requires_grad_();
    CHECK(judge::gradcheck([&](const Tensor& t) { return std::get<0>(m.forward(t, t, t, {}, false)); }, x));
    CHECK(judge::gradcheck([&](const Tensor& t) { return std::get<0>(m.forward(t, t, t)); }, x));
    m.zero_grad();
    auto [out, w] = m.forward(x, x, x, {}, false);
    (out * out).sum().backward();
    for (const auto& [name, p] : m.named_parameters()) {
        INFO(name);
        REQUIRE(p.grad().defined());
        CHECK(p.grad().abs().sum().item() > 0.0f);
    }
}

TEST_CASE("MultiheadAttention drops attention weights in training only", "[12_attention]") {
    manual_seed(9);
    nn::MultiheadAttention m(nn::MultiheadAttentionOptions(4, 2).dropout(0.5));
    Tensor x = randn({6, 1, 4});
    m.eval();
    auto [e1, we1] = m.forward(x, x, x);
    auto [e2, we2] = m.forward(x, x, x, {}, false);
    CHECK(judge::allclose(e1, e2, 1e-5f, 1e-6f));
    m.train();
    auto [t1, wt1] = m.forward(x, x, x);
    CHECK_FALSE(judge::allclose(t1, e1, 1e-3f, 1e-3f));
    CHECK((wt1.eq(0.0f)).sum().item() > 0.0f);  // some weights were dropped
}

TEST_CASE("MultiheadAttention names the shapes of a wrong input or mask", "[12_attention]") {
    nn::MultiheadAttention m(8, 2);
    CHECK_THROWS_AS(m.forward(zeros({5, 2, 6}), zeros({5, 2, 6}), zeros({5, 2, 6})), ShapeError);
    CHECK_THROWS_WITH(m.forward(zeros({5, 2, 6}), zeros({5, 2, 6}), zeros({5, 2, 6})), Contains("[5, 2, 6]"));
    CHECK_THROWS_AS(m.forward(zeros({5, 2, 8}), zeros({4, 3, 8}), zeros({4, 3, 8})), ShapeError);
    CHECK_THROWS_AS(m.forward(zeros({5, 2, 8}), zeros({4, 2, 8}), zeros({3, 2, 8})), ShapeError);
    CHECK_THROWS_AS(m.forward(zeros({5, 2, 8}), zeros({5, 2, 8}), zeros({5, 8})), ShapeError);
    CHECK_THROWS_WITH(m.forward(zeros({5, 2, 8}), zeros({4, 2, 8}), zeros({4, 2, 8}), {}, true, zeros({5, 5})),
                      Contains("[5, 4]") && Contains("[5, 5]"));
    CHECK_THROWS_WITH(m.forward(zeros({5, 2, 8}), zeros({4, 2, 8}), zeros({4, 2, 8}), {}, true, zeros({2, 5, 4})),
                      Contains("[4, 5, 4]"));
    CHECK_THROWS_WITH(m.forward(zeros({5, 2, 8}), zeros({4, 2, 8}), zeros({4, 2, 8}), zeros({2, 5})),
                      Contains("key_padding_mask") && Contains("[2, 4]"));
}

TEST_CASE("MultiheadAttention rejects an embed_dim its heads do not divide", "[12_attention][provided]") {
    CHECK_THROWS_AS(nn::MultiheadAttention(10, 3), ValueError);
    CHECK_THROWS_WITH(nn::MultiheadAttention(10, 3), Contains("embed_dim (10)") && Contains("num_heads (3)"));
    CHECK_THROWS_AS(nn::MultiheadAttention(nn::MultiheadAttentionOptions(8, 2).dropout(1.5)), ValueError);
    CHECK_THROWS_AS(nn::MultiheadAttention(0, 1), ValueError);
}

TEST_CASE("MultiheadAttention boolean masks block where true as in PyTorch", "[12_attention]") {
    manual_seed(13);
    nn::MultiheadAttention m(8, 2);
    Tensor x = randn({4, 2, 8});  // [L, N, E]
    const float blocked = -mha_test::kInf;
    // attn_mask: true = NOT allowed (the opposite of scaled_dot_product_attention's booleans)
    Tensor forbid = Tensor({{0.f, 1.f, 1.f, 1.f}, {0.f, 0.f, 1.f, 1.f}, {0.f, 0.f, 0.f, 1.f}, {0.f, 0.f, 0.f, 0.f}}).to(kBool);
    Tensor additive = Tensor({{0.f, blocked, blocked, blocked}, {0.f, 0.f, blocked, blocked},
                              {0.f, 0.f, 0.f, blocked}, {0.f, 0.f, 0.f, 0.f}});
    auto [a, wa] = m.forward(x, x, x, {}, true, forbid);
    auto [b, wb] = m.forward(x, x, x, {}, true, additive);
    CHECK(judge::allclose(a, b, 1e-6f, 1e-7f));
    CHECK(judge::allclose(wa, wb, 1e-6f, 1e-7f));
    CHECK(judge::equal(wa[0][0], judge::tensor({1.f, 0.f, 0.f, 0.f}, {4})));
    // key_padding_mask: true = this key is padding
    Tensor padding = Tensor({{0.f, 0.f, 0.f, 0.f}, {0.f, 0.f, 1.f, 1.f}}).to(kBool);
    auto [c, wc] = m.forward(x, x, x, padding, true, forbid);
    CHECK(judge::equal(wc[1].narrow(-1, 2, 2), judge::full({4, 2}, 0.f)));
    CHECK(judge::allclose(wc[0], wa[0], 1e-6f, 1e-7f));
    auto [d, none] = m.forward(x, x, x, padding, false, forbid);
    CHECK(judge::allclose(d, c, 1e-5f, 1e-6f));
}
