#!/usr/bin/env bash
# tests/tito/test_shell_pipes.sh SOURCE_DIR — CTest "tito: no pipes that SIGPIPE".
#
# ./tito (and .ci/run) run with `set -euo pipefail`. A pipeline into a reader that stops early — `head`,
# `grep -q`, `grep -m` — ends the writer with SIGPIPE when it still has output to write; pipefail
# then makes the whole pipeline fail with status 141, and errexit ends ./tito. Whether the writer
# finishes first depends on timing, so such a line passes most runs and fails some (CI failed this
# way once: `./tito grade` exited 141 while taking the first line of a long message). Take first
# lines with parameter expansion (${text%%$'\n'*}), `sed -n '1,Np'` (it reads all its input) or
# `find ... -print -quit`; test for a match with a [ ... ] comparison or grep -q on a file.
set -uo pipefail
src=${1:?usage: test_shell_pipes.sh SOURCE_DIR}
hits=$(grep -rnE '\|[[:space:]]*(head([[:space:]]|$)|grep[[:space:]]+(-[a-zA-Z]*[qm]))' \
    "$src/tito" "$src/tools/tito" "$src/.ci" --include='*.sh' --include='tito' --include='run' 2>/dev/null | grep -vE ':[0-9]+:[[:space:]]*#')
if [ -n "$hits" ]; then
    printf 'FAILED: pipes into a reader that stops early (SIGPIPE under pipefail; see the top of this script):\n%s\n' "$hits"
    exit 1
fi
echo "ok: no pipe into head / grep -q / grep -m in ./tito's scripts and .ci/run"
