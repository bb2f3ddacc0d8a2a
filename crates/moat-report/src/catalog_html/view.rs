//! What the catalog page's template reads: every field is text the
//! template escapes, a number, or a [`Ref`] it turns into a link. Built by
//! `Page` in the parent module; nothing here knows HTML.

use moat_catalog::priority::Band;
use moat_catalog::{MitigationImpact, Severity, Stride};
use serde::Serialize;

/// What the template reads: every value is text it escapes, or a [`Ref`].
#[derive(Serialize)]
pub(super) struct View<'a> {
    pub(super) title: &'a str,
    pub(super) css: &'static str,
    pub(super) script: &'static str,
    pub(super) sources: &'a [String],
    pub(super) counts: Counts,
    /// Highest first, with how many controls (or threats) each has.
    pub(super) bands: Vec<Tally>,
    pub(super) severities: Vec<Tally>,
    pub(super) stride_options: Vec<Tally>,
    pub(super) sections: Vec<SectionView>,
    pub(super) controls: Vec<ControlView<'a>>,
    pub(super) threats: Vec<ThreatView<'a>>,
    pub(super) feature_classes: Vec<FeatureClassView<'a>>,
    pub(super) frameworks: Vec<FrameworkView<'a>>,
    pub(super) other_frameworks: Vec<OtherFrameworkView<'a>>,
}

#[derive(Serialize)]
pub(super) struct Counts {
    pub(super) controls: usize,
    pub(super) threats: usize,
    pub(super) feature_classes: usize,
    pub(super) frameworks: usize,
    pub(super) requirements: usize,
}

/// A key (for CSS classes and filters), its label, and a count where one is shown.
#[derive(Serialize)]
pub(crate) struct Tally {
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
    pub(crate) count: usize,
}

#[derive(Serialize)]
pub(super) struct SectionView {
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
    pub(super) intro: &'static str,
    pub(super) count: usize,
}

/// A reference to an entity: a link to its anchor, or, when the catalog has
/// no such entity, its id as code (`code`) or marked unknown.
#[derive(Serialize)]
pub(super) struct Ref {
    pub(super) text: String,
    pub(super) anchor: Option<String>,
    pub(super) title: Option<String>,
    pub(super) code: bool,
}

#[derive(Serialize)]
pub(super) struct Relation {
    pub(crate) label: &'static str,
    pub(super) refs: Vec<Ref>,
}

#[derive(Serialize)]
pub(super) struct ControlView<'a> {
    pub(super) anchor: &'a str,
    pub(super) rank: usize,
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) band: Tally,
    pub(super) score: String,
    pub(super) strides: String,
    pub(super) severities: String,
    pub(super) kind: &'static str,
    pub(super) effort: &'static str,
    pub(super) objective_id: Option<&'a str>,
    pub(super) objective: &'a str,
    pub(super) priority: Option<PriorityView>,
    pub(super) stated_priority: Option<&'a str>,
    pub(super) feature_classes: Vec<Ref>,
    pub(super) mitigates: Vec<MitigatesView<'a>>,
    pub(super) relations: Vec<Relation>,
    pub(super) compliance: Vec<ComplianceView<'a>>,
    pub(super) actions: &'a [String],
    pub(super) checks: &'a [String],
    pub(super) implementation: &'a str,
    pub(super) snippets: Vec<Snippet<'a>>,
    pub(super) testing: &'a str,
    pub(super) commands: Vec<&'a str>,
    pub(super) references: &'a [String],
}

#[derive(Serialize)]
pub(super) struct PriorityView {
    pub(super) band: Tally,
    pub(super) score: String,
    pub(super) own_score: String,
    pub(super) inherited_from: Option<Ref>,
}

#[derive(Serialize)]
pub(super) struct MitigatesView<'a> {
    pub(super) threat: Ref,
    pub(super) name: Option<&'a str>,
    pub(super) severity: Tally,
    pub(super) impact: &'static str,
}

#[derive(Serialize)]
pub(super) struct ComplianceView<'a> {
    pub(super) framework: Ref,
    /// The framework's name, when it says more than its id.
    pub(super) name: Option<&'a str>,
    pub(super) requirements: Vec<Ref>,
}

#[derive(Serialize)]
pub(super) struct Snippet<'a> {
    pub(crate) label: &'static str,
    pub(super) language: &'static str,
    pub(super) code: &'a str,
}

