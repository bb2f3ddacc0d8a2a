//! An account's IAM configuration as `aws iam get-account-authorization-details`
//! prints it: users (inline policies, attached managed policies, groups,
//! permissions boundary, tags), groups, roles (trust policy, inline and managed
//! policies, boundary, instance profiles, tags) and managed policies (the
//! default version of each). Read with spans ([`read_snapshot`]), so every
//! statement a question cites points at its line.
//!
//! Policy documents are JSON objects in the output of current AWS CLI
//! versions, and URL-encoded strings (RFC 3986) in the API's own answer and in
//! older CLI output: both are read. A decoded document gets its own
//! [`SourceFile`], named after the place of the string in the snapshot.

mod read;

pub use read::read_snapshot;

use crate::evaluate::NamedPolicy;
use moat_source::{Location, SourceFile, Span};
use std::collections::BTreeMap;

/// One account's users, groups, roles and managed policies.
#[derive(Debug, Clone, Default)]
pub struct AccountSnapshot {
    /// The account id, taken from the first principal ARN in the file.
    pub account: Option<String>,
    /// `aws`, `aws-cn`, `aws-us-gov`: from the same ARN (`aws` when none).
    pub partition: String,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<Role>,
    pub policies: Vec<ManagedPolicy>,
    /// `IsTruncated: true`: the file holds one page of a longer answer.
    pub truncated: bool,
    /// Where each policy was read, by policy name.
    pub sources: PolicySources,
    /// Policies in which a statement had an error and was left out.
    pub incomplete: Vec<String>,
}

/// A managed policy attached to a principal (or used as its boundary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub arn: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub arn: String,
    pub id: Option<String>,
    pub path: String,
    pub inline: Vec<NamedPolicy>,
    pub attached: Vec<Attachment>,
    /// Names of the groups the user is in.
    pub groups: Vec<String>,
    pub boundary: Option<Attachment>,
    pub tags: Vec<(String, String)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub arn: String,
    pub id: Option<String>,
    pub path: String,
    pub inline: Vec<NamedPolicy>,
    pub attached: Vec<Attachment>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub arn: String,
    pub id: Option<String>,
    pub path: String,
    /// `AssumeRolePolicyDocument`, named `<role> trust policy`.
    pub trust: Option<NamedPolicy>,
    pub inline: Vec<NamedPolicy>,
    pub attached: Vec<Attachment>,
    pub boundary: Option<Attachment>,
    /// ARNs of the instance profiles that hold the role.
    pub instance_profiles: Vec<String>,
    pub tags: Vec<(String, String)>,
    pub span: Span,
}

impl Role {
    /// Service-linked roles (path `/aws-service-role/`): AWS services own
    /// them, and SCPs do not restrict them.
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    /// The default version's document, named after the policy.
    pub document: Option<NamedPolicy>,
    pub span: Span,
}

/// The policies that apply to one principal, gathered from the snapshot.
#[derive(Debug, Clone, Default)]
pub struct PrincipalPolicies {
    /// Inline and attached policies, the user's groups' included.
    pub identity: Vec<NamedPolicy>,
    pub boundary: Option<NamedPolicy>,
    /// Attached or boundary policies named but absent from the snapshot
    /// (ARNs): what the principal may do is then not fully known.
    pub missing: Vec<String>,
    /// Names of its policies that had errors (statements left out).
    pub incomplete: Vec<String>,
}

impl AccountSnapshot {
    pub fn managed(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.policies.iter().find(|p| p.arn == arn)
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// A role by name or ARN.
    pub fn role(&self, name_or_arn: &str) -> Option<&Role> {
        self.roles
            .iter()
            .find(|r| r.arn == name_or_arn || r.name == name_or_arn)
    }

    /// A user by name or ARN.
    pub fn user(&self, name_or_arn: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.arn == name_or_arn || u.name == name_or_arn)
    }

    /// Every policy that applies to `user`: its own and its groups'.
    pub fn user_policies(&self, user: &User) -> PrincipalPolicies {
        let mut out = PrincipalPolicies::default();
        out.identity.extend(user.inline.iter().cloned());
        self.attach(&user.attached, &mut out);
        for name in &user.groups {
            match self.group(name) {
                Some(group) => {
                    out.identity.extend(group.inline.iter().cloned());
                    self.attach(&group.attached, &mut out);
                }
                None => out.missing.push(format!("group {name}")),
            }
        }
        self.bound(user.boundary.as_ref(), &mut out);
        self.mark_incomplete(&mut out);
        out
    }

    /// Every policy that applies to a session of `role`.
    pub fn role_policies(&self, role: &Role) -> PrincipalPolicies {
        let mut out = PrincipalPolicies::default();
        out.identity.extend(role.inline.iter().cloned());
        self.attach(&role.attached, &mut out);
        self.bound(role.boundary.as_ref(), &mut out);
        self.mark_incomplete(&mut out);
        out
    }

    fn attach(&self, attached: &[Attachment], out: &mut PrincipalPolicies) {
        for a in attached {
            match self.managed(&a.arn).and_then(|p| p.document.as_ref()) {
                Some(document) => {
                    if !out.identity.iter().any(|p| p.name == document.name) {
                        out.identity.push(document.clone());
                    }
                }
                None => out.missing.push(a.arn.clone()),
            }
        }
    }

    fn bound(&self, boundary: Option<&Attachment>, out: &mut PrincipalPolicies) {
        let Some(b) = boundary else { return };
        match self.managed(&b.arn).and_then(|p| p.document.as_ref()) {
            Some(document) => out.boundary = Some(document.clone()),
            None => {
                out.missing.push(b.arn.clone());
                // An unknown boundary still bounds: it allows nothing we can see.
                out.boundary = Some(NamedPolicy {
                    name: format!("{} (boundary not in the snapshot)", b.name),
                    policy: crate::document::Policy {
                        version: None,
                        id: None,
                        statements: Vec::new(),
                        span: b.span,
                    },
                });
            }
        }
    }

    fn mark_incomplete(&self, out: &mut PrincipalPolicies) {
        let names = out
            .identity
            .iter()
            .chain(out.boundary.iter())
            .map(|p| &p.name);
        for name in names {
            if self.incomplete.contains(name) && !out.incomplete.contains(name) {
                out.incomplete.push(name.clone());
            }
        }
    }

    /// The account's root user ARN, when the account is known.
    pub fn root_arn(&self) -> Option<String> {
        self.account
            .as_ref()
            .map(|a| format!("arn:{}:iam::{a}:root", self.partition))
    }
}

/// The file each policy was read from, by policy name, so a statement cited
/// in an answer can be shown as `file:line:col`.
#[derive(Debug, Clone, Default)]
pub struct PolicySources {
    files: BTreeMap<String, SourceFile>,
}

impl PolicySources {
    pub fn insert(&mut self, policy: &str, file: &SourceFile) {
        self.files.insert(policy.to_string(), file.clone());
    }

    pub fn file(&self, policy: &str) -> Option<&SourceFile> {
        self.files.get(policy)
    }

    /// Where `span` of policy `policy` is.
    pub fn locate(&self, policy: &str, span: Span) -> Option<Location> {
        self.files.get(policy).map(|f| f.location(span))
    }

    /// Adds every entry of `other`.
    pub fn extend(&mut self, other: &PolicySources) {
        for (name, file) in &other.files {
            self.files.insert(name.clone(), file.clone());
        }
    }
}

#[cfg(test)]
mod tests;
