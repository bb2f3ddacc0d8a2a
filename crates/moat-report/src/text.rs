//! The terminal report: a header line, an aligned table of threats (most severe
//! first), and a summary line by severity.

use crate::wrap::{clean, pad, truncate, width};
use moat_catalog::Severity;
use moat_engine::{Assessment, TargetRef, ThreatDefinition, ThreatResult};
use moat_model::diag::count;
use std::fmt::Write as _;

/// Widest a THREAT cell may be before the name is cut (ids are never cut).
const THREAT_MAX: usize = 56;
/// Widest a TARGET cell may be before the target name is cut.
const TARGET_MAX: usize = 36;
const GAP: &str = "  ";
const HEADINGS: [&str; 4] = ["SEVERITY", "STRIDE", "THREAT", "TARGET"];

pub(crate) fn render(a: &Assessment, color: bool) -> String {
    let mut out = String::new();
    out.push_str(&header(a));
    out.push('\n');
    out.push_str(&inferred_services(a));
    if a.threats.is_empty() {
        out.push_str("no threats found\n");
        return out;
    }
    out.push('\n');
    let rows = rows(a);
    let widths = column_widths(&rows);
    push_row(&mut out, &HEADINGS.map(str::to_string), &widths, None);
    for row in &rows {
        push_row(&mut out, &row.cells, &widths, color.then_some(row.severity));
    }
    out.push('\n');
    out.push_str(&summary(a, color));
    out.push('\n');
    out
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
    cells: [String; 4],
}

fn rows(a: &Assessment) -> Vec<Row> {
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
            .then(x.result.stride.cmp(&y.result.stride))
            .then_with(|| x.target_name().cmp(y.target_name()))
            .then_with(|| x.result.target_id.cmp(&y.result.target_id))
            .then_with(|| x.result.id.cmp(&y.result.id))
    });
    threats.iter().map(Joined::row).collect()
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

    fn row(&self) -> Row {
        let t = self.result;
        let threat_id = clean(&t.threat_id);
        let threat = match self.definition {
            Some(d) => {
                let room = THREAT_MAX.saturating_sub(width(&threat_id) + 1).max(12);
                format!("{threat_id} {}", truncate(&clean(&d.name), room))
            }
            None => threat_id,
        };
        let target = match self.target {
            Some(target) => {
                let kind = clean(&target.kind);
                let room = TARGET_MAX.saturating_sub(width(&kind) + 1).max(12);
                format!("{kind} {}", truncate(&clean(&target.name), room))
            }
            None => truncate(&clean(&t.target_id), TARGET_MAX),
        };
        Row {
            severity: t.severity,
            cells: [
                t.severity.as_str().to_string(),
                t.stride.label().to_string(),
                threat,
                target,
            ],
        }
    }
}

fn column_widths(rows: &[Row]) -> [usize; 4] {
    let mut widths = HEADINGS.map(width);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(&row.cells) {
            *w = (*w).max(width(cell));
        }
    }
    widths
}

/// One table line; the last column is not padded so lines carry no trailing spaces.
fn push_row(out: &mut String, cells: &[String; 4], widths: &[usize; 4], color: Option<Severity>) {
    let [severity, stride, threat, target] = cells;
    // Colour codes take no columns, so pad after painting, not before.
    match color {
        Some(level) => out.push_str(&paint(severity, level)),
        None => out.push_str(severity),
    }
    out.push_str(&" ".repeat(widths[0].saturating_sub(width(severity))));
    out.push_str(GAP);
    out.push_str(&pad(stride, widths[1]));
    out.push_str(GAP);
    out.push_str(&pad(threat, widths[2]));
    out.push_str(GAP);
    out.push_str(target);
    out.push('\n');
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
    let mut line = count(a.threats.len(), "threat");
    let _ = write!(
        line,
        " on {}: {}",
        count(a.target_count(), "target"),
        parts.join(", ")
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
