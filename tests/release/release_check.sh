#!/usr/bin/env bash
# tests/release/release_check.sh — the student-release properties of DESIGN.md §4, checked for
# every module that has tests (a tests/NN_name/*.cpp):
#   1. the fully stubbed release is written without leaks and its test programs compile;
#   2. with every module stubbed, every graded test of each suite FAILS, so a stub scores 0 and
#      every test grades student code (tests of ready-made code are tagged [provided] and carry
#      the CTest label "provided" instead of the module's);
#   3. with modules 1..N solved and the rest stubbed, suites 1..N all PASS (no module needs a
#      later one).
#
# usage: release_check.sh --source REPO --work DIR [--generator G] [--jobs N] [-- CMAKE_ARGS...]
#   REPO        the reference checkout (its ./tito writes the releases)
#   DIR         scratch space: DIR/stubbed, DIR/solved (release trees), DIR/build-* (their builds).
#               Reused between runs: unchanged files keep their timestamps, so rebuilds are
#               incremental.
#   CMAKE_ARGS  compiler and flags of the calling build (tests/release/CMakeLists.txt passes them)
# Milestones, analysis and bench programs are not built; the release check itself is off there.
set -euo pipefail

src="" work="" generator="" jobs="" cmake_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --source) src=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --generator) generator=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --) shift; cmake_args=("$@"); break ;;
        *) echo "release_check.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ -n "$src" ] && [ -n "$work" ] || { echo "usage: release_check.sh --source REPO --work DIR [-- CMAKE_ARGS...]" >&2; exit 2; }
src=$(cd -P "$src" && pwd)
mkdir -p "$work"
work=$(cd -P "$work" && pwd)
[ -n "$jobs" ] || jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

TITO_ROOT=$src
export NO_COLOR=1
# shellcheck source=../../tools/tito/lib.sh
. "$src/tools/tito/lib.sh"

