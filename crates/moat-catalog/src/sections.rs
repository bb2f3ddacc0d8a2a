//! Reading the `feature_classes`, `controls` and `framework` sections of a YAML
//! catalog. Each entry is read on its own, so one bad entry costs only itself;
//! every problem is located at the key or value a user must edit.

use crate::control::{Control, ControlType, Effort, Implementation, Mitigation, Testing};
use crate::feature_class::FeatureClass;
use crate::framework::{Framework, Requirement, Subset};
use crate::spanned_yaml::{Mapping, span_of};
use crate::types::MitigationImpact;
use moat_model::{Diagnostic, SourceFile};
use moat_source::diag::did_you_mean;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// Reads one entry as `T` (a struct whose fields are all optional), reporting
/// unknown keys with a suggestion and a value of the wrong shape at that value.
fn read_entry<T: DeserializeOwned>(
    file: &SourceFile,
    what: &str,
    entry: &Spanned<Mapping>,
    keys: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(T, String)> {
    let label = match entry.value.get("id").map(|n| &n.value) {
        Some(Value::String(id)) if !id.trim().is_empty() => format!("{what} `{id}`"),
        _ => what.to_string(),
    };
    let mut ok = true;
    let mut object = serde_json::Map::new();
    for e in &entry.value.entries {
        let key = e.key.value.as_str();
        if !keys.contains(&key) {
            let suggestion = did_you_mean(key, keys.iter().copied())
                .map(|t| format!(", {t}"))
                .unwrap_or_default();
            diagnostics.push(
                Diagnostic::error(
                    "catalog::unknown-key",
                    format!("{label}: unknown key `{key}`{suggestion}"),
                )
                .at(file, span_of(file, &e.key.referenced)),
            );
            ok = false;
            continue;
        }
        if object.contains_key(key) {
            diagnostics.push(
                Diagnostic::error(
                    "catalog::duplicate-key",
                    format!("{label}: `{key}` is given twice"),
                )
                .at(file, span_of(file, &e.key.referenced)),
            );
            ok = false;
            continue;
        }
        // each value alone, so a type error points at it
        let single =
            Value::Object(std::iter::once((key.to_string(), e.value.value.clone())).collect());
        if let Err(error) = serde_json::from_value::<T>(single) {
            diagnostics.push(
                Diagnostic::error(
                    "catalog::invalid-value",
                    format!("{label}: `{key}`: {}", strip_position(&error.to_string())),
                )
                .at(file, span_of(file, &e.value.referenced)),
            );
            ok = false;
            continue;
        }
        object.insert(key.to_string(), e.value.value.clone());
    }
    if !ok {
        return None;
    }
    match serde_json::from_value::<T>(Value::Object(object)) {
        Ok(value) => Some((value, label)),
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(
                    "catalog::invalid-value",
                    format!("{label}: {}", strip_position(&error.to_string())),
                )
                .at(file, span_of(file, &entry.referenced)),
            );
            None
        }
    }
}

/// serde_json appends "at line 1 column 2" of the temporary JSON, which means nothing here.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message.to_string(),
    }
}

/// Collects "missing `key`" errors for required fields.
struct Required<'a> {
    file: &'a SourceFile,
    entry: &'a serde_saphyr::Location,
    label: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
    ok: bool,
}

