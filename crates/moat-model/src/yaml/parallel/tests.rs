#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Checking long lists on all cores reports exactly what checking them in order does.

use super::in_order;
use crate::span::SourceFile;
use crate::yaml;
use std::fmt::Write;

/// A model with `elements` elements and `flows` flows, and a mistake every few items.
fn model(elements: usize, flows: usize) -> String {
    let mut text = String::from("name: big\nboundaries:\n- id: b0\n  name: B0\n");
    text.push_str("data:\n- id: d0\n  name: D0\n- id: unused\n  name: Unused\n");
    text.push_str("elements:\n");
    for i in 0..elements {
        let id = if i % 79 == 1 {
            format!("e{}", i - 1)
        } else {
            format!("e{i}")
        };
        let _ = writeln!(text, "- id: {id}");
        let name = if i % 83 == 2 {
            String::new()
        } else {
            format!("E{i}")
        };
        let _ = writeln!(text, "  name: \"{name}\"");
        let kind = match (i % 89, i % 97) {
            (3, _) => "acter",
            (_, 9) => "[x]",
            _ => "server",
        };
        let boundary = if i % 97 == 8 { "b1" } else { "b0" };
        let _ = writeln!(text, "  kind: {kind}\n  boundary: {boundary}");
        match i % 97 {
            4 => text.push_str("  colour: red\n"),
            5 => text.push_str("  attributes:\n    isAdmin: true\n    port: many\n"),
            6 => text.push_str("  controls:\n    isHardend: true\n"),
            7 => text.push_str("  data: [d0, d9]\n"),
            8 => text.push_str("  name: twice\n"),
            _ => {}
        }
    }
    text.push_str("flows:\n");
    for i in 0..flows {
        let _ = writeln!(text, "- id: f{i}\n  name: F{i}");
        let source = if i % 71 == 10 {
            "e-x".to_string()
        } else {
            format!("e{}", i % elements)
        };
        let sink = if i % 61 == 18 {
            "b0".to_string()
        } else {
            format!("e{}", (i * 7) % elements)
        };
        let _ = writeln!(text, "  source: {source}\n  sink: {sink}");
        match i % 61 {
            11 => text.push_str("  protocol: HTTPS\n  attributes:\n    protocol: HTTP\n"),
            12 => text.push_str("  port: 99999\n"),
            13 => text.push_str("  tls_version: TLS9\n"),
            14 => text.push_str("  name: again\n"),
            15 => text.push_str("  data: [d0, nope]\n"),
            16 => text.push_str("  controls:\n    isEncrypted: 1\n"),
            17 => text.push_str("  attributes:\n    responseTo: f-none\n"),
            19 => text.push_str("  encrypted: maybe\n"),
            _ => {}
        }
    }
    text
}

fn load(text: &str) -> (bool, Vec<String>) {
    let loaded = yaml::load(&SourceFile::new("big.yaml", text));
    let shown = loaded.diagnostics.iter().map(ToString::to_string).collect();
    (loaded.model.is_some(), shown)
}

fn codes(text: &str) -> std::collections::BTreeSet<String> {
    let loaded = yaml::load(&SourceFile::new("big.yaml", text));
    loaded.diagnostics.iter().map(|d| d.code.clone()).collect()
}

#[test]
fn long_lists_report_the_same_in_parallel_and_in_order() {
    let text = model(3000, 6000);
    let parallel = load(&text);
    let ordered = in_order(|| load(&text));
    assert!(parallel.1.len() > 300, "{}", parallel.1.len());
    let codes = codes(&text);
    for code in [
        "conflict",
        "duplicate-id",
        "duplicate-key",
        "empty-name",
        "invalid-attribute-value",
        "invalid-type",
        "invalid-value",
        "unknown-attribute",
        "unknown-control",
        "unknown-key",
        "unknown-reference",
        "unused-data",
        "wrong-reference",
    ] {
        assert!(
            codes.contains(&format!("yaml::{code}")),
            "{code}: {codes:?}"
        );
    }
    assert!(!parallel.0);
    assert_eq!(parallel, ordered);
}

#[test]
fn long_valid_lists_give_the_same_model_in_parallel_and_in_order() {
    let text = (0..2000).fold(String::from("name: big\nelements:\n"), |mut text, i| {
        let _ = writeln!(text, "- id: e{i}\n  name: E{i}\n  kind: process");
        text
    }) + &(0..3000).fold(String::from("flows:\n"), |mut text, i| {
        let _ = writeln!(
            text,
            "- name: F {i}\n  source: e{}\n  sink: e{}\n  protocol: HTTPS\n  encrypted: true",
            i % 2000,
            (i * 3) % 2000
        );
        text
    });
    let file = SourceFile::new("big.yaml", text.as_str());
    let parallel = yaml::load(&file);
    let ordered = in_order(|| yaml::load(&file));
    assert!(
        parallel.diagnostics.is_empty(),
        "{:?}",
        parallel.diagnostics
    );
    assert_eq!(parallel.model, ordered.model);
    assert_eq!(parallel.model.unwrap().flows.len(), 3000);
}
