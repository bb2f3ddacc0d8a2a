"""Creates the account `tests/live_aws.rs` scans, in a moto server.

Run by the test with the server's endpoint as its only argument; refuses any
endpoint that is not on the loopback interface, so it can never touch a real
account. Credentials are moto's fixed test ones.
"""
import ipaddress
import json
import sys
from urllib.parse import urlparse

import boto3

endpoint = sys.argv[1]
host = urlparse(endpoint).hostname or ""
if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
    sys.exit(f"refusing to set up a non-loopback endpoint: {endpoint}")

session = boto3.session.Session(
    aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
)
s3 = session.client("s3", endpoint_url=endpoint)
iam = session.client("iam", endpoint_url=endpoint)
kms = session.client("kms", endpoint_url=endpoint)
ct = session.client("cloudtrail", endpoint_url=endpoint)
ec2 = session.client("ec2", endpoint_url=endpoint)

# a bucket anyone may read: its policy allows s3:GetObject to "*", and
# Block Public Access is off on it
s3.create_bucket(Bucket="moat-public")
s3.put_public_access_block(
    Bucket="moat-public",
    PublicAccessBlockConfiguration={
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    },
)
s3.put_bucket_policy(
    Bucket="moat-public",
    Policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::moat-public/*",
                }
            ],
        }
    ),
)

# the log bucket: the log delivery group may write (its canned ACL)
s3.create_bucket(Bucket="moat-logs")
s3.put_bucket_acl(Bucket="moat-logs", ACL="log-delivery-write")

# a bucket configured with care
key = kms.create_key(Description="moat data key")["KeyMetadata"]
s3.create_bucket(Bucket="moat-private")
s3.put_bucket_versioning(Bucket="moat-private", VersioningConfiguration={"Status": "Enabled"})
s3.put_bucket_encryption(
    Bucket="moat-private",
    ServerSideEncryptionConfiguration={
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": key["Arn"],
                },
                "BucketKeyEnabled": True,
            }
        ]
    },
)
s3.put_public_access_block(
    Bucket="moat-private",
    PublicAccessBlockConfiguration={
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    },
)
s3.put_bucket_ownership_controls(
    Bucket="moat-private",
    OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
)
s3.put_bucket_logging(
    Bucket="moat-private",
    BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "moat-logs", "TargetPrefix": "private/"}},
)
s3.put_bucket_tagging(
    Bucket="moat-private", Tagging={"TagSet": [{"Key": "classification", "Value": "confidential"}]}
)

# a role another account may assume without an external id
iam.create_role(
    RoleName="moat-partner",
    AssumeRolePolicyDocument=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    ),
)
iam.put_role_policy(
    RoleName="moat-partner",
    PolicyName="everything-s3",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    ),
)

# a trail that records no data events and is not validated
ct.create_trail(Name="moat-trail", S3BucketName="moat-logs")

# an S3 gateway endpoint with the default (full access) policy
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
ec2.create_vpc_endpoint(
    VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway"
)
print("ok")
