//! What every reader of Moat shares: source files with their line index,
//! byte spans turned into 1-based locations, diagnostics (located messages
//! with help), "did you mean", counts in words, a bounded file reader, and
//! the spanned YAML/JSON node tree every reader builds on.
//! Every other crate depends on this one; it depends on none of them.

pub mod diag;
pub mod input;
pub mod node;
pub mod severity;
pub mod span;

pub use diag::{Diagnostic, Diagnostics, Level};
pub use severity::Severity;
pub use span::{Location, SourceFile, Span};
