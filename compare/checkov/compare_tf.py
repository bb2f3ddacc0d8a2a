#!/usr/bin/env python3
"""Compare `moat scan DIR --format json` with `checkov -d DIR --framework terraform -o json`.

    compare_tf.py --run NAME DIR MOAT.json CHECKOV.json [--run ...]
                  [--labels LABELS.tsv] [--truth TRUTH.tsv] [--name NAME] [--out DIR]

Each --run is one root module (or fixture directory) scanned by both tools.
Results are matched by (run, Terraform address, checkov check): Moat names a
resource by its address (`module.a.aws_s3_bucket.this[0]`), checkov the same
way, though it drops `[0]` on some counted module resources, so a trailing
`[0]` is ignored on both sides.

checkov checks some settings on the split resource (CKV_AWS_53..56 on
aws_s3_bucket_public_access_block, CKV_AWS_300 on
aws_s3_bucket_lifecycle_configuration, CKV_AWS_40 on
aws_iam_user_policy_attachment...), Moat on the bucket or user it configures;
such a checkov result is moved to the resource its block references
(`bucket = aws_s3_bucket.x.id`), read from the lines checkov reports.

Labels (tf_fixtures.py: framework, check_id, dir, resource, expected) and
truth (same columns, `#` comment lines allowed: the verdicts decided by reading
a configuration; NONE for a resource that is never created, where the right
answer is no result) score each tool against the expected verdict. Stdlib only.
"""
import argparse
import csv
import json
import os
import re
import sys
from collections import Counter, OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import BPA_SETTING, COLUMNS, MOAT_CLASS, classify, pct, write_tsv  # noqa: E402

# checkov id -> (Moat id, note)
TF_CHECK_MAP = OrderedDict([
    ("CKV_AWS_18", ("CHK-S3-001", "")),
    ("CKV_AWS_19", ("CHK-S3-002", "different question: any SSE (every bucket has SSE-S3) vs SSE-KMS with a customer managed key")),
    ("CKV_AWS_145", ("CHK-S3-002", "SSE-KMS by default; Moat also asks for a customer managed key")),
    ("CKV_AWS_20", ("CHK-S3-003", "")),
    ("CKV_AWS_57", ("CHK-S3-004", "")),
    ("CKV_AWS_21", ("CHK-S3-005", "")),
    ("CKV2_AWS_6", ("CHK-S3-006", "bucket has a public access block")),
    ("CKV_AWS_53", ("CHK-S3-006", "BlockPublicAcls named in Moat's message")),
    ("CKV_AWS_54", ("CHK-S3-006", "BlockPublicPolicy named in Moat's message")),
    ("CKV_AWS_55", ("CHK-S3-006", "IgnorePublicAcls named in Moat's message")),
    ("CKV_AWS_56", ("CHK-S3-006", "RestrictPublicBuckets named in Moat's message")),
    ("CKV2_AWS_65", ("CHK-S3-008", "")),
    ("CKV2_AWS_61", ("CHK-S3-009", "")),
    ("CKV_AWS_300", ("CHK-S3-011", "")),
    ("CKV2_AWS_62", ("CHK-S3-012", "")),
    ("CKV_AWS_144", ("CHK-S3-013", "")),
    ("CKV_AWS_143", ("CHK-S3-014", "")),
    ("CKV_AWS_36", ("CHK-S3-038", "")),
    ("CKV_AWS_35", ("CHK-S3-039", "")),
    ("CKV_AWS_67", ("CHK-S3-040", "")),
    ("CKV_AWS_7", ("CHK-S3-041", "")),
    ("CKV_AWS_33", ("CHK-S3-042", "")),
    ("CKV_AWS_62", ("CHK-S3-043", "")),
    ("CKV_AWS_63", ("CHK-S3-043", "")),
    ("CKV_AWS_40", ("CHK-S3-048", "")),
])
DIFFERENT_QUESTION = {"CKV_AWS_19"}

# resource types checkov reports on that Moat folds into another resource:
# checkov type -> the type of the resource its block references
OWNER = {
    "aws_s3_bucket_public_access_block": "aws_s3_bucket",
    "aws_s3_bucket_lifecycle_configuration": "aws_s3_bucket",
    "aws_s3_bucket_acl": "aws_s3_bucket",
    "aws_s3_bucket_ownership_controls": "aws_s3_bucket",
    "aws_s3_bucket_versioning": "aws_s3_bucket",
    "aws_s3_bucket_logging": "aws_s3_bucket",
    "aws_s3_bucket_server_side_encryption_configuration": "aws_s3_bucket",
    "aws_s3_bucket_policy": "aws_s3_bucket",
    "aws_kms_key_policy": "aws_kms_key",
    "aws_iam_user_policy_attachment": "aws_iam_user",
    "aws_iam_user_policy": "aws_iam_user",
    "aws_iam_policy_attachment": "aws_iam_user",
}

