#!/usr/bin/env python3
"""List checkov's own Terraform S3 fixtures with the verdicts their tests expect.

    tf_fixtures.py CHECKOV_TESTS_DIR -o LABELS.tsv

CHECKOV_TESTS_DIR is checkov's `tests/terraform` directory (from a checkout or
`git archive` of checkov; nothing of it is copied into this repository). For
each check of FIXTURES below, the fixture directory is read as checkov's own
test reads it:

- graph checks (`graph/checks/resources/<Name>/`): `expected.yaml`, its `pass:`
  and `fail:` lists of `type.name` addresses;
- resource checks (`checks/resource/aws/example_<Name>/`): the set literals
  `passing_resources` / `failing_resources` of `test_<Name>.py`, read with `ast`
  (never imported or run).

Output: one TSV row per expected verdict (framework, check_id, dir, resource,
expected PASSED|FAILED, source), the format compare.py --labels reads; a
resource listed both as pass and fail (two files of one fixture define the same
address) is left out and reported on stderr. Stdlib only.
"""
import argparse
import ast
import csv
import os
import sys

# checkov id -> (kind, fixture name). Only the fixtures whose check maps to a
# Moat check (compare.py TF_CHECK_MAP).
FIXTURES = [
    ("CKV_AWS_18", "graph", "S3BucketLogging"),
    ("CKV_AWS_19", "graph", "S3BucketEncryption"),
    ("CKV_AWS_145", "graph", "S3KMSEncryptedByDefault"),
    ("CKV_AWS_20", "graph", "S3PublicACLRead"),
    ("CKV_AWS_57", "graph", "S3PublicACLWrite"),
    ("CKV_AWS_21", "graph", "S3BucketVersioning"),
    ("CKV2_AWS_6", "graph", "S3BucketHasPublicAccessBlock"),
    ("CKV2_AWS_65", "graph", "AWSdisableS3ACL"),
    ("CKV2_AWS_61", "graph", "S3BucketLifecycle"),
    ("CKV2_AWS_62", "graph", "S3BucketEventNotifications"),
    ("CKV_AWS_144", "graph", "S3BucketReplicationConfiguration"),
    ("CKV_AWS_300", "resource", "S3AbortIncompleteUploads"),
    ("CKV_AWS_143", "resource", "S3BucketObjectLock"),
    ("CKV_AWS_7", "resource", "KMSRotation"),
    ("CKV_AWS_33", "resource", "KMSKeyWildcardPrincipal"),
    ("CKV_AWS_35", "resource", "CloudtrailEncryptedWithCMK"),
    ("CKV_AWS_62", "resource", "IAMAdminPolicyDocument"),
    ("CKV_AWS_40", "resource", "IAMPolicyAttachedToGroupOrRoles"),
]


def read_expected_yaml(path):
    """The `pass:` / `fail:` lists of a graph check's expected.yaml (a flat file)."""
    out = {"pass": [], "fail": []}
    cur = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.split("#", 1)[0].rstrip()
            if not s.strip():
                continue
            if not s.startswith((" ", "-", "\t")) and s.endswith(":"):
                cur = s[:-1].strip()
                out.setdefault(cur, [])
                continue
            t = s.strip()
            if t.startswith("-") and cur is not None:
                out[cur].append(t[1:].strip().strip("'\""))
    return out["pass"], out["fail"]


def read_test_sets(path):
    """The string sets assigned to *passing*/*failing* names in a checkov test file."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    passing, failing = [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        tgt = node.targets[0]
        if not isinstance(tgt, ast.Name) or not isinstance(node.value, (ast.Set, ast.List)):
            continue
        vals = [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if "passing" in tgt.id:
            passing += vals
        elif "failing" in tgt.id:
            failing += vals
    return passing, failing


def labels(tests_dir):
    rows, dropped = [], []
    for cid, kind, name in FIXTURES:
        if kind == "graph":
            d = os.path.join(tests_dir, "graph", "checks", "resources", name)
            passing, failing = read_expected_yaml(os.path.join(d, "expected.yaml"))
            source = f"graph/checks/resources/{name}/expected.yaml"
        else:
            base = os.path.join(tests_dir, "checks", "resource", "aws")
            d = os.path.join(base, "example_" + name)
            passing, failing = read_test_sets(os.path.join(base, f"test_{name}.py"))
            source = f"checks/resource/aws/test_{name}.py"
        both = set(passing) & set(failing)
        dropped += [(cid, name, r) for r in sorted(both)]
        for exp, items in (("PASSED", passing), ("FAILED", failing)):
            for r in sorted(set(items) - both):
                rows.append({"framework": "terraform", "check_id": cid, "dir": d, "resource": r,
                             "expected": exp, "source": source})
    return rows, dropped


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tests_dir")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args(argv)
    rows, dropped = labels(a.tests_dir)
    for cid, name, r in dropped:
        print(f"tf_fixtures.py: {cid} {name}: {r} is expected both to pass and to fail (two files); left out",
              file=sys.stderr)
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["framework", "check_id", "dir", "resource", "expected", "source"],
                           delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"tf_fixtures.py: {len(rows)} labels from {len(FIXTURES)} fixtures", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
