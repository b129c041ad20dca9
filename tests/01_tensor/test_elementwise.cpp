// tests/01_tensor/test_elementwise.cpp — lesson §4 (broadcasting) and §7 (element-wise math)
#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

TEST_CASE("add sub mul and div work element by element", "[01_tensor]") {
    Tensor a({1.f, 2.f, 3.f}), b({4.f, -5.f, 0.5f});
    CHECK(a.add(b).to_vector() == Floats{5, -3, 3.5f});
    CHECK(a.sub(b).to_vector() == Floats{-3, 7, 2.5f});
    CHECK(a.mul(b).to_vector() == Floats{4, -10, 1.5f});
    CHECK(a.div(b).to_vector() == Floats{0.25f, -0.4f, 6});
    CHECK(judge::equal(a + b, a.add(b)));
    CHECK(judge::equal(a - b, a.sub(b)));
    CHECK(judge::equal(a * b, a.mul(b)));
    CHECK(judge::equal(a / b, a.div(b)));
    CHECK(judge::equal(add(a, b), a + b));
    CHECK(judge::equal(sub(a, b), a - b));
    CHECK(judge::equal(mul(a, b), a * b));
    CHECK(judge::equal(div(a, b), a / b));
}

TEST_CASE("scalar operands work on either side", "[01_tensor]") {
    Tensor a({1.f, 2.f, 4.f});
    CHECK((a + 1.f).to_vector() == Floats{2, 3, 5});
    CHECK((1.f + a).to_vector() == Floats{2, 3, 5});
    CHECK((a - 1.f).to_vector() == Floats{0, 1, 3});
    CHECK((1.f - a).to_vector() == Floats{0, -1, -3});
    CHECK((a * 3.f).to_vector() == Floats{3, 6, 12});
    CHECK((3.f * a).to_vector() == Floats{3, 6, 12});
    CHECK((a / 2.f).to_vector() == Floats{0.5f, 1, 2});
    CHECK((4.f / a).to_vector() == Floats{4, 2, 1});
    CHECK((-a).to_vector() == Floats{-1, -2, -4});
    CHECK(a.add(0.5f).to_vector() == Floats{1.5f, 2.5f, 4.5f});
    CHECK(a.sub(0.5f).to_vector() == Floats{0.5f, 1.5f, 3.5f});
    CHECK(a.mul(-1.f).to_vector() == Floats{-1, -2, -4});
    CHECK(a.div(4.f).to_vector() == Floats{0.25f, 0.5f, 1});
}

TEST_CASE("results are fresh contiguous tensors", "[01_tensor]") {
    Tensor a = arange(6.f).reshape({2, 3});
    Tensor y = a.t() + 1.f;
    CHECK(y.is_contiguous());
    CHECK(y.shape() == Shape{3, 2});
    CHECK_FALSE(y.shares_storage_with(a));
    CHECK(y.to_vector() == Floats{1, 4, 2, 5, 3, 6});
    CHECK((a.t() * a.t()).to_vector() == Floats{0, 9, 1, 16, 4, 25});
}

TEST_CASE("broadcasting 2x1x3 with 4x3 gives 2x4x3", "[01_tensor]") {
    Tensor a = arange(6.f).reshape({2, 1, 3});     // a[i, 0, k] = 3 i + k
    Tensor b = arange(12.f).reshape({4, 3}) * 10.f;  // b[j, k] = 10 (3 j + k)
    Tensor c = a + b;
    REQUIRE(c.shape() == Shape{2, 4, 3});
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 4; ++j)
            for (int64_t k = 0; k < 3; ++k)
                CHECK(c.at({i, j, k}) == float(3 * i + k) + float(10 * (3 * j + k)));
    CHECK(judge::equal(b + a, c));  // symmetric
    Tensor d = a * b;
    CHECK(d.at({1, 2, 1}) == 4.f * 70.f);
}

