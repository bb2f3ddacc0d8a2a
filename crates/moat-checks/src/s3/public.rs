//! Whether a bucket is open to the public, for reading or writing, by S3's
//! own meaning of public (moat_policy::public) and canned ACLs, with Block
//! Public Access applied the way S3 applies it.

use crate::check::Outcome;
use crate::policy_questions::{allows_any, bucket_policies};
use moat_iac::inventory::Bucket;
use moat_iac::{Inventory, Value};
use moat_source::Span;

pub enum Exposure {
    /// Open, with what opens it and where.
    Open(String, Span, &'static str),
    /// A public grant exists but Block Public Access neutralizes it.
    Blocked(String),
    Closed,
    Unknown(String, Span),
}

/// Canned ACLs that grant `AllUsers` or `AuthenticatedUsers` (any AWS account) read, or write.
fn acl_grants(acl: &str, write: bool) -> bool {
    match acl {
        "PublicReadWrite" => true,
        "PublicRead" | "AuthenticatedRead" => !write,
        _ => false,
    }
}

/// Whether `bucket` is public for reading (`write` false) or writing.
pub fn exposure(inventory: &Inventory, bucket: &Bucket, write: bool) -> Exposure {
    let actions = if write {
        crate::policy_questions::WRITE_ACTIONS
    } else {
        crate::policy_questions::READ_ACTIONS
    };
    let bucket_setting = |name: &str| -> Result<bool, (String, Span)> {
        match &bucket.public_access_block {
            Value::Absent => Ok(true),
            Value::Unknown { reason, span } => Err((reason.clone(), *span)),
            Value::Known { value, .. } => {
                let (_, v) = value
                    .settings()
                    .into_iter()
                    .find(|(n, _)| *n == name)
                    .unwrap_or(("", &Value::Absent));
                v.or_default_value(false)
            }
        }
    };
    // S3 applies the most restrictive of the account's and the bucket's settings
    let setting = |name: &str| -> Result<bool, (String, Span)> {
        let account = inventory.account_block(name);
        if let Some((Value::Known { value: true, .. }, _)) = account {
            return Ok(true);
        }
        let own = bucket_setting(name)?;
        match account {
            Some((Value::Unknown { reason, span }, _)) if !own => Err((reason, span)),
            _ => Ok(own),
        }
    };
    // ACLs: only in force when ownership allows them and IgnorePublicAcls is off
    if let Some(acl) = bucket.access_control.get()
        && acl_grants(acl, write)
    {
        let acls_on = matches!(
            bucket.ownership.get().map(String::as_str),
            Some("ObjectWriter" | "BucketOwnerPreferred")
        );
        match setting("IgnorePublicAcls") {
            Err((reason, span)) => return Exposure::Unknown(reason, span),
            Ok(true) => {}
            Ok(false) if acls_on => {
                return Exposure::Open(
                    format!("canned ACL `{acl}`"),
                    bucket
                        .access_control
                        .span()
                        .unwrap_or(bucket.origin.properties),
                    "AccessControl",
                );
            }
            Ok(false) => {}
        }
    }
    let docs = match bucket_policies(inventory, bucket) {
        Ok(d) => d,
        Err(reason) => return Exposure::Unknown(reason, bucket.origin.properties),
    };
    for doc in docs {
        let Some(policy) = &doc.policy else { continue };
        for public in moat_policy::public::public_statements(policy) {
            let Some(statement) = policy.statements.get(public.index) else {
                continue;
            };
            if !allows_any(statement, actions) {
                continue;
            }
            let what = format!(
                "bucket policy statement `{}` allows {} to everyone ({})",
                public.statement,
                if write { "writes" } else { "reads" },
                public.grants_to
            );
            match (
                setting("BlockPublicPolicy"),
                setting("RestrictPublicBuckets"),
            ) {
                (Err((reason, span)), _) | (_, Err((reason, span))) => {
                    return Exposure::Unknown(reason, span);
                }
                (Ok(true), _) => {
                    return Exposure::Blocked(format!(
                        "{what}, but `BlockPublicPolicy` makes S3 refuse the policy (the deployment fails)"
                    ));
                }
                (_, Ok(true)) => {
                    return Exposure::Blocked(format!(
                        "{what}, but `RestrictPublicBuckets` limits it to AWS services and this account's principals"
                    ));
                }
                (Ok(false), Ok(false)) => {
                    return Exposure::Open(what, statement.span, "PolicyDocument.Statement");
                }
            }
        }
    }
    Exposure::Closed
}

/// The common body of the public-read and public-write checks.
pub fn run(inventory: &Inventory, out: &mut crate::Out, write: bool) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        match exposure(inventory, bucket, write) {
            Exposure::Open(what, span, property) => {
                // a policy statement's span is in the policy's own file
                let policy_file = inventory
                    .policies_of(bucket)
                    .next()
                    .map(|p| p.origin.clone());
                let message = format!(
                    "anyone can {} this bucket: {what}",
                    if write { "write to" } else { "read" }
                );
                match (property, policy_file) {
                    ("PolicyDocument.Statement", Some(holder)) => {
                        out.say_in(o, &holder, Outcome::Fail, Some(span), property, message)
                    }
                    _ => out.fail(o, Some(span), property, message),
                }
            }
            Exposure::Blocked(what) => out.pass(o, None, "PublicAccessBlockConfiguration", what),
            Exposure::Closed => out.pass(
                o,
                None,
                "",
                format!(
                    "no ACL or bucket policy lets the public {}",
                    if write { "write" } else { "read" }
                ),
            ),
            Exposure::Unknown(reason, span) => out.unknown(o, Some(span), "", reason),
        }
    }
}
