#!/usr/bin/env bash
# tests/config/minimal_build.sh — CTest test "config: without zlib and OpenBLAS" (label "config").
# The documented optional dependencies really are optional: a build with TINYTORCH_USE_ZLIB=OFF
# and TINYTORCH_USE_OPENBLAS=OFF (GEMM through TinyTorch's own kernel, .gz files refused with a
# DataError) compiles, and the suites those options change pass — 01_tensor (matmul, the GEMM
# kernel) and 05_dataloader (gzip'd IDX files) — graded and [provided] tests alike.
#
# usage: minimal_build.sh SOURCE_DIR WORK_DIR [CMAKE_ARGS...]   (WORK_DIR is reused: incremental)
set -euo pipefail
src=$1 work=$2
shift 2
mkdir -p "$work"
if [ ! -f "$work/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$work" -DTINYTORCH_USE_ZLIB=OFF -DTINYTORCH_USE_OPENBLAS=OFF \
        -DTINYTORCH_BUILD_TESTS=ON -DTINYTORCH_BUILD_MILESTONES=OFF -DTINYTORCH_BUILD_ANALYSIS=OFF \
        -DTINYTORCH_BUILD_BENCH=OFF -DTINYTORCH_RELEASE_CHECK=OFF "$@" >"$work/configure.log" ||
        { cat "$work/configure.log"; exit 1; }
fi
cmake --build "$work" -j 2 --target test_01_tensor test_05_dataloader
cd "$work"
ctest --output-on-failure -j 2 -R '^(01_tensor|05_dataloader)( \(provided code\))?:'
