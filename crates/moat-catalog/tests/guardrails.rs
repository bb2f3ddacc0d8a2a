#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `moat guardrails` core: SCPs that deny the enabling actions of blocked
//! feature classes and EventBridge patterns for their CloudTrail events, for
//! the built-in catalog and for TrustOnCloud's S3 ThreatModel when `../shared`
//! (beside the repository) holds it. Each default of docs/guardrails.md has a test here.

use moat_catalog::guardrails::{
    Category, EVENT_PATTERN_MAX_CHARS, GuardrailError, GuardrailOptions, Guardrails, SCP_MAX_CHARS,
    SID_PREFIX, guardrails, guardrails_with,
};
use moat_catalog::{Catalog, builtin};
use moat_policy::actions;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

fn ours() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| builtin().0)
}

fn trustoncloud() -> Option<&'static Catalog> {
    static CATALOG: OnceLock<Option<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/trustoncloud/threatmodel-aws-s3.json");
            match std::fs::read_to_string(&path) {
                Ok(text) => moat_catalog::load_str("threatmodel-aws-s3.json", &text).0,
                Err(error) => {
                    eprintln!(
                        "skipped: TrustOnCloud's S3 ThreatModel is not at {} ({error})",
                        path.display()
                    );
                    None
                }
            }
        })
        .as_ref()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn block(catalog: &Catalog, list: &[&str]) -> Guardrails {
    block_with(catalog, list, &GuardrailOptions::default())
}

fn block_with(catalog: &Catalog, list: &[&str], options: &GuardrailOptions) -> Guardrails {
    match guardrails_with(catalog, &ids(list), options) {
        Ok(g) => {
            // The ARNs as written into the policies: trimmed, each once.
            check(&g, &g.options.exempt_role_arns);
            g
        }
        Err(error) => panic!("{list:?}: {error}"),
    }
}

/// Everything denied, core classes included.
fn everything() -> GuardrailOptions {
    GuardrailOptions {
        include_reads: true,
        include_remediation: true,
        force: true,
        ..GuardrailOptions::default()
    }
}

fn forced() -> GuardrailOptions {
    GuardrailOptions {
        force: true,
        ..GuardrailOptions::default()
    }
}

