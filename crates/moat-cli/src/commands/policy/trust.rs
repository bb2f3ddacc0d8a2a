//! `moat policy trust TRUST_POLICY.json [--account-snapshot FILE] [--role NAME|ARN]`.

use super::Output;
use super::who_can::{escape, scp_files, snapshot_file};
use crate::Outcome;
use crate::commands::emit;
use crate::format::OutputFormat;
use crate::inputs::{read, stderr_color};
use moat_policy::document::read_file;
use moat_policy::evaluate::NamedPolicy;
use moat_policy::snapshot::PolicySources;
use moat_policy::trust::{Severity, TrustInputs, analyze_trust, render};
use moat_source::{Diagnostic, SourceFile};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The role's trust policy (`AssumeRolePolicyDocument`), a JSON file
    pub trust_policy: PathBuf,
    /// The output of `aws iam get-account-authorization-details`: lists the
    /// principals that can use what each finding opens
    #[arg(long, value_name = "FILE")]
    pub account_snapshot: Option<PathBuf>,
    /// The role, by name (in the snapshot) or ARN; found in the snapshot by
    /// its trust policy when not given
    #[arg(long, value_name = "NAME|ARN")]
    pub role: Option<String>,
    /// SCPs of the role's account, read as attached at one level
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub scp: Vec<PathBuf>,
    /// Exit 1 when a finding is at or above this severity
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Critical => Severity::Critical,
            FailOn::High => Severity::High,
            FailOn::Medium => Severity::Medium,
            FailOn::Low => Severity::Low,
            FailOn::Info => Severity::Info,
        }
    }
}

pub fn run(args: Args) -> Outcome {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let name = args.trust_policy.display().to_string();
    let file = match read(&args.trust_policy) {
        Ok(text) => SourceFile::new(name.as_str(), text),
        Err(d) => {
            crate::diagnostics::print_all(&[*d], stderr_color());
            return Outcome::InputError;
        }
    };
    let (policy, found) = read_file(&file);
    diagnostics.extend(found);
    let snapshot = args
        .account_snapshot
        .as_deref()
        .map(|p| snapshot_file(p, &mut diagnostics));
    let mut sources = PolicySources::default();
    let (scps, scp_note) = scp_files(&args.scp, &mut sources, &mut diagnostics);
    crate::diagnostics::print_all(&diagnostics, stderr_color());
    let Some(policy) = policy else {
        return Outcome::InputError;
    };
    let trust = NamedPolicy {
        name: name.clone(),
        policy,
    };
    let mut inputs = TrustInputs::new();
    inputs.role = args.role.as_deref();
    inputs.snapshot = snapshot.as_ref();
    inputs.scps = &scps;
    inputs.file = Some(&file);
    let mut report = analyze_trust(&trust, &inputs);
    if let Some(note) = scp_note {
        report.notes.push(note);
    }
    let out = match args.out.format {
        OutputFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
        _ => escape(&render(&report, &name)),
    };
    if let Err(outcome) = emit(&out, args.out.output.as_deref()) {
        return outcome;
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        Outcome::InputError
    } else if let (Some(fail_on), Some(worst)) = (args.fail_on, report.worst())
        && worst <= fail_on.severity()
    {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}
