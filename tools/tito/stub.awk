# tools/tito/stub.awk — the marker rules of the student release, applied to framework headers.
#
#   cd <reference> && awk -f tools/tito/markers.awk -v outdir=STAGE -v solved=" 01_tensor 02_activations " \
#       -v patterns=FILE -v kept=FILE -v stats=FILE -f tools/tito/stub.awk MAPFILE header.hpp...
#
# MAPFILE: "folder<TAB>NN_name" per line (include/tinytorch/<folder>/ belongs to NN_name), read
# first. Each header (a path relative to the reference root) is written to outdir/<path>:
#
#   // BEGIN SOLUTION: <Function::name> (§N)      the region (markers included) becomes ONE line,
#   ...                                            indented like the BEGIN marker:
#   // END SOLUTION                                TINYTORCH_TODO("NN_name", "<Function::name>", "§N");
#
#   // BEGIN SOLUTION: declarations               helpers/members the student adds: the region
#   ...                                            becomes the line
#   // END SOLUTION                                // TODO(student): add the helpers or members you need here (see the lesson)
#
# A module listed in `solved` keeps its solutions; only the marker lines are dropped.
# Errors (file:line, exit status 1): BEGIN without annotation or with a malformed one, nested
# BEGIN, END without BEGIN, a region left open at the end of the file, markers in a header that
# is not inside a module folder.
#
# Side outputs for the leak check (tools/tito/cmd/release.sh):
#   patterns  every *substantial* line of a region that is stubbed (see substantial() below), as
#             "file<TAB>line<TAB>region<TAB>n<TAB>text": region = "file:line name" of its BEGIN,
#             n = 1, 2, ... counts the substantial lines within the region
#   kept      every substantial line of a region that is kept (solved modules)
#   stats     one line per region: "NN_name<TAB>stubbed|declarations|kept"

# The marker grammar (trim, is_begin_marker, parse_begin_marker, ...) is in markers.awk, loaded first.

# A solution line is *substantial* — worth checking that it does not survive in the release —
# when, trimmed, it has at least 12 non-blank characters and is not trivia that any C++ file
# could contain — API usage any caller writes, not an algorithm:
#   * only brackets and punctuation; `else`; `break;`; `continue;`
#   * `return <name>;`, `return *this;`, `return {};`, `return true;` ...
#   * a plain counting loop header `for (T i = 0; i < <bound>; ++i) {`
#   * a declaration without initialiser: `std::vector<float> values;`
#   * one call with literal arguments only: `autograd::set_grad_enabled(false);`, `out.fill_(0.0f);`
#   * a lambda's introducer and parameter list: `[&](int64_t lo, int64_t hi) {`
function substantial(line,    t, ns) {
    t = trim(line)
    ns = t
    gsub(/[ \t]/, "", ns)
    if (length(ns) < 12) return 0
    if (t ~ /^[][{}()<>;:,. ]*$/) return 0
    if (t ~ /^return +(\*this|[A-Za-z_][A-Za-z0-9_:.]*|\{\}|true|false|nullptr) *; *}?$/) return 0
    if (t ~ /^}? *else *{?$/ || t ~ /^(break|continue) *; *$/) return 0
    if (t ~ /^for *\((size_t|std::size_t|int|int64_t|long|auto) [a-z] = 0; [a-z] < [A-Za-z0-9_.()]+; (\+\+[a-z]|[a-z]\+\+)\) *{?$/) return 0
    if (t ~ /^(const )?[A-Za-z_][A-Za-z0-9_:<>,*& ]* [*&]?[A-Za-z_][A-Za-z0-9_]*;$/) return 0
    # (no empty alternatives "(a|)" in these regexes: mawk mis-handles them)
    if (t ~ /^[A-Za-z_][A-Za-z0-9_:.>-]*\((true|false|nullptr|-?[0-9][0-9.]*[fFuUlL]*|"[^"]*")\);$/) return 0
    if (t ~ /^[A-Za-z_][A-Za-z0-9_:.>-]*\(\);$/) return 0
    if (t ~ /^\[[^]]*\] *\([^()]*\) *(mutable *)?(-> *[^{]+)?{?$/) return 0
    return 1
}

function fail(msg) {
    printf "%s:%d: error: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    errors++
}

function finish_file() {
    if (cur == "") return
    if (inregion) {
        printf "%s:%d: error: BEGIN SOLUTION has no matching END SOLUTION before the end of the file\n", cur, beginline > "/dev/stderr"
        errors++
    }
    close(out)
    cur = ""
}

BEGIN {
    errors = 0
    cur = ""
    if (outdir == "") { print "stub.awk: outdir not set" > "/dev/stderr"; exit 2 }
}

# first file: the folder -> module map
FNR == NR { split($0, kv, "\t"); folder_module[kv[1]] = kv[2]; next }

FNR == 1 {
    finish_file()
    cur = FILENAME
    out = outdir "/" FILENAME
    n = split(FILENAME, parts, "/")
    module = ""
    if (n >= 4 && parts[1] == "include" && parts[2] == "tinytorch" && (parts[3] in folder_module))
        module = folder_module[parts[3]]
    keep = (module != "" && index(solved, " " module " ") > 0)
    inregion = 0
    printf "" > out
}

is_begin_marker($0) {
    if (module == "") { fail("solution markers are only allowed in include/tinytorch/<module folder>/ headers"); next }
    if (inregion) { fail("nested BEGIN SOLUTION (the region opened at line " beginline " is still open)"); next }
    indent = marker_indent($0)
    kind = parse_begin_marker($0)
    if (kind == "") fail(marker_error)
    fn = marker_fn
    sec = marker_sec
    inregion = 1
    beginline = FNR
    region = FILENAME ":" FNR " " (kind == "stub" ? fn : "declarations")
    sidx = 0
    if (keep) {
        print module "\tkept" > stats
    } else if (kind == "declarations") {
        print indent "// TODO(student): add the helpers or members you need here (see the lesson)" > out
        print module "\tdeclarations" > stats
    } else if (kind == "stub") {
        print indent "TINYTORCH_TODO(\"" module "\", \"" fn "\", \"" sec "\");" > out
        print module "\tstubbed" > stats
    }
    next
}

is_end_marker($0) {
    if (module == "") { fail("solution markers are only allowed in include/tinytorch/<module folder>/ headers"); next }
    if (!inregion) { fail("END SOLUTION without a matching BEGIN SOLUTION"); next }
    inregion = 0
    next
}

{
    if (inregion) {
        if (substantial($0)) {
            if (keep) print trim($0) > kept
            else { sidx++; printf "%s\t%d\t%s\t%d\t%s\n", FILENAME, FNR, region, sidx, trim($0) > patterns }
        }
        if (keep) print > out
    } else {
        print > out
    }
}

END {
    finish_file()
    close(patterns); close(kept); close(stats)
    exit (errors > 0 ? 1 : 0)
}
