//! The context templates render with (documented in docs/templates.md): the
//! Assessment as in JSON output but with every field present and each threat
//! result joined with its definition and target, plus `report`: views computed
//! once here, through id lookups built once, so templates stay linear.

use crate::diagram::{Step, boundary_walk, flow_order, ordered_flows};
use crate::error::ReportError;
use crate::join::{JoinedResult, UNKNOWN_KIND, stand_in_definition, stand_in_target};
use crate::schema_defaults::complete;
use crate::threat_groups::{self, ControlRow, StatusCount, ThreatGroup};
use minijinja::Value;
use moat_catalog::{Severity, Stride};
use moat_engine::{Assessment, TargetRef, TargetType, ThreatResult};
use moat_model::{Dataflow, Element, Location, Model};
use serde::Serialize;
use std::collections::HashMap;

/// Views over the assessment a report needs, in report order.
#[derive(Debug, Serialize)]
struct ReportView {
    title: String,
    counts: Counts,
    max_severity: Option<Severity>,
    severities: Vec<SeverityCount>,
    boundaries: Vec<BoundaryView>,
    unbounded_elements: Vec<ElementView>,
    elements: Vec<ElementView>,
    flows: Vec<FlowView>,
    stride: Vec<StrideGroup>,
    /// Results grouped by threat, most severe first (the default report's layout).
    threat_groups: Vec<ThreatGroup>,
    /// How many results have each status.
    statuses: Vec<StatusCount>,
    /// The controls `threat_groups` name (three each), once, highest priority first.
    controls: Vec<ControlRow>,
    /// How many results are still open (open or partly mitigated).
    open: usize,
    /// Only the summary was asked for (`--summary`).
    summary_only: bool,
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
    target_type: Option<TargetType>,
    kind: String,
    kind_label: String,
    location: Option<Location>,
    /// Threat results as in `threats`, most severe first.
    threats: Vec<Value>,
}

