//! The case table (tests/cases/*.json, each case citing the AWS documentation
//! that decides it) is the evaluator's specification: every case must pass.

#![allow(clippy::unwrap_used, clippy::panic)]

use moat_policy::cases::read_cases;
use moat_policy::evaluate;
use moat_source::SourceFile;
use std::path::Path;

#[test]
fn every_case_gets_the_documented_decision() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let file = SourceFile::new(path.display().to_string(), text);
        let (cases, diagnostics) = read_cases(&file);
        assert!(
            diagnostics.is_empty(),
            "{}: {diagnostics:?}",
            path.display()
        );
        for case in cases {
            total += 1;
            let expected = case
                .expected
                .unwrap_or_else(|| panic!("{} has no expected", case.name));
            let got = evaluate(&case.request, &case.policies);
            if got.decision != expected {
                failures.push(format!(
                    "{}: {:?}, expected {expected:?} ({})",
                    case.name, got.decision, got.reason
                ));
            }
        }
    }
    assert!(total >= 300, "only {total} cases");
    assert!(
        failures.is_empty(),
        "{} of {total} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
