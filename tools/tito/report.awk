# tools/tito/report.awk — the student's summary of a test run (./tito test).
#
#   awk -F'\t' -v index_file=F -v prev_file=F [-v verbose=1 -v notrun=N -v release=1 ...] \
#       -f report.awk RESULTS
#
# RESULTS: parse_ctest_log records "num status group case detail" (symbolized).
# index_file: stub_index lines "rank module section name file needs state" (tools/tito/feedback.sh).
# prev_file: the records kept from the last run, "group case status detail".
#
# Order of the report:
#   1. one line per suite: passed/total, and how that moved since the last run;
#   2. tests that fail in code the student wrote — failed checks, crashes, timeouts, those that
#      passed at the last run first;
#   3. tests that stop at stubs, grouped by stub in the order of the lessons (the next step first);
#   4. the summary line and the next step: fix the failures in written code first, else the first
#      stub in the lesson's order among those failing tests need — or a stub one of those needs
#      that is still a stub itself (modules/NN_name/stubs.tsv declares what each needs).
# Exit status: 0 when every test passed, 1 otherwise, 2 when there were no results.

function todo_name(d,    s) {
    s = d
    if (index(s, "TODO: ") == 0) return ""
    s = substr(s, index(s, "TODO: ") + 6)
    sub(/ — read .*/, "", s)
    return s
}

function todo_where(d,    s) {
    s = substr(d, index(d, "TODO: ") + 6)
    if (index(s, " — read ") == 0) return ""
    return substr(s, index(s, " — read ") + 8)
}

function plural(n, one, many) { return n == 1 ? one : many }

# The stub to write first among c's unwritten needs (depth-first, lesson order), else c.
function resolve(c, depth,    best, br, n, parts, i, d, r) {
    if (depth > 20 || !(c in needs) || needs[c] == "-" || needs[c] == "") return c
    best = ""; br = 0
    n = split(needs[c], parts, /;/)
    for (i = 1; i <= n; i++) {
        d = parts[i]; sub(/^ +/, "", d); sub(/ +$/, "", d)
        if (!(d in state) || state[d] != "todo") continue
        r = rank[d]
        if (best == "" || r < br) { best = d; br = r }
    }
    return best == "" ? c : resolve(best, depth + 1)
}

BEGIN {
    FS = "\t"
    while ((getline l < index_file) > 0) {
        split(l, f, "\t")
        rank[f[4]] = f[1] + 0; module[f[4]] = f[2]; section[f[4]] = f[3]; file[f[4]] = f[5]
        needs[f[4]] = f[6]; state[f[4]] = f[7]; withs[f[4]] = (8 in f) ? f[8] : "-"
    }
    while ((getline l < prev_file) > 0) {
        split(l, f, "\t")
        prev[f[1], f[2]] = f[3]
    }
    mine = release ? "in code you wrote" : "(bugs, not stubs)"
}

{
    g = $3
    if (g ~ /^milestone /) g = "milestones"
    if (!(g in total)) { order[++ng] = g; total[g] = 0; passed[g] = 0; pp[g] = 0; pt[g] = 0 }
    total[g]++
    if (($3, $4) in prev) { pt[g]++; if (prev[$3, $4] == "PASS") pp[g]++ }
    if ($2 == "PASS") { passed[g]++; next }
    t = todo_name($5)
    if (t != "" && index($5, "TODO: ") == 1) {
        # stops at a stub
        if (!(t in tcount)) { torder[++nt] = t; twhere[t] = todo_where($5) }
        tcount[t]++
        tcases[t, tcount[t]] = $4
        tgroup[t, tcount[t]] = g
        ntodo++
        if (!(t in rank)) rank[t] = 900000 + nt
        next
    }
    # fails in written code (a check, a crash, a timeout, or did not run)
    nb++
    was = (($3, $4) in prev) && prev[$3, $4] == "PASS"
    if ($2 == "CRASH") ncrash++
    else if ($2 == "TIMEOUT") ntimeout++
    # the same crash or failure in many tests is listed once, with a count
    key = $2 SUBSEP $5
    if ($2 != "FAIL" && (key in entry)) {
        e = entry[key]; bdup[e]++
        if (was) bwas[e] = 1
    } else {
        ne++
        entry[key] = ne
        bstatus[ne] = $2; bcase[ne] = $4; bgroup[ne] = g; bdetail[ne] = $5; bwas[ne] = was; bdup[ne] = 0
    }
    if (t != "") {  # "... · then TODO: X": the stub comes after the bug
        if (!(t in tcount)) { torder[++nt] = t; twhere[t] = todo_where($5); tcount[t] = 0 }
        if (!(t in rank)) rank[t] = 900000 + nt
        after[t]++
    }
}