TEST_CASE("a column plus a row gives their outer sum", "[01_tensor]") {
    Tensor col(Floats{1.f, 2.f, 3.f}, {3, 1});
    Tensor row({{10.f, 20.f}});
    Tensor s = col + row;
    CHECK(s.shape() == Shape{3, 2});
    CHECK(s.to_vector() == Floats{11, 21, 12, 22, 13, 23});
    Tensor v = Tensor({10.f, 20.f});  // 1-D broadcasts as a row
    CHECK(judge::equal(col + v, s));
    CHECK((col - v).to_vector() == Floats{-9, -19, -8, -18, -7, -17});
}

TEST_CASE("a 0-dim tensor broadcasts against any shape", "[01_tensor]") {
    Tensor s = scalar_tensor(2.f);
    Tensor m = ones({2, 3});
    CHECK((m * s).to_vector() == Floats(6, 2.f));
    CHECK((s - m).to_vector() == Floats(6, 1.f));
    CHECK((s + s).dim() == 0);
    CHECK((s + s).item() == 4.f);
}

TEST_CASE("broadcasting works on transposed and sliced operands", "[01_tensor]") {
    Tensor m = arange(12.f).reshape({3, 4});
    Tensor mt = m.t();                          // [4, 3] strides [1, 4]
    Tensor col = m.slice(1, 0, 1);              // [3, 1] strides [4, 1]
    Tensor y = mt + col.t();                    // [4, 3] + [1, 3]
    for (int64_t i = 0; i < 4; ++i)
        for (int64_t j = 0; j < 3; ++j) CHECK(y.at({i, j}) == m.at({j, i}) + m.at({j, 0}));
    Tensor z = m.slice(1, 0, 4, 2) * Tensor({1.f, -1.f});  // every second column, times a row
    CHECK(z.to_vector() == Floats{0, -2, 4, -6, 8, -10});
}

TEST_CASE("big element-wise ops agree with a plain loop", "[01_tensor]") {
    // big enough for the multi-threaded path (more than 2 x 32768 elements)
    manual_seed(10);
    Tensor a = randn({300, 301}), b = randn({301, 300});
    Tensor s = a + b.t();
    Tensor p = a * 2.f;
    Tensor e = a.exp();
    Tensor r = a + b.t().slice(1, 0, 1);  // [300, 301] + [300, 1]
    int64_t bad = 0;
    for (int64_t i = 0; i < 300; i += 7)
        for (int64_t j = 0; j < 301; ++j) {
            bad += s.at({i, j}) != a.at({i, j}) + b.at({j, i});
            bad += p.at({i, j}) != a.at({i, j}) * 2.f;
            bad += std::fabs(e.at({i, j}) - std::exp(a.at({i, j}))) > 1e-6f * std::exp(a.at({i, j}));
            bad += r.at({i, j}) != a.at({i, j}) + b.at({0, i});
        }
    CHECK(bad == 0);
}

TEST_CASE("unary math functions match the standard library", "[01_tensor]") {
    Tensor x({0.5f, 1.f, 2.f, 4.f});
    CHECK(judge::allclose(x.exp(), Tensor({std::exp(0.5f), std::exp(1.f), std::exp(2.f), std::exp(4.f)})));
    CHECK(judge::allclose(x.log(), Tensor({std::log(0.5f), 0.f, std::log(2.f), std::log(4.f)})));
    CHECK(x.sqrt().to_vector() == Floats{std::sqrt(0.5f), 1, std::sqrt(2.f), 2});
    CHECK(x.pow(2.f).to_vector() == Floats{0.25f, 1, 4, 16});
    CHECK(judge::allclose(x.pow(0.5f), x.sqrt()));
    CHECK(x.pow(-1.f).to_vector() == Floats{2, 1, 0.5f, 0.25f});
    CHECK(judge::allclose(x.pow(3.f), Tensor({0.125f, 1.f, 8.f, 64.f})));
    CHECK(x.pow(0.f).to_vector() == Floats(4, 1.f));
    Tensor y({-2.f, 0.f, 3.5f});
    CHECK(y.neg().to_vector() == Floats{2, 0, -3.5f});
    CHECK(y.abs().to_vector() == Floats{2, 0, 3.5f});
    CHECK(judge::equal(exp(x), x.exp()));
    CHECK(judge::equal(log(x), x.log()));
    CHECK(judge::equal(sqrt(x), x.sqrt()));
    CHECK(judge::equal(pow(x, 3.f), x.pow(3.f)));
    CHECK(judge::equal(abs(y), y.abs()));
    CHECK(judge::equal(neg(y), y.neg()));
}

