// tests/01_tensor/test_judge.cpp — the instructor's comparison helpers (tests/support/judge.hpp)
// that every suite judges with. They build and read tensors through TensorImpl only, so these
// tests call no function a student writes: [provided], and they pass in the untouched release.
#include <cmath>
#include <limits>
#include <memory>

#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"
#include "support/judge.hpp"
using namespace tinytorch;

namespace test_judge {
/// A view over t's storage with the given geometry, built by hand (no student code).
Tensor view_of(const Tensor& t, Shape shape, Shape strides, int64_t offset) {
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = t.impl()->storage;
    impl->shape = std::move(shape);
    impl->strides = std::move(strides);
    impl->offset = offset;
    return Tensor(std::move(impl));
}
}  // namespace test_judge

TEST_CASE("judge tensor builds a contiguous tensor that judge values reads back", "[01_tensor][provided]") {
    Tensor t = judge::tensor({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}, {2, 3});
    CHECK(t.impl()->shape == Shape({2, 3}));
    CHECK(t.impl()->strides == Shape({3, 1}));
    CHECK(judge::values(t) == std::vector<float>({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}));
    CHECK(judge::values(judge::tensor({7.f}, {})) == std::vector<float>({7.f}));
    CHECK(judge::values(judge::tensor({}, {0, 3})).empty());
    CHECK_THROWS_AS(judge::tensor({1.f, 2.f}, {3}), std::invalid_argument);
}

TEST_CASE("judge values reads views through their own strides and offset", "[01_tensor][provided]") {
    Tensor t = judge::tensor({0.f, 1.f, 2.f, 3.f, 4.f, 5.f}, {2, 3});
    // the transpose [3, 2], a column [2] at offset 1, a stride-0 broadcast [2, 3] of row 1
    CHECK(judge::values(test_judge::view_of(t, {3, 2}, {1, 3}, 0)) == std::vector<float>({0.f, 3.f, 1.f, 4.f, 2.f, 5.f}));
    CHECK(judge::values(test_judge::view_of(t, {2}, {3}, 1)) == std::vector<float>({1.f, 4.f}));
    CHECK(judge::values(test_judge::view_of(t, {2, 3}, {0, 1}, 3)) == std::vector<float>({3.f, 4.f, 5.f, 3.f, 4.f, 5.f}));
    // geometry that reaches outside the storage is refused, not read
    CHECK_THROWS_AS(judge::values(test_judge::view_of(t, {4}, {2}, 0)), std::invalid_argument);
    CHECK_THROWS_AS(judge::values(test_judge::view_of(t, {2}, {-1}, 0)), std::invalid_argument);
    CHECK_THROWS_AS(judge::values(Tensor()), std::invalid_argument);
}

TEST_CASE("judge allclose uses atol plus rtol times the reference and exact shapes", "[01_tensor][provided]") {
    Tensor a = judge::tensor({1.f, 100.f}, {2}), b = judge::tensor({1.f + 5e-6f, 100.f + 5e-4f}, {2});
    CHECK(judge::allclose(a, a));
    CHECK(judge::allclose(a, b, 1e-5, 1e-5));
    CHECK_FALSE(judge::allclose(a, b, 1e-7, 1e-7));
    CHECK(judge::allclose(judge::tensor({0.f}, {1}), judge::tensor({1e-9f}, {1})));  // default atol 1e-8
    CHECK_FALSE(judge::allclose(judge::tensor({0.f}, {1}), judge::tensor({1e-6f}, {1})));
    CHECK_FALSE(judge::allclose(judge::tensor({0.f, 0.f}, {2}), judge::tensor({0.f, 0.f}, {1, 2})));
    CHECK_FALSE(judge::allclose(Tensor(), judge::tensor({0.f}, {1})));
    CHECK_FALSE(judge::allclose(Tensor(), Tensor()));
    Tensor t = judge::tensor({0.f, 1.f, 2.f, 3.f}, {2, 2});
    CHECK(judge::allclose(test_judge::view_of(t, {2, 2}, {1, 2}, 0), judge::tensor({0.f, 2.f, 1.f, 3.f}, {2, 2})));
}

TEST_CASE("judge allclose treats nan as unequal unless asked and infinities exactly", "[01_tensor][provided]") {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    Tensor n = judge::tensor({1.f, nan}, {2});
    CHECK_FALSE(judge::allclose(n, n));
    CHECK(judge::allclose(n, n, 1e-5, 1e-8, true));
    CHECK_FALSE(judge::allclose(judge::tensor({nan}, {1}), judge::tensor({1.f}, {1}), 1e-5, 1e-8, true));
    CHECK(judge::allclose(judge::tensor({inf, -inf}, {2}), judge::tensor({inf, -inf}, {2})));
    CHECK_FALSE(judge::allclose(judge::tensor({inf}, {1}), judge::tensor({-inf}, {1})));
    CHECK_FALSE(judge::allclose(judge::tensor({1e30f}, {1}), judge::tensor({inf}, {1})));
}

TEST_CASE("judge equal and max_abs_diff compare every element", "[01_tensor][provided]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    Tensor a = judge::tensor({1.f, 2.f, 3.f}, {3});
    CHECK(judge::equal(a, judge::tensor({1.f, 2.f, 3.f}, {3})));
    CHECK_FALSE(judge::equal(a, judge::tensor({1.f, 2.f, 3.0001f}, {3})));
    CHECK_FALSE(judge::equal(a, judge::tensor({1.f, 2.f, 3.f}, {1, 3})));
    CHECK_FALSE(judge::equal(judge::tensor({nan}, {1}), judge::tensor({nan}, {1})));
    CHECK(judge::max_abs_diff(a, judge::tensor({1.5f, 0.f, 3.f}, {3})) == 2.0);
    CHECK(std::isnan(judge::max_abs_diff(judge::tensor({nan}, {1}), judge::tensor({0.f}, {1}))));
    CHECK_THROWS_AS(judge::max_abs_diff(a, judge::tensor({1.f}, {1})), std::invalid_argument);
}
