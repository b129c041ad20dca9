// tests/08_training/test_safetensors_hostile.cpp — load_safetensors_raw against hostile files: it
// accepts what PyTorch's reader (the safetensors library) accepts and gives a DataError naming the
// file for everything else — offsets that overlap, leave a gap or leave bytes at the end, text after
// the JSON, numbers that do not fit, shapes whose size wraps, bad escapes, invalid UTF-8, duplicate
// keys. Never a std:: exception, never a crash. (Issue 15; the fuzz harness `safetensors` runs the
// same reader.)
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "tinytorch/training/training.hpp"

using namespace tinytorch;

namespace test_safetensors_hostile {

std::string temp_file(const std::string& name) {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "tinytorch_test_08_hostile";
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

/// A file of exactly: the 8-byte little-endian length of `header`, `header`, `data`.
std::string write_raw(const std::string& file, const std::string& header, const std::string& data) {
    std::string len(8, '\0');
    for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    const std::string path = temp_file(file);
    std::ofstream(path, std::ios::binary) << len << header << data;
    return path;
}

/// One F32 entry of the header: "name":{"dtype":"F32","shape":[shape],"data_offsets":[b,e]}
std::string f32(const std::string& name, const std::string& shape, uint64_t begin, uint64_t end) {
    return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + shape + "],\"data_offsets\":[" + std::to_string(begin) +
           "," + std::to_string(end) + "]}";
}

/// The message of the DataError that loading `path` throws ("" when it loads; "not a DataError: ..."
/// for any other exception, so a std::invalid_argument escaping fails the test).
std::string error_of(const std::string& path) {
    try {
        (void)train::load_safetensors(path);
        return "";
    } catch (const DataError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not a DataError: ") + e.what();
    }
}

/// The message of the DataError that the (given) header parser throws for `header`, read as if
/// from the file "h.safetensors" ("" when it parses; a failing text for any other exception).
std::string header_error_of(const std::string& header) {
    try {
        std::vector<std::pair<std::string, train::detail::HeaderParser::Entry>> entries;
        train::Metadata meta;
        train::detail::HeaderParser(header, "h.safetensors").parse(entries, meta);
        return "";
    } catch (const DataError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not a DataError: ") + e.what();
    }
}

/// The tensor names the parser reads from `header`.
std::vector<std::string> names_in(const std::string& header) {
    std::vector<std::pair<std::string, train::detail::HeaderParser::Entry>> entries;
    train::Metadata meta;
    train::detail::HeaderParser(header, "h.safetensors").parse(entries, meta);
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.first);
    return out;
}

}  // namespace test_safetensors_hostile

TEST_CASE("safetensors offsets must tile the data section: overlap, gap and trailing bytes are refused", "[08_training]") {
    using namespace test_safetensors_hostile;
    const std::string eight(8, '\0');
    // Listed out of offset order but tiling exactly: fine (PyTorch sorts by offset too).
    const std::string shuffled = write_raw("tiled.safetensors", "{" + f32("b", "1", 4, 8) + "," + f32("a", "1", 0, 4) + "}", eight);
    StateDict ok = train::load_safetensors(shuffled);
    CHECK(ok.size() == 2);
    CHECK(ok.items()[0].first == "b");  // file order kept

    const std::string overlap = write_raw("overlap.safetensors", "{" + f32("a", "2", 0, 8) + "," + f32("b", "1", 4, 8) + "}", eight);
    std::string msg = error_of(overlap);
    CHECK_THAT(msg, Contains("overlap.safetensors") && Contains("'b'") && Contains("begins at byte 4") &&
                        Contains("end at byte 8") && Contains("overlap") && Contains("hint"));

    const std::string gap = write_raw("gap.safetensors", "{" + f32("a", "1", 0, 4) + "," + f32("b", "1", 8, 12) + "}",
                                      std::string(12, '\0'));
    msg = error_of(gap);
    CHECK_THAT(msg, Contains("gap.safetensors") && Contains("'b'") && Contains("begins at byte 8") && Contains("gap"));

    const std::string trailing = write_raw("trailing.safetensors", "{" + f32("a", "1", 0, 4) + "}", std::string(7, '\0'));
    msg = error_of(trailing);
    CHECK_THAT(msg, Contains("trailing.safetensors") && Contains("cover 4 bytes") && Contains("has 7 bytes") &&
                        Contains("after the last tensor"));

    const std::string same_bytes = write_raw("alias.safetensors", "{" + f32("a", "1", 0, 4) + "," + f32("b", "1", 0, 4) + "}",
                                             std::string(4, '\0'));
    CHECK_THAT(error_of(same_bytes), Contains("alias.safetensors") && Contains("overlap"));
}

