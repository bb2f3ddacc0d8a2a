"""Self-test of compare.py on hand-made Moat and checkov JSON.

    python3 -m unittest discover -s compare/checkov -p 'test_*.py'
"""
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import extract_guard  # noqa: E402
import scan_batches  # noqa: E402

A = "/corpus/a.yaml"
B = "/corpus/b.json"


def ck(check_id, resource, verdict, path=A):
    return (verdict, {"check_id": check_id, "resource": resource, "file_abs_path": path,
                      "file_path": "/" + os.path.basename(path), "file_line_range": [3, 9],
                      "check_result": {"result": verdict.upper()}})


def checkov_doc(*entries, parsing_errors=(), aborts=None):
    res = {"passed_checks": [], "failed_checks": [], "skipped_checks": [],
           "parsing_errors": list(parsing_errors)}
    for verdict, r in entries:
        res[{"passed": "passed_checks", "failed": "failed_checks", "skipped": "skipped_checks"}[verdict]].append(r)
    d = {"check_type": "cloudformation", "results": res,
         "summary": {"passed": len(res["passed_checks"]), "failed": len(res["failed_checks"])}}
    if aborts is not None:
        d["aborts"] = aborts
    return d


def mr(check, resource, verdict, message="", path=A, rtype="AWS::S3::Bucket"):
    return {"check": check, "verdict": verdict, "resource": resource, "resource_type": rtype,
            "file": path, "line": 3, "col": 5, "message": message}


def moat_doc(*results, files=None):
    if files is None:
        files = [{"path": A, "format": "cloudformation", "status": "scanned"},
                 {"path": B, "format": "cloudformation", "status": "scanned"}]
    return {"scan": {"files": files, "results": list(results)}}


