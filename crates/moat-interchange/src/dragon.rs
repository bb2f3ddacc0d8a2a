//! OWASP Threat Dragon v2 (the 2.x JSON model): the data flow diagram as
//! cells, each element and flow carrying its threats, so a user can open a
//! Moat model in Threat Dragon's editor. Export only.
//!
//! Layout is a plain grid: one box per boundary (nested boundaries are drawn
//! side by side, not inside each other), elements in rows inside it.

use crate::ids::uuid;
use crate::text::clip;
use moat_catalog::{Catalog, Severity, Stride};
use moat_engine::{Assessment, ThreatResult, ThreatStatus};
use moat_model::{Diagnostic, Element, ElementKind};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The Threat Dragon version the file says it was written for.
pub const VERSION: &str = "2.3.0";

/// Threat Dragon's STRIDE threat types.
pub fn stride_type(stride: Stride) -> &'static str {
    match stride {
        Stride::Spoofing => "Spoofing",
        Stride::Tampering => "Tampering",
        Stride::Repudiation => "Repudiation",
        Stride::InformationDisclosure => "Information disclosure",
        Stride::DenialOfService => "Denial of service",
        Stride::ElevationOfPrivilege => "Elevation of privilege",
    }
}

/// Threat Dragon's three statuses: open and partly mitigated are `Open`,
/// mitigated and accepted `Mitigated` (it has no accepted), false positive
/// `NotApplicable`.
pub fn status_of(status: ThreatStatus) -> &'static str {
    match status {
        ThreatStatus::Open | ThreatStatus::PartlyMitigated => "Open",
        ThreatStatus::Mitigated | ThreatStatus::Accepted => "Mitigated",
        ThreatStatus::FalsePositive => "NotApplicable",
    }
}

fn severity_of(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low | Severity::Info => "Low",
    }
}

/// (shape, data type, width, height) of an element kind: actors and external
/// entities are Threat Dragon actors, datastores stores, the rest processes.
fn shape(kind: ElementKind) -> (&'static str, &'static str, u32, u32) {
    match kind {
        ElementKind::Actor | ElementKind::ExternalEntity => ("actor", "tm.Actor", 140, 60),
        ElementKind::Datastore => ("store", "tm.Store", 160, 60),
        _ => ("process", "tm.Process", 110, 110),
    }
}

const CELL_W: u32 = 200;
const CELL_H: u32 = 160;
const PAD: u32 = 40;
const ROW_LIMIT: u32 = 1800;