INDEX0 = re.compile(r"\[0\]$")


def norm_addr(a):
    return INDEX0.sub("", a)


def split_addr(a):
    """('module.x.', 'aws_s3_bucket', 'name') for `module.x.aws_s3_bucket.name`."""
    parts = a.split(".")
    i = 0
    while i + 1 < len(parts) and parts[i] == "module":
        i += 2
    prefix = ".".join(parts[:i]) + ("." if i else "")
    rtype = parts[i] if i < len(parts) else ""
    name = ".".join(parts[i + 1:])
    return prefix, rtype, name


def owner_of(address, path, lines, cache):
    """The address a split resource's block references (`bucket = aws_s3_bucket.x.id`), or None."""
    prefix, rtype, _ = split_addr(address)
    want = OWNER.get(rtype)
    if not want or not path or not lines:
        return None
    if path not in cache:
        try:
            with open(path, encoding="utf-8") as f:
                cache[path] = f.read().splitlines()
        except OSError:
            cache[path] = []
    text = "\n".join(cache[path][lines[0] - 1:lines[1]])
    m = re.search(r"\b%s\.([A-Za-z0-9_-]+)" % re.escape(want), text)
    return f"{prefix}{want}.{m.group(1)}" if m else None


def read_checkov(doc, cache, raw=None):
    """{(address, check): {"verdict", "line", "file", "moved_from"}} of one checkov report;
    `raw` (a dict) also gets every verdict under checkov's own address."""
    out = {}
    raw = {} if raw is None else raw
    parts = doc if isinstance(doc, list) else [doc]
    for d in parts:
        if not isinstance(d, dict) or d.get("check_type", "terraform") != "terraform":
            continue
        res = d.get("results") or {}
        for bucket, verdict in (("passed_checks", "pass"), ("failed_checks", "fail"), ("skipped_checks", "skipped")):
            for r in res.get(bucket) or []:
                cid = r.get("check_id")
                if cid not in TF_CHECK_MAP:
                    continue
                addr = r.get("resource") or ""
                rec = {"verdict": verdict, "file": r.get("file_abs_path") or "", "line": (r.get("file_line_range") or [None])[0],
                       "moved_from": ""}
                raw[(norm_addr(addr), cid)] = verdict
                own = owner_of(addr, rec["file"], r.get("file_line_range"), cache)
                if own:
                    rec["moved_from"] = addr
                    addr = own
                key = (norm_addr(addr), cid)
                prev = out.get(key)
                # several split resources on one bucket: a failure wins
                if prev is None or (prev["verdict"] != "fail" and verdict == "fail"):
                    out[key] = rec
    return out


def read_moat(doc):
    out = {}
    d = doc.get("scan") or doc
    for r in d.get("results") or []:
        out.setdefault((norm_addr(r["resource"]), r["check"]), r)
    return out


def moat_verdict_for(ckv, m):
    v = m["verdict"]
    if ckv in BPA_SETTING and v in ("fail", "partial"):
        named = re.search(r"\b%s\b" % BPA_SETTING[ckv], m.get("message") or "")
        return v if named else "pass"
    return v


def pairs_of(run, moat_doc, ck_doc, cache, raw=None):
    ck = read_checkov(ck_doc, cache, raw)
    moat = read_moat(moat_doc)
    pairs, seen = [], set()
    for (addr, cid), c in sorted(ck.items()):
        if c["verdict"] == "skipped":
            continue
        m = moat.get((addr, TF_CHECK_MAP[cid][0]))
        mv = moat_verdict_for(cid, m) if m else None
        pairs.append(pair(run, addr, cid, m, mv, c))
        seen.add((addr, cid))
    for (addr, chk), m in sorted(moat.items()):
        for cid, (mchk, _n) in TF_CHECK_MAP.items():
            if mchk != chk or (addr, cid) in seen or m["verdict"] == "not_applicable":
                continue
            # a checkov check that only looks at split resources has no row for a
            # bucket without one: no pair
            if cid in ("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV_AWS_300", "CKV_AWS_40"):
                continue
            if split_addr(addr)[1] not in ("aws_s3_bucket", "aws_kms_key", "aws_cloudtrail", "aws_iam_policy",
                                           "aws_iam_role", "aws_iam_role_policy", "aws_iam_user_policy",
                                           "aws_iam_group_policy", "aws_iam_user"):
                continue
            pairs.append(pair(run, addr, cid, m, moat_verdict_for(cid, m), None))
    return pairs


