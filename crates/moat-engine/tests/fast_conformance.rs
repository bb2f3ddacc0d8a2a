#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fast evaluator gives the CEL interpreter's answer for every built-in
//! condition it compiles, on generated models of every shape the conditions
//! look at (kinds, services, features, controls, data, boundaries, self-flows).

use moat_engine::apply::{holds_by_cel, model_parts};
use moat_engine::fast;
use moat_engine::gate::{Gates, Verdict};
use moat_engine::view::ModelIndex;
use moat_model::*;
use proptest::prelude::*;
use serde_json::{Value, json};

const SERVICES: &[&str] = &[
    "",
    "s3",
    "s3:bucket",
    "kms",
    "iam",
    "cloudtrail",
    "ec2:vpc_endpoint",
    "sts",
    "lambda",
    // a case variant, and values the vocabulary does not know
    "KMS",
    "s4",
    "s3:bukket",
];
const FEATURES: &[&str] = &[
    "FC-S3-WEBSITE",
    "FC-S3-BUCKET-VERSIONING",
    "FC-S3-EXTERNAL",
    "FC-VPC-ENDPOINT",
    "FC-S3-ACL",
    "FC-S3-PRESIGNED-URL",
    "FC-S3-REPLICATION",
    "S3.FC16",
    // unknown: the target counts as declaring nothing
    "FC-S3-REPLICATON",
];
const CONTROLS: &[&str] = &[
    "isHardened",
    "isEncrypted",
    "authenticatesSource",
    "authenticatesDestination",
    "usesMFA",
    "implementsPOLP",
    "hasAccessControl",
    "providesIntegrity",
    "handlesResourceConsumption",
    "isResilient",
    "tracksExecutionFlow",
    "isEncryptedAtRest",
    "validatesInput",
    "sanitizesInput",
    "authorizesSource",
    "implementsAuthenticationScheme",
];

fn controls() -> impl Strategy<Value = Value> {
    proptest::collection::vec(any::<bool>(), CONTROLS.len()).prop_map(|flags| {
        Value::Object(
            CONTROLS
                .iter()
                .zip(flags)
                .filter(|(_, on)| *on)
                .map(|(name, _)| (name.to_string(), Value::Bool(true)))
                .collect(),
        )
    })
}

fn properties() -> impl Strategy<Value = Properties> {
    (
        0..SERVICES.len() + 1,
        proptest::collection::vec(0..FEATURES.len(), 0..3),
    )
        .prop_map(|(service, features)| {
            let mut props = Properties::new();
            if let Some(s) = SERVICES.get(service) {
                props.insert("service".into(), json!(s));
            }
            if !features.is_empty() {
                props.insert(
                    "features".into(),
                    Value::Array(features.iter().map(|f| json!(FEATURES[*f])).collect()),
                );
            }
            props
        })
}

const NAMES: &[&str] = &[
    "User",
    "S3 Bucket",
    "KMS",
    "CloudTrail",
    "IAM Service",
    "S3 Service",
    "web",
    "VPC endpoint",
];

