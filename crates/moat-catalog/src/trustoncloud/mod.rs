//! Import of TrustOnCloud ThreatModel files (JSON, schema version 20240423):
//! feature classes, threats, control objectives and controls become Moat
//! catalog entries under their TrustOnCloud ids (`S3.FC1`, `S3.T1`, `S3.C1`),
//! which cannot collide with Moat's own ids.
//!
//! TrustOnCloud states no STRIDE category, likelihood or impact; they are
//! derived from each threat's CVSS 3.1 vector ([`stride_for`],
//! [`likelihood_and_impact`]). Descriptions are HTML and become Markdown-ish
//! text ([`html`]). The priorities TrustOnCloud states for each link are kept
//! in [`StatedPriority`] and can be recomputed with [`priority`].

pub mod html;
mod locate;
pub mod priority;
mod raw;

use crate::condition::compile_checked;
use crate::control::{Implementation, StatedPriority, Testing};
use crate::cvss::{Cvss, Metrics};
use crate::feature_class::Operation;
use crate::framework::Subset;
use crate::{
    Access, Catalog, CatalogThreat, Condition, Control, ControlType, Effort, FeatureClass,
    Framework, Mitigation, MitigationImpact, Requirement, Severity, Stride, TargetKind, Threat,
};
use locate::{Pair, Section};
use moat_model::{Diagnostic, ElementKind, SourceFile, Span};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The element kinds TrustOnCloud threats land on: wherever the service runs
/// or keeps data in a model.
pub const TARGET_KINDS: [ElementKind; 4] = [
    ElementKind::Server,
    ElementKind::Datastore,
    ElementKind::Process,
    ElementKind::Lambda,
];

/// The longest control name made from a description, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Loads a ThreatModel. `None` when the text is not JSON or not a ThreatModel
/// (one located error); otherwise the catalog holds every entry that passed,
/// and the diagnostics say what was left out and why.
/// Whether a JSON object's text is a TrustOnCloud ThreatModel: it names the
/// model's sections at its top level (cheap: no parse).
pub fn looks_like(text: &str) -> bool {
    [
        "\"feature_classes\"",
        "\"control_objectives\"",
        "\"threats\"",
    ]
    .iter()
    .all(|key| text.contains(key))
}

pub fn load(file: &SourceFile) -> (Option<Catalog>, Vec<Diagnostic>) {
    let text: &str = &file.text;
    let (base, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (text.len() - rest.len(), rest),
        None => (0, text),
    };
    let document: raw::Document = match serde_json::from_str(body) {
        Ok(document) => document,
        Err(error) => return (None, vec![json_error(file, base, body, &error)]),
    };
    let sections = locate::sections(body, base);
    let mut loader = Loader {
        file,
        diagnostics: Vec::new(),
        document_span: Span::new(base, base + 1),
    };
    let catalog = loader.read(&document, &sections);
    (catalog, loader.diagnostics)
}

/// A serde_json error at the line and column it names.
fn json_error(file: &SourceFile, base: usize, body: &str, error: &serde_json::Error) -> Diagnostic {
    let (code, what) = match error.classify() {
        serde_json::error::Category::Data => (
            "trustoncloud::not-a-threatmodel",
            "not a TrustOnCloud ThreatModel",
        ),
        _ => ("trustoncloud::json", "invalid JSON"),
    };
    let start = body.len() - body.trim_start().len();
    let top = body.get(start..).and_then(|rest| rest.chars().next());
    if code == "trustoncloud::not-a-threatmodel"
        && let Some(first) = top.filter(|c| *c != '{')
    {
        let kind = match first {
            '[' => "a list",
            '"' => "a string",
            't' | 'f' => "a boolean",
            'n' => "null",
            _ => "a number",
        };
        let span = Span::new(base + start, base + start + 1);
        return Diagnostic::error(
            code,
            format!("{what}: the document is {kind}, not an object with `metadata`, `threats`, `controls`..."),
        )
        .at(file, span);
    }
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    let offset = if error.line() == 0 {
        0
    } else {
        SourceFile::new("", body).offset(error.line(), error.column().max(1))
    };
    let span = Span::new(base + offset, base + offset + 1);
    Diagnostic::error(code, format!("{what}: {message}")).at(file, span)
}

