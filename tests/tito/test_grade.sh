#!/usr/bin/env bash
# tests/tito/test_grade.sh REPO — ./tito grade against hostile submissions (CTest "tito: grade",
# label tito). Each submission is the reference's include/ (or the student release's, module 02
# stubbed) with misbehaviour added; ./tito grade grades module 02 only, at -O0, with a short time
# limit, and every submission must score what it should:
#
#   honest      the reference headers                                    all tests pass
#   nocompile   a syntax error in relu.hpp                               0 (did not compile)
#   misbehaves  the reference headers, plus, at start-up of a test:      all but the tests it breaks:
#                 name has "softmax":  SIGSEGV                              each "crashed (signal 11)"
#                 name has "gelu in":  endless loop + a forked child        each "timed out"
#                 name has "sigmoid":  prints "passed" lines, exit(0)       each "ended before ..."
#                 every test: writes into the repository, the grading      and no file outside its
#                 folder, /tmp, its own and another submission's folder,    build changed, no process
#                 and appends to tests/support/judge.hpp                    left behind
#   helpers     module 02 stubbed + allclose/equal/max_abs_diff that     0 (the tests judge with
#               always say "same", also as catch-all templates            judge::, not these)
#   macros      module 02 broken + #define CHECK/REQUIRE that do nothing 0 (refused: macros)
#   linespoof   the same CHECK behind #line "/usr/include/catch2/..."   0 (refused: #line)
#   empty       no include/tinytorch/                                    0 (not graded)
#
# and results.json must be valid Gradescope output. The misbehaviours share one submission (one
# compilation instead of four) and are checked test by test. Without a working bubblewrap the
# isolation checks cannot hold; they are reported and the test is skipped (exit 77) if all else
# passes.
set -uo pipefail
repo=$(cd -P "${1:?usage: test_grade.sh REPO}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tt-grade-test.XXXXXX")
# TITO_KEEP_WORK=1 keeps the submissions and grades for a look afterwards
[ -n "${TITO_KEEP_WORK:-}" ] && echo "work folder (kept): $work" || trap 'rm -rf "$work"' EXIT
mod=02_activations
fails=0
check() {  # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then echo "  ok    $what"; else echo "  FAIL  $what"; fails=$((fails + 1)); fi
}
t0=$(date +%s)

# ---- the submissions ------------------------------------------------------------------------------
subs="$work/subs"
mkdir -p "$subs"
"$repo/tito" release "$work/release" --solved 01 --include-untracked --quiet || { echo "./tito release failed"; exit 1; }
reference() { mkdir -p "$subs/$1"; cp -r "$repo/include" "$subs/$1/include"; }
stubbed() { mkdir -p "$subs/$1"; cp -r "$work/release/include" "$subs/$1/include"; }
umbrella=include/tinytorch/activations/activations.hpp
marker=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
# a static initializer that runs only in tests whose command line contains WORD
cmdline_hook() {  # cmdline_hook WORD CODE
    cat <<EOF
#include <fstream>
#include <iterator>
#include <string>
namespace tinytorch::hostile_test {
inline bool command_line_has(const char* word) {
    std::ifstream f("/proc/self/cmdline", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {}).find(word) != std::string::npos;
}
inline const bool armed = [] { if (command_line_has("$1")) { $2 } return true; }();
}  // namespace tinytorch::hostile_test
EOF
}

reference honest
reference nocompile
echo 'this is not C++ at all;' >>"$subs/nocompile/include/tinytorch/activations/relu.hpp"
reference misbehaves
judge_sum=$(cksum <"$repo/tests/support/judge.hpp")
# Can bubblewrap make a sandbox here (./tito grade probes the same way)? Without one, grading is
# unisolated: a submission that appends to tests/support/judge.hpp breaks the compilation of every
# submission graded after it. That escape is then left out (the isolation checks are skipped and
# the test exits 77 anyway); the harmless ones (new files) stay, to be reported.
can_sandbox=0
command -v bwrap >/dev/null 2>&1 &&
    bwrap --die-with-parent --new-session --unshare-all --cap-drop ALL --ro-bind / / /bin/true >/dev/null 2>&1 &&
    can_sandbox=1
