#!/usr/bin/env python3
"""Compare `moat scan --format json` with checkov on the checks the two share.

    compare.py --moat-json MOAT.json --checkov-json CHECKOV.json [more of either]
               [--labels LABELS.tsv --labels-prefix tests/cloudformation/ --labels-dir DIR]
               [--manifest MANIFEST.json] [--name NAME] [--out DIR]

Inputs:
- Moat: the document of `moat scan PATH... --format json` ({"scan": {"files":
  [...], "results": [...]}}), or the merged one scan_batches.py writes
  ({"files", "results", "aborts"} at the top).
- checkov: its `-o json` report for the cloudformation framework (a dict, or a
  list of per-framework dicts), or scan_batches.py's merged one (with "aborts").
  Run checkov WITHOUT --quiet: with it, the JSON report has no passed checks.
- Labels (optional): checkov's s3_labels_cloudformation.tsv (framework, check_id,
  file, resource, expected PASSED|FAILED, source); a file path that starts with
  --labels-prefix is read below --labels-dir instead.
- Manifest (optional): {path: {"display": str} or str}, names to print for paths
  (the temporary files extracted from guard tests).

Results are matched by (file, logical id, check). File paths are made absolute
(Moat's relative "file" values against --moat-cwd, default the current directory).

Output (stdout, and NAME-*.{md,tsv,json} in --out when given): a confusion table
per overlapping checkov check, the agreement of each tool with the labels, and
every disagreement. Exit 0 unless the inputs cannot be read (2). Stdlib only.
"""
import argparse
import csv
import json
import os
import re
import sys
from collections import Counter, OrderedDict, defaultdict

# checkov id -> (Moat id, note). Moat ids are fixed (docs/checks.md lists them).
CHECK_MAP = OrderedDict([
    ("CKV_AWS_18", ("CHK-S3-001", "")),
    ("CKV_AWS_19", ("CHK-S3-002", "different question: checkov asks for any SSE, Moat for SSE-KMS with a customer managed key")),
    ("CKV_AWS_20", ("CHK-S3-003", "")),
    ("CKV_AWS_57", ("CHK-S3-004", "")),
    ("CKV_AWS_21", ("CHK-S3-005", "")),
    ("CKV_AWS_53", ("CHK-S3-006", "BlockPublicAcls named in Moat's message")),
    ("CKV_AWS_54", ("CHK-S3-006", "BlockPublicPolicy named in Moat's message")),
    ("CKV_AWS_55", ("CHK-S3-006", "IgnorePublicAcls named in Moat's message")),
    ("CKV_AWS_56", ("CHK-S3-006", "RestrictPublicBuckets named in Moat's message")),
    ("CKV_AWS_36", ("CHK-S3-038", "")),
    ("CKV_AWS_35", ("CHK-S3-039", "")),
    ("CKV_AWS_67", ("CHK-S3-040", "")),
    ("CKV_AWS_7", ("CHK-S3-041", "")),
    ("CKV_AWS_33", ("CHK-S3-042", "")),
    ("CKV_AWS_62", ("CHK-S3-043", "")),
    ("CKV_AWS_63", ("CHK-S3-043", "")),
])
DIFFERENT_QUESTION = {"CKV_AWS_19"}

# CHK-S3-006 carries the four Block Public Access settings in one result; its
# message names each setting that is off by its exact name.
BPA_SETTING = {"CKV_AWS_53": "BlockPublicAcls", "CKV_AWS_54": "BlockPublicPolicy",
               "CKV_AWS_55": "IgnorePublicAcls", "CKV_AWS_56": "RestrictPublicBuckets"}

# Moat verdict -> comparison class. "partial" is a finding (counted as fail, and
# counted again in its own column).
MOAT_CLASS = {"fail": "fail", "partial": "fail", "pass": "pass", "unknown": "unknown",
              "not_applicable": "n/a"}

COLUMNS = ["both fail", "both pass", "moat only", "checkov only", "moat unknown",
           "moat n/a", "moat missing", "checkov missing"]
AGREE = {"both fail", "both pass"}


def norm_path(p, base=None):
    if not os.path.isabs(p):
        p = os.path.join(base or os.getcwd(), p)
    return os.path.normpath(p)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------- checkov