struct Loader<'a> {
    file: &'a SourceFile,
    diagnostics: Vec<Diagnostic>,
    document_span: Span,
}

/// One entry of a section: its id, raw value and where it is.
struct Item<'a> {
    id: &'a str,
    value: &'a Value,
    place: Option<&'a locate::Entry>,
}

impl Item<'_> {
    fn span(&self, fallback: Span) -> Span {
        self.place.map_or(fallback, |p| p.pair.key_span)
    }

    fn field(&self, key: &str) -> Option<&Pair> {
        self.place?.fields.iter().find(|f| f.key == key)
    }
}

impl Loader<'_> {
    fn error(&mut self, code: &str, message: String, span: Span) {
        self.diagnostics
            .push(Diagnostic::error(code, message).at(self.file, span));
    }

    fn warning(&mut self, code: &str, message: String, span: Span) {
        self.diagnostics
            .push(Diagnostic::warning(code, message).at(self.file, span));
    }

    fn item_span(&self, item: &Item) -> Span {
        item.span(self.document_span)
    }

    /// Where `field` of `item` is, or the item when the field cannot be found.
    fn field_span(&self, item: &Item, field: &str) -> Span {
        item.field(field)
            .map_or_else(|| self.item_span(item), |f| f.value_span)
    }

    /// Where the string `needle` is inside `field` of `item`, else the field.
    fn value_span(&self, item: &Item, field: &str, needle: &str) -> Span {
        let span = self.field_span(item, field);
        let quoted = serde_json::to_string(needle).unwrap_or_default();
        let (start, end) = (span.start as usize, span.end as usize);
        self.file
            .text
            .get(start..end)
            .and_then(|text| text.find(&quoted))
            .map_or(span, |i| Span::new(start + i, start + i + quoted.len()))
    }

    /// The entries of a section with their places; duplicates are reported
    /// and dropped.
    fn items<'a>(
        &mut self,
        entries: &'a raw::Entries,
        sections: &'a [Section],
        name: &str,
    ) -> Vec<Item<'a>> {
        let places = sections
            .iter()
            .find(|s| s.pair.key == name)
            .map(|s| s.entries.as_slice())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (index, (id, value)) in entries.0.iter().enumerate() {
            let place = places.get(index).filter(|p| p.pair.key == *id);
            let item = Item {
                id: id.as_str(),
                value,
                place,
            };
            if !seen.insert(id.as_str()) {
                let span = self.item_span(&item);
                self.error(
                    "trustoncloud::duplicate-id",
                    format!("`{id}` is defined twice in `{name}`; the second is ignored"),
                    span,
                );
                continue;
            }
            out.push(item);
        }
        out
    }

    /// Reads an entry as `T`; a mismatch is an error at the entry.
    fn parse<T: DeserializeOwned>(&mut self, item: &Item) -> Option<T> {
        match T::deserialize(item.value) {
            Ok(value) => Some(value),
            Err(error) => {
                let span = self.item_span(item);
                self.error(
                    "trustoncloud::invalid-entry",
                    format!("`{}`: {error}", item.id),
                    span,
                );
                None
            }
        }
    }

    fn read(&mut self, document: &raw::Document, sections: &[Section]) -> Option<Catalog> {
        let service = document.metadata.service.trim().to_ascii_lowercase();
        if service.is_empty()
            || !service
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            let span = sections
                .iter()
                .find(|s| s.pair.key == "metadata")
                .map_or(self.document_span, |s| s.pair.value_span);
            self.error(
                "trustoncloud::not-a-threatmodel",
                format!(
                    "not a TrustOnCloud ThreatModel: `metadata.service` must be a service name such as `S3`, found `{}`",
                    document.metadata.service
                ),
                span,
            );
            return None;
        }
        let mut catalog = Catalog {
            sources: vec![self.file.name.to_string()],
            ..Default::default()
        };
        let actions = self.actions(document, sections);
        catalog.feature_classes = self.feature_classes(document, sections, &service, &actions);
        let (threats, retired_threats) = self.threats(document, sections, &service);
        catalog.threats = threats;
        let objectives = self.objectives(document, sections);
        catalog.controls = self.controls(document, sections, &objectives, &retired_threats);
        catalog.frameworks = vec![scf_framework(&document.metadata.scf_version, &objectives)];
        Some(catalog)
    }

    fn actions(
        &mut self,
        document: &raw::Document,
        sections: &[Section],
    ) -> BTreeMap<String, Vec<raw::Action>> {
        let mut by_class: BTreeMap<String, Vec<raw::Action>> = BTreeMap::new();
        for item in self.items(&document.actions, sections, "actions") {
            if let Some(action) = self.parse::<raw::Action>(&item) {
                by_class
                    .entry(action.feature_class.trim().to_string())
                    .or_default()
                    .push(action);
            }
        }
        by_class
    }

    fn feature_classes(
        &mut self,
        document: &raw::Document,
        sections: &[Section],
        service: &str,
        actions: &BTreeMap<String, Vec<raw::Action>>,
    ) -> Vec<FeatureClass> {
        let mut out = Vec::new();
        for item in self.items(&document.feature_classes, sections, "feature_classes") {
            let Some(fc) = self.parse::<raw::FeatureClass>(&item) else {
                continue;
            };
            if fc.retired.0 {
                continue;
            }
            let mut parents = Vec::new();
            let mut uses = Vec::new();
            for relationship in &fc.class_relationship {
                let class = relationship.class.trim().to_string();
                match relationship.kind.trim().to_ascii_lowercase().as_str() {
                    "parent" => parents.push(class),
                    "usage" | "uses" => uses.push(class),
                    other => {
                        let span = self.value_span(&item, "class_relationship", &relationship.kind);
                        self.warning(
                            "trustoncloud::unknown-relationship",
                            format!(
                                "feature class `{}`: unknown relationship type `{other}` to `{class}` is ignored (expected `parent` or `usage`)",
                                item.id
                            ),
                            span,
                        );
                    }
                }
            }
            let mut description = html::to_markdown(&fc.description);
            let long = html::to_markdown(&fc.long_description);
            if !long.is_empty() {
                if !description.is_empty() {
                    description.push_str("\n\n");
                }
                description.push_str(&long);
            }
            let entries = actions.get(item.id).map(Vec::as_slice).unwrap_or_default();
            let permissions: BTreeSet<String> = entries
                .iter()
                .flat_map(|a| a.iam_permission.split(','))
                .map(str::trim)
                .filter(|p| !p.is_empty() && *p != "-")
                .map(str::to_string)
                .collect();
            let operations = entries
                .iter()
                .map(|a| Operation {
                    api: a.api.trim().to_string(),
                    iam_permission: a.iam_permission.trim().to_string(),
                    event_name: a.event_name.trim().to_string(),
                    description: html::to_markdown(&a.action_description),
                })
                .collect();
            out.push(FeatureClass {
                id: item.id.to_string(),
                name: html::to_plain(&fc.name),
                service: service.to_string(),
                description,
                parents,
                uses,
                present_on: Vec::new(),
                trustoncloud: vec![item.id.to_string()],
                actions: permissions.into_iter().collect(),
                operations,
                references: Vec::new(),
                location: Some(self.file.location(self.item_span(&item))),
            });
        }
        out
    }

    /// The threats, and the ids of the retired ones (links to them are dropped).
    fn threats(
        &mut self,
        document: &raw::Document,
        sections: &[Section],
        service: &str,
    ) -> (Vec<CatalogThreat>, BTreeSet<String>) {
        let kinds: Vec<TargetKind> = TARGET_KINDS.into_iter().map(TargetKind::Element).collect();
        let condition = format!("target.service == \"{service}\"");
        let mut out = Vec::new();
        let mut retired = BTreeSet::new();
        for item in self.items(&document.threats, sections, "threats") {
            let Some(threat) = self.parse::<raw::Threat>(&item) else {
                continue;
            };
            if threat.retired.0 {
                retired.insert(item.id.to_string());
                continue;
            }
            if let Some(read) = self.threat(&item, &threat, &kinds, &condition) {
                out.push(read);
            }
        }
        (out, retired)
    }

    fn threat(
        &mut self,
        item: &Item,
        threat: &raw::Threat,
        kinds: &[TargetKind],
        condition: &str,
    ) -> Option<CatalogThreat> {
        let id = item.id;
        let metrics = match Metrics::parse(&threat.cvss) {
            Ok(metrics) => metrics,
            Err(message) => {
                let span = self.field_span(item, "cvss");
                self.error(
                    "trustoncloud::invalid-value",
                    format!("threat `{id}`: {message}"),
                    span,
                );
                return None;
            }
        };
        let cvss = Cvss::scored(&threat.cvss, &metrics);
        if let Some(stated) = threat.cvss_score
            && (stated - cvss.score).abs() > 0.05
        {
            let span = self.field_span(item, "cvss_score");
            self.warning(
                "trustoncloud::cvss-score",
                format!(
                    "threat `{id}`: `cvss_score` is {stated} but the vector `{}` scores {}",
                    cvss.vector, cvss.score
                ),
                span,
            );
        }
        let access = match Access::from_value(&normalize_access(&threat.access)) {
            Ok(access) => access,
            Err(message) => {
                let span = self.field_span(item, "access");
                self.error(
                    "trustoncloud::invalid-value",
                    format!("threat `{id}`: `access`: {message}"),
                    span,
                );
                return None;
            }
        };
        let program = match compile_checked(condition, kinds) {
            Ok(program) => program,
            Err(error) => {
                let span = self.item_span(item);
                self.error(
                    "trustoncloud::invalid-value",
                    format!(
                        "threat `{id}`: cannot build its condition: {}",
                        error.message
                    ),
                    span,
                );
                return None;
            }
        };
        let stride = stride_for(&threat.hlgoal, &metrics);
        let (likelihood, impact) = likelihood_and_impact(&metrics);
        let severity = if cvss.rating == "none" {
            Severity::Info
        } else {
            Severity::parse(&cvss.rating).unwrap_or(Severity::Medium)
        };
        let mitre_attack = threat
            .mitre_attack
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let feature_class = threat.feature_class.trim();
        Some(CatalogThreat {
            threat: Threat {
                id: id.to_string(),
                name: html::to_plain(&threat.name),
                stride,
                feature_class: (!feature_class.is_empty()).then(|| feature_class.to_string()),
                description: html::to_markdown(&threat.description),
                example: String::new(),
                likelihood,
                impact,
                severity,
                applies_to: kinds.to_vec(),
                applies_when: Some(condition.to_string()),
                applies_to_managed_services: true,
                feature_use: None,
                mitigations: Vec::new(),
                controls: Vec::new(),
                access,
                mitre_attack,
                trustoncloud: vec![id.to_string()],
                cvss: Some(cvss),
                references: Vec::new(),
                location: Some(self.file.location(self.item_span(item))),
            },
            condition: Some(Condition {
                source: condition.to_string(),
                program,
            }),
        })
    }

    fn objectives(&mut self, document: &raw::Document, sections: &[Section]) -> Vec<Objective> {
        let mut out = Vec::new();
        for item in self.items(&document.control_objectives, sections, "control_objectives") {
            let Some(objective) = self.parse::<raw::Objective>(&item) else {
                continue;
            };
            out.push(Objective {
                id: item.id.to_string(),
                description: html::to_markdown(&objective.description),
                title: html::to_plain(&objective.description),
                scf: objective
                    .scf
                    .iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                retired: objective.retired.0,
            });
        }
        out
    }

    fn controls(
        &mut self,
        document: &raw::Document,
        sections: &[Section],
        objectives: &[Objective],
        retired_threats: &BTreeSet<String>,
    ) -> Vec<Control> {
        let mut out = Vec::new();
        for item in self.items(&document.controls, sections, "controls") {
            let Some(control) = self.parse::<raw::Control>(&item) else {
                continue;
            };
            if control.retired.0 {
                continue;
            }
            if let Some(read) = self.control(&item, &control, objectives, retired_threats) {
                out.push(read);
            }
        }
        out
    }

    fn control(
        &mut self,
        item: &Item,
        control: &raw::Control,
        objectives: &[Objective],
        retired_threats: &BTreeSet<String>,
    ) -> Option<Control> {
        let id = item.id;
        let mut failed = false;
        let kind = control_type(&control.coso);
        if kind.is_none() {
            let span = self.field_span(item, "coso");
            self.error(
                "trustoncloud::invalid-value",
                format!(
                    "control `{id}`: unknown `coso` type `{}` (expected `Preventative`, `Detective`, `Corrective`, `Directive` or `Assurance`)",
                    control.coso
                ),
                span,
            );
            failed = true;
        }
        let effort = Effort::parse(&control.effort);
        if effort.is_none() {
            let span = self.field_span(item, "effort");
            self.error(
                "trustoncloud::invalid-value",
                format!(
                    "control `{id}`: unknown effort `{}` (expected `Very Low`, `Low`, `Medium`, `High` or `Very High`)",
                    control.effort
                ),
                span,
            );
            failed = true;
        }
        let objective_id = control.objective.trim();
        let objective = objectives.iter().find(|o| o.id == objective_id);
        if objective.is_none() {
            let span = self.value_span(item, "objective", &control.objective);
            self.error(
                "trustoncloud::unknown-objective",
                format!("control `{id}`: unknown control objective `{objective_id}`"),
                span,
            );
            failed = true;
        }
        let mut mitigates = Vec::new();
        for link in &control.mitigate {
            let threat = link.threat.trim();
            if retired_threats.contains(threat) {
                continue;
            }
            let Some(impact) = MitigationImpact::parse(&link.impact) else {
                let span = self.value_span(item, "mitigate", &link.impact);
                self.error(
                    "trustoncloud::invalid-value",
                    format!(
                        "control `{id}`: unknown impact `{}` on threat `{threat}` (expected `Very Low`, `Low`, `Medium`, `High` or `Very High`)",
                        link.impact
                    ),
                    span,
                );
                failed = true;
                continue;
            };
            let stated = match (link.priority, link.priority_overall) {
                (Some(priority), Some(priority_overall)) => Some(StatedPriority {
                    priority,
                    priority_overall,
                    max_dependency: link.max_dependency.map(priority::dependency_label),
                    cvss: link.cvss.trim().to_string(),
                }),
                _ => None,
            };
            mitigates.push(Mitigation {
                threat: threat.to_string(),
                impact,
                stated,
            });
        }
        let (Some(kind), Some(effort), Some(objective)) = (kind, effort, objective) else {
            return None;
        };
        if failed {
            return None;
        }
        let description = html::to_markdown(&control.description);
        let mut compliance = BTreeMap::new();
        if !objective.scf.is_empty() {
            compliance.insert("scf".to_string(), objective.scf.clone());
        }
        Some(Control {
            id: id.to_string(),
            name: short_title(&html::to_plain(&control.description), MAX_NAME_CHARS),
            objective: objective.description.clone(),
            objective_id: Some(objective.id.clone()),
            feature_classes: control
                .feature_class
                .iter()
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect(),
            kind,
            effort,
            implementation: Implementation {
                description,
                ..Default::default()
            },
            testing: Testing {
                description: html::to_markdown(&control.testing),
                commands: Vec::new(),
            },
            actions: Vec::new(),
            checks: Vec::new(),
            mitigates,
            depends_on: control.depends_on.0.clone(),
            assured_by: control.assured_by.0.clone(),
            compliance,
            supports: BTreeMap::new(),
            stated_priority: control
                .weighted_priority
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            references: Vec::new(),
            location: Some(self.file.location(self.item_span(item))),
        })
    }
}

