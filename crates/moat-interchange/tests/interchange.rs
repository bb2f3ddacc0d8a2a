#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Exports against each format's published schema, snapshots of each export
//! for a small model, round trips on the bundled examples, and hostile input.

use moat_catalog::Catalog;
use moat_engine::{Assessment, ThreatStatus};
use moat_interchange::{ImportFormat, detect, dragon, import, otm, tc};
use moat_model::{Loaded, SourceFile};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| moat_catalog::builtin().0);
const TODAY: &str = "2026-12-01";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn assess_file(file: &SourceFile, loaded: Loaded) -> Assessment {
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let model = loaded.model.expect("a model");
    moat_engine::assess_with(
        model,
        Some(file),
        &CATALOG,
        Vec::new(),
        &moat_engine::Options {
            today: TODAY.to_string(),
        },
    )
}

fn assess_path(path: &str) -> Assessment {
    let text = std::fs::read_to_string(root().join(path)).expect("example");
    let file = SourceFile::new(path, text);
    let loaded = moat_model::load_file(&file);
    assess_file(&file, loaded)
}

fn assess_import(name: &str, text: &str) -> Assessment {
    let file = SourceFile::new(name, text.to_string());
    let format = detect(name, text).expect("an interchange file");
    let loaded = import(format, &file);
    assess_file(&file, loaded)
}

fn small() -> Assessment {
    assess_path("crates/moat-interchange/tests/small.yaml")
}

/// The small model's assessment cut to one result per target, status and
/// decision, so the snapshots stay readable and still show every case.
fn small_cut() -> Assessment {
    let mut a = small();
    let mut seen = std::collections::HashSet::new();
    let keep: std::collections::HashSet<String> = a
        .threats
        .iter()
        .filter(|t| {
            seen.insert((
                t.target_id.clone(),
                t.status,
                t.decision.as_ref().map(|d| d.status),
                t.evidence.is_empty(),
            ))
        })
        .map(|t| t.id.clone())
        .collect();
    a.retain(|t| keep.contains(&t.id));
    a
}

fn validator(schema: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(schema);
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("schema JSON");
    jsonschema::validator_for(&schema).expect("a valid schema")
}

fn assert_valid(validator: &jsonschema::Validator, text: &str, what: &str) {
    let document: Value = serde_json::from_str(text).expect("export is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks the schema:\n{}",
        errors.join("\n")
    );
}

const EXAMPLES: &[&str] = &[
    "examples/s3/model.yaml",
    "examples/s3/tm.py",
    "examples/data-lake/model.yaml",
    "examples/reachability/model.yaml",
];

#[test]
fn every_export_of_every_example_is_valid_against_its_schema() {
    let tc_schema = validator("threat-composer-v1.schema.json");
    let otm_schema = validator("otm-0.2.schema.json");
    let td_schema = validator("threat-dragon-v2.schema.json");
    let mut all: Vec<(String, Assessment)> = EXAMPLES
        .iter()
        .map(|p| (p.to_string(), assess_path(p)))
        .collect();
    all.push(("small".into(), small()));
    for (name, a) in &all {
        let text = tc::export(a, &CATALOG).expect("tc export");
        assert_valid(&tc_schema, &text, &format!("{name} as Threat Composer"));
        let text = otm::export(a, &CATALOG).expect("otm export");
        assert_valid(&otm_schema, &text, &format!("{name} as OTM"));
        let text = dragon::export(a, &CATALOG).expect("dragon export");
        assert_valid(&td_schema, &text, &format!("{name} as Threat Dragon"));
    }
}

#[test]
fn the_schemas_reject_what_they_should() {
    // the validators are live: a broken export would be caught
    let tc_schema = validator("threat-composer-v1.schema.json");
    let bad: Value = serde_json::json!({"schema": 1, "threats": [{"id": "x", "numericId": 1, "status": "threatAccepted"}]});
    assert!(!tc_schema.is_valid(&bad));
    let otm_schema = validator("otm-0.2.schema.json");
    assert!(!otm_schema.is_valid(&serde_json::json!({"otmVersion": "0.2.0"})));
    let td_schema = validator("threat-dragon-v2.schema.json");
    assert!(!td_schema.is_valid(&serde_json::json!({"version": "2.3.0"})));
}

