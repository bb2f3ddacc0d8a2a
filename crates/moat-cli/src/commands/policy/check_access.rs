//! `moat policy check-access-not-granted FILE --action A [--resource ARN]`:
//! does the policy allow any request for the action (on the resource)?
//! What IAM Access Analyzer calls CheckAccessNotGranted, decided exactly.

use super::Output;
use super::diff::{Analysis, finish, load};
use crate::Outcome;
use serde_json::json;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The policy (JSON)
    pub file: PathBuf,
    /// An action (or an action pattern such as `s3:Delete*`); repeat for any of several
    #[arg(long, required = true)]
    pub action: Vec<String>,
    /// A resource ARN (or pattern); repeat for any of several; any resource when absent
    #[arg(long)]
    pub resource: Vec<String>,
    #[command(flatten)]
    pub analysis: Analysis,
    #[command(flatten)]
    pub out: Output,
}

pub fn run(args: Args) -> Outcome {
    let Some(policy) = load(&args.file) else {
        return Outcome::InputError;
    };
    let report = match moat_policy::diff::check_access_not_granted(
        &policy,
        &args.action,
        &args.resource,
        &args.analysis.options(),
    ) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::InputError;
        }
    };
    let header = json!({"policy": policy.name, "actions": args.action, "resources": args.resource});
    let what = match args.resource.as_slice() {
        [] => args.action.join(" or "),
        resources => format!("{} on {}", args.action.join(" or "), resources.join(" or ")),
    };
    finish(
        &report,
        "access_granted",
        header,
        &args.analysis,
        &args.out,
        |found| {
            if found {
                format!("{} grants {what}", policy.name)
            } else {
                format!("{} grants no request for {what}", policy.name)
            }
        },
    )
}