/// A control objective, as controls need it.
struct Objective {
    id: String,
    /// Markdown-ish, for controls.
    description: String,
    /// Plain text, for requirement titles.
    title: String,
    scf: Vec<String>,
    retired: bool,
}

/// The Secure Controls Framework ids the objectives cite, each titled with
/// the objectives that cite it.
fn scf_framework(version: &str, objectives: &[Objective]) -> Framework {
    let mut titles: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for objective in objectives.iter().filter(|o| !o.retired) {
        for id in &objective.scf {
            let entry = titles.entry(id.as_str()).or_default();
            let title = objective.title.as_str();
            if !title.is_empty() && !entry.contains(&title) {
                entry.push(title);
            }
        }
    }
    Framework {
        id: "scf".to_string(),
        name: "Secure Controls Framework".to_string(),
        version: version.trim().to_string(),
        url: "https://securecontrolsframework.com/".to_string(),
        requirements: titles
            .into_iter()
            .map(|(id, titles)| Requirement {
                id: id.to_string(),
                title: titles.join("; "),
                severity: None,
                retired: false,
            })
            .collect(),
        subset: Some(Subset {
            selection: "the SCF controls that the model's control objectives cite".to_string(),
            total: None,
        }),
        location: None,
    }
}

/// TrustOnCloud's COSO words as Moat control types. `Assurance` controls check
/// that another control is still in place and alert when it is not, which is
/// detection, so they read as [`ControlType::Detective`].
pub fn control_type(coso: &str) -> Option<ControlType> {
    if coso.trim().eq_ignore_ascii_case("assurance") {
        return Some(ControlType::Detective);
    }
    ControlType::parse(coso)
}

