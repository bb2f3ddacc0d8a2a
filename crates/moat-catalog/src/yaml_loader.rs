//! Moat's YAML catalog format (docs/catalog.md): `threats: [...]`, each threat
//! validated on its own so one bad threat costs only itself.

use crate::condition::compile_checked;
use crate::spanned_yaml::{self, Mapping, Node, offset_in_scalar, span_of};
use crate::types::{
    ControlRef, FeatureUse, MitigationImpact, OtherTarget, Severity, Stride, TargetKind, Threat,
};
use crate::{Catalog, CatalogThreat, Condition, sections};
use moat_model::{Diagnostic, ElementKind, SourceFile};
use moat_source::diag::did_you_mean;
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;
use std::fmt;

const TOP_LEVEL_KEYS: &[&str] = &["threats", "feature_classes", "controls", "framework"];

const THREAT_KEYS: &[&str] = &[
    "id",
    "name",
    "stride",
    "feature_class",
    "description",
    "example",
    "likelihood",
    "impact",
    "applies_to",
    "applies_when",
    "applies_to_managed_services",
    "feature_use",
    "mitigations",
    "controls",
    "access",
    "mitre_attack",
    "trustoncloud",
    "references",
];

/// The top level of a catalog file.
type Entries = Spanned<Vec<Spanned<Mapping>>>;

#[derive(Default)]
struct CatalogDoc {
    threats: Option<Entries>,
    feature_classes: Option<Entries>,
    controls: Option<Entries>,
    framework: Option<Spanned<Mapping>>,
    /// Keys other than the known ones, for located errors.
    unknown: Vec<Spanned<String>>,
}

impl<'de> Deserialize<'de> for CatalogDoc {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DocVisitor;
        impl<'de> Visitor<'de> for DocVisitor {
            type Value = CatalogDoc;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a catalog mapping with `threats`, `feature_classes`, `controls` or `framework`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CatalogDoc, A::Error> {
                let mut doc = CatalogDoc::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.value == "threats" && doc.threats.is_none() {
                        doc.threats = Some(map.next_value()?);
                    } else if key.value == "feature_classes" && doc.feature_classes.is_none() {
                        doc.feature_classes = Some(map.next_value()?);
                    } else if key.value == "controls" && doc.controls.is_none() {
                        doc.controls = Some(map.next_value()?);
                    } else if key.value == "framework" && doc.framework.is_none() {
                        doc.framework = Some(map.next_value()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                        doc.unknown.push(key);
                    }
                }
                Ok(doc)
            }
        }
        deserializer.deserialize_map(DocVisitor)
    }
}

/// Loads a YAML catalog. `None` when the file cannot be read as a catalog at
/// all; otherwise the threats that passed validation.
pub fn load(file: &SourceFile) -> (Option<Catalog>, Vec<moat_model::Diagnostic>) {
    let mut diagnostics = Vec::new();
    let doc: CatalogDoc =
        match serde_saphyr::from_str_with_options(&file.text, spanned_yaml::options()) {
            Ok(doc) => doc,
            Err(error) => {
                return (
                    None,
                    vec![spanned_yaml::parse_error(file, "catalog::yaml", &error)],
                );
            }
        };
    for key in &doc.unknown {
        let message = if TOP_LEVEL_KEYS.contains(&key.value.as_str()) {
            format!("`{}` is given twice", key.value)
        } else {
            let suggestion = did_you_mean(&key.value, TOP_LEVEL_KEYS.iter().copied())
                .map(|text| format!(", {text}"))
                .unwrap_or_default();
            format!("unknown top-level key `{}`{suggestion}", key.value)
        };
        diagnostics.push(
            Diagnostic::error("catalog::unknown-key", message)
                .with_help(
                    "a catalog file has `threats`, `feature_classes`, `controls` or `framework`",
                )
                .at(file, span_of(file, &key.referenced)),
        );
    }
    let mut catalog = Catalog {
        threats: Vec::new(),
        sources: vec![file.name.to_string()],
        ..Default::default()
    };
    if doc.threats.is_none()
        && doc.feature_classes.is_none()
        && doc.controls.is_none()
        && doc.framework.is_none()
    {
        diagnostics.push(
            Diagnostic::error(
                "catalog::missing-key",
                "the catalog has none of `threats`, `feature_classes`, `controls`, `framework`",
            )
            .in_file(&file.name),
        );
        return (Some(catalog), diagnostics);
    }
    for entry in doc.feature_classes.iter().flat_map(|e| &e.value) {
        if let Some(item) = sections::feature_class(file, entry, &mut diagnostics) {
            catalog.feature_classes.push(item);
        }
    }
    for entry in doc.controls.iter().flat_map(|e| &e.value) {
        if let Some(item) = sections::control(file, entry, &mut diagnostics) {
            catalog.controls.push(item);
        }
    }
    if let Some(entry) = &doc.framework
        && let Some(item) = sections::framework(file, entry, &mut diagnostics)
    {
        catalog.frameworks.push(item);
    }
    for (index, entry) in doc.threats.iter().flat_map(|t| t.value.iter()).enumerate() {
        let mut reader = ThreatReader {
            file,
            label: threat_label(&entry.value, index),
            diagnostics: &mut diagnostics,
            failed: false,
        };
        if let Some(duplicate) = reader.read(entry).and_then(|threat| catalog.add(threat)) {
            diagnostics.push(duplicate);
        }
    }
    (Some(catalog), diagnostics)
}

