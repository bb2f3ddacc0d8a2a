#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Less noise without quiet greens: generic threats skip AWS-managed services,
//! threats of optional features are gated by the features a model declares
//! (and marked assumed in use when it declares none), TrustOnCloud threats
//! the same way, and ids sort naturally.

use moat_catalog::Catalog;
use moat_engine::{Assessment, ThreatResult};
use moat_model::SourceFile;
use std::collections::BTreeSet;
use std::path::PathBuf;

static BUILTIN: std::sync::LazyLock<Catalog> =
    std::sync::LazyLock::new(|| moat_catalog::builtin().0);

fn assess_with(catalog: &Catalog, yaml: &str) -> Assessment {
    let file = SourceFile::new("m.yaml", yaml);
    let loaded = moat_model::yaml::load(&file);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    moat_engine::assess(loaded.model.unwrap(), Some(&file), catalog, Vec::new())
}

fn assess(yaml: &str) -> Assessment {
    assess_with(&BUILTIN, yaml)
}

fn on<'a>(a: &'a Assessment, target: &str) -> Vec<&'a ThreatResult> {
    a.threats.iter().filter(|t| t.target_id == target).collect()
}

fn ids_on(a: &Assessment, target: &str) -> BTreeSet<String> {
    on(a, target).iter().map(|t| t.threat_id.clone()).collect()
}

fn result<'a>(a: &'a Assessment, threat: &str, target: &str) -> Option<&'a ThreatResult> {
    a.threats
        .iter()
        .find(|t| t.threat_id == threat && t.target_id == target)
}

fn example(name: &str) -> Assessment {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/s3")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let file = SourceFile::new(name, text.as_str());
    let loaded = moat_model::load_file(&file);
    moat_engine::assess(loaded.model.unwrap(), Some(&file), &BUILTIN, Vec::new())
}

const SERVICES: &str = r#"
name: services
boundaries:
  - {id: internet, name: Internet}
  - {id: cloud, name: Cloud}
elements:
  - {id: user, name: User, kind: actor, boundary: internet}
  - {id: api, name: API, kind: server, boundary: cloud, properties: {service: s3}}
  - {id: keys, name: Keys, kind: server, boundary: cloud, properties: {service: kms}}
  - {id: fn, name: Resizer, kind: lambda, boundary: cloud}
  - {id: web, name: Web app, kind: server, boundary: cloud}
  - {id: odd, name: Odd, kind: server, boundary: cloud, properties: {service: s4}}
flows:
  - {name: call, source: user, sink: api}
  - {name: wrap, source: api, sink: keys}
  - {name: invoke, source: api, sink: fn}
  - {name: browse, source: user, sink: web}
  - {name: poke, source: user, sink: odd}
"#;

#[test]
fn generic_threats_skip_aws_managed_services_only() {
    let a = assess(SERVICES);
    let generic = |target: &str| {
        ids_on(&a, target)
            .into_iter()
            .filter(|id| id.starts_with("T-GEN-"))
            .collect::<Vec<_>>()
    };
    // S3 and KMS are run by AWS: no injection, hardening, audit-trail threats
    assert_eq!(generic("api"), Vec::<String>::new());
    assert_eq!(generic("keys"), Vec::<String>::new());
    // a flow between two managed services is AWS's own
    assert_eq!(generic("wrap"), Vec::<String>::new());
    // a Lambda function runs the team's code, a server of no service is theirs,
    // and an unknown service is not known to be managed
    for target in ["fn", "web", "odd"] {
        assert!(
            generic(target).contains(&"T-GEN-007".to_string()),
            "{target}"
        );
        assert!(
            generic(target).contains(&"T-GEN-008".to_string()),
            "{target}"
        );
    }
    assert!(generic("web").contains(&"T-GEN-021".to_string()));
    // people are never managed services
    assert!(generic("user").contains(&"T-GEN-001".to_string()));
    // a flow from a person to a managed service is the caller's concern...
    assert!(generic("call").contains(&"T-GEN-012".to_string()));
    // ...but AWS authorizes every request to its APIs
    assert!(!generic("call").contains(&"T-GEN-019".to_string()));
    assert!(generic("browse").contains(&"T-GEN-019".to_string()));
    // the S3 threats of the API stay
    assert!(ids_on(&a, "api").contains("T-S3-019"));
}

#[test]
fn authorization_on_the_flow_counts_for_the_sink() {
    let a = assess(&SERVICES.replace(
        "{name: browse, source: user, sink: web}",
        "{name: browse, source: user, sink: web, authorization: true}",
    ));
    assert!(!ids_on(&a, "browse").contains("T-GEN-019"));
}

