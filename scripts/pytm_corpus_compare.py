#!/usr/bin/env python3
"""Runs pytm itself on every script of Moat's pytm corpus and counts what it
builds (boundaries, elements, flows, data), next to what Moat reads.

Run it with a Python that has pytm 1.4 installed (`.ci/run` makes one):

    bench/.venv/bin/python scripts/pytm_corpus_compare.py
    bench/.venv/bin/python scripts/pytm_corpus_compare.py --write-counts

The first prints a Markdown table (docs/pytm.md holds the last one); the
second also records pytm's counts in the corpus, where the Rust test
(`crates/moat-model/tests/pytm_corpus.rs`) checks Moat reads the same.

Each script runs in its own process, as `python script.py` would run it
(`__name__ == "__main__"`, its directory first on the import path), except
that `TM.process()` and `TM.resolve()` do nothing and no threat file is
read: only the model the script builds is counted.
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "crates", "moat-model", "tests", "pytm_corpus")
COUNTS = os.path.join(CORPUS, "pytm-counts.json")

# Runs one script under pytm and prints its counts as JSON.
RUNNER = r"""
import json, os, runpy, sys
path = os.path.abspath(sys.argv[1])
sys.path.insert(0, os.path.dirname(path))
sys.argv = [path]
from pytm import TM, Boundary, Dataflow
TM.process = lambda self: None
TM.resolve = lambda self: None
TM._add_threats = lambda self: None
error = None
try:
    runpy.run_path(path, run_name="__main__")
except BaseException as e:
    error = f"{type(e).__name__}: {e}"
state = TM._get_state()
elements = [e for e in state.elements if not isinstance(e, (Boundary, Dataflow))]
print(json.dumps({
    "boundaries": len(state.boundaries),
    "elements": len(elements),
    "flows": len(state.flows),
    "data": len(state.data),
    "error": error,
}))
"""


def entries():
    with open(os.path.join(CORPUS, "entries.txt"), encoding="utf8") as manifest:
        for line in manifest:
            line = line.split("#", 1)[0].strip()
            if line:
                yield line


def pytm_counts(entry):
    path = os.path.join(CORPUS, entry)
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, path],
        cwd=os.path.dirname(path),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if not lines:
        return {"error": result.stderr.strip().splitlines()[-1:] or ["no output"]}
    return json.loads(lines[-1])


def moat_binary(given):
    """The moat binary given, or the one built last (release or debug)."""
    if given:
        return given
    built = [
        os.path.join(ROOT, "target", profile, "moat")
        for profile in ("release", "debug")
    ]
    built = [path for path in built if os.path.exists(path)]
    return max(built, key=os.path.getmtime, default=None)


def moat_counts(moat, entry):
    path = os.path.join(CORPUS, entry)
    result = subprocess.run(
        [moat, "convert", path, "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:]}
    model = json.loads(result.stdout)
    return {
        "boundaries": len(model.get("boundaries", [])),
        "elements": len(model.get("elements", [])),
        "flows": len(model.get("flows", [])),
        "data": len(model.get("data", [])),
        "incomplete": len(model.get("incomplete", [])),
        "decisions": len(model.get("decisions", [])),
    }


def cell(counts, key):
    value = counts.get(key)
    return "error" if value is None else str(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moat", help="the moat binary (default: the newest of target/release and target/debug)")
    parser.add_argument("--write-counts", action="store_true", help=f"record pytm's counts in {COUNTS}")
    args = parser.parse_args()

    moat = moat_binary(args.moat)
    recorded = {}
    rows = []
    for entry in entries():
        theirs = pytm_counts(entry)
        recorded[entry] = {k: theirs.get(k) for k in ("boundaries", "elements", "flows", "data")}
        if theirs.get("error"):
            recorded[entry]["error"] = theirs["error"]
        ours = moat_counts(moat, entry) if moat else {}
        rows.append((entry, theirs, ours))

    print("| script | pytm B/E/F/D | Moat B/E/F/D | same | Moat incomplete | Moat decisions |")
    print("|---|---|---|---|---|---|")
    same_count = 0
    for entry, theirs, ours in rows:
        keys = ("boundaries", "elements", "flows", "data")
        pytm_cells = "/".join(cell(theirs, k) for k in keys)
        moat_cells = "/".join(cell(ours, k) for k in keys) if ours else "-"
        same = ours and all(theirs.get(k) == ours.get(k) for k in keys)
        same_count += bool(same)
        note = f" ({theirs['error']})" if theirs.get("error") else ""
        print(
            f"| `{entry}`{note} | {pytm_cells} | {moat_cells} | {'yes' if same else 'no'} "
            f"| {ours.get('incomplete', '-')} | {ours.get('decisions', '-')} |"
        )
    print(f"\n{same_count} of {len(rows)} scripts: Moat reads what pytm builds.")

    if args.write_counts:
        with open(COUNTS, "w", encoding="utf8") as out:
            json.dump(recorded, out, indent=2, sort_keys=True)
            out.write("\n")
        print(f"wrote {os.path.relpath(COUNTS, ROOT)}")


if __name__ == "__main__":
    main()