/// How messages name a threat: its id, or its position when it has none.
fn threat_label(mapping: &Mapping, index: usize) -> String {
    match mapping.get("id").map(|n| &n.value) {
        Some(Value::String(id)) if !id.trim().is_empty() => format!("threat `{id}`"),
        _ => format!("threat #{}", index + 1),
    }
}

/// Whether `id` has the form `T-GEN-NNN` or `T-S3-NNN`.
pub fn is_catalog_id(id: &str) -> bool {
    let digits = id
        .strip_prefix("T-GEN-")
        .or_else(|| id.strip_prefix("T-S3-"));
    digits.is_some_and(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The names `applies_to` accepts, in documentation order.
pub fn target_kind_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = ElementKind::ALL.iter().map(|k| k.as_str()).collect();
    names.push("dataflow");
    names.push("boundary");
    names
}

pub fn parse_target_kind(name: &str) -> Option<TargetKind> {
    match name {
        "dataflow" => Some(TargetKind::Other(OtherTarget::Dataflow)),
        "boundary" => Some(TargetKind::Other(OtherTarget::Boundary)),
        other => ElementKind::parse(other).map(TargetKind::Element),
    }
}

/// Shows a YAML value the way a user wrote it, for "found `...`".
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

struct ThreatReader<'a> {
    file: &'a SourceFile,
    label: String,
    diagnostics: &'a mut Vec<Diagnostic>,
    failed: bool,
}

