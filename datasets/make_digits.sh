#!/bin/sh
# datasets/make_digits.sh — rebuild datasets/digits8x8/ (the embedded 8x8 digits) from the
# UCI handwritten-digits table that Debian's python3-sklearn package ships.
#
#   sh datasets/make_digits.sh                      # downloads python3-sklearn with apt-get download
#   sh datasets/make_digits.sh python3-sklearn_1.2.1+dfsg-1_all.deb
#   sh datasets/make_digits.sh path/to/digits.csv.gz
#
# Needs only POSIX sh, awk, gzip and printf (+ dpkg-deb, or ar and tar, for a .deb).
# The output is deterministic: the same digits.csv gives byte-identical files.
#
# Input: digits.csv.gz = 1797 rows "p0,...,p63,label", pixels 0..16 (counts of ink in 4x4
# blocks of a 32x32 bitmap), labels 0..9. Split: walking the rows in file order, the first
# 140 rows of each class go to train and the next 30 to test (the smallest class, 8, has
# 174 rows), so train = 1400 (140 per class) and test = 300 (30 per class), both in file
# order. 97 rows are left out. Pixels are stored as bytes round(v * 255 / 16) (0..16 ->
# 0..255, one-to-one), so pixel / 255 is v / 16 within 1/510.
# Output (IDX, big-endian header, uncompressed): digits8x8/{train,test}-images-idx3-ubyte
# (magic 0x00000803, N, 8, 8) and digits8x8/{train,test}-labels-idx1-ubyte (0x00000801, N).
set -eu
LC_ALL=C
export LC_ALL

TRAIN_PER_CLASS=140
TEST_PER_CLASS=30
# sha256 of the decompressed digits.csv in scikit-learn (unchanged for many releases)
CSV_SHA256=6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8

here=$(cd "$(dirname "$0")" && pwd)
out="$here/digits8x8"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

src=${1:-}
if [ -z "$src" ]; then
    echo "make_digits: downloading python3-sklearn with apt-get download" >&2
    (cd "$work" && apt-get download python3-sklearn >&2)
    for f in "$work"/python3-sklearn_*.deb; do src=$f; done
fi
[ -f "$src" ] || { echo "make_digits: no such file: $src" >&2; exit 1; }

case "$src" in
*.deb)
    mkdir "$work/x"
    if command -v dpkg-deb >/dev/null 2>&1; then
        dpkg-deb -x "$src" "$work/x"
    else
        (cd "$work" && ar x "$src" && tar -xf data.tar.* -C x)
    fi
    csv_gz=$(find "$work/x" -path '*sklearn/datasets/data/digits.csv.gz' | head -n 1)
    [ -n "$csv_gz" ] || { echo "make_digits: digits.csv.gz not found inside $src" >&2; exit 1; }
    gzip -dc "$csv_gz" > "$work/digits.csv" ;;
*.gz) gzip -dc "$src" > "$work/digits.csv" ;;
*) cp "$src" "$work/digits.csv" ;;
esac

if command -v sha256sum >/dev/null 2>&1; then
    got=$(sha256sum "$work/digits.csv" | cut -d ' ' -f 1)
    if [ "$got" != "$CSV_SHA256" ]; then
        echo "make_digits: digits.csv has sha256 $got, expected $CSV_SHA256" >&2
        echo "make_digits: hint: another scikit-learn version changed the table; check it, then update CSV_SHA256" >&2
        exit 1
    fi
fi

# awk writes each output file as lines of octal escapes (\ddd); printf(1) turns them into
# bytes. (awk's own printf "%c" cannot portably write a NUL byte.)
awk -F, -v ntrain="$TRAIN_PER_CLASS" -v ntest="$TEST_PER_CLASS" -v dir="$work" '
function be32(n) { return sprintf("\\%03o\\%03o\\%03o\\%03o", int(n / 16777216) % 256, int(n / 65536) % 256, int(n / 256) % 256, n % 256) }
function fail(msg) { print "make_digits: line " NR ": " msg > "/dev/stderr"; bad = 1; exit 1 }
{
    sub(/\r$/, "")
    if (NF != 65) fail("expected 65 comma-separated values, got " NF)
    label = $65
    if (label !~ /^[0-9]$/) fail("label " label " is not a digit 0..9")
    seen[label]++
    if (seen[label] <= ntrain) split_name = "train"
    else if (seen[label] <= ntrain + ntest) split_name = "test"
    else next
    row = ""
    for (i = 1; i <= 64; i++) {
        v = $i
        if (v !~ /^[0-9]+$/ || v + 0 > 16) fail("pixel " i " = " v " is not an integer 0..16")
        row = row sprintf("\\%03o", int((v * 255 + 8) / 16))
    }
    n[split_name]++
    img[split_name, n[split_name]] = row
    lab[split_name, n[split_name]] = sprintf("\\%03o", label)
    count[split_name, label]++
}
END {
    if (bad) exit 1
    for (c = 0; c <= 9; c++)
        if (count["train", c] != ntrain || count["test", c] != ntest)
            { print "make_digits: class " c " has too few rows for the split" > "/dev/stderr"; exit 1 }
    for (s = 0; s < 2; s++) {
        name = s == 0 ? "train" : "test"
        fi = dir "/" name "-images.esc"; fl = dir "/" name "-labels.esc"
        print "\\000\\000\\010\\003" be32(n[name]) be32(8) be32(8) > fi
        print "\\000\\000\\010\\001" be32(n[name]) > fl
        for (k = 1; k <= n[name]; k++) { print img[name, k] > fi; print lab[name, k] > fl }
        close(fi); close(fl)
        line = name ":"
        for (c = 0; c <= 9; c++) line = line " " count[name, c]
        print "make_digits: " n[name] " " name " rows, per class" substr(line, length(name) + 2) > "/dev/stderr"
    }
}' "$work/digits.csv"

unescape() {  # $1 = escaped text file, $2 = binary output
    while IFS= read -r line; do printf "$line"; done < "$1" > "$2"
}
mkdir -p "$out"
for s in train test; do
    unescape "$work/$s-images.esc" "$out/$s-images-idx3-ubyte"
    unescape "$work/$s-labels.esc" "$out/$s-labels-idx1-ubyte"
done
ls -l "$out" >&2
if command -v sha256sum >/dev/null 2>&1; then
    (cd "$out" && sha256sum -- *-ubyte > SHA256SUMS && cat SHA256SUMS) >&2
fi