def read_checkov(docs):
    """{(file, logical_id, check_id): {"verdict", "resource_type", "line"}}, aborts, parsing errors."""
    recs = {}
    aborts = []
    parsing_errors = []
    dups = 0
    for doc in docs:
        parts = doc if isinstance(doc, list) else [doc]
        for d in parts:
            if not isinstance(d, dict):
                continue
            aborts.extend(d.get("aborts") or [])
            if d.get("check_type", "cloudformation") != "cloudformation":
                continue
            res = d.get("results") or {}
            parsing_errors.extend(norm_path(p) for p in res.get("parsing_errors") or [])
            for bucket, verdict in (("passed_checks", "pass"), ("failed_checks", "fail"),
                                    ("skipped_checks", "skipped")):
                for r in res.get(bucket) or []:
                    cid = r.get("check_id")
                    rtype, _, lid = (r.get("resource") or "").partition(".")
                    f = r.get("file_abs_path") or r.get("file_path") or ""
                    key = (norm_path(f), lid, cid)
                    if key in recs:
                        dups += 1
                        continue
                    lines = r.get("file_line_range") or [None]
                    recs[key] = {"verdict": verdict, "resource_type": rtype, "line": lines[0]}
    return recs, aborts, parsing_errors, dups


# ---------------------------------------------------------------- moat

def read_moat(docs, cwd=None):
    recs = {}
    files = {}
    aborts = []
    dups = 0
    for d in docs:
        aborts.extend(d.get("aborts") or [])
        # a scan's assessment holds its results under "scan"
        d = d.get("scan") or d
        for f in d.get("files") or []:
            files[norm_path(f["path"], cwd)] = f
        for r in d.get("results") or []:
            key = (norm_path(r["file"], cwd), r["resource"], r["check"])
            if key in recs:
                dups += 1
                continue
            recs[key] = r
    return recs, files, aborts, dups


def moat_verdict_for(ckv, moat_rec):
    """Moat's answer to checkov's question `ckv`, from Moat's result for the mapped check."""
    v = moat_rec["verdict"]
    if ckv in BPA_SETTING and v in ("fail", "partial"):
        named = re.search(r"\b%s\b" % BPA_SETTING[ckv], moat_rec.get("message") or "")
        return v if named else "pass"
    return v


# ---------------------------------------------------------------- comparison

def classify(moat_v, ck_v):
    """Confusion class of one (moat, checkov) pair; moat_v/ck_v None when absent."""
    if ck_v is None:
        return "checkov missing"
    if moat_v is None:
        return "moat missing"
    m = MOAT_CLASS.get(moat_v, "unknown")
    if m == "unknown":
        return "moat unknown"
    if m == "n/a":
        return "moat n/a"
    if m == "fail":
        return "both fail" if ck_v == "fail" else "moat only"
    return "checkov only" if ck_v == "fail" else "both pass"


