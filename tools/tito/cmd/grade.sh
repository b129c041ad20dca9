# tools/tito/cmd/grade.sh — ./tito grade: grade student trees, module by module.
#
# What the grader trusts: THIS repository's tests, test support (tests/support/: the judge:: helpers,
# judge::gradcheck, Catch2's main) and CMake files. What it takes from a submission: the regular
# files under include/tinytorch/ — nothing else (no symlinks, no other folder of include/, which
# could shadow <vector> or <catch2/...>). Submissions are built in one CMake tree that shares the
# precompiled header and Catch2 main (they include no framework header). Every test case runs as
# its own process, in a bubblewrap sandbox when the machine has one, under a time limit; it passes
# only when the program exits 0 AND Catch2's main has written its completion line (with a nonce)
# to a file descriptor the grader opened — printed text is never parsed for a verdict.

usage_grade() {
    cat <<EOF
usage: ./tito grade --out DIR [--modules LIST] [--timeout SECONDS] [--compile-timeout SECONDS]
                    [--jobs N] [--no-sandbox] SUBMISSION...

Grade student trees (each a folder with the student's include/) against THIS repository's tests,
module by module (instructors; run it in the reference repository, where tests/hidden/ joins in).

  * copies each submission's include/tinytorch/ (regular files only) to DIR/build/submissions/<name>;
  * configures ONE build, DIR/build (RelWithDebInfo; milestones, analysis, bench and the release
    check off), with this repository's test programs and, per submission and module, the same
    program compiled against the submission's headers (sharing the precompiled header and main);
  * builds each module's program on its own: one that does not compile, or takes longer than
    --compile-timeout, scores 0 for that module (compiler output in DIR/<name>/compile_NN_name.log);
  * runs every graded test case of the module as its own process with --timeout seconds: a crash,
    a hang or an early exit fails that test only;
  * refuses a module whose headers define a macro named like something the tests use (a macro
    can rewrite a test), and lists lines that end the process or read the environment
    (DIR/<name>/suspicious.txt) for the instructor to look at.
Each test process runs in a bubblewrap (bwrap) sandbox: read-only system and repository, a private
/tmp, no network, its own process namespace, no access to other submissions or to DIR; the
compiler runs in one too. Without bwrap (or with --no-sandbox) tests run unisolated, with a warning.

Writes:
  DIR/grades.csv                     submission,01_tensor,...   cells "passed/total"
  DIR/<name>/results.json            Gradescope: score, max_score, output, tests[name, score, max_score,
                                     status, output, visibility, tags]
  DIR/<name>/NN_name.junit.xml       JUnit XML per suite
  DIR/<name>/tests.tsv               module, test, passed|failed, output (JSON-escaped)
  DIR/<name>/compile_NN_name.log     compiler output;  DIR/<name>/run_NN_name.log  every test's output

options:
  --out DIR            where everything goes (required)
  --modules LIST       modules to grade, e.g. 01,02 or 01-05 (default: every module with tests)
  --timeout SECONDS    limit per test case (default 60)
  --compile-timeout S  limit per module build (default 1200)
  --jobs N             parallel compile jobs (default: number of CPUs); tests run one at a time
  --no-sandbox         run without bubblewrap even when it is available
  --fast-build         compile at -O0, with clang++ when installed (to test the grader itself;
                       tests run slower)

exit status: 0 graded (whatever the scores) · 2 usage error or the reference does not build
EOF
}

run_grade() {
    local out="" modlist="" timeout=60 ctimeout=1200 jobs subs=() sandbox=1
    GRADE_OPT_FLAGS="-O2 -g" GRADE_TEST_FLAGS="-Og;-g1" GRADE_CMAKE_ARGS=()
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
            --no-sandbox) sandbox=0; shift ;;
            --fast-build)  # (with clang++ when installed: at -O0 it compiles in half of g++'s time)
                GRADE_OPT_FLAGS="-O0" GRADE_TEST_FLAGS="-O0"
                if [ -z "${CXX:-}" ] && command -v clang++ >/dev/null 2>&1; then GRADE_CMAKE_ARGS=(-DTINYTORCH_PREFER_CLANG=ON); fi
                shift ;;
            -*) die 2 "grade: unknown option '$1' (see ./tito grade --help)" ;;
            *) subs+=("$1"); shift ;;
        esac
    done
    [ -n "$out" ] || { usage_grade >&2; die 2 "grade: --out DIR is required"; }
    [ ${#subs[@]} -gt 0 ] || { usage_grade >&2; die 2 "grade: name at least one SUBMISSION folder"; }
    case "$timeout$ctimeout$jobs" in *[!0-9]*) die 2 "grade: --timeout, --compile-timeout and --jobs take whole numbers" ;; esac
    need_tool cmake
    need_tool ctest
    need_tool timeout
    need_tool make

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
    out=${out%/}
    case "$TITO_ROOT/" in "$out/"*) die 2 "grade: --out ($out) must not be the repository or contain it" ;; esac
    mkdir -p "$out/build"
    GRADE_OUT=$out GRADE_TIMEOUT=$timeout GRADE_CTIMEOUT=$ctimeout GRADE_JOBS=$jobs GRADE_SUBS=()
    local t0
    t0=$(now)

    # ---- the sandbox -------------------------------------------------------------------------------
    GRADE_SANDBOX=0
    if [ "$sandbox" -eq 1 ]; then
        if grade_sandbox_works; then
            GRADE_SANDBOX=1
            info "sandbox: bubblewrap ($(command -v bwrap)) — tests and compilers of submissions run isolated"
        elif command -v bwrap >/dev/null 2>&1; then
            warn "bubblewrap is installed but cannot create a sandbox here (user namespaces disabled?): submissions run UNISOLATED; see docs/instructor-guide.md"
        else
            warn "bubblewrap (bwrap) is not installed: submissions run UNISOLATED (./tito setup installs it; see docs/instructor-guide.md)"
        fi
    else
        warn "--no-sandbox: submissions run UNISOLATED"
    fi

    # ---- stage the submissions ---------------------------------------------------------------------
    local sub name names=" _reference build grades.csv " n staged=() reasons=() gsubs=()
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
        GRADE_SUBS+=("$(abspath "${sub%/}")" "$name")
        local why
        why=$(grade_stage "$(abspath "${sub%/}")" "$name") || true
        reasons+=("$why")
        [ -n "$why" ] || gsubs+=("$name=$out/build/submissions/$name/include")
    done

    # ---- one build tree: the reference's programs (test lists, totals) and the submissions' --------
    local bdir="$out/build/tree"
    info "configuring the grading build: $(relpath "$bdir")"
    if ! grade_configure "$bdir" "$(IFS=';'; printf '%s' "${gsubs[*]}")" "$out/build/configure.log"; then
        tail -n 20 "$out/build/configure.log" >&2
        die 2 "grade: the grading build does not configure; see $out/build/configure.log"
    fi
    local graded=()
    for id in "${mods[@]}"; do
        if ! grade_build "$bdir" "test_$id" "$out/build/_reference.compile_$id.log" 0; then
            print_build_errors "$out/build/_reference.compile_$id.log" >&2 || true
            warn "the reference's test_$id does not build ($out/build/_reference.compile_$id.log): module $id is NOT graded"
            continue
        fi
        (cd "$bdir" && ctest -N -L "^$id\$") | awk '/^ *Test +#[0-9]+: / { sub(/^ *Test +#[0-9]+: /, ""); print }' >"$out/build/names_$id.txt"
        if [ ! -s "$out/build/names_$id.txt" ]; then
            warn "the reference's test_$id lists no graded test: module $id is NOT graded"
            continue
        fi
        graded+=("$id")
        say "   $id: $(wc -l <"$out/build/names_$id.txt" | tr -d ' ') tests"
    done
    [ ${#graded[@]} -gt 0 ] || die 2 "grade: no module's tests build in the reference"
    mods=("${graded[@]}")
    grade_test_tokens "${mods[@]}" >"$out/build/test_tokens.txt"

    # ---- each submission ------------------------------------------------------------------------------
    local csv="$out/grades.csv" i
    {
        printf 'submission'
        for id in "${mods[@]}"; do printf ',%s' "$id"; done
        printf '\n'
    } >"$csv"
    for ((i = 0; i < ${#GRADE_SUBS[@]} / 2; i++)); do
        grade_submission "${GRADE_SUBS[$((2 * i))]}" "${GRADE_SUBS[$((2 * i + 1))]}" "${reasons[$i]}" "$bdir" "${mods[@]}"
    done

    say ""
    info "grades ($(relpath "$csv")), in $(($(now) - t0))s:"
    awk -F',' '{ line = sprintf("  %-24s", $1); for (i = 2; i <= NF; i++) line = line sprintf(" %16s", $i); print line }' "$csv"
}

# ---- sandbox -----------------------------------------------------------------------------------------
grade_sandbox_works() {
    command -v bwrap >/dev/null 2>&1 || return 1
    grade_sandbox_args "" ""
    "${GRADE_BWRAP[@]}" /bin/true >/dev/null 2>&1
}

# grade_sandbox_args WRITABLE_DIR READONLY_DIR — sets GRADE_BWRAP to a bubblewrap command prefix:
# system folders and this repository read-only (without tests/hidden/ and build/), a private
# writable /tmp, /proc and /dev, no network, no capabilities, its own PID namespace (everything it
# starts dies with it), the grading folder and the submission folders hidden except WRITABLE_DIR
# (writable) and READONLY_DIR (e.g. the folder of the program to run); "" for none.
grade_sandbox_args() {
    local rw=$1 ro=$2 d i
    GRADE_BWRAP=(bwrap --die-with-parent --new-session --unshare-all --cap-drop ALL)
    for d in /usr /etc /opt; do [ -d "$d" ] && GRADE_BWRAP+=(--ro-bind "$d" "$d"); done
    for d in /bin /sbin /lib /lib32 /lib64 /libx32; do
        if [ -L "$d" ]; then GRADE_BWRAP+=(--symlink "$(readlink "$d")" "$d"); elif [ -d "$d" ]; then GRADE_BWRAP+=(--ro-bind "$d" "$d"); fi
    done
    GRADE_BWRAP+=(--proc /proc --dev /dev --perms 1777 --tmpfs /tmp --ro-bind "$TITO_ROOT" "$TITO_ROOT")
    [ -d "$TITO_ROOT/tests/hidden" ] && GRADE_BWRAP+=(--tmpfs "$TITO_ROOT/tests/hidden")
    [ -d "$TITO_ROOT/build" ] && GRADE_BWRAP+=(--tmpfs "$TITO_ROOT/build")
    for ((i = 0; i < ${#GRADE_SUBS[@]}; i += 2)); do
        d=${GRADE_SUBS[$i]}
        if [ -d "$d" ]; then case "$TITO_ROOT/" in "$d/"*) ;; *) GRADE_BWRAP+=(--tmpfs "$d") ;; esac; fi
    done
    if [ -n "${GRADE_OUT:-}" ] && [ -d "$GRADE_OUT" ]; then GRADE_BWRAP+=(--tmpfs "$GRADE_OUT"); fi
    [ -z "$ro" ] || GRADE_BWRAP+=(--ro-bind "$ro" "$ro")
    [ -z "$rw" ] || GRADE_BWRAP+=(--bind "$rw" "$rw")
    GRADE_BWRAP+=(--setenv HOME /tmp --setenv TMPDIR /tmp --chdir /tmp --)
}

# ---- staging ---------------------------------------------------------------------------------------------
# grade_stage SUBMISSION NAME — copy the regular files of SUBMISSION/include/tinytorch/ to
# GRADE_OUT/build/submissions/NAME/include/tinytorch/. Prints the reason when it cannot be graded.
grade_stage() {
    local sub=$1 name=$2 dst="$GRADE_OUT/build/submissions/$name" sdir="$GRADE_OUT/$name"
    rm -rf "$dst" "$sdir"
    mkdir -p "$dst/include" "$sdir"
    if [ ! -d "$sub" ]; then
        echo "submission folder $sub does not exist"; return 1
    fi
    if [ ! -d "$sub/include/tinytorch" ] || [ -L "$sub/include/tinytorch" ] || [ -L "$sub/include" ]; then
        echo "the submission has no include/tinytorch/ folder (expected $sub/include/tinytorch)"; return 1
    fi
    (cd "$sub/include" && find tinytorch -type f -size -2048k) | LC_ALL=C sort >"$sdir/files.txt"
    (cd "$sub/include" && tar -cf - -T "$sdir/files.txt" 2>/dev/null) | (cd "$dst/include" && tar -xf - 2>/dev/null)
    (cd "$sub/include" && find tinytorch \( -type l -o \( -type f -size +2047k \) \) -print) >"$sdir/skipped.txt" 2>/dev/null || true
    find "$sub/include" -mindepth 1 -maxdepth 1 ! -name tinytorch -print 2>/dev/null | sed "s|^$sub/||" >>"$sdir/skipped.txt"
    [ -s "$sdir/skipped.txt" ] || rm -f "$sdir/skipped.txt"
    return 0
}

# ---- build -----------------------------------------------------------------------------------------------
# grade_configure BUILD_DIR SUBMISSIONS LOG — (re)configure the one grading tree.
grade_configure() {
    local bdir=$1 gsubs=$2 log=$3
    mkdir -p "$bdir"
    cmake -S "$TITO_ROOT" -B "$bdir" -G "Unix Makefiles" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$GRADE_OPT_FLAGS" \
        -DTINYTORCH_TEST_FLAGS="$GRADE_TEST_FLAGS" \
        -DTINYTORCH_BUILD_TESTS=ON -DTINYTORCH_STUB_SWITCH=OFF \
        -DTINYTORCH_BUILD_MILESTONES=OFF -DTINYTORCH_BUILD_ANALYSIS=OFF -DTINYTORCH_BUILD_BENCH=OFF \
        -DTINYTORCH_RELEASE_CHECK=OFF -DTINYTORCH_TEST_TIMEOUT="$GRADE_TIMEOUT" \
        -DTINYTORCH_GRADE_SUBMISSIONS="$gsubs" "${GRADE_CMAKE_ARGS[@]}" >"$log" 2>&1
}

# grade_build BUILD_DIR TARGET LOG SANDBOXED — build one target, time-limited; a submission's
# program is built in the sandbox (the compiler may read only the system, this repository and the
# grading build).
grade_build() {
    local bdir=$1 target=$2 log=$3 boxed=$4
    if [ "$boxed" -eq 1 ] && [ "$GRADE_SANDBOX" -eq 1 ]; then
        grade_sandbox_args "$GRADE_OUT/build" ""
        timeout -k 10 "$GRADE_CTIMEOUT" "${GRADE_BWRAP[@]}" cmake --build "$bdir" --target "$target" -j "$GRADE_JOBS" >"$log" 2>&1
    else
        timeout -k 10 "$GRADE_CTIMEOUT" cmake --build "$bdir" --target "$target" -j "$GRADE_JOBS" >"$log" 2>&1
    fi
}

# ---- checks of the headers -----------------------------------------------------------------------------
# grade_test_tokens MODULE... — every identifier of the tests' side: test files, tests/support/,
# hidden tests and Catch2's headers. A submission's macro with one of these names could rewrite a test.
grade_test_tokens() {
    local id dirs=("$TITO_ROOT/tests/support" "$TITO_ROOT/tests/golden") d
    for id in "$@"; do dirs+=("$TITO_ROOT/tests/$id" "$TITO_ROOT/tests/hidden/$id"); done
    for d in /usr/include/catch2 /usr/local/include/catch2 /opt/homebrew/include/catch2; do dirs+=("$d"); done
    for d in "${dirs[@]}"; do
        [ -d "$d" ] || continue
        grep -rhoE --include='*.cpp' --include='*.hpp' --include='*.h' '[A-Za-z_][A-Za-z0-9_]*' "$d" 2>/dev/null || true
    done | LC_ALL=C sort -u
}

# grade_macro_check BUILD_DIR TARGET REF_TARGET OUT — macros the submission's headers define or
# #undef (differently from the reference's) whose names the tests use (status 1; 2 when the
# submission's headers could not be preprocessed). It needs only the configured build (unity
# sources and flags are written at configure time), so it runs before the module is compiled. The same unity source is
# preprocessed both ways with -dD, which keeps every #define/#undef where it was written, after the
# line marker of its file; only directives written in a file under include/tinytorch/ count (a
# submission may include <csignal>, whose SIGABRT Catch2 also names: that macro is the system's,
# not the submission's). A submission file with a #line directive could move its own directives
# into a system header's name, so such a line (one the reference's same file lacks) is refused too.
grade_macro_check() {
    local bdir=$1 target=$2 ref=$3 outf=$4 t f src tables=() cxx
    cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$bdir/CMakeCache.txt")
    [ -n "$cxx" ] || cxx=c++
    for t in "$ref" "$target"; do
        f="$bdir/tests/CMakeFiles/$t.dir/flags.make"
        src=$(find "$bdir/tests/CMakeFiles/$t.dir" -name 'unity_*_cxx.cxx' 2>/dev/null | LC_ALL=C sort | sed -n 1p)
        [ -f "$f" ] && [ -n "$src" ] || return 0
        (
            local CXX_DEFINES CXX_INCLUDES CXX_FLAGS line pch=() opts opt
            while IFS= read -r line; do
                case "$line" in
                    CXX_DEFINES\ =* | CXX_INCLUDES\ =* | CXX_FLAGS\ =*) eval "${line%% =*}=\${line#* = }" ;;
                    "# PCH options: "*"$(basename "$src").o_OPTIONS = "*)   # the precompiled header's prefix, as text
                        # (g++: -include;X.hxx, clang++: -Xclang;-include-pch;-Xclang;X.hxx.pch;-Xclang;-include;-Xclang;X.hxx)
                        IFS=';' read -ra opts <<<"${line#*_OPTIONS = }"
                        for opt in "${opts[@]}"; do case "$opt" in *.hxx) pch=(-include "$opt") ;; esac; done ;;
                esac
            done <"$f"
            eval "set -- $CXX_DEFINES $CXX_INCLUDES $CXX_FLAGS"
            set -- "$@" "${pch[@]}"
            # the submission's headers are read in the sandbox, as when they were compiled
            if [ "$GRADE_SANDBOX" -eq 1 ]; then
                grade_sandbox_args "" "$GRADE_OUT/build"
                timeout -k 5 120 "${GRADE_BWRAP[@]}" "$cxx" "$@" -E -dD "$src" 2>/dev/null
            else
                timeout -k 5 120 "$cxx" "$@" -E -dD "$src" 2>/dev/null
            fi
        ) >"$outf.$t.i" || rm -f "$outf.$t.i"
        if [ -s "$outf.$t.i" ]; then
            awk '
                /^# [0-9]+ "/ { f = $0; sub(/^# [0-9]+ "/, "", f); sub(/"[^"]*$/, "", f); mine = index(f, "/include/tinytorch/") > 0; next }
                mine && /^#(define|undef)[ \t]/ { print }' "$outf.$t.i" | LC_ALL=C sort -u >"$outf.$t"
            rm -f "$outf.$t.i"
        fi
        tables+=("$outf.$t")
    done
    if [ ! -f "${tables[0]}" ]; then
        # without the reference's table no submission can be checked: stop rather than let a
        # submission's macros through unchecked
        rm -f "${tables[@]}"
        die 2 "the macro check cannot preprocess the reference's $ref with $cxx, so it cannot tell whether a submission's macros rewrite a test; fix the grading build ($bdir) and grade again"
    fi
    if [ ! -f "${tables[1]}" ]; then
        echo "(the headers could not be preprocessed for the macro check)" >"$outf"
        rm -f "${tables[@]}"
        return 2
    fi
    LC_ALL=C comm -13 "${tables[0]}" "${tables[1]}" | awk '{ n = $2; sub(/\(.*/, "", n); print n "\t" $0 }' |
        awk -F'\t' -v tokens="$GRADE_OUT/build/test_tokens.txt" '
            BEGIN { while ((getline t < tokens) > 0) used[t] = 1 }
            ($1 in used) { print $2 }' >"$outf"
    rm -f "${tables[@]}"
    [ ! -s "$outf" ]
}

# grade_line_directives SUBMISSION_INCLUDE OUT — #line directives (or GNU "# N" markers) in the
# submission's files that the reference's same file does not have; they could hide a macro from
# grade_macro_check, so a submission with one is refused.
grade_line_directives() {
    local inc=$1 outf=$2 f
    : >"$outf"
    while IFS= read -r f; do
        grep -nE '^[[:space:]]*#[[:space:]]*(line([^A-Za-z0-9_]|$)|[0-9])' "$inc/$f" 2>/dev/null | while IFS= read -r hit; do
            local text=${hit#*:}
            if [ -f "$TITO_ROOT/include/$f" ] && grep -qxF -- "$text" "$TITO_ROOT/include/$f"; then continue; fi
            printf '%s:%s\n' "$f" "$hit"
        done >>"$outf" || true
    done < <(cd "$inc" && find tinytorch -type f | LC_ALL=C sort)
    [ -s "$outf" ] || { rm -f "$outf"; return 0; }
    return 1
}

# grade_suspicious SUBMISSION_INCLUDE OUT — lines of the submission that end the process, start
# programs, or read the environment or /proc, and that the reference's same file does not have.
grade_suspicious() {
    local inc=$1 outf=$2 f
    : >"$outf"
    while IFS= read -r f; do
        grep -nE '(^|[^A-Za-z0-9_])(exit|_exit|_Exit|quick_exit|abort|terminate|getenv|secure_getenv|environ|system|popen|fork|vfork|execv[pe]?|execl[pe]?|kill|raise|signal|sigaction|setjmp|longjmp|dup2?|freopen|__cxa_[a-z_]+)[[:space:]]*\(|/proc/|/dev/fd|TINYTORCH_GRADE' \
            "$inc/$f" 2>/dev/null | while IFS= read -r hit; do
            local text=${hit#*:}
            if [ -f "$TITO_ROOT/include/$f" ] && grep -qxF -- "$text" "$TITO_ROOT/include/$f"; then continue; fi
            printf '%s:%s\n' "$f" "$hit"
        done >>"$outf" || true
    done < <(cd "$inc" && find tinytorch -type f | LC_ALL=C sort)
    [ -s "$outf" ] || rm -f "$outf"
}

# ---- one submission ---------------------------------------------------------------------------------------
# grade_submission PATH NAME REASON BUILD_DIR MODULE... — grade one tree; appends its row to grades.csv.
grade_submission() {
    local sub=$1 name=$2 reason=$3 bdir=$4
    shift 4
    local sdir="$GRADE_OUT/$name" id row rc mrc inc="$GRADE_OUT/build/submissions/$name/include"
    mkdir -p "$sdir"
    info "grading $name  ($sub)"
    : >"$sdir/tests.tsv"   # module, name, passed|failed, JSON-escaped output
    [ -f "$sdir/skipped.txt" ] && say "   not copied (only regular files under include/tinytorch/ are graded): $(tr '\n' ' ' <"$sdir/skipped.txt" | cut -c1-200)"
    if [ -z "$reason" ] && ! grade_line_directives "$inc" "$sdir/line_directives.txt"; then
        reason="its headers have #line directives, which could hide a macro from the grader's check ($(relpath "$sdir/line_directives.txt"): $(head -n 1 "$sdir/line_directives.txt" | cut -c1-120))"
    fi
    if [ -z "$reason" ]; then
        grade_suspicious "$inc" "$sdir/suspicious.txt"
        [ -f "$sdir/suspicious.txt" ] && say "   $(wc -l <"$sdir/suspicious.txt" | tr -d ' ') line(s) to look at (exit, environment, processes...): $(relpath "$sdir/suspicious.txt")"
    fi
    row=$name
    for id in "$@"; do
        local names="$GRADE_OUT/build/names_$id.txt" total passed=0 clog="$sdir/compile_$id.log"
        total=$(wc -l <"$names" | tr -d ' ')
        if [ -n "$reason" ]; then
            printf '%s\n' "$reason" >"$clog"
            grade_all_failed "$id" "$names" "not graded: $reason" "$sdir"
        elif mrc=0; grade_macro_check "$bdir" "grade_${name}_$id" "test_$id" "$sdir/macros_$id.txt" || mrc=$?
            [ "$mrc" -eq 1 ]; then
            grade_all_failed "$id" "$names" "not graded: the headers define macros named like identifiers the tests use (a macro could rewrite a test); remove them or give them other names:
$(head -n 10 "$sdir/macros_$id.txt")" "$sdir"
            say "   $id: refused, macros: $(awk '{ print $2 }' "$sdir/macros_$id.txt" | sed -n '1,5p' | tr '\n' ' ')"
        elif rc=0; grade_build "$bdir" "grade_${name}_$id" "$clog" 1 || rc=$?; [ "$rc" -ne 0 ]; then
            local why="did not compile"
            [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && why="compilation timed out after ${GRADE_CTIMEOUT}s"
            grade_all_failed "$id" "$names" "$why (compile_$id.log):
$(print_build_errors "$clog" "$inc" 2>&1 | sed -n '1,30p')" "$sdir"
            say "   $id: $why"
        elif [ "$mrc" -ne 0 ] && ! grade_macro_check "$bdir" "grade_${name}_$id" "test_$id" "$sdir/macros_$id.txt"; then
            # (compiled, but could not be preprocessed before: checked again, refused unless clean)
            grade_all_failed "$id" "$names" "not graded: the headers define macros named like identifiers the tests use (a macro could rewrite a test); remove them or give them other names:
$(head -n 10 "$sdir/macros_$id.txt")" "$sdir"
            say "   $id: refused, macros: $(awk '{ print $2 }' "$sdir/macros_$id.txt" | sed -n '1,5p' | tr '\n' ' ')"
        else
            grade_run_tests "$id" "$names" "$sdir" "$bdir/grade/$name/test_$id"
        fi
        passed=$(awk -F'\t' -v m="$id" '$1 == m && $3 == "passed"' "$sdir/tests.tsv" | wc -l | tr -d ' ')
        row="$row,$passed/$total"
        [ -n "$reason" ] || say "   $id: $passed/$total passed"
    done
    [ -z "$reason" ] || say "   $reason: 0 points"
    printf '%s\n' "$row" >>"$GRADE_OUT/grades.csv"
    grade_results_json "$sdir/tests.tsv" "$@" >"$sdir/results.json"
}

# grade_spec NAME — a Catch2 test spec matching exactly the test called NAME
grade_spec() {
    local s=$1
    s=${s//\\/\\\\}; s=${s//,/\\,}; s=${s//[/\\[}; s=${s//]/\\]}
    printf '%s' "$s"
}

# grade_run_tests MODULE NAMES SDIR EXE — every test case of the module as its own process.
grade_run_tests() {
    local id=$1 names=$2 sdir=$3 exe=$4 line test spec rc nonce status detail outf="$sdir/.out" rec="$sdir/.rec"
    local runlog="$sdir/run_$id.log" junit_rows="$sdir/.junit_$id"
    [ "$GRADE_SANDBOX" -eq 0 ] || grade_sandbox_args "" "$(dirname "$exe")"
    : >"$runlog"
    : >"$junit_rows"
    while IFS= read -r line; do
        test=${line#"$id:"}
        test=${test# }   # CTest's name is "NN_name:test" or "NN_name: test"
        spec=$(grade_spec "$test")
        nonce="$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')"
        : >"$rec"
        rc=0
        if [ "$GRADE_SANDBOX" -eq 1 ]; then
            TINYTORCH_GRADE_FD=3 TINYTORCH_GRADE_NONCE=$nonce TINYTORCH_SOURCE_DIR="$TITO_ROOT" \
                timeout -k 5 "$GRADE_TIMEOUT" "${GRADE_BWRAP[@]}" "$exe" "$spec" --warn NoTests \
                </dev/null >"$outf" 2>&1 3>"$rec" || rc=$?
        else
            (cd "${TMPDIR:-/tmp}" && TINYTORCH_GRADE_FD=3 TINYTORCH_GRADE_NONCE=$nonce TINYTORCH_SOURCE_DIR="$TITO_ROOT" \
                timeout -k 5 "$GRADE_TIMEOUT" "$exe" "$spec" --warn NoTests) </dev/null >"$outf" 2>&1 3>"$rec" || rc=$?
        fi
        if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
            status=failed; detail="timed out after ${GRADE_TIMEOUT}s"
        elif [ "$rc" -gt 128 ]; then
            status=failed; detail="crashed (signal $((rc - 128)))"
        elif ! grep -qx "tinytorch-grade $nonce $rc" "$rec" 2>/dev/null; then
            status=failed; detail="the test program ended before the test finished (exit status $rc without Catch2's result); a submission must not end the process"
        elif [ "$rc" -ne 0 ]; then
            status=failed; detail=$(grade_first_failure "$outf")
        else
            status=passed; detail=""
        fi
        {
            printf '=== %s: %s — %s%s\n' "$id" "$test" "$status" "${detail:+ ($detail)}"
            head -c 65536 "$outf"
            printf '\n'
        } >>"$runlog"
        local msg=""
        if [ "$status" = failed ]; then
            msg=$(printf '%s\n\n%s' "$detail" "$(head -n 60 "$outf" | cut -c1-300)" | json_escape_stream)
        fi
        printf '%s\t%s\t%s\t%s\n' "$id" "$test" "$status" "$msg" >>"$sdir/tests.tsv"
        printf '%s\t%s\t%s\n' "$test" "$status" "${detail%%$'\n'*}" >>"$junit_rows"
    done <"$names"
    rm -f "$outf" "$rec"
    grade_junit "$id" "$junit_rows" >"$sdir/$id.junit.xml"
    rm -f "$junit_rows"
}

# The stub a test ran into ("TODO: ...") or Catch2's first failed check, for the summary.
grade_first_failure() {
    awk '
        /NotImplemented: / { s = $0; sub(/.*NotImplemented: /, "", s); print "TODO: " s; found = 1; exit }
        /FAILED:$/ || /: FAILED:/ { print; n = 3; found = 1; next }
        n > 0 { if ($0 ~ /^=+$/ || $0 == "") { if (found) exit } else { print; n-- } ; if (n == 0) exit }
        END { if (!found) print "failed (see the output)" }' "$1" | sed -n '1,5p' | cut -c1-300
}

# grade_junit MODULE ROWS — JUnit XML from "name<TAB>passed|failed<TAB>message" rows.
grade_junit() {
    awk -F'\t' -v m="$1" '
        function x(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
        { name[++n] = $1; st[n] = $2; msg[n] = $3; if ($2 != "passed") f++ }
        END {
            print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            printf "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" disabled=\"0\" skipped=\"0\" time=\"0\">\n", m, n, f
            for (i = 1; i <= n; i++) {
                if (st[i] == "passed") printf "\t<testcase name=\"%s\" classname=\"%s\" time=\"0\" status=\"run\"/>\n", x(name[i]), x(m)
                else printf "\t<testcase name=\"%s\" classname=\"%s\" time=\"0\" status=\"fail\">\n\t\t<failure message=\"%s\"/>\n\t</testcase>\n", x(name[i]), x(m), x(msg[i])
            }
            print "</testsuite>"
        }' "$2"
}

# Every test of a module fails with the same message; writes a JUnit XML for the suite too.
grade_all_failed() {
    local id=$1 names=$2 msg=$3 sdir=$4 emsg first
    emsg=$(printf '%s' "$msg" | json_escape_stream)
    first=${msg%%$'\n'*}
    first=${first//$'\t'/ }
    # (through the environment: awk -v would turn the JSON escapes such as \n back into newlines)
    GRADE_M=$id GRADE_E=$emsg GRADE_F=$first awk '
        BEGIN { m = ENVIRON["GRADE_M"]; e = ENVIRON["GRADE_E"]; f = ENVIRON["GRADE_F"] }
        { t = $0; if (index(t, m ":") == 1) { t = substr(t, length(m) + 2); sub(/^ /, "", t) }
        printf "%s\t%s\tfailed\t%s\n", m, t, e > "/dev/stdout"; printf "%s\tfailed\t%s\n", t, f > "/dev/stderr" }' \
        "$names" >>"$sdir/tests.tsv" 2>"$sdir/.junit_$id"
    grade_junit "$id" "$sdir/.junit_$id" >"$sdir/$id.junit.xml"
    rm -f "$sdir/.junit_$id"
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
        function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); return s }
        { n++; name[n] = $1 ": " $2; st[n] = $3; o[n] = $4; m[n] = $1
          total[$1]++; if ($3 == "passed") { passed[$1]++; score++ } }
        END {
            nm = split(mods, ml, " ")
            summary = ""
            for (i = 1; i <= nm; i++) summary = summary sprintf("%s: %d/%d passed\\n", ml[i], passed[ml[i]], total[ml[i]])
            printf "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"visibility\": \"visible\",\n  \"stdout_visibility\": \"hidden\",\n  \"output\": \"%s\",\n  \"tests\": [", score, n, summary
            for (i = 1; i <= n; i++) {
                printf "%s\n    {\"name\": \"%s\", \"score\": %d, \"max_score\": 1, \"status\": \"%s\", \"visibility\": \"visible\", \"tags\": [\"%s\"], \"output\": \"%s\"}",
                    (i > 1 ? "," : ""), esc(name[i]), (st[i] == "passed"), st[i], m[i], o[i]
            }
            printf "\n  ]\n}\n"
        }' "$tsv"
}
