//! The terminal report: a header line, an aligned table of threats (most
//! severe first) fitted to the terminal, what to do about the open ones, the
//! decisions and evidence behind the others, and a summary line.

use crate::Options;
use crate::threat_groups::{self, ThreatGroup};
use crate::wrap::{clean, pad, truncate, width};
use moat_catalog::Severity;
use moat_engine::{Assessment, TargetRef, ThreatDefinition, ThreatResult, ThreatStatus};
use moat_source::diag::count;
use std::fmt::Write as _;

/// Widest a THREAT cell may be before the name is cut (ids are never cut).
const THREAT_MAX: usize = 56;
/// Widest a TARGET cell may be before the target name is cut.
const TARGET_MAX: usize = 36;
/// Narrowest the THREAT and TARGET cells get however narrow the terminal.
const CELL_MIN: usize = 14;
const GAP: &str = "  ";
const HEADINGS: [&str; 5] = ["SEVERITY", "STATUS", "STRIDE", "THREAT", "TARGET"];
/// Controls listed per open threat under "what to do".
const CONTROLS_SHOWN: usize = 3;

pub(crate) fn render(a: &Assessment, options: &Options) -> String {
    let mut out = String::new();
    out.push_str(&header(a));
    out.push('\n');
    out.push_str(&incomplete(a));
    out.push_str(&inferred_services(a));
    if a.threats.is_empty() {
        out.push_str("no threats found\n");
        return out;
    }
    out.push('\n');
    let groups = threat_groups::groups(a);
    if options.summary {
        out.push_str(&summary_lines(&groups, options));
    } else {
        let (threat_max, target_max) = cell_limits(options.width);
        let rows = rows(a, threat_max, target_max);
        let widths = column_widths(&rows);
        push_row(&mut out, &HEADINGS.map(str::to_string), &widths, None);
        for row in &rows {
            push_row(
                &mut out,
                &row.cells,
                &widths,
                options.color.then_some(row.severity),
            );
        }
        out.push_str(&assumed_features(a));
        out.push_str(&what_to_do(&groups, options));
        out.push_str(&why_not_open(a, options));
    }
    out.push_str(&reachability(a, options.summary));
    out.push('\n');
    out.push_str(&summary(a, options.color));
    out.push('\n');
    if a.scan.is_some() {
        out.push_str("\nfindings from the templates (`moat scan` for the full review):\n");
        out.push_str(&crate::scan::text(a));
    }
    out
}

/// The THREAT and TARGET limits that make a row fit `width` columns.
fn cell_limits(width: Option<usize>) -> (usize, usize) {
    let Some(total) = width else {
        return (THREAT_MAX, TARGET_MAX);
    };
    // SEVERITY(8) STATUS(16) STRIDE(22) and four gaps take the rest
    let fixed = 8 + 16 + 22 + 4 * GAP.len();
    let room = total.saturating_sub(fixed);
    let threat = (room * 3 / 5).clamp(CELL_MIN, THREAT_MAX);
    let target = room.saturating_sub(threat).clamp(CELL_MIN, TARGET_MAX);
    (threat, target)
}

/// A banner when the reader skipped parts of the source: results may be missing.
fn incomplete(a: &Assessment) -> String {
    let Some(first) = a.model.incomplete.first() else {
        return String::new();
    };
    let place = first
        .location
        .as_ref()
        .map(|l| format!(" at {l}"))
        .unwrap_or_default();
    let more = match a.model.incomplete.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    format!(
        "warning: the model is incomplete, threats may be missing: {}{place}{more}\n",
        clean(&first.reason)
    )
}

/// One line per inferred service, so a wrong guess is seen and corrected.
fn inferred_services(a: &Assessment) -> String {
    let mut out = String::new();
    for inference in &a.inferred_services {
        let _ = writeln!(
            out,
            "note: `{}` is taken as {} {}; set its `service` property to correct this",
            clean(&inference.element_name),
            inference.label(),
            inference.reason()
        );
    }
    out
}

struct Row {
    severity: Severity,
    cells: [String; 5],
}

