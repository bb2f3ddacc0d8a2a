#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Import of TrustOnCloud ThreatModel files: a small fixture of our own
//! invention, and TrustOnCloud's S3 ThreatModel when `../shared` (beside the repository) holds it
//! (read in place, never copied: it is CC BY-SA 4.0).

use moat_catalog::trustoncloud::{self, priority};
use moat_catalog::{Catalog, ControlType, Effort, MitigationImpact, Severity, Stride};
use moat_model::{Diagnostic, Level, SourceFile};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

const FIXTURE: &str = include_str!("fixtures/trustoncloud/mini.json");

fn load(name: &str, text: &str) -> (Option<Catalog>, Vec<Diagnostic>) {
    trustoncloud::load(&SourceFile::new(name, text))
}

fn fixture() -> Catalog {
    let (catalog, diagnostics) = load("mini.json", FIXTURE);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    catalog.unwrap()
}

fn real_file() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/trustoncloud/threatmodel-aws-s3.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) => {
            eprintln!(
                "skipped: TrustOnCloud's S3 ThreatModel is not at {} ({error})",
                path.display()
            );
            None
        }
    }
}

/// Whether `text` has a `<` Markdown could read as a tag (not `\<`-escaped).
fn has_tag(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| {
        chars[i] == '<'
            && chars
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/' || *c == '!')
            && chars[..i].iter().rev().take_while(|&&c| c == '\\').count() % 2 == 0
    })
}

fn all_descriptions(catalog: &Catalog) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for fc in &catalog.feature_classes {
        out.push((fc.id.clone(), fc.description.as_str()));
        out.push((fc.id.clone(), fc.name.as_str()));
        for op in &fc.operations {
            out.push((format!("{} {}", fc.id, op.api), op.description.as_str()));
        }
    }
    for t in &catalog.threats {
        out.push((t.threat.id.clone(), t.threat.description.as_str()));
        out.push((t.threat.id.clone(), t.threat.name.as_str()));
    }
    for c in &catalog.controls {
        out.push((c.id.clone(), c.name.as_str()));
        out.push((c.id.clone(), c.objective.as_str()));
        out.push((c.id.clone(), c.implementation.description.as_str()));
        out.push((c.id.clone(), c.testing.description.as_str()));
    }
    for f in &catalog.frameworks {
        for r in &f.requirements {
            out.push((r.id.clone(), r.title.as_str()));
        }
    }
    out
}

/// Compares every link's computed priorities with the stated ones; returns
/// the number of links and the mismatches.
fn compare_links(catalog: &Catalog) -> (usize, Vec<String>) {
    let overall = priority::overall_priorities(catalog);
    let mut count = 0;
    let mut mismatches = Vec::new();
    for control in &catalog.controls {
        for link in &control.mitigates {
            count += 1;
            let stated = link.stated.as_ref().expect("every link states priorities");
            let computed_priority = priority::link_priority(link.impact, control.effort);
            let (computed_overall, computed_dependency) = overall
                .get(&(control.id.clone(), link.threat.clone()))
                .cloned()
                .expect("every link is computed");
            if computed_priority != stated.priority
                || computed_overall != stated.priority_overall
                || computed_dependency != stated.max_dependency
            {
                mismatches.push(format!(
                    "{} -> {} ({:?}, effort {:?}): computed {computed_priority}/{computed_overall}/{computed_dependency:?}, stated {}/{}/{:?}",
                    control.id,
                    link.threat,
                    link.impact,
                    control.effort,
                    stated.priority,
                    stated.priority_overall,
                    stated.max_dependency
                ));
            }
        }
    }
    (count, mismatches)
}

fn compare_weighted(catalog: &Catalog) -> (usize, Vec<String>) {
    let weighted = priority::weighted_priorities(catalog);
    let mut matched = 0;
    let mut mismatches = Vec::new();
    for control in &catalog.controls {
        let computed = weighted
            .get(&control.id)
            .copied()
            .flatten()
            .map(priority::priority_label);
        if computed == control.stated_priority.as_deref() {
            matched += 1;
        } else {
            mismatches.push(format!(
                "{}: computed {computed:?}, stated {:?}",
                control.id, control.stated_priority
            ));
        }
    }
    (matched, mismatches)
}

