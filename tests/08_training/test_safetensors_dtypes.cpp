// tests/08_training/test_safetensors_dtypes.cpp — reading every safetensors dtype PyTorch writes,
// writing I64 and BOOL, and the raw-bytes API
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "support/catch.hpp"
#include "tinytorch/training/training.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace test_safetensors_dtypes {

std::string temp_file(const std::string& name) {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "tinytorch_test_08_dtypes";
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

template <typename T>
std::string bytes_of(std::initializer_list<T> values) {
    std::string out;
    for (T v : values) out.append(reinterpret_cast<const char*>(&v), sizeof(T));
    return out;
}

/// A safetensors file with the given (name, dtype, shape, bytes) entries, written by hand.
struct Entry {
    std::string name, dtype, shape, bytes;
};
std::string write_file(const std::string& file, const std::vector<Entry>& entries) {
    std::string header = "{", data;
    for (size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        header += (i ? "," : "") + std::string("\"") + e.name + "\":{\"dtype\":\"" + e.dtype + "\",\"shape\":" + e.shape +
                  ",\"data_offsets\":[" + std::to_string(data.size()) + "," + std::to_string(data.size() + e.bytes.size()) +
                  "]}";
        data += e.bytes;
    }
    header += "}";
    while (header.size() % 8) header += ' ';
    std::string len(8, '\0');
    for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
    const std::string path = temp_file(file);
    std::ofstream(path, std::ios::binary) << len << header << data;
    return path;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace test_safetensors_dtypes

TEST_CASE("load_safetensors converts every dtype PyTorch writes to float32", "[08_training]") {
    using namespace test_safetensors_dtypes;
    const float inf = std::numeric_limits<float>::infinity();
    const std::string path = write_file(
        "all_dtypes.safetensors",
        {{"f32", "F32", "[2]", bytes_of<float>({1.5f, -2.f})},
         {"f64", "F64", "[2]", bytes_of<double>({0.1, -1e300})},
         // half: 1.0 = 0x3C00, -2.5 = 0xC100, 65504 = 0x7BFF (largest), 2^-24 = 0x0001 (smallest subnormal), inf = 0x7C00
         {"f16", "F16", "[5]", bytes_of<uint16_t>({0x3C00, 0xC100, 0x7BFF, 0x0001, 0x7C00})},
         // bfloat16: the top 16 bits of a float32: 1.0 = 0x3F80, -3.0 = 0xC040
         {"bf16", "BF16", "[2]", bytes_of<uint16_t>({0x3F80, 0xC040})},
         {"i64", "I64", "[]", bytes_of<int64_t>({1234567})},
         {"i32", "I32", "[2]", bytes_of<int32_t>({-7, 16777216})},
         {"i16", "I16", "[2]", bytes_of<int16_t>({-32768, 300})},
         {"i8", "I8", "[3]", bytes_of<int8_t>({-128, -1, 127})},
         {"u8", "U8", "[2]", bytes_of<uint8_t>({0, 255})},
         {"mask", "BOOL", "[3]", bytes_of<uint8_t>({1, 0, 1})}});
    StateDict sd = train::load_safetensors(path);
    REQUIRE(sd.size() == 10);
    CHECK(sd.at("f32").to_vector() == std::vector<float>{1.5f, -2.f});
    CHECK(sd.at("f64").to_vector() == std::vector<float>{0.1f, -inf});  // rounded to float32
    CHECK(sd.at("f16").to_vector() == std::vector<float>{1.f, -2.5f, 65504.f, std::ldexp(1.f, -24), inf});
    CHECK(sd.at("bf16").to_vector() == std::vector<float>{1.f, -3.f});
    CHECK(sd.at("i64").dim() == 0);
    CHECK(sd.at("i64").item() == 1234567.f);
    CHECK(sd.at("i32").to_vector() == std::vector<float>{-7.f, 16777216.f});
    CHECK(sd.at("i16").to_vector() == std::vector<float>{-32768.f, 300.f});
    CHECK(sd.at("i8").to_vector() == std::vector<float>{-128.f, -1.f, 127.f});
    CHECK(sd.at("u8").to_vector() == std::vector<float>{0.f, 255.f});
    CHECK(sd.at("mask").to_vector() == std::vector<float>{1.f, 0.f, 1.f});
    CHECK(sd.at("mask").dtype() == kBool);
    CHECK(sd.at("f32").dtype() == kFloat);
}

TEST_CASE("half precision NaN and negative zero read back as such", "[08_training]") {
    using namespace test_safetensors_dtypes;
    const std::string path = write_file("half_special.safetensors",
                                        {{"h", "F16", "[2]", bytes_of<uint16_t>({0x7E00, 0x8000})}});
    std::vector<float> v = train::load_safetensors(path).at("h").to_vector();
    CHECK(std::isnan(v[0]));
    CHECK(v[1] == 0.f);
    CHECK(std::signbit(v[1]));
}

TEST_CASE("an integer float32 cannot hold exactly is a DataError naming the tensor", "[08_training]") {
    using namespace test_safetensors_dtypes;
    const std::string path = write_file("big_i64.safetensors", {{"steps", "I64", "[1]", bytes_of<int64_t>({16777217})}});
    CHECK_THROWS_AS(train::load_safetensors(path), DataError);
    CHECK_THROWS_WITH(train::load_safetensors(path), Contains("steps") && Contains("16777217") && Contains("2^24"));
}

TEST_CASE("load_safetensors_raw keeps each tensor's dtype shape and bytes", "[08_training]") {
    using namespace test_safetensors_dtypes;
    const std::string path = write_file("raw.safetensors", {{"q", "I8", "[2,2]", bytes_of<int8_t>({-5, 0, 7, 127})},
                                                            {"scale", "F32", "[]", bytes_of<float>({0.5f})}});
    train::RawTensors raw = train::load_safetensors_raw(path);
    REQUIRE(raw.size() == 2);
    CHECK(raw[0].first == "q");
    CHECK(raw[0].second.dtype == "I8");
    CHECK(raw[0].second.shape == Shape{2, 2});
    REQUIRE(raw[0].second.bytes.size() == 4);
    CHECK(static_cast<int8_t>(raw[0].second.bytes[0]) == -5);
    CHECK(static_cast<int8_t>(raw[0].second.bytes[3]) == 127);
    CHECK(raw[1].second.dtype == "F32");
    CHECK(raw[1].second.bytes.size() == 4);
}

TEST_CASE("a byte count that does not match the dtype and shape is a DataError", "[08_training]") {
    using namespace test_safetensors_dtypes;
    const std::string path = write_file("short_i64.safetensors", {{"n", "I64", "[2]", bytes_of<int64_t>({1})}});
    CHECK_THROWS_WITH(train::load_safetensors(path), Contains("'n'") && Contains("I64") && Contains("16 bytes"));
}

TEST_CASE("save_safetensors writes I64 and BOOL where asked and PyTorch's dtypes for num_batches_tracked", "[08_training]") {
    using namespace test_safetensors_dtypes;
    StateDict sd;
    sd.insert("bn.weight", Tensor({1.f, 2.f}));
    sd.insert("bn.num_batches_tracked", scalar_tensor(42.f));
    sd.insert("mask", Tensor({true, false, true}));
    const train::DtypeMap dtypes = train::pytorch_dtypes(sd);
    CHECK(dtypes == train::DtypeMap{{"bn.num_batches_tracked", "I64"}});
    const std::string path = test_safetensors_dtypes::temp_file("written.safetensors");
    train::save_safetensors(path, sd, {}, dtypes);
    const std::string bytes = read_file(path);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    const std::string header = bytes.substr(8, n);
    CHECK_THAT(header, Contains("\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}"));
    CHECK_THAT(header, Contains("\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[16,19]}"));
    int64_t steps = 0;
    std::memcpy(&steps, bytes.data() + 8 + n + 8, 8);
    CHECK(steps == 42);
    CHECK(bytes.substr(8 + n + 16) == std::string("\x01\x00\x01", 3));
    StateDict back = train::load_safetensors(path);
    CHECK(back.at("bn.num_batches_tracked").item() == 42.f);
    CHECK(back.at("mask").dtype() == kBool);
    CHECK(judge::equal(back.at("bn.weight"), sd.at("bn.weight")));
    StateDict fractional;
    fractional.insert("x", Tensor({0.5f}));
    CHECK_THROWS_AS(train::save_safetensors(path, fractional, {}, {{"x", "I64"}}), ValueError);
    CHECK_THROWS_WITH(train::save_safetensors(path, fractional, {}, {{"x", "F16"}}), Contains("F16"));
}
