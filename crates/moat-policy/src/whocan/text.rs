//! The `who-can` answer as text: the principals that can (and those an
//! explicit deny stops), each with its requirements and the statements that
//! decided, then one line naming those that cannot.

use super::{Access, AccessDecision, Cited, Requirement, WhoCan};
use std::fmt::Write as _;

/// Renders `result`; `all` lists every principal that cannot, one by one.
pub fn render(result: &WhoCan, all: bool) -> String {
    let mut out = String::new();
    let account = result
        .resource_account
        .as_deref()
        .map(|a| format!(" (account {a})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "who can {} on {}{account}",
        result.action, result.resource
    );
    let shown = |a: &&Access| all || a.decision != AccessDecision::NotAllowed;
    for access in result.principals.iter().filter(shown) {
        out.push('\n');
        principal(&mut out, access);
    }
    let can = result.can().count();
    let cannot: Vec<&Access> = result
        .principals
        .iter()
        .filter(|a| a.decision == AccessDecision::NotAllowed)
        .collect();
    let unconditional = result
        .principals
        .iter()
        .filter(|a| a.decision == AccessDecision::Allowed)
        .count();
    let _ = write!(
        out,
        "\n{can} of {} principals can ({unconditional} with no condition to meet)",
        result.principals.len()
    );
    if !cannot.is_empty() && !all {
        let names: Vec<&str> = cannot.iter().map(|a| a.name.as_str()).collect();
        let _ = write!(out, "; not allowed: {}", names.join(", "));
    }
    out.push('\n');
    for note in &result.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

fn principal(out: &mut String, access: &Access) {
    let shown = if access.principal == access.name {
        access.name.clone()
    } else {
        format!("{} ({})", access.name, access.principal)
    };
    let _ = writeln!(
        out,
        "{:<12} {:<13} {shown}  [{}]",
        access.decision.as_str(),
        access.kind.as_str(),
        access.proof.as_str()
    );
    requirements(out, &access.conditions, "    ");
    let by = if access.decision.can() {
        "by"
    } else {
        "decided by"
    };
    statements(out, &access.statements, by, "    ");
    if access.decision == AccessDecision::NotAllowed {
        let _ = writeln!(out, "    {}", access.reason);
    }
    for route in &access.alternatives {
        let _ = writeln!(out, "    or:");
        requirements(out, &route.conditions, "        ");
        statements(out, &route.statements, "by", "        ");
    }
    for assumption in &access.assumptions {
        let _ = writeln!(out, "    assumed: {assumption}");
    }
}

fn requirements(out: &mut String, requirements: &[Requirement], indent: &str) {
    for r in requirements {
        let met = if r.met { "met: " } else { "" };
        let effect = match r.effect {
            crate::document::Effect::Allow => "Allow",
            crate::document::Effect::Deny => "Deny",
        };
        let _ = writeln!(
            out,
            "{indent}- {met}{}  ({effect} `{}`{})",
            r.text,
            r.statement,
            cite(&r.policy, r.location.as_ref())
        );
    }
}

fn statements(out: &mut String, statements: &[Cited], label: &str, indent: &str) {
    for c in statements {
        let s = &c.statement;
        let level = s
            .level
            .as_deref()
            .map(|l| format!(" at `{l}`"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{indent}{label}: {:?} `{}` of {}{}{level}",
            s.effect,
            s.statement,
            s.kind.describe(),
            cite_policy(&s.policy, c.location.as_ref())
        );
    }
}

/// ` of `policy`, file:line:col`, or only `, file:line:col` when the policy
/// is named after its file.
fn cite(policy: &str, location: Option<&moat_source::Location>) -> String {
    match location {
        Some(l) if l.file == policy => format!(", {l}"),
        Some(l) => format!(" of `{policy}`, {l}"),
        None => format!(" of `{policy}`"),
    }
}

/// ` `policy` (file:line:col)`, or only ` (file:line:col)` when the policy
/// is named after its file.
fn cite_policy(policy: &str, location: Option<&moat_source::Location>) -> String {
    match location {
        Some(l) if l.file == policy => format!(" ({l})"),
        Some(l) => format!(" `{policy}` ({l})"),
        None => format!(" `{policy}`"),
    }
}
