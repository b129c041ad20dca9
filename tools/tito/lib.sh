# tools/tito/lib.sh — helpers shared by every ./tito command. Sourced by ./tito, never run.
#
# Conventions
#   TITO_ROOT     the checkout (reference repository or student release) ./tito lives in
#   TITO_PRESET   CMake preset used by build/test commands (dev; student in a student release)
#   exit codes    0 ok · 1 tests failed / leak found · 2 usage, configure or build error ·
#                 3 milestone prerequisites not met
# Only POSIX tools, bash and awk (mawk-compatible: no gawk extensions, no regex intervals).

# ---- output ---------------------------------------------------------------------------------
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != "dumb" ]; then
    C_RED=$'\033[31m' C_GREEN=$'\033[32m' C_YELLOW=$'\033[33m' C_BLUE=$'\033[34m'
    C_BOLD=$'\033[1m' C_DIM=$'\033[2m' C_OFF=$'\033[0m'
else
    C_RED='' C_GREEN='' C_YELLOW='' C_BLUE='' C_BOLD='' C_DIM='' C_OFF=''
fi

say()   { printf '%s\n' "$*"; }
info()  { printf '%s==>%s %s\n' "$C_BLUE$C_BOLD" "$C_OFF" "$*"; }
ok()    { printf '%s%s%s\n' "$C_GREEN" "$*" "$C_OFF"; }
warn()  { printf '%swarning:%s %s\n' "$C_YELLOW" "$C_OFF" "$*" >&2; }
err()   { printf '%serror:%s %s\n' "$C_RED" "$C_OFF" "$*" >&2; }
# die CODE MESSAGE...
die()   { local code=$1; shift; err "$*"; exit "$code"; }
bold()  { printf '%s%s%s' "$C_BOLD" "$*" "$C_OFF"; }

