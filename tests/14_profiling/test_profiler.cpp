// tests/14_profiling/test_profiler.cpp — what the profiler records: ops with their shapes,
// self and total times that add up, FLOPs by formula, bytes from the allocator, the module that
// ran each op, backward rules, user ranges. Times are checked for consistency, never for speed.
#include <stdexcept>
#include <thread>

#include "support/catch.hpp"
#include "tinytorch/autograd/autograd.hpp"            // backward (module 06, solved before 14)
#include "tinytorch/convolutions/convolutions.hpp"    // a CNN (module 09, solved before 14)
#include "tinytorch/profiling/profiling.hpp"
#include "helpers.hpp"

using namespace tinytorch;
using namespace tinytorch::profiler;
using namespace profiling_test;

TEST_CASE("the profiler records each op with its name kind and input shapes", "[14_profiling]") {
    Tensor a = ones({2, 3}), b = ones({3, 4});
    Profiler prof;
    Tensor c = a.matmul(b);
    Tensor d = c + 1.0f;
    prof.stop();
    const std::vector<Event>& ev = prof.events();
    auto mm = named(ev, "matmul");
    REQUIRE(mm.size() == 1);
    CHECK(mm[0]->kind == EventKind::op);
    CHECK(mm[0]->input_shapes == std::vector<Shape>{{2, 3}, {3, 4}});
    CHECK(mm[0]->flops == 2 * 2 * 4 * 3);
    CHECK(mm[0]->depth == 0);
    auto add = named(ev, "add_scalar");
    REQUIRE(add.size() == 1);
    CHECK(add[0]->input_shapes == std::vector<Shape>{{2, 4}});
    CHECK(add[0]->flops == 8);
    CHECK(add[0]->start_ns >= mm[0]->end_ns());  // one after the other
    CHECK(check_consistency(ev).empty());
}

TEST_CASE("self times never exceed totals and add up to the roots totals", "[14_profiling]") {
    auto net = small_mlp();
    Tensor x = randn({5, 4});
    Profiler prof;
    Tensor loss = (*net)(x).pow(2.0f).mean();
    loss.backward();
    prof.stop();
    const auto& ev = prof.events();
    REQUIRE(ev.size() > 10);
    CHECK(check_consistency(ev) == "");
    // mean = sum then mul_scalar: the children are nested inside it and its self time excludes them
    auto mean = named(ev, "mean");
    REQUIRE(mean.size() == 1);
    int64_t children = 0;
    for (const Event& e : ev)
        if (e.parent >= 0 && &ev[static_cast<size_t>(e.parent)] == mean[0]) children += e.duration_ns;
    CHECK(named(ev, "sum").size() >= 1);
    CHECK(mean[0]->self_ns == mean[0]->duration_ns - children);
}

TEST_CASE("ops are attributed to the module that ran them with dotted paths", "[14_profiling]") {
    auto net = small_mlp();
    Tensor x = randn({3, 4});
    Profiler prof;
    Tensor y = (*net)(x);
    prof.stop();
    const auto& ev = prof.events();
    const Event* root = module_event(ev, "Sequential");
    const Event* fc1 = module_event(ev, "Sequential.0");
    const Event* act = module_event(ev, "Sequential.1");
    const Event* fc2 = module_event(ev, "Sequential.2");
    REQUIRE(root);
    REQUIRE(fc1);
    REQUIRE(act);
    REQUIRE(fc2);
    CHECK(fc1->name == "nn.Module: Linear");
    CHECK(fc1->input_shapes == std::vector<Shape>{{3, 4}});
    CHECK(fc1->output_shape == Shape{3, 8});
    // Linear(4, 8) on 3 rows: the matmul 2·3·8·4 plus the bias add 3·8
    CHECK(fc1->flops == 2 * 3 * 8 * 4 + 3 * 8);
    CHECK(act->flops == 3 * 8);
    CHECK(fc2->flops == 2 * 3 * 2 * 8 + 3 * 2);
    CHECK(root->flops == fc1->flops + act->flops + fc2->flops);
    auto mm = named(ev, "matmul");
    REQUIRE(mm.size() == 2);
    CHECK(mm[0]->module == "Sequential.0");
    CHECK(mm[1]->module == "Sequential.2");
    CHECK(&ev[static_cast<size_t>(mm[0]->parent)] == fc1);
}