t_start=$(now)
mapfile -t modules < <(modules_with_tests)
if [ ${#modules[@]} -eq 0 ]; then
    echo "release check: no module has tests yet; nothing to check"
    exit 0
fi
echo "release check: modules with tests: ${modules[*]}"
echo "work folder: $work"

cmake_common=(
    -DTINYTORCH_BUILD_TESTS=ON -DTINYTORCH_BUILD_MILESTONES=OFF -DTINYTORCH_BUILD_ANALYSIS=OFF
    -DTINYTORCH_BUILD_BENCH=OFF -DTINYTORCH_RELEASE_CHECK=OFF "${cmake_args[@]}")
[ -z "$generator" ] || cmake_common=(-G "$generator" "${cmake_common[@]}")

failures=0
declare -A stub_result solved_result

fail() {
    echo "FAILED: $*"
    failures=$((failures + 1))
}

# write_release DIR [SOLVED_LIST]
write_release() {
    local dir=$1 solved=${2:-} args=()
    [ -z "$solved" ] || args=(--solved "$solved")
    "$src/tito" release "$dir" --force --include-untracked --quiet "${args[@]}"
}

# configure_tree TREE BUILD — configure once; later runs rebuild incrementally.
configure_tree() {
    local tree=$1 bdir=$2
    if [ -f "$bdir/CMakeCache.txt" ]; then return 0; fi
    if ! cmake -S "$tree" -B "$bdir" "${cmake_common[@]}" >"$bdir.configure.log" 2>&1; then
        cat "$bdir.configure.log"
        return 1
    fi
}

# build_targets BUILD LOG TARGET...
build_targets() {
    local bdir=$1 log=$2
    shift 2
    if ! cmake --build "$bdir" -j "$jobs" --target "$@" >"$log" 2>&1; then
        print_build_errors "$log" "$(dirname "$bdir")"
        echo "(full output: $log)"
        return 1
    fi
}

# run_suites BUILD LOG MODULE... — prints "passed total" of those suites; records in LOG.results
run_suites() {
    local bdir=$1 log=$2
    shift 2
    (cd "$bdir" && ctest --output-on-failure -L "$(label_regex "$@")" -j "$jobs") >"$log" 2>&1 || true
    parse_ctest_log "$log" summary "$(dirname "$bdir")/stubbed/include" >"$log.results"
    awk -F'\t' '{ t++; if ($2 == "PASS") p++ } END { printf "%d %d\n", p, t }' "$log.results"
}

# ---- 1 + 2: everything stubbed -------------------------------------------------------------------
echo ""
echo "== stubbed release: it must compile, and every suite must fail"
t0=$(now)
stub_ok=1
if ! write_release "$work/stubbed"; then
    fail "./tito release reported errors or leaks (above)"
    stub_ok=0
fi
if [ "$stub_ok" -eq 1 ]; then
    mkdir -p "$work/build-stubbed"
    if ! configure_tree "$work/stubbed" "$work/build-stubbed"; then
        fail "the stubbed release does not configure"
        stub_ok=0
    fi
fi
for m in "${modules[@]}"; do
    if [ "$stub_ok" -eq 0 ]; then stub_result[$m]="not built"; continue; fi
    # each program on its own: one that does not compile does not hide the others
    if ! build_targets "$work/build-stubbed" "$work/build-stubbed-$m.log" "test_$m"; then
        stub_result[$m]="does not compile"
        fail "$m: test_$m of the stubbed student release does not compile (errors above)"
        continue
    fi
    read -r p t < <(run_suites "$work/build-stubbed" "$work/stubbed-$m.ctest.log" "$m")
    if [ "$t" -eq 0 ]; then
        stub_result[$m]="no tests ran"
        fail "$m: no tests ran in the stubbed release (see $work/stubbed-$m.ctest.log). If test_$m dies while listing its tests (run: $work/build-stubbed/tests/test_$m --list-test-names-only), a test file builds a Tensor at file scope, before main - make it a function"
    elif [ "$p" -gt 0 ]; then
        stub_result[$m]="$p/$t pass (bad)"
        fail "$m: $p of $t graded tests pass with every module stubbed, so they grade nothing a student wrote; tag tests of ready-made code [provided]:"
        awk -F'\t' '$2 == "PASS" { printf "     %s\n", $4; if (++n == 8) exit }' "$work/stubbed-$m.ctest.log.results"
    else
        stub_result[$m]="ok: $((t - p))/$t fail"
    fi
done
echo "   took $(($(now) - t0))s"

# ---- 3: modules 1..N solved ------------------------------------------------------------------------
upto=()
for m in "${modules[@]}"; do
    upto+=("$m")
    echo ""
    echo "== modules 01..$(module_num "$m") solved: suites ${upto[*]} must pass"
    t0=$(now)
    if ! write_release "$work/solved" "01-$(module_num "$m")"; then
        solved_result[$m]="release failed"
        fail "$m: ./tito release --solved 01-$(module_num "$m") failed (above)"
        continue
    fi
    mkdir -p "$work/build-solved"
    if ! configure_tree "$work/solved" "$work/build-solved"; then
        solved_result[$m]="no configure"
        fail "$m: the release with modules 1..$(module_num "$m") solved does not configure"
        continue
    fi
    if ! build_targets "$work/build-solved" "$work/build-solved-$m.log" "test_$m"; then
        solved_result[$m]="does not compile"
        fail "$m: test_$m does not compile with modules 1..$(module_num "$m") solved and later modules stubbed"
        continue
    fi
    read -r p t < <(run_suites "$work/build-solved" "$work/solved-$m.ctest.log" "${upto[@]}")
    if [ "$t" -gt 0 ] && [ "$p" -eq "$t" ]; then
        solved_result[$m]="ok: $p/$t pass"
    else
        solved_result[$m]="$p/$t pass"
        fail "$m: with modules 1..$(module_num "$m") solved, $((t - p)) of $t tests of suites ${upto[*]} fail:"
        awk -F'\t' '$2 != "PASS" { printf "     %s: %s\n       %s\n", $3, $4, $5; if (++n == 8) exit }' "$work/solved-$m.ctest.log.results"
        echo "     (log: $work/solved-$m.ctest.log)"
    fi
    echo "   took $(($(now) - t0))s"
done

# ---- the table ---------------------------------------------------------------------------------------
echo ""
printf '%-18s  %-24s  %-24s\n' "module" "all stubbed (must fail)" "1..N solved (must pass)"
for m in "${modules[@]}"; do
    printf '%-18s  %-24s  %-24s\n' "$m" "${stub_result[$m]:-?}" "${solved_result[$m]:-?}"
done
echo ""
echo "release check: $failures problem(s), $(($(now) - t_start))s in total"
[ "$failures" -eq 0 ]
