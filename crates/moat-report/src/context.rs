//! The context templates render with (documented in docs/templates.md): the
//! Assessment as in JSON output but with every field present, plus `report`,
//! views computed once here so templates stay linear (no lookups by scanning).

use crate::diagram::{Step, boundary_walk, flow_order, ordered_flows};
use crate::error::ReportError;
use crate::schema_defaults::complete;
use moat_catalog::{Severity, Stride};
use moat_engine::{Assessment, TargetType, ThreatResult};
use moat_model::{Dataflow, Element, Model};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// Views over the assessment a report needs, in report order.
#[derive(Debug, Serialize)]
pub(crate) struct ReportView {
    title: String,
    counts: Counts,
    max_severity: Option<Severity>,
    severities: Vec<SeverityCount>,
    boundaries: Vec<BoundaryView>,
    unbounded_elements: Vec<ElementView>,
    elements: Vec<ElementView>,
    flows: Vec<FlowView>,
    stride: Vec<StrideGroup>,
}

#[derive(Debug, Serialize)]
struct Counts {
    boundaries: usize,
    elements: usize,
    flows: usize,
    data: usize,
    threats: usize,
    targets: usize,
    diagnostics: usize,
}

#[derive(Debug, Serialize)]
struct SeverityCount {
    severity: Severity,
    label: &'static str,
    count: usize,
}

#[derive(Debug, Clone, Serialize)]
struct ElementView {
    id: String,
    name: String,
    kind: String,
    kind_label: &'static str,
    description: String,
    boundary: Option<String>,
    boundary_name: Option<String>,
}

#[derive(Debug, Serialize)]
struct BoundaryView {
    id: String,
    name: String,
    description: String,
    parent: Option<String>,
    depth: usize,
    elements: Vec<ElementView>,
}

#[derive(Debug, Serialize)]
struct FlowView {
    id: String,
    name: String,
    /// The name, prefixed with `(order)` when ordered, as in the diagrams.
    label: String,
    description: String,
    source: String,
    source_name: Option<String>,
    sink: String,
    sink_name: Option<String>,
    protocol: Option<String>,
    port: Option<i64>,
    encrypted: Option<bool>,
    order: Option<i64>,
}

#[derive(Debug, Serialize)]
struct StrideGroup {
    stride: Stride,
    label: &'static str,
    count: usize,
    targets: Vec<TargetGroup>,
}

#[derive(Debug, Serialize)]
struct TargetGroup {
    id: String,
    name: String,
    #[serde(rename = "type")]
    target_type: TargetType,
    kind: String,
    kind_label: String,
    /// Threat results as in `threats`, most severe first.
    threats: Vec<Value>,
}

/// The whole template context as JSON.
pub(crate) fn build(a: &Assessment) -> Result<Value, ReportError> {
    let mut root = serde_json::to_value(a).map_err(|e| ReportError {
        message: format!("cannot serialize the assessment: {e}"),
        line: None,
    })?;
    complete(&mut root, &crate::json::schema());
    let completed_threats = root
        .get("threats")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let report = report_view(a, &completed_threats);
    let report = serde_json::to_value(report).map_err(|e| ReportError {
        message: format!("cannot serialize the report context: {e}"),
        line: None,
    })?;
    if let Value::Object(map) = &mut root {
        map.insert("report".to_string(), report);
    }
    Ok(root)
}

/// `threats` are the Assessment's threat results as completed JSON, by index.
pub(crate) fn report_view(a: &Assessment, threats: &[Value]) -> ReportView {
    let model = &a.model;
    let boundary_names: HashMap<&str, &str> = model
        .boundaries
        .iter()
        .rev()
        .map(|b| (b.id.as_str(), b.name.as_str()))
        .collect();
    let element_names: HashMap<&str, &str> = model
        .elements
        .iter()
        .rev()
        .map(|e| (e.id.as_str(), e.name.as_str()))
        .collect();
    let element_view = |e: &Element| ElementView {
        id: e.id.clone(),
        name: e.name.clone(),
        kind: e.kind.as_str().to_string(),
        kind_label: e.kind.label(),
        description: e.description.clone(),
        boundary: e.boundary.clone(),
        boundary_name: e
            .boundary
            .as_deref()
            .and_then(|b| boundary_names.get(b))
            .map(|n| n.to_string()),
    };

    let mut boundaries: Vec<BoundaryView> = Vec::with_capacity(model.boundaries.len());
    let mut unbounded_elements = Vec::new();
    for step in boundary_walk(model) {
        match step {
            Step::Open { boundary, depth } => {
                if let Some(b) = model.boundaries.get(boundary) {
                    boundaries.push(BoundaryView {
                        id: b.id.clone(),
                        name: b.name.clone(),
                        description: b.description.clone(),
                        parent: b.parent.clone(),
                        depth,
                        elements: Vec::new(),
                    });
                }
            }
            Step::Node { element, depth } => {
                let Some(e) = model.elements.get(element) else {
                    continue;
                };
                match boundaries.last_mut() {
                    // Inside a boundary, an element follows its boundary's Open directly.
                    Some(b) if depth > 0 => b.elements.push(element_view(e)),
                    _ => unbounded_elements.push(element_view(e)),
                }
            }
            Step::Close { .. } => {}
        }
    }

    let flows = ordered_flows(model)
        .into_iter()
        .map(|f| flow_view(f, &element_names))
        .collect();

    ReportView {
        title: title(model),
        counts: Counts {
            boundaries: model.boundaries.len(),
            elements: model.elements.len(),
            flows: model.flows.len(),
            data: model.data.len(),
            threats: a.threats.len(),
            targets: distinct_targets(&a.threats),
            diagnostics: a.diagnostics.len(),
        },
        max_severity: a.max_severity(),
        severities: severity_counts(&a.threats),
        boundaries,
        unbounded_elements,
        elements: model.elements.iter().map(element_view).collect(),
        flows,
        stride: stride_groups(&a.threats, threats),
    }
}

