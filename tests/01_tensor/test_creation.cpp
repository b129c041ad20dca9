// tests/01_tensor/test_creation.cpp — lesson §2 (layout helpers) and §3 (creating tensors)
#include <cmath>
#include <set>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

// ---- shape helpers (§2) ---------------------------------------------------------------------

TEST_CASE("contiguous_strides gives row-major strides with the last dim moving fastest", "[01_tensor]") {
    CHECK(contiguous_strides({2, 3, 4}) == Shape{12, 4, 1});
    CHECK(contiguous_strides({5}) == Shape{1});
    CHECK(contiguous_strides({}) == Shape{});
    CHECK(contiguous_strides({7, 1, 2}) == Shape{2, 2, 1});
    CHECK(contiguous_strides({2, 0, 3}) == Shape{3, 3, 1});  // a zero dim counts as 1, like PyTorch
}

TEST_CASE("numel_of multiplies the dims and shape_str prints them in brackets", "[01_tensor][provided]") {
    CHECK(numel_of({2, 3, 4}) == 24);
    CHECK(numel_of({}) == 1);
    CHECK(numel_of({3, 0}) == 0);
    CHECK(shape_str({2, 3}) == "[2, 3]");
    CHECK(shape_str({}) == "[]");
    CHECK(shape_str({7}) == "[7]");
}

TEST_CASE("normalize_dim maps negative dims from the end", "[01_tensor][provided]") {
    CHECK(normalize_dim(-1, 3) == 2);
    CHECK(normalize_dim(-3, 3) == 0);
    CHECK(normalize_dim(0, 3) == 0);
    CHECK(normalize_dim(2, 3) == 2);
    // a 0-dim tensor accepts dim 0 and -1 (reductions over "all" of a scalar), as in PyTorch
    CHECK(normalize_dim(0, 0) == 0);
    CHECK(normalize_dim(-1, 0) == 0);
}

TEST_CASE("broadcast_shapes aligns shapes from the right", "[01_tensor]") {
    CHECK(broadcast_shapes({2, 1, 3}, {4, 3}) == Shape{2, 4, 3});
    CHECK(broadcast_shapes({4, 3}, {2, 1, 3}) == Shape{2, 4, 3});
    CHECK(broadcast_shapes({5, 1}, {1, 6}) == Shape{5, 6});
    CHECK(broadcast_shapes({}, {3}) == Shape{3});
    CHECK(broadcast_shapes({}, {}) == Shape{});
    CHECK(broadcast_shapes({3, 0}, {1, 1}) == Shape{3, 0});
    CHECK(broadcast_shapes({2, 3}, {2, 3}) == Shape{2, 3});
}

// ---- from data ----------------------------------------------------------------------------------

TEST_CASE("a 1-D tensor from a list is contiguous with its values in order", "[01_tensor]") {
    Tensor t({1.5f, -2.f, 3.f});
    CHECK(t.defined());
    CHECK(t.shape() == Shape{3});
    CHECK(t.sizes() == Shape{3});
    CHECK(t.dim() == 1);
    CHECK(t.numel() == 3);
    CHECK(t.size(0) == 3);
    CHECK(t.size(-1) == 3);
    CHECK(t.strides() == Shape{1});
    CHECK(t.stride(0) == 1);
    CHECK(t.storage_offset() == 0);
    CHECK(t.is_contiguous());
    CHECK(t.nbytes() == 12);
    CHECK(t.storage()->size() == 3);
    CHECK(t.storage()->nbytes() == 12);
    CHECK(t.to_vector() == Floats{1.5f, -2.f, 3.f});
}

TEST_CASE("a 2-D tensor from nested rows is stored row by row", "[01_tensor]") {
    Tensor t({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});
    CHECK(t.shape() == Shape{2, 3});
    CHECK(t.strides() == Shape{3, 1});
    CHECK(t.to_vector() == Floats{1, 2, 3, 4, 5, 6});
    CHECK(t.at({1, 0}) == 4.f);
    CHECK(t.at({0, 2}) == 3.f);
    CHECK(t.data_ptr()[4] == 5.f);
}

TEST_CASE("a column of one-element rows is a [N, 1] tensor, and integer lists work too", "[01_tensor]") {
    Tensor column({{1.f}, {2.f}, {3.f}});  // not ambiguous with the 1-D list
    CHECK(column.shape() == Shape{3, 1});
    CHECK(column.to_vector() == Floats{1, 2, 3});
    Tensor ints({{1, 2}, {3, 4}});
    CHECK(ints.shape() == Shape{2, 2});
    CHECK(ints.at({1, 0}) == 3.f);
    CHECK(Tensor({4, 5, 6}).shape() == Shape{3});
}

