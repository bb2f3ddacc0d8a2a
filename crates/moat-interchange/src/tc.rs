//! AWS Threat Composer (`.tc.json`, schema 1): export of an assessment, and
//! import back into a Moat model with its decisions.
//!
//! Threat Composer holds threats, mitigations and assumptions but no data flow
//! diagram, so the export writes the model twice into the `dataflow`
//! description: as a Markdown list a reader sees, and as a fenced
//! `moat-model` block (Moat's JSON model) the import reads back. Each threat
//! carries its Moat ids in `custom:` metadata; the import compares each
//! threat's `status` with the one exported and records a decision where a
//! user changed it in Threat Composer.

use crate::ids::uuid;
use crate::read::{Fields, Reader};
use crate::text::{clip, join_and, priority, stride_goal, stride_impact, stride_letter};
use moat_catalog::Catalog;
use moat_engine::{Assessment, TargetType, ThreatResult, ThreatStatus};
use moat_model::{
    Decision, DecisionStatus, Diagnostic, Element, ElementKind, IdAllocator, Loaded, Model,
    SourceFile, Span,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The fence that opens the machine-readable model in the dataflow description.
pub const MODEL_FENCE: &str = "```moat-model";
/// Threat Composer's limit on each description.
const DESCRIPTION_MAX: usize = 100_000;

/// Custom metadata keys (Threat Composer requires the `custom:` prefix).
pub mod key {
    pub const THREAT: &str = "custom:moat:threat";
    pub const TARGET: &str = "custom:moat:target";
    pub const RESULT: &str = "custom:moat:result";
    pub const SEVERITY: &str = "custom:moat:severity";
    pub const STATUS: &str = "custom:moat:status";
    pub const DECISION: &str = "custom:moat:decision";
    pub const EVIDENCE: &str = "custom:moat:evidence";
    pub const CONTROL: &str = "custom:moat:control";
    pub const PRIORITY: &str = "custom:moat:priority";
    pub const COMPLIANCE: &str = "custom:moat:compliance";
    pub const DECISION_INDEX: &str = "custom:moat:decision-index";
}

/// Threat Composer's threat status for a Moat threat status. Threat
/// Composer knows three: open and partly mitigated threats are identified;
/// mitigated and accepted ones resolved (it has no "accepted"); false
/// positives resolved as not useful.
pub fn status_of(status: ThreatStatus) -> &'static str {
    match status {
        ThreatStatus::Open | ThreatStatus::PartlyMitigated => "threatIdentified",
        ThreatStatus::Mitigated | ThreatStatus::Accepted => "threatResolved",
        ThreatStatus::FalsePositive => "threatResolvedNotUseful",
    }
}

/// Threat Composer's threat status for a Moat decision status: the three
/// that leave a threat open are `threatIdentified`, accepted and mitigated
/// are `threatResolved`, false positive `threatResolvedNotUseful`. Unchecked,
/// in discussion and in progress, and accepted against mitigated, are told
/// apart only by the `custom:moat:decision` metadata.
pub fn status_of_decision(status: DecisionStatus) -> &'static str {
    match status {
        DecisionStatus::Unchecked | DecisionStatus::InDiscussion | DecisionStatus::InProgress => {
            "threatIdentified"
        }
        DecisionStatus::Accepted | DecisionStatus::Mitigated => "threatResolved",
        DecisionStatus::FalsePositive => "threatResolvedNotUseful",
    }
}

/// The decision a Threat Composer status set by a user records: resolved is
/// `mitigated` (or `accepted` when the threat's metadata says it was), not
/// useful `false-positive`, identified `in-discussion` (it reopens nothing
/// that controls in place mitigate).
pub fn decision_of(
    status: &str,
    exported_decision: Option<DecisionStatus>,
) -> Option<DecisionStatus> {
    match status {
        "threatResolved" => Some(match exported_decision {
            Some(DecisionStatus::Accepted) => DecisionStatus::Accepted,
            _ => DecisionStatus::Mitigated,
        }),
        "threatResolvedNotUseful" => Some(DecisionStatus::FalsePositive),
        "threatIdentified" => Some(DecisionStatus::InDiscussion),
        _ => None,
    }
}

