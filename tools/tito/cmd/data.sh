# tools/tito/cmd/data.sh — ./tito data: list, fetch and verify the datasets of datasets/MANIFEST.tsv.
#
# The manifest (one file per line: dataset, file, kind, bytes, md5, sha256, source) says what
# each dataset consists of and where it comes from; the kinds are explained at its top. This file
# only reads it: a new dataset is a few manifest lines (and a reader in include/tinytorch/dataloader/).

usage_data() {
    cat <<EOF2
usage: ./tito data [list]
       ./tito data fetch NAME... [--dir DIR] [--mirror URL] [--gunzip] [--force]
       ./tito data verify [NAME...] [--dir DIR]

Datasets (datasets/MANIFEST.tsv): mnist, fashion-mnist, cifar10, tinyshakespeare; digits8x8 is
embedded in the repository and needs no download.

  list     the datasets, their sizes and sources, and the data directory in use (the default)
  fetch    download NAME (or 'all') into DIR/NAME, check size, MD5 and SHA-256 against the
           manifest, and unpack where needed (cifar-10-binary.tar.gz -> DIR/cifar10/*.bin). A file
           is downloaded to FILE.part and renamed only once it is verified. Files that are already
           there and verified are not downloaded again. Offline, it says which files to put where.
  verify   check what is present for each dataset and print a table: verified, stand-in
           (a known re-encoded copy in the official layout, e.g. ../shared/datasets/cifar10),
           unverified (sizes right, no published checksum), incomplete, missing or corrupt.

Where: fetch writes to DIR, default \$TINYTORCH_DATA_DIR, else datasets/ in this checkout.
verify without --dir checks the folder the C++ loaders would use (data::find_dataset): the first
that exists of \$TINYTORCH_DATA_DIR/NAME, datasets/NAME, ../shared/datasets/NAME.

options:
  --dir DIR       the data directory (a folder holding mnist/, cifar10/, ...)
  --mirror URL    try URL/NAME/FILE before the official URLs; also TINYTORCH_DATA_MIRROR=URL.
                  URL may be http(s)://, file:///path or a plain path, e.g. a classroom copy:
                  TINYTORCH_DATA_MIRROR=/srv/datasets ./tito data fetch all
  --gunzip        also write the unpacked IDX files next to the .gz files (for a build without zlib)
  --force         download again even when verified (or stand-in) files are there

environment: TINYTORCH_DATA_DIR, TINYTORCH_DATA_MIRROR, TITO_DATA_TIMEOUT (connect time-out in
seconds, default 20; a transfer slower than 1 kB/s for 60 s is abandoned), TITO_DATA_MANIFEST
(another manifest, used by tests/tito/test_data.sh).

exit status: 0 ok · 1 verify: something present is corrupt; fetch: a download failed or did not
verify · 2 usage error
EOF2
}

# ---- the manifest ---------------------------------------------------------------------------
# Parallel arrays, one entry per manifest line; DATA_ROWS[name] and DATA_ROWS[name/kind] list the
# indices of a dataset's lines (of that kind); DATA_NAMES the datasets in manifest order.
M_DS=() M_FILE=() M_KIND=() M_BYTES=() M_MD5=() M_SHA=() M_SRC=() DATA_NAMES=()
declare -gA DATA_ROWS=()

data_load_manifest() {
    DATA_MANIFEST=${TITO_DATA_MANIFEST:-$TITO_ROOT/datasets/MANIFEST.tsv}
    [ -f "$DATA_MANIFEST" ] || die 2 "missing the dataset manifest $DATA_MANIFEST"
    local ds file kind bytes md5 sha src n=0
    while IFS=$'\t' read -r ds file kind bytes md5 sha src; do
        n=$((n + 1))
        case "$ds" in '' | '#'*) continue ;; esac
        [ -n "$src" ] || die 2 "$(relpath "$DATA_MANIFEST"):$n: expected 7 TAB-separated columns (dataset file kind bytes md5 sha256 source)"
        case "$kind" in
            download | unpacked | archive | member | member-optional | standin | embedded) ;;
            *) die 2 "$(relpath "$DATA_MANIFEST"):$n: unknown kind '$kind'" ;;
        esac
        [ -n "${DATA_ROWS[$ds]:-}" ] || DATA_NAMES+=("$ds")
        DATA_ROWS[$ds]="${DATA_ROWS[$ds]:-} ${#M_DS[@]}"
        DATA_ROWS[$ds/$kind]="${DATA_ROWS[$ds/$kind]:-} ${#M_DS[@]}"
        M_DS+=("$ds") M_FILE+=("$file") M_KIND+=("$kind") M_BYTES+=("$bytes")
        M_MD5+=("${md5,,}") M_SHA+=("${sha,,}") M_SRC+=("${src%$'\r'}")
    done <"$DATA_MANIFEST"
    [ ${#M_DS[@]} -gt 0 ] || die 2 "$(relpath "$DATA_MANIFEST") lists no datasets"
}

# The dataset names, in manifest order.
data_names() { printf '%s\n' "${DATA_NAMES[@]}"; }

data_is_name() { case "$1" in "" | */*) return 1 ;; esac; [ -n "${DATA_ROWS[$1]:-}" ]; }

# Index of the row (dataset, file, kind), or nothing.
data_row() {
    local i
    for i in "${!M_DS[@]}"; do
        if [ "${M_DS[$i]}" = "$1" ] && [ "${M_FILE[$i]}" = "$2" ] && [ "${M_KIND[$i]}" = "$3" ]; then
            printf '%s\n' "$i"
            return 0
        fi
    done
    return 1
}

