#!/usr/bin/env bash
# tests/tito/test_data.sh — ./tito data on tiny fake datasets: no network, a few seconds.
#   usage: bash tests/tito/test_data.sh [CHECKOUT]      (CTest test "tito: data", label "tito")
# A fake manifest (TITO_DATA_MANIFEST) describes three small sets whose "official" URLs are
# file:// paths, some of them missing (the offline case), and a local mirror
# (TINYTORCH_DATA_MIRROR); then fetch, verify, corrupt, missing, stand-in and archive paths are
# checked, and the real manifest is checked against a small broken tree.
set -uo pipefail

ROOT=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
TITO=$ROOT/tito
T=$(mktemp -d "${TMPDIR:-/tmp}/tito-data-test.XXXXXX")
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
export NO_COLOR=1
unset TINYTORCH_DATA_DIR TINYTORCH_DATA_MIRROR TITO_DATA_MANIFEST

FAILS=0 CHECKS=0
pass() { CHECKS=$((CHECKS + 1)); }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); printf 'FAILED: %s\n' "$*"; [ ! -f "$T/out" ] || sed 's/^/    | /' "$T/out" | head -n 40; }

# run ARGS... — ./tito ARGS with output in $T/out and the exit status in RC
run() { local t0=$(date +%s%N); "$TITO" "$@" >"$T/out" 2>&1; RC=$?; [ -z "${TIMING:-}" ] || echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms: $*" >&2; }
expect_rc()   { if [ "$RC" -eq "$1" ]; then pass; else fail "$2: exit status $RC, expected $1"; fi; }
expect_out()  { if grep -qF -- "$1" "$T/out"; then pass; else fail "$2: output lacks '$1'"; fi; }
expect_no()   { if grep -qF -- "$1" "$T/out"; then fail "$2: output has '$1'"; else pass; fi; }
expect_file() { if [ -f "$1" ]; then pass; else fail "$2: $1 does not exist"; fi; }
expect_none() { if [ -e "$1" ]; then fail "$2: $1 exists"; else pass; fi; }
# the status column of DATASET in a verify table
status_of()   { awk -v d="$1" '$1 == d { print $2; exit }' "$T/out"; }
expect_status() { local s; s=$(status_of "$1"); if [ "$s" = "$2" ]; then pass; else fail "$3: $1 is '$s', expected '$2'"; fi; }
no_leftovers() {
    local left
    left=$(find "$1" \( -name '*.part' -o -name '.unpack.*' \) 2>/dev/null)
    if [ -z "$left" ]; then pass; else fail "$2: left behind: $left"; fi
}

sha() { if command -v sha256sum >/dev/null 2>&1; then sha256sum <"$1"; else shasum -a 256 <"$1"; fi | awk '{ print $1 }'; }
md5() { if command -v md5sum >/dev/null 2>&1; then md5sum <"$1"; else md5 -q <"$1"; fi | awk '{ print $1 }'; }
size() { wc -c <"$1" | tr -d ' '; }
# row DATASET FILE KIND PATH SOURCE — a manifest line describing the file at PATH
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(size "$4")" "$(md5 "$4")" "$(sha "$4")" "$5"; }

# ---- the fake datasets ---------------------------------------------------------------------------
mkdir -p "$T/src/bin/inner" "$T/src/standin" "$T/mirror/idx" "$T/mirror/text" "$T/official"
printf 'IDX-IMAGES %.0s' $(seq 1 200) >"$T/src/images"
printf 'IDX-LABELS %.0s' $(seq 1 20) >"$T/src/labels"
gzip -n -c "$T/src/images" >"$T/mirror/idx/images.gz"
gzip -n -c "$T/src/labels" >"$T/mirror/idx/labels.gz"
printf 'To be, or not to be\n' >"$T/mirror/text/t.txt"
printf 'x%.0s' $(seq 1 300) >"$T/src/bin/inner/x.bin"
printf 'y%.0s' $(seq 1 300) >"$T/src/bin/inner/y.bin"
printf 'cat\ndog\n' >"$T/src/bin/inner/meta.txt"
(cd "$T/src/bin" && tar -czf "$T/official/bin.tar.gz" inner/x.bin inner/y.bin inner/meta.txt)
printf 'X%.0s' $(seq 1 300) >"$T/src/standin/x.bin"   # a "re-encoded" copy: same layout, other bytes
printf 'Y%.0s' $(seq 1 300) >"$T/src/standin/y.bin"

M=$T/MANIFEST.tsv
{
    printf '# fake manifest for tests/tito/test_data.sh\n'
    row idx images.gz download "$T/mirror/idx/images.gz" "file://$T/nowhere/images.gz"
    row idx labels.gz download "$T/mirror/idx/labels.gz" "file://$T/nowhere/labels.gz"
    row idx images unpacked "$T/src/images" images.gz
    row idx labels unpacked "$T/src/labels" labels.gz
    row bin bin.tar.gz archive "$T/official/bin.tar.gz" "file://$T/official/bin.tar.gz"
    row bin x.bin member "$T/src/bin/inner/x.bin" bin.tar.gz:inner/x.bin
    row bin y.bin member "$T/src/bin/inner/y.bin" bin.tar.gz:inner/y.bin
    printf 'bin\tmeta.txt\tmember-optional\t-\t-\t-\tbin.tar.gz:inner/meta.txt\n'
    row bin x.bin standin "$T/src/standin/x.bin" "a test stand-in"
    row bin y.bin standin "$T/src/standin/y.bin" "a test stand-in"
    row text t.txt download "$T/mirror/text/t.txt" "file://$T/nowhere/t.txt file://$T/nowhere2/t.txt"
} >"$M"
export TITO_DATA_MANIFEST=$M
D=$T/data

# ---- help, list, usage errors ---------------------------------------------------------------------
run data --help;                 expect_rc 0 "data --help"; expect_out "./tito data fetch NAME" "data --help"
run data;                        expect_rc 0 "data (list)"; expect_out "idx" "list"; expect_out "bin" "list"
run data fetch nosuch --dir "$D"; expect_rc 2 "fetch of an unknown dataset"; expect_out "unknown dataset 'nosuch'" "unknown dataset"
run data fetch;                  expect_rc 2 "fetch without a dataset"

# ---- verify on an empty folder: everything missing, exit 0 ----------------------------------------
mkdir -p "$D"
run data verify --dir "$D";      expect_rc 0 "verify of an empty folder"
expect_status idx missing "empty folder"; expect_status bin missing "empty folder"; expect_status text missing "empty folder"

# ---- offline: every URL fails -> plain instructions, nothing left under the real name --------------
run data fetch text --dir "$D"
expect_rc 1 "offline fetch"
expect_out "put these files into $D/text/" "offline fetch"
expect_out "t.txt" "offline fetch"; expect_out "file://$T/nowhere/t.txt" "offline fetch"
expect_out "no such file" "offline fetch"
expect_none "$D/text/t.txt" "offline fetch"; expect_none "$D/text" "offline fetch (empty folder removed)"
no_leftovers "$D" "offline fetch"

# ---- fetch from a file:// mirror ------------------------------------------------------------------
printf 'stale partial download' >"$T/stale.part"
mkdir -p "$D/text" && cp "$T/stale.part" "$D/text/t.txt.part"
TINYTORCH_DATA_MIRROR=file://$T/mirror run data fetch idx text --dir "$D"
expect_rc 0 "fetch from a file:// mirror"
expect_file "$D/idx/images.gz" "mirror fetch"; expect_file "$D/idx/labels.gz" "mirror fetch"; expect_file "$D/text/t.txt" "mirror fetch"
expect_none "$D/idx/images" "mirror fetch (no --gunzip: .gz only)"
no_leftovers "$D" "mirror fetch"
run data verify --dir "$D"
expect_rc 0 "verify after fetch"; expect_status idx verified "after fetch"; expect_status text verified "after fetch"

# a second fetch is a no-op: nothing is rewritten
touch -t 200001010000 "$D/idx/images.gz" "$D/text/t.txt"
TINYTORCH_DATA_MIRROR=file://$T/mirror run data fetch idx text --dir "$D"
expect_rc 0 "second fetch"; expect_out "already in" "second fetch"
if [ -z "$(find "$D/idx/images.gz" "$D/text/t.txt" -newer "$M")" ]; then pass; else fail "second fetch rewrote verified files"; fi

# --gunzip writes the unpacked files, checked against their own checksums
run data fetch idx --gunzip --dir "$D"
expect_rc 0 "fetch --gunzip"; expect_file "$D/idx/images" "fetch --gunzip"
if cmp -s "$D/idx/images" "$T/src/images"; then pass; else fail "fetch --gunzip: wrong unpacked bytes"; fi

# ---- corrupt and missing files --------------------------------------------------------------------
printf 'Z' | dd of="$D/idx/images" bs=1 seek=5 conv=notrunc 2>/dev/null   # same size, other bytes
run data verify --dir "$D"
expect_rc 1 "verify with a corrupt file"; expect_status idx corrupt "flipped byte"
expect_out "images: SHA-256" "flipped byte"; expect_out "expected $(sha "$T/src/images")" "flipped byte"
expect_status text verified "flipped byte elsewhere"
run data fetch idx --dir "$D"               # the verified .gz is there: fetch re-unpacks it, no download
expect_rc 0 "fetch repairs an unpacked file"
if cmp -s "$D/idx/images" "$T/src/images"; then pass; else fail "fetch did not repair idx/images"; fi

rm -f "$D/idx/images"
head -c 20 "$T/mirror/idx/images.gz" >"$D/idx/images.gz"          # truncated download
run data verify idx --dir "$D"
expect_rc 1 "verify with a truncated file"
expect_out "images.gz: 20 bytes, expected $(size "$T/mirror/idx/images.gz")" "truncated"; expect_out "(truncated?)" "truncated"

rm -f "$D/idx/images.gz" "$D/idx/images"
run data verify --dir "$D"
expect_rc 0 "verify with a missing file (nothing corrupt)"; expect_status idx incomplete "missing file"
expect_out "images.gz (or images): missing" "missing file"

# a mirror that serves wrong bytes: not kept under the real name, no .part left
mkdir -p "$T/badmirror/idx"
printf 'not gzip at all' >"$T/badmirror/idx/images.gz"
run data fetch idx --dir "$D" --mirror "$T/badmirror"
expect_rc 1 "fetch of a file that does not verify"; expect_out "does not verify" "bad download"
expect_none "$D/idx/images.gz" "bad download"; no_leftovers "$D" "bad download"
expect_out "put these files into $D/idx/" "bad download"

# ---- an archive: downloaded, verified, unpacked flat, deleted --------------------------------------
run data fetch bin --dir "$D"
expect_rc 0 "archive fetch"
expect_file "$D/bin/x.bin" "archive fetch"; expect_file "$D/bin/y.bin" "archive fetch"; expect_file "$D/bin/meta.txt" "archive fetch (optional member)"
expect_none "$D/bin/bin.tar.gz" "archive deleted after unpacking"; expect_none "$D/bin/inner" "archive flattened"
expect_file "$D/bin/fetched.sha256" "archive fetch records checksums"
no_leftovers "$D" "archive fetch"
run data verify bin --dir "$D";  expect_rc 0 "verify bin"; expect_status bin verified "archive fetch"

rm -f "$D/bin/y.bin"
run data verify bin --dir "$D";  expect_status bin incomplete "member missing"
# an archive put there by hand is used (the official URL is gone now)
mv "$T/official/bin.tar.gz" "$T/bin.tar.gz"
run data fetch bin --dir "$D";   expect_rc 1 "archive fetch offline"; expect_out "it verifies the archive and unpacks it" "archive offline help"
cp "$T/bin.tar.gz" "$D/bin/bin.tar.gz"
run data fetch bin --dir "$D";   expect_rc 0 "archive put there by hand"; expect_out "using" "archive by hand"
run data verify bin --dir "$D";  expect_status bin verified "archive by hand"
run data verify bin --dir "$D";  expect_rc 0 "archive by hand"

# ---- a stand-in: official layout, other bytes --------------------------------------------------------
S=$T/standin-data
mkdir -p "$S/bin" && cp "$T/src/standin/x.bin" "$T/src/standin/y.bin" "$S/bin/"
run data verify bin --dir "$S"
expect_rc 0 "verify of a stand-in"; expect_status bin stand-in "stand-in"
expect_out "checksums differ from the official release" "stand-in"; expect_out "2 files × 300 bytes" "stand-in layout"
run data fetch bin --dir "$S";   expect_rc 0 "fetch over a stand-in"; expect_out "--force replaces it" "fetch over a stand-in"
# a mirror holding the unpacked stand-in (like ../shared/datasets/cifar10)
mkdir -p "$T/standin-mirror/bin" && cp "$T/src/standin/x.bin" "$T/src/standin/y.bin" "$T/standin-mirror/bin/"
TINYTORCH_DATA_MIRROR=$T/standin-mirror run data fetch bin --dir "$T/data3"
expect_rc 0 "stand-in from a mirror"; expect_out "stand-in" "stand-in from a mirror"
expect_none "$T/data3/bin/fetched.sha256" "a stand-in is not recorded as verified"

# ---- the real manifest against a small broken tree ---------------------------------------------------
unset TITO_DATA_MANIFEST
R=$T/real
mkdir -p "$R/tinyshakespeare" "$R/cifar10" "$R/mnist"
printf 'hello\n' >"$R/tinyshakespeare/input.txt"
printf 'short' >"$R/cifar10/data_batch_1.bin"
run data verify --dir "$R"
expect_rc 1 "real manifest, broken tree"
expect_status tinyshakespeare corrupt "real manifest"; expect_out "input.txt: 6 bytes, expected 1,115,394" "real manifest"
expect_status cifar10 corrupt "real manifest"; expect_out "data_batch_1.bin: 5 bytes, expected 30,730,000" "real manifest"
expect_status mnist missing "real manifest"; expect_status fashion-mnist missing "real manifest"
expect_no "digits8x8" "embedded set skipped with --dir"
run data list;                   expect_rc 0 "real list"; expect_out "cifar-10-binary.tar.gz" "real list"; expect_out "digits8x8" "real list"

printf '%d checks, %d failed\n' "$CHECKS" "$FAILS"
[ "$FAILS" -eq 0 ]
