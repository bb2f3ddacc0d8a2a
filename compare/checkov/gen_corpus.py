#!/usr/bin/env python3
"""Generate N CloudFormation templates around S3 for benchmarks and comparisons.

    gen_corpus.py [OUT_DIR] [--n 1000] [--seed 1]

Each template has six resources: an S3 bucket (encryption, logging, versioning,
Block Public Access, object ownership, lifecycle, ACL and notifications vary), its
bucket policy (a TLS deny, public or cross-account grants, s3:*, a delete guard,
a VPC endpoint condition), an IAM role (trust in a service or another account,
with or without conditions; an inline S3 policy from narrow to `*`), a KMS key
(rotation on, off or unset; a key policy that may grant a wildcard principal), a
CloudTrail trail (data events, log file validation, multi-Region, KMS vary) and
the SNS topic the bucket notifies. About half are YAML with short-form tags
(!Ref, !GetAtt, !Sub), the rest JSON. Template i depends only on the seed and i,
so the same command writes the same bytes. Stdlib only. Default OUT_DIR:
compare/checkov/out/corpus.
"""
import argparse
import json
import os
import random
import re
import sys


class Ref:
    def __init__(self, name):
        self.name = name


class GetAtt:
    def __init__(self, resource, attr):
        self.resource, self.attr = resource, attr


class Sub:
    def __init__(self, text):
        self.text = text


def to_json(x):
    if isinstance(x, Ref):
        return {"Ref": x.name}
    if isinstance(x, GetAtt):
        return {"Fn::GetAtt": [x.resource, x.attr]}
    if isinstance(x, Sub):
        return {"Fn::Sub": x.text}
    if isinstance(x, dict):
        return {k: to_json(v) for k, v in x.items()}
    if isinstance(x, list):
        return [to_json(v) for v in x]
    return x


PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def yscalar(x):
    if isinstance(x, Ref):
        return f"!Ref {x.name}"
    if isinstance(x, GetAtt):
        return f"!GetAtt {x.resource}.{x.attr}"
    if isinstance(x, Sub):
        return f"!Sub {json.dumps(x.text)}"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (int, float)):
        return str(x)
    if isinstance(x, str) and PLAIN.match(x) and x.lower() not in YAML_WORDS:
        return x
    return json.dumps(x)


def ykey(k):
    return k if PLAIN.match(k) else json.dumps(k)


def is_block(v):
    return isinstance(v, (dict, list)) and len(v) > 0


def yemit(x, indent=0):
    """Block-style YAML lines for a dict or list of the values used here."""
    sp = " " * indent
    lines = []
    if isinstance(x, dict):
        for k, v in x.items():
            if is_block(v):
                lines.append(f"{sp}{ykey(k)}:")
                lines.extend(yemit(v, indent + 2))
            else:
                val = "{}" if v == {} else "[]" if v == [] else yscalar(v)
                lines.append(f"{sp}{ykey(k)}: {val}")
    else:
        for v in x:
            if isinstance(v, dict) and v:
                sub = yemit(v, indent + 2)
                sub[0] = sp + "- " + sub[0][indent + 2:]
                lines.extend(sub)
            elif isinstance(v, list) and v:
                raise ValueError("nested lists are not used")
            else:
                lines.append(f"{sp}- {yscalar(v)}")
    return lines


# ------------------------------------------------------------------ resources

OTHER_ACCOUNT = "444455556666"


def bucket_arn(objects=False):
    return GetAtt("Bucket", "Arn") if not objects else Sub("${Bucket.Arn}/*")


