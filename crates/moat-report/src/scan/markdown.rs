//! The review in Markdown, shaped like a security reviewer's write-up:
//! an overview, numbered findings grouped by category (each with severity,
//! issue, code location, impact, recommendation and fix), the action plan in
//! three tiers, and what could not be read or decided.

use super::snippet;
use crate::markdown_escape::{md_code, md_escape, md_text};
use moat_checks::Category;
use moat_engine::Assessment;
use moat_engine::scan::{Finding, ScanResults};
use moat_iac::scan::Status;
use std::fmt::Write;

fn fenced(lang: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{lang}\n{}\n{fence}", body.trim_end())
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn render(assessment: &Assessment) -> String {
    let a = assessment.scan_results();
    let mut out = String::new();
    let s = &a.summary;
    let _ = writeln!(out, "# Security review\n");
    let _ = writeln!(out, "## Overview\n");
    let by = super::by_severity(a);
    let _ = writeln!(
        out,
        "Moat {} read {} ({} resources) and ran {} checks: **{}**{}, {} passed.{}\n",
        assessment.tool.version,
        moat_source::diag::count(
            s.files_scanned,
            moat_iac::scan::noun_for(a.files.iter().map(|f| f.format.as_str()))
        ),
        s.resources,
        s.checks_run,
        moat_source::diag::count(s.findings, "finding"),
        if by.is_empty() {
            String::new()
        } else {
            format!(" ({})", by.join(", "))
        },
        s.passed,
        if s.suppressed > 0 {
            format!(" {} suppressed (listed at the end).", s.suppressed)
        } else {
            String::new()
        },
    );
    if s.files_with_errors > 0 {
        let _ = writeln!(
            out,
            "> **Warning**: {} could not be read completely; findings for them may be missing (see Files).\n",
            moat_source::diag::count(s.files_with_errors, "file")
        );
    }
    let open: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    for category in Category::ALL {
        let group: Vec<&&Finding> = open.iter().filter(|f| f.category == category).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {}\n", category.title());
        for f in group {
            finding(&mut out, a, f);
        }
    }
    let _ = writeln!(out, "## Recommended actions\n");
    for (title, numbers) in [
        ("Immediate actions (critical and high)", &a.plan.immediate),
        ("Next (medium)", &a.plan.next),
        ("Later (low, and what Moat could not decide)", &a.plan.later),
    ] {
        let _ = writeln!(out, "### {title}\n");
        if numbers.is_empty() {
            let _ = writeln!(out, "Nothing.\n");
            continue;
        }
        for n in numbers {
            if let Some(f) = a.findings.iter().find(|f| f.number == *n) {
                let _ = writeln!(
                    out,
                    "1. #{n} {} on {}: {}",
                    md_escape(&f.title),
                    md_code(&f.resource, false),
                    md_text(a.check(&f.check).map_or("", |c| c.recommendation.as_str()))
                );
            }
        }
        out.push('\n');
    }
    let held: Vec<_> = a
        .results
        .iter()
        .filter(|r| r.verdict == moat_checks::Outcome::Pass)
        .collect();
    if !held.is_empty() {
        let _ = writeln!(out, "## What holds\n");
        let _ = writeln!(
            out,
            "Checked and found sound (a reviewer's claim to the contrary is worth a second look):\n"
        );
        for r in held {
            let _ = writeln!(
                out,
                "- `{}` {} (`{}:{}`): {}",
                r.check,
                md_code(&r.resource, false),
                md_escape(&r.file),
                r.line,
                md_text(&r.message)
            );
        }
        out.push('\n');
    }
    if !a.controls.is_empty() {
        let _ = writeln!(out, "## Controls\n");
        let _ = writeln!(out, "| control | status | evidence |\n|---|---|---|");
        for c in &a.controls {
            let places: Vec<String> = c
                .evidence
                .iter()
                .take(3)
                .map(|e| {
                    format!(
                        "{} {}:{} ({})",
                        e.status.label(),
                        e.location.file,
                        e.location.line,
                        e.resource
                    )
                })
                .collect();
            let more = if c.evidence.len() > 3 {
                format!(" and {} more", c.evidence.len() - 3)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| {} {} | {} | {}{} |",
                c.control,
                md_escape(&c.name),
                c.status.label(),
                md_escape(&places.join("; ")).replace('|', "\\|"),
                more
            );
        }
        out.push('\n');
    }
    let suppressed: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .collect();
    if !suppressed.is_empty() {
        let _ = writeln!(out, "## Suppressed\n");
        for f in suppressed {
            let _ = writeln!(
                out,
                "- #{} {} on {} ({}:{}): {}",
                f.number,
                f.check,
                md_code(&f.resource, false),
                md_escape(&f.location.file),
                f.location.line,
                md_escape(f.suppressed.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Files\n");
    let _ = writeln!(out, "| file | format | status | note |\n|---|---|---|---|");
    for f in &a.files {
        let status = match f.status {
            Status::Scanned => "scanned",
            Status::Skipped => "skipped",
            Status::Error => "**error**",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md_code(&f.path, true),
            f.format,
            status,
            md_escape(f.reason.as_deref().unwrap_or("")).replace('|', "\\|")
        );
    }
    if !assessment.diagnostics.is_empty() {
        let _ = writeln!(out, "\n## Diagnostics\n");
        for d in &assessment.diagnostics {
            let _ = writeln!(out, "- {}", md_escape(&d.to_string()));
        }
    }
    out
}

fn finding(out: &mut String, a: &ScanResults, f: &Finding) {
    let Some(c) = a.check(&f.check) else { return };
    let _ = writeln!(out, "### {}. **{}**", f.number, md_escape(&f.title));
    let _ = writeln!(
        out,
        "**Severity: {}** · `{}` · {}\n",
        f.severity.as_str().to_uppercase(),
        f.check,
        f.outcome.as_str()
    );
    let _ = writeln!(out, "- **Issue**: {}", md_text(&f.message));
    let _ = writeln!(
        out,
        "- **Why this severity**: {}",
        md_text(&f.severity_reason)
    );
    let mut place = format!("{}:{}:{}", f.location.file, f.location.line, f.location.col);
    place = md_code(&place, false);
    let mut resource = format!("resource {}", md_code(&f.resource, false));
    if let Some(path) = &f.cdk_path {
        resource.push_str(&format!(" (CDK {})", md_code(path, false)));
    }
    if let Some(holder) = &f.located_in {
        resource.push_str(&format!(", in {}", md_code(holder, false)));
    }
    let property = if f.property.is_empty() {
        String::new()
    } else {
        format!(", property {}", md_code(&f.property, false))
    };
    let _ = writeln!(out, "- **Code location**: {place}, {resource}{property}");
    if !f.source_line.trim().is_empty() {
        let _ = writeln!(out, "{}", indent(&fenced("", f.source_line.trim()), "  "));
    }
    if !c.impact.is_empty() {
        let _ = writeln!(out, "- **Impact**: {}", md_text(&c.impact));
    }
    let _ = writeln!(out, "- **Recommendation**: {}", md_text(&c.recommendation));
    if let Some((language, code)) = super::cdk_fix(f, c) {
        // a CDK developer edits the app, not the template: the CDK code
        // first, the CloudFormation it synthesizes folded away beneath it
        // (what to look for in the template the location points into)
        let _ = writeln!(
            out,
            "- **Fix** (CDK, {}):\n{}",
            language.name(),
            indent(&fenced(language.as_str(), code), "  ")
        );
        if !c.fix.is_empty() {
            let (lang, body) = snippet::for_file(&c.fix, &f.location.file);
            let _ = writeln!(
                out,
                "  <details><summary>Equivalent CloudFormation</summary>\n\n{}\n\n  </details>",
                indent(&fenced(lang, &body), "  ")
            );
        }
    } else if let Some(code) = super::terraform_fix(f, c) {
        let _ = writeln!(
            out,
            "- **Fix** (Terraform):\n{}",
            indent(&fenced("hcl", code), "  ")
        );
    } else if !c.fix.is_empty() {
        let (lang, body) = snippet::for_file(&c.fix, &f.location.file);
        let label = if f.location.file.ends_with(".tf") {
            // no Terraform snippet yet: the CloudFormation property names the
            // setting; docs/terraform.md maps it to the Terraform argument
            " (the CloudFormation setting; docs/terraform.md names its Terraform argument)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "- **Fix**{label}:\n{}",
            indent(&fenced(lang, &body), "  ")
        );
    }
    if !f.threats_open.is_empty() {
        let threats: Vec<String> = f
            .threats_open
            .iter()
            .take(5)
            .map(|id| match c.threats.iter().find(|t| &t.id == id) {
                Some(t) => format!("{} {}", t.id, md_escape(&t.name)),
                None => md_escape(id),
            })
            .collect();
        let more = if f.threats_open.len() > 5 {
            format!(" and {} more", f.threats_open.len() - 5)
        } else {
            String::new()
        };
        let _ = writeln!(out, "- **Threats left open**: {}{more}", threats.join("; "));
    }
    let mut refs = vec![format!("controls {}", c.controls.join(", "))];
    for (framework, ids) in &c.compliance {
        refs.push(format!("{framework} {}", ids.join(", ")));
    }
    let _ = writeln!(out, "- **Maps to**: {}\n", md_escape(&refs.join("; ")));
}