TEST_CASE("log and sqrt follow IEEE rules outside their domain", "[01_tensor]") {
    Tensor x({0.f, -1.f});
    Floats l = x.log().to_vector();
    CHECK(std::isinf(l[0]));
    CHECK(l[0] < 0);
    CHECK(std::isnan(l[1]));
    CHECK(std::isnan(x.sqrt().to_vector()[1]));
    CHECK(std::isinf(Tensor({1.f}).div(Tensor({0.f})).item()));
}

TEST_CASE("unary ops read strided views in logical order", "[01_tensor]") {
    Tensor m = arange(6.f).reshape({2, 3});
    CHECK(m.t().neg().to_vector() == Floats{-0.f, -3, -1, -4, -2, -5});
    CHECK(m.slice(1, 0, 3, 2).pow(2.f).to_vector() == Floats{0, 4, 9, 25});
    CHECK(m.t().clamp(1.f, 4.f).to_vector() == Floats{1, 3, 1, 4, 2, 4});
}

TEST_CASE("clamp limits values to a range and either bound may be absent", "[01_tensor]") {
    Tensor x({-3.f, -0.5f, 0.f, 2.f, 9.f});
    CHECK(x.clamp(-1.f, 1.f).to_vector() == Floats{-1, -0.5f, 0, 1, 1});
    CHECK(x.clamp(0.f, std::nullopt).to_vector() == Floats{0, 0, 0, 2, 9});
    CHECK(x.clamp(std::nullopt, 0.f).to_vector() == Floats{-3, -0.5f, 0, 0, 0});
    CHECK(judge::equal(x.clamp_min(0.f), x.clamp(0.f, std::nullopt)));
    CHECK(judge::equal(x.clamp_max(0.f), x.clamp(std::nullopt, 0.f)));
    CHECK(judge::equal(x.clamp(std::nullopt, std::nullopt), x));
    CHECK(x.clamp(2.f, 2.f).to_vector() == Floats(5, 2.f));
    CHECK(judge::equal(clamp(x, -1.f, 1.f), x.clamp(-1.f, 1.f)));
}

TEST_CASE("maximum and minimum broadcast like arithmetic", "[01_tensor]") {
    Tensor a({{1.f, 5.f}, {-2.f, 0.f}});
    Tensor b({0.f, 3.f});
    CHECK(a.maximum(b).to_vector() == Floats{1, 5, 0, 3});
    CHECK(a.minimum(b).to_vector() == Floats{0, 3, -2, 0});
    CHECK(judge::equal(maximum(a, b), a.maximum(b)));
    CHECK(judge::equal(minimum(b, a), a.minimum(b)));
}

TEST_CASE("masked_fill writes the value where the Bool mask is true", "[01_tensor]") {
    Tensor x = arange(6.f).reshape({2, 3});
    Tensor mask = Tensor({{1.f, 0.f, 0.f}, {0.f, 0.f, 2.f}}).to(kBool);
    CHECK(x.masked_fill(mask, -9.f).to_vector() == Floats{-9, 1, 2, 3, 4, -9});
    Tensor row({false, true, false});  // broadcast over rows
    CHECK(x.masked_fill(row, 0.5f).to_vector() == Floats{0, 0.5f, 2, 3, 0.5f, 5});
    Tensor causal = ones({3, 3}).masked_fill(arange(3.f).reshape({3, 1}).lt(arange(3.f)), 0.f);
    CHECK(causal.to_vector() == Floats{1, 0, 0, 1, 1, 0, 1, 1, 1});
    CHECK(x.to_vector() == Floats{0, 1, 2, 3, 4, 5});  // not in place
}

