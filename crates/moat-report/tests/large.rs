#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A model of 2,000 elements renders in every format (renderers index by id;
//! a quadratic scan would show here as a test that never ends).

mod common;

use moat_engine::Assessment;
use serde_json::json;

const ELEMENTS: usize = 2_000;
const BOUNDARIES: usize = 50;
const STRIDE: [&str; 6] = [
    "spoofing",
    "tampering",
    "repudiation",
    "information_disclosure",
    "denial_of_service",
    "elevation_of_privilege",
];
const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

/// 50 boundaries nested ten deep, 2,000 elements, a flow out of every element
/// (every tenth a self-flow) and a threat on every element.
fn large() -> Assessment {
    let kinds = [
        "actor",
        "server",
        "process",
        "datastore",
        "lambda",
        "external_entity",
    ];
    let boundaries: Vec<_> = (0..BOUNDARIES)
        .map(|b| {
            let parent = (b % 10 != 0).then(|| format!("b{}", b - 1));
            json!({"id": format!("b{b}"), "name": format!("Boundary {b}"), "parent": parent})
        })
        .collect();
    let elements: Vec<_> = (0..ELEMENTS)
        .map(|e| {
            json!({
                "id": format!("e{e}"),
                "name": format!("Element number {e} with a long name"),
                "kind": kinds[e % kinds.len()],
                "boundary": (e % 7 != 0).then(|| format!("b{}", e % BOUNDARIES)),
            })
        })
        .collect();
    let flows: Vec<_> = (0..ELEMENTS)
        .map(|e| {
            let sink = if e % 10 == 0 {
                e
            } else {
                (e * 7 + 1) % ELEMENTS
            };
            json!({
                "id": format!("f{e}"),
                "name": format!("Flow {e}"),
                "source": format!("e{e}"),
                "sink": format!("e{sink}"),
                "attributes": {"order": (ELEMENTS - e) as i64 % 3 - 1, "dstPort": 443},
            })
        })
        .collect();
    let threats: Vec<_> = (0..ELEMENTS)
        .map(|e| {
            json!({
                "id": format!("T-S3-{:03}@e{e}", e % 40),
                "threat_id": format!("T-S3-{:03}", e % 40),
                "name": format!("Threat {}", e % 40),
                "stride": STRIDE[e % STRIDE.len()],
                "severity": SEVERITIES[e % SEVERITIES.len()],
                "likelihood": 3,
                "impact": 3,
                "target": {"id": format!("e{e}"), "name": format!("Element number {e} with a long name"),
                           "type": "element", "kind": kinds[e % kinds.len()]},
                "description": "Something bad.",
            })
        })
        .collect();
    serde_json::from_value(json!({
        "schema_version": 1,
        "tool": {"name": "moat", "version": "0.1.0"},
        "model": {"name": "Large", "boundaries": boundaries, "elements": elements, "flows": flows},
        "catalog": {"sources": [], "threat_count": 40},
        "threats": threats,
        "diagnostics": [],
    }))
    .unwrap()
}

#[test]
fn every_format_renders_a_large_model() {
    let a = large();

    let text = moat_report::text(&a, true);
    assert_eq!(text.lines().count(), ELEMENTS + 5);

    let json = moat_report::json(&a);
    let back: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back.threats.len(), ELEMENTS);

    let markdown = moat_report::markdown(&a).unwrap();
    common::assert_tidy_markdown(&markdown);
    assert_eq!(markdown.matches("\n##### ").count(), ELEMENTS);

    let dot = moat_report::dot(&a.model);
    assert_eq!(dot.matches(" -> ").count(), ELEMENTS);
    assert_eq!(dot.matches("subgraph cluster_").count(), BOUNDARIES);
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());

    let mermaid = moat_report::mermaid(&a.model);
    assert_eq!(mermaid.matches(" -->|").count(), ELEMENTS);
    let subgraphs = mermaid
        .lines()
        .filter(|l| l.trim_start().starts_with("subgraph "))
        .count();
    let ends = mermaid.lines().filter(|l| l.trim() == "end").count();
    assert_eq!((subgraphs, ends), (BOUNDARIES, BOUNDARIES));

    let plantuml = moat_report::plantuml_sequence(&a.model);
    assert_eq!(plantuml.matches(" -> ").count(), ELEMENTS);
}

#[test]
fn deeply_nested_boundaries_do_not_exhaust_the_stack() {
    let mut a = large();
    for (i, b) in a.model.boundaries.iter_mut().enumerate() {
        b.parent = i.checked_sub(1).map(|p| format!("b{p}"));
    }
    let extra: Vec<_> = (BOUNDARIES..ELEMENTS)
        .map(|b| moat_model::Boundary {
            id: format!("b{b}"),
            name: format!("Boundary {b}"),
            description: String::new(),
            parent: Some(format!("b{}", b - 1)),
            attributes: Default::default(),
            tags: vec![],
            properties: Default::default(),
            span: None,
        })
        .collect();
    a.model.boundaries.extend(extra);
    let dot = moat_report::dot(&a.model);
    assert_eq!(dot.matches("subgraph cluster_").count(), ELEMENTS);
    let mermaid = moat_report::mermaid(&a.model);
    assert_eq!(
        mermaid.lines().filter(|l| l.trim() == "end").count(),
        ELEMENTS
    );
    let markdown = moat_report::markdown(&a).unwrap();
    assert!(markdown.contains(&format!(
        "{}- **Boundary {}**",
        "  ".repeat(ELEMENTS - 1),
        ELEMENTS - 1
    )));
}
