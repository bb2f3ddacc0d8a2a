//! The `Assessment`: everything a run found, in one serializable value.
//! Every renderer reads only this.

use moat_catalog::{MitigationImpact, Severity, Stride};
use moat_model::{DecisionStatus, Diagnostic, Location, Model};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Bumped whenever the JSON shape changes incompatibly (docs/json-output.md).
pub const SCHEMA_VERSION: u32 = 1;

/// Results are normalized so large models stay small: each result names a
/// threat and a target by id; `definitions` holds each threat's text once and
/// `targets` each target's name and location once.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Assessment {
    pub schema_version: u32,
    pub tool: Tool,
    /// The model assessed; empty (and left out of JSON) for a scan alone.
    #[serde(default, skip_serializing_if = "Model::is_empty")]
    pub model: Model,
    pub catalog: CatalogSummary,
    /// Sorted by STRIDE category, then target id, then threat id (ids in natural order).
    pub threats: Vec<ThreatResult>,
    /// The catalog threats that apply somewhere, sorted by id.
    pub definitions: Vec<ThreatDefinition>,
    /// The model's elements, flows and boundaries that threats land on, sorted by id.
    pub targets: Vec<TargetRef>,
    /// The AWS services Moat inferred for elements that do not set a `service`
    /// property, in model order, so a user can check and correct them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred_services: Vec<crate::service::Inference>,
    /// Warnings and notes from loading the model, catalogs and templates.
    pub diagnostics: Vec<Diagnostic>,
    /// What the template checks found (`moat scan`, and `moat threats` on
    /// templates): findings, every verdict, control status and the files read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<crate::scan::ScanResults>,
    /// `moat plan`: every control by computed priority, with its status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<crate::plan::Plan>,
    /// `moat review`: feature classes with their threats and controls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::review::Review>,
    /// `moat compliance`: a framework's requirements and their status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<crate::compliance::ComplianceReport>,
}

impl Assessment {
    /// The scan part; empty when the assessment holds no scan.
    pub fn scan_results(&self) -> &crate::scan::ScanResults {
        static EMPTY: std::sync::LazyLock<crate::scan::ScanResults> =
            std::sync::LazyLock::new(crate::scan::ScanResults::default);
        self.scan.as_ref().unwrap_or(&EMPTY)
    }

    /// The assessment of a scan alone: findings and control status, no
    /// threat model (`model` is empty and `threats` too).
    pub fn of_scan(
        scan: crate::scan::ScanResults,
        diagnostics: Vec<Diagnostic>,
        catalog: CatalogSummary,
    ) -> Self {
        Assessment {
            diagnostics,
            scan: Some(scan),
            ..Self::of_catalog(catalog)
        }
    }

    /// An assessment with no model and no scan, for the catalog commands
    /// (`plan`, `review`, `compliance`) to carry their result in.
    pub fn of_catalog(catalog: CatalogSummary) -> Self {
        Assessment {
            schema_version: SCHEMA_VERSION,
            tool: Tool::moat(),
            model: Model::default(),
            catalog,
            threats: Vec::new(),
            definitions: Vec::new(),
            targets: Vec::new(),
            inferred_services: Vec::new(),
            diagnostics: Vec::new(),
            scan: None,
            plan: None,
            review: None,
            compliance: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    /// This build of Moat.
    pub fn moat() -> Self {
        Tool {
            name: "moat".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CatalogSummary {
    pub sources: Vec<String>,
    pub threat_count: usize,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TargetType {
    Element,
    Dataflow,
    Boundary,
}

/// What a threat landed on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TargetRef {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub target_type: TargetType,
    /// The element kind (`server`), or `dataflow` / `boundary`.
    pub kind: String,
    /// Where the target is defined in the model file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// One threat on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThreatResult {
    /// `THREAT_ID@target_id`: stable across runs, so risk decisions can refer to it.
    pub id: String,
    /// The threat, described in `definitions`.
    pub threat_id: String,
    /// The element, flow or boundary, described in `targets`.
    pub target_id: String,
    pub stride: Stride,
    pub severity: Severity,
    /// The threat needs a feature class in use that the model does not say
    /// whether it uses (no `features` declared on the target): it is reported
    /// on the assumption that the feature is in use.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub feature_assumed: bool,
    /// What the evidence and decisions make of the threat on this target.
    #[serde(default)]
    pub status: ThreatStatus,
    /// Implemented controls that mitigate the threat here, each with where it is declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The recorded decision that covers this result, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<AppliedDecision>,
    /// Which principals of an account snapshot hold the permissions the
    /// threat needs, on the bucket the target names (`moat threats
    /// --account-snapshot`); absent without a snapshot and on targets that
    /// are not S3 bucket elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachability: Option<crate::reach::Reachability>,
}

impl ThreatResult {
    /// Whether the threat still needs work: `--fail-on` counts only these.
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }
}

/// A threat's status on one target. Evidence gives `open`, `partly_mitigated`
/// or `mitigated` (docs/catalog.md, "Threat status"); a decision that closes a
/// threat gives `mitigated`, `accepted` or `false_positive`.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ThreatStatus {
    #[default]
    Open,
    PartlyMitigated,
    Mitigated,
    Accepted,
    FalsePositive,
}

impl ThreatStatus {
    pub const ALL: [ThreatStatus; 5] = [
        ThreatStatus::Open,
        ThreatStatus::PartlyMitigated,
        ThreatStatus::Mitigated,
        ThreatStatus::Accepted,
        ThreatStatus::FalsePositive,
    ];

    /// Open and partly mitigated threats still need work.
    pub fn is_open(self) -> bool {
        matches!(self, ThreatStatus::Open | ThreatStatus::PartlyMitigated)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ThreatStatus::Open => "open",
            ThreatStatus::PartlyMitigated => "partly_mitigated",
            ThreatStatus::Mitigated => "mitigated",
            ThreatStatus::Accepted => "accepted",
            ThreatStatus::FalsePositive => "false_positive",
        }
    }

    /// For people: `partly mitigated`.
    pub fn label(self) -> &'static str {
        match self {
            ThreatStatus::PartlyMitigated => "partly mitigated",
            ThreatStatus::FalsePositive => "false positive",
            other => other.as_str(),
        }
    }
}

/// Where a piece of evidence comes from. Declared now; checks on
/// infrastructure code and live reads add their own sources later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// An `implements:` entry of the model.
    Declared,
    /// A check on infrastructure code found the control in place.
    Check,
}

