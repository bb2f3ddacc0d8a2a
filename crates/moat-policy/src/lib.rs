//! IAM policy reasoning for Moat: the IAM action data, policy documents read
//! with spans, an evaluator that follows AWS's documented logic, and the
//! questions reviewers ask of S3 access. See docs/policy.md.

pub mod actions;
pub mod scp;