fn model() -> impl Strategy<Value = Model> {
    let element = (
        0..ElementKind::ALL.len(),
        0..NAMES.len(),
        controls(),
        properties(),
        any::<bool>(),
        0..3usize,
        any::<bool>(),
    );
    let flow = (
        0..6usize,
        0..6usize,
        controls(),
        properties(),
        any::<bool>(),
        0..4usize,
    );
    let asset = (0..5i64, any::<bool>(), 0..4usize);
    (
        proptest::collection::vec(element, 1..6),
        proptest::collection::vec(flow, 0..8),
        proptest::collection::vec(asset, 0..3),
    )
        .prop_map(|(elements, flows, assets)| {
            let lifetimes = ["LONG", "SHORT", "MANUAL", "HARDCODED"];
            let classifications = [
                Classification::Public,
                Classification::Restricted,
                Classification::Sensitive,
                Classification::Secret,
                Classification::TopSecret,
            ];
            let data: Vec<DataAsset> = assets
                .iter()
                .enumerate()
                .map(|(i, (class, creds, life))| DataAsset {
                    id: format!("d{i}"),
                    name: format!("d{i}"),
                    description: String::new(),
                    classification: classifications[*class as usize],
                    attributes: [
                        ("isCredentials".to_string(), json!(creds)),
                        ("credentialsLife".to_string(), json!(lifetimes[*life])),
                    ]
                    .into_iter()
                    .collect(),
                    tags: vec![],
                    properties: Properties::new(),
                    span: None,
                })
                .collect();
            let n = elements.len();
            let elements: Vec<Element> = elements
                .into_iter()
                .enumerate()
                .map(
                    |(i, (kind, name, controls, properties, inner, class, has_data))| {
                        let kind = ElementKind::ALL[kind];
                        let mut attributes = Attributes::new();
                        attributes.insert("controls".into(), controls);
                        attributes.insert(
                            "maxClassification".into(),
                            json!(["PUBLIC", "RESTRICTED", "SENSITIVE"][class]),
                        );
                        if kind == ElementKind::Datastore && inner {
                            attributes.insert("type".into(), json!("AWS_S3"));
                            attributes.insert("storesLogData".into(), json!(true));
                        }
                        if kind == ElementKind::Actor {
                            attributes.insert("isAdmin".into(), json!(inner));
                        }
                        Element {
                            id: format!("e{i}"),
                            name: NAMES[name].to_string(),
                            kind,
                            description: String::new(),
                            boundary: Some(if inner { "inner" } else { "outer" }.to_string()),
                            data: if has_data && !data.is_empty() {
                                vec!["d0".into()]
                            } else {
                                vec![]
                            },
                            attributes,
                            tags: vec![],
                            properties,
                            span: None,
                            implements: Vec::new(),
                        }
                    },
                )
                .collect();
            let flows: Vec<Dataflow> = flows
                .into_iter()
                .enumerate()
                .map(|(i, (a, b, controls, properties, tls, with_data))| {
                    let mut attributes = Attributes::new();
                    attributes.insert("controls".into(), controls);
                    attributes.insert(
                        "tlsVersion".into(),
                        json!(if tls { "TLSv12" } else { "SSLv3" }),
                    );
                    Dataflow {
                        id: format!("f{i}"),
                        name: format!("f{i}"),
                        source: format!("e{}", a % n),
                        sink: format!("e{}", b % n),
                        description: String::new(),
                        data: (0..with_data.min(data.len()))
                            .map(|d| format!("d{d}"))
                            .collect(),
                        attributes,
                        tags: vec![],
                        properties,
                        span: None,
                        implements: Vec::new(),
                    }
                })
                .collect();
            let boundary = |id: &str, parent: Option<&str>| Boundary {
                id: id.into(),
                name: id.into(),
                description: String::new(),
                parent: parent.map(String::from),
                attributes: Attributes::new(),
                tags: vec![],
                properties: Properties::new(),
                span: None,
            };
            Model {
                name: "generated".into(),
                boundaries: vec![boundary("outer", None), boundary("inner", Some("outer"))],
                elements,
                flows,
                data,
                ..Model::default()
            }
        })
}

