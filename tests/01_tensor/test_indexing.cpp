// tests/01_tensor/test_indexing.cpp — lesson §2 (at) and §6 (indexing, slicing, joining)
#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

namespace {
/// [3, 4] holding 0..11, so m[i, j] = 4 i + j.
Tensor matrix() { return arange(12.f).reshape({3, 4}); }
}  // namespace

TEST_CASE("at reads one element and counts negative indices from the end", "[01_tensor]") {
    Tensor m = matrix();
    CHECK(m.at({0, 0}) == 0.f);
    CHECK(m.at({2, 3}) == 11.f);
    CHECK(m.at({-1, -1}) == 11.f);
    CHECK(m.at({-3, 1}) == 1.f);
    CHECK(m.t().at({3, 1}) == 7.f);  // at follows strides
}

TEST_CASE("operator brackets select a row as a view", "[01_tensor]") {
    Tensor m = matrix();
    Tensor r = m[1];
    CHECK(r.shape() == Shape{4});
    CHECK(r.strides() == Shape{1});
    CHECK(r.storage_offset() == 4);
    CHECK(r.to_vector() == Floats{4, 5, 6, 7});
    CHECK(m[-1].to_vector() == Floats{8, 9, 10, 11});
    CHECK(m[2][3].item() == 11.f);
    CHECK(m[2][3].dim() == 0);
    r.fill_(0.f);
    CHECK(m.sum().item() == 66.f - 22.f);
}

TEST_CASE("select along a later dim keeps the other strides", "[01_tensor]") {
    Tensor m = matrix();
    Tensor col = m.select(1, -1);
    CHECK(col.shape() == Shape{3});
    CHECK(col.strides() == Shape{4});
    CHECK(col.storage_offset() == 3);
    CHECK(col.to_vector() == Floats{3, 7, 11});
    CHECK_FALSE(col.is_contiguous());
    col.mul_(-1.f);
    CHECK(m.at({1, 3}) == -7.f);
}

TEST_CASE("slice takes a range with a step as a view", "[01_tensor]") {
    Tensor m = matrix();
    Tensor s = m.slice(1, 1, 3);
    CHECK(s.shape() == Shape{3, 2});
    CHECK(s.strides() == Shape{4, 1});
    CHECK(s.storage_offset() == 1);
    CHECK(s.to_vector() == Floats{1, 2, 5, 6, 9, 10});
    Tensor e = m.slice(1, 0, std::nullopt, 2);
    CHECK(e.shape() == Shape{3, 2});
    CHECK(e.strides() == Shape{4, 2});
    CHECK(e.to_vector() == Floats{0, 2, 4, 6, 8, 10});
    Tensor rows = m.slice(0, 1, std::nullopt);
    CHECK(rows.is_contiguous());  // whole rows stay contiguous
    CHECK(rows.storage_offset() == 4);
    Tensor odd = arange(10.f).slice(0, 1, 10, 3);
    CHECK(odd.to_vector() == Floats{1, 4, 7});
}

TEST_CASE("slice bounds follow Python rules", "[01_tensor]") {
    Tensor v = arange(6.f);
    CHECK(v.slice(0, -2, std::nullopt).to_vector() == Floats{4, 5});
    CHECK(v.slice(0, std::nullopt, -4).to_vector() == Floats{0, 1});
    CHECK(v.slice(0, 2, 100).to_vector() == Floats{2, 3, 4, 5});  // clamped
    CHECK(v.slice(0, -100, 2).to_vector() == Floats{0, 1});
    CHECK(v.slice(0, 4, 2).numel() == 0);                            // empty, not an error
    CHECK(v.slice(0, 4, 2).shape() == Shape{0});
    CHECK(v.slice(0, 6, std::nullopt).numel() == 0);
}

TEST_CASE("writing through a slice changes the base tensor", "[01_tensor]") {
    Tensor m = matrix();
    m.slice(0, 0, 2).slice(1, 2, 4).fill_(-1.f);
    CHECK(m.to_vector() == Floats{0, 1, -1, -1, 4, 5, -1, -1, 8, 9, 10, 11});
}

TEST_CASE("narrow takes length elements from start", "[01_tensor]") {
    Tensor m = matrix();
    Tensor n = m.narrow(1, 1, 2);
    CHECK(n.shape() == Shape{3, 2});
    CHECK(n.to_vector() == Floats{1, 2, 5, 6, 9, 10});
    CHECK(n.shares_storage_with(m));
    CHECK(m.narrow(0, -1, 1).to_vector() == Floats{8, 9, 10, 11});
    CHECK(m.narrow(0, 3, 0).numel() == 0);
}

