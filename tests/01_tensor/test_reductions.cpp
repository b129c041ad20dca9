// tests/01_tensor/test_reductions.cpp — lesson §8 (sum, mean, max, argmax, var along axes)
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

namespace {
/// [2, 3] = [[1, 2, 3], [4, 5, 6]]
Tensor m23() { return Tensor({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}}); }
/// [2, 3, 4] holding 0..23, so x[i, j, k] = 12 i + 4 j + k.
Tensor grid234() { return arange(24.f).reshape({2, 3, 4}); }
}  // namespace

TEST_CASE("sum over everything gives a 0-dim tensor", "[01_tensor]") {
    Tensor s = m23().sum();
    CHECK(s.dim() == 0);
    CHECK(s.item() == 21.f);
    CHECK(grid234().sum().item() == 276.f);
    CHECK(sum(m23()).item() == 21.f);
    CHECK(zeros({0, 3}).sum().item() == 0.f);
    CHECK(scalar_tensor(4.f).sum().item() == 4.f);
}

TEST_CASE("sum along one dim removes it unless keepdim", "[01_tensor]") {
    Tensor m = m23();
    CHECK(m.sum(0).shape() == Shape{3});
    CHECK(m.sum(0).to_vector() == Floats{5, 7, 9});
    CHECK(m.sum(1).to_vector() == Floats{6, 15});
    CHECK(m.sum(-1).to_vector() == Floats{6, 15});
    Tensor k = m.sum(1, true);
    CHECK(k.shape() == Shape{2, 1});
    CHECK(k.to_vector() == Floats{6, 15});
    CHECK(m.sum(0, true).shape() == Shape{1, 3});
    CHECK((m / m.sum(1, true)).at({1, 2}) == 6.f / 15.f);  // keepdim results broadcast back
    CHECK(zeros({0, 3}).sum(0).to_vector() == Floats{0, 0, 0});
    CHECK(zeros({2, 0}).sum(1).to_vector() == Floats{0, 0});
}

TEST_CASE("sum over several dims with and without keepdim", "[01_tensor]") {
    Tensor x = grid234();
    // sum over i and k of 12 i + 4 j + k = 48 + 32 j + 12
    Tensor s = x.sum({0, 2});
    CHECK(s.shape() == Shape{3});
    CHECK(s.to_vector() == Floats{60, 92, 124});
    Tensor sk = x.sum({0, 2}, true);
    CHECK(sk.shape() == Shape{1, 3, 1});
    CHECK(sk.to_vector() == Floats{60, 92, 124});
    CHECK(judge::equal(x.sum({2, 0}), s));  // order does not matter
    CHECK(judge::equal(x.sum({-1, 0}), s));
    Tensor t = x.sum({1, 2});  // per batch: sum of 0..11 and of 12..23
    CHECK(t.to_vector() == Floats{66, 210});
    CHECK(x.sum({0, 1, 2}).item() == 276.f);
    CHECK(x.sum(std::vector<int64_t>{}).item() == 276.f);  // no dims means all dims
    CHECK(x.sum({0, 1}, true).shape() == Shape{1, 1, 4});
    CHECK(x.sum({0, 1}).to_vector() == Floats{60, 66, 72, 78});
}

TEST_CASE("sum reads transposed and sliced tensors correctly", "[01_tensor]") {
    Tensor x = grid234();
    CHECK(x.transpose(0, 2).sum(0).to_vector() == x.sum(2).t().contiguous().to_vector());
    CHECK(x.permute({2, 0, 1}).sum({1, 2}).to_vector() == Floats{60, 66, 72, 78});
    CHECK(x.slice(2, 0, 4, 3).sum(-1).to_vector() == Floats{3, 11, 19, 27, 35, 43});
    CHECK(Tensor({1.f, 2.f}).expand({3, 2}).sum(0).to_vector() == Floats{3, 6});
}

