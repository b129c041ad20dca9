# tools/tito/cmd/release.sh — ./tito release DIR: write the student release.

usage_release() {
    cat <<EOF
usage: ./tito release DIR [--solved LIST] [--force] [--include-untracked] [--quiet|--verbose]

Write a complete student tree into DIR (instructors; run it in the reference repository):
  * copies the files git tracks (the whole tree minus build/ when this is not a git checkout),
    leaving out tests/release/, tests/package/, tests/hidden/, build/ and docs/instructor-guide.md;
  * replaces every marked region of include/tinytorch/**/*.hpp by a one-line stub
    (TINYTORCH_TODO(...) that throws tinytorch::NotImplemented; see docs/instructor-guide.md);
  * writes the student README.md (template: tools/tito/templates/README.student.md) and
    tools/tito/RELEASE, which makes ./tito build with the 'student' preset there;
  * checks that no solution text survives anywhere in DIR — no long solution line, no block of
    solution lines, no marker — and exits 1 naming file:line otherwise (the rules are in
    docs/instructor-guide.md).

options:
  --solved LIST         modules that keep their solutions (markers removed), e.g. 01,02 or 01-05;
                        the release check uses this to prove modules 1..N pass on their own
  --force               write into a non-empty DIR: changed files are replaced, files that are not
                        part of the release are deleted (DIR/build/ and DIR/.git/ are kept);
                        unchanged files keep their timestamps, so builds in DIR stay incremental
  --include-untracked   also copy files git does not track yet (but does not ignore)
  --quiet               print only warnings and errors
  --verbose             also list isolated short matches of solution lines (idioms, not leaks)

exit status: 0 written and clean · 1 solution text found in DIR · 2 usage or marker errors
EOF
}

