// tests/01_tensor/test_checked_size.cpp — shape -> element count -> bytes -> strides, checked in one
// place (checked_size.hpp): sizes from files or computations that overflow are refused before any
// memory is touched (issue 15). Generator state strings from outside are checked whole.
#include "support/catch.hpp"
#include "tinytorch/tensor/tensor.hpp"

using namespace tinytorch;

TEST_CASE("try_numel counts elements and refuses negative or overflowing shapes", "[01_tensor][provided]") {
    CHECK(try_numel({}) == 1);
    CHECK(try_numel({2, 3, 4}) == 24);
    CHECK(try_numel({0, 5}) == 0);
    CHECK_FALSE(try_numel({-1, 3}).has_value());
    CHECK_FALSE(try_numel({int64_t(1) << 32, int64_t(1) << 32}).has_value());  // 2^64 wraps to 0 unchecked
    CHECK_FALSE(try_numel({0, int64_t(1) << 30, int64_t(1) << 30}).has_value());  // a zero dim hides nothing
    CHECK(try_numel({int64_t(1) << 24, int64_t(1) << 24}) == kMaxNumel);
    CHECK(try_nbytes(10, 4) == uint64_t(40));
    CHECK_FALSE(try_nbytes(int64_t(1) << 62, 8).has_value());
}

TEST_CASE("empty refuses a shape whose size overflows naming the shape", "[01_tensor][provided]") {
    CHECK_THROWS_AS(empty({int64_t(1) << 32, int64_t(1) << 32, 4}), ValueError);
    CHECK_THROWS_WITH(empty({int64_t(1) << 32, int64_t(1) << 32, 4}),
                      Contains("empty") && Contains("[4294967296, 4294967296, 4]") && Contains("2^48") &&
                          Contains("hint"));
    CHECK_THROWS_WITH(empty({0, int64_t(1) << 40, int64_t(1) << 40}), Contains("zero dims counted as 1"));
    CHECK_THROWS_WITH(zeros({3, -2}), Contains("negative dimension") && Contains("[3, -2]"));
}

// (a valid shape reaches the student's contiguous_strides, so this part is graded)
TEST_CASE("empty accepts a big shape with a zero dim as a valid empty tensor", "[01_tensor]") {
    Tensor t = empty({0, 1 << 20, 1 << 20});  // big but within 2^48
    CHECK(t.numel() == 0);
    CHECK(t.strides() == Shape({int64_t(1) << 40, 1 << 20, 1}));
}

TEST_CASE("Storage refuses a float count whose byte size would wrap", "[01_tensor][provided]") {
    CHECK_THROWS_AS(Storage(size_t(1) << 62), ValueError);
    CHECK_THROWS_WITH(Storage(size_t(1) << 62), Contains("Storage") && Contains("2^48"));
}

TEST_CASE("view and reshape refuse sizes that would overflow the strides", "[01_tensor]") {
    Tensor t = zeros({0});
    CHECK_THROWS_AS(t.view({0, int64_t(1) << 40, int64_t(1) << 40}), ShapeError);
    CHECK_THROWS_WITH(t.reshape({0, int64_t(1) << 40, int64_t(1) << 40}),
                      Contains("view") && Contains("too large"));
    CHECK(t.view({0, 3}).shape() == Shape{0, 3});
}

TEST_CASE("Generator::set_state refuses trailing garbage and names the text", "[01_tensor][provided]") {
    Generator g(5);
    const std::string good = g.state();
    Generator h(9);
    CHECK_THROWS_AS(h.set_state(good + " 7"), ValueError);
    CHECK_THROWS_WITH(h.set_state(good + " x"), Contains("set_state") && Contains("not a saved generator state") &&
                                                    Contains("hint"));
    CHECK_THROWS_AS(h.set_state(good.substr(0, good.size() / 2)), ValueError);
    const std::string before = h.state();
    CHECK_THROWS(h.set_state("1 2 3"));
    CHECK(h.state() == before);  // a refused state leaves the generator as it was
    h.set_state(good + "  \n");  // trailing spaces are fine
    CHECK(h.next_u64() == Generator(5).next_u64());
}
