// tests/18_memoization/test_cached_attention.cpp — the bottom-right causal mask, and attention /
// a transformer block over new tokens with cached keys: prefill, decode and chunks give the rows
// the uncached forward gives for the whole sequence (learned positions and RoPE).
#include "support/catch.hpp"
#include "tinytorch/memoization/memoization.hpp"
#include "support/judge.hpp"

using namespace tinytorch;

namespace test_cached_attention {

/// Runs x [B, T, C] through fn in chunks of the given sizes, concatenating the outputs along dim 1.
template <typename Fn>
Tensor in_chunks(const Tensor& x, const std::vector<int64_t>& sizes, Fn fn) {
    std::vector<Tensor> outs;
    int64_t at = 0;
    for (int64_t n : sizes) {
        outs.push_back(fn(x.narrow(1, at, n).contiguous()));
        at += n;
    }
    return cat(outs, 1);
}

}  // namespace test_cached_attention

using namespace test_cached_attention;

TEST_CASE("cached_causal_mask lets new token i see keys up to past + i", "[18_memoization]") {
    const float inf = std::numeric_limits<float>::infinity();
    // 2 new queries after 3 cached keys: query 0 is position 3, query 1 is position 4
    CHECK(judge::equal(nn::cached_causal_mask(2, 3),
                       judge::tensor({0, 0, 0, 0, -inf, 0, 0, 0, 0, 0}, {2, 5})));
    // nothing cached: the usual top-left causal mask
    CHECK(judge::equal(nn::cached_causal_mask(3, 0), judge::tensor({0, -inf, -inf, 0, 0, -inf, 0, 0, 0}, {3, 3})));
    // one new token sees everything
    CHECK(judge::equal(nn::cached_causal_mask(1, 4), judge::full({1, 5}, 0.0f)));
}

TEST_CASE("cached_causal_mask refuses sizes that mean nothing", "[18_memoization][provided]") {
    CHECK_THROWS_AS(nn::cached_causal_mask(0, 2), ValueError);
    CHECK_THROWS_WITH(nn::cached_causal_mask(2, -1), Contains("past = -1") && Contains("cache length"));
}

TEST_CASE("attention_with_cache gives the rows of the uncached attention: prefill, decode, chunks", "[18_memoization]") {
    manual_seed(1800);
    const bool rope = GENERATE(false, true);
    auto rotary = rope ? std::make_shared<nn::RotaryEmbedding>(4, 16) : nullptr;
    nn::CausalSelfAttention attn(8, 2, 0.0, true, rotary);
    attn.eval();
    NoGradGuard no_grad;
    const Tensor x = randn({2, 9, 8});
    const Tensor want = attn(x);  // the whole sequence at once, is_causal
    for (const std::vector<int64_t>& sizes : {std::vector<int64_t>{9}, std::vector<int64_t>{1, 1, 1, 1, 1, 1, 1, 1, 1},
                                              std::vector<int64_t>{4, 1, 1, 3}, std::vector<int64_t>{2, 5, 2}}) {
        nn::KVCache cache(1, 2, 2, 16, 4);
        const Tensor got = in_chunks(x, sizes, [&](const Tensor& part) {
            return nn::attention_with_cache(attn, part, cache, 0);
        });
        INFO("rope " << rope << ", chunks of " << sizes.size() << ", max |diff| " << judge::max_abs_diff(got, want));
        CHECK(judge::allclose(got, want, 1e-5, 1e-6));
        CHECK(cache.length() == 9);
    }
}

TEST_CASE("attention_with_cache stores the keys and values of every position it saw", "[18_memoization]") {
    manual_seed(1801);
    nn::CausalSelfAttention attn(6, 3);
    attn.eval();
    NoGradGuard no_grad;
    const Tensor x = randn({1, 4, 6});
    nn::KVCache cache(2, 1, 3, 8, 2);
    nn::attention_with_cache(attn, x.narrow(1, 0, 3).contiguous(), cache, 1);
    nn::attention_with_cache(attn, x.narrow(1, 3, 1).contiguous(), cache, 1);
    const auto h = attn.project_qkv(x);
    CHECK(cache.length(1) == 4);
    CHECK(cache.length(0) == 0);
    CHECK(judge::allclose(cache.keys(1), h.k, 1e-6, 1e-7));
    CHECK(judge::allclose(cache.values(1), h.v, 1e-6, 1e-7));
}

TEST_CASE("block_with_cache gives the rows of the uncached TransformerBlock", "[18_memoization]") {
    manual_seed(1802);
    nn::TransformerBlock block(8, 2);
    block.eval();
    NoGradGuard no_grad;
    const Tensor x = randn({3, 7, 8});
    const Tensor want = block(x);
    nn::KVCache cache(1, 3, 2, 7, 4);
    const Tensor got = in_chunks(x, {3, 1, 2, 1}, [&](const Tensor& part) {
        return nn::block_with_cache(block, part, cache, 0);
    });
    INFO("max |diff| " << judge::max_abs_diff(got, want));
    CHECK(judge::allclose(got, want, 1e-5, 1e-6));
}

TEST_CASE("attention_with_cache rejects tokens that do not fit the cache", "[18_memoization]") {
    nn::CausalSelfAttention attn(8, 2);
    NoGradGuard no_grad;
    nn::KVCache cache(1, 2, 2, 4, 4);
    CHECK_THROWS_AS(nn::attention_with_cache(attn, zeros({3, 1, 8}), cache, 0), ShapeError);
    CHECK_THROWS_WITH(nn::attention_with_cache(attn, zeros({3, 1, 8}), cache, 0),
                      Contains("[2, T, 8]") && Contains("[3, 1, 8]"));
    nn::KVCache other(1, 2, 4, 4, 2);
    CHECK_THROWS_WITH(nn::attention_with_cache(attn, zeros({2, 1, 8}), other, 0),
                      Contains("4 heads of 2") && Contains("2 of 4") && Contains("make_kv_cache"));
    nn::attention_with_cache(attn, zeros({2, 3, 8}), cache, 0);
    CHECK_THROWS_AS(nn::attention_with_cache(attn, zeros({2, 2, 8}), cache, 0), ValueError);
}