run_release() {
    local dest="" solved_arg="" force=0 untracked=0 quiet=0 verbose=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --solved) [ $# -ge 2 ] || die 2 "--solved needs a list, e.g. --solved 01,02"; solved_arg=$2; shift 2 ;;
            --solved=*) solved_arg=${1#*=}; shift ;;
            --force) force=1; shift ;;
            --include-untracked) untracked=1; shift ;;
            --quiet | -q) quiet=1; shift ;;
            --verbose | -v) verbose=1; shift ;;
            -*) die 2 "release: unknown option '$1' (see ./tito release --help)" ;;
            *) [ -z "$dest" ] || die 2 "release: only one DIR, got '$dest' and '$1'"; dest=$1; shift ;;
        esac
    done
    [ -n "$dest" ] || { usage_release >&2; exit 2; }
    TITO_RELEASE_QUIET=$quiet TITO_RELEASE_VERBOSE=$verbose

    local src=$TITO_ROOT
    [ -f "$src/tools/tito/RELEASE" ] && die 2 "this checkout is a student release; generate releases from the reference repository"
    dest=$(abspath "$dest")
    dest=${dest%/}
    case "$src/" in "$dest/"*) die 2 "release: DIR ($dest) must not be the repository or contain it" ;; esac
    if [ -e "$dest" ] && [ ! -d "$dest" ]; then die 2 "release: $dest exists and is not a folder"; fi
    if [ -d "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ] && [ "$force" -eq 0 ]; then
        die 2 "release: $dest is not empty; pass --force to overwrite it"
    fi

    local solved=" " id
    if [ -n "$solved_arg" ]; then
        for id in $(module_list_expand "$solved_arg"); do solved="$solved$id "; done
    fi

    local t0 work stage
    t0=$(now)
    work=$(mktemp -d "${TMPDIR:-/tmp}/tito-release.XXXXXX")
    # shellcheck disable=SC2064
    [ -n "${TITO_KEEP_WORK:-}" ] || trap "rm -rf '$work'" EXIT   # TITO_KEEP_WORK=1 keeps it for debugging
    stage=$work/stage
    mkdir -p "$stage"

    # ---- 1. the file list --------------------------------------------------------------------
    local rel_dest=""
    case "$dest/" in "$src/"*) rel_dest=${dest#"$src"/} ;; esac
    release_file_list "$src" "$untracked" "$rel_dest" >"$work/files"
    [ -s "$work/files" ] || die 2 "release: no files to copy (is this the reference repository?)"

    # ---- 2. copy, then stub the headers -------------------------------------------------------
    (cd "$src" && tar -cf - -T "$work/files") | (cd "$stage" && tar -xf -)

    modules_table | awk -F'\t' '{ print $2 "\t" $1 "_" $2 }' >"$work/map"
    grep -E '^include/tinytorch/.*\.hpp$' "$work/files" >"$work/headers" || true
    : >"$work/patterns"; : >"$work/kept"; : >"$work/stats"
    if [ -s "$work/headers" ]; then
        local headers=()
        mapfile -t headers <"$work/headers"
        if ! (cd "$src" && awk -v outdir="$stage" -v solved="$solved" -v patterns="$work/patterns" \
                -v kept="$work/kept" -v stats="$work/stats" -f "$src/tools/tito/markers.awk" -f "$src/tools/tito/stub.awk" \
                "$work/map" "${headers[@]}") 2>"$work/stub.err"; then
            err "release: the solution markers have errors:"
            cat "$work/stub.err" >&2
            exit 2
        fi
    fi

    # markers anywhere else would be copied verbatim: refuse
    grep -vE '^include/tinytorch/.*\.hpp$' "$work/files" | grep -E '\.(hpp|h|hh|cpp|cc|cxx|ipp|inl|cmake)$|CMakeLists\.txt$' |
        (cd "$src" && tr '\n' '\0' | xargs -0 grep -nE '^[[:space:]]*//[[:space:]]*(BEGIN|END) SOLUTION' /dev/null) \
        >"$work/stray" 2>/dev/null || true
    if [ -s "$work/stray" ]; then
        err "release: solution markers outside include/tinytorch/<module>/ headers (they would be copied as they are):"
        sed 's/^/  /' "$work/stray" >&2
        exit 2
    fi

    # the lessons speak of the reference's build folder (build/dev); a release builds in build/student
    local lesson
    for lesson in "$stage"/modules/[0-9][0-9]_*/README.md; do
        [ -f "$lesson" ] || continue
        sed -e 's|build/dev/|build/student/|g' -e 's|build/dev\([^a-z/]\)|build/student\1|g' \
            -e 's|--preset dev|--preset student|g' "$lesson" >"$lesson.new" && mv "$lesson.new" "$lesson"
    done

    # ---- 3. the student README and the release stamp -------------------------------------------
    render_student_readme >"$stage/README.md"
    {
        echo "# This tree is a TinyTorch C++ student release, written by ./tito release."
        echo "# ./tito finds this file and builds with the 'student' CMake preset."
        echo "source: $(release_source_id "$src")"
        echo "solved: $(echo $solved | tr ' ' ',')"
    } >"$stage/tools/tito/RELEASE"
    # every function a student writes, where it is and its lesson section: ./tito test orders its
    # report by it and knows the student's files after the stubs are gone (tools/tito/feedback.sh)
    {
        echo "# module	section	function	file — the stubs of this release (written by ./tito release)"
        stub_markers "$src"
    } >"$stage/tools/tito/stubs.tsv"

    # ---- 4. write DIR -----------------------------------------------------------------------------
    local written unchanged removed
    read -r written unchanged removed < <(sync_tree "$stage" "$dest")

    # ---- 5. verify: no solution text left -----------------------------------------------------
    local leaks=0
    verify_release "$dest" "$work" || leaks=1

    if [ "$quiet" -eq 0 ]; then
        release_summary "$work/stats" "$solved"
        say "files: $((written + unchanged)) in $dest ($written written, $unchanged unchanged, $removed removed) in $(($(now) - t0))s"
    fi
    if [ "$leaks" -ne 0 ]; then
        err "release: solution text found in $dest (listed above); fix the reference and run again"
        exit 1
    fi
    [ "$quiet" -eq 1 ] || ok "student release ready: $dest   (try: cd $dest && ./tito test 01)"
}

