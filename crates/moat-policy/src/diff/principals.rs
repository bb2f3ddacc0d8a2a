//! Principal classes. A statement's `Principal`/`NotPrincipal` compares the
//! caller with each entry only by equality: the same account (or its root
//! ARN, in the caller's partition), the same ARN, the same role, the same
//! service or provider name, or `*`. So callers fall into finitely many
//! classes: each named ARN; for each named account its root user, a user,
//! a session of each named role (and the bare role ARN), a session of an
//! unnamed role and a federated user, none of them named; the same for two
//! unnamed accounts; anonymous; each named service or provider and an
//! unnamed one. With the resource's account (named, or unnamed) this
//! realises every combination the evaluator can tell apart.

use super::bits::Bits;
use super::kind::DiffKind;
use super::project::{Stmt, probe};
use crate::document::PrincipalKind;
use crate::request::{Context, IamKind, Principal, Request};
use crate::statement::{PrincipalMatch, applies};
use std::collections::{BTreeSet, HashSet};

/// A caller and the account that owns the resource.
pub(crate) struct PrincipalClass {
    pub principal: Principal,
    pub owner: String,
    pub bits: Bits,
    /// Per statement, how its principal element names the caller: 0 not at
    /// all, 1 no principal element, 2-5 everyone, account, role, exact.
    pub codes: Vec<u8>,
}

/// What the principal element can name, collected from every statement.
#[derive(Default)]
struct Named {
    /// (partition, account)
    accounts: BTreeSet<(String, String)>,
    /// (account, role name)
    roles: BTreeSet<(String, String)>,
    arns: Vec<String>,
    names: Vec<String>,
}

fn collect(stmts: &[Stmt]) -> Named {
    let mut named = Named::default();
    for s in stmts {
        let Some(principals) = &s.statement.principal else {
            continue;
        };
        for entry in &principals.entries {
            let value = entry.value.value.as_str();
            match entry.kind {
                PrincipalKind::Aws if value == "*" => {}
                PrincipalKind::Aws
                    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    named.accounts.insert(("aws".into(), value.into()));
                }
                PrincipalKind::Aws if value.starts_with("arn:") => {
                    let parts: Vec<&str> = value.splitn(6, ':').collect();
                    if let [_, partition, _, _, account, resource] = parts[..] {
                        named.accounts.insert((partition.into(), account.into()));
                        if let Some(path) = resource.strip_prefix("role/") {
                            let role = path.rsplit('/').next().unwrap_or(path);
                            named.roles.insert((account.into(), role.into()));
                        }
                        if let Some(rest) = resource.strip_prefix("assumed-role/")
                            && let Some((role, _)) = rest.split_once('/')
                        {
                            named.roles.insert((account.into(), role.into()));
                        }
                    }
                    named.arns.push(value.into());
                }
                PrincipalKind::Service | PrincipalKind::Federated => named.names.push(value.into()),
                _ => {}
            }
        }
    }
    named
}

