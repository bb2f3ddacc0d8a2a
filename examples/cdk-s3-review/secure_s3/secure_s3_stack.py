"""The reviewed stack: an S3 bucket and an IAM role that EC2 instances assume.

Reconstructed from the review in seed 003 ("Model Failures Analysis: Secure
AWS S3 CDK Configuration"). The weaknesses it lists are kept on purpose;
the comments name the finding each choice reproduces.
"""
from aws_cdk import (
    CfnOutput,
    Duration,
    RemovalPolicy,
    Stack,
    aws_iam as iam,
    aws_s3 as s3,
)
from constructs import Construct

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"  # hard-coded (finding #5)


class SecureS3Stack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        self.bucket = self._create_secure_bucket()
        self._add_bucket_policy(self.bucket)
        self.role = self._create_s3_access_role(self.bucket)

        CfnOutput(self, "BucketName", value=self.bucket.bucket_name)
        CfnOutput(self, "RoleArn", value=self.role.role_arn)

    def _create_secure_bucket(self) -> s3.Bucket:
        return s3.Bucket(
            self,
            "SecureDataBucket",
            bucket_name=f"secure-app-data-{ACCOUNT_ID}-{REGION}",
            # S3-managed keys (SSE-S3 / AES256), no customer-managed KMS key (#4)
            encryption=s3.BucketEncryption.S3_MANAGED,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # no aws:SecureTransport deny in the bucket policy
            enforce_ssl=False,
            # one rule for all data: IA after 30 days, no noncurrent-version
            # expiry, no abort of incomplete multipart uploads, no retention
            # (#11, #19, #21)
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="TransitionToIA",
                    enabled=True,
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=Duration.days(30),
                        )
                    ],
                )
            ],
            # nothing else: no server access logs (#3, #20), no replication
            # (#6), no event notifications (#10), no intelligent tiering (#21),
            # no request metrics (#22), no object lock, no classification
            # tags (#18)
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _add_bucket_policy(self, bucket: s3.Bucket) -> None:
        # the only bucket-level guard: uploads must ask for AES256 (#4, #9)
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyUnencryptedObjectUploads",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:PutObject"],
                resources=[bucket.arn_for_objects("*")],
                conditions={
                    "StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}
                },
            )
        )

    def _create_s3_access_role(self, bucket: s3.Bucket) -> iam.Role:
        policy = iam.PolicyDocument(
            statements=[
                # StringLike on prefixes: "data/*" also matches "databackup/..." (#7)
                iam.PolicyStatement(
                    sid="ListDataAndLogsPrefixes",
                    actions=["s3:ListBucket"],
                    resources=[bucket.bucket_arn],
                    conditions={"StringLike": {"s3:prefix": ["data/*", "logs/*"]}},
                ),
                # object access with no explicit deny on deletes (#8)
                iam.PolicyStatement(
                    sid="ReadWriteObjects",
                    actions=["s3:GetObject", "s3:PutObject"],
                    resources=[bucket.arn_for_objects("*")],
                ),
                # region and account hard-coded in the ARN (#5)
                iam.PolicyStatement(
                    sid="WriteApplicationLogs",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[
                        f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/app/*"
                    ],
                ),
            ]
        )
        # assume_role_policy: every EC2 instance in the account, no instance
        # tag, source ARN or MFA condition (#1, #2)
        return iam.Role(
            self,
            "S3AccessRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="Lets the application's EC2 instances read and write the data bucket",
            inline_policies={"S3AccessPolicy": policy},
        )
