// tests/10_tokenization/test_token_tensor.cpp — ids as tensors and batches (lesson §8), corpus
// statistics, create_tokenizer
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/tokenization/tokenization.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

TEST_CASE("to_tensor turns ids into a 1-D float tensor", "[10_tokenization]") {
    Tensor t = text::to_tensor(std::vector<int64_t>{5, 2, 7, 0});
    REQUIRE(t.shape() == Shape{4});
    CHECK(t.to_vector() == std::vector<float>{5.f, 2.f, 7.f, 0.f});
    Tensor big = text::to_tensor(std::vector<int64_t>{16777216, 50256});
    CHECK(big.to_vector() == std::vector<float>{16777216.f, 50256.f});
    CHECK(text::to_tensor(std::vector<int64_t>{}).shape() == Shape{0});
}

TEST_CASE("to_tensor pads a batch of sequences on the right", "[10_tokenization]") {
    Tensor t = text::to_tensor(std::vector<std::vector<int64_t>>{{1, 2, 3}, {4}, {}, {5, 6}}, /*pad_id=*/9);
    REQUIRE(t.shape() == Shape{4, 3});
    CHECK(t.to_vector() == std::vector<float>{1, 2, 3, 4, 9, 9, 9, 9, 9, 5, 6, 9});
    CHECK(text::to_tensor(std::vector<std::vector<int64_t>>{}, 0).shape() == Shape{0, 0});
}

TEST_CASE("from_tensor gives back the ids of to_tensor", "[10_tokenization]") {
    std::vector<int64_t> ids{3, 1, 4, 1, 5, 9, 2, 6, 50256};
    CHECK(text::from_tensor(text::to_tensor(ids)) == ids);
    CHECK(text::from_tensor(Tensor({7.f, 0.f})) == std::vector<int64_t>{7, 0});
}

TEST_CASE("Encoded text goes through a tensor and decodes back", "[10_tokenization]") {
    text::CharTokenizer tok("abcdefgh ");
    const std::string s = "bad cafe";
    Tensor t = text::to_tensor(tok.encode(s));
    CHECK(t.shape() == Shape{8});
    CHECK(tok.decode(text::from_tensor(t)) == s);
}

TEST_CASE("to_tensor rejects ids that float32 cannot hold exactly", "[10_tokenization][provided]") {
    CHECK_THROWS_AS(text::to_tensor(std::vector<int64_t>{1, 16777217}), ValueError);
    CHECK_THROWS_WITH(text::to_tensor(std::vector<int64_t>{1, 16777217}),
                      Contains("id 16777217 at position 1") && Contains("0..16777216"));
    CHECK_THROWS_WITH(text::to_tensor(std::vector<int64_t>{-2}), Contains("id -2 at position 0"));
    CHECK_THROWS_WITH(text::to_tensor(std::vector<std::vector<int64_t>>{{1}}, -1), Contains("pad_id"));
}

TEST_CASE("from_tensor rejects tensors that are not 1-D", "[10_tokenization][provided]") {
    // a ready-made check that runs before any student code: tensors built by judge::full
    CHECK_THROWS_AS(text::from_tensor(judge::full({2, 3})), ShapeError);
    CHECK_THROWS_WITH(text::from_tensor(judge::full({2, 3})), Contains("1-D") && Contains("[2, 3]"));
}

TEST_CASE("from_tensor rejects values that are not whole ids and converts whole ones", "[10_tokenization]") {
    // the value checks are ready-made but read the tensor through module 01; the conversion is the student's
    CHECK(text::from_tensor(judge::tensor({3.f, 0.f, 257.f}, {3})) == std::vector<int64_t>{3, 0, 257});
    CHECK_THROWS_AS(text::from_tensor(Tensor({1.f, 2.5f})), ValueError);
    CHECK_THROWS_WITH(text::from_tensor(Tensor({1.f, 2.5f})), Contains("value 2.5 at position 1"));
    CHECK_THROWS_WITH(text::from_tensor(Tensor({-1.f})), Contains("value -1 at position 0"));
    CHECK_THROWS_WITH(text::from_tensor(Tensor({std::numeric_limits<float>::quiet_NaN()})), Contains("position 0"));
}

