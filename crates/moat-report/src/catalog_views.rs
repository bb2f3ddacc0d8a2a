//! Text, Markdown and CSV renderings of the catalog commands' results: the
//! plan, compliance reports, feature-class reviews and catalog listings.
//! (Their JSON is the serde form of the same values.)

use crate::markdown_escape::{md_code, md_escape, md_text};
use crate::wrap::{clean, pad, truncate, width};
use moat_catalog::search::Entry;
use moat_engine::compliance::ComplianceReport;
use moat_engine::plan::Plan;
use moat_engine::review::Review;
use moat_source::diag::count;
use std::fmt::Write as _;

/// One CSV field, quoted when it must be (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_row(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// An aligned table: every column as wide as its widest cell (cells cut at `max`).
fn table(out: &mut String, head: &[&str], rows: &[Vec<String>], max: usize) {
    let mut widths: Vec<usize> = head.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(&truncate(cell, max)));
            }
        }
    }
    let line = |out: &mut String, cells: Vec<String>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let cell = truncate(cell, max);
            if i == last {
                text.push_str(&cell);
            } else {
                text.push_str(&pad(&cell, widths.get(i).copied().unwrap_or(0)));
                text.push_str("  ");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(out, head.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(out, row.iter().map(|c| clean(c)).collect());
    }
}

/// The first sentence of a text, for one-line summaries.
fn first_sentence(text: &str) -> String {
    let text = clean(text);
    match text.find(". ") {
        Some(end) => text[..=end].to_string(),
        None => text,
    }
}

/// A table cell's summary of a text: its first sentence, cut at
/// [`CELL_CHARS`] unless the full text follows (`details`).
fn summary_cell(text: &str, details: bool) -> String {
    let sentence = first_sentence(text);
    if details {
        sentence
    } else {
        crate::wrap::truncate(&sentence, CELL_CHARS)
    }
}

/// Longest summary in a plan table cell when the details are left out, so the
/// whole plan fits a pull-request comment (65,536 characters).
const CELL_CHARS: usize = 140;

// ------------------------------------------------------------------ plan

pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    let stated = plan.stated_summary.is_some();
    let _ = writeln!(
        out,
        "Plan: {} by priority ({})\n",
        count(plan.rows.len(), "control"),
        plan.sources.join(", ")
    );
    let mut head = vec![
        "#", "PRIORITY", "SCORE", "CONTROL", "EFFORT", "TYPE", "STATUS",
    ];
    if stated {
        head.push("STATED");
    }
    let rows: Vec<Vec<String>> = plan
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.rank.to_string(),
                r.priority.band.label().to_string(),
                format!("{:.2}", r.priority.score),
                format!("{} {}", r.control.id, r.control.name),
                r.control.effort.label().to_string(),
                r.control.kind.as_str().to_string(),
                plan_status(r),
            ];
            if let Some(s) = &r.stated {
                row.push(format!("{}{}", s.stated, if s.agrees { "" } else { " *" }));
            } else if stated {
                row.push(String::new());
            }
            row
        })
        .collect();
    table(&mut out, &head, &rows, 64);
    out.push('\n');
    let bands: Vec<String> = plan
        .bands
        .iter()
        .map(|(b, n)| format!("{n} {}", b.label().to_lowercase()))
        .collect();
    let _ = writeln!(out, "{}", bands.join(", "));
    if let Some(s) = &plan.stated_summary {
        let _ = writeln!(
            out,
            "stated priorities: {} of {} reproduced by their own rule; ours agrees on {} (* = differs, see --format md)",
            s.reproduced, s.controls, s.agreeing
        );
    }
    out
}

