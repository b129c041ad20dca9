// tests/18_memoization/test_cached_generation.cpp — generate_with_cache gives GPT::generate's tokens:
// greedy and sampled with a seed, batched, across block_size (crop and prefill again), with stop
// tokens; what the cache holds afterwards; the model's mode; errors.
#include <map>
#include <memory>

#include "support/catch.hpp"
#include "tinytorch/memoization/memoization.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace test_cached_generation {

nn::GPT& shared_model(nn::PositionalEncoding pos = nn::PositionalEncoding::learned) {
    static std::map<int, std::unique_ptr<nn::GPT>> models;
    auto& m = models[static_cast<int>(pos)];
    if (!m) {
        manual_seed(1820 + static_cast<int>(pos));
        m = std::make_unique<nn::GPT>(
            nn::GPTConfig{.vocab_size = 13, .block_size = 8, .n_layer = 2, .n_head = 2, .n_embd = 16, .position = pos});
        for (auto& p : m->parameters()) p.mul_(10.0f);  // confident, varied predictions
    }
    return *m;
}

Tensor prompts() { return Tensor({{1.f, 2.f, 3.f}, {4.f, 4.f, 0.f}, {12.f, 7.f, 5.f}}); }

}  // namespace test_cached_generation

using namespace test_cached_generation;

TEST_CASE("generate_with_cache gives GPT::generate's greedy tokens for every row, across block_size", "[18_memoization]") {
    const auto pos = GENERATE(nn::PositionalEncoding::learned, nn::PositionalEncoding::rope);
    nn::GPT& model = shared_model(pos);
    // prompt 3 + 20 new tokens = 23 > block_size 8: the context is cropped 15 times
    const Tensor want = model.generate(prompts(), 20, {.greedy = true});
    const Tensor got = nn::generate_with_cache(model, prompts(), 20, {.greedy = true});
    REQUIRE(got.shape() == Shape{3, 23});
    CHECK(judge::equal(got, want));
    CHECK(judge::equal(got.narrow(1, 0, 3), prompts()));
}

TEST_CASE("generate_with_cache with a seed samples GPT::generate's tokens", "[18_memoization]") {
    nn::GPT& model = shared_model();
    for (uint64_t seed : {1u, 2u, 3u}) {
        const nn::GenerateOptions o{.temperature = 1.3, .top_k = 6, .seed = seed};
        const Tensor want = model.generate(prompts(), 16, o);
        const Tensor got = nn::generate_with_cache(model, prompts(), 16, o);
        INFO("seed " << seed);
        CHECK(judge::equal(got, want));
        CHECK(judge::equal(nn::generate_with_cache(model, prompts(), 16, o), got));  // the same seed, the same tokens
    }
    // different seeds give different samples (so the comparison above is not trivial)
    CHECK_FALSE(judge::equal(nn::generate_with_cache(model, prompts(), 16, {.temperature = 1.3, .seed = 1u}),
                             nn::generate_with_cache(model, prompts(), 16, {.temperature = 1.3, .seed = 2u})));
}

TEST_CASE("generate_with_cache stops rows at the stop token as GPT::generate does", "[18_memoization]") {
    nn::GPT& model = shared_model();
    const Tensor free_run = model.generate(prompts(), 12, {.greedy = true});
    const int64_t stop = static_cast<int64_t>(judge::values(free_run.select(1, 5))[0]);  // row 0's third new token
    const nn::GenerateOptions o{.greedy = true, .stop_token = stop};
    const Tensor want = model.generate(prompts(), 12, o);
    const Tensor got = nn::generate_with_cache(model, prompts(), 12, o);
    CHECK(judge::equal(got, want));
}

TEST_CASE("after generate_with_cache the cache holds the last context", "[18_memoization]") {
    nn::GPT& model = shared_model();
    nn::KVCache cache = nn::make_kv_cache(model, 3);
    nn::generate_with_cache(model, prompts(), 4, cache, {.greedy = true});
    CHECK(cache.length() == 3 + 4 - 1);  // the prompt and every new token but the last, which no step has read yet
    const Tensor out = nn::generate_with_cache(model, prompts(), 10, cache, {.greedy = true});
    CHECK(cache.length() == 8);  // full after the crop: the last block_size tokens
    // and those are the keys of the last 8 tokens but one... at positions 0..7: prefilling them again gives the same
    NoGradGuard no_grad;
    nn::KVCache again = nn::make_kv_cache(model, 3);
    nn::forward_with_cache(model, out.narrow(1, out.size(1) - 9, 8).contiguous(), again);
    for (int64_t l = 0; l < 2; ++l) CHECK(judge::allclose(cache.keys(l), again.keys(l), 1e-5, 1e-6));
}

TEST_CASE("generate_with_cache leaves the model's mode and records no graph", "[18_memoization]") {
    nn::GPT& model = shared_model();
    model.train();
    const Tensor out = nn::generate_with_cache(model, prompts(), 3, {.greedy = true});
    CHECK(model.is_training());
    CHECK_FALSE(out.requires_grad());
    model.eval();
    CHECK(judge::equal(nn::generate_with_cache(model, prompts(), 0), prompts()));
}

TEST_CASE("generate_with_cache rejects bad prompts, counts, options and caches", "[18_memoization]") {
    nn::GPT& model = shared_model();
    nn::KVCache cache = nn::make_kv_cache(model, 1);
    CHECK_THROWS_AS(nn::generate_with_cache(model, Tensor({{1.f}}), -1, cache), ValueError);
    CHECK_THROWS_WITH(nn::generate_with_cache(model, Tensor({{1.f}}), -1, cache), Contains("max_new_tokens") && Contains("-1"));
    CHECK_THROWS_AS(nn::generate_with_cache(model, zeros({3}), 2, cache), ShapeError);
    CHECK_THROWS_WITH(nn::generate_with_cache(model, zeros({3}), 2, cache), Contains("[3]") && Contains("unsqueeze"));
    CHECK_THROWS_WITH(nn::generate_with_cache(model, Tensor({{1.f}}), 2, cache, {.top_p = 0.0}),
                      Contains("top_p") && Contains("(0, 1]"));
    CHECK_THROWS_AS(nn::generate_with_cache(model, prompts(), 2, cache), ShapeError);
    CHECK_THROWS_WITH(nn::generate_with_cache(model, prompts(), 2, cache), Contains("3 rows") && Contains("cache 1"));
    CHECK_THROWS_AS(nn::generate_with_cache(model, zeros({1, 0}), 2), ShapeError);
}
