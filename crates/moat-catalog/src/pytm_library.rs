//! Import of pytm threat libraries (`threats.json`: a JSON array of threats
//! with `SID`, `target`, `condition`...). Conditions are translated to CEL and
//! checked like any catalog condition; docs/catalog.md documents the mapping.

use crate::condition::compile_checked;
use crate::py_to_cel::{self, PYTM_CLASSES};
use crate::spanned_yaml::{self, Mapping, Node, offset_in_scalar, span_of};
use crate::types::{OtherTarget, Severity, Stride, TargetKind, Threat};
use crate::{Catalog, CatalogThreat, Condition};
use moat_model::{Diagnostic, ElementKind, SourceFile, Span};
use moat_source::diag::did_you_mean;
use serde_json::Value;
use serde_saphyr::Spanned;

const KNOWN_KEYS: &[&str] = &[
    "SID",
    "target",
    "description",
    "details",
    "Likelihood Of Attack",
    "severity",
    "condition",
    "prerequisites",
    "mitigations",
    "example",
    "references",
    "DEPRECATED",
];

/// STRIDE category by SID prefix (the letters before the number); see docs/catalog.md.
pub const STRIDE_BY_PREFIX: &[(&str, Stride)] = &[
    ("AA", Stride::Spoofing),
    ("AC", Stride::ElevationOfPrivilege),
    ("API", Stride::ElevationOfPrivilege),
    ("CR", Stride::Spoofing),
    ("DE", Stride::InformationDisclosure),
    ("DO", Stride::DenialOfService),
    ("DR", Stride::InformationDisclosure),
    ("DS", Stride::InformationDisclosure),
    ("HA", Stride::InformationDisclosure),
    ("INP", Stride::Tampering),
    ("LB", Stride::Tampering),
    ("LLM", Stride::Tampering),
    ("SC", Stride::Tampering),
];

/// The category of SIDs whose prefix is not in [`STRIDE_BY_PREFIX`].
pub const DEFAULT_STRIDE: Stride = Stride::Tampering;

/// Likelihood used when an entry states none (pytm's own library leaves some empty).
pub const DEFAULT_LIKELIHOOD: u8 = 3;

pub fn stride_for_sid(sid: &str) -> Option<Stride> {
    let prefix: String = sid.chars().take_while(char::is_ascii_alphabetic).collect();
    STRIDE_BY_PREFIX
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(&prefix))
        .map(|(_, stride)| *stride)
}

/// pytm's likelihood words on Moat's 1-5 scale.
pub fn likelihood_from_word(word: &str) -> Option<u8> {
    match word.trim().to_ascii_lowercase().as_str() {
        "very low" => Some(1),
        "low" => Some(2),
        "medium" => Some(3),
        "high" => Some(4),
        "very high" => Some(5),
        _ => None,
    }
}

/// pytm's severity words as Moat severities.
pub fn severity_from_word(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "info" | "very low" => Some(Severity::Info),
        "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "very high" | "critical" => Some(Severity::Critical),
        _ => None,
    }
}

/// The smallest impact that, with `likelihood`, derives at least `severity`
/// (5 when none does): pytm states severity, Moat keeps it and still needs an impact.
pub fn impact_for(likelihood: u8, severity: Severity) -> u8 {
    (1..=5)
        .find(|&impact| Severity::from_risk(likelihood, impact) >= severity)
        .unwrap_or(5)
}

/// The target kinds a pytm class covers, with `isinstance` semantics.
pub fn kinds_for_class(class: &str) -> Vec<TargetKind> {
    let mut kinds: Vec<TargetKind> = ElementKind::ALL
        .into_iter()
        .filter(|kind| kind.pytm_classes().contains(&class))
        .map(TargetKind::Element)
        .collect();
    if matches!(class, "Element" | "Dataflow") {
        kinds.push(TargetKind::Other(OtherTarget::Dataflow));
    }
    if matches!(class, "Element" | "Boundary") {
        kinds.push(TargetKind::Other(OtherTarget::Boundary));
    }
    kinds
}

