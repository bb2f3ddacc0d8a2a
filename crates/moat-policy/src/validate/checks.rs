//! The checks, one function each; each says what it finds in its message.

use super::PolicyType;
use crate::actions::{self, KeyType};
use crate::document::{Condition, Effect, OperatorFamily as F, Policy, SetQualifier, Statement};
use crate::values::{IpRange, date_millis, number};
use moat_source::{Diagnostic, SourceFile, Span};

struct Out<'a> {
    file: &'a SourceFile,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Out<'_> {
    fn error(&mut self, span: Span, code: &str, message: String, help: Option<String>) {
        self.push(Diagnostic::error(code, message), span, help);
    }

    fn warning(&mut self, span: Span, code: &str, message: String, help: Option<String>) {
        self.push(Diagnostic::warning(code, message), span, help);
    }

    fn push(&mut self, diagnostic: Diagnostic, span: Span, help: Option<String>) {
        let mut diagnostic = diagnostic.at(self.file, span);
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.diagnostics.push(diagnostic);
    }
}

pub(super) fn run(
    policy: &Policy,
    kind: PolicyType,
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut out = Out { file, diagnostics };
    version(policy, &mut out);
    duplicate_sids(policy, &mut out);
    for statement in &policy.statements {
        principal_element(statement, kind, &mut out);
        resource_element(statement, kind, &mut out);
        actions_known(statement, &mut out);
        resources_are_arns(statement, &mut out);
        broad_grants(statement, &mut out);
        pass_role_on_everything(statement, &mut out);
        for condition in &statement.conditions {
            condition_values(condition, &mut out);
            condition_key(statement, condition, &mut out);
            mfa_deny(statement, condition, &mut out);
        }
        if kind == PolicyType::Rcp && statement.effect.value == Effect::Allow {
            out.error(
                statement.effect.span,
                "policy::rcp-allow",
                "an RCP statement must be a `Deny`: AWS attaches `RCPFullAWSAccess` for the allows"
                    .into(),
                None,
            );
        }
    }
}

/// Without `Version: 2012-10-17`, `${...}` is literal text.
fn version(policy: &Policy, out: &mut Out) {
    let has_variables = policy.statements.iter().any(|s| {
        s.resource
            .iter()
            .flat_map(|r| &r.patterns)
            .any(|p| p.value.contains("${"))
            || s.conditions
                .iter()
                .flat_map(|c| &c.values)
                .any(|v| v.value.contains("${"))
    });
    match &policy.version {
        None => out.warning(
            policy.span,
            "policy::no-version",
            "the policy has no `Version`: IAM reads it as `2008-10-17`, where `${...}` is literal text".into(),
            Some("add `\"Version\": \"2012-10-17\"`".into()),
        ),
        Some(v) if v.value == "2008-10-17" && has_variables => out.warning(
            v.span,
            "policy::variables-need-2012",
            "policy variables are literal text in a `2008-10-17` policy".into(),
            Some("use `\"Version\": \"2012-10-17\"`".into()),
        ),
        _ => {}
    }
}

fn duplicate_sids(policy: &Policy, out: &mut Out) {
    let mut seen: Vec<&str> = Vec::new();
    for s in &policy.statements {
        if let Some(sid) = &s.sid {
            if seen.contains(&sid.value.as_str()) {
                out.error(
                    sid.span,
                    "policy::duplicate-sid",
                    format!("`Sid` `{}` is used twice", sid.value),
                    None,
                );
            }
            seen.push(&sid.value);
        }
    }
}

fn principal_element(statement: &Statement, kind: PolicyType, out: &mut Out) {
    match (&statement.principal, kind) {
        (Some(p), PolicyType::Identity | PolicyType::Scp) => out.error(
            p.key_span,
            "policy::principal-in-identity-policy",
            format!(
                "{} cannot name principals: the principal is whoever it is attached to",
                kind.describe()
            ),
            Some("remove `Principal`, or validate with `--kind resource`".into()),
        ),
        (None, PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp) => out.error(
            statement.span,
            "policy::missing-principal",
            format!("a statement of {} must name a `Principal`", kind.describe()),
            None,
        ),
        _ => {}
    }
}

fn resource_element(statement: &Statement, kind: PolicyType, out: &mut Out) {
    match (&statement.resource, kind) {
        (None, PolicyType::Identity | PolicyType::Resource | PolicyType::Scp | PolicyType::Rcp) => {
            out.error(
                statement.span,
                "policy::missing-resource",
                format!(
                    "a statement of {} needs `Resource` or `NotResource`",
                    kind.describe()
                ),
                None,
            )
        }
        (Some(r), PolicyType::Trust) => out.warning(
            r.key_span,
            "policy::resource-in-trust-policy",
            "a trust policy's resource is the role itself: `Resource` has no place here".into(),
            None,
        ),
        _ => {}
    }
}