TEST_CASE("a 3-D tensor from nested planes has shape planes by rows by cols", "[01_tensor]") {
    Tensor t({{{1.f, 2.f}, {3.f, 4.f}}, {{5.f, 6.f}, {7.f, 8.f}}, {{9.f, 10.f}, {11.f, 12.f}}});
    CHECK(t.shape() == Shape{3, 2, 2});
    CHECK(t.strides() == Shape{4, 2, 1});
    CHECK(t.at({2, 1, 0}) == 11.f);
    CHECK(t.to_vector() == Floats{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
}

TEST_CASE("a tensor from a vector and a shape reads the values in row-major order", "[01_tensor]") {
    Tensor t(Floats{0, 1, 2, 3, 4, 5}, {3, 2});
    CHECK(t.shape() == Shape{3, 2});
    CHECK(t.at({0, 1}) == 1.f);
    CHECK(t.at({2, 0}) == 4.f);
    Tensor s = tensor(Floats{7, 8}, {2, 1, 1});
    CHECK(s.shape() == Shape{2, 1, 1});
    CHECK(s.at({1, 0, 0}) == 8.f);
    CHECK(tensor({1.f, 2.f}).to_vector() == Floats{1, 2});
    Tensor empty_ = Tensor(Floats{}, {0, 4});
    CHECK(empty_.numel() == 0);
    CHECK(empty_.shape() == Shape{0, 4});
}

TEST_CASE("scalar_tensor makes a 0-dim tensor with one element", "[01_tensor]") {
    Tensor s = scalar_tensor(2.5f);
    CHECK(s.dim() == 0);
    CHECK(s.shape() == Shape{});
    CHECK(s.numel() == 1);
    CHECK(s.strides() == Shape{});
    CHECK(s.is_contiguous());
    CHECK(s.item() == 2.5f);
    CHECK(s.at({}) == 2.5f);
    CHECK(s.to_vector() == Floats{2.5f});
}

TEST_CASE("copying a Tensor handle shares the data", "[01_tensor]") {
    Tensor a = zeros({3});
    Tensor b = a;  // a second handle, not a copy of the values
    b.fill_(4.f);
    CHECK(a.to_vector() == Floats{4, 4, 4});
    CHECK(a.is_same(b));
    CHECK(a.impl() == b.impl());
    CHECK(a.shares_storage_with(b));
    Tensor c = a.clone();
    CHECK_FALSE(c.is_same(a));
    CHECK_FALSE(c.shares_storage_with(a));
}

TEST_CASE("a default-constructed tensor is undefined", "[01_tensor]") {
    Tensor u;
    CHECK_FALSE(u.defined());
    CHECK(u.impl() == nullptr);
    CHECK_FALSE(u.shares_storage_with(zeros({1})));
}

TEST_CASE("item reads the single value of a one-element tensor of any rank", "[01_tensor]") {
    CHECK(Tensor({7.f}).item() == 7.f);
    CHECK(Tensor(Floats{-3.f}, {1, 1, 1}).item() == -3.f);
    CHECK(full({}, 9.f).item() == 9.f);
}

TEST_CASE("data_ptr points at element zero of a view not at the start of storage", "[01_tensor]") {
    Tensor x = arange(10.f);
    Tensor v = x.slice(0, 3, 6);
    CHECK(v.storage_offset() == 3);
    CHECK(v.data_ptr() == x.data_ptr() + 3);
    CHECK(*v.data_ptr() == 3.f);
    const Tensor& cv = v;
    CHECK(cv.data_ptr()[1] == 4.f);
    CHECK(reinterpret_cast<uintptr_t>(x.storage()->data()) % 64 == 0);  // cache-line aligned storage
}

// ---- filled -----------------------------------------------------------------------------------

TEST_CASE("zeros ones and full fill a fresh contiguous tensor", "[01_tensor]") {
    Tensor z = zeros({2, 3});
    CHECK(z.shape() == Shape{2, 3});
    CHECK(z.to_vector() == Floats(6, 0.f));
    CHECK(ones({4}).to_vector() == Floats(4, 1.f));
    Tensor f = full({2, 2}, -1.5f);
    CHECK(f.to_vector() == Floats(4, -1.5f));
    CHECK(f.is_contiguous());
    CHECK(empty({3, 2}).to_vector() == Floats(6, 0.f));  // empty() zero-fills
    CHECK(zeros({}).dim() == 0);
    CHECK(zeros({0}).numel() == 0);
    CHECK(zeros({2, 0, 3}).to_vector().empty());
}

TEST_CASE("the like functions copy the shape and not the values", "[01_tensor]") {
    Tensor x({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});
    Tensor z = zeros_like(x), o = ones_like(x), f = full_like(x, 3.f);
    CHECK(z.shape() == Shape{2, 3});
    CHECK(z.to_vector() == Floats(6, 0.f));
    CHECK(o.to_vector() == Floats(6, 1.f));
    CHECK(f.to_vector() == Floats(6, 3.f));
    CHECK_FALSE(z.shares_storage_with(x));
    Tensor xt = x.t();  // the like of a transposed view is a fresh contiguous tensor
    CHECK(ones_like(xt).shape() == Shape{3, 2});
    CHECK(ones_like(xt).is_contiguous());
}

TEST_CASE("eye builds an identity matrix", "[01_tensor]") {
    CHECK(eye(3).to_vector() == Floats{1, 0, 0, 0, 1, 0, 0, 0, 1});
    CHECK(eye(1).to_vector() == Floats{1});
    CHECK(eye(0).shape() == Shape{0, 0});
}

// ---- ranges ----------------------------------------------------------------------------------

TEST_CASE("arange counts from start up to but excluding end", "[01_tensor]") {
    CHECK(arange(5.f).to_vector() == Floats{0, 1, 2, 3, 4});
    CHECK(arange(2.f, 5.f).to_vector() == Floats{2, 3, 4});
    CHECK(arange(1.f, 2.f, 0.25f).to_vector() == Floats{1.f, 1.25f, 1.5f, 1.75f});
    CHECK(arange(5.f, 0.f, -2.f).to_vector() == Floats{5, 3, 1});
    CHECK(arange(0.f, 1.f, 0.3f).numel() == 4);  // 0, 0.3, 0.6, 0.9
    CHECK(arange(3.f, 1.f).numel() == 0);       // empty when the step points away from end
    CHECK(arange(0.f).numel() == 0);
    CHECK(arange(4.f).shape() == Shape{4});
}

TEST_CASE("linspace includes both end points", "[01_tensor]") {
    CHECK(linspace(0.f, 1.f, 5).to_vector() == Floats{0.f, 0.25f, 0.5f, 0.75f, 1.f});
    CHECK(linspace(-1.f, 1.f, 3).to_vector() == Floats{-1, 0, 1});
    CHECK(linspace(2.f, 7.f, 1).to_vector() == Floats{2});
    CHECK(linspace(0.f, 1.f, 0).numel() == 0);
    Tensor l = linspace(0.f, 0.7f, 8);
    CHECK(l.to_vector().back() == 0.7f);  // exactly the end value despite rounding
    CHECK_THAT(l.to_vector()[3], WithinAbs(0.3, 1e-6));
}

// ---- random ----------------------------------------------------------------------------------

TEST_CASE("the same seed gives the same randn numbers", "[01_tensor]") {
    manual_seed(1234);
    Tensor a = randn({4, 5});
    manual_seed(1234);
    Tensor b = randn({4, 5});
    CHECK(judge::equal(a, b));
    Tensor c = randn({4, 5});  // the generator moved on
    CHECK_FALSE(judge::equal(a, c));
}

TEST_CASE("different seeds give different randn numbers", "[01_tensor]") {
    manual_seed(1);
    Tensor a = randn({100});
    manual_seed(2);
    Tensor b = randn({100});
    CHECK_FALSE(judge::equal(a, b));
    int same = 0;
    for (size_t i = 0; i < 100; ++i) same += a.to_vector()[i] == b.to_vector()[i];
    CHECK(same == 0);
}

TEST_CASE("reseeding repeats the sequence even after an odd number of normal draws", "[01_tensor]") {
    // Box-Muller makes normals in pairs; a reseed must drop the cached second one.
    manual_seed(7);
    float first = randn({1}).item();
    manual_seed(7);
    randn({3});  // leaves a spare normal behind
    manual_seed(7);
    CHECK(randn({1}).item() == first);
}

TEST_CASE("randn samples have mean near zero and standard deviation near one", "[01_tensor]") {
    manual_seed(42);
    const int64_t n = 200000;
    Floats v = randn({n}).to_vector();
    double s = 0, s2 = 0;
    for (float x : v) { s += x; s2 += double(x) * x; }
    double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
    // standard error of the mean is 1/sqrt(n) ~ 0.0022; allow 5 of them
    CHECK(std::fabs(mean) < 0.012);
    CHECK(std::fabs(sd - 1.0) < 0.01);
    int64_t within1 = 0;
    for (float x : v) within1 += std::fabs(x) < 1.0f;
    CHECK(std::fabs(double(within1) / n - 0.6827) < 0.005);  // the 68 percent rule
}

TEST_CASE("rand gives uniform samples in the half-open unit interval", "[01_tensor]") {
    manual_seed(3);
    Floats v = rand({50000}).to_vector();
    double s = 0;
    float lo = 1, hi = 0;
    for (float x : v) { s += x; lo = std::min(lo, x); hi = std::max(hi, x); }
    CHECK(lo >= 0.f);
    CHECK(hi < 1.f);
    CHECK(std::fabs(s / v.size() - 0.5) < 0.01);
    CHECK(lo < 0.001f);
    CHECK(hi > 0.999f);
}

TEST_CASE("uniform gives samples between low and high", "[01_tensor]") {
    manual_seed(4);
    Floats v = uniform({20000}, -2.f, 3.f).to_vector();
    double s = 0;
    for (float x : v) {
        CHECK((x >= -2.f && x < 3.f));
        s += x;
    }
    CHECK(std::fabs(s / v.size() - 0.5) < 0.05);
    manual_seed(4);
    CHECK(judge::equal(uniform({20000}, -2.f, 3.f), Tensor(v, {20000})));
}

TEST_CASE("randint draws whole numbers from low up to high exclusive", "[01_tensor]") {
    manual_seed(5);
    Tensor t = randint(3, 8, {2000});
    std::set<float> seen;
    for (float x : t.to_vector()) {
        CHECK(x == std::floor(x));
        CHECK((x >= 3.f && x < 8.f));
        seen.insert(x);
    }
    CHECK(seen == std::set<float>{3, 4, 5, 6, 7});
    manual_seed(5);
    CHECK(judge::equal(randint(3, 8, {2000}), t));
    CHECK(randint(-2, -1, {4}).to_vector() == Floats(4, -2.f));
}

TEST_CASE("an explicit Generator is independent of the default one", "[01_tensor]") {
    Generator g1(99), g2(99);
    manual_seed(0);
    Tensor a = randn({6}, g1);
    Tensor noise = randn({6});  // draws from the default generator only
    Tensor b = randn({6}, g2);
    CHECK(judge::equal(a, b));
    CHECK_FALSE(judge::equal(a, noise));
    CHECK(judge::equal(rand({3}, g1), rand({3}, g2)));
    CHECK(judge::equal(uniform({3}, 1.f, 2.f, g1), uniform({3}, 1.f, 2.f, g2)));
    CHECK(judge::equal(randint(0, 100, {3}, g1), randint(0, 100, {3}, g2)));
}

TEST_CASE("a saved Generator state resumes the exact same stream", "[01_tensor][provided]") {
    Generator g(5);
    g.normal();  // an odd number of normals leaves a spare behind: the state must carry it
    std::string saved = g.state();
    Floats expect;
    for (int i = 0; i < 5; ++i) expect.push_back(g.normal());
    expect.push_back(g.uniform());
    Generator h(123);
    h.set_state(saved);
    Floats got;
    for (int i = 0; i < 5; ++i) got.push_back(h.normal());
    got.push_back(h.uniform());
    CHECK(got == expect);
    CHECK(h.state() == g.state());
}

TEST_CASE("a bad Generator state is a ValueError and changes nothing", "[01_tensor][provided]") {
    Generator g(9);
    const std::string before = g.state();
    CHECK_THROWS_AS(g.set_state("not a state"), ValueError);
    CHECK_THROWS_WITH(g.set_state(""), Contains("set_state") && Contains("hint"));
    std::string truncated = before.substr(0, before.rfind(' '));  // engine and flag, no spare bits
    CHECK_THROWS_AS(g.set_state(truncated), ValueError);
    CHECK(g.state() == before);
}

TEST_CASE("Generator draws are reproducible and in range", "[01_tensor][provided]") {
    Generator g(11);
    float u = g.uniform(), n = g.normal();
    uint64_t r = g.randint(10), raw = g.next_u64();
    g.manual_seed(11);
    CHECK(g.uniform() == u);
    CHECK(g.normal() == n);
    CHECK(g.randint(10) == r);
    CHECK(g.next_u64() == raw);
    CHECK(r < 10);
    CHECK(g.randint(0) == 0);
    for (int i = 0; i < 1000; ++i) {
        float x = g.uniform(5.f, 6.f);
        CHECK((x >= 5.f && x < 6.f));
    }
    CHECK(&default_generator() == &default_generator());
}
