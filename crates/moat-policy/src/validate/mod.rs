//! `moat policy validate`: located errors and warnings about a policy, in the
//! spirit of IAM Access Analyzer's policy checks. Errors are policies IAM would
//! refuse or elements that can never match; warnings are policies that work
//! but grant more, or protect less, than they appear to (docs/policy.md,
//! "Validation", lists every check with its code).

mod checks;
#[cfg(test)]
mod tests;

use crate::document::Policy;
use moat_source::{Diagnostic, SourceFile};

/// What a policy is attached to, which decides the elements it must and must
/// not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyType {
    /// Attached to a user, group or role; also permissions boundaries and
    /// session policies (the same grammar).
    Identity,
    /// A bucket, access point, key or endpoint policy: names principals.
    Resource,
    /// A role's trust policy: principals, `sts:` actions, no resource.
    Trust,
    /// A service control policy: no principal.
    Scp,
    /// A resource control policy: `Principal: "*"`, deny only.
    Rcp,
}

impl PolicyType {
    /// The type a policy most likely is when the user does not say: trust when
    /// every statement is about `sts:AssumeRole*`, resource when statements
    /// name principals, identity otherwise.
    pub fn guess(policy: &Policy) -> PolicyType {
        let names_principals = policy.statements.iter().any(|s| s.principal.is_some());
        // Actions a trust policy grants: assuming the role, and what comes with it.
        let trust_action = |p: &str| {
            let p = p.to_ascii_lowercase();
            p.starts_with("sts:assumerole") || p == "sts:tagsession" || p == "sts:setsourceidentity"
        };
        let assume_only = !policy.statements.is_empty()
            && policy.statements.iter().all(|s| {
                !s.action.negated && s.action.patterns.iter().all(|p| trust_action(&p.value))
            });
        match (names_principals, assume_only) {
            (true, true) => PolicyType::Trust,
            (true, false) => PolicyType::Resource,
            _ => PolicyType::Identity,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            PolicyType::Identity => "an identity-based policy",
            PolicyType::Resource => "a resource-based policy",
            PolicyType::Trust => "a role trust policy",
            PolicyType::Scp => "an SCP",
            PolicyType::Rcp => "an RCP",
        }
    }
}

/// Every finding about `policy` (read from `file`) as a policy of `kind`.
pub fn validate(policy: &Policy, kind: PolicyType, file: &SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    checks::run(policy, kind, file, &mut out);
    out
}