#[test]
fn fixture_loads_every_section() {
    let catalog = fixture();
    assert_eq!(catalog.feature_classes.len(), 3);
    assert_eq!(catalog.threats.len(), 4);
    assert_eq!(catalog.controls.len(), 6);
    assert_eq!(catalog.frameworks.len(), 1);
    assert_eq!(catalog.sources, ["mini.json"]);
    let links: usize = catalog.controls.iter().map(|c| c.mitigates.len()).sum();
    assert_eq!(links, 7);
}

#[test]
fn fixture_feature_classes() {
    let catalog = fixture();
    let buckets = catalog.feature_class("S3.FC1").unwrap();
    assert_eq!(buckets.name, "Buckets");
    assert_eq!(buckets.service, "s3");
    assert_eq!(
        buckets.description,
        "A bucket holds objects ([guide](https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingBucket.html))."
    );
    assert_eq!(buckets.trustoncloud, ["S3.FC1"]);
    assert_eq!(buckets.actions, ["s3:CreateBucket", "s3:DeleteBucket"]);
    assert!(buckets.location.as_ref().unwrap().line > 1);

    let objects = catalog.feature_class("S3.FC2").unwrap();
    assert_eq!(objects.parents, ["S3.FC1"]);
    assert!(objects.uses.is_empty());
    assert_eq!(
        objects.description,
        "Objects are written and read by key.\n\nKeys are **unique** within a bucket.\nVersions keep older copies."
    );
    // the comma-separated permission of CopyObject is split, then deduplicated
    assert_eq!(objects.actions, ["s3:GetObject", "s3:PutObject"]);
    let apis: Vec<&str> = objects.operations.iter().map(|o| o.api.as_str()).collect();
    assert_eq!(apis, ["PutObject", "GetObject", "CopyObject"]);
    let copy = &objects.operations[2];
    assert_eq!(copy.iam_permission, "s3:GetObject,s3:PutObject");
    assert_eq!(copy.event_name, "CopyObject");
    assert_eq!(copy.description, "Copies an object *server-side*.");

    let notifications = catalog.feature_class("S3.FC3").unwrap();
    assert_eq!(notifications.parents, ["S3.FC1"]);
    assert_eq!(notifications.uses, ["S3.FC2"]);
    assert_eq!(
        notifications.description,
        "A bucket can announce object changes to other services & queues."
    );
    assert_eq!(notifications.operations[0].event_name, "-");
}

#[test]
fn fixture_threats() {
    let catalog = fixture();
    let t1 = &catalog.threat("S3.T1").unwrap().threat;
    assert_eq!(t1.name, "Objects read by an unintended principal");
    assert_eq!(t1.stride, Stride::InformationDisclosure);
    assert_eq!(t1.feature_class.as_deref(), Some("S3.FC2"));
    assert_eq!(
        t1.description,
        "A caller that should not see the data *reads* objects through an over-broad grant."
    );
    // exploitability 2.84 -> 4; impact sub-score 3.6 (one high metric) -> 3
    assert_eq!((t1.likelihood, t1.impact), (4, 3));
    assert_eq!(t1.severity, Severity::Medium);
    assert_eq!(t1.cvss.as_ref().unwrap().score, 6.5);
    assert_eq!(t1.access.as_ref().unwrap().to_string(), "s3:GetObject");
    assert_eq!(t1.mitre_attack, ["TA0010", "T1530"]);
    assert_eq!(t1.trustoncloud, ["S3.T1"]);
    assert_eq!(t1.applies_when.as_deref(), Some("target.service == \"s3\""));
    let kinds: Vec<&str> = t1.applies_to.iter().map(|k| k.as_str()).collect();
    assert_eq!(kinds, ["server", "datastore", "process", "lambda"]);
    assert!(t1.references.is_empty());
    let condition = catalog.threat("S3.T1").unwrap().condition.as_ref().unwrap();
    assert_eq!(condition.source, "target.service == \"s3\"");

    let t2 = &catalog.threat("S3.T2").unwrap().threat;
    assert_eq!(t2.stride, Stride::ElevationOfPrivilege);
    assert_eq!(t2.severity, Severity::High);
    assert_eq!(
        t2.access.as_ref().unwrap().to_string(),
        "s3:PutObject AND optional(s3:PutObjectAcl)"
    );
    // a javascript: link keeps only its text
    assert!(
        t2.description.ends_with("see this note."),
        "{}",
        t2.description
    );

    let t3 = &catalog.threat("S3.T3").unwrap().threat;
    assert_eq!(t3.stride, Stride::DenialOfService);
    assert_eq!(t3.mitre_attack, ["TA0040"]);

    let t4 = &catalog.threat("S3.T4").unwrap().threat;
    assert_eq!(t4.stride, Stride::InformationDisclosure);
    assert_eq!(t4.severity, Severity::Low);
    assert_eq!(t4.access, None);
}

