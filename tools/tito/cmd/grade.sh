# tools/tito/cmd/grade.sh — ./tito grade: grade student trees, module by module.
#
# The tests always come from THIS repository: each submission only provides include/ (passed to
# CMake as TINYTORCH_INCLUDE_DIR). Nothing a submission does may stop the grader: a missing
# include/, headers that do not compile, crashes and endless loops all become failed tests.

usage_grade() {
    cat <<EOF
usage: ./tito grade --out DIR [--modules LIST] [--timeout SECONDS] [--jobs N] SUBMISSION...

Grade student trees (each a folder with the student's include/) against THIS repository's tests,
module by module (instructors; run it in the reference repository, where tests/hidden/ joins in).

For each SUBMISSION (named after its folder; repeated names get -2, -3, ...):
  * configures this repository in DIR/build/<name> with -DTINYTORCH_INCLUDE_DIR=<submission>/include
    (RelWithDebInfo, -O2 -g; milestones, analysis, bench and the release check off);
  * builds each module's test program on its own: one that does not compile scores 0/total for that
    module, the compiler output is kept in DIR/<name>/compile_NN_name.log;
  * runs ctest -L '^NN_name\$' with the per-test timeout; a hung test fails by timeout.
Totals come from a reference build of this repository (DIR/build/_reference).

Writes:
  DIR/grades.csv                     submission,01_tensor,...   cells "passed/total"
  DIR/<name>/NN_name.junit.xml       JUnit XML per suite (from ctest, or written for a compile failure)
  DIR/<name>/results.json            Gradescope format: score, max_score, tests[name, score, max_score, status, output]
  DIR/<name>/ctest_NN_name.log       the test output

options:
  --out DIR           where everything goes (required)
  --modules LIST      modules to grade, e.g. 01,02 or 01-05 (default: every module with tests)
  --timeout SECONDS   limit per test case (default 60)
  --compile-timeout S limit per module build (default 1200)
  --jobs N            parallel compile jobs (default: number of CPUs); tests run one at a time

exit status: 0 graded (whatever the scores) · 2 usage error or the reference does not build
EOF
}

run_grade() {
    local out="" modlist="" timeout=60 ctimeout=1200 jobs subs=()
    jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
    while [ $# -gt 0 ]; do
        case "$1" in
            --out) [ $# -ge 2 ] || die 2 "--out needs a folder"; out=$2; shift 2 ;;
            --out=*) out=${1#*=}; shift ;;
            --modules) [ $# -ge 2 ] || die 2 "--modules needs a list"; modlist=$2; shift 2 ;;
            --modules=*) modlist=${1#*=}; shift ;;
            --timeout) [ $# -ge 2 ] || die 2 "--timeout needs seconds"; timeout=$2; shift 2 ;;
            --timeout=*) timeout=${1#*=}; shift ;;
            --compile-timeout) [ $# -ge 2 ] || die 2 "--compile-timeout needs seconds"; ctimeout=$2; shift 2 ;;
            --jobs | -j) [ $# -ge 2 ] || die 2 "--jobs needs a number"; jobs=$2; shift 2 ;;
            -*) die 2 "grade: unknown option '$1' (see ./tito grade --help)" ;;
            *) subs+=("$1"); shift ;;
        esac
    done
    [ -n "$out" ] || { usage_grade >&2; die 2 "grade: --out DIR is required"; }
    [ ${#subs[@]} -gt 0 ] || { usage_grade >&2; die 2 "grade: name at least one SUBMISSION folder"; }
    case "$timeout$ctimeout$jobs" in *[!0-9]*) die 2 "grade: --timeout, --compile-timeout and --jobs take whole numbers" ;; esac
    need_tool cmake
    need_tool ctest

    local mods=() id
    if [ -n "$modlist" ]; then
        for id in $(module_list_expand "$modlist"); do
            if module_has_tests "$id"; then mods+=("$id"); else warn "module $id has no tests in this repository; not graded"; fi
        done
    else
        mapfile -t mods < <(modules_with_tests)
    fi
    [ ${#mods[@]} -gt 0 ] || die 2 "grade: no module with tests to grade"

    out=$(abspath "$out")
    mkdir -p "$out/build"
    GRADE_TIMEOUT=$timeout GRADE_CTIMEOUT=$ctimeout GRADE_JOBS=$jobs
    GRADE_TIMEOUT_CMD=""
    command -v timeout >/dev/null 2>&1 && GRADE_TIMEOUT_CMD=timeout
    local t0
    t0=$(now)

    # ---- the reference: test names and totals --------------------------------------------------
    local ref="$out/build/_reference"
    info "reference build of this repository (test lists): $(relpath "$ref")"
    grade_configure "$ref" "$TITO_ROOT/include" "$out/build/_reference.configure.log" ||
        die 2 "grade: the reference does not configure; see $out/build/_reference.configure.log"
    local graded=()
    for id in "${mods[@]}"; do
        if ! grade_build "$ref" "test_$id" "$out/build/_reference.compile_$id.log"; then
            print_build_errors "$out/build/_reference.compile_$id.log" >&2 || true
            warn "the reference's test_$id does not build ($out/build/_reference.compile_$id.log): module $id is NOT graded"
            continue
        fi
        graded+=("$id")
        (cd "$ref" && ctest -N -L "^$id\$") | awk '/^ *Test +#[0-9]+: / { sub(/^ *Test +#[0-9]+: /, ""); print }' >"$ref/names_$id.txt"
        say "   $id: $(wc -l <"$ref/names_$id.txt" | tr -d ' ') tests"
    done
    [ ${#graded[@]} -gt 0 ] || die 2 "grade: no module's tests build in the reference"
    mods=("${graded[@]}")

    # ---- each submission --------------------------------------------------------------------------
    local csv="$out/grades.csv" sub name names=" _reference build " n
    {
        printf 'submission'
        for id in "${mods[@]}"; do printf ',%s' "$id"; done
        printf '\n'
    } >"$csv"
    for sub in "${subs[@]}"; do
        name=$(basename "$(abspath "${sub%/}")" | tr -c 'A-Za-z0-9._\n-' '_')
        [ -n "$name" ] && [ "$name" != "." ] || name=submission
        case "$name" in .*) name="_${name#.}" ;; esac
        if case "$names" in *" $name "*) true ;; *) false ;; esac; then
            n=2
            while case "$names" in *" $name-$n "*) true ;; *) false ;; esac; do n=$((n + 1)); done
            name="$name-$n"
        fi
        names="$names$name "
        grade_submission "$sub" "$name" "$out" "${mods[@]}"
    done

    say ""
    info "grades ($(relpath "$csv")), in $(($(now) - t0))s:"
    awk -F',' '{ line = sprintf("  %-24s", $1); for (i = 2; i <= NF; i++) line = line sprintf(" %16s", $i); print line }' "$csv"
}

