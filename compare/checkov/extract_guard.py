#!/usr/bin/env python3
"""Write the `input` templates of AWS Guard rule tests to files of their own.

A guard-rules-registry test file is a YAML list of cases:

    - name: S3 Bucket with Versioning ... , PASS
      input:
        Resources: ...
      expectations:
        rules:
          S3_BUCKET_VERSIONING_ENABLED: PASS

Each non-empty `input:` block is cut out as text and dedented, so short-form tags
(`!Ref`, `!Join`) and the layout stay as written (a YAML library would need a
constructor for every tag). Empty inputs (`input: {}`) are left out.

    extract_guard.py TESTS_DIR OUT_DIR [--manifest MANIFEST.json]

writes OUT_DIR/<test file stem>__<case number>.yaml, prints the paths written (one
a line), and, with --manifest, a JSON object mapping each written path to
{"display": "<TESTS_DIR's name>/<test file below it>#<case number>", "name": ...,
"expectations": {RULE: PASS|FAIL|SKIP}}. Stdlib only.
"""
import argparse
import json
import os
import re
import sys

CASE = re.compile(r"^-\s+name:\s*(.*?)\s*$")
INPUT = re.compile(r"^(\s+)input:\s*(.*?)\s*$")
EXPECT = re.compile(r"^\s+([A-Z0-9_]+):\s*(PASS|FAIL|SKIP)\s*$")


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def cases(text):
    """(name, input_text or None, expectations) for each case of a test file."""
    lines = text.splitlines()
    out = []
    i = 0
    cur = None
    while i < len(lines):
        line = lines[i]
        m = CASE.match(line)
        if m:
            cur = {"name": m.group(1).strip("'\""), "input": None, "expectations": {}}
            out.append(cur)
            i += 1
            continue
        m = INPUT.match(line)
        if m and cur is not None:
            key_indent = len(m.group(1))
            inline = m.group(2)
            if inline:
                cur["input"] = None if inline in ("{}", "null", "~") else inline + "\n"
                i += 1
                continue
            block = []
            i += 1
            while i < len(lines):
                l = lines[i]
                if l.strip() and indent_of(l) <= key_indent:
                    break
                block.append(l)
                i += 1
            while block and not block[-1].strip():
                block.pop()
            body = [l for l in block if l.strip() and not l.lstrip().startswith("#")]
            if body:
                cut = min(indent_of(l) for l in body)
                cur["input"] = "\n".join(l[cut:] if l.strip() else "" for l in block) + "\n"
            continue
        m = EXPECT.match(line)
        if m and cur is not None:
            cur["expectations"][m.group(1)] = m.group(2)
        i += 1
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tests_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--manifest")
    a = ap.parse_args(argv)
    os.makedirs(a.out_dir, exist_ok=True)
    manifest = {}
    written = []
    test_files = []
    for root, _dirs, files in os.walk(a.tests_dir):
        for fn in files:
            if fn.endswith((".yml", ".yaml")) and os.path.basename(root) == "tests":
                test_files.append(os.path.join(root, fn))
    for tf in sorted(test_files):
        with open(tf, encoding="utf-8") as f:
            text = f.read()
        rel = os.path.relpath(tf, os.path.dirname(os.path.abspath(a.tests_dir)))
        stem = os.path.splitext(os.path.basename(tf))[0]
        for n, case in enumerate(cases(text), 1):
            if not case["input"]:
                continue
            path = os.path.abspath(os.path.join(a.out_dir, f"{stem}__{n:02d}.yaml"))
            with open(path, "w", encoding="utf-8") as f:
                f.write(case["input"])
            written.append(path)
            manifest[path] = {"display": f"{rel}#{n}", "name": case["name"],
                              "expectations": case["expectations"]}
    if a.manifest:
        with open(a.manifest, "w") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
    for p in written:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