/// Every policy has the documented shape and size, its statements one per
/// service with valid, unique Sids, the policies together deny exactly
/// `actions` once their wildcards are expanded, and every event pattern has its
/// shape and size.
fn check(g: &Guardrails, exempt: &[String]) {
    let deny: BTreeSet<&str> = g.actions.iter().map(String::as_str).collect();
    assert_eq!(deny.len(), g.actions.len(), "duplicates in {:?}", g.actions);
    for action in &g.actions {
        assert_eq!(actions::canonical(action), Some(action.as_str()));
    }
    // The classification agrees with the deny list.
    let denied_by_class: BTreeSet<&str> = g
        .classified
        .iter()
        .filter(|c| c.denied)
        .map(|c| c.action.as_str())
        .collect();
    assert_eq!(denied_by_class, deny);
    for c in &g.classified {
        assert_eq!(c.denied, g.options.denies(c.category), "{}", c.action);
        assert!(!c.reason.is_empty());
    }

    let mut sids = BTreeSet::new();
    let mut written = Vec::new();
    for policy in &g.policies {
        let text = serde_json::to_string(policy).unwrap();
        assert!(text.len() <= SCP_MAX_CHARS, "{} chars: {text}", text.len());
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(&reparsed, policy);
        let object = policy.as_object().unwrap();
        assert_eq!(object.len(), 2, "{text}");
        assert_eq!(object["Version"], "2012-10-17");
        let statements = object["Statement"].as_array().unwrap();
        assert!(!statements.is_empty());
        let mut services = BTreeSet::new();
        for statement in statements {
            let statement = statement.as_object().unwrap();
            let sid = statement["Sid"].as_str().unwrap();
            assert!(sid.starts_with(SID_PREFIX), "{sid}");
            // IAM accepts ASCII letters and digits in a Sid.
            assert!(
                !sid.is_empty() && sid.chars().all(|c| c.is_ascii_alphanumeric()),
                "{sid}"
            );
            assert!(sids.insert(sid.to_string()), "duplicate Sid {sid}");
            assert_eq!(statement["Effect"], "Deny");
            assert_eq!(statement["Resource"], "*");
            if exempt.is_empty() {
                assert_eq!(statement.len(), 4, "{text}");
                assert!(!statement.contains_key("Condition"));
            } else {
                assert_eq!(statement.len(), 5, "{text}");
                let arns: Vec<String> = match &statement["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
                {
                    Value::String(one) => vec![one.clone()],
                    Value::Array(many) => {
                        assert!(many.len() >= 2, "{text}");
                        many.iter()
                            .map(|v| v.as_str().unwrap().to_string())
                            .collect()
                    }
                    other => panic!("{other}"),
                };
                let wanted: BTreeSet<&String> = exempt.iter().collect();
                assert_eq!(arns.iter().collect::<BTreeSet<_>>(), wanted);
            }
            let actions = statement["Action"].as_array().unwrap();
            assert!(!actions.is_empty());
            // One statement per service in a policy.
            let service = actions[0].as_str().unwrap().split(':').next().unwrap();
            assert!(
                services.insert(service.to_string()),
                "{service} twice: {text}"
            );
            for action in actions {
                let action = action.as_str().unwrap();
                assert!(
                    action.starts_with(&format!("{service}:")),
                    "{action} in {sid}"
                );
                written.push(action.to_string());
            }
        }
    }
    assert_eq!(written, g.policy_actions);

    // Expanding every entry gives exactly the deny set, each action once.
    let mut expanded = Vec::new();
    for entry in &g.policy_actions {
        let matches = actions::expand(entry);
        assert!(!matches.is_empty(), "`{entry}` matches nothing");
        if entry.contains('*') {
            assert!(
                entry.ends_with('*') && entry.matches('*').count() == 1,
                "{entry}"
            );
            assert!(!entry.contains('?'), "{entry}");
            assert!(matches.len() >= 2, "`{entry}` stands for one action");
        } else {
            assert_eq!(matches, vec![entry.as_str()]);
        }
        for action in matches {
            assert!(deny.contains(action), "`{entry}` also denies `{action}`");
            expanded.push(action);
        }
    }
    let expanded_set: BTreeSet<&str> = expanded.iter().copied().collect();
    assert_eq!(expanded.len(), expanded_set.len(), "overlapping entries");
    assert_eq!(expanded_set, deny);

    // Event patterns.
    let mut names = BTreeSet::new();
    let mut services_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for pattern in &g.event_patterns {
        let text = serde_json::to_string(pattern).unwrap();
        assert!(text.len() <= EVENT_PATTERN_MAX_CHARS, "{text}");
        let source = pattern["source"][0].as_str().unwrap();
        let service = source.strip_prefix("aws.").unwrap();
        assert_eq!(pattern["source"].as_array().unwrap().len(), 1);
        assert_eq!(
            pattern["detail-type"],
            serde_json::json!(["AWS API Call via CloudTrail"])
        );
        assert_eq!(
            pattern["detail"]["eventSource"],
            serde_json::json!([format!("{service}.amazonaws.com")])
        );
        let event_names = pattern["detail"]["eventName"].as_array().unwrap();
        assert!(!event_names.is_empty());
        for name in event_names {
            let name = name.as_str().unwrap();
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
            names.insert(name.to_string());
            services_of
                .entry(name.to_string())
                .or_default()
                .insert(service.to_string());
        }
    }
    let listed: BTreeSet<String> = g.event_names.iter().cloned().collect();
    assert_eq!(listed.len(), g.event_names.len());
    assert_eq!(names, listed);
    for name in g.data_events.iter().chain(&g.read_only_events) {
        assert!(listed.contains(name), "{name}");
    }
    // A name is both a data event and a read-only management event only when
    // two services record it (`ListMultipartUploads` in s3 and s3-object-lambda).
    for name in &g.data_events {
        if g.read_only_events.contains(name) {
            assert!(services_of[name].len() >= 2, "{name}");
        }
    }

    // Nothing both denied and reported as shared or skipped.
    for (action, users) in &g.shared {
        assert!(!deny.contains(action.as_str()), "{action}");
        assert!(!users.is_empty());
        for user in users {
            assert!(!g.blocked.iter().any(|(id, _)| id == user), "{user}");
        }
    }
    for (action, reason) in &g.skipped {
        assert!(!deny.contains(action.as_str()), "{action}");
        assert!(!reason.is_empty());
    }
    for (action, controls) in &g.needed_by_controls {
        assert!(deny.contains(action.as_str()), "{action}");
        assert!(!controls.is_empty());
    }
}

#[test]
fn website_denies_only_what_enables_it() {
    let g = block(ours(), &["FC-S3-WEBSITE"]);
    assert_eq!(
        g.blocked,
        vec![(
            "FC-S3-WEBSITE".to_string(),
            "Static website hosting".to_string()
        )]
    );
    // Reading the setting (terraform plan) and removing a website stay allowed.
    assert_eq!(g.actions, ids(&["s3:PutBucketWebsite"]));
    assert_eq!(g.kept(Category::Read), vec!["s3:GetBucketWebsite"]);
    assert_eq!(g.kept(Category::Remediate), vec!["s3:DeleteBucketWebsite"]);
    assert_eq!(g.policies.len(), 1);
    assert_eq!(
        g.policies[0]["Statement"][0]["Sid"],
        serde_json::json!("DenyS3WebsiteEnable")
    );
    // Alerts follow what is denied.
    assert_eq!(g.event_names, ids(&["PutBucketWebsite"]));
    assert_eq!(g.event_patterns.len(), 1);
    assert_eq!(g.event_patterns[0]["source"], serde_json::json!(["aws.s3"]));
    assert!(g.data_events.is_empty() && g.read_only_events.is_empty());
    assert!(g.skipped.is_empty() && g.shared.is_empty());
    // The controls naming s3:PutBucketWebsite deny it too (C-S3-026, C-S3-102).
    assert!(
        g.needed_by_controls.is_empty(),
        "{:?}",
        g.needed_by_controls
    );
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
}

#[test]
fn reads_and_remediation_are_denied_only_when_asked() {
    let reads = block_with(
        ours(),
        &["FC-S3-WEBSITE"],
        &GuardrailOptions {
            include_reads: true,
            ..GuardrailOptions::default()
        },
    );
    assert_eq!(
        reads.actions,
        ids(&["s3:GetBucketWebsite", "s3:PutBucketWebsite"])
    );
    assert_eq!(
        reads.event_names,
        ids(&["GetBucketWebsite", "PutBucketWebsite"])
    );
    assert_eq!(reads.read_only_events, ids(&["GetBucketWebsite"]));
    assert_eq!(
        reads.policies[0]["Statement"][0]["Sid"],
        serde_json::json!("DenyS3WebsiteEnableRead")
    );

    let remediation = block_with(
        ours(),
        &["FC-S3-WEBSITE"],
        &GuardrailOptions {
            include_remediation: true,
            ..GuardrailOptions::default()
        },
    );
    assert_eq!(
        remediation.actions,
        ids(&["s3:DeleteBucketWebsite", "s3:PutBucketWebsite"])
    );
    assert_eq!(
        remediation.policies[0]["Statement"][0]["Sid"],
        serde_json::json!("DenyS3WebsiteEnableRemediate")
    );

    let all = block_with(
        ours(),
        &["FC-S3-WEBSITE"],
        &GuardrailOptions {
            include_reads: true,
            include_remediation: true,
            ..GuardrailOptions::default()
        },
    );
    assert_eq!(all.actions.len(), 3);
    assert!(all.kept(Category::Read).is_empty() && all.kept(Category::Remediate).is_empty());
    assert_eq!(
        all.policies[0]["Statement"][0]["Sid"],
        serde_json::json!("DenyS3WebsiteEnableRemediateRead")
    );
}

#[test]
fn torrent_is_denied_although_its_actions_read() {
    // Retrieving through BitTorrent is the feature itself (a reviewed exception
    // to the Read access level).
    let g = block(ours(), &["FC-S3-TORRENT"]);
    assert_eq!(
        g.actions,
        ids(&["s3:GetObjectTorrent", "s3:GetObjectVersionTorrent"])
    );
    assert_eq!(g.denied(Category::Use).len(), 2);
    // Both actions authorize the same call, an object-level one.
    assert_eq!(g.event_names, ids(&["GetObjectTorrent"]));
    assert_eq!(g.data_events, ids(&["GetObjectTorrent"]));
}

#[test]
fn replication_denies_its_dual_permission_and_says_so() {
    let g = block(ours(), &["FC-S3-REPLICATION"]);
    assert_eq!(
        g.actions,
        ids(&[
            "s3:GetObjectVersionForReplication",
            "s3:ObjectOwnerOverrideToBucketOwner",
            "s3:PutReplicationConfiguration",
            "s3:ReplicateDelete",
            "s3:ReplicateObject",
            "s3:ReplicateTags",
        ])
    );
    assert_eq!(
        g.kept(Category::Read),
        vec!["s3:GetReplicationConfiguration"]
    );
    // PutReplicationConfiguration also authorizes DeleteBucketReplication.
    assert_eq!(
        g.denied(Category::Dual),
        vec!["s3:PutReplicationConfiguration"]
    );
    assert!(
        g.notes
            .iter()
            .any(|n| n.contains("s3:PutReplicationConfiguration")
                && n.contains("switches the feature off")),
        "{:?}",
        g.notes
    );
    for name in ["PutBucketReplication", "DeleteBucketReplication"] {
        assert!(g.event_names.iter().any(|n| n == name), "{name}");
    }
    assert!(!g.event_names.iter().any(|n| n == "GetBucketReplication"));
    // The actions S3 itself uses while replicating record no API call of their own.
    assert!(!g.event_names.iter().any(|n| n.starts_with("Replicate")));
    // The catalog recommends replicating critical buckets (C-S3-048).
    let users: BTreeMap<&str, &Vec<String>> = g
        .needed_by_controls
        .iter()
        .map(|(a, c)| (a.as_str(), c))
        .collect();
    assert!(users["s3:PutReplicationConfiguration"].contains(&"C-S3-048".to_string()));
    assert!(g.warnings.iter().any(|w| w.contains("C-S3-048")));
}

#[test]
fn three_classes_together() {
    let together = block(
        ours(),
        &["FC-S3-TORRENT", "FC-S3-WEBSITE", "FC-S3-REPLICATION"],
    );
    let mut union = BTreeSet::new();
    let mut events = BTreeSet::new();
    for id in ["FC-S3-TORRENT", "FC-S3-WEBSITE", "FC-S3-REPLICATION"] {
        let alone = block(ours(), &[id]);
        union.extend(alone.actions);
        events.extend(alone.event_names);
    }
    assert_eq!(together.actions, union.into_iter().collect::<Vec<_>>());
    assert_eq!(together.event_names, events.into_iter().collect::<Vec<_>>());
    assert_eq!(together.blocked.len(), 3);
    assert_eq!(together.policies.len(), 1);
    // Several features in one service share a statement.
    assert_eq!(
        together.policies[0]["Statement"][0]["Sid"],
        serde_json::json!("DenyS3FeaturesEnable")
    );
}

#[test]
fn sids_name_the_service_and_the_feature() {
    let g = block(ours(), &["FC-S3-OBJECT-LAMBDA"]);
    let sids: Vec<&str> = g.policies[0]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        vec![
            "DenyS3ObjectLambdaEnable",
            "DenyS3ObjectLambdaObjectLambdaEnable"
        ]
    );
    let vpc = block(ours(), &["FC-VPC-ENDPOINT"]);
    assert_eq!(
        vpc.policies[0]["Statement"][0]["Sid"],
        serde_json::json!("DenyEC2VpcEndpointEnable")
    );
}

