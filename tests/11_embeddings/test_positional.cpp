// tests/11_embeddings/test_positional.cpp — the sinusoidal table and the learned / sinusoidal
// positional modules (start positions for a KV cache, errors past the table).
#include <cmath>

#include "support/catch.hpp"
#include "tinytorch/embeddings/embeddings.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;

TEST_CASE("the sinusoidal table holds sin and cos of position times frequency", "[11_embeddings]") {
    Tensor pe = sinusoidal_position_encoding(50, 6);
    REQUIRE(pe.shape() == Shape{50, 6});
    CHECK(judge::allclose(pe[0], Tensor({0.f, 1.f, 0.f, 1.f, 0.f, 1.f})));  // position 0: sin 0, cos 0
    // position 3, pair i = 1: frequency 10000^(-2/6)
    const double w1 = std::pow(10000.0, -2.0 / 6.0), w2 = std::pow(10000.0, -4.0 / 6.0);
    CHECK(pe.at({3, 0}) == Approx(std::sin(3.0)).margin(1e-6));
    CHECK(pe.at({3, 1}) == Approx(std::cos(3.0)).margin(1e-6));
    CHECK(pe.at({3, 2}) == Approx(std::sin(3.0 * w1)).margin(1e-6));
    CHECK(pe.at({3, 3}) == Approx(std::cos(3.0 * w1)).margin(1e-6));
    CHECK(pe.at({49, 4}) == Approx(std::sin(49.0 * w2)).margin(1e-6));
    CHECK(pe.at({49, 5}) == Approx(std::cos(49.0 * w2)).margin(1e-6));
}

TEST_CASE("an odd width ends the sinusoidal table with a sine column", "[11_embeddings]") {
    Tensor pe = sinusoidal_position_encoding(4, 5);
    const double w2 = std::pow(10000.0, -4.0 / 5.0);
    CHECK(pe.at({2, 4}) == Approx(std::sin(2.0 * w2)).margin(1e-6));
    CHECK(pe.at({0, 4}) == 0.0f);
}

TEST_CASE("every sinusoidal pair lies on the unit circle so a shift is a rotation", "[11_embeddings]") {
    Tensor pe = sinusoidal_position_encoding(100, 8);
    Tensor pairs = pe.reshape({100, 4, 2});
    Tensor norms = (pairs * pairs).sum(-1);
    CHECK(judge::allclose(norms, ones({100, 4}), 1e-5f, 1e-5f));
    // PE[t + k] · PE[t] depends on k only: the same for t = 3 and t = 40
    auto dot = [&](int64_t a, int64_t b) { return (pe[a] * pe[b]).sum().item(); };
    CHECK(dot(3, 8) == Approx(dot(40, 45)).margin(1e-4));
    CHECK(dot(3, 8) < dot(3, 3));
}

TEST_CASE("SinusoidalPositionalEncoding adds the rows of the positions from start_pos", "[11_embeddings]") {
    nn::SinusoidalPositionalEncoding enc(16, 4);
    Tensor x = ones({2, 3, 4});
    Tensor pe = sinusoidal_position_encoding(16, 4);
    CHECK(judge::allclose(enc.forward(x), x + pe.narrow(0, 0, 3)));
    CHECK(judge::allclose(enc.forward(x, 5), x + pe.narrow(0, 5, 3)));
    CHECK(enc.parameters().empty());
    CHECK(enc.state_dict().size() == 0);
}

TEST_CASE("LearnedPositionalEmbedding adds one trained row per position", "[11_embeddings]") {
    nn::LearnedPositionalEmbedding pos(8, 3);
    pos.weight.detach().copy_(arange(0.f, 24.f).reshape({8, 3}));
    Tensor x = zeros({2, 2, 3});
    CHECK(judge::equal(pos.forward(x), Tensor({{0.f, 1.f, 2.f}, {3.f, 4.f, 5.f}}).unsqueeze(0).expand({2, 2, 3})));
    CHECK(judge::equal(pos.forward(x, 6), Tensor({{18.f, 19.f, 20.f}, {21.f, 22.f, 23.f}}).unsqueeze(0).expand({2, 2, 3})));
    CHECK(judge::equal(pos.positions(1, 7), Tensor({{21.f, 22.f, 23.f}})));
    CHECK(pos.named_parameters()[0].first == "weight");
}

TEST_CASE("LearnedPositionalEmbedding trains only the rows of the positions used", "[11_embeddings]") {
    nn::LearnedPositionalEmbedding pos(6, 2);
    Tensor x = ones({3, 2, 2}).requires_grad_();
    pos.forward(x, 3).sum().backward();
    Tensor expected = zeros({6, 2});
    expected.narrow(0, 3, 2).fill_(3.0f);  // three sequences use positions 3 and 4
    CHECK(judge::equal(pos.weight.grad(), expected));
    CHECK(judge::equal(x.grad(), ones({3, 2, 2})));
    CHECK(judge::gradcheck([&](const Tensor& t) { return pos.forward(t, 1) * pos.forward(t, 1); }, randn({2, 4, 2}).requires_grad_()));
}

TEST_CASE("positions past the table are an IndexError naming them and max_len", "[11_embeddings]") {
    nn::LearnedPositionalEmbedding pos(4, 2);
    CHECK_THROWS_AS(pos.forward(zeros({1, 5, 2})), IndexError);
    CHECK_THROWS_WITH(pos.forward(zeros({1, 2, 2}), 3), Contains("positions 3..4") && Contains("0..3"));
    CHECK_THROWS_AS(pos.positions(2, -1), IndexError);
    nn::SinusoidalPositionalEncoding enc(4, 2);
    CHECK_THROWS_WITH(enc.forward(zeros({5, 2})), Contains("max_len 4"));
}

TEST_CASE("positional modules reject inputs whose last dim is not the model width", "[11_embeddings]") {
    nn::LearnedPositionalEmbedding pos(4, 3);
    CHECK_THROWS_AS(pos.forward(zeros({2, 2, 5})), ShapeError);
    CHECK_THROWS_WITH(pos.forward(zeros({2, 2, 5})), Contains("[2, 2, 5]") && Contains("[..., T, 3]"));
    CHECK_THROWS_AS(pos.forward(zeros({3})), ShapeError);
}

TEST_CASE("positional constructors reject sizes that are not positive", "[11_embeddings][provided]") {
    CHECK_THROWS_AS(sinusoidal_position_encoding(0, 4), ValueError);
    CHECK_THROWS_WITH(sinusoidal_position_encoding(3, -2), Contains("dim=-2"));
    CHECK_THROWS_AS(nn::LearnedPositionalEmbedding(4, 0), ValueError);
}