END {
    if (ng == 0 && notrun == 0) exit 2
    multi = (ng > 1)
    T = 0; P = 0
    for (i = 1; i <= ng; i++) {
        g = order[i]
        col = (passed[g] == total[g]) ? green : red
        move = ""
        if (pt[g] > 0) {
            # the passing count of the tests this run and the last one share
            now = 0
            d = passed[g] - pp[g]
            if (d < 0) move = sprintf("   %s%d fewer than at the last run (%d)%s", red bold, -d, pp[g], off)
            else if (d > 0) move = sprintf("   %s%d more than at the last run%s", green, d, off)
        }
        printf "  %s%-22s%s %s%d/%d passed%s%s\n", bold, g, off, col, passed[g], total[g], off, move
        T += total[g]; P += passed[g]
    }

    # ---- 2. failures in written code -------------------------------------------------------
    if (nb > 0) {
        extra = ""
        if (ncrash > 0) extra = ncrash " crashed"
        if (ntimeout > 0) extra = extra (extra == "" ? "" : ", ") ntimeout " timed out"
        printf "\n  %s%d %s %s%s%s:\n", red bold, nb, plural(nb, "test fails", "tests fail"), mine, (extra == "" ? "" : " (" extra ")"), off
        shown = 0
        for (pass = 1; pass <= 2; pass++)          # those that passed at the last run first
            for (i = 1; i <= ne; i++) {
                if ((pass == 1) != (bwas[i] == 1)) continue
                if (!verbose && shown >= 12) { hidden += 1 + bdup[i]; continue }
                shown++
                printf "    %s%-8s%s %s%s%s\n", red, bstatus[i], off, (multi ? bgroup[i] ": " : ""), bcase[i],
                    (bwas[i] ? "   " yellow "<- passed at the last run" off : "")
                printf "             %s\n", bdetail[i]
                if (bdup[i] > 0) printf "             %s(and %d more %s the same way)%s\n", dim, bdup[i], plural(bdup[i], "test fails", "tests fail"), off
            }
        if (hidden > 0) printf "    %s... and %d more (-v lists them all)%s\n", dim, hidden, off
    }

    # ---- 3. tests that stop at stubs, in the lesson's order -----------------------------------
    # candidates: every stub a failing test ran into; the next step is the first in lesson order,
    # or the first unwritten stub it needs.
    best = ""
    for (i = 1; i <= nt; i++) {
        t = torder[i]
        if (best == "" || rank[t] < rank[best]) best = t
    }
    next_stub = (best == "") ? "" : resolve(best, 0)
    # stubs declared as one step with it (their tests pass only together): named with it
    next_group = next_stub
    if (next_stub != "" && withs[next_stub] != "-" && withs[next_stub] != "") {
        n = split(withs[next_stub], parts, /;/)
        for (i = 1; i <= n; i++)
            if ((parts[i] in state) && state[parts[i]] == "todo") next_group = next_group " + " parts[i]
    }
    if (ntodo > 0) {
        printf "\n  %d %s at functions you have not written yet, in the order of the lesson:\n",
            ntodo, plural(ntodo, "test stops", "tests stop")
        # sort the stubs by rank (insertion sort: a few dozen at most)
        for (i = 1; i <= nt; i++) sorted[i] = torder[i]
        for (i = 2; i <= nt; i++) {
            v = sorted[i]; j = i - 1
            while (j >= 1 && rank[sorted[j]] > rank[v]) { sorted[j + 1] = sorted[j]; j-- }
            sorted[j + 1] = v
        }
        lines = 0
        if (next_stub != "" && !(next_stub in tcount)) {
            lines++
            printf "    %sTODO%s %-28s %s%-5s needed by %s%s\n", yellow, off, next_stub, dim,
                ((next_stub in section) ? section[next_stub] : ""), best, off
        }
        for (i = 1; i <= nt; i++) {
            t = sorted[i]
            if (tcount[t] == 0) continue
            lines++
            if (!verbose && lines > 8) { more_stubs++; more_tests += tcount[t]; continue }
            sec = (t in section) ? section[t] : ""
            printf "    %sTODO%s %-28s %s%-5s %d %s%s\n", yellow, off, t, dim, sec, tcount[t], plural(tcount[t], "test", "tests"), off
            if (t == best || verbose) {
                lim = verbose ? tcount[t] : 4
                for (k = 1; k <= tcount[t] && k <= lim; k++)
                    printf "           %s%s%s%s\n", dim, (multi ? tgroup[t, k] ": " : ""), tcases[t, k], off
                if (tcount[t] > lim) printf "           %s(and %d more)%s\n", dim, tcount[t] - lim, off
            }
        }
        if (more_stubs > 0) printf "    %s... %d more %s (%d tests; -v lists them all)%s\n", dim, more_stubs, plural(more_stubs, "stub", "stubs"), more_tests, off
    }
    if (notrun > 0) printf "\n  %s%d %s did not run: the run was stopped after tests timed out (fix the endless loop first)%s\n", red, notrun, plural(notrun, "test", "tests"), off

    # ---- 4. summary and next step --------------------------------------------------------------
    printf "\n%d tests: %s%d passed%s", T, green, P, off
    if (nb > 0) printf ", %s%d %s %s%s", red bold, nb, plural(nb, "test fails", "tests fail"), mine, off
    if (ntodo > 0) printf ", %d %s at TODO stubs", ntodo, plural(ntodo, "stops", "stop")
    if (notrun > 0) printf ", %d not run", notrun
    printf "\n"
    if (nb > 0) {
        first = 0
        for (i = 1; i <= ne && !first; i++) if (bwas[i]) first = i
        if (!first) first = 1
        printf "next step: %sfix the %s %s first%s — %s%s\n", yellow, (nb == 1 ? "failure" : "failures"), mine, off,
            (multi ? bgroup[first] ": " : ""), bcase[first]
        if (next_stub != "") printf "           then: TODO: %s%s\n", next_group, where_text(next_stub)
    } else if (next_stub != "") {
        printf "next step: %sTODO: %s%s%s%s\n", yellow, next_group, off, where_text(next_stub), need_text(next_stub)
    } else if (T == P && notrun == 0) {
        printf "%sall %d tests pass%s\n", green, T, off
    }
    # the closing line test runners print (CI reads it): "tests: N passed, N failed"
    printf "%stests: %d passed, %d failed%s\n", dim, P, T - P + notrun, off
    exit (T == P && notrun == 0) ? 0 : 1
}

function where_text(t,    w, sec, m) {
    if ((t in module) && (t in section)) {
        w = " — read modules/" module[t] "/README.md " section[t]
        if (t in file) w = w ", write it in " file[t]
        return w
    }
    return (t in twhere && twhere[t] != "") ? " — read " twhere[t] : ""
}

function need_text(t,    n, i, c, who) {
    n = tcount[t] + after[t]
    if (n > 0) return "  (" n " failing " plural(n, "test needs", "tests need") " it)"
    # chosen as a need of a stub the failing tests ran into
    who = ""
    for (i = 1; i <= nt; i++) {
        c = torder[i]
        if (c != t && index(";" needs[c] ";", ";" t ";") > 0) { who = c; break }
    }
    return who == "" ? "" : "  (" who " needs it)"
}