/// Snapshots hold across Moat versions.
fn versionless(text: String) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn snapshot_threat_composer() {
    insta::assert_snapshot!(versionless(
        tc::export(&small_cut(), &CATALOG).expect("export")
    ));
}

#[test]
fn snapshot_otm() {
    insta::assert_snapshot!(versionless(
        otm::export(&small_cut(), &CATALOG).expect("export")
    ));
}

#[test]
fn snapshot_threat_dragon() {
    insta::assert_snapshot!(versionless(
        dragon::export(&small_cut(), &CATALOG).expect("export")
    ));
}

/// What must survive a round trip: every result with its status and
/// decision, and the decisions themselves.
type Essence = (Vec<(String, ThreatStatus, Option<String>)>, Vec<String>);

fn essence(a: &Assessment) -> Essence {
    let results = a
        .threats
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                t.status,
                t.decision
                    .as_ref()
                    .map(|d| format!("{}{}", d.status, if d.expired { " expired" } else { "" })),
            )
        })
        .collect();
    let decisions = a
        .model
        .decisions
        .iter()
        .map(|d| {
            format!(
                "{:?} {:?} {} {:?} {:?} {:?} {:?} {:?}",
                d.threats,
                d.targets,
                d.status,
                d.justification,
                d.ticket,
                d.date,
                d.checked_by,
                d.expires
            )
        })
        .collect();
    (results, decisions)
}

#[test]
fn examples_round_trip_through_threat_composer_and_otm() {
    for path in EXAMPLES
        .iter()
        .copied()
        .chain(["crates/moat-interchange/tests/small.yaml"])
    {
        let before = assess_path(path);
        assert!(!before.threats.is_empty(), "{path}");
        let text = tc::export(&before, &CATALOG).expect("export");
        let after = assess_import("model.tc.json", &text);
        assert_eq!(
            essence(&before),
            essence(&after),
            "{path} through Threat Composer"
        );
        assert!(
            after.model.incomplete.is_empty(),
            "{path}: {:?}",
            after.model.incomplete
        );
        let text = otm::export(&before, &CATALOG).expect("export");
        let after = assess_import("model.otm.json", &text);
        assert_eq!(essence(&before), essence(&after), "{path} through OTM");
        assert!(
            after.model.incomplete.is_empty(),
            "{path}: {:?}",
            after.model.incomplete
        );
        // the same model, element for element
        assert_eq!(before.model.elements.len(), after.model.elements.len());
        assert_eq!(before.model.flows.len(), after.model.flows.len());
    }
}

#[test]
fn a_status_changed_in_threat_composer_becomes_a_decision() {
    let before = small();
    let text = tc::export(&before, &CATALOG).expect("export");
    let mut doc: Value = serde_json::from_str(&text).expect("json");
    let threats = doc["threats"].as_array_mut().expect("threats");
    let open = threats
        .iter_mut()
        .find(|t| t["status"] == "threatIdentified")
        .expect("an open threat");
    open["status"] = Value::from("threatResolvedNotUseful");
    let result_id = open["metadata"]
        .as_array()
        .and_then(|m| m.iter().find(|e| e["key"] == tc::key::RESULT))
        .and_then(|e| e["value"].as_str())
        .expect("result id")
        .to_string();
    let edited = serde_json::to_string_pretty(&doc).expect("json");
    let after = assess_import("edited.tc.json", &edited);
    let result = after
        .threats
        .iter()
        .find(|t| t.id == result_id)
        .expect("result");
    assert_eq!(result.status, ThreatStatus::FalsePositive);
    assert_eq!(
        after.model.decisions.len(),
        before.model.decisions.len() + 1
    );
    let added = after.model.decisions.last().expect("decision");
    assert!(added.justification.contains("Threat Composer"));
    assert!(
        added
            .location
            .as_ref()
            .is_some_and(|l| l.file == "edited.tc.json" && l.line > 1)
    );
    // every other result is as before
    let changed = essence(&before)
        .0
        .iter()
        .zip(essence(&after).0.iter())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 1);
}

