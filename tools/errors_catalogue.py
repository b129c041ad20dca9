#!/usr/bin/python3
"""tools/errors_catalogue.py — regenerates the table part of docs/errors.md from the test suites:
every test case that checks an error's text (CHECK_THROWS_WITH) is one catalogued bad input, with
the error types it checks (CHECK_THROWS_AS) and the phrases its message must contain. A test that
checks the message a helper `error_of(...)` returns (CHECK_THAT(error_of(path), Contains(...)); the
helper gives the DataError's text, or a failing text for any other exception) counts as well.
    /usr/bin/python3 tools/errors_catalogue.py > /tmp/table.md   (then paste below the marker)"""
import glob
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
rows = []
for path in sorted(glob.glob(os.path.join(ROOT, "tests", "*", "*.cpp"))):
    module = os.path.basename(os.path.dirname(path))
    text = open(path, encoding="utf-8").read()
    for chunk in re.split(r"\nTEST_CASE\(", text)[1:]:
        m = re.match(r'"([^"]+)",\s*"([^"]+)"', chunk)
        if not m or ("CHECK_THROWS_WITH" not in chunk and not ("error_of(" in chunk and "CHECK_THAT(" in chunk)):
            continue
        name, tags = m.group(1), m.group(2)
        types = []
        for t in re.findall(r"CHECK_THROWS_AS\(.*?,\s*([A-Za-z:]+)\)\s*;", chunk):
            t = t.split("::")[-1]
            if t not in types:
                types.append(t)
        if "error_of(" in chunk and "CHECK_THAT(" in chunk and "DataError" not in types:
            types.append("DataError")
        phrases = []
        for p in re.findall(r'Contains\("((?:[^"\\]|\\.)*)"\)', chunk):
            if p not in phrases and len(phrases) < 4:
                phrases.append(p.replace("|", "\\|"))
        rows.append((module, name, ", ".join(types) or "(text only)", " · ".join("`%s`" % p for p in phrases),
                     "provided" if "[provided]" in tags else "graded",
                     os.path.relpath(path, ROOT)))
print("| # | module | bad input (the test case) | error type | the message contains | test |")
print("|---|---|---|---|---|---|")
for i, (module, name, types, phrases, kind, path) in enumerate(rows, 1):
    print("| %d | %s | %s | %s | %s | `%s` (%s) |" % (i, module, name, types, phrases, os.path.basename(path), kind))
