#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Real pytm scripts from public repositories (`tests/pytm_corpus`, sources
//! in its README): Moat must read the boundaries, elements, flows and data
//! pytm 1.4 builds from each, as `scripts/pytm_corpus_compare.py` recorded
//! them in `pytm-counts.json`. The snapshot keeps what else Moat says.

use moat_model::{Level, Loaded, SourceFile, pytm};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pytm_corpus")
}

fn entries() -> Vec<String> {
    std::fs::read_to_string(corpus().join("entries.txt"))
        .unwrap()
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim().to_string())
        .filter(|line| !line.is_empty())
        .collect()
}

fn read(entry: &str) -> Loaded {
    let path = corpus().join(entry);
    let text = std::fs::read_to_string(&path).unwrap();
    let file = SourceFile::new(format!("tests/pytm_corpus/{entry}").as_str(), text);
    pytm::read_with(&file, &pytm::FileSystem::beside(path.to_str().unwrap()))
}

#[test]
fn moat_reads_what_pytm_builds_from_every_corpus_script() {
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("pytm-counts.json")).unwrap())
            .unwrap();
    let entries = entries();
    assert!(entries.len() >= 40, "{} scripts", entries.len());
    let mut table = String::new();
    for entry in &entries {
        let loaded = read(entry);
        let model = loaded
            .model
            .as_ref()
            .unwrap_or_else(|| panic!("{entry}: {:#?}", loaded.diagnostics));
        let ours = serde_json::json!({
            "boundaries": model.boundaries.len(),
            "elements": model.elements.len(),
            "flows": model.flows.len(),
            "data": model.data.len(),
        });
        let theirs = &recorded[entry.as_str()];
        assert!(
            theirs.get("error").is_none(),
            "{entry}: pytm failed: {theirs}"
        );
        assert_eq!(
            &ours, theirs,
            "{entry}: moat (left) and pytm (right) differ"
        );
        let codes = |level: Level| {
            let mut codes: Vec<&str> = loaded
                .diagnostics
                .iter()
                .filter(|d| d.level == level)
                .map(|d| d.code.trim_start_matches("pytm::"))
                .collect();
            codes.dedup();
            codes.join(",")
        };
        let _ = writeln!(
            table,
            "{entry}: {}/{}/{}/{} incomplete={} decisions={} warnings=[{}] notes=[{}]",
            model.boundaries.len(),
            model.elements.len(),
            model.flows.len(),
            model.data.len(),
            model.incomplete.len(),
            model.decisions.len(),
            codes(Level::Warning),
            codes(Level::Note),
        );
    }
    insta::assert_snapshot!("corpus", table);
}

#[test]
fn pytm_s_own_sample_records_its_assumption_as_a_decision() {
    let loaded = read("owasp-pytm/tm.py");
    let model = loaded.model.unwrap();
    assert_eq!(model.decisions.len(), 1);
    let decision = &model.decisions[0];
    assert_eq!(decision.threats, ["INP16"]);
    assert_eq!(decision.targets, ["web-server"]);
    assert_eq!(decision.status, moat_model::DecisionStatus::FalsePositive);
    assert_eq!(
        decision.justification,
        "pytm assumption: This webserver does not use PHP"
    );
}
