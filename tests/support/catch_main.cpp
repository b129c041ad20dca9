// The prebuilt main shared by every module's test program (compiled once).
//
// Unit tests run one thread each by default: ctest already runs two test programs at once on
// two cores, and OpenMP threads that wait for a busy core make small ops thousands of times
// slower. Set TINYTORCH_TEST_THREADS=N to test with N threads.
#include <cstdlib>
#ifdef _OPENMP
#include <omp.h>
#endif

#if TINYTORCH_CATCH_MAJOR == 2
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#else
#include <catch2/catch_session.hpp>
#endif

int main(int argc, char* argv[]) {
#ifdef _OPENMP
    const char* threads = std::getenv("TINYTORCH_TEST_THREADS");
    omp_set_num_threads(threads && *threads ? std::atoi(threads) : 1);
#endif
    return Catch::Session().run(argc, argv);
}
