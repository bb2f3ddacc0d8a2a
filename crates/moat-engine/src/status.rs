//! Each result's status, from two kinds of input and one rule:
//! - evidence: the controls the model implements where the threat lands
//!   (`implements:` on the model, the target, or a flow's endpoints);
//! - decisions: risk decisions recorded in the model (`decisions:`, or pytm
//!   `overrides` and `Assumption(exclude=...)`).
//!
//! The rule (docs/catalog.md, "Threat status"): each implemented control leaves
//! `1 - weight(impact)` of the threat's risk; the threat is `mitigated` when
//! what is left is at most [`MITIGATED_RESIDUAL`], `partly_mitigated` when
//! any mitigating control is implemented, else `open`. A decision that closes
//! a threat (accepted, mitigated, false-positive) and has not expired sets the
//! status instead.

use crate::assessment::{AppliedDecision, Evidence, EvidenceSource, ThreatResult, ThreatStatus};
use crate::glob;
use moat_catalog::{Catalog, MitigationImpact};
use moat_model::{Decision, DecisionStatus, Diagnostic, Implementation, Model, SourceFile, Span};
use moat_source::diag::did_you_mean;
use std::collections::HashMap;

/// At most this share of a threat's risk may remain for it to count as mitigated:
/// one `full` or `very_high` control, two `high` ones, or `high` + `medium` + `low`.
pub const MITIGATED_RESIDUAL: f64 = 0.1;

/// The status evidence alone gives a threat, from the impacts of the
/// implemented controls that mitigate it.
pub fn status_from_impacts(impacts: impl IntoIterator<Item = MitigationImpact>) -> ThreatStatus {
    let mut any = false;
    let mut residual = 1.0_f64;
    for impact in impacts {
        any = true;
        residual *= 1.0 - impact.weight();
    }
    if !any {
        ThreatStatus::Open
    } else if residual <= MITIGATED_RESIDUAL + 1e-9 {
        ThreatStatus::Mitigated
    } else {
        ThreatStatus::PartlyMitigated
    }
}

/// Sets every result's status, evidence and decision; returns what the user
/// must hear (unknown control or threat ids, decisions that match nothing or
/// have expired). `today` is `YYYY-MM-DD`.
pub(crate) fn settle(
    model: &Model,
    source: Option<&SourceFile>,
    catalog: &Catalog,
    results: &mut [ThreatResult],
    today: &str,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let declared = Declared::collect(model, source, catalog, &mut diagnostics);
    if !declared.is_empty() {
        apply_evidence(model, catalog, &declared, results);
    }
    if !model.decisions.is_empty() {
        apply_decisions(model, source, catalog, results, today, &mut diagnostics);
    }
    diagnostics
}

/// Points a diagnostic at where the user wrote the thing it is about.
fn locate(
    diagnostic: Diagnostic,
    source: Option<&SourceFile>,
    span: Option<Span>,
    location: Option<&moat_model::Location>,
) -> Diagnostic {
    match (source, span) {
        (Some(file), Some(span)) => diagnostic.at(file, span),
        _ => {
            let mut d = diagnostic;
            d.location = location.cloned();
            d
        }
    }
}

/// The known `implements:` entries: the model's own, and each element's and flow's.
struct Declared<'m> {
    everywhere: Vec<&'m Implementation>,
    on: HashMap<&'m str, Vec<&'m Implementation>>,
}

