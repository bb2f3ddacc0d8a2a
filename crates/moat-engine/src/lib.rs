//! Moat's threat engine: applies catalog threats to a system model and
//! produces the [`Assessment`] every renderer reads.

pub mod assessment;

pub use assessment::*;
