// tests/01_tensor/test_dtype.cpp — lesson §1 (the dtype tag) and libtorch spellings that depend on it
#include <cmath>
#include <concepts>
#include <limits>
#include <sstream>
#include <tuple>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

namespace test_dtype {
// libtorch spellings that would mean something else here must not compile.
template <typename T>
concept item_as = requires(const Tensor& t) { t.item<T>(); };
template <typename T>
concept data_ptr_as = requires(Tensor& t) { t.data_ptr<T>(); };
template <typename R>
concept max_dim_gives = requires(const Tensor& t) { { t.max(1) } -> std::same_as<R>; };
template <typename R>
concept min_dim_keepdim_gives = requires(const Tensor& t) { { t.min(0, true) } -> std::same_as<R>; };

static_assert(item_as<float>);
static_assert(!item_as<double> && !item_as<int64_t> && !item_as<bool>);
static_assert(data_ptr_as<float>);
static_assert(!data_ptr_as<double> && !data_ptr_as<int64_t> && !data_ptr_as<uint8_t>);
static_assert(max_dim_gives<std::tuple<Tensor, Tensor>>);
static_assert(min_dim_keepdim_gives<std::tuple<Tensor, Tensor>>);
static_assert(std::same_as<decltype(std::declval<Tensor>().max()), Tensor>);
static_assert(std::same_as<decltype(kFloat32), const ScalarType> && kFloat32 == kFloat);
}  // namespace test_dtype

TEST_CASE("tensors are Float by default and Tensor of bools is Bool", "[01_tensor]") {
    CHECK(Tensor({1.f, 2.f}).dtype() == kFloat);
    CHECK(Tensor({1.f, 2.f}).scalar_type() == kFloat32);
    CHECK(Tensor({1.f, 2.f}).is_floating_point());
    Tensor b({true, false, true});
    CHECK(b.dtype() == kBool);
    CHECK_FALSE(b.is_floating_point());
    CHECK(b.to_vector() == Floats{1, 0, 1});
    CHECK(dtype_name(kBool) == "Bool");
}

TEST_CASE("to kBool keeps non-zero as true and to kFloat gives the numbers back", "[01_tensor]") {
    Tensor x({-2.f, 0.f, 0.5f, std::numeric_limits<float>::quiet_NaN()});
    Tensor b = x.to(kBool);
    CHECK(b.dtype() == kBool);
    CHECK(b.to_vector() == Floats{1, 0, 1, 1});  // NaN != 0, as in libtorch
    Tensor f = b.to(kFloat);
    CHECK(f.dtype() == kFloat);
    CHECK(f.to_vector() == Floats{1, 0, 1, 1});
    CHECK_FALSE(f.shares_storage_with(b));  // a copy: changing the numbers must not change the mask
    CHECK(x.to(kFloat).is_same(x));         // nothing to convert: the same tensor, as libtorch
    CHECK(b.to(kBool).is_same(b));
}

TEST_CASE("comparisons and logical ops give Bool masks", "[01_tensor]") {
    Tensor idx({{5.f, 7.f, 0.f, 0.f}, {3.f, 0.f, 0.f, 0.f}});
    Tensor key_padding_mask = idx.eq(0.f);  // the libtorch idiom for a padding mask
    CHECK(key_padding_mask.dtype() == kBool);
    CHECK(key_padding_mask.to_vector() == Floats{0, 0, 1, 1, 0, 1, 1, 1});
    Tensor a({true, true, false, false}), c({true, false, true, false});
    CHECK(a.logical_and(c).to_vector() == Floats{1, 0, 0, 0});
    CHECK(a.logical_or(c).to_vector() == Floats{1, 1, 1, 0});
    CHECK(a.logical_xor(c).to_vector() == Floats{0, 1, 1, 0});
    CHECK(a.logical_not().to_vector() == Floats{0, 0, 1, 1});
    CHECK(logical_not(a).dtype() == kBool);
    CHECK(judge::equal(~a, a.logical_not()));
    CHECK(judge::equal(a & c, a.logical_and(c)));
    CHECK(judge::equal(a | c, a.logical_or(c)));
    CHECK(judge::equal(a ^ c, a.logical_xor(c)));
    CHECK((a & c).dtype() == kBool);
    Tensor n({2.f, 0.f});  // logical ops read any tensor: non-zero is true
    CHECK(n.logical_not().to_vector() == Floats{0, 1});
    CHECK(n.logical_not().dtype() == kBool);
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    Tensor s({1.f, inf, -inf, nan});
    CHECK(s.isnan().to_vector() == Floats{0, 0, 0, 1});
    CHECK(s.isinf().to_vector() == Floats{0, 1, 1, 0});
    CHECK(s.isfinite().to_vector() == Floats{1, 0, 0, 0});
    CHECK(isnan(s).dtype() == kBool);
}

