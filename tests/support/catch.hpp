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