fn meta(key: &str, value: impl Into<Value>) -> Value {
    json!({ "key": key, "value": value.into() })
}

/// Compliance ids of a control as `framework:requirement`.
fn compliance(catalog: &Catalog, control: &str) -> Vec<String> {
    catalog
        .control(control)
        .map(|c| {
            c.compliance
                .iter()
                .flat_map(|(framework, ids)| ids.iter().map(move |id| format!("{framework}:{id}")))
                .collect()
        })
        .unwrap_or_default()
}

/// The controls a result links to: the listed mitigating controls of its
/// threat, then the ones in place as evidence.
fn linked_controls(assessment: &Assessment, result: &ThreatResult) -> Vec<String> {
    let mut out: Vec<String> = assessment
        .index()
        .definition(&result.threat_id)
        .map(|d| d.controls.iter().map(|c| c.id.clone()).collect())
        .unwrap_or_default();
    for e in &result.evidence {
        if !out.contains(&e.control) {
            out.push(e.control.clone());
        }
    }
    out
}

/// The prerequisite clause for a target: who can reach it.
fn prerequisites(assessment: &Assessment, result: &ThreatResult) -> (String, Vec<String>) {
    let model = &assessment.model;
    let target = assessment.index().target(&result.target_id);
    let name = target.map_or(result.target_id.as_str(), |t| t.name.as_str());
    let data_names = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| model.data_asset(id).map_or(id.clone(), |d| d.name.clone()))
            .collect()
    };
    let mut assets = vec![name.to_string()];
    let clause = match target.map(|t| t.target_type) {
        Some(TargetType::Dataflow) => {
            let flow = model.flows.iter().find(|f| f.id == result.target_id);
            let end = |id: &str| model.element(id).map_or(id.to_string(), |e| e.name.clone());
            if let Some(flow) = flow {
                assets.extend(data_names(&flow.data));
                format!(
                    "with access to the {name} flow from {} to {}",
                    end(&flow.source),
                    end(&flow.sink)
                )
            } else {
                format!("with access to the {name} flow")
            }
        }
        Some(TargetType::Boundary) => format!("able to cross the {name} boundary"),
        _ => {
            if let Some(e) = model.element(&result.target_id) {
                assets.extend(data_names(&e.data));
                format!("with access to the {} {name}", e.kind.label())
            } else {
                format!("with access to {name}")
            }
        }
    };
    (clause, assets)
}