TEST_CASE("bitwise operators refuse Float tensors", "[01_tensor]") {
    Tensor f({1.f, 0.f}), b({true, false});
    CHECK_THROWS_AS(~f, ValueError);
    CHECK_THROWS_WITH(f & b, Contains("Bool") && Contains("Float") && Contains("hint"));
    CHECK_THROWS_AS(b | f, ValueError);
}

TEST_CASE("views and copies keep the Bool tag", "[01_tensor]") {
    Tensor m = Tensor({{1.f, 0.f, 1.f}, {0.f, 0.f, 1.f}}).gt(0.5f);
    for (const Tensor& v : {m.reshape({3, 2}), m.view({6}), m.transpose(0, 1), m.t(), m.permute({1, 0}),
                            m.select(0, 1), m[0], m.slice(1, 0, 2), m.narrow(1, 1, 2), m.index({Slice(), 0}),
                            m.unsqueeze(0), m.unsqueeze(0).squeeze(), m.flatten(), m.unsqueeze(0).expand({2, 2, 3}),
                            m.detach(), m.clone(), m.t().contiguous(), m.index_select(0, Tensor({1.f})),
                            cat({m, m}), stack({m, m}), zeros_like(m), ones_like(m)})
        CHECK(v.dtype() == kBool);
    CHECK(m.index_select(1, Tensor({2.f, 0.f})).to_vector() == Floats{1, 1, 1, 0});
    CHECK(cat({m, m.to(kFloat)}).dtype() == kFloat);  // a mix is promoted, as in libtorch
    CHECK(zeros_like(m, kFloat).dtype() == kFloat);
}

TEST_CASE("creation functions take a dtype", "[01_tensor]") {
    CHECK(ones({2}, kBool).dtype() == kBool);
    CHECK(ones({2}, kBool).to_vector() == Floats{1, 1});
    CHECK(zeros({2, 2}, kBool).to_vector() == Floats(4, 0.f));
    CHECK(zeros({2, 2}, kBool).dtype() == kBool);
    CHECK(full({3}, 2.5f, kBool).to_vector() == Floats{1, 1, 1});  // stored as true, not 2.5
    CHECK(full({3}, 2.5f, kFloat).to_vector() == Floats{2.5f, 2.5f, 2.5f});
    CHECK(empty({1}, kBool).dtype() == kBool);
    CHECK(full_like(Tensor({1.f, 2.f}), 0.f, kBool).dtype() == kBool);
}

TEST_CASE("arithmetic on Bool tensors follows libtorch's promotion", "[01_tensor]") {
    Tensor b({true, false, true}), c({true, true, false}), x({1.5f, 2.f, 3.f});
    CHECK((b + x).dtype() == kFloat);
    CHECK((b + x).to_vector() == Floats{2.5f, 2, 4});
    CHECK((x * b).to_vector() == Floats{1.5f, 0, 3});
    CHECK((b * 2.f).dtype() == kFloat);
    CHECK((b * 2.f).to_vector() == Floats{2, 0, 2});
    CHECK((b + c).dtype() == kBool);  // True + True = True: logical or
    CHECK((b + c).to_vector() == Floats{1, 1, 1});
    CHECK((b * c).dtype() == kBool);  // logical and
    CHECK((b * c).to_vector() == Floats{1, 0, 0});
    CHECK((b / c).dtype() == kFloat);  // true division gives numbers
    CHECK(b.exp().dtype() == kFloat);
    CHECK_THROWS_AS(b - c, ValueError);
    CHECK_THROWS_WITH(x - b, Contains("Bool") && Contains("logical_not"));
    CHECK_THROWS_AS(1.f - b, ValueError);
    CHECK_THROWS_AS(b - 1.f, ValueError);
    CHECK_THROWS_WITH(-b, Contains("Bool") && Contains("hint"));
    CHECK(maximum(b, c).dtype() == kBool);
}