# release_file_list SRC INCLUDE_UNTRACKED REL_DEST — paths (relative to SRC) that go into a release.
release_file_list() {
    local src=$1 untracked=$2 rel_dest=$3 top=""
    if command -v git >/dev/null 2>&1; then
        top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null || true)
        [ -n "$top" ] && top=$(cd -P "$top" && pwd)
    fi
    {
        if [ "$top" = "$src" ]; then
            if [ "$untracked" -eq 1 ]; then
                git -C "$src" ls-files --cached --others --exclude-standard
            else
                git -C "$src" ls-files --cached
                local n
                n=$(git -C "$src" ls-files --others --exclude-standard | grep -cvE '^(build|tests/release|tests/hidden)/' || true)
                if [ "$n" -gt 0 ]; then
                    warn "$n file(s) not tracked by git were left out (git add them, or pass --include-untracked):"
                    git -C "$src" ls-files --others --exclude-standard | grep -vE '^(build|tests/release|tests/hidden)/' | sed -n '1,5s/^/  /p' >&2
                fi
            fi
        else
            (cd "$src" && find . \( -path ./.git -o -path ./build \) -prune -o \( -type f -o -type l \) -print | sed 's|^\./||')
        fi
    } | sort -u | awk -v d="$rel_dest" '
        /^(tests\/release|tests\/package|tests\/config|tests\/hidden|build|\.git)\// { next }
        $0 == "README.md" || $0 == "docs/instructor-guide.md" || $0 == "tools/tito/RELEASE" { next }
        d != "" && (index($0, d "/") == 1 || $0 == d) { next }
        { print }' | while IFS= read -r f; do
        if [ -f "$src/$f" ] || [ -L "$src/$f" ]; then printf '%s\n' "$f"; fi   # skip deleted files
    done
}

release_source_id() {
    local src=$1 rev
    if rev=$(git -C "$src" rev-parse --short HEAD 2>/dev/null); then
        if [ -n "$(git -C "$src" status --porcelain --untracked-files=no 2>/dev/null)" ]; then rev="$rev (with uncommitted changes)"; fi
        printf 'TinyTorch C++ reference, commit %s\n' "$rev"
    else
        printf 'TinyTorch C++ reference (not a git checkout)\n'
    fi
}

# The student README: the template with the module and milestone tables filled in.
render_student_readme() {
    local tmpl="$TITO_ROOT/tools/tito/templates/README.student.md" mt ms
    [ -f "$tmpl" ] || die 2 "missing template $tmpl"
    mt=$(modules_table | while IFS=$'\t' read -r num name needs title; do
        local state="planned (no tests yet)"
        module_has_tests "${num}_$name" && state="\`./tito test $num\`"
        [ "$needs" = "-" ] && needs="—"
        printf '| %s | %s | `include/tinytorch/%s/` | [lesson](modules/%s_%s/README.md) | %s | %s |\n' \
            "$num" "$title" "$name" "$num" "$name" "$needs" "$state"
    done)
    ms=$(milestones_table | while IFS=$'\t' read -r num folder needs title; do
        local state="planned"
        [ -d "$TITO_ROOT/milestones/$folder" ] && state="\`./tito milestone $num\`"
        printf '| %s | %s | %s | %s |\n' "$num" "$title" "$needs" "$state"
    done)
    awk -v mt="$mt" -v ms="$ms" '
        $0 == "{{MODULE_TABLE}}" { print mt; next }
        $0 == "{{MILESTONE_TABLE}}" { print ms; next }
        { print }' "$tmpl"
}

# sync_tree STAGE DEST — make DEST hold exactly STAGE's files (DEST/build and DEST/.git are left
# alone). Files whose content did not change are not touched. Prints "written unchanged removed".
sync_tree() {
    local stage=$1 dest=$2 written=0 unchanged=0 removed=0 f
    mkdir -p "$dest"
    if [ -z "$(ls -A "$dest")" ]; then
        (cd "$stage" && tar -cf - .) | (cd "$dest" && tar -xf -)
        written=$(cd "$stage" && find . \( -type f -o -type l \) | wc -l)
        echo "$written 0 0"
        return 0
    fi
    while IFS= read -r f; do
        if [ -f "$dest/$f" ] && [ ! -L "$stage/$f" ] && cmp -s "$stage/$f" "$dest/$f"; then
            unchanged=$((unchanged + 1))
        else
            mkdir -p "$(dirname "$dest/$f")"
            rm -f "$dest/$f"
            cp -P "$stage/$f" "$dest/$f"
            written=$((written + 1))
        fi
    done < <(cd "$stage" && find . \( -type f -o -type l \) | sed 's|^\./||')
    while IFS= read -r f; do
        if [ ! -e "$stage/$f" ] && [ ! -L "$stage/$f" ]; then
            rm -f "$dest/$f"
            removed=$((removed + 1))
        fi
    done < <(cd "$dest" && find . \( -path ./build -o -path ./.git \) -prune -o \( -type f -o -type l \) -print | sed 's|^\./||')
    find "$dest" -mindepth 1 \( -path "$dest/build" -o -path "$dest/.git" \) -prune -o -type d -empty -print 2>/dev/null |
        sort -r | while IFS= read -r f; do rmdir "$f" 2>/dev/null || true; done
    echo "$written $unchanged $removed"
}