#[test]
fn core_classes_are_refused_with_their_consequence() {
    let expected = [
        ("FC-IAM", vec!["iam:PassRole"]),
        ("FC-STS", vec!["sts:AssumeRole", "no role could be assumed"]),
        ("FC-KMS", vec!["kms:Decrypt", "unreadable"]),
        ("FC-ORGANIZATIONS", vec!["organization policies"]),
        ("FC-CLOUDTRAIL", vec!["cloudtrail:StartLogging"]),
        ("FC-S3-OBJECT", vec!["s3:GetObject"]),
        ("FC-S3-BUCKET", vec!["s3:CreateBucket"]),
        ("FC-S3-BPA-BUCKET", vec!["s3:PutBucketPublicAccessBlock"]),
        (
            "FC-S3-BPA-ACCOUNT",
            vec![
                "s3:PutAccountPublicAccessBlock",
                "turn account-level Block Public Access on",
            ],
        ),
    ];
    for (id, phrases) in expected {
        let error = guardrails(ours(), &ids(&[id])).unwrap_err();
        let GuardrailError::Lockout(items) = &error else {
            panic!("{id}: {error}");
        };
        assert!(
            items[0].subject.contains(&format!("`{id}`")),
            "{id}: {error}"
        );
        let message = error.to_string();
        assert!(message.contains("--force"), "{message}");
        for phrase in phrases {
            assert!(
                message.contains(phrase),
                "{id}: `{phrase}` not in {message}"
            );
        }
        // Forced, the result carries the same consequence as a warning.
        let g = block_with(ours(), &[id], &forced());
        assert!(
            g.warnings
                .iter()
                .any(|w| w.starts_with("forced: ") && w.contains(id)),
            "{id}: {:?}",
            g.warnings
        );
    }
}

