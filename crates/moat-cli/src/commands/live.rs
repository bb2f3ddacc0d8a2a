//! `moat scan --aws`: the live account's options, its read, and `--compare`
//! (docs/live.md).

use crate::Outcome;
use crate::format::OutputFormat;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Default)]
pub struct LiveArgs {
    /// Read the live AWS account the credentials belong to (read-only calls; docs/live.md)
    #[arg(long)]
    pub aws: bool,
    /// The profile of the shared AWS config files to use (with --aws)
    #[arg(long, requires = "aws")]
    pub profile: Option<String>,
    /// A Region whose keys, trails, VPC endpoints and access points are read (repeatable; with --aws; default: the profile's)
    #[arg(long = "region", requires = "aws")]
    pub regions: Vec<String>,
    /// Send every AWS call to this endpoint, such as an emulator (with --aws; `AWS_ENDPOINT_URL` works too)
    #[arg(long, requires = "aws")]
    pub endpoint_url: Option<String>,
    /// Print the least-privilege IAM policy the live scan needs, and exit (with --aws)
    #[arg(long, requires = "aws")]
    pub print_policy: bool,
    /// Report the account's drift from the code at these paths (templates, directories, cdk.out) instead of the review (with --aws)
    #[arg(long, requires = "aws")]
    pub compare: Vec<PathBuf>,
}

/// Reads the account; an error when it cannot be read at all.
pub fn read(args: &LiveArgs) -> Result<moat_iac::scan::Scan, Outcome> {
    let options = moat_aws::Options {
        profile: args.profile.clone(),
        regions: args.regions.clone(),
        endpoint_url: args.endpoint_url.clone(),
        progress: progress_display(),
    };
    moat_aws::scan(&options).map_err(|e| {
        eprintln!("error: {e}");
        Outcome::InputError
    })
}

/// A one-line counter of buckets read, on a terminal only.
fn progress_display() -> Option<Box<moat_aws::fetch::Progress>> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    Some(Box::new(|read, found| {
        let end = if read == found { "\n" } else { "" };
        eprint!("\rread {read}/{found} buckets{end}");
    }))
}

/// `--compare`: the drift between the account and the code, rendered;
/// exit 1 when they differ, 2 when either side could not be read fully.
pub fn drift(
    live: &moat_iac::scan::Scan,
    paths: &[PathBuf],
    iac: &moat_iac::scan::Options,
    format: OutputFormat,
    output: Option<&Path>,
) -> Outcome {
    let code = moat_iac::scan::scan(paths, iac);
    let incomplete: Vec<&moat_iac::scan::FileStatus> = code
        .files
        .iter()
        .chain(&live.files)
        .filter(|f| f.status == moat_iac::scan::Status::Error)
        .collect();
    for d in code
        .diagnostics
        .iter()
        .chain(&live.diagnostics)
        .filter(|d| d.is_error())
    {
        eprintln!("{d}");
    }
    let code_inventory = code.merged();
    if code_inventory.files.is_empty() {
        eprintln!("error: no CloudFormation, SAM or CDK template found in the --compare paths");
        return Outcome::InputError;
    }
    let live_inventory = live.merged();
    let drift = moat_engine::drift::compare(&code_inventory, &live_inventory);
    let live_name = live
        .files
        .first()
        .map_or("aws", |f| f.path.as_str())
        .trim_end_matches(":global")
        .to_string();
    let code_name = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let text = match format {
        OutputFormat::Text => Ok(moat_report::drift::text(&drift, &live_name, &code_name)),
        OutputFormat::Md => Ok(moat_report::drift::markdown(&drift, &live_name, &code_name)),
        OutputFormat::Json => serde_json::to_string_pretty(&drift)
            .map(|t| t + "\n")
            .map_err(|e| e.to_string()),
        other => {
            eprintln!(
                "error: `--compare` writes text, md or json, not `{}`",
                other.name()
            );
            return Outcome::InputError;
        }
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::InputError;
        }
    };
    let written = crate::commands::finish(Ok(text), output);
    if written != Outcome::Ok {
        return written;
    }
    if !incomplete.is_empty() {
        for f in incomplete {
            eprintln!(
                "error: {} could not be read completely: {}",
                f.path,
                f.reason.as_deref().unwrap_or("")
            );
        }
        return Outcome::InputError;
    }
    if drift.drifted() {
        Outcome::ThreatsAtOrAboveThreshold
    } else {
        Outcome::Ok
    }
}
