// tests/13_transformers/test_blocks.cpp — the MLP, causal self-attention and the pre-norm
// TransformerBlock: values against compositions written out here, causality, dropout that
// drops in training and not in eval, the split attention steps, gradients, errors.
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/transformers/transformers.hpp"
#include "support/judge.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;

namespace test_blocks {

Tensor uniform_tensor(const Shape& shape, uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
    Generator gen(seed);
    return uniform(shape, lo, hi, gen);
}

/// Give every parameter of m values drawn from U(-0.5, 0.5) (LayerNorm gains around 1), so a
/// wrong wiring changes the output measurably.
void randomise(nn::Module& m, uint64_t seed) {
    Generator gen(seed);
    for (auto& [name, p] : m.named_parameters()) {
        const bool gain = name.find("ln_") != std::string::npos && name.find("weight") != std::string::npos;
        Tensor v = uniform(p.shape(), gain ? 0.5f : -0.5f, gain ? 1.5f : 0.5f, gen);
        p.copy_(v);
    }
}

/// Causal attention written out: softmax(q kᵀ/√d masked to j <= i) v, per [.., T, d] slice.
Tensor attention_by_hand(const Tensor& q, const Tensor& k, const Tensor& v) {
    const int64_t T = q.size(-2), d = q.size(-1);
    Tensor scores = q.matmul(k.transpose(-2, -1)).mul(1.0f / std::sqrt(static_cast<float>(d)));
    Tensor future = zeros({T, T});
    for (int64_t i = 0; i < T; ++i)
        for (int64_t j = i + 1; j < T; ++j) future.data_ptr()[i * T + j] = 1.0f;
    return softmax(scores.masked_fill(future.gt(0.5f), -INFINITY), -1).matmul(v);  // a Bool mask
}

}  // namespace test_blocks

using namespace test_blocks;

TEST_CASE("MLP is c_proj of exact gelu of c_fc with a 4x hidden layer", "[13_transformers]") {
    nn::MLP mlp(6);
    REQUIRE(mlp.c_fc->in_features() == 6);
    REQUIRE(mlp.c_fc->out_features() == 24);
    REQUIRE(mlp.c_proj->out_features() == 6);
    randomise(mlp, 1400);
    Tensor x = uniform_tensor({2, 3, 6}, 1401);
    Tensor h = x.matmul(mlp.c_fc->weight.t()) + mlp.c_fc->bias;
    Tensor phi = tinytorch::detail::map_unary(h, [](float v) { return 0.5f * (1.0f + std::erf(v / std::sqrt(2.0f))); });
    Tensor g = h * phi;  // exact gelu, with the scalar std::erf
    Tensor want = g.matmul(mlp.c_proj->weight.t()) + mlp.c_proj->bias;
    CHECK(judge::allclose(mlp(x), want, 1e-4f, 1e-5f));
    auto names = mlp.named_parameters();
    REQUIRE(names.size() == 4);
    CHECK(names[0].first == "c_fc.weight");
    CHECK(names[3].first == "c_proj.bias");
}

TEST_CASE("MLP with the tanh approximation and a custom hidden size", "[13_transformers]") {
    nn::MLP mlp(4, 10, 0.0, /*bias=*/false, "tanh");
    CHECK(mlp.c_fc->out_features() == 10);
    CHECK(mlp.parameters().size() == 2);
    randomise(mlp, 1402);
    Tensor x = uniform_tensor({5, 4}, 1403, -2.0f, 2.0f);
    Tensor want = gelu(x.matmul(mlp.c_fc->weight.t()), "tanh").matmul(mlp.c_proj->weight.t());
    CHECK(judge::allclose(mlp(x), want, 1e-5f, 1e-6f));
}

TEST_CASE("MLP dropout drops in training and not in eval", "[13_transformers]") {
    nn::MLP mlp(8, 0, /*dropout=*/0.5);
    randomise(mlp, 1404);
    Tensor x = uniform_tensor({4, 8}, 1405);
    mlp.eval();
    Tensor clean = mlp(x);
    CHECK(judge::equal(mlp(x), clean));
    mlp.train();
    manual_seed(7);
    Tensor noisy = mlp(x);
    // inverted dropout: each output is 0 or twice the clean value
    const std::vector<float> n = noisy.to_vector(), c = clean.to_vector();
    int zeros_seen = 0;
    for (size_t i = 0; i < n.size(); ++i) {
        const bool dropped = n[i] == 0.0f, scaled = std::fabs(n[i] - 2.0f * c[i]) <= 1e-4f * (1.0f + std::fabs(c[i]));
        CHECK((dropped || scaled));
        zeros_seen += dropped ? 1 : 0;
    }
    CHECK(zeros_seen > 4);
    CHECK(zeros_seen < 28);
}

