//! The `public` table (tests/public-cases/*.json): S3's meaning of a public
//! policy, each case citing the AWS page that decides it.

#![allow(clippy::unwrap_used, clippy::panic)]

use moat_policy::public::is_public;
use serde_json::Value;
use std::path::Path;

#[test]
fn every_policy_gets_the_documented_verdict() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/public-cases");
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let cases: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for case in cases {
            total += 1;
            let name = case["name"].as_str().unwrap();
            assert!(
                case["reference"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("https://docs.aws.amazon.com/")),
                "{name} cites no AWS documentation"
            );
            let (policy, diagnostics) =
                moat_policy::document::read(name, &case["policy"].to_string());
            assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
            let expected = case["public"].as_bool().unwrap();
            assert_eq!(is_public(&policy.unwrap()), expected, "{name}");
        }
    }
    assert!(total >= 20, "only {total} cases");
}