/// A control implemented where a threat lands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    pub control: String,
    /// How far the control reduces this threat (the catalog's mitigation link).
    pub impact: MitigationImpact,
    pub source: EvidenceSource,
    /// The check that found it, for evidence from infrastructure code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// The element or flow whose `implements:` lists it; absent for the model's own list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// The decision that covers a result: an index into `model.decisions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AppliedDecision {
    pub index: usize,
    pub status: DecisionStatus,
    /// The decision's `expires` day has passed: it no longer changes the status.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
}

/// A control that mitigates a threat, as reports list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MitigatingControl {
    pub id: String,
    pub name: String,
    pub impact: MitigationImpact,
    /// The control's computed priority band (`Very High`..`Low`, docs/prioritization.md).
    pub priority: String,
    /// Whether the model declares it anywhere this threat lands.
    #[serde(default)]
    pub declared: bool,
}

/// A catalog threat, as results refer to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThreatDefinition {
    pub id: String,
    pub name: String,
    pub stride: Stride,
    pub severity: Severity,
    pub likelihood: u8,
    pub impact: u8,
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub example: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<String>,
    /// The catalog controls that mitigate the threat, most effective first
    /// (impact, then priority), at most [`crate::mitigation::LISTED`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<MitigatingControl>,
    /// How many catalog controls mitigate the threat in all (`moat catalog show ID` lists them).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub control_count: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The condition that must hold on a target, if the threat has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Where the threat is defined (catalog file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Assessment {
    /// The highest severity among the threats, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.threats.iter().map(|t| t.severity).max()
    }

    /// How many results are still open at or above `threshold`.
    pub fn open_at_or_above(&self, threshold: Severity) -> usize {
        self.threats
            .iter()
            .filter(|t| t.is_open() && t.severity >= threshold)
            .count()
    }

    /// Keeps the results `keep` accepts, and the definitions and targets they use.
    pub fn retain(&mut self, keep: impl Fn(&ThreatResult) -> bool) {
        self.threats.retain(keep);
        let threats: std::collections::HashSet<&str> =
            self.threats.iter().map(|t| t.threat_id.as_str()).collect();
        let targets: std::collections::HashSet<&str> =
            self.threats.iter().map(|t| t.target_id.as_str()).collect();
        self.definitions.retain(|d| threats.contains(d.id.as_str()));
        self.targets.retain(|t| targets.contains(t.id.as_str()));
    }

    /// How many distinct elements, flows and boundaries the threats land on.
    pub fn target_count(&self) -> usize {
        self.targets.len()
    }

    /// Lookup tables for joining results with their definitions and targets,
    /// built once per rendering (linear in the assessment's size).
    pub fn index(&self) -> AssessmentIndex<'_> {
        AssessmentIndex {
            definitions: self
                .definitions
                .iter()
                .map(|d| (d.id.as_str(), d))
                .collect(),
            targets: self.targets.iter().map(|t| (t.id.as_str(), t)).collect(),
        }
    }
}

pub struct AssessmentIndex<'a> {
    definitions: std::collections::HashMap<&'a str, &'a ThreatDefinition>,
    targets: std::collections::HashMap<&'a str, &'a TargetRef>,
}

impl<'a> AssessmentIndex<'a> {
    pub fn definition(&self, threat_id: &str) -> Option<&'a ThreatDefinition> {
        self.definitions.get(threat_id).copied()
    }

    pub fn target(&self, target_id: &str) -> Option<&'a TargetRef> {
        self.targets.get(target_id).copied()
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
