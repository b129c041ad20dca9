# tools/tito/cmd/status.sh — ./tito status: where every module and milestone stands.

usage_status() {
    cat <<EOF
usage: ./tito status [--preset P]

Where every module and milestone stands, from the results of the last runs where they are still
valid: a module whose functions are all still TODO stubs is "not started" without building
anything; a module's test program is rebuilt only when something it includes changed (each on
its own, so one that does not compile does not hide the others), and its suite runs again only
when the program changed since the results kept by the last ./tito test or ./tito status.
Prints:
  * each module: not started (every function you write is still a stub), failing
    (passed/total), passing (total/total), or does not compile;
  * each milestone (milestones/milestones.tsv): unlocked when every module it needs passes and
    its program exists (then: ./tito milestone NN).

exit status: 0 (whatever the progress) · 2 configure error
EOF
}

# module_states FILE — writes "id<TAB>state<TAB>passed<TAB>total<TAB>how" for every module with
# tests (state: nobuild | notstarted | failing | passing; how: cached | ran | stubs).
module_states() {
    local outfile=$1 id log results index stubs todo exe stamp kept
    : >"$outfile"
    ensure_configured
    index=$(mktemp "${TMPDIR:-/tmp}/tito-index.XXXXXX")
    stub_index >"$index"
    local all_targets=() candidates=() m n t
    local -A nstubs=() ntodo=()
    while IFS=$'\t' read -r m n t; do nstubs[$m]=$n; ntodo[$m]=$t; done < <(
        awk -F'\t' '{ n[$2]++; if ($7 == "todo") t[$2]++ } END { for (m in n) print m "\t" n[m] "\t" t[m] + 0 }' "$index")
    for id in $(modules_with_tests); do
        # every function the student writes in this module is still a stub: nothing to build
        stubs=${nstubs[$id]:-0}
        todo=${ntodo[$id]:-0}
        if [ -f "$TITO_ROOT/tools/tito/RELEASE" ] && [ "$stubs" -gt 0 ] && [ "$todo" -eq "$stubs" ]; then
            printf '%s\tnotstarted\t0\t%s\tstubs\n' "$id" "$(kept_total "$id")" >>"$outfile"
            continue
        fi
        candidates+=("$id")
        all_targets+=("test_$id")
    done
    rm -f "$index"
    [ ${#all_targets[@]} -eq 0 ] || ensure_targets "${all_targets[@]}"
    local torun=()
    for id in "${candidates[@]}"; do
        # kept results of a program that nothing changed since: no build needed (asking make
        # costs a second or more per program; a find costs milliseconds)
        exe=$(find_executable "test_$id")
        kept="$(results_dir)/$id.tsv"
        if [ -n "$exe" ] && [ -f "$kept" ] && [ "$(head -n 1 "$kept")" = "# program $(program_stamp "$exe")" ] &&
            [ -z "$(find "$TITO_ROOT/include" "$TITO_ROOT/tests" "$TITO_ROOT/CMakeLists.txt" "$TITO_ROOT/CMakePresets.json" \
                    "$TITO_ROOT/modules/modules.tsv" -newer "$exe" -print -quit 2>/dev/null)" ]; then
            summarize_kept "$id" cached >>"$outfile"
            continue
        fi
        if (cd "$TITO_ROOT" && cmake --build --preset "$TITO_PRESET" --target "test_$id") >"$(build_dir)/tito-build-$id.log" 2>&1; then
            exe=$(find_executable "test_$id")
            stamp=$(program_stamp "$exe")
            kept="$(results_dir)/$id.tsv"
            if [ -f "$kept" ] && [ "$(head -n 1 "$kept")" = "# program $stamp" ]; then
                summarize_kept "$id" cached >>"$outfile"
            else
                torun+=("$id")
                printf '   built test_%s\n' "$id" >&2
            fi
        else
            printf '%s\tnobuild\t0\t0\tran\n' "$id" >>"$outfile"
            printf '   test_%s does not compile (%s)\n' "$id" "$(relpath "$(build_dir)/tito-build-$id.log")" >&2
        fi
    done
    [ ${#torun[@]} -gt 0 ] || return 0
    printf '   running the suites of %s\n' "${torun[*]}" >&2
    log="$(build_dir)/tito-status.log"
    # one process per test program (run_programs_once); CTest when a program cannot list its tests
    local rc=0
    run_programs_once "$log" "${torun[@]}" >/dev/null || rc=$?
    [ "$rc" -ne 3 ] || run_ctest_watched "$log" -L "$(label_regex "${torun[@]}")" >/dev/null || true
    results=$(mktemp "${TMPDIR:-/tmp}/tito-status.XXXXXX")
    parse_ctest_log "$log" summary >"$results"
    save_results "$results"
    rm -f "$results"
    for id in "${torun[@]}"; do summarize_kept "$id" ran >>"$outfile"; done
}

# kept_total ID — the number of tests in the kept results of a module ("?" when none).
kept_total() {
    local kept
    kept="$(results_dir)/$1.tsv"
    if [ -f "$kept" ]; then grep -vc '^#' "$kept" || true; else echo "?"; fi
}

# summarize_kept ID HOW — the state line of a module from its kept results.
summarize_kept() {
    local kept
    kept="$(results_dir)/$1.tsv"
    [ -f "$kept" ] || { printf '%s\tnobuild\t0\t0\t%s\n' "$1" "$2"; return 0; }
    awk -F'\t' -v id="$1" -v how="$2" '
        /^#/ { next }
        { t++; if ($3 == "PASS") p++ }
        END { printf "%s\t%s\t%d\t%d\t%s\n", id, (t > 0 && p == t) ? "passing" : "failing", p, t, how }' "$kept"
}

run_status() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --preset) [ $# -ge 2 ] || die 2 "--preset needs a name"; TITO_PRESET=$2; shift 2 ;;
            --preset=*) TITO_PRESET=${1#*=}; shift ;;
            *) die 2 "status: unknown argument '$1' (see ./tito status --help)" ;;
        esac
    done
    local states
    states=$(mktemp "${TMPDIR:-/tmp}/tito-states.XXXXXX")
    local t0
    t0=$(now)
    info "checking the module suites (preset $TITO_PRESET): only what changed is built and run"
    module_states "$states"
    say ""
    say "$(bold "modules")"
    modules_table | awk -F'\t' -v sfile="$states" -v red="$C_RED" -v green="$C_GREEN" -v yellow="$C_YELLOW" \
        -v dim="$C_DIM" -v off="$C_OFF" '
        BEGIN { while ((getline l < sfile) > 0) { split(l, f, "\t"); st[f[1]] = f[2]; p[f[1]] = f[3]; t[f[1]] = f[4]; how[f[1]] = f[5] } }
        {
            id = $1 "_" $2
            s = st[id]
            if (s == "")                 txt = dim "not started (no tests yet)" off
            else if (s == "notstarted")  txt = "not started" (t[id] == "?" ? "" : " (0/" t[id] ")")
            else if (s == "nobuild")     txt = red "does not compile (./tito test " $1 " shows why)" off
            else if (s == "failing")     txt = yellow "failing (" p[id] "/" t[id] ")" off
            else                         txt = green "passing (" p[id] "/" t[id] ")" off
            if (how[id] == "cached") txt = txt dim "  (kept from the last run)" off
            printf "  %s  %-14s %-15s %s\n", $1, $2, $4, txt
        }'
    say ""
    say "$(bold "milestones")"
    # one awk for all milestones (a module_lookup per needed module cost ~6 s on a busy machine)
    local folders
    folders=$(cd "$TITO_ROOT/milestones" 2>/dev/null && for f in */; do [ -d "$f" ] && printf '%s\n' "${f%/}"; done)
    modules_table | awk -F'\t' -v sfile="$states" -v folders="$folders" -v green="$C_GREEN" -v dim="$C_DIM" -v off="$C_OFF" '
        BEGIN {
            while ((getline l < sfile) > 0) { split(l, f, "\t"); st[f[1]] = f[2] }
            nf = split(folders, fl, "\n"); for (i = 1; i <= nf; i++) have[fl[i]] = 1
        }
        FNR == NR { id = $1 "_" $2; byname[$1] = id; byname[$2] = id; byname[id] = id; next }
        {
            num = $1; folder = $2; title = $4; missing = ""
            n = split($3, needs, /,/)
            for (i = 1; i <= n; i++) {
                a = needs[i]; gsub(/ /, "", a)
                if (a == "") continue
                if (a ~ /^[0-9]+$/ && length(a) <= 3) a = sprintf("%02d", a + 0)
                if (!(a in byname)) { missing = missing (missing == "" ? "" : " ") needs[i] "?"; continue }
                id = byname[a]
                if (st[id] != "passing") missing = missing (missing == "" ? "" : " ") substr(id, 1, 2)
            }
            if (!(folder in have)) state = dim "planned (milestones/" folder "/ does not exist yet)" off
            else if (missing != "") state = "locked — needs module(s) " missing
            else state = green "unlocked" off " — ./tito milestone " num
            printf "  %s  %-32s %s\n", num, title, state
        }' - <(milestones_table)
    rm -f "$states"
    say ""
    say "${C_DIM}status in $(($(now) - t0))s${C_OFF}"
}