#[test]
fn decision_statuses_map_explicitly() {
    use moat_model::DecisionStatus as D;
    let expected = [
        (D::Unchecked, "threatIdentified"),
        (D::InDiscussion, "threatIdentified"),
        (D::InProgress, "threatIdentified"),
        (D::Accepted, "threatResolved"),
        (D::Mitigated, "threatResolved"),
        (D::FalsePositive, "threatResolvedNotUseful"),
    ];
    for (status, tc_status) in expected {
        assert_eq!(tc::status_of_decision(status), tc_status, "{status}");
    }
    assert_eq!(
        tc::decision_of("threatResolved", Some(D::Accepted)),
        Some(D::Accepted)
    );
    assert_eq!(tc::decision_of("threatResolved", None), Some(D::Mitigated));
    assert_eq!(
        tc::decision_of("threatResolvedNotUseful", None),
        Some(D::FalsePositive)
    );
    assert_eq!(tc::decision_of("nonsense", None), None);
}

#[test]
fn a_threat_composer_file_from_elsewhere_loads_with_what_is_not_carried_listed() {
    let text = r#"{
  "schema": 1,
  "applicationInfo": {"name": "Shop", "description": "A web shop"},
  "threats": [
    {"id": "7b49bdbd-25e9-446f-b44a-46fa2807e182", "numericId": 1, "threatSource": "internet-based threat actor",
     "threatAction": "steal a session", "impactedAssets": ["session store"], "status": "threatIdentified",
     "metadata": [{"key": "STRIDE", "value": ["S"]}, {"key": "Priority", "value": "High"}]}
  ],
  "mitigations": [{"id": "baa86fce-6e2a-406b-a10e-79c30cf94589", "numericId": 1, "content": "Rotate sessions"}],
  "assumptions": [{"id": "60cad786-f498-45dc-8690-6e9a3b308ef7", "numericId": 1, "content": "Users use TLS"}],
  "colour": "blue"
}"#;
    let file = SourceFile::new("shop.tc.json", text);
    let loaded = import(ImportFormat::ThreatComposer, &file);
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let model = loaded.model.expect("model");
    assert_eq!(model.name, "Shop");
    assert_eq!(model.elements.len(), 1);
    assert_eq!(model.elements[0].name, "session store");
    let reasons: Vec<&str> = model.incomplete.iter().map(|i| i.reason.as_str()).collect();
    for needle in [
        "`colour`",
        "no Moat threat id",
        "Rotate sessions",
        "Users use TLS",
        "no Moat model",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(needle)),
            "{needle}: {reasons:#?}"
        );
    }
    let unknown = loaded
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`colour`"))
        .expect("unknown field reported");
    let at = unknown.location.as_ref().expect("located");
    assert_eq!((at.line, at.col), (11, 3));
}

#[test]
fn an_otm_file_from_elsewhere_loads() {
    let text = r#"otmVersion: 0.2.0
project:
  name: Web app
  id: web-app
trustZones:
  - id: internet
    name: Internet
    risk: {trustRating: 10}
  - id: cloud
    name: Cloud
    risk: {trustRating: 90}
components:
  - id: browser
    name: Browser
    type: web-client
    parent: {trustZone: internet}
  - id: api
    name: API
    type: web-service
    parent: {trustZone: cloud}
  - id: db
    name: Orders DB
    type: postgresql-database
    parent: {component: api}
    threats:
      - threat: t1
        state: mitigated
dataflows:
  - id: f1
    name: Calls
    source: browser
    destination: api
    bidirectional: true
threats:
  - id: t1
    name: SQL injection
    risk: {likelihood: 50, impact: 100}
"#;
    let file = SourceFile::new("design.otm.yaml", text);
    let loaded = import(ImportFormat::Otm, &file);
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let model = loaded.model.expect("model");
    let kinds: Vec<String> = model
        .elements
        .iter()
        .map(|e| format!("{}:{}", e.id, e.kind))
        .collect();
    assert_eq!(kinds, ["browser:actor", "api:server", "db:datastore"]);
    assert_eq!(
        model.element("db").and_then(|e| e.boundary.as_deref()),
        Some("cloud")
    );
    assert_eq!(
        model.flows.len(),
        2,
        "a bidirectional flow is read both ways"
    );
    assert!(model.decisions.is_empty(), "t1 is not a Moat threat");
    assert!(
        model
            .incomplete
            .iter()
            .any(|i| i.reason.contains("SQL injection"))
    );
    assert!(
        model
            .incomplete
            .iter()
            .any(|i| i.reason.contains("mapped by name"))
    );
}

