//! Open Threat Model (OTM 0.2.0): export of an assessment, and import of any
//! OTM file into a Moat model.
//!
//! Trust zones are boundaries, components elements, dataflows flows, assets
//! data assets. Moat's own fields (element kind, pytm attributes, implemented
//! controls, decisions) travel in each object's `attributes.moat`, so a
//! model exported and imported again is the same model; OTM files written by
//! other tools are read from their standard fields.

use crate::read::{Fields, Reader, to_json};
use moat_catalog::{Catalog, MitigationImpact};
use moat_engine::{Assessment, ThreatResult, ThreatStatus};
use moat_model::{
    Attributes, Boundary, Classification, DataAsset, Dataflow, Decision, DecisionStatus,
    Diagnostic, Element, ElementKind, IdAllocator, Implementation, Loaded, Model, Properties,
    SourceFile, Span, slug,
};
use moat_source::node::Node;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const OTM_VERSION: &str = "0.2.0";
/// The trust zone that holds elements outside every boundary (OTM requires a parent).
pub const OUTSIDE_ZONE: &str = "moat-outside-boundaries";

/// The state of a threat instance for a Moat threat status.
pub fn state_of(status: ThreatStatus) -> &'static str {
    match status {
        ThreatStatus::Open => "exposed",
        ThreatStatus::PartlyMitigated => "partly-mitigated",
        ThreatStatus::Mitigated => "mitigated",
        ThreatStatus::Accepted => "accepted",
        ThreatStatus::FalsePositive => "not-applicable",
    }
}

/// The decision a threat instance's state records, for OTM files from other
/// tools (Moat's own carry their decisions whole in the project's attributes).
pub fn decision_of_state(state: &str) -> Option<DecisionStatus> {
    match state.to_ascii_lowercase().replace('_', "-").as_str() {
        "mitigated" => Some(DecisionStatus::Mitigated),
        "accepted" | "accept" => Some(DecisionStatus::Accepted),
        "not-applicable" | "na" | "n/a" => Some(DecisionStatus::FalsePositive),
        _ => None,
    }
}

fn impact_percent(impact: MitigationImpact) -> u32 {
    match impact {
        MitigationImpact::VeryLow => 10,
        MitigationImpact::Low => 25,
        MitigationImpact::Medium => 50,
        MitigationImpact::High => 75,
        MitigationImpact::VeryHigh => 90,
        MitigationImpact::Full => 100,
    }
}

fn classification_confidentiality(c: Classification) -> u32 {
    match c {
        Classification::Unknown | Classification::Public => 0,
        Classification::Restricted => 25,
        Classification::Sensitive => 50,
        Classification::Secret => 75,
        Classification::TopSecret => 100,
    }
}

fn moat_attributes(
    attributes: &Attributes,
    properties: &Properties,
    tags: &[String],
    extra: Map<String, Value>,
) -> Value {
    let mut moat = extra;
    if !attributes.is_empty() {
        moat.insert("attributes".into(), json!(attributes));
    }
    if !properties.is_empty() {
        moat.insert("properties".into(), json!(properties));
    }
    if !tags.is_empty() {
        moat.insert("tags".into(), json!(tags));
    }
    json!({ "moat": moat })
}

fn implements(list: &[Implementation]) -> Value {
    json!(list.iter().map(|i| i.control.as_str()).collect::<Vec<_>>())
}

/// Threat instances for a target.
fn instances(results: &[&ThreatResult], controls: &HashMap<&str, Vec<String>>) -> Value {
    json!(
        results
            .iter()
            .map(|r| {
                let in_place: HashSet<&str> = r.evidence.iter().map(|e| e.control.as_str()).collect();
                let mitigations: Vec<Value> = controls
                    .get(r.threat_id.as_str())
                    .into_iter()
                    .flatten()
                    .map(|c| {
                        json!({
                            "mitigation": c,
                            "state": if in_place.contains(c.as_str()) { "implemented" } else { "recommended" },
                        })
                    })
                    .collect();
                json!({ "threat": r.threat_id, "state": state_of(r.status), "mitigations": mitigations })
            })
            .collect::<Vec<_>>()
    )
}

