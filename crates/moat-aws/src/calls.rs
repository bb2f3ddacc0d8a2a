//! Every API call the live reader makes, with the IAM action that authorizes
//! it. The reader names its calls from this table (a call not in it cannot be
//! made), and `moat scan --aws --print-policy` prints the actions of this
//! table: the two cannot drift apart.

/// One read-only API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Call {
    /// The service's API name (`s3`, `s3control`, `iam`...), as evidence names it.
    pub service: &'static str,
    /// The operation as the service's API reference names it.
    pub operation: &'static str,
    /// The IAM action that authorizes it (`s3:GetEncryptionConfiguration`
    /// authorizes `GetBucketEncryption`).
    pub action: &'static str,
}

impl Call {
    /// `s3:GetBucketPolicy`: how evidence and messages name the call.
    pub fn name(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
}

macro_rules! calls {
    ($($id:ident = $service:literal $operation:literal $action:literal;)*) => {
        $(pub const $id: Call = Call { service: $service, operation: $operation, action: $action };)*
        /// Every call the reader makes.
        pub const ALL: &[Call] = &[$($id),*];
    };
}

calls! {
    GET_CALLER_IDENTITY = "sts" "GetCallerIdentity" "sts:GetCallerIdentity";
    LIST_BUCKETS = "s3" "ListBuckets" "s3:ListAllMyBuckets";
    GET_BUCKET_LOCATION = "s3" "GetBucketLocation" "s3:GetBucketLocation";
    GET_BUCKET_ENCRYPTION = "s3" "GetBucketEncryption" "s3:GetEncryptionConfiguration";
    GET_BUCKET_VERSIONING = "s3" "GetBucketVersioning" "s3:GetBucketVersioning";
    GET_OBJECT_LOCK = "s3" "GetObjectLockConfiguration" "s3:GetBucketObjectLockConfiguration";
    GET_BUCKET_PAB = "s3" "GetPublicAccessBlock" "s3:GetBucketPublicAccessBlock";
    GET_OWNERSHIP = "s3" "GetBucketOwnershipControls" "s3:GetBucketOwnershipControls";
    GET_BUCKET_ACL = "s3" "GetBucketAcl" "s3:GetBucketAcl";
    GET_BUCKET_POLICY = "s3" "GetBucketPolicy" "s3:GetBucketPolicy";
    GET_BUCKET_POLICY_STATUS = "s3" "GetBucketPolicyStatus" "s3:GetBucketPolicyStatus";
    GET_BUCKET_LOGGING = "s3" "GetBucketLogging" "s3:GetBucketLogging";
    GET_BUCKET_REPLICATION = "s3" "GetBucketReplication" "s3:GetReplicationConfiguration";
    GET_BUCKET_LIFECYCLE = "s3" "GetBucketLifecycleConfiguration" "s3:GetLifecycleConfiguration";
    GET_BUCKET_NOTIFICATION = "s3" "GetBucketNotificationConfiguration" "s3:GetBucketNotification";
    GET_BUCKET_WEBSITE = "s3" "GetBucketWebsite" "s3:GetBucketWebsite";
    GET_BUCKET_CORS = "s3" "GetBucketCors" "s3:GetBucketCORS";
    GET_BUCKET_ACCELERATE = "s3" "GetBucketAccelerateConfiguration" "s3:GetAccelerateConfiguration";
    LIST_INTELLIGENT_TIERING = "s3" "ListBucketIntelligentTieringConfigurations" "s3:GetIntelligentTieringConfiguration";
    LIST_INVENTORY = "s3" "ListBucketInventoryConfigurations" "s3:GetInventoryConfiguration";
    LIST_METRICS = "s3" "ListBucketMetricsConfigurations" "s3:GetMetricsConfiguration";
    GET_BUCKET_TAGGING = "s3" "GetBucketTagging" "s3:GetBucketTagging";
    GET_ACCOUNT_PAB = "s3control" "GetPublicAccessBlock" "s3:GetAccountPublicAccessBlock";
    LIST_ACCESS_POINTS = "s3control" "ListAccessPoints" "s3:ListAccessPoints";
    GET_ACCESS_POINT = "s3control" "GetAccessPoint" "s3:GetAccessPoint";
    GET_ACCESS_POINT_POLICY = "s3control" "GetAccessPointPolicy" "s3:GetAccessPointPolicy";
    GET_AUTHORIZATION_DETAILS = "iam" "GetAccountAuthorizationDetails" "iam:GetAccountAuthorizationDetails";
    LIST_KEYS = "kms" "ListKeys" "kms:ListKeys";
    DESCRIBE_KEY = "kms" "DescribeKey" "kms:DescribeKey";
    GET_KEY_POLICY = "kms" "GetKeyPolicy" "kms:GetKeyPolicy";
    GET_KEY_ROTATION = "kms" "GetKeyRotationStatus" "kms:GetKeyRotationStatus";
    DESCRIBE_TRAILS = "cloudtrail" "DescribeTrails" "cloudtrail:DescribeTrails";
    GET_TRAIL_STATUS = "cloudtrail" "GetTrailStatus" "cloudtrail:GetTrailStatus";
    GET_EVENT_SELECTORS = "cloudtrail" "GetEventSelectors" "cloudtrail:GetEventSelectors";
    DESCRIBE_VPC_ENDPOINTS = "ec2" "DescribeVpcEndpoints" "ec2:DescribeVpcEndpoints";
}

/// The IAM actions of [`ALL`], sorted, each once.
pub fn actions() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = ALL.iter().map(|c| c.action).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The least-privilege identity policy a scan needs: every action it calls,
/// nothing more, as pretty JSON.
pub fn minimal_policy() -> String {
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "MoatLiveScanReadOnly",
            "Effect": "Allow",
            "Action": actions(),
            "Resource": "*",
        }],
    });
    serde_json::to_string_pretty(&policy).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every action is a real IAM action, and authorizes the operation it is
    /// paired with wherever the service authorization reference links one
    /// (it links one operation per action: the `List*Configurations` calls
    /// share the `Get*Configuration` action of their single-item sibling,
    /// and `GetBucketNotification` is the legacy name of the notification call).
    #[test]
    fn actions_are_real_and_authorize_their_operations() {
        const LINKED_TO_A_SIBLING: &[&str] = &[
            "GetBucketNotificationConfiguration",
            "ListBucketIntelligentTieringConfigurations",
            "ListBucketInventoryConfigurations",
            "ListBucketMetricsConfigurations",
        ];
        for call in ALL {
            assert!(
                moat_policy::actions::is_known(call.action),
                "{} is not an IAM action",
                call.action
            );
            let ops = moat_policy::actions::operations(call.action);
            if LINKED_TO_A_SIBLING.contains(&call.operation) {
                assert!(
                    !ops.contains(&call.operation),
                    "{call:?}: drop the exception"
                );
                continue;
            }
            assert!(
                ops.contains(&call.operation),
                "{} authorizes {ops:?}, not {}",
                call.action,
                call.operation
            );
        }
    }

    #[test]
    fn the_policy_lists_every_call_action_and_nothing_else() {
        let policy: serde_json::Value = serde_json::from_str(&minimal_policy()).unwrap();
        let listed: Vec<&str> = policy["Statement"][0]["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let mut wanted: Vec<&str> = ALL.iter().map(|c| c.action).collect();
        wanted.sort_unstable();
        wanted.dedup();
        assert_eq!(listed, wanted);
        assert!(listed.iter().all(|a| !a.contains('*')));
        let (parsed, diagnostics) = moat_policy::document::read("policy.json", &minimal_policy());
        assert!(
            parsed.is_some() && diagnostics.is_empty(),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn the_docs_list_every_call_with_its_action() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/live.md");
        let doc = std::fs::read_to_string(path).unwrap();
        for call in ALL {
            let row = format!("| `{}` | `{}` |", call.name(), call.action);
            assert!(doc.contains(&row), "docs/live.md lacks the row {row}");
            assert!(
                doc.contains(&format!("`{}`,", call.action))
                    || doc.contains(&format!("`{}`, on", call.action)),
                "docs/live.md's policy lacks {}",
                call.action
            );
        }
    }

    #[test]
    fn each_call_once() {
        let mut names: Vec<String> = ALL.iter().map(Call::name).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