#[derive(Serialize)]
pub(super) struct ThreatView<'a> {
    pub(super) anchor: &'a str,
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) stride: Tally,
    pub(super) severity: Tally,
    pub(super) likelihood: u8,
    pub(super) impact: u8,
    pub(super) cvss: Option<CvssView<'a>>,
    pub(super) feature_class: Option<Ref>,
    pub(super) feature_class_name: Option<&'a str>,
    pub(super) applies_to: String,
    pub(super) applies_when: Option<&'a str>,
    pub(super) access: Option<String>,
    pub(super) mitre_attack: Vec<MitreView<'a>>,
    pub(super) trustoncloud: Vec<Ref>,
    pub(super) mitigated_by: Vec<MitigatorView<'a>>,
    pub(super) description: &'a str,
    /// Empty when the threat has no example.
    pub(super) example: &'a str,
    pub(super) mitigations: &'a [String],
    pub(super) references: &'a [String],
}

#[derive(Serialize)]
pub(super) struct CvssView<'a> {
    pub(super) score: String,
    pub(super) rating: &'a str,
    pub(super) vector: &'a str,
}

#[derive(Serialize)]
pub(super) struct MitreView<'a> {
    pub(super) id: &'a str,
    pub(super) url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct MitigatorView<'a> {
    pub(super) anchor: &'a str,
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) impact: &'static str,
    pub(super) band: Tally,
}

#[derive(Serialize)]
pub(super) struct FeatureClassView<'a> {
    pub(super) anchor: &'a str,
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) service: &'a str,
    pub(super) description: &'a str,
    pub(super) relations: Vec<Relation>,
    pub(super) present_on: &'a [String],
    pub(super) trustoncloud: Vec<Ref>,
    pub(super) actions: &'a [String],
    pub(super) threats: Vec<Ref>,
    pub(super) controls: Vec<Ref>,
    pub(super) operations: Vec<OperationView<'a>>,
    pub(super) references: &'a [String],
}

#[derive(Serialize)]
pub(super) struct OperationView<'a> {
    pub(super) api: &'a str,
    pub(super) iam_permission: &'a str,
    pub(super) event_name: &'a str,
    pub(super) description: &'a str,
}

#[derive(Serialize)]
pub(super) struct FrameworkView<'a> {
    pub(super) anchor: &'a str,
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) version: &'a str,
    pub(super) url: &'a str,
    pub(super) cited: usize,
    pub(super) requirement_count: String,
    pub(super) requirements: Vec<RequirementView<'a>>,
}

#[derive(Serialize)]
pub(super) struct RequirementView<'a> {
    pub(super) anchor: String,
    pub(super) id: &'a str,
    pub(super) title: &'a str,
    pub(super) retired: bool,
    pub(super) severity: &'a str,
    pub(super) controls: Vec<Ref>,
}

#[derive(Serialize)]
pub(super) struct OtherFrameworkView<'a> {
    pub(super) anchor: &'a str,
    pub(super) key: &'a str,
    pub(super) requirements: Vec<OtherRequirementView>,
}

#[derive(Serialize)]
pub(super) struct OtherRequirementView {
    pub(super) id: Ref,
    pub(super) controls: Vec<Ref>,
}

pub(crate) fn band_tally(band: Band, count: usize) -> Tally {
    Tally {
        key: band_key(band),
        label: band.label(),
        count,
    }
}

pub(crate) fn severity_tally(severity: Severity, count: usize) -> Tally {
    Tally {
        key: severity.as_str(),
        label: severity_label(severity),
        count,
    }
}

pub(crate) fn stride_tally(stride: Stride) -> Tally {
    Tally {
        key: stride.as_str(),
        label: stride.label(),
        count: 0,
    }
}

pub(crate) fn band_key(band: Band) -> &'static str {
    match band {
        Band::VeryLow => "very_low",
        Band::Low => "low",
        Band::Medium => "medium",
        Band::High => "high",
        Band::VeryHigh => "very_high",
    }
}

pub(crate) fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "Info",
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

pub(crate) fn impact_label(impact: MitigationImpact) -> &'static str {
    match impact {
        MitigationImpact::VeryLow => "very low",
        MitigationImpact::Low => "low",
        MitigationImpact::Medium => "medium",
        MitigationImpact::High => "high",
        MitigationImpact::VeryHigh => "very high",
        MitigationImpact::Full => "full",
    }
}

/// A MITRE ATT&CK page for technique (`T1078`, `T1078.004`) and tactic (`TA0040`) ids.
pub(super) fn mitre_url(id: &str) -> Option<String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = id.strip_prefix("TA") {
        return digits(rest, 4).then(|| format!("https://attack.mitre.org/tactics/{id}/"));
    }
    let rest = id.strip_prefix('T')?;
    match rest.split_once('.') {
        None if digits(rest, 4) => Some(format!("https://attack.mitre.org/techniques/{id}/")),
        Some((technique, sub)) if digits(technique, 4) && digits(sub, 3) => Some(format!(
            "https://attack.mitre.org/techniques/T{technique}/{sub}/"
        )),
        _ => None,
    }
}
