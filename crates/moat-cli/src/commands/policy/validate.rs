//! `moat policy validate FILE... [--kind ...]`: located errors and warnings.

use super::Output;
use crate::Outcome;
use crate::commands::emit;
use crate::format::OutputFormat;
use crate::inputs::{read, stderr_color};
use moat_policy::document::read_file;
use moat_policy::validate::{PolicyType, validate};
use moat_source::{Diagnostic, Level, SourceFile};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Identity,
    Resource,
    Trust,
    Scp,
    Rcp,
}

#[derive(clap::Args)]
pub struct Args {
    /// Policy documents (JSON)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// What the policies are attached to; guessed per file when not given
    /// (trust when every statement is about `sts:AssumeRole*`, resource when
    /// statements name principals, identity otherwise)
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// Warnings fail the run too (exit 2)
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    kind: Option<&'static str>,
    findings: Vec<Diagnostic>,
}

pub fn run(args: Args) -> Outcome {
    let mut reports = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        let mut findings = Vec::new();
        let mut kind_name = None;
        match read(path) {
            Err(d) => findings.push(*d),
            Ok(text) => {
                let file = SourceFile::new(name.as_str(), text);
                let (policy, diagnostics) = read_file(&file);
                findings.extend(diagnostics);
                if let Some(policy) = policy {
                    let kind = match args.kind {
                        Some(Kind::Identity) => PolicyType::Identity,
                        Some(Kind::Resource) => PolicyType::Resource,
                        Some(Kind::Trust) => PolicyType::Trust,
                        Some(Kind::Scp) => PolicyType::Scp,
                        Some(Kind::Rcp) => PolicyType::Rcp,
                        None => PolicyType::guess(&policy),
                    };
                    kind_name = Some(kind.describe());
                    findings.extend(validate(&policy, kind, &file));
                }
            }
        }
        reports.push(FileReport {
            file: name,
            kind: kind_name,
            findings,
        });
    }
    let all: Vec<&Diagnostic> = reports.iter().flat_map(|r| &r.findings).collect();
    let errors = all.iter().filter(|d| d.level == Level::Error).count();
    let warnings = all.iter().filter(|d| d.level == Level::Warning).count();
    let text = match args.out.format {
        OutputFormat::Json => serde_json::to_string_pretty(&reports).unwrap_or_default() + "\n",
        _ => {
            let owned: Vec<Diagnostic> = all.iter().map(|d| (*d).clone()).collect();
            crate::diagnostics::print_all(&owned, stderr_color());
            let mut out = String::new();
            for r in &reports {
                let kind = r
                    .kind
                    .map(|k| format!(" (read as {k})"))
                    .unwrap_or_default();
                let e = r
                    .findings
                    .iter()
                    .filter(|d| d.level == Level::Error)
                    .count();
                let w = r
                    .findings
                    .iter()
                    .filter(|d| d.level == Level::Warning)
                    .count();
                let _ = writeln!(
                    out,
                    "{}{kind}: {}, {}",
                    moat_source::diag::escape_controls(&r.file),
                    moat_source::diag::count(e, "error"),
                    moat_source::diag::count(w, "warning")
                );
            }
            out
        }
    };
    if let Err(outcome) = emit(&text, args.out.output.as_deref()) {
        return outcome;
    }
    if errors > 0 || (args.strict && warnings > 0) {
        Outcome::InputError
    } else {
        Outcome::Ok
    }
}
