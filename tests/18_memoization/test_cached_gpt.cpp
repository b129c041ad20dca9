// tests/18_memoization/test_cached_gpt.cpp — forward_with_cache: the logits of the new tokens equal
// the uncached GPT's at every step (256 decode steps, max |diff| <= 1e-4), for learned, sinusoidal
// and rotary positions, in chunks, batched; make_kv_cache; inference only; errors.
#include <algorithm>

#include "support/catch.hpp"
#include "tinytorch/memoization/memoization.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace test_cached_gpt {

nn::GPTConfig small(int64_t block, nn::PositionalEncoding pos = nn::PositionalEncoding::learned) {
    return nn::GPTConfig{.vocab_size = 11, .block_size = block, .n_layer = 2, .n_head = 2, .n_embd = 16, .position = pos};
}

/// The uncached model's logits at the last position of every row: [B, V].
Tensor last_logits(nn::GPT& model, const std::vector<float>& tokens, int64_t B) {
    const int64_t T = static_cast<int64_t>(tokens.size()) / B;
    Tensor logits = model(Tensor(tokens, {B, T}));
    return logits.narrow(1, T - 1, 1).reshape({B, model.config().vocab_size});
}

/// Greedy next token of each row of logits [B, V] (ties: the first), read with the judge's helper.
std::vector<float> argmax_rows(const Tensor& logits) {
    const std::vector<float> v = judge::values(logits);
    const int64_t B = logits.size(0), V = logits.size(1);
    std::vector<float> out;
    for (int64_t b = 0; b < B; ++b)
        out.push_back(static_cast<float>(std::max_element(v.begin() + b * V, v.begin() + (b + 1) * V) - (v.begin() + b * V)));
    return out;
}

/// Appends one token per row to row-major tokens [B, T].
std::vector<float> grow(const std::vector<float>& tokens, int64_t B, const std::vector<float>& next) {
    const int64_t T = static_cast<int64_t>(tokens.size()) / B;
    std::vector<float> out;
    for (int64_t b = 0; b < B; ++b) {
        out.insert(out.end(), tokens.begin() + b * T, tokens.begin() + (b + 1) * T);
        out.push_back(next[b]);
    }
    return out;
}

}  // namespace test_cached_gpt

using namespace test_cached_gpt;

TEST_CASE("make_kv_cache shapes a cache for the model", "[18_memoization]") {
    nn::GPT model(nn::GPTConfig{.vocab_size = 5, .block_size = 12, .n_layer = 3, .n_head = 2, .n_embd = 8});
    nn::KVCache cache = nn::make_kv_cache(model, 4);
    CHECK(cache.n_layer() == 3);
    CHECK(cache.batch_size() == 4);
    CHECK(cache.n_head() == 2);
    CHECK(cache.head_dim() == 4);
    CHECK(cache.capacity() == 12);
    CHECK(cache.memory().allocated_bytes == 3 * 2 * 4 * 2 * 12 * 4 * 4);
    CHECK(nn::make_kv_cache(model, 1, 5).capacity() == 5);
    CHECK_THROWS_AS(nn::make_kv_cache(model, 1, 13), ValueError);
    CHECK_THROWS_WITH(nn::make_kv_cache(model, 1, 13), Contains("block_size (12)") && Contains("13"));
}

TEST_CASE("cached logits equal the uncached logits at every one of 256 decode steps", "[18_memoization]") {
    manual_seed(1810);
    nn::GPT model(small(262));
    for (auto& p : model.parameters()) p.mul_(4.0f);  // confident, varied predictions (logits of size ~10)
    model.eval();
    NoGradGuard no_grad;
    std::vector<float> tokens{3, 1, 4, 1, 5, 9};
    nn::KVCache cache = nn::make_kv_cache(model, 1);
    Tensor cached = nn::forward_with_cache(model, Tensor(tokens, {1, 6}), cache);  // prefill: every position
    CHECK(judge::allclose(cached, model(Tensor(tokens, {1, 6})), 1e-5, 1e-5));
    double worst = 0.0, largest = 0.0;
    std::vector<float> seen;
    for (int step = 0; step < 256; ++step) {
        const Tensor last = cached.narrow(1, cached.size(1) - 1, 1).reshape({1, 11});
        const Tensor want = last_logits(model, tokens, 1);
        worst = std::max(worst, judge::max_abs_diff(last, want));
        largest = std::max(largest, judge::max_abs_diff(want, judge::full(want.shape())));
        const std::vector<float> next = argmax_rows(want);
        seen.push_back(next[0]);
        tokens = grow(tokens, 1, next);
        cached = nn::forward_with_cache(model, Tensor(next, {1, 1}), cache);  // decode: one token
    }
    INFO("max |cached - uncached| over 256 steps: " << worst << " (largest |logit| " << largest << ")");
    CHECK(worst <= 1e-4);
    CHECK(largest > 3.0);  // logits large enough that a wrong position or layer would show
    CHECK(cache.length() == 6 + 256);
    std::sort(seen.begin(), seen.end());
    CHECK(std::unique(seen.begin(), seen.end()) - seen.begin() >= 3);  // the sequence is not one repeated token
}

