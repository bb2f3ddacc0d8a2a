//! Feature classes: the parts of a service a deployment may use, each with the
//! IAM actions that exercise it.

use moat_model::Location;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FeatureClass {
    pub id: String,
    pub name: String,
    /// The AWS service prefix (`s3`, `kms`, ...).
    pub service: String,
    pub description: String,
    /// Feature classes it builds on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<String>,
    /// Feature classes it uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<String>,
    /// `service` or `service:resource` of model elements where it is always present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub present_on: Vec<String>,
    /// TrustOnCloud feature class ids it covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trustoncloud: Vec<String>,
    /// IAM actions that exercise or configure the feature.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// API operations with their IAM permission and CloudTrail event, when the
    /// source lists them (TrustOnCloud's `actions`); otherwise derived from `actions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// One API operation of a feature class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Operation {
    pub api: String,
    pub iam_permission: String,
    /// The CloudTrail `eventName` the call records (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub event_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}