class Comparison:
    def __init__(self, moat_docs, checkov_docs, moat_cwd=None, manifest=None, display_root=None):
        self.ck, self.ck_aborts, self.ck_parse_errors, self.ck_dups = read_checkov(checkov_docs)
        self.moat, self.moat_files, self.moat_aborts, self.moat_dups = read_moat(moat_docs, moat_cwd)
        self.manifest = {}
        for k, v in (manifest or {}).items():
            self.manifest[norm_path(k)] = v["display"] if isinstance(v, dict) else v
        self.display_root = norm_path(display_root) if display_root else None
        self.ck_abort_files = {norm_path(a["file"]) for a in self.ck_aborts}
        self.moat_abort_files = {norm_path(a["file"]) for a in self.moat_aborts}
        self.pairs = self._pairs()

    def display(self, path):
        if path in self.manifest:
            return self.manifest[path]
        if self.display_root and path.startswith(self.display_root + os.sep):
            return os.path.relpath(path, self.display_root)
        return path

    def _moat_missing_reason(self, f):
        if f in self.moat_abort_files:
            return "moat aborted on the file"
        info = self.moat_files.get(f)
        if info is None:
            return "file not in moat's files list"
        if info.get("status") != "scanned":
            return f"moat {info.get('status')}: {info.get('reason', '')}".strip()
        return "no result for this resource"

    def _ck_missing_reason(self, f):
        if f in self.ck_abort_files:
            return "checkov aborted on the file"
        if f in self.ck_parse_errors:
            return "checkov parsing error"
        return "no checkov result for this resource"

    def _pairs(self):
        pairs = []
        seen = set()
        for (f, lid, cid), c in self.ck.items():
            if cid not in CHECK_MAP or c["verdict"] == "skipped":
                continue
            chk = CHECK_MAP[cid][0]
            m = self.moat.get((f, lid, chk))
            mv = moat_verdict_for(cid, m) if m else None
            pairs.append(self._pair(f, lid, cid, chk, m, mv, c))
            seen.add((f, lid, cid))
        # Moat results with no checkov counterpart (n/a on both sides is no pair)
        by_chk = defaultdict(list)
        for cid, (chk, _note) in CHECK_MAP.items():
            by_chk[chk].append(cid)
        for (f, lid, chk), m in self.moat.items():
            for cid in by_chk.get(chk, []):
                if (f, lid, cid) in seen or m["verdict"] == "not_applicable":
                    continue
                c = self.ck.get((f, lid, cid))
                if c is not None and c["verdict"] == "skipped":
                    continue
                pairs.append(self._pair(f, lid, cid, chk, m, moat_verdict_for(cid, m), None))
        pairs.sort(key=lambda p: (p["file"], p["resource"], p["checkov_check"]))
        return pairs

    def _pair(self, f, lid, cid, chk, m, mv, c):
        kind = classify(mv, c["verdict"] if c else None)
        p = {"file": f, "display": self.display(f), "resource": lid,
             "resource_type": (m or {}).get("resource_type") or (c or {}).get("resource_type", ""),
             "checkov_check": cid, "moat_check": chk,
             "moat_verdict": mv if m else "missing", "moat_raw_verdict": m["verdict"] if m else None,
             "checkov_verdict": c["verdict"] if c else "missing", "kind": kind,
             "moat_message": (m or {}).get("message", ""), "moat_line": (m or {}).get("line"),
             "different_question": cid in DIFFERENT_QUESTION}
        if kind == "moat missing":
            p["why"] = self._moat_missing_reason(f)
        elif kind == "checkov missing":
            p["why"] = self._ck_missing_reason(f)
        return p

    # ------------------------------------------------------------ tables

    def confusion(self):
        rows = OrderedDict((cid, Counter()) for cid in CHECK_MAP)
        for p in self.pairs:
            rows[p["checkov_check"]][p["kind"]] += 1
            if p["moat_raw_verdict"] == "partial" and p["kind"] in ("both fail", "moat only"):
                rows[p["checkov_check"]]["partial"] += 1
        return rows

    def disagreements(self):
        return [p for p in self.pairs if p["kind"] not in AGREE]

    def labels(self, rows):
        """rows: dicts with check_id, path (absolute), resource (Type.Name), expected."""
        out = []
        for r in rows:
            if r["check_id"] not in CHECK_MAP:
                continue
            rtype, _, lid = r["resource"].partition(".")
            f = r["path"]
            cid = r["check_id"]
            chk = CHECK_MAP[cid][0]
            c = self.ck.get((f, lid, cid))
            m = self.moat.get((f, lid, chk))
            exp = {"PASSED": "pass", "FAILED": "fail"}[r["expected"]]
            ck_v = c["verdict"] if c else "missing"
            mv = moat_verdict_for(cid, m) if m else "missing"
            mclass = MOAT_CLASS.get(mv, mv)
            out.append({"checkov_check": cid, "moat_check": chk, "file": f, "display": self.display(f),
                        "resource": lid, "resource_type": rtype, "expected": exp,
                        "checkov_verdict": ck_v, "checkov_agrees": ck_v == exp,
                        "moat_verdict": mv, "moat_agrees": mclass == exp,
                        "moat_message": (m or {}).get("message", ""),
                        "source": r.get("source", "")})
        return out


def read_labels(path, prefix, labels_dir):
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r.get("framework", "cloudformation") != "cloudformation":
                continue
            p = r["file"]
            if prefix and labels_dir and p.startswith(prefix):
                p = os.path.join(labels_dir, p[len(prefix):])
            r["path"] = norm_path(p)
            rows.append(r)
    return rows


# ---------------------------------------------------------------- rendering

def pct(n, d):
    return f"{100.0 * n / d:.1f}%" if d else "-"


