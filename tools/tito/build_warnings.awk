# tools/tito/build_warnings.awk — compiler warnings in the student's own files, kept per build.
#
#   awk -v root=/checkout/ -v files=STAMPS -v store=STORE -v out=NEW_STORE -f build_warnings.awk LOG
#
# STAMPS: "file<TAB>stamp" of every header a student writes (stamp: size and mtime).
# STORE / NEW_STORE: "file<TAB>stamp<TAB>warning<TAB>source line" — the warnings last seen for
# each file. A file whose stamp is unchanged keeps its warnings (a build that did not recompile it
# prints none); a changed file gets the warnings of this build only.
# Prints each warning once: "file:line:col: warning: ..." and the source line.
# Left out: -Wunused-parameter in a function whose body is still a TINYTORCH_TODO stub.

function rel(s,    i) {
    while ((i = index(s, root)) > 0) s = substr(s, 1, i - 1) substr(s, i + length(root))
    return s
}
function locfile(loc,    f) { f = loc; sub(/:[0-9]+(:[0-9]+)?$/, "", f); return f }

# Is line n of file f inside a function whose body still holds a TINYTORCH_TODO stub?
function in_stub(f, n,    l, k, indent, stub) {
    k = 0; indent = -1; stub = 0
    while ((getline l < (root f)) > 0) {
        k++
        if (k < n) continue
        if (indent < 0) { match(l, /^[ \t]*/); indent = RLENGTH; continue }
        if (index(l, "TINYTORCH_TODO(") > 0) { stub = 1; break }
        match(l, /^[ \t]*/)
        if (RLENGTH == indent && substr(l, RLENGTH + 1, 1) == "}") break
        if (k > n + 200) break
    }
    close(root f)
    return stub
}

BEGIN {
    printf "" > out
    while ((getline l < files) > 0) { split(l, p, "\t"); stamp[p[1]] = p[2] }
    while ((getline l < store) > 0) {
        split(l, p, "\t")
        if (!(p[1] in stamp) || stamp[p[1]] != p[2]) { changed[p[1]] = 1; continue }
        k = p[3]
        if (!(k in w)) { ord[++nw] = k; w[k] = p[4]; wf[k] = p[1] }
    }
}

/: warning: / {
    line = rel($0)
    loc = line; sub(/: warning: .*/, "", loc)
    f = locfile(loc)
    if (!(f in stamp)) { pending = ""; next }
    if (line ~ /\[-Wunused-parameter\]/) {
        ln = loc; sub(/^[^:]*:/, "", ln); sub(/:.*/, "", ln)
        if (in_stub(f, ln + 0)) { pending = ""; next }
    }
    # a file seen in this log gets this log's warnings only
    if (!(f in fresh)) {
        fresh[f] = 1
        for (i = 1; i <= nw; i++) if (wf[ord[i]] == f) delete w[ord[i]]
    }
    if (!(line in w)) { ord[++nw] = line; wf[line] = f }
    w[line] = ""
    pending = line
    next
}
pending != "" && /^ *[0-9]+ *[|]/ { src = $0; sub(/^ *[0-9]+ *[|] ?/, "", src); sub(/^[ \t]+/, "", src); w[pending] = src; pending = ""; next }
{ pending = "" }

END {
    for (i = 1; i <= nw; i++) {
        k = ord[i]
        if (!(k in w) || (k in printed)) continue
        printed[k] = 1
        printf "%s\t%s\t%s\t%s\n", wf[k], stamp[wf[k]], k, w[k] > out
        printf "  %s\n", k
        if (w[k] != "") printf "      %s\n", w[k]
    }
    close(out)
}
