//! `implements:` and `decisions:`: what a model says about its own risk.
//! Ids are checked against the catalog later, by the engine; here only the
//! shape is: statuses, days, and that a decision names at least one threat.

use super::doc::DecisionDoc;
use super::loc::Loc;
use super::report::{Reporter, list, quoted};
use crate::decision::{Decision, DecisionStatus, Implementation, is_valid_day};
use crate::diag::{Diagnostic, did_you_mean};

pub(crate) fn implements(reporter: &Reporter, ids: Vec<Loc<String>>) -> Vec<Implementation> {
    ids.into_iter()
        .filter_map(|id| {
            if id.value.trim().is_empty() {
                reporter.report(
                    Diagnostic::error("yaml::empty-control", "empty control id in `implements`")
                        .with_help("write a catalog control id such as `C-S3-001`"),
                    id.span,
                );
                return None;
            }
            Some(Implementation {
                checked_by: None,
                control: id.value.trim().to_string(),
                location: Some(reporter.file.location(id.span)),
                span: Some(id.span),
            })
        })
        .collect()
}

pub(crate) fn decisions(reporter: &Reporter, docs: Vec<Loc<DecisionDoc>>) -> Vec<Decision> {
    docs.into_iter()
        .filter_map(|doc| decision(reporter, doc))
        .collect()
}

fn decision(reporter: &Reporter, doc: Loc<DecisionDoc>) -> Option<Decision> {
    let Loc { value: doc, span } = doc;
    let status = match DecisionStatus::parse(doc.status.value.trim()) {
        Some(status) => Some(status),
        None => {
            let names = DecisionStatus::ALL.map(DecisionStatus::as_str);
            let help = did_you_mean(&doc.status.value.replace('_', "-"), names)
                .unwrap_or_else(|| format!("expected {}", list(names)));
            reporter.report(
                Diagnostic::error(
                    "yaml::unknown-status",
                    format!("unknown decision status {}", quoted(&doc.status.value)),
                )
                .with_help(help),
                doc.status.span,
            );
            None
        }
    };
    let threats: Vec<String> = doc
        .threat
        .into_iter()
        .chain(doc.threats)
        .map(|t| t.value.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if threats.is_empty() {
        reporter.report(
            Diagnostic::error(
                "yaml::decision-without-threat",
                "a decision names no threat",
            )
            .with_help("add `threat: T-S3-001` (an id or an id prefix such as `T-GEN`)"),
            span,
        );
    }
    let targets: Vec<String> = doc
        .target
        .into_iter()
        .chain(doc.targets)
        .map(|t| t.value.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let day = |field: &str, value: Option<Loc<String>>| -> Option<String> {
        let value = value?;
        if is_valid_day(value.value.trim()) {
            return Some(value.value.trim().to_string());
        }
        reporter.report(
            Diagnostic::error(
                "yaml::bad-date",
                format!("`{field}` is not a day: {}", quoted(&value.value)),
            )
            .with_help("write it as `YYYY-MM-DD`, e.g. `2027-06-30`"),
            value.span,
        );
        None
    };
    let date = day("date", doc.date);
    let expires_span = doc.expires.as_ref().map(|e| e.span);
    let expires = day("expires", doc.expires);
    if let (Some(date), Some(expires), Some(at)) = (&date, &expires, expires_span)
        && expires < date
    {
        reporter.report(
            Diagnostic::warning(
                "yaml::expires-before-date",
                format!("the decision expires ({expires}) before it was made ({date})"),
            ),
            at,
        );
    }
    let justification = doc.justification.unwrap_or_default().trim().to_string();
    if let Some(status) = status
        && status.closes()
        && justification.is_empty()
    {
        reporter.report(
            Diagnostic::warning(
                "yaml::decision-without-justification",
                format!("a decision marked `{status}` gives no `justification`"),
            )
            .with_help("say why, so a reviewer can check it"),
            doc.status.span,
        );
    }
    Some(Decision {
        threats,
        targets,
        status: status?,
        justification,
        ticket: doc.ticket.filter(|t| !t.trim().is_empty()),
        date,
        checked_by: doc.checked_by.filter(|t| !t.trim().is_empty()),
        expires,
        location: Some(reporter.file.location(span)),
        span: Some(span),
    })
}
