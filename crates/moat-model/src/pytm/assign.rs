//! Setting attributes, from keyword arguments (`Server("Web", protocol="HTTPS")`)
//! and from assignments (`web.protocol = "HTTPS"`, `db.controls.isEncrypted = True`).
//! Every value is checked against [`crate::schema`]; pytm accepts unknown
//! attributes silently, so here they are warnings with a suggestion.

use super::objects::{ObjId, ObjKind};
use super::reader::{BoundaryKeyword, Reader, code, span_of, trailing_name_span};
use super::values::{Fuel, Value, to_attribute};
use crate::diag::did_you_mean;
use crate::model::Classification;
use crate::schema::{self, AttrSpec, EnumKind};
use crate::span::Span;
use rustpython_parser::ast::{Expr, ExprAttribute};
use serde_json::Value as Json;

/// Where an attribute's value came from; only the wording of warnings differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Keyword,
    Assignment,
}

/// What a data asset is linked to: the flows that carry it or the elements that process it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkTo {
    Flows,
    Elements,
}

/// pytm fields moat knows but does not read.
const UNREAD_FIELDS: &[&str] = &[
    "findings",
    "uuid",
    "inputs",
    "outputs",
    "excluded_findings",
    "onDuplicates",
    "colormap",
];

/// The model fields (not schema attributes) each kind of object has.
fn fields(kind: ObjKind) -> &'static [&'static str] {
    match kind {
        ObjKind::Tm => &["name", "description"],
        ObjKind::Boundary => &["name", "description", "inBoundary"],
        ObjKind::Element(_) => &["name", "description", "inBoundary", "data"],
        ObjKind::Dataflow => &["name", "description", "source", "sink", "data"],
        ObjKind::Data => &[
            "name",
            "description",
            "classification",
            "traverses",
            "carriedBy",
            "processedBy",
        ],
    }
}