#[test]
fn fixture_controls_objectives_and_framework() {
    let catalog = fixture();
    let c1 = catalog.control("S3.C1").unwrap();
    // the aside in parentheses is left out of the name
    assert_eq!(
        c1.name,
        "Write down which teams own each bucket and who may read it"
    );
    assert_eq!(c1.objective, "Limit who can reach object data");
    assert_eq!(c1.objective_id.as_deref(), Some("S3.CO1"));
    assert_eq!(c1.kind, ControlType::Directive);
    assert_eq!(c1.effort, Effort::Medium);
    assert_eq!(c1.feature_classes, ["S3.FC1"]);
    assert_eq!(
        c1.testing.description,
        "Pick a bucket and ask its owner who reads it."
    );
    assert_eq!(c1.compliance["scf"], ["IAC-01", "DCH-01"]);
    assert_eq!(c1.stated_priority.as_deref(), Some("High"));
    let link = &c1.mitigates[0];
    assert_eq!(link.threat, "S3.T1");
    assert_eq!(link.impact, MitigationImpact::VeryLow);
    let stated = link.stated.as_ref().unwrap();
    assert_eq!((stated.priority, stated.priority_overall), (0.0, 4.0));
    assert_eq!(stated.max_dependency.as_deref(), Some("4"));
    assert_eq!(stated.cvss, "Medium");

    let c2 = catalog.control("S3.C2").unwrap();
    assert_eq!(c2.kind, ControlType::Preventive);
    assert_eq!(c2.depends_on, ["S3.C1"]);
    assert_eq!(
        c2.implementation.description,
        "Grant **read** and write on objects only to the roles the owner listed; deny all other principals in the bucket policy."
    );
    assert_eq!(
        c2.name,
        "Grant read and write on objects only to the roles the owner listed; deny all…"
    );
    assert!(c2.name.chars().count() <= trustoncloud::MAX_NAME_CHARS);

    let c4 = catalog.control("S3.C4").unwrap();
    assert_eq!(c4.assured_by, ["S3.C6"]);
    assert!(c4.name.ends_with('…'), "{}", c4.name);
    assert_eq!(c4.compliance["scf"], ["IAC-01", "BCD-11"]);
    let c5 = catalog.control("S3.C5").unwrap();
    assert_eq!(c5.depends_on, ["S3.C1", "S3.C4"]);
    assert_eq!(
        c5.mitigates[0].stated.as_ref().unwrap().max_dependency,
        None
    );
    let c6 = catalog.control("S3.C6").unwrap();
    assert_eq!(
        c6.kind,
        ControlType::Detective,
        "Assurance reads as detective"
    );
    assert!(c6.mitigates.is_empty());

    let scf = catalog.framework("scf").unwrap();
    assert_eq!(scf.name, "Secure Controls Framework");
    assert_eq!(scf.version, "2024.1.1");
    let ids: Vec<&str> = scf.requirements.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["BCD-11", "DCH-01", "IAC-01"]);
    assert_eq!(
        scf.requirements[2].title,
        "Limit who can reach object data; Keep buckets and their settings intact"
    );
}

