// tests/support/catch.hpp — one include for Catch2 v2 and v3.
// Tests write Contains(...) / WithinAbs(...) and run unchanged on either major version.
#pragma once
#if defined(TINYTORCH_CATCH_MAJOR) && TINYTORCH_CATCH_MAJOR == 3
#include <catch2/catch_all.hpp>
namespace tinytorch_test_matchers {
inline auto Contains(const std::string& s) { return Catch::Matchers::ContainsSubstring(s); }
}  // namespace tinytorch_test_matchers
using Catch::Approx;
#else
#include <catch2/catch.hpp>
namespace tinytorch_test_matchers {
inline auto Contains(const std::string& s) { return Catch::Matchers::Contains(s); }
}  // namespace tinytorch_test_matchers
#endif
using tinytorch_test_matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

// Tests judge with the instructor's helpers, always spelled with their namespace:
// judge::allclose / judge::equal / judge::max_abs_diff (support/judge.hpp) and judge::gradcheck
// (support/judge_gradcheck.hpp). tinytorch::allclose and friends come from include/, which the
// grader takes from the submission, so a test must never call them. These global objects turn
// an unqualified call — allclose(a, b), which would find the student's tinytorch::allclose — into
// a compile error ("ambiguous" or "use of deleted function"), and make `using autograd::gradcheck;`
// conflict.
namespace tinytorch_test_poison {
struct write_judge_helper_from_tests_support_judge_hpp {
    template <typename... A>
    void operator()(A&&...) const = delete;
};
}  // namespace tinytorch_test_poison
inline constexpr tinytorch_test_poison::write_judge_helper_from_tests_support_judge_hpp allclose{}, equal{},
    max_abs_diff{}, gradcheck{};
