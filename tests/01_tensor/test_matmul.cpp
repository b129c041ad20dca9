// tests/01_tensor/test_matmul.cpp — lesson §7 (matrix multiplication: naive loops vs Eigen)
#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

namespace {
/// float32 sums of K products: compare with a tolerance that grows with K.
bool close_enough(const Tensor& a, const Tensor& b) { return judge::allclose(a, b, 1e-4f, 1e-4f); }
}  // namespace

TEST_CASE("matmul of two small matrices matches hand values", "[01_tensor]") {
    Tensor a({{1.f, 2.f}, {3.f, 4.f}}), b({{5.f, 6.f}, {7.f, 8.f}});
    CHECK(a.matmul(b).to_vector() == Floats{19, 22, 43, 50});
    Tensor c({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});       // [2, 3]
    Tensor d({{7.f, 8.f}, {9.f, 10.f}, {11.f, 12.f}});  // [3, 2]
    Tensor cd = c.matmul(d);
    CHECK(cd.shape() == Shape{2, 2});
    CHECK(cd.to_vector() == Floats{58, 64, 139, 154});
    Tensor dc = matmul(d, c);
    CHECK(dc.shape() == Shape{3, 3});
    CHECK(dc.to_vector() == Floats{39, 54, 69, 49, 68, 87, 59, 82, 105});
    CHECK(judge::equal(a.matmul(eye(2)), a));
    CHECK(cd.is_contiguous());
}

TEST_CASE("matmul_naive is the three-loop definition", "[01_tensor]") {
    Tensor c({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});
    Tensor d({{7.f, 8.f}, {9.f, 10.f}, {11.f, 12.f}});
    CHECK(detail::matmul_naive(c, d).to_vector() == Floats{58, 64, 139, 154});
    CHECK(detail::matmul_naive(c.t(), c.t().t()).shape() == Shape{3, 3});
}

TEST_CASE("matmul agrees with the naive loops on random matrices", "[01_tensor]") {
    manual_seed(21);
    Tensor a = randn({37, 53}), b = randn({53, 29});
    Tensor fast = a.matmul(b), slow = judge::matmul(a, b);
    CHECK(fast.shape() == Shape{37, 29});
    CHECK(close_enough(fast, slow));
    CHECK(judge::max_abs_diff(fast, slow) < 1e-4f);
    Tensor big_a = randn({96, 130}), big_b = randn({130, 110});  // big enough for Eigen's blocked kernel
    CHECK(close_enough(big_a.matmul(big_b), judge::matmul(big_a, big_b)));
}

TEST_CASE("matmul reads transposed operands without copying them first", "[01_tensor]") {
    manual_seed(22);
    Tensor a = randn({6, 4}), b = randn({6, 5}), c = randn({3, 5});
    Tensor at_b = a.t().matmul(b);  // [4, 6] @ [6, 5], a.t() is column-major
    CHECK(at_b.shape() == Shape{4, 5});
    CHECK(close_enough(at_b, a.t().contiguous().matmul(b)));
    CHECK(close_enough(at_b, judge::matmul(a.t(), b)));
    Tensor b_ct = b.matmul(c.t());  // [6, 5] @ [5, 3]
    CHECK(close_enough(b_ct, judge::matmul(b, c.t())));
    Tensor both = b.t().matmul(a);  // [5, 6] @ [6, 4]
    CHECK(close_enough(both, judge::matmul(b.t(), a)));
    Tensor tt = c.matmul(b.t()).t();  // ([3, 5] @ [5, 6]).t() == b @ c.t()
    CHECK(close_enough(tt, b_ct));
}