# grade_configure BUILD_DIR INCLUDE_DIR LOG
grade_configure() {
    local bdir=$1 inc=$2 log=$3
    [ -f "$bdir/CMakeCache.txt" ] && grep -q "^TINYTORCH_INCLUDE_DIR:PATH=$inc\$" "$bdir/CMakeCache.txt" && return 0
    mkdir -p "$bdir"
    cmake -S "$TITO_ROOT" -B "$bdir" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" \
        -DTINYTORCH_INCLUDE_DIR="$inc" -DTINYTORCH_BUILD_TESTS=ON \
        -DTINYTORCH_BUILD_MILESTONES=OFF -DTINYTORCH_BUILD_ANALYSIS=OFF -DTINYTORCH_BUILD_BENCH=OFF \
        -DTINYTORCH_RELEASE_CHECK=OFF -DTINYTORCH_TEST_TIMEOUT="$GRADE_TIMEOUT" >"$log" 2>&1
}

# grade_build BUILD_DIR TARGET LOG — build one target, time-limited when `timeout` exists.
grade_build() {
    local bdir=$1 target=$2 log=$3
    if [ -n "$GRADE_TIMEOUT_CMD" ]; then
        "$GRADE_TIMEOUT_CMD" -k 10 "$GRADE_CTIMEOUT" cmake --build "$bdir" --target "$target" -j "$GRADE_JOBS" >"$log" 2>&1
    else
        cmake --build "$bdir" --target "$target" -j "$GRADE_JOBS" >"$log" 2>&1
    fi
}