TEST_CASE("index combines integers and Slices like Python indexing", "[01_tensor]") {
    Tensor x = arange(24.f).reshape({2, 3, 4});
    Tensor a = x.index({0, Slice(1, 3)});  // x[0, 1:3]
    CHECK(a.shape() == Shape{2, 4});
    CHECK(a.to_vector() == Floats{4, 5, 6, 7, 8, 9, 10, 11});
    Tensor b = x.index({Slice(), 1});  // x[:, 1]
    CHECK(b.shape() == Shape{2, 4});
    CHECK(b.to_vector() == Floats{4, 5, 6, 7, 16, 17, 18, 19});
    Tensor c = x.index({Slice(), Slice(), Slice(std::nullopt, std::nullopt, 2)});  // x[:, :, ::2]
    CHECK(c.shape() == Shape{2, 3, 2});
    CHECK(c.at({1, 2, 1}) == 22.f);
    Tensor d = x.index({-1, -1, -1});
    CHECK(d.dim() == 0);
    CHECK(d.item() == 23.f);
    CHECK(x.index({}).is_same(x));
    Tensor e = x.index({Slice(1, std::nullopt), Slice(-2, std::nullopt), 3});  // x[1:, -2:, 3]
    CHECK(e.shape() == Shape{1, 2});
    CHECK(e.to_vector() == Floats{19, 23});
    CHECK(e.shares_storage_with(x));
    int64_t i = 1;
    CHECK(x.index({i}).at({0, 0}) == 12.f);  // int64_t indices work too
}

TEST_CASE("index_select copies the chosen rows and allows repeats", "[01_tensor]") {
    Tensor m = matrix();
    Tensor r = m.index_select(0, Tensor({2.f, 0.f, 2.f}));
    CHECK(r.shape() == Shape{3, 4});
    CHECK(r.to_vector() == Floats{8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11});
    CHECK_FALSE(r.shares_storage_with(m));
    Tensor c = m.index_select(1, Tensor({3.f, 1.f}));
    CHECK(c.shape() == Shape{3, 2});
    CHECK(c.to_vector() == Floats{3, 1, 7, 5, 11, 9});
    CHECK(m.index_select(-1, Tensor({0.f})).shape() == Shape{3, 1});
    CHECK(m.index_select(0, scalar_tensor(1.f)).to_vector() == Floats{4, 5, 6, 7});
    CHECK(m.index_select(0, zeros({0})).shape() == Shape{0, 4});
    CHECK(m.t().index_select(0, Tensor({1.f})).to_vector() == Floats{1, 5, 9});
}

TEST_CASE("cat joins tensors along an existing dim", "[01_tensor]") {
    Tensor a({{1.f, 2.f}, {3.f, 4.f}});
    Tensor b({{5.f, 6.f}});
    Tensor c = cat({a, b});
    CHECK(c.shape() == Shape{3, 2});
    CHECK(c.to_vector() == Floats{1, 2, 3, 4, 5, 6});
    Tensor d = cat({a, a.t(), a}, 1);
    CHECK(d.shape() == Shape{2, 6});
    CHECK(d.to_vector() == Floats{1, 2, 1, 3, 1, 2, 3, 4, 2, 4, 3, 4});
    CHECK(judge::equal(cat({a, a}, -1), cat({a, a}, 1)));
    CHECK(judge::equal(cat({a}), a));
    CHECK_FALSE(cat({a}).shares_storage_with(a));
    CHECK(cat({zeros({0, 2}), b}).to_vector() == Floats{5, 6});
}

TEST_CASE("stack joins equal shapes along a new dim", "[01_tensor]") {
    Tensor a({1.f, 2.f, 3.f}), b({4.f, 5.f, 6.f});
    Tensor s0 = stack({a, b});
    CHECK(s0.shape() == Shape{2, 3});
    CHECK(s0.to_vector() == Floats{1, 2, 3, 4, 5, 6});
    Tensor s1 = stack({a, b}, 1);
    CHECK(s1.shape() == Shape{3, 2});
    CHECK(s1.to_vector() == Floats{1, 4, 2, 5, 3, 6});
    CHECK(judge::equal(stack({a, b}, -1), s1));
    Tensor sc = stack({scalar_tensor(1.f), scalar_tensor(2.f)});
    CHECK(sc.shape() == Shape{2});
    CHECK(sc.to_vector() == Floats{1, 2});
}

