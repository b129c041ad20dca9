// tests/10_tokenization/test_bpe_files.cpp — BPETokenizer save/load and its file errors (lesson §7),
// read_text_file. Files are written to a temporary folder at test time.
#include <filesystem>
#include <fstream>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "tinytorch/tokenization/tokenization.hpp"

using namespace tinytorch;

namespace test_bpe_files {
void write_text(const std::string& path, const std::string& content) {
    std::ofstream f(path, std::ios::binary);
    f << content;
}

std::string read_back(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

/// A header and one merge (a, a) -> 256, then whatever `rest` says.
std::string tokenizer_file(const std::string& rest) { return "tinytorch-bpe 1\nmerges 1\n97 97\n" + rest; }
}  // namespace test_bpe_files

using tinytorch_test::TempDir;

TEST_CASE("A saved BPE tokenizer loads back with the same merges and special tokens", "[10_tokenization]") {
    TempDir dir;
    text::BPETokenizer tok;
    std::string corpus;
    for (int i = 0; i < 10; ++i) corpus += "low lower lowest newer wider<|endoftext|>";
    tok.train(corpus, 290, {"<|endoftext|>", "<pad>"});
    tok.save(dir.file("tok.txt"));
    text::BPETokenizer back = text::BPETokenizer::load(dir.file("tok.txt"));
    CHECK(back.merges() == tok.merges());
    CHECK(back.special_tokens() == tok.special_tokens());
    CHECK(back.vocab_size() == tok.vocab_size());
    const std::string probe = "the lowest<|endoftext|>newer <pad>wide";
    CHECK(back.encode(probe) == tok.encode(probe));
    CHECK(back.decode(back.encode(probe)) == probe);
    for (int64_t id = 0; id < tok.vocab_size(); ++id) CHECK(back.id_to_token(id) == tok.id_to_token(id));
}

TEST_CASE("BPE save writes the documented text format", "[10_tokenization]") {
    TempDir dir;
    text::BPETokenizer tok;
    tok.train("aaabdaaabac", 270, {"<pad>"});
    tok.save(dir.file("small.txt"));
    CHECK(test_bpe_files::read_back(dir.file("small.txt")) ==
          "tinytorch-bpe 1\nmerges 3\n97 97\n97 98\n256 257\nspecials 1\n<pad>\n");
}

TEST_CASE("BPE load reads a hand written file and tolerates CRLF line ends", "[10_tokenization]") {
    TempDir dir;
    test_bpe_files::write_text(dir.file("crlf.txt"), "tinytorch-bpe 1\r\nmerges 2\r\n104 105\r\n256 33\r\nspecials 1\r\n<eos>\r\n");
    text::BPETokenizer tok = text::BPETokenizer::load(dir.file("crlf.txt"));
    CHECK(tok.vocab_size() == 259);
    // "!" is a chunk of its own, so "hi!" (257) never forms from text; " hi" is [space, hi]
    CHECK(tok.encode("hi! hi<eos>") == std::vector<int64_t>{256, 33, 32, 256, 258});
    CHECK(tok.id_to_token(257) == "hi!");
}

TEST_CASE("BPE load names a missing file", "[10_tokenization][provided]") {
    TempDir dir;
    CHECK_THROWS_AS(text::BPETokenizer::load(dir.file("nope.txt")), DataError);
    CHECK_THROWS_WITH(text::BPETokenizer::load(dir.file("nope.txt")),
                      Contains(dir.file("nope.txt")) && Contains("no such file") && Contains("hint"));
    CHECK_THROWS_WITH(text::BPETokenizer::load(dir.file("")), Contains("not a regular file"));
}

TEST_CASE("BPE load rejects a file that is not a tokenizer file", "[10_tokenization][provided]") {
    TempDir dir;
    test_bpe_files::write_text(dir.file("other.txt"), "hello world\n");
    CHECK_THROWS_AS(text::BPETokenizer::load(dir.file("other.txt")), DataError);
    CHECK_THROWS_WITH(text::BPETokenizer::load(dir.file("other.txt")),
                      Contains(dir.file("other.txt")) && Contains("line 1") && Contains("expected 'tinytorch-bpe 1'") &&
                          Contains("found 'hello world'"));
    test_bpe_files::write_text(dir.file("empty.txt"), "");
    CHECK_THROWS_WITH(text::BPETokenizer::load(dir.file("empty.txt")), Contains("truncated") && Contains("header"));
}

TEST_CASE("BPE load names the line of a corrupt merge", "[10_tokenization][provided]") {
    TempDir dir;
    const std::string path = dir.file("bad.txt");
    test_bpe_files::write_text(path, "tinytorch-bpe 1\nmerges 2\n97 97\n256 x\nspecials 0\n");
    CHECK_THROWS_AS(text::BPETokenizer::load(path), DataError);
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains(path) && Contains("line 4") && Contains("merge 1 is '256 x'") &&
                                                          Contains("two ids in 0..256"));
    // merge 0 may only use the 256 byte ids
    test_bpe_files::write_text(path, "tinytorch-bpe 1\nmerges 1\n256 97\nspecials 0\n");
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("line 3") && Contains("two ids in 0..255"));
    test_bpe_files::write_text(path, "tinytorch-bpe 1\nmerges -3\n");
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("line 2") && Contains("expected 'merges <count>'"));
    test_bpe_files::write_text(path, test_bpe_files::tokenizer_file("special 0\n"));
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("line 4") && Contains("expected 'specials <count>'"));
}

