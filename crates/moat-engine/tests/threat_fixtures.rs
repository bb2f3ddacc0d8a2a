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

use moat_catalog::{Catalog, CatalogThreat, TargetKind};
use moat_engine::Assessment;
use moat_model::{Level, SourceFile, load_file};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FIRES: &str = "fires.yaml";
const QUIET: &str = "quiet.yaml";
const HEADER: &str = "# fires on:";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/threats")
}

fn lines(diagnostics: &[moat_model::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.level <= Level::Warning)
        .map(ToString::to_string)
        .collect()
}

/// The assessment of the model at `path`, or why it cannot be trusted.
fn assess(path: &Path, catalog: &Catalog) -> Result<Assessment, String> {
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
    let noisy = lines(&loaded.diagnostics);
    if !noisy.is_empty() {
        return Err(format!(
            "does not load cleanly:\n      {}",
            noisy.join("\n      ")
        ));
    }
    let model = loaded.model.ok_or("loads no model")?;
    let assessment = moat_engine::assess(model, Some(&file), catalog, Vec::new());
    // a condition that cannot be evaluated must not pass for "does not apply"
    let failed = lines(&assessment.diagnostics);
    if !failed.is_empty() {
        return Err(format!(
            "assessment reports:\n      {}",
            failed.join("\n      ")
        ));
    }
    Ok(assessment)
}

fn landed(assessment: &Assessment, threat_id: &str) -> BTreeSet<String> {
    assessment
        .threats
        .iter()
        .filter(|r| r.threat_id == threat_id)
        .map(|r| r.target_id.clone())
        .collect()
}

/// Whether the model has any part the threat's condition is tested on; a quiet
/// model without one would stay quiet whatever the condition said.
fn has_candidate(assessment: &Assessment, threat: &CatalogThreat) -> bool {
    let model = &assessment.model;
    let kinds = &threat.threat.applies_to;
    model
        .elements
        .iter()
        .any(|e| kinds.contains(&TargetKind::Element(e.kind)))
        || (!model.flows.is_empty() && kinds.contains(&TargetKind::DATAFLOW))
        || (!model.boundaries.is_empty() && kinds.contains(&TargetKind::BOUNDARY))
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

fn check_fires(path: &Path, threat: &CatalogThreat, catalog: &Catalog) -> Result<(), String> {
    let want = expected_targets(path)?;
    let got = landed(&assess(path, catalog)?, &threat.threat.id);
    if want != got {
        return Err(format!(
            "should land on {}, landed on {}",
            listed(&want),
            listed(&got)
        ));
    }
    Ok(())
}

fn check_quiet(path: &Path, threat: &CatalogThreat, catalog: &Catalog) -> Result<(), String> {
    let assessment = assess(path, catalog)?;
    let got = landed(&assessment, &threat.threat.id);
    if !got.is_empty() {
        return Err(format!("should land nowhere, landed on {}", listed(&got)));
    }
    if !has_candidate(&assessment, threat) {
        let kinds: Vec<&str> = threat
            .threat
            .applies_to
            .iter()
            .map(|k| k.as_str())
            .collect();
        return Err(format!(
            "has no {} for the condition to reject, so it proves nothing",
            kinds.join(" or ")
        ));
    }
    Ok(())
}

fn check_threat(dir: &Path, threat: &CatalogThreat, catalog: &Catalog, problems: &mut Vec<String>) {
    let id = &threat.threat.id;
    if !dir.is_dir() {
        problems.push(format!(
            "{id}: no fixture directory (want {FIRES} and {QUIET})"
        ));
        return;
    }
    type Check = fn(&Path, &CatalogThreat, &Catalog) -> Result<(), String>;
    for (file, check) in [(FIRES, check_fires as Check), (QUIET, check_quiet)] {
        let path = dir.join(file);
        if !path.is_file() {
            problems.push(format!("{id}: {file} is missing"));
        } else if let Err(e) = check(&path, threat, catalog) {
            problems.push(format!("{id}/{file}: {e}"));
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
    let mut threats: Vec<&CatalogThreat> = catalog
        .threats
        .iter()
        .filter(|t| t.threat.id.starts_with("T-S3-"))
        .collect();
    threats.sort_by(|a, b| a.threat.id.cmp(&b.threat.id));
    // the catalog has ~90 S3 threats; an empty set would make this test pass vacuously
    assert!(threats.len() >= 70, "only {} S3 threats", threats.len());

    let mut problems = Vec::new();
    for threat in &threats {
        let dir = fixtures_dir().join(&threat.threat.id);
        check_threat(&dir, threat, &catalog, &mut problems);
    }
    let ids: BTreeSet<&str> = threats.iter().map(|t| t.threat.id.as_str()).collect();
    check_orphans(&ids, &mut problems);
    assert!(
        problems.is_empty(),
        "{} problem{} with the threat fixtures in {}:\n  - {}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        fixtures_dir().display(),
        problems.join("\n  - ")
    );
}
