#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Threat status from declared controls (`implements:`) and recorded
//! decisions (`decisions:`), on small models written for each rule.

use moat_engine::{Assessment, Options, ThreatStatus};
use moat_model::{Level, SourceFile, load_file};

/// Two buckets, a user and a flow from the user to the first bucket; `extra`
/// is appended to the model (top-level keys).
fn model(bucket_a: &str, extra: &str) -> String {
    format!(
        r#"name: Status test
elements:
  - id: user
    name: User
    kind: actor
  - id: bucket-a
    name: Bucket A
    kind: datastore
    properties: {{service: "s3:bucket"}}
{bucket_a}
  - id: bucket-b
    name: Bucket B
    kind: datastore
    properties: {{service: "s3:bucket"}}
flows:
  - id: upload
    name: Upload
    source: user
    sink: bucket-a
    tls_version: TLSv12
{extra}
"#
    )
}

fn assess_on(text: &str, today: &str) -> Assessment {
    let file = SourceFile::new("model.yaml", text);
    let loaded = load_file(&file);
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let (catalog, _) = moat_catalog::builtin();
    moat_engine::assess_with(
        loaded.model.unwrap(),
        Some(&file),
        &catalog,
        loaded.diagnostics,
        &Options {
            today: today.to_string(),
        },
    )
}

fn assess(text: &str) -> Assessment {
    assess_on(text, "2026-12-07")
}

fn status(a: &Assessment, result: &str) -> ThreatStatus {
    a.threats
        .iter()
        .find(|t| t.id == result)
        .unwrap_or_else(|| panic!("no result {result}"))
        .status
}