fn title(model: &Model) -> String {
    if model.name.trim().is_empty() {
        "Threat model".to_string()
    } else {
        model.name.clone()
    }
}

fn flow_view(f: &Dataflow, element_names: &HashMap<&str, &str>) -> FlowView {
    let name_of = |id: &str| element_names.get(id).map(|n| n.to_string());
    FlowView {
        id: f.id.clone(),
        name: f.name.clone(),
        label: crate::diagram::flow_label(f),
        description: f.description.clone(),
        source: f.source.clone(),
        source_name: name_of(&f.source),
        sink: f.sink.clone(),
        sink_name: name_of(&f.sink),
        protocol: f
            .attributes
            .get("protocol")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
        port: f
            .attributes
            .get("dstPort")
            .and_then(Value::as_i64)
            .filter(|p| *p >= 0),
        encrypted: f
            .attributes
            .get("controls")
            .and_then(|c| c.get("isEncrypted"))
            .and_then(Value::as_bool),
        order: flow_order(f),
    }
}

fn distinct_targets(threats: &[ThreatResult]) -> usize {
    let mut targets: Vec<(TargetType, &str)> = threats
        .iter()
        .map(|t| (t.target.target_type, t.target.id.as_str()))
        .collect();
    targets.sort_unstable();
    targets.dedup();
    targets.len()
}

fn severity_counts(threats: &[ThreatResult]) -> Vec<SeverityCount> {
    let mut counts = [0usize; Severity::ALL.len()];
    for t in threats {
        if let Some(slot) = counts.get_mut(t.severity as usize) {
            *slot += 1;
        }
    }
    Severity::ALL
        .into_iter()
        .rev()
        .map(|severity| SeverityCount {
            severity,
            label: severity_label(severity),
            count: counts.get(severity as usize).copied().unwrap_or(0),
        })
        .collect()
}

pub(crate) fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
    }
}

/// A human label for a target kind: element kinds as the model names them,
/// `dataflow` as "data flow".
pub(crate) fn kind_label(kind: &str) -> String {
    match kind {
        "dataflow" => "data flow".to_string(),
        other => moat_model::ElementKind::parse(other)
            .map(|k| k.label().to_string())
            .unwrap_or_else(|| other.replace('_', " ")),
    }
}

/// Threats grouped by STRIDE category (in STRIDE order, empty ones left out),
/// then by target (by type, name, id), most severe first within a target.
fn stride_groups(results: &[ThreatResult], completed: &[Value]) -> Vec<StrideGroup> {
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|&i, &j| match (results.get(i), results.get(j)) {
        (Some(x), Some(y)) => x
            .stride
            .cmp(&y.stride)
            .then(x.target.target_type.cmp(&y.target.target_type))
            .then_with(|| x.target.name.cmp(&y.target.name))
            .then_with(|| x.target.id.cmp(&y.target.id))
            .then(y.severity.cmp(&x.severity))
            .then_with(|| x.threat_id.cmp(&y.threat_id))
            .then_with(|| x.id.cmp(&y.id)),
        _ => std::cmp::Ordering::Equal,
    });

    let mut groups: Vec<StrideGroup> = Vec::new();
    for i in order {
        let (Some(t), Some(value)) = (results.get(i), completed.get(i)) else {
            continue;
        };
        if groups.last().is_none_or(|g| g.stride != t.stride) {
            groups.push(StrideGroup {
                stride: t.stride,
                label: t.stride.label(),
                count: 0,
                targets: Vec::new(),
            });
        }
        let Some(group) = groups.last_mut() else {
            continue;
        };
        group.count += 1;
        let same_target = group
            .targets
            .last()
            .is_some_and(|g| g.target_type == t.target.target_type && g.id == t.target.id);
        if !same_target {
            group.targets.push(TargetGroup {
                id: t.target.id.clone(),
                name: t.target.name.clone(),
                target_type: t.target.target_type,
                kind: t.target.kind.clone(),
                kind_label: kind_label(&t.target.kind),
                threats: Vec::new(),
            });
        }
        if let Some(target) = group.targets.last_mut() {
            target.threats.push(value.clone());
        }
    }
    groups
}
