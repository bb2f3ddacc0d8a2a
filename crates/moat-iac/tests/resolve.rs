#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The CloudFormation reader: short forms read as long forms, what static
//! resolution decides and what it leaves unknown, and located errors.

use moat_iac::Inventory;
use moat_iac::cloudformation::{Read, read};
use moat_source::{Diagnostic, SourceFile};
use std::collections::BTreeMap;

fn load(text: &str) -> (Inventory, Vec<Diagnostic>) {
    load_with(text, &BTreeMap::new())
}

fn load_with(text: &str, params: &BTreeMap<String, String>) -> (Inventory, Vec<Diagnostic>) {
    let file = SourceFile::new("t.yaml", text);
    let mut inventory = Inventory::default();
    let mut diagnostics = Vec::new();
    match read(&file, 0, params, &mut inventory, &mut diagnostics) {
        Ok(Read::Template { .. }) => {}
        Ok(Read::NotTemplate(r)) => panic!("not a template: {r}"),
        Err(d) => panic!("{d}"),
    }
    inventory.files.push(file);
    (inventory, diagnostics)
}

fn logging_destination(text: &str) -> moat_iac::Value<String> {
    let (inv, _) = load(text);
    let data = inv
        .buckets
        .iter()
        .find(|b| b.origin.logical_id == "Data")
        .unwrap();
    data.logging.get().unwrap().destination.clone()
}

#[test]
fn short_and_long_forms_read_the_same() {
    let short = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: logs-1\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      LoggingConfiguration:\n        DestinationBucketName: !Ref Logs\n";
    let long = "{\"Resources\": {\"Logs\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": \"logs-1\"}}, \"Data\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"LoggingConfiguration\": {\"DestinationBucketName\": {\"Ref\": \"Logs\"}}}}}}";
    let (a, b) = (logging_destination(short), logging_destination(long));
    assert_eq!(a.get(), Some(&"logs-1".to_string()));
    assert_eq!(a.get(), b.get());
}

#[test]
fn sub_join_select_split_and_find_in_map_resolve() {
    let text = r#"
Mappings:
  Regions:
    eu-west-1:
      Logs: eu-logs
Parameters:
  Suffix:
    Type: String
    Default: prod
Resources:
  A:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'data-${Suffix}-${!Literal}'
      LoggingConfiguration:
        DestinationBucketName: !FindInMap [Regions, eu-west-1, Logs]
        LogFilePrefix: !Join ['/', [!Select [1, !Split [',', 'a,b,c']], x]]
"#;
    let (inv, diags) = load(text);
    assert!(diags.is_empty(), "{diags:?}");
    let b = &inv.buckets[0];
    assert_eq!(b.name.get().unwrap(), "data-prod-${Literal}");
    let logging = b.logging.get().unwrap();
    assert_eq!(logging.destination.get().unwrap(), "eu-logs");
    assert_eq!(logging.prefix.get().unwrap(), "b/x");
}

#[test]
fn deployment_values_are_unknown_with_a_reason() {
    let dest = logging_destination(
        "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      LoggingConfiguration:\n        DestinationBucketName: !ImportValue logs\n",
    );
    assert!(dest.reason().unwrap().contains("Fn::ImportValue"));
    let dest = logging_destination(
        "Parameters:\n  P:\n    Type: String\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      LoggingConfiguration:\n        DestinationBucketName: !Ref P\n",
    );
    assert!(
        dest.reason().unwrap().contains("--param P=VALUE"),
        "{dest:?}"
    );
}

#[test]
fn conditions_on_parameters_need_the_parameter() {
    let text = "Parameters:\n  Env:\n    Type: String\n    Default: prod\nConditions:\n  Prod: !Equals [!Ref Env, prod]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !If [Prod, Enabled, !Ref AWS::NoValue]\n";
    let (inv, _) = load(text);
    assert!(inv.buckets[0].versioning.is_unknown());
    let params = BTreeMap::from([("Env".to_string(), "dev".to_string())]);
    let (inv, _) = load_with(text, &params);
    assert!(
        inv.buckets[0].versioning.is_absent(),
        "AWS::NoValue removes the property"
    );
    let params = BTreeMap::from([("Env".to_string(), "prod".to_string())]);
    let (inv, _) = load_with(text, &params);
    assert_eq!(inv.buckets[0].versioning.get().unwrap(), "Enabled");
}

