#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every S3 threat of the built-in catalog has two fixture models in
//! `tests/fixtures/threats/<THREAT-ID>/`: `fires.yaml`, whose first line names
//! the targets the threat must land on (`# fires on: bucket, upload`), and
//! `quiet.yaml`, a near twin where what the threat's condition tests is
//! different, so it lands nowhere. A condition that stops matching, or starts
//! matching more than it should, shows up here with the threat's id.
//!
//! Every problem is collected and reported at once, so one run lists all the
//! fixtures to fix.

use moat_model::{Level, SourceFile, load_file};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FIRES: &str = "fires.yaml";
const QUIET: &str = "quiet.yaml";
const HEADER: &str = "# fires on:";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/threats")
}

/// Where `threat_id` lands in the model at `path`, or why that cannot be told.
fn landed(
    path: &Path,
    threat_id: &str,
    catalog: &moat_catalog::Catalog,
) -> Result<BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let name = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string();
    let file = SourceFile::new(name, text.as_str());
    let loaded = load_file(&file);
    // a warning in a fixture is a mistake in the fixture (an unused data asset,
    // a misspelt service): it would test something other than what it says
    let noisy: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.level <= Level::Warning)
        .map(ToString::to_string)
        .collect();
    if !noisy.is_empty() {
        return Err(format!(
            "does not load cleanly:\n      {}",
            noisy.join("\n      ")
        ));
    }
    let model = loaded.model.ok_or("loads no model")?;
    let assessment = moat_engine::assess(model, Some(&file), catalog, Vec::new());
    // a condition that cannot be evaluated must not pass for "does not apply"
    let failed: Vec<String> = assessment
        .diagnostics
        .iter()
        .filter(|d| d.level <= Level::Warning)
        .map(ToString::to_string)
        .collect();
    if !failed.is_empty() {
        return Err(format!(
            "assessment reports:\n      {}",
            failed.join("\n      ")
        ));
    }
    Ok(assessment
        .threats
        .iter()
        .filter(|r| r.threat_id == threat_id)
        .map(|r| r.target_id.clone())
        .collect())
}

/// The target ids of the `# fires on: a, b` first line.
fn expected_targets(path: &Path) -> Result<BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let first = text.lines().next().unwrap_or_default();
    let list = first.strip_prefix(HEADER).ok_or_else(|| {
        format!("first line must be `{HEADER} <target-id>[, <target-id>...]`, found `{first}`")
    })?;
    let ids: Vec<&str> = list.split(',').map(str::trim).collect();
    if ids.iter().any(|id| id.is_empty()) {
        return Err(format!("`{first}` has an empty target id"));
    }
    let unique: BTreeSet<String> = ids.iter().map(|id| id.to_string()).collect();
    if unique.len() != ids.len() {
        return Err(format!("`{first}` names a target twice"));
    }
    Ok(unique)
}

fn listed(ids: &BTreeSet<String>) -> String {
    if ids.is_empty() {
        return "nowhere".to_string();
    }
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_threat(dir: &Path, id: &str, catalog: &moat_catalog::Catalog, problems: &mut Vec<String>) {
    if !dir.is_dir() {
        problems.push(format!(
            "{id}: no fixture directory (want {FIRES} and {QUIET})"
        ));
        return;
    }
    for wanted in [FIRES, QUIET] {
        if !dir.join(wanted).is_file() {
            problems.push(format!("{id}: {wanted} is missing"));
        }
    }
    let fires = dir.join(FIRES);
    if fires.is_file() {
        match expected_targets(&fires).and_then(|want| Ok((want, landed(&fires, id, catalog)?))) {
            Err(e) => problems.push(format!("{id}/{FIRES}: {e}")),
            Ok((want, got)) if want != got => problems.push(format!(
                "{id}/{FIRES}: should land on {}, landed on {}",
                listed(&want),
                listed(&got)
            )),
            Ok(_) => {}
        }
    }
    let quiet = dir.join(QUIET);
    if quiet.is_file() {
        match landed(&quiet, id, catalog) {
            Err(e) => problems.push(format!("{id}/{QUIET}: {e}")),
            Ok(got) if !got.is_empty() => problems.push(format!(
                "{id}/{QUIET}: should land nowhere, landed on {}",
                listed(&got)
            )),
            Ok(_) => {}
        }
    }
}

/// Directories for threats that do not exist (renamed, merged, misspelt), and
/// stray files, which would otherwise be kept without testing anything.
fn check_orphans(threats: &BTreeSet<&str>, problems: &mut Vec<String>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        if !entry.is_dir() {
            problems.push(format!("{name}: not a fixture directory"));
            continue;
        }
        if !threats.contains(name.as_str()) {
            problems.push(format!(
                "{name}: fixture directory for a threat the catalog does not have"
            ));
        }
        let mut files: Vec<String> = std::fs::read_dir(&entry)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|f| f != FIRES && f != QUIET)
            .collect();
        files.sort();
        for stray in files {
            problems.push(format!(
                "{name}/{stray}: unexpected file (only {FIRES} and {QUIET})"
            ));
        }
    }
}

#[test]
fn every_s3_threat_fires_on_its_fixture_and_stays_quiet_on_its_twin() {
    let (catalog, diagnostics) = moat_catalog::builtin();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let threats: BTreeSet<&str> = catalog
        .threats
        .iter()
        .map(|t| t.threat.id.as_str())
        .filter(|id| id.starts_with("T-S3-"))
        .collect();
    // the catalog has ~90 S3 threats; an empty set would make this test pass vacuously
    assert!(threats.len() >= 70, "only {} S3 threats", threats.len());

    let mut problems = Vec::new();
    for id in &threats {
        check_threat(&fixtures_dir().join(id), id, &catalog, &mut problems);
    }
    check_orphans(&threats, &mut problems);
    assert!(
        problems.is_empty(),
        "{} problem{} with the threat fixtures in {}:\n  - {}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        fixtures_dir().display(),
        problems.join("\n  - ")
    );
}
