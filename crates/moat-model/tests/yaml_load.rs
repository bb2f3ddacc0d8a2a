#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Loading valid YAML models: the S3 example, and what each part of the
//! format turns into.

use moat_model::{ElementKind, Model, SourceFile};
use serde_json::json;
use std::path::Path;

fn example() -> (String, Model) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/s3/model.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = moat_model::load("examples/s3/model.yaml", &text);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    (text, loaded.model.unwrap())
}

fn load_ok(text: &str) -> Model {
    let loaded = moat_model::yaml::load(&SourceFile::new("test.yaml", text));
    let rendered: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    assert!(rendered.is_empty(), "{rendered:#?}");
    loaded.model.unwrap()
}

#[test]
fn s3_example_loads_as_snapshot() {
    let (_, model) = example();
    insta::assert_json_snapshot!("s3_example_model", model);
}

#[test]
fn s3_example_has_the_seed_model_ids() {
    let (_, model) = example();
    let boundaries: Vec<&str> = model.boundaries.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(boundaries, ["internet", "aws-cloud"]);
    let elements: Vec<&str> = model.elements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        elements,
        [
            "user",
            "s3-service",
            "s3-bucket",
            "iam-service",
            "kms",
            "cloudtrail"
        ]
    );
    assert_eq!(model.element("user").unwrap().kind, ElementKind::Actor);
    assert_eq!(model.flows.len(), 6);
    let replication = model.flows.last().unwrap();
    assert_eq!(replication.id, "cross-region-replication");
    assert_eq!(replication.source, replication.sink);
    assert_eq!(model.source.as_deref(), Some("examples/s3/model.yaml"));
}

#[test]
fn s3_example_spans_point_at_each_object() {
    let (text, model) = example();
    let file = SourceFile::new("examples/s3/model.yaml", text.as_str());
    let mut lines = Vec::new();
    let mut show = |what: &str, id: &str, span: Option<moat_model::Span>| {
        let span = span.unwrap();
        let first_line = text[span.start as usize..].lines().next().unwrap_or("");
        let (start, end) = (file.line_col(span.start), file.line_col(span.end));
        lines.push(format!(
            "{what} {id}: {}:{}-{}:{} `{first_line}`",
            start.line, start.col, end.line, end.col
        ));
    };
    for b in &model.boundaries {
        show("boundary", &b.id, b.span);
    }
    for e in &model.elements {
        show("element", &e.id, e.span);
    }
    for f in &model.flows {
        show("flow", &f.id, f.span);
    }
    for d in &model.data {
        show("data", &d.id, d.span);
    }
    insta::assert_snapshot!("s3_example_spans", lines.join("\n"));
}

#[test]
fn the_example_in_the_format_documentation_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/model.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let start = doc.find("```yaml\n").unwrap() + "```yaml\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let model = load_ok(&doc[start..end]);
    assert_eq!(model.flows[0].id, "upload-photo");
    assert_eq!(
        model.boundary("vpc").unwrap().parent.as_deref(),
        Some("aws")
    );
}

#[test]
fn flow_conveniences_set_pytm_attributes_and_controls() {
    let model = load_ok(
        r#"
name: Conveniences
elements:
  - {id: a, name: A, kind: actor}
  - {id: b, name: B, kind: server}
flows:
  - name: A to B
    source: a
    sink: b
    protocol: HTTPS
    port: 443
    tls_version: TLSv13
    encrypted: true
    authentication: none
    authorization: false
    attributes: {srcPort: 50000}
    controls: {usesMFA: true}
"#,
    );
    let flow = &model.flows[0];
    assert_eq!(flow.id, "a-to-b");
    assert_eq!(
        serde_json::to_value(&flow.attributes).unwrap(),
        json!({
            "protocol": "HTTPS",
            "dstPort": 443,
            "srcPort": 50000,
            "tlsVersion": "TLSv13",
            "controls": {
                "isEncrypted": true,
                "authenticatesDestination": true,
                "authenticationScheme": "none",
                "authenticatesSource": false,
                "authorizesSource": false,
                "usesMFA": true
            }
        })
    );
}

#[test]
fn boundaries_nest_by_list_or_by_parent() {
    let model = load_ok(
        r#"
name: Nesting
boundaries:
  - id: aws
    name: AWS
    boundaries:
      - id: vpc
        name: VPC
        boundaries: [{id: subnet, name: Private subnet}]
  - id: account
    name: Account
    parent: aws
elements:
  - {id: db, name: DB, kind: datastore, boundary: subnet}
"#,
    );
    let parents: Vec<(&str, Option<&str>)> = model
        .boundaries
        .iter()
        .map(|b| (b.id.as_str(), b.parent.as_deref()))
        .collect();
    assert_eq!(
        parents,
        [
            ("aws", None),
            ("vpc", Some("aws")),
            ("subnet", Some("vpc")),
            ("account", Some("aws"))
        ]
    );
    assert_eq!(
        model.boundary_chain(Some("subnet")),
        ["subnet", "vpc", "aws"]
    );
}

