//! Policy documents as IAM reads them, each value with the span it was read
//! from so a finding can point at the line to edit.
//!
//! The reader ([`read`]) accepts every form IAM accepts (a string or an array
//! wherever IAM allows either, `Principal`/`NotPrincipal`, `Action`/`NotAction`,
//! `Resource`/`NotResource`, every condition operator with `IfExists` and the
//! `ForAnyValue:`/`ForAllValues:` qualifiers) and reports everything else as a
//! located error, reading on so one run shows every problem.

mod operator;
mod read;

pub use operator::{Operator, OperatorFamily, SetQualifier};
pub use read::{read, read_file, read_node};

use moat_source::Span;
use serde::Serialize;

/// A value with the place it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    #[serde(skip)]
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// One policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// `2012-10-17`, `2008-10-17`, or absent (IAM then reads policy variables
    /// as literal text, which [`Policy::expands_variables`] reports).
    pub version: Option<Spanned<String>>,
    pub id: Option<Spanned<String>>,
    pub statements: Vec<Statement>,
    #[serde(skip)]
    pub span: Span,
}

impl Policy {
    /// Whether `${...}` in this policy is a variable: only the 2012-10-17
    /// language has variables; older or missing versions match the text as is.
    pub fn expands_variables(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.value == "2012-10-17")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// One statement. Elements IAM requires (`Effect`, one of `Action`/`NotAction`)
/// are reported when missing and the statement is left out of the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// Position in the policy's `Statement` list, from 0: how a statement
    /// without a `Sid` is named in output.
    pub index: usize,
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<Effect>,
    pub principal: Option<Principals>,
    pub action: Patterns,
    pub resource: Option<Patterns>,
    /// Every condition must hold (operators AND keys AND).
    pub conditions: Vec<Condition>,
    #[serde(skip)]
    pub span: Span,
}

impl Statement {
    /// `Sid` if it has one, else `#<index>` (1-based, as people count).
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.value.is_empty() => sid.value.clone(),
            _ => format!("#{}", self.index + 1),
        }
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: patterns with `*` and `?`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Patterns {
    /// The `Not` form: the statement covers what matches none of the patterns.
    pub negated: bool,
    pub patterns: Vec<Spanned<String>>,
    /// The element's key, for messages about the element as a whole.
    #[serde(skip)]
    pub key_span: Span,
}

/// `Principal`/`NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Principals {
    pub negated: bool,
    pub entries: Vec<PrincipalEntry>,
    #[serde(skip)]
    pub key_span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    /// As written: `*`, an account id, an ARN, a service or provider name.
    pub value: Spanned<String>,
}

/// The key a principal is written under; `"Principal": "*"` is `Everyone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum PrincipalKind {
    Everyone,
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn key(self) -> &'static str {
        match self {
            PrincipalKind::Everyone => "*",
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One key under one operator: `"StringEquals": {"aws:SourceVpce": ["vpce-1"]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub operator: Spanned<Operator>,
    /// As written; IAM compares key names without regard to case.
    pub key: Spanned<String>,
    /// Values as text (JSON `true` and `1` read as `"true"` and `"1"`, as IAM does).
    pub values: Vec<Spanned<String>>,
}