# Path relative to the checkout, for messages ("include/tinytorch/tensor/shape.hpp").
relpath() {
    case "$1" in
        "$TITO_ROOT"/*) printf '%s\n' "${1#"$TITO_ROOT"/}" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

# Absolute path of a (possibly not yet existing) path.
abspath() {
    case "$1" in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s/%s\n' "$(pwd)" "${1#./}" ;;
    esac
}

now() { date +%s; }

# ---- the module table: modules/modules.tsv (never copied) -----------------------------------
TITO_MODULES_TSV="$TITO_ROOT/modules/modules.tsv"
TITO_MILESTONES_TSV="$TITO_ROOT/milestones/milestones.tsv"

# Rows "NN<TAB>name<TAB>needs<TAB>title" without comments or blank lines.
modules_table() {
    [ -f "$TITO_MODULES_TSV" ] || die 2 "missing $TITO_MODULES_TSV (the module table)"
    awk -F'\t' '$1 ~ /^[0-9][0-9]$/ && NF >= 2 { print $1 "\t" $2 "\t" $3 "\t" $4 }' "$TITO_MODULES_TSV"
}

# All module ids: 01_tensor 02_activations ...
module_ids() { modules_table | awk -F'\t' '{ print $1 "_" $2 }'; }

# module_field ID COLUMN  (COLUMN: name | needs | title)
module_field() {
    modules_table | awk -F'\t' -v id="$1" -v col="$2" '
        $1 "_" $2 == id { if (col == "name") print $2; else if (col == "needs") print $3; else print $4 }'
}

# Resolve "1", "01", "tensor" or "01_tensor" to "01_tensor"; prints nothing if unknown.
module_lookup() {
    local arg=$1
    case "$arg" in
        '' ) return 1 ;;
        *[!0-9]*) ;;
        *) [ "${#arg}" -le 3 ] || return 1; arg=$(printf '%02d' "$((10#$arg))") ;;
    esac
    modules_table | awk -F'\t' -v a="$arg" '
        $1 == a || $2 == a || $1 "_" $2 == a { print $1 "_" $2; found = 1; exit }
        END { exit found ? 0 : 1 }'
}

modules_help_list() {
    modules_table | awk -F'\t' '{ printf "  %s %-14s%s", $1, $2, (NR % 4 == 0 ? "\n" : "") } END { if (NR % 4) print "" }'
}

# module_resolve ARG -> prints NN_name or dies listing the valid modules.
module_resolve() {
    local id
    if id=$(module_lookup "$1"); then
        printf '%s\n' "$id"
    else
        err "unknown module '$1'. Valid modules (number, name or both, e.g. 1, 01, tensor, 01_tensor):"
        modules_help_list >&2
        exit 2
    fi
}

# Module ids whose number is in a comma list ("01,02,03" or "01-08,10") or given by name.
# Prints one id per line; dies on an unknown entry.
module_list_expand() {
    local item lo hi n
    for item in ${1//,/ }; do
        item=${item// /}
        [ -n "$item" ] || continue
        case "$item" in
            *-*)
                lo=$(module_resolve "${item%%-*}") || exit 2
                hi=$(module_resolve "${item#*-}") || exit 2
                for ((n = 10#${lo%%_*}; n <= 10#${hi%%_*}; n++)); do
                    module_resolve "$n"
                done
                ;;
            *) module_resolve "$item" ;;
        esac
    done
}

module_num()    { printf '%s\n' "${1%%_*}"; }
module_folder() { printf '%s\n' "${1#*_}"; }

# A module "has tests" when tests/NN_name/ holds at least one .cpp file.
module_has_tests() {
    local f
    for f in "$TITO_ROOT/tests/$1"/*.cpp; do
        [ -f "$f" ] && return 0
    done
    return 1
}

modules_with_tests() {
    local id
    for id in $(module_ids); do
        module_has_tests "$id" && printf '%s\n' "$id"
    done
    return 0
}

# ---- the milestone table: milestones/milestones.tsv -----------------------------------------
milestones_table() {
    [ -f "$TITO_MILESTONES_TSV" ] || die 2 "missing $TITO_MILESTONES_TSV (the milestone table)"
    awk -F'\t' '$1 ~ /^[0-9][0-9]$/ && NF >= 4 { print $1 "\t" $2 "\t" $3 "\t" $4 }' "$TITO_MILESTONES_TSV"
}

# Resolve "3", "03", "mlp", "1986" or "03_1986_mlp" to the folder name "03_1986_mlp".
milestone_lookup() {
    local arg=$1
    case "$arg" in
        '' ) return 1 ;;
        *[!0-9]*) ;;
        *) if [ "${#arg}" -le 2 ]; then arg=$(printf '%02d' "$((10#$arg))"); fi ;;
    esac
    milestones_table | awk -F'\t' -v a="$arg" '
        { rest = $2; sub(/^[0-9][0-9]_[0-9][0-9][0-9][0-9]_/, "", rest)
          year = substr($2, 4, 4) }
        $1 == a || $2 == a || rest == a || year == a { print $2; found = 1; exit }
        END { exit found ? 0 : 1 }'
}

milestone_resolve() {
    local f
    if f=$(milestone_lookup "$1"); then
        printf '%s\n' "$f"
    else
        err "unknown milestone '$1'. Valid milestones (e.g. 3, 03, mlp, 03_1986_mlp):"
        milestones_table | awk -F'\t' '{ printf "  %s  %-22s %s\n", $1, $2, $4 }' >&2
        exit 2
    fi
}

# milestone_field FOLDER COLUMN (needs | title | number)
milestone_field() {
    milestones_table | awk -F'\t' -v f="$1" -v col="$2" '
        $2 == f { if (col == "needs") print $3; else if (col == "number") print $1; else print $4 }'
}

# ---- build ----------------------------------------------------------------------------------
# A student release carries tools/tito/RELEASE; it builds with the "student" preset by default.
if [ -z "${TITO_PRESET:-}" ]; then
    if [ -f "$TITO_ROOT/tools/tito/RELEASE" ]; then TITO_PRESET=student; else TITO_PRESET=dev; fi
fi

build_dir() { printf '%s\n' "$TITO_ROOT/build/$TITO_PRESET"; }

need_tool() {
    command -v "$1" >/dev/null 2>&1 || die 2 "'$1' is not installed; run ./tito setup (or see ./tito doctor)"
}

# Configure build/<preset> unless it already has a CMakeCache.txt.
ensure_configured() {
    local bdir log
    bdir=$(build_dir)
    [ -f "$bdir/CMakeCache.txt" ] && return 0
    # first configure of this build: install what is missing (tools/tito/cmd/setup.sh)
    # shellcheck source=cmd/setup.sh
    . "$TITO_ROOT/tools/tito/cmd/setup.sh"
    setup_auto
    need_tool cmake
    mkdir -p "$bdir"
    log="$bdir/tito-configure.log"
    # A student release builds with Ninja when it is installed: after an edit it starts compiling
    # about a second sooner than make (no recursive makes, no second dependency scan).
    local gen=()
    if [ "$TITO_PRESET" = student ] && command -v ninja >/dev/null 2>&1; then gen=(-G Ninja); fi
    info "configuring: cmake --preset $TITO_PRESET ${gen[*]}"
    if ! (cd "$TITO_ROOT" && cmake --preset "$TITO_PRESET" "${gen[@]}") >"$log" 2>&1; then
        err "cmake --preset $TITO_PRESET failed. Last lines of $(relpath "$log"):"
        tail -n 25 "$log" >&2
        say "Hint: ./tito doctor shows what is missing; ./tito setup installs it." >&2
        rm -f "$bdir/CMakeCache.txt"   # so that the next run configures again
        exit 2
    fi
}

# Does the configured build know this target? (Makefiles and Ninja both answer "help".)
build_has_target() {
    local bdir
    bdir=$(build_dir)
    [ -f "$bdir/tito-targets.txt" ] && [ "$bdir/tito-targets.txt" -nt "$bdir/CMakeCache.txt" ] &&
        [ "$bdir/tito-targets.txt" -nt "$TITO_MODULES_TSV" ] || {
        cmake --build "$bdir" --target help 2>/dev/null |
            awk '{ for (i = 1; i <= NF; i++) { t = $i; sub(/:.*/, "", t); print t } }' >"$bdir/tito-targets.txt" || true
    }
    grep -qx -- "$1" "$bdir/tito-targets.txt"
}

