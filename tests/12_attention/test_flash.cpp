// tests/12_attention/test_flash.cpp — the fused streaming path against the naive one on shapes that
// span several query and key blocks: values, gradients, memory kept for backward, threads.
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/attention/attention.hpp"
#include "support/judge_gradcheck.hpp"

using namespace tinytorch;

namespace flash_test {
using Inputs = std::vector<Tensor>;

/// Leaves with values in [-1, 1) drawn from `seed`.
Tensor leaf(const Shape& shape, uint64_t seed) {
    Generator gen(seed);
    return uniform(shape, -1.0f, 1.0f, gen).requires_grad_();
}

/// Runs attention (fused or naive), backward with a fixed upstream gradient; returns {out, dq, dk, dv}.
Inputs run(bool fused, const Shape& qs, const Shape& ks, const Shape& vs, const Tensor& mask, bool causal) {
    Tensor q = leaf(qs, 1), k = leaf(ks, 2), v = leaf(vs, 3);
    Tensor out = fused ? scaled_dot_product_attention(q, k, v, mask, 0.0, causal)
                       : scaled_dot_product_attention_naive(q, k, v, mask, 0.0, causal);
    Generator gen(4);
    out.backward(uniform(out.shape(), -1.0f, 1.0f, gen));
    return {out.detach(), q.grad(), k.grad(), v.grad()};
}
}  // namespace flash_test

TEST_CASE("fused attention equals the naive path across several blocks", "[12_attention]") {
    using flash_test::run;
    struct Case { Shape q, k, v; bool causal; bool masked; };
    const std::vector<Case> cases = {
        {{1, 130, 8}, {1, 300, 8}, {1, 300, 5}, false, false},   // 3 query blocks, 3 key blocks
        {{2, 200, 16}, {2, 200, 16}, {2, 200, 16}, true, false}, // causal, square
        {{3, 70, 4}, {3, 257, 4}, {3, 257, 6}, false, true},     // float mask
        {{1, 2, 150, 8}, {1, 2, 90, 8}, {1, 2, 90, 8}, true, false},  // causal with L > S
        {{1, 1, 8}, {1, 513, 8}, {1, 513, 8}, false, true},      // one query (generation), many keys
    };
    for (const Case& c : cases) {
        INFO("q " << shape_str(c.q) << " k " << shape_str(c.k) << " causal " << c.causal << " masked " << c.masked);
        Tensor mask;
        if (c.masked) {
            Generator gen(9);
            const int64_t L = c.q[c.q.size() - 2], S = c.k[c.k.size() - 2];
            mask = uniform({L, S}, -3.0f, 1.0f, gen);
            mask.narrow(1, S - 7, 7).fill_(-std::numeric_limits<float>::infinity());  // padding at the end
        }
        auto fused = run(true, c.q, c.k, c.v, mask, c.causal), naive = run(false, c.q, c.k, c.v, mask, c.causal);
        const char* names[] = {"out", "grad query", "grad key", "grad value"};
        for (size_t i = 0; i < 4; ++i) {
            INFO(names[i] << " max abs diff " << judge::max_abs_diff(fused[i], naive[i]));
            CHECK(judge::allclose(fused[i], naive[i], 1e-4f, 2e-5f));
        }
    }
}

TEST_CASE("fused attention passes gradcheck across block boundaries", "[12_attention]") {
    using flash_test::leaf;
    Tensor q = leaf({1, 70, 2}, 11), k = leaf({1, 140, 2}, 12), v = leaf({1, 140, 2}, 13);
    using V = std::vector<Tensor>;
    CHECK(judge::gradcheck([](const V& t) { return scaled_dot_product_attention(t[0], t[1], t[2], {}, 0.0, true, 2.0); }, {q, k, v}));
}

TEST_CASE("fused attention keeps no L by S tensor for backward", "[12_attention]") {
    using flash_test::leaf;
    const int64_t L = 512, S = 512, E = 8;
    Tensor q = leaf({L, E}, 1), k = leaf({S, E}, 2), v = leaf({S, E}, 3);
    Tensor out = scaled_dot_product_attention(q, k, v, {}, 0.0, true);
    REQUIRE(out.grad_fn());
    int64_t saved = 0;
    for (const Tensor& t : out.grad_fn()->saved)
        if (t.defined()) saved += t.numel();
    CHECK(saved <= L * (E + 1));  // the output and one log-sum-exp per row: O(L·d), not O(L·S)
    // the naive path's graph holds the [L, S] weights
    Tensor naive = scaled_dot_product_attention_naive(q, k, v, {}, 0.0, true);
    REQUIRE(naive.grad_fn());
    CHECK(naive.grad_fn()->inputs[0].numel() == L * S);
}

TEST_CASE("fused attention gives the same result on one and two threads", "[12_attention]") {
    using flash_test::leaf;
    Tensor q = leaf({4, 100, 8}, 1), k = leaf({4, 200, 8}, 2), v = leaf({4, 200, 8}, 3);
    const int before = get_num_threads();
    set_num_threads(1);
    Tensor one = scaled_dot_product_attention(q, k, v, {}, 0.0, true);
    one.sum().backward();
    Tensor g1 = k.grad().clone();
    k.zero_grad();
    set_num_threads(2);
    Tensor two = scaled_dot_product_attention(q, k, v, {}, 0.0, true);
    two.sum().backward();
    set_num_threads(before);
    // Bit for bit: each batch entry is computed by one thread, in the same order, from scratch
    // aligned like a tensor (flash_attention.hpp's ScratchFloats; vector_math.hpp's map_packets),
    // so which thread runs it cannot change a single bit. (With malloc'd scratch, 8 of 40 runs
    // under load differed: Eigen's exp and sum round differently at different addresses.)
    CHECK(judge::equal(one, two));
    CHECK(judge::equal(g1, k.grad()));
}

TEST_CASE("fused attention reads transposed heads in place with the same result", "[12_attention]") {
    // [B, T, H, d] -> [B, H, T, d] is a view with row stride H·d: no copy, same numbers
    Generator gen(21);
    Tensor x = uniform({2, 33, 3, 8}, -1.0f, 1.0f, gen);
    Tensor heads = x.transpose(1, 2);
    Tensor a = scaled_dot_product_attention(heads, heads, heads, {}, 0.0, true);
    Tensor b = scaled_dot_product_attention(heads.contiguous(), heads.contiguous(), heads.contiguous(), {}, 0.0, true);
    CHECK(judge::allclose(a, b, 1e-6f, 1e-7f));
}

TEST_CASE("one new query over all cached keys equals the last row of causal attention", "[12_attention]") {
    // what a KV cache does at each generation step: the newest query sees every key so far, so it
    // passes is_causal = false (is_causal is top-left aligned, as in libtorch)
    Generator gen(31);
    Tensor q = uniform({2, 3, 150, 8}, -1.0f, 1.0f, gen), k = uniform({2, 3, 150, 8}, -1.0f, 1.0f, gen),
           v = uniform({2, 3, 150, 8}, -1.0f, 1.0f, gen);
    Tensor full = scaled_dot_product_attention(q, k, v, {}, 0.0, true);
    Tensor step = scaled_dot_product_attention(q.narrow(2, 149, 1), k, v);
    CHECK(judge::allclose(step, full.narrow(2, 149, 1), 1e-5f, 1e-6f));
    Tensor prefix = scaled_dot_product_attention(q.narrow(2, 99, 1), k.narrow(2, 0, 100), v.narrow(2, 0, 100));
    CHECK(judge::allclose(prefix, full.narrow(2, 99, 1), 1e-5f, 1e-6f));
}