TEST_CASE("reductions of permuted views match reductions of their contiguous copies", "[01_tensor]") {
    Tensor y = grid234().permute({2, 1, 0});  // strides [1, 4, 12]: reduced dims are visited in memory order
    CHECK(judge::equal(y.sum({0, 2}), y.contiguous().sum({0, 2})));
    CHECK(y.sum({0, 2}).to_vector() == Floats{60, 92, 124});
    CHECK(judge::equal(y.sum({0, 2}, true), y.contiguous().sum({0, 2}, true)));
    CHECK(y.sum().item() == 276.f);
    CHECK(judge::allclose(y.var({0, 2}), y.contiguous().var({0, 2})));
    CHECK(judge::allclose(y.mean({2, 0}, true), y.contiguous().mean({0, 2}, true)));
    manual_seed(32);
    Tensor a = rand({300, 200});
    CHECK_THAT(a.t().sum().item(), WithinRel(double(a.sum().item()), 1e-5));
    CHECK(judge::allclose(a.t().sum(0), a.sum(1), 1e-5f, 1e-5f));
    CHECK(judge::allclose(a.t().sum(1), a.sum(0), 1e-5f, 1e-5f));
}

TEST_CASE("sum of a 0-dim tensor over dim 0 is the value", "[01_tensor]") {
    Tensor s = scalar_tensor(5.f);
    CHECK(s.sum(0).item() == 5.f);
    CHECK(s.sum(-1, true).dim() == 0);
    CHECK(s.mean(0).item() == 5.f);
}

TEST_CASE("a large sum agrees with a double precision loop", "[01_tensor]") {
    manual_seed(31);
    Tensor x = rand({400, 500});  // parallel rows
    Floats v = x.to_vector();
    double total = 0;
    for (float f : v) total += f;
    CHECK_THAT(x.sum().item(), WithinRel(total, 1e-5));
    Tensor rows = x.sum(1);
    double r7 = 0;
    for (int j = 0; j < 500; ++j) r7 += v[7 * 500 + j];
    CHECK_THAT(rows.at({7}), WithinRel(r7, 1e-5));
    Tensor cols = x.sum(0);
    double c9 = 0;
    for (int i = 0; i < 400; ++i) c9 += v[i * 500 + 9];
    CHECK_THAT(cols.at({9}), WithinRel(c9, 1e-5));
}

TEST_CASE("mean divides the sum by the number of reduced elements", "[01_tensor]") {
    Tensor m = m23();
    CHECK_THAT(m.mean().item(), WithinAbs(3.5, 1e-6));
    CHECK_THAT(mean(m).item(), WithinAbs(3.5, 1e-6));
    CHECK(judge::allclose(m.mean(0), Tensor({2.5f, 3.5f, 4.5f})));
    CHECK(judge::allclose(m.mean(1), Tensor({2.f, 5.f})));
    CHECK(m.mean(1, true).shape() == Shape{2, 1});
    Tensor x = grid234();
    CHECK(judge::allclose(x.mean({0, 2}), Tensor({7.5f, 11.5f, 15.5f})));
    CHECK(x.mean({0, 2}, true).shape() == Shape{1, 3, 1});
    CHECK(judge::allclose(x.mean({1, 2}), Tensor({5.5f, 17.5f})));
}

TEST_CASE("max and min over everything", "[01_tensor]") {
    Tensor x({{3.f, -1.f, 7.f}, {0.f, 7.f, -4.f}});
    CHECK(x.max().item() == 7.f);
    CHECK(x.min().item() == -4.f);
    CHECK(x.max().dim() == 0);
    CHECK(x.t().max().item() == 7.f);
    CHECK(scalar_tensor(-2.f).max().item() == -2.f);
}

TEST_CASE("max and min along a dim return values and indices like libtorch", "[01_tensor]") {
    Tensor x({{3.f, -1.f, 7.f}, {0.f, 8.f, -4.f}});
    auto [v0, i0] = x.max(0);
    CHECK(v0.to_vector() == Floats{3, 8, 7});
    CHECK(i0.to_vector() == Floats{0, 1, 0});
    auto [v1, i1] = x.max(1);
    CHECK(v1.to_vector() == Floats{7, 8});
    CHECK(i1.to_vector() == Floats{2, 1});
    auto [vk, ik] = x.max(1, true);
    CHECK(vk.shape() == Shape{2, 1});
    CHECK(ik.shape() == Shape{2, 1});
    CHECK(std::get<0>(x.max(-1, true)).to_vector() == Floats{7, 8});
    auto [m0, j0] = x.min(0);
    CHECK(m0.to_vector() == Floats{0, -1, -4});
    CHECK(j0.to_vector() == Floats{1, 0, 1});
    CHECK(std::get<0>(x.min(1)).to_vector() == Floats{-1, -4});
    CHECK(std::get<1>(x.min(1)).to_vector() == Floats{1, 2});
    CHECK(std::get<0>(x.min(0, true)).shape() == Shape{1, 3});
    Tensor y = grid234();
    CHECK(std::get<0>(y.max(1)).shape() == Shape{2, 4});
    CHECK(std::get<0>(y.max(1)).to_vector() == Floats{8, 9, 10, 11, 20, 21, 22, 23});
    CHECK(std::get<1>(y.max(1)).to_vector() == Floats(8, 2.f));
    CHECK(std::get<0>(y.min(2)).to_vector() == Floats{0, 4, 8, 12, 16, 20});
    CHECK(std::get<0>(y.transpose(1, 2).max(2)).to_vector() == Floats{8, 9, 10, 11, 20, 21, 22, 23});
    CHECK(std::get<0>(scalar_tensor(3.f).max(0)).item() == 3.f);
    CHECK(std::get<1>(scalar_tensor(3.f).max(0)).item() == 0.f);
}

