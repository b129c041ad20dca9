// tests/01_tensor/test_inplace.cpp — lesson §7 (in-place updates write the tensor's own storage)
#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

TEST_CASE("fill and zero overwrite every element", "[01_tensor]") {
    Tensor x = arange(4.f);
    float* before = x.data_ptr();
    x.fill_(2.5f);
    CHECK(x.to_vector() == Floats(4, 2.5f));
    CHECK(x.data_ptr() == before);  // same storage, no reallocation
    x.zero_();
    CHECK(x.to_vector() == Floats(4, 0.f));
    Tensor s = scalar_tensor(1.f);
    s.fill_(-3.f);
    CHECK(s.item() == -3.f);
}

TEST_CASE("copy_ writes a broadcast source into the destination", "[01_tensor]") {
    Tensor x = zeros({2, 3});
    x.copy_(Tensor({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}}));
    CHECK(x.to_vector() == Floats{1, 2, 3, 4, 5, 6});
    x.copy_(Tensor({7.f, 8.f, 9.f}));
    CHECK(x.to_vector() == Floats{7, 8, 9, 7, 8, 9});
    x.copy_(scalar_tensor(0.5f));
    CHECK(x.to_vector() == Floats(6, 0.5f));
    x.copy_(arange(6.f).reshape({3, 2}).t());  // a transposed source
    CHECK(x.to_vector() == Floats{0, 2, 4, 1, 3, 5});
}

TEST_CASE("add_ sub_ and mul_ update with broadcasting", "[01_tensor]") {
    Tensor x = ones({2, 2});
    x.add_(Tensor({1.f, 2.f}));
    CHECK(x.to_vector() == Floats{2, 3, 2, 3});
    x.add_(Tensor(Floats{1.f, 10.f}, {2, 1}), 0.5f);  // x += 0.5 * other
    CHECK(x.to_vector() == Floats{2.5f, 3.5f, 7, 8});
    x.sub_(ones({2, 2}));
    CHECK(x.to_vector() == Floats{1.5f, 2.5f, 6, 7});
    x.mul_(Tensor({2.f, 0.f}));
    CHECK(x.to_vector() == Floats{3, 0, 12, 0});
}

TEST_CASE("scalar in-place ops add multiply and divide", "[01_tensor]") {
    Tensor x({1.f, 2.f, 4.f});
    x.add_(1.f);
    CHECK(x.to_vector() == Floats{2, 3, 5});
    x.mul_(2.f);
    CHECK(x.to_vector() == Floats{4, 6, 10});
    x.div_(2.f);
    CHECK(x.to_vector() == Floats{2, 3, 5});
}

TEST_CASE("in-place ops return the tensor so calls chain", "[01_tensor]") {
    Tensor x = zeros({3});
    Tensor& r = x.fill_(1.f).add_(2.f).mul_(3.f);
    CHECK(&r == &x);
    CHECK(x.to_vector() == Floats(3, 9.f));
    CHECK(&x.copy_(ones({3})) == &x);
    CHECK(&x.add_(ones({3}), 2.f) == &x);
    CHECK(&x.sub_(ones({3})) == &x);
    CHECK(&x.mul_(ones({3})) == &x);
    CHECK(&x.div_(1.f) == &x);
    CHECK(&x.zero_() == &x);
}

TEST_CASE("in-place ops through a transposed view change the base", "[01_tensor]") {
    Tensor x = arange(6.f).reshape({2, 3});
    Tensor v = x.t();
    v.add_(Tensor({100.f, 200.f}));  // row of v = column of x
    CHECK(x.to_vector() == Floats{100, 101, 102, 203, 204, 205});
    v.select(0, 1).mul_(0.f);  // v[1] = x[:, 1]
    CHECK(x.to_vector() == Floats{100, 0, 102, 203, 0, 205});
}

TEST_CASE("in-place ops through slices touch only the sliced elements", "[01_tensor]") {
    Tensor x = zeros({3, 4});
    x[1].fill_(7.f);
    x.slice(1, 0, 4, 2).add_(1.f);  // every second column
    x.narrow(0, 2, 1).copy_(Tensor({9.f, 9.f, 9.f, 9.f}));
    CHECK(x.to_vector() == Floats{1, 0, 1, 0, 8, 7, 8, 7, 9, 9, 9, 9});
    x.index({Slice(0, 2), Slice(1, 3)}).mul_(Tensor(Floats{2.f, 3.f}, {2, 1}));
    CHECK(x.to_vector() == Floats{1, 0, 2, 0, 8, 21, 24, 7, 9, 9, 9, 9});
}

TEST_CASE("adding a tensor to itself doubles it", "[01_tensor]") {
    Tensor x = arange(4.f);
    x.add_(x);
    CHECK(x.to_vector() == Floats{0, 2, 4, 6});
    x.mul_(x);
    CHECK(x.to_vector() == Floats{0, 4, 16, 36});
}

TEST_CASE("an overlapping source is read before it is overwritten", "[01_tensor]") {
    Tensor x({{1.f, 2.f}, {3.f, 4.f}});
    x.add_(x.t());  // x + x.t() of the old values, not of half-updated ones
    CHECK(x.to_vector() == Floats{2, 5, 5, 8});
    Tensor y({{1.f, 2.f}, {3.f, 4.f}});
    y.add_(y.slice(0, 0, 1));  // the first row broadcast over both rows
    CHECK(y.to_vector() == Floats{2, 4, 4, 6});
    Tensor z = arange(5.f);
    z.slice(0, 1, 5).copy_(z.slice(0, 0, 4));  // shift right by one
    CHECK(z.to_vector() == Floats{0, 0, 1, 2, 3});
}

TEST_CASE("in-place ops on big tensors update every element", "[01_tensor]") {
    Tensor x = ones({300, 300});
    x.add_(arange(300.f));
    x.mul_(2.f);
    Floats v = x.to_vector();
    int bad = 0;
    for (int i = 0; i < 300; ++i)
        for (int j = 0; j < 300; ++j) bad += v[i * 300 + j] != 2.f * (1.f + float(j));
    CHECK(bad == 0);
    x.t().add_(arange(300.f).unsqueeze(1), -2.f);  // subtract 2 j from column j through the view
    CHECK(x.sum().item() == 2.f * 300 * 300);
}

TEST_CASE("in-place ops are never recorded for autograd", "[01_tensor]") {
    Tensor w = ones({3}).requires_grad_();
    w.add_(1.f);
    w.mul_(Tensor({1.f, 2.f, 3.f}));
    w.copy_(w);
    CHECK(w.grad_fn() == nullptr);
    CHECK(w.is_leaf());
    CHECK(w.requires_grad());
    CHECK(w.to_vector() == Floats{2, 4, 6});
}