class ConfusionTest(unittest.TestCase):
    def setUp(self):
        self.ckdoc = checkov_doc(
            ck("CKV_AWS_18", "AWS::S3::Bucket.Logs", "failed"),      # both fail
            ck("CKV_AWS_21", "AWS::S3::Bucket.Logs", "passed"),      # both pass
            ck("CKV_AWS_20", "AWS::S3::Bucket.Logs", "passed"),      # moat only
            ck("CKV_AWS_57", "AWS::S3::Bucket.Logs", "failed"),      # checkov only
            ck("CKV_AWS_7", "AWS::KMS::Key.Key", "failed"),          # moat unknown
            ck("CKV_AWS_36", "AWS::CloudTrail::Trail.Trail", "passed"),  # moat missing
            ck("CKV_AWS_19", "AWS::S3::Bucket.Logs", "passed"),      # different question
            ck("CKV_AWS_53", "AWS::S3::Bucket.Logs", "failed"),
            ck("CKV_AWS_54", "AWS::S3::Bucket.Logs", "failed"),
            ck("CKV_AWS_55", "AWS::S3::Bucket.Logs", "passed"),
            ck("CKV_AWS_56", "AWS::S3::Bucket.Logs", "failed"),
            ck("CKV_AWS_62", "AWS::IAM::Role.R", "skipped"),          # suppressed in checkov
            ck("CKV_AWS_63", "AWS::IAM::Role.R", "skipped"),
            ck("CKV_AWS_99", "AWS::S3::Bucket.Logs", "failed"),       # no Moat counterpart: ignored
        )
        self.moatdoc = moat_doc(
            mr("CHK-S3-001", "Logs", "fail", "no server access logging"),
            mr("CHK-S3-005", "Logs", "pass"),
            mr("CHK-S3-003", "Logs", "partial", "may be public: policy depends on a parameter"),
            mr("CHK-S3-004", "Logs", "pass"),
            mr("CHK-S3-041", "Key", "unknown", rtype="AWS::KMS::Key"),
            mr("CHK-S3-002", "Logs", "fail", "SSE-S3, not SSE-KMS with a customer managed key"),
            # BlockPublicAcls and RestrictPublicBuckets off; BlockPublicPolicy on (checkov says off)
            mr("CHK-S3-006", "Logs", "fail", "Block Public Access settings off: BlockPublicAcls, RestrictPublicBuckets"),
            mr("CHK-S3-043", "R", "fail", rtype="AWS::IAM::Role"),       # checkov skipped: no pair
            mr("CHK-S3-039", "Trail2", "fail", path=B, rtype="AWS::CloudTrail::Trail"),  # checkov missing
            mr("CHK-S3-038", "Trail2", "not_applicable", path=B, rtype="AWS::CloudTrail::Trail"),  # no pair
            mr("CHK-S3-009", "Logs", "fail"),                           # no checkov counterpart: ignored
        )
        self.comp = compare.Comparison([self.moatdoc], [self.ckdoc])

    def kinds(self):
        return {(p["resource"], p["checkov_check"]): p["kind"] for p in self.comp.pairs}

    def test_each_class(self):
        k = self.kinds()
        self.assertEqual(k[("Logs", "CKV_AWS_18")], "both fail")
        self.assertEqual(k[("Logs", "CKV_AWS_21")], "both pass")
        self.assertEqual(k[("Logs", "CKV_AWS_20")], "moat only")
        self.assertEqual(k[("Logs", "CKV_AWS_57")], "checkov only")
        self.assertEqual(k[("Key", "CKV_AWS_7")], "moat unknown")
        self.assertEqual(k[("Trail", "CKV_AWS_36")], "moat missing")
        self.assertEqual(k[("Trail2", "CKV_AWS_35")], "checkov missing")
        self.assertEqual(k[("Logs", "CKV_AWS_19")], "moat only")

    def test_block_public_access_split_by_message(self):
        k = self.kinds()
        self.assertEqual(k[("Logs", "CKV_AWS_53")], "both fail")      # BlockPublicAcls named
        self.assertEqual(k[("Logs", "CKV_AWS_54")], "checkov only")   # BlockPublicPolicy not named
        self.assertEqual(k[("Logs", "CKV_AWS_55")], "both pass")      # IgnorePublicAcls not named
        self.assertEqual(k[("Logs", "CKV_AWS_56")], "both fail")      # RestrictPublicBuckets named

    def test_bpa_name_is_a_whole_word(self):
        m = mr("CHK-S3-006", "X", "fail", "off: BlockPublicAclsX")
        self.assertEqual(compare.moat_verdict_for("CKV_AWS_53", m), "pass")
        self.assertEqual(compare.moat_verdict_for("CKV_AWS_53", mr("CHK-S3-006", "X", "pass")), "pass")
        m = mr("CHK-S3-006", "X", "partial", "IgnorePublicAcls is a parameter")
        self.assertEqual(compare.moat_verdict_for("CKV_AWS_55", m), "partial")

    def test_skipped_unmapped_and_not_applicable_make_no_pair(self):
        k = self.kinds()
        self.assertNotIn(("R", "CKV_AWS_62"), k)
        self.assertNotIn(("R", "CKV_AWS_63"), k)
        self.assertNotIn(("Trail2", "CKV_AWS_36"), k)
        self.assertFalse(any(p["checkov_check"] == "CKV_AWS_99" for p in self.comp.pairs))
        self.assertEqual(len(self.comp.pairs), 12)

    def test_confusion_counts_and_partial(self):
        rows = self.comp.confusion()
        self.assertEqual(rows["CKV_AWS_20"]["moat only"], 1)
        self.assertEqual(rows["CKV_AWS_20"]["partial"], 1)
        self.assertEqual(rows["CKV_AWS_18"]["both fail"], 1)
        self.assertEqual(sum(rows["CKV_AWS_62"].values()), 0)

    def test_table_marks_different_question_and_leaves_it_out_of_the_total(self):
        t = compare.render_confusion(self.comp)
        line19 = [l for l in t.splitlines() if l.startswith("| CKV_AWS_19 ")][0]
        self.assertIn("different question", line19)
        total = [l for l in t.splitlines() if "all but CKV_AWS_19" in l][0]
        cells = [c.strip() for c in total.strip("|").split("|")]
        # pairs, then COLUMNS in order
        self.assertEqual(cells[2], "11")
        self.assertEqual(dict(zip(compare.COLUMNS, map(int, cells[3:11]))),
                         {"both fail": 3, "both pass": 2, "moat only": 1, "checkov only": 2,
                          "moat unknown": 1, "moat n/a": 0, "moat missing": 1, "checkov missing": 1})
        # agreement over pairs where checkov has a verdict: 5 / 10
        self.assertEqual(cells[12], "50.0%")

    def test_disagreements_list_everything_but_agreement(self):
        d = self.comp.disagreements()
        self.assertEqual(len(d), 7)
        self.assertTrue(all(p["kind"] not in ("both fail", "both pass") for p in d))
        miss = [p for p in d if p["kind"] == "moat missing"][0]
        self.assertEqual(miss["why"], "no result for this resource")
        self.assertEqual(miss["checkov_verdict"], "pass")
        self.assertEqual(miss["moat_verdict"], "missing")

    def test_missing_reasons(self):
        ckd = checkov_doc(ck("CKV_AWS_18", "AWS::S3::Bucket.B", "failed", path=B),
                          aborts=[{"file": A, "message": "TypeError: unhashable type: 'dict'"}])
        md = moat_doc(mr("CHK-S3-001", "A1", "fail"),
                      files=[{"path": A, "format": "cloudformation", "status": "scanned"},
                             {"path": B, "format": "unknown", "status": "skipped", "reason": "not a template"}])
        c = compare.Comparison([md], [ckd])
        why = {p["resource"]: (p["kind"], p.get("why")) for p in c.pairs}
        self.assertEqual(why["B"], ("moat missing", "moat skipped: not a template"))
        self.assertEqual(why["A1"], ("checkov missing", "checkov aborted on the file"))

    def test_relative_moat_paths_and_checkov_list_output(self):
        md = moat_doc(mr("CHK-S3-005", "V", "fail", path="sub/t.yaml"))
        ckd = [checkov_doc(ck("CKV_AWS_21", "AWS::S3::Bucket.V", "failed", path="/base/sub/t.yaml")),
               {"check_type": "terraform", "results": {"failed_checks": [
                   {"check_id": "CKV_AWS_21", "resource": "aws_s3_bucket.V", "file_abs_path": "/base/x.tf"}]}}]
        c = compare.Comparison([md], [ckd], moat_cwd="/base")
        self.assertEqual([p["kind"] for p in c.pairs], ["both fail"])


