// tests/03_layers/test_module.cpp — nn::Module: registration, traversal, modes, printing (lesson §1, §2)
#include "support/catch.hpp"
#include "tinytorch/layers/layers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {

// A two-layer model written the way the lesson teaches.
struct TinyNet : nn::Module {
    std::shared_ptr<nn::Linear> fc1, fc2;
    Tensor scale;
    TinyNet() {
        scale = register_parameter("scale", ones({1}));
        fc1 = register_module("fc1", std::make_shared<nn::Linear>(3, 4));
        fc2 = register_module("fc2", std::make_shared<nn::Linear>(4, 2));
        register_buffer("steps", zeros({1}));
    }
    Tensor forward(const Tensor& x) override { return fc2->forward(fc1->forward(x)) * scale; }
};

struct NoForward : nn::Module {};

std::vector<std::string> names_of(const nn::NamedTensors& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item.first);
    return out;
}

}  // namespace

TEST_CASE("register_parameter makes a leaf that requires grad and returns its handle", "[03_layers]") {
    nn::Module m;
    Tensor w = Tensor({1.f, 2.f});
    Tensor p = m.register_parameter("w", w);
    CHECK(p.is_same(w));
    CHECK(p.requires_grad());
    CHECK(p.is_leaf());
    REQUIRE(m.parameters().size() == 1);
    CHECK(m.parameters()[0].is_same(w));
}

TEST_CASE("register_parameter detaches a computed tensor into a new leaf sharing its storage", "[03_layers]") {
    Tensor a = Tensor({1.f, 2.f}).requires_grad_();
    Tensor b = a * 2.0f;  // has a grad_fn
    nn::Module m;
    Tensor p = m.register_parameter("b", b);
    CHECK(p.is_leaf());
    CHECK(p.requires_grad());
    CHECK(p.shares_storage_with(b));
    CHECK(judge::equal(p, Tensor({2.f, 4.f})));
}

TEST_CASE("register_parameter with requires_grad false keeps the parameter frozen", "[03_layers]") {
    nn::Module m;
    Tensor p = m.register_parameter("frozen", zeros({2}), false);
    CHECK_FALSE(p.requires_grad());
    CHECK(m.parameters().size() == 1);
}

TEST_CASE("named_parameters lists own parameters first then children with dotted names", "[03_layers]") {
    TinyNet net;
    CHECK(names_of(net.named_parameters()) ==
          std::vector<std::string>{"scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"});
    CHECK(names_of(net.named_parameters(false)) == std::vector<std::string>{"scale"});
    CHECK(net.parameters().size() == 5);
    CHECK(net.parameters(false).size() == 1);
}

TEST_CASE("parameters returns handles that share storage with the model", "[03_layers]") {
    TinyNet net;
    std::vector<Tensor> params = net.parameters();
    CHECK(params[1].is_same(net.fc1->weight));
    params[1].fill_(0.5f);  // what an optimizer does
    CHECK(net.fc1->weight.at({2, 1}) == 0.5f);
}

TEST_CASE("a parameter shared by two modules is listed once", "[03_layers]") {
    nn::Module m;
    auto a = m.register_module("a", std::make_shared<nn::Linear>(2, 2));
    auto b = m.register_module("b", std::make_shared<nn::Linear>(2, 2, false));
    auto shared = m.register_module("c", a);  // the same module under a second name
    CHECK(shared == a);
    CHECK(names_of(m.named_parameters()) == std::vector<std::string>{"a.weight", "a.bias", "b.weight"});
    CHECK(m.named_modules().size() == 3);  // m, a, b: the shared child once
}

TEST_CASE("register_buffer keeps a tensor out of parameters and never requires grad", "[03_layers]") {
    TinyNet net;
    CHECK(names_of(net.named_buffers()) == std::vector<std::string>{"steps"});
    CHECK(net.buffers().size() == 1);
    CHECK_FALSE(net.buffers()[0].requires_grad());
    for (const auto& [name, p] : net.named_parameters()) CHECK(name != "steps");
    nn::Module m;
    Tensor b = m.register_buffer("stats", ones({3}).requires_grad_());
    CHECK_FALSE(b.requires_grad());
}

TEST_CASE("registering a duplicate name throws a ValueError naming it", "[03_layers]") {
    nn::Module m;
    m.register_parameter("w", zeros({1}));
    CHECK_THROWS_AS(m.register_parameter("w", zeros({1})), ValueError);
    CHECK_THROWS_WITH(m.register_buffer("w", zeros({1})), Contains("'w'") && Contains("unique"));
    CHECK_THROWS_AS(m.register_module("w", std::make_shared<nn::Identity>()), ValueError);
}

// The name checks are ready-made (they run before the student's register_parameter body):
// [provided], on a tensor built by judge::tensor.
TEST_CASE("names that are empty or contain a dot are rejected with a hint", "[03_layers][provided]") {
    nn::Module m;
    const Tensor one = judge::tensor({0.f}, {1});
    CHECK_THROWS_AS(m.register_parameter("fc.weight", one), ValueError);
    CHECK_THROWS_WITH(m.register_parameter("fc.weight", one), Contains("dot") && Contains("hint"));
    CHECK_THROWS_WITH(m.register_buffer("", one), Contains("empty"));
}

