// tests/01_tensor/test_views.cpp — lesson §2 (contiguity) and §5 (views: same storage, new geometry)
#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

namespace {
/// [2, 3, 4] holding 0..23, so x[i, j, k] = 12 i + 4 j + k.
Tensor counting() { return arange(24.f).reshape({2, 3, 4}); }
}  // namespace

TEST_CASE("a fresh tensor is contiguous and its transpose is not", "[01_tensor]") {
    Tensor x = zeros({2, 3});
    CHECK(x.is_contiguous());
    CHECK_FALSE(x.t().is_contiguous());
    CHECK(x.t().t().is_contiguous());
}

TEST_CASE("is_contiguous ignores the strides of size-one dims", "[01_tensor]") {
    Tensor row = zeros({1, 4});
    Tensor col = row.t();  // shape [4, 1], strides [1, 4]
    CHECK(col.strides() == Shape{1, 4});
    CHECK(col.is_contiguous());
    CHECK(zeros({3, 1, 2}).transpose(0, 1).is_contiguous());
    CHECK(zeros({}).is_contiguous());
}

TEST_CASE("view shares storage so a write through the view shows in the base", "[01_tensor]") {
    Tensor x = arange(6.f);
    Tensor v = x.view({2, 3});
    CHECK(v.shape() == Shape{2, 3});
    CHECK(v.strides() == Shape{3, 1});
    CHECK(v.shares_storage_with(x));
    CHECK(v.data_ptr() == x.data_ptr());
    v.select(1, 2).fill_(-1.f);  // column 2 of the view: elements 2 and 5 of x
    CHECK(x.to_vector() == Floats{0, 1, -1, 3, 4, -1});
    x.data_ptr()[0] = 9.f;
    CHECK(v.at({0, 0}) == 9.f);
}

TEST_CASE("reshape infers the one dimension given as minus one", "[01_tensor]") {
    Tensor x = counting();
    CHECK(x.reshape({4, -1}).shape() == Shape{4, 6});
    CHECK(x.reshape({-1}).shape() == Shape{24});
    CHECK(x.reshape({-1, 2, 3}).shape() == Shape{4, 2, 3});
    CHECK(x.reshape({2, -1, 4}).shape() == Shape{2, 3, 4});
    CHECK(x.view({-1, 12}).shape() == Shape{2, 12});
    CHECK(x.reshape({4, -1}).to_vector() == x.to_vector());
    CHECK(x.reshape({4, -1}).at({1, 0}) == 6.f);
    CHECK(zeros({0, 3}).reshape({-1, 3}).shape() == Shape{0, 3});
    CHECK(scalar_tensor(5.f).reshape({1, 1}).shape() == Shape{1, 1});
    CHECK(Tensor({5.f}).reshape({}).dim() == 0);
}

TEST_CASE("reshape of a contiguous tensor is a view", "[01_tensor]") {
    Tensor x = counting();
    Tensor r = x.reshape({6, 4});
    CHECK(r.shares_storage_with(x));
    CHECK(r.data_ptr() == x.data_ptr());
    r.fill_(0.f);
    CHECK(x.sum().item() == 0.f);
}

TEST_CASE("reshape of a non-contiguous tensor copies in logical row-major order", "[01_tensor]") {
    Tensor x({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});
    Tensor r = x.t().reshape({6});
    CHECK_FALSE(r.shares_storage_with(x));
    CHECK(r.to_vector() == Floats{1, 4, 2, 5, 3, 6});
    CHECK(r.is_contiguous());
}

TEST_CASE("transpose swaps shape and strides without moving data", "[01_tensor]") {
    Tensor x({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}});
    Tensor y = x.t();
    CHECK(y.shape() == Shape{3, 2});
    CHECK(y.strides() == Shape{1, 3});
    CHECK(y.storage_offset() == 0);
    CHECK(y.shares_storage_with(x));
    CHECK(y.at({2, 1}) == 6.f);
    CHECK(y.at({0, 1}) == 4.f);
    CHECK(y.to_vector() == Floats{1, 4, 2, 5, 3, 6});
    Tensor z = counting().transpose(0, 2);  // [4, 3, 2], strides [1, 4, 12]
    CHECK(z.shape() == Shape{4, 3, 2});
    CHECK(z.strides() == Shape{1, 4, 12});
    CHECK(z.at({3, 2, 1}) == 12.f + 8.f + 3.f);
    CHECK(judge::equal(counting().transpose(-1, -3), z));
    CHECK(judge::equal(counting().transpose(1, 1), counting()));
}

