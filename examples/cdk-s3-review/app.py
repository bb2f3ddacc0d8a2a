#!/usr/bin/env python3
"""CDK app: the "Secure AWS S3 CDK Configuration" stack that seed 003 reviews.

Run directly (`python3 app.py`) or through the cdk CLI (`cdk synth`, which
sets CDK_OUTDIR); either way the cloud assembly lands in ./cdk.out.
"""
import os

import aws_cdk as cdk

from secure_s3.secure_s3_stack import SecureS3Stack

HERE = os.path.dirname(os.path.abspath(__file__))

app = cdk.App(
    outdir=os.environ.get("CDK_OUTDIR") or os.path.join(HERE, "cdk.out"),
    # no CDKMetadata resource (its compressed analytics blob would make the
    # committed template change with every CDK release)
    analytics_reporting=False,
    # aws:cdk:path on every resource (what `cdk synth` asks for by default);
    # no stack traces in the assembly metadata, so the output is the same on
    # every machine
    context={
        "aws:cdk:enable-path-metadata": True,
        "aws:cdk:disable-stack-trace": True,
        "aws:cdk:disable-creation-stack-traces": True,
    },
)

SecureS3Stack(
    app,
    "SecureS3Stack",
    # region and account are hard-coded, as in the reviewed code (finding #5)
    env=cdk.Environment(account="123456789012", region="us-east-1"),
    description="Secure S3 bucket with an EC2 access role (example reviewed by Moat)",
    analytics_reporting=False,
)

app.synth()
