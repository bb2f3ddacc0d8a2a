//! A flow's convenience keys (`protocol`, `port`, `encrypted`, `tls_version`,
//! `authentication`, `authorization`): each sets pytm attributes or controls,
//! and setting the same one explicitly as well is a conflict. `tls_version`
//! of TLS 1.2 or later also sets what such a connection gives, the controls
//! threat conditions test (`isEncrypted`, `authenticatesDestination`), unless
//! the flow sets them itself (docs/model.md).

use super::doc::FlowDoc;
use super::loc::Loc;
use super::report::{Reporter, list, quoted};
use crate::diag::{Diagnostic, did_you_mean};
use crate::model::Attributes;
use crate::schema::EnumKind;
use crate::span::Span;
use serde_json::Value;

/// Where a value goes: `attributes.<name>` or `controls.<name>`.
#[derive(Clone, Copy)]
enum Slot {
    Attribute(&'static str),
    Control(&'static str),
}

impl Slot {
    fn path(self) -> String {
        match self {
            Slot::Attribute(name) => format!("attributes.{name}"),
            Slot::Control(name) => format!("controls.{name}"),
        }
    }
}

/// What `flow`'s convenience keys set, less what conflicts with `attributes:`
/// or `controls:` (reported), for [`Convenience::apply`].
pub(crate) struct Convenience(Vec<(Slot, Value)>);

/// Reads `flow`'s convenience keys, reporting wrong values and conflicts.
pub(crate) fn read(reporter: &Reporter, flow: &FlowDoc) -> Convenience {
    let mut sets: Vec<(&'static str, Span, Slot, Value)> = Vec::new();
    if let Some(protocol) = &flow.protocol {
        let value = Value::from(protocol.value.clone());
        sets.push((
            "protocol",
            protocol.span,
            Slot::Attribute("protocol"),
            value,
        ));
    }
    if let Some(port) = &flow.port {
        let value = Value::from(i64::from(port.value));
        sets.push(("port", port.span, Slot::Attribute("dstPort"), value));
    }
    if let Some(version) = &flow.tls_version
        && tls_member(reporter, version)
    {
        let value = Value::from(version.value.clone());
        sets.push((
            "tls_version",
            version.span,
            Slot::Attribute("tlsVersion"),
            value,
        ));
    }
    if let Some(encrypted) = &flow.encrypted {
        let value = Value::from(encrypted.value);
        sets.push((
            "encrypted",
            encrypted.span,
            Slot::Control("isEncrypted"),
            value,
        ));
    }
    if let Some(scheme) = &flow.authentication {
        let authenticates = !scheme.value.eq_ignore_ascii_case("none");
        sets.push((
            "authentication",
            scheme.span,
            Slot::Control("authenticationScheme"),
            Value::from(scheme.value.clone()),
        ));
        sets.push((
            "authentication",
            scheme.span,
            Slot::Control("authenticatesSource"),
            Value::from(authenticates),
        ));
    }
    if let Some(authorization) = &flow.authorization {
        let value = Value::from(authorization.value);
        sets.push((
            "authorization",
            authorization.span,
            Slot::Control("authorizesSource"),
            value,
        ));
    }
    let implied = implied_by_tls(reporter, flow);
    let mut set = Vec::with_capacity(sets.len() + implied.len());
    for (key, span, slot, value) in sets {
        if let Some(explicit) = explicit_key(flow, slot) {
            reporter.report(
                Diagnostic::error(
                    "yaml::conflict",
                    format!("`{key}` conflicts with `{}`", slot.path()),
                )
                .with_help(format!(
                    "`{key}` sets `{}`, which is also set at {}; keep one of them",
                    slot.path(),
                    reporter.place_of(explicit)
                )),
                span,
            );
            continue;
        }
        set.push((slot, value));
    }
    set.extend(implied);
    Convenience(set)
}

/// The oldest version whose connections count as encrypted and as
/// authenticating the destination: earlier ones have known weaknesses
/// (RFC 8996 deprecates TLS 1.0 and 1.1).
const AUTHENTICATING_TLS: &str = "TLSv12";

/// What `tls_version: TLSv12` (or later) implies: the flow is encrypted and the
/// sender verifies the destination's certificate, as TLS clients do by default.
/// A value the flow sets itself wins; `encrypted: false` beside it is a warning.
fn implied_by_tls(reporter: &Reporter, flow: &FlowDoc) -> Vec<(Slot, Value)> {
    let Some(version) = &flow.tls_version else {
        return Vec::new();
    };
    let members = EnumKind::TlsVersion.members();
    let rank = |name: &str| members.iter().position(|m| *m == name);
    let (Some(found), Some(floor)) = (rank(&version.value), rank(AUTHENTICATING_TLS)) else {
        return Vec::new();
    };
    if found < floor {
        return Vec::new();
    }
    let mut out = Vec::new();
    match &flow.encrypted {
        Some(encrypted) if !encrypted.value => reporter.report(
            Diagnostic::warning(
                "yaml::contradiction",
                format!(
                    "`encrypted: false` contradicts `tls_version: {}`",
                    version.value
                ),
            )
            .with_help(format!(
                "a TLS connection is encrypted; `encrypted: false` is kept, so the flow counts as unencrypted (`tls_version` is at {})",
                reporter.place_of(version.span)
            )),
            encrypted.span,
        ),
        Some(_) => {}
        None => {
            if explicit_key(flow, Slot::Control("isEncrypted")).is_none() {
                out.push((Slot::Control("isEncrypted"), Value::Bool(true)));
            }
        }
    }
    if explicit_key(flow, Slot::Control("authenticatesDestination")).is_none() {
        out.push((Slot::Control("authenticatesDestination"), Value::Bool(true)));
    }
    out
}

impl Convenience {
    /// Adds the values to a flow's checked attributes.
    pub(crate) fn apply(self, attributes: &mut Attributes) {
        for (slot, value) in self.0 {
            match slot {
                Slot::Attribute(name) => {
                    attributes.insert(name.to_string(), value);
                }
                Slot::Control(name) => {
                    let controls = attributes
                        .entry("controls".to_string())
                        .or_insert_with(|| Value::Object(serde_json::Map::new()));
                    if let Value::Object(map) = controls {
                        map.insert(name.to_string(), value);
                    }
                }
            }
        }
    }
}

/// The span of the key that sets `slot` explicitly, if one does.
fn explicit_key(flow: &FlowDoc, slot: Slot) -> Option<Span> {
    let (map, name) = match slot {
        Slot::Attribute(name) => (&flow.attributes, name),
        Slot::Control(name) => (&flow.controls, name),
    };
    map.keys().find(|k| k.value == name).map(|k| k.span)
}

fn tls_member(reporter: &Reporter, version: &Loc<String>) -> bool {
    let members = EnumKind::TlsVersion.members();
    if members.contains(&version.value.as_str()) {
        return true;
    }
    let help = did_you_mean(&version.value, members.iter().copied())
        .unwrap_or_else(|| format!("expected one of {}", list(members.iter().copied())));
    reporter.report(
        Diagnostic::error(
            "yaml::invalid-value",
            format!(
                "unknown `TLSVersion` member {} for `tls_version`",
                quoted(&version.value)
            ),
        )
        .with_help(help),
        version.span,
    );
    false
}
