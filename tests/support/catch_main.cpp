// The prebuilt Catch2 main shared by every module's test program (compiled once).
#if TINYTORCH_CATCH_MAJOR == 2
#define CATCH_CONFIG_MAIN   // Catch2 v2 is header-only: this translation unit provides main()
#include <catch2/catch.hpp>
#endif
// Catch2 v3 gets main() from Catch2::Catch2WithMain.
