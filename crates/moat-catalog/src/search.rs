//! `moat catalog list|show|search`: every entry of a catalog as one row, and
//! a case-insensitive search over the text people look things up by.

use crate::Catalog;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    FeatureClass,
    Threat,
    Control,
    Framework,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::FeatureClass => "feature_class",
            EntryKind::Threat => "threat",
            EntryKind::Control => "control",
            EntryKind::Framework => "framework",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Entry {
    pub kind: EntryKind,
    pub id: String,
    pub name: String,
    /// Severity for threats, type and effort for controls, service for feature classes.
    pub detail: String,
}

/// Every entry, feature classes first, then threats, controls and frameworks, each by id.
pub fn entries(catalog: &Catalog) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    out.extend(catalog.feature_classes.iter().map(|f| Entry {
        kind: EntryKind::FeatureClass,
        id: f.id.clone(),
        name: f.name.clone(),
        detail: f.service.clone(),
    }));
    out.extend(catalog.threats.iter().map(|t| Entry {
        kind: EntryKind::Threat,
        id: t.threat.id.clone(),
        name: t.threat.name.clone(),
        detail: format!("{} {}", t.threat.severity, t.threat.stride.as_str()),
    }));
    out.extend(catalog.controls.iter().map(|c| Entry {
        kind: EntryKind::Control,
        id: c.id.clone(),
        name: c.name.clone(),
        detail: format!(
            "{} {} effort",
            c.kind.as_str(),
            c.effort.label().to_lowercase()
        ),
    }));
    out.extend(catalog.frameworks.iter().map(|f| Entry {
        kind: EntryKind::Framework,
        id: f.id.clone(),
        name: f.name.clone(),
        detail: moat_source::diag::count(f.requirements.len(), "requirement"),
    }));
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| natural(&a.id, &b.id)));
    out
}

/// Orders `S3.T2` before `S3.T10`: digit runs compare as numbers.
pub fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            let boundary =
                i == bytes.len() || bytes[i].is_ascii_digit() != bytes[i - 1].is_ascii_digit();
            if boundary {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let ordering = match (x, y) {
            ((true, x), (true, y)) => x
                .trim_start_matches('0')
                .len()
                .cmp(&y.trim_start_matches('0').len())
                .then_with(|| x.cmp(y)),
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ordering != std::cmp::Ordering::Equal {
            return ordering;
        }
    }
    pa.len().cmp(&pb.len())
}

/// Entries whose searchable text contains every word of `query` (case-insensitive).
pub fn search(catalog: &Catalog, query: &str) -> Vec<Entry> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Vec::new();
    }
    entries(catalog)
        .into_iter()
        .filter(|entry| {
            let text = searchable(catalog, entry).to_lowercase();
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect()
}

fn searchable(catalog: &Catalog, entry: &Entry) -> String {
    let mut parts: Vec<String> = vec![entry.id.clone(), entry.name.clone()];
    match entry.kind {
        EntryKind::FeatureClass => {
            if let Some(f) = catalog.feature_class(&entry.id) {
                parts.push(f.description.clone());
                parts.extend(f.actions.iter().cloned());
                parts.extend(f.trustoncloud.iter().cloned());
            }
        }
        EntryKind::Threat => {
            if let Some(t) = catalog.threat(&entry.id) {
                let t = &t.threat;
                parts.push(t.description.clone());
                parts.push(t.example.clone());
                parts.extend(t.feature_class.iter().cloned());
                parts.extend(t.access.iter().flat_map(|a| a.actions()).map(String::from));
                parts.extend(t.mitre_attack.iter().cloned());
                parts.extend(t.trustoncloud.iter().cloned());
            }
        }
        EntryKind::Control => {
            if let Some(c) = catalog.control(&entry.id) {
                parts.push(c.objective.clone());
                parts.push(c.implementation.description.clone());
                parts.push(c.testing.description.clone());
                parts.extend(c.actions.iter().cloned());
                parts.extend(c.feature_classes.iter().cloned());
                parts.extend(c.compliance.values().flatten().cloned());
                parts.extend(c.supports.values().flatten().cloned());
            }
        }
        EntryKind::Framework => {
            if let Some(f) = catalog.framework(&entry.id) {
                parts.extend(
                    f.requirements
                        .iter()
                        .map(|r| format!("{} {}", r.id, r.title)),
                );
            }
        }
    }
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut ids = vec!["S3.T10", "S3.T2", "S3.T1", "C-S3-010", "C-S3-002"];
        ids.sort_by(|a, b| natural(a, b));
        assert_eq!(ids, ["C-S3-002", "C-S3-010", "S3.T1", "S3.T2", "S3.T10"]);
    }
}
