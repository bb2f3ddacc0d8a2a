//! Request contexts chosen to make conditions hold or fail: a value named by
//! `StringEquals`, a string a `StringLike` pattern admits, `true` for a
//! `Bool`, an address inside an `IpAddress` range, a number or date on the
//! right side of a bound, or the key left out. Every choice is checked with
//! the evaluator's own [`holds`], so a witness is never trusted unverified.
//!
//! An [`Assignment`] only grows: once a key has a value (or is decided
//! absent) it keeps it, so a later choice cannot undo an earlier one.

use super::keys::always_present;
use crate::condition::holds;
use crate::document::{Condition, OperatorFamily as F};
use crate::request::Context;
use crate::values::{IpRange, date_millis, number};
use crate::variables::{expand_text, pieces};
use std::collections::BTreeMap;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Slot {
    key: String,
    /// `None`: decided absent.
    values: Option<Vec<String>>,
    multivalued: bool,
    /// Kept by [`Assignment::only`] whatever it is asked to keep.
    pinned: bool,
}

/// Keys with chosen values (or chosen absence), by lowercase name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    slots: BTreeMap<String, Slot>,
    context: Context,
}

impl Assignment {
    /// Starts from `facts`: keys whose values are known and cannot be chosen.
    pub fn new(facts: &Context) -> Assignment {
        let mut a = Assignment::default();
        for (key, values) in facts.iter() {
            a.set(key, Some(values.to_vec()), values.len() > 1);
        }
        a
    }

    /// Decides `keys` absent, for good: keys the service never sets.
    pub fn with_absent(mut self, keys: &[String]) -> Assignment {
        for key in keys {
            if self.decided(key) {
                continue;
            }
            self.slots.insert(
                key.to_ascii_lowercase(),
                Slot {
                    key: key.clone(),
                    values: None,
                    multivalued: false,
                    pinned: true,
                },
            );
        }
        self.rebuild();
        self
    }

    fn set(&mut self, key: &str, values: Option<Vec<String>>, multivalued: bool) {
        let lower = key.to_ascii_lowercase();
        let was_present = self.slots.get(&lower).is_some_and(|s| s.values.is_some());
        // `insert` replaces the key's earlier value; only taking a value
        // out needs the context rebuilt.
        if let Some(v) = &values {
            self.context.insert(key, v.clone(), multivalued);
        }
        let rebuild = values.is_none() && was_present;
        self.slots.insert(
            lower,
            Slot {
                key: key.to_string(),
                values,
                multivalued,
                pinned: false,
            },
        );
        if rebuild {
            self.rebuild();
        }
    }

    fn unset(&mut self, key: &str) {
        let removed = self.slots.remove(&key.to_ascii_lowercase());
        if removed.is_some_and(|s| s.values.is_some()) {
            self.rebuild();
        }
    }

    fn rebuild(&mut self) {
        let mut context = Context::default();
        for slot in self.slots.values() {
            if let Some(values) = &slot.values {
                context.insert(&slot.key, values.clone(), slot.multivalued);
            }
        }
        self.context = context;
    }

    /// The request context: every key with a value.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Whether `key` has been decided (a value or absence).
    pub fn decided(&self, key: &str) -> bool {
        self.slots.contains_key(&key.to_ascii_lowercase())
    }

