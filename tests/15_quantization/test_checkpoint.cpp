// tests/15_quantization/test_checkpoint.cpp — §9: quantized checkpoints in safetensors. The int8
// weights are stored as I8 (read back with module 08's raw reader), the file size is measured on
// disk, a round trip into the float architecture gives the same bits, damaged or mismatched files
// are refused with the model left as it was.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/quantization/quantization.hpp"
#include "tinytorch/training/checkpoint.hpp"
#include "quant_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::quantization;

namespace checkpoint_test {
std::shared_ptr<nn::Sequential> mlp(int64_t in, int64_t hidden, int64_t out) {
    return std::make_shared<nn::Sequential>(nn::Linear(in, hidden), nn::ReLU(), nn::Linear(hidden, out));
}
const train::RawTensor* find(const train::RawTensors& raw, const std::string& name) {
    for (const auto& [n, r] : raw)
        if (n == name) return &r;
    return nullptr;
}
}  // namespace checkpoint_test

TEST_CASE("quantization::save writes int8 weights as I8 with their scales", "[15_quantization]") {
    tinytorch_test::TempDir dir;
    auto net = checkpoint_test::mlp(16, 8, 4);
    quantize_dynamic(*net);
    const std::string path = dir.file("q.safetensors");
    save(*net, path, {{"note", "hello"}});
    train::Metadata meta;
    const train::RawTensors raw = train::load_safetensors_raw(path, &meta);
    CHECK(meta.at("format") == "tinytorch-quantized");
    CHECK(meta.at("note") == "hello");
    CHECK(meta.at("0.quantized") == "QuantizedLinear");
    CHECK(meta.at("2.input") == "dynamic_per_tensor");
    const auto& q0 = net->at<nn::QuantizedLinear>(0);
    const train::RawTensor* w = checkpoint_test::find(raw, "0.weight");
    REQUIRE(w != nullptr);
    CHECK(w->dtype == "I8");
    CHECK(w->shape == Shape{8, 16});
    CHECK(w->bytes == std::vector<uint8_t>(q0.qweight().bytes(), q0.qweight().bytes() + 128));
    const train::RawTensor* s = checkpoint_test::find(raw, "0.weight_scale");
    REQUIRE(s != nullptr);
    CHECK(s->dtype == "F32");
    CHECK(s->shape == Shape{8});
    const train::RawTensor* z = checkpoint_test::find(raw, "2.weight_zero_point");
    REQUIRE(z != nullptr);
    CHECK(z->dtype == "I8");
    CHECK(z->bytes == std::vector<uint8_t>(4, 0));
    const train::RawTensor* b = checkpoint_test::find(raw, "2.bias");
    REQUIRE(b != nullptr);
    CHECK(b->dtype == "F32");
}

TEST_CASE("a quantized checkpoint is about 4x smaller on disk than the float one", "[15_quantization]") {
    tinytorch_test::TempDir dir;
    auto net = checkpoint_test::mlp(512, 256, 10);
    train::save_weights(*net, dir.file("f32.safetensors"));
    quantize_dynamic(*net);
    save(*net, dir.file("int8.safetensors"));
    const auto f32 = std::filesystem::file_size(dir.file("f32.safetensors"));
    const auto int8 = std::filesystem::file_size(dir.file("int8.safetensors"));
    // float: 4·(512·256 + 256 + 256·10 + 10) = 535 592 bytes of data; int8: 512·256 + 256·10 bytes of
    // weights + 4 bytes of scale, 1 of zero-point and 4 of bias per output (266 · 9) = 136 026
    CHECK(f32 >= 535592u);
    CHECK(int8 >= 136026u);
    CHECK(int8 < 136026u + 1024u);  // + a header of a few hundred bytes
    INFO("float " << f32 << " bytes, int8 " << int8 << " bytes");
    CHECK(static_cast<double>(f32) / static_cast<double>(int8) > 3.9);
}

