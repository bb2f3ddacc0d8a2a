#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Conditions no `--param` decides: which ones lowering records, what
//! assuming a value for them does (and does not override), and the variants
//! of a unit read under every assignment of them.

use moat_iac::Inventory;
use moat_iac::cloudformation::{Read, read_assuming};
use moat_iac::variants::{MAX_UNDECIDED, TooMany, variants};
use moat_source::{Diagnostic, SourceFile};
use std::collections::BTreeMap;

const VERSIONED: &str = "Parameters:\n  Env:\n    Type: String\n    Default: prod\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !If [IsProd, Enabled, Suspended]\n";

fn read(
    text: &str,
    params: &[(&str, &str)],
    assumptions: &[(&str, bool)],
) -> (Inventory, Vec<Diagnostic>) {
    let file = SourceFile::new("t.yaml", text);
    let params: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let assumptions: BTreeMap<String, bool> = assumptions
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
    let mut inventory = Inventory::default();
    let mut diagnostics = Vec::new();
    match read_assuming(
        &file,
        0,
        &params,
        &assumptions,
        &mut inventory,
        &mut diagnostics,
    ) {
        Ok(Read::Template { .. }) => {}
        Ok(Read::NotTemplate(r)) => panic!("not a template: {r}"),
        Err(d) => panic!("{d}"),
    }
    inventory.files.push(file);
    (inventory, diagnostics)
}

fn versioning(inventory: &Inventory) -> Option<String> {
    inventory.buckets[0].versioning.get().cloned()
}

fn undecided(inventory: &Inventory) -> Vec<&str> {
    inventory
        .undecided
        .iter()
        .map(|u| u.name.as_str())
        .collect()
}

#[test]
fn an_undecided_condition_is_recorded_where_it_is_first_used() {
    let (inv, _) = read(VERSIONED, &[], &[]);
    assert!(inv.buckets[0].versioning.is_unknown());
    assert_eq!(undecided(&inv), ["IsProd"]);
    let u = &inv.undecided[0];
    assert_eq!(u.file, 0);
    assert!(u.reason.contains("--param Env=VALUE"), "{}", u.reason);
    let loc = inv.files[0].location(u.span);
    assert_eq!((loc.line, loc.col), (12, 17));
}

#[test]
fn an_assumption_decides_an_undecided_condition() {
    let (yes, _) = read(VERSIONED, &[], &[("IsProd", true)]);
    let (no, _) = read(VERSIONED, &[], &[("IsProd", false)]);
    assert_eq!(versioning(&yes).as_deref(), Some("Enabled"));
    assert_eq!(versioning(&no).as_deref(), Some("Suspended"));
    // decided: nothing left to assume
    assert!(yes.undecided.is_empty() && no.undecided.is_empty());
}

#[test]
fn an_assumption_never_overrides_a_condition_the_parameters_decide() {
    let (inv, _) = read(VERSIONED, &[("Env", "prod")], &[("IsProd", false)]);
    assert_eq!(versioning(&inv).as_deref(), Some("Enabled"));
    let (inv, _) = read(VERSIONED, &[("Env", "dev")], &[("IsProd", true)]);
    assert_eq!(versioning(&inv).as_deref(), Some("Suspended"));
    assert!(inv.undecided.is_empty());
}

#[test]
fn a_condition_decided_by_an_assumed_one_follows_it() {
    // `Both` is decided once `IsProd` is assumed false, whatever is assumed for `Both`
    let text = "Parameters:\n  Env:\n    Type: String\n  Zone:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  Both: !And [!Condition IsProd, !Equals [!Ref Zone, a]]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccelerateConfiguration:\n        AccelerationStatus: !If [IsProd, Enabled, Suspended]\n      VersioningConfiguration:\n        Status: !If [Both, Enabled, Suspended]\n";
    let (base, _) = read(text, &[], &[]);
    assert_eq!(undecided(&base), ["IsProd", "Both"]);
    let (inv, _) = read(text, &[], &[("IsProd", false), ("Both", true)]);
    assert_eq!(versioning(&inv).as_deref(), Some("Suspended"));
    let (inv, _) = read(text, &[], &[("IsProd", true), ("Both", true)]);
    assert_eq!(versioning(&inv).as_deref(), Some("Enabled"));
}

#[test]
fn a_resource_whose_condition_is_assumed_false_is_left_out() {
    let text = "Parameters:\n  Logs:\n    Type: String\nConditions:\n  CreateLogs: !Equals [!Ref Logs, 'yes']\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n  LogBucket:\n    Type: AWS::S3::Bucket\n    Condition: CreateLogs\n";
    let (base, _) = read(text, &[], &[]);
    assert_eq!(base.buckets.len(), 2, "an undecided resource is read");
    assert_eq!(undecided(&base), ["CreateLogs"]);
    let (no, _) = read(text, &[], &[("CreateLogs", false)]);
    assert_eq!(no.buckets.len(), 1);
    assert_eq!(no.buckets[0].origin.logical_id, "Data");
    let (yes, _) = read(text, &[], &[("CreateLogs", true)]);
    assert_eq!(yes.buckets.len(), 2);
}

