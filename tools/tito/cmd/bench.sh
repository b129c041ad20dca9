# tools/tito/cmd/bench.sh — ./tito bench: TinyTorch against libtorch (bench/main.cpp).

usage_bench() {
    cat <<EOF2
usage: ./tito bench [options]

Builds the benchmark program (bench/, target tinytorch_bench) in the 'release' preset (-O3,
-march=native; build/release, configured on first use) and runs it: each workload in TinyTorch
and, when libtorch was found (Debian: apt-get install libtorch-dev), in libtorch, same shapes,
optimizer, thread count and synthetic data; only the training step is timed, after warm-up, in
alternating repeats (module 19's harness). Prints the median with its 95% bootstrap interval and
the TinyTorch/libtorch ratio with its interval, writes JSON.

  --threads LIST          thread counts, e.g. 1,2 (default 1,2)
  --repeats N             timed repeats per framework and workload (default 7)
  --repeat-time S         seconds of steps per repeat (default 0.25)
  --warmup-time S         untimed seconds before timing (default 0.5)
  --only LIST             some of W1_train,W1_infer,W1_frozen,W2_train,W3_train,W4_train,W4_gen,W4_gen_kv,
                          W5_sgemm,W5_kernel
  --json PATH             the JSON report (default build/<preset>/bench/bench.json)
  --gemm openblas|tinytorch
                          TinyTorch's GEMM: OpenBLAS when found (default, preset 'release') or
                          TinyTorch's own kernel, gemm_kernel.hpp (preset 'release-own-gemm',
                          build/release-own-gemm); W5 compares either with OpenBLAS
  --openblas-coretype T   run both frameworks with OPENBLAS_CORETYPE=T (default: unset)
  --openblas-l2-size KB   run both frameworks with OPENBLAS_L2_SIZE=KB (default: unset)
  --no-libtorch           TinyTorch figures only
  --quick                 a seconds-long smoke run
  --reconfigure           run cmake --preset release again first (e.g. after installing libtorch-dev)

Environment it sets: OPENBLAS_NUM_THREADS=1 (libtorch's OpenMP threads and OpenBLAS's threads
would fight over the cores; W5's OpenBLAS row sets its thread count by call), OPENBLAS_CORETYPE
and OPENBLAS_L2_SIZE unset unless given (both steer which kernels and block sizes OpenBLAS
uses; unset, it detects the CPU and prints the core it picked). The program itself re-executes
with these when started another way. Other OMP_*/OPENBLAS_* variables are passed on and reported.
It first measures the roofline (module 17): the FMA peak on the widest vectors the build has
(AVX-512 where present) and the triad bandwidth; W5 and W1 inference rows are put against it.
On a shared machine, wrap the run in a lock other measurements take too:
  flock /tmp/tinytorch-measure.lock ./tito bench
EOF2
}

run_bench() {
    local args=() json="" reconfigure=0 preset=release
    while [ $# -gt 0 ]; do
        case "$1" in
            -h|--help) usage_bench; return 0 ;;
            --json) [ $# -ge 2 ] || die 2 "--json needs a path"; json=$(abspath "$2"); shift 2 ;;
            --reconfigure) reconfigure=1; shift ;;
            --gemm)
                [ $# -ge 2 ] || die 2 "--gemm needs openblas or tinytorch"
                case "$2" in
                    openblas) preset=release ;;
                    tinytorch|own) preset=release-own-gemm ;;
                    *) die 2 "--gemm: expected openblas or tinytorch, got '$2'" ;;
                esac
                shift 2 ;;
            --threads|--repeats|--repeat-time|--warmup-time|--only|--openblas-coretype|--openblas-l2-size)
                [ $# -ge 2 ] || die 2 "$1 needs a value (./tito bench --help)"
                args+=("$1" "$2"); shift 2 ;;
            --no-libtorch|--quick) args+=("$1"); shift ;;
            *) err "unknown option '$1'"; usage_bench >&2; exit 2 ;;
        esac
    done
    [ -f "$TITO_ROOT/bench/CMakeLists.txt" ] || die 2 "this tree has no bench/ folder (bench/CMakeLists.txt)"

    TITO_PRESET=$preset
    if [ "$reconfigure" = 1 ] && [ -f "$(build_dir)/CMakeCache.txt" ]; then
        info "re-configuring: cmake --preset $preset"
        (cd "$TITO_ROOT" && cmake --preset "$preset") >"$(build_dir)/tito-configure.log" 2>&1 ||
            { tail -n 25 "$(build_dir)/tito-configure.log" >&2; die 2 "cmake --preset $preset failed"; }
    fi
    ensure_targets tinytorch_bench
    tito_build tinytorch_bench || exit 2
    local exe
    exe=$(find_executable tinytorch_bench)
    [ -n "$exe" ] || die 2 "the build produced no tinytorch_bench program"
    [ -n "$json" ] || json="$(build_dir)/bench/bench.json"
    mkdir -p "$(dirname "$json")"

    export OPENBLAS_NUM_THREADS=1
    unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
    info "running $(relpath "$exe") ${args[*]}  ${C_DIM}(load: $(uptime | sed 's/.*load average: //'))${C_OFF}"
    "$exe" "${args[@]}" --json "$json"
}