/// The plan as Markdown: one table row per control, its first sentences of
/// implementation and testing; with `details`, each control's full text,
/// snippets and test commands follow (`moat catalog show ID` prints the same).
pub fn plan_markdown(plan: &Plan, details: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Control plan\n");
    let _ = writeln!(
        out,
        "{} from {}, ordered by Moat's computed priority (docs/prioritization.md). Status is `not assessed` until a scan of the deployment exists.\n",
        count(plan.rows.len(), "control"),
        plan.sources
            .iter()
            .map(|s| md_code(s, false))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(s) = &plan.stated_summary {
        let _ = writeln!(
            out,
            "The source states its own priority per control: its rule reproduces {} of {}; Moat's band agrees on {}. Where they differ, the reason is given.\n",
            s.reproduced, s.controls, s.agreeing
        );
    }
    let _ = writeln!(
        out,
        "| # | Priority | Score | Control | Effort | Type | Status | Implementation | Testing |"
    );
    let _ = writeln!(
        out,
        "| ---: | --- | ---: | --- | --- | --- | --- | --- | --- |"
    );
    for r in &plan.rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {} {} | {} | {} | {} | {} | {} |",
            r.rank,
            r.priority.band.label(),
            r.priority.score,
            if details {
                format!(
                    "[{}](#{})",
                    md_escape(&r.control.id),
                    r.control.id.to_lowercase().replace('.', "")
                )
            } else {
                md_code(&r.control.id, true)
            },
            md_escape(&r.control.name),
            r.control.effort.label(),
            r.control.kind.as_str(),
            plan_status(r),
            md_escape(&summary_cell(
                &r.control.implementation.description,
                details
            )),
            md_escape(&summary_cell(&r.control.testing.description, details)),
        );
    }
    out.push('\n');
    if !details {
        let _ = writeln!(
            out,
            "Each control's full implementation (CloudFormation, Terraform and CDK snippets), tests and compliance ids: `moat catalog show ID`, `moat plan -f md --details`, or the one-page catalog from `moat catalog html`."
        );
        return out;
    }
    for r in &plan.rows {
        let c = &r.control;
        let _ = writeln!(out, "## {}\n", md_escape(&format!("{} {}", c.id, c.name)));
        let _ = writeln!(
            out,
            "**Priority:** {} ({:.2}{}) · **Effort:** {} · **Type:** {} · **Status:** {}\n",
            r.priority.band.label(),
            r.priority.score,
            r.priority
                .inherited_from
                .as_ref()
                .map(|f| format!(", inherited from {}", md_escape(f)))
                .unwrap_or_default(),
            c.effort.label(),
            c.kind.as_str(),
            plan_status(r)
        );
        if let Some(s) = &r.stated {
            let _ = writeln!(
                out,
                "**Stated priority:** {}{}{}\n",
                md_escape(&s.stated),
                s.reproduced
                    .as_ref()
                    .map(|p| format!(" (their rule gives {})", md_escape(p)))
                    .unwrap_or_default(),
                if s.agrees {
                    String::new()
                } else {
                    format!(". Ours differs: {}", md_escape(&s.reason))
                }
            );
        }
        let _ = writeln!(out, "{}\n", md_text(&c.objective));
        let _ = writeln!(
            out,
            "**Implementation.** {}\n",
            md_text(&c.implementation.description)
        );
        for (label, lang, snippet) in [
            ("CloudFormation", "yaml", &c.implementation.cloudformation),
            ("Terraform", "hcl", &c.implementation.terraform),
            ("CDK", "typescript", &c.implementation.cdk),
        ] {
            if let Some(code) = snippet {
                let fence = if code.contains("```") { "~~~~" } else { "```" };
                let _ = writeln!(
                    out,
                    "{label}:\n\n{fence}{lang}\n{}\n{fence}\n",
                    code.trim_end()
                );
            }
        }
        let _ = writeln!(out, "**Testing.** {}\n", md_text(&c.testing.description));
        for command in &c.testing.commands {
            let _ = writeln!(out, "    {}", command.replace('\n', " "));
        }
        if !c.testing.commands.is_empty() {
            out.push('\n');
        }
    }
    out
}