/// The schema allows `OPTIONAL` to hold a list (each item optional), which
/// [`Access`] reads as `AND` of `OPTIONAL` items.
fn normalize_access(value: &Value) -> Value {
    fn walk(value: &Value, depth: usize) -> Value {
        if depth > 40 {
            return value.clone();
        }
        match value {
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (key, inner) in map {
                    if key == "OPTIONAL"
                        && let Value::Array(items) = inner
                        && map.len() == 1
                    {
                        let items: Vec<Value> = items
                            .iter()
                            .map(|i| {
                                let mut one = serde_json::Map::new();
                                one.insert("OPTIONAL".to_string(), walk(i, depth + 1));
                                Value::Object(one)
                            })
                            .collect();
                        if items.len() == 1 {
                            return items.into_iter().next().unwrap_or(Value::Null);
                        }
                        out.insert("AND".to_string(), Value::Array(items));
                        continue;
                    }
                    out.insert(key.clone(), walk(inner, depth + 1));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(|i| walk(i, depth + 1)).collect()),
            other => other.clone(),
        }
    }
    walk(value, 0)
}

/// A STRIDE category for a TrustOnCloud threat, which states none. The rule
/// reads the threat's goal (`hlgoal`) and its CVSS impact metrics, first match wins:
///
/// 1. goal `DoS` or `FinancialDrain` (running up the bill denies the service
///    its budget) -> denial of service;
/// 2. availability impact above both confidentiality and integrity -> denial of service;
/// 3. goal `LaunchAttack` with a changed scope (the attack reaches past the
///    component's own authority) -> elevation of privilege;
/// 4. confidentiality above integrity -> information disclosure;
///    integrity above confidentiality -> tampering;
/// 5. a tie: goal `DataTheft` or `FinancialGain` -> information disclosure,
///    anything else -> tampering.
///
/// Spoofing and repudiation are never derived: no CVSS metric tells them apart.
pub fn stride_for(hlgoal: &str, metrics: &Metrics) -> Stride {
    let goal = hlgoal.trim().to_ascii_lowercase();
    let (c, i, a) = (
        metrics.confidentiality,
        metrics.integrity,
        metrics.availability,
    );
    if matches!(goal.as_str(), "dos" | "financialdrain") || a > c.max(i) {
        return Stride::DenialOfService;
    }
    if goal == "launchattack" && metrics.scope_changed {
        return Stride::ElevationOfPrivilege;
    }
    match c.cmp(&i) {
        std::cmp::Ordering::Greater => Stride::InformationDisclosure,
        std::cmp::Ordering::Less => Stride::Tampering,
        std::cmp::Ordering::Equal => {
            if matches!(goal.as_str(), "datatheft" | "financialgain") {
                Stride::InformationDisclosure
            } else {
                Stride::Tampering
            }
        }
    }
}

