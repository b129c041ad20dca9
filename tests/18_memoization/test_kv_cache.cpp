// tests/18_memoization/test_kv_cache.cpp — KVCache: preallocated buffers, append writes the new
// positions and returns views of everything cached, per-layer lengths, reset, memory in bytes, errors.
#include "support/catch.hpp"
#include "tinytorch/memoization/memoization.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace test_kv_cache {

/// [B, H, T, d] with element (b, h, t, e) = base + 1000·b + 100·h + 10·t + e (each position readable).
Tensor numbered(int64_t B, int64_t H, int64_t T, int64_t d, float base) {
    std::vector<float> v;
    for (int64_t b = 0; b < B; ++b)
        for (int64_t h = 0; h < H; ++h)
            for (int64_t t = 0; t < T; ++t)
                for (int64_t e = 0; e < d; ++e) v.push_back(base + 1000.f * b + 100.f * h + 10.f * t + e);
    return judge::tensor(v, {B, H, T, d});
}

}  // namespace test_kv_cache

using namespace test_kv_cache;

TEST_CASE("KVCache starts empty with the shape it was given", "[18_memoization]") {
    nn::KVCache cache(3, 2, 4, 16, 8);
    CHECK(cache.n_layer() == 3);
    CHECK(cache.batch_size() == 2);
    CHECK(cache.n_head() == 4);
    CHECK(cache.capacity() == 16);
    CHECK(cache.head_dim() == 8);
    CHECK(cache.length() == 0);
    for (int64_t l = 0; l < 3; ++l) {
        CHECK(cache.length(l) == 0);
        CHECK(cache.keys(l).shape() == Shape{2, 4, 0, 8});
        CHECK(cache.values(l).shape() == Shape{2, 4, 0, 8});
    }
}

TEST_CASE("KVCache append writes the new positions after the cached ones and returns all of them", "[18_memoization]") {
    nn::KVCache cache(2, 2, 3, 6, 4);
    const Tensor k1 = numbered(2, 3, 2, 4, 0.f), v1 = numbered(2, 3, 2, 4, 0.5f);
    auto [K1, V1] = cache.append(1, k1, v1);
    CHECK(cache.length(1) == 2);
    CHECK(cache.length(0) == 0);  // layers advance on their own
    CHECK(judge::equal(K1, k1));
    CHECK(judge::equal(V1, v1));
    // one more position: the views now cover positions 0..2, the first two unchanged
    const Tensor k2 = numbered(2, 3, 1, 4, 20.f), v2 = numbered(2, 3, 1, 4, 20.5f);
    auto [K2, V2] = cache.append(1, k2, v2);
    CHECK(cache.length(1) == 3);
    REQUIRE(K2.shape() == Shape{2, 3, 3, 4});
    // numbered(.., 20) at t = 0 equals numbered(.., 0) at t = 2: the three positions read as one block
    CHECK(judge::equal(K2, numbered(2, 3, 3, 4, 0.f)));
    CHECK(judge::equal(V2, numbered(2, 3, 3, 4, 0.5f)));
    CHECK(judge::equal(cache.keys(1), numbered(2, 3, 3, 4, 0.f)));
    CHECK(judge::equal(cache.values(1), numbered(2, 3, 3, 4, 0.5f)));
}

TEST_CASE("KVCache returns views of its buffers, not copies", "[18_memoization]") {
    nn::KVCache cache(1, 1, 1, 8, 2);
    auto [K, V] = cache.append(0, numbered(1, 1, 2, 2, 0.f), numbered(1, 1, 2, 2, 0.f));
    // a later append writes into the same storage the first views look at
    cache.append(0, numbered(1, 1, 1, 2, 7.f), numbered(1, 1, 1, 2, 7.f));
    Tensor K3 = cache.keys(0);
    CHECK(K3.impl()->storage == K.impl()->storage);
    CHECK(K3.impl()->storage->size() >= 8 * 2);  // the whole capacity was allocated up front
    CHECK(judge::values(K3) == std::vector<float>{0, 1, 10, 11, 7, 8});
}