#[test]
fn authentication_on_every_flow_in_counts_for_the_element() {
    let plain = assess(SERVICES);
    assert!(ids_on(&plain, "web").contains("T-GEN-004"));
    assert!(ids_on(&plain, "web").contains("T-GEN-016"));
    let signed = assess(&SERVICES.replace(
        "{name: browse, source: user, sink: web}",
        "{name: browse, source: user, sink: web, authentication: oidc}",
    ));
    assert!(!ids_on(&signed, "web").contains("T-GEN-004"));
    assert!(!ids_on(&signed, "web").contains("T-GEN-016"));
    // one more caller that is not authenticated brings them back
    let mixed = assess(&SERVICES.replace(
        "{name: browse, source: user, sink: web}",
        "{name: browse, source: user, sink: web, authentication: oidc}\n  - {name: scrape, source: odd, sink: web}",
    ));
    assert!(ids_on(&mixed, "web").contains("T-GEN-004"));
}

#[test]
fn tls_12_flows_are_not_spoofed_eavesdropped_or_altered() {
    let plain = assess(SERVICES);
    let tls = assess(&SERVICES.replace(
        "{name: browse, source: user, sink: web}",
        "{name: browse, source: user, sink: web, tls_version: TLSv12}",
    ));
    for id in ["T-GEN-003", "T-GEN-005", "T-GEN-012"] {
        assert!(ids_on(&plain, "browse").contains(id), "{id}");
        assert!(!ids_on(&tls, "browse").contains(id), "{id}");
    }
}

/// A bucket with the features line given, read by a user over a flow.
fn bucket(features: &str) -> String {
    format!(
        r#"
name: gated
elements:
  - {{id: user, name: User, kind: actor}}
  - id: data
    name: Data
    kind: datastore
    properties:
      service: "s3:bucket"
{features}
flows:
  - {{name: get, source: user, sink: data}}
"#
    )
}

#[test]
fn presigned_url_threats_need_presigned_urls_in_use() {
    let undeclared = assess(&bucket(""));
    let presigned = result(&undeclared, "T-S3-002", "get").expect("assumed in use");
    assert!(presigned.feature_assumed);

    let other = assess(&bucket("      features: [FC-S3-REPLICATION]"));
    for id in ["T-S3-002", "T-S3-013", "T-S3-016"] {
        assert!(result(&other, id, "get").is_none(), "{id}");
    }
    // not a presigned threat: credential theft stays, and is not "assumed"
    let theft = result(&other, "T-S3-001", "get").unwrap();
    assert!(!theft.feature_assumed);

    let used = assess(&bucket("      features: [FC-S3-PRESIGNED-URL]"));
    let presigned = result(&used, "T-S3-002", "get").unwrap();
    assert!(!presigned.feature_assumed);
}

#[test]
fn features_a_bucket_always_has_or_an_attacker_can_switch_on_are_never_gated() {
    let none = assess(&bucket("      features: []"));
    let ids = ids_on(&none, "data");
    // bucket policy and ACLs are on every bucket
    assert!(ids.contains("T-S3-006"));
    assert!(ids.contains("T-S3-015"));
    // replication, lifecycle and inventory can be configured by whoever holds
    // the permission, whether or not the owner uses them
    assert!(ids.contains("T-S3-048"));
    assert!(ids.contains("T-S3-038"));
    assert!(ids.contains("T-S3-069"));
    // how others use S3 against you cannot be declared away
    assert!(ids.contains("T-S3-077"));
    // an optional feature the bucket does not use: legacy torrent access
    assert!(!ids.contains("T-S3-056"));
    let undeclared = assess(&bucket(""));
    assert!(
        result(&undeclared, "T-S3-056", "data")
            .unwrap()
            .feature_assumed
    );
    assert!(
        on(&undeclared, "data")
            .iter()
            .all(|t| { t.feature_assumed == (t.threat_id == "T-S3-056") })
    );
}

#[test]
fn website_threats_apply_where_a_website_is_declared() {
    let a = assess(&bucket("      features: [FC-S3-WEBSITE]"));
    let website: BTreeSet<&str> = a
        .threats
        .iter()
        .filter(|t| !t.feature_assumed)
        .map(|t| t.threat_id.as_str())
        .filter(|id| ["T-S3-052", "T-S3-053", "T-S3-054"].contains(id))
        .collect();
    assert_eq!(website.len(), 3, "{website:?}");
}

