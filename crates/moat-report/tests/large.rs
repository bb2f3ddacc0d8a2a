#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A model of 2,000 elements renders in every format (renderers index by id;
//! a quadratic scan would show here as a test that never ends).

mod common;

use moat_engine::Assessment;
use serde_json::json;

const ELEMENTS: usize = 2_000;
const BOUNDARIES: usize = 50;
const THREATS: usize = 40;
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
    // Every element gets one of 40 catalog threats; results only name them.
    let threats: Vec<_> = (0..ELEMENTS)
        .map(|e| {
            let threat = e % THREATS;
            json!({
                "id": format!("T-S3-{threat:03}@e{e}"),
                "threat_id": format!("T-S3-{threat:03}"),
                "target_id": format!("e{e}"),
                "stride": STRIDE[threat % STRIDE.len()],
                "severity": SEVERITIES[threat % SEVERITIES.len()],
            })
        })
        .collect();
    let definitions: Vec<_> = (0..THREATS)
        .map(|threat| {
            json!({
                "id": format!("T-S3-{threat:03}"),
                "name": format!("Threat {threat}"),
                "stride": STRIDE[threat % STRIDE.len()],
                "severity": SEVERITIES[threat % SEVERITIES.len()],
                "likelihood": 3,
                "impact": 3,
                "description": "Something bad.",
                "mitigations": ["Do the right thing."],
            })
        })
        .collect();
    let mut targets: Vec<_> = (0..ELEMENTS)
        .map(|e| {
            json!({"id": format!("e{e}"), "name": format!("Element number {e} with a long name"),
                   "type": "element", "kind": kinds[e % kinds.len()]})
        })
        .collect();
    targets.sort_by(|x, y| x["id"].as_str().cmp(&y["id"].as_str()));
    serde_json::from_value(json!({
        "schema_version": 1,
        "tool": {"name": "moat", "version": "0.1.0"},
        "model": {"name": "Large", "boundaries": boundaries, "elements": elements, "flows": flows},
        "catalog": {"sources": [], "threat_count": THREATS},
        "threats": threats,
        "definitions": definitions,
        "targets": targets,
        "diagnostics": [],
    }))
    .unwrap()
}

#[test]
fn every_format_renders_a_large_model() {
    let a = large();

    let text = moat_report::text(&a, true);
    let table = text
        .lines()
        .skip_while(|l| !l.starts_with("SEVERITY"))
        .take_while(|l| !l.is_empty())
        .count();
    assert_eq!(table, ELEMENTS + 1, "a heading and one row per result");

    let json = moat_report::json(&a);
    let back: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back.threats.len(), ELEMENTS);

    let markdown = moat_report::markdown(&a).unwrap();
    common::assert_tidy_markdown(&markdown);
    // Grouped by threat: each threat's text once, then every target it lands on.
    let headings = markdown
        .lines()
        .filter(|l| l.starts_with("### ") && l.contains(": Threat "))
        .count();
    assert_eq!(headings, THREATS);
    assert_eq!(
        markdown
            .matches("**Mitigation:** Do the right thing.\n")
            .count(),
        THREATS
    );
    for e in (0..ELEMENTS).step_by(97) {
        assert!(
            markdown.contains(&format!("Element number {e} with a long name `e{e}`")),
            "target e{e} is listed"
        );
    }

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
fn json_of_a_very_large_assessment_is_compact() {
    let mut a = large();
    let more: Vec<_> = a
        .threats
        .iter()
        .flat_map(|t| {
            (1..5).map(move |k| {
                let threat = (t.threat_id[5..].parse::<usize>().unwrap() + k) % THREATS;
                let mut extra = t.clone();
                extra.threat_id = format!("T-S3-{threat:03}");
                extra.id = format!("{}@{}", extra.threat_id, extra.target_id);
                extra
            })
        })
        .collect();
    a.threats.extend(more);
    let json = moat_report::json(&a);
    assert_eq!(json.lines().count(), 1);
    assert!(json.ends_with("}\n"));
    let back: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back.threats.len(), 5 * ELEMENTS);

    let small = moat_report::json(&large());
    assert!(small.lines().count() > ELEMENTS, "indented below the limit");
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
