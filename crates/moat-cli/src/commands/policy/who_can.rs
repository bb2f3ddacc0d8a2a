//! `moat policy who-can ACTION RESOURCE --account-snapshot FILE [--bucket-policy F] [--scp F...] [--rcp F...]`.

use super::Output;
use crate::Outcome;
use crate::commands::emit;
use crate::format::OutputFormat;
use crate::inputs::{read, stderr_color};
use moat_policy::document::read_file;
use moat_policy::evaluate::{NamedPolicy, OrgLevel};
use moat_policy::snapshot::{AccountSnapshot, PolicySources, read_snapshot};
use moat_policy::whocan::{AccessDecision, Inputs, Query, WhoCan, scp_levels, text, who_can};
use moat_source::{Diagnostic, SourceFile};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The action, e.g. `s3:DeleteObject`
    pub action: String,
    /// The resource's ARN, e.g. `arn:aws:s3:::bucket/key`
    pub resource: String,
    /// The output of `aws iam get-account-authorization-details`
    #[arg(long, value_name = "FILE")]
    pub account_snapshot: PathBuf,
    /// The resource's policy (a bucket policy, or any resource-based policy);
    /// for `sts:AssumeRole*` on a role of the snapshot, its trust policy is used
    #[arg(long, visible_alias = "resource-policy", value_name = "FILE")]
    pub bucket_policy: Option<PathBuf>,
    /// SCPs of the snapshot's account, read as attached at one level (AWS's
    /// FullAWSAccess is added when none of them allows anything)
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub scp: Vec<PathBuf>,
    /// RCPs of the resource's account
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub rcp: Vec<PathBuf>,
    /// The account that owns the resource (default: the snapshot's account)
    #[arg(long, value_name = "ACCOUNT")]
    pub resource_account: Option<String>,
    /// The organization of the snapshot's account: its principals'
    /// aws:PrincipalOrgID (unknown when not given)
    #[arg(long, value_name = "ORG_ID")]
    pub org_id: Option<String>,
    /// List every principal, those that cannot too
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Serialize)]
struct Summary {
    principals: usize,
    allowed: usize,
    allowed_when: usize,
    denied: usize,
    not_allowed: usize,
    proved: usize,
    assumed: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    result: &'a WhoCan,
    summary: Summary,
}

/// Reads a policy file; problems go to `diagnostics`.
pub(crate) fn policy_file(
    path: &Path,
    sources: &mut PolicySources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<NamedPolicy> {
    let name = path.display().to_string();
    let text = match read(path) {
        Ok(text) => text,
        Err(d) => {
            diagnostics.push(*d);
            return None;
        }
    };
    let file = SourceFile::new(name.as_str(), text);
    let (policy, found) = read_file(&file);
    diagnostics.extend(found);
    sources.insert(&name, &file);
    Some(NamedPolicy {
        name,
        policy: policy?,
    })
}

/// Reads an account snapshot; problems go to `diagnostics`.
pub(crate) fn snapshot_file(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> AccountSnapshot {
    let name = path.display().to_string();
    match read(path) {
        Ok(text) => {
            let file = SourceFile::new(name.as_str(), text);
            let (snapshot, found) = read_snapshot(&file);
            diagnostics.extend(found);
            snapshot
        }
        Err(d) => {
            diagnostics.push(*d);
            AccountSnapshot::default()
        }
    }
}

/// SCP files as one organization level, with the note when FullAWSAccess is assumed.
pub(super) fn scp_files(
    paths: &[PathBuf],
    sources: &mut PolicySources,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<OrgLevel>, Option<String>) {
    let policies = paths
        .iter()
        .filter_map(|p| policy_file(p, sources, diagnostics))
        .collect();
    scp_levels(policies)
}

pub fn run(args: Args) -> Outcome {
    let mut diagnostics = Vec::new();
    let snapshot = snapshot_file(&args.account_snapshot, &mut diagnostics);
    let mut sources = PolicySources::default();
    let bucket = args
        .bucket_policy
        .as_deref()
        .and_then(|p| policy_file(p, &mut sources, &mut diagnostics));
    let (scps, scp_note) = scp_files(&args.scp, &mut sources, &mut diagnostics);
    let rcp_policies: Vec<NamedPolicy> = args
        .rcp
        .iter()
        .filter_map(|p| policy_file(p, &mut sources, &mut diagnostics))
        .collect();
    let rcps = if rcp_policies.is_empty() {
        Vec::new()
    } else {
        vec![OrgLevel {
            id: "rcp".into(),
            policies: rcp_policies,
        }]
    };
    crate::diagnostics::print_all(&diagnostics, stderr_color());

    let mut inputs = Inputs::new(&snapshot);
    inputs.resource_policy = bucket.as_ref();
    inputs.scps = &scps;
    inputs.rcps = &rcps;
    inputs.sources = Some(&sources);
    inputs.organization = args.org_id.as_deref();
    let mut query = Query::new(args.action.clone(), args.resource.clone());
    query.resource_account = args.resource_account.clone();
    let mut result = who_can(&query, &inputs);
    if let Some(note) = scp_note {
        result.notes.push(note);
    }
    if snapshot.account.is_none() {
        result.notes.push(
            "the snapshot names no account: the account id 111111111111 stands for it".into(),
        );
    }

    let count = |d: AccessDecision| result.principals.iter().filter(|a| a.decision == d).count();
    let summary = Summary {
        principals: result.principals.len(),
        allowed: count(AccessDecision::Allowed),
        allowed_when: count(AccessDecision::AllowedWhen),
        denied: count(AccessDecision::Denied),
        not_allowed: count(AccessDecision::NotAllowed),
        proved: result
            .principals
            .iter()
            .filter(|a| a.proof == moat_policy::whocan::Proof::Proved)
            .count(),
        assumed: result
            .principals
            .iter()
            .filter(|a| a.proof == moat_policy::whocan::Proof::Assumed)
            .count(),
    };
    let out = match args.out.format {
        OutputFormat::Json => {
            let report = Report {
                result: &result,
                summary,
            };
            serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
        }
        _ => escape(&text::render(&result, args.all)),
    };
    if let Err(outcome) = emit(&out, args.out.output.as_deref()) {
        return outcome;
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        Outcome::InputError
    } else {
        Outcome::Ok
    }
}

/// Text quotes policy files: control characters are escaped, line breaks kept.
pub(super) fn escape(text: &str) -> String {
    moat_source::diag::escape_lines(text)
}