class LabelsTest(unittest.TestCase):
    def test_label_agreement(self):
        with tempfile.TemporaryDirectory() as tmp:
            tsv = os.path.join(tmp, "labels.tsv")
            with open(tsv, "w") as f:
                f.write("framework\tcheck_id\tfile\tresource\texpected\tsource\n")
                f.write("cloudformation\tCKV_AWS_18\ttests/cloudformation/x/a.yaml\tAWS::S3::Bucket.L\tFAILED\ts\n")
                f.write("cloudformation\tCKV_AWS_21\ttests/cloudformation/x/a.yaml\tAWS::S3::Bucket.L\tPASSED\ts\n")
                f.write("cloudformation\tCKV_AWS_54\ttests/cloudformation/x/a.yaml\tAWS::S3::Bucket.L\tFAILED\ts\n")
                f.write("cloudformation\tCKV_AWS_7\ttests/cloudformation/x/a.yaml\tAWS::KMS::Key.K\tPASSED\ts\n")
                f.write("terraform\tCKV_AWS_18\ttests/terraform/a.tf\taws_s3_bucket.L\tFAILED\ts\n")
            a = os.path.join(tmp, "fx", "x", "a.yaml")
            rows = compare.read_labels(tsv, "tests/cloudformation/", os.path.join(tmp, "fx"))
            self.assertEqual(len(rows), 4)
            self.assertEqual(rows[0]["path"], a)
            ckd = checkov_doc(ck("CKV_AWS_18", "AWS::S3::Bucket.L", "failed", path=a),
                              ck("CKV_AWS_21", "AWS::S3::Bucket.L", "passed", path=a),
                              ck("CKV_AWS_54", "AWS::S3::Bucket.L", "failed", path=a))
            md = moat_doc(mr("CHK-S3-001", "L", "fail", path=a),
                          mr("CHK-S3-005", "L", "fail", path=a),
                          mr("CHK-S3-006", "L", "fail", "off: BlockPublicPolicy", path=a),
                          mr("CHK-S3-041", "K", "pass", path=a, rtype="AWS::KMS::Key"),
                          files=[{"path": a, "format": "cloudformation", "status": "scanned"}])
            c = compare.Comparison([md], [ckd])
            lab = {r["checkov_check"]: r for r in c.labels(rows)}
            self.assertTrue(lab["CKV_AWS_18"]["checkov_agrees"] and lab["CKV_AWS_18"]["moat_agrees"])
            self.assertTrue(lab["CKV_AWS_21"]["checkov_agrees"])
            self.assertFalse(lab["CKV_AWS_21"]["moat_agrees"])
            self.assertTrue(lab["CKV_AWS_54"]["moat_agrees"])
            self.assertEqual(lab["CKV_AWS_7"]["checkov_verdict"], "missing")
            self.assertFalse(lab["CKV_AWS_7"]["checkov_agrees"])
            self.assertTrue(lab["CKV_AWS_7"]["moat_agrees"])
            t = compare.render_labels(c.labels(rows))
            self.assertIn("| **all** |  | 4 | 3 (75.0%) | 3 (75.0%) |", t)


