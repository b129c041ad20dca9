# tools/tito/cmd/milestone.sh — ./tito milestone NN [ARGS...]: run a milestone program.

usage_milestone() {
    cat <<EOF
usage: ./tito milestone NN [--skip-checks] [--preset P] [--] [ARGS...]

Run milestone NN (3, 03, mlp or 03_1986_mlp; the table is milestones/milestones.tsv):
  1. runs the test suites of the modules it needs and refuses to start (exit 3) while one
     fails, naming the module and its first failing test;
  2. builds the program (target milestone_NN_year_name) and runs it from the repository root
     with ARGS, e.g. --quick, --epochs 5, --data-dir DIR, --seed 1 (put ARGS after -- when
     they would look like tito's own options, e.g. ./tito milestone 03 -- --help).

options:
  --skip-checks  do not run the prerequisite suites
  --preset P     CMake preset (default: $TITO_PRESET)

exit status: the program's · 2 unknown milestone or build error · 3 prerequisites fail
EOF
}

run_milestone() {
    local which="" skip=0 args=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --skip-checks) skip=1; shift ;;
            --preset) [ $# -ge 2 ] || die 2 "--preset needs a name"; TITO_PRESET=$2; shift 2 ;;
            --preset=*) TITO_PRESET=${1#*=}; shift ;;
            --) shift; args+=("$@"); break ;;
            *) if [ -z "$which" ]; then which=$1; else args+=("$1"); fi; shift ;;
        esac
    done
    [ -n "$which" ] || { usage_milestone >&2; exit 2; }
    local folder needs title target
    folder=$(milestone_resolve "$which")
    needs=$(milestone_field "$folder" needs)
    title=$(milestone_field "$folder" title)
    target="milestone_$folder"
    [ -d "$TITO_ROOT/milestones/$folder" ] ||
        die 2 "milestone $folder ($title) is planned but not available yet (milestones/$folder/ does not exist)"

    if [ "$skip" -eq 0 ]; then
        milestone_check_prerequisites "$folder" "$needs" || exit 3
    fi

    ensure_targets "$target"
    tito_build "$target" || exit 2
    local exe
    exe=$(find_executable "$target")
    [ -n "$exe" ] || die 2 "built $target but cannot find its executable under $(relpath "$(build_dir)")"
    info "$title: $(relpath "$exe") ${args[*]:-}"
    local rc=0
    (cd "$TITO_ROOT" && "$exe" "${args[@]}") || rc=$?
    exit "$rc"
}

# milestone_check_prerequisites FOLDER NEEDS — every needed module's suite must pass.
milestone_check_prerequisites() {
    local folder=$1 needs=$2 n id ids=() targets=() notests=()
    for n in ${needs//,/ }; do
        id=$(module_resolve "$n")
        if module_has_tests "$id"; then
            ids+=("$id")
            targets+=("test_$id")
        else
            notests+=("$id")
        fi
    done
    if [ ${#notests[@]} -gt 0 ]; then
        err "milestone $folder needs module(s) without tests yet: ${notests[*]}; they cannot be checked"
        say "   (./tito milestone ${folder%%_*} --skip-checks runs it anyway)" >&2
        return 1
    fi
    info "checking the modules milestone $folder needs: ${ids[*]}"
    ensure_targets "${targets[@]}"
    if ! tito_build "${targets[@]}"; then
        err "milestone $folder: the test programs of its modules do not compile (above)"
        return 1
    fi
    local log results
    log="$(build_dir)/tito-milestone-check.log"
    run_ctest "$log" -L "$(label_regex "${ids[@]}")" || true
    results=$(mktemp "${TMPDIR:-/tmp}/tito-ms.XXXXXX")
    parse_ctest_log "$log" summary >"$results"
    local failing
    failing=$(awk -F'\t' '
        { g = $3; if (!(g in t)) order[++n] = g; t[g]++; if ($2 != "PASS") { f[g]++; if (!(g in first)) first[g] = $4 (($5 == "") ? "" : "\n        " $5) } }
        END { for (i = 1; i <= n; i++) { g = order[i]; if (f[g] > 0) printf "  %s: %d of %d tests fail; first: %s\n", g, f[g], t[g], first[g] } }' "$results")
    local have
    have=$(awk -F'\t' '{ print $3 }' "$results" | sort -u | tr '\n' ' ')
    rm -f "$results"
    for id in "${ids[@]}"; do
        case " $have" in *" $id "*) ;; *) failing="$failing
  $id: no test results (see $(relpath "$log"))" ;; esac
    done
    if [ -n "$failing" ]; then
        err "milestone $folder is locked: these modules do not pass yet"
        printf '%s\n' "$failing" | sed '/^$/d' >&2
        say "Fix them (./tito test <module>), or run anyway with --skip-checks." >&2
        return 1
    fi
    ok "all ${#ids[@]} modules pass"
}