/// The assessment as an OTM 0.2.0 document, pretty-printed.
pub fn export(assessment: &Assessment, catalog: &Catalog) -> Result<String, Box<Diagnostic>> {
    let model = &assessment.model;
    let mut by_target: HashMap<&str, Vec<&ThreatResult>> = HashMap::new();
    for r in &assessment.threats {
        by_target.entry(r.target_id.as_str()).or_default().push(r);
    }
    // each threat's mitigating controls: listed ones, then any in place
    let mut controls: HashMap<&str, Vec<String>> = HashMap::new();
    for d in &assessment.definitions {
        controls.insert(
            d.id.as_str(),
            d.controls.iter().map(|c| c.id.clone()).collect(),
        );
    }
    for r in &assessment.threats {
        let list = controls.entry(r.threat_id.as_str()).or_default();
        for e in &r.evidence {
            if !list.contains(&e.control) {
                list.push(e.control.clone());
            }
        }
    }
    let none: Vec<&ThreatResult> = Vec::new();
    let results = |id: &str| by_target.get(id).unwrap_or(&none).clone();

    let mut zones: Vec<Value> = model
        .boundaries
        .iter()
        .map(|b| {
            let mut extra = Map::new();
            extra.insert("kind".into(), json!("boundary"));
            let on_zone = results(&b.id);
            if !on_zone.is_empty() {
                // OTM trust zones hold no threats; kept for Moat only
                extra.insert("threats".into(), instances(&on_zone, &controls));
            }
            let mut zone = json!({
                "id": b.id,
                "name": b.name,
                "type": "moat-boundary",
                "risk": { "trustRating": 50 },
                "attributes": moat_attributes(&b.attributes, &b.properties, &b.tags, extra),
            });
            if !b.description.is_empty() {
                zone["description"] = json!(b.description);
            }
            if let Some(p) = &b.parent {
                zone["parent"] = json!({ "trustZone": p });
            }
            zone
        })
        .collect();
    if model.elements.iter().any(|e| e.boundary.is_none()) {
        zones.push(json!({
            "id": OUTSIDE_ZONE,
            "name": "Outside any boundary",
            "type": "moat-outside",
            "risk": { "trustRating": 0 },
            "attributes": { "moat": { "outside": true } },
        }));
    }

    let components: Vec<Value> = model
        .elements
        .iter()
        .map(|e| {
            let mut extra = Map::new();
            extra.insert("kind".into(), json!(e.kind.as_str()));
            if !e.data.is_empty() {
                extra.insert("data".into(), json!(e.data));
            }
            if !e.implements.is_empty() {
                extra.insert("implements".into(), implements(&e.implements));
            }
            let mut c = json!({
                "id": e.id,
                "name": e.name,
                "type": e.kind.as_str(),
                "parent": { "trustZone": e.boundary.as_deref().unwrap_or(OUTSIDE_ZONE) },
                "threats": instances(&results(&e.id), &controls),
                "attributes": moat_attributes(&e.attributes, &e.properties, &[], extra),
            });
            if !e.description.is_empty() {
                c["description"] = json!(e.description);
            }
            if !e.tags.is_empty() {
                c["tags"] = json!(e.tags);
            }
            if !e.data.is_empty() {
                let key = if e.kind == ElementKind::Datastore {
                    "stored"
                } else {
                    "processed"
                };
                c["assets"] = json!({ key: e.data });
            }
            c
        })
        .collect();

    let dataflows: Vec<Value> = model
        .flows
        .iter()
        .map(|f| {
            let mut extra = Map::new();
            extra.insert("kind".into(), json!("dataflow"));
            if !f.implements.is_empty() {
                extra.insert("implements".into(), implements(&f.implements));
            }
            let mut d = json!({
                "id": f.id,
                "name": f.name,
                "source": f.source,
                "destination": f.sink,
                "bidirectional": false,
                "threats": instances(&results(&f.id), &controls),
                "attributes": moat_attributes(&f.attributes, &f.properties, &[], extra),
            });
            if !f.description.is_empty() {
                d["description"] = json!(f.description);
            }
            if !f.data.is_empty() {
                d["assets"] = json!(f.data);
            }
            if !f.tags.is_empty() {
                d["tags"] = json!(f.tags);
            }
            d
        })
        .collect();

    let assets: Vec<Value> = model
        .data
        .iter()
        .map(|d| {
            let mut extra = Map::new();
            extra.insert("classification".into(), json!(d.classification.as_str()));
            let mut a = json!({
                "id": d.id,
                "name": d.name,
                "risk": {
                    "confidentiality": classification_confidentiality(d.classification),
                    "integrity": 0,
                    "availability": 0,
                    "comment": format!("Moat classification: {}", d.classification.as_str()),
                },
                "attributes": moat_attributes(&d.attributes, &d.properties, &d.tags, extra),
            });
            if !d.description.is_empty() {
                a["description"] = json!(d.description);
            }
            a
        })
        .collect();

    let threats: Vec<Value> = assessment
        .definitions
        .iter()
        .map(|d| {
            let mut moat = json!({ "severity": d.severity.as_str(), "stride": d.stride.as_str() });
            if !d.example.is_empty() {
                moat["example"] = json!(d.example);
            }
            if !d.references.is_empty() {
                moat["references"] = json!(d.references);
            }
            json!({
                "id": d.id,
                "name": d.name,
                "description": d.description,
                "categories": [d.stride.label()],
                "risk": {
                    "likelihood": u32::from(d.likelihood) * 20,
                    "impact": u32::from(d.impact) * 20,
                    "likelihoodComment": format!("Moat likelihood {} of 5", d.likelihood),
                    "impactComment": format!("Moat impact {} of 5, severity {}", d.impact, d.severity.as_str()),
                },
                "tags": [d.id],
                "attributes": { "moat": moat },
            })
        })
        .collect();

    // a mitigation's risk reduction is its best impact on any threat
    let mut best: BTreeMap<String, MitigationImpact> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (threat, list) in &controls {
        for c in list {
            if !order.contains(c) {
                order.push(c.clone());
            }
            let impact = catalog.threat(threat).and_then(|t| {
                t.threat
                    .controls
                    .iter()
                    .find(|l| &l.control == c)
                    .map(|l| l.impact)
            });
            if let Some(impact) = impact {
                let entry = best.entry(c.clone()).or_insert(impact);
                if impact > *entry {
                    *entry = impact;
                }
            }
        }
    }
    order.sort();
    let mitigations: Vec<Value> = order
        .iter()
        .map(|id| {
            let control = catalog.control(id);
            let mut moat = json!({});
            if let Some(c) = control {
                moat["type"] = json!(c.kind);
                moat["effort"] = json!(c.effort);
                if !c.compliance.is_empty() {
                    moat["compliance"] = json!(c.compliance);
                }
            }
            json!({
                "id": id,
                "name": control.map_or(id.as_str(), |c| c.name.as_str()),
                "description": control.map_or("", |c| c.objective.as_str()),
                "riskReduction": best.get(id).map_or(0, |i| impact_percent(*i)),
                "attributes": { "moat": moat },
            })
        })
        .collect();

    let mut project_moat = json!({ "version": assessment.tool.version });
    if let Some(s) = &model.source {
        project_moat["source"] = json!(s);
    }
    if !model.implements.is_empty() {
        project_moat["implements"] = implements(&model.implements);
    }
    let decisions: Vec<Decision> = model
        .decisions
        .iter()
        .cloned()
        .map(|mut d| {
            d.location = None;
            d
        })
        .collect();
    project_moat["decisions"] = json!(decisions);
    let mut project = json!({
        "name": model.name,
        "id": slug(&model.name),
        "attributes": { "moat": project_moat },
    });
    if !model.description.is_empty() {
        project["description"] = json!(model.description);
    }
    let document = json!({
        "otmVersion": OTM_VERSION,
        "project": project,
        "assets": assets,
        "trustZones": zones,
        "components": components,
        "dataflows": dataflows,
        "threats": threats,
        "mitigations": mitigations,
    });
    crate::tc::to_text(&document)
}

