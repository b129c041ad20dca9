# tools/tito/ctest_parse.awk — turn `ctest --output-on-failure` output into one record per test.
#
#   awk -v mode=summary|json -v root=/path/to/checkout/ -f ctest_parse.awk ctest.log
#
# Output (tab-separated, in log order; callers sort by the first column):
#   num  status  group  case  detail
#     status  PASS | FAIL | TIMEOUT | CRASH | NOTRUN
#     group   the CTest label of a module test ("01_tensor"), taken from the test-name prefix
#             "01_tensor: <case>" (with or without the space); other tests are their own group
#     detail  summary mode: "TODO: <function> — read modules/NN_name/README.md §N" when the test
#             stopped at a tinytorch::NotImplemented stub, else the first failure condensed to a
#             line ("tests/01_tensor/x.cpp:12: CHECK( a == b ) with expansion: 1 == 2")
#             json mode: that line, a blank line and the test's whole output, JSON-escaped
#             A failed check that came BEFORE the test ran into a stub is reported first (it is a
#             bug in written code), followed by " · then TODO: <function> ...".
#             Crashes and hangs (tests/support/catch_main.cpp prints "tinytorch-crash:" or
#             "tinytorch-watchdog:" and the stack) end with "[frames EXE 0x.. 0x..]" (summary
#             mode; tools/tito/feedback.sh turns it into file:line); a sanitizer report (the
#             sanitize preset) makes the test a CRASH whose detail ends with
#             "[stack file:line function | ...]".
#
# Catch2 wraps long messages (80 columns, breaking after '/', ':' etc.), so the NotImplemented
# message is read with all whitespace removed; function names in markers must not contain spaces.