TEST_CASE("one row times a matrix matches the naive loops for every operand layout", "[01_tensor]") {
    // [1, K] @ [K, N] is a matrix-vector product (OpenBLAS builds take sgemv for it): row-major,
    // transposed (a Linear's x @ W.t()), a strided row, a sliced matrix, and batched rows
    manual_seed(24);
    Tensor x = randn({1, 40}), w = randn({33, 40}), b = randn({40, 33}), m = randn({40, 7});
    CHECK(close_enough(x.matmul(b), judge::matmul(x, b)));
    CHECK(close_enough(x.matmul(w.t()), judge::matmul(x, w.t())));
    Tensor col = m.select(1, 3).unsqueeze(0);  // [1, 40] with element stride 7
    CHECK(close_enough(col.matmul(w.t()), judge::matmul(col, w.t())));
    CHECK(close_enough(col.matmul(b), judge::matmul(col, b)));
    Tensor bs = b.slice(1, 1, 30, 3);  // [40, 10], column stride 3: neither layout, the general path
    CHECK(close_enough(x.matmul(bs), judge::matmul(x, bs)));
    Tensor rows = randn({3, 1, 40});  // three one-row products in a batch
    Tensor out = rows.matmul(w.t());
    for (int64_t i = 0; i < 3; ++i) CHECK(close_enough(out.select(0, i), judge::matmul(rows.select(0, i), w.t())));
}

TEST_CASE("matmul handles sliced operands with gaps between elements", "[01_tensor]") {
    manual_seed(23);
    Tensor a = randn({8, 10}), b = randn({10, 12});
    Tensor as = a.slice(1, 0, 10, 2);         // [8, 5], column stride 2
    Tensor bs = b.slice(0, 1, 10, 2);         // [5, 12], row stride 24
    Tensor cs = b.slice(1, 2, 9).slice(0, 3, 8);  // [5, 7], offset and row stride 12
    CHECK(close_enough(as.matmul(bs), judge::matmul(as, bs)));
    CHECK(close_enough(as.matmul(cs), judge::matmul(as, cs)));
    Tensor ex = Tensor({1.f, 2.f, 3.f, 4.f, 5.f}).unsqueeze(0).expand({3, 5});  // stride 0 rows
    CHECK(close_enough(ex.matmul(bs), judge::matmul(ex, bs)));
}

TEST_CASE("batched matmul broadcasts batch dims and matches each naive product", "[01_tensor]") {
    manual_seed(24);
    Tensor a = randn({2, 1, 3, 4}), b = randn({5, 4, 2});
    Tensor c = a.matmul(b);
    REQUIRE(c.shape() == Shape{2, 5, 3, 2});
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 5; ++j) {
            Tensor expect = judge::matmul(a.index({i, 0}), b[j]);
            CHECK(close_enough(c.index({i, j}), expect));
        }
}

TEST_CASE("a 3-D by 2-D matmul multiplies every batch by the same matrix", "[01_tensor]") {
    manual_seed(25);
    Tensor a = randn({4, 3, 5}), w = randn({5, 6});
    Tensor c = a.matmul(w);  // one [12, 5] @ [5, 6] GEMM
    REQUIRE(c.shape() == Shape{4, 3, 6});
    for (int64_t i = 0; i < 4; ++i) CHECK(close_enough(c[i], judge::matmul(a[i], w)));
    Tensor at = a.transpose(0, 1);  // [3, 4, 5] non-contiguous batch
    Tensor d = at.matmul(w.t().t());
    for (int64_t i = 0; i < 3; ++i) CHECK(close_enough(d[i], judge::matmul(at[i], w)));
    Tensor e = a.matmul(randn({6, 5}).t());  // transposed right operand
    CHECK(e.shape() == Shape{4, 3, 6});
}

TEST_CASE("batched matmul of many small matrices matches per batch results", "[01_tensor]") {
    manual_seed(26);
    Tensor a = randn({64, 8, 8}), b = randn({64, 8, 8});  // the one-product-per-thread path
    Tensor c = a.matmul(b);
    int bad = 0;
    for (int64_t i = 0; i < 64; ++i) bad += !close_enough(c[i], judge::matmul(a[i], b[i]));
    CHECK(bad == 0);
    Tensor bt = b.transpose(1, 2);  // batched transposed operand: q @ k^T in attention
    Tensor d = a.matmul(bt);
    for (int64_t i = 0; i < 64; i += 9) CHECK(close_enough(d[i], judge::matmul(a[i], b[i].t())));
}

