"""Self-test of compare_tf.py, tf_fixtures.py and gen_tf_corpus.py on hand-made inputs.

    python3 -m unittest discover -s compare/checkov -p 'test_*.py'
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_tf  # noqa: E402
import gen_tf_corpus  # noqa: E402
import tf_fixtures  # noqa: E402

MAIN_TF = '''resource "aws_s3_bucket" "a" {
  bucket = "a"
}

resource "aws_s3_bucket_public_access_block" "a" {
  bucket            = aws_s3_bucket.a.id
  block_public_acls = false
}
'''


def ck(check_id, resource, verdict, path, lines=(1, 3)):
    return {"check_id": check_id, "resource": resource, "file_abs_path": path, "file_line_range": list(lines),
            "check_result": {"result": verdict.upper()}}


def ck_doc(passed=(), failed=()):
    return {"check_type": "terraform", "results": {"passed_checks": list(passed), "failed_checks": list(failed),
                                                   "skipped_checks": [], "parsing_errors": []}}


def moat_doc(*results):
    return {"scan": {"files": [], "results": [
        {"check": c, "resource": r, "verdict": v, "message": m, "file": "main.tf", "line": 1}
        for c, r, v, m in results]}}


class TestCompareTf(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.main = os.path.join(self.tmp.name, "main.tf")
        with open(self.main, "w") as f:
            f.write(MAIN_TF)

    def tearDown(self):
        self.tmp.cleanup()

    def test_split_resource_moves_to_its_bucket(self):
        doc = ck_doc(failed=[ck("CKV_AWS_53", "aws_s3_bucket_public_access_block.a", "failed", self.main, (5, 8))])
        recs = compare_tf.read_checkov(doc, {})
        self.assertIn(("aws_s3_bucket.a", "CKV_AWS_53"), recs)
        self.assertEqual(recs[("aws_s3_bucket.a", "CKV_AWS_53")]["moved_from"], "aws_s3_bucket_public_access_block.a")

    def test_bpa_setting_named_in_message(self):
        doc = ck_doc(failed=[ck("CKV_AWS_53", "aws_s3_bucket_public_access_block.a", "failed", self.main, (5, 8))],
                     passed=[ck("CKV_AWS_54", "aws_s3_bucket_public_access_block.a", "passed", self.main, (5, 8))])
        m = moat_doc(("CHK-S3-006", "aws_s3_bucket.a", "fail", "BlockPublicAcls is off"))
        pairs = {p["checkov_check"]: p for p in compare_tf.pairs_of("r", m, doc, {})}
        self.assertEqual(pairs["CKV_AWS_53"]["kind"], "both fail")
        self.assertEqual(pairs["CKV_AWS_54"]["kind"], "both pass")

    def test_index_zero_and_missing_sides(self):
        doc = ck_doc(failed=[ck("CKV_AWS_21", "module.m.aws_s3_bucket.this", "failed", self.main)])
        m = moat_doc(("CHK-S3-005", "module.m.aws_s3_bucket.this[0]", "pass", ""),
                     ("CHK-S3-001", "aws_s3_bucket.b", "fail", ""))
        pairs = {(p["resource"], p["checkov_check"]): p for p in compare_tf.pairs_of("r", m, doc, {})}
        self.assertEqual(pairs[("module.m.aws_s3_bucket.this", "CKV_AWS_21")]["kind"], "checkov only")
        self.assertEqual(pairs[("aws_s3_bucket.b", "CKV_AWS_18")]["kind"], "checkov missing")

    def test_scores_against_expected(self):
        doc = ck_doc(failed=[ck("CKV_AWS_21", "aws_s3_bucket.a", "failed", self.main)])
        m = moat_doc(("CHK-S3-005", "aws_s3_bucket.a", "pass", ""))
        pairs = compare_tf.pairs_of("r", m, doc, {})
        rows = compare_tf.score(pairs, {"r": "/d"}, {("/d", "aws_s3_bucket.a", "CKV_AWS_21"): "pass"})
        self.assertEqual(len(rows), 1)
        self.assertTrue(rows[0]["moat_agrees"])
        self.assertFalse(rows[0]["checkov_agrees"])


class TestTfFixtures(unittest.TestCase):
    def test_expected_yaml_and_test_sets(self):
        with tempfile.TemporaryDirectory() as d:
            y = os.path.join(d, "expected.yaml")
            with open(y, "w") as f:
                f.write('pass:\n  - "aws_s3_bucket.good"\nfail:\n  - "aws_s3_bucket.bad"  # note\n')
            self.assertEqual(tf_fixtures.read_expected_yaml(y), (["aws_s3_bucket.good"], ["aws_s3_bucket.bad"]))
            t = os.path.join(d, "test_X.py")
            with open(t, "w") as f:
                f.write('def test():\n    passing_resources = {"a.b", "a.c"}\n    failing_resources = {"a.d"}\n')
            p, fl = tf_fixtures.read_test_sets(t)
            self.assertEqual(sorted(p), ["a.b", "a.c"])
            self.assertEqual(fl, ["a.d"])


class TestGenTfCorpus(unittest.TestCase):
    def test_deterministic_and_sized(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            for d in (a, b):
                gen_tf_corpus.main([d, "--stacks", "3", "--seed", "7"])
            files = []
            for root, _dirs, names in os.walk(a):
                files += [os.path.relpath(os.path.join(root, n), a) for n in names]
            self.assertEqual(len(files), 3 * 4 + 3)
            for rel in files:
                with open(os.path.join(a, rel)) as x, open(os.path.join(b, rel)) as y:
                    self.assertEqual(x.read(), y.read(), rel)


if __name__ == "__main__":
    unittest.main()
