#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The embedded generic catalog: valid, complete, and conditions that react
//! to attributes.

mod common;

use common::{Element, Flow, Model, applicable, data, holds};
use moat_catalog::{Severity, Stride, builtin};
use moat_model::ElementKind;
use serde_json::{Value, json};

#[test]
fn builtin_catalog_has_no_diagnostics() {
    let (catalog, diagnostics) = builtin();
    let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert!(rendered.is_empty(), "{rendered:#?}");
    assert_eq!(catalog.sources, ["builtin:generic", "builtin:s3"]);
    assert!(catalog.threats.len() >= 20, "{}", catalog.threats.len());
}

#[test]
fn builtin_threats_are_complete_and_numbered_in_order() {
    let (catalog, _) = builtin();
    let mut ids: Vec<&str> = catalog
        .threats
        .iter()
        .map(|t| t.threat.id.as_str())
        .filter(|id| id.starts_with("T-GEN-"))
        .collect();
    ids.sort_unstable();
    let expected: Vec<String> = (1..=ids.len()).map(|n| format!("T-GEN-{n:03}")).collect();
    assert_eq!(ids, expected);
    for t in catalog
        .threats
        .iter()
        .filter(|t| t.threat.id.starts_with("T-GEN-"))
    {
        let threat = &t.threat;
        assert!(t.condition.is_some(), "{} has no condition", threat.id);
        assert!(!threat.example.is_empty(), "{} has no example", threat.id);
        assert!(
            !threat.mitigations.is_empty(),
            "{} has no mitigations",
            threat.id
        );
        assert!(
            !threat.references.is_empty(),
            "{} has no references",
            threat.id
        );
        for reference in &threat.references {
            assert!(
                reference.starts_with("https://"),
                "{}: {reference}",
                threat.id
            );
        }
        assert_eq!(
            threat.severity,
            Severity::from_risk(threat.likelihood, threat.impact)
        );
        let location = threat.location.as_ref().expect("location");
        assert!(location.file.starts_with("catalog/generic/"), "{location}");
        // one file per STRIDE category
        assert!(
            location
                .file
                .ends_with(&format!("{}.yaml", threat.stride.as_str())),
            "{} is in {}",
            threat.id,
            location.file
        );
    }
    for stride in Stride::ALL {
        assert!(
            catalog.threats.iter().any(|t| t.threat.stride == stride),
            "no {stride:?} threat"
        );
    }
}

#[test]
fn builtin_catalog_summary() {
    let (catalog, _) = builtin();
    let summary: Vec<String> = catalog
        .threats
        .iter()
        .map(|t| {
            let th = &t.threat;
            format!(
                "{} [{}] {} L{} I{} -> {} on {}: {}",
                th.id,
                th.stride.as_str(),
                th.name,
                th.likelihood,
                th.impact,
                th.severity,
                th.applies_to
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                th.applies_when.as_deref().unwrap_or("always")
            )
        })
        .collect();
    insta::assert_snapshot!(summary.join("\n"));
}

/// The pytm S3 model of seed 000: one actor on the internet, five servers in
/// the cloud, six flows including a self-flow, and no attributes at all.
fn s3_seed(element_attrs: Value, flow_attrs: Value) -> Model {
    let element = |id, kind, boundary| Element {
        id,
        kind,
        boundary,
        attrs: element_attrs.clone(),
    };
    let flow = |id, source, sink| Flow {
        id,
        source,
        sink,
        attrs: flow_attrs.clone(),
        data: Vec::new(),
    };
    Model {
        elements: vec![
            element("user", ElementKind::Actor, "internet"),
            element("s3-service", ElementKind::Server, "aws-cloud"),
            element("s3-bucket", ElementKind::Server, "aws-cloud"),
            element("iam-service", ElementKind::Server, "aws-cloud"),
            element("kms", ElementKind::Server, "aws-cloud"),
            element("cloudtrail", ElementKind::Server, "aws-cloud"),
        ],
        flows: vec![
            flow("s3-api-calls", "user", "s3-service"),
            flow("policy-acl-evaluation", "s3-service", "iam-service"),
            flow("sse", "s3-service", "kms"),
            flow("store-retrieve", "s3-service", "s3-bucket"),
            flow("log-api-events", "s3-service", "cloudtrail"),
            flow("cross-region-replication", "s3-bucket", "s3-bucket"),
        ],
    }
}

fn every_control() -> Value {
    let controls: serde_json::Map<String, Value> = moat_model::schema::CONTROLS
        .iter()
        .filter(|c| matches!(c.ty, moat_model::schema::AttrType::Bool))
        .map(|c| (c.name.to_string(), Value::Bool(true)))
        .collect();
    json!({ "controls": controls })
}

