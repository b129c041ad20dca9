#!/usr/bin/env bash
# tools/tito/stub_switch.sh SRC_INCLUDE OUT_INCLUDE MODULES_TSV — write the stub-switchable copy of
# the framework headers (tools/tito/stub_switch.awk explains it) into OUT_INCLUDE. Files whose
# content did not change keep their timestamps, so test builds stay incremental; headers that no
# longer exist are removed. Called by tests/CMakeLists.txt (TINYTORCH_STUB_SWITCH) before the test
# programs compile.
set -euo pipefail
src=$(cd -P "$1" && pwd)
out=$2
tsv=$3
here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out"
out=$(cd -P "$out" && pwd)
map=$(mktemp "${TMPDIR:-/tmp}/tt-switch-map.XXXXXX")
list=$(mktemp "${TMPDIR:-/tmp}/tt-switch-list.XXXXXX")
trap 'rm -f "$map" "$list"' EXIT
awk -F'\t' '$1 ~ /^[0-9][0-9]$/ && NF >= 2 { print $2 "\t" $1 "_" $2 }' "$tsv" >"$map"
(cd "$src" && find tinytorch -type f \( -name '*.hpp' -o -name '*.h' \) | LC_ALL=C sort) >"$list"
sed 's|/[^/]*$||' "$list" | sort -u | (cd "$out" && xargs mkdir -p)
if [ -s "$list" ]; then
    (cd "$src" && tr '\n' '\0' <"$list" | xargs -0 awk -v outdir="$out" -v srcroot="$src" -f "$here/markers.awk" -f "$here/stub_switch.awk" "$map")
fi
cat >"$out/tinytorch_stub_switch.hpp.switch-new" <<'HPP'
// tinytorch_stub_switch.hpp — written by tools/tito/stub_switch.sh into the reference's test build
// (never part of include/ or of a release). TINYTORCH_STUB_SWITCH(module, function, section) opens
// every solution region of the switchable headers: it throws the release's NotImplemented when the
// environment variable TINYTORCH_STUB names `module` ("06_autograd", a comma list, or "all").
#pragma once
#include <cstdlib>
#include <string>
#include <type_traits>

namespace tinytorch_stub_switch {
inline bool active(const char* module) {
    static const std::string list = [] {
        const char* e = std::getenv("TINYTORCH_STUB");
        return e && *e ? "," + std::string(e) + "," : std::string();
    }();
    if (list.empty()) return false;
    return list == ",all," || list.find("," + std::string(module) + ",") != std::string::npos;
}
}  // namespace tinytorch_stub_switch

#define TINYTORCH_STUB_SWITCH(module, function, section)                                   \
    do {                                                                                   \
        if (!std::is_constant_evaluated() && ::tinytorch_stub_switch::active(module))      \
            TINYTORCH_TODO(module, function, section);                                     \
    } while (0)
HPP
f=tinytorch_stub_switch.hpp
if cmp -s "$out/$f.switch-new" "$out/$f"; then rm -f "$out/$f.switch-new"; else mv -f "$out/$f.switch-new" "$out/$f"; fi
# headers removed from the source
(cd "$out" && find tinytorch -type f \( -name '*.hpp' -o -name '*.h' \) | LC_ALL=C sort) | comm -23 - "$list" |
    while IFS= read -r f; do rm -f "$out/$f"; done
