//! `moat policy diff OLD NEW`: does NEW grant any access OLD did not? Decided
//! exactly over every request (moat_policy::diff), with checked witnesses.

use super::Output;
use crate::Outcome;
use crate::commands::emit;
use crate::format::OutputFormat;
use crate::inputs::{read, stderr_color};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use moat_policy::NamedPolicy;
use moat_policy::diff::{Decided, DiffKind, KINDS, Options, Report};
use moat_source::SourceFile;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The policy before the change (JSON)
    pub old: PathBuf,
    /// The policy after the change (JSON)
    pub new: PathBuf,
    #[command(flatten)]
    pub analysis: Analysis,
    #[command(flatten)]
    pub out: Output,
}

/// Flags `diff` and `check-access-not-granted` share.
#[derive(clap::Args)]
pub struct Analysis {
    /// The kind of policy: identity (the caller's only identity policy),
    /// resource (the resource's only resource policy), scp, rcp, boundary,
    /// session or endpoint
    #[arg(long, default_value = "identity", value_parser = kind_parser())]
    pub kind: DiffKind,
    /// Witnesses to find and print at most
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub witnesses: u64,
    /// Request classes to evaluate at most before answering "undecided"
    #[arg(long, default_value_t = 1_000_000)]
    pub max_evaluations: u64,
    /// Also write the witnesses as evaluation cases to this file, for
    /// `moat policy eval FILE --check`
    #[arg(long, value_name = "FILE")]
    pub cases: Option<PathBuf>,
}

fn kind_parser() -> impl TypedValueParser<Value = DiffKind> {
    PossibleValuesParser::new(KINDS.iter().map(|(name, _)| *name))
        .map(|name| DiffKind::parse(&name).unwrap_or(DiffKind::Identity))
}

impl Analysis {
    pub fn options(&self) -> Options {
        Options {
            kind: self.kind,
            max_witnesses: usize::try_from(self.witnesses).unwrap_or(1),
            max_evaluations: self.max_evaluations,
            ..Options::default()
        }
    }
}

/// Reads one policy file; problems go to stderr, and `None` means exit 2.
pub fn load(path: &Path) -> Option<NamedPolicy> {
    let name = path.display().to_string();
    let text = match read(path) {
        Ok(text) => text,
        Err(d) => {
            crate::diagnostics::print_all(&[*d], stderr_color());
            return None;
        }
    };
    let file = SourceFile::new(name.as_str(), text);
    let (policy, diagnostics) = moat_policy::document::read_file(&file);
    crate::diagnostics::print_all(&diagnostics, stderr_color());
    if diagnostics.iter().any(moat_source::Diagnostic::is_error) {
        return None;
    }
    Some(NamedPolicy {
        name,
        policy: policy?,
    })
}

pub fn run(args: Args) -> Outcome {
    let (Some(old), Some(new)) = (load(&args.old), load(&args.new)) else {
        return Outcome::InputError;
    };
    let report = match moat_policy::diff::diff(&old, &new, &args.analysis.options()) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::InputError;
        }
    };
    let header = json!({"old": old.name, "new": new.name});
    finish(
        &report,
        "new_access",
        header,
        &args.analysis,
        &args.out,
        |found| {
            if found {
                format!("{} grants access that {} does not", new.name, old.name)
            } else {
                format!("{} grants no access that {} does not", new.name, old.name)
            }
        },
    )
}

/// Prints the report (text or JSON), writes `--cases`, and decides the exit code.
pub fn finish(
    report: &Report,
    field: &str,
    header: Value,
    analysis: &Analysis,
    out: &Output,
    summary: impl Fn(bool) -> String,
) -> Outcome {
    let text = match out.format {
        OutputFormat::Json => json_report(report, field, header),
        _ => text_report(report, field, &summary),
    };
    if let Err(outcome) = emit(&text, out.output.as_deref()) {
        return outcome;
    }
    if let Some(path) = &analysis.cases {
        let cases: Vec<&Value> = report
            .witnesses
            .iter()
            .flat_map(|w| [&w.new_case, &w.old_case])
            .collect();
        let text = serde_json::to_string_pretty(&cases).unwrap_or_default() + "\n";
        if let Err(outcome) = emit(&text, Some(path)) {
            return outcome;
        }
    }
    match report.new_access {
        Some(false) => Outcome::Ok,
        // New access, or no proof that there is none: the gate stays shut.
        _ => Outcome::Failed,
    }
}

