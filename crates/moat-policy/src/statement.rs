//! Whether one statement applies to a request: its action, resource,
//! principal and conditions all match.

use crate::condition::holds;
use crate::document::{
    Effect, Patterns, Policy, PrincipalEntry, PrincipalKind, Principals, Statement,
};
use crate::matching::{action_matches, arn_matches, arn_matches_str};
use crate::request::{IamKind, Principal, Request};
use crate::variables::{expand, pieces};
use serde::Serialize;

/// How a resource policy's `Principal` named the caller; the evaluation
/// treats these differently (an account is a delegation to its IAM policies).
/// Ordered from the weakest grant to the strongest, so that when several
/// entries of one statement name the caller the strongest counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum PrincipalMatch {
    /// The caller's account (`111122223333` or its `:root` ARN).
    Account,
    /// The role whose session the caller is.
    Role,
    /// `*` or `{"AWS": "*"}`: anyone, signed or not.
    Everyone,
    /// The caller itself: its user, session or federated-user ARN, or the
    /// service or identity provider it is.
    Exact,
}

/// Whether `statement` of `policy` applies to `request`; for a statement
/// with a principal element, how the caller was matched. `bounded` is
/// whether the caller has a permissions boundary (AWS: a `Deny` with
/// `NotPrincipal` always denies such a caller, whatever it lists).
pub fn applies(
    policy: &Policy,
    statement: &Statement,
    request: &Request,
    bounded: bool,
) -> Option<Option<PrincipalMatch>> {
    let variables = policy.expands_variables();
    if !actions_match(&statement.action, &request.action) {
        return None;
    }
    if let Some(resource) = &statement.resource
        && !resources_match(resource, request, variables)
    {
        return None;
    }
    let principal = match &statement.principal {
        Some(principals) => Some(principal_matches(
            principals,
            &request.principal,
            statement.effect.value,
            bounded,
        )?),
        None => None,
    };
    if !statement
        .conditions
        .iter()
        .all(|c| holds(c, &request.context, variables))
    {
        return None;
    }
    Some(principal)
}

fn actions_match(element: &Patterns, action: &str) -> bool {
    let any = element
        .patterns
        .iter()
        .any(|p| action_matches(&p.value, action));
    any != element.negated
}

fn resources_match(element: &Patterns, request: &Request, variables: bool) -> bool {
    let mut any = false;
    for p in &element.patterns {
        let matched = match pieces(&p.value).filter(|_| variables) {
            Some(pieces) => match expand(&pieces, &request.context, true) {
                Some(tokens) => arn_matches(&tokens, &request.resource),
                // A variable without a value (and no default) matches
                // nothing in `Resource`, and in `NotResource` leaves the
                // element unresolved: it excludes everything rather than
                // nothing (AWS: an unresolvable variable may invalidate the
                // statement; reading it as not applying grants least).
                None if element.negated => return false,
                None => false,
            },
            None => arn_matches_str(&p.value, &request.resource),
        };
        any |= matched;
    }
    any != element.negated
}

/// For `Principal`, how an entry names the caller (the closest match wins);
/// for `NotPrincipal`, whether the caller escapes the entries.
fn principal_matches(
    element: &Principals,
    caller: &Principal,
    effect: Effect,
    bounded: bool,
) -> Option<PrincipalMatch> {
    if element.negated {
        let applies = match effect {
            Effect::Deny => bounded || not_principal_matches(element, caller),
            // An Allow to everyone but the listed: the caller gets nothing
            // from it if any identity it carries is listed.
            Effect::Allow => !element
                .entries
                .iter()
                .any(|e| entry_matches(e, caller).is_some()),
        };
        return applies.then_some(PrincipalMatch::Everyone);
    }
    element
        .entries
        .iter()
        .filter_map(|entry| entry_matches(entry, caller))
        .max()
}

fn entry_matches(entry: &PrincipalEntry, caller: &Principal) -> Option<PrincipalMatch> {
    let value = entry.value.value.as_str();
    match (entry.kind, caller) {
        (PrincipalKind::Everyone, _) => Some(PrincipalMatch::Everyone),
        (PrincipalKind::Aws, _) if value == "*" => Some(PrincipalMatch::Everyone),
        (PrincipalKind::Aws, Principal::Iam(p)) => {
            if value == p.account || value == format!("arn:{}:iam::{}:root", p.partition, p.account)
            {
                return Some(PrincipalMatch::Account);
            }
            if value == p.arn {
                // A bare role ARN as the caller stands for a session of the
                // role: naming it names the role.
                let bare_role =
                    matches!(&p.kind, IamKind::RoleSession { session, .. } if session.is_empty());
                return Some(if bare_role {
                    PrincipalMatch::Role
                } else {
                    PrincipalMatch::Exact
                });
            }
            let role = role_of(value)?;
            (role.0 == p.account && Some(role.1) == p.role_name()).then_some(PrincipalMatch::Role)
        }
        // A name like `cognito-identity.amazonaws.com` reads as a service
        // but is written under `Federated`: compare the names either way.
        (
            PrincipalKind::Service | PrincipalKind::Federated,
            Principal::Service(name) | Principal::Federated(name),
        ) => value
            .eq_ignore_ascii_case(name)
            .then_some(PrincipalMatch::Exact),
        _ => None,
    }
}

/// (account, role name) of a role ARN `arn:aws:iam::ACCOUNT:role/path/Name`.
fn role_of(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, "iam", _, account, resource] = parts[..] else {
        return None;
    };
    let path = resource.strip_prefix("role/")?;
    Some((account, path.rsplit('/').next().unwrap_or(path)))
}

/// `NotPrincipal` applies unless every identity the caller carries is
/// listed: IAM checks a user's account and the user, and a role session's
/// account, role and session, so excluding a user without its account still
/// leaves the statement applying (AWS's documented `NotPrincipal` pitfall).
fn not_principal_matches(element: &Principals, caller: &Principal) -> bool {
    let listed = |want: PrincipalMatch| {
        element
            .entries
            .iter()
            .any(|e| match entry_matches(e, caller) {
                Some(PrincipalMatch::Everyone) => true,
                Some(found) => found == want,
                None => false,
            })
    };
    match caller {
        Principal::Iam(p) => {
            let mut identities = vec![PrincipalMatch::Account];
            match p.kind {
                IamKind::Root => {}
                IamKind::RoleSession { ref session, .. } => {
                    identities.push(PrincipalMatch::Role);
                    if !session.is_empty() {
                        identities.push(PrincipalMatch::Exact);
                    }
                }
                IamKind::User | IamKind::FederatedUser => identities.push(PrincipalMatch::Exact),
            }
            !identities.into_iter().all(listed)
        }
        Principal::Anonymous => !element
            .entries
            .iter()
            .any(|e| matches!(entry_matches(e, caller), Some(PrincipalMatch::Everyone))),
        _ => !listed(PrincipalMatch::Exact),
    }
}