#[test]
fn a_condition_used_only_where_nothing_is_read_is_not_recorded() {
    // an EC2 instance is not lowered: its conditions change no inventory
    let text = "Parameters:\n  Env:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  Box:\n    Type: AWS::EC2::Instance\n    Condition: IsProd\n    Properties:\n      InstanceType: !If [IsProd, m5.large, t3.micro]\n  Data:\n    Type: AWS::S3::Bucket\n";
    let (inv, _) = read(text, &[], &[]);
    assert!(inv.undecided.is_empty(), "{:?}", inv.undecided);
}

#[test]
fn a_condition_inside_a_branch_is_recorded_and_the_branch_checked() {
    let text = "Parameters:\n  Env:\n    Type: String\n  Zone:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  InZone: !Equals [!Ref Zone, a]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !If [IsProd, !If [InZone, Enabled, Suspended], !Ref Missing]\n";
    let (inv, diagnostics) = read(text, &[], &[]);
    assert_eq!(undecided(&inv), ["IsProd", "InZone"]);
    // CloudFormation rejects a reference to nothing in either branch
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == "cfn::unresolved-ref" && d.message.contains("`Missing`")),
        "{diagnostics:?}"
    );
    let (inv, _) = read(text, &[], &[("IsProd", true), ("InZone", false)]);
    assert_eq!(versioning(&inv).as_deref(), Some("Suspended"));
}

#[test]
fn variants_are_every_assignment_first_all_true() {
    let text = "Parameters:\n  Env:\n    Type: String\n  Zone:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  InZone: !Equals [!Ref Zone, a]\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccelerateConfiguration:\n        AccelerationStatus: !If [InZone, Enabled, Suspended]\n      VersioningConfiguration:\n        Status: !If [IsProd, Enabled, Suspended]\n";
    let (base, _) = read(text, &[], &[]);
    assert_eq!(undecided(&base), ["InZone", "IsProd"]);
    let params = BTreeMap::new();
    let all: Vec<(Vec<bool>, Option<String>, Option<String>)> = variants(&base, &params)
        .unwrap()
        .map(|v| {
            let b = &v.inventory.buckets[0];
            (
                v.assignment,
                b.acceleration.get().cloned(),
                b.versioning.get().cloned(),
            )
        })
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        all,
        [
            (vec![true, true], s("Enabled"), s("Enabled")),
            (vec![true, false], s("Enabled"), s("Suspended")),
            (vec![false, true], s("Suspended"), s("Enabled")),
            (vec![false, false], s("Suspended"), s("Suspended")),
        ]
    );
}

#[test]
fn more_undecided_conditions_than_the_limit_give_no_variants() {
    let mut text = String::from("Parameters:\n  P:\n    Type: String\nConditions:\n");
    for i in 0..=MAX_UNDECIDED {
        text.push_str(&format!("  C{i}: !Equals [!Ref P, v{i}]\n"));
    }
    text.push_str("Resources:\n");
    for i in 0..=MAX_UNDECIDED {
        text.push_str(&format!(
            "  B{i}:\n    Type: AWS::S3::Bucket\n    Condition: C{i}\n"
        ));
    }
    let (base, _) = read(&text, &[], &[]);
    assert_eq!(base.undecided.len(), MAX_UNDECIDED + 1);
    let params = BTreeMap::new();
    assert!(matches!(variants(&base, &params), Err(TooMany(5))));
}

#[test]
fn conditions_of_nested_templates_are_kept_apart() {
    let parent = SourceFile::new("parent.yaml", VERSIONED);
    let child = SourceFile::new("child.yaml", VERSIONED);
    let mut unit = Inventory::default();
    for file in [parent, child] {
        let mut one = Inventory::default();
        let mut diagnostics = Vec::new();
        read_assuming(
            &file,
            0,
            &BTreeMap::new(),
            &BTreeMap::new(),
            &mut one,
            &mut diagnostics,
        )
        .unwrap();
        one.files.push(file);
        unit.merge(one);
    }
    let files: Vec<(usize, &str)> = unit
        .undecided
        .iter()
        .map(|u| (u.file, u.name.as_str()))
        .collect();
    assert_eq!(files, [(0, "IsProd"), (1, "IsProd")]);
    let params = BTreeMap::new();
    let mixed = variants(&unit, &params)
        .unwrap()
        .find(|v| v.assignment == [true, false])
        .unwrap();
    let by_file: Vec<(usize, Option<String>)> = mixed
        .inventory
        .buckets
        .iter()
        .map(|b| (b.origin.file, b.versioning.get().cloned()))
        .collect();
    assert_eq!(
        by_file,
        [
            (0, Some("Enabled".to_string())),
            (1, Some("Suspended".to_string()))
        ]
    );
}
