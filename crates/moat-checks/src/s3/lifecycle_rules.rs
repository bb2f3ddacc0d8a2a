//! Which lifecycle rules take an action (expire objects, expire noncurrent
//! versions, abort incomplete multipart uploads), and whether they cover the
//! whole bucket: a `Disabled` rule does nothing, and a rule with a prefix,
//! tag or size filter covers part of the bucket only.

use moat_iac::Value;
use moat_iac::inventory::LifecycleRule;
use moat_source::Span;

/// What the enabled rules that take an action cover.
pub enum Coverage {
    /// An enabled rule without a filter takes it: the whole bucket.
    Whole { rule: String, span: Span },
    /// Only enabled rules with a filter take it.
    Part { rules: Vec<String>, span: Span },
    /// The rules that take it are all `Disabled` (or have no `Status`).
    Disabled { rule: String, span: Span },
    /// A rule that takes it has a status only the deployment knows.
    Unknown { reason: String, span: Span },
    /// No rule takes it.
    None,
}

/// `` `Id` `` of the rule, or `#n` (1-based) when it has no `Id`.
pub fn label(rule: &LifecycleRule, index: usize) -> String {
    match &rule.id {
        Some(id) if !id.is_empty() => format!("`{id}`"),
        _ => format!("#{}", index + 1),
    }
}

/// Whether `rule` is `Enabled`; `Err` with the reason when only the deployment knows.
pub fn enabled(rule: &LifecycleRule) -> Result<bool, (String, Span)> {
    match &rule.status {
        Value::Known { value, .. } => Ok(value == "Enabled"),
        Value::Absent => Ok(false),
        Value::Unknown { reason, span } => Err((reason.clone(), *span)),
    }
}

/// What the rules that satisfy `takes` cover.
pub fn coverage(rules: &[LifecycleRule], takes: impl Fn(&LifecycleRule) -> bool) -> Coverage {
    let mut part = Vec::new();
    let mut part_span = None;
    let mut disabled = None;
    let mut unknown = None;
    for (i, rule) in rules.iter().enumerate() {
        if let Some(e) = &rule.unknown {
            // what the rule does depends on the deployment
            unknown.get_or_insert(e.clone());
            continue;
        }
        if !takes(rule) {
            continue;
        }
        match enabled(rule) {
            Ok(true) if !rule.filtered => {
                return Coverage::Whole {
                    rule: label(rule, i),
                    span: rule.span,
                };
            }
            Ok(true) => {
                part.push(label(rule, i));
                part_span.get_or_insert(rule.span);
            }
            Ok(false) => {
                disabled.get_or_insert((label(rule, i), rule.span));
            }
            Err(e) => {
                unknown.get_or_insert(e);
            }
        }
    }
    if let Some((reason, span)) = unknown {
        return Coverage::Unknown { reason, span };
    }
    if let Some(span) = part_span {
        return Coverage::Part { rules: part, span };
    }
    match disabled {
        Some((rule, span)) => Coverage::Disabled { rule, span },
        None => Coverage::None,
    }
}

/// Whether the bucket keeps noncurrent versions: versioning `Enabled` or
/// `Suspended` (versions made while it was on stay), or Object Lock on
/// (which turns versioning on). `Err` when only the deployment knows.
pub fn versioned(bucket: &moat_iac::inventory::Bucket) -> Result<Option<String>, (String, Span)> {
    if let Value::Known { value: true, .. } = bucket.object_lock {
        return Ok(Some("Object Lock (which keeps versioning on)".to_string()));
    }
    match &bucket.versioning {
        Value::Known { value, .. } if value == "Enabled" => {
            Ok(Some("versioning is `Enabled`".to_string()))
        }
        Value::Known { value, .. } if value == "Suspended" => Ok(Some(
            "versioning is `Suspended` (versions made while it was on are kept)".to_string(),
        )),
        Value::Unknown { reason, span } => Err((reason.clone(), *span)),
        Value::Known { .. } | Value::Absent => match &bucket.object_lock {
            Value::Unknown { reason, span } => Err((reason.clone(), *span)),
            _ => Ok(None),
        },
    }
}