def gen_bucket(r, i):
    p = {}
    name_style = r.choice(["none", "sub", "literal"])
    if name_style == "sub":
        p["BucketName"] = Sub("data-${AWS::AccountId}-${AWS::Region}-%04d" % i)
    elif name_style == "literal":
        p["BucketName"] = f"acme-data-{i:04d}-eu-west-1"
    enc = r.choice(["none", "aes256", "kms-cmk", "kms-aws", "kms-cmk"])
    if enc != "none":
        d = {"SSEAlgorithm": "AES256" if enc == "aes256" else "aws:kms"}
        if enc == "kms-cmk":
            d["KMSMasterKeyID"] = GetAtt("Key", "Arn")
        rule = {"ServerSideEncryptionByDefault": d}
        if enc.startswith("kms") and r.random() < 0.5:
            rule["BucketKeyEnabled"] = r.random() < 0.8
        p["BucketEncryption"] = {"ServerSideEncryptionConfiguration": [rule]}
    if r.random() < 0.55:
        lc = {"DestinationBucketName": Sub("logs-${AWS::AccountId}") if r.random() < 0.5 else "acme-access-logs"}
        if r.random() < 0.7:
            lc["LogFilePrefix"] = f"s3/{i:04d}/"
        p["LoggingConfiguration"] = lc
    ver = r.choice(["none", "Enabled", "Enabled", "Suspended"])
    if ver != "none":
        p["VersioningConfiguration"] = {"Status": ver}
    bpa = r.choice(["none", "all", "all", "some"])
    if bpa != "none":
        names = ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"]
        conf = {}
        for n in names:
            if bpa == "all":
                conf[n] = True
            else:
                x = r.choice([True, False, None])
                if x is not None:
                    conf[n] = x
        p["PublicAccessBlockConfiguration"] = conf
    own = r.choice(["none", "BucketOwnerEnforced", "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"])
    if own != "none":
        p["OwnershipControls"] = {"Rules": [{"ObjectOwnership": own}]}
    # ACLs need ObjectOwnership other than BucketOwnerEnforced (cfn-lint E3045 otherwise)
    if own in ("BucketOwnerPreferred", "ObjectWriter") and r.random() < 0.4:
        p["AccessControl"] = r.choice(["Private", "PublicRead", "PublicReadWrite", "LogDeliveryWrite"])
    rules = []
    if r.random() < 0.6:
        for kind in r.sample(["expire", "noncurrent", "abort", "transition", "tiering"], r.randint(1, 3)):
            rule = {"Id": kind, "Status": "Enabled"}
            if kind == "expire":
                rule["ExpirationInDays"] = r.choice([30, 90, 365])
                rule["Prefix"] = "tmp/"
            elif kind == "noncurrent":
                rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": r.choice([30, 90])}
            elif kind == "abort":
                rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": 7}
            elif kind == "transition":
                rule["Transitions"] = [{"StorageClass": "GLACIER", "TransitionInDays": 90}]
            else:
                rule["Transitions"] = [{"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 0}]
            rules.append(rule)
        p["LifecycleConfiguration"] = {"Rules": rules}
    if r.random() < 0.5:
        p["NotificationConfiguration"] = {"TopicConfigurations": [
            {"Event": r.choice(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]), "Topic": Ref("Topic")}]}
    if r.random() < 0.4:
        p["Tags"] = [{"Key": "classification", "Value": r.choice(["public", "internal", "confidential", "pii"])}]
    bucket = {"Type": "AWS::S3::Bucket"}
    if r.random() < 0.3:
        bucket["DeletionPolicy"] = "Retain"
    if p:
        bucket["Properties"] = p
    return bucket


def gen_bucket_policy(r):
    kinds = r.sample(["tls", "public-read", "cross-account", "s3-star", "public-write", "deny-delete", "vpce",
                      "role-read"], r.randint(1, 3))
    stmts = []
    for k in kinds:
        if k == "tls":
            stmts.append({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                          "Resource": [bucket_arn(), bucket_arn(True)],
                          "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        elif k == "public-read":
            stmts.append({"Sid": "PublicRead", "Effect": "Allow", "Principal": r.choice(["*", {"AWS": "*"}]),
                          "Action": "s3:GetObject", "Resource": bucket_arn(True)})
        elif k == "public-write":
            stmts.append({"Sid": "PublicWrite", "Effect": "Allow", "Principal": "*",
                          "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": bucket_arn(True)})
        elif k == "cross-account":
            st = {"Sid": "Partner", "Effect": "Allow",
                  "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                  "Action": r.choice([["s3:GetObject"], ["s3:GetObject", "s3:PutObject"], ["s3:PutBucketPolicy"]]),
                  "Resource": [bucket_arn(), bucket_arn(True)]}
            if r.random() < 0.4:
                st["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
            stmts.append(st)
        elif k == "s3-star":
            stmts.append({"Sid": "RoleAll", "Effect": "Allow", "Principal": {"AWS": GetAtt("Role", "Arn")},
                          "Action": r.choice(["s3:*", "*"]), "Resource": [bucket_arn(), bucket_arn(True)]})
        elif k == "deny-delete":
            stmts.append({"Sid": "DenyDelete", "Effect": "Deny", "Principal": "*",
                          "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"],
                          "Resource": [bucket_arn(), bucket_arn(True)]})
        elif k == "vpce":
            stmts.append({"Sid": "OnlyFromVpce", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                          "Resource": [bucket_arn(), bucket_arn(True)],
                          "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}})
        else:
            stmts.append({"Sid": "RoleRead", "Effect": "Allow", "Principal": {"AWS": GetAtt("Role", "Arn")},
                          "Action": ["s3:GetObject", "s3:ListBucket"],
                          "Resource": [bucket_arn(), bucket_arn(True)]})
    return {"Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": Ref("Bucket"),
                           "PolicyDocument": {"Version": "2012-10-17", "Statement": stmts}}}


def gen_role(r):
    trust_kind = r.choice(["lambda", "lambda-cond", "ec2", "account", "account-extid", "account-mfa"])
    st = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    if trust_kind.startswith("lambda"):
        st["Principal"] = {"Service": "lambda.amazonaws.com"}
        if trust_kind == "lambda-cond":
            st["Condition"] = {"StringEquals": {"aws:SourceAccount": Ref("AWS::AccountId")}}
    elif trust_kind == "ec2":
        st["Principal"] = {"Service": "ec2.amazonaws.com"}
    else:
        st["Principal"] = {"AWS": r.choice([f"arn:aws:iam::{OTHER_ACCOUNT}:root", OTHER_ACCOUNT,
                                            Sub("arn:aws:iam::${AWS::AccountId}:root")])}
        if trust_kind == "account-extid":
            st["Condition"] = {"StringEquals": {"sts:ExternalId": "a1b2c3"}}
        elif trust_kind == "account-mfa":
            st["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    access = r.choice(["read", "readwrite", "s3-star-bucket", "s3-star-any", "star", "admin-actions"])
    if access == "read":
        s = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": [bucket_arn(), bucket_arn(True)]}
    elif access == "readwrite":
        s = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
             "Resource": bucket_arn(True)}
    elif access == "s3-star-bucket":
        s = {"Effect": "Allow", "Action": "s3:*", "Resource": [bucket_arn(), bucket_arn(True)]}
    elif access == "s3-star-any":
        s = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    elif access == "star":
        s = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    else:
        s = {"Effect": "Allow", "Action": ["s3:PutBucketPolicy", "s3:PutBucketAcl",
                                           "s3:PutBucketPublicAccessBlock"], "Resource": bucket_arn()}
    stmts = [s]
    if r.random() < 0.3:
        stmts.append({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                      "Resource": GetAtt("Key", "Arn")})
    return {"Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [st]},
                           "Policies": [{"PolicyName": "s3-access",
                                         "PolicyDocument": {"Version": "2012-10-17", "Statement": stmts}}]}}


def gen_key(r):
    stmts = [{"Sid": "Root", "Effect": "Allow",
              "Principal": {"AWS": Sub("arn:aws:iam::${AWS::AccountId}:root")},
              "Action": "kms:*", "Resource": "*"}]
    extra = r.choice(["none", "none", "wildcard", "wildcard-cond", "other-account", "services"])
    if extra == "wildcard":
        stmts.append({"Sid": "Everyone", "Effect": "Allow", "Principal": r.choice(["*", {"AWS": "*"}]),
                      "Action": r.choice(["kms:*", "kms:Decrypt"]), "Resource": "*"})
    elif extra == "wildcard-cond":
        stmts.append({"Sid": "Org", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
                      "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}})
    elif extra == "other-account":
        stmts.append({"Sid": "Partner", "Effect": "Allow",
                      "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                      "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"})
    elif extra == "services":
        stmts.append({"Sid": "CloudTrail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                      "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"})
    p = {"Description": "data key", "KeyPolicy": {"Version": "2012-10-17", "Statement": stmts}}
    rot = r.choice(["true", "true", "false", "unset"])
    if rot != "unset":
        p["EnableKeyRotation"] = rot == "true"
    return {"Type": "AWS::KMS::Key", "Properties": p}


def gen_trail(r):
    p = {"IsLogging": True, "S3BucketName": r.choice([Ref("Bucket"), "acme-cloudtrail-logs"])}
    if r.random() < 0.7:
        p["EnableLogFileValidation"] = r.random() < 0.7
    if r.random() < 0.7:
        p["IsMultiRegionTrail"] = r.random() < 0.7
    if r.random() < 0.5:
        p["KMSKeyId"] = r.choice([Ref("Key"), GetAtt("Key", "Arn")])
    data = r.choice(["none", "bucket", "all-buckets", "advanced"])
    if data == "bucket":
        p["EventSelectors"] = [{"ReadWriteType": r.choice(["All", "WriteOnly"]), "IncludeManagementEvents": True,
                                "DataResources": [{"Type": "AWS::S3::Object", "Values": [Sub("${Bucket.Arn}/")]}]}]
    elif data == "all-buckets":
        p["EventSelectors"] = [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]
    elif data == "advanced":
        p["AdvancedEventSelectors"] = [{"Name": "s3-data", "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]
    trail = {"Type": "AWS::CloudTrail::Trail", "Properties": p}
    if isinstance(p["S3BucketName"], Ref) and r.random() < 0.5:
        trail["DependsOn"] = "BucketPolicy"
    return trail


def gen_topic(r):
    p = {"TopicName": Sub("bucket-events-${AWS::StackName}")}
    if r.random() < 0.5:
        p["KmsMasterKeyId"] = r.choice(["alias/aws/sns", Ref("Key")])
    return {"Type": "AWS::SNS::Topic", "Properties": p}


def template(seed, i):
    r = random.Random(f"moat-corpus:{seed}:{i}")
    fmt = "yaml" if r.random() < 0.5 else "json"
    resources = {
        "Bucket": gen_bucket(r, i),
        "BucketPolicy": gen_bucket_policy(r),
        "Role": gen_role(r),
        "Key": gen_key(r),
        "Trail": gen_trail(r),
        "Topic": gen_topic(r),
    }
    t = {"AWSTemplateFormatVersion": "2010-09-09",
         "Description": f"generated S3 stack {i} (seed {seed})",
         "Resources": resources,
         "Outputs": {"BucketArn": {"Value": GetAtt("Bucket", "Arn")}}}
    if fmt == "json":
        return fmt, json.dumps(to_json(t), indent=2) + "\n"
    return fmt, "\n".join(yemit(t)) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("out_dir", nargs="?", default=os.path.join(here, "out", "corpus"))
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    os.makedirs(a.out_dir, exist_ok=True)
    counts = {"yaml": 0, "json": 0}
    for i in range(a.n):
        fmt, text = template(a.seed, i)
        counts[fmt] += 1
        with open(os.path.join(a.out_dir, f"t{i:05d}.{fmt}"), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"gen_corpus: {a.n} templates ({counts['yaml']} YAML, {counts['json']} JSON), seed {a.seed} -> {a.out_dir}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
