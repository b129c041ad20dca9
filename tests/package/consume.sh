#!/usr/bin/env bash
# tests/package/consume.sh — CTest tests "package: find_package" and "package: add_subdirectory"
# (label "package"): TinyTorch used by a project outside it, as a learner's own project would.
#
# usage: consume.sh find_package BUILD_DIR WORK_DIR [CMAKE_ARGS...]
#          install the configured build BUILD_DIR into WORK_DIR/prefix, then configure, build
#          and run tests/package/consumer against it with find_package(tinytorch)
#        consume.sh add_subdirectory SOURCE_DIR WORK_DIR [CMAKE_ARGS...]
#          configure the consumer with add_subdirectory(SOURCE_DIR): tests, milestones, analysis
#          and bench must stay off by themselves (they are on only in a top-level build)
# Exit status 0 when the consumer builds and its short training run lowers the loss.
set -euo pipefail
mode=$1 from=$2 work=$3
shift 3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -rf "$work"
mkdir -p "$work"
# -O0 without debug info: the consumer is compiled only to prove that it builds and runs (the
# umbrella header costs ~39 s of CPU at -O0, ~59 s at -O1).
common=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O0" "$@")
case "$mode" in
    find_package)
        cmake --install "$from" --prefix "$work/prefix" >"$work/install.log"
        # what must not leak into an installed package: absolute library paths of this machine
        if grep -n "libopenblas\|/usr/include/.*openblas" "$work/prefix"/lib*/cmake/tinytorch/tinytorchTargets*.cmake; then
            echo "FAILED: the installed targets carry a path from the build machine (above)"
            exit 1
        fi
        cmake -S "$here/consumer" -B "$work/build" "-DCMAKE_PREFIX_PATH=$work/prefix" "${common[@]}"
        ;;
    add_subdirectory)
        cmake -S "$here/consumer" -B "$work/build" -DTINYTORCH_CONSUME=subdirectory "-DTINYTORCH_SOURCE=$from" \
            "${common[@]}" | tee "$work/configure.log"
        # a vendored TinyTorch builds nothing of its own (tests, milestones, ...) in the parent project
        if cmake --build "$work/build" --target help | grep -E "test_01_tensor|milestone_0|analysis_0|release_check"; then
            echo "FAILED: add_subdirectory(TinyTorch) added its own programs to the parent project (above)"
            exit 1
        fi
        ;;
    *) echo "consume.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
cmake --build "$work/build" -j 2
"$work/build/consumer"
