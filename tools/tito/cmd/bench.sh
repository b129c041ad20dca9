# tools/tito/cmd/bench.sh — ./tito bench: not available yet.

usage_bench() {
    cat <<EOF2
usage: ./tito bench

Planned: build and run the benchmark programs under bench/ and print their comparison tables
(DESIGN.md §5). It arrives with the benchmark programs (bench/CMakeLists.txt) and module 19
(benchmarking). Until then, the analysis programs measure each module:
cmake --build --preset dev --target analysis_01_tensor && build/dev/bin/analysis_01_tensor
EOF2
}

run_bench() {
    if [ -f "$TITO_ROOT/bench/CMakeLists.txt" ]; then
        err "./tito bench is not wired up yet; build the programs in bench/ with: cmake --build --preset $TITO_PRESET"
    else
        err "./tito bench is not available yet: it arrives with the programs under bench/ and module 19 (benchmarking)."
    fi
    exit 2
}