# print_build_errors LOG [ROOT2] — the first compiler errors, and the file they are in (paths
# shown relative to the checkout, or to ROOT2, e.g. a graded submission).
print_build_errors() {
    local log=$1 root2=${2:-}
    awk -v root="$TITO_ROOT/" -v root2="${root2:+$root2/}" '
        function rel(s) {
            if (root2 != "") while ((i = index(s, root2)) > 0) s = substr(s, 1, i - 1) substr(s, i + length(root2))
            while ((i = index(s, root)) > 0) s = substr(s, 1, i - 1) substr(s, i + length(root))
            return s
        }
        /: (fatal )?error: / && shown < 4 {
            if (first == "") { first = $0; sub(/:[0-9]+:[0-9]+: .*/, "", first); sub(/:[0-9]+: .*/, "", first) }
            print rel($0); left = 3; shown++; next
        }
        left > 0 && /^ *[0-9]* *[|]/ { print rel($0); left--; next }
        { left = 0 }
        /CMake Error|undefined reference|ld returned|Error [0-9]+/ { other[++n] = rel($0) }
        END {
            if (shown == 0) { for (i = 1; i <= n && i <= 8; i++) print other[i]; if (n == 0) print "(no compiler error found; see the log)" }
            if (first != "") printf("\nThe first error is in %s\n", rel(first))
        }' "$log" 2>&1
}