TEST_CASE("transpose of a 0-dim tensor is the same scalar", "[01_tensor]") {
    Tensor s = scalar_tensor(3.f);
    CHECK(s.transpose(0, -1).dim() == 0);
    CHECK(s.transpose(0, 0).item() == 3.f);
}

TEST_CASE("permute reorders dims and their strides", "[01_tensor]") {
    Tensor x = counting();
    Tensor p = x.permute({2, 0, 1});
    CHECK(p.shape() == Shape{4, 2, 3});
    CHECK(p.strides() == Shape{1, 12, 4});
    CHECK(p.shares_storage_with(x));
    CHECK_FALSE(p.is_contiguous());
    for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j)
            for (int64_t k = 0; k < 4; ++k) CHECK(p.at({k, i, j}) == x.at({i, j, k}));
    CHECK(judge::equal(x.permute({-1, 0, 1}), p));
    CHECK(x.permute({0, 1, 2}).is_contiguous());
    CHECK(judge::equal(p.permute({1, 2, 0}), x));  // the inverse permutation restores x
}

TEST_CASE("contiguous returns the same tensor when already contiguous", "[01_tensor]") {
    Tensor x = counting();
    Tensor c = x.contiguous();
    CHECK(c.is_same(x));
    CHECK(c.data_ptr() == x.data_ptr());
}

TEST_CASE("contiguous copies a transposed view into row-major order", "[01_tensor]") {
    Tensor x({{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}});
    Tensor c = x.t().contiguous();
    CHECK_FALSE(c.shares_storage_with(x));
    CHECK(c.is_contiguous());
    CHECK(c.strides() == Shape{3, 1});
    CHECK(c.to_vector() == Floats{1, 3, 5, 2, 4, 6});
    CHECK(std::vector<float>(c.data_ptr(), c.data_ptr() + 6) == Floats{1, 3, 5, 2, 4, 6});
    x.fill_(0.f);
    CHECK(c.at({0, 1}) == 3.f);  // a copy does not follow later writes
}

TEST_CASE("clone always copies", "[01_tensor]") {
    Tensor x = arange(4.f);
    Tensor c = x.clone();
    CHECK_FALSE(c.shares_storage_with(x));
    CHECK(judge::equal(c, x));
    c.fill_(1.f);
    CHECK(x.to_vector() == Floats{0, 1, 2, 3});
    Tensor s = counting().slice(2, 1, 4, 2).clone();  // a strided view becomes contiguous
    CHECK(s.is_contiguous());
    CHECK(s.to_vector() == Floats{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23});
}

TEST_CASE("detach shares storage and drops the autograd history", "[01_tensor]") {
    Tensor w = ones({2}).requires_grad_();
    Tensor y = w * 2.f;
    Tensor d = y.detach();
    CHECK(d.shares_storage_with(y));
    CHECK_FALSE(d.requires_grad());
    CHECK(d.grad_fn() == nullptr);
    CHECK(d.is_leaf());
    CHECK(d.to_vector() == Floats{2, 2});
}

TEST_CASE("squeeze drops size-one dims and unsqueeze inserts them", "[01_tensor]") {
    Tensor x = arange(6.f).reshape({1, 2, 1, 3});
    CHECK(x.squeeze().shape() == Shape{2, 3});
    CHECK(x.squeeze(0).shape() == Shape{2, 1, 3});
    CHECK(x.squeeze(-2).shape() == Shape{1, 2, 3});
    CHECK(x.squeeze(1).shape() == Shape{1, 2, 1, 3});  // size 2: unchanged, as in PyTorch
    CHECK(x.squeeze().shares_storage_with(x));
    CHECK(x.squeeze().to_vector() == x.to_vector());
    Tensor v = arange(3.f);
    CHECK(v.unsqueeze(0).shape() == Shape{1, 3});
    CHECK(v.unsqueeze(1).shape() == Shape{3, 1});
    CHECK(v.unsqueeze(-1).shape() == Shape{3, 1});
    CHECK(v.unsqueeze(1).at({2, 0}) == 2.f);
    CHECK(scalar_tensor(1.f).unsqueeze(0).shape() == Shape{1});
    CHECK(ones({1, 1}).squeeze().dim() == 0);
    CHECK(scalar_tensor(4.f).squeeze(0).item() == 4.f);
}

