# tools/tito/cmd/demo.sh — ./tito demo [ARGS...]: the quickest way to see the framework work.

usage_demo() {
    cat <<EOF2
usage: ./tito demo [--preset P] [--] [ARGS...]

Builds and runs the demo on the reference implementation:
  * milestone 03 (the 1986 MLP) on the small digits set embedded in the repository — no
    download — when milestones/03_1986_mlp/ exists (target milestone_03_1986_mlp, run with
    --dataset digits unless you give ARGS);
  * otherwise module 01's analysis program (target analysis_01_tensor), which measures tensor
    operations and prints a table.
ARGS go to the program (e.g. ./tito demo -- --help). In a student release the demo runs your
own code, so it only works once the modules it uses pass.
EOF2
}

run_demo() {
    local args=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --preset) [ $# -ge 2 ] || die 2 "--preset needs a name"; TITO_PRESET=$2; shift 2 ;;
            --preset=*) TITO_PRESET=${1#*=}; shift ;;
            --) shift; args+=("$@"); break ;;
            *) args+=("$1"); shift ;;
        esac
    done
    local target
    if [ -d "$TITO_ROOT/milestones/03_1986_mlp" ]; then
        target=milestone_03_1986_mlp
        # the embedded digits only (no download, seconds); ARGS replace this default
        [ ${#args[@]} -gt 0 ] || args=(--dataset digits)
    else
        target=analysis_01_tensor
        [ -f "$TITO_ROOT/modules/01_tensor/analysis.cpp" ] ||
            die 2 "no demo yet: neither milestones/03_1986_mlp/ nor modules/01_tensor/analysis.cpp exists"
    fi
    ensure_targets "$target"
    tito_build "$target" || exit 2
    local exe rc=0
    exe=$(find_executable "$target")
    [ -n "$exe" ] || die 2 "built $target but cannot find its executable under $(relpath "$(build_dir)")"
    info "running $(relpath "$exe") ${args[*]:-}"
    (cd "$TITO_ROOT" && "$exe" "${args[@]}") || rc=$?
    if [ "$rc" -ne 0 ] && [ -f "$TITO_ROOT/tools/tito/RELEASE" ]; then
        say "The demo stopped (exit code $rc). In a student release it runs your code: ./tito status shows what is left." >&2
    fi
    exit "$rc"
}