#[test]
fn forced_core_classes_still_keep_reads_and_remediation() {
    let kms = block_with(ours(), &["FC-KMS"], &forced());
    for denied in [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "kms:CreateGrant",
        "kms:PutKeyPolicy",
    ] {
        assert!(kms.actions.iter().any(|a| a == denied), "{denied}");
    }
    for kept in [
        "kms:DescribeKey",
        "kms:RevokeGrant",
        "kms:RetireGrant",
        "kms:DisableKey",
    ] {
        assert!(!kms.actions.iter().any(|a| a == kept), "{kept}");
    }
    let bpa = block_with(ours(), &["FC-S3-BPA-ACCOUNT"], &forced());
    assert_eq!(bpa.actions, ids(&["s3:PutAccountPublicAccessBlock"]));
    assert_eq!(
        bpa.denied(Category::Dual),
        vec!["s3:PutAccountPublicAccessBlock"]
    );
}

#[test]
fn core_actions_are_refused_from_any_class() {
    // A catalog whose class holds object reads and writes under another name.
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trustoncloud/mini.json");
    let text = std::fs::read_to_string(path).unwrap();
    let mini = moat_catalog::load_str("mini.json", &text).0.unwrap();
    let error = guardrails(&mini, &ids(&["S3.FC2"])).unwrap_err();
    let GuardrailError::Lockout(items) = &error else {
        panic!("{error}");
    };
    let subjects: Vec<&str> = items.iter().map(|i| i.subject.as_str()).collect();
    assert!(
        subjects.contains(&"`s3:GetObject` (from `S3.FC2`)")
            && subjects.contains(&"`s3:PutObject` (from `S3.FC2`)"),
        "{subjects:?}"
    );
    assert!(
        error.to_string().contains("no object could be read"),
        "{error}"
    );
    let g = block_with(&mini, &["S3.FC2"], &forced());
    assert!(g.actions.iter().any(|a| a == "s3:GetObject"));
    // A class with nothing core in it passes.
    block(&mini, &["S3.FC3"]);
}