impl ThreatReader<'_> {
    fn error_at(&mut self, code: &str, node: &serde_saphyr::Location, message: String) {
        self.failed = true;
        self.diagnostics.push(
            Diagnostic::error(code, format!("{}: {message}", self.label))
                .at(self.file, span_of(self.file, node)),
        );
    }

    fn warning_at(&mut self, code: &str, node: &serde_saphyr::Location, message: String) {
        self.diagnostics.push(
            Diagnostic::warning(code, format!("{}: {message}", self.label))
                .at(self.file, span_of(self.file, node)),
        );
    }

    fn string(&mut self, key: &str, node: &Node) -> Option<String> {
        match &node.value {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::String(_) => {
                self.error_at(
                    "catalog::invalid-value",
                    &node.referenced,
                    format!("`{key}` is empty"),
                );
                None
            }
            other => {
                self.error_at(
                    "catalog::invalid-value",
                    &node.referenced,
                    format!("`{key}` must be a string, found `{}`", shown(other)),
                );
                None
            }
        }
    }

    fn strings(&mut self, key: &str, node: &Node) -> Option<Vec<String>> {
        let Value::Array(items) = &node.value else {
            self.error_at(
                "catalog::invalid-value",
                &node.referenced,
                format!(
                    "`{key}` must be a list of strings, found `{}`",
                    shown(&node.value)
                ),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(s) if !s.trim().is_empty() => out.push(s.clone()),
                other => {
                    self.error_at(
                        "catalog::invalid-value",
                        &node.referenced,
                        format!(
                            "`{key}` must be a list of non-empty strings, found `{}`",
                            shown(other)
                        ),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    fn boolean(&mut self, key: &str, node: &Node) -> Option<bool> {
        if let Value::Bool(b) = node.value {
            return Some(b);
        }
        self.error_at(
            "catalog::invalid-value",
            &node.referenced,
            format!(
                "`{key}` must be `true` or `false`, found `{}`",
                shown(&node.value)
            ),
        );
        None
    }

    fn feature_use(&mut self, node: &Node) -> Option<FeatureUse> {
        let text = self.string("feature_use", node)?;
        if let Some(found) = FeatureUse::ALL.into_iter().find(|f| f.as_str() == text) {
            return Some(found);
        }
        let suggestion = did_you_mean(&text, FeatureUse::ALL.iter().map(|f| f.as_str()))
            .map(|t| format!(", {t}"))
            .unwrap_or_else(|| ", expected `required` or `not_required`".to_string());
        self.error_at(
            "catalog::invalid-value",
            &node.referenced,
            format!("unknown `feature_use` `{text}`{suggestion}"),
        );
        None
    }

    fn rating(&mut self, key: &str, node: &Node) -> Option<u8> {
        match node.value.as_u64().and_then(|n| u8::try_from(n).ok()) {
            Some(n @ 1..=5) => Some(n),
            _ => {
                self.error_at(
                    "catalog::out-of-range",
                    &node.referenced,
                    format!(
                        "`{key}` must be an integer from 1 to 5, found `{}`",
                        shown(&node.value)
                    ),
                );
                None
            }
        }
    }

    fn stride(&mut self, node: &Node) -> Option<Stride> {
        let text = self.string("stride", node)?;
        if let Some(stride) = Stride::ALL.into_iter().find(|s| s.as_str() == text) {
            return Some(stride);
        }
        let suggestion = did_you_mean(&text, Stride::ALL.iter().map(|s| s.as_str()))
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        self.error_at(
            "catalog::invalid-value",
            &node.referenced,
            format!("unknown STRIDE category `{text}`{suggestion}"),
        );
        None
    }

    fn applies_to(&mut self, node: &Node) -> Option<Vec<TargetKind>> {
        let names = self.strings("applies_to", node)?;
        if names.is_empty() {
            self.error_at(
                "catalog::empty-applies-to",
                &node.referenced,
                "`applies_to` is empty".to_string(),
            );
            return None;
        }
        let mut kinds: Vec<TargetKind> = Vec::new();
        let mut ok = true;
        for name in names {
            match parse_target_kind(&name) {
                Some(kind) if kinds.contains(&kind) => self.warning_at(
                    "catalog::duplicate-kind",
                    &node.referenced,
                    format!("`applies_to` lists `{name}` twice"),
                ),
                Some(kind) => kinds.push(kind),
                None => {
                    let suggestion = did_you_mean(&name, target_kind_names())
                        .map(|t| format!(", {t}"))
                        .unwrap_or_default();
                    self.error_at(
                        "catalog::unknown-kind",
                        &node.referenced,
                        format!("unknown kind `{name}` in `applies_to`{suggestion}"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(kinds)
    }

    fn controls(&mut self, node: &Node) -> Vec<ControlRef> {
        let Value::Array(items) = &node.value else {
            self.error_at(
                "catalog::invalid-value",
                &node.referenced,
                format!(
                    "`controls` must be a list of `{{control, impact}}` entries, found `{}`",
                    shown(&node.value)
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let control = item.get("control").and_then(Value::as_str);
            let impact = item
                .get("impact")
                .and_then(Value::as_str)
                .and_then(MitigationImpact::parse);
            match (control, impact) {
                (Some(control), Some(impact)) if item.as_object().is_some_and(|o| o.len() == 2) => {
                    out.push(ControlRef {
                        control: control.to_string(),
                        impact,
                    })
                }
                _ => self.error_at(
                    "catalog::invalid-value",
                    &node.referenced,
                    format!(
                        "`controls` entries are `{{control: C-S3-NNN, impact: low|medium|high|full}}`, found `{}`",
                        shown(item)
                    ),
                ),
            }
        }
        out
    }

    fn read(&mut self, entry: &Spanned<Mapping>) -> Option<CatalogThreat> {
        let mapping = &entry.value;
        let mut seen: Vec<&str> = Vec::new();
        for e in &mapping.entries {
            let key = e.key.value.as_str();
            if seen.contains(&key) {
                self.error_at(
                    "catalog::duplicate-key",
                    &e.key.referenced,
                    format!("`{key}` is given twice"),
                );
                continue;
            }
            seen.push(key);
            if THREAT_KEYS.contains(&key) {
                continue;
            }
            let message = match key {
                "severity" => {
                    "`severity` cannot be set: it is derived from `likelihood` and `impact`"
                        .to_string()
                }
                "location" => "`location` cannot be set: the loader fills it in".to_string(),
                _ => {
                    let suggestion = did_you_mean(key, THREAT_KEYS.iter().copied())
                        .map(|t| format!(", {t}"))
                        .unwrap_or_default();
                    format!("unknown key `{key}`{suggestion}")
                }
            };
            self.error_at("catalog::unknown-key", &e.key.referenced, message);
        }

        let id = mapping.get("id").and_then(|n| self.string("id", n));
        if let (Some(id), Some(node)) = (&id, mapping.get("id"))
            && !is_catalog_id(id)
        {
            self.error_at(
                "catalog::invalid-id",
                &node.referenced,
                format!("id `{id}` does not have the form `T-GEN-NNN` or `T-S3-NNN`"),
            );
        }
        let name = self.required(mapping, entry, "name", Self::string);
        let stride = self.required(mapping, entry, "stride", |r, _, n| r.stride(n));
        let description = self.required(mapping, entry, "description", Self::string);
        let likelihood = self.required(mapping, entry, "likelihood", Self::rating);
        let impact = self.required(mapping, entry, "impact", Self::rating);
        let applies_to = self.required(mapping, entry, "applies_to", |r, _, n| r.applies_to(n));
        let feature_class = mapping
            .get("feature_class")
            .and_then(|n| self.string("feature_class", n));
        let applies_to_managed_services = mapping
            .get("applies_to_managed_services")
            .and_then(|n| self.boolean("applies_to_managed_services", n))
            .unwrap_or(true);
        let feature_use = mapping.get("feature_use").and_then(|n| self.feature_use(n));
        let example = mapping
            .get("example")
            .and_then(|n| self.string("example", n))
            .unwrap_or_default();
        let mitigations = mapping
            .get("mitigations")
            .and_then(|n| self.strings("mitigations", n))
            .unwrap_or_default();
        let references = mapping
            .get("references")
            .and_then(|n| self.strings("references", n))
            .unwrap_or_default();
        if let Some(node) = mapping.get("references") {
            for reference in &references {
                if !(reference.starts_with("https://") || reference.starts_with("http://")) {
                    self.warning_at(
                        "catalog::reference",
                        &node.referenced,
                        format!("reference `{reference}` is not a URL"),
                    );
                }
            }
        }
        let controls = mapping
            .get("controls")
            .map(|node| self.controls(node))
            .unwrap_or_default();
        let access =
            mapping.get("access").and_then(|node| {
                match crate::access::Access::from_value(&node.value) {
                    Ok(access) => access,
                    Err(message) => {
                        self.error_at("catalog::access", &node.referenced, message);
                        None
                    }
                }
            });
        let mitre_attack = mapping
            .get("mitre_attack")
            .and_then(|n| self.strings("mitre_attack", n))
            .unwrap_or_default();
        let trustoncloud = mapping
            .get("trustoncloud")
            .and_then(|n| self.strings("trustoncloud", n))
            .unwrap_or_default();
        if id.is_none() && mapping.get("id").is_none() {
            self.error_at(
                "catalog::missing-key",
                &entry.referenced,
                "missing `id`".to_string(),
            );
        }

        let condition = match (mapping.get("applies_when"), &applies_to) {
            (None, _) => None,
            (Some(node), kinds) => self.condition(node, kinds.as_deref()),
        };

        if self.failed {
            return None;
        }
        let (id, name, stride, description, likelihood, impact, applies_to) = (
            id?,
            name?,
            stride?,
            description?,
            likelihood?,
            impact?,
            applies_to?,
        );
        let location = self.file.location(span_of(self.file, &entry.referenced));
        Some(CatalogThreat {
            threat: Threat {
                id,
                name,
                stride,
                feature_class,
                description,
                example,
                likelihood,
                impact,
                severity: Severity::from_risk(likelihood, impact),
                applies_to,
                applies_when: condition.as_ref().map(|c| c.source.clone()),
                applies_to_managed_services,
                feature_use,
                mitigations,
                controls,
                access,
                mitre_attack,
                trustoncloud,
                cvss: None,
                references,
                location: Some(location),
            },
            condition,
        })
    }

    fn required<T>(
        &mut self,
        mapping: &Mapping,
        entry: &Spanned<Mapping>,
        key: &str,
        read: impl FnOnce(&mut Self, &str, &Node) -> Option<T>,
    ) -> Option<T> {
        match mapping.get(key) {
            Some(node) => read(self, key, node),
            None => {
                self.error_at(
                    "catalog::missing-key",
                    &entry.referenced,
                    format!("missing `{key}`"),
                );
                None
            }
        }
    }

    /// Compiles and checks `applies_when`; with no valid `applies_to` only its syntax.
    fn condition(&mut self, node: &Node, kinds: Option<&[TargetKind]>) -> Option<Condition> {
        let source = match &node.value {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            other => {
                self.error_at(
                    "catalog::invalid-value",
                    &node.referenced,
                    format!(
                        "`applies_when` must be a CEL expression, found `{}`",
                        shown(other)
                    ),
                );
                return None;
            }
        };
        match compile_checked(&source, kinds.unwrap_or(&[])) {
            Ok(program) => Some(Condition { source, program }),
            Err(error) => {
                let span = span_of(self.file, &node.referenced);
                let start = span.start as usize;
                let at = error
                    .offset
                    .map(|inner| offset_in_scalar(self.file, start, &source, inner))
                    .unwrap_or(start);
                self.failed = true;
                self.diagnostics.push(
                    Diagnostic::error(
                        "catalog::condition",
                        format!("{}: {}", self.label, error.message),
                    )
                    .at(self.file, moat_model::Span::new(at, at)),
                );
                None
            }
        }
    }
}
