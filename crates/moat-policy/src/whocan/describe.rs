//! Conditions said in words: what a request must be for an `Allow` to apply
//! ("requires MFA (aws:MultiFactorAuthPresent = true)", "only via VPC
//! endpoint vpce-123", "only for prefix home/alice/*"), and what it must be
//! for a `Deny` not to apply (the condition negated, with IAM's rules for
//! absent keys: a negated operator holds when the key is absent, `IfExists`
//! holds when it is absent, `Null` asks only about presence).

use crate::document::{Condition, OperatorFamily as F, SetQualifier};

/// What must be true of one key, after negation is folded in.
enum Form<'c> {
    /// The key matches one of the values (`absent_ok`: or is absent).
    Match {
        family: F,
        absent_ok: bool,
        values: Vec<&'c str>,
    },
    /// The key matches none of the values (`absent_ok`: or is absent).
    NotMatch {
        family: F,
        absent_ok: bool,
        values: Vec<&'c str>,
    },
    Present,
    Absent,
}

/// The condition in words: `holds` is whether it must hold (from an
/// `Allow`) or must fail (to escape a `Deny`).
pub fn phrase(condition: &Condition, holds: bool) -> String {
    let operator = condition.operator.value;
    let key = condition.key.value.as_str();
    let values: Vec<&str> = condition.values.iter().map(|v| v.value.as_str()).collect();
    if let Some(qualifier) = operator.qualifier {
        let which = match qualifier {
            SetQualifier::ForAnyValue => "some value of",
            SetQualifier::ForAllValues => "every value of",
        };
        let op = symbol(operator.family.positive());
        let negated = operator.family.is_negated() == holds;
        let not = if negated { "not " } else { "" };
        let absent = match (qualifier, holds, operator.if_exists) {
            (SetQualifier::ForAllValues, true, _) | (SetQualifier::ForAnyValue, true, true) => {
                format!(", or no {key} at all")
            }
            _ => String::new(),
        };
        return format!("requires {which} {key} {not}{op} {}{absent}", list(&values));
    }
    let family = operator.family;
    let form = if family == F::Null {
        let wants_absent = values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        if wants_absent == holds {
            Form::Absent
        } else {
            Form::Present
        }
    } else if family.is_negated() {
        if holds {
            Form::NotMatch {
                family: family.positive(),
                absent_ok: true,
                values,
            }
        } else {
            Form::Match {
                family: family.positive(),
                absent_ok: false,
                values,
            }
        }
    } else if holds {
        Form::Match {
            family,
            absent_ok: operator.if_exists,
            values,
        }
    } else {
        Form::NotMatch {
            family,
            absent_ok: !operator.if_exists,
            values,
        }
    };
    render(key, form)
}

fn render(key: &str, form: Form) -> String {
    let lower = key.to_ascii_lowercase();
    // Every request has these keys: "or absent" would say nothing.
    let always = super::keys::always_present(key);
    match form {
        Form::Present => match lower.as_str() {
            "aws:multifactorauthpresent" => {
                "requires temporary credentials (aws:MultiFactorAuthPresent present)".into()
            }
            _ => format!("requires {key} to be present"),
        },
        Form::Absent => format!("requires no {key} in the request"),
        Form::Match {
            family,
            absent_ok,
            values,
        } => {
            let or_absent = if absent_ok && !always {
                format!(", or no {key} at all")
            } else {
                String::new()
            };
            format!("{}{or_absent}", positive(key, &lower, family, &values))
        }
        Form::NotMatch {
            family,
            absent_ok,
            values,
        } => {
            // A boolean that is always present and not `v` is `!v`.
            if family == F::Bool && values.len() == 1 {
                let flipped = if values[0].eq_ignore_ascii_case("true") {
                    "false"
                } else {
                    "true"
                };
                if lower == "aws:securetransport" {
                    return positive(key, &lower, F::Bool, &[flipped]);
                }
                if lower == "aws:multifactorauthpresent" && absent_ok && flipped == "true" {
                    return "requires MFA (aws:MultiFactorAuthPresent = true), or long-term access keys (no aws:MultiFactorAuthPresent)".into();
                }
                let text = positive(key, &lower, F::Bool, &[flipped]);
                let or_absent = if absent_ok && !always {
                    format!(", or no {key} at all")
                } else {
                    String::new()
                };
                return format!("{text}{or_absent}");
            }
            let or_absent = if absent_ok && !always {
                format!(", or no {key} at all")
            } else {
                String::new()
            };
            let text = match (lower.as_str(), family) {
                ("aws:sourcevpce", _) => {
                    format!("only when not via VPC endpoint {}", list(&values))
                }
                ("aws:sourcevpc", _) => format!("only when not from VPC {}", list(&values)),
                ("aws:sourceip", F::IpAddress) => format!("only from outside {}", list(&values)),
                ("aws:currenttime" | "aws:epochtime", _) if is_date_order(family) => {
                    return positive(key, &lower, date_opposite(family), &values) + &or_absent;
                }
                _ => format!("requires {key} not {} {}", symbol(family), list(&values)),
            };
            format!("{text}{or_absent}")
        }
    }
}

