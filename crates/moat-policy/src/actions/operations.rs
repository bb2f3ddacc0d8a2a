//! The API operations an action authorizes, which is how CloudTrail names
//! the calls (`eventName`) a guardrail alert has to match.

use super::data::index;

/// The API operations `action` (`service:Name`, no wildcards) authorizes, as the
/// service's API reference names them (`s3:PutReplicationConfiguration` ->
/// `PutBucketReplication`, `s3:ListBucket` -> `ListObjectsV2`); empty when the
/// action is unknown or its operation is not (actions that only modify other
/// calls, such as `s3:BypassGovernanceRetention`, or that S3 itself uses, such
/// as `s3:ReplicateObject`). The list names one operation per action, the one
/// the reference links; an action may authorize more (`s3:PutObject` also
/// covers the multipart upload calls).
pub fn operations(action: &str) -> Vec<&'static str> {
    index()
        .action(action)
        .map(|a| a.operations.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linked_operations() {
        assert_eq!(
            operations("s3:PutReplicationConfiguration"),
            ["PutBucketReplication"]
        );
        assert_eq!(operations("s3:getobjectversion"), ["GetObject"]);
        assert!(operations("s3:ReplicateObject").is_empty());
        assert!(operations("s3:Get*").is_empty());
        assert!(operations("S3:GetObject").is_empty());
    }
}