pub fn plan_csv(plan: &Plan) -> String {
    let mut out = String::new();
    csv_row(
        &mut out,
        &[
            "rank",
            "control",
            "name",
            "priority",
            "score",
            "effort",
            "type",
            "status",
            "threats",
            "max_severity",
            "implementation",
            "testing",
            "stated_priority",
            "reproduced",
            "agrees",
            "reason",
        ]
        .map(String::from),
    );
    for r in &plan.rows {
        let s = r.stated.as_ref();
        csv_row(
            &mut out,
            &[
                r.rank.to_string(),
                r.control.id.clone(),
                r.control.name.clone(),
                r.priority.band.label().to_string(),
                format!("{:.2}", r.priority.score),
                r.control.effort.label().to_string(),
                r.control.kind.as_str().to_string(),
                r.status.label().to_string(),
                r.threat_count.to_string(),
                r.max_severity
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                clean(&r.control.implementation.description),
                clean(&r.control.testing.description),
                s.map(|s| s.stated.clone()).unwrap_or_default(),
                s.and_then(|s| s.reproduced.clone()).unwrap_or_default(),
                s.map(|s| s.agrees.to_string()).unwrap_or_default(),
                s.map(|s| s.reason.clone()).unwrap_or_default(),
            ],
        );
    }
    out
}

// ------------------------------------------------------------ compliance

pub fn compliance_text(report: &ComplianceReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}){}",
        report.name,
        report.framework,
        if report.version.is_empty() {
            String::new()
        } else {
            format!(" {}", report.version)
        }
    );
    if let Some(subset) = &report.subset {
        let _ = writeln!(out, "subset: {}", clean(&subset.summary()));
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = report
        .requirements
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                if r.retired {
                    "retired".to_string()
                } else {
                    requirement_status(r)
                },
                r.controls.join(" "),
                r.supporting.join(" "),
                r.title.clone(),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "REQUIREMENT",
            "STATUS",
            "SATISFIED BY",
            "SUPPORTED BY",
            "TITLE",
        ],
        &rows,
        60,
    );
    out.push('\n');
    let _ = writeln!(out, "{}", coverage_line(report));
    let _ = writeln!(
        out,
        "gaps (no satisfying control): {}",
        if report.gaps.is_empty() {
            "none".to_string()
        } else {
            report.gaps.join(", ")
        }
    );
    if !report.actions.is_empty() {
        let _ = writeln!(out, "\naction plan (highest priority first):");
        for (n, a) in report.actions.iter().enumerate() {
            let _ = writeln!(
                out,
                "{:>3}. {} {} [{}] -> {}",
                n + 1,
                a.control,
                a.name,
                a.band.label(),
                action_targets(a, |r| r.to_string())
            );
        }
    }
    out
}

/// `12 of 40 requirements have a control that satisfies them; 3 more only
/// have supporting controls (this file lists 41 of 63 requirements ...)`.
fn coverage_line(report: &ComplianceReport) -> String {
    let active = report.active_count();
    let supported = report.supported_only_count();
    let mut line = format!(
        "{} of {active} requirement{} {} a control that satisfies {}",
        report.satisfied_count(),
        if active == 1 { "" } else { "s" },
        if report.satisfied_count() == 1 {
            "has"
        } else {
            "have"
        },
        if report.satisfied_count() == 1 {
            "it"
        } else {
            "them"
        },
    );
    if supported > 0 {
        let _ = write!(
            line,
            "; {supported} more {} only supporting controls",
            if supported == 1 { "has" } else { "have" }
        );
    }
    if let Some(subset) = &report.subset {
        let _ = write!(
            line,
            " (subset: {}; the others are not assessed)",
            match subset.total {
                Some(total) => format!("{} of {total} listed", subset.listed),
                None => format!("{} listed", subset.listed),
            }
        );
    }
    line
}

