//! Writing deny lists as service control policies (SCPs) that AWS
//! Organizations accepts: each service's actions shortened with
//! `service:Stem*` wildcards that match only those actions ([`compress`]),
//! one deny statement per service with optional exempt principals
//! ([`statement`]), and as many policy documents as the SCP size quota
//! requires ([`policies`]). Which actions to deny is the caller's decision
//! (`moat guardrails` picks them from the catalog's feature classes); this
//! module only makes the documents exact and small enough.

mod compress;
mod document;
mod labels;
mod pack;

pub use compress::compress;
pub use document::{document, minified_len, statement};
pub use labels::{class_label, service_label};
pub use pack::{DenyList, MAX_PARTS, pack, policies};

use std::fmt;

/// The most characters an SCP document may have (the AWS Organizations quota).
/// Policies are measured minified, as `serde_json::to_string` writes them,
/// which is how Organizations counts them.
pub const SCP_MAX_CHARS: usize = 5120;

/// Why documents could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScpError {
    /// Even a document with a single entry exceeds the limit, or a deny list
    /// would need more statements than Sids can number.
    TooLarge { what: String, limit: usize },
}

impl fmt::Display for ScpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScpError::TooLarge { what, limit } => {
                write!(f, "{what} does not fit in {limit} characters")
            }
        }
    }
}

impl std::error::Error for ScpError {}