TEST_CASE("amax and amin give the values only over one or several dims", "[01_tensor]") {
    Tensor x({{3.f, -1.f, 7.f}, {0.f, 8.f, -4.f}});
    CHECK(x.amax(1).to_vector() == Floats{7, 8});
    CHECK(x.amin(0).to_vector() == Floats{0, -1, -4});
    CHECK(x.amax(1, true).shape() == Shape{2, 1});
    CHECK(x.amax().item() == 8.f);
    CHECK(x.amin().item() == -4.f);
    Tensor y = grid234();  // values 0..23 in [2, 3, 4]
    CHECK(y.amax({0, 2}).to_vector() == Floats{15, 19, 23});
    CHECK(y.amin({0, 2}, true).shape() == Shape{1, 3, 1});
    CHECK(y.amin({0, 2}, true).to_vector() == Floats{0, 4, 8});
    CHECK(y.amax({2, 0}).to_vector() == Floats{15, 19, 23});
    CHECK(amax(y, {1}).to_vector() == std::get<0>(y.max(1)).to_vector());
    CHECK(x.max(Tensor({{5.f, 0.f, 0.f}, {0.f, 0.f, 0.f}})).to_vector() == Floats{5, 0, 7, 0, 8, 0});
}

TEST_CASE("argmax takes the first position when values tie", "[01_tensor]") {
    Tensor v({1.f, 5.f, 2.f, 5.f, 5.f});
    CHECK(v.argmax().item() == 1.f);
    CHECK(v.argmax(0).item() == 1.f);
    CHECK(Tensor({2.f, 2.f, 2.f}).argmax().item() == 0.f);
    Tensor w({4.f, 0.f, 0.f, 9.f});
    CHECK(w.argmin().item() == 1.f);
}

TEST_CASE("argmax and argmin along a dim give float indices", "[01_tensor]") {
    Tensor x({{3.f, -1.f, 7.f}, {0.f, 8.f, 8.f}});
    CHECK(x.argmax(1).to_vector() == Floats{2, 1});
    CHECK(x.argmax(0).to_vector() == Floats{0, 1, 1});
    CHECK(x.argmax(1, true).shape() == Shape{2, 1});
    CHECK(x.argmin(1).to_vector() == Floats{1, 0});
    CHECK(x.argmin(0, true).to_vector() == Floats{1, 0, 0});
    CHECK(x.argmin(0, true).shape() == Shape{1, 3});
    CHECK(x.argmax().item() == 4.f);  // flat index into the row-major order
    CHECK(x.t().argmax().item() == 3.f);  // of the view's logical order: [3, 0, -1, 8, 7, 8]
    CHECK(x.argmin().item() == 1.f);
    CHECK(scalar_tensor(9.f).argmax(0).item() == 0.f);
}

TEST_CASE("max and argmax do not hide a NaN", "[01_tensor]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    Tensor v({1.f, nan, 3.f});
    CHECK(std::isnan(v.max().item()));
    CHECK(v.argmax().item() == 1.f);
    CHECK(std::isnan(v.min().item()));
}