#[test]
fn actions_an_scp_cannot_deny_are_left_out() {
    let g = block_with(ours(), &["FC-STS"], &everything());
    assert!(!g.actions.iter().any(|a| a == "sts:GetCallerIdentity"));
    let reason = g
        .skipped
        .iter()
        .find(|(a, _)| a == "sts:GetCallerIdentity")
        .map(|(_, r)| r.as_str())
        .unwrap();
    assert!(reason.contains("cannot deny"), "{reason}");
    assert!(reason.contains("API_GetCallerIdentity.html"), "{reason}");
    // Everything else of the class is denied with every option on.
    assert!(g.actions.iter().any(|a| a == "sts:GetAccessKeyInfo"));
}

#[test]
fn controls_that_need_a_denied_action_are_named() {
    let g = block(ours(), &["FC-S3-BUCKET-POLICY"]);
    let users: BTreeMap<&str, &Vec<String>> = g
        .needed_by_controls
        .iter()
        .map(|(a, c)| (a.as_str(), c))
        .collect();
    let put = users["s3:PutBucketPolicy"];
    // C-S3-010 writes a TLS-only bucket policy.
    assert!(put.contains(&"C-S3-010".to_string()), "{put:?}");
    // C-S3-069 only alerts on the call; C-S3-087 denies it itself; C-S3-004
    // is a directive.
    for not in ["C-S3-069", "C-S3-087", "C-S3-004"] {
        assert!(!put.contains(&not.to_string()), "{not} in {put:?}");
    }
    assert!(
        g.warnings
            .iter()
            .any(|w| w.contains("C-S3-010") && w.contains("`s3:PutBucketPolicy`")),
        "{:?}",
        g.warnings
    );
    // Reads are kept by default, so controls that only read are not named.
    assert!(!users.contains_key("s3:GetBucketPolicy"));
}

#[test]
fn ids_names_and_trustoncloud_ids_resolve() {
    let by_id = block(ours(), &["FC-S3-TORRENT"]);
    for alias in [
        "fc-s3-torrent",
        "S3.FC21",
        "s3.fc21",
        "BitTorrent retrieval",
    ] {
        let g = block(ours(), &[alias]);
        assert_eq!(g.blocked, by_id.blocked, "{alias}");
        assert_eq!(g.actions, by_id.actions, "{alias}");
    }
    // Naming a class twice blocks it once.
    let twice = block(ours(), &["FC-S3-TORRENT", "S3.FC21"]);
    assert_eq!(twice.blocked, by_id.blocked);
}

#[test]
fn unknown_ids_are_errors_with_suggestions() {
    let error = guardrails(ours(), &ids(&["FC-S3-TORRNT"])).unwrap_err();
    assert_eq!(
        error,
        GuardrailError::UnknownFeatureClass {
            id: "FC-S3-TORRNT".to_string(),
            suggestion: Some("did you mean `FC-S3-TORRENT`?".to_string()),
        }
    );
    let message = error.to_string();
    assert!(message.contains("`FC-S3-TORRNT`"), "{message}");
    assert!(message.contains("FC-S3-TORRENT"), "{message}");

    let error = guardrails(ours(), &ids(&["FC-S3-WEBSITE", "no-such-thing"])).unwrap_err();
    assert!(matches!(
        error,
        GuardrailError::UnknownFeatureClass { ref id, .. } if id == "no-such-thing"
    ));
    assert_eq!(
        guardrails(ours(), &[]).unwrap_err(),
        GuardrailError::NothingBlocked
    );
    assert_eq!(
        guardrails(ours(), &ids(&[" "])).unwrap_err(),
        GuardrailError::NothingBlocked
    );
}