TEST_CASE("CausalSelfAttention equals attention written out head by head", "[13_transformers]") {
    nn::CausalSelfAttention attn(8, 2);
    randomise(attn, 1410);
    Tensor x = uniform_tensor({2, 5, 8}, 1411);
    // q | k | v side by side in c_attn's output; head h uses columns h*4 .. h*4+3 of each
    Tensor qkv = x.matmul(attn.c_attn->weight.t()) + attn.c_attn->bias;
    std::vector<Tensor> heads;
    for (int64_t h = 0; h < 2; ++h) {
        Tensor q = qkv.narrow(2, 0 + 4 * h, 4), k = qkv.narrow(2, 8 + 4 * h, 4), v = qkv.narrow(2, 16 + 4 * h, 4);
        heads.push_back(attention_by_hand(q, k, v));
    }
    Tensor merged = cat(heads, 2);  // [B, T, C]: head 0 then head 1
    Tensor want = merged.matmul(attn.c_proj->weight.t()) + attn.c_proj->bias;
    CHECK(judge::allclose(attn(x), want, 1e-4f, 1e-5f));
}

TEST_CASE("CausalSelfAttention steps compose to forward and expose the heads", "[13_transformers]") {
    nn::CausalSelfAttention attn(12, 3);
    randomise(attn, 1412);
    Tensor x = uniform_tensor({2, 4, 12}, 1413);
    auto h = attn.project_qkv(x);
    REQUIRE(h.q.shape() == Shape{2, 3, 4, 4});
    REQUIRE(h.k.shape() == Shape{2, 3, 4, 4});
    Tensor qkv = x.matmul(attn.c_attn->weight.t()) + attn.c_attn->bias;
    // head 1 of k: columns 12 + 4 .. 12 + 7
    CHECK(judge::allclose(h.k.select(1, 1), qkv.narrow(2, 16, 4), 1e-5f, 1e-6f));
    CHECK(judge::allclose(h.v.select(1, 2), qkv.narrow(2, 32, 4), 1e-5f, 1e-6f));
    CHECK(judge::allclose(attn.project_out(attn.attend(h)), attn(x), 1e-5f, 1e-6f));
    // a caller's own keys and values: the last query against all keys, no causal mask
    auto last = attn.project_qkv(x.narrow(1, 3, 1), /*start_pos=*/3);
    Tensor y = attn.project_out(attn.attend({last.q, h.k, h.v}, Tensor(), /*is_causal=*/false));
    CHECK(judge::allclose(y, attn(x).narrow(1, 3, 1), 1e-4f, 1e-5f));
}

TEST_CASE("CausalSelfAttention never looks at later positions", "[13_transformers]") {
    nn::CausalSelfAttention attn(8, 4);
    randomise(attn, 1414);
    Tensor x = uniform_tensor({1, 6, 8}, 1415);
    Tensor changed = x.clone();
    changed.narrow(1, 4, 2).copy_(uniform_tensor({1, 2, 8}, 1416, 3.0f, 5.0f));  // only positions 4 and 5
    Tensor a = attn(x), b = attn(changed);
    CHECK(judge::allclose(a.narrow(1, 0, 4), b.narrow(1, 0, 4), 1e-5f, 1e-6f));
    CHECK(judge::max_abs_diff(a.narrow(1, 4, 2), b.narrow(1, 4, 2)) > 1e-2f);
}

TEST_CASE("CausalSelfAttention with RoPE depends on relative positions only", "[13_transformers]") {
    auto rope = std::make_shared<nn::RotaryEmbedding>(4, 16, 10000.0);
    nn::CausalSelfAttention attn(8, 2, 0.0, true, rope);
    randomise(attn, 1417);
    Tensor x = uniform_tensor({1, 3, 8}, 1418);
    auto h0 = attn.project_qkv(x, 0), h5 = attn.project_qkv(x, 5);
    CHECK(judge::max_abs_diff(h0.q, h5.q) > 1e-3f);  // rotated differently ...
    // ... but the scores q_i · k_j depend on i - j only, so the outputs agree
    CHECK(judge::allclose(attn.attend(h0), attn.attend(h5), 1e-4f, 1e-5f));
    CHECK(judge::allclose(h0.v, h5.v, 0.0f, 0.0f));  // values are not rotated
}