/// `meets S3.1, S3.8; supports S3.9` with each id rendered by `show`.
fn action_targets(
    action: &moat_engine::compliance::Action,
    show: impl Fn(&str) -> String,
) -> String {
    let list = |ids: &[String]| ids.iter().map(|r| show(r)).collect::<Vec<_>>().join(", ");
    match (action.requirements.is_empty(), action.supports.is_empty()) {
        (false, true) => format!("meets {}", list(&action.requirements)),
        (true, false) => format!("supports {}", list(&action.supports)),
        _ => format!(
            "meets {}; supports {}",
            list(&action.requirements),
            list(&action.supports)
        ),
    }
}

pub fn compliance_markdown(report: &ComplianceReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} ({})\n",
        md_escape(&report.name),
        md_code(&report.framework, false)
    );
    if !report.version.is_empty() {
        let _ = writeln!(out, "Version: {}\n", md_escape(&report.version));
    }
    if !report.url.is_empty() {
        let _ = writeln!(out, "Source: <{}>\n", report.url);
    }
    if let Some(subset) = &report.subset {
        let _ = writeln!(
            out,
            "> **Subset.** This report covers {}. Meeting every requirement below is not compliance with the whole framework.\n",
            md_text(&subset.summary())
        );
    }
    let _ = writeln!(
        out,
        "Only controls under *Satisfied by* meet a requirement; controls under *Supported by* help but cannot make its check pass on their own.\n"
    );
    let _ = writeln!(
        out,
        "| Requirement | Title | Satisfied by | Supported by | Status |\n| --- | --- | --- | --- | --- |"
    );
    let codes = |ids: &[String]| {
        ids.iter()
            .map(|c| md_code(c, true))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for r in &report.requirements {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md_escape(&r.id),
            md_escape(&r.title),
            codes(&r.controls),
            codes(&r.supporting),
            if r.retired {
                "retired".to_string()
            } else {
                md_escape(&requirement_status(r))
            }
        );
    }
    let _ = writeln!(out, "\n{}", md_text(&coverage_line(report)));
    let _ = writeln!(out, "\n## Gaps\n");
    if report.gaps.is_empty() {
        let _ = writeln!(
            out,
            "Every requirement has at least one control that satisfies it."
        );
    } else {
        for gap in &report.gaps {
            let requirement = report.requirements.iter().find(|r| r.id == *gap);
            let title = requirement.map(|r| r.title.as_str()).unwrap_or("");
            let supporting = requirement
                .filter(|r| !r.supporting.is_empty())
                .map(|r| format!(" (supported by {})", codes(&r.supporting)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {}: {}{supporting}",
                md_escape(gap),
                md_escape(title)
            );
        }
    }
    let _ = writeln!(out, "\n## Action plan\n");
    for (n, a) in report.actions.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} {} ({} priority): {}",
            n + 1,
            md_code(&a.control, false),
            md_escape(&a.name),
            a.band.label(),
            action_targets(a, md_escape)
        );
    }
    out
}

pub fn compliance_csv(report: &ComplianceReport) -> String {
    let mut out = String::new();
    csv_row(
        &mut out,
        &[
            "framework",
            "version",
            "subset",
            "requirement",
            "title",
            "status",
            "satisfied_by",
            "supported_by",
        ]
        .map(String::from),
    );
    // every row says whether the file is a subset, so a filtered sheet still does
    let subset = report
        .subset
        .as_ref()
        .map(|s| match s.total {
            Some(total) => format!("{} of {total}", s.listed),
            None => format!("{} of more", s.listed),
        })
        .unwrap_or_else(|| "no".to_string());
    for r in &report.requirements {
        csv_row(
            &mut out,
            &[
                report.framework.clone(),
                report.version.clone(),
                subset.clone(),
                r.id.clone(),
                r.title.clone(),
                if r.retired {
                    "retired".to_string()
                } else {
                    requirement_status(r)
                },
                r.controls.join(" "),
                r.supporting.join(" "),
            ],
        );
    }
    out
}

// ---------------------------------------------------------------- review

/// The diagram syntax a review embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramSyntax {
    Mermaid,
    Dot,
}

fn draw(model: &moat_model::Model, syntax: DiagramSyntax) -> String {
    match syntax {
        DiagramSyntax::Mermaid => crate::mermaid(model),
        DiagramSyntax::Dot => crate::dot(model),
    }
}