/// The assessment as a Threat Composer file (schema 1), pretty-printed.
pub fn export(assessment: &Assessment, catalog: &Catalog) -> Result<String, Box<Diagnostic>> {
    let model = &assessment.model;
    let index = assessment.index();
    let mut threats = Vec::new();
    let mut mitigation_order: Vec<String> = Vec::new();
    let mut mitigation_links = Vec::new();
    let mut threat_uuid: HashMap<&str, String> = HashMap::new();
    for (n, result) in assessment.threats.iter().enumerate() {
        let id = uuid(&["threat", &result.id]);
        threat_uuid.insert(result.id.as_str(), id.clone());
        let definition = index.definition(&result.threat_id);
        let name = definition.map_or(result.threat_id.as_str(), |d| d.name.as_str());
        let source = "threat actor".to_string();
        let (prereq, assets) = prerequisites(assessment, result);
        let action = clip(&format!("realise \"{name}\" ({})", result.threat_id), 200);
        let impact = stride_impact(result.stride).to_string();
        let goal = stride_goal(result.stride);
        let prereq = clip(&prereq, 200);
        let assets: Vec<String> = assets.iter().map(|a| clip(a, 200)).collect();
        let statement = clip(
            &format!(
                "A {source} {prereq} can {action}, which leads to {impact}, resulting in reduced {goal} of {}",
                join_and(&assets)
            ),
            1400,
        );
        let mut metadata = vec![
            meta("STRIDE", vec![stride_letter(result.stride)]),
            meta("Priority", priority(result.severity)),
        ];
        if let Some(d) = definition.filter(|d| !d.description.is_empty()) {
            metadata.push(meta("Comments", clip(&d.description, 1000)));
        }
        metadata.push(meta(key::THREAT, result.threat_id.as_str()));
        metadata.push(meta(key::TARGET, result.target_id.as_str()));
        metadata.push(meta(key::RESULT, result.id.as_str()));
        metadata.push(meta(key::SEVERITY, result.severity.as_str()));
        metadata.push(meta(key::STATUS, result.status.as_str()));
        if let Some(applied) = &result.decision {
            metadata.push(meta(key::DECISION, applied.status.as_str()));
        }
        if !result.evidence.is_empty() {
            let controls: Vec<&str> = result.evidence.iter().map(|e| e.control.as_str()).collect();
            metadata.push(meta(key::EVIDENCE, controls));
        }
        let controls = linked_controls(assessment, result);
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for control in &controls {
            ids.extend(compliance(catalog, control));
            if !mitigation_order.contains(control) {
                mitigation_order.push(control.clone());
            }
            mitigation_links.push(json!({
                "mitigationId": uuid(&["mitigation", control]),
                "linkedId": id,
            }));
        }
        if !ids.is_empty() {
            metadata.push(meta(key::COMPLIANCE, ids.into_iter().collect::<Vec<_>>()));
        }
        let numeric = n + 1;
        threats.push(json!({
            "id": id,
            "numericId": numeric,
            "displayOrder": numeric,
            "threatSource": source,
            "prerequisites": prereq,
            "threatAction": action,
            "threatImpact": impact,
            "impactedGoal": [goal],
            "impactedAssets": assets,
            "statement": statement,
            "status": status_of(result.status),
            "metadata": metadata,
            "tags": [clip(&result.threat_id, 30)],
        }));
    }

    let implemented: BTreeSet<&str> = model
        .implements
        .iter()
        .chain(model.elements.iter().flat_map(|e| &e.implements))
        .chain(model.flows.iter().flat_map(|f| &f.implements))
        .map(|i| i.control.as_str())
        .chain(
            assessment
                .threats
                .iter()
                .flat_map(|t| t.evidence.iter().map(|e| e.control.as_str())),
        )
        .collect();
    let priorities: HashMap<&str, &str> = assessment
        .definitions
        .iter()
        .flat_map(|d| {
            d.controls
                .iter()
                .map(|c| (c.id.as_str(), c.priority.as_str()))
        })
        .collect();
    let mut mitigations = Vec::new();
    for (n, control) in mitigation_order.iter().enumerate() {
        let found = catalog.control(control);
        let name = found.map_or(control.as_str(), |c| c.name.as_str());
        let mut metadata = Vec::new();
        if let Some(c) = found.filter(|c| !c.objective.is_empty()) {
            metadata.push(meta("Comments", clip(&c.objective, 1000)));
        }
        metadata.push(meta(key::CONTROL, control.as_str()));
        if let Some(p) = priorities.get(control.as_str()) {
            metadata.push(meta(key::PRIORITY, *p));
        }
        let ids = compliance(catalog, control);
        if !ids.is_empty() {
            metadata.push(meta(key::COMPLIANCE, ids));
        }
        let numeric = n + 1;
        mitigations.push(json!({
            "id": uuid(&["mitigation", control]),
            "numericId": numeric,
            "displayOrder": numeric,
            "content": clip(&format!("{control}: {name}"), 1000),
            "status": if implemented.contains(control.as_str()) { "mitigationResolved" } else { "mitigationIdentified" },
            "metadata": metadata,
            "tags": [clip(control, 30)],
        }));
    }

    // decisions with a justification are the model's assumptions
    let mut assumptions = Vec::new();
    let mut assumption_links = Vec::new();
    for (i, decision) in model.decisions.iter().enumerate() {
        if decision.justification.trim().is_empty() {
            continue;
        }
        let id = uuid(&["assumption", &i.to_string(), &decision.justification]);
        let mut metadata = vec![
            meta(key::DECISION, decision.status.as_str()),
            meta(key::DECISION_INDEX, i.to_string()),
            meta(key::THREAT, decision.threats.clone()),
        ];
        if !decision.targets.is_empty() {
            metadata.push(meta(key::TARGET, decision.targets.clone()));
        }
        let mut comments = Vec::new();
        if let Some(t) = &decision.ticket {
            comments.push(format!("ticket {t}"));
        }
        if let Some(d) = &decision.date {
            comments.push(format!("decided {d}"));
        }
        if let Some(c) = &decision.checked_by {
            comments.push(format!("by {c}"));
        }
        if let Some(e) = &decision.expires {
            comments.push(format!("expires {e}"));
        }
        if !comments.is_empty() {
            metadata.insert(0, meta("Comments", clip(&comments.join(", "), 1000)));
        }
        let numeric = assumptions.len() + 1;
        assumptions.push(json!({
            "id": id,
            "numericId": numeric,
            "displayOrder": numeric,
            "content": clip(&format!("{} ({}): {}", decision.status, decision.threats.join(", "), decision.justification.trim()), 1000),
            "metadata": metadata,
            "tags": [decision.status.as_str()],
        }));
        for result in &assessment.threats {
            if result.decision.as_ref().is_some_and(|d| d.index == i)
                && let Some(linked) = threat_uuid.get(result.id.as_str())
            {
                assumption_links.push(json!({
                    "type": "Threat",
                    "assumptionId": id,
                    "linkedId": linked,
                }));
            }
        }
    }

    let mut application = format!(
        "{}\n\nExported by Moat {} from `{}`: {} threats on {} targets.",
        model.description.trim(),
        assessment.tool.version,
        model.source.as_deref().unwrap_or("a model"),
        assessment.threats.len(),
        assessment.targets.len()
    );
    application = application.trim_start().to_string();
    let dataflow = dataflow_description(model)?;
    let document = json!({
        "schema": 1,
        "applicationInfo": {
            "name": clip(&model.name, 200),
            "description": clip(&application, DESCRIPTION_MAX),
        },
        "architecture": { "description": clip(&architecture_description(model), DESCRIPTION_MAX) },
        "dataflow": { "description": dataflow },
        "assumptions": assumptions,
        "mitigations": mitigations,
        "assumptionLinks": assumption_links,
        "mitigationLinks": mitigation_links,
        "threats": threats,
    });
    to_text(&document)
}