/// The whole template context.
pub(crate) fn build(a: &Assessment, options: &crate::Options) -> Result<Value, ReportError> {
    let schema = crate::json::schema();
    let mut root = serde_json::to_value(a).map_err(|e| ReportError {
        message: format!("cannot serialize the assessment: {e}"),
        line: None,
    })?;
    complete(&mut root, &schema);
    let serde_json::Value::Object(mut root) = root else {
        return Err(ReportError {
            message: "the assessment did not serialize as an object".to_string(),
            line: None,
        });
    };
    let mut take = |key: &str| match root.remove(key) {
        Some(serde_json::Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let mut results = take("threats");
    // `reachability` exists only with an account snapshot: left out of a
    // result that has none, so templates and `tojson` see what they saw
    // before it existed (a joined result still answers `none` for it).
    for result in &mut results {
        if let serde_json::Value::Object(fields) = result
            && fields
                .get("reachability")
                .is_some_and(serde_json::Value::is_null)
        {
            fields.remove("reachability");
        }
    }
    let definitions: Vec<Value> = take("definitions")
        .iter()
        .map(Value::from_serialize)
        .collect();
    let targets: Vec<Value> = take("targets").iter().map(Value::from_serialize).collect();

    // Lookups by id to the completed values, built once (`Assessment::index`
    // finds the structs, but templates need these values). The JSON arrays
    // hold the Assessment's entries in the same order.
    let definition_of: HashMap<&str, &Value> = a
        .definitions
        .iter()
        .map(|d| d.id.as_str())
        .zip(&definitions)
        .collect();
    let target_of: HashMap<&str, (&TargetRef, &Value)> = a
        .targets
        .iter()
        .map(|t| (t.id.as_str(), t))
        .zip(&targets)
        .map(|((id, t), v)| (id, (t, v)))
        .collect();
    let joined: Vec<Joined<'_>> = a
        .threats
        .iter()
        .zip(&results)
        .map(|(r, result)| {
            let definition = match definition_of.get(r.threat_id.as_str()) {
                Some(d) => (*d).clone(),
                None => stand_in_definition(r, &schema),
            };
            let (target, target_value) = match target_of.get(r.target_id.as_str()) {
                Some((t, v)) => (Some(*t), (*v).clone()),
                None => (None, stand_in_target(r, &schema)),
            };
            Joined {
                result: r,
                target,
                view: JoinedResult::value(Value::from_serialize(result), definition, target_value),
            }
        })
        .collect();

    let report = Value::from_serialize(report_view(a, &joined, options));
    let threats: Vec<Value> = joined.into_iter().map(|j| j.view).collect();
    let mut context: Vec<(String, Value)> = root
        .iter()
        .map(|(k, v)| (k.clone(), Value::from_serialize(v)))
        .collect();
    context.push(("threats".to_string(), Value::from(threats)));
    context.push(("definitions".to_string(), Value::from(definitions)));
    context.push(("targets".to_string(), Value::from(targets)));
    context.push(("report".to_string(), report));
    Ok(context.into_iter().collect())
}

/// A threat result with its target (when `targets` has it) and its joined view.
struct Joined<'a> {
    result: &'a ThreatResult,
    target: Option<&'a TargetRef>,
    view: Value,
}

fn report_view(a: &Assessment, joined: &[Joined<'_>], options: &crate::Options) -> ReportView {
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

    let groups = threat_groups::groups(a);
    ReportView {
        title: title(model),
        counts: Counts {
            boundaries: model.boundaries.len(),
            elements: model.elements.len(),
            flows: model.flows.len(),
            data: model.data.len(),
            threats: a.threats.len(),
            targets: a.target_count(),
            diagnostics: a.diagnostics.len(),
        },
        max_severity: a.max_severity(),
        severities: severity_counts(&a.threats),
        boundaries,
        unbounded_elements,
        elements: model.elements.iter().map(element_view).collect(),
        flows,
        stride: stride_groups(joined),
        controls: threat_groups::control_rows(a, &groups, 3),
        threat_groups: groups,
        statuses: threat_groups::status_counts(&a.threats),
        open: a.threats.iter().filter(|t| t.is_open()).count(),
        summary_only: options.summary,
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
            .and_then(serde_json::Value::as_str)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
        port: f
            .attributes
            .get("dstPort")
            .and_then(serde_json::Value::as_i64)
            .filter(|p| *p >= 0),
        encrypted: f
            .attributes
            .get("controls")
            .and_then(|c| c.get("isEncrypted"))
            .and_then(serde_json::Value::as_bool),
        order: flow_order(f),
    }
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
fn stride_groups(joined: &[Joined<'_>]) -> Vec<StrideGroup> {
    let mut order: Vec<&Joined<'_>> = joined.iter().collect();
    order.sort_by_cached_key(|j| {
        let r = j.result;
        (
            r.stride,
            j.target.map(|t| t.target_type),
            j.target.map_or(r.target_id.as_str(), |t| t.name.as_str()),
            r.target_id.as_str(),
            std::cmp::Reverse(r.severity),
            r.threat_id.as_str(),
            r.id.as_str(),
        )
    });

    let mut groups: Vec<StrideGroup> = Vec::new();
    for j in order {
        let r = j.result;
        if groups.last().is_none_or(|g| g.stride != r.stride) {
            groups.push(StrideGroup {
                stride: r.stride,
                label: r.stride.label(),
                count: 0,
                targets: Vec::new(),
            });
        }
        let Some(group) = groups.last_mut() else {
            continue;
        };
        group.count += 1;
        if group.targets.last().is_none_or(|g| g.id != r.target_id) {
            group.targets.push(target_group(j));
        }
        if let Some(target) = group.targets.last_mut() {
            target.threats.push(j.view.clone());
        }
    }
    groups
}

fn target_group(j: &Joined<'_>) -> TargetGroup {
    let kind = j
        .target
        .map_or_else(|| UNKNOWN_KIND.to_string(), |t| t.kind.clone());
    TargetGroup {
        id: j.result.target_id.clone(),
        name: j
            .target
            .map_or_else(|| j.result.target_id.clone(), |t| t.name.clone()),
        target_type: j.target.map(|t| t.target_type),
        kind_label: kind_label(&kind),
        kind,
        location: j.target.and_then(|t| t.location.clone()),
        threats: Vec::new(),
    }
}
