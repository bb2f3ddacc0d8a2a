//! IAM policy reasoning for Moat: the IAM action data, policy documents read
//! with spans, an evaluator that follows AWS's documented logic, and the
//! questions reviewers ask of S3 access. See docs/policy.md.

pub mod cases;
pub mod condition;
pub mod diff;
pub mod document;
pub mod evaluate;
pub mod matching;
pub mod public;
pub mod request;
pub mod statement;
pub mod values;
pub mod variables;

pub use document::{Policy, Statement};
pub use evaluate::{Decision, Evaluation, NamedPolicy, OrgLevel, PolicyKind, PolicySet, evaluate};
pub use request::{Context, Principal, Request};
