from pytm import TM, Boundary, Server, Actor, Dataflow

tm = TM("Amazon S3 Threat Model")

# Boundaries
internet = Boundary("Internet")
aws_cloud = Boundary("AWS Cloud")

# Components
user = Actor("User", boundary=internet)
s3_service = Server("S3 Service", boundary=aws_cloud)
s3_bucket = Server("S3 Bucket", boundary=aws_cloud)
iam = Server("IAM Service", boundary=aws_cloud)
kms = Server("KMS", boundary=aws_cloud)
cloudtrail = Server("CloudTrail", boundary=aws_cloud)

# Dataflows
Dataflow(user, s3_service, "S3 API Calls (Create/List/Upload/Retrieve/Delete/Presign)")
Dataflow(s3_service, iam, "Policy & ACL Evaluation")
Dataflow(s3_service, kms, "Server‑Side Encryption/Decryption")
Dataflow(s3_service, s3_bucket, "Store/Retrieve Object Data & Metadata")
Dataflow(s3_service, cloudtrail, "Log API Events")
Dataflow(s3_bucket, s3_bucket, "Cross‑Region Replication")

tm.process()