TEST_CASE("var and std take libtorch's unbiased and correction overloads", "[01_tensor]") {
    Tensor v({1.f, 2.f, 3.f, 4.f});  // mean 2.5, squared deviations sum to 5
    CHECK_THAT(v.var().item(), WithinAbs(5.0 / 3.0, 1e-6));
    CHECK_THAT(v.var(false).item(), WithinAbs(1.25, 1e-6));  // var(unbiased = false)
    CHECK_THAT(v.var(0, false).item(), WithinAbs(1.25, 1e-6));
    CHECK_THAT(v.var(std::vector<int64_t>{}, false).item(), WithinAbs(1.25, 1e-6));
    CHECK_THAT(v.std().item(), WithinAbs(std::sqrt(5.0 / 3.0), 1e-6));
    CHECK_THAT(v.std(0, false).item(), WithinAbs(std::sqrt(1.25), 1e-6));
    Tensor m({{1.f, 2.f, 3.f}, {2.f, 4.f, 9.f}});
    CHECK(judge::allclose(m.var(1), Tensor({1.f, 13.f})));  // [1, 2, 3]: 2/2 and [2, 4, 9]: 26/2 (libtorch's var(int dim))
    CHECK(judge::allclose(m.var(1, false), Tensor({2.f / 3.f, 26.f / 3.f})));  // x.var(1, false): unbiased = false
    CHECK(judge::allclose(m.var(1, false, true), Tensor(Floats{2.f / 3.f, 26.f / 3.f}, {2, 1})));
    CHECK(judge::allclose(m.var(1, true, true), Tensor(Floats{1.f, 13.f}, {2, 1})));
    CHECK(judge::allclose(m.var(0), Tensor({0.5f, 2.f, 18.f})));
    CHECK_THAT(m.var({0, 1}).item(), WithinAbs(41.5 / 5.0, 1e-5));  // mean 3.5, squares sum to 41.5
    CHECK(m.var({0, 1}, true).dim() == 0);  // var(dims, unbiased): the bool is unbiased, not keepdim
    CHECK(m.var({0, 1}, true, true).shape() == Shape{1, 1});
    // The 2.x correction form: divide by n - correction.
    CHECK(judge::allclose(m.var(1, std::optional<int64_t>(0), true), Tensor(Floats{2.f / 3.f, 26.f / 3.f}, {2, 1})));
    CHECK(judge::allclose(m.var({1}, std::optional<int64_t>(2)), Tensor({2.f, 26.f})));
    CHECK(judge::allclose(m.var(1, std::optional<int64_t>()), m.var(1)));  // nullopt = 1
    CHECK(judge::allclose(m.std({1}, std::optional<int64_t>(0)), Tensor({2.f / 3.f, 26.f / 3.f}).sqrt()));
    CHECK(judge::allclose(m.std(1), Tensor({1.f, 13.f}).sqrt()));
    CHECK(full({5}, 3.f).var().item() == 0.f);
}

TEST_CASE("sum_to undoes broadcasting by summing the broadcast dims", "[01_tensor]") {
    Tensor g = arange(6.f).reshape({2, 3});
    CHECK(g.sum_to({1, 3}).to_vector() == Floats{3, 5, 7});
    CHECK(g.sum_to({1, 3}).shape() == Shape{1, 3});
    CHECK(g.sum_to({3}).to_vector() == Floats{3, 5, 7});
    CHECK(g.sum_to({3}).shape() == Shape{3});
    CHECK(g.sum_to({2, 1}).to_vector() == Floats{3, 12});
    CHECK(g.sum_to({}).item() == 15.f);
    CHECK(g.sum_to({2, 3}).is_same(g));
    Tensor b = ones({2, 4, 3});
    CHECK(b.sum_to({4, 1}).to_vector() == Floats(4, 6.f));
}

TEST_CASE("summing away the leading dims of a contiguous tensor matches element-wise sums", "[01_tensor]") {
    manual_seed(41);
    Tensor x = randn({37, 5, 6});
    Tensor s0 = x.sum(0), s01 = x.sum({0, 1}), kept = x.sum(0, true);
    REQUIRE(s0.shape() == Shape{5, 6});
    REQUIRE(s01.shape() == Shape{6});
    REQUIRE(kept.shape() == Shape{1, 5, 6});
    for (int64_t i = 0; i < 5; ++i)
        for (int64_t j = 0; j < 6; ++j) {
            double want = 0.0;
            for (int64_t n = 0; n < 37; ++n) want += x.at({n, i, j});
            CHECK(std::fabs(s0.at({i, j}) - want) < 1e-4);
            CHECK(std::fabs(kept.at({0, i, j}) - want) < 1e-4);
        }
    CHECK(judge::allclose(s01, x.permute({2, 0, 1}).contiguous().reshape({6, -1}).sum(1), 1e-4f, 1e-4f));
    CHECK(judge::allclose(zeros({0, 3}).sum(0), zeros({3})));  // no rows: zeros
}