/// Every class of the built-in S3 catalog: S3's own and those of the services
/// an S3 deployment relies on (IAM, STS, KMS, CloudTrail, VPC endpoints,
/// Organizations).
fn every_class(catalog: &Catalog) -> Vec<String> {
    catalog
        .feature_classes
        .iter()
        .map(|c| c.id.clone())
        .collect()
}

#[test]
fn s3_service_classes_alone() {
    let s3: Vec<String> = ours()
        .feature_classes
        .iter()
        .filter(|c| c.service == "s3")
        .map(|c| c.id.clone())
        .collect();
    assert!(s3.len() > 20);
    // Core S3 classes are among them.
    assert!(matches!(
        guardrails(ours(), &s3).unwrap_err(),
        GuardrailError::Lockout(_)
    ));
    let g = guardrails_with(ours(), &s3, &everything()).unwrap();
    check(&g, &[]);
    assert!(g.actions.len() > 100, "{}", g.actions.len());
    assert!(g.actions.iter().all(|a| a.starts_with("s3")));
    assert!(g.shared.is_empty(), "{:?}", g.shared);
    assert!(g.policy_actions.len() < g.actions.len());
}

#[test]
fn every_class_splits_into_several_policies() {
    let all = every_class(ours());
    assert!(all.len() > 30);
    let g = guardrails_with(ours(), &all, &everything()).unwrap();
    check(&g, &[]);
    assert!(g.actions.len() > 300, "{}", g.actions.len());
    assert!(g.shared.is_empty(), "{:?}", g.shared);
    assert!(g.policies.len() >= 2, "{}", g.policies.len());

    let exact = guardrails_with(
        ours(),
        &all,
        &GuardrailOptions {
            exact_actions: true,
            ..everything()
        },
    )
    .unwrap();
    check(&exact, &[]);
    assert_eq!(exact.actions, g.actions);
    assert_eq!(exact.policy_actions, exact.actions);
    assert!(exact.policies.len() >= 2, "{}", exact.policies.len());
    // The S3 list is split over several statements, numbered in order.
    let s3_sids: Vec<String> = exact
        .policies
        .iter()
        .flat_map(|p| p["Statement"].as_array().unwrap().clone())
        .map(|s| s["Sid"].as_str().unwrap().to_string())
        .filter(|sid| sid.starts_with("DenyS3Features"))
        .collect();
    assert!(s3_sids.len() >= 2, "{s3_sids:?}");
    let expected: Vec<String> = (1..=s3_sids.len())
        .map(|i| format!("DenyS3FeaturesEnableRemediateReadPart{i}"))
        .collect();
    assert_eq!(s3_sids, expected);

    // Wildcards make the list shorter, never longer.
    let chars = |list: &[String]| list.iter().map(|a| a.len() + 3).sum::<usize>();
    assert!(chars(&g.policy_actions) < chars(&exact.policy_actions));
    assert!(g.policies.len() <= exact.policies.len());
    let too_many = |g: &Guardrails| g.warnings.iter().any(|w| w.contains("at most 5"));
    assert!(exact.policies.len() < 5 && !too_many(&exact));

    // Long exempt ARNs still fit, in more parts if need be; more policies than
    // AWS attaches to one target are said so.
    let mut arns: Vec<String> = (0..5)
        .map(|i| {
            format!(
                "arn:aws:iam::111122223333:role/{i}{}",
                "break-glass-".repeat(20)
            )
        })
        .collect();
    arns.push("arn:aws:iam::*:role/remediation".to_string());
    let exempt = guardrails_with(
        ours(),
        &all,
        &GuardrailOptions {
            exempt_role_arns: arns.clone(),
            exact_actions: true,
            ..everything()
        },
    )
    .unwrap();
    check(&exempt, &arns);
    assert_eq!(exempt.actions, g.actions);
    assert!(exempt.policies.len() >= 5, "{}", exempt.policies.len());
    assert!(too_many(&exempt), "{:?}", exempt.warnings);
}

