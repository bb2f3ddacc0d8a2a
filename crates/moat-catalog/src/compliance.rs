//! `moat compliance`: a framework's requirements, the controls that meet each,
//! their status, the requirements no control covers, and what to do first.

use crate::Catalog;
use crate::plan::Status;
use crate::priority::{self, Band};
use moat_model::diag::did_you_mean;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComplianceReport {
    pub framework: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    pub requirements: Vec<RequirementStatus>,
    /// Requirements no control of the catalog addresses.
    pub gaps: Vec<String>,
    /// Controls to put in place, highest priority first, with the requirements each meets.
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequirementStatus {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
    pub controls: Vec<String>,
    /// `not_assessed` until a scan reports the controls' status; `missing` when no control covers it.
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Action {
    pub control: String,
    pub name: String,
    pub band: Band,
    pub score: f64,
    pub requirements: Vec<String>,
}

/// The report for `framework` (an id the catalog defines), or an error naming the known ones.
pub fn compliance(catalog: &Catalog, framework: &str) -> Result<ComplianceReport, String> {
    let Some(found) = catalog.frameworks.iter().find(|f| f.id == framework) else {
        let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
        let hint = did_you_mean(framework, known.iter().copied())
            .map(|h| format!(", {h}"))
            .unwrap_or_default();
        return Err(format!(
            "unknown framework `{framework}`{hint} (this catalog has: {})",
            known.join(", ")
        ));
    };
    let mut requirements = Vec::with_capacity(found.requirements.len());
    let mut gaps = Vec::new();
    for requirement in &found.requirements {
        let controls: Vec<String> = catalog
            .controls
            .iter()
            .filter(|c| {
                c.compliance
                    .get(framework)
                    .is_some_and(|ids| ids.contains(&requirement.id))
            })
            .map(|c| c.id.clone())
            .collect();
        if controls.is_empty() && !requirement.retired {
            gaps.push(requirement.id.clone());
        }
        requirements.push(RequirementStatus {
            id: requirement.id.clone(),
            title: requirement.title.clone(),
            severity: requirement.severity.clone(),
            retired: requirement.retired,
            status: if controls.is_empty() {
                Status::Missing
            } else {
                Status::NotAssessed
            },
            controls,
        });
    }
    let actions = priority::prioritize(catalog)
        .into_iter()
        .filter_map(|p| {
            let control = catalog.control(&p.control)?;
            let ids = control.compliance.get(framework)?;
            let requirements: Vec<String> = found
                .requirements
                .iter()
                .filter(|r| ids.contains(&r.id))
                .map(|r| r.id.clone())
                .collect();
            (!requirements.is_empty()).then(|| Action {
                control: control.id.clone(),
                name: control.name.clone(),
                band: p.band,
                score: p.score,
                requirements,
            })
        })
        .collect();
    Ok(ComplianceReport {
        framework: found.id.clone(),
        name: found.name.clone(),
        version: found.version.clone(),
        url: found.url.clone(),
        requirements,
        gaps,
        actions,
    })
}