#[test]
fn plain_scalars_read_as_written_where_text_is_expected() {
    let model = load_ok(
        r#"
name: 2024
description: 1.10
elements:
  - {id: 443, name: true, kind: process, tags: [1.0, yes, null-ish]}
"#,
    );
    assert_eq!(model.name, "2024");
    assert_eq!(model.description, "1.10");
    let element = &model.elements[0];
    assert_eq!(
        (element.id.as_str(), element.name.as_str()),
        ("443", "true")
    );
    assert_eq!(element.tags, ["1.0", "yes", "null-ish"]);
}

#[test]
fn anchors_and_aliases_are_expanded() {
    let model = load_ok(
        r#"
name: Aliases
elements:
  - id: a
    name: A
    kind: server
    controls: &hardened {isHardened: true, usesMFA: true}
  - id: b
    name: B
    kind: server
    controls: *hardened
"#,
    );
    assert_eq!(model.elements[0].attributes, model.elements[1].attributes);
}

#[test]
fn hostile_inputs_stop_with_a_located_limit_error() {
    for text in [
        format!("name: x\nelements: {}", "[".repeat(100_000)),
        format!("name: x\nproperties: {}", "{a: ".repeat(100_000)),
        "- ".repeat(50_000),
    ] {
        let loaded = moat_model::load("deep.yaml", &text);
        assert!(loaded.model.is_none());
        let first = &loaded.diagnostics[0];
        assert_eq!(first.code, "yaml::limit", "{first}");
        assert!(first.location.is_some(), "{first}");
    }
    let huge = format!("name: x\ndescription: {}\n", "a".repeat(17 * 1024 * 1024));
    let loaded = moat_model::load("huge.yaml", &huge);
    assert_eq!(loaded.diagnostics[0].code, "yaml::too-large");
}

#[test]
fn a_model_written_as_yaml_loads_back_equal() {
    let (_, model) = example();
    let text = moat_model::yaml::to_string(&model).unwrap();
    let reloaded = moat_model::load("examples/s3/model.yaml", &text);
    assert!(
        reloaded.diagnostics.is_empty(),
        "{:#?}",
        reloaded.diagnostics
    );
    let mut reloaded = reloaded.model.unwrap();
    let mut expected = model;
    clear_spans(&mut reloaded);
    clear_spans(&mut expected);
    assert_eq!(reloaded, expected);
}

fn clear_spans(model: &mut Model) {
    model.boundaries.iter_mut().for_each(|b| b.span = None);
    model.elements.iter_mut().for_each(|e| e.span = None);
    model.flows.iter_mut().for_each(|f| f.span = None);
    model.data.iter_mut().for_each(|d| d.span = None);
}

#[test]
fn long_runs_of_comments_are_fine() {
    let comments = "# commented out\n".repeat(100);
    let model = load_ok(&format!(
        "name: Comments\n{comments}elements:\n{comments}- id: a\n{comments}  name: A\n  kind: actor\n{comments}"
    ));
    assert_eq!(model.elements[0].id, "a");
}

/// Large models take the fast paths (plain block YAML, lists checked on all
/// cores); what they give must not depend on that.
#[test]
fn a_large_model_loads_with_every_object_in_place() {
    let mut text = String::from("name: Large\nelements:\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "- id: e{i}\n  name: Element {i}\n  kind: server\n  description: >-\n    Element {i},\n    described at length\n"
        ));
    }
    text.push_str("flows:\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "- name: Flow {i}\n  source: e{}\n  sink: e{}\n  port: 443\n  attributes:\n    protocol: HTTPS\n",
            i % 3000,
            (i * 7) % 3000
        ));
    }
    let model = load_ok(&text);
    assert_eq!((model.elements.len(), model.flows.len()), (3000, 4000));
    let element = &model.elements[2999];
    assert_eq!(element.description, "Element 2999, described at length");
    let span = element.span.unwrap();
    assert!(text[span.start as usize..].starts_with("id: e2999\n"));
    let flow = &model.flows[3999];
    assert_eq!(flow.id, "flow-3999");
    assert_eq!(flow.attributes["dstPort"], json!(443));
    let span = flow.span.unwrap();
    assert!(text[span.start as usize..span.end as usize].starts_with("name: Flow 3999\n"));
    assert!(text[..span.end as usize].ends_with("protocol: HTTPS"));
}