fn rows(a: &Assessment, threat_max: usize, target_max: usize) -> Vec<Row> {
    let index = a.index();
    let mut threats: Vec<Joined<'_>> = a
        .threats
        .iter()
        .map(|t| Joined {
            result: t,
            definition: index.definition(&t.threat_id),
            target: index.target(&t.target_id),
        })
        .collect();
    threats.sort_by(|x, y| {
        y.result
            .severity
            .cmp(&x.result.severity)
            .then(x.result.status.cmp(&y.result.status))
            .then(x.result.stride.cmp(&y.result.stride))
            .then_with(|| x.target_name().cmp(y.target_name()))
            .then_with(|| x.result.target_id.cmp(&y.result.target_id))
            .then_with(|| threat_groups::natural_cmp(&x.result.id, &y.result.id))
    });
    threats
        .iter()
        .map(|j| j.row(threat_max, target_max))
        .collect()
}

/// A result with what `definitions` and `targets` say about it; an
/// assessment that lacks either still gets a row, named by ids.
struct Joined<'a> {
    result: &'a ThreatResult,
    definition: Option<&'a ThreatDefinition>,
    target: Option<&'a TargetRef>,
}

impl Joined<'_> {
    fn target_name(&self) -> &str {
        self.target
            .map_or(self.result.target_id.as_str(), |t| t.name.as_str())
    }

    fn row(&self, threat_max: usize, target_max: usize) -> Row {
        let t = self.result;
        let threat_id = clean(&t.threat_id);
        let threat = match self.definition {
            Some(d) => {
                let room = threat_max.saturating_sub(width(&threat_id) + 1).max(8);
                format!("{threat_id} {}", truncate(&clean(&d.name), room))
            }
            None => threat_id,
        };
        let target = match self.target {
            Some(target) => {
                let kind = clean(&target.kind);
                let room = target_max.saturating_sub(width(&kind) + 1).max(8);
                format!("{kind} {}", truncate(&clean(&target.name), room))
            }
            None => truncate(&clean(&t.target_id), target_max),
        };
        Row {
            severity: t.severity,
            cells: [
                t.severity.as_str().to_string(),
                t.status.label().to_string(),
                t.stride.label().to_string(),
                threat,
                target,
            ],
        }
    }
}

fn column_widths(rows: &[Row]) -> [usize; 5] {
    let mut widths = HEADINGS.map(width);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(&row.cells) {
            *w = (*w).max(width(cell));
        }
    }
    widths
}

/// One table line; the last column is not padded so lines carry no trailing spaces.
fn push_row(out: &mut String, cells: &[String; 5], widths: &[usize; 5], color: Option<Severity>) {
    let [severity, rest @ ..] = cells;
    // Colour codes take no columns, so pad after painting, not before.
    match color {
        Some(level) => out.push_str(&paint(severity, level)),
        None => out.push_str(severity),
    }
    out.push_str(&" ".repeat(widths[0].saturating_sub(width(severity))));
    let last = rest.len().saturating_sub(1);
    for (i, (cell, w)) in rest.iter().zip(&widths[1..]).enumerate() {
        out.push_str(GAP);
        if i == last {
            out.push_str(cell);
        } else {
            out.push_str(&pad(cell, *w));
        }
    }
    out.push('\n');
}

