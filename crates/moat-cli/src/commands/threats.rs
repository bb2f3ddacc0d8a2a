//! `moat threats MODEL`: the threats that apply to each element and data flow,
//! their status (from declared controls and recorded decisions), and what to do.

use crate::commands::emit;
use crate::commands::source::CatalogArgs;
use crate::format::OutputFormat;
use crate::{Outcome, diagnostics, inputs};
use clap::ValueEnum;
use moat_catalog::Severity;
use moat_engine::Assessment;
use moat_source::diag::count;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub type Format = OutputFormat;

#[derive(Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn severity(self) -> Severity {
        match self {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// A pytm script (.py), a Moat YAML model, or a Threat Composer (.tc.json) or OTM file
    pub model: PathBuf,
    /// Output format
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(&[OutputFormat::Text, OutputFormat::Json, OutputFormat::Md, OutputFormat::ThreatComposer, OutputFormat::Otm, OutputFormat::ThreatDragon, OutputFormat::Html]))]
    pub format: Format,
    /// Render with your own minijinja template instead (see docs/templates.md)
    #[arg(long, conflicts_with = "format")]
    pub template: Option<PathBuf>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Report only threats at or above this severity (`--fail-on` still counts all)
    #[arg(long, value_enum)]
    pub min_severity: Option<SeverityArg>,
    /// Exit with 1 when an open threat at or above this severity applies
    #[arg(long, value_enum)]
    pub fail_on: Option<SeverityArg>,
    /// Counts and one line per threat (text and Markdown)
    #[arg(long)]
    pub summary: bool,
    /// Treat warnings (and an incomplete model) as errors: exit 2
    #[arg(long)]
    pub strict: bool,
    /// The day decisions' `expires` are compared with (YYYY-MM-DD; default: today, UTC)
    #[arg(long, value_name = "DAY")]
    pub as_of: Option<String>,
    /// Write the report to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The output of `aws iam get-account-authorization-details`: show which
    /// principals can carry out each threat on an S3 bucket element
    /// (docs/policy.md, "Threat reachability")
    #[arg(long, value_name = "FILE")]
    pub account_snapshot: Option<PathBuf>,
    /// A bucket's policy, as BUCKET=FILE (repeatable; needs --account-snapshot)
    #[arg(long, value_name = "BUCKET=FILE", requires = "account_snapshot")]
    pub bucket_policy: Vec<String>,
    #[command(flatten)]
    pub upload: crate::upload::UploadArgs,
}

pub fn run(args: Args) -> Outcome {
    let color = inputs::stderr_color();
    if args.summary && args.format == Format::Json && args.template.is_none() {
        eprintln!(
            "error: `--summary` is for text and Markdown; JSON always holds everything (filter it with jq)"
        );
        return Outcome::InputError;
    }
    let today = match &args.as_of {
        Some(day) if moat_model::decision::is_valid_day(day) => day.clone(),
        Some(day) => {
            eprintln!("error: `--as-of {day}` is not a day: write it as YYYY-MM-DD");
            return Outcome::InputError;
        }
        None => moat_engine::today(),
    };
    let (loaded, source, scan) = inputs::load_model_with_scan(&args.model);
    let (catalog, catalog_diags) =
        inputs::load_catalog(&args.catalog.catalogs, args.catalog.no_builtin);
    let mut diags = loaded.diagnostics;
    diags.extend(catalog_diags);
    diagnostics::print_all(&diags, color);
    let Some(model) = loaded.model else {
        return Outcome::InputError;
    };
    let loaded_count = diags.len();
    let mut assessment = moat_engine::assess_with(
        model,
        source.as_ref(),
        &catalog,
        diags,
        &moat_engine::Options { today },
    );
    assessment.scan = scan;
    // evaluation diagnostics are new; show them too
    diagnostics::print_all(
        assessment.diagnostics.get(loaded_count..).unwrap_or(&[]),
        color,
    );
    if !assessment.model.incomplete.is_empty() {
        eprintln!(
            "moat: `{}` is incomplete: {} of the source could not be interpreted, so threats may be missing (see the warnings above; `--strict` fails the run)",
            args.model.display(),
            count(assessment.model.incomplete.len(), "part")
        );
    }
    // --fail-on looks at every applicable threat, before --min-severity hides any
    let failing = args.fail_on.and_then(|t| {
        let open = assessment.open_at_or_above(t.severity());
        (open > 0).then(|| fail_line(&assessment, t.severity(), open))
    });
    // the server gets every threat, whatever this report leaves out
    if let Err(e) = crate::upload::upload(&args.upload, &assessment, &args.model) {
        eprintln!("error: {e}");
        return Outcome::InputError;
    }
    if let Some(min) = args.min_severity {
        assessment.retain(|t| t.severity >= min.severity());
    }
    let mut policy_errors = false;
    if let Some(path) = &args.account_snapshot {
        match reachability(&args, path, &mut assessment, &catalog) {
            Ok(errors) => policy_errors = errors,
            Err(outcome) => return outcome,
        }
    }
    let text = match render(&args, &assessment, &catalog) {
        Ok(text) => text,
        Err(diag) => {
            diagnostics::print_all(&[*diag], color);
            return Outcome::InputError;
        }
    };
    if let Err(outcome) = emit(&text, args.output.as_deref()) {
        return outcome;
    }
    if let Some(outcome) = input_outcome(&assessment, args.strict) {
        return outcome;
    }
    if policy_errors {
        return Outcome::InputError;
    }
    match failing {
        Some(line) => {
            eprintln!("{line}");
            Outcome::ThreatsAtOrAboveThreshold
        }
        None => Outcome::Ok,
    }
}