# grade_submission PATH NAME OUT MODULE... — grade one tree; appends its row to OUT/grades.csv.
grade_submission() {
    local sub=$1 name=$2 out=$3
    shift 3
    local sdir="$out/$name" bdir="$out/build/$name" id inc reason="" row rc
    sub=$(abspath "${sub%/}")
    inc="$sub/include"
    rm -rf "$sdir"
    mkdir -p "$sdir"
    info "grading $name  ($sub)"
    : >"$sdir/tests.tsv"   # module, name, passed|failed, JSON-escaped output
    if [ ! -d "$sub" ]; then
        reason="submission folder $sub does not exist"
    elif [ ! -d "$inc" ]; then
        reason="the submission has no include/ folder (expected $inc)"
    elif ! grade_configure "$bdir" "$inc" "$sdir/configure.log"; then
        reason="CMake could not configure the build with this submission; see configure.log"
    fi
    row=$name
    for id in "$@"; do
        local names="$out/build/_reference/names_$id.txt" total passed=0 clog="$sdir/compile_$id.log"
        total=$(wc -l <"$names" | tr -d ' ')
        if [ -n "$reason" ]; then
            printf '%s\n' "$reason" >"$clog"
            grade_all_failed "$id" "$names" "not graded: $reason" "$sdir"
        elif rc=0; grade_build "$bdir" "test_$id" "$clog" || rc=$?; [ "$rc" -ne 0 ]; then
            local why="did not compile"
            [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && why="compilation timed out after ${GRADE_CTIMEOUT}s"
            grade_all_failed "$id" "$names" "$why (compile_$id.log):
$(print_build_errors "$clog" "$sub" 2>&1 | head -n 30)" "$sdir"
            say "   $id: $why"
        else
            (cd "$bdir" && ctest -L "^$id\$" --timeout "$GRADE_TIMEOUT" --output-on-failure \
                --output-junit "$sdir/$id.junit.xml") >"$sdir/ctest_$id.log" 2>&1 || true
            grade_collect "$id" "$names" "$sdir" "$sub"
        fi
        passed=$(awk -F'\t' -v m="$id" '$1 == m && $3 == "passed"' "$sdir/tests.tsv" | wc -l | tr -d ' ')
        row="$row,$passed/$total"
        [ -n "$reason" ] || say "   $id: $passed/$total passed"
    done
    [ -z "$reason" ] || say "   $reason: 0 points"
    printf '%s\n' "$row" >>"$out/grades.csv"
    grade_results_json "$sdir/tests.tsv" "$@" >"$sdir/results.json"
}

# Every test of a module fails with the same message; writes a JUnit XML for the suite too.
grade_all_failed() {
    local id=$1 names=$2 msg=$3 sdir=$4 emsg
    emsg=$(printf '%s' "$msg" | awk 'BEGIN { ORS = "" } { if (NR > 1) print "\n"; print }' | json_escape_stream)
    GRADE_MSG=$emsg awk -v m="$id" '{ printf "%s\t%s\tfailed\t%s\n", m, $0, ENVIRON["GRADE_MSG"] }' "$names" >>"$sdir/tests.tsv"
    GRADE_MSG=$(printf '%s\n' "$msg" | head -n 1) awk -v m="$id" '
        function x(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
        { name[++n] = $0 }
        END {
            msg = ENVIRON["GRADE_MSG"]
            print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            printf "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" disabled=\"0\" skipped=\"0\" time=\"0\">\n", m, n, n
            for (i = 1; i <= n; i++)
                printf "\t<testcase name=\"%s\" classname=\"%s\" time=\"0\" status=\"fail\">\n\t\t<failure message=\"%s\"/>\n\t</testcase>\n", x(name[i]), x(name[i]), x(msg)
            print "</testsuite>"
        }' "$names" >"$sdir/$id.junit.xml"
}

# Results of one module's ctest run, matched against the reference's test names (a test that did
# not run counts as failed).
grade_collect() {
    local id=$1 names=$2 sdir=$3 sub=$4 parsed
    parsed="$sdir/.parsed_$id"
    clean_utf8 <"$sdir/ctest_$id.log" >"$sdir/.ctest_$id.clean"
    parse_ctest_log "$sdir/.ctest_$id.clean" json "$TITO_ROOT/include" "$sub/include" >"$parsed"
    awk -F'\t' -v m="$id" -v pfile="$parsed" '
        function key(s) { gsub(/[ \t]/, "", s); return s }
        BEGIN {
            while ((getline line < pfile) > 0) {
                split(line, f, "\t")
                k = key(f[3] ":" f[4])
                st[k] = f[2]; outp[k] = f[5]
            }
        }
        {
            k = key($0)
            if (!(k in st)) printf "%s\t%s\tfailed\t%s\n", m, $0, "did not run (the test program stopped early or the test was not found)"
            else if (st[k] == "PASS") printf "%s\t%s\tpassed\t\n", m, $0
            else printf "%s\t%s\tfailed\t%s\n", m, $0, outp[k]
        }' "$names" >>"$sdir/tests.tsv"
    rm -f "$parsed" "$sdir/.ctest_$id.clean"
}

# Drop byte sequences that are not UTF-8 so that results.json stays valid JSON.
clean_utf8() {
    if command -v iconv >/dev/null 2>&1 && iconv -c -f UTF-8 -t UTF-8 </dev/null >/dev/null 2>&1; then
        iconv -c -f UTF-8 -t UTF-8 2>/dev/null || true
    else
        LC_ALL=C tr -d '\200-\377'
    fi
}

json_escape_stream() {
    clean_utf8 | awk 'BEGIN { ORS = "" }
        { s = $0; gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); gsub(/\r/, "", s)
          gsub(/[\001-\010\013\014\016-\037\177]/, "", s)
          if (NR > 1) print "\\n"; print s }'
}

# grade_results_json TESTS_TSV MODULE... — Gradescope's results.json (one point per test).
grade_results_json() {
    local tsv=$1
    shift
    awk -F'\t' -v mods="$*" '
        function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
        { n++; name[n] = $2; st[n] = $3; o[n] = $4; m[n] = $1
          total[$1]++; if ($3 == "passed") { passed[$1]++; score++ } }
        END {
            nm = split(mods, ml, " ")
            summary = ""
            for (i = 1; i <= nm; i++) summary = summary sprintf("%s: %d/%d passed\\n", ml[i], passed[ml[i]], total[ml[i]])
            printf "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"output\": \"%s\",\n  \"tests\": [", score, n, summary
            for (i = 1; i <= n; i++) {
                printf "%s\n    {\"name\": \"%s\", \"score\": %d, \"max_score\": 1, \"status\": \"%s\", \"tags\": [\"%s\"], \"output\": \"%s\"}",
                    (i > 1 ? "," : ""), esc(name[i]), (st[i] == "passed"), st[i], m[i], o[i]
            }
            printf "\n  ]\n}\n"
        }' "$tsv"
}
