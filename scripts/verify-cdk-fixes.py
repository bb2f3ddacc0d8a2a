#!/usr/bin/env python3
"""Synthesizes every check's CDK fix and runs the check on the result.

For each check in docs/checks.md with a CDK fix, this builds two stacks with
the aws-cdk-lib pinned in examples/cdk-s3-review/requirements.txt:

- Before: a small stack with the weakness the check finds; the check must
  report it (fail or partial) on the target resource, which shows that the
  stack exercises the check;
- After: the Python fix in the same place (with the few names it refers to,
  such as `bucket` or `vpc`, defined first); it must synthesize and the check
  must pass on the target resource (or give the one outcome a fix can reach,
  where the check says why: partial for an EC2 trust, unknown for a
  replication destination in another stack).

With --typescript, the TypeScript fixes are compiled with tsc (strict, so a
prop or method aws-cdk-lib does not have is an error) and run with node, and
each After template must be the same as the Python one.

Not run in CI: it needs the virtualenv of scripts/synth-cdk-example.sh (run
this script with that virtualenv's python), node, and for --typescript a
TypeScript compiler (`npm install typescript` in any directory, then pass
its node_modules/.bin/tsc). aws-cdk-lib's JavaScript comes from the Python
package itself (jsii ships it), so the two languages run the same library.

usage: VENV/bin/python scripts/verify-cdk-fixes.py [--moat target/debug/moat]
           [--typescript --tsc PATH] [--keep DIR] [CHECK-ID...]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BUCKET = ('bucket = s3.Bucket(self, "Data")', "const bucket = new s3.Bucket(this, 'Data');")
ROLE = (
    'role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))',
    "const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });",
)
VPC = (
    'vpc = ec2.Vpc(self, "Vpc", max_azs=1, nat_gateways=0, subnet_configuration=[ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)])',
    "const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });",
)
KEY = ('key = kms.Key(self, "DataKey")', "const key = new kms.Key(this, 'DataKey');")
OPEN_BPA = "s3.BlockPublicAccess.BLOCK_ACLS"


def both(*parts):
    """Setup code in both languages from (python, typescript) pairs."""
    return ("\n".join(p for p, _ in parts), "\n".join(t for _, t in parts))


# Per check: `before` (Python, whole) reproduces the weakness; `setup` and
# `post` (Python, TypeScript) surround the fix in the After stack; `target`
# is the construct id the verdicts are read on (a logical id prefix);
# `expect` the After outcome.
SCENARIOS = {
    "CHK-S3-001": {"before": BUCKET[0]},
    "CHK-S3-002": {"before": BUCKET[0]},
    "CHK-S3-003": {
        "before": f'bucket = s3.Bucket(self, "Data", public_read_access=True, block_public_access={OPEN_BPA})',
    },
    "CHK-S3-004": {
        "before": f'bucket = s3.Bucket(self, "Data", block_public_access={OPEN_BPA})\n'
        'bucket.add_to_resource_policy(iam.PolicyStatement(principals=[iam.AnyPrincipal()], actions=["s3:PutObject"], resources=[bucket.arn_for_objects("*")]))',
    },
    "CHK-S3-005": {"before": BUCKET[0]},
    "CHK-S3-006": {"before": f'bucket = s3.Bucket(self, "Data", block_public_access={OPEN_BPA})'},
    "CHK-S3-007": {"before": BUCKET[0]},
    "CHK-S3-008": {
        "before": 'bucket = s3.Bucket(self, "Data", object_ownership=s3.ObjectOwnership.OBJECT_WRITER)',
    },
    "CHK-S3-009": {"before": BUCKET[0]},
    "CHK-S3-010": {"before": 'bucket = s3.Bucket(self, "Data", versioned=True)'},
    "CHK-S3-011": {"before": BUCKET[0]},
    "CHK-S3-012": {"before": BUCKET[0]},
    # the destination is another stack's bucket: only the deployment knows
    # its Region, so the check says unknown (its doc asks for a skip record)
    "CHK-S3-013": {"before": BUCKET[0], "expect": "unknown"},
    "CHK-S3-014": {"before": BUCKET[0]},
    "CHK-S3-015": {"before": BUCKET[0]},
    "CHK-S3-016": {
        "setup": both(BUCKET),
        "before": BUCKET[0] + "\n"
        'bucket.add_to_resource_policy(iam.PolicyStatement(principals=[iam.AccountPrincipal("111122223333")], actions=["s3:*"], resources=[bucket.bucket_arn, bucket.arn_for_objects("*")]))',
    },
    "CHK-S3-017": {"before": BUCKET[0]},
    "CHK-S3-018": {
        "setup": both(
            BUCKET,
            (
                'app_role = iam.Role(self, "AppRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))',
                "const appRole = new iam.Role(this, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });",
            ),
        ),
        "before": BUCKET[0] + "\n"
        'app_role = iam.Role(self, "AppRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))\n'
        'bucket.add_to_resource_policy(iam.PolicyStatement(principals=[app_role], actions=["s3:*"], resources=[bucket.arn_for_objects("*")]))',
    },
    "CHK-S3-019": {
        "setup": both(BUCKET),
        "before": BUCKET[0] + "\n"
        'bucket.add_to_resource_policy(iam.PolicyStatement(effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()], actions=["s3:PutObject"], resources=[bucket.arn_for_objects("*")], conditions={"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}))',
    },
    "CHK-S3-020": {"setup": both(BUCKET, VPC), "before": BUCKET[0]},
    "CHK-S3-021": {"setup": both(BUCKET), "before": BUCKET[0]},
    "CHK-S3-022": {
        "post": (
            'cdk.Tags.of(bucket).add("DataClassification", "pii")',
            "cdk.Tags.of(bucket).add('DataClassification', 'pii');",
        ),
        "before": BUCKET[0] + '\ncdk.Tags.of(bucket).add("DataClassification", "pii")',
    },
    "CHK-S3-023": {
        "before": 'bucket = s3.Bucket(self, "Data", lifecycle_rules=[s3.LifecycleRule(transitions=[s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS, transition_after=cdk.Duration.days(30))])])',
    },
    "CHK-S3-024": {"before": BUCKET[0]},
    "CHK-S3-025": {
        "before": 'bucket = s3.Bucket(self, "Data", cors=[s3.CorsRule(allowed_origins=["*"], allowed_methods=[s3.HttpMethods.PUT])])',
    },
    "CHK-S3-026": {
        "target": "Site",
        "before": 'bucket = s3.Bucket(self, "Site", website_index_document="index.html")',
    },
    "CHK-S3-027": {
        "before": 'bucket = s3.Bucket(self, "Data", encryption=s3.BucketEncryption.KMS, encryption_key=kms.Key(self, "DataKey"))',
    },
    "CHK-S3-028": {
        "setup": (
            'bucket = s3.Bucket(self, "Data", transfer_acceleration=True)',
            "const bucket = new s3.Bucket(this, 'Data', { transferAcceleration: true });",
        ),
        "before": 'bucket = s3.Bucket(self, "Data", transfer_acceleration=True)',
    },
    "CHK-S3-029": {
        "before": 'bucket = s3.Bucket(self, "Data", versioned=True, object_lock_enabled=True)',
    },
    "CHK-S3-030": {
        "target": "Role",
        "setup": both(BUCKET, ROLE),
        "before": BUCKET[0] + "\n" + ROLE[0] + "\n"
        'role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn], conditions={"StringLike": {"s3:prefix": ["data*"]}}))',
    },
    "CHK-S3-031": {
        "before": 'bucket = s3.Bucket(self, "Data", bucket_name="secure-app-data-123456789012-us-east-1")',
    },
    "CHK-S3-032": {
        "before": 'bucket = s3.Bucket(self, "Data", bucket_name="secure-app-data-123456789012-us-east-1")',
    },
    "CHK-S3-033": {
        "target": "DataAccessPoint",
        "setup": both(BUCKET),
        "before": BUCKET[0] + "\n"
        's3.CfnAccessPoint(self, "DataAccessPoint", bucket=bucket.bucket_name, public_access_block_configuration=s3.CfnAccessPoint.PublicAccessBlockConfigurationProperty(block_public_policy=False, restrict_public_buckets=False))',
    },
    "CHK-S3-034": {
        "target": "DataAccessPoint",
        "setup": both(BUCKET, VPC),
        "before": BUCKET[0] + '\ns3.CfnAccessPoint(self, "DataAccessPoint", bucket=bucket.bucket_name)',
    },
    "CHK-S3-035": {
        "target": "DataMrap",
        "setup": both(BUCKET),
        "before": BUCKET[0] + "\n"
        's3.CfnMultiRegionAccessPoint(self, "DataMrap", regions=[s3.CfnMultiRegionAccessPoint.RegionProperty(bucket=bucket.bucket_name)], public_access_block_configuration=s3.CfnMultiRegionAccessPoint.PublicAccessBlockConfigurationProperty(block_public_policy=False))',
    },
    "CHK-S3-036": {
        "target": "VpcS3Endpoint",
        "setup": both(VPC),
        "before": VPC[0] + '\nvpc.add_gateway_endpoint("S3Endpoint", service=ec2.GatewayVpcEndpointAwsService.S3)',
    },
    "CHK-S3-037": {"setup": both(BUCKET), "before": BUCKET[0]},
    "CHK-S3-038": {
        "target": "Trail",
        "before": 'cloudtrail.Trail(self, "Trail", enable_file_validation=False)',
    },
    "CHK-S3-039": {"target": "Trail", "before": 'cloudtrail.Trail(self, "Trail")'},
    "CHK-S3-040": {
        "target": "Trail",
        "before": 'cloudtrail.Trail(self, "Trail", is_multi_region_trail=False)',
    },
    "CHK-S3-041": {"target": "DataKey", "before": KEY[0]},
    "CHK-S3-042": {
        "target": "DataKey",
        "setup": both(KEY),
        "before": KEY[0] + "\n"
        'key.add_to_resource_policy(iam.PolicyStatement(principals=[iam.AccountPrincipal("111122223333")], actions=["kms:Decrypt"], resources=["*"]))',
    },
    "CHK-S3-043": {
        "target": "Role",
        "setup": both(BUCKET, ROLE),
        "before": ROLE[0] + '\nrole.add_to_policy(iam.PolicyStatement(actions=["s3:*"], resources=["*"]))',
    },
    # a trust policy cannot name EC2 instances: the best the check gives an
    # EC2 role is partial, once every grant is bound to your instances
    "CHK-S3-044": {
        "target": "AppRole",
        "expect": "partial",
        "setup": both(
            BUCKET,
            VPC,
            (
                'role = iam.Role(self, "AppRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))',
                "const role = new iam.Role(this, 'AppRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });",
            ),
            (
                'launcher = iam.Role(self, "Launcher", assumed_by=iam.AccountRootPrincipal())',
                "const launcher = new iam.Role(this, 'Launcher', { assumedBy: new iam.AccountRootPrincipal() });",
            ),
        ),
        "before": BUCKET[0] + "\n"
        'role = iam.Role(self, "AppRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))\n'
        'role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[bucket.arn_for_objects("*")]))',
    },
    # trusting a named role of the other account (with an ExternalId) takes
    # the trust out of what the check looks for: a whole account or everyone
    "CHK-S3-045": {
        "target": "PartnerReader",
        "expect": "not_applicable",
        "before": 'iam.Role(self, "PartnerReader", assumed_by=iam.AccountPrincipal("111122223333"))',
    },
    "CHK-S3-046": {
        "target": "Operator",
        "post": (
            'role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["arn:aws:s3:::data/*"]))',
            "role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }));",
        ),
        "before": 'role = iam.Role(self, "Operator", assumed_by=iam.AccountRootPrincipal())\n'
        'role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["arn:aws:s3:::data/*"]))',
    },
    "CHK-S3-047": {
        "target": "Role",
        "setup": both(BUCKET, ROLE),
        "before": ROLE[0] + '\nrole.add_to_policy(iam.PolicyStatement(actions=["s3:PutBucketPolicy"], resources=["*"]))',
    },
    "CHK-S3-048": {
        "target": "Alice",
        "setup": (
            'data_readers = iam.ManagedPolicy(self, "DataReaders", statements=[iam.PolicyStatement(actions=["s3:GetObject"], resources=["arn:aws:s3:::data/*"])])',
            "const dataReaders = new iam.ManagedPolicy(this, 'DataReaders', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] })] });",
        ),
        "before": 'data_readers = iam.ManagedPolicy(self, "DataReaders", statements=[iam.PolicyStatement(actions=["s3:GetObject"], resources=["arn:aws:s3:::data/*"])])\n'
        'iam.User(self, "Alice", managed_policies=[data_readers])',
    },
    "CHK-S3-049": {
        "target": "Role",
        "setup": both(
            BUCKET,
            ROLE,
            (
                'role.add_to_policy(iam.PolicyStatement(actions=["s3:DeleteObjectVersion"], resources=[bucket.arn_for_objects("*")]))',
                "role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObjectVersion'], resources: [bucket.arnForObjects('*')] }));",
            ),
            (
                'break_glass_role = iam.Role(self, "BreakGlassRole", assumed_by=iam.AccountRootPrincipal())',
                "const breakGlassRole = new iam.Role(this, 'BreakGlassRole', { assumedBy: new iam.AccountRootPrincipal() });",
            ),
        ),
        "before": BUCKET[0] + "\n" + ROLE[0] + "\n"
        'role.add_to_policy(iam.PolicyStatement(actions=["s3:DeleteObjectVersion"], resources=[bucket.arn_for_objects("*")]))',
    },
    "CHK-S3-050": {
        "target": "FnS3Invoke",
        "setup": both(
            BUCKET,
            (
                'fn = lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler", code=lambda_.Code.from_inline("def handler(event, context): pass"))',
                "const fn = new lambda.Function(this, 'Fn', { runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.handler', code: lambda.Code.fromInline('def handler(event, context): pass') });",
            ),
        ),
        "before": BUCKET[0] + "\n"
        'fn = lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler", code=lambda_.Code.from_inline("def handler(event, context): pass"))\n'
        'fn.add_permission("S3Invoke", principal=iam.ServicePrincipal("s3.amazonaws.com"))',
    },
    "CHK-S3-051": {
        "target": "TopicPolicy",
        "setup": both(BUCKET, ('topic = sns.Topic(self, "Topic")', "const topic = new sns.Topic(this, 'Topic');")),
        "before": BUCKET[0] + '\ntopic = sns.Topic(self, "Topic")\n'
        'topic.add_to_resource_policy(iam.PolicyStatement(principals=[iam.ServicePrincipal("s3.amazonaws.com")], actions=["sns:Publish"], resources=[topic.topic_arn]))',
    },
    "CHK-S3-052": {
        "target": "Scratch",
        "before": 's3express.CfnDirectoryBucket(self, "Scratch", data_redundancy="SingleAvailabilityZone", location_name="use1-az4")',
    },
}

PY_HEAD = """\
import aws_cdk as cdk
from aws_cdk import (
    aws_cloudfront as cloudfront,
    aws_cloudfront_origins as origins,
    aws_cloudtrail as cloudtrail,
    aws_ec2 as ec2,
    aws_iam as iam,
    aws_kms as kms,
    aws_lambda as lambda_,
    aws_s3 as s3,
    aws_s3express as s3express,
    aws_sns as sns,
)
import json, sys, traceback

