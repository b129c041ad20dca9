# cmake/TinytorchTestedPrograms.cmake — what `./tito test` builds, and how the rest is still checked.
#
# CTest runs the test programs (tests/), the milestones' --quick runs and the trace checker; it
# never runs the analysis programs (modules/NN/analysis.cpp), the benchmarks (bench/) or the soak
# run. Compiling those at -O2 took about half of CI's build time, so:
#   * target tinytorch_tested_programs builds exactly the programs CTest runs (`./tito test`
#     without a module builds it; `cmake --build --preset dev` still builds everything);
#   * the CTest test "programs compile: analysis, bench, soak" (label "programs") proves that every
#     other program still compiles, with the compiler's -fsyntax-only (every template instantiated,
#     no code generated), all sources that share their flags in one translation unit
#     (cmake/check_programs_compile.cmake explains how). It reads compile_commands.json.

# The programs CTest runs: every executable built by default in tests/ and milestones/, but not
# the soak run (a measurement program like the analysis programs).
set(_tt_tested "")
foreach(_dir tests milestones)
    # only folders the build added (milestones/ is left out with TINYTORCH_BUILD_MILESTONES=OFF, as
    # in the release check's stubbed build: get_property on a folder not added is an error)
    if(NOT EXISTS "${PROJECT_SOURCE_DIR}/${_dir}/CMakeLists.txt" OR (_dir STREQUAL "milestones" AND NOT TINYTORCH_BUILD_MILESTONES))
        continue()
    endif()
    get_property(_known DIRECTORY "${PROJECT_SOURCE_DIR}/${_dir}" PROPERTY BUILDSYSTEM_TARGETS)
    foreach(_t IN LISTS _known)
        get_target_property(_type ${_t} TYPE)
        get_target_property(_excluded ${_t} EXCLUDE_FROM_ALL)
        if(_type STREQUAL "EXECUTABLE" AND NOT _excluded AND NOT _t MATCHES "^soak_")
            list(APPEND _tt_tested ${_t})
        endif()
    endforeach()
endforeach()
add_custom_target(tinytorch_tested_programs)
if(_tt_tested)
    add_dependencies(tinytorch_tested_programs ${_tt_tested})
endif()
list(LENGTH _tt_tested _tt_n)
message(STATUS "tinytorch: ./tito test builds the ${_tt_n} programs CTest runs (target tinytorch_tested_programs)")

# Everything else that is a program: compiled by the test below instead of by the build.
set(_tt_unbuilt_patterns "")
if(TINYTORCH_BUILD_ANALYSIS)
    list(APPEND _tt_unbuilt_patterns "^modules/[0-9][0-9]_[a-z0-9_]+/analysis[.]cpp$")
endif()
if(TINYTORCH_BUILD_BENCH AND EXISTS "${PROJECT_SOURCE_DIR}/bench/CMakeLists.txt")
    list(APPEND _tt_unbuilt_patterns "^bench/[a-z0-9_]+[.]cpp$")
endif()
if(TINYTORCH_BUILD_MILESTONES)
    list(APPEND _tt_unbuilt_patterns "^milestones/[0-9][0-9]_[a-z0-9_]+/soak[.]cpp$")
endif()
if(_tt_unbuilt_patterns AND CMAKE_EXPORT_COMPILE_COMMANDS)
    string(JOIN "|" _tt_unbuilt_regex ${_tt_unbuilt_patterns})
    add_test(NAME "programs compile: analysis, bench, soak"
             COMMAND "${CMAKE_COMMAND}" "-DCOMPILE_COMMANDS=${CMAKE_BINARY_DIR}/compile_commands.json"
                     "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}" "-DFILES_REGEX=${_tt_unbuilt_regex}" "-DWORK=${CMAKE_BINARY_DIR}/programs-compile"
                     -P "${PROJECT_SOURCE_DIR}/cmake/check_programs_compile.cmake")
    set_tests_properties("programs compile: analysis, bench, soak" PROPERTIES LABELS "programs" TIMEOUT 1200)
endif()