data_is_embedded() { [ -n "${DATA_ROWS[$1/embedded]:-}" ]; }

# ---- sizes and checksums --------------------------------------------------------------------
data_size() { wc -c <"$1" | tr -d ' '; }

# 1234567 -> 1,234,567
data_commas() { printf '%s\n' "$1" | awk '{ s = $0; while (s ~ /[0-9][0-9][0-9][0-9]/) { sub(/[0-9][0-9][0-9]([,]|$)/, ",&", s) } print s }'; }

# 1234567 -> 1.2 MB
data_mb() { awk -v b="$1" 'BEGIN { if (b < 1e5) printf "%.0f kB", b / 1e3; else printf "%.1f MB", b / 1e6 }'; }

declare -gA DATA_HASHES=()

# data_hash md5|sha256 FILE -> hex digest (cached per run)
data_hash() {
    local key="$1:$2" h=""
    if [ -n "${DATA_HASHES[$key]:-}" ]; then printf '%s\n' "${DATA_HASHES[$key]}"; return 0; fi
    case "$1" in
        sha256)
            if command -v sha256sum >/dev/null 2>&1; then h=$(sha256sum <"$2")
            elif command -v shasum >/dev/null 2>&1; then h=$(shasum -a 256 <"$2")
            elif command -v openssl >/dev/null 2>&1; then h=$(openssl dgst -sha256 <"$2" | awk '{ print $NF }')
            else die 2 "no sha256sum, shasum or openssl found to check checksums"; fi ;;
        md5)
            if command -v md5sum >/dev/null 2>&1; then h=$(md5sum <"$2")
            elif command -v md5 >/dev/null 2>&1; then h=$(md5 -q <"$2")
            elif command -v openssl >/dev/null 2>&1; then h=$(openssl dgst -md5 <"$2" | awk '{ print $NF }')
            else die 2 "no md5sum, md5 or openssl found to check checksums"; fi ;;
    esac
    h=${h%% *}
    DATA_HASHES[$key]=$h
    printf '%s\n' "$h"
}

# data_forget PATH — drop the cached checksums of PATH (it was rewritten).
data_forget() { unset "DATA_HASHES[sha256:$1]" "DATA_HASHES[md5:$1]"; }

# data_move SRC DEST — rename SRC to DEST; the cached checksums follow the file.
data_move() {
    mv -f "$1" "$2" || return 1
    local a
    for a in sha256 md5; do
        unset "DATA_HASHES[$a:$2]"
        if [ -n "${DATA_HASHES[$a:$1]:-}" ]; then DATA_HASHES[$a:$2]=${DATA_HASHES[$a:$1]}; unset "DATA_HASHES[$a:$1]"; fi
    done
}

# The SHA-256 that `fetch` recorded for FILE in DIR/fetched.sha256 when it unpacked it from a
# verified archive; nothing if there is no record.
data_recorded_sha() {
    [ -f "$1/fetched.sha256" ] || return 0
    awk -v f="$2" '$2 == f || $2 == "*" f { print $1; exit }' "$1/fetched.sha256"
}

# data_check PATH ROW [RECORD_SHA] — is the file at PATH what manifest row ROW describes?
# Sets CHK to one of
#   missing   no such file
#   ok        size and every published checksum match (or the SHA-256 recorded by fetch)
#   size      the size matches; there is no checksum to compare
#   standin   matches a known stand-in (manifest kind 'standin') rather than the official file
#   bad       wrong size or checksum (CHK_MSG says what was expected)
# and CHK_MSG to a short explanation.
data_check() {
    local path=$1 i=$2 record=${3:-} size exp got j
    CHK=missing CHK_MSG="not there"
    [ -f "$path" ] || return 0
    size=$(data_size "$path")
    exp=${M_BYTES[$i]}
    # a known stand-in?
    for j in ${DATA_ROWS[${M_DS[$i]}/standin]:-}; do
        [ "${M_FILE[$j]}" = "${M_FILE[$i]}" ] || continue
        [ "${M_BYTES[$j]}" = - ] || [ "${M_BYTES[$j]}" = "$size" ] || continue
        if { [ "${M_SHA[$j]}" != - ] && [ "$(data_hash sha256 "$path")" = "${M_SHA[$j]}" ]; } ||
           { [ "${M_SHA[$j]}" = - ] && [ "${M_MD5[$j]}" != - ] && [ "$(data_hash md5 "$path")" = "${M_MD5[$j]}" ]; }; then
            CHK=standin CHK_MSG="a known stand-in, not the official file"
            DATA_STANDIN_SRC=${M_SRC[$j]}
            return 0
        fi
    done
    if [ "$exp" != - ] && [ "$size" != "$exp" ]; then
        CHK=bad
        CHK_MSG="$(data_commas "$size") bytes, expected $(data_commas "$exp")"
        [ "$size" -ge "$exp" ] || CHK_MSG="$CHK_MSG (truncated?)"
        return 0
    fi
    if [ "${M_SHA[$i]}" != - ]; then
        got=$(data_hash sha256 "$path")
        if [ "$got" != "${M_SHA[$i]}" ]; then
            if [ -n "$record" ] && [ "$got" = "$record" ]; then
                CHK=ok CHK_MSG="SHA-256 as recorded when fetch unpacked it from the verified archive"
                return 0
            fi
            CHK=bad CHK_MSG="SHA-256 $got, expected ${M_SHA[$i]}"
            return 0
        fi
    fi
    if [ "${M_MD5[$i]}" != - ]; then
        got=$(data_hash md5 "$path")
        [ "$got" = "${M_MD5[$i]}" ] || { CHK=bad CHK_MSG="MD5 $got, expected ${M_MD5[$i]}"; return 0; }
    fi
    if [ "${M_SHA[$i]}" = - ] && [ "${M_MD5[$i]}" = - ]; then
        if [ -n "$record" ]; then
            if [ "$(data_hash sha256 "$path")" = "$record" ]; then
                CHK=ok CHK_MSG="SHA-256 as recorded when fetch unpacked it from the verified archive"
            else
                CHK=bad CHK_MSG="SHA-256 differs from the one fetch recorded (fetched.sha256)"
            fi
            return 0
        fi
        CHK=size CHK_MSG="$(data_commas "$size") bytes; no published checksum"
        return 0
    fi
    CHK=ok CHK_MSG="checksums match"
}