def render_confusion(comp):
    rows = comp.confusion()
    head = ["checkov", "moat", "pairs"] + COLUMNS + ["partial (as fail)", "agree", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    tot = Counter()
    for cid, cnt in rows.items():
        chk, note = CHECK_MAP[cid]
        n = sum(cnt[c] for c in COLUMNS)
        compared = n - cnt["checkov missing"]
        agree = cnt["both fail"] + cnt["both pass"]
        lines.append("| " + " | ".join([cid, chk, str(n)] + [str(cnt[c]) for c in COLUMNS]
                                       + [str(cnt["partial"]), pct(agree, compared), note]) + " |")
        if cid not in DIFFERENT_QUESTION:
            tot.update(cnt)
    n = sum(tot[c] for c in COLUMNS)
    compared = n - tot["checkov missing"]
    agree = tot["both fail"] + tot["both pass"]
    lines.append("| " + " | ".join(["**all but CKV_AWS_19**", "", str(n)] + [str(tot[c]) for c in COLUMNS]
                                   + [str(tot["partial"]), pct(agree, compared), ""]) + " |")
    lines.append("")
    lines.append("agree = (both fail + both pass) / pairs where checkov has a verdict. "
                 "moat only: Moat fails, checkov passes; checkov only: the reverse. "
                 "Moat's `partial` counts as fail.")
    return "\n".join(lines)


def render_labels(label_rows):
    by = OrderedDict()
    for r in label_rows:
        c = by.setdefault(r["checkov_check"], Counter())
        c["rows"] += 1
        c["checkov"] += r["checkov_agrees"]
        c["moat"] += r["moat_agrees"]
        c["moat unknown"] += r["moat_verdict"] == "unknown"
        c["moat missing"] += r["moat_verdict"] == "missing"
        c["checkov missing"] += r["checkov_verdict"] == "missing"
    head = ["checkov", "moat", "labels", "checkov agrees", "moat agrees", "moat unknown",
            "moat missing", "checkov missing", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    tot = Counter()
    for cid, c in by.items():
        lines.append("| " + " | ".join([cid, CHECK_MAP[cid][0], str(c["rows"]),
                                        f'{c["checkov"]} ({pct(c["checkov"], c["rows"])})',
                                        f'{c["moat"]} ({pct(c["moat"], c["rows"])})',
                                        str(c["moat unknown"]), str(c["moat missing"]),
                                        str(c["checkov missing"]), CHECK_MAP[cid][1]]) + " |")
        tot.update(c)
    lines.append("| " + " | ".join(["**all**", "", str(tot["rows"]),
                                    f'{tot["checkov"]} ({pct(tot["checkov"], tot["rows"])})',
                                    f'{tot["moat"]} ({pct(tot["moat"], tot["rows"])})',
                                    str(tot["moat unknown"]), str(tot["moat missing"]),
                                    str(tot["checkov missing"]), ""]) + " |")
    return "\n".join(lines)


def one_line(s, limit=200):
    s = " ".join(str(s).split())
    return s if len(s) <= limit else s[:limit - 3] + "..."


def capped(items, limit=30):
    items = list(items)
    return items[:limit], len(items) - limit if len(items) > limit else 0


def render_files(comp, input_files):
    st = Counter(f.get("status", "?") for f in comp.moat_files.values())
    fmt = Counter(f.get("format", "?") for f in comp.moat_files.values() if f.get("status") == "scanned")
    ck_files = {k[0] for k in comp.ck}
    lines = []
    if input_files is not None:
        lines.append(f"- files given to both tools: {len(input_files)}")
    lines.append(f"- checkov: results in {len(ck_files)} files, {len(comp.ck)} results, "
                 f"{len(set(comp.ck_parse_errors))} parsing errors, {len(comp.ck_aborts)} aborts")
    detail = ", ".join(f"{k} {v}" for k, v in sorted(st.items()))
    if fmt:
        detail += "; scanned formats: " + ", ".join(f"{k} {v}" for k, v in sorted(fmt.items()))
    lines.append(f"- moat: {len(comp.moat_files)} files listed" + (f" ({detail})" if detail else "")
                 + f", {len(comp.moat)} results, {len(comp.moat_aborts)} aborts")
    notes = [f"checkov abort: {comp.display(norm_path(a['file']))}: {one_line(a.get('message', ''))}"
             for a in comp.ck_aborts]
    notes += [f"moat abort: {comp.display(norm_path(a['file']))}: {one_line(a.get('message', ''))}"
              for a in comp.moat_aborts]
    notes += [f"checkov parsing error: {comp.display(p)}" for p in sorted(set(comp.ck_parse_errors))]
    notes += [f"moat error: {comp.display(p)}: {one_line(f.get('reason', ''))}"
              for p, f in sorted(comp.moat_files.items()) if f.get("status") == "error"]
    shown, more = capped(notes)
    lines += [f"  - {n}" for n in shown]
    if more:
        lines.append(f"  - ... {more} more (summary.json, moat.json, checkov.json)")
    return "\n".join(lines)


DIS_FIELDS = ["display", "resource", "resource_type", "checkov_check", "moat_check", "kind",
              "moat_verdict", "checkov_verdict", "different_question", "why", "moat_message"]


def write_tsv(path, rows, fields):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(fields)
        for r in rows:
            w.writerow([str(r.get(k, "")).replace("\t", " ").replace("\n", " ") for k in fields])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moat-json", action="append", required=True)
    ap.add_argument("--checkov-json", action="append", required=True)
    ap.add_argument("--moat-cwd", help="directory Moat's relative file paths are relative to")
    ap.add_argument("--labels")
    ap.add_argument("--labels-prefix", default="tests/cloudformation/")
    ap.add_argument("--labels-dir")
    ap.add_argument("--manifest", action="append", default=[])
    ap.add_argument("--display-root", help="print paths below DIR relative to it")
    ap.add_argument("--files-from", action="append", default=[], help="the files given to both tools")
    ap.add_argument("--name", default="compare")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    try:
        moat_docs = [load_json(p) for p in a.moat_json]
        ck_docs = [load_json(p) for p in a.checkov_json]
        manifest = {}
        for m in a.manifest:
            manifest.update(load_json(m))
        input_files = None
        if a.files_from:
            input_files = []
            for p in a.files_from:
                with open(p) as f:
                    input_files += [l.strip() for l in f if l.strip()]
        label_rows = read_labels(a.labels, a.labels_prefix, a.labels_dir) if a.labels else None
    except (OSError, ValueError, KeyError) as e:
        print(f"compare.py: cannot read the inputs: {e}", file=sys.stderr)
        return 2

    comp = Comparison(moat_docs, ck_docs, a.moat_cwd, manifest, a.display_root)
    dis = comp.disagreements()
    parts = [f"## {a.name}: moat vs checkov", "", render_files(comp, input_files), "",
             "### Confusion per overlapping check", "", render_confusion(comp), ""]
    labelled = None
    if label_rows is not None:
        labelled = comp.labels(label_rows)
        parts += ["### Agreement with the labels (" + os.path.basename(a.labels) + ")", "",
                  render_labels(labelled), ""]
    kinds = Counter(p["kind"] for p in dis)
    parts += [f"### Disagreements: {len(dis)}" + (" (" + ", ".join(f"{k} {v}" for k, v in kinds.most_common()) + ")" if dis else ""), ""]
    shown = dis if a.out is None else dis[:40]
    for p in shown:
        parts.append(f"- {p['display']} {p['resource']} {p['checkov_check']}/{p['moat_check']}: "
                     f"moat {p['moat_verdict']}, checkov {p['checkov_verdict']} ({p['kind']}"
                     + (f"; {p['why']}" if p.get("why") else "") + ")"
                     + (" [different question]" if p["different_question"] else ""))
    if len(shown) < len(dis):
        parts.append(f"- ... {len(dis) - len(shown)} more in {a.out}/{a.name}-disagreements.tsv")
    text = "\n".join(parts) + "\n"
    print(text)

    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, f"{a.name}-report.md"), "w") as f:
            f.write(text)
        write_tsv(os.path.join(a.out, f"{a.name}-disagreements.tsv"), dis, DIS_FIELDS + ["file"])
        with open(os.path.join(a.out, f"{a.name}-disagreements.json"), "w") as f:
            json.dump(dis, f, indent=1)
        write_tsv(os.path.join(a.out, f"{a.name}-pairs.tsv"), comp.pairs, DIS_FIELDS + ["file"])
        summary = {"name": a.name,
                   "confusion": {k: dict(v) for k, v in comp.confusion().items()},
                   "disagreements": len(dis), "pairs": len(comp.pairs),
                   "checkov_aborts": comp.ck_aborts, "moat_aborts": comp.moat_aborts,
                   "checkov_parsing_errors": sorted(set(comp.ck_parse_errors)),
                   "moat_files": dict(Counter(f.get("status", "?") for f in comp.moat_files.values())),
                   "moat_file_errors": {p: f.get("reason", "") for p, f in sorted(comp.moat_files.items())
                                        if f.get("status") == "error"}}
        if labelled is not None:
            summary["labels"] = {"rows": len(labelled),
                                 "checkov_agrees": sum(r["checkov_agrees"] for r in labelled),
                                 "moat_agrees": sum(r["moat_agrees"] for r in labelled)}
            write_tsv(os.path.join(a.out, f"{a.name}-labels.tsv"), labelled,
                      ["display", "resource", "resource_type", "checkov_check", "moat_check", "expected",
                       "checkov_verdict", "moat_verdict", "checkov_agrees", "moat_agrees", "moat_message", "file"])
        with open(os.path.join(a.out, f"{a.name}-summary.json"), "w") as f:
            json.dump(summary, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
