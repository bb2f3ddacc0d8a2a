//! The catalog's data types, as written in `catalog/**/*.yaml` (see docs/catalog.md).

use moat_model::{ElementKind, Location};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stride {
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
}

impl Stride {
    pub const ALL: [Stride; 6] = [
        Stride::Spoofing,
        Stride::Tampering,
        Stride::Repudiation,
        Stride::InformationDisclosure,
        Stride::DenialOfService,
        Stride::ElevationOfPrivilege,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stride::Spoofing => "spoofing",
            Stride::Tampering => "tampering",
            Stride::Repudiation => "repudiation",
            Stride::InformationDisclosure => "information_disclosure",
            Stride::DenialOfService => "denial_of_service",
            Stride::ElevationOfPrivilege => "elevation_of_privilege",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stride::Spoofing => "Spoofing",
            Stride::Tampering => "Tampering",
            Stride::Repudiation => "Repudiation",
            Stride::InformationDisclosure => "Information Disclosure",
            Stride::DenialOfService => "Denial of Service",
            Stride::ElevationOfPrivilege => "Elevation of Privilege",
        }
    }
}

pub use moat_source::Severity;

/// What a threat can land on: an element kind, a data flow, or a boundary.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case", untagged)]
pub enum TargetKind {
    Element(ElementKind),
    Other(OtherTarget),
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OtherTarget {
    Dataflow,
    Boundary,
}

impl TargetKind {
    pub const DATAFLOW: TargetKind = TargetKind::Other(OtherTarget::Dataflow);
    pub const BOUNDARY: TargetKind = TargetKind::Other(OtherTarget::Boundary);

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Element(kind) => kind.as_str(),
            TargetKind::Other(OtherTarget::Dataflow) => "dataflow",
            TargetKind::Other(OtherTarget::Boundary) => "boundary",
        }
    }
}

/// How far a control reduces a threat. Moat's catalog writes `low`..`full`;
/// TrustOnCloud's files use `Very Low`..`Very High`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MitigationImpact {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
    Full,
}

impl MitigationImpact {
    pub const ALL: [MitigationImpact; 6] = [
        MitigationImpact::VeryLow,
        MitigationImpact::Low,
        MitigationImpact::Medium,
        MitigationImpact::High,
        MitigationImpact::VeryHigh,
        MitigationImpact::Full,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MitigationImpact::VeryLow => "very_low",
            MitigationImpact::Low => "low",
            MitigationImpact::Medium => "medium",
            MitigationImpact::High => "high",
            MitigationImpact::VeryHigh => "very_high",
            MitigationImpact::Full => "full",
        }
    }

    /// Reads `high`, `very_high`, `Very High`, `very high`.
    pub fn parse(text: &str) -> Option<Self> {
        let norm = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|i| i.as_str() == norm)
    }

    /// The share of a threat's risk the control removes, used by the priority formula
    /// (docs/prioritization.md).
    pub fn weight(self) -> f64 {
        match self {
            MitigationImpact::VeryLow => 0.1,
            MitigationImpact::Low => 0.25,
            MitigationImpact::Medium => 0.5,
            MitigationImpact::High => 0.75,
            MitigationImpact::VeryHigh => 0.9,
            MitigationImpact::Full => 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ControlRef {
    pub control: String,
    pub impact: MitigationImpact,
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

/// Whether a threat of a feature class needs the feature in use.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FeatureUse {
    /// Only where the model uses the feature (presigned URLs leaked by the
    /// application that issues them).
    Required,
    /// Wherever the threat's condition holds: an attacker can switch the
    /// feature on, or it is how others use the service.
    NotRequired,
}

impl FeatureUse {
    pub const ALL: [FeatureUse; 2] = [FeatureUse::Required, FeatureUse::NotRequired];

    pub fn as_str(self) -> &'static str {
        match self {
            FeatureUse::Required => "required",
            FeatureUse::NotRequired => "not_required",
        }
    }
}

/// One threat of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Threat {
    pub id: String,
    pub name: String,
    pub stride: Stride,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_class: Option<String>,
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub example: String,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: u8,
    /// 1 (negligible) to 5 (severe).
    pub impact: u8,
    /// Derived from likelihood and impact unless the source states it (pytm libraries do).
    pub severity: Severity,
    pub applies_to: Vec<TargetKind>,
    /// A CEL expression over `target` (and `source`, `sink`, `boundary`); absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_when: Option<String>,
    /// `false` for threats to software a team builds and runs (injection, an
    /// unhardened server): they do not land on AWS-managed services.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub applies_to_managed_services: bool,
    /// Whether the threat needs its feature class in use; absent: derived
    /// (docs/catalog.md, "Feature classes in use").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_use: Option<FeatureUse>,
    /// Mitigation advice in prose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<String>,
    /// Catalog controls that mitigate the threat (filled from the controls' `mitigates`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<ControlRef>,
    /// The IAM permissions an attacker needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<crate::access::Access>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitre_attack: Vec<String>,
    /// Equivalent TrustOnCloud threat ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trustoncloud: Vec<String>,
    /// A CVSS 3.1 vector, when the source gives one (TrustOnCloud).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<crate::cvss::Cvss>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Where the threat is defined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}