impl<'m> Declared<'m> {
    fn collect(
        model: &'m Model,
        source: Option<&SourceFile>,
        catalog: &Catalog,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut known = |i: &Implementation| {
            if catalog.control(&i.control).is_some() {
                return true;
            }
            let help = did_you_mean(&i.control, catalog.controls.iter().map(|c| c.id.as_str()))
                .unwrap_or_else(|| {
                    if catalog.controls.is_empty() {
                        "the loaded catalogs define no controls".to_string()
                    } else {
                        "`moat catalog list` shows the controls' ids".to_string()
                    }
                });
            diagnostics.push(locate(
                Diagnostic::error(
                    "model::unknown-control",
                    format!("`implements` names unknown control `{}`", i.control),
                )
                .with_help(help),
                source,
                i.span,
                i.location.as_ref(),
            ));
            false
        };
        let everywhere: Vec<&Implementation> =
            model.implements.iter().filter(|i| known(i)).collect();
        let mut on: HashMap<&str, Vec<&Implementation>> = HashMap::new();
        let parts = model
            .elements
            .iter()
            .map(|e| (e.id.as_str(), &e.implements))
            .chain(model.flows.iter().map(|f| (f.id.as_str(), &f.implements)));
        for (id, list) in parts {
            let kept: Vec<&Implementation> = list.iter().filter(|i| known(i)).collect();
            if !kept.is_empty() {
                on.insert(id, kept);
            }
        }
        Declared { everywhere, on }
    }

    fn is_empty(&self) -> bool {
        self.everywhere.is_empty() && self.on.is_empty()
    }

    /// What is implemented where a threat on `target` lands: on the target,
    /// on a flow's two ends, and on the whole model, most specific first.
    fn around<'a>(
        &'a self,
        target: &'a str,
        ends: Option<(&'a str, &'a str)>,
    ) -> impl Iterator<Item = (&'m Implementation, Option<&'a str>)> + 'a {
        let own = [Some(target), ends.map(|e| e.0), ends.map(|e| e.1)];
        own.into_iter()
            .flatten()
            .flat_map(move |id| {
                self.on
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(move |i| (*i, Some(id)))
            })
            .chain(self.everywhere.iter().map(|i| (*i, None)))
    }
}

fn apply_evidence(
    model: &Model,
    catalog: &Catalog,
    declared: &Declared<'_>,
    results: &mut [ThreatResult],
) {
    let controls_of: HashMap<&str, HashMap<&str, MitigationImpact>> = catalog
        .threats
        .iter()
        .map(|t| {
            let links = t
                .threat
                .controls
                .iter()
                .map(|c| (c.control.as_str(), c.impact))
                .collect();
            (t.threat.id.as_str(), links)
        })
        .collect();
    let ends: HashMap<&str, (&str, &str)> = model
        .flows
        .iter()
        .map(|f| (f.id.as_str(), (f.source.as_str(), f.sink.as_str())))
        .collect();
    for result in results.iter_mut() {
        let Some(links) = controls_of.get(result.threat_id.as_str()) else {
            continue;
        };
        if links.is_empty() {
            continue;
        }
        let mut evidence: Vec<Evidence> = Vec::new();
        let around = declared.around(
            &result.target_id,
            ends.get(result.target_id.as_str()).copied(),
        );
        for (implementation, on) in around {
            let Some(impact) = links.get(implementation.control.as_str()) else {
                continue;
            };
            if evidence.iter().any(|e| e.control == implementation.control) {
                continue;
            }
            evidence.push(Evidence {
                control: implementation.control.clone(),
                impact: *impact,
                source: if implementation.checked_by.is_some() {
                    EvidenceSource::Check
                } else {
                    EvidenceSource::Declared
                },
                check: implementation.checked_by.clone(),
                declared_on: on.map(str::to_string),
                location: implementation.location.clone(),
            });
        }
        result.status = status_from_impacts(evidence.iter().map(|e| e.impact));
        result.evidence = evidence;
    }
}

/// How a decision's threat pattern matched: more specific patterns win.
fn threat_match(pattern: &str, threat_id: &str) -> Option<u8> {
    if pattern == threat_id {
        Some(3)
    } else if glob::has_wildcards(pattern) {
        glob::matches(pattern, threat_id).then_some(1)
    } else if threat_id.starts_with(pattern) {
        Some(2)
    } else {
        None
    }
}

