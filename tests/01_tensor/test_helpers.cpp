// tests/01_tensor/test_helpers.cpp — lesson §9 (comparing tensors, the error types) and threads.
// The first tests check the students' own comparison helpers (tinytorch::allclose & co., which
// the course's tests never judge with; see tests/support/judge.hpp), so they call them by name.
// judge-lint: tests the students' own helpers
#include <atomic>
#include <cmath>
#include <limits>
#include <sys/wait.h>
#include <unistd.h>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

TEST_CASE("allclose accepts differences within atol plus rtol times the reference", "[01_tensor]") {
    Tensor a({1.f, 100.f}), b({1.f + 5e-6f, 100.f + 5e-4f});
    CHECK(tinytorch::allclose(a, a));
    CHECK(tinytorch::allclose(a, b, 1e-5f, 1e-5f));
    CHECK_FALSE(tinytorch::allclose(a, b, 1e-7f, 1e-7f));
    CHECK(tinytorch::allclose(Tensor({0.f}), Tensor({1e-9f})));  // default atol 1e-8
    CHECK_FALSE(tinytorch::allclose(Tensor({0.f}), Tensor({1e-6f})));
    CHECK(tinytorch::allclose(Tensor({0.f}), Tensor({1e-6f}), 0.f, 1e-5f));
    CHECK(tinytorch::allclose(a.unsqueeze(0).t().t(), a.unsqueeze(0)));
    CHECK(tinytorch::allclose(arange(6.f).reshape({2, 3}).t(), Tensor({{0.f, 3.f}, {1.f, 4.f}, {2.f, 5.f}})));
}

TEST_CASE("allclose is false for different shapes or undefined tensors", "[01_tensor]") {
    CHECK_FALSE(tinytorch::allclose(zeros({2, 3}), zeros({3, 2})));
    CHECK_FALSE(tinytorch::allclose(zeros({6}), zeros({2, 3})));
    CHECK_FALSE(tinytorch::allclose(Tensor(), zeros({1})));
    CHECK_FALSE(tinytorch::allclose(zeros({1}), Tensor()));
}

TEST_CASE("allclose treats nan as unequal unless asked and equal infinities as equal", "[01_tensor]") {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    Tensor n({1.f, nan});
    CHECK_FALSE(tinytorch::allclose(n, n));
    CHECK(tinytorch::allclose(n, n, 1e-5f, 1e-8f, true));
    CHECK_FALSE(tinytorch::allclose(Tensor({nan}), Tensor({1.f}), 1e-5f, 1e-8f, true));
    CHECK(tinytorch::allclose(Tensor({inf, -inf}), Tensor({inf, -inf})));
    CHECK_FALSE(tinytorch::allclose(Tensor({inf}), Tensor({-inf})));
    CHECK_FALSE(tinytorch::allclose(Tensor({inf}), Tensor({1e30f})));
    CHECK_FALSE(tinytorch::allclose(Tensor({1e30f}), Tensor({inf})));  // rtol times inf must not swallow the gap
}

TEST_CASE("equal needs the same shape and exactly the same values", "[01_tensor]") {
    CHECK(tinytorch::equal(arange(3.f), Tensor({0.f, 1.f, 2.f})));
    CHECK_FALSE(tinytorch::equal(arange(3.f), Tensor({0.f, 1.f, 2.0001f})));
    CHECK_FALSE(tinytorch::equal(arange(4.f), arange(4.f).reshape({2, 2})));
    CHECK(tinytorch::equal(arange(4.f).reshape({2, 2}).t(), Tensor({{0.f, 2.f}, {1.f, 3.f}})));
    CHECK_FALSE(tinytorch::equal(Tensor(), Tensor()));
}

TEST_CASE("max_abs_diff gives the largest absolute difference", "[01_tensor]") {
    CHECK(tinytorch::max_abs_diff(Tensor({1.f, 2.f, 3.f}), Tensor({1.5f, 0.f, 3.f})) == 2.f);
    CHECK(tinytorch::max_abs_diff(zeros({2, 2}), zeros({2, 2})) == 0.f);
    CHECK(tinytorch::max_abs_diff(zeros({0}), zeros({0})) == 0.f);
    Tensor m = arange(4.f).reshape({2, 2});
    CHECK(tinytorch::max_abs_diff(m.t(), m) == 1.f);
}

