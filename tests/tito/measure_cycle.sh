#!/usr/bin/env bash
# tests/tito/measure_cycle.sh — the student's edit -> test cycle, measured (not a CTest test).
#   usage: bash tests/tito/measure_cycle.sh CHECKOUT MODULE HEADER [REPEATS]
#   e.g.   bash tests/tito/measure_cycle.sh . 01 include/tinytorch/tensor/views.hpp 3
# Builds MODULE's suite once (not timed), then REPEATS times: appends a comment line to HEADER
# (an edit that changes the file's content and time, as saving from an editor does), runs
# ./tito test MODULE and prints its wall time and the CPU time of everything it ran; then
# `./tito status`. The header is restored at the end. Prints the load average before and after:
# on a shared machine the figures are only meaningful with it. Run it under
#   flock /tmp/tinytorch-measure.lock bash tests/tito/measure_cycle.sh ...
set -uo pipefail
ROOT=$(cd "${1:?checkout}" && pwd)
MODULE=${2:?module}
HEADER=${3:?header}
REPEATS=${4:-3}
export NO_COLOR=1
cd "$ROOT" || exit 2
[ -f "$HEADER" ] || { echo "no $HEADER in $ROOT" >&2; exit 2; }
backup=$(mktemp)
cp -p "$HEADER" "$backup"
trap 'cp -p "$backup" "$HEADER"; rm -f "$backup"' EXIT

./tito test "$MODULE" >/dev/null 2>&1   # warm: everything built once
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$REPEATS"); do
    echo "// edit $i $(date +%s%N)" >>"$HEADER"
    t0=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o /tmp/measure_cycle.$$ ./tito test "$MODULE" >/tmp/measure_cycle.out.$$ 2>&1
    t1=$(date +%s%N)
    # GNU time writes "Command exited with non-zero status N" first when the tests fail (stubs do)
    read -r u s < <(tail -n 1 /tmp/measure_cycle.$$)
    printf 'edit %d of %s -> ./tito test %s: %.1f s wall, %.1f s CPU (user %s + sys %s); %s\n' "$i" "$HEADER" "$MODULE" \
        "$(echo "($t1 - $t0) / 1000000000" | bc -l)" "$(echo "$u + $s" | bc -l)" "$u" "$s" \
        "$(grep -E '^ +built in|ran in' /tmp/measure_cycle.out.$$ | tr -s ' ' | tr '\n' ' ')"
done
if [ -f tools/tito/RELEASE ]; then   # in the reference, status would build every module's suite
    t0=$(date +%s%N)
    ./tito status >/tmp/measure_cycle.out.$$ 2>&1
    t1=$(date +%s%N)
    printf './tito status right after: %.1f s wall\n' "$(echo "($t1 - $t0) / 1000000000" | bc -l)"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f /tmp/measure_cycle.$$ /tmp/measure_cycle.out.$$