TEST_CASE("flatten merges a range of dims", "[01_tensor]") {
    Tensor x = counting();
    CHECK(x.flatten().shape() == Shape{24});
    CHECK(x.flatten(1).shape() == Shape{2, 12});
    CHECK(x.flatten(0, 1).shape() == Shape{6, 4});
    CHECK(x.flatten(-2, -1).shape() == Shape{2, 12});
    CHECK(x.flatten(1, 1).shape() == Shape{2, 3, 4});
    CHECK(x.flatten(1).at({1, 5}) == 17.f);
    CHECK(scalar_tensor(2.f).flatten().shape() == Shape{1});
    CHECK(x.transpose(0, 1).flatten().to_vector()[4] == 12.f);  // logical order of the view
}

TEST_CASE("expand broadcasts size-one dims with stride zero", "[01_tensor]") {
    Tensor c(Floats{1.f, 2.f, 3.f}, {3, 1});  // [3, 1]
    Tensor e = c.expand({3, 4});
    CHECK(e.shape() == Shape{3, 4});
    CHECK(e.strides() == Shape{1, 0});
    CHECK(e.shares_storage_with(c));
    CHECK_FALSE(e.is_contiguous());
    CHECK(e.to_vector() == Floats{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
    c.data_ptr()[1] = 20.f;  // every expanded copy sees the one stored value
    CHECK(e.at({1, 3}) == 20.f);
    Tensor lead = Tensor({1.f, 2.f}).expand({3, 2});  // new leading dim
    CHECK(lead.strides() == Shape{0, 1});
    CHECK(lead.to_vector() == Floats{1, 2, 1, 2, 1, 2});
    CHECK(c.expand({2, -1, 2}).shape() == Shape{2, 3, 2});  // -1 keeps the size
    CHECK(c.expand({3, 1}).is_same(c));
    CHECK(judge::equal(c.expand_as(zeros({3, 4})), e));
    CHECK(scalar_tensor(7.f).expand({2, 2}).to_vector() == Floats(4, 7.f));
}

TEST_CASE("views of views compose their strides and offsets", "[01_tensor]") {
    Tensor x = counting();
    Tensor v = x.transpose(1, 2).slice(1, 1, 3).select(0, 1);  // x[1, :, 1:3] transposed: [2, 3]
    CHECK(v.shape() == Shape{2, 3});
    CHECK(v.strides() == Shape{1, 4});
    CHECK(v.storage_offset() == 13);
    CHECK(v.to_vector() == Floats{13, 17, 21, 14, 18, 22});
    v.fill_(0.f);
    CHECK(x.at({1, 2, 2}) == 0.f);
    CHECK(x.at({1, 2, 3}) == 23.f);
    CHECK(x.sum().item() == 276.f - (13 + 17 + 21 + 14 + 18 + 22));
}

TEST_CASE("to_vector reads a strided view in logical order", "[01_tensor]") {
    Tensor x = counting();
    CHECK(x.permute({2, 1, 0}).to_vector()[1] == 12.f);
    CHECK(x.slice(2, std::nullopt, std::nullopt, 3).to_vector() == Floats{0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23});
}

TEST_CASE("views of a strided slice copy only when they must", "[01_tensor]") {
    Tensor x = arange(10.f);
    Tensor odd = x.slice(0, 1, 10, 4);  // 1, 5, 9: not contiguous
    CHECK_FALSE(odd.is_contiguous());
    Tensor r = odd.reshape({3, 1});
    CHECK_FALSE(r.shares_storage_with(x));
    CHECK(r.to_vector() == Floats{1, 5, 9});
    CHECK_THROWS_AS(odd.view({3, 1}), ShapeError);
    Tensor one = x.slice(0, 2, 3);  // a single element is contiguous whatever its stride
    CHECK(one.is_contiguous());
    CHECK(x.slice(0, 3, 4, 5).is_contiguous());
    CHECK(one.view({1, 1}).shares_storage_with(x));
    CHECK(odd.unsqueeze(0).expand({2, -1}).to_vector() == Floats{1, 5, 9, 1, 5, 9});
}