/// Each input must give located diagnostics (an error for the malformed
/// ones), never a panic.
#[test]
fn hostile_input_gives_located_errors() {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let cases: Vec<(&str, String, bool)> = vec![
        ("a.tc.json", "{".into(), true),
        ("a.tc.json", "".into(), true),
        ("a.tc.json", "[]".into(), true),
        ("a.tc.json", r#"{"schema": 1, "threats": 5}"#.into(), true),
        ("a.tc.json", r#"{"schema": 1, "threats": [{"numericId": 1, "status": "threatAccepted"}]}"#.into(), true),
        ("a.tc.json", r#"{"schema": 1, "threats": [{"id": "x", "metadata": [{"key": ["a"]}]}]}"#.into(), true),
        ("a.tc.json", format!(r#"{{"schema": 1, "dataflow": {{"description": "{}\n{{\"name\": 5\n```"}}}}"#, tc::MODEL_FENCE).replace('\n', "\\n"), true),
        ("a.tc.json", deep.clone(), true),
        ("a.tc.json", r#"{"schema": 1, "applicationInfo": {"name": {"x": 1}}}"#.into(), true),
        ("a.otm.json", deep, true),
        ("a.otm.json", r#"{"otmVersion": "0.2.0"}"#.into(), true),
        ("a.otm.yaml", "otmVersion: 0.2.0\nproject: {name: x, id: x}\ncomponents:\n  - {id: a, name: A, type: x, parent: {component: b}}\n  - {id: b, name: B, type: x, parent: {component: a}}\n".into(), true),
        ("a.otm.yaml", "otmVersion: 0.2.0\nproject: {name: x, id: x}\ntrustZones: [{id: z, name: Z, risk: {trustRating: 1}}]\ncomponents: [{id: a, name: A, type: x, parent: {trustZone: z}}]\ndataflows: [{id: f, name: F, source: a, destination: nowhere}]\n".into(), true),
        ("a.otm.yaml", "otmVersion: 0.2.0\nproject: {name: x, id: x, attributes: {moat: {decisions: 7}}}\n".into(), true),
        ("a.otm.yaml", "otmVersion: 0.2.0\nproject: {name: x, id: x}\ncomponents: [{id: a, name: A, type: x, parent: {trustZone: nowhere}}]\n".into(), true),
        ("a.otm.yaml", "\t- ]".into(), true),
        ("a.otm.yaml", "otmVersion: 0.2.0\nproject: {name: x, id: x}\nextra: 1\n".into(), false),
    ];
    for (name, text, error) in cases {
        let file = SourceFile::new(name, text.clone());
        let format = detect(name, &text).expect("detected by name");
        let loaded = import(format, &file);
        assert_eq!(
            loaded.has_errors(),
            error,
            "{name} {text:.80}: {:#?}",
            loaded.diagnostics
        );
        assert!(!loaded.diagnostics.is_empty(), "{name} {text:.80}");
        for d in &loaded.diagnostics {
            let at = d
                .location
                .as_ref()
                .unwrap_or_else(|| panic!("unlocated: {d:?}"));
            assert_eq!(at.file, name);
            assert!(at.line >= 1 && at.col >= 1);
        }
        if error {
            assert!(loaded.model.is_none(), "{name} {text:.80}");
        }
    }
}
