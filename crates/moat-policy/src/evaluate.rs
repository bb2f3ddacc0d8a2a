//! The decision for one request, following AWS's documented evaluation logic
//! (docs/policy.md explains each step and where AWS documents it):
//!
//! 1. an applicable `Deny` in any policy decides: explicitly denied;
//! 2. RCPs can only deny (AWS attaches `RCPFullAWSAccess` at every level);
//! 3. SCPs: for an IAM principal, every level of the organization must have
//!    an applicable `Allow`; VPC endpoint policies likewise each must allow;
//! 4. identity-based and resource-based policies: within one account either
//!    may allow, cross-account both must; a resource policy naming only the
//!    caller's account delegates to the account's IAM policies;
//! 5. permissions boundaries and session policies bound what identity-based
//!    policies grant, and what a resource policy grants to a role (not to a
//!    user or a role session named directly);
//! 6. role trust policies (`sts:AssumeRole*`) and KMS key policies (`kms:*`)
//!    must themselves allow: an identity-based policy alone is not enough.

use crate::document::{Effect, Policy, Statement};
use crate::request::{Principal, Request};
use crate::statement::{PrincipalMatch, applies};
use moat_source::Span;
use serde::Serialize;
use std::borrow::Cow;

/// The kinds of policy that take part in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    Identity,
    Resource,
    PermissionBoundary,
    Session,
    Scp,
    Rcp,
    Endpoint,
}

impl PolicyKind {
    pub fn describe(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity-based policy",
            PolicyKind::Resource => "resource-based policy",
            PolicyKind::PermissionBoundary => "permissions boundary",
            PolicyKind::Session => "session policy",
            PolicyKind::Scp => "SCP",
            PolicyKind::Rcp => "RCP",
            PolicyKind::Endpoint => "VPC endpoint policy",
        }
    }
}

/// A policy with the name it is shown under.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPolicy {
    pub name: String,
    pub policy: Policy,
}

/// The SCPs or RCPs attached at one level of an organization (root, OU, account).
#[derive(Debug, Clone, PartialEq)]
pub struct OrgLevel {
    pub id: String,
    pub policies: Vec<NamedPolicy>,
}

/// Every policy that can bear on a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySet {
    pub identity: Vec<NamedPolicy>,
    pub resource: Option<NamedPolicy>,
    pub boundaries: Vec<NamedPolicy>,
    pub session: Option<NamedPolicy>,
    /// Root first, the account last; empty when the account is in no organization.
    pub scps: Vec<OrgLevel>,
    pub rcps: Vec<OrgLevel>,
    pub endpoints: Vec<NamedPolicy>,
    /// S3 Block Public Access settings in force (Moat's extension of the
    /// exchange shape); all off by default.
    pub block_public_access: BlockPublicAccess,
}

/// The four Block Public Access settings at one level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BlockPublicAccessFlags {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

/// Block Public Access at the account, bucket and access point; S3 applies
/// the most restrictive combination.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BlockPublicAccess {
    pub account: BlockPublicAccessFlags,
    pub bucket: BlockPublicAccessFlags,
    pub access_point: BlockPublicAccessFlags,
}

impl BlockPublicAccess {
    /// `RestrictPublicBuckets` at any level: the only setting that changes
    /// how an existing policy is enforced.
    pub fn restricts_public_buckets(&self) -> bool {
        self.account.restrict_public_buckets
            || self.bucket.restrict_public_buckets
            || self.access_point.restrict_public_buckets
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allowed,
    ExplicitlyDenied,
    ImplicitlyDenied,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "Allowed",
            Decision::ExplicitlyDenied => "ExplicitlyDenied",
            Decision::ImplicitlyDenied => "ImplicitlyDenied",
        }
    }
}

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementRef {
    pub kind: PolicyKind,
    pub policy: String,
    /// The organization level, for SCPs and RCPs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The `Sid`, or `#n` for the n-th statement.
    pub statement: String,
    pub effect: Effect,
    #[serde(skip)]
    pub span: Span,
}

/// The decision and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// The statements that decided: the denies, or the allows that were needed.
    pub statements: Vec<StatementRef>,
    /// One sentence: what decided.
    pub reason: Cow<'static, str>,
}

struct Hit<'a> {
    kind: PolicyKind,
    policy: &'a NamedPolicy,
    level: Option<&'a str>,
    statement: &'a Statement,
    principal: Option<PrincipalMatch>,
}

impl Hit<'_> {
    fn to_ref(&self) -> StatementRef {
        StatementRef {
            kind: self.kind,
            policy: self.policy.name.clone(),
            level: self.level.map(str::to_string),
            statement: self.statement.label(),
            effect: self.statement.effect.value,
            span: self.statement.span,
        }
    }
}

/// Statements of `policy` that apply to `request`.
fn hits<'a>(
    kind: PolicyKind,
    policy: &'a NamedPolicy,
    level: Option<&'a str>,
    request: &Request,
    bounded: bool,
    out: &mut Vec<Hit<'a>>,
) {
    for statement in &policy.policy.statements {
        if let Some(principal) = applies(&policy.policy, statement, request, bounded) {
            out.push(Hit {
                kind,
                policy,
                level,
                statement,
                principal,
            });
        }
    }
}