fn json_report(report: &Report, field: &str, header: Value) -> String {
    let mut value = header;
    value["kind"] = json!(report.kind);
    value[field] = json!(report.new_access);
    value["decided"] = json!(report.decided);
    value["witnesses"] = Value::Array(
        report
            .witnesses
            .iter()
            .map(|w| w.new_case.clone())
            .collect(),
    );
    value["old_witnesses"] = Value::Array(
        report
            .witnesses
            .iter()
            .map(|w| w.old_case.clone())
            .collect(),
    );
    value["explanations"] = Value::Array(
        report
            .witnesses
            .iter()
            .map(|w| json!({"action_known": w.action_known, "new": w.new, "old": w.old}))
            .collect(),
    );
    value["assumptions"] = json!(report.assumptions);
    value["limits"] = json!(report.limits);
    value["stats"] = json!(report.stats);
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn text_report(report: &Report, field: &str, summary: &dyn Fn(bool) -> String) -> String {
    let mut out = String::new();
    let what = field.replace('_', " ");
    let decided = match report.decided {
        Decided::Proved => "proved",
        Decided::Assumed => "assumed",
        Decided::Undecided => "undecided",
    };
    match report.new_access {
        Some(found) => {
            let _ = writeln!(
                out,
                "{what}: {} ({decided}): {}",
                if found { "yes" } else { "no" },
                summary(found)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{what}: undecided: the search stopped before every request class was seen"
            );
        }
    }
    let _ = writeln!(out, "  evaluated as: {} policy", report.kind.name());
    for (i, w) in report.witnesses.iter().enumerate() {
        let r = &w.request;
        let principal = match &r["principal"] {
            Value::String(s) => s.clone(),
            _ => "anonymous".into(),
        };
        let _ = writeln!(
            out,
            "witness {}: {principal} {} on {} (resource account {})",
            i + 1,
            r["action"].as_str().unwrap_or_default(),
            r["resource"]["resource"].as_str().unwrap_or_default(),
            r["resource"]["accountId"].as_str().unwrap_or("-"),
        );
        if let Some(context) = r["context"].as_object().filter(|c| !c.is_empty()) {
            let pairs: Vec<String> = context.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = writeln!(out, "    context: {}", pairs.join(", "));
        } else {
            let _ = writeln!(out, "    context: none");
        }
        if !w.action_known {
            let _ = writeln!(
                out,
                "    the action is not in the IAM action list: a wildcard admits it (a future or unknown action)"
            );
        }
        for (label, e) in [("NEW", &w.new), ("OLD", &w.old)] {
            let _ = writeln!(out, "    {label}: {}: {}", e.decision.as_str(), e.reason);
            for s in &e.statements {
                let _ = writeln!(
                    out,
                    "      {:?} statement `{}` of `{}`",
                    s.effect, s.statement, s.policy
                );
            }
        }
    }
    for a in &report.assumptions {
        let _ = writeln!(out, "assuming: {a}");
    }
    for l in &report.limits {
        let _ = writeln!(out, "stopped: {l}");
    }
    let s = &report.stats;
    let _ = writeln!(
        out,
        "classes: {} principal, {} action, {} resource, {} condition keys, {} variable assignments; {} evaluated",
        s.principal_classes,
        s.action_classes,
        s.resource_classes,
        s.context_keys,
        s.variable_assignments,
        s.evaluations
    );
    // Policy texts reach the output: escape control characters.
    moat_source::diag::escape_lines(&out)
}
