//! `moat policy ...`: IAM policy reasoning (docs/policy.md).

mod check_access;
mod diff;
mod eval;
mod public;
mod trust;
mod validate;
pub(crate) mod who_can;

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
    /// Is a bucket or access-point policy (and ACL) public by Amazon S3's
    /// meaning, and does Block Public Access stop it; exit 1 when public access works
    Public(public::Args),
    /// Located errors and warnings in the spirit of IAM Access Analyzer's
    /// policy checks (unknown actions, keys that never apply, risky grants)
    Validate(validate::Args),
    /// Every principal of an account snapshot (and other accounts, anonymous
    /// callers, services) that can perform an action on a resource, and under
    /// which conditions
    WhoCan(who_can::Args),
    /// Who can assume a role, and what in its trust policy widens that
    /// (confused deputy, EC2 pass-role, account root, other accounts, OIDC/SAML)
    Trust(trust::Args),
    /// Does NEW grant any access OLD did not? Decided over every request; exit 1 when it does
    Diff(diff::Args),
    /// Does the policy allow any request for an action (on a resource)? Exit 1 when it does
    CheckAccessNotGranted(check_access::Args),
}

pub fn run(args: Args) -> Outcome {
    match args.action {
        Action::Eval(args) => eval::run(args),
        Action::Public(args) => public::run(args),
        Action::Validate(args) => validate::run(args),
        Action::WhoCan(args) => who_can::run(args),
        Action::Trust(args) => trust::run(args),
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
