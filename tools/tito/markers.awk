# tools/tito/markers.awk — the grammar of solution markers, in one place. Loaded before
# stub.awk (which writes the student release) and stub_switch.awk (which makes the test build's
# headers stub-switchable): `awk -f markers.awk -f stub.awk ...`.
#
#   // BEGIN SOLUTION: <Function::name> (§N)     a region a student writes (a stub in the release)
#   // BEGIN SOLUTION: declarations              members or helpers a student adds
#   // END SOLUTION

function trim(s) { sub(/^[ \t\r]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }

function is_begin_marker(line) { return line ~ /^[ \t]*\/\/[ \t]*BEGIN SOLUTION/ }
function is_end_marker(line) { return line ~ /^[ \t]*\/\/[ \t]*END SOLUTION/ }

# The whitespace before a marker's "//" (a stub line is indented like its marker).
function marker_indent(line) { sub(/\/\/.*/, "", line); return line }

# Reads a BEGIN line and returns its kind: "stub" (marker_fn and marker_sec set, e.g.
# "Tensor::sum" and "§3"), "declarations", or "" when the annotation is malformed (marker_error
# says how, in words a contributor can act on).
function parse_begin_marker(line,    rest) {
    marker_fn = ""; marker_sec = ""; marker_error = ""
    rest = line
    sub(/^[ \t]*\/\/[ \t]*BEGIN SOLUTION/, "", rest)
    rest = trim(rest)
    if (rest == "") {
        marker_error = "BEGIN SOLUTION without annotation; write `// BEGIN SOLUTION: <Function::name> (§N)` or `// BEGIN SOLUTION: declarations`"
        return ""
    }
    if (rest ~ /^:[ \t]*declarations$/) return "declarations"
    if (rest !~ /^:[ \t]*[^ \t].* \(§[^()]*\)$/) {
        marker_error = "malformed BEGIN SOLUTION annotation '" rest "'; expected `: <Function::name> (§N)` or `: declarations`"
        return ""
    }
    marker_fn = rest
    sub(/^:[ \t]*/, "", marker_fn)
    marker_sec = marker_fn
    sub(/ \(§[^()]*\)$/, "", marker_fn)
    sub(/^.* \(/, "", marker_sec)
    sub(/\)$/, "", marker_sec)
    marker_fn = trim(marker_fn)
    if (marker_fn ~ /["\\]/) {
        marker_error = "the function name in a BEGIN SOLUTION annotation must not contain \" or \\"
        return ""
    }
    return "stub"
}