// ---------------------------------------------------------------------------
// import

const TOP: &[&str] = &[
    "otmVersion",
    "project",
    "representations",
    "assets",
    "trustZones",
    "components",
    "dataflows",
    "threats",
    "mitigations",
];

/// What `attributes` holds: Moat's part, and the rest as properties.
struct Attrs {
    moat: Map<String, Value>,
    rest: Properties,
    span: Span,
}

fn attrs(reader: &mut Reader<'_>, fields: &Fields<'_, '_>, what: &str) -> Attrs {
    let mut out = Attrs {
        moat: Map::new(),
        rest: Properties::new(),
        span: fields.span,
    };
    let Some(node) = fields.get("attributes") else {
        return out;
    };
    out.span = node.span;
    match to_json(node) {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "moat" {
                    match v {
                        Value::Object(m) => out.moat = m,
                        _ => reader.error(
                            node.span,
                            format!("`attributes.moat` of {what} must be a mapping"),
                        ),
                    }
                } else {
                    out.rest.insert(k, v);
                }
            }
        }
        _ => reader.error(
            node.span,
            format!("`attributes` of {what} must be a mapping"),
        ),
    }
    out
}

impl Attrs {
    fn map(&self, reader: &mut Reader<'_>, key: &str, what: &str) -> BTreeMap<String, Value> {
        match self.moat.get(key) {
            None => BTreeMap::new(),
            Some(Value::Object(m)) => m.clone().into_iter().collect(),
            Some(_) => {
                reader.error(
                    self.span,
                    format!("`attributes.moat.{key}` of {what} must be a mapping"),
                );
                BTreeMap::new()
            }
        }
    }

