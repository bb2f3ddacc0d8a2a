//! `moat compliance`: a framework's requirements, the controls that satisfy
//! each and those that only support it, their status, the requirements no
//! control satisfies, and what to do first.
//!
//! Only a control listed under `compliance` counts towards meeting a
//! requirement; one listed under `supports` helps (an SCP that keeps a bucket
//! setting on) but cannot make the requirement's check pass by itself, so it is
//! shown beside the requirement and never closes a gap.

use crate::plan::Status;
use moat_catalog::Catalog;
use moat_catalog::priority::{self, Band};
use moat_source::diag::did_you_mean;
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
    /// Set when the framework file lists only part of the framework: meeting
    /// every requirement here is not compliance with the whole framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subset: Option<Subset>,
    pub requirements: Vec<RequirementStatus>,
    /// Requirements no control of the catalog satisfies (some may have
    /// supporting controls).
    pub gaps: Vec<String>,
    /// Controls to put in place, highest priority first, with the requirements
    /// each satisfies or supports.
    pub actions: Vec<Action>,
}

/// How much of the framework the report covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subset {
    /// Requirements the framework file lists.
    pub listed: usize,
    /// Requirements the whole framework has, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    /// How the listed requirements were chosen.
    pub selection: String,
}

impl Subset {
    /// `41 of 63 requirements (the recommendations that bear on ...)`.
    pub fn summary(&self) -> String {
        let count = match self.total {
            Some(total) => format!("{} of {total} requirements", self.listed),
            None => format!(
                "{} requirement{} of a larger framework",
                self.listed,
                if self.listed == 1 { "" } else { "s" }
            ),
        };
        format!("{count} ({})", self.selection)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequirementStatus {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
    /// Controls that satisfy the requirement.
    pub controls: Vec<String>,
    /// Controls that support the requirement without satisfying it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting: Vec<String>,
    /// `not_assessed` until a scan reports the controls' status; `missing` when
    /// no control satisfies it (supporting controls do not count).
    pub status: Status,
    /// Where the status comes from (`file:line resource`), when a scan set it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Action {
    pub control: String,
    pub name: String,
    pub band: Band,
    pub score: f64,
    /// Requirements the control satisfies.
    pub requirements: Vec<String>,
    /// Requirements the control supports without satisfying them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supports: Vec<String>,
}

impl ComplianceReport {
    /// Requirements (not retired) that have at least one satisfying control.
    pub fn satisfied_count(&self) -> usize {
        self.active().filter(|r| !r.controls.is_empty()).count()
    }

    /// Requirements (not retired) with supporting controls but none that satisfies them.
    pub fn supported_only_count(&self) -> usize {
        self.active()
            .filter(|r| r.controls.is_empty() && !r.supporting.is_empty())
            .count()
    }

    /// Requirements that are not retired.
    pub fn active_count(&self) -> usize {
        self.active().count()
    }

    fn active(&self) -> impl Iterator<Item = &RequirementStatus> {
        self.requirements.iter().filter(|r| !r.retired)
    }
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
    let cites = |map: &std::collections::BTreeMap<String, Vec<String>>, id: &str| {
        map.get(framework)
            .is_some_and(|ids| ids.iter().any(|i| i == id))
    };
    let mut requirements = Vec::with_capacity(found.requirements.len());
    let mut gaps = Vec::new();
    for requirement in &found.requirements {
        let controls: Vec<String> = catalog
            .controls
            .iter()
            .filter(|c| cites(&c.compliance, &requirement.id))
            .map(|c| c.id.clone())
            .collect();
        let supporting: Vec<String> = catalog
            .controls
            .iter()
            .filter(|c| cites(&c.supports, &requirement.id))
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
            supporting,
            evidence: Vec::new(),
        });
    }
    let in_framework = |ids: Option<&Vec<String>>| -> Vec<String> {
        let Some(ids) = ids else {
            return Vec::new();
        };
        found
            .requirements
            .iter()
            .filter(|r| ids.contains(&r.id))
            .map(|r| r.id.clone())
            .collect()
    };
    let actions = priority::prioritize(catalog)
        .into_iter()
        .filter_map(|p| {
            let control = catalog.control(&p.control)?;
            let requirements = in_framework(control.compliance.get(framework));
            let supports = in_framework(control.supports.get(framework));
            (!requirements.is_empty() || !supports.is_empty()).then(|| Action {
                control: control.id.clone(),
                name: control.name.clone(),
                band: p.band,
                score: p.score,
                requirements,
                supports,
            })
        })
        .collect();
    Ok(ComplianceReport {
        framework: found.id.clone(),
        name: found.name.clone(),
        version: found.version.clone(),
        url: found.url.clone(),
        subset: found.subset.as_ref().map(|scope| Subset {
            listed: found.requirements.len(),
            total: scope.total,
            selection: scope.selection.clone(),
        }),
        requirements,
        gaps,
        actions,
    })
}