class CliTest(unittest.TestCase):
    def test_main_writes_outputs(self):
        with tempfile.TemporaryDirectory() as tmp:
            m = os.path.join(tmp, "m.json")
            c = os.path.join(tmp, "c.json")
            man = os.path.join(tmp, "manifest.json")
            with open(m, "w") as f:
                json.dump(moat_doc(mr("CHK-S3-005", "Logs", "pass")), f)
            with open(c, "w") as f:
                json.dump(checkov_doc(ck("CKV_AWS_21", "AWS::S3::Bucket.Logs", "failed")), f)
            with open(man, "w") as f:
                json.dump({A: {"display": "rules/x_tests.yml#3"}}, f)
            out = os.path.join(tmp, "out")
            buf = io.StringIO()
            with redirect_stdout(buf):
                rc = compare.main(["--moat-json", m, "--checkov-json", c, "--manifest", man,
                                   "--name", "t", "--out", out])
            self.assertEqual(rc, 0)
            self.assertIn("rules/x_tests.yml#3 Logs CKV_AWS_21/CHK-S3-005: moat pass, checkov fail (checkov only)",
                          buf.getvalue())
            with open(os.path.join(out, "t-disagreements.tsv")) as f:
                lines = f.read().splitlines()
            self.assertEqual(len(lines), 2)
            self.assertTrue(lines[1].startswith("rules/x_tests.yml#3\tLogs\tAWS::S3::Bucket\tCKV_AWS_21\tCHK-S3-005\tcheckov only"))
            with open(os.path.join(out, "t-summary.json")) as f:
                self.assertEqual(json.load(f)["disagreements"], 1)

    def test_unreadable_input_is_exit_2(self):
        with redirect_stdout(io.StringIO()):
            import contextlib
            with contextlib.redirect_stderr(io.StringIO()):
                self.assertEqual(compare.main(["--moat-json", "/nonexistent", "--checkov-json", "/nonexistent"]), 2)


class HelpersTest(unittest.TestCase):
    def test_extract_guard_cases(self):
        text = (
            "---\n"
            "- name: Empty, SKIP\n  input: {}\n  expectations:\n    rules:\n      R: SKIP\n\n"
            "- name: Bucket, FAIL\n  input:\n    Resources:\n      B:\n        Type: AWS::S3::Bucket\n"
            "        Properties:\n          Bucket: !Ref X\n\n  expectations:\n    rules:\n      R: FAIL\n"
        )
        cs = extract_guard.cases(text)
        self.assertEqual(len(cs), 2)
        self.assertIsNone(cs[0]["input"])
        self.assertEqual(cs[1]["input"], "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
                                         "    Properties:\n      Bucket: !Ref X\n")
        self.assertEqual(cs[1]["expectations"], {"R": "FAIL"})

    def test_checkov_parse_rejects_crash_and_merges(self):
        self.assertIsNone(scan_batches.parse_checkov(2, ""))
        self.assertIsNone(scan_batches.parse_checkov(0, "not json"))
        d = scan_batches.parse_checkov(0, json.dumps({"passed": 0, "failed": 0}))
        self.assertEqual(d["results"]["failed_checks"], [])
        d = scan_batches.parse_checkov(0, json.dumps(checkov_doc(ck("CKV_AWS_18", "AWS::S3::Bucket.B", "failed"))))
        self.assertEqual(len(d["results"]["failed_checks"]), 1)
        self.assertIsNone(scan_batches.parse_moat(2, "{}"))
        self.assertEqual(scan_batches.parse_moat(1, json.dumps(moat_doc()))["results"], [])

    def test_bisect_isolates_the_aborting_file(self):
        class Fake(scan_batches.Scanner):
            def run(self, files):
                self.runs.append(len(files))
                if "bad" in files:
                    return None, 2, "Traceback\nTypeError: unhashable type: 'dict'\n"
                return {"files": [{"path": f} for f in files], "results": []}, 0, ""
        s = Fake("moat", "moat", 10, lambda m: None)
        s.scan(["a", "b", "bad", "c", "d"])
        r = s.result()
        self.assertEqual([a["file"] for a in r["aborts"]], ["bad"])
        self.assertEqual(r["aborts"][0]["message"], "TypeError: unhashable type: 'dict'")
        self.assertEqual(sorted(f["path"] for f in r["files"]), ["a", "b", "c", "d"])


if __name__ == "__main__":
    unittest.main()
