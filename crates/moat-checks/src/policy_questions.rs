//! Questions checks ask of policies in the Inventory, and the ways a policy
//! can be undecidable (a value only the deployment knows).

use moat_iac::Inventory;
use moat_iac::inventory::{Bucket, PolicyDoc};
use moat_policy::document::{Effect, Policy, Statement};
use moat_policy::matching::action_matches;

/// Whether `statement` covers `action` (its `Action` or `NotAction`).
pub fn covers_action(statement: &Statement, action: &str) -> bool {
    let any = statement
        .action
        .patterns
        .iter()
        .any(|p| action_matches(&p.value.to_ascii_lowercase(), &action.to_ascii_lowercase()));
    any != statement.action.negated
}

/// Whether an `Allow` statement grants any of `actions`.
pub fn allows_any(statement: &Statement, actions: &[&str]) -> bool {
    statement.effect.value == Effect::Allow && actions.iter().any(|a| covers_action(statement, a))
}

/// The bucket's policies with their documents; `Err` with the reason when
/// one of them holds a value only the deployment knows.
pub fn bucket_policies<'a>(
    inventory: &'a Inventory,
    bucket: &'a Bucket,
) -> Result<Vec<&'a PolicyDoc>, String> {
    let mut out = Vec::new();
    for attached in inventory.policies_of(bucket) {
        decided(&attached.document)?;
        out.push(&attached.document);
    }
    Ok(out)
}

/// The document's policy, or why it cannot be judged.
pub fn decided(doc: &PolicyDoc) -> Result<&Policy, String> {
    if let Some(reason) = &doc.unknown {
        return Err(reason.clone());
    }
    doc.policy
        .as_ref()
        .ok_or_else(|| "the policy document could not be read".to_string())
}

/// Actions that read bucket contents.
pub const READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:ListBucketVersions",
];
/// Actions that change or remove bucket contents or its access settings.
pub const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutBucketPolicy",
    "s3:PutBucketAcl",
    "s3:DeleteBucket",
];