fn target_match(pattern: &str, id: &str, name: &str) -> Option<u8> {
    if pattern == id || pattern == name {
        Some(2)
    } else if glob::has_wildcards(pattern)
        && (glob::matches(pattern, id) || glob::matches(pattern, name))
    {
        Some(1)
    } else {
        None
    }
}

/// How specifically `decision` covers a result, or `None` when it does not.
fn specificity(decision: &Decision, threat_id: &str, target: (&str, &str)) -> Option<u8> {
    let threat = decision
        .threats
        .iter()
        .filter_map(|p| threat_match(p, threat_id))
        .max()?;
    let target = if decision.targets.is_empty() {
        0
    } else {
        decision
            .targets
            .iter()
            .filter_map(|p| target_match(p, target.0, target.1))
            .max()?
    };
    Some(threat + target)
}

fn apply_decisions(
    model: &Model,
    source: Option<&SourceFile>,
    catalog: &Catalog,
    results: &mut [ThreatResult],
    today: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let from_pytm = source.is_some_and(|s| s.name.ends_with(".py"));
    let names: HashMap<&str, &str> = model
        .elements
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str()))
        .chain(model.flows.iter().map(|f| (f.id.as_str(), f.name.as_str())))
        .chain(
            model
                .boundaries
                .iter()
                .map(|b| (b.id.as_str(), b.name.as_str())),
        )
        .collect();
    let threat_ids: Vec<&str> = catalog
        .threats
        .iter()
        .map(|t| t.threat.id.as_str())
        .collect();
    let mut usable: Vec<bool> = Vec::with_capacity(model.decisions.len());
    for decision in &model.decisions {
        let mut ok = true;
        for pattern in &decision.threats {
            if threat_ids
                .iter()
                .any(|id| threat_match(pattern, id).is_some())
            {
                continue;
            }
            ok = false;
            let help = did_you_mean(pattern, threat_ids.iter().copied()).unwrap_or_else(|| {
                "`moat catalog list` shows the threats' ids; a prefix such as `T-GEN` selects several"
                    .to_string()
            });
            let (diagnostic, help) = if from_pytm {
                (
                    Diagnostic::warning(
                        "model::unknown-threat",
                        format!(
                            "the decision refers to threat `{pattern}`, which no loaded catalog defines"
                        ),
                    ),
                    format!(
                        "{help}; pytm threat ids need pytm's library: `--catalog threats.json`"
                    ),
                )
            } else {
                (
                    Diagnostic::error(
                        "model::unknown-threat",
                        format!("the decision refers to unknown threat `{pattern}`"),
                    ),
                    help,
                )
            };
            diagnostics.push(locate(
                diagnostic.with_help(help),
                source,
                decision.span,
                decision.location.as_ref(),
            ));
        }
        for pattern in &decision.targets {
            if names
                .iter()
                .any(|(id, name)| target_match(pattern, id, name).is_some())
            {
                continue;
            }
            ok = false;
            let known = names.keys().copied().chain(names.values().copied());
            let help = did_you_mean(pattern, known).unwrap_or_else(|| {
                "name an element, flow or boundary by its id or name; `*` matches any text"
                    .to_string()
            });
            diagnostics.push(locate(
                Diagnostic::error(
                    "model::unknown-target",
                    format!("the decision refers to unknown target `{pattern}`"),
                )
                .with_help(help),
                source,
                decision.span,
                decision.location.as_ref(),
            ));
        }
        usable.push(ok);
    }

    let mut matched = vec![0usize; model.decisions.len()];
    for result in results.iter_mut() {
        let name = names
            .get(result.target_id.as_str())
            .copied()
            .unwrap_or(result.target_id.as_str());
        let target = (result.target_id.as_str(), name);
        // the most specific decision wins; of equals, the one written last
        let best = model
            .decisions
            .iter()
            .enumerate()
            .filter(|(i, _)| usable.get(*i).copied().unwrap_or(false))
            .filter_map(|(i, d)| specificity(d, &result.threat_id, target).map(|s| (s, i, d)))
            .max_by_key(|(s, i, _)| (*s, *i));
        let Some((_, index, decision)) = best else {
            continue;
        };
        if let Some(count) = matched.get_mut(index) {
            *count += 1;
        }
        let expired = decision.expires.as_deref().is_some_and(|day| day < today);
        if !expired {
            match decision.status {
                DecisionStatus::Accepted => result.status = ThreatStatus::Accepted,
                DecisionStatus::FalsePositive => result.status = ThreatStatus::FalsePositive,
                DecisionStatus::Mitigated => result.status = ThreatStatus::Mitigated,
                DecisionStatus::Unchecked
                | DecisionStatus::InDiscussion
                | DecisionStatus::InProgress => {}
            }
        }
        result.decision = Some(AppliedDecision {
            index,
            status: decision.status,
            expired,
        });
    }

    for (index, decision) in model.decisions.iter().enumerate() {
        if !usable.get(index).copied().unwrap_or(false) {
            continue;
        }
        let count = matched.get(index).copied().unwrap_or(0);
        let diagnostic = if count == 0 {
            Diagnostic::warning(
                "model::decision-matches-nothing",
                format!(
                    "the decision on {} matches no threat of this model",
                    describe(decision)
                ),
            )
            .with_help("check its `threats` and `targets`, or remove it")
        } else if let Some(day) = decision.expires.as_deref().filter(|day| *day < today) {
            Diagnostic::warning(
                "model::decision-expired",
                format!(
                    "the decision on {} expired on {day}: {} open again",
                    describe(decision),
                    if count == 1 {
                        "1 threat is".to_string()
                    } else {
                        format!("{count} threats are")
                    }
                ),
            )
            .with_help("review it and set a new `expires`, or remove it")
        } else {
            continue;
        };
        diagnostics.push(locate(
            diagnostic,
            source,
            decision.span,
            decision.location.as_ref(),
        ));
    }
}

