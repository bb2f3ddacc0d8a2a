//! Every check, in id order.

use crate::check::Check;
use crate::s3;

pub static ALL: &[&Check] = &[
    &s3::access_logging::CHECK,
    &s3::kms_encryption::CHECK,
    &s3::public_read::CHECK,
    &s3::public_write::CHECK,
    &s3::versioning::CHECK,
    &s3::block_public_access::CHECK,
    &s3::tls_only::CHECK,
    &s3::acls_disabled::CHECK,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// The checks `select` picks (ids or prefixes; all when empty) minus those `ignore` names.
pub fn select(select: &[String], ignore: &[String]) -> Vec<&'static Check> {
    ALL.iter()
        .copied()
        .filter(|c| select.is_empty() || select.iter().any(|s| c.id.starts_with(s.as_str())))
        .filter(|c| !ignore.iter().any(|s| c.id.starts_with(s.as_str())))
        .collect()
}
