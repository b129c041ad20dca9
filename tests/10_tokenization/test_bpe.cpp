// tests/10_tokenization/test_bpe.cpp — byte-level BPE: pairs, merges, training, encoding, special
// tokens (lesson §3-§7)
#include "support/catch.hpp"
#include "tinytorch/tokenization/tokenization.hpp"

using namespace tinytorch;

namespace test_bpe {
std::string corpus() {
    return "the cat sat on the mat. the cat ate the rat. that cat is the fattest cat that sat on a mat.\n"
           "then the rat sat on the cat, and the mat sat on the rat; the end of the tale of the cat.\n";
}
std::vector<int64_t> bytes_of(const std::string& s) {
    std::vector<int64_t> ids;
    for (char c : s) ids.push_back(static_cast<unsigned char>(c));
    return ids;
}
}  // namespace test_bpe

// ---- §4 pairs and merges ----------------------------------------------------------------------

TEST_CASE("count_pairs counts adjacent pairs weighted by word counts", "[10_tokenization]") {
    text::PairCounts one = text::count_pairs(std::vector<int64_t>{97, 97, 97, 98});
    CHECK(one.size() == 2);
    CHECK(one.at({97, 97}) == 2);
    CHECK(one.at({97, 98}) == 1);
    text::PairCounts many = text::count_pairs(std::vector<text::WordCount>{{{1, 2, 3}, 2}, {{2, 3}, 5}, {{4}, 9}});
    CHECK(many.size() == 2);
    CHECK(many.at({1, 2}) == 2);
    CHECK(many.at({2, 3}) == 7);
    CHECK(text::count_pairs(std::vector<int64_t>{}).empty());
}

TEST_CASE("most_frequent_pair breaks ties by the smallest pair", "[10_tokenization]") {
    text::PairCounts counts{{{5, 1}, 3}, {{2, 9}, 3}, {{7, 7}, 1}, {{2, 4}, 3}, {{1, 8}, 2}};
    auto best = text::most_frequent_pair(counts);
    REQUIRE(best.has_value());
    CHECK(best->first == text::Pair{2, 4});
    CHECK(best->second == 3);
    counts[{9, 9}] = 4;
    CHECK(text::most_frequent_pair(counts)->first == text::Pair{9, 9});
    CHECK_FALSE(text::most_frequent_pair(text::PairCounts{}).has_value());
}

TEST_CASE("merge_pair replaces occurrences left to right without overlaps", "[10_tokenization]") {
    CHECK(text::merge_pair({7, 7, 7}, {7, 7}, 300) == std::vector<int64_t>{300, 7});
    CHECK(text::merge_pair({7, 7, 7, 7}, {7, 7}, 300) == std::vector<int64_t>{300, 300});
    CHECK(text::merge_pair({1, 2, 3, 1, 2}, {1, 2}, 256) == std::vector<int64_t>{256, 3, 256});
    CHECK(text::merge_pair({2, 1, 3}, {1, 2}, 256) == std::vector<int64_t>{2, 1, 3});
    CHECK(text::merge_pair({}, {1, 2}, 256).empty());
    CHECK(text::merge_pair({1}, {1, 2}, 256) == std::vector<int64_t>{1});
}

// ---- §5 training --------------------------------------------------------------------------------

TEST_CASE("BPE training reproduces the hand worked aaabdaaabac example", "[10_tokenization]") {
    // pairs aa:4 ab:2 -> merge (a, a) = 256; then (256, a):2 and (a, b):2 tie, the smaller pair
    // (97, 98) wins = 257; then (256, 257):2 = 258 ("aaab"); then every pair is seen once: stop.
    text::BPETokenizer tok;
    tok.train("aaabdaaabac", 270);
    CHECK(tok.merges() == std::vector<text::Pair>{{97, 97}, {97, 98}, {256, 257}});
    CHECK(tok.vocab_size() == 259);
    CHECK(tok.id_to_token(256) == "aa");
    CHECK(tok.id_to_token(257) == "ab");
    CHECK(tok.id_to_token(258) == "aaab");
    CHECK(tok.encode("aaabdaaabac") == std::vector<int64_t>{258, 100, 258, 97, 99});
    CHECK(tok.encode("aab") == std::vector<int64_t>{256, 98});
}

TEST_CASE("BPE training stops at the requested vocabulary size", "[10_tokenization]") {
    text::BPETokenizer tok;
    tok.train("aaabdaaabac", 257);
    CHECK(tok.merges() == std::vector<text::Pair>{{97, 97}});
    CHECK(tok.vocab_size() == 257);
    tok.train(test_bpe::corpus(), 256);
    CHECK(tok.merges().empty());
    CHECK(tok.encode("cat") == test_bpe::bytes_of("cat"));
}