pub fn review_text(review: &Review, syntax: DiagramSyntax) -> String {
    let mut out = String::new();
    for class in &review.classes {
        let _ = writeln!(out, "{} {} ({})", class.id, class.name, class.service);
        let _ = writeln!(
            out,
            "  {} at or above {}{}",
            count(class.threats.len(), "threat"),
            review.min_severity,
            if class.below > 0 {
                format!(" ({} below left out)", class.below)
            } else {
                String::new()
            }
        );
        for t in &class.threats {
            let _ = writeln!(out, "  {:<8}  {} {}", t.severity.as_str(), t.id, t.name);
            for c in &t.controls {
                let _ = writeln!(
                    out,
                    "            {} {} ({} impact, {} priority){}",
                    c.id,
                    c.name,
                    c.impact.as_str().replace('_', " "),
                    c.band.label().to_lowercase(),
                    review_status(c)
                        .map(|s| format!(": {s}"))
                        .unwrap_or_default()
                );
            }
            if t.controls.is_empty() {
                let _ = writeln!(out, "            no mitigating control in this catalog");
            }
        }
        out.push('\n');
        out.push_str(&draw(&class.diagram, syntax));
        out.push('\n');
    }
    out
}

pub fn review_markdown(review: &Review, syntax: DiagramSyntax) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Feature class review (threats at or above {})\n",
        review.min_severity
    );
    for class in &review.classes {
        let _ = writeln!(
            out,
            "## {} {}\n",
            md_escape(&class.id),
            md_escape(&class.name)
        );
        let _ = writeln!(out, "{}\n", md_text(&class.description));
        let fence = match syntax {
            DiagramSyntax::Mermaid => "mermaid",
            DiagramSyntax::Dot => "dot",
        };
        let _ = writeln!(out, "```{fence}\n{}```\n", draw(&class.diagram, syntax));
        if class.threats.is_empty() {
            let _ = writeln!(out, "_No threats at or above {}._\n", review.min_severity);
        }
        for t in &class.threats {
            let _ = writeln!(
                out,
                "### {} {} ({}, {})\n",
                md_escape(&t.id),
                md_escape(&t.name),
                t.severity,
                t.stride.label()
            );
            if t.controls.is_empty() {
                let _ = writeln!(out, "No mitigating control in this catalog.\n");
                continue;
            }
            let _ = writeln!(
                out,
                "| Control | Impact | Priority | Status |\n| --- | --- | --- | --- |"
            );
            for c in &t.controls {
                let _ = writeln!(
                    out,
                    "| {} {} | {} | {} | {} |",
                    md_code(&c.id, true),
                    md_escape(&c.name),
                    c.impact.as_str().replace('_', " "),
                    c.band.label(),
                    md_escape(&review_status(c).unwrap_or_else(|| "not assessed".to_string()))
                        .replace('|', "\\|")
                );
            }
            out.push('\n');
        }
    }
    out
}

// ------------------------------------------------------------- listings

pub fn entries_text(entries: &[Entry]) -> String {
    let mut out = String::new();
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.kind.as_str().replace('_', " "),
                e.id.clone(),
                e.name.clone(),
                e.detail.clone(),
            ]
        })
        .collect();
    table(&mut out, &["KIND", "ID", "NAME", "DETAIL"], &rows, 72);
    let _ = writeln!(out, "\n{}", count(entries.len(), "entry"));
    out
}

pub fn entries_markdown(entries: &[Entry]) -> String {
    let mut out = String::from("| Kind | Id | Name | Detail |\n| --- | --- | --- | --- |\n");
    for e in entries {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            e.kind.as_str().replace('_', " "),
            md_code(&e.id, true),
            md_escape(&e.name),
            md_escape(&e.detail)
        );
    }
    out
}