# verify_release DEST WORK — nothing of the solution may survive in DEST.
#
# Looks for every *substantial* line of a stubbed region (tools/tito/stub.awk defines it; lines
# of kept --solved regions are allowed) in every text file of DEST (grep -rF), then judges each
# match. A match is a LEAK when
#   * the line is long — at least 40 non-blank characters: too specific to be a coincidence; or
#   * it is part of a copied block — the next or previous substantial line of the same region
#     also matches, within 3 lines, in the same order (2 lines in a row; 3 in headers, where
#     the scaffold shares idioms such as `Tensor out = empty(s);` with the solutions).
# Other matches are isolated idioms that any code using the API writes (`float* po =
# out.data_ptr();`); they are counted, listed with --verbose, and do not fail the release.
# Any `// BEGIN SOLUTION` / `// END SOLUTION` marker left in a source file is a leak too.
verify_release() {
    local dest=$1 work=$2 status=0
    cut -f5- "$work/patterns" | sort -u >"$work/p.sorted"
    if [ -s "$work/kept" ]; then
        sort -u "$work/kept" >"$work/k.sorted"
        comm -23 "$work/p.sorted" "$work/k.sorted" >"$work/p.check"
    else
        cp "$work/p.sorted" "$work/p.check"
    fi
    : >"$work/judged"
    if [ -s "$work/p.check" ]; then
        grep -rnIF -f "$work/p.check" --exclude-dir=build --exclude-dir=.git "$dest" >"$work/hits" 2>/dev/null || true
        if [ -s "$work/hits" ]; then
            awk -v dest="$dest/" -v pfile="$work/patterns" -v cfile="$work/p.check" '
                function nonblank(s) { gsub(/[ \t]/, "", s); return length(s) }
                BEGIN {
                    FS = "\n"
                    while ((getline l < cfile) > 0) check[l] = 1
                    while ((getline l < pfile) > 0) {
                        n = split(l, f, "\t")
                        t = f[5]; for (i = 6; i <= n; i++) t = t "\t" f[i]
                        if (!(t in check)) continue
                        if (!(t in cnt)) pat[++np] = t
                        k = ++cnt[t]; loc[t, k] = f[1] ":" f[2]; reg[t, k] = f[3]; idx[t, k] = f[4] + 0
                    }
                }
                {
                    line = $0
                    if (index(line, dest) == 1) line = substr(line, length(dest) + 1)
                    path = line; sub(/:.*/, "", path)
                    rest = substr(line, length(path) + 2)
                    ln = rest; sub(/:.*/, "", ln); ln += 0
                    content = substr(rest, length(ln "") + 2)
                    t = content; sub(/^[ \t]+/, "", t)
                    iscomment = (t ~ /^(\/\/|\/\*|\*|#)/ && path !~ /\.(md|txt)$/)
                    for (p = 1; p <= np; p++) {
                        if (index(content, pat[p]) == 0) continue
                        for (k = 1; k <= cnt[pat[p]]; k++) {
                            m = ++nm
                            mpath[m] = path; mln[m] = ln; mtext[m] = pat[p]; mcom[m] = iscomment
                            mreg[m] = reg[pat[p], k]; midx[m] = idx[pat[p], k]; mloc[m] = loc[pat[p], k]
                            at[path, ln, mreg[m], midx[m]] = 1
                        }
                    }
                }
                function chain(m, dir,    l, i, len, d, found) {
                    l = mln[m]; i = midx[m]; len = 0
                    while (1) {
                        found = 0
                        for (d = 1; d <= 3; d++) if ((mpath[m], l + dir * d, mreg[m], i + dir) in at) { found = d; break }
                        if (!found) return len
                        len++; l += dir * found; i += dir
                    }
                }
                END {
                    for (m = 1; m <= nm; m++) {
                        key = mpath[m] SUBSEP mln[m]
                        if (key in done) continue
                        run = 1 + chain(m, 1) + chain(m, -1)
                        header = (mpath[m] ~ /^include\/.*\.(hpp|h)$/ && !mcom[m])
                        leak = header ? (run >= 3) : (nonblank(mtext[m]) >= 40 || run >= 2)
                        if (leak) done[key] = 1
                        else if ((key, "note") in done) continue
                        else done[key, "note"] = 1
                        r = mreg[m]; sub(/^[^ ]* /, "", r)
                        printf "%s\t%s:%d\t%s\t%s (solution of %s)\n", (leak ? "LEAK" : "NOTE"), mpath[m], mln[m], mtext[m], mloc[m], r
                    }
                }' "$work/hits" | sort -u >"$work/judged"
        fi
    fi
    # a line judged a leak once is not also listed as a note
    awk -F'\t' '$1 == "LEAK" { leak[$2] = 1 } { rows[NR] = $0; at[NR] = $2; kind[NR] = $1 }
        END { for (i = 1; i <= NR; i++) if (kind[i] == "LEAK" || !(at[i] in leak)) print rows[i] }' "$work/judged" >"$work/judged.2"
    grep '^LEAK' "$work/judged.2" >"$work/leaks" || true
    grep '^NOTE' "$work/judged.2" >"$work/notes" || true
    if [ -s "$work/notes" ]; then
        if [ "${TITO_RELEASE_VERBOSE:-0}" -eq 1 ]; then
            say "isolated short matches of solution lines (idioms, not leaks):"
            awk -F'\t' '{ printf "  %s: %s   [%s]\n", $2, $3, $4 }' "$work/notes"
        elif [ "${TITO_RELEASE_QUIET:-0}" -eq 0 ]; then
            say "note: $(wc -l <"$work/notes" | tr -d ' ') isolated short match(es) of solution lines (idioms such as \`float* o = out.data_ptr();\`; not leaks; --verbose lists them)"
        fi
    fi
    if [ -s "$work/leaks" ]; then
        err "solution text found in the release (long solution lines, or blocks of them):"
        head -n 30 "$work/leaks" | awk -F'\t' '{ printf "  %s: %s\n      from %s\n", $2, $3, $4 }' >&2
        [ "$(wc -l <"$work/leaks")" -le 30 ] || say "  ... and $(($(wc -l <"$work/leaks") - 30)) more" >&2
        status=1
    fi
    if grep -rnE --include='*.hpp' --include='*.h' --include='*.cpp' --include='*.cc' --exclude-dir=build --exclude-dir=.git \
        '^[[:space:]]*//[[:space:]]*(BEGIN|END) SOLUTION' "$dest" >"$work/markers" 2>/dev/null; then
        err "solution markers left in the release:"
        sed -n "1,20{s|^$dest/|  |;p}" "$work/markers" >&2
        status=1
    fi
    return "$status"
}

release_summary() {
    local stats=$1 solved=$2
    say ""
    say "$(bold "regions per module")   (stubbed = TINYTORCH_TODO stub, declarations = helper slot, kept = --solved)"
    sort "$stats" | awk -F'\t' '
        { n[$1, $2]++; if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 } }
        END {
            printf "  %-18s %8s %13s %6s\n", "module", "stubbed", "declarations", "kept"
            for (i = 1; i <= m; i++) {
                k = order[i]
                printf "  %-18s %8d %13d %6d\n", k, n[k, "stubbed"], n[k, "declarations"], n[k, "kept"]
                ts += n[k, "stubbed"]; td += n[k, "declarations"]; tk += n[k, "kept"]
            }
            printf "  %-18s %8d %13d %6d\n", "total", ts, td, tk
        }'
}
