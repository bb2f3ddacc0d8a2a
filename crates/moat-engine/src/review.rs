//! `moat review`: per feature class, the threats at or above a severity with
//! the controls that mitigate them, and a data flow diagram of the feature.

use moat_catalog::priority::{self, Band};
use moat_catalog::types::{MitigationImpact, Severity, Stride};
use moat_catalog::{Catalog, FeatureClass};
use moat_model::{Boundary, Dataflow, Element, ElementKind, Model};
use moat_source::diag::did_you_mean;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Review {
    pub min_severity: Severity,
    pub classes: Vec<ClassReview>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassReview {
    pub id: String,
    pub name: String,
    pub service: String,
    pub description: String,
    /// Threats of the class at or above the severity, most severe first.
    pub threats: Vec<ThreatReview>,
    /// Threats of the class below the severity, left out.
    pub below: usize,
    /// The feature's data flow diagram as a model (renderers draw it).
    pub diagram: Model,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThreatReview {
    pub id: String,
    pub name: String,
    pub stride: Stride,
    pub severity: Severity,
    pub controls: Vec<ControlReview>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ControlReview {
    pub id: String,
    pub name: String,
    pub impact: MitigationImpact,
    pub band: Band,
    /// Set by a scan (`--scan`): implemented, partial, missing or unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::plan::Status>,
    /// Where the status comes from (`file:line resource`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// Finds a feature class by id, by a TrustOnCloud id it covers, or by name.
pub fn find_class<'c>(catalog: &'c Catalog, wanted: &str) -> Result<&'c FeatureClass, String> {
    let lower = wanted.trim().to_lowercase();
    catalog
        .feature_classes
        .iter()
        .find(|f| f.id == wanted.trim())
        .or_else(|| {
            catalog
                .feature_classes
                .iter()
                .find(|f| f.trustoncloud.iter().any(|t| *t == wanted.trim()))
        })
        .or_else(|| {
            catalog
                .feature_classes
                .iter()
                .find(|f| f.name.to_lowercase() == lower)
        })
        .ok_or_else(|| {
            let hint = did_you_mean(
                wanted,
                catalog.feature_classes.iter().map(|f| f.id.as_str()),
            )
            .map(|h| format!(", {h}"))
            .unwrap_or_default();
            format!("unknown feature class `{wanted}`{hint}")
        })
}

pub fn review(catalog: &Catalog, classes: &[String], min: Severity) -> Result<Review, String> {
    let bands: BTreeMap<String, Band> = priority::prioritize(catalog)
        .into_iter()
        .map(|p| (p.control, p.band))
        .collect();
    let mut out = Vec::new();
    for wanted in classes {
        let class = find_class(catalog, wanted)?;
        if out.iter().any(|c: &ClassReview| c.id == class.id) {
            continue;
        }
        let mut threats: Vec<ThreatReview> = Vec::new();
        let mut below = 0;
        for t in catalog
            .threats
            .iter()
            .filter(|t| t.threat.feature_class.as_deref() == Some(class.id.as_str()))
        {
            let t = &t.threat;
            if t.severity < min {
                below += 1;
                continue;
            }
            let mut controls: Vec<ControlReview> = t
                .controls
                .iter()
                .filter_map(|r| {
                    let control = catalog.control(&r.control)?;
                    Some(ControlReview {
                        id: control.id.clone(),
                        name: control.name.clone(),
                        impact: r.impact,
                        band: bands.get(&control.id).copied().unwrap_or(Band::VeryLow),
                        status: None,
                        evidence: Vec::new(),
                    })
                })
                .collect();
            controls.sort_by(|a, b| {
                b.impact
                    .cmp(&a.impact)
                    .then(b.band.cmp(&a.band))
                    .then_with(|| moat_catalog::search::natural(&a.id, &b.id))
            });
            threats.push(ThreatReview {
                id: t.id.clone(),
                name: t.name.clone(),
                stride: t.stride,
                severity: t.severity,
                controls,
            });
        }
        threats.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.stride.cmp(&b.stride))
                .then_with(|| moat_catalog::search::natural(&a.id, &b.id))
        });
        out.push(ClassReview {
            id: class.id.clone(),
            name: class.name.clone(),
            service: class.service.clone(),
            description: class.description.clone(),
            threats,
            below,
            diagram: diagram(catalog, class),
        });
    }
    Ok(Review {
        min_severity: min,
        classes: out,
    })
}

fn element(id: &str, name: &str, kind: ElementKind, boundary: &str) -> Element {
    Element {
        id: id.to_string(),
        name: name.to_string(),
        kind,
        description: String::new(),
        boundary: Some(boundary.to_string()),
        data: Vec::new(),
        attributes: Default::default(),
        tags: Vec::new(),
        properties: Default::default(),
        span: None,
        implements: Vec::new(),
    }
}

fn flow(id: &str, name: String, source: &str, sink: &str) -> Dataflow {
    Dataflow {
        id: id.to_string(),
        name,
        source: source.to_string(),
        sink: sink.to_string(),
        description: String::new(),
        data: Vec::new(),
        attributes: Default::default(),
        tags: Vec::new(),
        properties: Default::default(),
        span: None,
        implements: Vec::new(),
    }
}

/// A principal calls the service's API, which acts on the feature; the
/// feature's neighbours in other services (KMS, CloudTrail, IAM...) hang off it.
fn diagram(catalog: &Catalog, class: &FeatureClass) -> Model {
    let boundary = |id: &str, name: &str| Boundary {
        id: id.to_string(),
        name: name.to_string(),
        description: String::new(),
        parent: None,
        attributes: Default::default(),
        tags: Vec::new(),
        properties: Default::default(),
        span: None,
    };
    let api_name = format!("{} API", class.service.to_uppercase());
    let mut elements = vec![
        element("principal", "IAM principal", ElementKind::Actor, "callers"),
        element("api", &api_name, ElementKind::Server, "aws"),
        element("feature", &class.name, ElementKind::Datastore, "aws"),
    ];
    let calls = match class.actions.len() {
        0 => "requests".to_string(),
        1..=3 => class.actions.join(", "),
        n => format!(
            "{} and {} more actions",
            class.actions[..2].join(", "),
            n - 2
        ),
    };
    let mut flows = vec![
        flow("calls", calls, "principal", "api"),
        flow("acts", "configures and uses".to_string(), "api", "feature"),
    ];
    let mut neighbours: Vec<&FeatureClass> = Vec::new();
    for id in class.uses.iter().chain(&class.parents) {
        // a class may be both used and built on: draw it once
        if let Some(found) = catalog.feature_class(id)
            && found.id != class.id
            && !neighbours.iter().any(|n| n.id == found.id)
        {
            neighbours.push(found);
        }
    }
    for (n, neighbour) in neighbours.iter().enumerate() {
        let id = format!("n{}", n + 1);
        elements.push(element(&id, &neighbour.name, ElementKind::Server, "aws"));
        let label = if neighbour.service == class.service {
            "builds on".to_string()
        } else {
            format!("calls {}", neighbour.service)
        };
        flows.push(flow(&format!("f{}", n + 1), label, "feature", &id));
    }
    Model {
        name: format!("{} ({})", class.name, class.id),
        boundaries: vec![
            boundary("callers", "Callers"),
            boundary("aws", "AWS account"),
        ],
        elements,
        flows,
        ..Model::default()
    }
}