TEST_CASE("KVCache reset forgets the positions but keeps the buffers", "[18_memoization]") {
    nn::KVCache cache(2, 1, 2, 4, 3);
    const auto before = cache.memory().allocated_bytes;
    for (int64_t l = 0; l < 2; ++l) cache.append(l, numbered(1, 2, 3, 3, 0.f), numbered(1, 2, 3, 3, 1.f));
    CHECK(cache.length() == 3);
    cache.reset();
    CHECK(cache.length() == 0);
    CHECK(cache.keys(0).shape() == Shape{1, 2, 0, 3});
    CHECK(cache.memory().allocated_bytes == before);
    auto [K, V] = cache.append(0, numbered(1, 2, 1, 3, 50.f), numbered(1, 2, 1, 3, 60.f));
    CHECK(judge::equal(K, numbered(1, 2, 1, 3, 50.f)));
    CHECK(judge::equal(V, numbered(1, 2, 1, 3, 60.f)));
}

TEST_CASE("KVCache memory counts bytes of K and V in every layer", "[18_memoization]") {
    // 2 layers, B = 3, H = 2, capacity 5, d = 4: one position of one layer's K is 3·2·4 floats = 96 bytes
    nn::KVCache cache(2, 3, 2, 5, 4);
    nn::KVCacheMemory m = cache.memory();
    CHECK(m.per_layer_bytes == 2 * 5 * 96);   // K and V, 5 positions
    CHECK(m.allocated_bytes == 2 * 2 * 5 * 96);
    CHECK(m.per_token_bytes == 2 * 2 * 96);   // one more position in every layer, K and V
    CHECK(m.used_bytes == 0);
    for (int64_t l = 0; l < 2; ++l) cache.append(l, numbered(3, 2, 2, 4, 0.f), numbered(3, 2, 2, 4, 0.f));
    CHECK(cache.memory().used_bytes == 2 * 2 * 2 * 96);
    cache.append(0, numbered(3, 2, 1, 4, 0.f), numbered(3, 2, 1, 4, 0.f));  // layer 0 only: 3 + 2 positions
    CHECK(cache.memory().used_bytes == 2 * 5 * 96);
    const std::string report = cache.memory_report();
    CHECK_THAT(report, Contains("2 layers") && Contains("[3, 2, 5, 4]") && Contains("3 of 5 positions"));
}

TEST_CASE("KVCache length() refuses layers that are out of step", "[18_memoization]") {
    nn::KVCache cache(2, 1, 1, 4, 2);
    cache.append(0, numbered(1, 1, 2, 2, 0.f), numbered(1, 1, 2, 2, 0.f));
    CHECK(cache.length(0) == 2);
    CHECK(cache.length(1) == 0);
    CHECK_THROWS_AS(cache.length(), ValueError);
    CHECK_THROWS_WITH(cache.length(), Contains("layer 0: 2") && Contains("layer 1: 0") && Contains("reset()"));
}

TEST_CASE("KVCache rejects a bad layer, wrong shapes and positions beyond its capacity", "[18_memoization]") {
    nn::KVCache cache(2, 2, 3, 4, 5);
    const Tensor ok = numbered(2, 3, 1, 5, 0.f);
    CHECK_THROWS_AS(cache.append(2, ok, ok), IndexError);
    CHECK_THROWS_WITH(cache.append(2, ok, ok), Contains("layer 2") && Contains("0..1"));
    CHECK_THROWS_AS(cache.keys(-1), IndexError);
    const Tensor wrong_heads = numbered(2, 4, 1, 5, 0.f);
    CHECK_THROWS_AS(cache.append(0, wrong_heads, ok), ShapeError);
    CHECK_THROWS_WITH(cache.append(0, wrong_heads, ok), Contains("[2, 3, T, 5]") && Contains("[2, 4, 1, 5]"));
    CHECK_THROWS_WITH(cache.append(0, ok, numbered(2, 3, 1, 4, 0.f)), Contains("values") && Contains("[2, 3, 1, 4]"));
    CHECK_THROWS_WITH(cache.append(0, ok, numbered(2, 3, 2, 5, 0.f)), Contains("different numbers of positions"));
    cache.append(0, numbered(2, 3, 3, 5, 0.f), numbered(2, 3, 3, 5, 0.f));
    const Tensor two = numbered(2, 3, 2, 5, 0.f);
    CHECK_THROWS_AS(cache.append(0, two, two), ValueError);
    CHECK_THROWS_WITH(cache.append(0, two, two), Contains("3 of 4 positions") && Contains("reset()"));
    CHECK(cache.length(0) == 3);  // a refused append changes nothing
}

TEST_CASE("KVCache refuses sizes that are not positive", "[18_memoization][provided]") {
    CHECK_THROWS_AS(nn::KVCache(0, 1, 1, 1, 1), ValueError);
    CHECK_THROWS_WITH(nn::KVCache(2, 1, 4, -3, 8), Contains("positive") && Contains("-3") && Contains("make_kv_cache"));
}