targets=("$repo/tests/ESCAPED_$marker" "$work/out/ESCAPED_$marker" "$work/out/build/ESCAPED_$marker"
         "$work/out/build/submissions/misbehaves/ESCAPED_$marker" "$subs/misbehaves/ESCAPED_$marker"
         "$subs/honest/include/ESCAPED_$marker" "/tmp/ESCAPED_$marker" "$work/ESCAPED_$marker")
{ echo '#include <csignal>'; echo '#include <cstdio>'; echo '#include <cstdlib>'; echo '#include <unistd.h>'
  cmdline_hook softmax 'std::raise(SIGSEGV);'
  cmdline_hook "gelu in" "if (fork() == 0) { execl(\"/bin/sleep\", \"sleep\", \"42$marker\", (char*)nullptr); _exit(0); } for (volatile long i = 0;; i = i + 1) {}" |
      sed 's/hostile_test/hostile_hang/'
  cmdline_hook sigmoid 'std::puts("All tests passed (1 assertion in 1 test case)"); std::puts("100% tests passed, 0 tests failed out of 1"); std::puts("tinytorch-grade 0 0"); std::fflush(stdout); std::exit(0);' |
      sed 's/hostile_test/hostile_fake/'
  printf 'namespace tinytorch::hostile_escape {\ninline const bool escaped = [] {\n'
  for t in "${targets[@]}"; do printf '    if (FILE* f = std::fopen("%s", "w")) { std::fputs("escaped", f); std::fclose(f); }\n' "$t"; done
  [ "$can_sandbox" -eq 0 ] ||
      printf '    if (FILE* f = std::fopen("%s", "a")) { std::fputs("\\n#error escaped\\n", f); std::fclose(f); }\n' "$repo/tests/support/judge.hpp"
  printf '    return true;\n}();\n}  // namespace tinytorch::hostile_escape\n'
} >>"$subs/misbehaves/$umbrella"
stubbed helpers
cat >"$subs/helpers/include/tinytorch/tensor/testing.hpp" <<'EOF'
// a submission's "comparison helpers": everything is the same as everything
#pragma once
#include "tinytorch/tensor/core.hpp"
namespace tinytorch {
inline bool allclose(const Tensor&, const Tensor&, float = 0, float = 0, bool = false) { return true; }
inline bool equal(const Tensor&, const Tensor&) { return true; }
inline float max_abs_diff(const Tensor&, const Tensor&) { return 0.0f; }
template <typename A, typename B, typename... R> bool allclose(A&&, B&&, R&&...) { return true; }
template <typename A, typename B> bool equal(A&&, B&&) { return true; }
template <typename A, typename B> float max_abs_diff(A&&, B&&) { return 0.0f; }
}  // namespace tinytorch
EOF
reference macros
{ echo '#undef CHECK'; echo '#define CHECK(...) ((void)0)'; echo '#undef REQUIRE'; echo '#define REQUIRE(...) ((void)0)'
  echo '#undef CHECK_THAT'; echo '#define CHECK_THAT(...) ((void)0)'; } >>"$subs/macros/$umbrella"
sed -i "s|return v < 0.0f ? 0.0f : v;|return v;|" "$subs/macros/include/tinytorch/activations/relu.hpp"  # relu is now wrong
reference linespoof   # the macros of "macros", hidden behind a #line naming a system header
{ echo '#line 1 "/usr/include/catch2/catch_spoof.hpp"'; echo '#undef CHECK'; echo '#define CHECK(...) ((void)0)'; } \
    >>"$subs/linespoof/$umbrella"
sed -i "s|return v < 0.0f ? 0.0f : v;|return v;|" "$subs/linespoof/include/tinytorch/activations/relu.hpp"
mkdir -p "$subs/empty/src"

# ---- grade -------------------------------------------------------------------------------------------
order=(honest nocompile misbehaves helpers macros linespoof empty)
args=()
for s in "${order[@]}"; do args+=("$subs/$s"); done
echo "== ./tito grade --modules 02 --timeout 10 --fast-build (${#order[@]} submissions)"
"$repo/tito" grade --out "$work/out" --modules 02 --timeout 10 --compile-timeout 900 --fast-build "${args[@]}" \
    >"$work/grade.log" 2>&1
rc=$?
sed 's/^/  | /' "$work/grade.log" | tail -n 60
check "./tito grade finishes with status 0 (got $rc)" test "$rc" -eq 0
sandboxed=1
grep -q "UNISOLATED" "$work/grade.log" && sandboxed=0

names="$work/out/build/names_$mod.txt"
total=$(wc -l <"$names" | tr -d ' ')
count_names() { grep -c -- "$1" "$names" || true; }
n_crash=$(count_names softmax)
n_hang=$(count_names "gelu in")
n_fake=$(count_names sigmoid)
n_broken=$(grep -cE -- "softmax|gelu in|sigmoid" "$names" || true)
score() { awk -F, -v s="$1" 'NR > 1 && $1 == s { print $2 }' "$work/out/grades.csv"; }
output_has() { grep -q -- "$2" "$work/out/$1/results.json"; }

echo "== scores ($mod has $total graded tests: $n_crash named softmax, $n_hang 'gelu in', $n_fake sigmoid)"
printf '  %-11s %-10s %-10s\n' submission expected got
declare -A expect=(
    [honest]="$total/$total" [nocompile]="0/$total" [misbehaves]="$((total - n_broken))/$total"
    [helpers]="0/$total" [macros]="0/$total" [linespoof]="0/$total" [empty]="0/$total")
