//! `moat policy public FILE... [--acl FILE] [--block-public-access SETTING]...`:
//! is a bucket or access-point policy public by Amazon S3's meaning, and does
//! Block Public Access stop it.

use super::Output;
use crate::Outcome;
use crate::commands::emit;
use crate::format::OutputFormat;
use crate::inputs::{read, stderr_color};
use moat_policy::acl::{PublicGrant, public_grants};
use moat_policy::document::read_node;
use moat_policy::public::{PublicStatement, public_statements};
use moat_source::node;
use moat_source::{Diagnostic, SourceFile};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Setting {
    BlockPublicAcls,
    IgnorePublicAcls,
    BlockPublicPolicy,
    RestrictPublicBuckets,
    /// All four
    All,
}

#[derive(clap::Args)]
pub struct Args {
    /// Bucket or access-point policies (JSON)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The bucket's ACL, as `aws s3api get-bucket-acl` prints it
    #[arg(long)]
    pub acl: Option<PathBuf>,
    /// Block Public Access settings in force: the most restrictive combination
    /// of the account, bucket and access-point settings (repeat, or `all`)
    #[arg(long = "block-public-access", value_enum)]
    pub settings: Vec<Setting>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Serialize)]
struct Verdict {
    file: String,
    /// Public by S3's meaning (policy or ACL), before Block Public Access.
    public: bool,
    /// Whether public access actually works once Block Public Access applies.
    public_access_effective: bool,
    statements: Vec<PublicStatement>,
    acl_grants: Vec<PublicGrant>,
    /// What Block Public Access does to this policy and ACL.
    block_public_access: Vec<String>,
    /// "proved": S3's documented definition decides it without assumptions.
    decided: &'static str,
}

pub fn run(args: Args) -> Outcome {
    let has = |s: Setting| args.settings.contains(&s) || args.settings.contains(&Setting::All);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let acl_grants = match &args.acl {
        Some(path) => match load(path, &mut diagnostics) {
            Some((file, text_ok)) if text_ok => match node::parse(&file) {
                Ok(root) => public_grants(&root, &file, &mut diagnostics),
                Err(e) => {
                    diagnostics.push(*e);
                    Vec::new()
                }
            },
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    let mut verdicts = Vec::new();
    for path in &args.files {
        let Some((file, _)) = load(path, &mut diagnostics) else {
            continue;
        };
        let root = match node::parse(&file) {
            Ok(root) => root,
            Err(e) => {
                diagnostics.push(*e);
                continue;
            }
        };
        let before = diagnostics.len();
        let policy = read_node(&root, &file, &mut diagnostics);
        if diagnostics[before..].iter().any(Diagnostic::is_error) {
            continue;
        }
        let Some(policy) = policy else { continue };
        let statements = public_statements(&policy);
        let policy_public = !statements.is_empty();
        let acl_public = !acl_grants.is_empty();
        let mut notes = Vec::new();
        if policy_public && has(Setting::BlockPublicPolicy) {
            notes.push("BlockPublicPolicy: S3 refuses to store this policy (PutBucketPolicy fails); a policy stored before the setting stays".into());
        }
        if policy_public && has(Setting::RestrictPublicBuckets) {
            notes.push("RestrictPublicBuckets: the policy's grants reach only AWS service principals and the bucket owner's account; public and cross-account access is blocked".into());
        }
        if acl_public && has(Setting::IgnorePublicAcls) {
            notes.push("IgnorePublicAcls: S3 ignores the ACL's public grants".into());
        }
        if acl_public && has(Setting::BlockPublicAcls) {
            notes.push(
                "BlockPublicAcls: S3 refuses requests that set public ACLs; the existing ACL stays"
                    .into(),
            );
        }
        let effective = (policy_public && !has(Setting::RestrictPublicBuckets))
            || (acl_public && !has(Setting::IgnorePublicAcls));
        verdicts.push(Verdict {
            file: file.name.to_string(),
            public: policy_public || acl_public,
            public_access_effective: effective,
            statements,
            acl_grants: acl_grants.clone(),
            block_public_access: notes,
            decided: "proved",
        });
    }
    crate::diagnostics::print_all(&diagnostics, stderr_color());
    let text = match args.out.format {
        OutputFormat::Json => serde_json::to_string_pretty(&verdicts).unwrap_or_default() + "\n",
        _ => text(&verdicts),
    };
    if let Err(outcome) = emit(&text, args.out.output.as_deref()) {
        return outcome;
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        Outcome::InputError
    } else if verdicts.iter().any(|v| v.public_access_effective) {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}

fn load(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<(SourceFile, bool)> {
    match read(path) {
        Ok(text) => Some((SourceFile::new(path.display().to_string(), text), true)),
        Err(d) => {
            diagnostics.push(*d);
            None
        }
    }
}

fn text(verdicts: &[Verdict]) -> String {
    let mut out = String::new();
    for v in verdicts {
        let status = match (v.public, v.public_access_effective) {
            (false, _) => "not public",
            (true, true) => "PUBLIC",
            (true, false) => "public policy or ACL, blocked by Block Public Access",
        };
        let _ = writeln!(out, "{}: {status}", v.file);
        for s in &v.statements {
            let _ = write!(out, "  statement `{}` allows {}", s.statement, s.grants_to);
            if s.unlimiting_conditions.is_empty() {
                let _ = writeln!(out, " with no condition");
            } else {
                let _ = writeln!(
                    out,
                    "; its conditions do not limit it to fixed values S3 accepts: {}",
                    s.unlimiting_conditions.join(", ")
                );
            }
        }
        for g in &v.acl_grants {
            let _ = writeln!(out, "  ACL grants {} to {}", g.permission, g.group);
        }
        for note in &v.block_public_access {
            let _ = writeln!(out, "  {note}");
        }
    }
    moat_source::diag::escape_lines(&out)
}
