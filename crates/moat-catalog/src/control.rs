//! Controls: what a team puts in place against threats, how, and how to test it.

use crate::types::MitigationImpact;
use moat_model::Location;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ControlType {
    Preventive,
    Detective,
    Corrective,
    Directive,
}

impl ControlType {
    pub const ALL: [ControlType; 4] = [
        ControlType::Preventive,
        ControlType::Detective,
        ControlType::Corrective,
        ControlType::Directive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ControlType::Preventive => "preventive",
            ControlType::Detective => "detective",
            ControlType::Corrective => "corrective",
            ControlType::Directive => "directive",
        }
    }

    /// Reads ours and TrustOnCloud's COSO words (`Preventative`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "preventive" | "preventative" => Some(ControlType::Preventive),
            "detective" => Some(ControlType::Detective),
            "corrective" => Some(ControlType::Corrective),
            "directive" => Some(ControlType::Directive),
            _ => None,
        }
    }
}

/// How much work a control takes, lowest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Effort {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Effort {
    pub const ALL: [Effort; 5] = [
        Effort::VeryLow,
        Effort::Low,
        Effort::Medium,
        Effort::High,
        Effort::VeryHigh,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Effort::VeryLow => "very_low",
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
            Effort::VeryHigh => "very_high",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Effort::VeryLow => "Very Low",
            Effort::Low => "Low",
            Effort::Medium => "Medium",
            Effort::High => "High",
            Effort::VeryHigh => "Very High",
        }
    }

    /// Reads `very_low`, `Very Low`, `very-low`.
    pub fn parse(text: &str) -> Option<Self> {
        let norm = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|e| e.as_str() == norm)
    }

    /// 1 (very low) to 5 (very high).
    pub fn rank(self) -> u8 {
        match self {
            Effort::VeryLow => 1,
            Effort::Low => 2,
            Effort::Medium => 3,
            Effort::High => 4,
            Effort::VeryHigh => 5,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Implementation {
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdk: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Testing {
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
}

/// A control's link to a threat it mitigates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Mitigation {
    pub threat: String,
    pub impact: MitigationImpact,
    /// The priorities a source states for this link (TrustOnCloud), kept to compare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated: Option<StatedPriority>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatedPriority {
    pub priority: f64,
    pub priority_overall: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_dependency: Option<String>,
    /// The threat's severity as the link records it (`Medium`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cvss: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Control {
    pub id: String,
    pub name: String,
    pub objective: String,
    /// The control objective's id, when the source groups controls by objective (TrustOnCloud).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective_id: Option<String>,
    pub feature_classes: Vec<String>,
    #[serde(rename = "type")]
    pub kind: ControlType,
    pub effort: Effort,
    pub implementation: Implementation,
    pub testing: Testing,
    /// IAM actions the control governs, denies or requires.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Ids of automated checks that verify it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    pub mitigates: Vec<Mitigation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assured_by: Vec<String>,
    /// Framework id -> requirement ids the control satisfies on its own
    /// (`aws-securityhub: [S3.5]`): in place, the requirement is met.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub compliance: BTreeMap<String, Vec<String>>,
    /// Framework id -> requirement ids the control helps with but cannot meet:
    /// an SCP that keeps a bucket setting on does not make a check that reads
    /// the bucket's own configuration pass.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub supports: BTreeMap<String, Vec<String>>,
    /// A priority band the source states for the whole control (TrustOnCloud's
    /// `weighted_priority`), kept to compare with ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stated_priority: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}