TEST_CASE("max_abs_diff reports nan instead of hiding it", "[01_tensor]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(std::isnan(tinytorch::max_abs_diff(Tensor({nan, 1.f}), Tensor({0.f, 1.f}))));
    CHECK(std::isnan(tinytorch::max_abs_diff(Tensor({5.f, 1.f}), Tensor({0.f, nan}))));
}

TEST_CASE("every error type derives from tinytorch Error", "[01_tensor][provided]") {
    // only the error classes themselves: a provided test must not call a function a student
    // writes (a stub's NotImplemented is an Error too, so it would pass for the wrong reason)
    CHECK_THROWS_AS(throw ShapeError("matmul: [2] @ [3]"), Error);
    CHECK_THROWS_AS(throw IndexError("select: index 5 is out of range"), Error);
    CHECK_THROWS_AS(throw ValueError("item: 2 elements"), Error);
    CHECK_THROWS_AS(throw DataError("data: missing file"), Error);
    // a function no stub has: the release check's stub trap ends a provided test that reaches a real stub
    CHECK_THROWS_AS(throw NotImplemented("01_tensor", "Example::function", "§8"), Error);
    CHECK_THROWS_AS(throw ValueError("item: 2 elements"), std::runtime_error);
    CHECK_THROWS_WITH(throw ShapeError("matmul: [2] @ [3]"), "matmul: [2] @ [3]");
    Error e("x");
    CHECK(std::string(e.what()) == "x");
}

TEST_CASE("NotImplemented names the module the function and the lesson section", "[01_tensor][provided]") {
    NotImplemented e("01_tensor", "Tensor::sum", "§8");
    CHECK(e.module() == "01_tensor");
    CHECK(e.function() == "Tensor::sum");
    CHECK(e.section() == "§8");
    std::string what = e.what();
    CHECK(what.find("Tensor::sum") != std::string::npos);
    CHECK(what.find("modules/01_tensor/README.md §8") != std::string::npos);
    // a function no real stub has (the release check's stub trap ends a provided test that reaches one)
    auto stub = [] { TINYTORCH_TODO("01_tensor", "Example::matmul", "§7"); };
    CHECK_THROWS_AS(stub(), NotImplemented);
    CHECK_THROWS_WITH(stub(), Contains("Example::matmul") && Contains("§7") && Contains("01_tensor"));
    // the message names the file (and line) to write in
    CHECK_THROWS_WITH(stub(), Contains("test_helpers.cpp:"));
    NotImplemented at("01_tensor", "contiguous_strides", "§2", "/home/me/tt/include/tinytorch/tensor/shape.hpp", 38);
    CHECK(std::string(at.what()).find("fill in its body in include/tinytorch/tensor/shape.hpp:38") != std::string::npos);
}

TEST_CASE("fmt concatenates anything printable", "[01_tensor][provided]") {
    CHECK(fmt("got ", 3, " dims and ", 2.5, ' ', std::string("ok")) == "got 3 dims and 2.5 ok");
}

TEST_CASE("set_num_threads limits the threads kernels use", "[01_tensor]") {
    const int before = get_num_threads();
    CHECK(before >= 1);
    set_num_threads(1);
    CHECK(get_num_threads() == 1);
    manual_seed(8);
    Tensor a = randn({200, 400});
    Tensor one_thread = (a * 2.f).sum(1);
    set_num_threads(before);
    CHECK(get_num_threads() == before);
    CHECK(judge::allclose((a * 2.f).sum(1), one_thread));  // same numbers with any thread count
    set_num_threads(0);  // clamped to at least one thread
    CHECK(get_num_threads() == 1);
    set_num_threads(before);
}

TEST_CASE("parallel_for covers the range exactly once in chunks", "[01_tensor][provided]") {
    std::vector<int> hits(100000, 0);
    detail::parallel_for(int64_t(hits.size()), [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) hits[size_t(i)] += 1;
    });
    int wrong = 0;
    for (int h : hits) wrong += h != 1;
    CHECK(wrong == 0);
    int calls = 0;
    detail::parallel_for(0, [&](int64_t, int64_t) { ++calls; });
    CHECK(calls == 0);
}