TEST_CASE("encode_batch encodes pads and truncates a list of texts", "[10_tokenization]") {
    text::BPETokenizer tok;
    tok.train("aaabdaaabac", 270, {"<pad>"});  // 258 = aaab, 259 = <pad>
    Tensor t = text::encode_batch(tok, {"aaab", "aaabdaaabac", ""}, tok.special_id("<pad>"));
    REQUIRE(t.shape() == Shape{3, 5});
    CHECK(t.to_vector() == std::vector<float>{258, 259, 259, 259, 259, 258, 100, 258, 97, 99, 259, 259, 259, 259, 259});
    Tensor cut = text::encode_batch(tok, {"aaabdaaabac", "ab"}, 259, /*max_length=*/2);
    REQUIRE(cut.shape() == Shape{2, 2});
    CHECK(cut.to_vector() == std::vector<float>{258, 100, 257, 259});
}

TEST_CASE("encode_batch rejects a negative max_length and a pad_id outside the vocabulary", "[10_tokenization][provided]") {
    text::BPETokenizer tok;
    CHECK_THROWS_AS(text::encode_batch(tok, {"a"}, 0, -1), ValueError);
    CHECK_THROWS_WITH(text::encode_batch(tok, {"a"}, 0, -1), Contains("max_length must be >= 0") && Contains("got -1"));
    CHECK_THROWS_AS(text::encode_batch(tok, {"a"}, 256), ValueError);
    CHECK_THROWS_WITH(text::encode_batch(tok, {"a"}, 256), Contains("pad_id 256") && Contains("ids 0..255"));
}

TEST_CASE("analyze_tokenization counts bytes tokens and compression", "[10_tokenization]") {
    text::CharTokenizer chars("abc \xC3\xA9");
    text::TokenizationStats s = text::analyze_tokenization(chars, {"abc", "\xC3\xA9\xC3\xA9 a", ""});
    CHECK(s.texts == 3);
    CHECK(s.bytes == 9);
    CHECK(s.tokens == 7);
    CHECK(s.max_tokens == 4);
    CHECK(s.unique_tokens == 5);
    CHECK(s.vocab_size == 6);
    CHECK(s.bytes_per_token() == Approx(9.0 / 7.0));
    CHECK(s.mean_tokens() == Approx(7.0 / 3.0));
    text::BPETokenizer bpe;
    bpe.train("aaabdaaabac", 270);
    text::TokenizationStats b = text::analyze_tokenization(bpe, {"aaabdaaabac"});
    CHECK(b.tokens == 5);
    CHECK(b.unique_tokens == 4);
    CHECK(b.bytes_per_token() == Approx(11.0 / 5.0));
}

TEST_CASE("create_tokenizer builds a char or a BPE tokenizer by name", "[10_tokenization]") {
    auto chars = text::create_tokenizer("char", "hello");
    CHECK(chars->vocab_size() == 5);
    CHECK(chars->encode("oh") == std::vector<int64_t>{4, 2});
    auto bpe = text::create_tokenizer("bpe", "aaabdaaabac", 260);
    CHECK(bpe->vocab_size() == 259);
    CHECK(bpe->decode(bpe->encode("abacab")) == "abacab");
}

TEST_CASE("create_tokenizer rejects an unknown kind", "[10_tokenization][provided]") {
    CHECK_THROWS_AS(text::create_tokenizer("word", "hello"), ValueError);
    CHECK_THROWS_WITH(text::create_tokenizer("word", "hello"), Contains("unknown kind 'word'") &&
                                                                   Contains("'char' or 'bpe'"));
}