# tito_build TARGET... — incremental build of the given targets (all targets if none).
tito_build() {
    ensure_configured
    local bdir log t0 args=() label
    bdir=$(build_dir)
    log="$bdir/tito-build.log"
    if [ $# -gt 0 ]; then args=(--target "$@"); label="$*"; else label="everything"; fi
    info "building $label  ${C_DIM}(log: $(relpath "$log"))${C_OFF}"
    t0=$(now)
    if ! (cd "$TITO_ROOT" && cmake --build --preset "$TITO_PRESET" "${args[@]}") >"$log" 2>&1; then
        err "the build failed. First errors:"
        print_build_errors "$log" >&2
        say "Full compiler output: $(relpath "$log")" >&2
        return 2
    fi
    say "   built in $(($(now) - t0))s"
}

# Find the executable a target produced (target name == file name).
find_executable() {
    local bdir
    bdir=$(build_dir)
    find "$bdir" -type f -name "$1" -perm -u+x -print -quit 2>/dev/null
}

# ---- test results ---------------------------------------------------------------------------
# stub_names DIR... — the function names stubs report ("Tensor(values, shape)"), one per line,
# from BEGIN SOLUTION annotations (reference) and TINYTORCH_TODO lines (student release).
stub_names() {
    local d
    for d in "$@"; do
        [ -d "$d" ] || continue
        find "$d" -type f -name '*.hpp' -exec awk '
            /\/\/[ \t]*BEGIN SOLUTION:/ { s = $0; sub(/.*BEGIN SOLUTION:[ \t]*/, "", s); sub(/ \(§[^()]*\)[ \t\r]*$/, "", s); print s }
            /TINYTORCH_TODO\("/ { s = $0; sub(/.*TINYTORCH_TODO\("[^"]*", *"/, "", s); sub(/".*/, "", s); print s }' {} +
    done | sort -u
}

# parse_ctest_log LOG [summary|json] [INCLUDE_DIR...]
#   Reads `ctest --output-on-failure` output and prints one record per test, ordered by test
#   number:  num<TAB>status<TAB>group<TAB>case<TAB>detail   (see tools/tito/ctest_parse.awk)
#   status: PASS FAIL TIMEOUT CRASH NOTRUN · group: the module label ("01_tensor") taken from the
#   test-name prefix · detail: "TODO: <function> — read modules/NN/README.md §N" for a
#   tinytorch::NotImplemented, else the first failure (file:line and expression).
parse_ctest_log() {
    local log=$1 mode=${2:-summary} names
    shift 2 2>/dev/null || shift $#
    names=$(mktemp "${TMPDIR:-/tmp}/tito-names.XXXXXX")
    if [ $# -gt 0 ]; then stub_names "$@" >"$names"; else stub_names "$TITO_ROOT/include" >"$names"; fi
    awk -v mode="$mode" -v root="$TITO_ROOT/" -v names="$names" -f "$TITO_ROOT/tools/tito/ctest_parse.awk" "$log" | sort -n -k1,1
    rm -f "$names"
}

# run_ctest LOG ARGS... — ctest --preset P ARGS into LOG; returns ctest's exit code.
run_ctest() {
    local log=$1
    shift
    (cd "$TITO_ROOT" && ctest --preset "$TITO_PRESET" --output-on-failure "$@") >"$log" 2>&1
}

# A regex for ctest -L that matches exactly the given labels: ^(01_tensor|02_activations)$
label_regex() {
    local IFS='|'
    printf '^(%s)$\n' "$*"
}

# print_test_report RESULTS_TSV VERBOSE — the student-friendly summary of parse_ctest_log output:
#   one line per suite ("01_tensor        42/57 passed"), then its failing tests with the stub to
#   write (TODO: ...) or the first failed check. VERBOSE=1 lists every failure (else 12/suite).
# Returns 0 when every test passed.
print_test_report() {
    local results=$1 verbose=${2:-0}
    awk -F'\t' -v verbose="$verbose" -v red="$C_RED" -v green="$C_GREEN" -v yellow="$C_YELLOW" \
        -v dim="$C_DIM" -v bold="$C_BOLD" -v off="$C_OFF" '
        function grp(g) { return (g ~ /^milestone /) ? "milestones" : g }
        {
            g = grp($3)
            if (!(g in total)) { order[++ng] = g; total[g] = 0; passed[g] = 0; nf[g] = 0 }
            total[g]++
            if ($2 == "PASS") { passed[g]++; next }
            nf[g]++
            tag = ($2 == "FAIL") ? "FAIL" : $2
            if (verbose || nf[g] <= 12) {
                lines[g] = lines[g] sprintf("    %s%-7s%s %s\n", red, tag, off, (g == $3 ? $4 : $3 ": " $4))
                if ($5 != "") lines[g] = lines[g] sprintf("            %s\n", $5)
            }
            # next step: the stub of the lowest module and lesson section that blocks a test
            if ($5 ~ /^TODO: /) {
                todo_count[$5]++
                key = 999999
                if (match($5, /modules\/[0-9][0-9]_/)) key = substr($5, RSTART + 8, 2) * 1000
                if (match($5, /§[0-9]+/)) key += substr($5, RSTART + length("§"), RLENGTH - length("§"))
                if (first_todo == "" || key < first_key) { first_todo = $5; first_key = key }
            }
            if (first_fail == "") first_fail = g ": " $4
        }
        END {
            if (ng == 0) exit 2
            for (i = 1; i <= ng; i++) {
                g = order[i]
                col = (passed[g] == total[g]) ? green : red
                printf "  %s%-22s%s %s%d/%d passed%s\n", bold, g, off, col, passed[g], total[g], off
                printf "%s", lines[g]
                if (!verbose && nf[g] > 12) printf "    %s... and %d more failing tests (-v lists them all)%s\n", dim, nf[g] - 12, off
                T += total[g]; P += passed[g]
            }
            printf "\n%d tests, %s%d passed%s, %s%d failed%s\n", T, green, P, off, (T > P ? red : ""), T - P, off
            if (first_todo != "") printf "next step: %s%s%s  (%d failing test%s need it)\n", yellow, first_todo, off, todo_count[first_todo], (todo_count[first_todo] == 1 ? "" : "s")
            exit (T == P ? 0 : 1)
        }' "$results"
}

# ensure_targets TARGET... — configure (again) when the build does not know a target yet, e.g.
# after a new tests/NN_name/ folder appeared; dies if the target still does not exist.
ensure_targets() {
    ensure_configured
    local t missing=()
    for t in "$@"; do build_has_target "$t" || missing+=("$t"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    info "re-configuring to pick up ${missing[*]}"
    (cd "$TITO_ROOT" && cmake --preset "$TITO_PRESET") >"$(build_dir)/tito-configure.log" 2>&1 ||
        { tail -n 25 "$(build_dir)/tito-configure.log" >&2; die 2 "cmake --preset $TITO_PRESET failed"; }
    rm -f "$(build_dir)/tito-targets.txt"
    for t in "${missing[@]}"; do
        build_has_target "$t" || die 2 "the build has no target '$t' (is its folder complete? see $(relpath "$(build_dir)/tito-configure.log"))"
    done
}

# ./tito test and ./tito status: the student-facing report (tools/tito/feedback.sh)
# shellcheck source=tools/tito/feedback.sh
. "$TITO_ROOT/tools/tito/feedback.sh"
