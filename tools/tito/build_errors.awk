# tools/tito/build_errors.awk — compiler errors for a student: each error once (a unity build
# and parallel jobs print the same error several times), the student's own file first.
#
#   awk -v root=/checkout/ -v files=STUDENT_FILES -f build_errors.awk BUILD_LOG
#
# STUDENT_FILES: the headers a student writes in (paths relative to root), one per line.
# For an error inside a template (g++ and clang print "required from" / "in instantiation of"
# lines before it), the location in the student's file that instantiated it leads, with its
# source line; the template's own location follows. Prints at most 4 distinct errors, then
# "The first error is in FILE:LINE".

function rel(s,    i) {
    while ((i = index(s, root)) > 0) s = substr(s, 1, i - 1) substr(s, i + length(root))
    return s
}
function locfile(loc,    f) { f = loc; sub(/:[0-9]+(:[0-9]+)?$/, "", f); return f }
function locline(loc,    l) { l = loc; sub(/^[^:]*:/, "", l); sub(/:.*/, "", l); return l + 0 }
function is_mine(loc) { return (locfile(loc) in mine) }
# the text of line n of file f (relative to root), trimmed
function source_line(f, n,    l, k) {
    k = 0
    while ((getline l < (root f)) > 0) if (++k == n) break
    close(root f)
    if (k != n) return ""
    sub(/^[ \t]+/, "", l)
    return l
}

BEGIN {
    while ((getline l < files) > 0) mine[l] = 1
    nctx = 0; shown = 0; total = 0
}

# context before an error: instantiation chains
/: +required from / || /: +required by substitution of / || /: +in instantiation of / || /note: in instantiation of/ {
    loc = rel($0); sub(/: +(required|in instantiation|note: in instantiation).*$/, "", loc)
    if (loc ~ /:[0-9]+:[0-9]+$/) ctx[++nctx] = loc
    next
}
# a new diagnostic context starts: forget the previous instantiation chain (errors that follow
# within one context share its chain, which g++ prints once)
/: In instantiation of / || /: In (member )?function / || /: At global scope:/ || /: In lambda function:/ { nctx = 0; next }

/: (fatal )?error: / {
    line = rel($0)
    loc = line; sub(/: (fatal )?error: .*/, "", loc)
    msg = line; sub(/^.*: (fatal )?error: /, "", msg)
    # the student's location: the error itself, else the innermost "required from" in their file
    lead = ""
    if (is_mine(loc)) lead = loc
    else for (i = 1; i <= nctx; i++) if (is_mine(ctx[i])) { lead = ctx[i]; break }
    # each error once: a template error once per line of the student's that instantiates it
    # (every instantiation - add, sub, mul... - repeats it with other types)
    key = (lead != "" && lead != loc) ? "template|" lead : loc "|" msg
    if (key in seen) { incaret = 0; lastshown = 0; next }
    seen[key] = 1
    notes = 0
    total++
    if (length(msg) > 300) msg = substr(msg, 1, 297) "..."
    if (first == "") first = (lead != "" ? lead : loc)
    if (first_mine == "" && lead != "") first_mine = lead
    lastshown = (shown < 4)
    if (shown < 4) {
        shown++
        if (lead != "" && lead != loc) {
            printf "%s: error (in your code, inside a template): %s\n", lead, msg
            src = source_line(locfile(lead), locline(lead))
            if (src != "") printf "  %5d | %s\n", locline(lead), src
            printf "        the template is %s; your line above instantiates it\n", loc
            incaret = 0
        } else {
            printf "%s: error: %s\n", loc, msg
            incaret = 3   # g++'s source line and caret follow
        }
    } else {
        incaret = 0
    }
    next
}
/^ *[0-9]* *[|]/ { if (incaret > 0) { print rel($0); incaret-- } next }   # g++'s source lines
{ incaret = 0 }
# notes in the student's file after a shown error ("candidate: <your lambda>", "no known
# conversion for argument 2 ...") say what in their code does not fit: show two of them
/: note: / {
    line = rel($0)
    nloc = line; sub(/: note: .*/, "", nloc)
    if (lastshown && notes < 2 && is_mine(nloc)) {
        nmsg = line; sub(/^.*: note: +/, "", nmsg)
        if (length(nmsg) > 200) nmsg = substr(nmsg, 1, 197) "..."
        printf "        note: %s: %s\n", nloc, nmsg
        notes++
    }
    next
}
/undefined reference|ld returned|CMake Error|No rule to make target/ { other[++no] = rel($0) }

END {
    if (total == 0) {
        for (i = 1; i <= no && i <= 8; i++) print other[i]
        if (no == 0) print "(no compiler error found; see the log)"
        exit 0
    }
    if (total > shown) printf "... and %d more %s\n", total - shown, (total - shown == 1 ? "error" : "errors")
    if (first_mine != "") printf "\nThe first error in your code is at %s\n", first_mine
    else printf "\nThe first error is in %s\n", first
}
