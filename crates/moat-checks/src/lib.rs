//! Checks over the Inventory (design.md, "Checks"): each check is one file
//! under `s3/` with its documentation, the controls it verifies and its
//! logic; [`registry::ALL`] lists them. A check never guesses: a value the
//! template leaves to deployment gives an `unknown` verdict with the reason.

pub mod check;
pub mod policy_questions;
pub mod registry;
pub mod s3;

pub use check::{Category, CdkFix, Check, Out, Outcome, Severity, Verdict};

use moat_iac::Inventory;

/// Runs `checks` over `inventory`; verdicts come in check order, then resource order.
pub fn run(checks: &[&Check], inventory: &Inventory) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    for check in checks {
        let mut out = Out::new(check, inventory);
        (check.run)(inventory, &mut out);
        verdicts.extend(out.into_verdicts());
    }
    verdicts
}
