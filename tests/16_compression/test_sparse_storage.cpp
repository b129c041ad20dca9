// tests/16_compression/test_sparse_storage.cpp — §8: the bitmask by hand, lossless and int8 round
// trips of a pruned model, the size on disk measured from the written files, damaged files refused.
#include <filesystem>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"
#include "tinytorch/activations/activations.hpp"
#include "tinytorch/compression/compression.hpp"
#include "compress_test_support.hpp"

using namespace tinytorch;
using namespace tinytorch::compression;

namespace storage_test {
std::shared_ptr<nn::Sequential> pruned_mlp(int64_t in, int64_t hidden, int64_t out, double amount, uint32_t seed) {
    auto net = std::make_shared<nn::Sequential>(nn::Linear(in, hidden), nn::ReLU(), nn::Linear(hidden, out));
    compress_test::set_values(net->at<nn::Linear>(0).weight,
                              compress_test::uniform_values(static_cast<size_t>(in * hidden), -1.0f, 1.0f, seed));
    compress_test::set_values(net->at<nn::Linear>(2).weight,
                              compress_test::uniform_values(static_cast<size_t>(hidden * out), -1.0f, 1.0f, seed + 1));
    magnitude_prune(*net, amount);
    return net;
}
}  // namespace storage_test

TEST_CASE("pack_bitmask sets bit i (LSB first) for each non-zero and keeps the values in order", "[16_compression]") {
    const std::vector<float> dense{0, 1.5f, 0, 0, -2, 0, 0, 0, 3};
    Bitmask b = pack_bitmask(dense);
    CHECK(b.bits == std::vector<uint8_t>{0x12, 0x01});
    CHECK(b.values == std::vector<float>{1.5f, -2.0f, 3.0f});
    CHECK(unpack_bitmask(b.bits, b.values, 9) == dense);
    CHECK_THROWS_AS(unpack_bitmask(b.bits, {1.0f}, 9), DataError);
}

TEST_CASE("a pruned model round-trips exactly through float32 sparse storage", "[16_compression]") {
    tinytorch_test::TempDir dir;
    auto net = storage_test::pruned_mlp(12, 10, 4, 0.8, 81);
    const StateDict sd = effective_state_dict(*net);
    save_sparse(dir.file("m.safetensors"), sd, SparseValues::float32);
    const StateDict back = load_sparse(dir.file("m.safetensors"));
    CHECK(back.keys() == sd.keys());
    for (const auto& [name, t] : sd) CHECK(judge::equal(*back.find(name), t));
    auto fresh = std::make_shared<nn::Sequential>(nn::Linear(12, 10), nn::ReLU(), nn::Linear(10, 4));
    fresh->load_state_dict(back);
    Tensor x = compress_test::uniform({3, 12}, -1.0f, 1.0f, 82);
    CHECK(judge::equal((*fresh)(x), (*net)(x)));
}

TEST_CASE("int8 sparse storage keeps every zero and each value within half a step of its row's scale",
          "[16_compression]") {
    tinytorch_test::TempDir dir;
    auto net = storage_test::pruned_mlp(16, 8, 3, 0.7, 83);
    const StateDict sd = effective_state_dict(*net);
    save_sparse(dir.file("q.safetensors"), sd);
    const StateDict back = load_sparse(dir.file("q.safetensors"));
    const std::vector<float> w = judge::values(*sd.find("0.weight")), r = judge::values(*back.find("0.weight"));
    REQUIRE(w.size() == r.size());
    for (int64_t row = 0; row < 8; ++row) {
        float m = 0.0f;
        for (int64_t j = 0; j < 16; ++j) m = std::max(m, std::fabs(w[row * 16 + j]));
        const float step = m / 127.0f;
        for (int64_t j = 0; j < 16; ++j) {
            const float a = w[row * 16 + j], b = r[row * 16 + j];
            if (a == 0.0f) CHECK(b == 0.0f);
            else CHECK(std::fabs(a - b) <= 0.5f * step * 1.001f);
        }
    }
    CHECK(judge::equal(*back.find("0.bias"), *sd.find("0.bias")));  // 1-D tensors stay float32
    // the file holds I8 values and a U8 bitmask
    const train::RawTensors raw = train::load_safetensors_raw(dir.file("q.safetensors"));
    bool has_i8 = false, has_u8 = false;
    for (const auto& [name, t] : raw) {
        if (name == "0.weight.values") has_i8 = t.dtype == "I8" && t.shape == Shape{static_cast<int64_t>(128 - 90)};
        if (name == "0.weight.bitmask") has_u8 = t.dtype == "U8" && t.shape == Shape{16};
    }
    CHECK(has_i8);  // round(0.7 · 128) = 90 zeros -> 38 values
    CHECK(has_u8);
}

TEST_CASE("at 90% sparsity the int8 sparse file is over 10x smaller than the dense float32 one", "[16_compression]") {
    tinytorch_test::TempDir dir;
    auto net = storage_test::pruned_mlp(256, 128, 10, 0.9, 84);
    const StateDict sd = effective_state_dict(*net);
    train::save_safetensors(dir.file("dense.safetensors"), sd);
    save_sparse(dir.file("sparse.safetensors"), sd);
    const auto dense = std::filesystem::file_size(dir.file("dense.safetensors"));
    const auto sparse = std::filesystem::file_size(dir.file("sparse.safetensors"));
    INFO("dense " << dense << " bytes, sparse " << sparse << " bytes");
    CHECK(dense > 4 * (256 * 128 + 128 * 10));
    CHECK(sparse * 10 < dense);
}

TEST_CASE("load_sparse refuses files it did not write and inconsistent parts, naming the file", "[16_compression]") {
    tinytorch_test::TempDir dir;
    const std::string plain = dir.file("plain.safetensors");
    train::save_safetensors(plain, StateDict{{"w", judge::full({2, 2}, 1.0f)}});
    CHECK_THROWS_AS(load_sparse(plain), DataError);
    CHECK_THROWS_WITH(load_sparse(plain), Catch::Matchers::Contains("plain.safetensors") &&
                                              Catch::Matchers::Contains("tinytorch-sparse-v1"));
    // a bitmask marking 2 non-zeros with 1 value stored
    const std::string bad = dir.file("bad.safetensors");
    const int64_t shape[2] = {2, 2};
    const float one = 1.0f;
    train::RawTensors raw{
        {"w.shape", {"I64", {2}, std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(shape),
                                                      reinterpret_cast<const uint8_t*>(shape) + 16)}},
        {"w.bitmask", {"U8", {1}, {0x03}}},
        {"w.values", {"F32", {1}, std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(&one),
                                                       reinterpret_cast<const uint8_t*>(&one) + 4)}}};
    train::save_safetensors_raw(bad, raw, {{"format", "tinytorch-sparse-v1"}});
    CHECK_THROWS_WITH(load_sparse(bad), Catch::Matchers::Contains("bad.safetensors") &&
                                            Catch::Matchers::Contains("marks 2 non-zeros but 1 values"));
    // the same file with the right bitmask loads
    raw[1].second.bytes = {0x02};
    train::save_safetensors_raw(bad, raw, {{"format", "tinytorch-sparse-v1"}});
    CHECK(judge::equal(*load_sparse(bad).find("w"), judge::tensor({0, 1, 0, 0}, {2, 2})));
}