TEST_CASE("safetensors offsets whose bytes do not match dtype and shape are refused", "[08_training]") {
    using namespace test_safetensors_hostile;
    const std::string four(4, '\0');
    CHECK_THAT(error_of(write_raw("backwards.safetensors", "{" + f32("x", "1", 4, 0) + "}", four)),
               Contains("backwards.safetensors") && Contains("'x'") && Contains("offsets [4, 0)") && Contains("needs 4 bytes"));
    CHECK_THAT(error_of(write_raw("long.safetensors", "{" + f32("x", "1", 0, 8) + "}", std::string(8, '\0'))),
               Contains("'x'") && Contains("offsets [0, 8)") && Contains("needs 4 bytes"));
    // Past the end of the file: the tensors cover more than the data section holds.
    CHECK_THAT(error_of(write_raw("short.safetensors", "{" + f32("x", "2", 0, 8) + "}", four)),
               Contains("short.safetensors") && Contains("cover 8 bytes") && Contains("has 4 bytes") && Contains("truncated"));
}

TEST_CASE("a safetensors name with non-ASCII characters round-trips through save and load", "[08_training]") {
    using namespace test_safetensors_hostile;
    const std::string name = "couche.poids_\xC3\xA9\xE2\x98\x83\xF0\x9F\x98\x80", note = "\xF0\x9F\x98\x80 \"quoted\"\n\x01";
    StateDict out;
    out.insert(name, Tensor({1.f, 2.f}));
    const std::string path = temp_file("unicode_roundtrip.safetensors");
    train::save_safetensors(path, out, {{"note", note}});
    train::Metadata meta;
    StateDict back = train::load_safetensors(path, &meta);
    REQUIRE(back.size() == 1);
    CHECK(back.items()[0].first == name);
    CHECK(back.at(name).to_vector() == std::vector<float>{1.f, 2.f});
    CHECK(meta.at("note") == note);
    // The same name written with \u escapes (as Python's json.dumps writes it) reads the same.
    const std::string escaped = write_raw("escaped_name.safetensors",
                                          "{" + f32("couche.poids_\\u00e9\\u2603\\ud83d\\ude00", "1", 0, 4) + "}", std::string(4, '\0'));
    REQUIRE(train::load_safetensors(escaped).size() == 1);
    CHECK(train::load_safetensors(escaped).items()[0].first == name);
}

TEST_CASE("a safetensors header longer than 100 MB or a path that is a directory is refused", "[08_training]") {
    using namespace test_safetensors_hostile;
    // PyTorch's reader refuses headers above 100,000,000 bytes; the file is sparse, nothing is allocated.
    const std::string path = temp_file("huge_header.safetensors");
    const uint64_t n = 100'000'001;
    {
        std::string len(8, '\0');
        for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((n >> (8 * i)) & 0xff);
        std::ofstream(path, std::ios::binary) << len << "{";
    }
    std::filesystem::resize_file(path, 8 + n);
    CHECK_THAT(error_of(path), Contains("huge_header.safetensors") && Contains("100000001-byte header") &&
                                   Contains("more than the 100000000 bytes"));
    std::filesystem::remove(path);
    const std::string dir = temp_file("a_directory.safetensors");
    std::filesystem::create_directories(dir);
    CHECK_THAT(error_of(dir), Contains("a_directory.safetensors") && Contains("hint"));
}

// ---- the given header parser (detail::HeaderParser) --------------------------------------------

TEST_CASE("the safetensors header parser accepts whitespace padding and nothing else after the JSON", "[08_training][provided]") {
    using namespace test_safetensors_hostile;
    CHECK(header_error_of("{" + f32("a", "1", 0, 4) + "}      ").empty());
    CHECK(header_error_of("{}\n\t\r ").empty());
    CHECK_THAT(header_error_of("{" + f32("a", "1", 0, 4) + "} junk "),
               Contains("h.safetensors") && Contains("bytes after the JSON object") && Contains("hint"));
    CHECK_THAT(header_error_of("{}{}"), Contains("bytes after the JSON object"));
    CHECK_THAT(header_error_of(std::string("{}") + '\0' + "     "), Contains("bytes after the JSON object"));
    CHECK_THAT(header_error_of("  {}    "), Contains("h.safetensors") && Contains("must begin with '{'"));
    CHECK_THAT(header_error_of(""), Contains("must begin with '{'"));
}

