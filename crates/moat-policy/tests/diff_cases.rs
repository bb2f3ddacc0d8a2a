//! The `diff` case table (tests/diff-cases/*.json): pairs of policies with
//! whether NEW grants access OLD did not, each with a one-line reason and the AWS page that decides it, and
//! policies with whether they grant an action (`check-access.json`). Every
//! witness is replayed as the cases it prints, through `read_cases` and
//! `evaluate`.

#![allow(clippy::unwrap_used, clippy::panic)]

use moat_policy::cases::read_cases;
use moat_policy::diff::{DiffKind, Options, Report, check_access_not_granted, diff};
use moat_policy::document::read;
use moat_policy::{Decision, NamedPolicy, evaluate};
use moat_source::SourceFile;
use serde_json::Value;
use std::path::Path;

fn policy(name: &str, value: &Value) -> NamedPolicy {
    let text = serde_json::to_string(value).unwrap();
    let (policy, diagnostics) = read(name, &text);
    assert!(
        !diagnostics.iter().any(moat_source::Diagnostic::is_error),
        "{name}: {diagnostics:?}"
    );
    NamedPolicy {
        name: name.into(),
        policy: policy.unwrap(),
    }
}

/// Every witness replays: NEW allows it, OLD does not.
fn replay(name: &str, report: &Report) {
    for w in &report.witnesses {
        let text =
            serde_json::to_string(&Value::Array(vec![w.new_case.clone(), w.old_case.clone()]))
                .unwrap();
        let (cases, diagnostics) = read_cases(&SourceFile::new(name, text));
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
        let new = evaluate(&cases[0].request, &cases[0].policies).decision;
        let old = evaluate(&cases[1].request, &cases[1].policies).decision;
        assert_eq!(new, Decision::Allowed, "{name}: witness not allowed by NEW");
        assert_ne!(old, Decision::Allowed, "{name}: witness allowed by OLD");
    }
}

fn run(case: &Value) -> Result<(), String> {
    let name = case["name"].as_str().unwrap();
    assert!(
        case["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{name} has no reason"
    );
    assert!(
        case["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("https://docs.aws.amazon.com/")),
        "{name} cites no AWS documentation"
    );
    let kind = case["kind"]
        .as_str()
        .map_or(DiffKind::Identity, |k| DiffKind::parse(k).unwrap());
    let options = Options {
        kind,
        ..Options::default()
    };
    let expected = &case["expected"];
    let (report, field) = if case.get("policy").is_some() {
        let strings = |key: &str| -> Vec<String> {
            case[key]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        };
        let p = policy(name, &case["policy"]);
        let report =
            check_access_not_granted(&p, &strings("actions"), &strings("resources"), &options)
                .map_err(|e| e.to_string())?;
        (report, "access_granted")
    } else {
        let old = policy("old", &case["old"]);
        let new = policy("new", &case["new"]);
        (
            diff(&old, &new, &options).map_err(|e| e.to_string())?,
            "new_access",
        )
    };
    replay(name, &report);
    let got = serde_json::json!({
        field: report.new_access,
        "decided": report.decided,
    });
    if got != *expected {
        return Err(format!(
            "got {got}, expected {expected} (assumptions {:?}, limits {:?}, witness {})",
            report.assumptions,
            report.limits,
            report
                .witnesses
                .first()
                .map(|w| w.request.to_string())
                .unwrap_or_default()
        ));
    }
    if let Some(known) = case.get("witness_action_known") {
        let w = report.witnesses.first().ok_or("no witness")?;
        if Some(w.action_known) != known.as_bool() {
            return Err(format!(
                "witness action {} known: {}",
                w.request["action"], w.action_known
            ));
        }
    }
    if case.get("witness_multivalued").is_some() {
        let w = report.witnesses.first().ok_or("no witness")?;
        let multi = w.request["context"].as_object().is_some_and(|c| {
            c.values()
                .any(|v| v.as_array().is_some_and(|a| a.len() > 1))
        });
        if !multi {
            return Err(format!("witness context is not multivalued: {}", w.request));
        }
    }
    Ok(())
}

#[test]
fn every_diff_case_gets_the_expected_answer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff-cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut names = std::collections::HashSet::new();
    let (mut pairs, mut checks) = (0, 0);
    let mut failures = Vec::new();
    for path in &paths {
        let cases: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for case in cases.as_array().unwrap() {
            let name = case["name"].as_str().unwrap().to_string();
            assert!(names.insert(name.clone()), "duplicate case name {name}");
            if case.get("policy").is_some() {
                checks += 1;
            } else {
                pairs += 1;
            }
            if let Err(e) = run(case) {
                failures.push(format!("{name}: {e}"));
            }
        }
    }
    assert!(pairs >= 40, "only {pairs} OLD/NEW pairs");
    assert!(checks >= 5, "only {checks} check-access cases");
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        pairs + checks,
        failures.join("\n")
    );
}