TEST_CASE("TransformerBlock is pre-norm attention then pre-norm MLP with residuals", "[13_transformers]") {
    nn::TransformerBlock block(8, 2);
    randomise(block, 1420);
    Tensor x = uniform_tensor({2, 5, 8}, 1421);
    Tensor h = x + block.attn->forward(layer_norm_reference(x, {8}, block.ln_1->weight, block.ln_1->bias));
    Tensor want = h + block.mlp->forward(layer_norm_reference(h, {8}, block.ln_2->weight, block.ln_2->bias));
    CHECK(judge::allclose(block(x), want, 1e-4f, 1e-5f));
    CHECK(judge::allclose(block.feed_forward(h), want, 1e-4f, 1e-5f));
    std::vector<std::string> names;
    for (auto& [n, p] : block.named_parameters()) names.push_back(n);
    CHECK(names == std::vector<std::string>{"ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
                                            "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
                                            "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight",
                                            "mlp.c_proj.bias"});
}

TEST_CASE("TransformerBlock residual dropout drops in training and not in eval", "[13_transformers]") {
    nn::TransformerBlock block(8, 2, /*dropout=*/0.5);
    randomise(block, 1422);
    Tensor x = uniform_tensor({2, 4, 8}, 1423);
    block.eval();
    Tensor a = block(x), b = block(x);
    CHECK(judge::equal(a, b));
    block.train();
    manual_seed(11);
    Tensor c = block(x);
    manual_seed(12);
    Tensor d = block(x);
    CHECK(judge::max_abs_diff(c, a) > 1e-2f);  // something was dropped
    CHECK(judge::max_abs_diff(c, d) > 1e-2f);  // and differently for another seed
    manual_seed(11);
    CHECK(judge::equal(block(x), c));          // the same seed drops the same elements
    nn::TransformerBlock no_dropout(8, 2, 0.0);
    CHECK(no_dropout.attn->attn_dropout() == 0.0);
    CHECK(block.attn->resid_dropout->p() == 0.5);
    CHECK(block.mlp->dropout->p() == 0.5);
}

TEST_CASE("TransformerBlock gradients pass gradcheck", "[13_transformers]") {
    nn::TransformerBlock block(6, 2);
    randomise(block, 1424);
    auto f = [&](const Tensor& x) { return block(x); };
    Tensor x = uniform_tensor({1, 4, 6}, 1425).requires_grad_();
    CHECK(judge::gradcheck(f, x, 1e-3, 2e-3, 2e-2));
    // and every parameter receives a gradient
    block(x).sum().backward();
    for (auto& [name, p] : block.named_parameters()) {
        INFO(name);
        CHECK(p.grad().defined());
    }
}

TEST_CASE("CausalSelfAttention rejects heads that do not divide the width", "[13_transformers][provided]") {
    CHECK_THROWS_AS(nn::CausalSelfAttention(10, 3), ValueError);
    CHECK_THROWS_WITH(nn::CausalSelfAttention(10, 3), Contains("n_embd (10)") && Contains("n_head (3)"));
    CHECK_THROWS_AS(nn::CausalSelfAttention(8, 2, 1.0), ValueError);
    CHECK_THROWS_AS(nn::MLP(0), ValueError);
}

// Graded, not [provided]: the checks are ready-made, but the model is built by the student's
// constructor (so it fails with module 13 stubbed).
TEST_CASE("CausalSelfAttention names the shape of a wrong input", "[13_transformers]") {
    nn::CausalSelfAttention attn(8, 2);
    CHECK_THROWS_AS(attn(zeros({5, 8})), ShapeError);
    CHECK_THROWS_WITH(attn(zeros({5, 8})), Contains("[5, 8]") && Contains("[B, T, 8]") && Contains("unsqueeze"));
    CHECK_THROWS_WITH(attn(zeros({1, 5, 6})), Contains("[1, 5, 6]"));
    CHECK_THROWS_WITH(attn.project_out(zeros({1, 5, 8})), Contains("[B, 2, T, 4]"));
}