TEST_CASE("reductions of Bool tensors count in Float and mean refuses them", "[01_tensor]") {
    Tensor x({3.f, 1.f, 4.f, 1.f, 5.f});
    Tensor big = x.gt(2.f);
    CHECK(big.sum().dtype() == kFloat);  // libtorch gives int64: see docs/libtorch-differences.md
    CHECK(big.sum().item() == 3.f);
    CHECK(big.reshape({1, 5}).sum(1).to_vector() == Floats{3});
    CHECK_THROWS_AS(big.mean(), ValueError);
    CHECK_THROWS_WITH(big.mean(), Contains("Bool") && Contains("to(kFloat)"));
    CHECK(big.to(kFloat).mean().item() == Approx(0.6f));
    CHECK_THROWS_AS(big.var(), ValueError);
    CHECK(big.max().dtype() == kBool);
    CHECK(big.max().item() == 1.f);
    CHECK(big.argmax().dtype() == kFloat);
    CHECK(big.argmax().item() == 0.f);
    CHECK(big.any().dtype() == kBool);
    CHECK(big.any().item() == 1.f);
    CHECK(big.all().item() == 0.f);
    CHECK(Tensor({2.f, -1.f}).all().item() == 1.f);
    CHECK(zeros({0}).any().item() == 0.f);
    CHECK(zeros({0}).all().item() == 1.f);
    Tensor m({{true, false}, {false, false}});
    CHECK(m.any(1).to_vector() == Floats{1, 0});
    CHECK(m.any(1).dtype() == kBool);
    CHECK(m.all(0, true).shape() == Shape{1, 2});
    CHECK(m.logical_not().all(0).to_vector() == Floats{0, 1});
}

TEST_CASE("masked_fill and where take Bool masks only as libtorch does", "[01_tensor]") {
    Tensor x({1.f, 2.f, 3.f});
    CHECK_THROWS_AS(x.masked_fill(Tensor({1.f, 0.f, 0.f}), 0.f), ValueError);
    CHECK_THROWS_WITH(x.masked_fill(Tensor({1.f, 0.f, 0.f}), 0.f), Contains("Bool") && Contains("Float"));
    CHECK_THROWS_WITH(where(Tensor({1.f, 0.f, 0.f}), x, x), Contains("condition") && Contains("Bool"));
    Tensor b({true, false, false});
    Tensor filled = b.masked_fill(Tensor({false, true, false}), 5.f);  // a mask stays a mask
    CHECK(filled.dtype() == kBool);
    CHECK(filled.to_vector() == Floats{1, 1, 0});
    CHECK(where(b, b, b.logical_not()).dtype() == kBool);
    CHECK(where(b, x, b).dtype() == kFloat);
}

TEST_CASE("in-place ops on a Bool tensor keep it true or false", "[01_tensor]") {
    Tensor b = zeros({3}, kBool);
    b.fill_(7.f);
    CHECK(b.to_vector() == Floats{1, 1, 1});
    b.copy_(Tensor({0.f, -3.f, 0.f}));
    CHECK(b.to_vector() == Floats{0, 1, 0});
    CHECK(b.dtype() == kBool);
    CHECK_THROWS_AS(b.add_(1.f), ValueError);
    CHECK_THROWS_WITH(b.mul_(Tensor({2.f, 2.f, 2.f})), Contains("Bool") && Contains("to(kFloat)"));
}

TEST_CASE("only Float tensors can require grad", "[01_tensor]") {
    Tensor b({true, false});
    CHECK_THROWS_AS(b.requires_grad_(), ValueError);
    CHECK_THROWS_WITH(b.requires_grad_(), Contains("Bool"));
    Tensor x({1.f, -1.f});
    x.requires_grad_();
    CHECK_FALSE(x.gt(0.f).requires_grad());
    CHECK_FALSE(x.to(kBool).requires_grad());
}

TEST_CASE("a Bool tensor prints true and false and its dtype", "[01_tensor]") {
    std::ostringstream out;
    out << Tensor({1.f, 0.f}).gt(0.5f);
    CHECK(out.str() == "tensor([ true, false], shape=[2], dtype=Bool)");
    CHECK(Tensor({1.f, 0.f}).to_string().find("dtype") == std::string::npos);
    CHECK(Tensor({true}).reshape({}).to_string() == "tensor(true, shape=[], dtype=Bool)");
}

TEST_CASE("item and data_ptr have libtorch's typed spellings for float", "[01_tensor]") {
    Tensor x({2.5f, 4.f});
    CHECK(x[1].item<float>() == 4.f);
    CHECK(x.data_ptr<float>() == x.data_ptr());
    CHECK(x.data_ptr<float>()[0] == 2.5f);
    const Tensor& cx = x;
    CHECK(cx.data_ptr<float>()[1] == 4.f);
    CHECK(x.gt(3.f)[1].item<float>() == 1.f);
}
