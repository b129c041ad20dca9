// tests/01_tensor/test_graph.cpp — lesson §10 (the hooks autograd uses). Module 01 only records
// what each op did (docs/architecture.md §3, the op table); module 06 differentiates it.
// No backward() here: that is module 06.
#include <limits>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

using Floats = std::vector<float>;

namespace {
Tensor leaf(const Shape& shape) { return arange(float(numel_of(shape))).add(1.f).reshape(shape).requires_grad_(); }
std::string op_name(const Tensor& t) { return t.grad_fn() ? t.grad_fn()->name : std::string("none"); }
}  // namespace

TEST_CASE("a fresh tensor is a leaf that does not require grad", "[01_tensor]") {
    Tensor x = ones({2});
    CHECK_FALSE(x.requires_grad());
    CHECK(x.is_leaf());
    CHECK(x.grad_fn() == nullptr);
    CHECK_FALSE(x.grad().defined());
    CHECK_FALSE(x.retains_grad());
    x.requires_grad_();
    CHECK(x.requires_grad());
    CHECK(x.is_leaf());
    x.requires_grad_(false);
    CHECK_FALSE(x.requires_grad());
}

TEST_CASE("ops on tensors that need no grad record nothing", "[01_tensor]") {
    Tensor a = ones({2, 2}), b = ones({2, 2});
    Tensor y = (a + b).matmul(a).sum();
    CHECK(y.grad_fn() == nullptr);
    CHECK_FALSE(y.requires_grad());
}

TEST_CASE("binary ops record their name and both inputs", "[01_tensor]") {
    Tensor a = leaf({2, 3}), b = ones({3});
    for (auto [out, name] : std::vector<std::pair<Tensor, std::string>>{
             {a + b, "add"}, {a - b, "sub"}, {a * b, "mul"}, {a / b, "div"},
             {a.maximum(b), "maximum"}, {a.minimum(b), "minimum"}}) {
        INFO(name);
        REQUIRE(out.grad_fn() != nullptr);
        CHECK(out.grad_fn()->name == name);
        CHECK(out.requires_grad());
        CHECK_FALSE(out.is_leaf());
        REQUIRE(out.grad_fn()->inputs.size() == 2);
        CHECK(out.grad_fn()->inputs[0].is_same(a));
        CHECK(out.grad_fn()->inputs[1].is_same(b));  // recorded even if b needs no grad
        CHECK(out.grad_fn()->output_shape == Shape{2, 3});
    }
    CHECK(op_name(b * a) == "mul");  // either side needing grad is enough
}

TEST_CASE("scalar arithmetic records add_scalar and mul_scalar with the scalar", "[01_tensor]") {
    Tensor x = leaf({3});
    Tensor p = x + 2.f, m = x - 2.f, t = x * 3.f, d = x / 4.f;
    CHECK(p.grad_fn()->name == "add_scalar");
    CHECK(p.grad_fn()->scalars == std::vector<double>{2.0});
    CHECK(m.grad_fn()->name == "add_scalar");
    CHECK(m.grad_fn()->scalars == std::vector<double>{-2.0});
    CHECK(t.grad_fn()->name == "mul_scalar");
    CHECK(t.grad_fn()->scalars == std::vector<double>{3.0});
    CHECK(d.grad_fn()->name == "mul_scalar");
    CHECK(d.grad_fn()->scalars == std::vector<double>{0.25});
    CHECK(d.grad_fn()->inputs[0].is_same(x));
    CHECK(op_name(2.f * x) == "mul_scalar");
    CHECK(op_name(2.f + x) == "add_scalar");
}

TEST_CASE("unary ops record the names of the op table", "[01_tensor]") {
    Tensor x = leaf({3});
    CHECK(op_name(x.neg()) == "neg");
    CHECK(op_name(-x) == "neg");
    CHECK(op_name(x.abs()) == "abs");
    CHECK(op_name(x.log()) == "log");
    CHECK(op_name(x.exp()) == "exp");
    CHECK(op_name(x.sqrt()) == "sqrt");
    Tensor pw = x.pow(3.f);
    CHECK(pw.grad_fn()->name == "pow");
    CHECK(pw.grad_fn()->scalars == std::vector<double>{3.0});
}

