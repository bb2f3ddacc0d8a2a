#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `moat guardrails` core: SCPs that deny blocked feature classes and
//! EventBridge patterns for their CloudTrail events, for the built-in catalog
//! and for TrustOnCloud's S3 ThreatModel when /work/shared holds it.

use moat_catalog::guardrails::{
    EVENT_PATTERN_MAX_CHARS, GuardrailError, GuardrailOptions, Guardrails, SCP_MAX_CHARS, SID,
    guardrails, guardrails_with,
};
use moat_catalog::{Catalog, builtin, iam_actions};
use serde_json::Value;
use std::collections::BTreeSet;
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
    let result = guardrails(catalog, &ids(list));
    match result {
        Ok(g) => {
            check(&g, None);
            g
        }
        Err(error) => panic!("{list:?}: {error}"),
    }
}

/// Every policy has the documented shape and size, the policies together deny
/// exactly `actions` once their wildcards are expanded, and every event
/// pattern has its shape and size.
fn check(g: &Guardrails, exempt: Option<&str>) {
    let deny: BTreeSet<&str> = g.actions.iter().map(String::as_str).collect();
    assert_eq!(deny.len(), g.actions.len(), "duplicates in {:?}", g.actions);
    for action in &g.actions {
        assert_eq!(iam_actions::canonical(action), Some(action.as_str()));
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
        assert_eq!(statements.len(), 1);
        let statement = statements[0].as_object().unwrap();
        let sid = statement["Sid"].as_str().unwrap();
        assert!(sid.starts_with(SID), "{sid}");
        assert!(sid.chars().all(|c| c.is_ascii_alphanumeric()), "{sid}");
        assert!(sids.insert(sid.to_string()), "duplicate Sid {sid}");
        assert_eq!(statement["Effect"], "Deny");
        assert_eq!(statement["Resource"], "*");
        match exempt {
            None => {
                assert_eq!(statement.len(), 4, "{text}");
                assert!(!statement.contains_key("Condition"));
            }
            Some(arn) => {
                assert_eq!(statement.len(), 5, "{text}");
                assert_eq!(
                    statement["Condition"],
                    serde_json::json!({"ArnNotLike": {"aws:PrincipalArn": arn}})
                );
            }
        }
        let actions = statement["Action"].as_array().unwrap();
        assert!(!actions.is_empty());
        for action in actions {
            written.push(action.as_str().unwrap().to_string());
        }
    }
    if g.policies.len() == 1 {
        assert_eq!(sids.iter().next().map(String::as_str), Some(SID));
    }
    assert_eq!(written, g.policy_actions);

    // Expanding every entry gives exactly the deny set, each action once.
    let mut expanded = Vec::new();
    for entry in &g.policy_actions {
        let matches = iam_actions::expand(entry);
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
    let mut services_of: std::collections::BTreeMap<String, BTreeSet<String>> =
        std::collections::BTreeMap::new();
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
}

#[test]
fn website_alone() {
    let g = block(ours(), &["FC-S3-WEBSITE"]);
    assert_eq!(
        g.blocked,
        vec![(
            "FC-S3-WEBSITE".to_string(),
            "Static website hosting".to_string()
        )]
    );
    assert_eq!(
        g.actions,
        ids(&[
            "s3:DeleteBucketWebsite",
            "s3:GetBucketWebsite",
            "s3:PutBucketWebsite"
        ])
    );
    assert_eq!(g.policies.len(), 1);
    for name in [
        "PutBucketWebsite",
        "DeleteBucketWebsite",
        "GetBucketWebsite",
    ] {
        assert!(g.event_names.iter().any(|n| n == name), "{name}");
    }
    assert_eq!(g.event_patterns.len(), 1);
    assert_eq!(g.event_patterns[0]["source"], serde_json::json!(["aws.s3"]));
    assert!(g.data_events.is_empty());
    assert_eq!(g.read_only_events, ids(&["GetBucketWebsite"]));
    assert!(g.skipped.is_empty() && g.shared.is_empty());
}

#[test]
fn torrent_alone() {
    let g = block(ours(), &["FC-S3-TORRENT"]);
    assert_eq!(
        g.actions,
        ids(&["s3:GetObjectTorrent", "s3:GetObjectVersionTorrent"])
    );
    // Both actions authorize the same call, an object-level one.
    assert_eq!(g.event_names, ids(&["GetObjectTorrent"]));
    assert_eq!(g.data_events, ids(&["GetObjectTorrent"]));
}

#[test]
fn replication_alone() {
    let g = block(ours(), &["FC-S3-REPLICATION"]);
    assert_eq!(g.actions.len(), 7, "{:?}", g.actions);
    assert!(
        g.actions
            .iter()
            .any(|a| a == "s3:PutReplicationConfiguration")
    );
    for name in [
        "PutBucketReplication",
        "GetBucketReplication",
        "DeleteBucketReplication",
    ] {
        assert!(g.event_names.iter().any(|n| n == name), "{name}");
    }
    // The actions S3 itself uses while replicating record no API call of their own.
    assert!(!g.event_names.iter().any(|n| n.starts_with("Replicate")));
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
    let g = guardrails(ours(), &s3).unwrap();
    check(&g, None);
    assert!(g.actions.len() > 100, "{}", g.actions.len());
    assert!(g.actions.iter().all(|a| a.starts_with("s3")));
    assert!(g.shared.is_empty(), "{:?}", g.shared);
    assert!(g.policy_actions.len() < g.actions.len());
}

#[test]
fn every_class_splits_into_several_policies() {
    let all = every_class(ours());
    assert!(all.len() > 30);
    let g = guardrails(ours(), &all).unwrap();
    check(&g, None);
    assert!(g.actions.len() > 300, "{}", g.actions.len());
    assert!(g.shared.is_empty(), "{:?}", g.shared);
    assert!(g.policies.len() >= 2, "{}", g.policies.len());

    let exact = guardrails_with(
        ours(),
        &all,
        &GuardrailOptions {
            exact_actions: true,
            ..GuardrailOptions::default()
        },
    )
    .unwrap();
    check(&exact, None);
    assert_eq!(exact.actions, g.actions);
    assert_eq!(exact.policy_actions, exact.actions);
    assert!(exact.policies.len() >= 2, "{}", exact.policies.len());
    let sids: Vec<String> = exact
        .policies
        .iter()
        .map(|p| p["Statement"][0]["Sid"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (1..=sids.len()).map(|i| format!("{SID}Part{i}")).collect();
    assert_eq!(sids, expected);

    // Wildcards make the list shorter, never longer.
    let chars = |list: &[String]| list.iter().map(|a| a.len() + 3).sum::<usize>();
    assert!(chars(&g.policy_actions) < chars(&exact.policy_actions));
    assert!(g.policies.len() <= exact.policies.len());

    // A long exempt ARN still fits, in more parts if need be.
    let arn = format!(
        "arn:aws:iam::111122223333:role/{}",
        "break-glass-".repeat(20)
    );
    let exempt = guardrails_with(
        ours(),
        &all,
        &GuardrailOptions {
            exempt_role_arn: Some(arn.clone()),
            exact_actions: true,
        },
    )
    .unwrap();
    check(&exempt, Some(&arn));
    assert_eq!(exempt.actions, g.actions);
    assert!(exempt.policies.len() >= exact.policies.len());
}

#[test]
fn exempt_role_adds_a_condition() {
    let arn = "arn:aws:iam::111122223333:role/BreakGlass";
    let g = guardrails_with(
        ours(),
        &ids(&["FC-S3-WEBSITE"]),
        &GuardrailOptions {
            exempt_role_arn: Some(arn.to_string()),
            ..GuardrailOptions::default()
        },
    )
    .unwrap();
    check(&g, Some(arn));
    let error = guardrails_with(
        ours(),
        &ids(&["FC-S3-WEBSITE"]),
        &GuardrailOptions {
            exempt_role_arn: Some("BreakGlass".to_string()),
            ..GuardrailOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        error,
        GuardrailError::InvalidExemptRoleArn("BreakGlass".to_string())
    );
    let huge = format!(
        "arn:aws:iam::111122223333:role/{}",
        "x".repeat(SCP_MAX_CHARS)
    );
    let error = guardrails_with(
        ours(),
        &ids(&["FC-S3-WEBSITE"]),
        &GuardrailOptions {
            exempt_role_arn: Some(huge),
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
    let g = block(ours(), &["FC-S3-OBJECT-VERSIONING"]);
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
        iam_actions::operations("s3:PutReplicationConfiguration"),
        vec!["PutBucketReplication"]
    );
    assert_eq!(
        iam_actions::operations("s3:putbucketwebsite"),
        vec!["PutBucketWebsite"]
    );
    assert_eq!(
        iam_actions::operations("s3:ListAllMyBuckets"),
        vec!["ListBuckets"]
    );
    assert_eq!(
        iam_actions::operations("s3:GetObjectVersionTorrent"),
        vec!["GetObjectTorrent"]
    );
    assert_eq!(
        iam_actions::operations("kms:ReEncryptFrom"),
        vec!["ReEncrypt"]
    );
    // Actions without an API call of their own, and unknown actions.
    assert!(iam_actions::operations("s3:ReplicateObject").is_empty());
    assert!(iam_actions::operations("s3:BypassGovernanceRetention").is_empty());
    assert!(iam_actions::operations("iam:DisableOutboundWebIdentityFederation").is_empty());
    assert!(iam_actions::operations("s3:NoSuchAction").is_empty());
    assert!(iam_actions::operations("s3:Get*").is_empty());
}

#[test]
fn output_serializes() {
    let g = block(ours(), &["FC-S3-WEBSITE"]);
    let value = serde_json::to_value(&g).unwrap();
    for key in [
        "blocked",
        "actions",
        "policy_actions",
        "policies",
        "event_patterns",
        "event_names",
        "data_events",
        "read_only_events",
        "skipped",
        "shared",
        "shared_events",
        "notes",
    ] {
        assert!(value.get(key).is_some(), "{key}");
    }
    assert_eq!(
        value["blocked"],
        serde_json::json!([["FC-S3-WEBSITE", "Static website hosting"]])
    );
}

#[test]
fn results_are_deterministic() {
    let all = every_class(ours());
    let first = guardrails(ours(), &all).unwrap();
    let second = guardrails(ours(), &all).unwrap();
    assert_eq!(first, second);
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
    for name in ["PutBucketWebsite", "DeleteBucketWebsite"] {
        assert!(website.event_names.iter().any(|n| n == name), "{name}");
    }
    assert!(website.actions.iter().any(|a| a == "s3:PutBucketWebsite"));

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
    let g = guardrails(catalog, &all).unwrap();
    check(&g, None);
    assert!(g.actions.len() > 100);
    // Nothing stays allowed, so nothing is shared.
    assert!(g.shared.is_empty() && g.shared_events.is_empty());
    // Permissions the vendored list does not know are reported, not denied.
    for (action, _) in &g.skipped {
        assert!(iam_actions::canonical(action).is_none(), "{action}");
    }
    let exact = guardrails_with(
        catalog,
        &all,
        &GuardrailOptions {
            exact_actions: true,
            ..GuardrailOptions::default()
        },
    )
    .unwrap();
    check(&exact, None);
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
        let g = guardrails(catalog, &rest).unwrap();
        check(&g, None);
        for action in kept
            .actions
            .iter()
            .filter_map(|a| iam_actions::canonical(a))
        {
            assert!(
                !g.actions.iter().any(|a| a == action),
                "{action} of {} denied",
                kept.id
            );
        }
    }
}