pub fn entries_csv(entries: &[Entry]) -> String {
    let mut out = String::new();
    csv_row(
        &mut out,
        &["kind", "id", "name", "detail"].map(String::from),
    );
    for e in entries {
        csv_row(
            &mut out,
            &[
                e.kind.as_str().to_string(),
                e.id.clone(),
                e.name.clone(),
                e.detail.clone(),
            ],
        );
    }
    out
}

/// One catalog entry in full, as indented `key: value` lines.
pub fn entry_text(value: &serde_json::Value) -> String {
    let mut out = String::new();
    value_text(&mut out, value, 0);
    out
}

fn value_text(out: &mut String, value: &serde_json::Value, depth: usize) {
    use serde_json::Value;
    let indent = "  ".repeat(depth);
    match value {
        Value::Object(map) => {
            // who it is first, then the rest in key order
            let first = ["id", "name"];
            let ordered = first
                .iter()
                .filter_map(|k| map.get_key_value(*k))
                .chain(map.iter().filter(|(k, _)| !first.contains(&k.as_str())));
            for (key, v) in ordered {
                if key == "location" {
                    continue;
                }
                match v {
                    Value::Object(_) => {
                        let _ = writeln!(out, "{indent}{key}:");
                        value_text(out, v, depth + 1);
                    }
                    Value::Array(items)
                        if items.iter().all(|i| !i.is_object() && !i.is_array()) =>
                    {
                        let items: Vec<String> = items.iter().map(scalar).collect();
                        let _ = writeln!(out, "{indent}{key}: {}", items.join(", "));
                    }
                    Value::Array(items) => {
                        let _ = writeln!(out, "{indent}{key}:");
                        for item in items {
                            let mut inner = String::new();
                            value_text(&mut inner, item, depth + 2);
                            let trimmed = inner.trim_start();
                            let _ = write!(out, "{indent}  - {trimmed}");
                        }
                    }
                    other => {
                        let text = scalar(other);
                        if text.contains('\n') {
                            let _ = writeln!(out, "{indent}{key}: |");
                            for line in text.lines() {
                                let _ = writeln!(out, "{indent}  {line}");
                            }
                        } else {
                            let _ = writeln!(out, "{indent}{key}: {text}");
                        }
                    }
                }
            }
        }
        other => {
            let _ = writeln!(out, "{indent}{}", scalar(other));
        }
    }
}

fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One catalog entry in full, as Markdown: a heading, then one section per field.
pub fn entry_markdown(value: &serde_json::Value) -> String {
    let mut out = String::new();
    let id = value.get("id").map(scalar).unwrap_or_default();
    let name = value.get("name").map(scalar).unwrap_or_default();
    let _ = writeln!(out, "# {}\n", md_escape(&format!("{id} {name}")));
    let mut body = String::new();
    value_text(&mut body, value, 0);
    let _ = writeln!(out, "```yaml\n{body}```");
    out
}

/// A plan row's status, with the first place that proves it when a scan set it.
fn plan_status(r: &moat_engine::plan::PlanRow) -> String {
    match r.evidence.as_slice() {
        [] => r.status.label().to_string(),
        [one] => format!("{} ({one})", r.status.label()),
        [first, rest @ ..] => format!("{} ({first} and {} more)", r.status.label(), rest.len()),
    }
}

/// A requirement's status, with the first place that shows it when a scan set it.
fn requirement_status(r: &moat_engine::compliance::RequirementStatus) -> String {
    match r.evidence.as_slice() {
        [] => r.status.label().to_string(),
        [one] => format!("{} ({one})", r.status.label()),
        [first, rest @ ..] => format!("{} ({first} and {} more)", r.status.label(), rest.len()),
    }
}

/// A reviewed control's status from a scan, with the first place that shows it.
fn review_status(c: &moat_engine::review::ControlReview) -> Option<String> {
    let status = c.status?;
    Some(match c.evidence.as_slice() {
        [] => status.label().to_string(),
        [one] => format!("{} ({one})", status.label()),
        [first, rest @ ..] => format!("{} ({first} and {} more)", status.label(), rest.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
