#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! docs/catalog.md stays true: its generated tables match the code (run with
//! `MOAT_UPDATE_DOCS=1` to rewrite them) and its YAML examples load cleanly.

use moat_catalog::{load_str, reference};
use std::path::PathBuf;

fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/catalog.md")
}

/// `text` with the block between `<!-- generated: NAME -->` and the next
/// `<!-- end generated -->` replaced by `content`.
fn replace_block(text: &str, name: &str, content: &str) -> String {
    let start_marker = format!("<!-- generated: {name} -->\n");
    let start = text.find(&start_marker).expect("start marker") + start_marker.len();
    let end = start
        + text[start..]
            .find("<!-- end generated -->")
            .expect("end marker");
    format!("{}{}{}", &text[..start], content, &text[end..])
}

#[test]
fn generated_tables_are_current() {
    let path = doc_path();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut expected = text.clone();
    for (name, content) in [
        ("severity", reference::severity_table_markdown()),
        ("variables", reference::condition_variables_markdown()),
        ("stride-prefixes", reference::stride_prefixes_markdown()),
    ] {
        expected = replace_block(&expected, name, &content);
    }
    if text != expected {
        if std::env::var_os("MOAT_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        } else {
            panic!(
                "docs/catalog.md is stale: run `MOAT_UPDATE_DOCS=1 cargo test -p moat-catalog --test docs`"
            );
        }
    }
}

#[test]
fn yaml_examples_load_without_diagnostics() {
    let text = std::fs::read_to_string(doc_path()).unwrap();
    let mut examples = 0;
    for block in text.split("```yaml\n").skip(1) {
        let example = block.split("```").next().unwrap();
        let (catalog, diagnostics) = load_str("docs/catalog.md", example);
        let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert!(rendered.is_empty(), "{example}\n{rendered:#?}");
        assert!(!catalog.unwrap().threats.is_empty());
        examples += 1;
    }
    assert!(examples >= 2);
}