static CATALOG: std::sync::LazyLock<moat_catalog::Catalog> =
    std::sync::LazyLock::new(|| moat_catalog::builtin().0);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn fast_path_agrees_with_cel(model in model()) {
        let catalog = &*CATALOG;
        let index = ModelIndex::new(&model);
        for (kind, part) in model_parts(&index) {
            for threat in &catalog.threats {
                if !threat.threat.applies_to.contains(&kind) {
                    continue;
                }
                let Some(condition) = &threat.condition else { continue };
                let Some(compiled) = fast::compile(&condition.program.expression().expr) else {
                    continue;
                };
                if let Some(fast) = fast::eval(&compiled, &index, part) {
                    let cel = holds_by_cel(threat, &index, part);
                    prop_assert_eq!(Ok(fast), cel, "{} on {:?}", threat.threat.id, kind);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// The engine (gates, fast path, CEL for the rest, in parallel chunks)
    /// finds exactly what the gates and the CEL interpreter alone find.
    #[test]
    fn apply_agrees_with_gates_and_cel(model in model()) {
        let catalog = &*CATALOG;
        let index = ModelIndex::new(&model);
        let gates = Gates::new(catalog);
        let mut expected = std::collections::BTreeSet::new();
        for (kind, part) in model_parts(&index) {
            let scope = gates.scope(&index, part);
            for (i, threat) in catalog.threats.iter().enumerate() {
                if !threat.threat.applies_to.contains(&kind) {
                    continue;
                }
                let assumed = match gates.verdict(i, &scope) {
                    Verdict::Skip => continue,
                    Verdict::Apply => false,
                    Verdict::Assumed => true,
                };
                if holds_by_cel(threat, &index, part) == Ok(true) {
                    let target = match part {
                        fast::Part::Element(e) => e.id.clone(),
                        fast::Part::Flow { flow, .. } => flow.id.clone(),
                        fast::Part::Boundary(b) => b.id.clone(),
                    };
                    expected.insert((threat.threat.id.clone(), target, assumed));
                }
            }
        }
        let applied = moat_engine::apply::apply(catalog, &model, None);
        let found: std::collections::BTreeSet<_> = applied
            .threats
            .iter()
            .map(|t| (t.threat_id.clone(), t.target_id.clone(), t.feature_assumed))
            .collect();
        prop_assert_eq!(found.len(), applied.threats.len(), "a result twice");
        prop_assert_eq!(found, expected);
    }
}

/// The gates decide something on generated models: managed targets lose
/// generic threats, and optional-feature threats are skipped or assumed.
#[test]
fn gates_decide_on_generated_models() {
    use proptest::strategy::ValueTree;
    let catalog = &*CATALOG;
    let gates = Gates::new(catalog);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..64 {
        let model = model().new_tree(&mut runner).unwrap().current();
        let index = ModelIndex::new(&model);
        for (kind, part) in model_parts(&index) {
            let scope = gates.scope(&index, part);
            for (i, threat) in catalog.threats.iter().enumerate() {
                if threat.threat.applies_to.contains(&kind) {
                    seen.insert(format!("{:?}", gates.verdict(i, &scope)));
                }
            }
        }
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
}

#[test]
fn every_builtin_condition_takes_the_fast_path() {
    let (catalog, _) = moat_catalog::builtin();
    let slow: Vec<&str> = catalog
        .threats
        .iter()
        .filter(|t| {
            t.condition
                .as_ref()
                .is_some_and(|c| fast::compile(&c.program.expression().expr).is_none())
        })
        .map(|t| t.threat.id.as_str())
        .collect();
    assert_eq!(slow, Vec::<&str>::new());
}

/// The agreement test above would pass if the fast path never decided; on the
/// bundled example it must decide every condition, and agree with CEL.
#[test]
fn fast_path_decides_every_condition_on_the_example() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/s3/model.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let model = moat_model::load("examples/s3/model.yaml", &text)
        .model
        .unwrap();
    let catalog = &*CATALOG;
    let index = ModelIndex::new(&model);
    let mut decided = 0;
    for (kind, part) in model_parts(&index) {
        for threat in catalog
            .threats
            .iter()
            .filter(|t| t.threat.applies_to.contains(&kind))
        {
            let Some(condition) = &threat.condition else {
                continue;
            };
            let compiled = fast::compile(&condition.program.expression().expr).unwrap();
            let fast = fast::eval(&compiled, &index, part);
            assert!(fast.is_some(), "{} undecided on {kind:?}", threat.threat.id);
            assert_eq!(
                fast.ok_or(String::new()),
                holds_by_cel(threat, &index, part)
            );
            decided += 1;
        }
    }
    assert!(decided > 500, "{decided}");
}
