# fuzz/tests.cmake — included by the top-level CMakeLists.txt when tests are built: short libFuzzer
# runs as CTest tests (label "fuzz"), when clang with libFuzzer is found and the headers are the
# reference implementation (a student release has no solution markers left, and its stubs would
# answer every input with NotImplemented). The fuzz program is built by the test "fuzz: build" in
# <build>/fuzz with clang, so the main build (g++) does not wait for it.
option(TINYTORCH_FUZZ_TESTS "Short libFuzzer runs as CTest tests (label fuzz) when clang with libFuzzer is found" ON)
set(TINYTORCH_FUZZ_SECONDS 3 CACHE STRING "Seconds each fuzz harness runs in its CTest test")
# Harnesses run by CTest; each has a seed corpus in fuzz/corpus/<name>/.
set(TINYTORCH_FUZZ_TARGETS idx_raw idx_gz cifar10 safetensors checkpoint generator_state bpe_file char_file tokenizer_codec
                            milestone_flags)

if(TINYTORCH_FUZZ_TESTS)
    find_program(TINYTORCH_CLANGXX NAMES clang++ clang++-18 clang++-17 clang++-16 clang++-15 clang++-14)
    set(_reference OFF)
    if(EXISTS "${TINYTORCH_INCLUDE_DIR}/tinytorch/tensor/shape.hpp")
        file(STRINGS "${TINYTORCH_INCLUDE_DIR}/tinytorch/tensor/shape.hpp" _markers REGEX "BEGIN SOLUTION")
        if(_markers)
            set(_reference ON)
        endif()
    endif()
    set(_fuzz_ok OFF)
    if(TINYTORCH_CLANGXX AND _reference)
        # Can this clang link a libFuzzer program with the sanitizers? (Debian: clang + libclang-rt-dev)
        set(_probe_dir "${CMAKE_BINARY_DIR}/fuzz-probe")
        file(WRITE "${_probe_dir}/probe.cpp"
             "#include <cstdint>\n#include <cstddef>\nextern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n")
        execute_process(COMMAND "${TINYTORCH_CLANGXX}" -fsanitize=fuzzer,address,undefined "${_probe_dir}/probe.cpp"
                                -o "${_probe_dir}/probe"
                        RESULT_VARIABLE _probe_rc OUTPUT_QUIET ERROR_QUIET)
        if(_probe_rc EQUAL 0)
            set(_fuzz_ok ON)
        endif()
    endif()
    if(_fuzz_ok)
        message(STATUS "tinytorch: fuzz tests with ${TINYTORCH_CLANGXX} (ctest -L fuzz)")
        set(_fuzz_bin "${CMAKE_BINARY_DIR}/fuzz")
        add_test(NAME "fuzz: build"
                 COMMAND "${CMAKE_COMMAND}" -DCLANGXX=${TINYTORCH_CLANGXX} -DSOURCE=${PROJECT_SOURCE_DIR}/fuzz
                         -DBINARY=${_fuzz_bin} -DINCLUDE_DIR=${TINYTORCH_INCLUDE_DIR} -P "${PROJECT_SOURCE_DIR}/fuzz/build.cmake")
        set_tests_properties("fuzz: build" PROPERTIES LABELS "fuzz" TIMEOUT 1200 FIXTURES_SETUP tinytorch_fuzz)
        foreach(_target IN LISTS TINYTORCH_FUZZ_TARGETS)
            add_test(NAME "fuzz: ${_target}"
                     COMMAND "${CMAKE_COMMAND}" -DEXE=${_fuzz_bin}/tinytorch_fuzz -DTARGET=${_target}
                             -DCORPUS=${PROJECT_SOURCE_DIR}/fuzz/corpus/${_target} -DWORK=${_fuzz_bin}/work/${_target}
                             -DSECONDS=${TINYTORCH_FUZZ_SECONDS} -P "${PROJECT_SOURCE_DIR}/fuzz/run.cmake")
            set_tests_properties("fuzz: ${_target}" PROPERTIES LABELS "fuzz" TIMEOUT 300 FIXTURES_REQUIRED tinytorch_fuzz)
        endforeach()
    elseif(TINYTORCH_CLANGXX AND _reference)
        message(STATUS "tinytorch: ${TINYTORCH_CLANGXX} cannot link libFuzzer programs, no fuzz tests (Debian: apt install libclang-rt-dev)")
    endif()
endif()
