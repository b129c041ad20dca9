# tools/tito/cmd/status.sh — ./tito status: where every module and milestone stands.

usage_status() {
    cat <<EOF
usage: ./tito status [--preset P]

Builds every module's test program (each on its own, so one that does not compile does not hide
the others), runs all module suites and prints:
  * each module: not started (no tests yet, or every test stops at a NotImplemented stub),
    failing (passed/total), passing (total/total), or does not compile;
  * each milestone (milestones/milestones.tsv): unlocked when every module it needs passes and
    its program exists (then: ./tito milestone NN).

exit status: 0 (whatever the progress) · 2 configure error
EOF
}

# module_states FILE — builds and runs every module suite; writes "id<TAB>state<TAB>passed<TAB>total"
# (state: nottests | nobuild | notstarted | failing | passing) to FILE.
module_states() {
    local outfile=$1 id built=() log results
    : >"$outfile"
    ensure_configured
    local all_targets=()
    for id in $(modules_with_tests); do all_targets+=("test_$id"); done
    [ ${#all_targets[@]} -eq 0 ] || ensure_targets "${all_targets[@]}"
    for id in $(module_ids); do
        if ! module_has_tests "$id"; then
            continue
        fi
        if (cd "$TITO_ROOT" && cmake --build --preset "$TITO_PRESET" --target "test_$id") >"$(build_dir)/tito-build-$id.log" 2>&1; then
            built+=("$id")
            printf '   built test_%s\n' "$id" >&2
        else
            printf '%s\tnobuild\t0\t0\n' "$id" >>"$outfile"
            printf '   test_%s does not compile (%s)\n' "$id" "$(relpath "$(build_dir)/tito-build-$id.log")" >&2
        fi
    done
    [ ${#built[@]} -gt 0 ] || return 0
    log="$(build_dir)/tito-status.log"
    run_ctest "$log" -L "$(label_regex "${built[@]}")" || true
    results=$(mktemp "${TMPDIR:-/tmp}/tito-status.XXXXXX")
    parse_ctest_log "$log" summary >"$results"
    awk -F'\t' '
        { g = $3; if (!(g in t)) order[++n] = g; t[g]++
          if ($2 == "PASS") p[g]++; else if ($5 ~ /^TODO: /) ni[g]++ }
        END {
            for (i = 1; i <= n; i++) {
                g = order[i]
                if (g !~ /^[0-9][0-9]_/) continue
                st = (p[g] == t[g]) ? "passing" : (ni[g] == t[g] ? "notstarted" : "failing")
                printf "%s\t%s\t%d\t%d\n", g, st, p[g], t[g]
            }
        }' "$results" >>"$outfile"
    rm -f "$results"
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
    info "building and running the module suites (preset $TITO_PRESET)"
    module_states "$states"
    say ""
    say "$(bold "modules")"
    modules_table | awk -F'\t' -v sfile="$states" -v red="$C_RED" -v green="$C_GREEN" -v yellow="$C_YELLOW" \
        -v dim="$C_DIM" -v off="$C_OFF" '
        BEGIN { while ((getline l < sfile) > 0) { split(l, f, "\t"); st[f[1]] = f[2]; p[f[1]] = f[3]; t[f[1]] = f[4] } }
        {
            id = $1 "_" $2
            s = st[id]
            if (s == "")                 txt = dim "not started (no tests yet)" off
            else if (s == "notstarted")  txt = "not started (0/" t[id] ")"
            else if (s == "nobuild")     txt = red "does not compile (./tito test " $1 " shows why)" off
            else if (s == "failing")     txt = yellow "failing (" p[id] "/" t[id] ")" off
            else                         txt = green "passing (" p[id] "/" t[id] ")" off
            printf "  %s  %-14s %-15s %s\n", $1, $2, $4, txt
        }'
    say ""
    say "$(bold "milestones")"
    milestones_table | while IFS=$'\t' read -r num folder needs title; do
        local missing=() n id state
        for n in ${needs//,/ }; do
            id=$(module_lookup "$n") || { missing+=("$n?"); continue; }
            awk -F'\t' -v id="$id" '$1 == id && $2 == "passing" { found = 1 } END { exit found ? 0 : 1 }' "$states" ||
                missing+=("${id%%_*}")
        done
        if [ ! -d "$TITO_ROOT/milestones/$folder" ]; then
            state="${C_DIM}planned (milestones/$folder/ does not exist yet)${C_OFF}"
        elif [ ${#missing[@]} -gt 0 ]; then
            state="locked — needs module(s) ${missing[*]}"
        else
            state="${C_GREEN}unlocked${C_OFF} — ./tito milestone $num"
        fi
        printf '  %s  %-32s %s\n' "$num" "$title" "$state"
    done
    rm -f "$states"
}
