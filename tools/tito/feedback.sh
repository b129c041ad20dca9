# tools/tito/feedback.sh — what ./tito test and ./tito status tell a student. Sourced by lib.sh.
#
#   * the stub index: every function a student writes (from the BEGIN SOLUTION markers in the
#     reference, from tools/tito/stubs.tsv in a release), its lesson section, its file, whether
#     it is still a TINYTORCH_TODO stub, and its place in the lesson's order
#     (modules/NN_name/stubs.tsv: the order, and which stubs each one needs);
#   * the report: failures in code the student wrote (failed checks, crashes, timeouts) first,
#     then the stubs still to write in the lesson's order, a summary line, the next step, and
#     how the passing count moved since the last run (results kept per build);
#   * crashes and hangs turned into file:line (addr2line on the frames tests/support/catch_main.cpp
#     prints, or the sanitizers' own stacks);
#   * compile errors and warnings, the student's own files first, each error once.
# Only POSIX tools, bash and awk (mawk-compatible).

# ---- the stub index ---------------------------------------------------------------------------

# stub_markers ROOT — "module<TAB>section<TAB>name<TAB>file" for every BEGIN SOLUTION region of
# the reference headers under ROOT/include/tinytorch/<module folder>/ (file relative to ROOT).
stub_markers() {
    local root=$1
    [ -d "$root/include/tinytorch" ] || return 0
    modules_table | awk -F'\t' '{ print $2 "\t" $1 "_" $2 }' >"${TMPDIR:-/tmp}/tito-map.$$"
    (cd "$root" && find include/tinytorch -mindepth 2 -type f -name '*.hpp' | LC_ALL=C sort |
        xargs awk -v map="${TMPDIR:-/tmp}/tito-map.$$" '
            BEGIN { while ((getline l < map) > 0) { split(l, kv, "\t"); mod[kv[1]] = kv[2] } }
            FNR == 1 { split(FILENAME, p, "/"); m = mod[p[3]] }
            m != "" && /\/\/[ \t]*BEGIN SOLUTION:/ {
                s = $0; sub(/.*BEGIN SOLUTION:[ \t]*/, "", s); sub(/[ \t\r]+$/, "", s)
                if (s == "declarations" || s !~ / \(§[^()]*\)$/) next
                sec = s; sub(/.* \(/, "", sec); sub(/\)$/, "", sec)
                name = s; sub(/ \(§[^()]*\)$/, "", name)
                printf "%s\t%s\t%s\t%s\n", m, sec, name, FILENAME
            }')
    rm -f "${TMPDIR:-/tmp}/tito-map.$$"
}

# stub_todos ROOT — "module<TAB>name" of every TINYTORCH_TODO stub still in ROOT/include.
stub_todos() {
    local root=$1
    [ -d "$root/include/tinytorch" ] || return 0
    # (no stub at all, as in the reference, is not an error: grep's status 1 must not end ./tito)
    { grep -rhoE 'TINYTORCH_TODO\("[0-9][0-9]_[a-z0-9_]+", *"[^"]*"' "$root/include/tinytorch" 2>/dev/null || true; } |
        sed -E 's/^TINYTORCH_TODO\("([^"]*)", *"([^"]*)"$/\1\t\2/' | LC_ALL=C sort -u
}

# stub_index [ROOT] — one line per stub, in the order a student writes them:
#   rank<TAB>module<TAB>section<TAB>name<TAB>file<TAB>needs<TAB>state<TAB>with
# rank: the module number * 1000 + the row of modules/NN_name/stubs.tsv (stubs the table does
# not list follow, by section); needs: ";"-separated stub names; state: todo (a TINYTORCH_TODO
# stub is still in the source) or written; with: the stubs written in the same step (";", or -).
stub_index() {
    local root=${1:-$TITO_ROOT} list
    list=$(mktemp "${TMPDIR:-/tmp}/tito-stubs.XXXXXX")
    if [ -f "$root/tools/tito/stubs.tsv" ]; then
        grep -v '^#' "$root/tools/tito/stubs.tsv" >"$list" || true
    else
        stub_markers "$root" >"$list"
    fi
    stub_todos "$root" >"$list.todo"
    : >"$list.tables"
    local f
    for f in "$root"/modules/[0-9][0-9]_*/stubs.tsv; do
        [ -f "$f" ] || continue
        awk -F'\t' -v m="$(basename "$(dirname "$f")")" '!/^#/ && NF >= 2 { print m "\t" (++r) "\t" $2 "\t" (NF >= 3 ? $3 : "-") "\t" (NF >= 4 && $4 != "" ? $4 : "-") }' "$f" >>"$list.tables"
    done
    awk -F'\t' -v todo="$list.todo" -v tables="$list.tables" '
        BEGIN {
            while ((getline l < todo) > 0) { split(l, t, "\t"); istodo[t[1], t[2]] = 1 }
            while ((getline l < tables) > 0) {
                split(l, t, "\t"); row[t[1], t[3]] = t[2] + 0; need[t[1], t[3]] = t[4]
                if (t[5] != "-" && t[5] != "") {   # "with" is symmetric: each names the others
                    n = split(t[5], w, /;/)
                    for (i = 1; i <= n; i++) { addwith(t[1], t[3], w[i]); addwith(t[1], w[i], t[3]) }
                }
            }
        }
        function addwith(m, a, b) { if (index(";" with[m, a] ";", ";" b ";") == 0) with[m, a] = (with[m, a] == "" ? b : with[m, a] ";" b) }
        NF >= 4 {
            m = $1; sec = $2; sub(/^§/, "", sec); sec += 0
            if ((m, $3) in row) r = row[m, $3]
            else r = 500 + sec * 20 + (++extra[m, sec])
            rank = substr(m, 1, 2) * 1000 + r
            printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", rank, m, $2, $3, $4, ((m, $3) in need ? need[m, $3] : "-"),
                (((m, $3) in istodo) ? "todo" : "written"), (((m, $3) in with) ? with[m, $3] : "-")
        }' "$list" | sort -n -k1,1
    rm -f "$list" "$list.todo" "$list.tables"
}

# student_files [ROOT] — the headers that hold functions a student writes, one per line.
student_files() {
    stub_index "${1:-$TITO_ROOT}" | cut -f5 | LC_ALL=C sort -u
}

# ---- crashes and hangs: frames to file:line -------------------------------------------------

# symbolize_results RESULTS — rewrite, in place, the "[frames EXE 0x..]" and "[stack ...]" tails
# of parse_ctest_log records into "at FILE:LINE in FUNCTION": the first frame in a file the
# student writes, else the first in the framework, else the first in a test.
symbolize_results() {
    local results=$1 files tmp line exe addrs sym base
    grep -qE '\[(frames|stack) ' "$results" || return 0
    files=$(mktemp "${TMPDIR:-/tmp}/tito-files.XXXXXX")
    tmp=$(mktemp "${TMPDIR:-/tmp}/tito-sym.XXXXXX")
    student_files >"$files"
    while IFS= read -r line; do
        case "$line" in
            *"[frames "*"]")
                exe=${line##*\[frames }; exe=${exe%%]*}; addrs=${exe#* }; exe=${exe%% *}
                if [ "$exe" = "-" ] || [ ! -x "$exe" ]; then
                    exe=$(find_executable "test_$(printf '%s' "$line" | cut -f3 | sed 's/ .*//')")
                fi
                sym=""
                if [ -n "$exe" ] && command -v addr2line >/dev/null 2>&1; then
                    # (awk reads all of nm's output: leaving early would kill nm with SIGPIPE, and
                    # under `set -o pipefail` that ends ./tito itself)
                    base=$(nm "$exe" 2>/dev/null | awk '$3 == "__executable_start" && b == "" { b = $1 } END { print b }')
                    # return addresses point after the call: look up the byte before
                    sym=$(for a in $addrs; do printf '0x%x\n' $(( a + 0x${base:-0} - 1 )); done |
                        addr2line -C -f -e "$exe" 2>/dev/null | paste - - |
                        awk -F'\t' '{ loc = $2; sub(/ \(discriminator [0-9]+\)/, "", loc); printf "%s%s %s", (NR > 1 ? " | " : ""), loc, $1 }')
                fi
                printf '%s\n' "${line%% \[frames *}$(pick_frame "$sym" "$files")"
                ;;
            *"[stack "*"]")
                sym=${line##*\[stack }; sym=${sym%]}
                printf '%s\n' "${line%% \[stack *}$(pick_frame "$sym" "$files")"
                ;;
            *) printf '%s\n' "$line" ;;
        esac
    done <"$results" >"$tmp"
    mv "$tmp" "$results"
    rm -f "$files"
}