/// Reads the snapshot and bucket policies and sets each bucket result's
/// reachability. `Ok(true)` when a file had errors (reported on stderr; the
/// report is still written, and the run exits 2).
fn reachability(
    args: &Args,
    snapshot_path: &Path,
    assessment: &mut Assessment,
    catalog: &moat_catalog::Catalog,
) -> Result<bool, Outcome> {
    use crate::commands::policy::who_can::{policy_file, snapshot_file};
    let color = inputs::stderr_color();
    let mut found = Vec::new();
    let snapshot = snapshot_file(snapshot_path, &mut found);
    let mut sources = moat_policy::snapshot::PolicySources::default();
    let mut policies = BTreeMap::new();
    let known = moat_engine::reach::model_buckets(&assessment.model);
    for spec in &args.bucket_policy {
        let Some((bucket, file)) = spec
            .split_once('=')
            .filter(|(b, f)| !b.trim().is_empty() && !f.trim().is_empty())
        else {
            eprintln!(
                "error: `--bucket-policy {spec}` is not BUCKET=FILE (e.g. `acme-reports=policy.json`)"
            );
            return Err(Outcome::InputError);
        };
        let bucket = bucket.trim().to_string();
        if !known.contains(&bucket) {
            eprintln!(
                "warning: `--bucket-policy {spec}`: no S3 bucket element of the model names the bucket `{bucket}` (its `bucket` property)"
            );
        }
        if let Some(policy) = policy_file(Path::new(file.trim()), &mut sources, &mut found) {
            policies.insert(bucket, policy);
        }
    }
    crate::diagnostics::print_all(&found, color);
    let reach_inputs = moat_engine::reach::ReachInputs {
        snapshot: &snapshot,
        bucket_policies: &policies,
        sources: Some(&sources),
    };
    moat_engine::reach::attach(assessment, catalog, &reach_inputs);
    Ok(found.iter().any(moat_source::Diagnostic::is_error))
}

fn render(
    args: &Args,
    assessment: &Assessment,
    catalog: &moat_catalog::Catalog,
) -> Result<String, Box<moat_model::Diagnostic>> {
    let options = moat_report::Options {
        color: args.output.is_none() && inputs::stdout_color(),
        summary: args.summary,
        width: if args.output.is_none() {
            terminal_width()
        } else {
            None
        },
    };
    match (&args.template, args.format) {
        (Some(path), _) => inputs::read(path).and_then(|text| {
            let name = path.display().to_string();
            moat_report::template(assessment, &name, &text)
                .map_err(|e| Box::new(e.diagnostic(&name)))
        }),
        (None, Format::Text) => Ok(moat_report::text_with(assessment, &options)),
        (None, Format::Json) => Ok(moat_report::json(assessment)),
        (None, Format::Md) => moat_report::markdown_with(assessment, &options).map_err(|e| {
            Box::new(moat_model::Diagnostic::error(
                "report::markdown",
                e.to_string(),
            ))
        }),
        (None, Format::ThreatComposer) => moat_interchange::tc::export(assessment, catalog),
        (None, Format::Otm) => moat_interchange::otm::export(assessment, catalog),
        (None, Format::ThreatDragon) => moat_interchange::dragon::export(assessment, catalog),
        (None, Format::Html) => moat_report::html(assessment, moat_report::HtmlView::Threats)
            .map_err(|e| Box::new(moat_model::Diagnostic::error("report::html", e.to_string()))),
        (None, other) => Err(Box::new(moat_model::Diagnostic::error(
            "cli::format",
            format!("`moat threats` does not write `{}`", other.name()),
        ))),
    }
}

/// The terminal's width when stdout is one, else `COLUMNS` when set.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
    {
        return Some(usize::from(w));
    }
    std::env::var("COLUMNS").ok()?.trim().parse().ok()
}

/// Exit 2 when an input could not be read, resolved or decided: errors always,
/// warnings and an incomplete model with `--strict`.
fn input_outcome(assessment: &Assessment, strict: bool) -> Option<Outcome> {
    use moat_model::Level;
    let errors = assessment
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    if errors > 0 {
        return Some(Outcome::InputError);
    }
    if strict {
        let warnings = assessment
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning)
            .count();
        let incomplete = assessment.model.incomplete.len();
        if warnings > 0 || incomplete > 0 {
            eprintln!(
                "moat: --strict: {}{}{}",
                count(warnings, "warning"),
                if warnings > 0 && incomplete > 0 {
                    " and "
                } else {
                    ""
                },
                if incomplete > 0 {
                    format!(
                        "an incomplete model ({})",
                        count(incomplete, "skipped part")
                    )
                } else {
                    String::new()
                }
            );
            return Some(Outcome::InputError);
        }
    }
    None
}

/// The one stderr line `--fail-on` prints when it fails the run.
fn fail_line(assessment: &Assessment, threshold: Severity, open: usize) -> String {
    let mut by_level = Vec::new();
    for level in Severity::ALL.into_iter().rev().filter(|l| *l >= threshold) {
        let n = assessment
            .threats
            .iter()
            .filter(|t| t.is_open() && t.severity == level)
            .count();
        if n > 0 {
            by_level.push(format!("{n} {}", level.as_str()));
        }
    }
    let shown = if by_level.is_empty() {
        String::new()
    } else {
        format!(" ({})", by_level.join(", "))
    };
    format!(
        "moat: {} at or above {}{shown}; implement a control (`implements:`) or record a decision (`decisions:`, docs/model.md#decisions)",
        count(open, "open threat"),
        threshold.as_str(),
    )
}
