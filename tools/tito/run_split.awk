# tools/tito/run_split.awk — one run of a module's test program with TINYTORCH_TEST_MARKERS=1
# (tests/support/catch_main.cpp frames each test case with "tinytorch-case: NAME" and
# "tinytorch-case-end: passed|failed") turned into CTest's --output-on-failure log format, so that
# ctest_parse.awk reads it as if CTest had run each test case in its own process.
#
#   awk -v names=LIST -v id=01_tensor -v base=B -v total=T -v first=K -v rc=EXIT -v killed=0|1 \
#       -v wall=SECONDS -v state=FILE -f run_split.awk PROGRAM_OUTPUT >>LOG
#
# LIST: the program's test names in run order (line k = test number B+k). rc: the program's exit
# status (128+N: killed by signal N). killed=1: tito stopped a program that no longer made
# progress; wall: the run's wall time. A test case that started but never ended (a crash, a hang)
# is the last one the program ran: it is reported with the output the program printed after it
# started, and the run's time not spent in the test cases before it as its time. STATE gets
# "NEXT TIMEOUTS": the first test of LIST still to run (after that one), and the number of tests
# stopped by a time limit in this run.

function signame(s) {
    if (s == 11) return "SegFault"
    if (s == 6) return "Subprocess aborted"
    if (s == 8) return "Numerical"
    if (s == 4) return "Illegal"
    if (s == 7) return "Bus error"
    if (s == 9) return "Killed"
    return "Signal " s
}

function emit(name, st, secs,    i, num, text) {
    i = (name in idx) ? idx[name] : last + 1
    if (i > last) last = i
    num = base + i
    if (secs < 0) secs = 0
    spent += secs
    if (st == "PASS") text = "   Passed"
    else if (st == "TIMEOUT") text = "***Timeout"
    else if (st == "CRASH") text = "***Exception: " signame(rc - 128)
    else text = "***Failed"
    text = sprintf("%s  %7.2f sec", text, secs)
    printf "      Start %3d: %s: %s\n", num, id, name
    printf "%3d/%d Test #%d: %s: %s ...%s\n", num, total, num, id, name, text
    if (st != "PASS") for (i = 1; i <= nbuf; i++) print buf[i]
    emitted++
}

function unfinished_status() {
    if (killed) { timeouts++; return "TIMEOUT" }
    if (rc >= 128) return "CRASH"
    return "FAIL"
}

# A test case is written out when the next one starts or the output ends: Catch2 reports a fatal
# signal as the end of the test case, and the crash report of tests/support/catch_main.cpp follows.
function flush_pending() {
    if (pending != "") emit(pending, pending_status, pending_secs)
    pending = ""
}

BEGIN {
    n = 0
    while ((getline l < names) > 0) { n++; if (!(l in idx)) idx[l] = n; nm[n] = l }
    last = first - 1; spent = 0; cur = ""; pending = ""; nbuf = 0; npre = 0; emitted = 0; timeouts = 0
}

/^tinytorch-case: / {
    flush_pending()
    cur = substr($0, 17); sub(/\r$/, "", cur); nbuf = 0
    next
}

/^tinytorch-case-end: / {
    if (cur != "") { pending = cur; pending_status = ($0 ~ /passed/) ? "PASS" : "FAIL"; pending_secs = $3 + 0 }
    cur = ""
    next
}

/^tinytorch-watchdog: / { timeouts++ }
/^tinytorch-(crash|watchdog): / { died = 1 }

cur != "" || pending != "" { buf[++nbuf] = $0; next }
{ pre[++npre] = $0 }

END {
    if (pending != "" && (died || killed || rc >= 128)) { cur = pending; pending = "" }
    flush_pending()
    if (cur != "") {
        emit(cur, unfinished_status(), wall - spent)
    } else if (emitted == 0 && first <= n) {
        # the program ended before its first test case started: charge it to that test
        nbuf = 0
        for (i = 1; i <= npre; i++) buf[++nbuf] = pre[i]
        emit(nm[first], (rc == 0 && !killed) ? "FAIL" : unfinished_status(), wall - spent)
    }
    print last + 1, timeouts > state
}
