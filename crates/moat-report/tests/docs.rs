#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Generated and hand-written docs stay in step with the code: the JSON
//! Schema is regenerated (MOAT_UPDATE_DOCS=1 rewrites it), and the pages name
//! every field and template variable.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn docs(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(file)
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_committed_json_schema_is_current() {
    let path = docs("assessment.schema.json");
    let mut fresh = serde_json::to_string_pretty(&moat_report::assessment_json_schema()).unwrap();
    fresh.push('\n');
    if std::env::var_os("MOAT_UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run `MOAT_UPDATE_DOCS=1 cargo test -p moat-report --test docs`",
        path.display()
    );
}

/// Every property name anywhere in `schema`.
fn property_names(schema: &Value, names: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("properties", Value::Object(properties)) => {
                        names.extend(properties.keys().cloned());
                        properties.values().for_each(|v| property_names(v, names));
                    }
                    _ => property_names(value, names),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| property_names(v, names)),
        _ => {}
    }
}

fn assert_mentions(doc: &str, page: &str, names: &BTreeSet<String>) {
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !page.contains(&format!("`{n}`")) && !page.contains(&format!(".{n}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/{doc} does not mention {missing:?}"
    );
}

#[test]
fn json_output_doc_names_every_field() {
    let mut names = BTreeSet::new();
    property_names(&moat_report::assessment_json_schema(), &mut names);
    assert_mentions("json-output.md", &read(&docs("json-output.md")), &names);
}

/// Every key of `value` and of the objects inside it.
fn keys(value: &Value, names: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                names.insert(k.clone());
                keys(v, names);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, names)),
        _ => {}
    }
}

#[test]
fn templates_doc_names_every_report_variable() {
    let mut names = BTreeSet::new();
    for a in [common::s3(), common::nested()] {
        let out = moat_report::template(&a, "dump.j2", "{{ report | tojson }}").unwrap();
        let mut report: Value = serde_json::from_str(&out).unwrap();
        // Threat results inside `report.stride` are documented with `threats`.
        for group in report["stride"].as_array_mut().unwrap() {
            for target in group["targets"].as_array_mut().unwrap() {
                target["threats"] = Value::Array(vec![]);
            }
        }
        keys(&report, &mut names);
    }
    let filters = [
        "md_escape",
        "md_text",
        "md_code",
        "md_link",
        "severity_badge",
        "severity_label",
        "stride_label",
        "kind_label",
    ];
    names.extend(filters.map(String::from));
    assert_mentions("templates.md", &read(&docs("templates.md")), &names);
}

/// The contents of every fenced block of `language` in `page`.
fn fenced_blocks(page: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in page.lines() {
        match current.as_mut() {
            Some(block) if line.trim_start() == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None if line.trim_start() == format!("```{language}") => current = Some(String::new()),
            None => {}
        }
    }
    blocks
}

#[test]
fn json_output_doc_example_is_an_assessment() {
    let blocks = fenced_blocks(&read(&docs("json-output.md")), "json");
    assert_eq!(blocks.len(), 1);
    let example: moat_engine::Assessment = serde_json::from_str(&blocks[0]).unwrap();
    assert_eq!(example.schema_version, moat_engine::SCHEMA_VERSION);
    let index = example.index();
    for r in &example.threats {
        assert!(index.definition(&r.threat_id).is_some(), "{}", r.id);
        assert!(index.target(&r.target_id).is_some(), "{}", r.id);
    }
    let mut used = example.clone();
    used.retain(|_| true);
    assert_eq!(used.definitions, example.definitions, "unused definitions");
    assert_eq!(used.targets, example.targets, "unused targets");
}

#[test]
fn templates_doc_examples_render() {
    let page = read(&docs("templates.md"));
    let blocks = fenced_blocks(&page, "jinja");
    assert_eq!(blocks.len(), 2);
    for block in &blocks {
        moat_report::template(&common::s3(), "example.md.j2", block)
            .unwrap_or_else(|e| panic!("{e}\n{block}"));
    }
    // The first example's output is shown in the page.
    let shown = &fenced_blocks(&page, "markdown")[0];
    let out = moat_report::template(&common::s3(), "example.md.j2", &blocks[0]).unwrap();
    for line in shown.lines().filter(|l| *l != "...") {
        assert!(out.contains(line), "{line:?} is not in\n{out}");
    }
}