TEST_CASE("matmul with one-dimensional operands drops the added dim", "[01_tensor]") {
    Tensor v({1.f, 2.f, 3.f}), w({4.f, 5.f, 6.f});
    Tensor dot = v.matmul(w);
    CHECK(dot.dim() == 0);
    CHECK(dot.item() == 32.f);
    Tensor m({{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}});  // [3, 2]
    Tensor vm = v.matmul(m);                          // [3] @ [3, 2] -> [2]
    CHECK(vm.shape() == Shape{2});
    CHECK(vm.to_vector() == Floats{22, 28});
    Tensor mv = m.t().matmul(v);  // [2, 3] @ [3] -> [2]
    CHECK(mv.shape() == Shape{2});
    CHECK(mv.to_vector() == Floats{22, 28});
    Tensor batch = arange(24.f).reshape({2, 3, 4});
    Tensor vb = v.matmul(batch);  // [3] @ [2, 3, 4] -> [2, 4]
    CHECK(vb.shape() == Shape{2, 4});
    CHECK(vb.to_vector() == Floats{32, 38, 44, 50, 104, 110, 116, 122});
    Tensor bv = batch.matmul(Tensor({1.f, 0.f, 0.f, -1.f}));  // [2, 3, 4] @ [4] -> [2, 3]
    CHECK(bv.shape() == Shape{2, 3});
    CHECK(bv.to_vector() == Floats(6, -3.f));
}

TEST_CASE("matmul with an empty inner dim gives zeros", "[01_tensor]") {
    Tensor c = zeros({2, 0}).matmul(zeros({0, 3}));
    CHECK(c.shape() == Shape{2, 3});
    CHECK(c.to_vector() == Floats(6, 0.f));
    CHECK(zeros({0, 4}).matmul(ones({4, 3})).shape() == Shape{0, 3});
    CHECK(zeros({3, 0, 4}).matmul(ones({4, 2})).shape() == Shape{3, 0, 2});
}

TEST_CASE("matmul of larger matrices matches the naive loops", "[01_tensor]") {
    manual_seed(27);
    Tensor a = randn({128, 128}), b = randn({128, 128});
    CHECK(close_enough(a.matmul(b), judge::matmul(a, b)));
    Tensor x = randn({3, 64, 64}), y = randn({3, 64, 64});  // few big batches: each one threaded
    Tensor z = x.matmul(y);
    for (int64_t i = 0; i < 3; ++i) CHECK(close_enough(z[i], judge::matmul(x[i], y[i])));
}

TEST_CASE("a GEMM split over two threads gives the one-thread result for every operand layout", "[01_tensor]") {
    manual_seed(28);
    const int before = get_num_threads();
    // 300 x 200 x 100 = 6M multiply-adds: above the size at which gemm_strided splits the work.
    Tensor a = randn({300, 200}), b = randn({200, 100}), at = randn({200, 300}).t(), bt = randn({100, 200}).t();
    Tensor wide_a = randn({64, 200}), wide_b = randn({200, 600});  // N > M: split by columns
    for (const auto& [x, y] : std::vector<std::pair<Tensor, Tensor>>{{a, b}, {at, b}, {a, bt}, {at, bt}, {wide_a, wide_b}}) {
        set_num_threads(1);
        Tensor one = x.matmul(y);
        set_num_threads(2);
        Tensor two = x.matmul(y);
        INFO("largest difference " << (one - two).abs().max().item());
        CHECK(close_enough(one, two));  // the blocks may round differently at their edges
        CHECK(close_enough(two, judge::matmul(x.contiguous(), y.contiguous())));
    }
    set_num_threads(before);
}
