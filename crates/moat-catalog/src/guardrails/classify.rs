//! Sorting the IAM actions of a blocked feature class: which ones enable or use
//! the feature (denied by default), which ones only read its settings or switch
//! it off (kept unless asked), and which ones do both.
//!
//! The rule, in order: a reviewed exception from the guardrail table; the
//! `Read` and `List` access levels read; an action that also authorizes a
//! `Delete...` call of its feature (`s3:PutBucketCORS` covers `DeleteBucketCors`)
//! both enables and switches off; a leading verb from [`REMEDIATION_VERBS`]
//! switches off; anything else enables. Unknown verbs fall on the denying side,
//! so a new kind of action is blocked rather than left open.

use super::events::operations_of;
use super::table::Table;
use moat_policy::actions;
pub use moat_policy::actions::leading_verb;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an action does to its feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Turns the feature on, extends it or widens access through it.
    Enable,
    /// Exercises the feature: reads, writes or destroys data, or issues
    /// credentials, through it.
    Use,
    /// Turns the feature on and also switches it off (the same call does both).
    Dual,
    /// Switches the feature off or removes part of it.
    Remediate,
    /// Reads the feature's settings or state.
    Read,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Enable => "enable",
            Category::Use => "use",
            Category::Dual => "dual",
            Category::Remediate => "remediate",
            Category::Read => "read",
        }
    }

    /// Whether the SCPs deny the category without `--include-reads` or
    /// `--include-remediation`.
    pub fn denied_by_default(self) -> bool {
        matches!(self, Category::Enable | Category::Use | Category::Dual)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Leading verbs of actions that switch a feature off or remove part of it.
pub const REMEDIATION_VERBS: &[&str] = &[
    "Abort",
    "Deactivate",
    "Delete",
    "Deregister",
    "Detach",
    "Disable",
    "Disassociate",
    "Remove",
    "Retire",
    "Revoke",
    "Stop",
    "Untag",
];

/// An action's category and the reason for it.
pub fn classify(table: &Table, action: &str) -> (Category, String) {
    if let Some(entry) = table.override_for(action) {
        return (entry.category, format!("reviewed: {}", entry.reason));
    }
    let level = actions::access_level(action).unwrap_or("Write");
    if matches!(level, "Read" | "List") {
        return (Category::Read, format!("access level `{level}`"));
    }
    let operations = operations_of(action);
    let deletes = operations.iter().find(|o| o.starts_with("Delete"));
    if let Some(delete) = deletes
        && operations.iter().any(|o| !o.starts_with("Delete"))
    {
        return (
            Category::Dual,
            format!("also authorizes `{delete}`, which switches the feature off"),
        );
    }
    let name = action.split_once(':').map_or(action, |(_, name)| name);
    let verb = leading_verb(name);
    if REMEDIATION_VERBS.contains(&verb) {
        (
            Category::Remediate,
            format!("access level `{level}`, verb `{verb}`"),
        )
    } else {
        (
            Category::Enable,
            format!("access level `{level}`, verb `{verb}`"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guardrails::table::table;

    fn category(action: &str) -> Category {
        classify(table().unwrap(), action).0
    }

    #[test]
    fn access_level_and_verb_decide_without_an_exception() {
        assert_eq!(category("s3:PutBucketWebsite"), Category::Enable);
        assert_eq!(category("s3:GetBucketWebsite"), Category::Read);
        assert_eq!(category("s3:DeleteBucketWebsite"), Category::Remediate);
        assert_eq!(category("s3:ListAccessPoints"), Category::Read);
        assert_eq!(category("s3:DeleteAccessPoint"), Category::Remediate);
        assert_eq!(category("s3:PutBucketPolicy"), Category::Enable);
        assert_eq!(category("kms:DisableKey"), Category::Remediate);
        assert_eq!(category("kms:ScheduleKeyDeletion"), Category::Enable);
        assert_eq!(
            category("organizations:LeaveOrganization"),
            Category::Enable
        );
        assert_eq!(category("iam:UntagRole"), Category::Remediate);
    }

    #[test]
    fn actions_that_also_delete_are_dual() {
        // From the calls each action authorizes.
        for action in [
            "s3:PutReplicationConfiguration",
            "s3:PutBucketCORS",
            "s3:PutEncryptionConfiguration",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketOwnershipControls",
        ] {
            assert_eq!(category(action), Category::Dual, "{action}");
        }
    }

    #[test]
    fn reviewed_exceptions_win() {
        assert_eq!(category("s3:PutBucketPublicAccessBlock"), Category::Dual);
        assert_eq!(category("s3:PutBucketVersioning"), Category::Dual);
        assert_eq!(category("s3:DeleteBucketPolicy"), Category::Dual);
        assert_eq!(category("s3:GetObjectTorrent"), Category::Use);
        assert_eq!(category("s3:DeleteObjectVersion"), Category::Use);
        assert_eq!(category("s3:DeleteBucket"), Category::Enable);
        assert_eq!(
            category("iam:DeleteRolePermissionsBoundary"),
            Category::Enable
        );
        assert_eq!(category("sts:GetSessionToken"), Category::Use);
        assert_eq!(category("sts:DecodeAuthorizationMessage"), Category::Read);
        let (_, reason) = classify(table().unwrap(), "s3:PutBucketVersioning");
        assert!(reason.starts_with("reviewed: "), "{reason}");
    }

    #[test]
    fn defaults() {
        assert!(Category::Enable.denied_by_default());
        assert!(Category::Use.denied_by_default());
        assert!(Category::Dual.denied_by_default());
        assert!(!Category::Remediate.denied_by_default());
        assert!(!Category::Read.denied_by_default());
    }
}
