//! Moat's control priority (docs/prioritization.md): a control is worth what
//! it removes from the threats it mitigates, per unit of effort, and a control
//! others depend on is worth at least as much as they are.
//!
//! score(c) = Σ over links (c mitigates t) of weight(severity(t)) × weight(impact(c, t)),
//! divided by rank(effort(c)); then score(c) = max(score(c), score(d)) for every
//! control d that depends on c or is assured by c, directly or through a chain.

use crate::types::Severity;
use crate::{Catalog, Effort};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Priority bands, lowest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Band {
    pub const ALL: [Band; 5] = [
        Band::VeryLow,
        Band::Low,
        Band::Medium,
        Band::High,
        Band::VeryHigh,
    ];

    /// The lowest score of each band, highest band first.
    pub const THRESHOLDS: [(Band, f64); 4] = [
        (Band::VeryHigh, 4.0),
        (Band::High, 2.0),
        (Band::Medium, 1.0),
        (Band::Low, 0.4),
    ];

    pub fn of(score: f64) -> Band {
        Self::THRESHOLDS
            .iter()
            .find(|(_, min)| score >= *min)
            .map_or(Band::VeryLow, |(band, _)| *band)
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::VeryLow => "Very Low",
            Band::Low => "Low",
            Band::Medium => "Medium",
            Band::High => "High",
            Band::VeryHigh => "Very High",
        }
    }

    /// Reads `Very High`, `very_high`, `high`.
    pub fn parse(text: &str) -> Option<Band> {
        let norm = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|b| b.label().to_ascii_lowercase().replace(' ', "_") == norm)
    }
}

/// How much a threat of a severity weighs.
pub fn severity_weight(severity: Severity) -> f64 {
    match severity {
        Severity::Info => 1.0,
        Severity::Low => 2.0,
        Severity::Medium => 3.0,
        Severity::High => 4.0,
        Severity::Critical => 5.0,
    }
}

/// One term of a control's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contribution {
    pub threat: String,
    pub severity: Severity,
    pub impact: crate::MitigationImpact,
    /// weight(severity) × weight(impact), before dividing by effort.
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ControlPriority {
    pub control: String,
    /// The control's own score: Σ contributions / effort rank.
    pub own_score: f64,
    /// After inheriting from the controls that depend on it.
    pub score: f64,
    pub band: Band,
    pub effort: Effort,
    /// The dependent control whose score this one took, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
    pub contributions: Vec<Contribution>,
}

/// Every control's priority, highest score first (ties by id).
pub fn prioritize(catalog: &Catalog) -> Vec<ControlPriority> {
    let severity: BTreeMap<&str, Severity> = catalog
        .threats
        .iter()
        .map(|t| (t.threat.id.as_str(), t.threat.severity))
        .collect();
    let mut out: BTreeMap<&str, ControlPriority> = BTreeMap::new();
    for control in &catalog.controls {
        let contributions: Vec<Contribution> = control
            .mitigates
            .iter()
            .filter_map(|link| {
                let severity = *severity.get(link.threat.as_str())?;
                Some(Contribution {
                    threat: link.threat.clone(),
                    severity,
                    impact: link.impact,
                    value: severity_weight(severity) * link.impact.weight(),
                })
            })
            .collect();
        let own =
            contributions.iter().map(|c| c.value).sum::<f64>() / f64::from(control.effort.rank());
        // an empty sum is -0.0; reports should not show a sign
        let own = round(own) + 0.0;
        out.insert(
            &control.id,
            ControlPriority {
                control: control.id.clone(),
                own_score: own,
                score: own,
                band: Band::of(own),
                effort: control.effort,
                inherited_from: None,
                contributions,
            },
        );
    }
    // inheritance: a dependency is worth at least what depends on it. Scores only
    // grow and are bounded by the highest own score, so this settles; the bound on
    // rounds guards against cycles a caller did not reject.
    for _ in 0..=catalog.controls.len() {
        let mut changed = false;
        for control in &catalog.controls {
            let Some(score) = out.get(control.id.as_str()).map(|p| p.score) else {
                continue;
            };
            // what it depends on, and the checks that assure it, matter as much as it does
            for dependency in control.depends_on.iter().chain(&control.assured_by) {
                if let Some(target) = out.get_mut(dependency.as_str())
                    && score > target.score
                {
                    target.score = score;
                    target.band = Band::of(score);
                    target.inherited_from = Some(control.id.clone());
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut list: Vec<ControlPriority> = out.into_values().collect();
    list.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| crate::search::natural(&a.control, &b.control))
    });
    list
}

/// Two decimals, so reports and tests see stable numbers.
fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_have_documented_thresholds() {
        assert_eq!(Band::of(5.0), Band::VeryHigh);
        assert_eq!(Band::of(4.0), Band::VeryHigh);
        assert_eq!(Band::of(3.99), Band::High);
        assert_eq!(Band::of(2.0), Band::High);
        assert_eq!(Band::of(1.0), Band::Medium);
        assert_eq!(Band::of(0.4), Band::Low);
        assert_eq!(Band::of(0.39), Band::VeryLow);
        assert_eq!(Band::of(0.0), Band::VeryLow);
        assert_eq!(Band::parse("Very High"), Some(Band::VeryHigh));
        assert_eq!(Band::parse("low"), Some(Band::Low));
    }
}
