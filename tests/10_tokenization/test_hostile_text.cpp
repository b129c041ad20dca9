// tests/10_tokenization/test_hostile_text.cpp — tokenizer files and text built to hurt (issue 15):
// BPE merges that double a token's length on every line, repeated merges, thousands of special
// tokens; UTF-8 that only looks valid (overlong forms, surrogates, code points past U+10FFFF).
#include <chrono>
#include <fstream>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "tinytorch/tokenization/tokenization.hpp"

using namespace tinytorch;

namespace test_hostile_text {
void write(const std::string& path, const std::string& content) { std::ofstream(path, std::ios::binary) << content; }
/// A tokenizer file whose merges each join the previous token with itself: merge m is
/// (255 + m, 255 + m) after the first (97, 97), so token 256 + m has 2^(m+1) bytes.
std::string doubling_merges(int count) {
    std::string s = "tinytorch-bpe 1\nmerges " + std::to_string(count) + "\n97 97\n";
    for (int m = 1; m < count; ++m) s += std::to_string(255 + m) + " " + std::to_string(255 + m) + "\n";
    return s + "specials 0\n";
}
}  // namespace test_hostile_text

using tinytorch_test::TempDir;

TEST_CASE("BPE load refuses merges that would build a token longer than the limit", "[10_tokenization][provided]") {
    TempDir dir;
    const std::string path = dir.file("bomb.txt");
    // 17 doublings: 2^17 bytes > 64 KiB. Before the check, 40 lines asked for a terabyte.
    test_hostile_text::write(path, test_hostile_text::doubling_merges(40));
    auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(text::BPETokenizer::load(path), DataError);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains(path) && Contains("line 19") &&
                                                          Contains("a token of 131072 bytes") && Contains("65536 allowed"));
}

// Graded (the load of a valid file builds the vocabulary with the student's rebuild_vocab).
TEST_CASE("BPE load accepts merges up to the token length limit", "[10_tokenization]") {
    TempDir dir;
    const std::string path = dir.file("bomb.txt");
    // 16 doublings (a 64 KiB token) are within the limit
    test_hostile_text::write(path, test_hostile_text::doubling_merges(16));
    CHECK(text::BPETokenizer::load(path).vocab_size() == 256 + 16);
}

TEST_CASE("BPE load bounds the bytes of all merged tokens together", "[10_tokenization][provided]") {
    TempDir dir;
    const std::string path = dir.file("wide.txt");
    // a 16 KiB token (14 doublings: id 269), then 17000 distinct merges (269 + k / 256, k % 256) of
    // 16 KiB tokens with a byte: ~270 MiB in all, each token well within the per-token limit
    std::string s = "tinytorch-bpe 1\nmerges 17014\n97 97\n";
    for (int m = 1; m < 14; ++m) s += std::to_string(255 + m) + " " + std::to_string(255 + m) + "\n";
    for (int k = 0; k < 17000; ++k) s += std::to_string(269 + k / 256) + " " + std::to_string(k % 256) + "\n";
    test_hostile_text::write(path, s + "specials 0\n");
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("merged tokens") && Contains("268435456 allowed"));
}

TEST_CASE("BPE load refuses a merge listed twice", "[10_tokenization][provided]") {
    TempDir dir;
    const std::string path = dir.file("dup.txt");
    test_hostile_text::write(path, "tinytorch-bpe 1\nmerges 3\n97 98\n99 100\n97 98\nspecials 0\n");
    CHECK_THROWS_AS(text::BPETokenizer::load(path), DataError);
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("line 5") && Contains("merge 2 (97, 98) repeats"));
}

TEST_CASE("BPE load checks thousands of special tokens for duplicates in linear time", "[10_tokenization][provided]") {
    TempDir dir;
    const std::string path = dir.file("specials.txt");
    std::string s = "tinytorch-bpe 1\nmerges 0\nspecials 60001\n";
    for (int k = 0; k < 60000; ++k) s += "<s" + std::to_string(k) + ">\n";
    test_hostile_text::write(path, s + "<s17>\n");
    auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("'<s17>' is listed twice (17 and 60000)"));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));  // pairwise: 1.8e9 comparisons
}

TEST_CASE("utf8_chars rejects overlong forms surrogates and code points above U+10FFFF", "[10_tokenization][provided]") {
    // valid edges: U+0800 (E0 A0 80), U+D7FF (ED 9F BF), U+E000 (EE 80 80), U+10000 (F0 90 80 80), U+10FFFF (F4 8F BF BF)
    CHECK(text::utf8_chars("\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xF0\x90\x80\x80\xF4\x8F\xBF\xBF").size() == 5);
    for (const char* bad : {"\xE0\x80\xAF",          // '/' as an overlong 3-byte form
                            "\xE0\x9F\xBF",          // U+07FF in 3 bytes
                            "\xED\xA0\x80",          // U+D800, a high surrogate
                            "\xED\xBF\xBF",          // U+DFFF, a low surrogate
                            "\xF0\x8F\xBF\xBF",      // U+FFFF in 4 bytes
                            "\xF4\x90\x80\x80"}) {   // U+110000
        CHECK_THROWS_AS(text::utf8_chars(std::string("ok") + bad), ValueError);
        CHECK_THROWS_WITH(text::utf8_chars(std::string("ok") + bad, "reader"),
                          Contains("reader") && Contains("byte 2") && Contains("overlong") && Contains("surrogate") &&
                              Contains("U+10FFFF"));
    }
}

TEST_CASE("CharTokenizer refuses a surrogate in the text to encode", "[10_tokenization]") {
    text::CharTokenizer tok("abc");
    CHECK_THROWS_AS(tok.encode("a\xED\xA0\x80"), ValueError);
    CHECK_THROWS_WITH(tok.encode("a\xED\xA0\x80"), Contains("CharTokenizer::encode") && Contains("byte 1"));
}