/// Likelihood and impact on Moat's 1-5 scales from the CVSS sub-scores, each
/// cut into five equal bands of its range:
///
/// - likelihood from the exploitability sub-score (0.12..3.89), bands 0.78
///   wide: below 0.78 -> 1, below 1.56 -> 2, below 2.34 -> 3, below 3.12 -> 4,
///   else 5 (network, low complexity, no privileges, no user action);
/// - impact from the impact sub-score (0..6.05), bands 1.2 wide: below 1.2 ->
///   1, below 2.4 -> 2, below 3.6 -> 3, below 4.8 -> 4, else 5 (one high
///   C/I/A metric alone gives 3, two give 5).
pub fn likelihood_and_impact(metrics: &Metrics) -> (u8, u8) {
    fn band(value: f64, width: f64) -> u8 {
        let mut level = 1;
        while level < 5 && value >= width * f64::from(level) {
            level += 1;
        }
        level
    }
    (
        band(metrics.exploitability, 0.78),
        band(metrics.impact, 1.2),
    )
}

/// A short name from a description: its first sentence without asides in
/// parentheses, at most `max` characters, cut at a word boundary with `…`.
pub fn short_title(text: &str, max: usize) -> String {
    let first = first_sentence(text);
    let mut title = String::new();
    let mut depth = 0usize;
    for c in first.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => title.push(c),
            _ => {}
        }
    }
    let mut title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    // an aside removed before a comma or the end leaves ` ,`
    title = title.replace(" ,", ",").replace(" ;", ";");
    let title = title
        .trim_end_matches(['.', ',', ';', ':', ' '])
        .to_string();
    if title.is_empty() {
        return first.chars().take(max).collect();
    }
    if title.chars().count() <= max {
        return title;
    }
    let limit = max.saturating_sub(1);
    let cut: String = title.chars().take(limit + 1).collect();
    let end = match cut.rfind(' ') {
        Some(i) if i > 0 => i,
        _ => cut.char_indices().nth(limit).map_or(cut.len(), |(i, _)| i),
    };
    let head = cut.get(..end).unwrap_or(&cut);
    format!("{}…", head.trim_end_matches(['.', ',', ';', ':', ' ', '-']))
}

