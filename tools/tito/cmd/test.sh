# tools/tito/cmd/test.sh — ./tito test [MODULE...]: build and run test suites.

usage_test() {
    cat <<EOF2
usage: ./tito test [MODULE...] [--preset P] [-v|--verbose]

Without MODULE: build everything and run every CTest test (ctest --preset $TITO_PRESET) — the
command CI runs. With MODULEs (1, 01, tensor or 01_tensor): build only those modules' test
programs (test_01_tensor, ...) and run their suites (ctest -L '^01_tensor\$').

Prints one line per suite ("01_tensor   42/57 passed"), then each failing test with the stub it
ran into ("TODO: contiguous_strides — read modules/01_tensor/README.md §2") or the check that
failed. The full CTest output is saved in build/<preset>/tito-test.log.

options:
  --preset P     CMake preset (default: $TITO_PRESET)
  -v, --verbose  list every failing test (default: the first 12 per suite)

exit status: 0 all passed · 1 some test failed · 2 build or configure error
EOF2
}

run_test() {
    local verbose=0 mods=() id
    while [ $# -gt 0 ]; do
        case "$1" in
            --preset) [ $# -ge 2 ] || die 2 "--preset needs a name"; TITO_PRESET=$2; shift 2 ;;
            --preset=*) TITO_PRESET=${1#*=}; shift ;;
            -v | --verbose) verbose=1; shift ;;
            -*) die 2 "test: unknown option '$1' (see ./tito test --help)" ;;
            *) mods+=("$(module_resolve "$1")"); shift ;;
        esac
    done

    local log labels=() targets=()
    log="$(build_dir)/tito-test.log"
    if [ ${#mods[@]} -eq 0 ]; then
        tito_build || exit 2
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
        tito_build "${targets[@]}" || exit 2
        info "running: ctest --preset $TITO_PRESET -L '$(label_regex "${labels[@]}")'"
    fi

    local t0 rc=0
    t0=$(now)
    mkdir -p "$(build_dir)"
    if [ ${#labels[@]} -eq 0 ]; then
        run_ctest "$log" || rc=$?
    else
        run_ctest "$log" -L "$(label_regex "${labels[@]}")" || rc=$?
    fi
    local results
    results=$(mktemp "${TMPDIR:-/tmp}/tito-results.XXXXXX")
    parse_ctest_log "$log" summary >"$results"
    say ""
    local status=0
    print_test_report "$results" "$verbose" || status=$?
    rm -f "$results"
    if [ "$status" -eq 2 ]; then
        err "no test results (ctest exit code $rc). Last lines of $(relpath "$log"):"
        tail -n 15 "$log" >&2
        exit 2
    fi
    say "${C_DIM}ran in $(($(now) - t0))s · full output: $(relpath "$log")${C_OFF}"
    if [ "$status" -eq 0 ] && [ "$rc" -ne 0 ]; then
        err "ctest reported a problem (exit code $rc); see $(relpath "$log")"
        exit 1
    fi
    exit "$status"
}
