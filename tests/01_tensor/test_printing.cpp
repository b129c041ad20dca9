// tests/01_tensor/test_printing.cpp — lesson §9 (printing)
#include <limits>
#include <sstream>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
using namespace tinytorch;

TEST_CASE("a matrix prints with aligned columns and its shape", "[01_tensor]") {
    Tensor m({{1.f, 2.f}, {-3.5f, 4.f}});
    CHECK(m.to_string() ==
          "tensor([[ 1.0000,  2.0000],\n"
          "        [-3.5000,  4.0000]], shape=[2, 2])");
}

TEST_CASE("a vector and a scalar print on one line", "[01_tensor]") {
    CHECK(Tensor({1.f, 2.f, 3.f}).to_string() == "tensor([1.0000, 2.0000, 3.0000], shape=[3])");
    CHECK(scalar_tensor(3.5f).to_string() == "tensor(3.5000, shape=[])");
    CHECK(scalar_tensor(-0.25f).to_string() == "tensor(-0.2500, shape=[])");
    CHECK(zeros({0}).to_string() == "tensor([], shape=[0])");
}

TEST_CASE("a 3-D tensor prints its planes separated by a blank line", "[01_tensor]") {
    CHECK(arange(8.f).reshape({2, 2, 2}).to_string() ==
          "tensor([[[0.0000, 1.0000],\n"
          "         [2.0000, 3.0000]],\n"
          "\n"
          "        [[4.0000, 5.0000],\n"
          "         [6.0000, 7.0000]]], shape=[2, 2, 2])");
}

TEST_CASE("very small and very large values print in scientific notation", "[01_tensor]") {
    CHECK(Tensor({1e-5f, 1e7f}).to_string() == "tensor([1.0000e-05, 1.0000e+07], shape=[2])");
    CHECK(Tensor({1e-4f, 0.f}).to_string() == "tensor([0.0001, 0.0000], shape=[2])");
}

TEST_CASE("nan and infinities print by name", "[01_tensor]") {
    const float inf = std::numeric_limits<float>::infinity();
    Tensor t({std::numeric_limits<float>::quiet_NaN(), inf, -inf, 0.f});
    CHECK(t.to_string() == "tensor([   nan,    inf,   -inf, 0.0000], shape=[4])");
}

TEST_CASE("a view prints in its logical order", "[01_tensor]") {
    Tensor m({{1.f, 2.f}, {3.f, 4.f}});
    CHECK(m.t().to_string() ==
          "tensor([[1.0000, 3.0000],\n"
          "        [2.0000, 4.0000]], shape=[2, 2])");
    CHECK(arange(6.f).slice(0, 1, 6, 2).to_string() == "tensor([1.0000, 3.0000, 5.0000], shape=[3])");
}

TEST_CASE("a tensor with more than a thousand elements is summarised", "[01_tensor]") {
    CHECK(arange(2000.f).to_string() ==
          "tensor([   0.0000,    1.0000,    2.0000, ..., 1997.0000, 1998.0000, 1999.0000], shape=[2000])");
    std::string big = zeros({100, 100}).to_string();
    CHECK(big.find("...") != std::string::npos);
    CHECK(big.find("shape=[100, 100]") != std::string::npos);
    CHECK(big.size() < 1000);  // 7 rows of 7 entries, not 10000
    CHECK(arange(1000.f).to_string().find("...") == std::string::npos);  // a thousand prints in full
}

TEST_CASE("printing shows requires_grad and the grad_fn name", "[01_tensor]") {
    Tensor w = ones({2}).requires_grad_();
    CHECK(w.to_string() == "tensor([1.0000, 1.0000], shape=[2], requires_grad=true)");
    CHECK((w + w).to_string() == "tensor([2.0000, 2.0000], shape=[2], grad_fn=add)");
    CHECK(w.sum().to_string() == "tensor(2.0000, shape=[], grad_fn=sum)");
}

TEST_CASE("an undefined tensor prints as undefined", "[01_tensor][provided]") {
    CHECK(Tensor().to_string() == "tensor(undefined)");
}

TEST_CASE("the stream operator prints the same text as to_string", "[01_tensor]") {
    Tensor m({{1.f, 2.f}, {-3.5f, 4.f}});
    std::ostringstream out;
    out << m;
    CHECK(out.str() == m.to_string());
    std::ostringstream undefined;
    undefined << Tensor();
    CHECK(undefined.str() == "tensor(undefined)");
}