function trim(s) { sub(/^[ \t\r]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }

function unroot(s,    i) {
    if (root == "" || root == "/") return s
    while ((i = index(s, root)) > 0) s = substr(s, 1, i - 1) substr(s, i + length(root))
    return s
}

function todo_line(text,    p, s, q, fn, rest, r, mod, k, sec, c) {
    p = index(text, "NotImplemented:")
    if (p == 0) return ""
    s = substr(text, p, 800)
    gsub(/[ \t\r\n]+/, "", s)
    q = index(s, "(module")
    if (q == 0) return ""
    fn = substr(s, 16, q - 16)
    if (fn in fullname) fn = fullname[fn]
    rest = substr(s, q + 7)
    r = index(rest, ")")
    mod = substr(rest, 1, r - 1)
    if (mod !~ /^[0-9][0-9]_[a-z0-9_]+$/) return ""
    k = index(rest, "README.md")
    sec = ""
    if (k > 0) {
        sec = substr(rest, k + 9)
        c = index(sec, ",")
        if (c > 0) sec = substr(sec, 1, c - 1)
        if (length(sec) > 12) sec = substr(sec, 1, 12)
    }
    return "TODO: " fn " — read modules/" mod "/README.md" (sec == "" ? "" : " " sec)
}

# The first failed check (file:line and expression), skipping failures that are a stub's
# NotImplemented (pass skip_todo = 1); sets first_failure_line to the log line it starts at.
function first_failure(n, skip_todo,    i, j, line, loc, parts, cnt, s, block, k) {
    first_failure_line = 0
    for (i = 1; i <= nlines[n]; i++) {
        line = L[n, i]
        if (line ~ /: FAILED:[ \t\r]*$/) {
            if (skip_todo) {
                block = ""
                for (k = i + 1; k <= nlines[n] && k <= i + 12; k++) {
                    if (L[n, k] ~ /^-------------------/ || L[n, k] ~ /^=====/ || trim(L[n, k]) == "") break
                    block = block L[n, k]
                }
                if (index(block, "NotImplemented:") > 0) continue
            }
            # Catch2's report of a signal is not a failed check (the crash is reported as such)
            block = ""
            for (k = i + 1; k <= nlines[n] && k <= i + 6; k++) block = block L[n, k]
            if (index(block, "due to a fatal error condition") > 0) continue
            first_failure_line = i
            loc = line
            sub(/: FAILED:[ \t\r]*$/, "", loc)
            s = unroot(trim(loc)) ":"
            cnt = 0
            for (j = i + 1; j <= nlines[n] && cnt < 6; j++) {
                line = trim(L[n, j])
                if (line == "") break
                s = s " " line
                cnt++
            }
            gsub(/[ \t]+/, " ", s)
            if (length(s) > 220) s = substr(s, 1, 217) "..."
            return s
        }
    }
    return ""
}

# The log line where the first NotImplemented message of test n starts (0 if none).
function todo_position(n,    i) {
    for (i = 1; i <= nlines[n]; i++) if (index(L[n, i], "NotImplemented:") > 0) return i
    return 0
}

# "[frames EXE 0x.. 0x..]" from the lines tests/support/catch_main.cpp prints after a crash or
# a watchdog stop; "" when there are none.
function native_frames(n,    i, s, f, exe, cnt) {
    s = ""; exe = ""; cnt = 0
    for (i = 1; i <= nlines[n]; i++) {
        if (L[n, i] ~ /^tinytorch-exe: /) { exe = trim(substr(L[n, i], 16)) }
        else if (L[n, i] ~ /^tinytorch-frame: 0x[0-9a-f]+/ && cnt < 40) {
            f = trim(substr(L[n, i], 18)); s = s " " f; cnt++
        }
    }
    if (s == "") return ""
    return "[frames " (exe == "" ? "-" : exe) s "]"
}

# "[stack file:line function | ...]" from "#N 0x.. in FUNCTION FILE:LINE:COL" lines (a stack the
# sanitizer runtime printed, e.g. for the watchdog in a sanitizer build); "" when there are none.
function printed_stack(n,    i, line, cnt, fr, fn, loc, s) {
    s = ""; cnt = 0
    for (i = 1; i <= nlines[n] && cnt < 40; i++) {
        line = L[n, i]
        if (line !~ /^ *#[0-9]+ 0x[0-9a-f]+ in /) continue
        fr = line
        sub(/^ *#[0-9]+ 0x[0-9a-f]+ in /, "", fr)
        loc = fr; sub(/.* /, "", loc)
        fn = fr; sub(/ [^ ]*$/, "", fn)
        if (loc !~ /:[0-9]+/) continue
        gsub(/\|/, "/", fn)
        s = s (cnt ? " | " : "[stack ") unroot(loc) " " fn
        cnt++
    }
    return s == "" ? "" : s "]"
}

# A sanitizer report (AddressSanitizer, UndefinedBehaviorSanitizer, LeakSanitizer): sets
# san_what (its first line, shortened) and san_stack ("[stack file:line function | ...]").
function sanitizer_report(n,    i, line, cnt, fr, fn, loc, m) {
    san_what = ""; san_stack = ""; cnt = 0
    for (i = 1; i <= nlines[n]; i++) {
        line = L[n, i]
        if (san_what == "" && line ~ /(ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: )/) {
            m = line
            if (m ~ /runtime error: /) {
                loc = m; sub(/: runtime error: .*/, "", loc)
                sub(/.*runtime error: /, "", m)
                m = "UndefinedBehaviorSanitizer: " m
                if (loc ~ /:[0-9]+:[0-9]+$/) { san_stack = "[stack " unroot(loc) " -"; cnt = 1 }
            } else {
                sub(/.*ERROR: /, "", m)
                sub(/ on address 0x[0-9a-f]+.*$/, "", m)
                sub(/ at pc 0x[0-9a-f]+.*$/, "", m)
            }
            san_what = trim(m)
            continue
        }
        if (san_what != "" && line ~ /^ *#[0-9]+ 0x[0-9a-f]+ in / && cnt < 40) {
            fr = line
            sub(/^ *#[0-9]+ 0x[0-9a-f]+ in /, "", fr)
            # "FUNCTION FILE:LINE:COL" — the location is the last field
            loc = fr; sub(/.* /, "", loc)
            fn = fr; sub(/ [^ ]*$/, "", fn)
            if (loc !~ /:[0-9]+/) continue
            gsub(/\|/, "/", fn)
            san_stack = san_stack (cnt ? " | " : "[stack ") unroot(loc) " " fn
            cnt++
        }
        if (san_what != "" && line ~ /^SUMMARY: /) break
    }
    if (san_stack != "") san_stack = san_stack "]"
    return san_what != ""
}

# Script tests (the release check, tito's own tests) print "FAILED: what" lines: the first three.
function script_failures(n,    i, s, cnt) {
    s = ""; cnt = 0
    for (i = 1; i <= nlines[n] && cnt < 3; i++)
        if (L[n, i] ~ /^FAILED: /) { s = s (cnt ? " | " : "") substr(trim(L[n, i]), 9); cnt++ }
    if (length(s) > 600) s = substr(s, 1, 597) "..."
    return s
}

function json_escape(s,    out, i, c) {
    gsub(/\\/, "\\\\", s)
    gsub(/"/, "\\\"", s)
    gsub(/\t/, "\\t", s)
    gsub(/\r/, "", s)
    gsub(/\n/, "\\n", s)
    # other control characters cannot appear raw in JSON strings: drop them
    gsub(/[\001-\010\013\014\016-\037\177]/, "", s)
    return s
}

function is_banner(line) {
    return line ~ /^Filters: / || line ~ /^~~~~~~~~~/ || line ~ /is a Catch v?[0-9.]* host application/ ||
           line ~ /is a Catch2 v[0-9.]* host application/ || line ~ /^Run with -\? for options/ ||
           line ~ /^Randomness seeded to: /
}

function whole_output(n,    i, s, line, started, blank) {
    s = ""
    started = 0
    blank = 0
    for (i = 1; i <= nlines[n]; i++) {
        line = L[n, i]
        sub(/\r$/, "", line)
        if (is_banner(line)) continue
        if (trim(line) == "") { if (started) blank++; continue }
        if (started) { while (blank > 0) { s = s "\n"; blank-- } s = s "\n" }
        blank = 0
        s = s unroot(line)
        started = 1
        if (length(s) > 8000) { s = substr(s, 1, 8000) "\n[... output truncated ...]"; break }
    }
    return s
}

BEGIN {
    cur = 0; ntests = 0
    # names: the function names of the stubs ("Tensor(values, shape)"), to undo Catch2's wrapping
    if (names != "") while ((getline l < names) > 0) { k = l; gsub(/[ \t]/, "", k); fullname[k] = l }
}

/^[ \t]*Start[ \t]+[0-9]+: / {
    line = $0
    sub(/^[ \t]*Start[ \t]+/, "", line)
    num = line; sub(/:.*/, "", num)
    nm = line; sub(/^[0-9]+: /, "", nm)
    name[num + 0] = trim(nm)
    cur = 0
    next
}

/^[ \t]*[0-9]+\/[0-9]+ Test +#[0-9]+: / {
    line = $0
    sub(/^[ \t]*[0-9]+\/[0-9]+ Test +#/, "", line)
    num = line; sub(/:.*/, "", num); num += 0
    rest = line; sub(/^[0-9]+: /, "", rest)
    if (rest ~ /\*\*\*Timeout/) st = "TIMEOUT"
    else if (rest ~ /\*\*\*Exception/) { st = "CRASH"; kind[num] = rest; sub(/.*\*\*\*Exception: */, "", kind[num]); sub(/ +[0-9.]+ sec.*$/, "", kind[num]) }
    else if (rest ~ /Not Run/) st = "NOTRUN"
    else if (rest ~ /\*\*\*Failed/ || rest ~ /\*\*\*Skipped/) st = "FAIL"
    else if (rest ~ / Passed /) st = "PASS"
    else st = "FAIL"
    if (!(num in name)) {
        nm = rest
        sub(/ +[0-9.]+ sec[ \t\r]*$/, "", nm)
        sub(/(\*\*\*| +)[A-Z][A-Za-z: ]*$/, "", nm)
        sub(/[ .]+$/, "", nm)
        name[num] = trim(nm)
    }
    status[num] = st
    order[++ntests] = num
    nlines[num] = 0
    cur = num
    next
}

/^[0-9]+% tests passed/ || /^The following tests FAILED:/ || /^Label Time Summary:/ || /^Total Test time/ {
    cur = 0
    next
}

cur > 0 {
    nlines[cur]++
    L[cur, nlines[cur]] = $0
}

END {
    for (t = 1; t <= ntests; t++) {
        n = order[t]
        nm = name[n]
        gsub(/\t/, " ", nm)
        group = nm
        kase = nm
        if (nm ~ /^[0-9][0-9]_[a-z0-9_]+( \(provided code\))?:/) {
            group = nm; sub(/:.*/, "", group)
            kase = substr(nm, length(group) + 2); sub(/^ +/, "", kase)
        }
        st = status[n]
        detail = ""
        if (st != "PASS") {
            text = ""
            watchdog = ""; crash = ""
            for (i = 1; i <= nlines[n]; i++) {
                text = text "\n" L[n, i]
                if (L[n, i] ~ /^tinytorch-watchdog: /) watchdog = trim(substr(L[n, i], 21))
                if (L[n, i] ~ /^tinytorch-crash: /) crash = trim(substr(L[n, i], 18))
            }
            todo = todo_line(text)
            check = first_failure(n, 1)
            if (check != "" && todo != "" && first_failure_line < todo_position(n))
                detail = check " · then " todo          # a bug in written code, then a stub
            else if (todo != "") detail = todo
            else detail = check
            if (detail == "") detail = script_failures(n)
            frames = native_frames(n)
            if (frames == "" && watchdog != "") frames = printed_stack(n)
            if (sanitizer_report(n)) {
                st = "CRASH"
                detail = san_what (check == "" ? "" : " (after: " check ")") (san_stack == "" ? "" : " " san_stack)
            } else if (watchdog != "") {
                st = "TIMEOUT"
                w = watchdog; sub(/;.*/, "", w); sub(/^this test was /, "", w)
                detail = "timed out: " w (check == "" ? "" : "; last failure before that: " check) (frames == "" ? "" : " " frames)
            } else if (st == "TIMEOUT") {
                detail = "timed out" (detail == "" ? "" : "; last failure before that: " detail)
            } else if (crash != "" || st == "CRASH") {
                st = "CRASH"
                if (crash == "") crash = kind[n]
                sub(/ \(.*$/, "", crash)
                detail = "crashed (" crash ")" (check == "" ? "" : " after: " check) (frames == "" ? "" : " " frames)
            }
            else if (st == "NOTRUN") detail = "not run: " trim(L[n, 1])
            else if (detail == "") detail = "failed (see the log)"
            if (mode == "json") {
                sub(/ \[(frames|stack) [^]]*\]$/, "", detail)
                out = whole_output(n)
                detail = json_escape(detail (out == "" ? "" : "\n\n" out))
            } else {
                gsub(/\t/, " ", detail)
            }
        }
        printf "%d\t%s\t%s\t%s\t%s\n", n, st, group, kase, detail
    }
}
