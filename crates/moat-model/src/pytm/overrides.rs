//! pytm's risk decisions, as Moat decisions (`Model::decisions`):
//!
//! - `overrides=[Finding(threat_id="INP02", response="...")]` on an element or
//!   flow says how the finding of that threat there is handled. pytm 1.4
//!   shows the response on the finding of the element, and on those of the
//!   flows it is the source or sink of (the sink's override first). With a
//!   `response` it becomes a decision on those targets: `accepted` when the
//!   response starts with "accept" or "transfer", `false-positive` when it
//!   starts with "false positive" or "not applicable", `mitigated` otherwise,
//!   the response being the justification. The other fields of a finding
//!   (`cvss`, `severity`...) are pytm's report; moat does not apply them.
//! - `Assumption("...", exclude=["INP16"])` on an element (or, in
//!   `tm.assumptions`, on the whole model) removes those threats from pytm's
//!   findings: the assumption says they do not apply, so it becomes a
//!   `false-positive` decision, justified by the assumption.
//!
//! Threat ids stay as written (pytm SIDs); the engine resolves them.

use super::args::{CallArgs, KeywordArg};
use super::objects::{ObjId, ObjKind, Objects};
use super::reader::{Reader, code};
use super::values::Value;
use crate::decision::{Decision, DecisionStatus};
use crate::span::{Location, Span};
use std::rc::Rc;

/// A `Finding(...)` as written for `overrides`.
#[derive(Debug, Clone)]
pub(super) struct FindingSpec {
    pub threat_id: Option<String>,
    pub response: Option<String>,
    /// The other fields it sets, which moat does not apply.
    pub other_fields: Vec<String>,
    pub location: Location,
    /// Where it is in the script, when it is there (not in a module).
    pub span: Option<Span>,
    /// The `Finding(...)` call, in the file of module `module`.
    pub call: (usize, Span),
}

/// An `Assumption(...)`.
#[derive(Debug, Clone)]
pub(super) struct AssumptionSpec {
    pub name: String,
    pub description: String,
    /// The threat ids it excludes, in order, without repeats.
    pub exclude: Vec<String>,
    pub location: Location,
    pub span: Option<Span>,
}