#[test]
fn fixture_links_into_a_valid_catalog() {
    let mut catalog = fixture();
    let diagnostics = catalog.link();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let t3 = &catalog.threat("S3.T3").unwrap().threat;
    let controls: Vec<&str> = t3.controls.iter().map(|c| c.control.as_str()).collect();
    assert_eq!(controls, ["S3.C4", "S3.C5"]);
}

#[test]
fn fixture_priorities_follow_the_rules() {
    let catalog = fixture();
    let (count, mismatches) = compare_links(&catalog);
    assert_eq!(count, 7);
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    let (matched, mismatches) = compare_weighted(&catalog);
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert_eq!(matched, 6);
    let weighted = priority::weighted_priorities(&catalog);
    assert_eq!(weighted["S3.C6"], weighted["S3.C4"], "assurance inherits");
}

#[test]
fn fixture_descriptions_have_no_tags() {
    let catalog = fixture();
    for (id, text) in all_descriptions(&catalog) {
        assert!(!has_tag(text), "{id}: {text}");
    }
}

#[test]
fn real_s3_threatmodel() {
    let Some(text) = real_file() else {
        return;
    };
    let (catalog, diagnostics) = load("threatmodel-aws-s3.json", &text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let mut catalog = catalog.unwrap();
    assert_eq!(catalog.feature_classes.len(), 36);
    assert_eq!(catalog.threats.len(), 64);
    assert_eq!(catalog.controls.len(), 173);
    let links: usize = catalog.controls.iter().map(|c| c.mitigates.len()).sum();
    assert_eq!(links, 505);

    // every computed link priority equals the stated one
    let (count, mismatches) = compare_links(&catalog);
    assert_eq!(count, 505);
    assert!(
        mismatches.is_empty(),
        "{} of 505 links differ, first ones:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // and the weighted priority of every control
    let (matched, mismatches) = compare_weighted(&catalog);
    eprintln!("weighted_priority: {matched} of 173 controls match");
    assert!(
        mismatches.is_empty(),
        "{} controls differ, first ones:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );

    // every CVSS vector scores what the file states
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    for t in &catalog.threats {
        let stated = raw["threats"][&t.threat.id]["cvss_score"].as_f64().unwrap();
        assert_eq!(
            t.threat.cvss.as_ref().unwrap().score,
            stated,
            "{}",
            t.threat.id
        );
        let stated_severity = raw["threats"][&t.threat.id]["cvss_severity"]
            .as_str()
            .unwrap();
        assert_eq!(
            Severity::parse(stated_severity),
            Some(t.threat.severity),
            "{}",
            t.threat.id
        );
    }
    // every access expression parses: all threats loaded, and only `{}` is empty
    let empty = raw["threats"]
        .as_object()
        .unwrap()
        .values()
        .filter(|t| t["access"].as_object().is_some_and(|m| m.is_empty()))
        .count();
    let without = catalog
        .threats
        .iter()
        .filter(|t| t.threat.access.is_none())
        .count();
    assert_eq!(without, empty);

    for (id, text) in all_descriptions(&catalog) {
        assert!(!has_tag(text), "{id}: {text}");
    }
    for control in &catalog.controls {
        assert!(
            control.name.chars().count() <= trustoncloud::MAX_NAME_CHARS
                && !control.name.is_empty(),
            "{}: {}",
            control.id,
            control.name
        );
    }
    let scf = catalog.framework("scf").unwrap();
    assert_eq!(scf.version, "2024.1.1");
    assert!(!scf.requirements.is_empty());

    let mut stride: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &catalog.threats {
        *stride.entry(t.threat.stride.as_str()).or_default() += 1;
    }
    eprintln!("STRIDE derived for the S3 threats: {stride:?}");

    let diagnostics = catalog.link();
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for d in &diagnostics {
        eprintln!("link: {d}");
    }
}

fn single_located_error(diagnostics: &[Diagnostic], code: &str) -> (u32, u32) {
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d.level, Level::Error);
    assert_eq!(d.code, code, "{d}");
    let location = d.location.as_ref().expect("located");
    (location.line, location.col)
}

#[test]
fn malformed_json_is_one_located_error() {
    let (catalog, diagnostics) = load("bad.json", "{\n  \"metadata\": {\"service\": \"S3\",}\n}");
    assert!(catalog.is_none());
    let (line, col) = single_located_error(&diagnostics, "trustoncloud::json");
    assert_eq!((line, col), (2, 32));
    assert!(
        diagnostics[0].message.starts_with("invalid JSON: "),
        "{}",
        diagnostics[0]
    );
    assert!(!diagnostics[0].message.contains(" at line "));

    let (catalog, diagnostics) = load("cut.json", &FIXTURE[..FIXTURE.len() / 2]);
    assert!(catalog.is_none());
    single_located_error(&diagnostics, "trustoncloud::json");

    // a byte-order mark is skipped and positions still count from the file start
    let (_, diagnostics) = load("bom.json", "\u{feff}{\"a\": }");
    let (line, col) = single_located_error(&diagnostics, "trustoncloud::json");
    assert_eq!((line, col), (1, 8));
}

#[test]
fn other_documents_are_not_threatmodels() {
    for (text, what) in [
        ("[]", "the document is a list, not an object"),
        ("{}", "missing field `metadata`"),
        (
            "{\"metadata\": {\"service\": \"S3\"}}",
            "missing field `feature_classes`",
        ),
        ("\"text\"", "the document is a string"),
        (
            "{\"metadata\": {\"service\": \"S3\"}, \"feature_classes\": [], \"threats\": {}, \"control_objectives\": {}, \"controls\": {}}",
            "invalid type",
        ),
    ] {
        let (catalog, diagnostics) = load("other.json", text);
        assert!(catalog.is_none(), "{text}");
        single_located_error(&diagnostics, "trustoncloud::not-a-threatmodel");
        assert!(diagnostics[0].message.contains(what), "{}", diagnostics[0]);
    }
    let (catalog, diagnostics) = load(
        "service.json",
        "{\"metadata\": {\"service\": \"s 3\"}, \"feature_classes\": {}, \"threats\": {}, \"control_objectives\": {}, \"controls\": {}}",
    );
    assert!(catalog.is_none());
    single_located_error(&diagnostics, "trustoncloud::not-a-threatmodel");
}

/// The fixture with one JSON edit.
fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    edit(&mut value);
    serde_json::to_string_pretty(&value).unwrap()
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.lines().position(|l| l.contains(needle)).unwrap() as u32 + 1
}

#[test]
fn bad_entries_are_located_and_left_out() {
    let text = edited(|v| v["controls"]["S3.C3"]["effort"] = "Huge".into());
    let (catalog, diagnostics) = load("edit.json", &text);
    let catalog = catalog.unwrap();
    assert!(catalog.control("S3.C3").is_none());
    assert_eq!(catalog.controls.len(), 5);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code, "trustoncloud::invalid-value");
    assert!(
        diagnostics[0].message.contains("`Huge`"),
        "{}",
        diagnostics[0]
    );
    assert_eq!(
        diagnostics[0].location.as_ref().unwrap().line,
        line_of(&text, "\"Huge\"")
    );

    let text = edited(|v| {
        v["controls"]["S3.C2"]["mitigate"][1]["impact"] = "Enormous".into();
    });
    let (_, diagnostics) = load("edit.json", &text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0].location.as_ref().unwrap().line,
        line_of(&text, "\"Enormous\"")
    );

    let text = edited(|v| v["threats"]["S3.T2"]["cvss"] = "CVSS:3.1/AV:X".into());
    let (catalog, diagnostics) = load("edit.json", &text);
    assert!(catalog.unwrap().threat("S3.T2").is_none());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0].location.as_ref().unwrap().line,
        line_of(&text, "CVSS:3.1/AV:X")
    );

    let text = edited(|v| v["threats"]["S3.T1"]["access"] = serde_json::json!({"XOR": ["a"]}));
    let (_, diagnostics) = load("edit.json", &text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert!(diagnostics[0].message.contains("XOR"), "{}", diagnostics[0]);

    let text = edited(|v| v["threats"]["S3.T4"]["cvss_score"] = 9.9.into());
    let (catalog, diagnostics) = load("edit.json", &text);
    assert!(catalog.unwrap().threat("S3.T4").is_some());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].level, Level::Warning);
    assert_eq!(diagnostics[0].code, "trustoncloud::cvss-score");

    // an entry of the wrong shape is one error at its id
    let text = edited(|v| v["feature_classes"]["S3.FC2"]["name"] = 3.into());
    let (catalog, diagnostics) = load("edit.json", &text);
    assert_eq!(catalog.unwrap().feature_classes.len(), 2);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code, "trustoncloud::invalid-entry");
    assert_eq!(
        diagnostics[0].location.as_ref().unwrap().line,
        line_of(&text, "\"S3.FC2\": {")
    );

    let text = edited(|v| v["controls"]["S3.C5"]["objective"] = "S3.CO9".into());
    let (_, diagnostics) = load("edit.json", &text);
    assert_eq!(diagnostics[0].code, "trustoncloud::unknown-objective");
    assert_eq!(
        diagnostics[0].location.as_ref().unwrap().line,
        line_of(&text, "\"S3.CO9\"")
    );
}