TEST_CASE("backward rules are recorded under the backward pass and attributed to the forward module", "[14_profiling]") {
    auto net = small_mlp();
    Tensor x = randn({3, 4});
    Profiler prof;
    Tensor loss = (*net)(x).sum();
    loss.backward();
    prof.stop();
    const auto& ev = prof.events();
    auto pass = named(ev, "backward");
    REQUIRE(pass.size() == 1);
    CHECK(pass[0]->kind == EventKind::user);
    auto mmb = named(ev, "matmul_backward");
    REQUIRE(mmb.size() == 2);
    for (const Event* e : mmb) {
        CHECK(e->kind == EventKind::backward);
        CHECK(e->depth >= 1);
        CHECK(ev[static_cast<size_t>(e->parent)].name == "backward");
    }
    // the first Linear's input needs no gradient: only its weight's, one product 2·3·8·4 ...
    const Event* first = mmb[0]->module == "Sequential.0" ? mmb[0] : mmb[1];
    const Event* second = first == mmb[0] ? mmb[1] : mmb[0];
    CHECK(first->module == "Sequential.0");
    CHECK(first->flops == 2 * 3 * 8 * 4);
    // ... the second Linear's rule computes both operands' gradients: 2 · (2·3·2·8)
    CHECK(second->module == "Sequential.2");
    CHECK(second->flops == 2 * (2 * 3 * 2 * 8));
    CHECK(first->input_shapes.front() == Shape{3, 8});  // the output gradient comes first
    CHECK(check_consistency(ev).empty());
}

TEST_CASE("bytes allocated per op come from the allocator", "[14_profiling]") {
    Tensor a = ones({1000}), b = ones({1000});
    Profiler prof;
    Tensor c = a + b;        // one new storage of 1000 floats: 4000 bytes, 4032 in 64-byte lines
    Tensor v = c.view({10, 100});  // a view allocates nothing
    prof.stop();
    const auto& ev = prof.events();
    REQUIRE(named(ev, "add").size() == 1);
    CHECK(named(ev, "add")[0]->bytes_allocated == static_cast<int64_t>(c.storage()->allocated_bytes()));
    CHECK(named(ev, "add")[0]->bytes_allocated == 4032);
    REQUIRE(named(ev, "view").size() == 1);
    CHECK(named(ev, "view")[0]->bytes_allocated == 0);
}

TEST_CASE("user ranges contain the ops inside them", "[14_profiling]") {
    Tensor a = ones({4});
    Profiler prof;
    {
        RecordFunction step("my step");
        Tensor b = a * 2.0f;
        Tensor c = b.exp();
    }
    Tensor after = a.neg();
    prof.stop();
    const auto& ev = prof.events();
    auto step = named(ev, "my step");
    REQUIRE(step.size() == 1);
    CHECK(step[0]->kind == EventKind::user);
    CHECK(step[0]->flops == 8);  // mul_scalar 4 + exp 4
    for (const char* inside : {"mul_scalar", "exp"}) {
        REQUIRE(named(ev, inside).size() == 1);
        CHECK(ev[static_cast<size_t>(named(ev, inside)[0]->parent)].name == "my step");
    }
    REQUIRE(named(ev, "neg").size() == 1);
    CHECK(named(ev, "neg")[0]->parent == -1);
}

TEST_CASE("only one profiler runs at a time and none leaves a hook behind", "[14_profiling][provided]") {
    CHECK(scope_observer() == nullptr);
    {
        Profiler first;
        CHECK(scope_observer() != nullptr);
        CHECK_THROWS_AS(Profiler(), ValueError);
        CHECK_THROWS_WITH(Profiler(), Contains("already active"));
    }
    CHECK(scope_observer() == nullptr);
    Profiler again;  // a new one may start once the first has stopped
    CHECK(again.is_active());
}

