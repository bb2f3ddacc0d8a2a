//! Who bucket policies and KMS key policies let in. Each principal an
//! `Allow` statement names becomes the source of flows to the bucket or key,
//! one per kind of access the statement's actions give (S3: read, write,
//! delete; KMS: cryptographic use, reads, management, deletion), described
//! by the actions as written. Roles and users the template defines are their
//! own elements; principals it does not define become actors: other
//! accounts (or their roles and users) in that account's boundary, the
//! stack's own account root as "principals of this account" (the grant
//! delegates to their identity policies), AWS services, federated users,
//! and everyone (`*`). A grant to everyone is the internet's only when the
//! checks found the bucket public; otherwise its conditions (or Block Public
//! Access) narrow it to "any principal the conditions admit", whose account
//! the template does not fix. Deny statements only take access away and add
//! no flow; a principal only the deployment knows is left out.

use super::Flows;
use super::outside::{Outside, Outsider, Place};
use moat_checks::s3::principals::{account_of, shown};
use moat_iac::Inventory;
use moat_iac::node_util::UNKNOWN_MARK;
use moat_model::ElementKind;
use moat_policy::actions::{access_level, expand};
use moat_policy::document::{Effect, Policy, PrincipalKind, Statement};
use std::collections::{BTreeMap, BTreeSet};

/// The element id of the internet's "anyone", which the public-bucket flows use.
const ANYONE: &str = "anyone";

/// Flows by (source, sink, name), with the statements (`Policy Sid`) that
/// grant them and the actions each names.
type Grants = BTreeMap<(String, String, &'static str), BTreeMap<String, BTreeSet<String>>>;

#[derive(Clone, Copy)]
enum Service {
    S3,
    Kms,
}

impl Service {
    fn prefix(self) -> &'static str {
        match self {
            Service::S3 => "s3",
            Service::Kms => "kms",
        }
    }
}

pub(super) fn add(
    inventory: &Inventory,
    public: &BTreeSet<String>,
    outside: &mut Outside<'_>,
    flows: &mut Flows,
) {
    let mut grants = Grants::new();
    for b in &inventory.buckets {
        let sink = &b.origin.logical_id;
        let public = public.contains(sink);
        for attached in inventory.policies_of(b) {
            if let Some(policy) = &attached.document.policy {
                let at = Grant {
                    sink,
                    policy: &attached.origin.logical_id,
                    service: Service::S3,
                    public,
                };
                grant(inventory, outside, policy, &at, &mut grants);
            }
        }
    }
    for k in &inventory.kms_keys {
        if let Some(policy) = k.policy.as_ref().and_then(|d| d.policy.as_ref()) {
            let at = Grant {
                sink: &k.origin.logical_id,
                policy: &k.origin.logical_id,
                service: Service::Kms,
                public: false,
            };
            grant(inventory, outside, policy, &at, &mut grants);
        }
    }
    for ((source, sink, name), statements) in grants {
        let by: Vec<String> = statements
            .into_iter()
            .map(|(statement, actions)| {
                let actions: Vec<String> = actions.into_iter().collect();
                format!("{statement} ({})", actions.join(", "))
            })
            .collect();
        let protocol = if name.starts_with("S3") { "s3" } else { "kms" };
        flows.add_described(
            &source,
            &sink,
            name,
            protocol,
            format!("Allowed by {}", by.join("; ")),
        );
    }
}

/// The bucket or key a policy guards.
struct Grant<'a> {
    sink: &'a str,
    /// The logical id of the resource that holds the policy.
    policy: &'a str,
    service: Service,
    /// The checks found the bucket public.
    public: bool,
}

fn grant(
    inventory: &Inventory,
    outside: &mut Outside<'_>,
    policy: &Policy,
    at: &Grant<'_>,
    grants: &mut Grants,
) {
    for statement in policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        let access = access(statement, at.service);
        if access.is_empty() {
            continue;
        }
        let label = format!("{} {}", at.policy, statement.label());
        for source in who(inventory, outside, statement, at.public) {
            for (name, actions) in &access {
                grants
                    .entry((source.clone(), at.sink.to_string(), name))
                    .or_default()
                    .entry(label.clone())
                    .or_default()
                    .extend(actions.iter().cloned());
            }
        }
    }
}

/// The elements a statement's principal names, made where needed.
fn who(
    inventory: &Inventory,
    outside: &mut Outside<'_>,
    statement: &Statement,
    public: bool,
) -> Vec<String> {
    let Some(principal) = &statement.principal else {
        return Vec::new();
    };
    if principal.negated {
        // `NotPrincipal` with `Allow`: everyone but those listed
        return vec![everyone(outside, public)];
    }
    let mut out = Vec::new();
    for entry in &principal.entries {
        let value = entry.value.value.as_str();
        if value.contains(UNKNOWN_MARK) {
            continue;
        }
        let id = match entry.kind {
            PrincipalKind::Everyone => Some(everyone(outside, public)),
            PrincipalKind::Aws if value == "*" => Some(everyone(outside, public)),
            PrincipalKind::Aws => aws(inventory, outside, value),
            PrincipalKind::Service => Some(outside.element(Outsider {
                key: format!("service:{value}"),
                id_hint: &format!("service {value}"),
                name: value.to_string(),
                kind: ElementKind::Actor,
                description: "AWS service principal".to_string(),
                place: Place::Services,
                properties: Vec::new(),
            })),
            PrincipalKind::Federated => Some(outside.element(Outsider {
                key: format!("federated:{value}"),
                id_hint: &format!("federated {value}"),
                name: format!("Users of {}", shown(value)),
                kind: ElementKind::Actor,
                description: "Users signed in through a federated identity provider".to_string(),
                place: Place::Federated,
                properties: Vec::new(),
            })),
            PrincipalKind::CanonicalUser => Some(outside.element(Outsider {
                key: format!("canonical:{value}"),
                id_hint: &format!("canonical user {value}"),
                name: format!("Canonical user {value}"),
                kind: ElementKind::Actor,
                description: "An AWS account (or CloudFront origin access identity) named by canonical user id".to_string(),
                place: Place::UnknownAccount,
                properties: Vec::new(),
            })),
        };
        out.extend(id);
    }
    out.sort();
    out.dedup();
    out
}