impl Reader<'_> {
    /// `target = value` where `target` is `x.attr` or `x.controls.attr`.
    pub(super) fn assign_attribute(
        &mut self,
        target: &ExprAttribute,
        value: Value,
        value_span: Span,
        depth: usize,
    ) {
        let attr = target.attr.as_str();
        let attr_span = trailing_name_span(&self.file, target, attr);
        if let Expr::Attribute(inner) = &*target.value
            && inner.attr.as_str() == "controls"
        {
            let Some(owner) = self.eval(&inner.value, depth) else {
                return;
            };
            match owner {
                Value::Obj(id) => self.set_control(id, attr, attr_span, value, value_span),
                other => self.skip_assignment(target, &other),
            }
            return;
        }
        let Some(owner) = self.eval(&target.value, depth) else {
            return;
        };
        match owner {
            Value::Obj(id) => {
                self.set_attr(id, attr, attr_span, value, value_span, Origin::Assignment);
            }
            other => self.skip_assignment(target, &other),
        }
    }

    fn skip_assignment(&mut self, target: &ExprAttribute, owner: &Value) {
        let what = owner.describe(&self.objects);
        let attr = target.attr.as_str();
        self.warn(
            code::SKIPPED,
            span_of(target),
            format!("skipped assignment to `{attr}` of {what}: moat sets attributes of pytm objects only"),
        );
    }

    /// Sets `attr` of object `id`, or warns why not.
    pub(super) fn set_attr(
        &mut self,
        id: ObjId,
        attr: &str,
        attr_span: Span,
        value: Value,
        value_span: Span,
        origin: Origin,
    ) {
        let Some(kind) = self.obj(id).map(|o| o.kind) else {
            return;
        };
        let class = kind.class_name();
        let is_element = matches!(kind, ObjKind::Element(_));
        match attr {
            "name" if kind == ObjKind::Tm => {
                if let Some(name) = self.expect_str(attr, value, value_span)
                    && let Some(obj) = self.obj_mut(id)
                {
                    obj.name = name;
                }
            }
            // constructors consume `name`; only assignments get here
            "name" => self.warn(
                code::READ_ONLY,
                attr_span,
                format!("skipped renaming: pytm does not allow changing the `name` of a `{class}`"),
            ),
            "description" => {
                if let Some(text) = self.expect_str(attr, value, value_span)
                    && let Some(obj) = self.obj_mut(id)
                {
                    obj.description = text;
                }
            }
            "inBoundary" | "boundary" if is_element || kind == ObjKind::Boundary => {
                self.set_boundary(id, attr, attr_span, value, value_span);
            }
            "inBoundary" | "boundary" if kind == ObjKind::Dataflow => self.warn(
                code::UNSUPPORTED,
                attr_span,
                format!("skipped `{attr}` of a data flow: moat places flows by their source and sink"),
            ),
            "data" if is_element || kind == ObjKind::Dataflow => {
                if let Some(data) = self.expect_data(value, value_span)
                    && let Some(obj) = self.obj_mut(id)
                {
                    obj.set_data(data);
                }
            }
            // Moat's own: which AWS service an element is, and the feature classes it uses
            "service" if is_element || kind == ObjKind::Dataflow => {
                if let Some(text) = self.expect_str(attr, value, value_span)
                    && let Some(obj) = self.obj_mut(id)
                {
                    obj.properties
                        .insert("service".to_string(), serde_json::Value::from(text));
                }
            }
            "features" if is_element || kind == ObjKind::Dataflow => {
                let features = match &value {
                    Value::Str(s) => Some(vec![serde_json::Value::from(s.to_string())]),
                    other => other.items().and_then(|items| {
                        items
                            .iter()
                            .map(|v| match v {
                                Value::Str(s) => Some(serde_json::Value::from(s.to_string())),
                                _ => None,
                            })
                            .collect::<Option<Vec<_>>>()
                    }),
                };
                match features {
                    Some(list) if self.charge(list.len().saturating_mul(16), value_span) => {
                        if let Some(obj) = self.obj_mut(id) {
                            obj.properties
                                .insert("features".to_string(), serde_json::Value::Array(list));
                        }
                    }
                    Some(_) => {}
                    None => self.mismatch(attr, "a list of feature-class ids", &value, value_span),
                }
            }
            "source" | "sink" if kind == ObjKind::Dataflow => {
                self.set_endpoint(id, attr, value, value_span);
            }
            "response" | "responseTo" if kind == ObjKind::Dataflow => {
                self.set_flow_ref(id, attr, value, value_span);
            }
            "classification" if kind == ObjKind::Data => {
                match &value {
                    Value::Member(EnumKind::Classification, member) => {
                        let classification = Classification::from_pytm_name(member);
                        if let Some(obj) = self.obj_mut(id) {
                            obj.classification = classification;
                        }
                    }
                    other => self.mismatch(attr, "a `Classification` member", other, value_span),
                }
            }
            "traverses" | "carriedBy" if kind == ObjKind::Data => {
                self.link_data(id, attr, value, value_span, LinkTo::Flows);
            }
            "processedBy" if kind == ObjKind::Data => {
                self.link_data(id, attr, value, value_span, LinkTo::Elements);
            }
            "controls" if schema::has_controls(kind.target()) => self.warn(
                code::UNSUPPORTED,
                attr_span,
                "skipped `controls`: moat reads controls one at a time, as in `web.controls.isHardened = True`",
            ),
            "overrides" if is_element || matches!(kind, ObjKind::Dataflow | ObjKind::Boundary) => {
                self.set_overrides(id, &value, value_span);
            }
            "assumptions"
                if is_element
                    || matches!(kind, ObjKind::Dataflow | ObjKind::Boundary | ObjKind::Tm) =>
            {
                self.set_assumptions(id, &value, value_span);
            }
            "threatsFile" if kind == ObjKind::Tm => self.note(
                code::THREATS_FILE,
                attr_span,
                "moat ignores `threatsFile`: it applies its own threat catalog",
            ),
            _ if UNREAD_FIELDS.contains(&attr) => {
                let how = match origin {
                    Origin::Keyword => format!("`{attr}=`"),
                    Origin::Assignment => format!("`{attr}`"),
                };
                self.warn(
                    code::UNSUPPORTED,
                    attr_span,
                    format!("skipped {how}: moat does not read pytm's `{attr}`"),
                );
            }
            _ => match schema::attribute(kind.target(), attr) {
                Some(spec) => self.set_schema_attr(id, spec, value, value_span),
                None => {
                    let help = suggest_attribute(kind, attr);
                    self.warn_with_help(
                        code::UNKNOWN_ATTRIBUTE,
                        attr_span,
                        format!("`{class}` has no attribute `{attr}`"),
                        help,
                    );
                }
            },
        }
    }

    fn set_schema_attr(&mut self, id: ObjId, spec: &AttrSpec, value: Value, value_span: Span) {
        if let Some(json) = self.attribute_json(spec, &value, value_span)
            && let Some(obj) = self.obj_mut(id)
        {
            obj.attributes.insert(spec.name.to_string(), json);
        }
    }

    /// `value` written out for attribute `spec`, charged to the budget at
    /// the size it takes; `None` after a warning (or the error that stops).
    fn attribute_json(&mut self, spec: &AttrSpec, value: &Value, value_span: Span) -> Option<Json> {
        let mut fuel = Fuel::new(self.budget_left());
        let json = to_attribute(value, spec.ty, &mut fuel);
        let used = self.budget_left().saturating_sub(fuel.left);
        if fuel.out || !self.charge(used, value_span) {
            self.charge(usize::MAX, value_span);
            return None;
        }
        if json.is_none() {
            self.mismatch(spec.name, spec.ty.describe(), value, value_span);
        }
        json
    }

    /// `x.controls.name = value`.
    pub(super) fn set_control(
        &mut self,
        id: ObjId,
        name: &str,
        name_span: Span,
        value: Value,
        value_span: Span,
    ) {
        let Some(kind) = self.obj(id).map(|o| o.kind) else {
            return;
        };
        let class = kind.class_name();
        if !schema::has_controls(kind.target()) {
            self.warn(
                code::UNKNOWN_ATTRIBUTE,
                name_span,
                format!("`{class}` has no `controls`"),
            );
            return;
        }
        let Some(spec) = schema::control(name) else {
            let help = if schema::attribute(kind.target(), name).is_some() {
                Some(format!(
                    "`{name}` is an attribute of `{class}`, not a control: set it without `controls.`"
                ))
            } else {
                did_you_mean(name, schema::CONTROLS.iter().map(|c| c.name))
            };
            self.warn_with_help(
                code::UNKNOWN_CONTROL,
                name_span,
                format!("pytm has no control `{name}`"),
                help,
            );
            return;
        };
        let Some(json) = self.attribute_json(spec, &value, value_span) else {
            return;
        };
        let Some(obj) = self.obj_mut(id) else {
            return;
        };
        let controls = obj
            .attributes
            .entry("controls".to_string())
            .or_insert_with(|| Json::Object(serde_json::Map::new()));
        if let Json::Object(map) = controls {
            map.insert(spec.name.to_string(), json);
        }
    }

    fn set_boundary(
        &mut self,
        id: ObjId,
        attr: &str,
        attr_span: Span,
        value: Value,
        value_span: Span,
    ) {
        let boundary = match value {
            Value::Obj(b) if self.obj(b).is_some_and(|o| o.kind == ObjKind::Boundary) => Some(b),
            Value::None => None,
            other => {
                self.mismatch(attr, "a `Boundary`", &other, value_span);
                return;
            }
        };
        let is_boundary = self.obj(id).is_some_and(|o| o.kind == ObjKind::Boundary);
        let site = self.site(attr_span);
        if let Some(obj) = self.obj_mut(id) {
            obj.in_boundary = boundary.map(|b| (b, site));
        }
        if attr == "boundary" {
            let used = self.boundary_keyword.get_or_insert(BoundaryKeyword {
                first: site,
                elements: 0,
                boundaries: 0,
            });
            if is_boundary {
                used.boundaries += 1;
            } else {
                used.elements += 1;
            }
        }
    }

    fn set_endpoint(&mut self, id: ObjId, role: &str, value: Value, value_span: Span) {
        let endpoint = match value {
            Value::Obj(e) if self.obj(e).is_some_and(|o| o.is_element()) => e,
            other => {
                self.mismatch(role, "an element", &other, value_span);
                return;
            }
        };
        if let Some(obj) = self.obj_mut(id)
            && let Some((source, sink)) = &mut obj.endpoints
        {
            if role == "source" {
                *source = endpoint;
            } else {
                *sink = endpoint;
            }
        }
    }

    fn set_flow_ref(&mut self, id: ObjId, attr: &str, value: Value, value_span: Span) {
        let key = if attr == "response" {
            "response"
        } else {
            "responseTo"
        };
        let flow = match value {
            Value::Obj(f) if self.obj(f).is_some_and(|o| o.kind == ObjKind::Dataflow) => Some(f),
            Value::None => None,
            other => {
                self.mismatch(attr, "a data flow", &other, value_span);
                return;
            }
        };
        if let Some(obj) = self.obj_mut(id) {
            match flow {
                Some(flow) => obj.flow_refs.insert(key, flow),
                None => obj.flow_refs.remove(key),
            };
        }
    }

    /// `Data(traverses=[flows])` and `Data(processedBy=[elements])`: the data
    /// joins each flow's or element's `data`.
    fn link_data(&mut self, data: ObjId, attr: &str, value: Value, value_span: Span, to: LinkTo) {
        let items: Vec<Value> = match value.items() {
            Some(items) => items,
            None => vec![value],
        };
        if !self.charge(items.len().saturating_mul(8), value_span) {
            return;
        }
        let expected = match to {
            LinkTo::Flows => "a list of data flows",
            LinkTo::Elements => "a list of elements",
        };
        for item in items {
            let target = match &item {
                Value::Obj(t) => self.obj(*t).and_then(|o| {
                    let fits = match to {
                        LinkTo::Flows => o.kind == ObjKind::Dataflow,
                        LinkTo::Elements => o.is_element(),
                    };
                    fits.then_some(*t)
                }),
                _ => None,
            };
            match target.and_then(|t| self.obj_mut(t)) {
                Some(obj) => obj.add_data(data),
                None => self.mismatch(attr, expected, &item, value_span),
            }
        }
    }

    fn expect_str(&mut self, attr: &str, value: Value, value_span: Span) -> Option<String> {
        match value {
            Value::Str(text) => self
                .charge(text.len(), value_span)
                .then(|| text.to_string()),
            other => {
                self.mismatch(attr, "a string", &other, value_span);
                None
            }
        }
    }

    /// A `Data` or a list of them, as ids.
    fn expect_data(&mut self, value: Value, value_span: Span) -> Option<Vec<ObjId>> {
        let is_data = |reader: &Self, v: &Value| match v {
            Value::Obj(d) => reader
                .obj(*d)
                .is_some_and(|o| o.kind == ObjKind::Data)
                .then_some(*d),
            _ => None,
        };
        let ids = match &value {
            Value::None => Some(Vec::new()),
            Value::Tuple(_) | Value::List(_) | Value::Set(_) => value
                .items()
                .unwrap_or_default()
                .iter()
                .map(|v| is_data(self, v))
                .collect(),
            single => is_data(self, single).map(|d| vec![d]),
        };
        if let Some(ids) = &ids
            && !self.charge(ids.len().saturating_mul(8), value_span)
        {
            return None;
        }
        if ids.is_none() {
            let what = value.describe(&self.objects);
            let help = matches!(value, Value::Str(_)).then(|| {
                "pytm turns a string into an unnamed `Data`; declare a `Data(...)` and use it instead"
                    .to_string()
            });
            self.warn_with_help(
                code::TYPE_MISMATCH,
                value_span,
                format!("`data` expects a `Data` or a list of them, got {what}"),
                help,
            );
        }
        ids
    }

    fn mismatch(&mut self, attr: &str, expected: &str, value: &Value, value_span: Span) {
        let what = value.describe(&self.objects);
        self.warn(
            code::TYPE_MISMATCH,
            value_span,
            format!("`{attr}` expects {expected}, got {what}"),
        );
    }
}

