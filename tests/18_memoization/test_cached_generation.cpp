// tests/18_memoization/test_cached_generation.cpp — generate_with_cache gives GPT::generate's tokens:
// greedy and sampled with a seed, batched, over 3x block_size (the window jumps to its newest tokens
// and the cache is prefilled again; every context_keep), with stop tokens; what the cache holds
// afterwards; the model's mode; errors.
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

TEST_CASE("generate_with_cache gives GPT::generate's greedy tokens for every row, over 3x block_size", "[18_memoization]") {
    const auto pos = GENERATE(nn::PositionalEncoding::learned, nn::PositionalEncoding::rope);
    nn::GPT& model = shared_model(pos);
    // prompt 3 + 24 new tokens = 27 > 3 x block_size 8: the window (keep 4) jumps 4 times
    const Tensor want = model.generate(prompts(), 24, {.greedy = true});
    const Tensor got = nn::generate_with_cache(model, prompts(), 24, {.greedy = true});
    REQUIRE(got.shape() == Shape{3, 27});
    CHECK(judge::equal(got, want));
    CHECK(judge::equal(got.narrow(1, 0, 3), prompts()));
}

TEST_CASE("generate_with_cache follows every context_keep as GPT::generate does", "[18_memoization]") {
    nn::GPT& model = shared_model();
    // 1: a jump to one token every 8 tokens; 5: every 4 tokens; 8: nanoGPT's crop, a prefill every step
    const int64_t keep = GENERATE(1, 3, 5, 8);
    INFO("context_keep " << keep);
    const nn::GenerateOptions greedy{.greedy = true, .context_keep = keep};
    const Tensor want = model.generate(prompts(), 24, greedy);
    CHECK(judge::equal(nn::generate_with_cache(model, prompts(), 24, greedy), want));
    const nn::GenerateOptions sampled{.temperature = 1.3, .seed = 7u, .context_keep = keep};
    CHECK(judge::equal(nn::generate_with_cache(model, prompts(), 24, sampled), model.generate(prompts(), 24, sampled)));
    // and the policy matters: keeping another number of tokens writes other tokens
    if (keep != 3) CHECK_FALSE(judge::equal(want, model.generate(prompts(), 24, {.greedy = true, .context_keep = 3})));
}

TEST_CASE("generate_with_cache with a seed samples GPT::generate's tokens", "[18_memoization]") {
    nn::GPT& model = shared_model();
    for (uint64_t seed : {1u, 2u, 3u}) {
        const nn::GenerateOptions o{.temperature = 1.3, .top_k = 6, .seed = seed};
        const Tensor want = model.generate(prompts(), 24, o);  // 27 tokens: over 3x block_size
        const Tensor got = nn::generate_with_cache(model, prompts(), 24, o);
        INFO("seed " << seed);
        CHECK(judge::equal(got, want));
        CHECK(judge::equal(nn::generate_with_cache(model, prompts(), 24, o), got));  // the same seed, the same tokens
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

TEST_CASE("after generate_with_cache the cache holds the last window", "[18_memoization]") {
    nn::GPT& model = shared_model();
    nn::KVCache cache = nn::make_kv_cache(model, 3);
    nn::generate_with_cache(model, prompts(), 4, cache, {.greedy = true});
    CHECK(cache.length() == 3 + 4 - 1);  // the prompt and every new token but the last, which no step has read yet
    const Tensor out = nn::generate_with_cache(model, prompts(), 10, cache, {.greedy = true});
    // 13 tokens; the window (block 8, keep 4) jumped when token 8 came (to tokens 5..8, prefilled),
    // then 9, 10, 11 were decoded one at a time; token 12, the last, was never read
    CHECK(cache.length() == 7);
    // those are the keys of tokens 5..11 at positions 0..6: prefilling them again gives the same
    // (to float rounding: 5..8 came from a prefill, 9..11 from decode steps; |K|, |V| reach ~26 here)
    NoGradGuard no_grad;
    nn::KVCache again = nn::make_kv_cache(model, 3);
    nn::forward_with_cache(model, out.narrow(1, 5, 7).contiguous(), again);
    for (int64_t l = 0; l < 2; ++l) {
        CHECK(judge::allclose(cache.keys(l), again.keys(l), 1e-5, 1e-4));
        CHECK(judge::allclose(cache.values(l), again.values(l), 1e-5, 1e-4));
    }
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
    // the window can be no longer than the cache: keep at most its capacity
    nn::KVCache short_cache = nn::make_kv_cache(model, 1, 4);
    CHECK_THROWS_AS(nn::generate_with_cache(model, Tensor({{1.f}}), 2, short_cache, {.context_keep = 6}), ValueError);
    CHECK_THROWS_WITH(nn::generate_with_cache(model, Tensor({{1.f}}), 2, short_cache, {.context_keep = 6}),
                      Contains("context_keep (6)") && Contains("4"));
}