TEST_CASE("exp and sqrt save their output detached so a node never owns its own output", "[01_tensor]") {
    Tensor x = leaf({3});
    for (Tensor out : {x.exp(), x.sqrt()}) {
        const auto& node = *out.grad_fn();
        REQUIRE(node.saved.size() == 1);
        CHECK(node.saved[0].shares_storage_with(out));
        CHECK_FALSE(node.saved[0].is_same(out));
        CHECK(node.saved[0].grad_fn() == nullptr);
        CHECK_FALSE(node.saved[0].requires_grad());
        CHECK(judge::equal(node.saved[0], out));
    }
}

TEST_CASE("clamp records both bounds with infinity for a missing one", "[01_tensor]") {
    Tensor x = leaf({3});
    Tensor c = x.clamp(0.5f, 2.f);
    CHECK(c.grad_fn()->name == "clamp");
    CHECK(c.grad_fn()->scalars == std::vector<double>{0.5, 2.0});
    Tensor lo = x.clamp_min(1.f);
    CHECK(lo.grad_fn()->scalars[0] == 1.0);
    CHECK(lo.grad_fn()->scalars[1] == std::numeric_limits<double>::infinity());
    Tensor hi = x.clamp_max(1.f);
    CHECK(hi.grad_fn()->scalars[0] == -std::numeric_limits<double>::infinity());
}

TEST_CASE("masked_fill and where record their masks as saved tensors", "[01_tensor]") {
    Tensor x = leaf({3}), mask({false, true, false});
    Tensor m = x.masked_fill(mask, -5.f);
    CHECK(m.grad_fn()->name == "masked_fill");
    CHECK(m.grad_fn()->inputs.size() == 1);
    CHECK(judge::equal(m.grad_fn()->saved[0], mask));
    CHECK(m.grad_fn()->scalars == std::vector<double>{-5.0});
    Tensor b = zeros({3});
    Tensor w = where(mask, x, b);
    CHECK(w.grad_fn()->name == "where");
    REQUIRE(w.grad_fn()->inputs.size() == 2);
    CHECK(w.grad_fn()->inputs[0].is_same(x));
    CHECK(w.grad_fn()->inputs[1].is_same(b));
    CHECK(judge::equal(w.grad_fn()->saved[0], mask));
    CHECK(op_name(where(mask, b, b)) == "none");
}

TEST_CASE("comparisons are never recorded", "[01_tensor]") {
    Tensor x = leaf({3});
    CHECK(op_name(x.gt(1.f)) == "none");
    CHECK(op_name(x.eq(x)) == "none");
    CHECK_FALSE((x < 2.f).requires_grad());
}

TEST_CASE("matmul records one node with both operands", "[01_tensor]") {
    Tensor a = leaf({2, 3}), b = ones({3, 4});
    Tensor y = a.matmul(b);
    CHECK(y.grad_fn()->name == "matmul");
    CHECK(y.grad_fn()->inputs[0].is_same(a));
    CHECK(y.grad_fn()->inputs[1].is_same(b));
    CHECK(op_name(leaf({3}).matmul(b)) == "reshape");  // the 1-D operand's view is squeezed away
}

TEST_CASE("reshaping views record reshape", "[01_tensor]") {
    Tensor x = leaf({2, 3});
    CHECK(op_name(x.view({3, 2})) == "reshape");
    CHECK(op_name(x.reshape({6})) == "reshape");
    CHECK(op_name(x.flatten()) == "reshape");
    CHECK(op_name(x.unsqueeze(0)) == "reshape");
    CHECK(op_name(x.unsqueeze(0).squeeze()) == "reshape");
    CHECK(op_name(x.unsqueeze(1).squeeze(1)) == "reshape");
    CHECK(x.view({3, 2}).grad_fn()->output_shape == Shape{3, 2});
}

TEST_CASE("permute transpose and t record permute with the dims", "[01_tensor]") {
    Tensor x = leaf({2, 3, 4});
    Tensor p = x.permute({2, -3, 1});
    CHECK(p.grad_fn()->name == "permute");
    CHECK(p.grad_fn()->ints == std::vector<int64_t>{2, 0, 1});  // normalised
    CHECK(x.transpose(0, 2).grad_fn()->ints == std::vector<int64_t>{2, 1, 0});
    CHECK(op_name(leaf({2, 3}).t()) == "permute");
}

TEST_CASE("expand records expand and a no-op expand records nothing", "[01_tensor]") {
    Tensor x = leaf({3, 1});
    CHECK(op_name(x.expand({3, 4})) == "expand");
    CHECK(op_name(x.expand_as(zeros({2, 3, 4}))) == "expand");
    CHECK(x.expand({3, 1}).is_same(x));
}

