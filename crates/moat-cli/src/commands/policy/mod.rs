//! `moat policy ...`: IAM policy reasoning (docs/policy.md).

mod check_access;
mod diff;
mod eval;

use crate::Outcome;
use crate::format::OutputFormat;
use std::path::PathBuf;

pub const POLICY_FORMATS: &[OutputFormat] = &[OutputFormat::Text, OutputFormat::Json];

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Evaluate requests against policies, as AWS decides them; `--check`
    /// compares with each case's `expected`
    Eval(eval::Args),
    /// Does NEW grant any access OLD did not? Decided over every request; exit 1 when it does
    Diff(diff::Args),
    /// Does the policy allow any request for an action (on a resource)? Exit 1 when it does
    CheckAccessNotGranted(check_access::Args),
}

pub fn run(args: Args) -> Outcome {
    match args.action {
        Action::Eval(args) => eval::run(args),
        Action::Diff(args) => diff::run(args),
        Action::CheckAccessNotGranted(args) => check_access::run(args),
    }
}

/// Output flags every `moat policy` command shares.
#[derive(clap::Args)]
pub struct Output {
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(POLICY_FORMATS))]
    pub format: OutputFormat,
    /// Write to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}