#[test]
fn an_unknown_feature_never_drops_threats() {
    let typo = assess(&bucket("      features: [FC-S3-REPLICATON]"));
    // the presigned threats stay, assumed in use, and the typo is a warning
    assert!(result(&typo, "T-S3-002", "get").unwrap().feature_assumed);
    let warning = typo
        .diagnostics
        .iter()
        .find(|d| d.code == "model::unknown-feature")
        .unwrap();
    assert!(
        warning
            .message
            .contains("did you mean `FC-S3-REPLICATION`?"),
        "{}",
        warning.message
    );
    let location = warning.location.as_ref().unwrap();
    assert_eq!((location.line, location.col), (10, 18));
    // a case variant is the known id
    let lower = assess(&bucket("      features: [fc-s3-presigned-url]"));
    assert!(!result(&lower, "T-S3-002", "get").unwrap().feature_assumed);
    assert!(
        lower
            .diagnostics
            .iter()
            .any(|d| d.code == "model::feature-case")
    );
}

#[test]
fn a_service_typo_is_reported_and_the_element_keeps_generic_threats() {
    let right = assess(&bucket(""));
    let s3_threats = ids_on(&right, "data")
        .iter()
        .filter(|id| id.starts_with("T-S3-"))
        .count();
    assert!(s3_threats > 30, "{s3_threats}");
    for typo in ["s3:bukket", "s4"] {
        let a = assess(&bucket("").replace("s3:bucket", typo));
        let warning = a
            .diagnostics
            .iter()
            .find(|d| d.code == "model::unknown-service")
            .unwrap_or_else(|| panic!("{typo}: no warning"));
        assert!(warning.message.contains(&format!("`{typo}`")));
        assert!(warning.help.as_deref().unwrap().contains("unknown service"));
        assert_eq!(warning.location.as_ref().unwrap().line, 9);
        // no longer a managed bucket: the generic datastore threats apply
        assert!(ids_on(&a, "data").contains("T-GEN-011"), "{typo}");
    }
    let upper = assess(&bucket("").replace("s3:bucket", "S3:Bucket"));
    assert_eq!(ids_on(&upper, "data"), ids_on(&right, "data"));
    assert_eq!(
        upper.model.elements[1].properties.get("service"),
        Some(&"s3:bucket".into())
    );
}

#[test]
fn feature_assumed_is_serialized_only_when_true() {
    let a = assess(&bucket(""));
    let json = serde_json::to_value(&a).unwrap();
    let threats = json["threats"].as_array().unwrap();
    let assumed = threats
        .iter()
        .filter(|t| t.get("feature_assumed").is_some())
        .count();
    assert!(assumed > 0);
    assert!(
        threats
            .iter()
            .filter_map(|t| t.get("feature_assumed"))
            .all(|v| v == true)
    );
    assert_eq!(
        assumed,
        a.threats.iter().filter(|t| t.feature_assumed).count()
    );
}

#[test]
fn the_examples_carry_no_generic_threat_on_a_managed_service() {
    for name in ["model.yaml", "tm.py"] {
        let a = example(name);
        let managed = [
            "s3-service",
            "s3-bucket",
            "iam-service",
            "kms",
            "cloudtrail",
        ];
        for t in &a.threats {
            if t.threat_id.starts_with("T-GEN-") {
                assert!(!managed.contains(&t.target_id.as_str()), "{name}: {}", t.id);
            }
        }
        // AWS-internal flows (both ends managed) carry none either
        let internal = [
            "policy-acl-evaluation",
            "server-side-encryption-decryption",
            "store-retrieve-object-data-metadata",
            "log-api-events",
            "cross-region-replication",
        ];
        assert!(
            a.threats
                .iter()
                .filter(|t| t.threat_id.starts_with("T-GEN-"))
                .all(|t| !internal.contains(&t.target_id.as_str())),
            "{name}"
        );
    }
    let yaml = example("model.yaml");
    let generic: BTreeSet<&str> = yaml
        .threats
        .iter()
        .filter(|t| t.threat_id.starts_with("T-GEN-"))
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(
        generic,
        BTreeSet::from([
            "T-GEN-001@user",
            "T-GEN-010@user",
            "T-GEN-015@s3-api-calls-create-list-upload-retrieve-delete-presign",
        ])
    );
}

// ---------------------------------------------------------------- TrustOnCloud

fn with_trustoncloud(name: &str, text: &str) -> Catalog {
    let (mut catalog, _) = moat_catalog::builtin();
    let (loaded, diagnostics) = moat_catalog::load_str(name, text);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    let merged = catalog.merge(loaded.unwrap());
    assert!(merged.is_empty(), "{merged:#?}");
    catalog.link();
    catalog
}