impl<'a> Required<'a> {
    fn new(
        file: &'a SourceFile,
        entry: &'a Spanned<Mapping>,
        label: &'a str,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Required {
            file,
            entry: &entry.referenced,
            label,
            diagnostics,
            ok: true,
        }
    }

    fn take<T>(&mut self, key: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.ok = false;
            self.diagnostics.push(
                Diagnostic::error(
                    "catalog::missing-key",
                    format!("{}: missing `{key}`", self.label),
                )
                .at(self.file, span_of(self.file, self.entry)),
            );
        }
        value
    }

    fn error(&mut self, message: String) {
        self.ok = false;
        self.diagnostics.push(
            Diagnostic::error(
                "catalog::invalid-value",
                format!("{}: {message}", self.label),
            )
            .at(self.file, span_of(self.file, self.entry)),
        );
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeatureClass {
    id: Option<String>,
    name: Option<String>,
    service: Option<String>,
    description: Option<String>,
    #[serde(default)]
    parents: Vec<String>,
    #[serde(default)]
    uses: Vec<String>,
    #[serde(default)]
    present_on: Vec<String>,
    #[serde(default)]
    trustoncloud: Vec<String>,
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
}

const FEATURE_CLASS_KEYS: &[&str] = &[
    "id",
    "name",
    "service",
    "description",
    "parents",
    "uses",
    "present_on",
    "trustoncloud",
    "actions",
    "references",
];

pub fn feature_class(
    file: &SourceFile,
    entry: &Spanned<Mapping>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FeatureClass> {
    let (raw, label) = read_entry::<RawFeatureClass>(
        file,
        "feature class",
        entry,
        FEATURE_CLASS_KEYS,
        diagnostics,
    )?;
    let mut req = Required::new(file, entry, &label, diagnostics);
    let id = req.take("id", non_empty(raw.id));
    if let Some(id) = &id
        && !is_feature_class_id(id)
    {
        req.error(format!(
            "id `{id}` does not have the form `FC-<SERVICE>[-<NAME>]`"
        ));
    }
    let name = req.take("name", non_empty(raw.name));
    let service = req.take("service", non_empty(raw.service));
    let description = req.take("description", non_empty(raw.description));
    if !req.ok {
        return None;
    }
    Some(FeatureClass {
        id: id?,
        name: name?,
        service: service?,
        description: description?,
        parents: raw.parents,
        uses: raw.uses,
        present_on: raw.present_on,
        trustoncloud: raw.trustoncloud,
        actions: raw.actions,
        operations: Vec::new(),
        references: raw.references,
        location: Some(file.location(span_of(file, &entry.referenced))),
    })
}

/// `FC-S3-BUCKET`, `FC-KMS`: upper-case words joined by hyphens after `FC-`.
pub fn is_feature_class_id(id: &str) -> bool {
    id.strip_prefix("FC-").is_some_and(|rest| {
        !rest.is_empty()
            && rest.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            })
    })
}

