//! `moat scan PATH...`: CloudFormation, SAM and CDK output -> Inventory ->
//! checks -> located findings, rendered as a review. `moat scan --aws` reads
//! a live account into the same Inventory (crates/moat-aws, docs/live.md),
//! and `--compare PATH` reports its drift from the code at PATH.

use crate::Outcome;
use crate::commands::finish;
use crate::format::OutputFormat;
use moat_checks::Severity;
use moat_engine::scan::{ScanOptions, assess_paths};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

const FORMATS: &[OutputFormat] = &[
    OutputFormat::Text,
    OutputFormat::Md,
    OutputFormat::Json,
    OutputFormat::Sarif,
    OutputFormat::Csv,
    OutputFormat::Html,
];

#[derive(clap::Args)]
pub struct Args {
    /// Templates, directories, or CDK cloud assemblies (`cdk.out`)
    #[arg(required_unless_present = "aws")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub live: crate::commands::live::LiveArgs,
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(FORMATS))]
    pub format: OutputFormat,
    /// Write to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// A parameter or pseudo parameter value: `--param Env=prod`, `--param AWS::AccountId=111122223333`
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Run only these checks (ids or prefixes: `CHK-S3-00`)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these checks (ids or prefixes)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit 1 when a finding at or above this severity is not suppressed
    #[arg(long, default_value = "low", value_parser = ["info", "low", "medium", "high", "critical", "none"])]
    pub fail_on: String,
    /// Accept the findings this baseline file lists (see --write-baseline)
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Write the current findings' ids to this file as a baseline
    #[arg(long)]
    pub write_baseline: Option<PathBuf>,
    #[command(flatten)]
    pub upload: crate::upload::UploadArgs,
}

pub fn run(args: Args) -> Outcome {
    if args.live.aws && !args.paths.is_empty() {
        eprintln!(
            "error: `--aws` reads a live account; give the code to compare it with as `--compare PATH`"
        );
        return Outcome::InputError;
    }
    if args.live.print_policy {
        print!("{}", moat_aws::calls::minimal_policy());
        return Outcome::Ok;
    }
    let mut params = BTreeMap::new();
    for p in &args.params {
        match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                params.insert(k.to_string(), v.to_string());
            }
            _ => {
                eprintln!("error: `--param {p}`: expected NAME=VALUE");
                return Outcome::InputError;
            }
        }
    }
    for id in args.select.iter().chain(&args.ignore) {
        if !moat_checks::registry::ALL
            .iter()
            .any(|c| c.id.starts_with(id.as_str()))
        {
            let hint = moat_source::diag::did_you_mean(
                id,
                moat_checks::registry::ALL.iter().map(|c| c.id),
            )
            .map(|m| format!("; {m}"))
            .unwrap_or_default();
            eprintln!("error: no check id starts with `{id}`{hint}");
            return Outcome::InputError;
        }
    }
    let baseline = match &args.baseline {
        Some(path) => match read_baseline(path) {
            Ok(b) => b,
            Err(message) => {
                eprintln!("error: {}: {message}", path.display());
                return Outcome::InputError;
            }
        },
        None => BTreeSet::new(),
    };
    let checks = moat_checks::registry::select(&args.select, &args.ignore);
    let iac = moat_iac::scan::Options {
        params,
        progress: progress_display(),
    };
    let (assessment, upload_name) = if args.live.aws {
        let live = match crate::commands::live::read(&args.live) {
            Ok(scan) => scan,
            Err(outcome) => return outcome,
        };
        if !args.live.compare.is_empty() {
            return crate::commands::live::drift(
                &live,
                &args.live.compare,
                &iac,
                args.format,
                args.output.as_deref(),
            );
        }
        let name = PathBuf::from(
            live.files
                .first()
                .map_or("aws", |f| f.path.as_str())
                .trim_end_matches(":global"),
        );
        let assessment = moat_engine::scan::assess_scan(
            &live,
            &checks,
            &moat_catalog::builtin().0,
            &ScanOptions { baseline },
        );
        (assessment, name)
    } else {
        let assessment = assess_paths(
            &args.paths,
            &iac,
            &checks,
            || moat_catalog::builtin().0,
            &ScanOptions { baseline },
        );
        (assessment, args.paths[0].clone())
    };
    if let Some(path) = &args.write_baseline {
        let ids: Vec<&str> = assessment
            .scan_results()
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| f.id.as_str())
            .collect();
        let text =
            serde_json::to_string_pretty(&serde_json::json!({"version": 1, "accepted": ids}))
                .unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return Outcome::InputError;
        }
    }
    if let Err(e) = crate::upload::upload(&args.upload, &assessment, &upload_name) {
        eprintln!("error: {e}");
        return Outcome::InputError;
    }
    let text = match args.format {
        OutputFormat::Text => moat_report::scan::text(&assessment),
        OutputFormat::Md => moat_report::scan::markdown(&assessment),
        // large scans write tens of megabytes of JSON: stream it
        OutputFormat::Json => match write_json(&assessment, args.output.as_deref()) {
            Ok(()) => return exit_for(&assessment, &args.fail_on),
            Err(outcome) => return outcome,
        },
        OutputFormat::Sarif => moat_report::scan::sarif(&assessment),
        OutputFormat::Csv => moat_report::scan::csv(&assessment),
        OutputFormat::Html => match moat_report::html(&assessment, moat_report::HtmlView::Scan) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: {e}");
                return Outcome::InputError;
            }
        },
        other => return crate::format::unsupported(other),
    };
    let written = finish(Ok(text), args.output.as_deref());
    if written != Outcome::Ok {
        return written;
    }
    exit_for(&assessment, &args.fail_on)
}