pub(crate) fn to_text(document: &Value) -> Result<String, Box<Diagnostic>> {
    serde_json::to_string_pretty(document)
        .map(|t| t + "\n")
        .map_err(|e| Box::new(Diagnostic::error("interchange::write", e.to_string())))
}

fn architecture_description(model: &Model) -> String {
    let mut out = String::from("### Trust boundaries\n\n");
    if model.boundaries.is_empty() {
        out.push_str("None modelled.\n");
    }
    for b in &model.boundaries {
        let inside: Vec<String> = model
            .elements
            .iter()
            .filter(|e| e.boundary.as_deref() == Some(b.id.as_str()))
            .map(|e| e.name.clone())
            .collect();
        let parent = b
            .parent
            .as_deref()
            .and_then(|p| model.boundary(p))
            .map(|p| format!(" (inside {})", p.name))
            .unwrap_or_default();
        out.push_str(&format!(
            "- **{}**{parent}: {}\n",
            b.name,
            join_and(&inside)
        ));
    }
    out
}

/// The Markdown list of elements and flows, then the model as a fenced block.
fn dataflow_description(model: &Model) -> Result<String, Box<Diagnostic>> {
    let mut out = String::from("### Elements\n\n");
    for e in &model.elements {
        out.push_str(&format!("- {} ({})\n", e.name, e.kind.label()));
    }
    out.push_str("\n### Data flows\n\n");
    for f in &model.flows {
        let end = |id: &str| model.element(id).map_or(id.to_string(), |e| e.name.clone());
        out.push_str(&format!(
            "- {}: {} → {}\n",
            f.name,
            end(&f.source),
            end(&f.sink)
        ));
    }
    let json = moat_model::yaml::to_json(model)
        .and_then(|t| serde_json::from_str::<Value>(&t))
        .and_then(|v| serde_json::to_string(&v))
        .map_err(|e| Box::new(Diagnostic::error("interchange::write", e.to_string())))?;
    // a backtick inside a string would end the fence early; JSON escapes it
    let json = json.replace('`', "\\u0060");
    out.push_str(&format!(
        "\n### Moat model\n\nRead back by `moat` when this file is imported; edit the model in Moat, not here.\n\n{MODEL_FENCE}\n{json}\n```\n"
    ));
    let length = out.chars().count();
    if length > DESCRIPTION_MAX {
        return Err(Box::new(Diagnostic::error(
            "threat-composer::too-large",
            format!(
                "the model does not fit Threat Composer's dataflow description ({length} characters; the limit is {DESCRIPTION_MAX})"
            ),
        ).with_help("export it as OTM (`-f otm`) instead, which has no such limit")));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// import

const TOP: &[&str] = &[
    "schema",
    "applicationInfo",
    "architecture",
    "dataflow",
    "assumptions",
    "mitigations",
    "assumptionLinks",
    "mitigationLinks",
    "threats",
];
const THREAT: &[&str] = &[
    "id",
    "numericId",
    "displayOrder",
    "metadata",
    "tags",
    "threatSource",
    "prerequisites",
    "threatAction",
    "threatImpact",
    "impactedGoal",
    "impactedAssets",
    "statement",
    "customTemplate",
    "status",
];
const ITEM: &[&str] = &[
    "id",
    "numericId",
    "displayOrder",
    "metadata",
    "tags",
    "content",
    "status",
];

/// One threat's metadata: each key's values (a string is a list of one).
fn metadata(
    reader: &mut Reader<'_>,
    fields: &Fields<'_, '_>,
    what: &str,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for item in reader.list(fields, "metadata", what) {
        let Some(entry) = reader.fields(
            item,
            &format!("a metadata entry of {what}"),
            &["key", "value"],
        ) else {
            continue;
        };
        let Some(key) = reader.required(&entry, "key", "a metadata entry") else {
            continue;
        };
        let values = reader.strings(&entry, "value", "a metadata entry");
        out.insert(key, values);
    }
    out
}

fn first<'a>(meta: &'a BTreeMap<String, Vec<String>>, key: &str) -> Option<&'a str> {
    meta.get(key).and_then(|v| v.first()).map(String::as_str)
}

