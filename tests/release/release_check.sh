#!/usr/bin/env bash
# tests/release/release_check.sh — the student-release properties of DESIGN.md §4, proved for every
# module N that has tests (a tests/NN_name/*.cpp):
#
#   A. `./tito release` writes the fully stubbed release without leaks, and all its test programs
#      compile (built here at -O0: only compilation is being proved);
#   B. in that fully stubbed release every graded test FAILS (an untouched release scores 0), and
#      every [provided] test PASSES without reaching a stub: they run with stub_trap.so preloaded,
#      which ends the process when a tinytorch::NotImplemented is thrown, so a provided test that
#      calls student code fails even if it catches the exception;
#   C. with modules 1..N-1 solved and N stubbed, EVERY graded test of N fails;
#   D. with modules 1..N solved (the rest stubbed), suites 1..N pass.
#
# C and D run in the calling build (the one running this check), whose test programs compile the
# stub-switchable headers (TINYTORCH_STUB_SWITCH, tools/tito/stub_switch.awk): each solution region
# is kept and opened by a check that throws the release's NotImplemented when the environment
# variable TINYTORCH_STUB names its module. The proof:
#   1. test_k's compiled dependency files list the headers it includes; none may belong to a module
#      after k. (A header-only program contains only the code of the headers it includes, so
#      solving or stubbing a later module cannot change test_k.)
#   2. C: suite N run with TINYTORCH_STUB=NN_name. Throwing at the first line of every region of
#      module N is what the release's one-line stubs do; modules before N run their solutions,
#      modules after N are not in test_N (1). So this is the release with 1..N-1 solved.
#   3. D: suite k passes with nothing stubbed, for every k <= N; by (1) test_k is then the same
#      program as in the release with 1..N solved (it includes no module after k <= N).
# `declarations` regions (members or helpers a student adds) cannot be switched off at run time;
# the check lists them. Time: one -O0 build of the stubbed release plus a few runs of each suite
# (the calling build is reused), instead of a build of every suite per module.
#
# usage: release_check.sh --source REPO --work DIR --build BUILD [--generator G] [--jobs N] [-- CMAKE_ARGS...]
#   REPO        the reference checkout (its ./tito writes the release)
#   DIR         scratch space: DIR/stubbed (release tree), DIR/build-stubbed (its build), logs.
#               Reused between runs: unchanged files keep their timestamps, so rebuilds are incremental.
#   BUILD       the calling build folder (test programs with TINYTORCH_STUB_SWITCH=ON)
#   CMAKE_ARGS  compiler and flags of the calling build (tests/release/CMakeLists.txt passes them)
set -euo pipefail

src="" work="" build="" generator="" jobs="" cmake_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --source) src=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --generator) generator=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --) shift; cmake_args=("$@"); break ;;
        *) echo "release_check.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ -n "$src" ] && [ -n "$work" ] && [ -n "$build" ] ||
    { echo "usage: release_check.sh --source REPO --work DIR --build BUILD [-- CMAKE_ARGS...]" >&2; exit 2; }
src=$(cd -P "$src" && pwd)
build=$(cd -P "$build" && pwd)
mkdir -p "$work"
work=$(cd -P "$work" && pwd)
[ -n "$jobs" ] || jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

TITO_ROOT=$src
export NO_COLOR=1
unset TINYTORCH_STUB
# shellcheck source=../../tools/tito/lib.sh
. "$src/tools/tito/lib.sh"

