//! IAM policy reasoning for Moat: the IAM action data, policy documents read
//! with spans, an evaluator that follows AWS's documented logic, and the
//! questions reviewers ask of S3 access. See docs/policy.md.

pub mod acl;
pub mod actions;
pub mod cases;
pub mod condition;
pub mod describe;
pub mod diff;
pub mod document;
pub mod enforcement;
pub mod evaluate;
pub mod matching;
pub mod public;
pub mod request;
pub mod scp;
pub mod snapshot;
pub mod statement;
pub mod trust;
pub mod validate;
pub mod values;
pub mod variables;
pub mod whocan;

pub use document::{Policy, Statement};
pub use evaluate::{Decision, Evaluation, NamedPolicy, OrgLevel, PolicyKind, PolicySet, evaluate};
pub use request::{Context, Principal, Request};