/// The text up to the end of its first sentence (a `.`, `!` or `?` before
/// white space, not ending an abbreviation such as `e.g.`).
fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    let line_end = text.find('\n').unwrap_or(text.len());
    let text = text.get(..line_end).unwrap_or(text);
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let after = text.get(i + 1..).unwrap_or("");
        if !after.is_empty() && !after.starts_with(char::is_whitespace) {
            continue;
        }
        let before = text.get(..i).unwrap_or("");
        let word = before
            .rsplit(|ch: char| ch.is_whitespace() || ch == '(')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if c == '.'
            && (matches!(word.as_str(), "e.g" | "i.e" | "etc" | "vs" | "approx") || word.len() == 1)
        {
            continue;
        }
        return before;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(vector: &str) -> Metrics {
        Metrics::parse(vector).unwrap()
    }

    #[test]
    fn stride_follows_the_documented_rule() {
        let v = |cia: &str, s: &str| metrics(&format!("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:{s}/{cia}"));
        assert_eq!(
            stride_for("DataTheft", &v("C:H/I:N/A:N", "U")),
            Stride::InformationDisclosure
        );
        assert_eq!(
            stride_for("DataTheft", &v("C:L/I:H/A:N", "U")),
            Stride::Tampering
        );
        assert_eq!(
            stride_for("DataManipulation", &v("C:H/I:H/A:N", "U")),
            Stride::Tampering
        );
        assert_eq!(
            stride_for("DataTheft", &v("C:H/I:H/A:N", "U")),
            Stride::InformationDisclosure
        );
        assert_eq!(
            stride_for("LaunchAttack", &v("C:N/I:L/A:H", "U")),
            Stride::DenialOfService
        );
        assert_eq!(
            stride_for("FinancialDrain", &v("C:N/I:L/A:N", "U")),
            Stride::DenialOfService
        );
        assert_eq!(
            stride_for("LaunchAttack", &v("C:N/I:H/A:N", "C")),
            Stride::ElevationOfPrivilege
        );
        assert_eq!(
            stride_for("LaunchAttack", &v("C:N/I:H/A:N", "U")),
            Stride::Tampering
        );
    }

    #[test]
    fn likelihood_and_impact_bands() {
        let top = metrics("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        assert_eq!(likelihood_and_impact(&top), (5, 5));
        let low = metrics("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N");
        assert_eq!(likelihood_and_impact(&low), (1, 2));
        let none = metrics("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N");
        assert_eq!(likelihood_and_impact(&none), (5, 1));
        let one_high = metrics("CVSS:3.1/AV:A/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N");
        assert_eq!(likelihood_and_impact(&one_high), (2, 3));
    }

    #[test]
    fn titles_are_short_first_sentences() {
        assert_eq!(
            short_title("Turn on versioning for every bucket. Then check it.", 80),
            "Turn on versioning for every bucket"
        );
        assert_eq!(
            short_title(
                "Require TLS (e.g. with a bucket policy on aws:SecureTransport) for all callers.",
                80
            ),
            "Require TLS for all callers"
        );
        assert_eq!(
            short_title("Use e.g. tags to group buckets. More.", 80),
            "Use e.g. tags to group buckets"
        );
        let long = "Review every week which principals outside the organization can reach each bucket through its policy and access points";
        let title = short_title(long, 80);
        assert!(title.chars().count() <= 80, "{title}");
        assert!(title.ends_with('…'));
        assert!(long.starts_with(title.trim_end_matches('…')));
        assert_eq!(short_title("", 80), "");
        assert_eq!(short_title("(only an aside)", 80), "(only an aside)");
        assert_eq!(short_title("Averyveryverylongword", 10), "Averyvery…");
    }

    #[test]
    fn optional_lists_become_optional_items() {
        let value = serde_json::json!({"OPTIONAL": ["s3:GetObject", "s3:GetObjectAcl"]});
        let access = Access::from_value(&normalize_access(&value))
            .unwrap()
            .unwrap();
        assert_eq!(
            access.to_string(),
            "optional(s3:GetObject) AND optional(s3:GetObjectAcl)"
        );
        let one = serde_json::json!({"AND": ["s3:PutObject", {"OPTIONAL": ["s3:PutObjectAcl"]}]});
        let access = Access::from_value(&normalize_access(&one))
            .unwrap()
            .unwrap();
        assert_eq!(
            access.to_string(),
            "s3:PutObject AND optional(s3:PutObjectAcl)"
        );
    }

    #[test]
    fn assurance_reads_as_detective() {
        assert_eq!(control_type("Assurance"), Some(ControlType::Detective));
        assert_eq!(control_type("Preventative"), Some(ControlType::Preventive));
        assert_eq!(control_type("Whatever"), None);
    }
}
