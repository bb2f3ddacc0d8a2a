//! The kind of the two policies, and how a policy of that kind is evaluated
//! alone: which callers it can concern, and which policies stand in for the
//! rest of the account so that the answer is about this policy only.

use crate::document::{Policy, read};
use crate::evaluate::{NamedPolicy, OrgLevel, PolicySet};
use crate::request::{IamKind, Principal, Request};
use serde::Serialize;

/// The kind of policy being compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    /// The caller's only identity-based policy, in the resource's account.
    Identity,
    /// The resource's only resource-based policy (bucket, key, trust policy...).
    Resource,
    /// The only SCP of the caller's account, under full identity permissions.
    Scp,
    /// The only RCP of the resource's account, over permissive other policies.
    Rcp,
    /// The caller's permissions boundary, under full identity permissions.
    Boundary,
    /// The session policy, under full identity permissions.
    Session,
    /// The VPC endpoint policy, over permissive other policies.
    Endpoint,
}

pub const KINDS: &[(&str, DiffKind)] = &[
    ("identity", DiffKind::Identity),
    ("resource", DiffKind::Resource),
    ("scp", DiffKind::Scp),
    ("rcp", DiffKind::Rcp),
    ("boundary", DiffKind::Boundary),
    ("session", DiffKind::Session),
    ("endpoint", DiffKind::Endpoint),
];

impl DiffKind {
    pub fn parse(text: &str) -> Option<DiffKind> {
        KINDS.iter().find(|(n, _)| *n == text).map(|(_, k)| *k)
    }

    pub fn name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |(n, _)| n)
    }

    /// Whether the caller is always in the resource's account (the policy is
    /// one of the caller's own); otherwise the resource's account varies too.
    pub(crate) fn owner_is_callers(self) -> bool {
        matches!(
            self,
            DiffKind::Identity | DiffKind::Boundary | DiffKind::Session | DiffKind::Scp
        )
    }

    /// Whether a policy of this kind can concern `principal` at all.
    pub(crate) fn concerns(self, principal: &Principal) -> bool {
        let iam = |f: fn(&IamKind) -> bool| matches!(principal, Principal::Iam(p) if f(&p.kind));
        match self {
            // Identity policies and boundaries attach to users and roles.
            DiffKind::Identity | DiffKind::Boundary => {
                iam(|k| matches!(k, IamKind::User | IamKind::RoleSession { .. }))
            }
            // Session policies: role sessions and federated users.
            DiffKind::Session => {
                iam(|k| matches!(k, IamKind::RoleSession { .. } | IamKind::FederatedUser))
            }
            // SCPs limit every IAM principal of the account, the root user too.
            DiffKind::Scp => iam(|k| !matches!(k, IamKind::FederatedUser)),
            DiffKind::Resource | DiffKind::Rcp | DiffKind::Endpoint => true,
        }
    }
}

/// The actions the evaluator treats apart beyond the statements that apply:
/// `sts:AssumeRole*` and `kms:*` need their resource policy (trust or key
/// policy) to allow by itself, and `sts:AssumeRole` itself is served only to
/// signed IAM users and roles. 0: any other action.
pub(crate) fn special(action: &str) -> u8 {
    let action = action.to_ascii_lowercase();
    if action == "sts:assumerole" {
        1
    } else if action.starts_with("sts:assumerole") {
        2
    } else if action.starts_with("kms:") {
        3
    } else {
        0
    }
}

/// The patterns that separate the [`special`] actions from the others.
pub(crate) const SPECIAL_PATTERNS: &[&str] = &["kms:*", "sts:AssumeRole*", "sts:AssumeRole"];

/// The stand-in policies.
pub(crate) struct Extras {
    /// The caller's own permissions when they are not in question: `Allow * *`.
    pub allow_all: NamedPolicy,
    /// A resource policy that lets anyone in: `Principal *`, `Allow * *`.
    pub allow_everyone: NamedPolicy,
}

fn named(name: &str, text: &str) -> Option<NamedPolicy> {
    let (policy, diagnostics) = read(name, text);
    if diagnostics.iter().any(moat_source::Diagnostic::is_error) {
        return None;
    }
    Some(NamedPolicy {
        name: name.to_string(),
        policy: policy?,
    })
}

impl Extras {
    pub fn new() -> Option<Extras> {
        Some(Extras {
            allow_all: named(
                "moat:caller-allows-all",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            )?,
            allow_everyone: named(
                "moat:resource-allows-everyone",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
            )?,
        })
    }

    /// A trust or key policy that delegates to `owner`'s IAM policies, as the
    /// default key policy and a trust policy naming the account do.
    pub fn delegate(owner: &str) -> Option<NamedPolicy> {
        named(
            "moat:resource-delegates-to-account",
            &format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{owner}"}},"Action":"*","Resource":"*"}}]}}"#
            ),
        )
    }
}

/// What decides which stand-ins a request needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SetKey {
    pub iam: bool,
    pub same_account: bool,
    pub mandatory: bool,
    pub owner: String,
}

impl SetKey {
    pub fn of(request: &Request) -> SetKey {
        SetKey {
            iam: matches!(request.principal, Principal::Iam(_)),
            same_account: request.same_account(),
            mandatory: special(&request.action) != 0,
            owner: request.resource_account.clone().unwrap_or_default(),
        }
    }
}

/// The policies `slot` is evaluated among, for requests of `key`.
pub(crate) fn policy_set(
    kind: DiffKind,
    slot: &NamedPolicy,
    key: &SetKey,
    extras: &Extras,
) -> PolicySet {
    let mut set = PolicySet::default();
    let level = |p: &NamedPolicy| {
        vec![OrgLevel {
            id: "moat:only-level".into(),
            policies: vec![p.clone()],
        }]
    };
    let delegate = || {
        if key.mandatory {
            Extras::delegate(&key.owner)
        } else {
            None
        }
    };
    match kind {
        DiffKind::Identity => {
            set.identity = vec![slot.clone()];
            set.resource = delegate();
        }
        DiffKind::Resource => {
            set.resource = Some(slot.clone());
            // Another account's caller is taken to be allowed by its own
            // account: that side is not the resource owner's to grant.
            if key.iam && !key.same_account {
                set.identity = vec![extras.allow_all.clone()];
            }
        }
        DiffKind::Scp => {
            set.scps = level(slot);
            set.identity = vec![extras.allow_all.clone()];
            set.resource = delegate();
        }
        DiffKind::Rcp => {
            set.rcps = level(slot);
            set.identity = vec![extras.allow_all.clone()];
            set.resource = Some(extras.allow_everyone.clone());
        }
        DiffKind::Boundary => {
            set.boundaries = vec![slot.clone()];
            set.identity = vec![extras.allow_all.clone()];
            set.resource = delegate();
        }
        DiffKind::Session => {
            set.session = Some(slot.clone());
            set.identity = vec![extras.allow_all.clone()];
            set.resource = delegate();
        }
        DiffKind::Endpoint => {
            set.endpoints = vec![slot.clone()];
            set.identity = vec![extras.allow_all.clone()];
            set.resource = Some(extras.allow_everyone.clone());
        }
    }
    set
}

/// A policy with no statements (what `check-access-not-granted` compares with).
pub fn empty_policy() -> Option<Policy> {
    read("moat:empty", r#"{"Version":"2012-10-17","Statement":[]}"#).0
}
