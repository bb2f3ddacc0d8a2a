//! The `Assessment`: everything a run found, in one serializable value.
//! Every renderer reads only this.

use moat_catalog::{Severity, Stride};
use moat_model::{Diagnostic, Location, Model};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Bumped whenever the JSON shape changes incompatibly (docs/json-output.md).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Assessment {
    pub schema_version: u32,
    pub tool: Tool,
    pub model: Model,
    pub catalog: CatalogSummary,
    /// Sorted by STRIDE category, then target, then threat id.
    pub threats: Vec<ThreatResult>,
    /// Warnings and notes from loading the model and catalogs.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
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
    pub threat_id: String,
    pub name: String,
    pub stride: Stride,
    pub severity: Severity,
    pub likelihood: u8,
    pub impact: u8,
    pub target: TargetRef,
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub example: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The condition that held, if the threat has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

impl Assessment {
    /// The highest severity among the threats, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.threats.iter().map(|t| t.severity).max()
    }
}