TEST_CASE("where picks from a where the condition holds and from b elsewhere", "[01_tensor]") {
    Tensor cond({true, false, true, false});
    Tensor a({1.f, 2.f, 3.f, 4.f}), b({10.f, 20.f, 30.f, 40.f});
    CHECK(where(cond, a, b).to_vector() == Floats{1, 20, 3, 40});
    CHECK(where(cond, a, b).dtype() == kFloat);
    Tensor c2 = Tensor(Floats{1.f, 0.f}, {2, 1}).to(kBool);  // [2, 1] with [4] and a scalar: broadcast to [2, 4]
    Tensor w = where(c2, a, scalar_tensor(0.f));
    CHECK(w.shape() == Shape{2, 4});
    CHECK(w.to_vector() == Floats{1, 2, 3, 4, 0, 0, 0, 0});
    CHECK(where(a.gt(2.f), a, a.neg()).to_vector() == Floats{-1, -2, 3, 4});
    Tensor m = arange(4.f).reshape({2, 2});
    CHECK(where(ones({2, 2}, kBool), m.t(), m).to_vector() == Floats{0, 2, 1, 3});
}

TEST_CASE("comparisons give Bool tensors holding one where true and zero where false", "[01_tensor]") {
    Tensor a({1.f, 2.f, 3.f}), b({3.f, 2.f, 1.f});
    for (const Tensor& c : {a.eq(b), a.ne(b), a.lt(b), a.le(b), a.gt(b), a.ge(b), a.eq(2.f), a.ne(2.f), a.lt(2.f),
                            a.le(2.f), a.gt(2.f), a.ge(2.f), a == b, a != b, a < b, a >= 2.f, a == 2.f})
        CHECK(c.dtype() == kBool);
    CHECK(a.eq(b).to_vector() == Floats{0, 1, 0});
    CHECK(a.ne(b).to_vector() == Floats{1, 0, 1});
    CHECK(a.lt(b).to_vector() == Floats{1, 0, 0});
    CHECK(a.le(b).to_vector() == Floats{1, 1, 0});
    CHECK(a.gt(b).to_vector() == Floats{0, 0, 1});
    CHECK(a.ge(b).to_vector() == Floats{0, 1, 1});
    CHECK(a.eq(2.f).to_vector() == Floats{0, 1, 0});
    CHECK(a.ne(2.f).to_vector() == Floats{1, 0, 1});
    CHECK(a.lt(2.f).to_vector() == Floats{1, 0, 0});
    CHECK(a.le(2.f).to_vector() == Floats{1, 1, 0});
    CHECK(a.gt(2.f).to_vector() == Floats{0, 0, 1});
    CHECK(a.ge(2.f).to_vector() == Floats{0, 1, 1});
    CHECK(judge::equal(a < b, a.lt(b)));
    CHECK(judge::equal(a <= b, a.le(b)));
    CHECK(judge::equal(a > b, a.gt(b)));
    CHECK(judge::equal(a >= b, a.ge(b)));
    CHECK(judge::equal(a < 2.f, a.lt(2.f)));
    CHECK(judge::equal(a <= 2.f, a.le(2.f)));
    CHECK(judge::equal(a > 2.f, a.gt(2.f)));
    CHECK(judge::equal(a >= 2.f, a.ge(2.f)));
    Tensor col(Floats{2.f, 3.f}, {2, 1});  // comparisons broadcast too
    CHECK(a.eq(col).to_vector() == Floats{0, 1, 0, 0, 0, 1});
}