t_start=$(now)
mapfile -t modules < <(modules_with_tests)
if [ ${#modules[@]} -eq 0 ]; then
    echo "release check: no module has tests yet; nothing to check"
    exit 0
fi
echo "release check: modules with tests: ${modules[*]}"
echo "work folder: $work   calling build: $build"

failures=0
declare -A stub_result graded_result solved_result deps_result
fail() {
    echo "FAILED: $*"
    failures=$((failures + 1))
}

cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" | head -n 1; }
switch_dir=$(cache_value TINYTORCH_STUB_SWITCH_DIR)
if [ "$(cache_value TINYTORCH_STUB_SWITCH)" != "ON" ] || [ -z "$switch_dir" ]; then
    echo "release check: the calling build ($build) was configured with TINYTORCH_STUB_SWITCH=OFF;"
    echo "  the per-module check runs the test programs of a build with TINYTORCH_STUB_SWITCH=ON (the default in the reference)"
    exit 1
fi

# run_suites BUILD LOG ENV... -- LABEL... — ctest on those labels with the environment given;
# prints "passed total"; the per-test records (tools/tito/ctest_parse.awk) go to LOG.results.
run_suites() {
    local bdir=$1 log=$2 envs=() labels=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    labels=("$@")
    (cd "$bdir" && env "${envs[@]}" ctest --output-on-failure -L "$(label_regex "${labels[@]}")" -j "$jobs") >"$log" 2>&1 || true
    parse_ctest_log "$log" summary "$work/stubbed/include" >"$log.results"
    awk -F'\t' '{ t++; if ($2 == "PASS") p++ } END { printf "%d %d\n", p, t }' "$log.results"
}
# list_tests LOG.results STATUS... — the names of the tests with one of those statuses
list_tests() {
    local results=$1
    shift
    awk -F'\t' -v want=" $* " 'index(want, " " $2 " ") { printf "     %s: %s\n", $3, $4; if ($5 != "") printf "       %s\n", $5; if (++n == 12) exit }' "$results"
}

# ---- 0: the tests judge with the instructor's helpers --------------------------------------------
# tests/support/catch.hpp already makes an unqualified allclose(...) a compile error; a qualified call
# of the students' own helpers is allowed only in files that test those helpers (they say so with the
# comment "judge-lint: tests the students' own helpers").
lint=$(cd "$src" && grep -rnE '(tinytorch::(allclose|equal|max_abs_diff)|autograd::gradcheck)[[:space:]]*\(' \
    tests/[0-9][0-9]_* tests/hidden 2>/dev/null | while IFS= read -r hit; do
        grep -q "judge-lint: tests the students' own helpers" "${hit%%:*}" || printf '%s\n' "$hit"
    done || true)   # (grep's status: 1 when nothing matches, 2 when tests/hidden is absent)
if [ -n "$lint" ]; then
    fail "tests judge with the students' helpers (include/ comes from the submission when grading); use judge::allclose / judge::equal / judge::max_abs_diff / judge::gradcheck (tests/support/):"
    printf '%s\n' "$lint" | head -n 10 | sed 's/^/     /'
fi

# ---- A + B: the fully stubbed release ----------------------------------------------------------
echo ""
echo "== A/B. fully stubbed release: no leak, compiles (-O0); graded tests fail, [provided] tests pass without reaching a stub"
t0=$(now)
stub_ok=1
if ! "$src/tito" release "$work/stubbed" --force --include-untracked --quiet; then
    fail "./tito release reported errors or leaks (above)"
    stub_ok=0
fi
cmake_common=(
    -DTINYTORCH_BUILD_TESTS=ON -DTINYTORCH_BUILD_MILESTONES=OFF -DTINYTORCH_BUILD_ANALYSIS=OFF
    -DTINYTORCH_BUILD_BENCH=OFF -DTINYTORCH_RELEASE_CHECK=OFF "${cmake_args[@]}" "-DTINYTORCH_TEST_FLAGS=-O0;-g0")
[ -z "$generator" ] || cmake_common=(-G "$generator" "${cmake_common[@]}")
sb="$work/build-stubbed"
if [ "$stub_ok" -eq 1 ] && [ ! -f "$sb/CMakeCache.txt" ]; then
    mkdir -p "$sb"
    if ! cmake -S "$work/stubbed" -B "$sb" "${cmake_common[@]}" >"$sb.configure.log" 2>&1; then
        cat "$sb.configure.log"
        fail "the stubbed release does not configure"
        stub_ok=0
    fi
fi
trap_lib="$work/stub_trap.so"
if [ "$stub_ok" -eq 1 ]; then
    cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$sb/CMakeCache.txt")
    # the stubs of the release: module<TAB>function of every TINYTORCH_TODO line
    grep -rhoE 'TINYTORCH_TODO\("[^"]*", *"[^"]*"' "$work/stubbed/include" |
        sed -E 's/TINYTORCH_TODO\("([^"]*)", *"([^"]*)"/\1\t\2/' | sort -u >"$work/stub_names.tsv"
    if ! "${cxx:-c++}" -std=c++20 -shared -fPIC -O1 -I"$work/stubbed/include" "$src/tests/release/stub_trap.cpp" \
            -o "$trap_lib" -ldl >"$work/stub_trap.log" 2>&1; then
        cat "$work/stub_trap.log"
        fail "tests/release/stub_trap.cpp does not compile"
        stub_ok=0
    fi
fi
if [ "$stub_ok" -eq 1 ]; then
    targets=()
    for m in "${modules[@]}"; do targets+=("test_$m"); done
    # all programs at once (both cores busy); on failure each on its own, to name the ones that break
    if ! cmake --build "$sb" -j "$jobs" --target "${targets[@]}" >"$sb.log" 2>&1; then
        for m in "${modules[@]}"; do
            if ! cmake --build "$sb" -j "$jobs" --target "test_$m" >"$sb-$m.log" 2>&1; then
                stub_result[$m]="does not compile"
                fail "$m: test_$m of the stubbed student release does not compile:"
                print_build_errors "$sb-$m.log" "$work/stubbed"
                echo "(full output: $sb-$m.log)"
            fi
        done
    fi
    echo "   built in $(($(now) - t0))s"
    for m in "${modules[@]}"; do
        [ -z "${stub_result[$m]:-}" ] || continue
        read -r p t < <(run_suites "$sb" "$work/stubbed-$m.ctest.log" -- "$m")
        if [ "$t" -eq 0 ]; then
            stub_result[$m]="no tests ran"
            fail "$m: no tests ran in the stubbed release (see $work/stubbed-$m.ctest.log). If test_$m dies while listing its tests (run: $sb/tests/test_$m --list-test-names-only), a test file builds a Tensor at file scope, before main - make it a function"
        elif [ "$p" -gt 0 ]; then
            stub_result[$m]="$p/$t pass (bad)"
            fail "$m: $p of $t graded tests pass in the untouched student release (they give points for nothing); make them judge student code, or tag tests of ready-made code [provided]:"
            list_tests "$work/stubbed-$m.ctest.log.results" PASS
        else
            stub_result[$m]="0/$t pass"
        fi
    done
    read -r p t < <(run_suites "$sb" "$work/stubbed-provided.ctest.log" "LD_PRELOAD=$trap_lib" \
        "TINYTORCH_STUB_TRAP_NAMES=$work/stub_names.tsv" -- provided)
    if [ "$p" -ne "$t" ]; then
        fail "$((t - p)) of $t [provided] tests fail in the stubbed release; a [provided] test checks ready-made code only and must pass before a student writes a line, without calling a stub:"
        list_tests "$work/stubbed-provided.ctest.log.results" FAIL CRASH TIMEOUT NOTRUN
        echo "     (log: $work/stubbed-provided.ctest.log)"
    fi
    provided_result="$p/$t pass"
else
    provided_result="not run"
fi
echo "   took $(($(now) - t0))s"

# ---- C + D: per module, in the calling (stub-switchable) build ---------------------------------
echo ""
echo "== C/D. per module, in the calling build: no header of a later module; N stubbed (1..N-1 solved): every graded test fails; 1..N solved: suites 1..N pass"
t0=$(now)
folder_of() { printf '%s\n' "${1#*_}"; }
declare -A module_of_folder
for m in $(module_ids); do module_of_folder[$(folder_of "$m")]=$m; done

# headers_of TEST_TARGET — absolute paths of the headers its objects include (compiler depfiles;
# Ninja keeps them in its log)
headers_of() {
    local dir="$build/tests/CMakeFiles/$1.dir" found=0 f
    while IFS= read -r f; do
        found=1
        sed -e 's/\\$//' -e 's/^[^:]*: *//' "$f" | tr ' ' '\n'
    done < <(find "$dir" -name '*.o.d' 2>/dev/null)
    if [ "$found" -eq 0 ] && [ -f "$build/build.ninja" ]; then
        (cd "$build" && ninja -t deps $(find "tests/CMakeFiles/$1.dir" -name '*.o' 2>/dev/null)) 2>/dev/null | awk 'NF == 1 { print $1 }'
        found=1
    fi
    [ "$found" -eq 1 ]
}

upto=()
for m in "${modules[@]}"; do
    upto+=("$m")
    num=$(module_num "$m")
    # the program must be current (./tito test built it already; this is a no-op then)
    if ! cmake --build "$build" --target "test_$m" >"$work/build-$m.log" 2>&1; then
        graded_result[$m]="no build"
        solved_result[$m]="no build"
        fail "$m: test_$m does not build in $build:"
        print_build_errors "$work/build-$m.log"
        continue
    fi
    # 1. dependencies
    if ! headers_of "test_$m" >"$work/headers-$m.txt"; then
        deps_result[$m]="no depfiles"
        fail "$m: no compiler dependency files for test_$m in $build (Makefile or Ninja generators write them)"
    else
        later=$(awk -v root="$switch_dir/tinytorch/" -v num="$num" -v map="$(for k in "${!module_of_folder[@]}"; do printf '%s=%s ' "$k" "${module_of_folder[$k]}"; done)" '
            BEGIN { n = split(map, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); mod[p[1]] = p[2] } }
            index($0, root) == 1 {
                rest = substr($0, length(root) + 1); folder = rest; sub(/\/.*/, "", folder)
                if ((folder in mod) && substr(mod[folder], 1, 2) + 0 > num + 0) print mod[folder] ": include/tinytorch/" rest
            }' "$work/headers-$m.txt" | sort -u)
        if [ -n "$later" ]; then
            deps_result[$m]="includes later modules"
            fail "$m: test_$m includes headers of later modules (a module's tests may use modules 1..N only):"
            printf '%s\n' "$later" | head -n 8 | sed 's/^/     /'
        elif ! grep -qF "$switch_dir/tinytorch/" "$work/headers-$m.txt"; then
            deps_result[$m]="not switchable"
            fail "$m: test_$m does not compile the stub-switchable headers ($switch_dir)"
        else
            deps_result[$m]="ok"
        fi
    fi
    # 2. module N stubbed, 1..N-1 solved
    read -r p t < <(run_suites "$build" "$work/stub-$m.ctest.log" "TINYTORCH_STUB=$m" -- "$m")
    if [ "$t" -eq 0 ]; then
        graded_result[$m]="no tests ran"
        fail "$m: no graded test ran with $m stubbed (see $work/stub-$m.ctest.log)"
    elif [ "$p" -gt 0 ]; then
        graded_result[$m]="$p/$t pass (bad)"
        fail "$m: $p of $t graded tests pass with modules 1..$((10#$num - 1)) solved and $m stubbed, so they do not judge $m's code; make each one check a value that only $m's solution produces (or tag a test of ready-made code [provided]):"
        list_tests "$work/stub-$m.ctest.log.results" PASS
    else
        graded_result[$m]="0/$t pass"
    fi
    # 3. 1..N solved: suite N passes here (suites 1..N-1 were checked in earlier steps)
    read -r p t < <(run_suites "$build" "$work/solved-$m.ctest.log" -- "$m")
    if [ "$t" -gt 0 ] && [ "$p" -eq "$t" ]; then
        solved_result[$m]="$p/$t pass"
    else
        solved_result[$m]="$p/$t pass (bad)"
        fail "$m: $((t - p)) of $t tests of $m fail with everything solved:"
        list_tests "$work/solved-$m.ctest.log.results" FAIL CRASH TIMEOUT NOTRUN
    fi
done
echo "   took $(($(now) - t0))s"

# regions that stay in the switchable build
decl=$(grep -rln '^[[:space:]]*//[[:space:]]*BEGIN SOLUTION:[[:space:]]*declarations' "$src/include" 2>/dev/null | sed "s|^$src/||" || true)
if [ -n "$decl" ]; then
    echo ""
    echo "note: 'declarations' regions are kept (not switched off) in step C; they are in:"
    printf '%s\n' "$decl" | sed 's/^/     /'
fi

# ---- the table ---------------------------------------------------------------------------------------
echo ""
printf '%-20s %-18s %-26s %-22s %-20s\n' "module" "A/B all stubbed" "C: N stubbed, 1..N-1 solved" "D: 1..N solved" "no later header"
printf '%-20s %-18s %-26s %-22s %-20s\n' "" "(graded: 0 pass)" "(graded: 0 pass)" "(suite N passes)" "(test_N includes)"
for m in "${modules[@]}"; do
    printf '%-20s %-18s %-26s %-22s %-20s\n' "$m" "${stub_result[$m]:-?}" "${graded_result[$m]:-?}" "${solved_result[$m]:-?}" "${deps_result[$m]:-?}"
done
echo "[provided] tests in the stubbed release, with the stub trap: $provided_result"
echo ""
echo "release check: $failures problem(s), $(($(now) - t_start))s in total"
[ "$failures" -eq 0 ]
