#!/usr/bin/env python3
"""Run checkov or `moat scan` on a list of files, surviving files that abort the run.

checkov 3.3.30 stops with a traceback and no JSON at all when one template in the
run trips it (an unknown tag such as `!Rain::Module` does: "TypeError: unhashable
type: 'dict'"), and then none of the other files get results. So the files are
scanned together first and, when a run gives no usable JSON, the batch is split
in halves until the failing files stand alone; each of those is recorded as an
abort with the tool's last error line. The results of all good batches are merged
into one document of the tool's own shape, which compare.py reads:

- checkov: {"check_type": "cloudformation", "results": {"passed_checks": [...],
  "failed_checks": [...], "skipped_checks": [...], "parsing_errors": [...]},
  "summary": {...}, "aborts": [...], "runs": [...]}
- moat: {"files": [...], "results": [...], "aborts": [...], "runs": [...]}

Usage:
  scan_batches.py checkov --checkov BIN --files-from LIST -o OUT.json
  scan_batches.py moat --moat BIN --files-from LIST -o OUT.json

Stdlib only. Paths are passed to the tools as they appear in LIST (run.sh writes
absolute paths).
"""
import argparse
import json
import os
import subprocess
import sys
import time

CHECKOV_BUCKETS = ("passed_checks", "failed_checks", "skipped_checks")


def checkov_cmd(binary, files):
    # No --quiet: in JSON output it drops passed_checks, which the comparison needs.
    # --skip-download: no request to the vendor's API for guidelines (this machine
    # has no route to it; with one it would only add latency and BC_* ids).
    return [binary, "-f", *files, "-o", "json", "--framework", "cloudformation",
            "--compact", "--skip-download", "--soft-fail"]


def moat_cmd(binary, files):
    return [binary, "scan", *files, "--format", "json"]


def parse_checkov(rc, stdout):
    """The checkov report as a dict, or None when the run is unusable."""
    if rc != 0:  # --soft-fail: 0 whenever the scan completed
        return None
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    docs = doc if isinstance(doc, list) else [doc]
    merged = empty_checkov()
    for d in docs:
        if not isinstance(d, dict):
            return None
        if "results" not in d:
            # summary-only report: checkov found no CloudFormation resources
            continue
        if d.get("check_type", "cloudformation") != "cloudformation":
            continue
        add_checkov(merged, d)
    return merged


def empty_checkov():
    return {"check_type": "cloudformation",
            "results": {b: [] for b in CHECKOV_BUCKETS} | {"parsing_errors": []},
            "summary": {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0,
                        "resource_count": 0, "checkov_version": None}}


def add_checkov(merged, d):
    res = d.get("results") or {}
    for b in CHECKOV_BUCKETS + ("parsing_errors",):
        merged["results"][b].extend(res.get(b) or [])
    s = d.get("summary") or {}
    for k in ("passed", "failed", "skipped", "parsing_errors", "resource_count"):
        merged["summary"][k] += int(s.get(k) or 0)
    if s.get("checkov_version"):
        merged["summary"]["checkov_version"] = s["checkov_version"]


def parse_moat(rc, stdout):
    # 1: findings at or above --fail-on; 2: some file could not be read
    # completely, and Moat still reports every file (its status says which)
    if rc not in (0, 1, 2):
        return None
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    scan = doc.get("scan")
    if not isinstance(scan, dict) or not isinstance(scan.get("results"), list):
        return None
    return {"files": list(scan.get("files") or []), "results": list(scan["results"])}


def add_moat(merged, d):
    merged["files"].extend(d["files"])
    merged["results"].extend(d["results"])


def last_error_line(stderr):
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    # a Python traceback ends with "ExceptionType: message"
    return lines[-1] if lines else ""


class Scanner:
    def __init__(self, tool, binary, timeout, log):
        self.tool = tool
        self.binary = binary
        self.timeout = timeout
        self.log = log
        self.runs = []
        self.aborts = []
        if tool == "checkov":
            self.cmd, self.parse, self.add, self.merged = checkov_cmd, parse_checkov, add_checkov, empty_checkov()
        else:
            self.cmd, self.parse, self.add = moat_cmd, parse_moat, add_moat
            self.merged = {"files": [], "results": []}

    def run(self, files):
        t0 = time.monotonic()
        try:
            p = subprocess.run(self.cmd(self.binary, files), capture_output=True, text=True,
                               timeout=self.timeout)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc = "timeout"
            out = ""
            err = (e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or ""))
            err += f"\ntimeout: no answer within {self.timeout} s"
        dt = time.monotonic() - t0
        doc = self.parse(rc, out) if rc != "timeout" else None
        self.runs.append({"files": len(files), "rc": rc, "seconds": round(dt, 2), "ok": doc is not None})
        self.log(f"{self.tool}: {len(files)} file(s), rc={rc}, {dt:.1f} s{'' if doc is not None else ' -> no usable output'}")
        return doc, rc, err

    def scan(self, files):
        if not files:
            return
        doc, rc, err = self.run(files)
        if doc is not None:
            self.add(self.merged, doc)
            return
        if len(files) == 1:
            tail = [l for l in err.splitlines() if l.strip()][-20:]
            self.aborts.append({"file": files[0], "rc": rc, "message": last_error_line(err),
                                "stderr_tail": tail})
            self.log(f"{self.tool}: ABORT on {files[0]}: {last_error_line(err)}")
            return
        mid = len(files) // 2
        self.scan(files[:mid])
        self.scan(files[mid:])

    def result(self):
        out = dict(self.merged)
        out["aborts"] = self.aborts
        out["runs"] = self.runs
        return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tool", choices=("checkov", "moat"))
    ap.add_argument("--checkov", default="checkov", help="checkov executable")
    ap.add_argument("--moat", default="moat", help="moat executable")
    ap.add_argument("--files-from", required=True, help="file with one path a line")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("SCAN_TIMEOUT", 600)),
                    help="seconds per tool run (default 600, env SCAN_TIMEOUT)")
    a = ap.parse_args(argv)
    with open(a.files_from) as f:
        files = [l.rstrip("\n") for l in f if l.strip()]
    binary = a.checkov if a.tool == "checkov" else a.moat
    s = Scanner(a.tool, binary, a.timeout, lambda m: print(m, file=sys.stderr))
    s.scan(files)
    doc = s.result()
    doc["input_files"] = files
    with open(a.output, "w") as f:
        json.dump(doc, f, indent=1)
    print(f"{a.tool}: {len(files)} files, {len(s.runs)} run(s), {len(s.aborts)} abort(s) -> {a.output}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
