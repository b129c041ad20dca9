// tests/11_embeddings/test_embedding.cpp — nn::Embedding: lookup, scatter-add backward, padding_idx,
// from_pretrained, initialisation, index errors.
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/embeddings/embeddings.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;

namespace embedding_test {
/// A table whose row r is [10r, 10r + 1, 10r + 2]: a looked-up row names itself.
Tensor numbered_table(int64_t rows) {
    std::vector<float> v;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < 3; ++c) v.push_back(static_cast<float>(10 * r + c));
    return Tensor(v, {rows, 3});
}
}  // namespace embedding_test

using embedding_test::numbered_table;

TEST_CASE("Embedding copies the rows named by the indices", "[11_embeddings]") {
    nn::Embedding emb(5, 3);
    emb.weight.detach().copy_(numbered_table(5));
    Tensor y = emb.forward(Tensor({{1.f, 0.f}, {4.f, 1.f}}));
    REQUIRE(y.shape() == Shape{2, 2, 3});
    CHECK(judge::equal(y, Tensor({{{10.f, 11.f, 12.f}, {0.f, 1.f, 2.f}}, {{40.f, 41.f, 42.f}, {10.f, 11.f, 12.f}}})));
}

TEST_CASE("Embedding output shape is the index shape plus the embedding dim", "[11_embeddings]") {
    nn::Embedding emb(7, 4);
    CHECK(emb.forward(Tensor({3.f})).shape() == Shape{1, 4});
    CHECK(emb.forward(zeros({2, 3, 5})).shape() == Shape{2, 3, 5, 4});
    Tensor one = emb.forward(scalar_tensor(6.f));
    REQUIRE(one.shape() == Shape{4});
    CHECK(judge::equal(one, emb.weight[6].detach()));
    CHECK(emb.forward(zeros({0})).shape() == Shape{0, 4});
}

TEST_CASE("Embedding backward adds the gradient of every use of a row", "[11_embeddings]") {
    nn::Embedding emb(5, 3);
    Tensor idx = Tensor({1.f, 3.f, 1.f, 1.f});
    Tensor g = Tensor({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}, {7.f, 8.f, 9.f}, {10.f, 11.f, 12.f}});
    emb.forward(idx).backward(g);
    Tensor expected = zeros({5, 3});
    expected.select(0, 1).copy_(Tensor({18.f, 21.f, 24.f}));  // rows 0, 2, 3 of g
    expected.select(0, 3).copy_(Tensor({4.f, 5.f, 6.f}));
    CHECK(judge::equal(emb.weight.grad(), expected));
}

TEST_CASE("Embedding passes gradcheck with repeated indices", "[11_embeddings]") {
    Tensor w = randn({6, 4}).requires_grad_();
    Tensor idx = Tensor({{5.f, 0.f, 5.f}, {2.f, 5.f, 0.f}});
    CHECK(judge::gradcheck([&](const Tensor& t) { return embedding(idx, t) * embedding(idx, t); }, w));
}

TEST_CASE("the padding row starts at zero and never receives a gradient", "[11_embeddings]") {
    manual_seed(3);
    nn::Embedding emb(nn::EmbeddingOptions(6, 4).padding_idx(2));
    CHECK(judge::equal(emb.weight[2].detach(), zeros({4})));
    CHECK(emb.weight[1].detach().abs().sum().item() > 0.0f);
    emb.forward(Tensor({2.f, 1.f, 2.f})).sum().backward();
    CHECK(judge::equal(emb.weight.grad()[2], zeros({4})));
    CHECK(judge::equal(emb.weight.grad()[1], ones({4})));
    REQUIRE(emb.padding_idx().has_value());
    CHECK(*emb.padding_idx() == 2);
}

TEST_CASE("a negative padding_idx counts from the end as in PyTorch", "[11_embeddings]") {
    nn::Embedding emb(nn::EmbeddingOptions(6, 2).padding_idx(-1));
    REQUIRE(emb.padding_idx().has_value());
    CHECK(*emb.padding_idx() == 5);
    CHECK(judge::equal(emb.weight[5].detach(), zeros({2})));
    CHECK(emb.to_string() == "Embedding(6, 2, padding_idx=5)");
}