/// Reads a Threat Composer file into a model.
pub fn import(file: &SourceFile) -> Loaded {
    let fail = |d: Diagnostic| Loaded {
        model: None,
        diagnostics: vec![d],
    };
    if file.text.trim().is_empty() {
        return fail(
            Diagnostic::error("threat-composer::empty", "the file is empty").in_file(&file.name),
        );
    }
    if let Some(d) = moat_model::json_syntax_error(file) {
        return fail(d);
    }
    let root = match moat_source::node::parse(file) {
        Ok(root) => root,
        Err(d) => return fail(*d),
    };
    let mut reader = Reader::new(file, "threat-composer");
    let Some(top) = reader.fields(&root, "the Threat Composer file", TOP) else {
        return Loaded {
            model: None,
            diagnostics: reader.diagnostics,
        };
    };
    if let Some(schema) = reader.number(&top, "schema", "the file")
        && schema > 1.0
        && let Some(node) = top.get("schema")
    {
        reader.warning(
            "schema",
            node.span,
            format!("schema version `{schema}` is newer than the version 1 Moat reads; fields may be missed"),
        );
    }

    let app = top
        .get("applicationInfo")
        .and_then(|n| reader.fields(n, "`applicationInfo`", &["name", "description"]));
    let name = app
        .as_ref()
        .and_then(|a| reader.string(a, "name", "`applicationInfo`"));
    let description = app
        .as_ref()
        .and_then(|a| reader.string(a, "description", "`applicationInfo`"));
    if let Some(n) = top.get("architecture") {
        reader.fields(n, "`architecture`", &["description", "image"]);
    }

    // the embedded model, when the file came from Moat
    let mut model: Option<Model> = None;
    if let Some(node) = top.get("dataflow")
        && let Some(flow) = reader.fields(node, "`dataflow`", &["description", "image"])
        && let Some(text) = reader.string(&flow, "description", "`dataflow`")
        && let Some(block) = embedded_model(&text)
    {
        let span = flow.get("description").map_or(flow.span, |n| n.span);
        model = load_embedded(&mut reader, block, span);
        if model.is_none() {
            // the block is there but broken: nothing sensible to fall back to
            return Loaded {
                model: None,
                diagnostics: reader.diagnostics,
            };
        }
    }
    let embedded = model.is_some();
    let mut model = model.unwrap_or_else(|| Model {
        name: name
            .clone()
            .unwrap_or_else(|| "Threat Composer model".to_string()),
        description: description.clone().unwrap_or_default(),
        ..Model::default()
    });

    let mut ids = IdAllocator::default();
    for e in &model.elements {
        ids.reserve(&e.id);
    }
    // (name, id) of the elements built from impacted assets, in order met
    let mut asset_ids: Vec<(String, String)> = Vec::new();
    let mut added: Vec<Decision> = Vec::new();
    for item in reader.list(&top, "threats", "the file") {
        let Some(threat) = reader.fields(item, "a threat", THREAT) else {
            continue;
        };
        let numeric = reader
            .number(&threat, "numericId", "a threat")
            .unwrap_or(0.0);
        let what = format!("threat {numeric}");
        reader.required(&threat, "id", &what);
        let meta = metadata(&mut reader, &threat, &what);
        let status = reader.string(&threat, "status", &what);
        let status_span = threat.get("status").map_or(threat.span, |n| n.span);
        if let Some(s) = &status
            && !matches!(
                s.as_str(),
                "threatIdentified" | "threatResolved" | "threatResolvedNotUseful"
            )
        {
            reader.error(status_span, format!("unknown threat status `{s}` (Threat Composer's are `threatIdentified`, `threatResolved` and `threatResolvedNotUseful`)"));
            continue;
        }
        for key in meta.keys() {
            if key.starts_with("custom:moat:")
                && ![
                    key::THREAT,
                    key::TARGET,
                    key::RESULT,
                    key::SEVERITY,
                    key::STATUS,
                    key::DECISION,
                    key::EVIDENCE,
                    key::COMPLIANCE,
                ]
                .contains(&key.as_str())
            {
                reader.warning(
                    "unknown-field",
                    threat.span,
                    format!("unknown metadata `{key}` on {what} is not read"),
                );
            }
        }
        let (Some(threat_id), Some(target)) =
            (first(&meta, key::THREAT), first(&meta, key::TARGET))
        else {
            let statement = reader
                .string(&threat, "statement", &what)
                .unwrap_or_default();
            reader.not_carried(
                threat.span,
                format!(
                    "{what} (`{}`) has no Moat threat id: Moat applies the threats of its catalog, so a threat written in Threat Composer is not carried",
                    clip(&statement, 80)
                ),
            );
            if !embedded {
                // its assets still become elements, so the model has something to assess
                for asset in reader.strings(&threat, "impactedAssets", &what) {
                    if !asset_ids.iter().any(|(name, _)| *name == asset) {
                        let id = ids.allocate(&asset);
                        asset_ids.push((asset, id));
                    }
                }
            }
            continue;
        };
        if !embedded
            && model.element(target).is_none()
            && !asset_ids.iter().any(|(_, id)| id == target)
        {
            let name = reader
                .strings(&threat, "impactedAssets", &what)
                .into_iter()
                .next()
                .unwrap_or_else(|| target.to_string());
            if ids.reserve(target) {
                asset_ids.push((name, target.to_string()));
            }
        }
        let Some(status) = status else { continue };
        let exported = first(&meta, key::STATUS).and_then(|s| {
            moat_engine::ThreatStatus::ALL
                .into_iter()
                .find(|t| t.as_str() == s)
        });
        let exported_decision = first(&meta, key::DECISION).and_then(DecisionStatus::parse);
        let changed = match exported {
            Some(before) => status_of(before) != status,
            // no status recorded: only a closing status says something
            None => status != "threatIdentified",
        };
        if changed
            && (embedded || status != "threatIdentified")
            && let Some(decided) = decision_of(&status, exported_decision)
        {
            let justification = format!("status set to `{status}` in Threat Composer");
            added.push(Decision {
                threats: vec![threat_id.to_string()],
                targets: vec![target.to_string()],
                status: decided,
                justification,
                ticket: None,
                date: None,
                checked_by: None,
                expires: None,
                location: Some(file.location(status_span)),
                span: None,
            });
        }
    }
    if !embedded {
        for (name, id) in asset_ids {
            model.elements.push(Element {
                id,
                name,
                kind: ElementKind::Process,
                description: String::new(),
                boundary: None,
                data: Vec::new(),
                attributes: Default::default(),
                implements: Vec::new(),
                tags: Vec::new(),
                properties: Default::default(),
                span: None,
            });
        }
        if !model.elements.is_empty() || top.get("threats").is_some() {
            reader.not_carried(
                top.span,
                "the file holds no Moat model (its dataflow description has no `moat-model` block): each impacted asset became a `process` element without flows or attributes, so threats may differ".to_string(),
            );
        }
    }
    model.decisions.extend(added);

    for item in reader.list(&top, "mitigations", "the file") {
        if let Some(m) = reader.fields(item, "a mitigation", ITEM) {
            let meta = metadata(&mut reader, &m, "a mitigation");
            if first(&meta, key::CONTROL).is_none() {
                let content = reader
                    .string(&m, "content", "a mitigation")
                    .unwrap_or_default();
                reader.not_carried(
                    m.span,
                    format!(
                        "mitigation `{}` is not a Moat catalog control, so it is not carried",
                        clip(&content, 80)
                    ),
                );
            }
        }
    }
    for item in reader.list(&top, "assumptions", "the file") {
        if let Some(a) = reader.fields(item, "an assumption", ITEM) {
            let meta = metadata(&mut reader, &a, "an assumption");
            if first(&meta, key::DECISION).is_none() {
                let content = reader
                    .string(&a, "content", "an assumption")
                    .unwrap_or_default();
                reader.not_carried(a.span, format!("assumption `{}` is not carried: a Moat model records decisions, not free assumptions", clip(&content, 80)));
            }
        }
    }
    for (key, known) in [
        ("mitigationLinks", &["mitigationId", "linkedId"][..]),
        ("assumptionLinks", &["type", "assumptionId", "linkedId"][..]),
    ] {
        for item in reader.list(&top, key, "the file") {
            reader.fields(item, &format!("an entry of `{key}`"), known);
        }
    }

    model.source = Some(file.name.to_string());
    model.incomplete.append(&mut reader.incomplete);
    if embedded {
        crate::clear_spans(&mut model);
        let failed = reader.diagnostics.iter().any(Diagnostic::is_error);
        return Loaded {
            model: (!failed).then_some(model),
            diagnostics: reader.diagnostics,
        };
    }
    crate::finish(reader, model)
}