#[test]
fn retired_entries_are_skipped_with_their_links() {
    let text = edited(|v| {
        v["threats"]["S3.T4"]["retired"] = "true".into();
        v["controls"]["S3.C5"]["retired"] = true.into();
    });
    let (catalog, diagnostics) = load("edit.json", &text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let mut catalog = catalog.unwrap();
    assert!(catalog.threat("S3.T4").is_none());
    assert!(catalog.control("S3.C5").is_none());
    let c4 = catalog.control("S3.C4").unwrap();
    let threats: Vec<&str> = c4.mitigates.iter().map(|m| m.threat.as_str()).collect();
    assert_eq!(threats, ["S3.T3"]);
    assert!(catalog.link().is_empty());
}

#[test]
fn duplicate_ids_are_reported() {
    let text = FIXTURE.replace("\"S3.T4\": {", "\"S3.T3\": {");
    let (catalog, diagnostics) = load("dup.json", &text);
    assert_eq!(catalog.unwrap().threats.len(), 3);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code, "trustoncloud::duplicate-id");
    // the second definition is the one pointed at
    let second = text.match_indices("\"S3.T3\": {").nth(1).unwrap().0;
    let line = text[..second].matches('\n').count() as u32 + 1;
    assert_eq!(diagnostics[0].location.as_ref().unwrap().line, line);
}