    fn strings(&self, reader: &mut Reader<'_>, key: &str, what: &str) -> Vec<String> {
        match self.moat.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(_) => {
                reader.error(
                    self.span,
                    format!("`attributes.moat.{key}` of {what} must be a list of strings"),
                );
                Vec::new()
            }
        }
    }

    fn properties(&self, reader: &mut Reader<'_>, what: &str) -> Properties {
        let mut p = self.map(reader, "properties", what);
        p.extend(self.rest.clone());
        p
    }
}

fn implementations(ids: Vec<String>, location: &moat_model::Location) -> Vec<Implementation> {
    ids.into_iter()
        .map(|control| Implementation {
            control,
            location: Some(location.clone()),
            checked_by: None,
            span: None,
        })
        .collect()
}

/// A Moat element kind for an OTM component type written by another tool.
pub fn kind_of_type(otm_type: &str) -> (ElementKind, bool) {
    let t = otm_type.to_ascii_lowercase().replace('-', "_");
    if let Some(kind) = ElementKind::parse(&t) {
        return (kind, true);
    }
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    let kind = if has(&["actor", "user", "person", "human", "client", "browser"]) {
        ElementKind::Actor
    } else if has(&["external"]) {
        ElementKind::ExternalEntity
    } else if has(&["lambda", "function"]) {
        ElementKind::Lambda
    } else if has(&[
        "store", "database", "db", "bucket", "s3", "storage", "table", "disk", "file",
    ]) {
        ElementKind::Datastore
    } else if has(&[
        "server",
        "api",
        "gateway",
        "service",
        "host",
        "vm",
        "container",
    ]) {
        ElementKind::Server
    } else if has(&["llm", "model"]) {
        ElementKind::Llm
    } else {
        ElementKind::Process
    };
    (kind, false)
}

struct Pending<'n, 't> {
    node: &'n Node<'t>,
    span: Span,
    target: String,
    state: String,
    threat: String,
}