for s in "${order[@]}"; do
    printf '  %-11s %-10s %-10s\n' "$s" "${expect[$s]}" "$(score "$s")"
done
check "there are tests to grade, some named softmax, 'gelu in' and sigmoid" \
    test "$total" -gt 10 -a "$n_crash" -gt 0 -a "$n_hang" -gt 0 -a "$n_fake" -gt 0
for s in "${order[@]}"; do
    check "$s scores ${expect[$s]}" test "$(score "$s")" = "${expect[$s]}"
done
# misbehaves, test by test: the verdict each test must get (tests.tsv: module, test, status, output)
verdicts() {
    awk -F'\t' '
        function want(name) {
            if (name ~ /softmax/) return "crashed (signal 11)"
            if (name ~ /gelu in/) return "timed out after"
            if (name ~ /sigmoid/) return "ended before the test finished"
            return ""
        }
        { w = want($2)
          if (w == "" && $3 != "passed") { print "expected to pass: " $2; bad++ }
          if (w != "" && ($3 != "failed" || index($4, w) == 0)) { print "expected \"" w "\": " $2; bad++ } }
        END { exit bad > 0 }' "$work/out/misbehaves/tests.tsv"
}
one_line_each() { [ "$(wc -l <"$work/out/$1/tests.tsv" | tr -d ' ')" = "$total" ]; }
for s in "${order[@]}"; do check "$s/tests.tsv has one line per test" one_line_each "$s"; done
check "misbehaves: each test has the verdict of what it did (crash, timeout, early exit, else passed)" verdicts
check "nocompile: the output says it did not compile" output_has nocompile "did not compile"
check "helpers: the tests ran and reached the stubs (TODO)" output_has helpers "TODO: "
check "macros: refused, naming the macros" output_has macros "define macros"
check "linespoof: refused, naming the #line directive" output_has linespoof "#line directives"
check "empty: not graded, saying why" output_has empty "no include/tinytorch"

echo "== results.json is Gradescope output"
validate() {
    /usr/bin/env python3 - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert isinstance(r["tests"], list) and r["tests"], "tests[] missing"
assert isinstance(r.get("score"), (int, float)), "score"
for t in r["tests"]:
    for k, ty in (("name", str), ("score", (int, float)), ("max_score", (int, float)), ("status", str), ("output", str), ("visibility", str)):
        assert isinstance(t.get(k), ty), "test field %s" % k
    assert t["status"] in ("passed", "failed"), t["status"]
    assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert (t["score"] == t["max_score"]) == (t["status"] == "passed")
assert abs(r["score"] - sum(t["score"] for t in r["tests"])) < 1e-9
if "leaderboard" in r:
    assert all("name" in e and "value" in e for e in r["leaderboard"])
EOF
}
if command -v python3 >/dev/null 2>&1; then
    for s in "${order[@]}"; do check "$s/results.json is valid" validate "$work/out/$s/results.json"; done
else
    echo "  (python3 is missing: results.json not validated)"
    fails=$((fails + 1))
fi

echo "== isolation"
escaped=()
for t in "${targets[@]}"; do [ -e "$t" ] && escaped+=("$t"); done
iso_ok=1
[ ${#escaped[@]} -eq 0 ] || iso_ok=0
[ "$(cksum <"$repo/tests/support/judge.hpp")" = "$judge_sum" ] || iso_ok=0
pgrep -f "sleep 42$marker" >/dev/null 2>&1 && iso_ok=0
pkill_leftovers() { local p; for p in $(pgrep -f "sleep 42$marker" 2>/dev/null); do kill "$p" 2>/dev/null; done; }
if [ "$sandboxed" -eq 1 ]; then
    check "no file outside the submission's build was written (${escaped[*]:-none})" test ${#escaped[@]} -eq 0
    check "tests/support/judge.hpp is unchanged" test "$(cksum <"$repo/tests/support/judge.hpp")" = "$judge_sum"
    check "no process of the hanging submission is left" test -z "$(pgrep -f "sleep 42$marker" 2>/dev/null)"
else
    echo "  SKIPPED: no working bubblewrap here, so submissions ran unisolated (escaped: ${escaped[*]:-none})"
fi
# undo what an unisolated run let through
for t in "${escaped[@]}"; do rm -f "$t"; done
if [ "$(cksum <"$repo/tests/support/judge.hpp")" != "$judge_sum" ]; then
    sed -i '/^#error escaped$/d' "$repo/tests/support/judge.hpp"
    sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$repo/tests/support/judge.hpp"
fi
pkill_leftovers

echo "tito grade test: $fails problem(s) in $(($(date +%s) - t0))s"
[ "$fails" -eq 0 ] || exit 1
[ "$sandboxed" -eq 1 ] || exit 77
exit 0