/// Unknown actions (with did-you-mean), wildcards that match no action, and
/// services Moat has no data for (said, not silently accepted).
fn actions_known(statement: &Statement, out: &mut Out) {
    for pattern in &statement.action.patterns {
        let text = pattern.value.as_str();
        if text == "*" {
            continue;
        }
        let Some((prefix, _)) = text.split_once(':') else {
            out.error(
                pattern.span,
                "policy::invalid-action",
                format!("`{text}` is not an action: write `service:Action`"),
                None,
            );
            continue;
        };
        let prefix = prefix.to_ascii_lowercase();
        if prefix.contains(['*', '?']) {
            continue;
        }
        if !actions::is_known_service(&prefix) {
            out.push(
                Diagnostic::note(
                    "policy::service-not-checked",
                    format!("Moat has no action list for the service `{prefix}`; `{text}` is not checked"),
                ),
                pattern.span,
                None,
            );
            continue;
        }
        let lowered = format!("{prefix}:{}", &text[prefix.len() + 1..]);
        if text.contains(['*', '?']) {
            if actions::expand(&lowered).is_empty() {
                out.error(
                    pattern.span,
                    "policy::action-matches-nothing",
                    format!("`{text}` matches no `{prefix}` action"),
                    None,
                );
            }
        } else if !actions::is_known(&lowered) {
            out.error(
                pattern.span,
                "policy::unknown-action",
                format!("unknown action `{text}`"),
                actions::suggest(&lowered).map(|s| format!("did you mean `{s}`?")),
            );
        }
    }
}

/// A resource is `*` or an ARN `arn:partition:service:region:account:resource`.
fn resources_are_arns(statement: &Statement, out: &mut Out) {
    for pattern in statement.resource.iter().flat_map(|r| &r.patterns) {
        let text = pattern.value.as_str();
        if text == "*" || text.starts_with("${") {
            continue;
        }
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let valid = parts.len() == 6
            && parts[0] == "arn"
            && !parts[1].is_empty()
            && !parts[2].is_empty()
            && !parts[5].is_empty();
        if !valid {
            out.error(
                pattern.span,
                "policy::invalid-arn",
                format!("`{text}` is not an ARN (`arn:partition:service:region:account:resource`) or `*`"),
                None,
            );
        }
    }
}

/// `Allow` with `NotAction` or `NotPrincipal` grants far more than it names.
fn broad_grants(statement: &Statement, out: &mut Out) {
    if statement.effect.value != Effect::Allow {
        return;
    }
    if statement.action.negated {
        out.warning(
            statement.action.key_span,
            "policy::allow-with-not-action",
            "`Allow` with `NotAction` grants every action of every service except those listed, including ones AWS adds later".into(),
            Some("list the actions to allow in `Action` instead".into()),
        );
    }
    if let Some(p) = &statement.principal
        && p.negated
    {
        out.warning(
            p.key_span,
            "policy::allow-with-not-principal",
            "`Allow` with `NotPrincipal` grants everyone not listed, anonymous callers included; AWS recommends against it".into(),
            Some("name the principals in `Principal`, or use a `Deny` with conditions on `aws:PrincipalArn`".into()),
        );
    }
}

/// `iam:PassRole` on `*` lets the holder hand any role to any service.
fn pass_role_on_everything(statement: &Statement, out: &mut Out) {
    if statement.effect.value != Effect::Allow || statement.action.negated {
        return;
    }
    let passes = statement
        .action
        .patterns
        .iter()
        .any(|p| crate::matching::action_matches(&p.value, "iam:PassRole"));
    let everywhere = statement.resource.as_ref().is_some_and(|r| {
        !r.negated
            && r.patterns
                .iter()
                .any(|p| p.value == "*" || p.value.ends_with(":role/*"))
    });
    if passes && everywhere {
        out.warning(
            statement.action.key_span,
            "policy::pass-role-wildcard",
            "`iam:PassRole` on every role lets the holder give any role, administrators included, to a service it controls".into(),
            Some("name the roles in `Resource` and limit `iam:PassedToService`".into()),
        );
    }
}

/// Values the operator cannot read never match.
fn condition_values(condition: &Condition, out: &mut Out) {
    let family = condition.operator.value.family.positive();
    for value in &condition.values {
        let v = value.value.as_str();
        if v.contains("${") {
            continue;
        }
        let bad = match family {
            F::NumericEquals
            | F::NumericLessThan
            | F::NumericLessThanEquals
            | F::NumericGreaterThan
            | F::NumericGreaterThanEquals => number(v).is_none().then_some("a number"),
            F::DateEquals
            | F::DateLessThan
            | F::DateLessThanEquals
            | F::DateGreaterThan
            | F::DateGreaterThanEquals => date_millis(v)
                .is_none()
                .then_some("an ISO 8601 date or epoch seconds"),
            F::Bool | F::Null => (!v.eq_ignore_ascii_case("true")
                && !v.eq_ignore_ascii_case("false"))
            .then_some("`true` or `false`"),
            F::IpAddress => IpRange::parse(v)
                .is_none()
                .then_some("an IP address or CIDR range"),
            _ => None,
        };
        if let Some(expected) = bad {
            out.error(
                value.span,
                "policy::condition-value",
                format!(
                    "`{}` needs {expected}, not `{v}`: the condition can never hold",
                    condition.operator.value.name()
                ),
                None,
            );
        }
    }
}