/// `C-S3-001`.
pub fn is_control_id(id: &str) -> bool {
    id.strip_prefix("C-S3-")
        .is_some_and(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImplementation {
    description: String,
    cloudformation: Option<String>,
    terraform: Option<String>,
    cdk: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTesting {
    description: String,
    #[serde(default)]
    commands: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMitigation {
    threat: String,
    impact: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    id: Option<String>,
    name: Option<String>,
    objective: Option<String>,
    feature_classes: Option<Vec<String>>,
    #[serde(rename = "type")]
    kind: Option<String>,
    effort: Option<String>,
    implementation: Option<RawImplementation>,
    testing: Option<RawTesting>,
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    checks: Vec<String>,
    #[serde(default)]
    mitigates: Vec<RawMitigation>,
    #[serde(default)]
    depends_on: Vec<String>,
    #[serde(default)]
    assured_by: Vec<String>,
    #[serde(default)]
    compliance: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    supports: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    references: Vec<String>,
}

const CONTROL_KEYS: &[&str] = &[
    "id",
    "name",
    "objective",
    "feature_classes",
    "type",
    "effort",
    "implementation",
    "testing",
    "actions",
    "checks",
    "mitigates",
    "depends_on",
    "assured_by",
    "compliance",
    "supports",
    "references",
];

pub fn control(
    file: &SourceFile,
    entry: &Spanned<Mapping>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Control> {
    let (raw, label) = read_entry::<RawControl>(file, "control", entry, CONTROL_KEYS, diagnostics)?;
    let mut req = Required::new(file, entry, &label, diagnostics);
    let id = req.take("id", non_empty(raw.id));
    if let Some(id) = &id
        && !is_control_id(id)
    {
        req.error(format!("id `{id}` does not have the form `C-S3-NNN`"));
    }
    let name = req.take("name", non_empty(raw.name));
    let objective = req.take("objective", non_empty(raw.objective));
    let feature_classes = req.take("feature_classes", raw.feature_classes);
    let kind = req.take("type", raw.kind).and_then(|text| {
        let parsed = ControlType::parse(&text);
        if parsed.is_none() {
            let suggestion = did_you_mean(&text, ControlType::ALL.iter().map(|t| t.as_str()))
                .map(|t| format!(", {t}"))
                .unwrap_or_default();
            req.error(format!("unknown control type `{text}`{suggestion}"));
        }
        parsed
    });
    let effort = req.take("effort", raw.effort).and_then(|text| {
        let parsed = Effort::parse(&text);
        if parsed.is_none() {
            req.error(format!(
                "unknown effort `{text}` (expected very_low, low, medium, high or very_high)"
            ));
        }
        parsed
    });
    let implementation = req.take("implementation", raw.implementation);
    let testing = req.take("testing", raw.testing);
    let mut mitigates = Vec::with_capacity(raw.mitigates.len());
    for link in raw.mitigates {
        match MitigationImpact::parse(&link.impact) {
            Some(impact) => mitigates.push(Mitigation {
                threat: link.threat,
                impact,
                stated: None,
            }),
            None => req.error(format!(
                "unknown impact `{}` for `{}` (expected low, medium, high or full)",
                link.impact, link.threat
            )),
        }
    }
    for (framework, ids) in &raw.supports {
        let satisfied = raw.compliance.get(framework);
        for id in ids
            .iter()
            .filter(|id| satisfied.is_some_and(|s| s.contains(id)))
        {
            req.error(format!(
                "`{framework}` requirement `{id}` is under both `compliance` and `supports`; a control either satisfies a requirement or supports it"
            ));
        }
    }
    if !req.ok {
        return None;
    }
    let implementation = implementation?;
    let testing = testing?;
    Some(Control {
        id: id?,
        name: name?,
        objective: objective?,
        objective_id: None,
        feature_classes: feature_classes?,
        kind: kind?,
        effort: effort?,
        implementation: Implementation {
            description: implementation.description,
            cloudformation: implementation.cloudformation,
            terraform: implementation.terraform,
            cdk: implementation.cdk,
        },
        testing: Testing {
            description: testing.description,
            commands: testing.commands,
        },
        actions: raw.actions,
        checks: raw.checks,
        mitigates,
        depends_on: raw.depends_on,
        assured_by: raw.assured_by,
        compliance: raw.compliance,
        supports: raw.supports,
        stated_priority: None,
        references: raw.references,
        location: Some(file.location(span_of(file, &entry.referenced))),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    id: Option<String>,
    name: Option<String>,
    #[serde(default)]
    version: String,
    #[serde(default)]
    url: String,
    requirements: Option<Vec<RawRequirement>>,
    subset: Option<RawSubset>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubset {
    selection: String,
    total: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    id: String,
    title: String,
    severity: Option<String>,
    #[serde(default)]
    retired: bool,
}

const FRAMEWORK_KEYS: &[&str] = &["id", "name", "version", "url", "requirements", "subset"];

pub fn framework(
    file: &SourceFile,
    entry: &Spanned<Mapping>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Framework> {
    let (raw, label) =
        read_entry::<RawFramework>(file, "framework", entry, FRAMEWORK_KEYS, diagnostics)?;
    let mut req = Required::new(file, entry, &label, diagnostics);
    let id = req.take("id", non_empty(raw.id));
    let name = req.take("name", non_empty(raw.name));
    let requirements = req.take("requirements", raw.requirements);
    let mut seen: Vec<&str> = Vec::new();
    for requirement in requirements.iter().flatten() {
        if seen.contains(&requirement.id.as_str()) {
            req.error(format!("requirement `{}` is listed twice", requirement.id));
        }
        seen.push(&requirement.id);
    }
    if let Some(subset) = &raw.subset {
        if subset.selection.trim().is_empty() {
            req.error(
                "`subset.selection` is empty: say how the listed requirements were chosen"
                    .to_string(),
            );
        }
        let listed = requirements.as_ref().map_or(0, Vec::len);
        if let Some(total) = subset.total
            && total < listed
        {
            req.error(format!(
                "`subset.total` is {total}, fewer than the {listed} requirements listed"
            ));
        }
    }
    if !req.ok {
        return None;
    }
    Some(Framework {
        id: id?,
        name: name?,
        version: raw.version,
        url: raw.url,
        requirements: requirements?
            .into_iter()
            .map(|r| Requirement {
                id: r.id,
                title: r.title,
                severity: r.severity,
                retired: r.retired,
            })
            .collect(),
        subset: raw.subset.map(|s| Subset {
            selection: s.selection,
            total: s.total,
        }),
        location: Some(file.location(span_of(file, &entry.referenced))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_forms() {
        assert!(is_feature_class_id("FC-S3-BUCKET"));
        assert!(is_feature_class_id("FC-KMS"));
        assert!(is_feature_class_id("FC-S3-MULTI-REGION-ACCESS-POINT"));
        assert!(!is_feature_class_id("FC-s3"));
        assert!(!is_feature_class_id("FC-"));
        assert!(!is_feature_class_id("S3.FC1"));
        assert!(is_control_id("C-S3-001"));
        assert!(!is_control_id("C-S3-1"));
        assert!(!is_control_id("S3.C1"));
    }
}
