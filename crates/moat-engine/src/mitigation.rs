//! What to do about each threat: the catalog controls that mitigate it, most
//! effective first, each with its computed priority and whether the model
//! declares it where the threat lands.

use crate::assessment::{MitigatingControl, ThreatDefinition, ThreatResult};
use moat_catalog::Catalog;
use moat_catalog::priority::prioritize;
use std::collections::{HashMap, HashSet};

/// How many controls a threat definition lists; `control_count` gives the total.
pub const LISTED: usize = 5;

pub(crate) fn attach(
    catalog: &Catalog,
    definitions: &mut [ThreatDefinition],
    results: &[ThreatResult],
) {
    if catalog.controls.is_empty() {
        return;
    }
    let priorities: HashMap<String, (f64, &'static str)> = prioritize(catalog)
        .into_iter()
        .map(|p| (p.control, (p.score, p.band.label())))
        .collect();
    let declared: HashSet<(&str, &str)> = results
        .iter()
        .flat_map(|r| {
            r.evidence
                .iter()
                .map(move |e| (r.threat_id.as_str(), e.control.as_str()))
        })
        .collect();
    let threats: HashMap<&str, &moat_catalog::Threat> = catalog
        .threats
        .iter()
        .map(|t| (t.threat.id.as_str(), &t.threat))
        .collect();
    for definition in definitions.iter_mut() {
        let Some(threat) = threats.get(definition.id.as_str()) else {
            continue;
        };
        let mut controls: Vec<(f64, MitigatingControl)> = threat
            .controls
            .iter()
            .filter_map(|link| {
                let control = catalog.control(&link.control)?;
                let (score, band) = priorities
                    .get(&control.id)
                    .copied()
                    .unwrap_or((0.0, "Very Low"));
                Some((
                    score,
                    MitigatingControl {
                        id: control.id.clone(),
                        name: control.name.clone(),
                        impact: link.impact,
                        priority: band.to_string(),
                        declared: declared.contains(&(definition.id.as_str(), control.id.as_str())),
                    },
                ))
            })
            .collect();
        // declared ones first (they explain the status), then by impact and priority
        controls.sort_by(|(sa, a), (sb, b)| {
            b.declared
                .cmp(&a.declared)
                .then(b.impact.cmp(&a.impact))
                .then(sb.total_cmp(sa))
                .then_with(|| a.id.cmp(&b.id))
        });
        definition.control_count = controls.len();
        definition.controls = controls.into_iter().map(|(_, c)| c).take(LISTED).collect();
    }
}