app = cdk.App(outdir=sys.argv[1], analytics_reporting=False,
              context={"aws:cdk:enable-path-metadata": True,
                       "aws:cdk:disable-stack-trace": True})
errors = {}

def stack(name, build):
    s = cdk.Stack(app, name, analytics_reporting=False)
    try:
        build(s)
    except Exception:
        errors[name] = traceback.format_exc(limit=3)
        app.node.try_remove_child(name)

"""

PY_TAIL = """
app.synth()
json.dump(errors, open(sys.argv[1] + "/errors.json", "w"), indent=1)
"""

TS_HEAD = """\
import * as cdk from 'aws-cdk-lib';
import {
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_cloudtrail as cloudtrail,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_s3 as s3,
  aws_s3express as s3express,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
declare const process: { argv: string[] };
// every module is used by some fix, not by each
void [cloudfront, origins, cloudtrail, ec2, iam, kms, lambda, s3, s3express, sns, Construct];

const app = new cdk.App({
  outdir: process.argv[2],
  analyticsReporting: false,
  context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:disable-stack-trace': true },
});

"""

TS_TAIL = "\napp.synth();\n"


def snippets():
    """Check id -> {'typescript': ..., 'python': ...} from docs/checks.md."""
    text = (REPO / "docs/checks.md").read_text()
    out = {}
    for section in re.split(r"^## (?=CHK-)", text, flags=re.M)[1:]:
        cid = section.split("\n", 1)[0].strip()
        cdk = section.split("### Fix (CDK)", 1)
        if len(cdk) < 2:
            continue
        body = cdk[1].split("### Fix (CloudFormation)", 1)[0]
        fix = {}
        for lang in ("typescript", "python"):
            m = re.search(rf"```{lang}\n(.*?)\n```", body, re.S)
            if m:
                fix[lang] = m.group(1)
        out[cid] = fix
    return out


def indent(code, by):
    return "\n".join(by + line if line.strip() else "" for line in code.split("\n"))


def name(cid, kind):
    return f"{kind}-{cid}"


def python_app(fixes, ids):
    parts = [PY_HEAD]
    for cid in ids:
        sc = SCENARIOS[cid]
        n = cid.replace("-", "_")
        setup, _ = sc.get("setup", ("", ""))
        post, _ = sc.get("post", ("", ""))
        after = "\n".join(c for c in (setup, fixes[cid]["python"], post) if c)
        parts.append(f"def before_{n}(self):\n{indent(sc['before'], '    ')}\n")
        parts.append(f"def after_{n}(self):\n{indent(after, '    ')}\n")
        parts.append(f'stack("{name(cid, "Before")}", before_{n})\n')
        parts.append(f'stack("{name(cid, "After")}", after_{n})\n\n')
    parts.append(PY_TAIL)
    return "".join(parts)


def typescript_app(fixes, ids):
    parts = [TS_HEAD]
    for cid in ids:
        sc = SCENARIOS[cid]
        n = cid.replace("-", "_")
        _, setup = sc.get("setup", ("", ""))
        _, post = sc.get("post", ("", ""))
        after = "\n".join(c for c in (setup, fixes[cid]["typescript"], post) if c)
        parts.append(
            f"class After_{n} extends cdk.Stack {{\n"
            f"  constructor(scope: Construct, id: string) {{\n"
            f"    super(scope, id, {{ analyticsReporting: false }});\n"
            f"{indent(after, '    ')}\n  }}\n}}\n"
            f"new After_{n}(app, '{name(cid, 'After')}');\n\n"
        )
    parts.append(TS_TAIL)
    return "".join(parts)


def node_modules(work):
    """aws-cdk-lib and its jsii dependencies as npm packages, from the tarballs
    the Python packages of this interpreter ship."""
    import importlib.util

    # found, not imported: importing aws_cdk would start a jsii kernel
    spec = importlib.util.find_spec("aws_cdk")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("aws_cdk is not installed for this python: run the script with the CDK virtualenv's")
    site = Path(list(spec.submodule_search_locations)[0]).parent
    modules = work / "node_modules"
    tarballs = [*(site / "aws_cdk").glob("**/_jsii/*.jsii.tgz"), *(site / "constructs").glob("_jsii/*.jsii.tgz")]
    for tgz in tarballs:
        package = tgz.name.rsplit("@", 1)[0]
        if not package.startswith(("aws-cdk-lib", "constructs")):
            package = "@aws-cdk/" + package
        dest = modules / package
        if dest.exists():
            continue
        dest.mkdir(parents=True)
        with tarfile.open(tgz) as t:
            for member in t.getmembers():
                member.name = member.name.split("/", 1)[1] if "/" in member.name else ""
                if member.name:
                    t.extract(member, dest)
    return modules


def scan(moat, template, cid):
    out = subprocess.run(
        [moat, "scan", str(template), "--select", cid, "-f", "json",
         "--param", "AWS::AccountId=444455556666"],
        capture_output=True, text=True,
    )
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr.strip())
    return json.loads(out.stdout)["results"]


def on_target(results, target):
    return [(r["resource"], r["verdict"], r["message"]) for r in results
            if r["resource"].startswith(target)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ids", nargs="*", help="check ids (default: every check with a CDK fix)")
    ap.add_argument("--moat", default=os.environ.get("CARGO_TARGET_DIR", str(REPO / "target")) + "/debug/moat")
    ap.add_argument("--typescript", action="store_true", help="also compile and synthesize the TypeScript fixes")
    ap.add_argument("--tsc", default=shutil.which("tsc") or "tsc")
    ap.add_argument("--keep", help="write the apps and assemblies here and keep them")
    args = ap.parse_args()

    fixes = snippets()
    ids = args.ids or sorted(fixes)
    missing = [c for c in ids if c not in SCENARIOS or c not in fixes]
    if missing:
        sys.exit(f"no CDK fix or no scenario for {missing}")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="moat-cdk-fixes-"))
    work.mkdir(parents=True, exist_ok=True)
    py_out = work / "python.out"
    shutil.rmtree(py_out, ignore_errors=True)
    py_out.mkdir()
    (work / "app.py").write_text(python_app(fixes, ids))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([sys.executable, str(work / "app.py"), str(py_out)], env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"python app failed:\n{r.stderr[-4000:]}")
    errors = json.loads((py_out / "errors.json").read_text())

    ts_out = None
    if args.typescript:
        modules = node_modules(work)
        (work / "app.ts").write_text(typescript_app(fixes, ids))
        (work / "tsconfig.json").write_text(json.dumps({
            "compilerOptions": {"target": "ES2020", "module": "commonjs", "strict": True,
                                "skipLibCheck": True, "types": [], "outDir": "js"},
            "files": ["app.ts"]}))
        r = subprocess.run([args.tsc, "-p", str(work)], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"tsc failed:\n{r.stdout[-6000:]}")
        ts_out = work / "typescript.out"
        shutil.rmtree(ts_out, ignore_errors=True)
        r = subprocess.run(["node", str(work / "js/app.js"), str(ts_out)], capture_output=True,
                           text=True, env=dict(os.environ, NODE_PATH=str(modules)))
        if r.returncode != 0:
            sys.exit(f"node app failed:\n{r.stderr[-4000:]}")

    passed, failed = 0, 0
    for cid in ids:
        sc = SCENARIOS[cid]
        target = sc.get("target", "Data")
        expect = sc.get("expect", "pass")
        problems = []
        for kind in ("Before", "After"):
            stack = name(cid, kind)
            if stack in errors:
                problems.append(f"{kind} does not synthesize:\n{errors[stack]}")
                continue
            verdicts = on_target(scan(args.moat, py_out / f"{stack}.template.json", cid), target)
            outcomes = {v for _, v, _ in verdicts}
            if kind == "Before" and not outcomes & {"fail", "partial"}:
                problems.append(f"Before: the check finds nothing on `{target}`: {verdicts}")
            if kind == "After" and (not verdicts or outcomes != {expect}):
                problems.append(f"After: expected {expect} on `{target}`, got {verdicts}")
        if ts_out is not None:
            stack = name(cid, "After")
            a = py_out / f"{stack}.template.json"
            b = ts_out / f"{stack}.template.json"
            if not b.exists():
                problems.append("TypeScript: no template")
            elif a.exists() and json.loads(a.read_text()) != json.loads(b.read_text()):
                problems.append(f"TypeScript and Python synthesize different templates: diff {a} {b}")
        if problems:
            failed += 1
            print(f"FAIL {cid}")
            for p in problems:
                print(indent(p, "    "))
        else:
            passed += 1
            print(f"ok   {cid} ({'python and typescript' if ts_out else 'python'}: before finds it, after {expect})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