#[test]
fn a_full_impact_reads_as_very_high() {
    assert_eq!(
        priority::link_priority(MitigationImpact::Full, Effort::Low),
        priority::link_priority(MitigationImpact::VeryHigh, Effort::Low)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    // cut before the closing brace: a cut in the trailing newline leaves a whole document
    fn truncated_fixtures_are_one_located_error(cut in 0usize..FIXTURE.trim_end().len()) {
        let text = &FIXTURE[..cut];
        let (catalog, diagnostics) = load("cut.json", text);
        prop_assert!(catalog.is_none());
        prop_assert_eq!(diagnostics.len(), 1);
        prop_assert!(diagnostics[0].is_error());
        prop_assert!(diagnostics[0].location.is_some());
    }

    #[test]
    fn mutated_fixtures_never_panic(
        at in 0usize..FIXTURE.len(),
        len in 0usize..40,
        insert in "[\\[\\]{}\",:a-z0-9<>&; \\\\]{0,12}",
    ) {
        let end = (at + len).min(FIXTURE.len());
        let text = format!("{}{}{}", &FIXTURE[..at], insert, &FIXTURE[end..]);
        let (catalog, diagnostics) = load("mutated.json", &text);
        for d in &diagnostics {
            prop_assert!(d.location.is_some(), "{}", d);
        }
        if let Some(mut catalog) = catalog {
            let _ = priority::overall_priorities(&catalog);
            let _ = priority::weighted_priorities(&catalog);
            let _ = catalog.link();
        } else {
            prop_assert_eq!(diagnostics.len(), 1);
        }
    }
}