# ---- verify -----------------------------------------------------------------------------------
# data_verify_dataset NAME DIR — what DIR (= <data dir>/NAME) holds. Sets
#   V_STATUS   verified | stand-in | unverified | incomplete | missing | corrupt
#   V_NOTE     one line for the table
#   V_PROBLEMS lines naming each bad or missing file
#   V_SLOTS    "file<TAB>state" for every file the loaders read (used by fetch)
data_verify_dataset() {
    local name=$1 dir=$2 i j gz record n_req=0 n_present=0 n_ok=0 n_standin=0 n_size=0 n_bad=0 n_gz=0
    local missing=() sizeonly=() sizes=() state msg path shown sizerow
    V_PROBLEMS=() V_SLOTS=()
    for i in ${DATA_ROWS[$name]:-}; do
        case "${M_KIND[$i]}" in
            download)
                # a download that an 'unpacked' row points to is checked together with that row
                for j in ${DATA_ROWS[$name/unpacked]:-}; do [ "${M_SRC[$j]}" = "${M_FILE[$i]}" ] && continue 2; done ;;
            unpacked | member | member-optional | embedded) ;;
            *) continue ;;
        esac
        path=$dir/${M_FILE[$i]}
        record=$(data_recorded_sha "$dir" "${M_FILE[$i]}")
        data_check "$path" "$i" "$record"
        state=$CHK msg=$CHK_MSG shown=${M_FILE[$i]} sizerow=$i
        if [ "${M_KIND[$i]}" = unpacked ]; then
            gz=$(data_row "$name" "${M_SRC[$i]}" download) || die 2 "manifest: ${M_FILE[$i]} is unpacked from ${M_SRC[$i]}, which has no download row"
            data_check "$dir/${M_FILE[$gz]}" "$gz"
            if [ "$state" = missing ]; then
                # the loaders read the .gz when the unpacked file is absent
                state=$CHK msg=$CHK_MSG sizerow=$gz
                if [ "$CHK" = missing ]; then shown="${M_FILE[$gz]} (or ${M_FILE[$i]})"; else shown=${M_FILE[$gz]} n_gz=$((n_gz + 1)); fi
            elif [ "$CHK" = bad ]; then
                V_PROBLEMS+=("${M_FILE[$gz]}: $CHK_MSG")
                n_bad=$((n_bad + 1))
            elif [ "$CHK" = ok ] && [ "$state" = size ]; then
                # no published checksum for the unpacked file: compare it with the verified .gz
                if gunzip -c "$dir/${M_FILE[$gz]}" 2>/dev/null | cmp -s - "$path"; then
                    state=ok msg="identical to the verified ${M_FILE[$gz]}"
                else
                    state=bad msg="differs from the gunzipped ${M_FILE[$gz]} (which is verified)"
                fi
            fi
        fi
        [ "${M_KIND[$i]}" = member-optional ] || n_req=$((n_req + 1))
        V_SLOTS+=("${M_FILE[$i]}"$'\t'"$state")
        case "$state" in
            missing)
                [ "${M_KIND[$i]}" = member-optional ] || missing+=("$shown")
                continue ;;
            bad) V_PROBLEMS+=("$shown: $msg"); n_bad=$((n_bad + 1)) ;;
            standin) n_standin=$((n_standin + 1)) ;;
            size) [ "${M_KIND[$i]}" = member-optional ] || { n_size=$((n_size + 1)); sizeonly+=("$shown"); } ;;
            ok) n_ok=$((n_ok + 1)) ;;
        esac
        n_present=$((n_present + 1))
        [ "${M_KIND[$i]}" = member-optional ] || [ "${M_BYTES[$sizerow]}" = - ] || sizes+=("${M_BYTES[$sizerow]}")
    done

    local layout
    layout=$(printf '%s\n' "${sizes[@]}" | awk 'NF { n++; t += $1; s[$1]++ } END {
        k = 0; for (x in s) { k++; one = x }
        if (n == 0) print "no files"
        else if (k == 1) printf "%d file%s × %s bytes\n", n, (n > 1 ? "s" : ""), one
        else printf "%d files, %s bytes\n", n, t }')
    layout=$(printf '%s\n' "$layout" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9][0-9][0-9][0-9]+$/) { s = $i; while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]([,]|$)/, ",&", s); $i = s } print }')

    if [ "$n_bad" -gt 0 ]; then
        V_STATUS=corrupt V_NOTE="$n_bad $([ "$n_bad" -eq 1 ] && echo "file has" || echo "files have") the wrong size or checksum (below); ./tito data fetch $name replaces them"
    elif [ "$n_present" -eq 0 ]; then
        V_STATUS=missing V_NOTE="./tito data fetch $name"
        local a
        for a in ${DATA_ROWS[$name/archive]:-}; do
            if [ -f "$dir/${M_FILE[$a]}" ]; then V_NOTE="${M_FILE[$a]} is there but not unpacked: ./tito data fetch $name"; fi
        done
        if data_is_embedded "$name"; then V_NOTE="embedded in the repository: datasets/$name"; fi
    elif [ ${#missing[@]} -gt 0 ]; then
        local joined; joined=$(printf "%s, " "${missing[@]}")
        V_STATUS=incomplete V_NOTE="missing ${joined%, }; ./tito data fetch $name"
        local f
        for f in "${missing[@]}"; do V_PROBLEMS+=("$f: missing"); done
    elif [ "$n_standin" -gt 0 ]; then
        V_STATUS=stand-in
        V_NOTE="present, layout valid ($layout), checksums differ from the official release: a known stand-in ($DATA_STANDIN_SRC)"
        [ "$n_standin" -eq "$n_present" ] || V_NOTE="$V_NOTE ($n_standin of $n_present files)"
    elif [ "$n_size" -gt 0 ]; then
        V_STATUS=unverified V_NOTE="present, sizes right ($layout); no published checksum for ${sizeonly[*]}"
    else
        V_STATUS=verified V_NOTE="$n_present $([ "$n_present" -eq 1 ] && echo "file matches" || echo "files match") the published checksums"
        if [ "$n_gz" -eq "$n_present" ]; then V_NOTE="$V_NOTE (the .gz files)"; elif [ "$n_gz" -gt 0 ]; then V_NOTE="$V_NOTE ($n_gz as .gz)"; fi
        if data_is_embedded "$name"; then V_NOTE="embedded; $V_NOTE"; fi
    fi
}

# The data directory fetch writes to and the C++ data_dir() returns (docs/design.md §6).
data_default_dir() {
    if [ -n "${TINYTORCH_DATA_DIR:-}" ]; then printf '%s\n' "${TINYTORCH_DATA_DIR%/}"; else printf '%s\n' "$TITO_ROOT/datasets"; fi
}

# The folders data::find_dataset(NAME) tries, in order (include/tinytorch/dataloader/data_dir.hpp):
# data_dir()/NAME, the default datasets/NAME (when data_dir() is another folder), ../shared/datasets/NAME.
data_search_path() {
    local name=$1 def="$TITO_ROOT/datasets" dd
    dd=$(data_default_dir)
    printf '%s\n' "$dd/$name"
    [ "$dd" = "$def" ] || printf '%s\n' "$def/$name"
    printf '%s\n' "$(dirname "$TITO_ROOT")/shared/datasets/$name"
}

data_where() {
    case "$1" in
        "$TITO_ROOT"/*) relpath "$1" ;;
        "$(dirname "$TITO_ROOT")"/*) printf '../%s\n' "${1#"$(dirname "$TITO_ROOT")"/}" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

data_status_colour() {
    case "$1" in
        verified) printf '%s' "$C_GREEN" ;;
        corrupt) printf '%s' "$C_RED" ;;
        stand-in | unverified | incomplete) printf '%s' "$C_YELLOW" ;;
        *) printf '%s' "$C_DIM" ;;
    esac
}

data_print_dir_line() {
    if [ -n "$1" ]; then
        say "data directory: $1 (--dir)"
    elif [ -n "${TINYTORCH_DATA_DIR:-}" ]; then
        say "data directory: $(data_default_dir) (TINYTORCH_DATA_DIR)"
    else
        say "data directory: $(data_where "$(data_default_dir)")/ in this checkout (TINYTORCH_DATA_DIR is not set)"
    fi
}

run_data_verify() {
    local dir="" names=() name
    while [ $# -gt 0 ]; do
        case "$1" in
            --dir) [ $# -ge 2 ] || die 2 "--dir needs a folder"; dir=$2; shift 2 ;;
            --dir=*) dir=${1#*=}; shift ;;
            -*) die 2 "data verify: unknown option '$1' (see ./tito data --help)" ;;
            *) data_is_name "$1" || die 2 "unknown dataset '$1'; known: $(data_names | tr '\n' ' ')"; names+=("$1"); shift ;;
        esac
    done
    [ -z "$dir" ] || dir=$(abspath "$dir")
    dir=${dir%/}
    [ ${#names[@]} -gt 0 ] || mapfile -t names < <(data_names)

    data_print_dir_line "$dir"
    [ -n "$dir" ] || say "the loaders read the first folder that exists of: \$TINYTORCH_DATA_DIR/NAME, datasets/NAME, ../shared/datasets/NAME"
    say ""
    printf '  %-16s %-11s %s\n' dataset status where
    local corrupt=0 where d p
    for name in "${names[@]}"; do
        where=""
        if [ -n "$dir" ]; then
            # an embedded set is checked in place unless the folder given holds a copy
            if data_is_embedded "$name" && [ ! -d "$dir/$name" ]; then continue; fi
            where=$dir/$name
        else
            while IFS= read -r d; do
                if [ -d "$d" ]; then where=$d; break; fi
            done < <(data_search_path "$name")
        fi
        if [ -z "$where" ] || [ ! -d "$where" ]; then
            V_STATUS=missing V_NOTE="./tito data fetch $name" V_PROBLEMS=()
            if data_is_embedded "$name"; then V_NOTE="the embedded copy datasets/$name is gone: git checkout datasets/$name"; fi
        else
            data_verify_dataset "$name" "$where"
        fi
        [ "$V_STATUS" != corrupt ] || corrupt=1
        printf '  %-16s %s%-11s%s %s\n' "$name" "$(data_status_colour "$V_STATUS")" "$V_STATUS" "$C_OFF" \
            "$( [ -n "$where" ] && [ -d "$where" ] && data_where "$where" || echo -)"
        printf '  %-16s %-11s %s%s%s\n' "" "" "$C_DIM" "$V_NOTE" "$C_OFF"
        for p in "${V_PROBLEMS[@]}"; do printf '  %-16s %-11s   %s\n' "" "" "$p"; done
    done
    say ""
    if [ "$corrupt" -ne 0 ]; then
        err "corrupt files found (above): delete them, or run ./tito data fetch NAME to replace them"
        exit 1
    fi
}

# ---- fetch ----------------------------------------------------------------------------------
declare -gA DATA_DEAD_HOSTS=()   # hosts that could not be reached: not tried again in this run
DATA_PART=""    # the .part file or unpack folder being written; removed on exit or interrupt
data_cleanup() { [ -z "$DATA_PART" ] || rm -rf "$DATA_PART"; DATA_PART=""; }

data_timeout() {
    local t=${TITO_DATA_TIMEOUT:-20}
    case "$t" in '' | *[!0-9]*) t=20 ;; esac
    printf '%s\n' "$t"
}

# data_download URL DEST — copy URL (http, https, file:// or a plain path) to DEST.
# On failure returns 1 with the reason in DL_WHY.
data_download() {
    local url=$1 dest=$2 rc=0 log t
    DL_WHY="" DL_DEAD=""
    case "$url" in
        file://*) url=${url#file://} ;&
        /* | ./* | ../*)
            [ -f "$url" ] || { DL_WHY="no such file"; return 1; }
            cp "$url" "$dest" 2>/dev/null || { DL_WHY="cannot copy it to $dest"; return 1; }
            chmod u+w "$dest" 2>/dev/null || true   # a read-only source stays deletable here
            return 0 ;;
    esac
    t=$(data_timeout)
    log=$(mktemp "${TMPDIR:-/tmp}/tito-dl.XXXXXX")
    if command -v curl >/dev/null 2>&1; then
        local progress=(-sS)
        [ ! -t 2 ] || progress=(--progress-bar)
        curl -fL "${progress[@]}" --connect-timeout "$t" --speed-limit 1000 --speed-time 60 --retry 2 \
            -o "$dest" "$url" 2>"$log" || rc=$?
        if [ "$rc" -ne 0 ]; then
            case "$rc" in
                6) DL_WHY="could not resolve the host (offline?)" ;;
                7) DL_WHY="could not connect" ;;
                22) DL_WHY="the server answered with an error: $(grep -o 'error: [0-9]*' "$log" | tail -n 1)" ;;
                28) DL_WHY="timed out" ;;
                *) DL_WHY="curl exit code $rc: $(tr '\r' '\n' <"$log" | grep -v '^ *#' | grep . | tail -n 1)" ;;
            esac
            case "$rc" in 6 | 7 | 28) DL_DEAD=1 ;; esac
        fi
    elif command -v wget >/dev/null 2>&1; then
        local progress=(-q)
        [ ! -t 2 ] || progress=(-q --show-progress)
        wget "${progress[@]}" --timeout="$t" --tries=3 -O "$dest" "$url" 2>"$log" || rc=$?
        if [ "$rc" -ne 0 ]; then
            case "$rc" in
                4) DL_WHY="network failure (offline?)"; DL_DEAD=1 ;;
                8) DL_WHY="the server answered with an error" ;;
                *) DL_WHY="wget exit code $rc" ;;
            esac
        fi
    else
        DL_WHY="neither curl nor wget is installed (./tito setup, or apt-get install curl)"
        rc=1
    fi
    rm -f "$log"
    [ "$rc" -eq 0 ]
}

# The mirror base (TINYTORCH_DATA_MIRROR or --mirror) without a trailing slash, or nothing.
data_mirror() { local m=${DATA_MIRROR:-${TINYTORCH_DATA_MIRROR:-}}; printf '%s\n' "${m%/}"; }

# data_fetch_file ROW DEST URL... — download to DEST.part from the first URL that works and gives a
# file that passes data_check, then rename it to DEST. Failures are added to DATA_FAILS.
data_fetch_file() {
    local i=$1 dest=$2 url
    shift 2
    DATA_PART=$dest.part
    local host
    for url in "$@"; do
        rm -f "$DATA_PART"
        case "$url" in http://* | https://* | ftp://*) host=${url#*://}; host=${host%%/*} ;; *) host="(local)" ;; esac
        if [ -n "${DATA_DEAD_HOSTS[$host]:-}" ]; then
            DATA_SKIPPED=$((DATA_SKIPPED + 1))   # same host, already unreachable
            continue
        fi
        info "${M_DS[$i]}/${M_FILE[$i]}  <-  $url"
        if ! data_download "$url" "$DATA_PART"; then
            DATA_FAILS+=("$url: $DL_WHY")
            [ -z "$DL_DEAD" ] || DATA_DEAD_HOSTS[$host]=$DL_WHY
            continue
        fi
        data_forget "$DATA_PART"
        data_check "$DATA_PART" "$i"
        case "$CHK" in
            ok | size | standin)
                data_move "$DATA_PART" "$dest"
                DATA_PART=""
                say "   $(data_commas "$(data_size "$dest")") bytes, $CHK_MSG"
                return 0 ;;
            *)
                err "$url gave a file that does not verify: $CHK_MSG; not kept"
                DATA_FAILS+=("$url: the file did not verify ($CHK_MSG)") ;;
        esac
    done
    rm -f "$DATA_PART"
    DATA_PART=""
    return 1
}

# Candidate URLs for a row: the mirror's NAME/FILE first, then the manifest's sources.
data_urls() {
    local i=$1 m
    m=$(data_mirror)
    [ -z "$m" ] || printf '%s\n' "$m/${M_DS[$i]}/${M_FILE[$i]}"
    [ "${M_KIND[$i]}" = download ] || [ "${M_KIND[$i]}" = archive ] || return 0
    local urls=()
    read -r -a urls <<<"${M_SRC[$i]}"
    printf "%s\n" "${urls[@]}"
}

# data_slot_state NAME FILE — the state verify found for a file the loaders read.
data_slot_state() {
    local s
    for s in "${V_SLOTS[@]}"; do [ "${s%%$'\t'*}" = "$2" ] && { printf '%s\n' "${s#*$'\t'}"; return 0; }; done
    printf 'missing\n'
}

# data_unpack_archive NAME DIR ROW ARCHIVE_PATH — take the members out of a verified archive and
# move them into DIR (flattened), recording their SHA-256 in DIR/fetched.sha256.
data_unpack_archive() {
    local name=$1 dir=$2 a=$3 archive=$4 tmp m inner paths=() members=() rec
    for m in ${DATA_ROWS[$name]:-}; do
        case "${M_KIND[$m]}" in member | member-optional) ;; *) continue ;; esac
        [ "${M_SRC[$m]%%:*}" = "${M_FILE[$a]}" ] || continue
        members+=("$m") paths+=("${M_SRC[$m]#*:}")
    done
    tmp=$(mktemp -d "$dir/.unpack.XXXXXX")
    DATA_PART=$tmp
    info "unpacking ${M_FILE[$a]} into $(data_where "$dir")/"
    # tar stops with an error when an optional member is absent; the required ones are checked below
    tar -xzf "$archive" -C "$tmp" "${paths[@]}" 2>"$tmp/.tar.err" || true
    rec=$tmp/.fetched.sha256
    : >"$rec"
    for m in "${members[@]}"; do
        inner=$tmp/${M_SRC[$m]#*:}
        if [ ! -f "$inner" ]; then
            [ "${M_KIND[$m]}" = member-optional ] && continue
            err "${M_FILE[$a]} has no ${M_SRC[$m]#*:}: $(head -n 3 "$tmp/.tar.err" | tr '\n' ' ')"
            data_cleanup
            return 1
        fi
        data_check "$inner" "$m"
        case "$CHK" in
            bad)
                # the archive itself is verified: trust it over a pinned member checksum, but say so
                if [ "$(data_size "$inner")" != "${M_BYTES[$m]}" ] && [ "${M_BYTES[$m]}" != - ]; then
                    err "${M_SRC[$m]#*:} in the verified archive: $CHK_MSG"
                    data_cleanup
                    return 1
                fi
                warn "${M_FILE[$m]} from the verified archive: $CHK_MSG (the manifest's value may be wrong; please report it)" ;;
        esac
        printf '%s  %s\n' "$(data_hash sha256 "$inner")" "${M_FILE[$m]}" >>"$rec"
    done
    for m in "${members[@]}"; do
        inner=$tmp/${M_SRC[$m]#*:}
        [ ! -f "$inner" ] || data_move "$inner" "$dir/${M_FILE[$m]}"
    done
    mv -f "$rec" "$dir/fetched.sha256"
    data_cleanup
    return 0
}

# Tell the user how to install NAME by hand into DIR.
data_offline_help() {
    local name=$1 dir=$2 i u first d kind
    {
        say ""
        say "To install $name by hand, put these files into $dir/:"
        for i in ${DATA_ROWS[$name]:-}; do
            kind=${M_KIND[$i]}
            case "$kind" in download | archive) ;; *) continue ;; esac
            printf "  %s  (%s bytes)\n      MD5 %s%s\n" "${M_FILE[$i]}" "$(data_commas "${M_BYTES[$i]}")" "${M_MD5[$i]}" \
                "$([ "${M_SHA[$i]}" = - ] || printf "  SHA-256 %s" "${M_SHA[$i]}")"
            first=1
            for u in ${M_SRC[$i]}; do
                if [ "$first" -eq 1 ]; then say "      from $u"; first=0; else say "        or $u"; fi
            done
            if [ "$kind" = archive ]; then
                local listed="" inner="" m
                for m in ${DATA_ROWS[$name]:-}; do
                    case "${M_KIND[$m]}" in member | member-optional) ;; *) continue ;; esac
                    [ "${M_SRC[$m]%%:*}" = "${M_FILE[$i]}" ] || continue
                    listed="$listed${listed:+, }${M_FILE[$m]}"
                    inner=$(dirname "${M_SRC[$m]#*:}")
                done
                say "      then run ./tito data fetch $name again: it verifies the archive and unpacks it."
                say "      (Or unpack it yourself and move $listed"
                say "      from its $inner/ folder into $dir/.)"
            fi
        done
        [ -z "${DATA_ROWS[$name/unpacked]:-}" ] || say "  (gunzipped copies of the .gz files, without .gz, work as well)"
        say "then check them with:  ./tito data verify --dir $(dirname "$dir")"
        # copies the loaders or a mirror could use
        while IFS= read -r d; do
            [ "$d" != "$dir" ] && [ -d "$d" ] || continue
            say ""
            say "This machine has a copy in $d:"
            say "  use it in place:  export TINYTORCH_DATA_DIR=$(dirname "$d")"
            say "  or copy it:       ./tito data fetch $name --dir $(dirname "$dir") --mirror $(dirname "$d")"
            break
        done < <(data_search_path "$name")
    } >&2
}

# data_fetch_dataset NAME DIR FORCE GUNZIP — returns 0 when NAME is in DIR afterwards.
data_fetch_dataset() {
    local name=$1 dir=$2 force=$3 gunzip=$4 i j raw state good=1 urls=()
    if data_is_embedded "$name"; then
        ok "$name is embedded in the repository (datasets/$name): nothing to fetch"
        return 0
    fi
    local created=0
    [ -d "$dir" ] || created=1
    mkdir -p "$dir" 2>/dev/null || { err "cannot create $dir"; return 1; }
    data_verify_dataset "$name" "$dir"
    if [ "$force" -eq 0 ]; then
        case "$V_STATUS" in
            verified)
                if [ "$gunzip" -eq 0 ] || [ -z "${DATA_ROWS[$name/unpacked]:-}" ]; then
                    ok "$name: already in $(data_where "$dir"), verified: nothing to download"
                    return 0
                fi ;;
            stand-in)
                say "$name: $(data_where "$dir") holds a known stand-in (official layout, not the official bytes);"
                say "   nothing downloaded. ./tito data fetch $name --force replaces it with the official release."
                return 0 ;;
        esac
    fi
    DATA_FAILS=() DATA_SKIPPED=0

    # 1. plain downloads, and their unpacked forms
    for i in ${DATA_ROWS[$name/download]:-}; do
        raw=""
        for j in ${DATA_ROWS[$name/unpacked]:-}; do [ "${M_SRC[$j]}" = "${M_FILE[$i]}" ] && raw=$j; done
        data_check "$dir/${M_FILE[$i]}" "$i"
        if [ "$CHK" = ok ] && [ "$force" -eq 0 ]; then
            :   # already there and verified
        elif [ -n "$raw" ] && [ "$force" -eq 0 ] && [ "$CHK" = missing ] && [ "$gunzip" -eq 0 ] &&
             [ "$(data_slot_state "$name" "${M_FILE[$raw]}")" = ok ]; then
            continue   # the unpacked file is there and verified; the .gz is not needed
        else
            [ "$CHK" = missing ] || [ "$CHK" = ok ] || warn "$(data_where "$dir")/${M_FILE[$i]}: $CHK_MSG; replacing it"
            mapfile -t urls < <(data_urls "$i")
            data_fetch_file "$i" "$dir/${M_FILE[$i]}" "${urls[@]}" || { good=0; continue; }
        fi
        [ -n "$raw" ] || continue
        # unpack when asked to, or when an unpacked copy is there but not verified: the loaders
        # read the unpacked file first, so a bad one would hide the good .gz
        data_check "$dir/${M_FILE[$raw]}" "$raw"
        state=$CHK
        if [ "$state" = size ] && gunzip -c "$dir/${M_FILE[$i]}" 2>/dev/null | cmp -s - "$dir/${M_FILE[$raw]}"; then state=ok; fi
        [ "$state" != ok ] || continue
        [ "$gunzip" -eq 1 ] || [ "$state" != missing ] || continue
        DATA_PART=$dir/${M_FILE[$raw]}.part
        if gunzip -c "$dir/${M_FILE[$i]}" >"$DATA_PART" 2>/dev/null; then
            data_forget "$DATA_PART"
            data_check "$DATA_PART" "$raw"
            if [ "$CHK" = ok ] || [ "$CHK" = size ]; then
                data_move "$DATA_PART" "$dir/${M_FILE[$raw]}"
                say "   unpacked ${M_FILE[$raw]}"
            else
                err "gunzip ${M_FILE[$i]}: $CHK_MSG"
                good=0
            fi
        else
            err "gunzip ${M_FILE[$i]} failed"
            good=0
        fi
        data_cleanup
    done

    # 2. archives (skipped when all their members are there and verified)
    local a m need mirror all
    mirror=$(data_mirror)
    for a in ${DATA_ROWS[$name/archive]:-}; do
        need=0
        for m in ${DATA_ROWS[$name/member]:-}; do
            [ "${M_SRC[$m]%%:*}" = "${M_FILE[$a]}" ] || continue
            [ "$force" -eq 0 ] && [ "$(data_slot_state "$name" "${M_FILE[$m]}")" = ok ] || need=1
        done
        [ "$need" -eq 1 ] || continue
        # an archive already in DIR (put there by hand, or left by an interrupted fetch) is used
        # when it verifies; one downloaded now is deleted once it is unpacked
        data_check "$dir/${M_FILE[$a]}" "$a"
        if [ "$CHK" = ok ]; then
            say "   using $(data_where "$dir")/${M_FILE[$a]} (verified)"
            if data_unpack_archive "$name" "$dir" "$a" "$dir/${M_FILE[$a]}"; then
                say "   $(data_where "$dir")/${M_FILE[$a]} is no longer needed; delete it to save $(data_mb "${M_BYTES[$a]}")"
            else
                good=0
            fi
            continue
        fi
        [ "$CHK" = missing ] || warn "$(data_where "$dir")/${M_FILE[$a]}: $CHK_MSG; downloading it again"
        if [ -n "$mirror" ] && ! data_fetch_file "$a" "$dir/${M_FILE[$a]}" "$mirror/$name/${M_FILE[$a]}"; then
            # a classroom mirror may hold the unpacked files instead of the archive
            all=1
            for m in ${DATA_ROWS[$name]:-}; do
                case "${M_KIND[$m]}" in member | member-optional) ;; *) continue ;; esac
                [ "${M_SRC[$m]%%:*}" = "${M_FILE[$a]}" ] || continue
                if ! data_fetch_file "$m" "$dir/${M_FILE[$m]}" "$mirror/$name/${M_FILE[$m]}"; then
                    [ "${M_KIND[$m]}" = member-optional ] || all=0
                fi
            done
            if [ "$all" -eq 1 ]; then
                rm -f "$dir/fetched.sha256"   # these were not unpacked from a verified archive
                continue
            fi
        fi
        if [ ! -f "$dir/${M_FILE[$a]}" ]; then
            read -r -a urls <<<"${M_SRC[$a]}"
            data_fetch_file "$a" "$dir/${M_FILE[$a]}" "${urls[@]}" || { good=0; continue; }
        fi
        if data_unpack_archive "$name" "$dir" "$a" "$dir/${M_FILE[$a]}"; then
            rm -f "$dir/${M_FILE[$a]}"
        else
            good=0
        fi
    done

    data_verify_dataset "$name" "$dir"
    if [ "$good" -eq 1 ]; then
        case "$V_STATUS" in
            verified) ok "$name: $(data_where "$dir") — $V_NOTE"; return 0 ;;
            stand-in | unverified) say "$name: $(data_where "$dir") — $V_STATUS: $V_NOTE"; return 0 ;;
        esac
    fi
    err "could not fetch $name into $dir (it is now: $V_STATUS)"
    local line
    for line in "${DATA_FAILS[@]}" "${V_PROBLEMS[@]}"; do say "  $line" >&2; done
    [ "$DATA_SKIPPED" -eq 0 ] || say "  ($DATA_SKIPPED more URLs on those hosts were not tried)" >&2
    [ "$created" -eq 0 ] || rmdir "$dir" 2>/dev/null || true   # an empty folder would hide other copies from the loaders
    data_offline_help "$name" "$dir"
    return 1
}

run_data_fetch() {
    local dir="" force=0 gunzip=0 names=() name
    DATA_MIRROR=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --dir) [ $# -ge 2 ] || die 2 "--dir needs a folder"; dir=$2; shift 2 ;;
            --dir=*) dir=${1#*=}; shift ;;
            --mirror) [ $# -ge 2 ] || die 2 "--mirror needs a URL or folder"; DATA_MIRROR=$2; shift 2 ;;
            --mirror=*) DATA_MIRROR=${1#*=}; shift ;;
            --force) force=1; shift ;;
            --gunzip) gunzip=1; shift ;;
            -*) die 2 "data fetch: unknown option '$1' (see ./tito data --help)" ;;
            all) mapfile -t -O "${#names[@]}" names < <(data_names); shift ;;
            *) data_is_name "$1" || die 2 "unknown dataset '$1'; known: $(data_names | tr '\n' ' ')all"; names+=("$1"); shift ;;
        esac
    done
    [ ${#names[@]} -gt 0 ] || die 2 "data fetch: which dataset? ($(data_names | tr '\n' ' ')or all)"
    # a mirror given as a relative folder is taken from here
    case "$DATA_MIRROR" in '' | /* | *://*) ;; *) DATA_MIRROR=$(abspath "$DATA_MIRROR") ;; esac
    case "${TINYTORCH_DATA_MIRROR:-}" in '' | /* | *://*) ;; *) TINYTORCH_DATA_MIRROR=$(abspath "$TINYTORCH_DATA_MIRROR") ;; esac
    local shown=""
    if [ -n "$dir" ]; then dir=$(abspath "$dir"); shown=${dir%/}; else dir=$(data_default_dir); fi
    dir=${dir%/}
    trap data_cleanup EXIT
    trap 'data_cleanup; exit 130' INT TERM

    data_print_dir_line "$shown"
    [ -z "$(data_mirror)" ] || say "mirror: $(data_mirror) (tried first)"
    local failed=0
    for name in $(printf '%s\n' "${names[@]}" | awk '!seen[$0]++'); do
        data_fetch_dataset "$name" "$dir/$name" "$force" "$gunzip" || failed=1
    done
    exit "$failed"
}

run_data_list() {
    [ $# -eq 0 ] || die 2 "data list takes no arguments"
    data_print_dir_line ""
    [ -z "$(data_mirror)" ] || say "mirror: $(data_mirror) (TINYTORCH_DATA_MIRROR, tried first by fetch)"
    say ""
    printf '  %-16s %-10s %-10s %s\n' dataset download "on disk" source
    local name i down disk src n
    for name in $(data_names); do
        down=0 disk=0 src="" n=0
        for i in ${DATA_ROWS[$name]:-}; do
            case "${M_KIND[$i]}" in
                download | archive)
                    down=$((down + M_BYTES[i])); n=$((n + 1))
                    [ -n "$src" ] || src=${M_SRC[$i]%% *} ;;
            esac
            case "${M_KIND[$i]}" in
                download | member | embedded) [ "${M_BYTES[$i]}" = - ] || disk=$((disk + M_BYTES[i])) ;;
            esac
        done
        if data_is_embedded "$name"; then
            printf '  %-16s %-10s %-10s %s\n' "$name" "-" "$(data_mb "$disk")" "embedded: datasets/$name (committed)"
            continue
        fi
        [ "$n" -le 1 ] || src="${src%/*}/ ($n files)"
        printf '  %-16s %-10s %-10s %s\n' "$name" "$(data_mb "$down")" "$(data_mb "$disk")" "$src"
    done
    say ""
    say "./tito data fetch NAME downloads and verifies one (all: every one); ./tito data verify checks"
    say "what is there. The manifest with URLs, sizes and checksums: $(relpath "$DATA_MANIFEST")"
}

run_data() {
    data_load_manifest
    local sub=${1:-list}
    [ $# -eq 0 ] || shift
    case "$sub" in
        list) run_data_list "$@" ;;
        fetch) run_data_fetch "$@" ;;
        verify) run_data_verify "$@" ;;
        *) err "data: unknown subcommand '$sub' (list, fetch or verify)"; usage_data >&2; exit 2 ;;
    esac
}