/// `CVE-1999-0906` and URLs become links; anything else is kept as written.
fn reference(text: &str) -> String {
    let is_cve = text.strip_prefix("CVE-").is_some_and(|rest| {
        rest.split('-').count() == 2 && rest.chars().all(|c| c.is_ascii_digit() || c == '-')
    });
    if is_cve {
        format!("https://www.cve.org/CVERecord?id={text}")
    } else {
        text.to_string()
    }
}

pub(crate) fn load(file: &SourceFile) -> (Option<Catalog>, Vec<Diagnostic>) {
    let entries: Vec<Spanned<Mapping>> =
        match serde_saphyr::from_str_with_options(&file.text, spanned_yaml::options()) {
            Ok(entries) => entries,
            Err(error) => {
                return (
                    None,
                    vec![spanned_yaml::parse_error(
                        file,
                        "pytm-threats::json",
                        &error,
                    )],
                );
            }
        };
    let mut diagnostics = Vec::new();
    let mut catalog = Catalog {
        threats: Vec::new(),
        sources: vec![file.name.to_string()],
        ..Default::default()
    };
    for (index, entry) in entries.iter().enumerate() {
        let mut reader = EntryReader {
            file,
            label: entry_label(&entry.value, index),
            diagnostics: &mut diagnostics,
            failed: false,
        };
        if let Some(duplicate) = reader.read(entry).and_then(|threat| catalog.add(threat)) {
            diagnostics.push(duplicate);
        }
    }
    (Some(catalog), diagnostics)
}

fn entry_label(mapping: &Mapping, index: usize) -> String {
    match mapping.get("SID").map(|n| &n.value) {
        Some(Value::String(sid)) if !sid.trim().is_empty() => format!("pytm threat `{sid}`"),
        _ => format!("pytm threat #{}", index + 1),
    }
}

struct EntryReader<'a> {
    file: &'a SourceFile,
    label: String,
    diagnostics: &'a mut Vec<Diagnostic>,
    failed: bool,
}