    /// A copy that keeps only the keys `keep` says to keep.
    pub fn only(&self, keep: impl Fn(&str) -> bool) -> Assignment {
        let mut a = Assignment {
            slots: self
                .slots
                .iter()
                .filter(|(k, s)| s.pinned || keep(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            context: Context::default(),
        };
        a.rebuild();
        a
    }

    /// Makes `condition` evaluate to `want`, deciding its key if it is not
    /// decided yet. Returns whether it now does.
    pub fn make(&mut self, condition: &Condition, want: bool, variables: bool) -> bool {
        let key = condition.key.value.as_str();
        if self.decided(key) {
            return holds(condition, &self.context, variables) == want;
        }
        for candidate in candidates(condition, want, &self.context, variables) {
            let multivalued = condition.operator.value.qualifier.is_some();
            self.set(key, candidate, multivalued);
            if holds(condition, &self.context, variables) == want {
                return true;
            }
        }
        self.unset(key);
        false
    }

    /// Makes every condition hold, or changes nothing and returns false.
    pub fn make_all(&mut self, conditions: &[Condition], variables: bool) -> bool {
        let saved = self.clone();
        for condition in conditions {
            if !self.make(condition, true, variables) {
                *self = saved;
                return false;
            }
        }
        true
    }

    /// Makes one of the conditions fail (so a `Deny` with them no longer
    /// applies); returns its index, or `None` when none can be made to fail.
    pub fn break_one(&mut self, conditions: &[Condition], variables: bool) -> Option<usize> {
        for (i, condition) in conditions.iter().enumerate() {
            let saved = self.clone();
            if self.make(condition, false, variables) {
                return Some(i);
            }
            *self = saved;
        }
        None
    }

    /// The chosen values, for output (absent keys left out).
    pub fn shown(&self) -> BTreeMap<String, Vec<String>> {
        self.slots
            .values()
            .filter_map(|s| s.values.as_ref().map(|v| (s.key.clone(), v.clone())))
            .collect()
    }
}

/// Values to try for the key of `condition`, best first: values the
/// condition names (or that its patterns, ranges and bounds admit), then
/// values it cannot name, then absence (never for keys every request has).
fn candidates(
    condition: &Condition,
    want: bool,
    context: &Context,
    variables: bool,
) -> Vec<Option<Vec<String>>> {
    let family = condition.operator.value.family.positive();
    let mut derived: Vec<String> = Vec::new();
    let push = |v: String, out: &mut Vec<String>| {
        if !out.contains(&v) {
            out.push(v);
        }
    };
    for value in &condition.values {
        let value = match pieces(&value.value).filter(|_| variables && family.takes_variables()) {
            Some(p) => match expand_text(&p, context) {
                Some(text) => text,
                None => continue,
            },
            None => value.value.clone(),
        };
        match family {
            F::StringLike | F::ArnLike | F::ArnEquals => {
                push(value.replace(['*', '?'], "x"), &mut derived);
                push(value.replace('*', "").replace('?', "x"), &mut derived);
                push(value, &mut derived);
            }
            F::NumericEquals
            | F::NumericLessThan
            | F::NumericLessThanEquals
            | F::NumericGreaterThan
            | F::NumericGreaterThanEquals => {
                if let Some(n) = number(&value) {
                    for d in [0.0, -1.0, 1.0] {
                        push(show_number(n + d), &mut derived);
                    }
                }
            }
            F::DateEquals
            | F::DateLessThan
            | F::DateLessThanEquals
            | F::DateGreaterThan
            | F::DateGreaterThanEquals => {
                if let Some(ms) = date_millis(&value) {
                    push(value.clone(), &mut derived);
                    for d in [-1000, 1000] {
                        push(((ms + d) / 1000).to_string(), &mut derived);
                    }
                }
            }
            F::IpAddress => {
                if let Some(range) = IpRange::parse(&value) {
                    push(range.address.to_string(), &mut derived);
                    if let Some(next) = next_address(range) {
                        push(next.to_string(), &mut derived);
                    }
                }
            }
            F::Bool => {
                push(value.to_ascii_lowercase(), &mut derived);
            }
            _ => push(value, &mut derived),
        }
    }
    // Values the condition does not name, of the key's type.
    let outsiders: &[&str] = match family {
        F::Bool => &["true", "false"],
        F::IpAddress => &["192.0.2.1", "2001:db8::1"],
        F::NumericEquals
        | F::NumericLessThan
        | F::NumericLessThanEquals
        | F::NumericGreaterThan
        | F::NumericGreaterThanEquals => &["0", "1", "1000000000"],
        F::DateEquals
        | F::DateLessThan
        | F::DateLessThanEquals
        | F::DateGreaterThan
        | F::DateGreaterThanEquals => &["0", "4102444800"],
        F::ArnEquals | F::ArnLike => &["arn:aws:iam::000000000000:role/moat-other"],
        F::BinaryEquals => &["bW9hdA=="],
        _ => &["moat-other-value"],
    };
    let others: Vec<String> = outsiders
        .iter()
        .filter(|v| !derived.iter().any(|d| d == *v))
        .map(|v| (*v).to_string())
        .collect();
    let present = |values: Vec<String>| values.into_iter().map(|v| Some(vec![v]));
    let absent_allowed = !always_present(&condition.key.value);
    let mut out: Vec<Option<Vec<String>>> = Vec::new();
    if want {
        out.extend(present(derived));
        out.extend(present(others));
        if absent_allowed {
            out.push(None);
        }
    } else {
        if absent_allowed {
            out.push(None);
        }
        out.extend(present(others));
        out.extend(present(derived));
    }
    out
}

fn show_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// The address after a range's first one, when the range has more than one.
fn next_address(range: IpRange) -> Option<IpAddr> {
    match range.address {
        IpAddr::V4(a) if range.prefix < 32 => {
            let mask = u32::MAX
                .checked_shl(32 - u32::from(range.prefix))
                .unwrap_or(0);
            Some(IpAddr::V4(((u32::from(a) & mask) + 1).into()))
        }
        IpAddr::V6(a) if range.prefix < 128 => {
            let mask = u128::MAX
                .checked_shl(128 - u32::from(range.prefix))
                .unwrap_or(0);
            Some(IpAddr::V6(((u128::from(a) & mask) + 1).into()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::document::read;

    fn conditions(condition: &str) -> Vec<Condition> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {condition}}}}}"#
        );
        let (policy, d) = read("p.json", &text);
        assert!(d.is_empty(), "{d:?}");
        policy.unwrap().statements[0].conditions.clone()
    }