TEST_CASE("parallel_for with two threads runs chunks on the worker pool and nests serially", "[01_tensor][provided]") {
    const int before = get_num_threads();
    set_num_threads(2);
    const int chunks = get_num_threads();  // 1 in a build without OpenMP: everything on this thread
    for (int round = 0; round < 200; ++round) {  // many short jobs: workers wake, claim, sleep
        std::vector<int> hits(70000 + round, 0);
        std::atomic<int> nested_serial{0};
        detail::parallel_for(int64_t(hits.size()), [&](int64_t lo, int64_t hi) {
            for (int64_t i = lo; i < hi; ++i) hits[size_t(i)] += 1;
            int calls = 0;  // a loop inside a chunk runs on this thread, in one call
            detail::parallel_for(int64_t(1) << 20, [&](int64_t, int64_t) { ++calls; });
            if (calls == 1) nested_serial += 1;
        });
        int wrong = 0;
        for (int h : hits) wrong += h != 1;
        REQUIRE(wrong == 0);
        REQUIRE(nested_serial.load() == chunks);
    }
    set_num_threads(before);
}

TEST_CASE("an exception thrown in a parallel chunk reaches the caller after every chunk ends", "[01_tensor][provided]") {
    const int before = get_num_threads();
    set_num_threads(2);
    const int chunks = get_num_threads();  // 1 in a build without OpenMP
    std::atomic<int> finished{0};
    CHECK_THROWS_WITH(detail::parallel_for(int64_t(1) << 17,
                                           [&](int64_t lo, int64_t) {
                                               if (lo == 0) throw ValueError("chunk failed");
                                               finished += 1;
                                           }),
                      Catch::Matchers::Contains("chunk failed"));
    CHECK(finished.load() == chunks - 1);
    std::atomic<int> calls{0};  // and the pool still works afterwards (atomic: chunks run on two threads)
    detail::parallel_for(int64_t(1) << 17, [&](int64_t, int64_t) { calls += 1; });
    CHECK(calls.load() == chunks);
    set_num_threads(before);
}

TEST_CASE("coalesce_dims merges dims that are contiguous for every operand", "[01_tensor][provided]") {
    Shape shape{2, 3, 4};
    std::array<Shape, 2> strides{Shape{12, 4, 1}, Shape{12, 4, 1}};
    detail::coalesce_dims<2>(shape, strides);
    CHECK(shape == Shape{24});
    CHECK(strides[0] == Shape{1});
    Shape s2{2, 1, 3};
    std::array<Shape, 2> st2{Shape{3, 3, 1}, Shape{1, 7, 2}};  // second operand is transposed-like
    detail::coalesce_dims<2>(s2, st2);
    CHECK(s2 == Shape{2, 3});
    CHECK(st2[1] == Shape{1, 2});
    CHECK(detail::broadcast_strides({3, 1}, {1, 1}, {2, 3, 4}) == Shape{0, 1, 0});
}

TEST_CASE("a child forked after a parallel loop gets a pool of its own and its loops finish", "[01_tensor][provided]") {
    const int before = get_num_threads();
    set_num_threads(2);
    if (get_num_threads() < 2) {  // a build without threads has no pool to inherit
        set_num_threads(before);
        SUCCEED("single-threaded build");
        return;
    }
    std::vector<int> ones(200000, 1);
    auto total = [&ones] {
        std::atomic<long> sum{0};
        detail::parallel_for(int64_t(ones.size()), [&](int64_t lo, int64_t hi) {
            long part = 0;
            for (int64_t i = lo; i < hi; ++i) part += ones[size_t(i)];
            sum += part;
        });
        return sum.load();
    };
    REQUIRE(total() == 200000);  // the pool has started its worker
    REQUIRE(detail::WorkerPool::instance().worker_count() >= 1);
    std::fflush(nullptr);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::alarm(20);  // a hung loop ends the child with SIGALRM instead of hanging the suite
        if (detail::WorkerPool::instance().worker_count() != 0) ::_exit(3);  // inherited workers that do not exist
        ::_exit(total() == 200000 ? 0 : 4);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    set_num_threads(before);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // 3: the child kept the parent's workers; 4: a wrong sum
    CHECK(total() == 200000);          // the parent's pool still works
}