impl Reader<'_> {
    /// `Finding(element?, threat_id=..., response=..., ...)`.
    pub(super) fn finding(&mut self, args: CallArgs, span: Span) -> Option<Value> {
        let mut spec = FindingSpec {
            threat_id: None,
            response: None,
            other_fields: Vec::new(),
            location: self.file.location(span),
            span: self.in_main().then_some(span),
            call: (self.current_module(), span),
        };
        for keyword in args.keywords {
            match keyword.name.as_str() {
                "threat_id" => {
                    spec.threat_id = self.text_argument("Finding", &keyword);
                    // an unknown threat id is reported where it is written
                    spec.location = self.file.location(keyword.value_span);
                    spec.span = self.in_main().then_some(keyword.value_span);
                }
                "response" => spec.response = self.text_argument("Finding", &keyword),
                // pytm's overrides never take these from the finding
                "element" | "target" => {}
                other => spec.other_fields.push(other.to_string()),
            }
        }
        Some(Value::Finding(Rc::new(spec)))
    }

    /// `Assumption(name, exclude=[...], description=...)`.
    pub(super) fn assumption(&mut self, args: CallArgs, span: Span) -> Option<Value> {
        let mut named: Vec<KeywordArg> = Vec::new();
        for (arg, param) in args.positional.into_iter().zip(["name", "exclude"]) {
            named.push(KeywordArg {
                name: param.to_string(),
                name_span: arg.span,
                value: arg.value,
                value_span: arg.span,
            });
        }
        named.extend(args.keywords);
        let mut spec = AssumptionSpec {
            name: String::new(),
            description: String::new(),
            exclude: Vec::new(),
            location: self.file.location(span),
            span: self.in_main().then_some(span),
        };
        for keyword in named {
            match keyword.name.as_str() {
                "name" => spec.name = self.text_argument("Assumption", &keyword)?,
                "description" => {
                    spec.description = self.text_argument("Assumption", &keyword)?;
                }
                "exclude" => spec.exclude = self.threat_ids(&keyword)?,
                other => {
                    self.warn(
                        code::UNKNOWN_ATTRIBUTE,
                        keyword.name_span,
                        format!("`Assumption` has no `{other}`: moat reads `name`, `description` and `exclude`"),
                    );
                }
            }
        }
        Some(Value::Assumption(Rc::new(spec)))
    }

    /// A string argument of `class`, or `None` with a warning.
    fn text_argument(&mut self, class: &str, keyword: &KeywordArg) -> Option<String> {
        match &keyword.value {
            Some(Value::Str(text)) => Some(text.to_string()),
            Some(other) => {
                let what = other.describe(&self.objects);
                let name = &keyword.name;
                self.warn(
                    code::TYPE_MISMATCH,
                    keyword.value_span,
                    format!("`{class}` `{name}` expects a string, got {what}"),
                );
                None
            }
            None => None,
        }
    }

    /// `exclude=["INP01", "INP02"]`: the ids, in order, without repeats.
    fn threat_ids(&mut self, keyword: &KeywordArg) -> Option<Vec<String>> {
        let value = keyword.value.clone()?;
        let items = match &value {
            Value::Str(id) => vec![Value::Str(Rc::clone(id))],
            other => other.items().unwrap_or_default(),
        };
        let mut ids: Vec<String> = Vec::new();
        for item in items {
            let Value::Str(id) = item else {
                let what = value.describe(&self.objects);
                self.warn(
                    code::TYPE_MISMATCH,
                    keyword.value_span,
                    format!("`exclude` expects threat ids (strings), got {what}"),
                );
                return None;
            };
            if !ids.iter().any(|known| **known == *id) {
                ids.push(id.to_string());
            }
        }
        Some(ids)
    }

    /// `x.overrides = [Finding(...)]`.
    pub(super) fn set_overrides(&mut self, id: ObjId, value: &Value, value_span: Span) {
        let Some(kind) = self.obj(id).map(|o| o.kind) else {
            return;
        };
        let findings = match value.items() {
            Some(items) => items,
            None => vec![value.clone()],
        };
        let mut specs = Vec::with_capacity(findings.len());
        for finding in findings {
            let Value::Finding(spec) = finding else {
                let what = finding.describe(&self.objects);
                self.warn(
                    code::TYPE_MISMATCH,
                    value_span,
                    format!("`overrides` expects a list of `Finding`, got {what}"),
                );
                return;
            };
            self.check_override(&spec, value_span);
            specs.push(FindingSpec::clone(&spec));
        }
        if kind == ObjKind::Dataflow && !specs.is_empty() {
            self.note(
                code::DECISION,
                value_span,
                "pytm 1.4 replaces a flow's own `overrides` with those of its source and sink when it processes the model; moat applies them to this flow, as written",
            );
        }
        if let Some(obj) = self.obj_mut(id) {
            obj.overrides = specs;
        }
    }

    /// Says what of an override moat does not apply.
    fn check_override(&mut self, spec: &FindingSpec, span: Span) {
        // at the finding itself, when it is in the file running
        let (module, call) = spec.call;
        let span = if module == self.current_module() {
            call
        } else {
            span
        };
        let fields = spec
            .other_fields
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match (&spec.threat_id, &spec.response) {
            (None, _) => self.warn(
                code::DECISION,
                span,
                "skipped an override without `threat_id`: it says nothing about which threat",
            ),
            (Some(id), None) => self.warn(
                code::DECISION,
                span,
                if fields.is_empty() {
                    format!("skipped the override of `{id}`: it has no `response`, so it records no decision")
                } else {
                    format!("skipped the override of `{id}`: it has no `response`, and moat does not apply {fields} (it rates threats from its catalog)")
                },
            ),
            (Some(id), Some(_)) if !fields.is_empty() => self.note(
                code::DECISION,
                span,
                format!("the override of `{id}` becomes a decision; moat does not apply its {fields}"),
            ),
            _ => {}
        }
    }

    /// `x.assumptions = [Assumption(...)]` (and strings, on the `TM`).
    pub(super) fn set_assumptions(&mut self, id: ObjId, value: &Value, value_span: Span) {
        let Some(kind) = self.obj(id).map(|o| o.kind) else {
            return;
        };
        let items = match value.items() {
            Some(items) => items,
            None => vec![value.clone()],
        };
        let mut specs = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Assumption(spec) => specs.push(AssumptionSpec::clone(&spec)),
                // the model's assumptions may be plain text: nothing excluded
                Value::Str(_) if kind == ObjKind::Tm => {}
                other => {
                    let what = other.describe(&self.objects);
                    self.warn(
                        code::TYPE_MISMATCH,
                        value_span,
                        format!("`assumptions` expects a list of `Assumption`, got {what}"),
                    );
                    return;
                }
            }
        }
        if let Some(obj) = self.obj_mut(id) {
            obj.assumptions = specs;
        }
    }
}

