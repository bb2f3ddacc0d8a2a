//! `moat policy eval CASES.json... [--check]`.

use super::Output;
use crate::Outcome;
use crate::commands::emit;
use crate::format::OutputFormat;
use crate::inputs::{read, stderr_color};
use moat_policy::cases::{Case, read_cases};
use moat_policy::{Evaluation, evaluate};
use moat_source::SourceFile;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Case files: one case or an array, in the exchange shape (docs/policy.md)
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Compare each decision with the case's `expected` and exit 1 on any mismatch
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Serialize)]
struct Result<'a> {
    file: String,
    name: &'a str,
    response: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passed: Option<bool>,
    #[serde(flatten)]
    evaluation: Evaluation,
}

#[derive(Serialize)]
struct Summary {
    cases: usize,
    passed: usize,
    failed: usize,
    /// Cases without `expected` (not counted as passed or failed).
    unchecked: usize,
    /// Files or cases that could not be read; they ran no evaluation.
    unreadable: usize,
}

pub fn run(args: Args) -> Outcome {
    let mut loaded: Vec<(String, Vec<Case>)> = Vec::new();
    let mut unreadable = 0;
    for path in &args.files {
        let name = path.display().to_string();
        let text = match read(path) {
            Ok(text) => text,
            Err(d) => {
                crate::diagnostics::print_all(&[*d], stderr_color());
                unreadable += 1;
                continue;
            }
        };
        let file = SourceFile::new(name.as_str(), text);
        let (cases, diagnostics) = read_cases(&file);
        crate::diagnostics::print_all(&diagnostics, stderr_color());
        unreadable += diagnostics.iter().filter(|d| d.is_error()).count();
        loaded.push((name, cases));
    }
    let mut results = Vec::new();
    for (file, cases) in &loaded {
        for case in cases {
            let evaluation = evaluate(&case.request, &case.policies);
            let expected = case.expected.map(|e| e.as_str());
            let passed = args
                .check
                .then(|| case.expected.map(|e| e == evaluation.decision))
                .flatten();
            results.push(Result {
                file: file.clone(),
                name: &case.name,
                response: evaluation.decision.as_str(),
                expected,
                passed,
                evaluation,
            });
        }
    }
    let summary = Summary {
        cases: results.len(),
        passed: results.iter().filter(|r| r.passed == Some(true)).count(),
        failed: results.iter().filter(|r| r.passed == Some(false)).count(),
        unchecked: results
            .iter()
            .filter(|r| args.check && r.passed.is_none())
            .count(),
        unreadable,
    };
    let text = match args.out.format {
        OutputFormat::Json => {
            let value = serde_json::json!({"results": results, "summary": summary});
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        _ => text(&results, &summary, args.check),
    };
    if let Err(outcome) = emit(&text, args.out.output.as_deref()) {
        return outcome;
    }
    if summary.unreadable > 0 {
        Outcome::InputError
    } else if args.check && (summary.failed > 0 || summary.unchecked > 0) {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}

fn text(results: &[Result], summary: &Summary, check: bool) -> String {
    let mut out = String::new();
    for r in results {
        let mark = match r.passed {
            Some(true) => "ok    ",
            Some(false) => "FAILED",
            None if check => "NO EXPECTATION",
            None => "",
        };
        let _ = write!(
            out,
            "{mark}{}{}: {}",
            if mark.is_empty() { "" } else { " " },
            r.name,
            r.response
        );
        if r.passed == Some(false) {
            let _ = write!(out, " (expected {})", r.expected.unwrap_or("?"));
        }
        let _ = writeln!(out, "\n    {}", r.evaluation.reason);
        for s in &r.evaluation.statements {
            let level = s
                .level
                .as_deref()
                .map(|l| format!(" at `{l}`"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:?} statement `{}` of {} `{}`{level}",
                s.effect,
                s.statement,
                s.kind.describe(),
                s.policy
            );
        }
    }
    if check {
        let _ = write!(out, "{} passed, {} failed", summary.passed, summary.failed);
        if summary.unchecked > 0 {
            let _ = write!(out, ", {} without `expected`", summary.unchecked);
        }
        if summary.unreadable > 0 {
            let _ = write!(out, ", {} unreadable", summary.unreadable);
        }
        out.push('\n');
    }
    // Names and reasons quote case files: escape them, keeping the line breaks.
    moat_source::diag::escape_lines(&out)
}