TEST_CASE("stop closes open scopes and records nothing afterwards", "[14_profiling]") {
    Tensor a = ones({3});
    Profiler prof;
    {
        RecordFunction outer("outer");
        Tensor b = a + a;
        prof.stop();   // 'outer' is still open: it is closed now
        Tensor c = a * a;  // not recorded
    }
    const auto& ev = prof.events();
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].name == "outer");
    CHECK(ev[1].name == "add");
    CHECK(ev[1].parent == 0);
    CHECK(check_consistency(ev).empty());
    CHECK_FALSE(prof.is_active());
}

TEST_CASE("an op that throws still closes its scope", "[14_profiling]") {
    Profiler prof;
    CHECK_THROWS_AS(zeros({2, 3}).matmul(zeros({4, 5})), ShapeError);
    Tensor ok = ones({2}) + ones({2});
    prof.stop();
    const auto& ev = prof.events();
    auto mm = named(ev, "matmul");
    REQUIRE(mm.size() == 1);
    CHECK(mm[0]->depth == 0);
    REQUIRE(named(ev, "add").size() == 1);
    CHECK(named(ev, "add")[0]->depth == 0);  // the stack was unwound
    CHECK(check_consistency(ev).empty());
}

TEST_CASE("ops run on another thread are not recorded", "[14_profiling]") {
    Profiler prof;
    std::thread other([] { Tensor t = ones({3}) * 2.0f; });
    other.join();
    Tensor mine = ones({3}).exp();
    prof.stop();
    const auto& ev = prof.events();
    CHECK(named(ev, "mul_scalar").empty());
    CHECK(named(ev, "exp").size() == 1);
}

TEST_CASE("a CNN with batch norm and pooling is profiled forward and backward", "[14_profiling]") {
    // the original TinyTorch's profiler crashed on the first convolution
    manual_seed(3);
    nn::Sequential net(std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 4, 3).padding(1)),
                       std::make_shared<nn::BatchNorm2d>(4), nn::ReLU(), nn::MaxPool2d(2),
                       std::make_shared<nn::Conv2d>(nn::Conv2dOptions(4, 6, 3).stride(2)), nn::AvgPool2d(1),
                       nn::Flatten(), std::make_shared<nn::Linear>(6, 3));
    Tensor x = randn({2, 1, 8, 8});
    Profiler prof;
    Tensor loss = net(x).sum();
    loss.backward();
    prof.stop();
    const auto& ev = prof.events();
    CHECK(check_consistency(ev).empty());
    auto conv = named(ev, "conv2d");
    REQUIRE(conv.size() == 2);
    // conv 1: out [2, 4, 8, 8] = 512 values of 9 taps, plus bias
    CHECK(conv[0]->output_shape == Shape{2, 4, 8, 8});
    CHECK(conv[0]->flops == 2 * 512 * 9 + 512);
    // conv 2: stride 2, no padding: 4x4 -> 1x1... input 4x4 (after pooling), 3x3 kernel, stride 2 -> 1x1
    CHECK(conv[1]->output_shape == Shape{2, 6, 1, 1});
    CHECK(conv[1]->flops == 2 * 12 * 36 + 12);
    auto pool = named(ev, "max_pool2d");
    REQUIRE(pool.size() == 1);
    CHECK(pool[0]->flops == 2 * 4 * 4 * 4 * 4);  // [2, 4, 4, 4] outputs of 2x2 windows
    auto bn = named(ev, "batch_norm2d");
    REQUIRE(bn.size() == 1);
    CHECK(bn[0]->flops == 6 * 512);  // training mode: statistics + normalise
    // the backward pass ran both convolutions' rules; the first's input needs no gradient
    auto convb = named(ev, "conv2d_backward");
    REQUIRE(convb.size() == 2);
    const Event* first = convb[0]->module == "Sequential.0" ? convb[0] : convb[1];
    CHECK(first->flops == 2 * 512 * 9 + 512);  // weight gradient + bias gradient
    CHECK(named(ev, "max_pool2d_backward").size() == 1);
    CHECK(named(ev, "batch_norm2d_backward").size() == 1);
}
