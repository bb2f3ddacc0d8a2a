#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Properties of the CloudFormation reader: any text, and any template built
//! from intrinsic functions nested at random, is read without a panic, and a
//! template reads the same every time.

use moat_iac::Inventory;
use moat_iac::cloudformation::read;
use moat_source::SourceFile;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn read_text(text: &str) -> (usize, usize) {
    let file = SourceFile::new("p.yaml", text);
    let mut inventory = Inventory::default();
    let mut diagnostics = Vec::new();
    let _ = read(&file, 0, &BTreeMap::new(), &mut inventory, &mut diagnostics);
    (inventory.buckets.len(), diagnostics.len())
}

/// An intrinsic-function expression in flow YAML, nested up to `depth`.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("x".to_string()),
        Just("'a,b'".to_string()),
        Just("!Ref P".to_string()),
        Just("!Ref B".to_string()),
        Just("!Ref AWS::NoValue".to_string()),
        Just("!Ref AWS::Region".to_string()),
        Just("!GetAtt B.Arn".to_string()),
        Just("!Sub '${B}-${P}-${!x}'".to_string()),
        Just("!ImportValue e".to_string()),
        Just("!Condition C".to_string()),
        Just("!Rain::Module z".to_string()),
    ];
    leaf.prop_recursive(4, 32, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("!Join ['', [{a}, {b}]]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("!If [C, {a}, {b}]")),
            inner
                .clone()
                .prop_map(|a| format!("!Select [1, !Split [',', {a}]]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("!Equals [{a}, {b}]")),
            inner.clone().prop_map(|a| format!("!Not [{a}]")),
            inner
                .clone()
                .prop_map(|a| format!("!FindInMap [M, {a}, k]")),
            inner.prop_map(|a| format!("!Base64 {a}")),
        ]
    })
}

fn template(a: &str, b: &str, c: &str) -> String {
    format!(
        "Parameters:\n  P:\n    Type: String\n    Default: p\nMappings:\n  M:\n    x:\n      k: v\nConditions:\n  C: {c}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {a}\n      VersioningConfiguration:\n        Status: {b}\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref B\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: '*'\n            Action: s3:GetObject\n            Resource: {a}\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_reads_without_panic(text in "(?s).{0,400}") {
        read_text(&text);
    }

    #[test]
    fn nested_intrinsics_read_the_same_every_time(a in expr(), b in expr(), c in expr()) {
        let text = template(&a, &b, &c);
        prop_assert_eq!(read_text(&text), read_text(&text));
    }
}