/// The words for "`key` matches one of `values` under `family`".
fn positive(key: &str, lower: &str, family: F, values: &[&str]) -> String {
    let v = list(values);
    let tag = |prefix: &str| lower.strip_prefix(prefix).map(|_| &key[prefix.len()..]);
    if let Some(name) = tag("aws:principaltag/") {
        return format!("requires principal tag {name}={v}");
    }
    if let Some(name) = tag("aws:resourcetag/") {
        return format!("requires resource tag {name}={v}");
    }
    if let Some(name) = tag("aws:requesttag/") {
        return format!("requires request tag {name}={v}");
    }
    if let Some(name) = tag("s3:existingobjecttag/") {
        return format!("requires object tag {name}={v}");
    }
    match (lower, family) {
        ("aws:securetransport", F::Bool)
            if values.iter().all(|v| v.eq_ignore_ascii_case("true")) =>
        {
            "requires TLS (aws:SecureTransport = true)".into()
        }
        ("aws:securetransport", F::Bool) => "only without TLS (aws:SecureTransport = false)".into(),
        ("aws:multifactorauthpresent", F::Bool)
            if values.iter().all(|v| v.eq_ignore_ascii_case("true")) =>
        {
            "requires MFA (aws:MultiFactorAuthPresent = true)".into()
        }
        ("aws:sourcevpce", _) => format!("only via VPC endpoint {v}"),
        ("aws:sourcevpc", _) => format!("only from VPC {v}"),
        ("aws:sourceip", F::IpAddress) => format!("only from {v}"),
        ("s3:prefix", _) => format!("only for prefix {v}"),
        ("aws:principalorgid", _) => format!("only for principals of organization {v}"),
        ("aws:sourceaccount", _) => format!("only on behalf of account {v}"),
        ("aws:sourcearn", _) => format!("only on behalf of {v}"),
        ("aws:principalarn", _) => format!("only for principal {v}"),
        ("aws:currenttime" | "aws:epochtime", f) if is_date_order(f) || is_numeric_order(f) => {
            format!("only {} {v}", symbol(f))
        }
        _ => format!("requires {key} {} {v}", symbol(family)),
    }
}

fn is_date_order(f: F) -> bool {
    matches!(
        f,
        F::DateLessThan | F::DateLessThanEquals | F::DateGreaterThan | F::DateGreaterThanEquals
    )
}

fn is_numeric_order(f: F) -> bool {
    matches!(
        f,
        F::NumericLessThan
            | F::NumericLessThanEquals
            | F::NumericGreaterThan
            | F::NumericGreaterThanEquals
    )
}

/// `before` <-> `at or after`.
fn date_opposite(f: F) -> F {
    match f {
        F::DateLessThan => F::DateGreaterThanEquals,
        F::DateLessThanEquals => F::DateGreaterThan,
        F::DateGreaterThan => F::DateLessThanEquals,
        _ => F::DateLessThan,
    }
}

fn symbol(family: F) -> &'static str {
    match family {
        F::StringEquals
        | F::ArnEquals
        | F::BinaryEquals
        | F::Bool
        | F::NumericEquals
        | F::DateEquals => "=",
        F::StringEqualsIgnoreCase => "= (any case)",
        F::StringLike | F::ArnLike => "like",
        F::NumericLessThan => "<",
        F::NumericLessThanEquals => "<=",
        F::NumericGreaterThan => ">",
        F::NumericGreaterThanEquals => ">=",
        F::DateLessThan => "before",
        F::DateLessThanEquals => "at or before",
        F::DateGreaterThan => "after",
        F::DateGreaterThanEquals => "at or after",
        F::IpAddress => "in",
        _ => family.name(),
    }
}

fn list(values: &[&str]) -> String {
    match values {
        [one] => (*one).to_string(),
        _ => values.join(" or "),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::document::read;

    fn first(condition: &str) -> Condition {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {condition}}}}}"#
        );
        let (policy, d) = read("p.json", &text);
        assert!(d.is_empty(), "{d:?}");
        policy.unwrap().statements[0].conditions[0].clone()
    }

    #[test]
    fn allows_and_denies_read_as_requirements() {
        let mfa = first(r#"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#);
        assert_eq!(
            phrase(&mfa, true),
            "requires MFA (aws:MultiFactorAuthPresent = true)"
        );
        let tls = first(r#"{"Bool": {"aws:SecureTransport": "false"}}"#);
        assert_eq!(
            phrase(&tls, false),
            "requires TLS (aws:SecureTransport = true)"
        );
        let vpce = first(r#"{"StringNotEquals": {"aws:SourceVpce": "vpce-123"}}"#);
        assert_eq!(phrase(&vpce, false), "only via VPC endpoint vpce-123");
        let prefix = first(r#"{"StringLike": {"s3:prefix": ["home/alice/*"]}}"#);
        assert_eq!(phrase(&prefix, true), "only for prefix home/alice/*");
        let tag = first(r#"{"StringEquals": {"aws:PrincipalTag/team": "x"}}"#);
        assert_eq!(phrase(&tag, true), "requires principal tag team=x");
        let mfa_deny = first(r#"{"Bool": {"aws:MultiFactorAuthPresent": "false"}}"#);
        assert!(phrase(&mfa_deny, false).contains("long-term access keys"));
        let if_exists = first(r#"{"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}"#);
        assert_eq!(
            phrase(&if_exists, true),
            "only via VPC endpoint vpce-1, or no aws:SourceVpce at all"
        );
        let null = first(r#"{"Null": {"s3:x-amz-server-side-encryption": "true"}}"#);
        assert_eq!(
            phrase(&null, false),
            "requires s3:x-amz-server-side-encryption to be present"
        );
        let time = first(r#"{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"#);
        assert_eq!(phrase(&time, true), "only before 2030-01-01T00:00:00Z");
        assert_eq!(
            phrase(&time, false),
            "only at or after 2030-01-01T00:00:00Z"
        );
    }
}
