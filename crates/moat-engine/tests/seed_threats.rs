#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The 28 S3 threats the seed model's author expects (seed 000) are in the
//! built-in catalog under their names, and each lands on the element or flow
//! of `examples/s3/tm.py` (and of its YAML twin) that the seed implies.

use moat_model::{SourceFile, load_file};
use std::path::PathBuf;

/// (threat id, the seed's name, where it must land: element or flow name)
const EXPECTED: &[(&str, &str, &str)] = &[
    ("T-S3-001", "User Credential Theft", "S3 API Calls"),
    ("T-S3-002", "Pre-Signed URL Abuse", "S3 API Calls"),
    ("T-S3-003", "Role Assumption Spoofing", "IAM Service"),
    ("T-S3-004", "API Endpoint Spoofing", "S3 API Calls"),
    ("T-S3-005", "In-Transit Data Modification", "S3 API Calls"),
    ("T-S3-006", "Bucket Policy/ACL Tampering", "S3 Bucket"),
    ("T-S3-007", "Object Metadata Tampering", "S3 Bucket"),
    ("T-S3-008", "Log Tampering", "CloudTrail"),
    (
        "T-S3-009",
        "Replication Stream Interference",
        "Cross-Region Replication",
    ),
    ("T-S3-010", "Action Denial", "S3 Service"),
    ("T-S3-011", "Incomplete Logging", "Log API Events"),
    ("T-S3-012", "Versioning Dispute", "S3 Bucket"),
    ("T-S3-013", "Pre-Signed URL Non-Attribution", "S3 API Calls"),
    ("T-S3-014", "Public Bucket Misconfiguration", "S3 Bucket"),
    ("T-S3-015", "ACL Over-Granting", "S3 Bucket"),
    ("T-S3-016", "Pre-Signed URL Leakage", "S3 API Calls"),
    ("T-S3-017", "KMS Key Exposure", "KMS"),
    ("T-S3-018", "Logging Data Exposure", "CloudTrail"),
    ("T-S3-019", "API Request Flooding", "S3 Service"),
    ("T-S3-020", "Storage Exhaustion", "S3 Bucket"),
    (
        "T-S3-021",
        "KMS Throttling DoS",
        "Server-Side Encryption/Decryption",
    ),
    (
        "T-S3-022",
        "Replication Loop Flood",
        "Cross-Region Replication",
    ),
    ("T-S3-023", "Network Bandwidth Saturation", "S3 API Calls"),
    ("T-S3-024", "Over-Permissive IAM Policies", "IAM Service"),
    ("T-S3-025", "Cross-Account Trust Abuse", "S3 Bucket"),
    ("T-S3-026", "KMS Key Policy Misconfiguration", "KMS"),
    (
        "T-S3-027",
        "Service Role Compromise",
        "Cross-Region Replication",
    ),
    (
        "T-S3-028",
        "Metadata-Driven Escalation",
        "Store/Retrieve Object Data & Metadata",
    ),
];

/// The seed writes non-breaking hyphens (U+2011); compare with ASCII ones.
fn plain(text: &str) -> String {
    text.replace('\u{2011}', "-")
}

fn assess(path: &str) -> moat_engine::Assessment {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    let text = std::fs::read_to_string(&full).unwrap();
    let file = SourceFile::new(path, text.as_str());
    let loaded = load_file(&file);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let (catalog, catalog_diagnostics) = moat_catalog::builtin();
    assert!(catalog_diagnostics.is_empty(), "{catalog_diagnostics:#?}");
    moat_engine::assess(loaded.model.unwrap(), Some(&file), &catalog, Vec::new())
}

fn check(path: &str) {
    let assessment = assess(path);
    let index = assessment.index();
    for (id, name, target) in EXPECTED {
        let definition = index
            .definition(id)
            .unwrap_or_else(|| panic!("{path}: {id} ({name}) does not apply anywhere"));
        assert_eq!(definition.name, *name, "{id} is not named as in the seed");
        let landed: Vec<String> = assessment
            .threats
            .iter()
            .filter(|r| r.threat_id == *id)
            .filter_map(|r| index.target(&r.target_id))
            .map(|t| plain(&t.name))
            .collect();
        assert!(
            landed.iter().any(|n| n.starts_with(target)),
            "{path}: {id} {name} should land on {target}, landed on {landed:?}"
        );
    }
}

#[test]
fn all_28_seed_threats_land_on_the_pytm_script() {
    check("examples/s3/tm.py");
}

#[test]
fn all_28_seed_threats_land_on_the_yaml_model() {
    check("examples/s3/model.yaml");
}

#[test]
fn the_seed_elements_services_are_inferred_and_reported() {
    let assessment = assess("examples/s3/tm.py");
    let inferred: Vec<(String, String)> = assessment
        .inferred_services
        .iter()
        .map(|i| (i.element_name.clone(), i.label()))
        .collect();
    let expected = [
        ("S3 Service", "s3"),
        ("S3 Bucket", "s3 bucket"),
        ("IAM Service", "iam"),
        ("KMS", "kms"),
        ("CloudTrail", "cloudtrail"),
    ];
    assert_eq!(
        inferred,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );
}