# pick_frame "FILE:LINE FUNC | FILE:LINE FUNC ..." STUDENT_FILES — " at FILE:LINE in FUNC" for
# the most useful frame (see symbolize_results), or "" when no frame is in this checkout.
pick_frame() {
    printf '%s\n' "$1" | awk -v root="$TITO_ROOT/" -v files="$2" '
        BEGIN { while ((getline l < files) > 0) mine[l] = 1 }
        {
            n = split($0, fr, / [|] /)
            for (i = 1; i <= n; i++) {
                loc = fr[i]; sub(/^ +/, "", loc); fn = loc
                sub(/ .*/, "", loc); sub(/^[^ ]* ?/, "", fn)
                if (index(loc, root) == 1) loc = substr(loc, length(root) + 1)
                if (loc ~ /:[0-9]+:[0-9]+$/) sub(/:[0-9]+$/, "", loc)    # FILE:LINE:COL -> FILE:LINE
                file = loc; sub(/:[0-9]+$/, "", file)
                if (file ~ /^\?\?/ || loc !~ /:[0-9]+$/) continue
                if (file ~ /^tests\/support\//) continue                   # the crash/watchdog handler itself
                sub(/\(.*$/, "", fn)                                      # drop the parameter list
                if (fn ~ /C_A_T_C_H_T_E_S_T/) fn = ""                       # code inlined into a test case
                what = loc (fn == "" || fn == "-" || fn == "??" ? "" : " in " fn)
                if (file in mine) { if (s == "") s = what }
                else if (file ~ /^include\// && f == "") f = what
                else if (file ~ /^tests\// && t == "") t = what
            }
        }
        END {
            if (s != "") print " at " s " (your code)"
            else if (f != "") print " at " f (t != "" ? ", called from " t : "")
            else if (t != "") print " at " t
        }'
}

# ---- results kept per build -------------------------------------------------------------------

results_dir() { printf '%s\n' "$(build_dir)/tito-results"; }

# save_results RESULTS — keep each suite's records (group<TAB>case<TAB>status<TAB>detail) as
# tito-results/<group>.tsv, with the test program's identity (size and time) on the first line.
save_results() {
    local results=$1 dir g exe stamp
    dir=$(results_dir)
    mkdir -p "$dir"
    for g in $(cut -f3 "$results" | grep -E '^[0-9][0-9]_[a-z0-9_]+$' | sort -u); do
        exe=$(find_executable "test_$g")
        stamp=$(program_stamp "$exe")
        {
            printf '# program %s\n' "$stamp"
            awk -F'\t' -v g="$g" '$3 == g { printf "%s\t%s\t%s\t%s\n", $3, $4, $2, $5 }' "$results"
        } >"$dir/$g.tsv.new"
        mv "$dir/$g.tsv.new" "$dir/$g.tsv"
    done
}

# program_stamp EXE — "size mtime" of a test program ("-" when it does not exist).
program_stamp() {
    if [ -n "$1" ] && [ -f "$1" ]; then
        if stat -c '%s %Y' "$1" >/dev/null 2>&1; then stat -c '%s %Y' "$1"; else stat -f '%z %m' "$1"; fi
    else
        printf -- '-\n'
    fi
}

# previous_results GROUP... — the kept records of those suites (group<TAB>case<TAB>status<TAB>detail).
previous_results() {
    local g dir
    dir=$(results_dir)
    for g in "$@"; do
        [ -f "$dir/$g.tsv" ] && grep -v '^#' "$dir/$g.tsv"
    done
    return 0
}

# ---- running the suites --------------------------------------------------------------------------

# run_ctest_watched LOG ARGS... — like run_ctest, but stops the run once TITO_STOP_AFTER_TIMEOUTS
# (default 2) tests were stopped by the watchdog or timed out: an endless loop in a function
# many tests call would otherwise keep the student waiting for every one of them. Prints
# "stopped" on stdout when it stopped the run. Returns ctest's exit code.
run_ctest_watched() {
    local log=$1 limit=${TITO_STOP_AFTER_TIMEOUTS:-2} pid rc=0 n
    shift
    : >"$log"
    set -m
    (cd "$TITO_ROOT" && exec ctest --preset "$TITO_PRESET" --output-on-failure "$@") >"$log" 2>&1 &
    pid=$!
    set +m
    while kill -0 "$pid" 2>/dev/null; do
        n=$(grep -cE '^tinytorch-watchdog: |\*\*\*Timeout' "$log" 2>/dev/null || true)
        if [ "${n:-0}" -ge "$limit" ]; then
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            echo stopped
            return 1
        fi
        sleep 0.2
    done
    wait "$pid" || rc=$?
    return "$rc"
}

# run_programs_once LOG ID... — the suites of these modules, each test program run ONCE for all its
# test cases (TINYTORCH_TEST_MARKERS=1 frames each case's output), instead of CTest's one process
# per test case (~30 ms of start-up each: 211 processes took ~4 s of a module 01 cycle). LOG is
# written in CTest's --output-on-failure format (tools/tito/run_split.awk), so parse_ctest_log
# reads it unchanged. A crash or a hang ends the process: the tests after it run in a new one.
# The time limit is CTest's (TINYTORCH_TEST_TIMEOUT), counted per test case by the program's
# watchdog; tito stops a program that printed nothing for that long plus 5 s. Stops like
# run_ctest_watched after TITO_STOP_AFTER_TIMEOUTS (default 2) timeouts and prints "stopped".
# Returns 3 (nothing run) when a program or its test list is missing: callers fall back to CTest.
run_programs_once() {
    local log=$1
    shift
    local limit=${TITO_STOP_AFTER_TIMEOUTS:-2} timeout wd tmp id exe n total=0 base=0 next spec rc killed
    local timeouts=0 timeouts_run t t0 t1 pid lines seen since
    timeout=$(awk -F= '/^TINYTORCH_TEST_TIMEOUT:/ { print $2 }' "$(build_dir)/CMakeCache.txt" 2>/dev/null)
    case "$timeout" in '' | *[!0-9]*) timeout=300 ;; esac
    wd=$timeout
    [ "$timeout" -le 2 ] || wd=$((timeout - 1))
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/tito-run.XXXXXX")
    for id in "$@"; do
        exe=$(find_executable "test_$id")
        [ -n "$exe" ] || { rm -rf "$tmp"; return 3; }
        # (Catch2 v2 lists with --list-test-names-only and exits with the number of tests; v3 has
        # --list-tests --verbosity quiet)
        (cd "$(dirname "$exe")" && "$exe" --list-test-names-only "~[provided]~[.]") 2>/dev/null |
            grep -v '^[[:space:]]*$' >"$tmp/$id.names" || true
        [ -s "$tmp/$id.names" ] ||
            (cd "$(dirname "$exe")" && "$exe" --list-tests --verbosity quiet "~[provided]~[.]") 2>/dev/null |
            grep -v '^[[:space:]]*$' >"$tmp/$id.names" || true
        [ -s "$tmp/$id.names" ] || { rm -rf "$tmp"; return 3; }
        total=$((total + $(wc -l <"$tmp/$id.names")))
    done
    : >"$log"
    for id in "$@"; do
        exe=$(find_executable "test_$id")
        n=$(wc -l <"$tmp/$id.names")
        next=1
        while [ "$next" -le "$n" ]; do
            if [ "$next" -eq 1 ]; then
                spec="~[provided]~[.]"
            else  # the names after the test that ended the last run, escaped as Catch2 wants them
                spec=$(tail -n "+$next" "$tmp/$id.names" |
                    sed -e 's/\\/\\\\/g' -e 's/,/\\,/g' -e 's/\[/\\[/g' -e 's/\]/\\]/g' | paste -sd, -)
            fi
            t0=${EPOCHREALTIME:-$SECONDS}
            (cd "$(dirname "$exe")" && TINYTORCH_TEST_MARKERS=1 TINYTORCH_TEST_WATCHDOG=$wd exec "$exe" "$spec") \
                >"$tmp/out" 2>&1 &
            pid=$!
            killed=0 seen=0 since=$SECONDS
            while kill -0 "$pid" 2>/dev/null; do
                sleep 0.05
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.2
                # a program that started no new test case for longer than the time limit + 5 s
                # is stuck where its own watchdog could not stop it
                if [ $((SECONDS - since)) -gt "$timeout" ]; then
                    lines=$(grep -c '^tinytorch-case: ' "$tmp/out" 2>/dev/null || true)
                    if [ "${lines:-0}" -ne "$seen" ]; then
                        seen=${lines:-0} since=$SECONDS
                    elif [ $((SECONDS - since)) -gt $((timeout + 5)) ]; then
                        kill -KILL "$pid" 2>/dev/null || true
                        killed=1
                    fi
                fi
            done
            rc=0
            wait "$pid" || rc=$?
            t1=${EPOCHREALTIME:-$SECONDS}
            awk -v names="$tmp/$id.names" -v id="$id" -v base="$base" -v total="$total" -v first="$next" \
                -v wall="$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { print b - a }')" -v rc="$rc" -v killed="$killed" -v state="$tmp/state" -f "$TITO_ROOT/tools/tito/run_split.awk" \
                "$tmp/out" >>"$log"
            t=$next
            read -r next timeouts_run <"$tmp/state"
            [ "$next" -gt "$t" ] || next=$((t + 1))   # every run gets past at least one test
            timeouts=$((timeouts + timeouts_run))
            if [ "$timeouts" -ge "$limit" ]; then
                rm -rf "$tmp"
                echo stopped
                return 1
            fi
        done
        rerun_alone "$log" "$id" "$exe" "$tmp" "$base" "$total" "$wd"
        base=$((base + n))
    done
    rm -rf "$tmp"
    return 0
}

# rerun_alone LOG ID EXE TMP BASE TOTAL WATCHDOG — (run_programs_once) the tests of ID that failed
# in code the student wrote (a failed check, not a TODO stub) run again, each alone in its own
# process as CTest and the grader run them, and their records in LOG are replaced: state that an
# earlier test of the shared run left behind must not decide a verdict. At most 50 (a run full of
# failures is not worth doubling).
rerun_alone() {
    local log=$1 id=$2 exe=$3 tmp=$4 base=$5 total=$6 wd=$7 num name spec rc k=0 t0 t1
    parse_ctest_log "$log" summary |
        awk -F'\t' -v g="$id" '$2 == "FAIL" && $3 == g && $5 !~ /^TODO: / { print $1 }' >"$tmp/refail"
    [ -s "$tmp/refail" ] || return 0
    : >"$tmp/reblocks"
    while read -r num; do
        k=$((k + 1))
        [ "$k" -le 50 ] || break
        name=$(sed -n "$((num - base))p" "$tmp/$id.names")
        [ -n "$name" ] || continue
        printf '%s\n' "$name" >"$tmp/one.names"
        spec=$(printf '%s\n' "$name" | sed -e 's/\\/\\\\/g' -e 's/,/\\,/g' -e 's/\[/\\[/g' -e 's/\]/\\]/g')
        rc=0
        t0=${EPOCHREALTIME:-$SECONDS}
        (cd "$(dirname "$exe")" && TINYTORCH_TEST_MARKERS=1 TINYTORCH_TEST_WATCHDOG=$wd exec "$exe" "$spec") \
            >"$tmp/out1" 2>&1 || rc=$?
        t1=${EPOCHREALTIME:-$SECONDS}
        awk -v names="$tmp/one.names" -v id="$id" -v base="$((num - 1))" -v total="$total" -v first=1 \
            -v wall="$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { print b - a }')" -v rc="$rc" -v killed=0 \
            -v state="$tmp/state1" -f "$TITO_ROOT/tools/tito/run_split.awk" "$tmp/out1" >>"$tmp/reblocks"
    done <"$tmp/refail"
    # each "Start N:" block of LOG that was run again is replaced by its new block
    awk '
        function startnum(s) { sub(/^ *Start +/, "", s); sub(/:.*/, "", s); return s + 0 }
        FNR == NR { if ($0 ~ /^ *Start +[0-9]+: /) cur = startnum($0); blk[cur] = blk[cur] $0 "\n"; next }
        /^ *Start +[0-9]+: / { n = startnum($0); skip = (n in blk); if (skip) printf "%s", blk[n] }
        !skip { print }' "$tmp/reblocks" "$log" >"$log.new" && mv "$log.new" "$log"
}

# ---- the report ------------------------------------------------------------------------------------

# print_student_report RESULTS VERBOSE [NOT_RUN] — the summary of parse_ctest_log's records
# (after symbolize_results); compares with the results kept from the last run. NOT_RUN: how
# many tests the run stopped before. Returns 0 when every test passed.
print_student_report() {
    local results=$1 verbose=${2:-0} notrun=${3:-0} index prev groups release=0
    index=$(mktemp "${TMPDIR:-/tmp}/tito-index.XXXXXX")
    prev=$(mktemp "${TMPDIR:-/tmp}/tito-prev.XXXXXX")
    stub_index >"$index"
    # shellcheck disable=SC2046
    previous_results $(cut -f3 "$results" | sort -u) >"$prev"
    [ -f "$TITO_ROOT/tools/tito/RELEASE" ] && release=1
    awk -F'\t' -v verbose="$verbose" -v notrun="$notrun" -v release="$release" -v index_file="$index" \
        -v prev_file="$prev" -v red="$C_RED" -v green="$C_GREEN" -v yellow="$C_YELLOW" -v dim="$C_DIM" \
        -v bold="$C_BOLD" -v off="$C_OFF" -f "$TITO_ROOT/tools/tito/report.awk" "$results"
    local status=$?
    rm -f "$index" "$prev"
    return "$status"
}

# ---- compile errors and warnings -----------------------------------------------------------------

# student_build_errors LOG — the compiler's errors, each once, the student's own file first: for
# an error inside a template, the "required from" line in the student's file leads. Ends with
# "The first error is in FILE:LINE".
student_build_errors() {
    local log=$1 files
    files=$(mktemp "${TMPDIR:-/tmp}/tito-files.XXXXXX")
    student_files >"$files"
    awk -v root="$TITO_ROOT/" -v files="$files" -f "$TITO_ROOT/tools/tito/build_errors.awk" "$log"
    rm -f "$files"
}

# student_warnings LOG — compiler warnings located in the student's files (each once), kept per
# build in tito-warnings.tsv so that they are shown again while the file is unchanged (a build
# that did not recompile it prints nothing). Warnings about unused parameters of a function that
# is still a stub are left out.
student_warnings() {
    local log=$1 files store f
    files=$(mktemp "${TMPDIR:-/tmp}/tito-files.XXXXXX")
    # "file<TAB>size mtime" with one stat for all files (a stat per file cost seconds on a busy machine)
    student_files | while IFS= read -r f; do
        [ -f "$TITO_ROOT/$f" ] && printf '%s\0' "$f"
    done >"$files.list"
    : >"$files"
    if [ -s "$files.list" ]; then
        (cd "$TITO_ROOT" && { xargs -0 stat --printf '%n\t%s %Y\n' <"$files.list" 2>/dev/null ||
            xargs -0 stat -f '%N%t%z %m' <"$files.list"; }) >"$files"
    fi
    rm -f "$files.list"
    store="$(build_dir)/tito-warnings.tsv"
    [ -f "$store" ] || : >"$store"
    awk -v root="$TITO_ROOT/" -v files="$files" -v store="$store" -v out="$store.new" \
        -f "$TITO_ROOT/tools/tito/build_warnings.awk" "$log"
    [ -f "$store.new" ] && mv "$store.new" "$store"
    rm -f "$files"
}

# file_stamp FILE — "size mtime" (used to forget warnings of a file that changed).
file_stamp() {
    if stat -c '%s %Y' "$1" >/dev/null 2>&1; then stat -c '%s %Y' "$1"; else stat -f '%z %m' "$1"; fi
}

# student_build TARGET... — tito_build for students: the warnings in their files (kept while the
# file is unchanged), and on failure each compiler error once, their own line first.
student_build() {
    ensure_configured
    local bdir log t0 args=() label rc=0 warnings
    bdir=$(build_dir)
    log="$bdir/tito-build.log"
    if [ $# -gt 0 ]; then args=(--target "$@"); label="$*"; else label="everything"; fi
    info "building $label  ${C_DIM}(log: $(relpath "$log"))${C_OFF}"
    t0=$(now)
    (cd "$TITO_ROOT" && cmake --build --preset "$TITO_PRESET" "${args[@]}") >"$log" 2>&1 || rc=$?
    warnings=$(student_warnings "$log")
    if [ -n "$warnings" ]; then
        say "${C_YELLOW}warnings in your code${C_OFF} (the compiler's hints; they often explain a crash):"
        printf '%s\n' "$warnings"
    fi
    if [ "$rc" -ne 0 ]; then
        err "the build failed:"
        student_build_errors "$log" >&2
        say "Full compiler output: $(relpath "$log")" >&2
        return 2
    fi
    say "   built in $(($(now) - t0))s"
}