TEST_CASE("cached logits equal uncached ones with sinusoidal and rotary positions, batched, in chunks", "[18_memoization]") {
    const auto pos = GENERATE(nn::PositionalEncoding::sinusoidal, nn::PositionalEncoding::rope, nn::PositionalEncoding::learned);
    manual_seed(1811);
    nn::GPT model(small(24, pos));
    for (auto& p : model.parameters()) p.mul_(5.0f);
    model.eval();
    NoGradGuard no_grad;
    const Tensor idx = randint(0, 11, {3, 24});
    const Tensor want = model(idx);
    nn::KVCache cache = nn::make_kv_cache(model, 3);
    std::vector<Tensor> parts;
    int64_t at = 0;
    for (int64_t n : {5, 1, 1, 4, 1, 12}) {
        parts.push_back(nn::forward_with_cache(model, idx.narrow(1, at, n).contiguous(), cache));
        at += n;
    }
    const Tensor got = cat(parts, 1);
    INFO(nn::positional_encoding_name(pos) << ": max |diff| " << judge::max_abs_diff(got, want));
    CHECK(judge::allclose(got, want, 1e-4, 1e-4));
    CHECK(judge::max_abs_diff(got, want) <= 1e-4);
    // last_only: the head on the last position alone
    cache.reset();
    const Tensor last = nn::forward_with_cache(model, idx, cache, /*last_only=*/true);
    CHECK(last.shape() == Shape{3, 1, 11});
    CHECK(judge::allclose(last, want.narrow(1, 23, 1), 1e-4, 1e-4));
}

TEST_CASE("forward_with_cache is for inference: it refuses to run in grad mode", "[18_memoization]") {
    nn::GPT model(small(8));
    nn::KVCache cache = nn::make_kv_cache(model, 1);
    CHECK_THROWS_AS(nn::forward_with_cache(model, Tensor({{1.f, 2.f}}), cache), ValueError);
    CHECK_THROWS_WITH(nn::forward_with_cache(model, Tensor({{1.f, 2.f}}), cache),
                      Contains("inference") && Contains("grad mode") && Contains("NoGradGuard"));
    CHECK(cache.length() == 0);
    NoGradGuard no_grad;
    CHECK(nn::forward_with_cache(model, Tensor({{1.f, 2.f}}), cache).shape() == Shape{1, 2, 11});
}

TEST_CASE("forward_with_cache rejects a cache of another model or batch, and tokens beyond block_size", "[18_memoization]") {
    nn::GPT model(small(8));
    NoGradGuard no_grad;
    nn::KVCache wrong_layers(3, 1, 2, 8, 8);
    CHECK_THROWS_AS(nn::forward_with_cache(model, Tensor({{1.f}}), wrong_layers), ShapeError);
    CHECK_THROWS_WITH(nn::forward_with_cache(model, Tensor({{1.f}}), wrong_layers),
                      Contains("3 layers") && Contains("2 layers") && Contains("make_kv_cache"));
    nn::KVCache cache = nn::make_kv_cache(model, 2);
    CHECK_THROWS_WITH(nn::forward_with_cache(model, Tensor({{1.f}}), cache), Contains("1 rows") && Contains("cache 2"));
    CHECK_THROWS_AS(nn::forward_with_cache(model, zeros({2}), cache), ShapeError);
    nn::forward_with_cache(model, zeros({2, 6}), cache);
    CHECK_THROWS_AS(nn::forward_with_cache(model, zeros({2, 3}), cache), ValueError);
    CHECK_THROWS_WITH(nn::forward_with_cache(model, zeros({2, 3}), cache),
                      Contains("6 cached positions + 3 new tokens exceed 8") && Contains("reset()"));
    CHECK(cache.length() == 6);
}
