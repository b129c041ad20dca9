// tests/14_profiling/test_flop_counter.cpp — FLOP formulas against counts worked out by hand.
#include "support/catch.hpp"
#include "tinytorch/profiling/profiling.hpp"

using namespace tinytorch;
using namespace tinytorch::profiler;

TEST_CASE("matmul FLOPs are two per multiply-add with batch dims broadcast", "[14_profiling]") {
    // [64, 784] @ [784, 256]: 64·256 outputs, 784 multiply-adds each
    CHECK(matmul_flops({64, 784}, {784, 256}) == 2LL * 64 * 256 * 784);
    // [3, 2, 5] @ [5, 7]: 3 batches of 2x7 outputs with 5 terms = 3·2·7·5·2 = 420
    CHECK(matmul_flops({3, 2, 5}, {5, 7}) == 420);
    // [4, 1, 2, 3] @ [5, 3, 6]: batch dims [4, 1] and [5] broadcast to [4, 5]
    CHECK(matmul_flops({4, 1, 2, 3}, {5, 3, 6}) == 2LL * 20 * 2 * 6 * 3);
    // a 1-D left operand is a row: [3] @ [3, 4] = 4 dot products of length 3 = 24
    CHECK(matmul_flops({3}, {3, 4}) == 24);
    CHECK(matmul_flops({3, 4}, {4}) == 24);
}

TEST_CASE("conv2d FLOPs follow the real output geometry with padding stride and groups", "[14_profiling]") {
    // 3x3 conv 3 -> 8 channels, 32x32 input, padding 1: output [2, 8, 32, 32]
    // each output: 3·3·3 = 27 multiply-adds, plus the bias
    CHECK(conv2d_flops({8, 3, 3, 3}, {2, 8, 32, 32}, true) == 2LL * 2 * 8 * 32 * 32 * 27 + 2LL * 8 * 32 * 32);
    // stride 2, no padding, 5x5, groups 2 (8 -> 4 channels: weight [4, 4, 5, 5]), 16x16 -> 6x6
    CHECK(conv2d_flops({4, 4, 5, 5}, {1, 4, 6, 6}, false) == 2LL * 4 * 36 * 100);
}

TEST_CASE("pooling FLOPs count one operation per window element", "[14_profiling]") {
    // 2x2 windows over [1, 3, 8, 8] with stride 2 -> [1, 3, 4, 4]: 48 windows of 4
    CHECK(pool2d_flops({1, 3, 4, 4}, 2, 2) == 192);
    // overlapping 3x3 windows, stride 2, 7x7 -> 3x3: 9 windows of 9 per plane
    CHECK(pool2d_flops({2, 1, 3, 3}, 3, 3) == 2 * 81);
}

TEST_CASE("attention FLOPs are the two products plus five per score", "[14_profiling]") {
    // B = 2 heads·batch, Tq = Tk = 4, d = dv = 8: scores 2·16 = 32
    CHECK(attention_flops({2, 4, 8}, {2, 4, 8}, {2, 4, 8}) == 2 * 32 * 8 + 2 * 32 * 8 + 5 * 32);
    // cross attention: Tq 3, Tk 5, d 2, dv 6, batch [2, 2]
    CHECK(attention_flops({2, 2, 3, 2}, {2, 2, 5, 2}, {2, 2, 5, 6}) == 2 * 60 * 2 + 2 * 60 * 6 + 5 * 60);
}

TEST_CASE("op_flops routes ops and backward rules to their formulas", "[14_profiling]") {
    OpShapes mm{"matmul", EventKind::op, {{4, 3}, {3, 5}}, {true, true}, nullptr, {}};
    CHECK(op_flops(mm) == 2 * 4 * 5 * 3);
    // backward of matmul: one product of the same size per operand that needs a gradient
    OpShapes mmb{"matmul", EventKind::backward, {{4, 5}, {4, 3}, {3, 5}}, {false, false, true}, nullptr, {}};
    CHECK(op_flops(mmb) == 2 * 4 * 5 * 3);
    mmb.requires_grad = {false, true, true};
    CHECK(op_flops(mmb) == 2 * 2 * 4 * 5 * 3);
    Shape out{1, 2, 4, 4};
    OpShapes pool{"max_pool2d", EventKind::op, {{1, 2, 8, 8}}, {false}, &out, {2, 2}};
    CHECK(op_flops(pool) == 2 * 16 * 4);
    OpShapes add{"add", EventKind::op, {{3, 1}, {4}}, {false, false}, nullptr, {}};
    CHECK(op_flops(add) == 12);  // broadcast to [3, 4]
    OpShapes view{"reshape", EventKind::op, {{3, 4}}, {false}, nullptr, {}};
    CHECK(op_flops(view) == -1);  // no formula: a view computes nothing itself
    // conv2d backward: input and weight gradients are each one convolution's worth, bias one per output
    Shape conv_out{2, 4, 6, 6};
    OpShapes convb{"conv2d", EventKind::backward, {conv_out, {2, 3, 8, 8}, {4, 3, 3, 3}, {4}}, {false, false, true, true},
                   nullptr, {}};
    CHECK(op_flops(convb) == 2LL * 288 * 27 + 288);
}