TEST_CASE("BPE merges never cross chunk boundaries", "[10_tokenization]") {
    // ". " occurs often but '.' and ' t' are different chunks, so no merge may contain both
    text::BPETokenizer tok;
    tok.train(test_bpe::corpus(), 400);
    REQUIRE(tok.merges().size() >= 15);
    for (int64_t id = 256; id < tok.vocab_size(); ++id) {
        std::string t = tok.id_to_token(id);
        CHECK(text::pretokenize(t).size() == 1);
    }
    // " the" is the most frequent chunk: it becomes a single token
    CHECK(tok.encode(" the").size() == 1);
    CHECK(tok.encode(" the cat").size() == 2);
}

TEST_CASE("BPE training is deterministic", "[10_tokenization]") {
    text::BPETokenizer a, b;
    a.train(test_bpe::corpus(), 320);
    b.train(test_bpe::corpus(), 320);
    CHECK(a.merges() == b.merges());
    CHECK(a.vocab_size() == b.vocab_size());
    CHECK(a.encode("the fat cat") == b.encode("the fat cat"));
    // retraining the same object starts from scratch
    a.train("aaabdaaabac", 300);
    CHECK(a.merges().size() == 3);
}

TEST_CASE("BPE compresses its training text below one token per byte", "[10_tokenization]") {
    text::BPETokenizer tok;
    const std::string text = test_bpe::corpus();
    tok.train(text, 400);
    std::vector<int64_t> ids = tok.encode(text);
    CHECK(ids.size() * 2 < text.size());
    for (int64_t id : ids) CHECK((id >= 0 && id < tok.vocab_size()));
}

// ---- §3 and §6: encode and decode ------------------------------------------------------------------

TEST_CASE("An untrained BPE tokenizer encodes one id per byte", "[10_tokenization]") {
    text::BPETokenizer tok;
    CHECK(tok.vocab_size() == 256);
    CHECK(tok.encode("h\xC3\xA9!") == std::vector<int64_t>{104, 195, 169, 33});
    CHECK(tok.decode({104, 195, 169, 33}) == "h\xC3\xA9!");
}

TEST_CASE("BPE round trips ASCII and UTF-8 and empty text exactly", "[10_tokenization]") {
    text::BPETokenizer tok;
    tok.train(test_bpe::corpus() + "caf\xC3\xA9 caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE6\x97\xA5\xE6\x9C\xAC", 420);
    for (const std::string& s :
         {std::string("the cat sat on the mat."), std::string("Zebra QUIZ 1234567890 !?@#$%^&*()\t\r\n  x"),
          std::string("caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x99\x82\xF0\x9F\x99\x82"),
          std::string(""), std::string("   "), std::string("\xFF\xFE not UTF-8 \x80")}) {
        std::vector<int64_t> ids = tok.encode(s);
        CHECK(tok.decode(ids) == s);
    }
    CHECK(tok.encode("").empty());
}

TEST_CASE("BPE encode applies merges in the order they were learned", "[10_tokenization]") {
    // chunks bc x3, ab x2 (the dots are chunks of their own): merge 256 = (b, c), then 257 = (a, b).
    // "abc" holds both pairs; the earlier merge wins: [a, bc], not [ab, c].
    text::BPETokenizer tok;
    tok.train("bc.bc.bc.ab.ab", 300);
    REQUIRE(tok.merges() == std::vector<text::Pair>{{98, 99}, {97, 98}});
    CHECK(tok.encode("abc") == std::vector<int64_t>{97, 256});
    CHECK(tok.encode("ab.bc") == std::vector<int64_t>{257, 46, 256});
    CHECK(tok.encode("abab") == std::vector<int64_t>{257, 257});
}

TEST_CASE("BPE decode of a single id gives that token and rejects unknown ids", "[10_tokenization]") {
    text::BPETokenizer tok;
    tok.train("aaabdaaabac", 270, {"<pad>"});
    CHECK(tok.decode({258, 100}) == "aaabd");
    CHECK(tok.decode({259}) == "<pad>");
    CHECK_THROWS_AS(tok.decode({97, 260}), ValueError);
    CHECK_THROWS_WITH(tok.decode({97, 260}), Contains("BPETokenizer::decode") && Contains("id 260 at position 1") &&
                                                 Contains("ids 0..259"));
}

// ---- §7 special tokens ----------------------------------------------------------------------------