const MINI: &str = include_str!("../../moat-catalog/tests/fixtures/trustoncloud/mini.json");

fn real_file() -> Option<String> {
    let candidates = [
        std::env::var_os("MOAT_TRUSTONCLOUD_S3").map(PathBuf::from),
        Some(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/trustoncloud/threatmodel-aws-s3.json"),
        ),
    ];
    for path in candidates.into_iter().flatten() {
        if let Ok(text) = std::fs::read_to_string(&path) {
            return Some(text);
        }
    }
    eprintln!(
        "skipped: TrustOnCloud's S3 ThreatModel not found (set MOAT_TRUSTONCLOUD_S3 to its path)"
    );
    None
}

#[test]
fn trustoncloud_threats_are_gated_by_their_feature_classes() {
    // the fixture's S3.FC3 is TrustOnCloud's id that FC-S3-OBJECT-VERSIONING covers
    let catalog = with_trustoncloud("mini.json", MINI);
    let undeclared = assess_with(&catalog, &bucket(""));
    let t4 = result(&undeclared, "S3.T4", "data").unwrap();
    assert!(t4.feature_assumed);
    let other = assess_with(&catalog, &bucket("      features: [FC-S3-REPLICATION]"));
    // replication builds on bucket versioning, which builds on object versioning
    assert!(result(&other, "S3.T4", "data").is_some());
    let website = assess_with(&catalog, &bucket("      features: [FC-S3-WEBSITE]"));
    assert!(result(&website, "S3.T4", "data").is_none());
    let own_id = assess_with(&catalog, &bucket("      features: [S3.FC3]"));
    assert!(!result(&own_id, "S3.T4", "data").unwrap().feature_assumed);
    // S3.FC1 is covered by classes every bucket has: never gated
    assert!(result(&website, "S3.T3", "data").is_some());
}

#[test]
fn ids_sort_naturally() {
    // S3.T3 renamed S3.T10: lexicographic order would put it before S3.T2
    let text = MINI.replace("S3.T3\"", "S3.T10\"");
    let catalog = with_trustoncloud("mini.json", &text);
    let a = assess_with(&catalog, &bucket("      features: [S3.FC2, S3.FC3]"));
    let toc: Vec<&str> = a
        .definitions
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| id.starts_with("S3."))
        .collect();
    assert_eq!(toc, ["S3.T1", "S3.T2", "S3.T4", "S3.T10"]);
    let on_data: Vec<&str> = a
        .threats
        .iter()
        .filter(|t| t.target_id == "data" && t.threat_id.starts_with("S3."))
        .map(|t| t.threat_id.as_str())
        .collect();
    let mut sorted = on_data.clone();
    sorted.sort_by(|x, y| moat_catalog::search::natural(x, y));
    // results are by STRIDE first; within a category, naturally
    for stride in moat_catalog::Stride::ALL {
        let group: Vec<&str> = a
            .threats
            .iter()
            .filter(|t| t.target_id == "data" && t.stride == stride)
            .map(|t| t.threat_id.as_str())
            .collect();
        let mut natural = group.clone();
        natural.sort_by(|x, y| moat_catalog::search::natural(x, y));
        assert_eq!(group, natural, "{stride:?}");
    }
    assert!(on_data.contains(&"S3.T10"));
}

#[test]
fn the_real_file_gates_clickjacking_to_websites() {
    let Some(text) = real_file() else {
        return;
    };
    let catalog = with_trustoncloud("threatmodel-aws-s3.json", &text);
    let plain = assess_with(&catalog, &bucket("      features: [FC-S3-REPLICATION]"));
    assert!(
        result(&plain, "S3.T29", "data").is_none(),
        "clickjacking without a website"
    );
    assert!(
        result(&plain, "S3.T2", "data").is_some(),
        "replication abuse stays"
    );
    // how others use S3 (S3.FC28) cannot be declared away
    assert!(result(&plain, "S3.T24", "data").is_some());
    let site = assess_with(&catalog, &bucket("      features: [FC-S3-WEBSITE]"));
    assert!(!result(&site, "S3.T29", "data").unwrap().feature_assumed);
    let undeclared = assess_with(&catalog, &bucket(""));
    assert!(
        result(&undeclared, "S3.T29", "data")
            .unwrap()
            .feature_assumed
    );
    let ids: Vec<&str> = undeclared
        .definitions
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| id.starts_with("S3.T"))
        .collect();
    let four = ids.iter().position(|id| *id == "S3.T4").unwrap();
    let thirty_eight = ids.iter().position(|id| *id == "S3.T38").unwrap();
    assert!(four < thirty_eight, "{ids:?}");
}