/// The text of the fenced `moat-model` block, if the description has one.
pub fn embedded_model(description: &str) -> Option<&str> {
    let start = description.find(MODEL_FENCE)? + MODEL_FENCE.len();
    let rest = description.get(start..)?;
    let rest = rest
        .strip_prefix('\n')
        .or_else(|| rest.strip_prefix("\r\n"))?;
    let end = rest.find("\n```")?;
    rest.get(..end)
}

/// Loads the embedded JSON model with Moat's own loader; its diagnostics are
/// moved onto the description (the block's text is not the file's).
fn load_embedded(reader: &mut Reader<'_>, block: &str, span: Span) -> Option<Model> {
    let inner = SourceFile::new(
        format!("{} (moat-model block)", reader.file.name),
        block.to_string(),
    );
    let loaded = moat_model::load_file(&inner);
    for mut d in loaded.diagnostics {
        if let Some(l) = &d.location {
            d.message = format!(
                "in the embedded Moat model at {}:{}: {}",
                l.line, l.col, d.message
            );
        } else {
            d.message = format!("in the embedded Moat model: {}", d.message);
        }
        d.code = format!("threat-composer::{}", d.code);
        d.location = Some(reader.file.location(span));
        d.source = Some((reader.file.clone(), span));
        reader.diagnostics.push(d);
    }
    loaded.model
}