/// Reads an OTM file (JSON or YAML) into a model.
pub fn import(file: &SourceFile) -> Loaded {
    let fail = |d: Diagnostic| Loaded {
        model: None,
        diagnostics: vec![d],
    };
    if file.text.trim().is_empty() {
        return fail(Diagnostic::error("otm::empty", "the file is empty").in_file(&file.name));
    }
    if file.name.to_ascii_lowercase().ends_with(".json")
        && let Some(d) = moat_model::json_syntax_error(file)
    {
        return fail(d);
    }
    let root = match moat_source::node::parse(file) {
        Ok(root) => root,
        Err(d) => return fail(*d),
    };
    let mut reader = Reader::new(file, "otm");
    let Some(top) = reader.fields(&root, "the OTM file", TOP) else {
        return Loaded {
            model: None,
            diagnostics: reader.diagnostics,
        };
    };
    match reader.string(&top, "otmVersion", "the file") {
        None => reader.error(
            top.span,
            "the file has no `otmVersion`: is it an Open Threat Model file?",
        ),
        Some(v) if !v.starts_with("0.") => {
            if let Some(n) = top.get("otmVersion") {
                reader.warning(
                    "version",
                    n.span,
                    format!("OTM version `{v}` is not 0.x; fields may be missed"),
                );
            }
        }
        Some(_) => {}
    }
    let mut model = Model::default();
    let mut decisions_carried = false;
    match top.get("project") {
        None => reader.error(top.span, "the file has no `project`"),
        Some(node) => {
            if let Some(p) = reader.fields(
                node,
                "`project`",
                &[
                    "name",
                    "id",
                    "description",
                    "owner",
                    "ownerContact",
                    "tags",
                    "attributes",
                ],
            ) {
                model.name = reader.required(&p, "name", "`project`").unwrap_or_default();
                reader.required(&p, "id", "`project`");
                model.description = reader
                    .string(&p, "description", "`project`")
                    .unwrap_or_default();
                for key in ["owner", "ownerContact", "tags"] {
                    if let Some(n) = p.get(key) {
                        reader.not_carried(n.span, format!("the project's `{key}` is not carried: a Moat model has no place for it"));
                    }
                }
                let a = attrs(&mut reader, &p, "`project`");
                let location = file.location(a.span);
                model.implements =
                    implementations(a.strings(&mut reader, "implements", "`project`"), &location);
                if let Some(d) = a.moat.get("decisions") {
                    decisions_carried = true;
                    match serde_json::from_value::<Vec<Decision>>(d.clone()) {
                        Ok(list) => {
                            model.decisions = list
                                .into_iter()
                                .map(|mut d| {
                                    d.location = Some(location.clone());
                                    d
                                })
                                .collect();
                        }
                        Err(e) => reader.error(a.span, format!("`attributes.moat.decisions` of `project` is not a list of Moat decisions: {e}")),
                    }
                }
                for k in a.rest.keys() {
                    reader.not_carried(a.span, format!("project attribute `{k}` is not carried"));
                }
            }
        }
    }
    if let Some(n) = top.get("representations") {
        reader.not_carried(
            n.span,
            "`representations` (diagram and code positions) are not carried".to_string(),
        );
    }

    // threats and mitigations: Moat's are catalog entries; others are not carried
    let mut moat_threats: HashSet<String> = HashSet::new();
    for item in reader.list(&top, "threats", "the file") {
        let Some(t) = reader.fields(
            item,
            "a threat",
            &[
                "id",
                "name",
                "description",
                "categories",
                "cwes",
                "risk",
                "tags",
                "attributes",
            ],
        ) else {
            continue;
        };
        let id = reader.required(&t, "id", "a threat").unwrap_or_default();
        let name = reader.required(&t, "name", "a threat").unwrap_or_default();
        if t.get("risk").is_none() {
            reader.error(t.span, format!("threat `{id}` has no `risk`"));
        }
        let a = attrs(&mut reader, &t, "a threat");
        if a.moat.is_empty() {
            reader.not_carried(t.span, format!("threat `{id}` (`{name}`) is not a Moat catalog threat: Moat applies the threats of its catalog, so it is not carried"));
        } else {
            moat_threats.insert(id);
        }
    }
    for item in reader.list(&top, "mitigations", "the file") {
        let Some(m) = reader.fields(
            item,
            "a mitigation",
            &["id", "name", "description", "riskReduction", "attributes"],
        ) else {
            continue;
        };
        let id = reader
            .required(&m, "id", "a mitigation")
            .unwrap_or_default();
        reader.required(&m, "name", "a mitigation");
        let a = attrs(&mut reader, &m, "a mitigation");
        if a.moat.is_empty() {
            reader.not_carried(
                m.span,
                format!("mitigation `{id}` is not a Moat catalog control, so it is not carried"),
            );
        }
    }

    for item in reader.list(&top, "assets", "the file") {
        let Some((f, id, name)) = reader.identified(
            item,
            "an asset",
            &["id", "name", "description", "risk", "attributes"],
        ) else {
            continue;
        };
        let what = format!("asset `{id}`");
        let a = attrs(&mut reader, &f, &what);
        let classification = match a.moat.get("classification").and_then(Value::as_str) {
            Some(c) => Classification::ALL
                .into_iter()
                .find(|k| k.as_str() == c)
                .unwrap_or_default(),
            None => Classification::Unknown,
        };
        let mut properties = a.properties(&mut reader, &what);
        if a.moat.is_empty()
            && let Some(risk) = f.get("risk")
        {
            properties.insert("otm_risk".into(), to_json(risk));
        }
        model.data.push(DataAsset {
            id,
            name,
            description: reader.string(&f, "description", &what).unwrap_or_default(),
            classification,
            attributes: a.map(&mut reader, "attributes", &what),
            tags: a.strings(&mut reader, "tags", &what),
            properties,
            span: None,
        });
    }

    let mut zone_spans: HashMap<String, Span> = HashMap::new();
    let mut outside: HashSet<String> = HashSet::new();
    for item in reader.list(&top, "trustZones", "the file") {
        let Some((f, id, name)) = reader.identified(
            item,
            "a trust zone",
            &[
                "id",
                "name",
                "type",
                "description",
                "risk",
                "parent",
                "representations",
                "attributes",
            ],
        ) else {
            continue;
        };
        let what = format!("trust zone `{id}`");
        if zone_spans.insert(id.clone(), f.span).is_some() {
            reader.error(f.span, format!("trust zone id `{id}` is used twice"));
        }
        let a = attrs(&mut reader, &f, &what);
        if a.moat.get("outside").and_then(Value::as_bool) == Some(true) {
            outside.insert(id);
            continue;
        }
        let parent = parent_of(&mut reader, &f, &what).map(|(kind, p, _)| {
            if kind == "component" {
                reader.error(
                    f.span,
                    format!(
                        "{what} has a component as parent; a trust zone must sit in a trust zone"
                    ),
                );
            }
            p
        });
        let mut properties = a.properties(&mut reader, &what);
        if a.moat.is_empty() {
            if let Some(r) = f.get("risk") {
                properties.insert(
                    "otm_trust_rating".into(),
                    to_json(r)
                        .get("trustRating")
                        .cloned()
                        .unwrap_or(Value::Null),
                );
            }
            if let Some(t) = reader.string(&f, "type", &what) {
                properties.insert("otm_type".into(), json!(t));
            }
        }
        if a.moat.get("threats").is_some() {
            // threats on boundaries are recomputed by the engine
        }
        model.boundaries.push(Boundary {
            id,
            name,
            description: reader.string(&f, "description", &what).unwrap_or_default(),
            parent,
            attributes: a.map(&mut reader, "attributes", &what),
            tags: a.strings(&mut reader, "tags", &what),
            properties,
            span: None,
        });
    }

    let mut ids = IdAllocator::default();
    let mut component_parent: HashMap<String, (String, String, Span)> = HashMap::new();
    let mut pending: Vec<Pending<'_, '_>> = Vec::new();
    let mut guessed: Vec<String> = Vec::new();
    let components = reader.list(&top, "components", "the file");
    for item in components.iter() {
        let Some((f, id, name)) = reader.identified(
            item,
            "a component",
            &[
                "id",
                "name",
                "type",
                "description",
                "parent",
                "representations",
                "assets",
                "threats",
                "tags",
                "attributes",
            ],
        ) else {
            continue;
        };
        let what = format!("component `{id}`");
        if !ids.reserve(&id) {
            reader.error(f.span, format!("component id `{id}` is used twice"));
            continue;
        }
        let otm_type = reader.required(&f, "type", &what).unwrap_or_default();
        let a = attrs(&mut reader, &f, &what);
        let kind = match a.moat.get("kind").and_then(Value::as_str) {
            Some(k) => match ElementKind::parse(k) {
                Some(kind) => kind,
                None => {
                    reader.error(a.span, format!("unknown Moat element kind `{k}` on {what}"));
                    ElementKind::Process
                }
            },
            None => {
                let (kind, exact) = kind_of_type(&otm_type);
                if !exact {
                    guessed.push(format!("`{id}` ({otm_type} -> {kind})"));
                }
                kind
            }
        };
        match parent_of(&mut reader, &f, &what) {
            Some(p) => {
                component_parent.insert(id.clone(), p);
            }
            None => reader.error(f.span, format!("{what} has no `parent`")),
        }
        let mut data = a.strings(&mut reader, "data", &what);
        if a.moat.is_empty()
            && let Some(n) = f.get("assets")
            && let Some(af) =
                reader.fields(n, &format!("`assets` of {what}"), &["processed", "stored"])
        {
            data.extend(reader.strings(&af, "processed", &what));
            data.extend(reader.strings(&af, "stored", &what));
        }
        let mut properties = a.properties(&mut reader, &what);
        if a.moat.is_empty() && !otm_type.is_empty() {
            properties.insert("otm_type".into(), json!(otm_type));
        }
        if f.get("representations").is_some()
            && let Some(n) = f.get("representations")
        {
            reader.not_carried(
                n.span,
                format!("the `representations` of {what} are not carried"),
            );
        }
        collect_instances(&mut reader, &f, &id, &what, &mut pending);
        let location = file.location(a.span);
        model.elements.push(Element {
            id,
            name,
            kind,
            description: reader.string(&f, "description", &what).unwrap_or_default(),
            boundary: None,
            data,
            attributes: a.map(&mut reader, "attributes", &what),
            implements: implementations(a.strings(&mut reader, "implements", &what), &location),
            tags: reader.strings(&f, "tags", &what),
            properties,
            span: None,
        });
    }
    if !guessed.is_empty() {
        reader.not_carried(
            top.get("components").map_or(top.span, |n| n.span),
            format!("component types that are not Moat element kinds were mapped by name, check them: {}", guessed.join(", ")),
        );
    }
    // each element's boundary: its trust zone, or its parent component's
    for element in &mut model.elements {
        let mut seen = HashSet::new();
        let mut current = element.id.clone();
        while let Some((kind, parent, span)) = component_parent.get(&current).cloned() {
            if kind == "trustZone" {
                if outside.contains(&parent) {
                    element.boundary = None;
                } else if zone_spans.contains_key(&parent) {
                    element.boundary = Some(parent);
                } else {
                    reader.error(span, format!("unknown trust zone `{parent}`"));
                }
                break;
            }
            if !seen.insert(parent.clone()) || !component_parent.contains_key(&parent) {
                reader.error(
                    span,
                    format!("unknown or circular parent component `{parent}`"),
                );
                break;
            }
            if current == element.id {
                element
                    .properties
                    .insert("otm_parent_component".into(), json!(parent));
            }
            current = parent;
        }
    }
    for b in &model.boundaries {
        if let Some(p) = &b.parent
            && !zone_spans.contains_key(p)
        {
            let span = zone_spans.get(&b.id).copied().unwrap_or(top.span);
            reader.error(
                span,
                format!("unknown parent trust zone `{p}` of trust zone `{}`", b.id),
            );
        }
    }

    let elements: HashSet<String> = model.elements.iter().map(|e| e.id.clone()).collect();
    for item in reader.list(&top, "dataflows", "the file") {
        let Some((f, id, name)) = reader.identified(
            item,
            "a dataflow",
            &[
                "id",
                "name",
                "description",
                "bidirectional",
                "source",
                "destination",
                "assets",
                "threats",
                "tags",
                "attributes",
            ],
        ) else {
            continue;
        };
        let what = format!("dataflow `{id}`");
        let source = reader.required(&f, "source", &what).unwrap_or_default();
        let sink = reader
            .required(&f, "destination", &what)
            .unwrap_or_default();
        for (key, end) in [("source", &source), ("destination", &sink)] {
            if !end.is_empty() && !elements.contains(end) {
                let span = f.get(key).map_or(f.span, |n| n.span);
                let hint =
                    moat_source::diag::did_you_mean(end, elements.iter().map(String::as_str))
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default();
                reader.error(
                    span,
                    format!("the {key} of {what}, `{end}`, is not a component{hint}"),
                );
            }
        }
        if !ids.reserve(&id) {
            reader.error(f.span, format!("dataflow id `{id}` is already used"));
            continue;
        }
        let a = attrs(&mut reader, &f, &what);
        collect_instances(&mut reader, &f, &id, &what, &mut pending);
        let location = file.location(a.span);
        let flow = Dataflow {
            id: id.clone(),
            name: name.clone(),
            source: source.clone(),
            sink: sink.clone(),
            description: reader.string(&f, "description", &what).unwrap_or_default(),
            data: reader.strings(&f, "assets", &what),
            attributes: a.map(&mut reader, "attributes", &what),
            implements: implementations(a.strings(&mut reader, "implements", &what), &location),
            tags: reader.strings(&f, "tags", &what),
            properties: a.properties(&mut reader, &what),
            span: None,
        };
        let both = f
            .get("bidirectional")
            .is_some_and(|n| matches!(n.value, moat_source::node::NodeValue::Bool(true)));
        if both {
            let mut back = flow.clone();
            back.id = ids.allocate(&format!("{id}-reverse"));
            back.name = format!("{name} (reverse)");
            back.source = sink;
            back.sink = source;
            model.flows.push(flow);
            model.flows.push(back);
        } else {
            model.flows.push(flow);
        }
    }

    // threat instance states become decisions only for files Moat did not write
    for p in pending {
        if decisions_carried {
            continue;
        }
        if !moat_threats.contains(&p.threat) {
            continue;
        }
        if let Some(status) = decision_of_state(&p.state) {
            model.decisions.push(Decision {
                threats: vec![p.threat.clone()],
                targets: vec![p.target.clone()],
                status,
                justification: format!("state `{}` in the OTM file", p.state),
                ticket: None,
                date: None,
                checked_by: None,
                expires: None,
                location: Some(file.location(p.span)),
                span: None,
            });
        }
        let _ = p.node;
    }

    model.source = Some(file.name.to_string());
    model.incomplete.append(&mut reader.incomplete);
    crate::finish(reader, model)
}