/// "did you mean ...?" for an attribute `kind` does not have: first a control
/// of that exact name (pytm 1.4 moved many attributes, like a flow's
/// `isEncrypted`, under `controls`), then a close attribute, then a close control.
fn suggest_attribute(kind: ObjKind, attr: &str) -> Option<String> {
    let target = kind.target();
    let has_controls = schema::has_controls(target);
    if has_controls && schema::control(attr).is_some() {
        return Some(format!("did you mean `controls.{attr}`?"));
    }
    let known = fields(kind)
        .iter()
        .copied()
        .chain(schema::attributes(target).iter().map(|s| s.name));
    if let Some(suggestion) = did_you_mean(attr, known) {
        return Some(suggestion);
    }
    if !has_controls {
        return None;
    }
    let controls = || schema::CONTROLS.iter().map(|c| c.name);
    let suggestion = did_you_mean(attr, controls())?;
    // did_you_mean names one control; find which to prefix it
    controls()
        .find(|c| did_you_mean(attr, [*c]).as_ref() == Some(&suggestion))
        .map(|c| format!("did you mean `controls.{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ElementKind;

    #[test]
    fn suggestions_point_at_controls_and_close_names() {
        let server = ObjKind::Element(ElementKind::Server);
        assert_eq!(
            suggest_attribute(server, "isHardened").as_deref(),
            Some("did you mean `controls.isHardened`?")
        );
        let datastore = ObjKind::Element(ElementKind::Datastore);
        assert_eq!(
            suggest_attribute(datastore, "isSql").as_deref(),
            Some("did you mean `isSQL`?")
        );
        assert_eq!(
            suggest_attribute(ObjKind::Dataflow, "isEncrypted").as_deref(),
            Some("did you mean `controls.isEncrypted`?")
        );
        assert_eq!(
            suggest_attribute(server, "sanitisesInput").as_deref(),
            Some("did you mean `controls.sanitizesInput`?")
        );
        assert_eq!(suggest_attribute(ObjKind::Data, "isEncrypted"), None);
    }
}