#[test]
fn a_resource_whose_condition_is_false_is_not_created() {
    let text = "Conditions:\n  Never: !Equals [a, b]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Condition: Never\n";
    let (inv, _) = load(text);
    assert!(inv.buckets.is_empty());
}

#[test]
fn cycles_are_located_errors() {
    let text = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref B\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref A\n";
    let (_, diags) = load(text);
    assert!(diags.iter().any(|d| d.code == "cfn::cycle"), "{diags:?}");
    let text = "Conditions:\n  X: !Condition Y\n  Y: !Condition X\nResources:\n  A:\n    Type: AWS::S3::Bucket\n    Condition: X\n";
    let (_, diags) = load(text);
    assert!(diags.iter().any(|d| d.code == "cfn::cycle"), "{diags:?}");
}

#[test]
fn unknown_tags_and_foreach_are_located() {
    let file = SourceFile::new("t.yaml", "Resources:\n  A:\n    Type: !Rain::Module x\n");
    let mut inv = Inventory::default();
    let err = read(&file, 0, &BTreeMap::new(), &mut inv, &mut Vec::new())
        .err()
        .unwrap();
    let loc = err.location.as_ref().unwrap();
    assert_eq!((loc.line, loc.col), (3, 11));
    assert!(err.message.contains("unknown tag `!Rain::Module`"));
    let (_, diags) = load(
        "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Buckets:\n    - Name\n    - [a, b]\n    - B${Name}:\n        Type: AWS::S3::Bucket\n",
    );
    assert!(
        diags
            .iter()
            .any(|d| d.code == "cfn::foreach" && d.is_error()),
        "{diags:?}"
    );
}

#[test]
fn anchors_and_aliases_are_copied() {
    let text = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: &props\n      VersioningConfiguration:\n        Status: Enabled\n  B:\n    Type: AWS::S3::Bucket\n    Properties: *props\n";
    let (inv, _) = load(text);
    assert_eq!(inv.buckets.len(), 2);
    assert_eq!(inv.buckets[1].versioning.get().unwrap(), "Enabled");
}

#[test]
fn hard_coded_regions_and_accounts_are_found_in_arns() {
    let text = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: logs:PutLogEvents\n            Resource: arn:aws:logs:us-east-1:123456789012:log-group:/app/*\n";
    let (inv, _) = load(text);
    let kinds: Vec<&str> = inv.hard_coded.iter().map(|h| h.kind).collect();
    assert_eq!(kinds, ["region", "account"]);
}

#[test]
fn long_reference_chains_stop_with_a_located_error() {
    // 300 buckets, each named after the next: following them all would
    // exhaust the stack, so the chain is cut with an error and an unknown
    let mut text = String::from("Conditions:\n");
    for i in 0..300 {
        text.push_str(&format!("  C{i}: !Condition C{}\n", i + 1));
    }
    text.push_str("  C300: !Equals [a, a]\nResources:\n");
    for i in 0..300 {
        text.push_str(&format!(
            "  B{i}:\n    Type: AWS::S3::Bucket\n    Condition: C{i}\n    Properties:\n      BucketName: !Ref B{}\n",
            i + 1
        ));
    }
    text.push_str("  B300:\n    Type: AWS::S3::Bucket\n");
    let (inv, diags) = load(&text);
    assert!(
        diags
            .iter()
            .any(|d| d.code == "cfn::too-deep" && d.location.is_some()),
        "{:?}",
        diags.first()
    );
    assert!(inv.buckets.iter().any(|b| b.name.is_unknown()));
}
