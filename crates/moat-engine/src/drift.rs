//! Drift: what a live account has that the code does not say, and the
//! reverse. Two Inventories are compared, so any source works on either
//! side (CloudFormation, CDK output, later Terraform; a live account).
//!
//! Buckets are matched by name. For each matched bucket, each setting a check
//! reads is compared as it is in force: a setting the code leaves out is
//! AWS's default (versioning off, Block Public Access on, ACLs disabled...),
//! the live side is what the API answered. What cannot be compared is listed
//! as such, never as drift: a bucket whose name CloudFormation generates, a
//! value only the deployment knows, a call that failed.

use moat_iac::Inventory;
use moat_iac::Value;
use moat_iac::inventory::{BlockPublicAccess, Bucket, Origin};
use moat_source::{Location, Span};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The comparison of code and account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Drift {
    /// Buckets in both.
    pub matched: Vec<String>,
    /// Buckets the account has and the code does not name.
    pub only_live: Vec<Side>,
    /// Buckets the code names and the account does not have.
    pub only_code: Vec<Side>,
    /// Settings that differ on a matched bucket.
    pub differences: Vec<Difference>,
    /// What could not be compared, and why.
    pub not_compared: Vec<NotCompared>,
}

impl Drift {
    /// Whether the account and the code disagree anywhere.
    pub fn drifted(&self) -> bool {
        !(self.only_live.is_empty() && self.only_code.is_empty() && self.differences.is_empty())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Side {
    pub bucket: String,
    pub location: Location,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Difference {
    pub bucket: String,
    /// The setting, as the checks name it (`versioning`, `public_access_block`...).
    pub setting: String,
    /// In force according to the code (defaults applied).
    pub code: String,
    /// In force in the account.
    pub live: String,
    pub code_location: Location,
    pub live_location: Location,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct NotCompared {
    pub bucket: String,
    /// The setting, or none when the whole bucket is not compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    pub reason: String,
    pub location: Location,
}

/// A setting as in force: its text, or why it is not known; and where.
type Shown = (Result<String, String>, Option<Span>);

/// Compares the code's inventory with the account's.
pub fn compare(code: &Inventory, live: &Inventory) -> Drift {
    let mut drift = Drift::default();
    let live_named = |name: &str| live.buckets.iter().find(|b| b.standin == name);
    let mut code_names = Vec::new();
    for bucket in &code.buckets {
        let at = location(code, &bucket.origin, None);
        let Some(name) = bucket.name.get() else {
            drift.not_compared.push(NotCompared {
                bucket: bucket.standin.clone(),
                setting: None,
                reason: match &bucket.name {
                    Value::Unknown { reason, .. } => format!("its name is not known: {reason}"),
                    _ => "CloudFormation generates its name at deployment (no `BucketName`)"
                        .to_string(),
                },
                location: at,
            });
            continue;
        };
        code_names.push(name.clone());
        match live_named(name) {
            None => drift.only_code.push(Side {
                bucket: name.clone(),
                location: at,
            }),
            Some(l) => {
                drift.matched.push(name.clone());
                compare_bucket(code, bucket, live, l, &mut drift);
            }
        }
    }
    for bucket in &live.buckets {
        if !code_names.contains(&bucket.standin) {
            drift.only_live.push(Side {
                bucket: bucket.standin.clone(),
                location: location(live, &bucket.origin, None),
            });
        }
    }
    drift.matched.sort();
    drift.only_code.sort_by(|a, b| a.bucket.cmp(&b.bucket));
    drift.only_live.sort_by(|a, b| a.bucket.cmp(&b.bucket));
    drift
        .differences
        .sort_by(|a, b| (&a.bucket, &a.setting).cmp(&(&b.bucket, &b.setting)));
    drift
        .not_compared
        .sort_by(|a, b| (&a.bucket, &a.setting).cmp(&(&b.bucket, &b.setting)));
    drift
}

fn location(inventory: &Inventory, origin: &Origin, span: Option<Span>) -> Location {
    let span = span.unwrap_or(origin.properties);
    match inventory.file(origin) {
        Some(f) => f.location(span),
        None => Location {
            file: origin.logical_id.clone(),
            line: 1,
            col: 1,
            end_line: 1,
            end_col: 1,
        },
    }
}

fn compare_bucket(
    code_inv: &Inventory,
    code: &Bucket,
    live_inv: &Inventory,
    live: &Bucket,
    drift: &mut Drift,
) {
    let name = live.standin.clone();
    for (setting, read) in SETTINGS {
        let (c, c_span) = read(code_inv, code);
        let (l, l_span) = read(live_inv, live);
        match (c, l) {
            (Ok(c), Ok(l)) if c != l => drift.differences.push(Difference {
                bucket: name.clone(),
                setting: setting.to_string(),
                code: c,
                live: l,
                code_location: location(code_inv, &code.origin, c_span),
                live_location: location(live_inv, &live.origin, l_span),
            }),
            (Ok(_), Ok(_)) => {}
            (Err(reason), _) => drift.not_compared.push(NotCompared {
                bucket: name.clone(),
                setting: Some(setting.to_string()),
                reason: format!("the code does not fix it: {reason}"),
                location: location(code_inv, &code.origin, c_span),
            }),
            (_, Err(reason)) => drift.not_compared.push(NotCompared {
                bucket: name.clone(),
                setting: Some(setting.to_string()),
                reason: format!("the account did not show it: {reason}"),
                location: location(live_inv, &live.origin, l_span),
            }),
        }
    }
}

type Read = fn(&Inventory, &Bucket) -> Shown;

/// The settings compared, each read as in force.
const SETTINGS: &[(&str, Read)] = &[
    ("encryption", |_, b| {
        shown(&b.encryption, "AES256 (S3 default)", |e| {
            let algorithm = e
                .algorithm
                .get()
                .cloned()
                .unwrap_or_else(|| "?".to_string());
            let key = if e.bucket_key.get() == Some(&true) {
                ", bucket key"
            } else {
                ""
            };
            format!("{algorithm}{key}")
        })
    }),
    ("versioning", |_, b| {
        shown(&b.versioning, "off", |s| s.clone())
    }),
    ("object_lock", |_, b| {
        shown(&b.object_lock, "off", |on| {
            if *on { "on" } else { "off" }.to_string()
        })
    }),
    ("object_lock_retention", |_, b| {
        shown(&b.object_lock_retention, "none", |s| s.clone())
    }),
    ("public_access_block", |_, b| {
        shown(&b.public_access_block, "all four on", pab)
    }),
    ("ownership", |_, b| {
        shown(&b.ownership, "BucketOwnerEnforced", |s| s.clone())
    }),
    ("acl", |_, b| {
        shown(&b.access_control, "Private", |s| s.clone())
    }),
    ("policy", policy),
    ("logging", |_, b| {
        shown(&b.logging, "off", |l| match l.destination.get() {
            Some(d) => format!("to {d}"),
            None => "on".to_string(),
        })
    }),
    ("replication", |_, b| {
        shown(&b.replication, "none", |r| {
            moat_source::diag::count(r.destinations.len(), "destination")
        })
    }),
    ("lifecycle", |_, b| {
        shown(&b.lifecycle, "none", |rules| {
            let enabled = rules
                .iter()
                .filter(|r| r.status.get().map(String::as_str) == Some("Enabled"))
                .count();
            format!(
                "{} ({enabled} enabled)",
                moat_source::diag::count(rules.len(), "rule")
            )
        })
    }),
    ("notifications", |_, b| {
        shown(&b.notifications, "none", |list| {
            let mut kinds: Vec<&str> = list.iter().map(|n| n.kind).collect();
            kinds.sort_unstable();
            kinds.dedup();
            format!(
                "{} ({})",
                moat_source::diag::count(list.len(), "target"),
                kinds.join(", ")
            )
        })
    }),
    ("eventbridge", |_, b| {
        shown(&b.eventbridge, "off", |on| {
            if *on { "on" } else { "off" }.to_string()
        })
    }),
    ("website", |_, b| {
        shown(&b.website, "off", |w| {
            if w.redirect_only {
                "redirects every request"
            } else {
                "serves objects"
            }
            .to_string()
        })
    }),
    ("cors", |_, b| {
        shown(&b.cors, "none", |r| {
            moat_source::diag::count(r.len(), "rule")
        })
    }),
    ("acceleration", |_, b| {
        shown(&b.acceleration, "off", |s| match s.as_str() {
            "Enabled" => "on".to_string(),
            _ => "off".to_string(),
        })
    }),
    ("intelligent_tiering", |_, b| {
        shown(&b.intelligent_tiering, "0", |n| n.to_string())
    }),
    ("inventory", |_, b| {
        shown(&b.inventory, "0", |n| n.to_string())
    }),
    ("metrics", |_, b| shown(&b.metrics, "0", |n| n.to_string())),
    ("tags", tags),
];

fn shown<T>(v: &Value<T>, default: &str, show: impl Fn(&T) -> String) -> Shown {
    match v {
        Value::Known { value, span } => (Ok(show(value)), Some(*span)),
        Value::Absent => (Ok(default.to_string()), None),
        Value::Unknown { reason, span } => (Err(reason.clone()), Some(*span)),
    }
}

fn pab(p: &BlockPublicAccess) -> String {
    let off: Vec<&str> = p
        .settings()
        .iter()
        .filter(|(_, v)| v.get() != Some(&true))
        .map(|(n, _)| *n)
        .collect();
    if off.is_empty() {
        "all four on".to_string()
    } else {
        format!("off: {}", off.join(", "))
    }
}

/// The bucket's policies as their statements' effects and actions.
fn policy(inventory: &Inventory, bucket: &Bucket) -> Shown {
    let mut statements = Vec::new();
    let mut span = None;
    for attached in inventory.policies_of(bucket) {
        span = Some(attached.document.span);
        if let Some(reason) = &attached.document.unknown {
            return (Err(reason.clone()), span);
        }
        let Some(policy) = &attached.document.policy else {
            return (Err("the policy could not be read".to_string()), span);
        };
        for s in &policy.statements {
            statements.push(statement(s));
        }
    }
    if statements.is_empty() {
        return (Ok("none".to_string()), None);
    }
    statements.sort();
    (Ok(statements.join("; ")), span)
}

/// A statement as its effect and sorted actions (`Allow s3:GetObject`):
/// what it grants, without the resource ARNs the code writes with stand-ins.
fn statement(s: &moat_policy::Statement) -> String {
    let mut actions: Vec<&str> = s.action.patterns.iter().map(|p| p.value.as_str()).collect();
    actions.sort_unstable();
    format!(
        "{:?} {}{}",
        s.effect.value,
        if s.action.negated { "all but " } else { "" },
        actions.join(",")
    )
}

/// Tags, without those AWS sets itself (`aws:cloudformation:stack-name`...),
/// which no code writes.
fn tags(_: &Inventory, bucket: &Bucket) -> Shown {
    match &bucket.tags {
        Value::Absent => (Ok("none".to_string()), None),
        Value::Unknown { reason, span } => (Err(reason.clone()), Some(*span)),
        Value::Known { value, span } => {
            let mut list = Vec::new();
            for t in value.iter().filter(|t| !t.key.starts_with("aws:")) {
                match t.value.get() {
                    Some(v) => list.push(format!("{}={v}", t.key)),
                    None => {
                        return (
                            Err(format!("the value of tag `{}` is not known", t.key)),
                            Some(t.span),
                        );
                    }
                }
            }
            list.sort();
            if list.is_empty() {
                (Ok("none".to_string()), Some(*span))
            } else {
                (Ok(list.join(", ")), Some(*span))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_iac::inventory::Bucket;
    use moat_source::SourceFile;

    fn bucket(name: Option<&str>, logical: &str) -> Bucket {
        let origin = Origin {
            format: Default::default(),
            file: 0,
            logical_id: logical.to_string(),
            resource_type: "AWS::S3::Bucket".to_string(),
            cdk_path: None,
            cdk_language: None,
            span: Span::default(),
            properties: Span::default(),
            skips: Vec::new(),
        };
        Bucket {
            origin,
            name: name.map_or(Value::Absent, |n| {
                Value::known(n.to_string(), Span::default())
            }),
            standin: name.map_or_else(|| format!("{{{logical}}}"), str::to_string),
            encryption: Value::Absent,
            versioning: Value::Absent,
            object_lock: Value::Absent,
            object_lock_retention: Value::Absent,
            public_access_block: Value::Absent,
            ownership: Value::Absent,
            access_control: Value::Absent,
            logging: Value::Absent,
            replication: Value::Absent,
            lifecycle: Value::Absent,
            notifications: Value::Absent,
            eventbridge: Value::Absent,
            website: Value::Absent,
            cors: Value::Absent,
            acceleration: Value::Absent,
            intelligent_tiering: Value::Absent,
            inventory: Value::Absent,
            metrics: Value::Absent,
            tags: Value::Absent,
        }
    }

    fn inventory(name: &str, buckets: Vec<Bucket>) -> Inventory {
        Inventory {
            files: vec![SourceFile::new(name, "{}\n")],
            buckets,
            ..Inventory::default()
        }
    }

    fn all(on: bool) -> BlockPublicAccess {
        let v = || Value::known(on, Span::default());
        BlockPublicAccess {
            block_public_acls: v(),
            ignore_public_acls: v(),
            block_public_policy: v(),
            restrict_public_buckets: v(),
        }
    }

    #[test]
    fn defaults_are_compared_as_in_force_and_differences_named() {
        let code = inventory(
            "t.yaml",
            vec![
                bucket(Some("shared"), "Shared"),
                bucket(Some("code-only"), "CodeOnly"),
                bucket(None, "Generated"),
            ],
        );
        let mut live_shared = bucket(Some("shared"), "arn:aws:s3:::shared");
        // the code leaves Block Public Access out: all four on, as the account has them
        live_shared.public_access_block = Value::known(all(true), Span::default());
        live_shared.versioning = Value::known("Enabled".to_string(), Span::default());
        live_shared.tags = Value::known(
            vec![moat_iac::inventory::Tag {
                key: "aws:cloudformation:stack-name".to_string(),
                value: Value::known("s".to_string(), Span::default()),
                span: Span::default(),
            }],
            Span::default(),
        );
        live_shared.acceleration = Value::unknown(
            "s3:GetBucketAccelerateConfiguration failed",
            Span::default(),
        );
        let live = inventory(
            "arn:aws:s3:::shared",
            vec![
                live_shared,
                bucket(Some("live-only"), "arn:aws:s3:::live-only"),
            ],
        );
        let d = compare(&code, &live);
        assert_eq!(d.matched, ["shared"]);
        assert_eq!(
            d.only_code
                .iter()
                .map(|s| s.bucket.as_str())
                .collect::<Vec<_>>(),
            ["code-only"]
        );
        assert_eq!(
            d.only_live
                .iter()
                .map(|s| s.bucket.as_str())
                .collect::<Vec<_>>(),
            ["live-only"]
        );
        let settings: Vec<(&str, &str, &str)> = d
            .differences
            .iter()
            .map(|x| (x.setting.as_str(), x.code.as_str(), x.live.as_str()))
            .collect();
        assert_eq!(settings, [("versioning", "off", "Enabled")]);
        let why: Vec<(&str, Option<&str>)> = d
            .not_compared
            .iter()
            .map(|n| (n.bucket.as_str(), n.setting.as_deref()))
            .collect();
        assert_eq!(
            why,
            [("shared", Some("acceleration")), ("{Generated}", None)]
        );
        assert!(d.drifted());
    }

    #[test]
    fn the_same_settings_are_no_drift() {
        let code = inventory("t.yaml", vec![bucket(Some("b"), "B")]);
        let mut live_b = bucket(Some("b"), "arn:aws:s3:::b");
        live_b.public_access_block = Value::known(all(true), Span::default());
        live_b.access_control = Value::known("Private".to_string(), Span::default());
        let d = compare(&code, &inventory("arn:aws:s3:::b", vec![live_b]));
        assert!(!d.drifted(), "{d:?}");
        let mut off = bucket(Some("b"), "arn:aws:s3:::b");
        off.public_access_block = Value::known(all(false), Span::default());
        let d = compare(&code, &inventory("arn:aws:s3:::b", vec![off]));
        assert_eq!(d.differences[0].setting, "public_access_block");
        assert!(d.differences[0].live.starts_with("off: "));
    }
}