/// `*`: the internet for a bucket the checks found public, else whoever the
/// conditions admit.
fn everyone(outside: &mut Outside<'_>, public: bool) -> String {
    if public {
        return ANYONE.to_string();
    }
    outside.element(Outsider {
        key: "everyone-admitted".to_string(),
        id_hint: "any principal",
        name: "Any principal the conditions admit".to_string(),
        kind: ElementKind::Actor,
        description: "A grant to `*` that its conditions or Block Public Access keep from being public: whoever meets them, in any account".to_string(),
        place: Place::UnknownAccount,
        properties: Vec::new(),
    })
}

/// An `AWS` principal: a role or user of the template, an account root, or
/// a role or user elsewhere.
fn aws(inventory: &Inventory, outside: &mut Outside<'_>, value: &str) -> Option<String> {
    let defined = inventory
        .roles
        .iter()
        .map(|r| (&r.arn, &r.origin))
        .chain(inventory.users.iter().map(|u| (&u.arn, &u.origin)))
        .find(|(arn, _)| arn.as_str() == value);
    if let Some((_, origin)) = defined {
        return Some(origin.logical_id.clone());
    }
    let account = account_of(value)?;
    let root = value.len() == 12 || value.ends_with(":root");
    let place = outside.account_place(Some(account));
    let outsider = match (root, &place) {
        (true, Place::OwnAccount) => Outsider {
            key: "account-principals".to_string(),
            id_hint: "account principals",
            name: "Principals of this account".to_string(),
            kind: ElementKind::Actor,
            description: "Any role or user of the stack's account its identity policies allow: a grant to the account root delegates to IAM".to_string(),
            place,
            properties: Vec::new(),
        },
        (true, _) => Outsider {
            key: format!("account:{account}"),
            id_hint: &format!("account {account} principals"),
            name: format!("Principals of account {account}"),
            kind: ElementKind::Actor,
            description: format!("Any role or user of account {account} that account's administrators allow"),
            place,
            properties: vec![("account", serde_json::json!(account))],
        },
        (false, _) => {
            let mut properties = vec![("account", serde_json::json!(shown(account)))];
            if value.contains(":user/") {
                properties.push(("service", serde_json::json!("iam:user")));
            } else if value.contains(":role/") || value.contains(":assumed-role/") {
                properties.push(("service", serde_json::json!("iam:role")));
            }
            Outsider {
                key: format!("principal:{value}"),
                id_hint: &format!("principal {}", shown(value)),
                name: shown(value),
                kind: ElementKind::Actor,
                description: "An IAM principal the template does not define".to_string(),
                place,
                properties,
            }
        }
    };
    Some(outside.element(outsider))
}

/// The kinds of access a statement's actions give on `service`'s resources,
/// each with the actions (as written) that give it.
fn access(statement: &Statement, service: Service) -> BTreeMap<&'static str, BTreeSet<String>> {
    let prefix = service.prefix();
    let of_service = |a: &&str| a.split_once(':').is_some_and(|(p, _)| p == prefix);
    let expanded = |written: &str| -> Vec<&'static str> {
        let pattern = match written.split_once(':') {
            Some((p, name)) => format!("{}:{name}", p.to_ascii_lowercase()),
            None if written == "*" => format!("{prefix}:*"),
            None => return Vec::new(),
        };
        expand(&pattern).into_iter().filter(of_service).collect()
    };
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let written: Vec<&str> = statement
        .action
        .patterns
        .iter()
        .map(|p| p.value.as_str())
        .collect();
    if statement.action.negated {
        let excluded: BTreeSet<&str> = written.iter().flat_map(|w| expanded(w)).collect();
        let label = format!("NotAction {}", written.join(", "));
        for a in expanded("*").into_iter().filter(|a| !excluded.contains(a)) {
            out.entry(kind(service, a))
                .or_default()
                .insert(label.clone());
        }
        return out;
    }
    for w in written {
        for a in expanded(w) {
            out.entry(kind(service, a))
                .or_default()
                .insert(w.to_string());
        }
    }
    out
}

/// KMS actions that use the key's material.
const KMS_USE: &[&str] = &[
    "Decrypt",
    "DeriveSharedSecret",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "VerifyMac",
];

/// The flow an action belongs to.
fn kind(service: Service, action: &str) -> &'static str {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    let reads = matches!(access_level(action), Some("Read" | "List"));
    match service {
        Service::S3 if name.starts_with("Delete") => "S3 delete requests",
        Service::S3 if reads => "S3 read requests",
        Service::S3 => "S3 write requests",
        Service::Kms if KMS_USE.contains(&name) => "KMS cryptographic operations",
        Service::Kms if name.starts_with("Delete") || name == "ScheduleKeyDeletion" => {
            "KMS key deletion"
        }
        Service::Kms if reads => "KMS key reads",
        Service::Kms => "KMS key management",
    }
}
