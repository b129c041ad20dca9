// tests/03_layers/test_sequential.cpp — nn::Sequential, nn::Functional, nn::Identity (lesson §5)
#include "support/catch.hpp"
#include "tinytorch/layers/layers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
// A functor that is not a Module, shaped like module 02's activation classes.
struct Doubler {
    Tensor forward(const Tensor& x) { return x * 2.0f; }
    Tensor operator()(const Tensor& x) { return forward(x); }
    std::string name() const { return "Doubler"; }
};
struct Shift {
    float by;
    Tensor forward(const Tensor& x) const { return x + by; }
};
}  // namespace

TEST_CASE("Sequential chains modules in order", "[03_layers]") {
    manual_seed(3);
    nn::Sequential net(nn::Linear(4, 3), [](const Tensor& x) { return x.clamp_min(0.0f); }, nn::Linear(3, 2));
    Tensor x = randn({5, 4});
    auto& fc1 = net.at<nn::Linear>(0);
    auto& fc2 = net.at<nn::Linear>(2);
    Tensor expected = fc2(fc1(x).clamp_min(0.0f));
    CHECK(judge::allclose(net(x), expected));
    CHECK(net.size() == 3);
}

TEST_CASE("Sequential in braces draws its layers' weights left to right with any compiler", "[03_layers]") {
    // the order PyTorch's nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2)) initialises them in
    manual_seed(31);
    nn::Linear first(4, 3), second(3, 2);
    manual_seed(31);
    nn::Sequential net{nn::Linear(4, 3), nn::Linear(3, 2)};
    CHECK(judge::equal(net.at<nn::Linear>(0).weight, first.weight));
    CHECK(judge::equal(net.at<nn::Linear>(1).weight, second.weight));
    CHECK(judge::equal(net.at<nn::Linear>(1).bias, second.bias));
}

TEST_CASE("Sequential names its children by position", "[03_layers]") {
    nn::Sequential net(nn::Linear(2, 3), Doubler(), nn::Linear(3, 1, false));
    std::vector<std::string> names;
    for (const auto& [name, p] : net.named_parameters()) names.push_back(name);
    CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "2.weight"});
    CHECK(net.named_children()[1].first == "1");
}

TEST_CASE("Sequential wraps functors that have forward in a Functional module", "[03_layers]") {
    nn::Sequential net(Doubler(), Shift{1.0f});
    CHECK(judge::allclose(net(Tensor({1.f, -2.f})), Tensor({3.f, -3.f})));
    CHECK(net[0]->name() == "Doubler");
    CHECK(net[1]->name() == "Functional");
    CHECK(dynamic_cast<nn::Functional*>(net[0].get()) != nullptr);
    CHECK(net.parameters().empty());
}

TEST_CASE("Sequential accepts the activation functors of module 02", "[03_layers]") {
    nn::Sequential net(nn::Linear(2, 2), nn::ReLU(), nn::Linear(2, 2), nn::Tanh());
    net.at<nn::Linear>(0).weight.copy_(Tensor({{1.f, 0.f}, {0.f, -1.f}}));
    net.at<nn::Linear>(0).bias.zero_();
    net.at<nn::Linear>(2).weight.copy_(Tensor({{1.f, 1.f}, {1.f, -1.f}}));
    net.at<nn::Linear>(2).bias.zero_();
    Tensor y = net(Tensor({{0.5f, 2.f}}));  // relu([0.5, -2]) = [0.5, 0] -> [0.5, 0.5] -> tanh
    CHECK(judge::allclose(y, Tensor({{std::tanh(0.5f), std::tanh(0.5f)}}), 1e-5f, 1e-6f));
    CHECK(net.to_string().find("(1): ReLU()") != std::string::npos);
    CHECK(net.to_string().find("(3): Tanh()") != std::string::npos);
}

TEST_CASE("Sequential accepts shared pointers and shares the module", "[03_layers]") {
    auto fc = std::make_shared<nn::Linear>(2, 2);
    nn::Sequential net;
    net.push_back(fc);
    net.push_back(nn::Identity());
    CHECK(net[0] == fc);
    CHECK(net.parameters()[0].is_same(fc->weight));
    Tensor x = Tensor({{1.f, 2.f}});
    CHECK(judge::allclose(net(x), (*fc)(x)));
}

TEST_CASE("Sequential indexing supports negative indices and at with the concrete type", "[03_layers]") {
    nn::Sequential net(nn::Linear(2, 3), nn::Dropout(0.1), nn::Linear(3, 4));
    CHECK(net[-1] == net[2]);
    CHECK(net.at<nn::Linear>(-1).out_features() == 4);
    CHECK(net.at<nn::Dropout>(1).p() == 0.1);
    size_t count = 0;
    for (const auto& m : net) count += m != nullptr;
    CHECK(count == 3);
}

TEST_CASE("Sequential index out of range throws an IndexError with the valid range", "[03_layers][provided]") {
    nn::Sequential net{nn::Identity(), nn::Identity()};
    CHECK_THROWS_AS(net[2], IndexError);
    CHECK_THROWS_WITH(net[-3], Contains("-3") && Contains("-2..1"));
}

TEST_CASE("Sequential at with the wrong type throws a ValueError naming both types", "[03_layers]") {
    nn::Sequential net(nn::Linear(2, 2));
    CHECK_THROWS_AS(net.at<nn::Dropout>(0), ValueError);
    CHECK_THROWS_WITH(net.at<nn::Dropout>(0), Contains("Linear") && Contains("Dropout"));
}

TEST_CASE("an empty Sequential returns its input", "[03_layers]") {
    nn::Sequential net;
    Tensor x = Tensor({1.f, 2.f});
    CHECK(net.empty());
    CHECK(net(x).is_same(x));
}

TEST_CASE("a null shared pointer is rejected by push_back", "[03_layers][provided]") {
    nn::Sequential net;
    CHECK_THROWS_AS(net.push_back(std::shared_ptr<nn::Linear>()), ValueError);
    CHECK_THROWS_WITH(net.push_back(std::shared_ptr<nn::Linear>()), Contains("null"));
}

TEST_CASE("Sequential prints its numbered children", "[03_layers]") {
    nn::Sequential net(nn::Linear(2, 3), Doubler(), nn::Dropout(0.5), [](const Tensor& x) { return x; });
    std::string expected =
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=true)\n"
        "  (1): Doubler()\n"
        "  (2): Dropout(p=0.5)\n"
        "  (3): Functional()\n"
        ")";
    CHECK(net.to_string() == expected);
}

TEST_CASE("Functional splits a name with arguments into name and extra_repr", "[03_layers][provided]") {
    nn::Functional f([](const Tensor& x) { return x; }, "Softmax(dim=1)");
    CHECK(f.name() == "Softmax");
    CHECK(f.to_string() == "Softmax(dim=1)");
    CHECK_THROWS_AS(nn::Functional(nn::Functional::Function()), ValueError);
}

TEST_CASE("Identity returns its input", "[03_layers]") {
    nn::Identity id;
    Tensor x = randn({3, 2});
    CHECK(id(x).is_same(x));
    CHECK(id.parameters().empty());
}

TEST_CASE("Sequential eval reaches the dropout inside it", "[03_layers]") {
    nn::Sequential net(nn::Dropout(0.9));
    Tensor x = ones({1000});
    net.eval();
    CHECK(judge::equal(net(x), x));
    net.train();
    CHECK(net(x).sum().item() != 1000.0f);
}