TEST_CASE("quantization::load rebuilds the quantized layers in the float architecture, bit for bit",
          "[15_quantization]") {
    tinytorch_test::TempDir dir;
    auto net = checkpoint_test::mlp(16, 8, 4);
    const Tensor x = quant_test::uniform({5, 16}, -1.0f, 1.0f, 60);
    quantize_dynamic(*net, nn::QuantizedOptions().input(InputQuantization::DynamicPerRow));
    const Tensor expected = (*net)(x);
    save(*net, dir.file("q.safetensors"));
    auto fresh = checkpoint_test::mlp(16, 8, 4);  // other random weights
    load(*fresh, dir.file("q.safetensors"));
    REQUIRE(std::dynamic_pointer_cast<nn::QuantizedLinear>((*fresh)[0]) != nullptr);
    CHECK(fresh->at<nn::QuantizedLinear>(0).qoptions().input() == InputQuantization::DynamicPerRow);
    CHECK(judge::equal((*fresh)(x), expected));
    // static layers keep their calibrated input pair
    auto cal = checkpoint_test::mlp(16, 8, 4);
    prepare(*cal);
    calibrate(*cal, {x});
    convert(*cal);
    save(*cal, dir.file("static.safetensors"));
    auto again = checkpoint_test::mlp(16, 8, 4);
    load(*again, dir.file("static.safetensors"));
    const QParams want = cal->at<nn::QuantizedLinear>(0).qoptions().input_qparams();
    const QParams got = again->at<nn::QuantizedLinear>(0).qoptions().input_qparams();
    CHECK(got.scale == want.scale);
    CHECK(got.zero_point == want.zero_point);
    CHECK(judge::equal((*again)(x), (*cal)(x)));
}

TEST_CASE("quantization::load refuses a float file and a mismatched model, leaving the model as it was",
          "[15_quantization]") {
    tinytorch_test::TempDir dir;
    auto net = checkpoint_test::mlp(16, 8, 4);
    train::save_weights(*net, dir.file("f32.safetensors"));
    auto other = checkpoint_test::mlp(16, 8, 4);
    CHECK_THROWS_AS(load(*other, dir.file("f32.safetensors")), DataError);
    CHECK_THROWS_WITH(load(*other, dir.file("f32.safetensors")), Catch::Contains("is not a quantized checkpoint"));
    quantize_dynamic(*net);
    save(*net, dir.file("q.safetensors"));
    auto wider = checkpoint_test::mlp(16, 9, 4);
    CHECK_THROWS_AS(load(*wider, dir.file("q.safetensors")), DataError);
    CHECK_THROWS_WITH(load(*wider, dir.file("q.safetensors")), Catch::Contains("cannot rebuild '0'"));
    CHECK(std::dynamic_pointer_cast<nn::Linear>((*wider)[0]) != nullptr);
    CHECK(std::dynamic_pointer_cast<nn::Linear>((*wider)[2]) != nullptr);
}

TEST_CASE("save_safetensors_raw writes any dtype as given and refuses inconsistent entries",
          "[15_quantization][provided]") {
    tinytorch_test::TempDir dir;
    train::RawTensors t;
    t.emplace_back("w", train::RawTensor{"I8", {2, 2}, {0x01, 0xFF, 0x80, 0x7F}});
    t.emplace_back("z", train::RawTensor{"U8", {1}, {200}});
    train::save_safetensors_raw(dir.file("raw.safetensors"), t, {{"k", "v"}});
    // the file, byte by byte: 8-byte little-endian header length, the JSON header padded with
    // spaces to a multiple of 8, then the 5 data bytes in order
    std::ifstream in(dir.file("raw.safetensors"), std::ios::binary);
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string json = "{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"I8\",\"shape\":[2,2],\"data_offsets\":[0,4]},"
                             "\"z\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[4,5]}}";
    const size_t padded = (json.size() + 7) / 8 * 8;
    REQUIRE(file.size() == 8 + padded + 5);
    uint64_t n = 0;
    for (int b = 7; b >= 0; --b) n = (n << 8) | static_cast<unsigned char>(file[b]);
    CHECK(n == padded);
    CHECK(file.substr(8, json.size()) == json);
    CHECK(file.substr(8 + json.size(), padded - json.size()) == std::string(padded - json.size(), ' '));
    CHECK(file.substr(8 + padded) == std::string("\x01\xFF\x80\x7F\xC8", 5));
    train::RawTensors bad{{"w", train::RawTensor{"I8", {2, 2}, {1, 2, 3}}}};
    CHECK_THROWS_WITH(train::save_safetensors_raw(dir.file("bad.safetensors"), bad), Catch::Contains("has 3 bytes"));
    bad = {{"w", train::RawTensor{"Q4", {1}, {1}}}};
    CHECK_THROWS_WITH(train::save_safetensors_raw(dir.file("bad.safetensors"), bad), Catch::Contains("dtype 'Q4'"));
    bad = {{"w", train::RawTensor{"U8", {1}, {1}}}, {"w", train::RawTensor{"U8", {1}, {1}}}};
    CHECK_THROWS_WITH(train::save_safetensors_raw(dir.file("bad.safetensors"), bad), Catch::Contains("appears twice"));
}
