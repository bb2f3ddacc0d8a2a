#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Import of pytm threat libraries: a fixture of our own, and pytm's real
//! library when it is available.

mod common;

use common::render;
use moat_catalog::pytm_library::kinds_for_class;
use moat_catalog::{Severity, TargetKind, check_condition, load_str, py_to_cel};
use std::path::PathBuf;

const FIXTURE: &str = include_str!("fixtures/pytm_threats.json");

#[test]
fn fixture_translations_and_diagnostics() {
    let (catalog, diagnostics) = load_str("pytm_threats.json", FIXTURE);
    let catalog = catalog.unwrap();
    let mut out = String::new();
    for t in &catalog.threats {
        let th = &t.threat;
        let location = th.location.as_ref().unwrap();
        out.push_str(&format!(
            "{} [{}] L{} I{} {} on {} ({}:{})\n  name: {}\n  when: {}\n  references: {:?}\n",
            th.id,
            th.stride.as_str(),
            th.likelihood,
            th.impact,
            th.severity,
            th.applies_to
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            location.line,
            location.col,
            th.name,
            th.applies_when.as_deref().unwrap_or("always"),
            th.references,
        ));
    }
    out.push_str("\n--- diagnostics\n");
    out.push_str(&render(&diagnostics, FIXTURE));
    insta::assert_snapshot!(out);
}

#[test]
fn fixture_descriptions_join_details_and_prerequisites() {
    let (catalog, _) = load_str("pytm_threats.json", FIXTURE);
    let catalog = catalog.unwrap();
    let inp = &catalog.threat("INP90").unwrap().threat;
    assert_eq!(
        inp.description,
        "Records with personal data flow into code that does not clean its input.\n\nPrerequisites: The handler parses the records."
    );
    assert_eq!(inp.mitigations, ["Sanitize input before use."]);
    assert_eq!(inp.example, "A crafted name field breaks the parser.");
    // stated severities are kept, not derived
    let de = &catalog.threat("DE90").unwrap().threat;
    assert_eq!(
        (de.likelihood, de.impact, de.severity),
        (2, 5, Severity::Critical)
    );
}

#[test]
fn pytm_classes_map_with_isinstance_semantics() {
    let names = |class: &str| -> Vec<&'static str> {
        kinds_for_class(class)
            .into_iter()
            .map(TargetKind::as_str)
            .collect()
    };
    assert_eq!(names("Process"), ["process", "set_of_processes"]);
    assert_eq!(
        names("Asset"),
        [
            "server",
            "process",
            "set_of_processes",
            "datastore",
            "lambda",
            "external_entity",
            "agent",
            "llm"
        ]
    );
    assert_eq!(names("Element").len(), 11);
    assert_eq!(names("Dataflow"), ["dataflow"]);
    assert_eq!(names("Boundary"), ["boundary"]);
    assert_eq!(names("LLM"), ["llm"]);
    assert_eq!(names("Agent"), ["agent"]);
    assert!(names("Nope").is_empty());
}

#[test]
fn translations_of_each_construct() {
    let cases = [
        "target.a is True and target.b is not None",
        "not target.a or target.b",
        "target.x in ('a', 'b') and target.y not in ['c']",
        "1 < target.port <= 1024",
        "all(f.isEncrypted for f in target.inputs if f.protocol == 'HTTPS')",
        "any(d.isPII for d in target.data if d.isStored)",
        "len(target.data) > 2",
        "target.oneOf(Server)",
        "target.enters(Boundary) or target.exits(Boundary)",
        "target.inside(Boundary)",
        "target.hasDataLeaks()",
        "any(target.hasDataLeaks() for d in target.data)",
        "target.checkTLSVersion(target.outputs)",
        "target.data[0].classification == Classification.SECRET",
        "target.a if target.b else target.c",
        "target.port - 1 == 79",
        "target.inputs[-1]",
        "target.port / 2",
        "lambda: True",
        "target.oneOf(user)",
        "target.crosses(internet)",
        "target.tlsVersion < TLSVersion",
        "foo.bar",
        "any(x for x, y in target.data)",
        "target.isSomething(1)",
        "f'{target.name}'",
        "target.name == 'new\\nline'",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|python| match py_to_cel::translate(python) {
            Ok(cel) => format!("{python}\n  => {cel}"),
            Err(e) => format!("{python}\n  !! at {}: {}", e.offset, e.message),
        })
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}

/// pytm's own library, if present: `MOAT_PYTM_THREATS`, or the pytm that
/// .ci/run and bench/run.sh install in bench/.venv.
fn real_library() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("MOAT_PYTM_THREATS")
        && !path.is_empty()
    {
        return Some(PathBuf::from(path));
    }
    let lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/.venv/lib");
    let mut candidates: Vec<PathBuf> = std::fs::read_dir(&lib)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("python"))
        .map(|e| e.path().join("site-packages/pytm/threatlib/threats.json"))
        .filter(|p| p.is_file())
        .collect();
    candidates.sort();
    candidates.pop()
}

#[test]
fn every_condition_of_the_real_pytm_library_translates_and_checks() {
    let Some(path) = real_library() else {
        eprintln!(
            "skipped: pytm's threats.json not found (set MOAT_PYTM_THREATS, or install pytm in bench/.venv)"
        );
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut failures = Vec::new();
    for entry in &entries {
        let sid = entry["SID"].as_str().unwrap_or("?");
        let python = entry["condition"].as_str().unwrap_or("");
        let classes: Vec<&str> = match &entry["target"] {
            serde_json::Value::String(s) => vec![s.as_str()],
            serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
            _ => vec!["Element"],
        };
        let kinds: Vec<TargetKind> = classes.iter().flat_map(|c| kinds_for_class(c)).collect();
        match py_to_cel::translate(python) {
            Ok(cel) => {
                if let Err(e) = check_condition(&cel, &kinds) {
                    failures.push(format!("{sid}: `{cel}`: {e}"));
                }
            }
            Err(e) => failures.push(format!("{sid}: `{python}`: {}", e.message)),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    eprintln!(
        "{} conditions of {} translate and check",
        entries.len(),
        path.display()
    );
    if path.to_string_lossy().contains("bench/.venv") {
        // bench/.venv pins pytm 1.4.0, whose library has 114 threats
        assert_eq!(entries.len(), 114);
    }

    let (catalog, diagnostics) = load_str(&path.display().to_string(), &text);
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let deprecated = entries
        .iter()
        .filter(|e| e.get("DEPRECATED").is_some())
        .count();
    assert_eq!(catalog.unwrap().threats.len(), entries.len() - deprecated);
}