fn allows<'h, 'a>(hits: &'h [Hit<'a>]) -> impl Iterator<Item = &'h Hit<'a>> {
    hits.iter()
        .filter(|h| h.statement.effect.value == Effect::Allow)
}

/// Evaluates `request` against `policies`.
pub fn evaluate(request: &Request, policies: &PolicySet) -> Evaluation {
    let iam_caller = matches!(request.principal, Principal::Iam(_));
    let bounded = iam_caller && !policies.boundaries.is_empty();
    let mut all = Vec::new();
    // Principal-side policies exist only for a signed IAM caller.
    if iam_caller {
        for p in &policies.identity {
            hits(PolicyKind::Identity, p, None, request, bounded, &mut all);
        }
        for p in &policies.boundaries {
            hits(
                PolicyKind::PermissionBoundary,
                p,
                None,
                request,
                bounded,
                &mut all,
            );
        }
        if let Some(p) = &policies.session {
            hits(PolicyKind::Session, p, None, request, bounded, &mut all);
        }
        for level in &policies.scps {
            for p in &level.policies {
                hits(
                    PolicyKind::Scp,
                    p,
                    Some(&level.id),
                    request,
                    bounded,
                    &mut all,
                );
            }
        }
    }
    if let Some(p) = &policies.resource {
        hits(PolicyKind::Resource, p, None, request, bounded, &mut all);
    }
    for level in &policies.rcps {
        for p in &level.policies {
            hits(
                PolicyKind::Rcp,
                p,
                Some(&level.id),
                request,
                bounded,
                &mut all,
            );
        }
    }
    for p in &policies.endpoints {
        hits(PolicyKind::Endpoint, p, None, request, bounded, &mut all);
    }

    let denies: Vec<StatementRef> = all
        .iter()
        .filter(|h| h.statement.effect.value == Effect::Deny)
        .map(Hit::to_ref)
        .collect();
    if let Some(first) = denies.first() {
        let reason = format!(
            "explicitly denied by statement `{}` of {} `{}`",
            first.statement,
            first.kind.describe(),
            first.policy
        );
        return Evaluation {
            decision: Decision::ExplicitlyDenied,
            statements: denies,
            reason: reason.into(),
        };
    }

    let of = |kind: PolicyKind| -> Vec<&Hit> { allows(&all).filter(|h| h.kind == kind).collect() };
    let implicit = |reason: String| Evaluation {
        decision: Decision::ImplicitlyDenied,
        statements: Vec::new(),
        reason: reason.into(),
    };
    let mut needed: Vec<StatementRef> = Vec::new();

    if iam_caller {
        for level in &policies.scps {
            let found: Vec<&Hit> = of(PolicyKind::Scp)
                .into_iter()
                .filter(|h| h.level == Some(level.id.as_str()))
                .collect();
            match found.first() {
                Some(hit) => needed.push(hit.to_ref()),
                None => {
                    return implicit(format!(
                        "no SCP attached at `{}` allows the request",
                        level.id
                    ));
                }
            }
        }
    }
    for endpoint in &policies.endpoints {
        let found = of(PolicyKind::Endpoint)
            .into_iter()
            .find(|h| std::ptr::eq(h.policy, endpoint));
        match found {
            Some(hit) => needed.push(hit.to_ref()),
            None => {
                return implicit(format!(
                    "VPC endpoint policy `{}` does not allow the request",
                    endpoint.name
                ));
            }
        }
    }

    let mut resource_allows = of(PolicyKind::Resource);
    // RestrictPublicBuckets: a public policy grants only to AWS services and
    // the owner's account; every other grant in it is disregarded.
    if policies.block_public_access.restricts_public_buckets()
        && let Some(resource) = &policies.resource
        && crate::public::is_public(&resource.policy)
    {
        let owner_or_service = match &request.principal {
            Principal::Service(_) => true,
            Principal::Iam(_) => request.same_account(),
            _ => false,
        };
        if !owner_or_service {
            resource_allows.clear();
            if !iam_caller {
                return implicit(
                    "RestrictPublicBuckets: the bucket policy is public, so its grants reach only AWS services and the owner's account".into(),
                );
            }
        }
    }
    let identity_allows = of(PolicyKind::Identity);
    let best = |m: PrincipalMatch| resource_allows.iter().find(|h| h.principal == Some(m));
    let resource_hit = [
        PrincipalMatch::Exact,
        PrincipalMatch::Everyone,
        PrincipalMatch::Role,
        PrincipalMatch::Account,
    ]
    .into_iter()
    .find_map(best);

    // STS serves AssumeRole (and AssumeRoleWithWebIdentity/SAML aside, which
    // the identity provider's token authenticates) only to signed requests
    // from IAM users and roles: never anonymously, never to the root user.
    if request.action.eq_ignore_ascii_case("sts:AssumeRole") {
        match &request.principal {
            Principal::Anonymous => {
                return implicit("STS refuses unsigned `AssumeRole` requests".into());
            }
            Principal::Iam(p) if p.kind == crate::request::IamKind::Root => {
                return implicit(
                    "the root user cannot call `AssumeRole`; only IAM users and roles can".into(),
                );
            }
            _ => {}
        }
    }

    if !iam_caller {
        // Anonymous callers and services have no identity policies: only a
        // resource policy naming them (or everyone) can allow.
        return match resource_hit.filter(|h| h.principal != Some(PrincipalMatch::Account)) {
            Some(hit) => {
                needed.push(hit.to_ref());
                allowed(needed, "allowed by the resource-based policy")
            }
            None => implicit("no resource-based policy grants this caller the request".into()),
        };
    }

    let federated_user = matches!(
        &request.principal,
        Principal::Iam(p) if p.kind == crate::request::IamKind::FederatedUser
    );
    let bounded = |needed: &mut Vec<StatementRef>| -> Result<(), String> {
        for boundary in &policies.boundaries {
            match of(PolicyKind::PermissionBoundary)
                .into_iter()
                .find(|h| std::ptr::eq(h.policy, boundary))
            {
                Some(hit) => needed.push(hit.to_ref()),
                None => {
                    return Err(format!(
                        "the permissions boundary `{}` does not allow the request",
                        boundary.name
                    ));
                }
            }
        }
        if federated_user && policies.session.is_none() {
            return Err(
                "a federated user session without a session policy has no permissions".into(),
            );
        }
        if let Some(session) = &policies.session {
            match of(PolicyKind::Session).first() {
                Some(hit) => needed.push(hit.to_ref()),
                None => {
                    return Err(format!(
                        "the session policy `{}` does not allow the request",
                        session.name
                    ));
                }
            }
        }
        Ok(())
    };

    let mandatory = mandatory_resource_policy(request);
    if mandatory.is_some() && resource_hit.is_none() {
        let what = mandatory.unwrap_or_default();
        return implicit(format!(
            "the {what} does not allow the request, and {what} must"
        ));
    }

    if request.same_account() {
        let root = matches!(
            &request.principal,
            Principal::Iam(p) if p.kind == crate::request::IamKind::Root
        );
        if root && mandatory.is_none() {
            return allowed(
                needed,
                "the account root user has full access in its own account",
            );
        }
        // A role's trust policy grants only within the caller's boundary
        // (AWS: "Update a role trust policy").
        let trust = mandatory == Some("role trust policy");
        if let Some(hit) = resource_hit {
            match hit.principal {
                // Granted to the caller itself (or everyone): boundaries and
                // session policies do not limit it.
                Some(PrincipalMatch::Exact | PrincipalMatch::Everyone) if !trust => {
                    needed.push(hit.to_ref());
                    return allowed(needed, "allowed by the resource-based policy");
                }
                Some(PrincipalMatch::Role | PrincipalMatch::Exact | PrincipalMatch::Everyone) => {
                    let mut with_bounds = needed.clone();
                    with_bounds.push(hit.to_ref());
                    if bounded(&mut with_bounds).is_ok() {
                        return allowed(with_bounds, "allowed by the resource-based policy");
                    }
                    if trust {
                        let mut probe = Vec::new();
                        if let Err(reason) = bounded(&mut probe) {
                            return implicit(reason);
                        }
                    }
                }
                _ => {}
            }
        }
        let Some(identity) = identity_allows.first() else {
            return implicit(match resource_hit {
                Some(_) => "the resource-based policy delegates to the account, and no identity-based policy allows the request".into(),
                None => "no identity-based or resource-based policy allows the request".into(),
            });
        };
        needed.push(identity.to_ref());
        if let Err(reason) = bounded(&mut needed) {
            return implicit(reason);
        }
        if let Some(hit) = resource_hit.filter(|_| mandatory.is_some()) {
            needed.push(hit.to_ref());
        }
        return allowed(needed, "allowed by an identity-based policy");
    }

    // Cross-account: the resource's account and the caller's must both allow.
    let Some(hit) = resource_hit else {
        return implicit(
            "cross-account: the resource-based policy does not allow the caller".into(),
        );
    };
    let Some(identity) = identity_allows.first() else {
        return implicit(
            "cross-account: no identity-based policy in the caller's account allows the request"
                .into(),
        );
    };
    needed.push(hit.to_ref());
    needed.push(identity.to_ref());
    if let Err(reason) = bounded(&mut needed) {
        return implicit(reason);
    }
    allowed(
        needed,
        "allowed by both the resource-based and the identity-based policy (cross-account)",
    )
}

fn allowed(statements: Vec<StatementRef>, reason: &'static str) -> Evaluation {
    Evaluation {
        decision: Decision::Allowed,
        statements,
        reason: Cow::Borrowed(reason),
    }
}

/// The resource policies that must allow by themselves: a role's trust
/// policy for `sts:AssumeRole*`, a KMS key policy for `kms:*`.
fn mandatory_resource_policy(request: &Request) -> Option<&'static str> {
    let action = request.action.as_bytes();
    let starts = |prefix: &str| {
        action.len() >= prefix.len()
            && action[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    };
    if starts("sts:assumerole") {
        Some("role trust policy")
    } else if starts("kms:") {
        Some("key policy")
    } else {
        None
    }
}