TEST_CASE("BPE load reports a truncated file with what is missing", "[10_tokenization][provided]") {
    TempDir dir;
    const std::string path = dir.file("cut.txt");
    test_bpe_files::write_text(path, "tinytorch-bpe 1\nmerges 5\n97 97\n256 98\n");
    CHECK_THROWS_AS(text::BPETokenizer::load(path), DataError);
    CHECK_THROWS_WITH(text::BPETokenizer::load(path),
                      Contains(path) && Contains("truncated") && Contains("after line 4") && Contains("5 merges (found 2)"));
    test_bpe_files::write_text(path, test_bpe_files::tokenizer_file(""));
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("truncated") && Contains("'specials <count>'"));
    test_bpe_files::write_text(path, test_bpe_files::tokenizer_file("specials 2\n<pad>\n"));
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("2 special tokens (found 1)"));
}

TEST_CASE("BPE load rejects bad special tokens and trailing content", "[10_tokenization][provided]") {
    TempDir dir;
    const std::string path = dir.file("specials.txt");
    test_bpe_files::write_text(path, test_bpe_files::tokenizer_file("specials 2\n<pad>\n<pad>\n"));
    CHECK_THROWS_AS(text::BPETokenizer::load(path), DataError);
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains(path) && Contains("'<pad>' is listed twice"));
    test_bpe_files::write_text(path, test_bpe_files::tokenizer_file("specials 1\n<a b>\n"));
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("contains whitespace"));
    test_bpe_files::write_text(path, test_bpe_files::tokenizer_file("specials 0\nextra\n"));
    CHECK_THROWS_WITH(text::BPETokenizer::load(path), Contains("line 5") && Contains("unexpected 'extra'"));
}

TEST_CASE("BPE save names a path it cannot write", "[10_tokenization][provided]") {
    TempDir dir;
    text::BPETokenizer tok;
    const std::string path = dir.file("no/such/folder/tok.txt");
    CHECK_THROWS_AS(tok.save(path), DataError);
    CHECK_THROWS_WITH(tok.save(path), Contains(path) && Contains("cannot write") && Contains("hint"));
}

TEST_CASE("BPE save reports a write that fails after opening", "[10_tokenization][provided]") {
    // /dev/full opens fine and fails every write with ENOSPC (Linux); elsewhere there is nothing to test
    if (!std::filesystem::exists("/dev/full")) return;
    text::BPETokenizer tok;
    CHECK_THROWS_AS(tok.save("/dev/full"), DataError);
    CHECK_THROWS_WITH(tok.save("/dev/full"), Contains("writing /dev/full failed") && Contains("disk full"));
}

TEST_CASE("read_text_file returns the bytes of a file and names a missing one", "[10_tokenization][provided]") {
    TempDir dir;
    const std::string content("line one\r\nline two \xC3\xA9\n\0tail", 27);  // with a NUL byte
    test_bpe_files::write_text(dir.file("corpus.txt"), content);
    CHECK(text::read_text_file(dir.file("corpus.txt")) == content);
    CHECK_THROWS_AS(text::read_text_file(dir.file("missing.txt")), DataError);
    CHECK_THROWS_WITH(text::read_text_file(dir.file("missing.txt")),
                      Contains(dir.file("missing.txt")) && Contains("no such file") && Contains("TINYTORCH_DATA_DIR"));
}