/// A name no policy text contains.
fn fresh_name(stmts: &[Stmt], stem: &str) -> String {
    let used = |candidate: &str| {
        stmts.iter().any(|s| {
            s.statement.principal.as_ref().is_some_and(|p| {
                p.entries
                    .iter()
                    .any(|e| e.value.value.to_ascii_lowercase().contains(candidate))
            })
        })
    };
    let mut n = 0;
    loop {
        let candidate = if n == 0 {
            stem.to_string()
        } else {
            format!("{stem}{n}")
        };
        if !used(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// Accounts no policy names.
fn fresh_accounts(named: &Named, count: usize) -> Vec<String> {
    let taken: HashSet<&str> = named.accounts.iter().map(|(_, a)| a.as_str()).collect();
    (0u64..)
        .map(|i| format!("{:012}", 210_987_654_321u64 - i * 1_111_111_111))
        .filter(|a| !taken.contains(a.as_str()))
        .take(count)
        .collect()
}

/// The callers worth trying, named ones first, each with the accounts that
/// may own the resource.
fn candidates(kind: DiffKind, stmts: &[Stmt]) -> Vec<(Principal, Vec<String>)> {
    let named = collect(stmts);
    let fresh = fresh_name(stmts, "moat");
    let unnamed = fresh_accounts(&named, 2);
    let mut accounts: Vec<(String, String)> = named.accounts.iter().cloned().collect();
    accounts.extend(unnamed.iter().map(|a| ("aws".to_string(), a.clone())));
    // The resource's account: any named one, or one no policy names.
    let mut owners: Vec<String> = named.accounts.iter().map(|(_, a)| a.clone()).collect();
    owners.extend(unnamed.first().cloned());
    owners.dedup();

    let mut texts: Vec<String> = named.arns.clone();
    for (partition, account) in &accounts {
        texts.push(format!("arn:{partition}:iam::{account}:user/{fresh}-user"));
        texts.push(format!("arn:{partition}:iam::{account}:root"));
        for (role_account, role) in &named.roles {
            if role_account == account {
                texts.push(format!(
                    "arn:{partition}:sts::{account}:assumed-role/{role}/{fresh}-session"
                ));
                texts.push(format!("arn:{partition}:iam::{account}:role/{role}"));
            }
        }
        texts.push(format!(
            "arn:{partition}:sts::{account}:assumed-role/{fresh}-role/{fresh}-session"
        ));
        texts.push(format!(
            "arn:{partition}:sts::{account}:federated-user/{fresh}-federated"
        ));
    }
    texts.extend(named.names.iter().cloned());
    texts.push(format!("{fresh}-service.amazonaws.com"));
    texts.push(format!("{fresh}-idp.example.com"));

    let mut out: Vec<(Principal, Vec<String>)> = Vec::new();
    let mut push = |principal: Principal| {
        if !kind.concerns(&principal) || out.iter().any(|(p, _)| *p == principal) {
            return;
        }
        let owners = match (&principal, kind.owner_is_callers()) {
            (Principal::Iam(p), true) => vec![p.account.clone()],
            (_, true) => Vec::new(),
            (_, false) => owners.clone(),
        };
        out.push((principal, owners));
    };
    for text in &texts {
        if let Ok(principal) = Principal::parse(text) {
            push(principal);
        }
    }
    push(Principal::Anonymous);
    out
}

/// What the evaluator distinguishes about a caller beyond the statements it
/// matches: anonymous, a service or provider, the root user, a federated user,
/// another IAM principal.
fn category(principal: &Principal) -> u8 {
    match principal {
        Principal::Anonymous => 0,
        Principal::Service(_) | Principal::Federated(_) => 1,
        Principal::Iam(p) => match p.kind {
            IamKind::Root => 2,
            IamKind::FederatedUser => 3,
            _ => 4,
        },
    }
}

fn match_code(m: Option<Option<PrincipalMatch>>) -> u8 {
    match m {
        None => 0,
        Some(None) => 1,
        Some(Some(PrincipalMatch::Everyone)) => 2,
        Some(Some(PrincipalMatch::Account)) => 3,
        Some(Some(PrincipalMatch::Role)) => 4,
        Some(Some(PrincipalMatch::Exact)) => 5,
    }
}

/// Whether a caller has a permissions boundary (the evaluator's `bounded`).
pub(crate) fn bounded(kind: DiffKind, principal: &Principal) -> bool {
    kind == DiffKind::Boundary && matches!(principal, Principal::Iam(_))
}

/// The caller classes, one representative each.
pub(crate) fn classes(kind: DiffKind, stmts: &[Stmt]) -> Vec<PrincipalClass> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (principal, owners) in candidates(kind, stmts) {
        for owner in owners {
            let request = Request {
                resource_account: Some(owner.clone()),
                ..probe(principal.clone(), "moat:Probe", "moat", Context::default())
            };
            let bounded = bounded(kind, &principal);
            let codes: Vec<u8> = stmts
                .iter()
                .map(|s| match_code(applies(s.policy, &s.principal, &request, bounded)))
                .collect();
            let key = (category(&principal), request.same_account(), codes);
            if !seen.insert(key.clone()) {
                continue;
            }
            let mut bits = Bits::zeros(stmts.len());
            for (i, code) in key.2.iter().enumerate() {
                bits.set(i, *code != 0);
            }
            out.push(PrincipalClass {
                principal: principal.clone(),
                owner,
                bits,
                codes: key.2,
            });
        }
    }
    out
}
