// tests/11_embeddings/test_rotary.cpp — rotary position embedding (rotate-half convention): values,
// agreement with the tensor-op definition, relative positions, gradients, start positions.
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/embeddings/embeddings.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;

TEST_CASE("RoPE rotates feature i with feature i plus half by position times theta_i", "[11_embeddings]") {
    nn::RotaryEmbedding rope(4, 10);  // theta_0 = 1, theta_1 = 10000^(-1/2) = 0.01
    Tensor x = Tensor({{1.f, 0.f, 0.f, 0.f}, {1.f, 0.f, 0.f, 0.f}, {0.f, 2.f, 0.f, 0.f}, {0.f, 0.f, 0.f, 3.f}});
    Tensor y = rope.forward(x);  // positions 0, 1, 2, 3
    CHECK(judge::allclose(y[0], Tensor({1.f, 0.f, 0.f, 0.f}), 1e-6f, 1e-6f));
    CHECK(judge::allclose(y[1], Tensor({std::cos(1.f), 0.f, std::sin(1.f), 0.f}), 1e-6f, 1e-6f));
    CHECK(judge::allclose(y[2], Tensor({0.f, 2.f * std::cos(0.02f), 0.f, 2.f * std::sin(0.02f)}), 1e-6f, 1e-6f));
    CHECK(judge::allclose(y[3], Tensor({0.f, -3.f * std::sin(0.03f), 0.f, 3.f * std::cos(0.03f)}), 1e-6f, 1e-6f));
}

TEST_CASE("the fused RoPE equals the rotate half definition in tensor ops", "[11_embeddings]") {
    manual_seed(5);
    nn::RotaryEmbedding rope(8, 32, 500.0);
    Tensor x = randn({2, 3, 6, 8});
    CHECK(judge::allclose(rope.forward(x), rotary_embedding_naive(x, rope.cos_table, rope.sin_table), 1e-5f, 1e-6f));
    CHECK(judge::allclose(rope.forward(x, 20), rotary_embedding_naive(x, rope.cos_table, rope.sin_table, 20), 1e-5f, 1e-6f));
}

TEST_CASE("RoPE keeps vector lengths and makes scores depend on relative position only", "[11_embeddings]") {
    manual_seed(6);
    nn::RotaryEmbedding rope(16, 64);
    Tensor q = randn({1, 16}), k = randn({1, 16});
    CHECK(rope.forward(q, 9).pow(2.f).sum().item() == Approx(q.pow(2.f).sum().item()).epsilon(1e-5));
    auto score = [&](int64_t m, int64_t n) { return (rope.forward(q, m) * rope.forward(k, n)).sum().item(); };
    CHECK(score(7, 3) == Approx(score(40, 36)).margin(1e-4));
    CHECK(score(3, 3) == Approx((q * k).sum().item()).margin(1e-4));
    CHECK(std::fabs(score(7, 3) - score(7, 4)) > 1e-3);
}

TEST_CASE("RoPE at start_pos equals the matching rows of a longer sequence", "[11_embeddings]") {
    manual_seed(7);
    nn::RotaryEmbedding rope(6, 16);
    Tensor x = randn({2, 5, 6});
    Tensor full = rope.forward(x);
    Tensor last = rope.forward(x.narrow(1, 4, 1), 4);  // one token at its true position (KV cache)
    CHECK(judge::allclose(last, full.narrow(1, 4, 1), 1e-6f, 1e-6f));
}

TEST_CASE("RoPE passes gradcheck on queries shaped batch heads time head_dim", "[11_embeddings]") {
    nn::RotaryEmbedding rope(4, 12);
    Tensor x = randn({2, 2, 3, 4}).requires_grad_();
    CHECK(judge::gradcheck([&](const Tensor& t) { return rope.forward(t, 2); }, x));
    CHECK(rope.parameters().empty());
    // a non-contiguous query (heads split from [B, T, H, d]) gives the same result as its copy
    Tensor y = randn({2, 3, 2, 4}).transpose(1, 2);
    CHECK(judge::allclose(rope.forward(y), rope.forward(y.contiguous())));
}

TEST_CASE("RoPE rejects odd head dims and positions past the tables", "[11_embeddings]") {
    nn::RotaryEmbedding rope(4, 8);
    CHECK_THROWS_AS(rope.forward(zeros({1, 9, 4})), IndexError);
    CHECK_THROWS_WITH(rope.forward(zeros({1, 2, 4}), 7), Contains("positions 7..8") && Contains("0..7"));
    CHECK_THROWS_AS(rope.forward(zeros({1, 2, 6})), ShapeError);
    CHECK_THROWS_WITH(rope.forward(zeros({1, 2, 6})), Contains("[1, 2, 6]"));
}

TEST_CASE("RotaryEmbedding rejects an odd or empty head_dim", "[11_embeddings][provided]") {
    CHECK_THROWS_AS(nn::RotaryEmbedding(5, 8), ValueError);
    CHECK_THROWS_WITH(nn::RotaryEmbedding(5, 8), Contains("even"));
    CHECK_THROWS_AS(nn::RotaryEmbedding(4, 0), ValueError);
}