/// Every decision the objects' overrides and assumptions record, in the
/// order the objects were made; `ids` are the objects' ids, `tm` the model's.
pub(super) fn decisions(objects: &Objects, ids: &[String], tm: Option<ObjId>) -> Vec<Decision> {
    let id = |i: ObjId| ids.get(i).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (index, obj) in objects.iter().enumerate() {
        let is_tm = obj.kind == ObjKind::Tm;
        if is_tm && tm != Some(index) {
            continue;
        }
        for finding in &obj.overrides {
            let (Some(threat), Some(response)) = (&finding.threat_id, &finding.response) else {
                continue;
            };
            let mut targets = vec![id(index)];
            if obj.is_element() {
                targets.extend(flows_sharing(objects, index, threat).map(id));
            }
            out.push(Decision {
                threats: vec![threat.clone()],
                targets,
                status: status_of(response),
                justification: response.trim().to_string(),
                ticket: None,
                date: None,
                checked_by: None,
                expires: None,
                location: Some(finding.location.clone()),
                span: finding.span,
            });
        }
        for assumption in &obj.assumptions {
            if assumption.exclude.is_empty() {
                continue;
            }
            let justification = if assumption.description.is_empty() {
                format!("pytm assumption: {}", assumption.name)
            } else {
                format!(
                    "pytm assumption: {}: {}",
                    assumption.name, assumption.description
                )
            };
            out.push(Decision {
                threats: assumption.exclude.clone(),
                targets: if is_tm { Vec::new() } else { vec![id(index)] },
                status: DecisionStatus::FalsePositive,
                justification,
                ticket: None,
                date: None,
                checked_by: None,
                expires: None,
                location: Some(assumption.location.clone()),
                span: assumption.span,
            });
        }
    }
    out
}

/// The flows an element's override of `threat` reaches in pytm: those it is
/// the source or sink of, unless the sink overrides the same threat (the
/// sink's override comes first).
fn flows_sharing<'o>(
    objects: &'o Objects,
    element: ObjId,
    threat: &'o str,
) -> impl Iterator<Item = ObjId> + 'o {
    let overrides = move |obj: ObjId| {
        objects.get(obj).is_some_and(|o| {
            o.overrides
                .iter()
                .any(|f| f.threat_id.as_deref() == Some(threat))
        })
    };
    objects.iter().enumerate().filter_map(move |(flow, obj)| {
        let (source, sink) = obj.endpoints?;
        let reaches = sink == element || (source == element && !overrides(sink));
        (obj.kind == ObjKind::Dataflow && reaches).then_some(flow)
    })
}

/// The status a pytm `response` records: see the module documentation.
pub(super) fn status_of(response: &str) -> DecisionStatus {
    let text: String = response
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if text.starts_with("accept") || text.starts_with("transfer") {
        DecisionStatus::Accepted
    } else if text.starts_with("false positive")
        || text.starts_with("false-positive")
        || text.starts_with("not applicable")
    {
        DecisionStatus::FalsePositive
    } else {
        DecisionStatus::Mitigated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_choose_the_status_by_their_first_words() {
        assert_eq!(
            status_of("accepted since inside the trust boundary"),
            DecisionStatus::Accepted
        );
        assert_eq!(
            status_of("Transferred to the vendor"),
            DecisionStatus::Accepted
        );
        assert_eq!(
            status_of("  **False positive**: no PHP"),
            DecisionStatus::FalsePositive
        );
        assert_eq!(
            status_of("Not applicable here"),
            DecisionStatus::FalsePositive
        );
        assert_eq!(
            status_of("mitigated by adding TLS"),
            DecisionStatus::Mitigated
        );
        assert_eq!(
            status_of("**To Mitigate**: run a memory sanitizer"),
            DecisionStatus::Mitigated
        );
    }
}
