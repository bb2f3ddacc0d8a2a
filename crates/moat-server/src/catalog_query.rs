//! The catalog as rows a browser can filter: threats and controls with the
//! attributes people narrow by (STRIDE, severity, priority band, feature
//! class, framework), and a text search over ids and names.

use moat_catalog::Catalog;
use moat_catalog::priority::prioritize;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct CatalogFilter {
    /// Words that must all appear in the id, name or description (case-insensitive).
    pub q: Option<String>,
    /// A STRIDE category (`spoofing`, `tampering`, ...), threats only.
    pub stride: Option<String>,
    /// A severity (`critical`, `high`, `medium`, `low`, `info`), threats only.
    pub severity: Option<String>,
    /// A priority band (`very high`, `high`, `medium`, `low`, `very low`), controls only.
    pub priority: Option<String>,
    /// A feature class id (`FC-S3-ENCRYPTION`).
    pub feature_class: Option<String>,
    /// A framework id (`cis-aws`), controls only.
    pub framework: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ThreatRow {
    pub id: String,
    pub name: String,
    pub stride: String,
    pub severity: String,
    pub feature_class: Option<String>,
    pub description: String,
    /// Controls that mitigate it.
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ControlRow {
    pub id: String,
    pub name: String,
    pub objective: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub priority: String,
    pub score: f64,
    pub feature_classes: Vec<String>,
    /// Framework id -> requirement ids.
    pub compliance: BTreeMap<String, Vec<String>>,
    pub threats: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeatureClassRow {
    pub id: String,
    pub name: String,
    pub service: String,
    pub description: String,
    pub threats: usize,
    pub controls: usize,
}

fn matches_words(q: &Option<String>, fields: &[&str]) -> bool {
    let Some(q) = q.as_deref().map(str::trim).filter(|q| !q.is_empty()) else {
        return true;
    };
    let haystack = fields.join(" ").to_lowercase();
    q.to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

fn same(filter: &Option<String>, value: &str) -> bool {
    filter
        .as_deref()
        .filter(|f| !f.is_empty())
        .is_none_or(|f| f.eq_ignore_ascii_case(value))
}

pub fn threats(catalog: &Catalog, filter: &CatalogFilter) -> Vec<ThreatRow> {
    catalog
        .threats
        .iter()
        .map(|t| &t.threat)
        .filter(|t| {
            matches_words(&filter.q, &[&t.id, &t.name, &t.description])
                && same(&filter.stride, t.stride.as_str())
                && same(&filter.severity, &t.severity.to_string())
                && filter
                    .feature_class
                    .as_deref()
                    .filter(|f| !f.is_empty())
                    .is_none_or(|f| t.feature_class.as_deref() == Some(f))
        })
        .map(|t| ThreatRow {
            id: t.id.clone(),
            name: t.name.clone(),
            stride: t.stride.as_str().to_string(),
            severity: t.severity.to_string(),
            feature_class: t.feature_class.clone(),
            description: t.description.clone(),
            controls: catalog
                .controls
                .iter()
                .filter(|c| c.mitigates.iter().any(|m| m.threat == t.id))
                .map(|c| c.id.clone())
                .collect(),
        })
        .collect()
}

pub fn controls(catalog: &Catalog, filter: &CatalogFilter) -> Vec<ControlRow> {
    let priorities: BTreeMap<String, (String, f64)> = prioritize(catalog)
        .into_iter()
        .map(|p| (p.control, (p.band.label().to_string(), p.score)))
        .collect();
    let mut rows: Vec<ControlRow> = catalog
        .controls
        .iter()
        .filter_map(|c| {
            let (priority, score) = priorities.get(&c.id).cloned().unwrap_or_default();
            let keep = matches_words(&filter.q, &[&c.id, &c.name, &c.objective])
                && same(&filter.priority, &priority)
                && filter
                    .feature_class
                    .as_deref()
                    .filter(|f| !f.is_empty())
                    .is_none_or(|f| c.feature_classes.iter().any(|fc| fc == f))
                && filter
                    .framework
                    .as_deref()
                    .filter(|f| !f.is_empty())
                    .is_none_or(|f| c.compliance.contains_key(f));
            keep.then(|| ControlRow {
                id: c.id.clone(),
                name: c.name.clone(),
                objective: c.objective.clone(),
                kind: c.kind.as_str().to_string(),
                priority,
                score,
                feature_classes: c.feature_classes.clone(),
                compliance: c.compliance.clone(),
                threats: c.mitigates.iter().map(|m| m.threat.clone()).collect(),
            })
        })
        .collect();
    // a prioritized plan: highest score first, ties by id
    rows.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    rows
}

pub fn feature_classes(catalog: &Catalog, filter: &CatalogFilter) -> Vec<FeatureClassRow> {
    catalog
        .feature_classes
        .iter()
        .filter(|f| matches_words(&filter.q, &[&f.id, &f.name, &f.description]))
        .map(|f| FeatureClassRow {
            id: f.id.clone(),
            name: f.name.clone(),
            service: f.service.clone(),
            description: f.description.clone(),
            threats: catalog
                .threats
                .iter()
                .filter(|t| t.threat.feature_class.as_deref() == Some(&f.id))
                .count(),
            controls: catalog
                .controls
                .iter()
                .filter(|c| c.feature_classes.contains(&f.id))
                .count(),
        })
        .collect()
}