/// One note naming the threats reported only because a target does not say
/// which features it uses, so the user can settle it with `features:`.
fn assumed_features(a: &Assessment) -> String {
    let mut ids: Vec<&str> = a
        .threats
        .iter()
        .filter(|t| t.feature_assumed)
        .map(|t| t.threat_id.as_str())
        .collect();
    if ids.is_empty() {
        return String::new();
    }
    ids.sort_by(|x, y| threat_groups::natural_cmp(x, y));
    ids.dedup();
    let assumed = a.threats.iter().filter(|t| t.feature_assumed).count();
    format!(
        "\nnote: {} assume a feature in use because the target declares no `features` ({}); declare them to settle it\n",
        count(assumed, "result"),
        ids.iter()
            .map(|id| clean(id))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// For each threat still open somewhere: its best controls, or the catalog's
/// advice when it has no controls.
fn what_to_do(groups: &[ThreatGroup], options: &Options) -> String {
    let limit = options.width.unwrap_or(120).max(40);
    let mut out = String::new();
    for g in groups.iter().filter(|g| g.open > 0) {
        let _ = writeln!(
            out,
            "{}",
            truncate(
                &format!(
                    "  {} {} ({} open)",
                    clean(&g.threat_id),
                    clean(&g.name),
                    g.open
                ),
                limit
            )
        );
        for c in g.controls.iter().take(CONTROLS_SHOWN) {
            let tail = format!(
                " ({} impact, {} priority{})",
                c.impact.as_str().replace('_', " "),
                c.priority,
                if c.declared { ", declared" } else { "" }
            );
            let room = limit.saturating_sub(6 + width(&c.id) + 1 + width(&tail));
            let _ = writeln!(
                out,
                "    - {} {}{tail}",
                clean(&c.id),
                truncate(&clean(&c.name), room.max(12))
            );
        }
        if g.control_count > CONTROLS_SHOWN {
            let _ = writeln!(
                out,
                "      {} more: moat catalog show {}",
                g.control_count - CONTROLS_SHOWN,
                clean(&g.threat_id)
            );
        }
        if g.controls.is_empty() {
            match g.mitigations.first() {
                Some(advice) => {
                    let _ = writeln!(out, "    - {}", truncate(&clean(advice), limit - 6));
                }
                None => {
                    let _ = writeln!(out, "    - no catalog control: record a decision");
                }
            }
        }
    }
    if out.is_empty() {
        return out;
    }
    format!("\nwhat to do (top controls per open threat; `moat catalog show ID`):\n{out}")
}

/// Why each result that is not open is not: the decision or the evidence.
fn why_not_open(a: &Assessment, options: &Options) -> String {
    let limit = options.width.unwrap_or(160).max(40);
    let index = a.index();
    let mut lines: Vec<(String, String)> = Vec::new();
    for r in &a.threats {
        let reason = match (&r.decision, r.status) {
            (Some(d), _) => {
                let Some(decision) = a.model.decisions.get(d.index) else {
                    continue;
                };
                let place = decision
                    .location
                    .as_ref()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                let state = if d.expired {
                    format!(
                        "decision `{}` expired {}",
                        d.status,
                        decision.expires.as_deref().unwrap_or_default()
                    )
                } else {
                    format!("decision `{}`", d.status)
                };
                let ticket = decision
                    .ticket
                    .as_deref()
                    .map(|t| format!(" ({})", clean(t)))
                    .unwrap_or_default();
                format!("{state}{place}{ticket}: {}", clean(&decision.justification))
            }
            (None, ThreatStatus::Open) => continue,
            (None, _) => {
                let controls: Vec<String> = r.evidence.iter().map(|e| clean(&e.control)).collect();
                let place = r
                    .evidence
                    .first()
                    .and_then(|e| e.location.as_ref())
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                let how = if r.evidence.iter().any(|e| e.check.is_some()) {
                    "in place per checks"
                } else {
                    "declared"
                };
                format!("{} {how}{place}", controls.join(", "))
            }
        };
        let target = index
            .target(&r.target_id)
            .map_or(r.target_id.as_str(), |t| t.name.as_str());
        let line = format!(
            "  {} on {}: {}: {reason}",
            clean(&r.threat_id),
            clean(target),
            r.status.label()
        );
        lines.push((r.id.clone(), truncate(&line, limit)));
    }
    if lines.is_empty() {
        return String::new();
    }
    lines.sort_by(|x, y| threat_groups::natural_cmp(&x.0, &y.0));
    let mut out = String::from("\nnot open, and why:\n");
    for (_, line) in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// With an account snapshot (`--account-snapshot`): for each result on an S3
/// bucket, the principals that hold the threat's permissions, with their
/// conditions (only the first line per result with `--summary`). Empty
/// without a snapshot, so reports without one are unchanged.
fn reachability(a: &Assessment, summary: bool) -> String {
    let index = a.index();
    let mut entries: Vec<(&str, String)> = Vec::new();
    let mut notes: Vec<&str> = Vec::new();
    for r in &a.threats {
        let Some(reach) = &r.reachability else {
            continue;
        };
        let target = index
            .target(&r.target_id)
            .map_or(r.target_id.as_str(), |t| t.name.as_str());
        let mut block = format!(
            "  {} on {}: {}\n",
            clean(&r.threat_id),
            clean(target),
            clean(&reach.summary())
        );
        if !summary {
            if !reach.access.is_empty() && !reach.reachable_by.is_empty() {
                let _ = writeln!(block, "    needs {}", clean(&reach.access));
            }
            for p in &reach.reachable_by {
                let proof = match p.proof {
                    moat_engine::reach::ReachProof::Proved => "proved",
                    moat_engine::reach::ReachProof::Assumed => "assumed",
                };
                let unconditional = if p.conditions.is_empty() {
                    ", no condition to meet"
                } else {
                    ""
                };
                let line = format!(
                    "    - {} ({}) via {}{unconditional} [{proof}]",
                    p.name,
                    p.kind,
                    p.actions.join(", ")
                );
                let _ = writeln!(block, "{}", clean(&line));
                for condition in &p.conditions {
                    let _ = writeln!(block, "        when {}", clean(condition));
                }
                if !p.also_holds.is_empty() {
                    let _ = writeln!(
                        block,
                        "        also holds {}",
                        clean(&p.also_holds.join(", "))
                    );
                }
            }
        }
        for note in &reach.notes {
            if !notes.contains(&note.as_str()) {
                notes.push(note);
            }
        }
        entries.push((&r.id, block));
    }
    if entries.is_empty() {
        return String::new();
    }
    entries.sort_by(|x, y| threat_groups::natural_cmp(x.0, y.0));
    let mut out = String::from(
        "\nreachability (principals of the account snapshot holding each threat's permissions):\n",
    );
    for (_, block) in entries {
        out.push_str(&block);
    }
    for note in notes {
        let _ = writeln!(out, "note: {}", clean(note));
    }
    out
}

/// `--summary`: one line per threat, most severe first.
fn summary_lines(groups: &[ThreatGroup], options: &Options) -> String {
    let limit = options.width.unwrap_or(120).max(40);
    let mut out = String::new();
    for g in groups {
        let targets = g.targets.len();
        let line = format!(
            "{:<8}  {} {} ({}, {} open)",
            g.severity.as_str(),
            clean(&g.threat_id),
            clean(&g.name),
            count(targets, "target"),
            g.open
        );
        let _ = writeln!(out, "{}", truncate(&line, limit));
    }
    out
}

fn header(a: &Assessment) -> String {
    let name = clean(&a.model.name);
    let name = if name.trim().is_empty() {
        "threat model".to_string()
    } else {
        name
    };
    format!(
        "{name}: {}, {}, {}",
        count(a.model.elements.len(), "element"),
        count(a.model.flows.len(), "flow"),
        count(a.model.boundaries.len(), "boundary"),
    )
}

fn summary(a: &Assessment, color: bool) -> String {
    let mut counts = [0usize; Severity::ALL.len()];
    for t in &a.threats {
        if let Some(slot) = counts.get_mut(t.severity as usize) {
            *slot += 1;
        }
    }
    let mut parts = Vec::new();
    for level in Severity::ALL.into_iter().rev() {
        let n = counts.get(level as usize).copied().unwrap_or(0);
        if n > 0 {
            let word = if color {
                paint(level.as_str(), level)
            } else {
                level.as_str().to_string()
            };
            parts.push(format!("{n} {word}"));
        }
    }
    let statuses: Vec<String> = threat_groups::status_counts(&a.threats)
        .into_iter()
        .map(|c| format!("{} {}", c.count, c.label))
        .collect();
    let mut line = count(a.threats.len(), "threat");
    let _ = write!(
        line,
        " on {}: {}; {}",
        count(a.target_count(), "target"),
        parts.join(", "),
        statuses.join(", ")
    );
    line
}

fn paint(text: &str, level: Severity) -> String {
    let code = match level {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    };
    format!("\u{1b}[{code}m{text}\u{1b}[0m")
}