#[test]
fn exempt_roles_add_a_condition() {
    let one = vec!["arn:aws:iam::111122223333:role/BreakGlass".to_string()];
    let g = block_with(
        ours(),
        &["FC-S3-WEBSITE"],
        &GuardrailOptions {
            exempt_role_arns: one.clone(),
            ..GuardrailOptions::default()
        },
    );
    assert_eq!(
        g.policies[0]["Statement"][0]["Condition"],
        serde_json::json!({"ArnNotLike": {"aws:PrincipalArn": one[0]}})
    );
    // Several roles: one list (any of them is exempt); repeats count once.
    let two = vec![
        "arn:aws:iam::111122223333:role/BreakGlass".to_string(),
        "arn:aws:iam::*:role/s3-remediation".to_string(),
    ];
    let mut asked = two.clone();
    asked.push(format!(" {} ", two[0]));
    let g = block_with(
        ours(),
        &["FC-S3-WEBSITE"],
        &GuardrailOptions {
            exempt_role_arns: asked,
            ..GuardrailOptions::default()
        },
    );
    assert_eq!(
        g.policies[0]["Statement"][0]["Condition"],
        serde_json::json!({"ArnNotLike": {"aws:PrincipalArn": two}})
    );
    assert_eq!(g.options.exempt_role_arns, two);
    for bad in ["BreakGlass", "arn:aws:iam", "arn:aws:iam::1:role/a b"] {
        let error = guardrails_with(
            ours(),
            &ids(&["FC-S3-WEBSITE"]),
            &GuardrailOptions {
                exempt_role_arns: vec![bad.to_string()],
                ..GuardrailOptions::default()
            },
        )
        .unwrap_err();
        assert_eq!(error, GuardrailError::InvalidExemptRoleArn(bad.to_string()));
    }
    let huge = format!(
        "arn:aws:iam::111122223333:role/{}",
        "x".repeat(SCP_MAX_CHARS)
    );
    let error = guardrails_with(
        ours(),
        &ids(&["FC-S3-WEBSITE"]),
        &GuardrailOptions {
            exempt_role_arns: vec![huge],
            ..GuardrailOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(error, GuardrailError::TooLarge { .. }), "{error}");
}

#[test]
fn object_classes_share_events_not_actions() {
    // Object versions need their own actions, but their calls are the plain
    // object calls with a version id: alerting on those would fire on every
    // object read, so the events are reported as shared instead.
    let g = block_with(
        ours(),
        &["FC-S3-OBJECT-VERSIONING"],
        &GuardrailOptions {
            include_reads: true,
            ..GuardrailOptions::default()
        },
    );
    assert!(g.actions.iter().any(|a| a == "s3:GetObjectVersion"));
    assert!(!g.event_names.iter().any(|n| n == "GetObject"));
    assert!(
        g.shared_events
            .iter()
            .any(|(event, users)| event == "s3.amazonaws.com:GetObject"
                && users.iter().any(|u| u == "FC-S3-OBJECT"))
    );
    assert!(g.event_names.iter().any(|n| n == "ListObjectVersions"));
    assert!(g.data_events.iter().any(|n| n == "ListObjectVersions"));
}

#[test]
fn classes_without_actions_are_noted() {
    let g = block(ours(), &["FC-S3-PRESIGNED-URL"]);
    assert!(g.actions.is_empty() && g.policies.is_empty());
    assert!(g.notes.iter().any(|n| n.contains("FC-S3-PRESIGNED-URL")));
}

#[test]
fn operations_come_from_the_vendored_list() {
    assert_eq!(
        actions::operations("s3:PutReplicationConfiguration"),
        vec!["PutBucketReplication"]
    );
    assert_eq!(
        actions::operations("s3:putbucketwebsite"),
        vec!["PutBucketWebsite"]
    );
    assert_eq!(
        actions::operations("s3:ListAllMyBuckets"),
        vec!["ListBuckets"]
    );
    assert_eq!(
        actions::operations("s3:GetObjectVersionTorrent"),
        vec!["GetObjectTorrent"]
    );
    assert_eq!(actions::operations("kms:ReEncryptFrom"), vec!["ReEncrypt"]);
    // Actions without an API call of their own, and unknown actions.
    assert!(actions::operations("s3:ReplicateObject").is_empty());
    assert!(actions::operations("s3:BypassGovernanceRetention").is_empty());
    assert!(actions::operations("iam:DisableOutboundWebIdentityFederation").is_empty());
    assert!(actions::operations("s3:NoSuchAction").is_empty());
    assert!(actions::operations("s3:Get*").is_empty());
}

#[test]
fn output_serializes() {
    let g = block(ours(), &["FC-S3-WEBSITE"]);
    let value = serde_json::to_value(&g).unwrap();
    for key in [
        "blocked",
        "options",
        "actions",
        "policy_actions",
        "policies",
        "event_patterns",
        "event_names",
        "data_events",
        "read_only_events",
        "classified",
        "skipped",
        "shared",
        "shared_events",
        "needed_by_controls",
        "warnings",
        "notes",
    ] {
        assert!(value.get(key).is_some(), "{key}");
    }
    assert_eq!(
        value["blocked"],
        serde_json::json!([["FC-S3-WEBSITE", "Static website hosting"]])
    );
    assert_eq!(
        value["classified"][0],
        serde_json::json!({
            "action": "s3:DeleteBucketWebsite",
            "category": "remediate",
            "reason": "access level `Write`, verb `Delete`",
            "denied": false
        })
    );
}

#[test]
fn results_are_deterministic() {
    let all = every_class(ours());
    let first = guardrails_with(ours(), &all, &everything()).unwrap();
    let second = guardrails_with(ours(), &all, &everything()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn every_non_core_class_alone_passes_by_default() {
    // Only core classes are refused; every other class yields policies that
    // check, and never denies a read-level action it does not use.
    for class in &ours().feature_classes {
        match guardrails(ours(), &ids(&[class.id.as_str()])) {
            Ok(g) => {
                check(&g, &[]);
                for c in &g.classified {
                    if c.category == Category::Read {
                        assert!(!c.denied, "{}: {}", class.id, c.action);
                    }
                }
            }
            Err(GuardrailError::Lockout(items)) => {
                assert!(!items.is_empty(), "{}", class.id);
            }
            Err(error) => panic!("{}: {error}", class.id),
        }
    }
}

#[test]
fn trustoncloud_torrent_and_website() {
    let Some(catalog) = trustoncloud() else {
        return;
    };
    let torrent = block(catalog, &["S3.FC21"]);
    assert_eq!(torrent.blocked[0].0, "S3.FC21");
    assert_eq!(
        torrent.actions,
        ids(&["s3:GetObjectTorrent", "s3:GetObjectVersionTorrent"])
    );
    // The qualified data event name is reduced to the eventName CloudTrail records.
    assert_eq!(torrent.event_names, ids(&["GetObjectTorrent"]));
    assert_eq!(torrent.data_events, ids(&["GetObjectTorrent"]));

    let website = block(catalog, &["S3.FC16"]);
    assert!(website.event_names.iter().any(|n| n == "PutBucketWebsite"));
    assert!(website.actions.iter().any(|a| a == "s3:PutBucketWebsite"));
    assert!(!website.actions.iter().any(|a| a == "s3:GetBucketWebsite"));
    assert_eq!(
        website.policies[0]["Statement"][0]["Sid"],
        serde_json::json!("DenyS3FC16Enable")
    );

    let both = block(catalog, &["S3.FC21", "s3.fc16"]);
    assert_eq!(both.blocked.len(), 2);
    let error = guardrails(catalog, &ids(&["S3.FC999"])).unwrap_err();
    assert!(matches!(error, GuardrailError::UnknownFeatureClass { .. }));
}

#[test]
fn trustoncloud_everything() {
    let Some(catalog) = trustoncloud() else {
        return;
    };
    let all: Vec<String> = catalog
        .feature_classes
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert!(matches!(
        guardrails(catalog, &all).unwrap_err(),
        GuardrailError::Lockout(_)
    ));
    let g = guardrails_with(catalog, &all, &everything()).unwrap();
    check(&g, &[]);
    assert!(g.actions.len() > 100);
    // Nothing stays allowed, so nothing is shared.
    assert!(g.shared.is_empty() && g.shared_events.is_empty());
    // Permissions the vendored list does not know are reported, not denied.
    for (action, _) in &g.skipped {
        assert!(
            actions::canonical(action).is_none() || action == "sts:GetCallerIdentity",
            "{action}"
        );
    }
    let exact = guardrails_with(
        catalog,
        &all,
        &GuardrailOptions {
            exact_actions: true,
            ..everything()
        },
    )
    .unwrap();
    check(&exact, &[]);
    assert_eq!(exact.actions, g.actions);
    assert!(g.data_events.iter().any(|n| n == "GetObject"));
    assert!(g.event_patterns.len() >= 2, "{}", g.event_patterns.len());
}

#[test]
fn trustoncloud_overlapping_classes_share() {
    let Some(catalog) = trustoncloud() else {
        return;
    };
    // Every class but one: whatever that class also needs must stay allowed.
    for kept in &catalog.feature_classes {
        let rest: Vec<String> = catalog
            .feature_classes
            .iter()
            .filter(|c| c.id != kept.id)
            .map(|c| c.id.clone())
            .collect();
        let g = guardrails_with(catalog, &rest, &everything()).unwrap();
        check(&g, &[]);
        for action in kept.actions.iter().filter_map(|a| actions::canonical(a)) {
            assert!(
                !g.actions.iter().any(|a| a == action),
                "{action} of {} denied",
                kept.id
            );
        }
    }
}