TEST_CASE("registering an undefined tensor or a null module throws a ValueError", "[03_layers][provided]") {
    nn::Module m;
    CHECK_THROWS_AS(m.register_parameter("w", Tensor()), ValueError);
    CHECK_THROWS_WITH(m.register_parameter("w", Tensor()), Contains("undefined"));
    CHECK_THROWS_AS(m.register_buffer("b", Tensor()), ValueError);
    CHECK_THROWS_AS(m.register_module("fc", std::shared_ptr<nn::Linear>()), ValueError);
    CHECK_THROWS_WITH(m.register_module("fc", std::shared_ptr<nn::Linear>()), Contains("null"));
}

TEST_CASE("children and named_children follow registration order", "[03_layers]") {
    TinyNet net;
    auto named = net.named_children();
    REQUIRE(named.size() == 2);
    CHECK(named[0].first == "fc1");
    CHECK(named[1].first == "fc2");
    CHECK(net.children()[1] == net.fc2);
}

TEST_CASE("named_modules lists the module itself then every descendant depth first", "[03_layers]") {
    nn::Module root;
    auto inner = root.register_module("block", std::make_shared<nn::Sequential>(nn::Linear(2, 2), nn::Identity()));
    root.register_module("head", std::make_shared<nn::Linear>(2, 1));
    std::vector<std::string> names;
    for (const auto& [name, module] : root.named_modules()) names.push_back(name);
    CHECK(names == std::vector<std::string>{"", "block", "block.0", "block.1", "head"});
    CHECK(root.named_modules()[1].second == inner.get());
}

TEST_CASE("apply visits every module children before parents", "[03_layers]") {
    TinyNet net;
    std::vector<std::string> visited;
    net.apply([&](nn::Module& m) { visited.push_back(m.name()); });
    CHECK(visited == std::vector<std::string>{"Linear", "Linear", "TinyNet"});
    net.apply([](nn::Module& m) {
        if (auto* fc = dynamic_cast<nn::Linear*>(&m)) nn::init::zeros_(fc->weight);
    });
    CHECK(net.fc1->weight.abs().sum().item() == 0.0f);
    CHECK(net.fc2->weight.abs().sum().item() == 0.0f);
}

TEST_CASE("train and eval switch every descendant", "[03_layers]") {
    nn::Module root;
    auto seq = root.register_module("seq", std::make_shared<nn::Sequential>(nn::Linear(2, 2), nn::Dropout(0.5)));
    CHECK(root.is_training());
    root.eval();
    CHECK_FALSE(root.is_training());
    CHECK_FALSE(seq->is_training());
    CHECK_FALSE((*seq)[1]->is_training());
    root.train();
    CHECK((*seq)[1]->is_training());
    root.train(false);
    CHECK_FALSE((*seq)[0]->is_training());
}

TEST_CASE("zero_grad leaves every parameter gradient undefined", "[03_layers]") {
    TinyNet net;
    for (Tensor& p : net.parameters()) p.set_grad(ones_like(p));
    CHECK(net.fc2->bias.grad().defined());
    net.zero_grad();
    for (const Tensor& p : net.parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("a module without forward throws an error naming the module", "[03_layers][provided]") {
    NoForward m;
    const Tensor one = judge::tensor({0.f}, {1});
    CHECK_THROWS_AS(m(one), Error);
    CHECK_THROWS_WITH(m.forward(one), Contains("NoForward") && Contains("override"));
}

TEST_CASE("a user module runs forward through operator call", "[03_layers]") {
    TinyNet net;
    net.scale.fill_(2.0f);
    Tensor x = Tensor({{1.f, -1.f, 0.5f}});
    Tensor expected = net.fc2->forward(net.fc1->forward(x)) * 2.0f;
    CHECK(judge::allclose(net(x), expected));
}

TEST_CASE("name defaults to the class name without namespaces", "[03_layers]") {
    CHECK(nn::Linear(1, 1).name() == "Linear");
    CHECK(nn::Dropout().name() == "Dropout");
    CHECK(TinyNet().name() == "TinyNet");
    CHECK(nn::Module("Custom").name() == "Custom");
}

TEST_CASE("to_string prints the module tree like PyTorch", "[03_layers]") {
    TinyNet net;
    std::string expected =
        "TinyNet(\n"
        "  (fc1): Linear(in_features=3, out_features=4, bias=true)\n"
        "  (fc2): Linear(in_features=4, out_features=2, bias=true)\n"
        ")";
    CHECK(net.to_string() == expected);
    std::ostringstream out;
    out << nn::Dropout(0.25);
    CHECK(out.str() == "Dropout(p=0.25)");
}

TEST_CASE("to_string indents nested containers", "[03_layers]") {
    nn::Module root("Model");
    root.register_module("body", std::make_shared<nn::Sequential>(nn::Linear(2, 3, false), nn::Identity()));
    std::string expected =
        "Model(\n"
        "  (body): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=3, bias=false)\n"
        "    (1): Identity()\n"
        "  )\n"
        ")";
    CHECK(root.to_string() == expected);
}

TEST_CASE("modules can be moved and keep their parameters", "[03_layers]") {
    nn::Linear a(3, 2);
    Tensor w = a.weight;
    nn::Linear b(std::move(a));
    CHECK(b.weight.is_same(w));
    REQUIRE(b.parameters().size() == 2);
    CHECK(b.parameters()[0].is_same(w));
}