TEST_CASE("select and slice record their normalised arguments", "[01_tensor]") {
    Tensor x = leaf({4, 5});
    Tensor s = x.select(1, -1);
    CHECK(s.grad_fn()->name == "select");
    CHECK(s.grad_fn()->ints == std::vector<int64_t>{1, 4});
    CHECK(op_name(x[2]) == "select");
    Tensor sl = x.slice(-1, -3, std::nullopt, 2);
    CHECK(sl.grad_fn()->name == "slice");
    CHECK(sl.grad_fn()->ints == std::vector<int64_t>{1, 2, 5, 2});  // dim, start, stop, step
    CHECK(x.narrow(0, 1, 2).grad_fn()->ints == std::vector<int64_t>{0, 1, 3, 1});
    // bounds are recorded after the Python rules: negative ones normalised, out-of-range ones
    // clamped, an empty range recorded with stop == start
    CHECK(x.slice(0, -100, 100, 3).grad_fn()->ints == std::vector<int64_t>{0, 0, 4, 3});
    CHECK(x.slice(1, 4, 2).grad_fn()->ints == std::vector<int64_t>{1, 4, 4, 1});
    CHECK(x.select(-2, -4).grad_fn()->ints == std::vector<int64_t>{0, 0});
    CHECK(op_name(x.index({1, Slice(0, 2)})) == "slice");
    CHECK(op_name(x.index({Slice(0, 2), 1})) == "select");
}

TEST_CASE("index_select records the indices and the dim", "[01_tensor]") {
    Tensor x = leaf({3, 2}), idx({2.f, 0.f});
    Tensor y = x.index_select(0, idx);
    CHECK(y.grad_fn()->name == "index_select");
    CHECK(y.grad_fn()->ints == std::vector<int64_t>{0});
    CHECK(judge::equal(y.grad_fn()->saved[0], idx));
    CHECK(y.to_vector() == Floats{5, 6, 1, 2});
}

TEST_CASE("clone records clone and contiguous records it only when it copies", "[01_tensor]") {
    Tensor x = leaf({2, 3});
    CHECK(op_name(x.clone()) == "clone");
    CHECK(x.contiguous().is_same(x));
    CHECK(op_name(x.t().contiguous()) == "clone");
    CHECK(op_name(x.t().reshape({6})) == "reshape");  // a copy then a view
    CHECK(x.t().reshape({6}).grad_fn()->inputs[0].grad_fn()->name == "clone");
    Tensor d = x.detach();
    CHECK(op_name(d.clone()) == "none");
}

TEST_CASE("cat and stack record cat with every input and the dim", "[01_tensor]") {
    Tensor a = leaf({2, 2}), b = ones({1, 2});
    Tensor c = cat({a, b}, 0);
    CHECK(c.grad_fn()->name == "cat");
    CHECK(c.grad_fn()->inputs.size() == 2);
    CHECK(c.grad_fn()->ints == std::vector<int64_t>{0});
    CHECK(op_name(cat({b, b})) == "none");
    Tensor s = stack({a, a}, 1);
    CHECK(s.grad_fn()->name == "cat");
    CHECK(s.grad_fn()->ints == std::vector<int64_t>{1});
    CHECK(s.grad_fn()->inputs[0].grad_fn()->name == "reshape");  // the unsqueezed inputs
}

TEST_CASE("sum records keepdim and the reduced dims", "[01_tensor]") {
    Tensor x = leaf({2, 3, 4});
    Tensor s = x.sum({2, 0}, true);
    CHECK(s.grad_fn()->name == "sum");
    CHECK(s.grad_fn()->ints == std::vector<int64_t>{1, 0, 2});
    CHECK(x.sum().grad_fn()->ints == std::vector<int64_t>{0, 0, 1, 2});
    CHECK(x.sum(-1).grad_fn()->ints == std::vector<int64_t>{0, 2});
}

TEST_CASE("mean and var are built from recorded primitives", "[01_tensor]") {
    Tensor x = leaf({2, 3});
    Tensor m = x.mean(1);
    CHECK(m.grad_fn()->name == "mul_scalar");
    CHECK(m.grad_fn()->inputs[0].grad_fn()->name == "sum");
    CHECK(op_name(x.var()) == "mul_scalar");
}