/// `T-S3-001 on s3-bucket`, for messages.
fn describe(decision: &Decision) -> String {
    let threats = decision
        .threats
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if decision.targets.is_empty() {
        threats
    } else {
        let targets = decision
            .targets
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("{threats} for {targets}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MitigationImpact::*;

    #[test]
    fn the_residual_rule() {
        assert_eq!(status_from_impacts([]), ThreatStatus::Open);
        assert_eq!(status_from_impacts([Full]), ThreatStatus::Mitigated);
        assert_eq!(status_from_impacts([VeryHigh]), ThreatStatus::Mitigated);
        assert_eq!(status_from_impacts([High]), ThreatStatus::PartlyMitigated);
        assert_eq!(status_from_impacts([High, High]), ThreatStatus::Mitigated);
        assert_eq!(
            status_from_impacts([High, Medium]),
            ThreatStatus::PartlyMitigated
        );
        assert_eq!(
            status_from_impacts([High, Medium, Low]),
            ThreatStatus::Mitigated
        );
        assert_eq!(
            status_from_impacts([Medium, Medium, Medium]),
            ThreatStatus::PartlyMitigated
        );
        assert_eq!(status_from_impacts([Low]), ThreatStatus::PartlyMitigated);
    }

    #[test]
    fn specific_patterns_outrank_general_ones() {
        assert_eq!(threat_match("T-S3-001", "T-S3-001"), Some(3));
        assert_eq!(threat_match("T-S3", "T-S3-001"), Some(2));
        assert_eq!(threat_match("T-S3-0*", "T-S3-001"), Some(1));
        assert_eq!(threat_match("T-S3-01", "T-S3-001"), None);
        assert_eq!(target_match("s3-bucket", "s3-bucket", "S3 Bucket"), Some(2));
        assert_eq!(target_match("S3 Bucket", "s3-bucket", "S3 Bucket"), Some(2));
        assert_eq!(target_match("s3-*", "s3-bucket", "S3 Bucket"), Some(1));
        assert_eq!(target_match("kms", "s3-bucket", "S3 Bucket"), None);
    }
}
