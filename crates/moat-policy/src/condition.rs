//! Whether one condition holds for a request's context, following IAM's
//! documented rules for absent keys, `IfExists`, negated operators and the
//! `ForAnyValue`/`ForAllValues` set qualifiers.

use crate::document::{Condition, OperatorFamily as F, SetQualifier};
use crate::matching::{arn_matches, arn_matches_str, glob, glob_str};
use crate::request::Context;
use crate::values::{IpRange, date_millis, number};
use crate::variables::{expand, expand_text, pieces};

/// Whether `condition` holds. `variables` is whether the policy's language
/// expands `${...}` (2012-10-17).
pub fn holds(condition: &Condition, context: &Context, variables: bool) -> bool {
    let operator = condition.operator.value;
    let present = context.get(&condition.key.value).filter(|v| !v.is_empty());
    if operator.family == F::Null {
        // `true`: the key must be absent; `false`: present. Several values: any.
        return condition.values.iter().any(|v| {
            let wants_absent = v.value.eq_ignore_ascii_case("true");
            let wants_present = v.value.eq_ignore_ascii_case("false");
            (wants_absent && present.is_none()) || (wants_present && present.is_some())
        });
    }
    let negated = operator.family.is_negated();
    let positive = operator.family.positive();
    // A request value matches the policy's values when it equals (likes...)
    // any of them; for a negated operator, when it matches none.
    let value_matches = |request_value: &str| {
        let any = condition
            .values
            .iter()
            .any(|v| compare(positive, &v.value, request_value, context, variables));
        any != negated
    };
    match operator.qualifier {
        None => match present {
            None => operator.if_exists || negated,
            Some(values) if negated => values.iter().all(|v| value_matches(v)),
            Some(values) => values.iter().any(|v| value_matches(v)),
        },
        // `IfExists` does not rescue an absent key here: with no value there
        // is no "any value" that matches (AWS re:Post, ForAnyValue:StringEqualsIfExists
        // on a request without aws:TagKeys is denied).
        Some(SetQualifier::ForAnyValue) => match present {
            None => false,
            Some(values) => values.iter().any(|v| value_matches(v)),
        },
        // Holds for an absent or empty key: every one of no values matches.
        Some(SetQualifier::ForAllValues) => match present {
            None => true,
            Some(values) => values.iter().all(|v| value_matches(v)),
        },
    }
}

/// One policy value against one request value, for a positive operator.
fn compare(family: F, policy: &str, request: &str, context: &Context, variables: bool) -> bool {
    let expanded = || -> Option<String> {
        match pieces(policy).filter(|_| variables && family.takes_variables()) {
            Some(p) => expand_text(&p, context),
            None => Some(policy.to_string()),
        }
    };
    match family {
        F::StringEquals => expanded().is_some_and(|p| p == request),
        F::StringEqualsIgnoreCase => {
            expanded().is_some_and(|p| p.to_lowercase() == request.to_lowercase())
        }
        F::StringLike => like(policy, request, context, variables, false),
        F::ArnEquals | F::ArnLike => like(policy, request, context, variables, true),
        F::NumericEquals => numeric(policy, request, |a, b| a == b),
        F::NumericLessThan => numeric(policy, request, |p, r| r < p),
        F::NumericLessThanEquals => numeric(policy, request, |p, r| r <= p),
        F::NumericGreaterThan => numeric(policy, request, |p, r| r > p),
        F::NumericGreaterThanEquals => numeric(policy, request, |p, r| r >= p),
        F::DateEquals => dates(policy, request, |p, r| r == p),
        F::DateLessThan => dates(policy, request, |p, r| r < p),
        F::DateLessThanEquals => dates(policy, request, |p, r| r <= p),
        F::DateGreaterThan => dates(policy, request, |p, r| r > p),
        F::DateGreaterThanEquals => dates(policy, request, |p, r| r >= p),
        F::Bool => {
            policy.eq_ignore_ascii_case(request)
                && (policy.eq_ignore_ascii_case("true") || policy.eq_ignore_ascii_case("false"))
        }
        F::BinaryEquals => policy == request,
        F::IpAddress => match (IpRange::parse(policy), request.trim().parse()) {
            (Some(range), Ok(ip)) => range.contains(ip),
            _ => false,
        },
        // Negated families never reach here; Null is handled by the caller.
        _ => false,
    }
}

fn like(policy: &str, request: &str, context: &Context, variables: bool, arn: bool) -> bool {
    let Some(p) = pieces(policy).filter(|_| variables) else {
        return if arn {
            arn_matches_str(policy, request)
        } else {
            glob_str(policy, request)
        };
    };
    let Some(pattern) = expand(&p, context, true) else {
        return false;
    };
    if arn {
        arn_matches(&pattern, request)
    } else {
        glob(&pattern, request)
    }
}

fn numeric(policy: &str, request: &str, test: impl Fn(f64, f64) -> bool) -> bool {
    matches!((number(policy), number(request)), (Some(p), Some(r)) if test(p, r))
}

fn dates(policy: &str, request: &str, test: impl Fn(i128, i128) -> bool) -> bool {
    matches!((date_millis(policy), date_millis(request)), (Some(p), Some(r)) if test(p, r))
}
