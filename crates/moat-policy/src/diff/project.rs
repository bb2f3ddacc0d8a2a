//! The statements of both policies, and each statement cut down to one of
//! its elements. `statement::applies` is the conjunction of its action,
//! resource, principal and condition tests, so a statement applies to a
//! request exactly when each projection does: the search computes each
//! dimension apart with the evaluator's own code and combines them.

use super::bits::Bits;
use crate::document::{Patterns, Policy, Spanned, Statement};
use crate::request::{Context, Principal, Request};
use crate::statement::applies;

/// One statement of OLD or NEW, with its projections.
pub(crate) struct Stmt<'a> {
    pub policy: &'a Policy,
    pub statement: &'a Statement,
    /// Only `Action`/`NotAction` (no resource, principal or condition).
    pub action: Statement,
    /// Only `Resource`/`NotResource` (`Action: *`).
    pub resource: Statement,
    /// Only `Principal`/`NotPrincipal` (`Action: *`).
    pub principal: Statement,
}

fn any_action(like: &Patterns) -> Patterns {
    Patterns {
        negated: false,
        patterns: vec![Spanned::new("*".to_string(), like.key_span)],
        key_span: like.key_span,
    }
}

impl<'a> Stmt<'a> {
    pub fn new(policy: &'a Policy, statement: &'a Statement) -> Stmt<'a> {
        let bare = Statement {
            principal: None,
            resource: None,
            conditions: Vec::new(),
            ..statement.clone()
        };
        let star = Statement {
            action: any_action(&statement.action),
            ..bare.clone()
        };
        Stmt {
            policy,
            statement,
            action: bare,
            resource: Statement {
                resource: statement.resource.clone(),
                ..star.clone()
            },
            principal: Statement {
                principal: statement.principal.clone(),
                ..star
            },
        }
    }
}

/// OLD's statements, then NEW's.
pub(crate) fn statements<'a>(old: &'a Policy, new: &'a Policy) -> Vec<Stmt<'a>> {
    old.statements
        .iter()
        .map(|s| Stmt::new(old, s))
        .chain(new.statements.iter().map(|s| Stmt::new(new, s)))
        .collect()
}

/// A request that only the dimension under test distinguishes.
pub(crate) fn probe(
    principal: Principal,
    action: &str,
    resource: &str,
    context: Context,
) -> Request {
    Request {
        principal,
        action: action.to_string(),
        resource: resource.to_string(),
        resource_account: None,
        context,
    }
}

/// A principal for probes of the dimensions that do not look at it.
pub(crate) fn nobody() -> Principal {
    Principal::Anonymous
}

/// The statements whose projection `pick` applies to `request`.
pub(crate) fn bits_of(
    stmts: &[Stmt],
    request: &Request,
    bounded: bool,
    pick: for<'s> fn(&'s Stmt<'_>) -> &'s Statement,
) -> Bits {
    let mut bits = Bits::zeros(stmts.len());
    for (i, s) in stmts.iter().enumerate() {
        bits.set(i, applies(s.policy, pick(s), request, bounded).is_some());
    }
    bits
}

/// The statements that apply to `request` as a whole.
pub(crate) fn full_bits(stmts: &[Stmt], request: &Request, bounded: bool) -> Bits {
    let mut bits = Bits::zeros(stmts.len());
    for (i, s) in stmts.iter().enumerate() {
        bits.set(
            i,
            applies(s.policy, s.statement, request, bounded).is_some(),
        );
    }
    bits
}