TEST_CASE("Embedding weights are drawn from a standard normal reproducibly", "[11_embeddings]") {
    manual_seed(42);
    nn::Embedding a(2000, 8);
    manual_seed(42);
    nn::Embedding b(2000, 8);
    CHECK(judge::equal(a.weight, b.weight));
    const float mean = a.weight.mean().item(), var = a.weight.var().item();
    CHECK(std::fabs(mean) < 0.03f);
    CHECK(std::fabs(var - 1.0f) < 0.05f);
    CHECK(a.weight.requires_grad());
    auto names = a.named_parameters();
    REQUIRE(names.size() == 1);
    CHECK(names[0].first == "weight");
    CHECK(a.state_dict().contains("weight"));
}

TEST_CASE("an index outside the table is an IndexError naming the index and the range", "[11_embeddings]") {
    nn::Embedding emb(10, 3);
    CHECK_THROWS_AS(emb.forward(Tensor({1.f, 10.f})), IndexError);
    CHECK_THROWS_WITH(emb.forward(Tensor({1.f, 10.f})), Contains("index 10") && Contains("0..9"));
    CHECK_THROWS_WITH(emb.forward(Tensor({{0.f, 1.f}, {-1.f, 2.f}})), Contains("index -1") && Contains("[1, 0]"));
}

TEST_CASE("an index that is not a whole number is a ValueError", "[11_embeddings]") {
    nn::Embedding emb(10, 3);
    CHECK_THROWS_AS(emb.forward(Tensor({1.5f})), ValueError);
    CHECK_THROWS_WITH(emb.forward(Tensor({1.5f})), Contains("1.5") && Contains("not a whole number"));
    CHECK_THROWS_AS(emb.forward(Tensor({std::numeric_limits<float>::quiet_NaN()})), ValueError);
    CHECK_THROWS_AS(emb.forward(Tensor({std::numeric_limits<float>::infinity()})), ValueError);
}

TEST_CASE("from_pretrained shares the given table and freezes it by default", "[11_embeddings]") {
    Tensor table = numbered_table(4);
    auto emb = nn::Embedding::from_pretrained(table);
    CHECK(emb->weight.shares_storage_with(table));
    CHECK_FALSE(emb->weight.requires_grad());
    CHECK(emb->num_embeddings() == 4);
    CHECK(emb->embedding_dim() == 3);
    CHECK(judge::equal(emb->forward(Tensor({3.f})), Tensor({{30.f, 31.f, 32.f}})));
}

TEST_CASE("from_pretrained with freeze false trains and keeps the padding row values", "[11_embeddings]") {
    auto emb = nn::Embedding::from_pretrained(numbered_table(4),
                                              nn::EmbeddingFromPretrainedOptions().freeze(false).padding_idx(0));
    CHECK(emb->weight.requires_grad());
    CHECK(judge::equal(emb->weight[0].detach(), Tensor({0.f, 1.f, 2.f})));  // not zeroed, as PyTorch
    emb->forward(Tensor({0.f, 2.f})).sum().backward();
    CHECK(judge::equal(emb->weight.grad()[0], zeros({3})));
    CHECK(judge::equal(emb->weight.grad()[2], ones({3})));
}

TEST_CASE("functional embedding looks up rows and honours padding_idx", "[11_embeddings]") {
    Tensor w = numbered_table(3).requires_grad_();
    Tensor y = nn::functional::embedding(Tensor({2.f, 1.f}), w, nn::EmbeddingFuncOptions().padding_idx(1));
    CHECK(judge::equal(y, Tensor({{20.f, 21.f, 22.f}, {10.f, 11.f, 12.f}})));
    y.sum().backward();
    CHECK(judge::equal(w.grad(), Tensor({{0.f, 0.f, 0.f}, {0.f, 0.f, 0.f}, {1.f, 1.f, 1.f}})));
}

TEST_CASE("Embedding rejects bad sizes padding rows and tables", "[11_embeddings][provided]") {
    CHECK_THROWS_AS(nn::Embedding(0, 3), ValueError);
    CHECK_THROWS_WITH(nn::Embedding(5, -1), Contains("embedding_dim=-1"));
    CHECK_THROWS_AS(nn::Embedding(nn::EmbeddingOptions(5, 3).padding_idx(5)), IndexError);
    CHECK_THROWS_WITH(nn::Embedding(nn::EmbeddingOptions(5, 3).padding_idx(-6)), Contains("padding_idx -6"));
    CHECK_THROWS_AS(nn::Embedding::from_pretrained(Tensor()), ShapeError);
    CHECK_THROWS_AS(embedding(Tensor(), Tensor()), ShapeError);
}
