//! The terminal report: each finding like a compiler diagnostic, then a summary.

use moat_engine::Assessment;
use moat_source::diag::escape_controls;
use std::fmt::Write;

pub fn render(assessment: &Assessment) -> String {
    let a = assessment.scan_results();
    let mut out = String::new();
    for f in a.findings.iter().filter(|f| f.suppressed.is_none()) {
        let _ = writeln!(
            out,
            "{} {} [{}] {}",
            f.severity.as_str(),
            f.check,
            f.outcome.as_str(),
            f.title
        );
        let mut at = f.resource.to_string();
        if let Some(path) = &f.cdk_path {
            at.push_str(&format!(", {path}"));
        }
        if let Some(holder) = &f.located_in {
            at.push_str(&format!(", in {holder}"));
        }
        let _ = writeln!(
            out,
            "  --> {}:{}:{} ({at})",
            f.location.file, f.location.line, f.location.col
        );
        if !f.source_line.is_empty() {
            let width = f.location.line.to_string().len();
            let _ = writeln!(out, "{:width$} |", "");
            let _ = writeln!(
                out,
                "{} | {}",
                f.location.line,
                escape_controls(&f.source_line)
            );
            let _ = writeln!(
                out,
                "{:width$} | {}^",
                "",
                " ".repeat(f.location.col.saturating_sub(1) as usize)
            );
        }
        let _ = writeln!(out, "  = {}", escape_controls(&f.message));
        if let Some(c) = a.check(&f.check) {
            let _ = writeln!(out, "  = fix: {}", c.recommendation);
            // the recommendation names CloudFormation properties; in a CDK
            // app the code to write is not obvious from them
            if let Some((language, code)) = super::cdk_fix(f, c) {
                let _ = writeln!(out, "  = in the CDK app ({}):", language.name());
                for line in code.lines() {
                    let _ = writeln!(out, "      {line}");
                }
            }
        }
        out.push('\n');
    }
    let s = &a.summary;
    let by = super::by_severity(a);
    let _ = writeln!(
        out,
        "{} in {} ({} resources, {} checks): {} passed{}{}",
        moat_source::diag::count(s.findings, "finding"),
        moat_source::diag::count(s.files_scanned, "file"),
        s.resources,
        s.checks_run,
        s.passed,
        if by.is_empty() {
            String::new()
        } else {
            format!("; {}", by.join(", "))
        },
        if s.suppressed > 0 {
            format!("; {} suppressed", s.suppressed)
        } else {
            String::new()
        },
    );
    if s.files_with_errors > 0 || s.files_skipped > 0 {
        let _ = writeln!(
            out,
            "{} with errors, {} skipped:",
            moat_source::diag::count(s.files_with_errors, "file"),
            s.files_skipped
        );
        for f in a
            .files
            .iter()
            .filter(|f| f.status != moat_iac::scan::Status::Scanned)
        {
            let status = match f.status {
                moat_iac::scan::Status::Error => "error",
                _ => "skipped",
            };
            let _ = writeln!(
                out,
                "  {status}: {} ({})",
                f.path,
                f.reason.as_deref().unwrap_or("")
            );
        }
    }
    out
}