def pair(run, addr, cid, m, mv, c):
    kind = classify(mv, c["verdict"] if c else None)
    return {"run": run, "resource": addr, "checkov_check": cid, "moat_check": TF_CHECK_MAP[cid][0],
            "moat_verdict": mv if m else "missing", "moat_raw_verdict": m["verdict"] if m else None,
            "checkov_verdict": c["verdict"] if c else "missing", "kind": kind,
            "checkov_resource": (c or {}).get("moved_from") or addr,
            "moat_message": (m or {}).get("message", ""), "moat_file": (m or {}).get("file", ""),
            "moat_line": (m or {}).get("line"), "different_question": cid in DIFFERENT_QUESTION}


def confusion(pairs):
    rows = OrderedDict((cid, Counter()) for cid in TF_CHECK_MAP)
    for p in pairs:
        rows[p["checkov_check"]][p["kind"]] += 1
    return rows


def render_confusion(pairs):
    rows = confusion(pairs)
    head = ["checkov", "moat", "pairs"] + COLUMNS + ["agree", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    tot = Counter()
    for cid, cnt in rows.items():
        n = sum(cnt[c] for c in COLUMNS)
        if not n:
            continue
        chk, note = TF_CHECK_MAP[cid]
        compared = n - cnt["checkov missing"]
        agree = cnt["both fail"] + cnt["both pass"]
        lines.append("| " + " | ".join([cid, chk, str(n)] + [str(cnt[c]) for c in COLUMNS]
                                       + [pct(agree, compared), note]) + " |")
        if cid not in DIFFERENT_QUESTION:
            tot.update(cnt)
    n = sum(tot[c] for c in COLUMNS)
    compared = n - tot["checkov missing"]
    agree = tot["both fail"] + tot["both pass"]
    lines.append("| " + " | ".join(["**all but CKV_AWS_19**", "", str(n)] + [str(tot[c]) for c in COLUMNS]
                                   + [pct(agree, compared), ""]) + " |")
    return "\n".join(lines)


def read_expected(path):
    """{(dir, address, check): 'pass'|'fail'} from a labels or truth TSV."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    for r in csv.DictReader(lines, delimiter="\t"):
        out[(os.path.normpath(r["dir"]), norm_addr(r["resource"]), r["check_id"])] = \
            {"PASSED": "pass", "FAILED": "fail", "NONE": "missing"}[r["expected"]]
    return out


def score(pairs, run_dirs, expected, raw=None):
    """One row per expected verdict: what each tool says. `raw`: {(dir, address,
    check): verdict} of checkov under its own addresses (several split
    resources moved onto one bucket keep their own verdicts there)."""
    raw = raw or {}
    by = {(run_dirs[p["run"]], p["checkov_resource"], p["checkov_check"]): p for p in pairs}
    by.update({(run_dirs[p["run"]], p["resource"], p["checkov_check"]): p for p in pairs
               if (run_dirs[p["run"]], p["resource"], p["checkov_check"]) not in by})
    rows = []
    for (d, addr, cid), exp in sorted(expected.items()):
        if cid not in TF_CHECK_MAP:
            continue
        p = by.get((d, addr, cid))
        ckv = raw.get((d, addr, cid)) or (p["checkov_verdict"] if p else "missing")
        mv = p["moat_verdict"] if p else "missing"
        rows.append({"dir": d, "resource": addr, "checkov_check": cid, "moat_check": TF_CHECK_MAP[cid][0],
                     "expected": exp, "checkov_verdict": ckv, "checkov_agrees": ckv == exp,
                     "moat_verdict": mv, "moat_agrees": MOAT_CLASS.get(mv, mv) == exp,
                     "moat_message": (p or {}).get("moat_message", "")})
    return rows


def render_scores(rows):
    by = OrderedDict()
    for r in rows:
        c = by.setdefault(r["checkov_check"], Counter())
        c["rows"] += 1
        c["checkov"] += r["checkov_agrees"]
        c["moat"] += r["moat_agrees"]
        c["moat unknown"] += r["moat_verdict"] == "unknown"
        c["moat missing"] += r["moat_verdict"] == "missing"
    head = ["checkov", "moat", "expected", "checkov right", "moat right", "moat unknown", "moat missing"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    tot = Counter()
    for cid, c in by.items():
        lines.append("| " + " | ".join([cid, TF_CHECK_MAP[cid][0], str(c["rows"]),
                                        f'{c["checkov"]} ({pct(c["checkov"], c["rows"])})',
                                        f'{c["moat"]} ({pct(c["moat"], c["rows"])})',
                                        str(c["moat unknown"]), str(c["moat missing"])]) + " |")
        if cid not in DIFFERENT_QUESTION:
            tot.update(c)
    lines.append("| " + " | ".join(["**all but CKV_AWS_19**", "", str(tot["rows"]),
                                    f'{tot["checkov"]} ({pct(tot["checkov"], tot["rows"])})',
                                    f'{tot["moat"]} ({pct(tot["moat"], tot["rows"])})',
                                    str(tot["moat unknown"]), str(tot["moat missing"])]) + " |")
    return "\n".join(lines)


FIELDS = ["run", "resource", "checkov_resource", "checkov_check", "moat_check", "kind", "moat_verdict",
          "checkov_verdict", "different_question", "moat_message"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", nargs=4, action="append", required=True, metavar=("NAME", "DIR", "MOAT", "CHECKOV"))
    ap.add_argument("--labels", action="append", default=[])
    ap.add_argument("--only-labelled", action="store_true",
                    help="keep only the pairs of the checks a directory's labels are about (a fixture's own check)")
    ap.add_argument("--name", default="terraform")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    cache = {}
    pairs, run_dirs, raw = [], {}, {}
    try:
        for name, d, mj, cj in a.run:
            run_dirs[name] = os.path.normpath(d)
            with open(mj, encoding="utf-8") as f:
                moat_doc = json.load(f)
            with open(cj, encoding="utf-8") as f:
                ck_doc = json.load(f)
            run_raw = {}
            pairs += pairs_of(name, moat_doc, ck_doc, cache, run_raw)
            raw.update({(run_dirs[name], a, c): v for (a, c), v in run_raw.items() if v != "skipped"})
        expected = {}
        for p in a.labels:
            expected.update(read_expected(p))
    except (OSError, ValueError, KeyError) as e:
        print(f"compare_tf.py: cannot read the inputs: {e}", file=sys.stderr)
        return 2
    if a.only_labelled:
        about = {(d, c) for (d, _r, c) in expected}
        pairs = [p for p in pairs if (run_dirs[p["run"]], p["checkov_check"]) in about]
    dis = [p for p in pairs if p["kind"] not in ("both fail", "both pass")]
    parts = [f"## {a.name}: moat vs checkov (Terraform)", "", f"{len(a.run)} directories, {len(pairs)} pairs", "",
             "### Confusion per overlapping check", "", render_confusion(pairs), ""]
    scored = None
    if expected:
        scored = score(pairs, run_dirs, expected, raw)
        parts += ["### Against the expected verdicts", "", render_scores(scored), ""]
        wrong = [r for r in scored if not r["moat_agrees"] or not r["checkov_agrees"]]
        parts += [f"#### Expected verdicts either tool misses: {len(wrong)}", ""]
        parts += [f"- {os.path.basename(r['dir'])} {r['resource']} {r['checkov_check']}/{r['moat_check']}: expected "
                  f"{r['expected']}, moat {r['moat_verdict']}, checkov {r['checkov_verdict']}" for r in wrong]
        parts.append("")
    parts += [f"### Disagreements: {len(dis)}", ""]
    parts += [f"- {p['run']} {p['resource']}"
              + (f" (checkov: {p['checkov_resource']})" if p["checkov_resource"] != p["resource"] else "")
              + f" {p['checkov_check']}/{p['moat_check']}: moat {p['moat_verdict']}, checkov {p['checkov_verdict']}"
              + (" [different question]" if p["different_question"] else "") for p in dis]
    text = "\n".join(parts) + "\n"
    print(text)
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, f"{a.name}-report.md"), "w") as f:
            f.write(text)
        write_tsv(os.path.join(a.out, f"{a.name}-pairs.tsv"), pairs, FIELDS)
        write_tsv(os.path.join(a.out, f"{a.name}-disagreements.tsv"), dis, FIELDS)
        if scored is not None:
            write_tsv(os.path.join(a.out, f"{a.name}-expected.tsv"), scored,
                      ["dir", "resource", "checkov_check", "moat_check", "expected", "checkov_verdict",
                       "moat_verdict", "checkov_agrees", "moat_agrees", "moat_message"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