TEST_CASE("max and min along a dim save the chosen indices", "[01_tensor]") {
    Tensor x = leaf({2, 3});  // [[1, 2, 3], [4, 5, 6]]
    auto [m, mi] = x.max(1, true);
    CHECK(mi.to_vector() == Floats{2, 2});
    CHECK_FALSE(mi.requires_grad());
    CHECK(m.grad_fn()->name == "max");
    CHECK(m.grad_fn()->ints == std::vector<int64_t>{1, 1});  // dim, keepdim
    CHECK(m.grad_fn()->saved[0].to_vector() == Floats{2, 2});
    CHECK(m.grad_fn()->saved[0].shape() == Shape{2, 1});
    Tensor n = std::get<0>(x.min(0));
    CHECK(n.grad_fn()->name == "min");
    CHECK(n.grad_fn()->ints == std::vector<int64_t>{0, 0});
    CHECK(n.grad_fn()->saved[0].to_vector() == Floats{0, 0, 0});
    CHECK(op_name(x.max()) == "max");
    CHECK(op_name(x.argmax(1)) == "none");
}

TEST_CASE("turning grad mode off stops recording", "[01_tensor]") {
    Tensor x = leaf({2});
    CHECK(autograd::is_grad_enabled());
    autograd::set_grad_enabled(false);
    Tensor y = x * 2.f + x;
    autograd::set_grad_enabled(true);
    CHECK(y.grad_fn() == nullptr);
    CHECK_FALSE(y.requires_grad());
    CHECK(op_name(x * 2.f) == "mul_scalar");
}

TEST_CASE("requires_grad_ is only for leaves", "[01_tensor]") {
    Tensor y = leaf({2}) * 2.f;
    CHECK_THROWS_AS(y.requires_grad_(), ValueError);
    CHECK_THROWS_WITH(y.requires_grad_(false), Contains("leaf") && Contains("detach"));
    CHECK(y.detach().requires_grad_().requires_grad());
}

TEST_CASE("retain_grad marks a non-leaf and needs requires_grad", "[01_tensor]") {
    Tensor y = leaf({2}) * 2.f;
    CHECK_FALSE(y.retains_grad());
    y.retain_grad();
    CHECK(y.retains_grad());
    CHECK_THROWS_AS(ones({2}).retain_grad(), ValueError);
    CHECK_THROWS_WITH(ones({2}).retain_grad(), Contains("requires_grad_"));
}

TEST_CASE("set_grad stores a gradient of the same shape and zero_grad drops it", "[01_tensor]") {
    Tensor w = leaf({2, 2});
    w.set_grad(ones({2, 2}));
    CHECK(w.grad().defined());
    CHECK(w.grad().to_vector() == Floats(4, 1.f));
    w.mutable_grad().add_(1.f);
    CHECK(w.grad().to_vector() == Floats(4, 2.f));
    w.zero_grad();
    CHECK_FALSE(w.grad().defined());
    CHECK_THROWS_AS(w.set_grad(ones({4})), ShapeError);
    CHECK_THROWS_WITH(w.set_grad(ones({4})), Contains("[4]") && Contains("[2, 2]"));
    w.set_grad(Tensor());  // undefined clears it
    CHECK_FALSE(w.grad().defined());
}

TEST_CASE("a rule registry maps op names to backward rules", "[01_tensor][provided]") {
    using autograd::Node;
    autograd::BackwardRule rule = [](const Node&, const Tensor& g) { return std::vector<Tensor>{g}; };
    CHECK(autograd::register_rule("test_only_identity", rule));
    CHECK(autograd::find_rule("test_only_identity") == rule);
    CHECK_THROWS_AS(autograd::find_rule("no_such_op"), Error);
    CHECK_THROWS_WITH(autograd::find_rule("no_such_op"), Contains("no_such_op") && Contains("module 06"));
    autograd::rule_registry().erase("test_only_identity");
}

TEST_CASE("record attaches a node and marks the output as requiring grad", "[01_tensor]") {
    Tensor a = ones({2}), out = zeros({2});
    autograd::record(out, "custom", {a}, {out}, {7}, {0.5});
    REQUIRE(out.grad_fn() != nullptr);
    CHECK(out.requires_grad());
    CHECK(out.grad_fn()->name == "custom");
    CHECK(out.grad_fn()->ints == std::vector<int64_t>{7});
    CHECK(out.grad_fn()->scalars == std::vector<double>{0.5});
    CHECK(out.grad_fn()->saved[0].grad_fn() == nullptr);  // saved detached: no cycle
    CHECK_FALSE(out.grad_fn()->released);
    CHECK(autograd::wants_grad(out, a));
    CHECK_FALSE(autograd::wants_grad(a, Tensor()));
    CHECK(autograd::wants_grad_list({a, out}));
    CHECK_FALSE(autograd::wants_grad_list({a}));
}