/// `parent: {trustZone: X}` or `{component: X}`: the kind, the id and the span.
fn parent_of(
    reader: &mut Reader<'_>,
    fields: &Fields<'_, '_>,
    what: &str,
) -> Option<(String, String, Span)> {
    let node = fields.get("parent")?;
    let p = reader.fields(
        node,
        &format!("the `parent` of {what}"),
        &["trustZone", "component"],
    )?;
    let zone = reader.string(&p, "trustZone", what);
    let component = reader.string(&p, "component", what);
    let value_span = |key: &str| p.get(key).map_or(node.span, |n| n.span);
    match (zone, component) {
        (Some(z), None) => Some(("trustZone".into(), z, value_span("trustZone"))),
        (None, Some(c)) => Some(("component".into(), c, value_span("component"))),
        _ => {
            reader.error(
                node.span,
                format!("the `parent` of {what} must name one `trustZone` or one `component`"),
            );
            None
        }
    }
}

fn collect_instances<'n, 't>(
    reader: &mut Reader<'_>,
    fields: &Fields<'n, 't>,
    target: &str,
    what: &str,
    out: &mut Vec<Pending<'n, 't>>,
) {
    for item in reader.list(fields, "threats", what) {
        let Some(f) = reader.fields(
            item,
            &format!("a threat of {what}"),
            &["threat", "state", "mitigations"],
        ) else {
            continue;
        };
        let threat = reader.required(&f, "threat", what);
        let state = reader.required(&f, "state", what);
        for m in reader.list(&f, "mitigations", what) {
            if !matches!(m.value, moat_source::node::NodeValue::Null) {
                reader.fields(
                    m,
                    &format!("a mitigation of {what}"),
                    &["mitigation", "state"],
                );
            }
        }
        if let (Some(threat), Some(state)) = (threat, state) {
            out.push(Pending {
                node: item,
                span: f.get("state").map_or(f.span, |n| n.span),
                target: target.to_string(),
                state,
                threat,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_types_map_both_ways() {
        for status in ThreatStatus::ALL {
            let state = state_of(status);
            let back = decision_of_state(state);
            match status {
                ThreatStatus::Open | ThreatStatus::PartlyMitigated => assert_eq!(back, None),
                ThreatStatus::Mitigated => assert_eq!(back, Some(DecisionStatus::Mitigated)),
                ThreatStatus::Accepted => assert_eq!(back, Some(DecisionStatus::Accepted)),
                ThreatStatus::FalsePositive => {
                    assert_eq!(back, Some(DecisionStatus::FalsePositive));
                }
            }
        }
        assert_eq!(
            decision_of_state("NOT_APPLICABLE"),
            Some(DecisionStatus::FalsePositive)
        );
        for kind in ElementKind::ALL {
            assert_eq!(kind_of_type(kind.as_str()), (kind, true));
        }
        assert_eq!(kind_of_type("web-client"), (ElementKind::Actor, false));
        assert_eq!(
            kind_of_type("postgresql-database"),
            (ElementKind::Datastore, false)
        );
        assert_eq!(kind_of_type("CLOUD-widget"), (ElementKind::Process, false));
    }
}
