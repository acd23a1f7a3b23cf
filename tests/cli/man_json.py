#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The JSON examples of man pages, as groff renders them, must parse:
#   man_json.py PAGE...
# An example is an .EX/.EE (or .nf/.fi) block that starts with { or [, or
# a macro line (.B, .BR, ...) whose argument holds a JSON object or array
# ({" or {\(dq): in a macro a plain " is the argument's quote and is lost,
# so those must write \(dq.  Each is marked in a copy of the page, the copy
# rendered with lines long enough never to break, and what groff printed
# between the marks is parsed.  Prints one line per problem; exit 1 if any.
import json, re, subprocess, sys

BEGIN, END = "@@JSON-BEGIN@@", "@@JSON-END@@"


def mark(src):
    out, n, lines, i = [], 0, src.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if re.match(r"^\.(EX|nf)\b", line):
            j = i + 1
            while j < len(lines) and not re.match(r"^\.(EE|fi)\b", lines[j]):
                j += 1
            body = [l for l in lines[i + 1:j] if l.strip()]
            if body and body[0].lstrip()[:1] in "{[" and not body[0].lstrip().startswith("[ "):
                out += [".br", BEGIN, ".br"] + lines[i:j + 1] + [".br", END, ".br"]
                n += 1
            else:
                out += lines[i:j + 1]
            i = j + 1
            continue
        if re.match(r"^\.[A-Z]{1,2}\s", line) and re.search(r"\{\s*(\"|\\\(dq)|\[\s*(\{|\\\(dq)", line):
            out += [".br", BEGIN, ".br", line, ".br", END, ".br"]
            n += 1
        else:
            out.append(line)
        i += 1
    return "\n".join(out), n


def main():
    bad = total = 0
    for page in sys.argv[1:]:
        raw = open(page, "rb").read()
        if b"\f" in raw:
            print("%s: a form-feed byte at line %d" % (page, raw[:raw.index(b"\f")].count(b"\n") + 1))
            bad += 1
        src, n = mark(raw.decode("utf-8"))
        total += n
        r = subprocess.run(["groff", "-man", "-Tutf8", "-rLL=2000n", "-rHY=0", "-P-cbou", "-ww"],
                           input=src.encode(), capture_output=True)
        text = r.stdout.decode("utf-8", "replace")
        for k, m in enumerate(re.finditer(re.escape(BEGIN) + r"(.*?)" + re.escape(END), text, re.S)):
            chunk = m.group(1)
            start = min([p for p in (chunk.find("{"), chunk.find("[")) if p >= 0] or [0])
            end = max(chunk.rfind("}"), chunk.rfind("]"))
            example = chunk[start:end + 1]
            try:
                json.loads(example)
            except ValueError as e:
                print("%s: example %d is not JSON as rendered (%s): %s" %
                      (page, k + 1, e, " ".join(example.split())[:200]))
                bad += 1
    print("# %d JSON examples checked" % total)
    sys.exit(1 if bad else 0)


main()