TEST_CASE("Special tokens get the last ids and are encoded as whole tokens", "[10_tokenization]") {
    text::BPETokenizer tok;
    std::string text;
    for (int i = 0; i < 20; ++i) text += "the cat<|endoftext|>the rat<|endoftext|>";
    tok.train(text, 300, {"<|endoftext|>", "<pad>"});
    const int64_t eot = tok.special_id("<|endoftext|>"), pad = tok.special_id("<pad>");
    CHECK(eot == tok.vocab_size() - 2);
    CHECK(pad == tok.vocab_size() - 1);
    CHECK(eot == 256 + static_cast<int64_t>(tok.merges().size()));
    CHECK(tok.special_id("<unk>") == -1);
    CHECK(tok.special_tokens() == std::vector<std::string>{"<|endoftext|>", "<pad>"});
    // no learned token contains a piece of a special token
    for (int64_t id = 256; id < eot; ++id) CHECK(tok.id_to_token(id).find_first_of("<|>") == std::string::npos);
    std::vector<int64_t> ids = tok.encode("the cat<|endoftext|><pad>");
    REQUIRE(ids.size() >= 3);
    CHECK(ids[ids.size() - 2] == eot);
    CHECK(ids.back() == pad);
    CHECK(tok.decode(ids) == "the cat<|endoftext|><pad>");
    CHECK(tok.encode("<|endoftext|>") == std::vector<int64_t>{eot});
    // a damaged marker is ordinary text
    std::vector<int64_t> broken = tok.encode("<|endoftext|");
    CHECK(std::find(broken.begin(), broken.end(), eot) == broken.end());
    CHECK(tok.decode(broken) == "<|endoftext|");
}

TEST_CASE("split_on_specials prefers the longest special token", "[10_tokenization][provided]") {
    std::vector<std::string> specials{"<s>", "<s>>"};
    auto pieces = text::detail::split_on_specials("a<s>>b<s>", specials);
    REQUIRE(pieces.size() == 4);
    CHECK(pieces[0].text == "a");
    CHECK(pieces[0].special == -1);
    CHECK(pieces[1].special == 1);
    CHECK(pieces[2].text == "b");
    CHECK(pieces[3].special == 0);
    CHECK(text::detail::split_on_specials("", specials).empty());
    CHECK(text::detail::split_on_specials("plain", {}).size() == 1);
}

TEST_CASE("pretokenize cuts words with their leading space and keeps every byte", "[10_tokenization][provided]") {
    auto chunks = text::pretokenize("Hello, world!\n\n  42 na\xC3\xAFve");
    std::vector<std::string> got(chunks.begin(), chunks.end());
    CHECK(got == std::vector<std::string>{"Hello", ",", " world", "!", "\n\n ", " 42", " na\xC3\xAFve"});
    std::string joined;
    for (const std::string& c : got) joined += c;
    CHECK(joined == "Hello, world!\n\n  42 na\xC3\xAFve");
    CHECK(text::pretokenize("").empty());
    CHECK(text::pretokenize("  ").size() == 1);
}

TEST_CASE("BPE training rejects a vocab_size that cannot hold the bytes and special tokens", "[10_tokenization][provided]") {
    text::BPETokenizer tok;
    CHECK_THROWS_AS(tok.train("abc", 100), ValueError);
    CHECK_THROWS_WITH(tok.train("abc", 100), Contains("vocab_size must be in 256..") && Contains("got 100") &&
                                                 Contains("hint"));
    CHECK_THROWS_WITH(tok.train("abc", 257, {"<a>", "<b>"}), Contains("in 258..") && Contains("2 special tokens"));
    CHECK_THROWS_WITH(tok.train("abc", int64_t(1) << 30), Contains("got 1073741824"));
}

TEST_CASE("BPE training rejects empty duplicate or whitespace special tokens", "[10_tokenization][provided]") {
    text::BPETokenizer tok;
    CHECK_THROWS_AS(tok.train("abc", 300, {""}), ValueError);
    CHECK_THROWS_WITH(tok.train("abc", 300, {"<a>", ""}), Contains("special token 1 is empty"));
    CHECK_THROWS_WITH(tok.train("abc", 300, {"<a>", "<a>"}), Contains("'<a>' is listed twice"));
    CHECK_THROWS_WITH(tok.train("abc", 300, {"end of text"}), Contains("'end of text' contains whitespace"));
    CHECK(tok.vocab_size() == 256);
}

TEST_CASE("An untrained BPE tokenizer rejects ids above 255", "[10_tokenization][provided]") {
    text::BPETokenizer tok;
    CHECK_THROWS_AS(tok.decode({256}), ValueError);
    CHECK_THROWS_WITH(tok.decode({65, 256}), Contains("id 256 at position 1") && Contains("ids 0..255"));
}