// Blind spots a first implementation often has (issue 14): lengths a step does not divide,
// negative and clamped bounds combined with a step, empty ranges, size-1 dims.
TEST_CASE("slice rounds its length up when the step does not divide it", "[01_tensor]") {
    Tensor v = arange(10.f);
    Tensor a = v.slice(0, 1, 10, 4);  // 1, 5, 9: ceil(9 / 4) = 3 values, not 2
    CHECK(a.shape() == Shape{3});
    CHECK(a.strides() == Shape{4});
    CHECK(a.storage_offset() == 1);
    CHECK(a.to_vector() == Floats{1, 5, 9});
    CHECK(v.slice(0, 0, 10, 3).to_vector() == Floats{0, 3, 6, 9});  // ceil(10 / 3) = 4
    CHECK(v.slice(0, 0, 10, 7).to_vector() == Floats{0, 7});
    CHECK(v.slice(0, 2, 3, 5).to_vector() == Floats{2});           // a step longer than the range
    CHECK(v.slice(0, std::nullopt, std::nullopt, 100).to_vector() == Floats{0});
    Tensor m = matrix();                                             // [3, 4]
    Tensor c = m.slice(1, 0, 4, 3);                                  // columns 0 and 3
    CHECK(c.shape() == Shape{3, 2});
    CHECK(c.strides() == Shape{4, 3});
    CHECK(c.to_vector() == Floats{0, 3, 4, 7, 8, 11});
    CHECK(m.slice(0, 0, 3, 2).to_vector() == Floats{0, 1, 2, 3, 8, 9, 10, 11});  // rows 0 and 2
}

TEST_CASE("slice combines negative and clamped bounds with a step", "[01_tensor]") {
    Tensor v = arange(6.f);
    CHECK(v.slice(0, -5, std::nullopt, 2).to_vector() == Floats{1, 3, 5});
    CHECK(v.slice(0, -100, 100, 4).to_vector() == Floats{0, 4});
    CHECK(v.slice(0, 1, -1, 3).to_vector() == Floats{1, 4});
    CHECK(v.slice(0, -1, std::nullopt, 2).to_vector() == Floats{5});
    Tensor s = v.slice(0, -4, -1, 2);  // elements 2 and 4
    CHECK(s.storage_offset() == 2);
    CHECK(s.to_vector() == Floats{2, 4});
    CHECK(matrix().slice(-1, -3, std::nullopt, 2).to_vector() == Floats{1, 3, 5, 7, 9, 11});
}

TEST_CASE("empty slices keep the other dims and any step", "[01_tensor]") {
    Tensor m = matrix();
    CHECK(m.slice(0, 2, 2).shape() == Shape{0, 4});
    CHECK(m.slice(1, 3, 1).shape() == Shape{3, 0});
    CHECK(m.slice(1, 3, 1, 2).shape() == Shape{3, 0});
    CHECK(m.slice(0, 5, std::nullopt, 3).shape() == Shape{0, 4});
    CHECK(m.slice(0, -1, -2).numel() == 0);
    CHECK(m.slice(1, 4, std::nullopt).to_vector().empty());
    CHECK(arange(6.f).slice(0, 3, 3, 2).shape() == Shape{0});
}

TEST_CASE("slice and select work on size-one dims", "[01_tensor]") {
    Tensor col = arange(3.f).reshape({3, 1});
    CHECK(col.slice(1, 0, 1).shape() == Shape{3, 1});
    CHECK(col.slice(1, 0, std::nullopt, 2).to_vector() == Floats{0, 1, 2});
    CHECK(col.slice(1, 1, std::nullopt).shape() == Shape{3, 0});
    CHECK(col.select(1, -1).to_vector() == Floats{0, 1, 2});
    CHECK(col.select(1, 0).shape() == Shape{3});
    Tensor row = arange(4.f).reshape({1, 4});
    CHECK(row.select(0, -1).to_vector() == Floats{0, 1, 2, 3});
    CHECK(row.slice(0, -1, std::nullopt).shape() == Shape{1, 4});
    CHECK(row.slice(1, 1, std::nullopt, 2).at({0, 1}) == 3.f);
    CHECK_THROWS_AS(row.select(0, 1), IndexError);
    CHECK_THROWS_AS(row.select(0, -2), IndexError);
}

TEST_CASE("select and at count negative indices on every dim of a view", "[01_tensor]") {
    Tensor x = arange(24.f).reshape({2, 3, 4});
    Tensor s = x.select(-2, -1);  // x[:, 2, :]
    CHECK(s.shape() == Shape{2, 4});
    CHECK(s.storage_offset() == 8);
    CHECK(s.to_vector() == Floats{8, 9, 10, 11, 20, 21, 22, 23});
    CHECK(x.select(2, -4).to_vector() == Floats{0, 4, 8, 12, 16, 20});
    Tensor v = x.slice(2, 1, std::nullopt, 2);  // x[:, :, 1::2], offset 1, strides [12, 4, 2]
    CHECK(v.at({-1, -1, -1}) == 23.f);
    CHECK(v.at({1, 0, -2}) == 13.f);
    CHECK(v.select(0, -1).select(0, -2).to_vector() == Floats{17, 19});
    CHECK_THROWS_AS(v.at({0, 0, 2}), IndexError);
    CHECK_THROWS_AS(v.at({0, 0, -3}), IndexError);
}