impl EntryReader<'_> {
    fn push(&mut self, diagnostic: Diagnostic, span: Span) {
        if diagnostic.is_error() {
            self.failed = true;
        }
        let message = format!("{}: {}", self.label, diagnostic.message);
        self.diagnostics.push(Diagnostic {
            message,
            ..diagnostic.at(self.file, span)
        });
    }

    fn at(&self, node: &serde_saphyr::Location) -> Span {
        span_of(self.file, node)
    }

    /// A text field; pytm treats missing ones as empty.
    fn text(&mut self, mapping: &Mapping, key: &str) -> String {
        match mapping.get(key) {
            None
            | Some(Spanned {
                value: Value::Null, ..
            }) => String::new(),
            Some(Spanned {
                value: Value::String(s),
                ..
            }) => s.trim().to_string(),
            Some(node) => {
                let span = self.at(&node.referenced);
                self.push(
                    Diagnostic::error(
                        "pytm-threats::invalid-value",
                        format!("`{key}` must be a string, found `{}`", node.value),
                    ),
                    span,
                );
                String::new()
            }
        }
    }

    fn read(&mut self, entry: &Spanned<Mapping>) -> Option<CatalogThreat> {
        let mapping = &entry.value;
        let entry_span = self.at(&entry.referenced);
        for e in &mapping.entries {
            let key = e.key.value.as_str();
            if !KNOWN_KEYS.contains(&key) {
                let suggestion = did_you_mean(key, KNOWN_KEYS.iter().copied())
                    .map(|t| format!(", {t}"))
                    .unwrap_or_default();
                let span = self.at(&e.key.referenced);
                self.push(
                    Diagnostic::warning(
                        "pytm-threats::unknown-key",
                        format!("unknown key `{key}` is ignored{suggestion}"),
                    ),
                    span,
                );
            }
        }

        let sid = self.text(mapping, "SID");
        if sid.is_empty() {
            self.push(
                Diagnostic::error("pytm-threats::missing-key", "missing `SID`"),
                entry_span,
            );
            return None;
        }
        if sid.chars().any(char::is_whitespace) {
            let span = mapping
                .get("SID")
                .map_or(entry_span, |n| self.at(&n.referenced));
            self.push(
                Diagnostic::error(
                    "pytm-threats::invalid-id",
                    format!("SID `{sid}` contains whitespace"),
                ),
                span,
            );
            return None;
        }
        if mapping.get("DEPRECATED").is_some() {
            // pytm skips deprecated threats too
            self.push(
                Diagnostic::note(
                    "pytm-threats::deprecated",
                    "deprecated, so skipped as pytm does",
                ),
                entry_span,
            );
            return None;
        }

        let applies_to = self.applies_to(mapping, entry_span)?;
        let stride = match stride_for_sid(&sid) {
            Some(stride) => stride,
            None => {
                let span = mapping
                    .get("SID")
                    .map_or(entry_span, |n| self.at(&n.referenced));
                self.push(
                    Diagnostic::warning(
                        "pytm-threats::unknown-prefix",
                        format!(
                            "no STRIDE category is known for the prefix of `{sid}`; using `{}`",
                            DEFAULT_STRIDE.as_str()
                        ),
                    ),
                    span,
                );
                DEFAULT_STRIDE
            }
        };
        let likelihood = self.likelihood(mapping, entry_span);
        let severity = self.severity(mapping, entry_span, likelihood);
        let condition_node = mapping.get("condition");
        let location_span = condition_node.map_or(entry_span, |n| self.at(&n.referenced));
        let condition = self.condition(condition_node, &applies_to)?;

        let name = self.text(mapping, "description");
        let details = self.text(mapping, "details");
        let prerequisites = self.text(mapping, "prerequisites");
        let mut description = details;
        if !prerequisites.is_empty() {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str("Prerequisites: ");
            description.push_str(&prerequisites);
        }
        let mitigations = self.text(mapping, "mitigations");
        let references = self
            .text(mapping, "references")
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(reference)
            .collect();
        let example = self.text(mapping, "example");
        if self.failed {
            return None;
        }
        Some(CatalogThreat {
            threat: Threat {
                name: if name.is_empty() { sid.clone() } else { name },
                id: sid,
                stride,
                feature_class: None,
                description,
                example,
                likelihood,
                impact: impact_for(likelihood, severity),
                severity,
                applies_to,
                applies_when: condition.as_ref().map(|c| c.source.clone()),
                // an imported library applies where pytm applies it, so Moat
                // reports what pytm reports on the same model (tested); Moat's
                // own generic catalog is the one that skips managed services
                applies_to_managed_services: true,
                feature_use: None,
                mitigations: if mitigations.is_empty() {
                    Vec::new()
                } else {
                    vec![mitigations]
                },
                controls: Vec::new(),
                access: None,
                mitre_attack: Vec::new(),
                trustoncloud: Vec::new(),
                cvss: None,
                references,
                location: Some(self.file.location(location_span)),
            },
            condition,
        })
    }

    fn applies_to(&mut self, mapping: &Mapping, entry_span: Span) -> Option<Vec<TargetKind>> {
        let (classes, span): (Vec<String>, Span) = match mapping.get("target") {
            // pytm's default target
            None => (vec!["Element".to_string()], entry_span),
            Some(node) => {
                let span = self.at(&node.referenced);
                match &node.value {
                    Value::String(class) => (vec![class.clone()], span),
                    Value::Array(items)
                        if items.iter().all(Value::is_string) && !items.is_empty() =>
                    {
                        (
                            items
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect(),
                            span,
                        )
                    }
                    other => {
                        self.push(
                            Diagnostic::error(
                                "pytm-threats::invalid-value",
                                format!("`target` must be a class name or a list of them, found `{other}`"),
                            ),
                            span,
                        );
                        return None;
                    }
                }
            }
        };
        let mut kinds: Vec<TargetKind> = Vec::new();
        for class in &classes {
            if !PYTM_CLASSES.contains(&class.as_str()) {
                let suggestion = did_you_mean(class, PYTM_CLASSES.iter().copied())
                    .map(|t| format!(", {t}"))
                    .unwrap_or_default();
                self.push(
                    Diagnostic::error(
                        "pytm-threats::unknown-class",
                        format!("unknown pytm class `{class}` in `target`{suggestion}"),
                    ),
                    span,
                );
                return None;
            }
            kinds.extend(kinds_for_class(class));
        }
        kinds.sort();
        kinds.dedup();
        Some(kinds)
    }

    fn likelihood(&mut self, mapping: &Mapping, entry_span: Span) -> u8 {
        let text = self.text(mapping, "Likelihood Of Attack");
        if let Some(value) = likelihood_from_word(&text) {
            return value;
        }
        let span = mapping
            .get("Likelihood Of Attack")
            .map_or(entry_span, |n| self.at(&n.referenced));
        let diagnostic = if text.is_empty() || text.eq_ignore_ascii_case("none") {
            Diagnostic::note(
                "pytm-threats::no-likelihood",
                format!("no likelihood stated; assumed {DEFAULT_LIKELIHOOD} (medium)"),
            )
        } else {
            Diagnostic::warning(
                "pytm-threats::invalid-value",
                format!("unknown likelihood `{text}`; assumed {DEFAULT_LIKELIHOOD} (medium)"),
            )
        };
        self.push(diagnostic, span);
        DEFAULT_LIKELIHOOD
    }

    fn severity(&mut self, mapping: &Mapping, entry_span: Span, likelihood: u8) -> Severity {
        let text = self.text(mapping, "severity");
        if let Some(severity) = severity_from_word(&text) {
            return severity;
        }
        let derived = Severity::from_risk(likelihood, 3);
        let span = mapping
            .get("severity")
            .map_or(entry_span, |n| self.at(&n.referenced));
        self.push(
            Diagnostic::warning(
                "pytm-threats::invalid-value",
                format!(
                    "unknown severity `{text}`; derived `{derived}` from the likelihood and a medium impact"
                ),
            ),
            span,
        );
        derived
    }

    fn condition(
        &mut self,
        node: Option<&Node>,
        kinds: &[TargetKind],
    ) -> Option<Option<Condition>> {
        // pytm applies a threat without a condition to every target it names
        let Some(node) = node else {
            return Some(None);
        };
        let span = self.at(&node.referenced);
        let Value::String(python) = &node.value else {
            self.push(
                Diagnostic::error(
                    "pytm-threats::invalid-value",
                    format!("`condition` must be a string, found `{}`", node.value),
                ),
                span,
            );
            return None;
        };
        if python.trim().is_empty() {
            // pytm compiles no code for an empty condition and never applies the threat
            self.push(
                Diagnostic::warning(
                    "pytm-threats::empty-condition",
                    "empty condition, which pytm never applies; skipped",
                ),
                span,
            );
            return None;
        }
        let start = span.start as usize;
        let translated = match py_to_cel::translate(python) {
            Ok(cel) => cel,
            Err(error) => {
                let at = offset_in_scalar(self.file, start, python, error.offset);
                self.push(
                    Diagnostic::error(
                        "pytm-threats::untranslatable",
                        format!("condition does not translate to CEL: {}", error.message),
                    )
                    .with_help(format!("the condition is `{python}`")),
                    Span::new(at, at),
                );
                return None;
            }
        };
        match compile_checked(&translated, kinds) {
            Ok(program) => Some(Some(Condition {
                source: translated,
                program,
            })),
            Err(error) => {
                self.push(
                    Diagnostic::error(
                        "pytm-threats::condition",
                        format!("translated condition is invalid: {}", error.message),
                    )
                    .with_help(format!("`{python}` translates to `{translated}`")),
                    span,
                );
                None
            }
        }
    }
}