/// The key exists, fits the operator, takes set qualifiers only if
/// multivalued, and can be present for the statement's actions.
fn condition_key(statement: &Statement, condition: &Condition, out: &mut Out) {
    let key = condition.key.value.as_str();
    let operator = condition.operator.value;
    let Some(info) = actions::condition_key(key) else {
        let prefix = key
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if prefix == "aws" || actions::is_known_service(&prefix) {
            out.warning(
                condition.key.span,
                "policy::unknown-condition-key",
                format!("unknown condition key `{key}`: a request never carries it, so the condition acts as if it were absent"),
                None,
            );
        }
        return;
    };
    let wanted = match operator.family.positive() {
        F::StringEquals | F::StringEqualsIgnoreCase | F::StringLike => Some(KeyType::String),
        F::NumericEquals
        | F::NumericLessThan
        | F::NumericLessThanEquals
        | F::NumericGreaterThan
        | F::NumericGreaterThanEquals => Some(KeyType::Numeric),
        F::DateEquals
        | F::DateLessThan
        | F::DateLessThanEquals
        | F::DateGreaterThan
        | F::DateGreaterThanEquals => Some(KeyType::Date),
        F::Bool => Some(KeyType::Bool),
        F::IpAddress => Some(KeyType::IpAddress),
        F::ArnEquals | F::ArnLike => Some(KeyType::Arn),
        F::BinaryEquals => Some(KeyType::Binary),
        _ => None,
    };
    // String operators read ARNs too; ARN operators read ARN-shaped strings.
    let compatible = |t: KeyType| {
        info.accepts(t)
            || (t == KeyType::String && info.accepts(KeyType::Arn))
            || (t == KeyType::Arn && info.accepts(KeyType::String))
    };
    if let Some(t) = wanted
        && !compatible(t)
    {
        out.warning(
            condition.operator.span,
            "policy::operator-type",
            format!(
                "`{}` compares {} values, but `{key}` holds {}",
                operator.name(),
                t.as_str(),
                info.key_type().as_str()
            ),
            None,
        );
    }
    match (operator.qualifier, info.multivalued) {
        (Some(SetQualifier::ForAllValues), false) => out.warning(
            condition.operator.span,
            "policy::for-all-values-single-valued",
            format!("`ForAllValues` on the single-valued key `{key}` holds when the key is absent: the condition may let requests through"),
            Some(format!("drop the `ForAllValues:` qualifier for `{key}`")),
        ),
        (Some(SetQualifier::ForAnyValue), false) => out.warning(
            condition.operator.span,
            "policy::for-any-value-single-valued",
            format!("`ForAnyValue` on the single-valued key `{key}` is the operator without the qualifier; write it so"),
            None,
        ),
        (None, true) if operator.family != F::Null => out.warning(
            condition.operator.span,
            "policy::multivalued-without-qualifier",
            format!("`{key}` can carry several values; `{}` without `ForAnyValue:` or `ForAllValues:` has no defined meaning for a set", operator.name()),
            Some("say which values must match: `ForAllValues:` (every one) or `ForAnyValue:` (at least one)".into()),
        ),
        _ => {}
    }
    if info.global || statement.action.negated {
        return;
    }
    let mut any_known = false;
    let mut valid_somewhere = false;
    for pattern in &statement.action.patterns {
        for action in actions::expand(&lowercase_prefix(&pattern.value)) {
            any_known = true;
            if actions::keys_valid_for(action).is_some_and(|keys| keys.contains(key)) {
                valid_somewhere = true;
            }
        }
    }
    if any_known && !valid_somewhere {
        out.warning(
            condition.key.span,
            "policy::condition-key-not-for-actions",
            format!("no action of this statement carries `{key}`: the condition acts as if the key were absent"),
            None,
        );
    }
}

fn lowercase_prefix(pattern: &str) -> String {
    match pattern.split_once(':') {
        Some((prefix, name)) => format!("{}:{name}", prefix.to_ascii_lowercase()),
        None => pattern.to_string(),
    }
}

/// `Deny` with `Bool aws:MultiFactorAuthPresent false` misses requests signed
/// with long-term access keys, which carry no MFA key at all.
fn mfa_deny(statement: &Statement, condition: &Condition, out: &mut Out) {
    let operator = condition.operator.value;
    if statement.effect.value == Effect::Deny
        && condition
            .key
            .value
            .eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
        && operator.family == F::Bool
        && !operator.if_exists
        && condition
            .values
            .iter()
            .any(|v| v.value.eq_ignore_ascii_case("false"))
    {
        out.warning(
            condition.operator.span,
            "policy::mfa-deny-misses-long-term-keys",
            "this `Deny` does not apply to requests signed with long-term access keys, which carry no `aws:MultiFactorAuthPresent`".into(),
            Some("use `BoolIfExists` so an absent key is denied too".into()),
        );
    }
}
