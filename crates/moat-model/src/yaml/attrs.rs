//! Checks `attributes:` and `controls:` against pytm's attribute table
//! ([`crate::schema`]): known names for the object's kind, values of the
//! right type, and a pointer to the right place for names in the wrong one.

use super::doc::AttrMap;
use super::loc::Loc;
use super::report::{Reporter, list, quoted};
use crate::diag::{Diagnostic, did_you_mean};
use crate::model::{Attributes, ElementKind};
use crate::schema::{self, AttrSpec, AttrType, Target};
use serde_json::Value;

/// Checked attributes, controls nested under `controls`, and the flow ids
/// that `response`/`responseTo` name (checked once all flows are known).
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub attributes: Attributes,
    pub flow_refs: Vec<Loc<String>>,
}

/// "an actor", "a flow": the object whose attributes these are.
pub(crate) fn describe(target: Target) -> String {
    match target {
        Target::Element(kind) => {
            let label = kind.label();
            let article = if label.starts_with(['a', 'e', 'i', 'o', 'u', 'L']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {label}")
        }
        Target::Dataflow => "a flow".to_string(),
        Target::Boundary => "a boundary".to_string(),
        Target::Data => "a data asset".to_string(),
        Target::Tm => "the model".to_string(),
    }
}

/// Checks `attributes` and `controls`, keeping (moving) the values that are right.
pub(crate) fn check(
    reporter: &Reporter,
    target: Target,
    attributes: AttrMap,
    controls: Option<AttrMap>,
) -> Checked {
    let mut checked = Checked::default();
    for (name, value) in attributes {
        let Some(spec) = schema::attribute(target, &name.value) else {
            unknown_attribute(reporter, target, &name);
            continue;
        };
        if check_value(reporter, spec, "attribute", &value) {
            if spec.ty == AttrType::FlowRef
                && let Some(id) = value.value.as_str()
            {
                checked.flow_refs.push(Loc::new(id.to_string(), value.span));
            }
            checked.attributes.insert(name.value, value.value);
        }
    }
    let mut flags = serde_json::Map::new();
    for (name, value) in controls.into_iter().flatten() {
        let Some(spec) = schema::control(&name.value) else {
            unknown_control(reporter, target, &name);
            continue;
        };
        if check_value(reporter, spec, "control", &value) {
            flags.insert(name.value, value.value);
        }
    }
    if !flags.is_empty() {
        checked
            .attributes
            .insert("controls".to_string(), Value::Object(flags));
    }
    checked
}

/// Checks an element's `attributes` and `controls` when its kind is unknown,
/// so that error does not hide the others: a name no element kind has, and a
/// value no kind having that name accepts, are still reported.
pub(crate) fn check_any_element(reporter: &Reporter, attributes: AttrMap, controls: AttrMap) {
    let kinds = || ElementKind::ALL.into_iter().map(Target::Element);
    for (name, value) in attributes {
        let specs: Vec<&AttrSpec> = kinds()
            .filter_map(|t| schema::attribute(t, &name.value))
            .collect();
        match specs.first() {
            None => {
                let mut known: Vec<&str> = kinds()
                    .flat_map(|t| schema::attributes(t).iter().map(|s| s.name))
                    .collect();
                known.sort_unstable();
                known.dedup();
                let mut diagnostic = Diagnostic::error(
                    "yaml::unknown-attribute",
                    format!(
                        "unknown attribute {} for any kind of element",
                        quoted(&name.value)
                    ),
                );
                if let Some(help) = did_you_mean(&name.value, known.iter().copied()) {
                    diagnostic = diagnostic.with_help(help);
                }
                reporter.report(diagnostic, name.span);
            }
            Some(first) => {
                if !specs.iter().any(|spec| spec.ty.accepts(&value.value)) {
                    check_value(reporter, first, "attribute", &value);
                }
            }
        }
    }
    // controls are the same for every kind of element
    let any = Target::Element(ElementKind::Server);
    check(reporter, any, AttrMap::default(), Some(controls));
}

/// Whether `value` has `spec`'s type; reports it if not.
pub(crate) fn check_value(
    reporter: &Reporter,
    spec: &AttrSpec,
    what: &str,
    value: &Loc<Value>,
) -> bool {
    if spec.ty.accepts(&value.value) {
        return true;
    }
    let shown = quoted(&show(&value.value));
    let diagnostic = match (spec.ty, value.value.as_str()) {
        (AttrType::Enum(kind), Some(member)) => Diagnostic::error(
            "yaml::invalid-attribute-value",
            format!(
                "unknown `{}` member {} for {what} `{}`",
                kind.pytm_name(),
                quoted(member),
                spec.name
            ),
        )
        .with_help(
            did_you_mean(member, kind.members().iter().copied()).unwrap_or_else(|| {
                format!("expected one of {}", list(kind.members().iter().copied()))
            }),
        ),
        _ => Diagnostic::error(
            "yaml::invalid-attribute-value",
            format!(
                "invalid value {shown} for {what} `{}`: expected {}",
                spec.name,
                spec.ty.describe()
            ),
        ),
    };
    reporter.report(diagnostic, value.span);
    false
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Keys a YAML object has as fields, which pytm spells as attributes.
fn field_for(target: Target, name: &str) -> Option<&'static str> {
    let common: &[(&str, &str)] = &[
        ("name", "name"),
        ("description", "description"),
        ("id", "id"),
        ("tags", "tags"),
    ];
    let specific: &[(&str, &str)] = match target {
        Target::Element(_) => &[
            ("inBoundary", "boundary"),
            ("boundary", "boundary"),
            ("data", "data"),
            ("kind", "kind"),
        ],
        Target::Dataflow => &[("source", "source"), ("sink", "sink"), ("data", "data")],
        Target::Boundary => &[("inBoundary", "parent"), ("parent", "parent")],
        Target::Data => &[("classification", "classification")],
        Target::Tm => &[],
    };
    common
        .iter()
        .chain(specific)
        .find(|(attr, _)| *attr == name)
        .map(|(_, field)| *field)
}

fn unknown_attribute(reporter: &Reporter, target: Target, name: &Loc<String>) {
    let key = name.value.as_str();
    let what = describe(target);
    let known: Vec<&str> = schema::attributes(target).iter().map(|s| s.name).collect();
    let (message, help) = if key == "controls" {
        (
            "`controls` is not an attribute".to_string(),
            Some("controls go under their own `controls:` key, beside `attributes:`".to_string()),
        )
    } else if let Some(field) = field_for(target, key) {
        (
            format!("`{key}` is not an attribute of {what}"),
            Some(format!("use the `{field}:` key instead")),
        )
    } else if schema::has_controls(target) && schema::control(key).is_some() {
        (
            format!("`{key}` is a control, not an attribute"),
            Some(format!(
                "did you mean `controls.{key}`? controls go under `controls:`"
            )),
        )
    } else {
        let help = did_you_mean(key, known.iter().copied())
            .or_else(|| other_kinds(target, key))
            .unwrap_or_else(|| {
                format!(
                    "the attributes of {what} are {}",
                    list(known.iter().copied())
                )
            });
        (
            format!("unknown attribute {} for {what}", quoted(key)),
            Some(help),
        )
    };
    let mut diagnostic = Diagnostic::error("yaml::unknown-attribute", message);
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    reporter.report(diagnostic, name.span);
}

/// "`isSQL` is an attribute of datastore elements", for an element of another kind.
fn other_kinds(target: Target, key: &str) -> Option<String> {
    let Target::Element(_) = target else {
        return None;
    };
    let kinds: Vec<&str> = ElementKind::ALL
        .into_iter()
        .filter(|k| schema::attribute(Target::Element(*k), key).is_some())
        .map(ElementKind::as_str)
        .collect();
    (!kinds.is_empty()).then(|| format!("`{key}` is an attribute of {} elements", list(kinds)))
}

fn unknown_control(reporter: &Reporter, target: Target, name: &Loc<String>) {
    let key = name.value.as_str();
    let diagnostic = if schema::attribute(target, key).is_some() {
        Diagnostic::error(
            "yaml::unknown-control",
            format!("`{key}` is an attribute, not a control"),
        )
        .with_help(format!(
            "did you mean `attributes.{key}`? attributes go under `attributes:`"
        ))
    } else {
        let diagnostic = Diagnostic::error(
            "yaml::unknown-control",
            format!("unknown control {}", quoted(key)),
        );
        match did_you_mean(key, schema::CONTROLS.iter().map(|s| s.name)) {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic.with_help("controls are pytm's `Controls` flags; see docs/model.md"),
        }
    };
    reporter.report(diagnostic, name.span);
}
