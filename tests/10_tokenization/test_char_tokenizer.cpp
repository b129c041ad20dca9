// tests/10_tokenization/test_char_tokenizer.cpp — CharTokenizer and UTF-8 characters (lesson §1, §2)
#include "support/catch.hpp"
#include "tinytorch/tokenization/tokenization.hpp"

using namespace tinytorch;

TEST_CASE("CharTokenizer vocabulary is unk then the sorted distinct characters", "[10_tokenization]") {
    text::CharTokenizer tok("hello");
    CHECK(tok.vocab() == std::vector<std::string>{"<unk>", "e", "h", "l", "o"});
    CHECK(tok.vocab_size() == 5);
    CHECK(tok.unk_id() == 0);
    CHECK(tok.token_to_id("l") == 3);
    CHECK(tok.token_to_id("z") == -1);
}

TEST_CASE("CharTokenizer without unk starts its ids at the first character", "[10_tokenization]") {
    text::CharTokenizer tok("cab", /*add_unk=*/false);
    CHECK(tok.vocab() == std::vector<std::string>{"a", "b", "c"});
    CHECK(tok.unk_id() == -1);
    CHECK(tok.encode("abc") == std::vector<int64_t>{0, 1, 2});
}

TEST_CASE("CharTokenizer encodes one id per character", "[10_tokenization]") {
    text::CharTokenizer tok("hello");
    CHECK(tok.encode("hole") == std::vector<int64_t>{2, 4, 3, 1});
    CHECK(tok.encode("") == std::vector<int64_t>{});
    CHECK(tok.decode({2, 1, 3, 3, 4}) == "hello");
}

TEST_CASE("CharTokenizer maps unknown characters to unk and decodes it as the unk token", "[10_tokenization]") {
    text::CharTokenizer tok("ab");
    CHECK(tok.encode("abz!a") == std::vector<int64_t>{1, 2, 0, 0, 1});
    CHECK(tok.decode(tok.encode("abz")) == "ab<unk>");
}

TEST_CASE("CharTokenizer treats a multi-byte UTF-8 character as one token", "[10_tokenization]") {
    const std::string corpus = "caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x99\x82";  // café naïve 日本 🙂
    text::CharTokenizer tok(corpus);
    // distinct: ' ' a c e f n v é ï 日 本 🙂 (+ <unk>) — sorted by code point
    CHECK(tok.vocab_size() == 13);
    CHECK(tok.vocab()[8] == "\xC3\xA9");
    CHECK(tok.vocab()[12] == "\xF0\x9F\x99\x82");
    std::vector<int64_t> ids = tok.encode("caf\xC3\xA9");
    CHECK(ids == std::vector<int64_t>{3, 2, 5, 8});
    CHECK(tok.decode(tok.encode(corpus)) == corpus);
}

TEST_CASE("CharTokenizer round trips ASCII text exactly", "[10_tokenization]") {
    const std::string text = "To be, or not to be: that is the question.\nWhether 'tis nobler in the mind...";
    text::CharTokenizer tok(text, /*add_unk=*/false);
    std::vector<int64_t> ids = tok.encode(text);
    CHECK(ids.size() == text.size());
    CHECK(tok.decode(ids) == text);
}

TEST_CASE("CharTokenizer build_vocab replaces the previous vocabulary", "[10_tokenization]") {
    text::CharTokenizer tok("xyz");
    tok.build_vocab("ba", /*add_unk=*/false);
    CHECK(tok.vocab() == std::vector<std::string>{"a", "b"});
    CHECK(tok.token_to_id("x") == -1);
    CHECK(tok.encode("ab") == std::vector<int64_t>{0, 1});
}

TEST_CASE("CharTokenizer without unk names an unknown character and its position", "[10_tokenization]") {
    text::CharTokenizer tok("abc", /*add_unk=*/false);
    CHECK_THROWS_AS(tok.encode("abxc"), ValueError);
    CHECK_THROWS_WITH(tok.encode("abxc"), Contains("'x'") && Contains("position 2") && Contains("3 characters") &&
                                              Contains("hint"));
}

TEST_CASE("CharTokenizer decode rejects an id outside the vocabulary", "[10_tokenization]") {
    text::CharTokenizer tok("abc");
    CHECK(tok.decode({1, 2, 3}) == "abc");
    CHECK_THROWS_AS(tok.decode({1, 4}), ValueError);
    CHECK_THROWS_WITH(tok.decode({1, 4}), Contains("id 4 at position 1") && Contains("ids 0..3"));
    CHECK_THROWS_WITH(tok.decode({-1}), Contains("id -1 at position 0"));
}

TEST_CASE("CharTokenizer rejects invalid UTF-8 in the text to encode", "[10_tokenization]") {
    text::CharTokenizer tok("abc");
    CHECK(tok.encode("cab") == std::vector<int64_t>{3, 1, 2});
    CHECK_THROWS_AS(tok.encode("a\xFF"), ValueError);
    CHECK_THROWS_WITH(tok.encode("a\xFF"), Contains("CharTokenizer::encode") && Contains("byte 1"));
}

TEST_CASE("CharTokenizer needs a vocabulary and a non-empty corpus", "[10_tokenization][provided]") {
    text::CharTokenizer empty;
    CHECK(empty.vocab_size() == 0);
    CHECK_THROWS_AS(empty.encode("a"), ValueError);
    CHECK_THROWS_WITH(empty.encode("a"), Contains("vocabulary is empty") && Contains("build_vocab"));
    CHECK_THROWS_WITH(empty.decode({0}), Contains("CharTokenizer::decode"));
    CHECK_THROWS_AS(text::CharTokenizer(""), ValueError);
    CHECK_THROWS_WITH(text::CharTokenizer(""), Contains("corpus is empty"));
}

TEST_CASE("utf8_chars splits text into characters of one to four bytes", "[10_tokenization][provided]") {
    std::vector<std::string_view> chars = text::utf8_chars("a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x99\x82");
    REQUIRE(chars.size() == 4);
    CHECK(chars[0] == "a");
    CHECK(chars[1] == "\xC3\xA9");
    CHECK(chars[2] == "\xE6\x97\xA5");
    CHECK(chars[3] == "\xF0\x9F\x99\x82");
    CHECK(text::utf8_chars("").empty());
}

TEST_CASE("utf8_chars names the byte where the UTF-8 is invalid", "[10_tokenization][provided]") {
    CHECK_THROWS_AS(text::utf8_chars("ab\x80"), ValueError);
    CHECK_THROWS_WITH(text::utf8_chars("ab\x80"), Contains("byte 2") && Contains("0x80") && Contains("cannot start"));
    CHECK_THROWS_WITH(text::utf8_chars("a\xC3"), Contains("byte 1") && Contains("cut short"));
    CHECK_THROWS_WITH(text::utf8_chars("\xE6\x41\x41"), Contains("byte 0") && Contains("cut short"));
    CHECK_THROWS_WITH(text::utf8_chars("\xC0\xAF", "my_reader"), Contains("my_reader") && Contains("0xc0"));
}