TEST_CASE("the safetensors header parser decodes \\u escapes to UTF-8 and refuses bad ones", "[08_training][provided]") {
    using namespace test_safetensors_hostile;
    // "\u00e9" is é (2 bytes of UTF-8), "\u2603" a snowman (3 bytes), "\ud83d\ude00" one emoji (4 bytes).
    CHECK(names_in("{" + f32("w\\u00e9\\u2603\\ud83d\\ude00\\/\\t\\\"\\\\\\b\\f\\u0041", "1", 0, 4) + "}") ==
          std::vector<std::string>{"w\xC3\xA9\xE2\x98\x83\xF0\x9F\x98\x80/\t\"\\\b\fA"});
    CHECK(names_in("{" + f32("\\uD83D\\uDE00", "1", 0, 4) + "}") == std::vector<std::string>{"\xF0\x9F\x98\x80"});
    CHECK_THAT(header_error_of("{" + f32("\\ud83d", "1", 0, 4) + "}"),
               Contains("h.safetensors") && Contains("high surrogate is not followed by a low one"));
    CHECK_THAT(header_error_of("{" + f32("\\ud83d\\u0041", "1", 0, 4) + "}"), Contains("high surrogate is not followed"));
    CHECK_THAT(header_error_of("{" + f32("\\ude00", "1", 0, 4) + "}"), Contains("lone low surrogate"));
    CHECK_THAT(header_error_of("{" + f32("\\uzzzz", "1", 0, 4) + "}"), Contains("four hex digits"));
    CHECK_THAT(header_error_of("{\"\\u12"), Contains("four hex digits"));
    CHECK_THAT(header_error_of("{" + f32("\\x41", "1", 0, 4) + "}"), Contains("unknown escape"));
    CHECK_THAT(header_error_of("{" + f32("a\nb", "1", 0, 4) + "}"), Contains("control character"));
    CHECK_THAT(header_error_of("{\"abc"), Contains("string is not closed"));
}

TEST_CASE("the safetensors header parser refuses numbers that do not fit and shapes whose size wraps", "[08_training][provided]") {
    using namespace test_safetensors_hostile;
    CHECK_THAT(header_error_of("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}"),
               Contains("h.safetensors") && Contains("data_offsets of 'x'") && Contains("64 bits"));
    CHECK(header_error_of("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551615]}}").empty());
    CHECK_THAT(header_error_of("{" + f32("x", "18446744073709551616", 0, 4) + "}"), Contains("a dim of 'x'") && Contains("64 bits"));
    // [2^32, 2^32, 4] wraps to 0 elements in 64 bits; [0, 2^32, 2^32, 2^32] hides the overflow behind a 0.
    CHECK_THAT(header_error_of("{" + f32("x", "4294967296,4294967296,4", 0, 0) + "}"),
               Contains("[4294967296, 4294967296, 4]") && Contains("2^48"));
    CHECK_THAT(header_error_of("{" + f32("x", "0,4294967296,4294967296,4294967296", 0, 0) + "}"),
               Contains("2^48") && Contains("zero dims counted as 1"));
    CHECK_THAT(header_error_of("{" + f32("x", "4611686018427387904", 0, 0) + "}"),
               Contains("dim of 4611686018427387904") && Contains("2^48"));
    CHECK_THAT(header_error_of("{" + f32("x", "-1", 0, 4) + "}"), Contains("a dim of 'x' must be a whole number >= 0"));
    CHECK_THAT(header_error_of("{" + f32("x", "1.0", 0, 4) + "}"), Contains("not a fraction"));
    CHECK_THAT(header_error_of("{" + f32("x", "1e3", 0, 4) + "}"), Contains("not a fraction"));
    CHECK_THAT(header_error_of("{" + f32("x", "01", 0, 4) + "}"), Contains("leading zero"));
    CHECK_THAT(header_error_of("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}"), Contains("must have 2 numbers"));
}

TEST_CASE("the safetensors header parser refuses text that is not UTF-8 and repeated keys", "[08_training][provided]") {
    using namespace test_safetensors_hostile;
    CHECK_THAT(header_error_of("{" + f32("a", "1", 0, 4) + "," + f32("a", "1", 4, 8) + "}"),
               Contains("h.safetensors") && Contains("'a' appears twice"));
    CHECK_THAT(header_error_of("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"),
               Contains("'dtype' of entry 'a' appears twice"));
    CHECK_THAT(header_error_of("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}"), Contains("metadata key 'k' appears twice"));
    CHECK_THAT(header_error_of("{\"__metadata__\":{},\"__metadata__\":{}}"), Contains("\"__metadata__\" appears twice"));
    CHECK_THAT(header_error_of("{\"__metadata__\":{\"epoch\":3}}"), Contains("metadata value of 'epoch' must be a string"));
    CHECK_THAT(header_error_of("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}"), Contains("lacks dtype, shape or data_offsets"));
    // 0xFF is never UTF-8; C0 AF is an overlong '/'; ED A0 80 a surrogate written as UTF-8; F4 90 80 80 is above U+10FFFF.
    for (const std::string& bad : {std::string("\xFF"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),
                                  std::string("\xF4\x90\x80\x80"), std::string("\xE2\x98")}) {
        CHECK_THAT(header_error_of("{" + f32("a" + bad, "1", 0, 4) + "}"),
                   Contains("h.safetensors") && Contains("not valid UTF-8") && Contains("at byte 11"));
    }
    // The writer refuses to produce such a file.
    CHECK_THROWS_AS(train::detail::json_escape("a\xFF"), ValueError);
    CHECK_THROWS_WITH(train::detail::json_escape("a\xFF"), Contains("not valid UTF-8") && Contains("hint"));
}
