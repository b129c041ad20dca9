# tools/tito/build_errors.awk — compiler errors for a student: each error once (a unity build
# and parallel jobs print the same error several times), the student's own file first.
#
#   awk -v root=/checkout/ -v files=STUDENT_FILES -f build_errors.awk BUILD_LOG
#
# STUDENT_FILES: the headers a student writes in (paths relative to root), one per line.
# For an error inside a template, the location in the student's file that instantiated it leads,
# with its source line; the template's own location follows. The two compilers say where a
# template was instantiated from on opposite sides of the error:
#   g++      before it:  "FILE:L:C:   required from ..." lines (after "FILE: In instantiation of")
#   clang++  after it:   "FILE:L:C: note: in instantiation of ... requested here" lines, and not
#                        again for the next error of the same instantiation
# so an error is held back until the next one (or the end of the log) has shown its chain.
# Prints at most 4 distinct errors, then "The first error is in FILE:LINE".

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
    nctx = 0; nclang = 0; shown = 0; total = 0; pending = 0
}

# print the held-back error, if any
function flush(    i, lead, key, src) {
    if (!pending) return
    pending = 0
    # its instantiation chain: g++'s lines before it, else clang++'s after it (or, when clang++
    # printed none, the chain of the error before: same instantiation)
    if (p_nctx > 0) { nchain = p_nctx; for (i = 1; i <= p_nctx; i++) chain[i] = p_ctx[i] }
    else { nchain = nclang; for (i = 1; i <= nclang; i++) chain[i] = clang_ctx[i] }
    # the student's location: the error itself, else the innermost instantiation in their file
    lead = ""
    if (is_mine(p_loc)) lead = p_loc
    else for (i = 1; i <= nchain; i++) if (is_mine(chain[i])) { lead = chain[i]; break }
    # each error once: a template error once per line of the student's that instantiates it
    # (every instantiation - add, sub, mul... - repeats it with other types)
    key = (lead != "" && lead != p_loc) ? "template|" lead : p_loc "|" p_msg
    if (key in seen) return
    seen[key] = 1
    total++
    if (first == "") first = (lead != "" ? lead : p_loc)
    if (first_mine == "" && lead != "") first_mine = lead
    if (shown >= 4) return
    shown++
    if (lead != "" && lead != p_loc) {
        printf "%s: error (in your code, inside a template): %s\n", lead, p_msg
        src = source_line(locfile(lead), locline(lead))
        if (src != "") printf "  %5d | %s\n", locline(lead), src
        printf "        the template is %s; your line above instantiates it\n", p_loc
    } else {
        printf "%s: error: %s\n", p_loc, p_msg
        for (i = 1; i <= p_nsrc; i++) print p_src[i]
        if (p_nsrc == 0 && is_mine(p_loc)) {   # clang++ prints the line without a number: show it as g++ does
            src = source_line(locfile(p_loc), locline(p_loc))
            if (src != "") printf "  %5d | %s\n", locline(p_loc), src
        }
    }
    for (i = 1; i <= p_nnotes; i++) print p_notes[i]
}

# clang++: the instantiation chain after an error (a new chain replaces the previous one)
/: note: in instantiation of / {
    loc = rel($0); sub(/: note: in instantiation of.*$/, "", loc)
    if (pending && !p_has_clang) { p_has_clang = 1; nclang = 0 }
    if (loc ~ /:[0-9]+:[0-9]+$/) clang_ctx[++nclang] = loc
    next
}
# g++: the instantiation chain before an error (after the clang++ rule: this pattern matches its notes too)
/: +required from / || /: +required by substitution of / || /: +in instantiation of / {
    loc = rel($0); sub(/: +(required|in instantiation).*$/, "", loc)
    if (loc ~ /:[0-9]+:[0-9]+$/) ctx[++nctx] = loc
    next
}
# a new diagnostic context starts: forget the previous g++ chain (errors that follow within one
# context share its chain, which g++ prints once)
/: In instantiation of / || /: In (member )?function / || /: At global scope:/ || /: In lambda function:/ { nctx = 0; next }

/: (fatal )?error: / {
    flush()
    line = rel($0)
    p_loc = line; sub(/: (fatal )?error: .*/, "", p_loc)
    p_msg = line; sub(/^.*: (fatal )?error: /, "", p_msg)
    if (length(p_msg) > 300) p_msg = substr(p_msg, 1, 297) "..."
    p_nctx = nctx; for (i = 1; i <= nctx; i++) p_ctx[i] = ctx[i]
    p_nsrc = 0; p_nnotes = 0; p_has_clang = 0
    pending = 1; insrc = 3
    next
}
# g++'s source line and caret under an error
/^ *[0-9]* *[|]/ { if (pending && insrc > 0 && p_nctx == 0) { p_src[++p_nsrc] = rel($0); insrc-- } next }
{ insrc = 0 }
# notes in the student's file after an error ("candidate: <your lambda>", "no known conversion
# for argument 2 ...") say what in their code does not fit: keep two of them
/: note: / {
    line = rel($0)
    nloc = line; sub(/: note: .*/, "", nloc)
    if (pending && p_nnotes < 2 && is_mine(nloc)) {
        nmsg = line; sub(/^.*: note: +/, "", nmsg)
        if (length(nmsg) > 200) nmsg = substr(nmsg, 1, 197) "..."
        p_notes[++p_nnotes] = sprintf("        note: %s: %s", nloc, nmsg)
    }
    next
}
/undefined reference|ld returned|CMake Error|No rule to make target/ { other[++no] = rel($0) }

END {
    flush()
    if (total == 0) {
        for (i = 1; i <= no && i <= 8; i++) print other[i]
        if (no == 0) print "(no compiler error found; see the log)"
        exit 0
    }
    if (total > shown) printf "... and %d more %s\n", total - shown, (total - shown == 1 ? "error" : "errors")
    if (first_mine != "") printf "\nThe first error in your code is at %s\n", first_mine
    else printf "\nThe first error is in %s\n", first
}