fn messages(a: &Assessment, level: Level) -> Vec<String> {
    a.diagnostics
        .iter()
        .filter(|d| d.level == level)
        .map(|d| {
            format!(
                "{}: {} ({})",
                d.location
                    .as_ref()
                    .map_or("-".to_string(), |l| l.to_string()),
                d.message,
                d.help.clone().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn without_evidence_every_threat_is_open() {
    let a = assess(&model("", ""));
    assert!(!a.threats.is_empty());
    assert!(a.threats.iter().all(|t| t.status == ThreatStatus::Open));
    assert!(a.threats.iter().all(|t| t.evidence.is_empty()));
}

#[test]
fn a_full_control_on_the_model_mitigates_the_threat_everywhere() {
    // C-S3-007 (ACLs disabled) mitigates T-S3-015 (ACL over-granting) fully
    let a = assess(&model("", "implements: [C-S3-007]"));
    for bucket in ["bucket-a", "bucket-b"] {
        let id = format!("T-S3-015@{bucket}");
        assert_eq!(status(&a, &id), ThreatStatus::Mitigated, "{id}");
        let result = a.threats.iter().find(|t| t.id == id).unwrap();
        assert_eq!(result.evidence.len(), 1);
        assert_eq!(result.evidence[0].control, "C-S3-007");
        assert_eq!(result.evidence[0].declared_on, None);
        let at = result.evidence[0].location.as_ref().unwrap();
        assert_eq!((at.file.as_str(), at.line), ("model.yaml", 21));
    }
}

#[test]
fn a_partial_control_on_one_element_stays_on_that_element() {
    // C-S3-001 (account Block Public Access) mitigates T-S3-015 with `high` impact
    let a = assess(&model("    implements: [C-S3-001]", ""));
    assert_eq!(
        status(&a, "T-S3-015@bucket-a"),
        ThreatStatus::PartlyMitigated
    );
    assert_eq!(status(&a, "T-S3-015@bucket-b"), ThreatStatus::Open);
    let result = a
        .threats
        .iter()
        .find(|t| t.id == "T-S3-015@bucket-a")
        .unwrap();
    assert_eq!(result.evidence[0].declared_on.as_deref(), Some("bucket-a"));
    // the definition lists the control first, as declared
    let definition = a.definitions.iter().find(|d| d.id == "T-S3-015").unwrap();
    assert_eq!(definition.controls[0].id, "C-S3-001");
    assert!(definition.controls[0].declared);
    assert!(definition.control_count >= definition.controls.len());
}

#[test]
fn two_high_controls_mitigate() {
    let a = assess(&model("    implements: [C-S3-001, C-S3-002]", ""));
    assert_eq!(status(&a, "T-S3-015@bucket-a"), ThreatStatus::Mitigated);
}

#[test]
fn a_flow_counts_what_its_ends_implement() {
    let a = assess(&model("    implements: [C-S3-109]", ""));
    let flow = a
        .threats
        .iter()
        .find(|t| t.id == "T-S3-001@upload")
        .unwrap();
    assert_eq!(flow.status, ThreatStatus::PartlyMitigated);
    assert_eq!(flow.evidence[0].declared_on.as_deref(), Some("bucket-a"));
}

#[test]
fn an_unknown_control_is_a_located_error_with_a_suggestion() {
    let a = assess(&model("    implements: [C-S3-0O7]", ""));
    let errors = messages(&a, Level::Error);
    assert_eq!(
        errors,
        vec![
            "model.yaml:10:18: `implements` names unknown control `C-S3-0O7` (did you mean `C-S3-007`?)"
        ]
    );
}

const ACCEPTED: &str = r#"decisions:
  - threat: T-S3-015
    target: bucket-a
    status: accepted
    justification: ACLs are audited weekly
    ticket: SEC-1
    expires: 2027-01-31"#;

#[test]
fn an_accepted_decision_closes_the_threat_on_its_targets_only() {
    let a = assess(&model("", ACCEPTED));
    assert_eq!(status(&a, "T-S3-015@bucket-a"), ThreatStatus::Accepted);
    assert_eq!(status(&a, "T-S3-015@bucket-b"), ThreatStatus::Open);
    let decided = a
        .threats
        .iter()
        .find(|t| t.id == "T-S3-015@bucket-a")
        .unwrap();
    let applied = decided.decision.as_ref().unwrap();
    assert_eq!(applied.index, 0);
    assert!(!applied.expired);
    assert!(messages(&a, Level::Warning).is_empty());
}

#[test]
fn an_expired_decision_opens_the_threat_again_with_a_warning() {
    let a = assess_on(&model("", ACCEPTED), "2027-02-01");
    assert_eq!(status(&a, "T-S3-015@bucket-a"), ThreatStatus::Open);
    let decided = a
        .threats
        .iter()
        .find(|t| t.id == "T-S3-015@bucket-a")
        .unwrap();
    assert!(decided.decision.as_ref().unwrap().expired);
    assert_eq!(
        messages(&a, Level::Warning),
        vec![
            "model.yaml:22:5: the decision on `T-S3-015` for `bucket-a` expired on 2027-01-31: 1 threat is open again (review it and set a new `expires`, or remove it)"
        ]
    );
    // the last day is still covered
    let a = assess_on(&model("", ACCEPTED), "2027-01-31");
    assert_eq!(status(&a, "T-S3-015@bucket-a"), ThreatStatus::Accepted);
}

#[test]
fn prefixes_and_wildcards_select_threats_and_targets() {
    let decisions = r#"decisions:
  - threats: [T-GEN]
    targets: ["bucket-*"]
    status: false-positive
    justification: managed storage"#;
    let a = assess(&model("", decisions));
    let generic: Vec<_> = a
        .threats
        .iter()
        .filter(|t| t.threat_id.starts_with("T-GEN-"))
        .collect();
    assert!(!generic.is_empty());
    for t in generic {
        let expected = if t.target_id.starts_with("bucket-") {
            ThreatStatus::FalsePositive
        } else {
            ThreatStatus::Open
        };
        assert_eq!(t.status, expected, "{}", t.id);
    }
}

#[test]
fn the_most_specific_decision_wins() {
    let decisions = r#"decisions:
  - threat: T-S3-015
    target: bucket-a
    status: in-progress
    ticket: SEC-2
  - threats: [T-S3]
    status: accepted
    justification: a blanket acceptance written later"#;
    let a = assess(&model("", decisions));
    // exact id and target beat a prefix on every target, though written first
    let a_result = a
        .threats
        .iter()
        .find(|t| t.id == "T-S3-015@bucket-a")
        .unwrap();
    assert_eq!(a_result.decision.as_ref().unwrap().index, 0);
    assert_eq!(
        a_result.status,
        ThreatStatus::Open,
        "in-progress leaves it open"
    );
    assert_eq!(status(&a, "T-S3-015@bucket-b"), ThreatStatus::Accepted);
}

#[test]
fn unknown_threats_and_targets_are_located_errors() {
    let decisions = r#"decisions:
  - threat: T-S3-O15
    target: bucket-c
    status: accepted
    justification: typo"#;
    let a = assess(&model("", decisions));
    assert_eq!(
        messages(&a, Level::Error),
        vec![
            "model.yaml:22:5: the decision refers to unknown threat `T-S3-O15` (did you mean `T-S3-015`?)",
            "model.yaml:22:5: the decision refers to unknown target `bucket-c` (did you mean `bucket-a`?)",
        ]
    );
    assert!(a.threats.iter().all(|t| t.status == ThreatStatus::Open));
}

#[test]
fn a_decision_that_matches_nothing_is_a_warning() {
    // T-S3-001 lands on flows from actors, never on a bucket
    let decisions = r#"decisions:
  - threat: T-S3-001
    target: bucket-b
    status: accepted
    justification: nothing to accept"#;
    let a = assess(&model("", decisions));
    assert_eq!(
        messages(&a, Level::Warning),
        vec![
            "model.yaml:22:5: the decision on `T-S3-001` for `bucket-b` matches no threat of this model (check its `threats` and `targets`, or remove it)"
        ]
    );
}

#[test]
fn decision_shapes_are_checked_when_the_model_loads() {
    let decisions = r#"decisions:
  - threat: T-S3-015
    status: acepted
    expires: 2027-02-30
  - status: mitigated
    justification: which one?"#;
    let text = model("", decisions);
    let loaded = load_file(&SourceFile::new("model.yaml", text.as_str()));
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            format!(
                "{}: {} ({})",
                d.location.as_ref().unwrap(),
                d.message,
                d.help.clone().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            "model.yaml:23:13: unknown decision status `acepted` (did you mean `accepted`?)",
            "model.yaml:24:14: `expires` is not a day: `2027-02-30` (write it as `YYYY-MM-DD`, e.g. `2027-06-30`)",
            "model.yaml:25:5: a decision names no threat (add `threat: T-S3-001` (an id or an id prefix such as `T-GEN`))",
        ]
    );
}