#[test]
fn every_element_and_flow_of_an_attribute_free_model_gets_a_threat() {
    let (catalog, _) = builtin();
    let result = applicable(&catalog, &s3_seed(json!({}), json!({})));
    assert_eq!(result.len(), 12);
    for (target, threats) in &result {
        assert!(!threats.is_empty(), "`{target}` gets no threat");
    }
    let lines: Vec<String> = result
        .iter()
        .map(|(target, threats)| format!("{target}: {}", threats.join(", ")))
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn setting_controls_removes_threats() {
    let (catalog, _) = builtin();
    let bare = applicable(&catalog, &s3_seed(json!({}), json!({})));
    let hardened = applicable(
        &catalog,
        &s3_seed(every_control(), {
            let mut flow = every_control();
            flow["tlsVersion"] = json!("TLSv13");
            flow
        }),
    );
    let count = |r: &[(String, Vec<String>)]| r.iter().map(|(_, t)| t.len()).sum::<usize>();
    assert!(count(&hardened) < count(&bare), "{hardened:?}");
    assert_eq!(count(&hardened), 0, "{hardened:?}");

    // only the encryption of one flow changes: the unencrypted-flow threats leave it
    let mut model = s3_seed(json!({}), json!({}));
    model.flows[0].attrs = json!({"controls": {"isEncrypted": true}});
    let encrypted = applicable(&catalog, &model);
    let api_calls = |r: &[(String, Vec<String>)]| {
        r.iter()
            .find(|(id, _)| id == "s3-api-calls")
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    assert!(api_calls(&bare).contains(&"T-GEN-012".to_string()));
    assert!(api_calls(&bare).contains(&"T-GEN-005".to_string()));
    assert!(!api_calls(&encrypted).contains(&"T-GEN-012".to_string()));
    assert!(!api_calls(&encrypted).contains(&"T-GEN-005".to_string()));
}

/// A model that sets off every threat somewhere: data above its endpoints'
/// clearance, hard-coded credentials, an administrator, a log store.
fn risky_model() -> Model {
    let secret_key = data(
        "secret-key",
        json!({"classification": "SECRET", "isCredentials": true, "credentialsLife": "HARDCODED"}),
    );
    let element = |id, kind, boundary, attrs| Element {
        id,
        kind,
        boundary,
        attrs,
    };
    let flow = |id, source, sink| Flow {
        id,
        source,
        sink,
        attrs: json!({}),
        data: vec![secret_key.clone()],
    };
    let public = json!({"maxClassification": "PUBLIC"});
    Model {
        elements: vec![
            element(
                "admin",
                ElementKind::Actor,
                "internet",
                json!({"isAdmin": true}),
            ),
            element(
                "partner",
                ElementKind::ExternalEntity,
                "internet",
                public.clone(),
            ),
            element("web", ElementKind::Server, "dmz", public.clone()),
            element("worker", ElementKind::Process, "app", public.clone()),
            element("pool", ElementKind::SetOfProcesses, "app", public.clone()),
            element("fn", ElementKind::Lambda, "app", public.clone()),
            element(
                "logs",
                ElementKind::Datastore,
                "app",
                json!({"storesLogData": true}),
            ),
        ],
        flows: vec![
            flow("login", "admin", "web"),
            flow("feed", "partner", "web"),
            flow("jobs", "web", "worker"),
            flow("batch", "worker", "pool"),
            flow("invoke", "pool", "fn"),
            flow("write-logs", "fn", "logs"),
            flow("retry", "fn", "fn"),
        ],
    }
}

/// A model where every control is in place, flows are encrypted and carry no data.
fn safe_model() -> Model {
    let mut model = s3_seed(every_control(), every_control());
    model.flows.retain(|f| f.source != f.sink);
    for element in &mut model.elements {
        element.boundary = "one";
    }
    for kind in [
        ElementKind::Process,
        ElementKind::SetOfProcesses,
        ElementKind::Lambda,
        ElementKind::Datastore,
        ElementKind::ExternalEntity,
    ] {
        model.elements.push(Element {
            id: kind.as_str(),
            kind,
            boundary: "one",
            attrs: every_control(),
        });
    }
    model
}

#[test]
fn every_condition_depends_on_attributes() {
    let (catalog, _) = builtin();
    let risky = risky_model().targets();
    let safe = safe_model().targets();
    // the S3 threats test what service an element is, not its attributes (tests/s3_catalog.rs)
    for t in catalog
        .threats
        .iter()
        .filter(|t| t.threat.id.starts_with("T-GEN-"))
    {
        let id = &t.threat.id;
        let kinds = &t.threat.applies_to;
        let fires = risky
            .iter()
            .any(|(_, kind, view)| kinds.contains(kind) && holds(&catalog, id, view));
        assert!(fires, "{id} applies to nothing in the risky model");
        let quiet = safe
            .iter()
            .filter(|(_, kind, _)| kinds.contains(kind))
            .all(|(_, _, view)| !holds(&catalog, id, view));
        assert!(quiet, "{id} still applies when every control is in place");
    }
}