/// The assessment as a Threat Dragon v2 model, pretty-printed.
pub fn export(assessment: &Assessment, catalog: &Catalog) -> Result<String, Box<Diagnostic>> {
    let model = &assessment.model;
    let index = assessment.index();
    let mut by_target: HashMap<&str, Vec<&ThreatResult>> = HashMap::new();
    for r in &assessment.threats {
        by_target.entry(r.target_id.as_str()).or_default().push(r);
    }
    let mut number = 0u32;
    let mut threats_of = |id: &str| -> (Vec<Value>, bool) {
        let mut open = false;
        let list = by_target
            .get(id)
            .into_iter()
            .flatten()
            .map(|r| {
                number += 1;
                open |= r.is_open();
                let d = index.definition(&r.threat_id);
                let controls: Vec<String> = d
                    .map(|d| {
                        d.controls
                            .iter()
                            .map(|c| {
                                let mark = if r.evidence.iter().any(|e| e.control == c.id) { " (in place)" } else { "" };
                                format!("{} {}{mark}", c.id, c.name)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let name = d.map_or(r.threat_id.as_str(), |d| d.name.as_str());
                let mut description = d.map_or(String::new(), |d| d.description.clone());
                description.push_str(&format!("\n\nMoat: {} ({}), severity {}, status {}.", r.threat_id, r.id, r.severity.as_str(), r.status.label()));
                let _ = catalog;
                json!({
                    "threatId": uuid(&["dragon-threat", &r.id]),
                    "number": number,
                    "title": format!("{}: {name}", r.threat_id),
                    "type": stride_type(r.stride),
                    "modelType": "STRIDE",
                    "status": status_of(r.status),
                    "severity": severity_of(r.severity),
                    "score": "",
                    "description": description,
                    "mitigation": if controls.is_empty() { String::new() } else { format!("Mitigating controls: {}", controls.join("; ")) },
                })
            })
            .collect();
        (list, open)
    };

    // groups of elements: each boundary's, then those outside every boundary
    let mut groups: Vec<(Option<&moat_model::Boundary>, Vec<&Element>)> = model
        .boundaries
        .iter()
        .map(|b| {
            (
                Some(b),
                model
                    .elements
                    .iter()
                    .filter(|e| e.boundary.as_deref() == Some(b.id.as_str()))
                    .collect(),
            )
        })
        .collect();
    groups.push((
        None,
        model
            .elements
            .iter()
            .filter(|e| e.boundary.is_none())
            .collect(),
    ));

    let mut cells: Vec<Value> = Vec::new();
    let mut positions: HashMap<&str, (u32, u32)> = HashMap::new();
    let (mut x, mut y, mut row_height) = (PAD, PAD, 0u32);
    let mut z = 1i64;
    for (boundary, elements) in &groups {
        if boundary.is_none() && elements.is_empty() {
            continue;
        }
        let count = u32::try_from(elements.len()).unwrap_or(u32::MAX).max(1);
        let columns = (1..=count).find(|c| c * c >= count).unwrap_or(1);
        let rows = count.div_ceil(columns);
        let width = columns * CELL_W + PAD;
        let height = rows * CELL_H + PAD;
        if x > PAD && x + width > ROW_LIMIT {
            x = PAD;
            y += row_height + PAD;
            row_height = 0;
        }
        if let Some(b) = boundary {
            let (threats, open) = threats_of(&b.id);
            let mut description = b.description.clone();
            if !threats.is_empty() {
                // Threat Dragon attaches no threats to boundaries
                description.push_str(&format!(
                    "\n\nMoat threats on this boundary: {}",
                    threats.len()
                ));
            }
            cells.push(json!({
                "id": uuid(&["dragon", "boundary", &b.id]),
                "shape": "trust-boundary-box",
                "zIndex": -1,
                "visible": true,
                "position": { "x": x, "y": y },
                "size": { "width": width, "height": height },
                "attrs": { "label": { "text": b.name } },
                "data": {
                    "type": "tm.BoundaryBox",
                    "name": b.name,
                    "description": description.trim(),
                    "isTrustBoundary": true,
                    "hasOpenThreats": open,
                },
            }));
        }
        for (i, e) in elements.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(0);
            let (shape, data_type, w, h) = shape(e.kind);
            let px = x + PAD / 2 + (i % columns) * CELL_W + (CELL_W - w) / 2;
            let py = y + PAD / 2 + (i / columns) * CELL_H + (CELL_H - h) / 2;
            positions.insert(e.id.as_str(), (px + w / 2, py + h / 2));
            let (threats, open) = threats_of(&e.id);
            let mut data = json!({
                "type": data_type,
                "name": e.name,
                "description": e.description,
                "outOfScope": false,
                "reasonOutOfScope": "",
                "hasOpenThreats": open,
                "threats": threats,
            });
            let flag = |key: &str| {
                e.attributes
                    .get(key)
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            match shape {
                "actor" => data["providesAuthentication"] = json!(flag("providesAuthentication")),
                "store" => {
                    data["isALog"] = json!(flag("isALog") || flag("storesLogData"));
                    data["isEncrypted"] = json!(
                        flag("isEncrypted")
                            || e.attributes
                                .get("controls")
                                .and_then(|c| c.get("isEncrypted"))
                                .and_then(Value::as_bool)
                                .unwrap_or(false)
                    );
                    data["isSigned"] = json!(flag("isSigned"));
                    data["storesCredentials"] = json!(flag("storesCredentials"));
                    data["storesInventory"] = json!(false);
                }
                _ => {
                    data["handlesCardPayment"] = json!(false);
                    data["handlesGoodsOrServices"] = json!(false);
                    data["isWebApplication"] = json!(flag("isWebApplication"));
                    data["privilegeLevel"] = json!("");
                }
            }
            let label = clip(&e.name, 60);
            let attrs = if shape == "store" {
                json!({ "text": { "text": label }, "topLine": { "strokeWidth": 1.5 }, "bottomLine": { "strokeWidth": 1.5 } })
            } else {
                json!({ "text": { "text": label }, "body": { "stroke": if open { "red" } else { "#333333" }, "strokeWidth": 1.5, "strokeDasharray": "" } })
            };
            z += 1;
            cells.push(json!({
                "id": uuid(&["dragon", "element", &e.id]),
                "shape": shape,
                "zIndex": z,
                "visible": true,
                "position": { "x": px, "y": py },
                "size": { "width": w, "height": h },
                "attrs": attrs,
                "data": data,
            }));
        }
        x += width + PAD;
        row_height = row_height.max(height);
    }

    for f in &model.flows {
        let (threats, open) = threats_of(&f.id);
        let encrypted = f
            .attributes
            .get("controls")
            .and_then(|c| c.get("isEncrypted"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let protocol = f
            .attributes
            .get("protocol")
            .and_then(Value::as_str)
            .unwrap_or("");
        z += 1;
        let mut cell = json!({
            "id": uuid(&["dragon", "flow", &f.id]),
            "shape": "flow",
            "zIndex": z,
            "connector": "smooth",
            "source": { "cell": uuid(&["dragon", "element", &f.source]) },
            "target": { "cell": uuid(&["dragon", "element", &f.sink]) },
            "attrs": { "line": { "stroke": if open { "red" } else { "#333333" }, "strokeWidth": 1.5, "targetMarker": { "name": "block" }, "sourceMarker": { "name": "" }, "strokeDasharray": "" } },
            "labels": [clip(&f.name, 60)],
            "data": {
                "type": "tm.Flow",
                "name": f.name,
                "description": f.description,
                "outOfScope": false,
                "reasonOutOfScope": "",
                "hasOpenThreats": open,
                "isBidirectional": false,
                "isEncrypted": encrypted,
                "isPublicNetwork": false,
                "protocol": protocol,
                "threats": threats,
            },
        });
        if f.source == f.sink
            && let Some((cx, cy)) = positions.get(f.source.as_str())
        {
            // a self-flow needs bends to be seen
            cell["vertices"] = json!([{ "x": cx + 90, "y": cy.saturating_sub(60) }, { "x": cx + 90, "y": cy + 60 }]);
        }
        cells.push(cell);
    }

    let document = json!({
        "version": VERSION,
        "summary": {
            "title": model.name,
            "owner": "",
            "description": format!("{}\n\nExported by Moat {} from `{}`.", model.description.trim(), assessment.tool.version, model.source.as_deref().unwrap_or("a model")).trim().to_string(),
            "id": 0,
        },
        "detail": {
            "contributors": [],
            "diagrams": [{
                "id": 0,
                "title": model.name,
                "diagramType": "STRIDE",
                "placeholder": "",
                "thumbnail": "./public/content/images/thumbnail.stride.jpg",
                "version": VERSION,
                "description": "Data flow diagram exported by Moat",
                "cells": cells,
            }],
            "diagramTop": 1,
            "reviewer": "",
            "threatTop": number,
        },
    });
    crate::tc::to_text(&document)
}
