# fuzz/run.cmake — a short libFuzzer run of one harness from its committed seeds (run by CTest:
# "fuzz: <target>"). New inputs go to a scratch folder, never into the committed corpus; a
# crash, leak, sanitizer report, time-out or RSS over the limit fails the test and leaves the
# input in <build>/fuzz/artifacts/.
#   cmake -DEXE=... -DTARGET=idx_raw -DCORPUS=<repo>/fuzz/corpus/idx_raw -DWORK=<dir> -DSECONDS=4 -P fuzz/run.cmake
file(REMOVE_RECURSE "${WORK}/new")
file(MAKE_DIRECTORY "${WORK}/new" "${WORK}/artifacts")
set(ENV{TINYTORCH_FUZZ_TARGET} "${TARGET}")
set(ENV{ASAN_OPTIONS} "detect_leaks=1:allocator_may_return_null=0")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
execute_process(COMMAND "${EXE}" -max_total_time=${SECONDS} -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10
                        -max_len=8192 -print_final_stats=1 "-artifact_prefix=${WORK}/artifacts/${TARGET}-"
                        "${WORK}/new" "${CORPUS}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fuzz target ${TARGET}: libFuzzer exited with ${rc} (input in ${WORK}/artifacts)")
endif()