/// A one-line counter on a terminal for long runs (and nothing otherwise).
fn progress_display() -> Option<Box<moat_iac::scan::Progress>> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    Some(Box::new(|read, found| {
        // only worth a line when there is a wait to watch
        if found >= 200 {
            let end = if read == found { "\n" } else { "" };
            eprint!("\rscanned {read}/{found} templates{end}");
        }
    }))
}

/// The assessment as JSON, written as it is serialized.
fn write_json(
    assessment: &moat_engine::Assessment,
    output: Option<&std::path::Path>,
) -> Result<(), Outcome> {
    use std::io::Write;
    let target = output.map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("error: cannot write `{target}`: {e}");
        Outcome::InputError
    };
    let sink: Box<dyn Write> = match output {
        Some(path) => Box::new(std::fs::File::create(path).map_err(|e| fail(&e))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = std::io::BufWriter::with_capacity(1 << 16, sink);
    serde_json::to_writer(&mut writer, assessment).map_err(|e| fail(&e))?;
    writer.write_all(b"\n").map_err(|e| fail(&e))?;
    writer.flush().map_err(|e| fail(&e))
}

/// The exit code a finished scan earns.
fn exit_for(assessment: &moat_engine::Assessment, fail_on: &str) -> Outcome {
    // what could not be read is never a quiet green
    let s = &assessment.scan_results().summary;
    for d in assessment.diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{d}");
    }
    if s.files_with_errors > 0 {
        eprintln!(
            "error: {} could not be read completely",
            moat_source::diag::count(s.files_with_errors, "file")
        );
        return Outcome::InputError;
    }
    if s.files_scanned == 0 {
        eprintln!(
            "error: no CloudFormation, SAM or CDK template or Terraform configuration found in the paths given"
        );
        return Outcome::InputError;
    }
    let threshold = Severity::parse(fail_on);
    let failing = threshold.is_some_and(|t| {
        assessment
            .scan_results()
            .findings
            .iter()
            .any(|f| f.suppressed.is_none() && f.severity >= t)
    });
    if failing {
        Outcome::ThreatsAtOrAboveThreshold
    } else {
        Outcome::Ok
    }
}

fn read_baseline(path: &std::path::Path) -> Result<BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("not a baseline: {e}"))?;
    let list = value
        .get("accepted")
        .and_then(|a| a.as_array())
        .ok_or("not a baseline: no `accepted` list")?;
    Ok(list
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect())
}

/// A scan for `plan --scan` and `compliance --scan`: every check, no
/// suppressions. An error when no template is found; files that could not be
/// read are reported here and counted in the summary.
pub fn assess_for_status(
    paths: &[PathBuf],
    catalog: &moat_catalog::Catalog,
) -> Result<moat_engine::Assessment, Outcome> {
    let scan = moat_iac::scan::scan(paths, &moat_iac::scan::Options::default());
    let assessment = moat_engine::scan::assess_scan(
        &scan,
        moat_checks::registry::ALL,
        catalog,
        &ScanOptions::default(),
    );
    for d in assessment.diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{d}");
    }
    if assessment.scan_results().summary.files_scanned == 0 {
        eprintln!(
            "error: no CloudFormation, SAM or CDK template or Terraform configuration found in the --scan paths"
        );
        return Err(Outcome::InputError);
    }
    if assessment.scan_results().summary.files_with_errors > 0 {
        eprintln!(
            "error: {} could not be read completely; the statuses that depend on them may be missing",
            moat_source::diag::count(assessment.scan_results().summary.files_with_errors, "file")
        );
    }
    Ok(assessment)
}