    #[test]
    fn witnesses_satisfy_every_operator_family() {
        for condition in [
            r#"{"StringEquals": {"aws:SourceVpce": "vpce-1"}}"#,
            r#"{"StringLike": {"s3:prefix": "home/alice/*"}}"#,
            r#"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#,
            r#"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
            r#"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#,
            r#"{"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}"#,
            r#"{"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}"#,
            r#"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::logs-*"}}"#,
            r#"{"Null": {"aws:TokenIssueTime": "false"}}"#,
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#,
            r#"{"ForAnyValue:StringLike": {"aws:TagKeys": ["team-*"]}}"#,
            r#"{"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}"#,
        ] {
            let conditions = conditions(condition);
            let mut a = Assignment::default();
            assert!(a.make_all(&conditions, true), "{condition}");
            let mut b = Assignment::default();
            assert!(b.break_one(&conditions, true).is_some(), "{condition}");
        }
    }

    #[test]
    fn decided_keys_are_kept() {
        let mut facts = Context::default();
        facts.insert("aws:username", vec!["alice".into()], false);
        let mut a = Assignment::new(&facts);
        let c = conditions(r#"{"StringEquals": {"aws:username": "bob"}}"#);
        assert!(!a.make_all(&c, true));
        let c = conditions(r#"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#);
        assert!(a.make_all(&c, true));
        assert_eq!(a.context().single("s3:prefix"), Some("home/alice/x"));
    }

    #[test]
    fn keys_every_request_has_are_never_left_out() {
        let c = conditions(r#"{"Bool": {"aws:SecureTransport": "false"}}"#);
        let mut a = Assignment::default();
        assert_eq!(a.break_one(&c, true), Some(0));
        assert_eq!(a.context().single("aws:SecureTransport"), Some("true"));
    }
}
