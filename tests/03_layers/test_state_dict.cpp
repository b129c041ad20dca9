// tests/03_layers/test_state_dict.cpp — StateDict, Module::state_dict and load_state_dict (lesson §7)
#include "support/catch.hpp"
#include "tinytorch/layers/layers.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace {
struct Net : nn::Module {
    std::shared_ptr<nn::Linear> fc1;
    std::shared_ptr<nn::Sequential> head;
    Net() {
        fc1 = register_module("fc1", std::make_shared<nn::Linear>(3, 4));
        register_buffer("running", zeros({4}));
        head = register_module("head", std::make_shared<nn::Sequential>(nn::Dropout(0.1), nn::Linear(4, 2)));
    }
    Tensor forward(const Tensor& x) override { return head->forward(fc1->forward(x)); }
};
}  // namespace

// StateDict is ready-made: [provided], on tensors built by judge::tensor.
TEST_CASE("StateDict keeps insertion order and rejects duplicate keys", "[03_layers][provided]") {
    auto filled = [](int64_t n) { return judge::tensor(std::vector<float>(static_cast<size_t>(n), 1.f), {n}); };
    StateDict d{{"b", filled(1)}, {"a", filled(2)}};
    d.insert("c", filled(3));
    CHECK(d.keys() == std::vector<std::string>{"b", "a", "c"});
    CHECK(d.size() == 3);
    CHECK(d.contains("a"));
    CHECK(d.at("c").numel() == 3);
    CHECK_THROWS_AS(d.insert("a", filled(1)), ValueError);
    d.insert_or_assign("a", filled(5));
    CHECK(d.at("a").numel() == 5);
    CHECK(d.keys()[1] == "a");
    CHECK(d.erase("b"));
    CHECK_FALSE(d.erase("b"));
    CHECK(d.keys() == std::vector<std::string>{"a", "c"});
    CHECK(d.at("c").numel() == 3);
}

TEST_CASE("StateDict at names the missing key and what exists", "[03_layers][provided]") {
    StateDict d{{"weight", judge::tensor({1.f}, {1})}};
    CHECK(d.find("bias") == nullptr);
    CHECK_THROWS_AS(d.at("bias"), IndexError);
    CHECK_THROWS_WITH(d.at("bias"), Contains("'bias'") && Contains("weight"));
}

TEST_CASE("state_dict holds parameters and buffers under dotted names in order", "[03_layers]") {
    Net net;
    StateDict sd = net.state_dict();
    CHECK(sd.keys() == std::vector<std::string>{"running", "fc1.weight", "fc1.bias", "head.1.weight", "head.1.bias"});
    CHECK(judge::equal(sd.at("fc1.weight"), net.fc1->weight));
}

TEST_CASE("state_dict tensors share storage with the model and carry no graph", "[03_layers]") {
    Net net;
    StateDict sd = net.state_dict();
    CHECK(sd.at("fc1.weight").shares_storage_with(net.fc1->weight));
    CHECK_FALSE(sd.at("fc1.weight").requires_grad());
    net.fc1->weight.fill_(3.0f);
    CHECK(sd.at("fc1.weight").at({0, 0}) == 3.0f);
}

TEST_CASE("load_state_dict round trip reproduces the same outputs", "[03_layers]") {
    manual_seed(1);
    Net a;
    manual_seed(2);
    Net b;
    a.eval();
    b.eval();
    a.named_buffers()[0].second.fill_(0.5f);
    Tensor x = randn({5, 3});
    CHECK_FALSE(judge::allclose(a(x), b(x)));
    // a real save: copies, so that changing `a` afterwards cannot leak into `b`
    StateDict saved;
    for (const auto& [key, t] : a.state_dict()) saved.insert(key, t.clone());
    nn::LoadResult r = b.load_state_dict(saved);
    CHECK(r.missing_keys.empty());
    CHECK(r.unexpected_keys.empty());
    CHECK(judge::equal(a(x), b(x)));
    CHECK(judge::equal(b.named_buffers()[0].second, full({4}, 0.5f)));
}

TEST_CASE("load_state_dict copies values in place so parameter handles stay valid", "[03_layers]") {
    Net net;
    std::vector<Tensor> held = net.parameters();  // what an optimizer keeps
    StateDict sd;
    for (const auto& [key, t] : net.state_dict()) sd.insert(key, full(t.shape(), 7.0f));
    net.load_state_dict(sd);
    CHECK(held[0].is_same(net.fc1->weight));
    CHECK(judge::equal(held[0], full({4, 3}, 7.0f)));
    CHECK(net.fc1->weight.requires_grad());
}

TEST_CASE("strict load_state_dict lists missing and unexpected keys in one ValueError", "[03_layers]") {
    Net net;
    StateDict sd = net.state_dict();
    sd.erase("fc1.bias");
    sd.erase("running");
    sd.insert("fc2.weight", zeros({2, 2}));
    CHECK_THROWS_AS(net.load_state_dict(sd), ValueError);
    CHECK_THROWS_WITH(net.load_state_dict(sd), Contains("missing keys [running, fc1.bias]") &&
                                                   Contains("unexpected keys [fc2.weight]") && Contains("hint"));
}

TEST_CASE("load_state_dict reports shape mismatches as a ShapeError naming both shapes", "[03_layers]") {
    Net net;
    StateDict sd;
    for (const auto& [key, t] : net.state_dict()) sd.insert(key, t.clone());
    sd.insert_or_assign("fc1.weight", zeros({3, 4}));
    CHECK_THROWS_AS(net.load_state_dict(sd), ShapeError);
    CHECK_THROWS_WITH(net.load_state_dict(sd), Contains("fc1.weight") && Contains("[4, 3]") && Contains("[3, 4]"));
    CHECK_THROWS_AS(net.load_state_dict(sd, false), ShapeError);  // even when not strict
}

TEST_CASE("a failed load_state_dict leaves the model unchanged", "[03_layers]") {
    Net net;
    Tensor before = net.fc1->weight.clone();
    StateDict sd;
    for (const auto& [key, t] : net.state_dict()) sd.insert(key, full(t.shape(), 9.0f));
    sd.insert_or_assign("head.1.bias", zeros({5}));
    CHECK_THROWS(net.load_state_dict(sd));
    CHECK(judge::equal(net.fc1->weight, before));
}

TEST_CASE("non strict load_state_dict loads the shared keys and returns the others", "[03_layers]") {
    Net net;
    StateDict sd{{"fc1.weight", ones({4, 3})}, {"extra", zeros({1})}};
    nn::LoadResult r = net.load_state_dict(sd, false);
    CHECK(judge::equal(net.fc1->weight, ones({4, 3})));
    CHECK(r.unexpected_keys == std::vector<std::string>{"extra"});
    CHECK(r.missing_keys == std::vector<std::string>{"running", "fc1.bias", "head.1.weight", "head.1.bias"});
}

TEST_CASE("a model loads its own state_dict without change", "[03_layers]") {
    Net net;
    Tensor before = net.head->at<nn::Linear>(1).weight.clone();
    net.load_state_dict(net.state_dict());
    CHECK(judge::equal(net.head->at<nn::Linear>(1).weight, before));
}
