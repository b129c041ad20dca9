# tools/tito/cmd/test.sh — ./tito test [MODULE...]: build and run test suites.

usage_test() {
    cat <<EOF2
usage: ./tito test [MODULE...] [--sanitize] [--preset P] [-v|--verbose]

Without MODULE: build every program CTest runs (target tinytorch_tested_programs) and run every
CTest test (ctest --preset $TITO_PRESET) — the command CI runs. The analysis and benchmark
programs are not built; the test "programs compile: analysis, bench, soak" compiles them
(cmake --build --preset $TITO_PRESET builds everything). With MODULEs (1, 01, tensor or 01_tensor): build only those modules' test
programs (test_01_tensor, ...) and run their suites, each program once for all its tests (CTest,
ctest -L '^01_tensor\$', starts one process per test; a crash or a hang here ends only that
process and the tests after it run in a new one; TITO_CTEST=1 runs them through CTest).

What it prints, in this order:
  * compiler warnings in the files you write (they often explain a crash), and for a build that
    fails, each compiler error once — the line in your file first;
  * one line per suite ("01_tensor   42/57 passed"), and how that moved since the last run;
  * the tests that fail in code you wrote — failed checks, crashes (with the file:line where it
    crashed) and timeouts (with the line the endless loop was in) — those that passed at the
    last run first;
  * the tests that stop at functions you have not written yet (TODO stubs), grouped by function
    in the order of the lesson;
  * a summary line and the next step: fix the failures in your code first, else the next
    function to write ("TODO: contiguous_strides — read modules/01_tensor/README.md §2").
A test that runs longer than the build's timeout (15 s in a student release) is stopped; after
two such tests a module run stops (an endless loop in a function many tests call would otherwise keep
you waiting for each of them). The full CTest output is in build/<preset>/tito-test.log.

options:
  --sanitize     build and run with AddressSanitizer + UndefinedBehaviorSanitizer (preset
                 'sanitize', folder build/sanitize): a crash or memory error is reported at the
                 line in your code that caused it. The first build takes a few minutes.
  --preset P     CMake preset (default: $TITO_PRESET)
  -v, --verbose  list every failing test (default: the first 12 failures, 4 tests per stub)

exit status: 0 all passed · 1 some test failed · 2 build or configure error
EOF2
}

run_test() {
    local verbose=0 mods=() id
    while [ $# -gt 0 ]; do
        case "$1" in
            --preset) [ $# -ge 2 ] || die 2 "--preset needs a name"; TITO_PRESET=$2; shift 2 ;;
            --preset=*) TITO_PRESET=${1#*=}; shift ;;
            --sanitize) TITO_PRESET=sanitize; shift ;;
            -v | --verbose) verbose=1; shift ;;
            -*) die 2 "test: unknown option '$1' (see ./tito test --help)" ;;
            *) mods+=("$(module_resolve "$1")"); shift ;;
        esac
    done

    local log labels=() targets=()
    log="$(build_dir)/tito-test.log"
    if [ ${#mods[@]} -eq 0 ]; then
        # the programs CTest runs (cmake/TinytorchTestedPrograms.cmake); the analysis and bench
        # programs are compiled by a test instead ("programs compile: ..."), without -O2 code
        ensure_configured
        if build_has_target tinytorch_tested_programs; then
            student_build tinytorch_tested_programs || exit 2
        else
            student_build || exit 2
        fi
        # every test (CI): run them all even when some time out
        export TITO_STOP_AFTER_TIMEOUTS=${TITO_STOP_AFTER_TIMEOUTS:-1000000}
        info "running all tests: ctest --preset $TITO_PRESET"
    else
        for id in "${mods[@]}"; do
            if module_has_tests "$id"; then
                labels+=("$id")
                targets+=("test_$id")
            else
                warn "module $id has no tests yet (tests/$id/ is empty or missing); skipped"
            fi
        done
        [ ${#labels[@]} -gt 0 ] || exit 2
        ensure_targets "${targets[@]}"
        student_build "${targets[@]}" || exit 2
        info "running the suites of ${labels[*]}"
    fi

    local t0 rc=0 stopped="" args=()
    t0=$(now)
    mkdir -p "$(build_dir)"
    [ ${#labels[@]} -eq 0 ] || args=(-L "$(label_regex "${labels[@]}")")
    if [ ${#labels[@]} -gt 0 ] && [ "${TITO_CTEST:-0}" != 1 ]; then
        # one process per test program, not per test case (TITO_CTEST=1: CTest, one per case)
        stopped=$(run_programs_once "$log" "${labels[@]}") || rc=$?
        if [ "$rc" -eq 3 ]; then
            rc=0
            stopped=$(run_ctest_watched "$log" "${args[@]}") || rc=$?
        fi
    else
        stopped=$(run_ctest_watched "$log" "${args[@]}") || rc=$?
    fi
    local results notrun=0
    results=$(mktemp "${TMPDIR:-/tmp}/tito-results.XXXXXX")
    parse_ctest_log "$log" summary >"$results"
    if [ -n "$stopped" ]; then
        local all
        all=$(cd "$TITO_ROOT" && ctest --preset "$TITO_PRESET" -N "${args[@]}" 2>/dev/null | awk '/^Total Tests: / { print $3 }')
        notrun=$(( ${all:-0} - $(wc -l <"$results") ))
        [ "$notrun" -ge 0 ] || notrun=0
    fi
    symbolize_results "$results"
    say ""
    local status=0
    print_student_report "$results" "$verbose" "$notrun" || status=$?
    if [ "$status" -eq 2 ]; then
        rm -f "$results"
        err "no test results (ctest exit code $rc). Last lines of $(relpath "$log"):"
        tail -n 15 "$log" >&2
        exit 2
    fi
    [ -n "$stopped" ] || save_results "$results"
    if grep -q $'\tCRASH\t' "$results" && [ "$TITO_PRESET" != sanitize ]; then
        say "hint: a crash may start earlier than where it shows: ./tito test ${mods[*]:+${mods[*]%%_*} }--sanitize names the line that first read or wrote out of bounds"
    fi
    rm -f "$results"
    say "${C_DIM}ran in $(($(now) - t0))s · full output: $(relpath "$log")${C_OFF}"
    if [ "$status" -eq 0 ] && [ "$rc" -ne 0 ]; then
        err "ctest reported a problem (exit code $rc); see $(relpath "$log")"
        exit 1
    fi
    exit "$status"
}
