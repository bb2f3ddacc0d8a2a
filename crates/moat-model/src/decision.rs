//! What a model says about its own risk: the controls it implements in place
//! (`implements:`), the risk decisions it records (`decisions:`), and what the
//! reader could not interpret (`incomplete`). The engine turns these into each
//! threat's status; every item keeps where it came from.

use crate::span::{Location, Span};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A control the model declares as implemented, on the whole model or on one
/// element or flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Implementation {
    /// A catalog control id (`C-S3-001`, or `S3.C12` with a TrustOnCloud catalog).
    pub control: String,
    /// Where it is declared, as a user can open it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

/// The statuses users know from Threagile's risk tracking.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionStatus {
    Unchecked,
    InDiscussion,
    Accepted,
    InProgress,
    Mitigated,
    FalsePositive,
}

impl DecisionStatus {
    pub const ALL: [DecisionStatus; 6] = [
        DecisionStatus::Unchecked,
        DecisionStatus::InDiscussion,
        DecisionStatus::Accepted,
        DecisionStatus::InProgress,
        DecisionStatus::Mitigated,
        DecisionStatus::FalsePositive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionStatus::Unchecked => "unchecked",
            DecisionStatus::InDiscussion => "in-discussion",
            DecisionStatus::Accepted => "accepted",
            DecisionStatus::InProgress => "in-progress",
            DecisionStatus::Mitigated => "mitigated",
            DecisionStatus::FalsePositive => "false-positive",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the decision closes the threat (it no longer counts for `--fail-on`).
    /// Unchecked, in-discussion and in-progress leave it open.
    pub fn closes(self) -> bool {
        matches!(
            self,
            DecisionStatus::Accepted | DecisionStatus::Mitigated | DecisionStatus::FalsePositive
        )
    }
}

impl std::fmt::Display for DecisionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A recorded risk decision. It selects threats by id or id prefix (`T-S3-001`,
/// `T-GEN`, `T-S3-0*`) and targets by id or name, with `*` and `?` wildcards;
/// no `targets` means every target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    pub threats: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    pub status: DecisionStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub justification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// When it was decided (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    /// After this day (`YYYY-MM-DD`) the decision no longer holds and the threat is open again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where it was recorded (a `decisions:` entry, a pytm `overrides` finding or `Assumption`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

/// Something the reader could not interpret, so the model may lack elements,
/// flows or attributes the source describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Incomplete {
    /// Why, in words (`call to unknown function \`make_flows\` skipped`).
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}
