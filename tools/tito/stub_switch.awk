# tools/tito/stub_switch.awk — the reference headers made "stub-switchable" for the test build.
#
#   awk -v outdir=DIR -v srcroot=/abs/include -f tools/tito/markers.awk -f tools/tito/stub_switch.awk MAPFILE tinytorch/x/y.hpp...
#
# (run from the include folder; MAPFILE: "folder<TAB>NN_name" per line, as for stub.awk). Each
# header is copied to DIR/<path> with every stub region kept but switchable at run time:
#
#   // BEGIN SOLUTION: name (§N)    ->  { TINYTORCH_STUB_SWITCH("NN_name", "name", "§N");  // BEGIN SOLUTION: name (§N)
#   ...solution...                       ...solution...
#   // END SOLUTION                 ->  }  // END SOLUTION
#
# TINYTORCH_STUB_SWITCH (tinytorch_stub_switch.hpp) throws the release's NotImplemented when the
# environment variable TINYTORCH_STUB names the module, and does nothing otherwise. So ONE build
# of the tests runs every module solved (./tito test) or with module N stubbed (the release check):
# for a region that is a statement list in a function body — which the marker rules require —
# throwing at its first line is exactly what the release's one-line stub does. `declarations`
# regions (members, helpers) are left as they are. The block braces enforce the rule that nothing
# after a region uses a name declared in it. Line numbers do not move, and a #line directive
# names the original file, so compiler messages point at include/, not at this copy.
# The marker grammar (is_begin_marker, parse_begin_marker, ...) is in markers.awk, loaded first.

# Output goes to a buffer; at the end of each file it is written only if it differs from what
# DIR already holds (unchanged files keep their timestamps: test builds stay incremental).
function emit(s) { buf = buf s "\n" }
function flush(    path, old, line, ok) {
    if (cur == "") return
    path = outdir "/" cur
    old = ""; ok = 0
    while ((getline line < path) > 0) { old = old line "\n"; ok = 1 }
    close(path)
    if (!ok || old != buf) { printf "%s", buf > path; close(path); written++ }
    cur = ""
}

BEGIN { cur = ""; written = 0 }

FNR == NR { split($0, kv, "\t"); folder_module[kv[1]] = kv[2]; next }

FNR == 1 {
    flush()
    cur = FILENAME
    buf = ""
    n = split(FILENAME, parts, "/")
    module = ""
    if (n >= 3 && parts[1] == "tinytorch" && (parts[2] in folder_module)) module = folder_module[parts[2]]
    open = 0
    if (module != "") emit("#include \"tinytorch_stub_switch.hpp\"")
    emit("#line 1 \"" srcroot "/" FILENAME "\"")
}

module != "" && is_begin_marker($0) {
    if (!open && parse_begin_marker($0) == "stub") {
        open = 1
        line = $0
        sub(/^[ \t]*/, "", line)
        emit(marker_indent($0) "{ TINYTORCH_STUB_SWITCH(\"" module "\", \"" marker_fn "\", \"" marker_sec "\");  " line)
        next
    }
    emit($0)
    next
}

module != "" && open && is_end_marker($0) {
    line = $0
    sub(/^[ \t]*/, "", line)
    emit(marker_indent($0) "}  " line)
    open = 0
    next
}

{ emit($0) }

END { flush() }
