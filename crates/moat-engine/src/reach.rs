//! Threat reachability: which principals of an account snapshot hold the
//! permissions a catalog threat needs (its `access` expression), on the bucket
//! a model element names. Each action is asked of [`moat_policy::whocan`]; the
//! expression then combines the answers per principal:
//!
//! - `UNIQUE a`: who-can says the principal is allowed (or allowed when
//!   conditions hold) to perform `a`;
//! - `AND`: every part that is not `OPTIONAL`;
//! - `OR`: any part that is not `OPTIONAL` (the one with the fewest
//!   requirements is reported);
//! - `OPTIONAL`: never needed; the optional actions a principal holds are
//!   reported as "also holds".
//!
//! Conditions and the proved/assumed mark of who-can carry through. See
//! docs/policy.md, "Threat reachability".

use crate::{Assessment, TargetType};
use moat_catalog::{Access, Catalog};
use moat_policy::evaluate::NamedPolicy;
use moat_policy::snapshot::{AccountSnapshot, PolicySources};
use moat_policy::whocan::{self, AccessDecision, Inputs, Proof, Query, WhoCan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The element properties that name a bucket, in the order they are read.
pub const BUCKET_PROPERTIES: [&str; 2] = ["bucket", "arn"];

/// Whether reachability could be decided for a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReachStatus {
    /// Decided from the snapshot: `reachable_by` lists every principal that can.
    Computed,
    /// Not decided; `reason` says why.
    Unknown,
    /// The threat's expression needs no permission (only optional ones).
    NoPermissionNeeded,
}

/// Threat reachability on one result (`moat threats --account-snapshot`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Reachability {
    pub status: ReachStatus,
    /// Why reachability is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The bucket's ARN, when the element names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// The threat's access expression, as text (`s3:PutObject AND optional(s3:PutObjectAcl)`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub access: String,
    /// The principals that hold the permissions the expression requires.
    #[serde(default)]
    pub reachable_by: Vec<Reacher>,
    /// How the answer was reached (no bucket policy given, resources assumed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A principal that can carry out a threat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Reacher {
    /// Its ARN (the role's ARN for a role's sessions), a service, or `*` for anonymous callers.
    pub principal: String,
    /// A short name: `alice`, `role/DataPipeline`, an account id, a service.
    pub name: String,
    /// `user`, `role`, `root`, `external`, `other account`, `anonymous`, `service` or `federated`.
    pub kind: String,
    /// `allowed` (no condition to meet) or `allowed_when` (see `conditions`).
    pub decision: ReachDecision,
    /// `assumed` when any action's answer rests on an assumption (who-can's mark).
    pub proof: ReachProof,
    /// The required actions it holds that satisfy the expression.
    pub actions: Vec<String>,
    /// What its requests must meet, each prefixed with its action.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// Optional actions of the expression it holds too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_holds: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReachDecision {
    Allowed,
    AllowedWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReachProof {
    Proved,
    Assumed,
}

impl Reacher {
    /// `alice`, or `alice (when s3:GetObject: requires TLS ...; assumed)`.
    pub fn label(&self) -> String {
        let mut extra = Vec::new();
        if !self.conditions.is_empty() {
            extra.push(format!("when {}", self.conditions.join("; ")));
        }
        if self.proof == ReachProof::Assumed {
            extra.push("assumed".to_string());
        }
        if !self.also_holds.is_empty() {
            extra.push(format!("also holds {}", self.also_holds.join(", ")));
        }
        if extra.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, extra.join("; "))
        }
    }
}

impl Reachability {
    /// One line for reports: `reachable by: 2 principals (alice, role/DataPipeline)`.
    pub fn summary(&self) -> String {
        match self.status {
            ReachStatus::Unknown => format!(
                "reachability unknown: {}",
                self.reason.as_deref().unwrap_or("not decided")
            ),
            ReachStatus::NoPermissionNeeded => {
                "reachable without any permission of this account (the threat needs none)"
                    .to_string()
            }
            ReachStatus::Computed => {
                let n = self.reachable_by.len();
                if n == 0 {
                    return "reachable by: no principal".to_string();
                }
                let names: Vec<&str> = self.reachable_by.iter().map(|r| r.name.as_str()).collect();
                format!(
                    "reachable by: {n} principal{} ({})",
                    if n == 1 { "" } else { "s" },
                    names.join(", ")
                )
            }
        }
    }
}

/// What one principal holds of one action, from who-can.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Held {
    /// Allowed with no condition left to meet.
    pub unconditional: bool,
    /// The answer rests on an assumption.
    pub assumed: bool,
    /// The requirements it does not already meet, in words.
    pub conditions: Vec<String>,
}

/// How a principal satisfies an expression.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Satisfied {
    /// The required actions used.
    pub actions: Vec<String>,
    /// `ACTION: requirement` for each requirement of those actions.
    pub conditions: Vec<String>,
    pub unconditional: bool,
    pub assumed: bool,
}

impl Satisfied {
    fn trivial() -> Satisfied {
        Satisfied {
            unconditional: true,
            ..Satisfied::default()
        }
    }

    /// Fewer requirements sort first.
    fn cost(&self) -> (bool, bool, usize, usize) {
        (
            !self.unconditional,
            self.assumed,
            self.conditions.len(),
            self.actions.len(),
        )
    }
}

/// Whether `expr` needs any permission (some action outside `OPTIONAL`).
pub fn requires_permission(expr: &Access) -> bool {
    match expr {
        Access::Unique(_) => true,
        Access::Optional(_) => false,
        Access::And(parts) | Access::Or(parts) => parts.iter().any(requires_permission),
    }
}

/// Whether a principal satisfies `expr`, given what it holds of each action
/// (`held(action)`, `None` when it cannot perform it). `OPTIONAL` parts are
/// ignored; an expression that requires nothing is satisfied trivially.
pub fn satisfies(expr: &Access, held: &dyn Fn(&str) -> Option<Held>) -> Option<Satisfied> {
    match expr {
        Access::Unique(action) => held(action).map(|h| Satisfied {
            actions: vec![action.clone()],
            conditions: h
                .conditions
                .iter()
                .map(|c| format!("{action}: {c}"))
                .collect(),
            unconditional: h.unconditional,
            assumed: h.assumed,
        }),
        Access::Optional(_) => Some(Satisfied::trivial()),
        Access::And(parts) => {
            let mut all = Satisfied::trivial();
            for part in parts.iter().filter(|p| requires_permission(p)) {
                let one = satisfies(part, held)?;
                for action in one.actions {
                    if !all.actions.contains(&action) {
                        all.actions.push(action);
                    }
                }
                for condition in one.conditions {
                    if !all.conditions.contains(&condition) {
                        all.conditions.push(condition);
                    }
                }
                all.unconditional &= one.unconditional;
                all.assumed |= one.assumed;
            }
            Some(all)
        }
        Access::Or(parts) => {
            let required: Vec<&Access> = parts.iter().filter(|p| requires_permission(p)).collect();
            if required.is_empty() {
                return Some(Satisfied::trivial());
            }
            required
                .into_iter()
                .filter_map(|p| satisfies(p, held))
                .min_by_key(Satisfied::cost)
        }
    }
}

/// The actions of `expr` under `OPTIONAL`, in order of appearance, once each.
pub fn optional_actions(expr: &Access) -> Vec<&str> {
    fn walk<'a>(expr: &'a Access, inside: bool, out: &mut Vec<&'a str>) {
        match expr {
            Access::Unique(a) => {
                if inside && !out.contains(&a.as_str()) {
                    out.push(a);
                }
            }
            Access::Optional(inner) => walk(inner, true, out),
            Access::And(parts) | Access::Or(parts) => {
                parts.iter().for_each(|p| walk(p, inside, out));
            }
        }
    }
    let mut out = Vec::new();
    walk(expr, false, &mut out);
    out
}

/// What an action is asked of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionTarget {
    /// The bucket ARN.
    Bucket,
    /// `BUCKET/*`: any object of the bucket.
    Object,
    /// `*`: the action supports no resource-level permissions.
    Any,
    /// A resource the model does not name (a KMS key, an access point...), or
    /// an action Moat does not know: asked on `*`, and the answer is assumed.
    Unnamed(String),
}

/// Decides per action from the Service Authorization Reference's resource types.
pub fn action_target(action: &str) -> ActionTarget {
    let Some(info) = moat_policy::actions::action(action) else {
        return ActionTarget::Unnamed("an action Moat does not know".to_string());
    };
    let types: Vec<&str> = info
        .resource_types
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    if types.is_empty() {
        return ActionTarget::Any;
    }
    if info.service() == "s3" {
        if types.contains(&"object") {
            return ActionTarget::Object;
        }
        if types.contains(&"bucket") {
            return ActionTarget::Bucket;
        }
    }
    ActionTarget::Unnamed(format!("a resource of type {}", types.join(" or ")))
}

/// The bucket name an element's `bucket` or `arn` property gives, if any:
/// `acme-reports`, `arn:aws:s3:::acme-reports` or `s3://acme-reports`.
pub fn bucket_name(element: &moat_model::Element) -> Option<String> {
    BUCKET_PROPERTIES.iter().find_map(|key| {
        let text = element.properties.get(*key)?.as_str()?.trim();
        parse_bucket(text)
    })
}

fn parse_bucket(text: &str) -> Option<String> {
    let name = if let Some(rest) = text.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        match parts.as_slice() {
            [_, "s3", "", "", resource] => *resource,
            _ => return None,
        }
    } else if let Some(rest) = text.strip_prefix("s3://") {
        rest
    } else {
        text
    };
    let name = name.trim_end_matches('/');
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.'));
    ok.then(|| name.to_string())
}

/// What reachability is computed from.
pub struct ReachInputs<'a> {
    pub snapshot: &'a AccountSnapshot,
    /// Bucket policies by bucket name.
    pub bucket_policies: &'a BTreeMap<String, NamedPolicy>,
    pub sources: Option<&'a PolicySources>,
}

/// Asks who-can once per action and resource.
struct Asker<'a> {
    inputs: &'a ReachInputs<'a>,
    answers: HashMap<(String, String), WhoCan>,
}

impl Asker<'_> {
    fn ask(&mut self, action: &str, resource: &str, bucket: Option<&str>) -> &WhoCan {
        let key = (action.to_string(), resource.to_string());
        self.answers.entry(key).or_insert_with(|| {
            let mut inputs = Inputs::new(self.inputs.snapshot);
            inputs.resource_policy = bucket.and_then(|b| self.inputs.bucket_policies.get(b));
            inputs.sources = self.inputs.sources;
            whocan::who_can(&Query::new(action, resource), &inputs)
        })
    }
}

/// Reachability of `expr` on bucket `bucket` (a name), from who-can answers.
fn reach_bucket(expr: &Access, bucket: &str, asker: &mut Asker<'_>) -> Reachability {
    let partition = asker.inputs.snapshot.partition.as_str();
    let partition = if partition.is_empty() {
        "aws"
    } else {
        partition
    };
    let bucket_arn = format!("arn:{partition}:s3:::{bucket}");
    let mut notes = Vec::new();
    if !asker.inputs.bucket_policies.contains_key(bucket) {
        notes.push(format!(
            "no bucket policy given for `{bucket}`: decided from the snapshot's policies alone"
        ));
    }
    if !requires_permission(expr) {
        return Reachability {
            status: ReachStatus::NoPermissionNeeded,
            reason: None,
            bucket: Some(bucket_arn),
            access: expr.to_string(),
            reachable_by: Vec::new(),
            notes,
        };
    }
    // per action: principal ARN -> what it holds; principals in first-seen order
    let mut held: HashMap<String, HashMap<String, Held>> = HashMap::new();
    let mut principals: Vec<(String, String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut actions: Vec<&str> = expr.actions();
    actions.dedup();
    for action in actions {
        if held.contains_key(action) {
            continue;
        }
        let (resource, with_policy) = match action_target(action) {
            ActionTarget::Bucket => (bucket_arn.clone(), true),
            ActionTarget::Object => {
                notes.push(format!(
                    "`{action}` is asked for every object (`{bucket_arn}/*`): grants limited to a prefix or a key are not counted, so principals holding it on part of the bucket may be missing"
                ));
                (format!("{bucket_arn}/*"), true)
            }
            ActionTarget::Any => ("*".to_string(), false),
            ActionTarget::Unnamed(what) => {
                notes.push(format!(
                    "`{action}` acts on {what}, which the model does not name: asked on `*` (granted on every resource), assumed"
                ));
                ("*".to_string(), false)
            }
        };
        let assumed_resource =
            resource == "*" && !matches!(action_target(action), ActionTarget::Any);
        let answer = asker.ask(action, &resource, with_policy.then_some(bucket));
        let mut by_principal = HashMap::new();
        for access in &answer.principals {
            if seen.insert(access.principal.clone()) {
                principals.push((
                    access.principal.clone(),
                    display_name(access),
                    access.kind.as_str().to_string(),
                ));
            }
            if !access.decision.can() {
                continue;
            }
            by_principal.insert(
                access.principal.clone(),
                Held {
                    unconditional: access.decision == AccessDecision::Allowed,
                    assumed: access.proof == Proof::Assumed || assumed_resource,
                    conditions: access
                        .conditions
                        .iter()
                        .filter(|r| !r.met)
                        .map(|r| r.text.clone())
                        .collect(),
                },
            );
        }
        held.insert(action.to_string(), by_principal);
    }
    let optional = optional_actions(expr);
    let mut reachable_by = Vec::new();
    for (principal, name, kind) in principals {
        let lookup = |action: &str| held.get(action).and_then(|m| m.get(&principal)).cloned();
        let Some(found) = satisfies(expr, &lookup) else {
            continue;
        };
        let also_holds = optional
            .iter()
            .filter(|a| !found.actions.iter().any(|f| f == *a) && lookup(a).is_some())
            .map(|a| a.to_string())
            .collect();
        reachable_by.push(Reacher {
            principal,
            name,
            kind,
            decision: if found.unconditional {
                ReachDecision::Allowed
            } else {
                ReachDecision::AllowedWhen
            },
            proof: if found.assumed {
                ReachProof::Assumed
            } else {
                ReachProof::Proved
            },
            actions: found.actions,
            conditions: found.conditions,
            also_holds,
        });
    }
    Reachability {
        status: ReachStatus::Computed,
        reason: None,
        bucket: Some(bucket_arn),
        access: expr.to_string(),
        reachable_by,
        notes,
    }
}

/// `alice`, `role/DataPipeline`, `root`, an account id, a service.
fn display_name(access: &whocan::Access) -> String {
    match access.kind {
        whocan::PrincipalClass::Role => format!("role/{}", access.name),
        _ => access.name.clone(),
    }
}

fn unknown(reason: &str, access: String) -> Reachability {
    Reachability {
        status: ReachStatus::Unknown,
        reason: Some(reason.to_string()),
        bucket: None,
        access,
        reachable_by: Vec::new(),
        notes: Vec::new(),
    }
}

/// Sets `reachability` on every result whose target is an S3 bucket element.
/// Results elsewhere are left without one.
pub fn attach(assessment: &mut Assessment, catalog: &Catalog, inputs: &ReachInputs<'_>) {
    let access_of: HashMap<&str, Option<&Access>> = catalog
        .threats
        .iter()
        .map(|t| (t.threat.id.as_str(), t.threat.access.as_ref()))
        .collect();
    let buckets: HashMap<&str, Option<String>> = assessment
        .model
        .elements
        .iter()
        .filter(|e| {
            crate::service::service_ref(e) == Some(("s3", "bucket"))
                && assessment
                    .targets
                    .iter()
                    .any(|t| t.id == e.id && t.target_type == TargetType::Element)
        })
        .map(|e| (e.id.as_str(), bucket_name(e)))
        .collect();
    let mut asker = Asker {
        inputs,
        answers: HashMap::new(),
    };
    let mut found = Vec::with_capacity(assessment.threats.len());
    for result in &assessment.threats {
        let Some(bucket) = buckets.get(result.target_id.as_str()) else {
            found.push(None);
            continue;
        };
        let access = access_of.get(result.threat_id.as_str()).copied().flatten();
        let text = access.map(ToString::to_string).unwrap_or_default();
        let reach = match (access, bucket) {
            (None, _) => unknown(
                "the threat has no access expression (no permissions listed)",
                text,
            ),
            (Some(_), None) => unknown(
                "the element names no bucket (set its `bucket` property to the bucket's name or ARN)",
                text,
            ),
            (Some(expr), Some(name)) => reach_bucket(expr, name, &mut asker),
        };
        found.push(Some(reach));
    }
    for (result, reach) in assessment.threats.iter_mut().zip(found) {
        result.reachability = reach;
    }
}

/// The bucket names the model's S3 bucket elements give, for checking `--bucket-policy`.
pub fn model_buckets(model: &moat_model::Model) -> Vec<String> {
    model
        .elements
        .iter()
        .filter(|e| crate::service::service_ref(e) == Some(("s3", "bucket")))
        .filter_map(bucket_name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expr(value: serde_json::Value) -> Access {
        Access::from_value(&value).unwrap().unwrap()
    }

    fn held_by<'a>(
        table: &'a [(&'a str, bool, &'a [&'a str])],
    ) -> impl Fn(&str) -> Option<Held> + 'a {
        move |action: &str| {
            table
                .iter()
                .find(|(a, ..)| *a == action)
                .map(|(_, u, c)| Held {
                    unconditional: *u,
                    assumed: false,
                    conditions: c.iter().map(|s| s.to_string()).collect(),
                })
        }
    }

    #[test]
    fn unique_needs_the_action() {
        let e = expr(json!({"UNIQUE": "s3:GetObject"}));
        let yes = held_by(&[("s3:GetObject", true, &[])]);
        let found = satisfies(&e, &yes).unwrap();
        assert_eq!(found.actions, ["s3:GetObject"]);
        assert!(found.unconditional);
        let no = held_by(&[("s3:PutObject", true, &[])]);
        assert_eq!(satisfies(&e, &no), None);
    }

    #[test]
    fn and_needs_every_required_part_and_ignores_optional() {
        let e = expr(
            json!({"AND": ["s3:PutObject", "s3:PutObjectTagging", {"OPTIONAL": "s3:PutObjectAcl"}]}),
        );
        let partial = held_by(&[("s3:PutObject", true, &[]), ("s3:PutObjectAcl", true, &[])]);
        assert_eq!(satisfies(&e, &partial), None);
        let both = held_by(&[
            ("s3:PutObject", true, &[]),
            ("s3:PutObjectTagging", false, &["requires TLS"]),
        ]);
        let found = satisfies(&e, &both).unwrap();
        assert_eq!(found.actions, ["s3:PutObject", "s3:PutObjectTagging"]);
        assert_eq!(found.conditions, ["s3:PutObjectTagging: requires TLS"]);
        assert!(!found.unconditional, "one part is conditional");
        assert_eq!(optional_actions(&e), ["s3:PutObjectAcl"]);
    }

    #[test]
    fn or_needs_any_part_and_prefers_the_unconditional_one() {
        let e = expr(json!({"OR": ["s3:PutBucketPolicy", "s3:PutBucketAcl"]}));
        let none = held_by(&[]);
        assert_eq!(satisfies(&e, &none), None);
        let two = held_by(&[
            ("s3:PutBucketPolicy", false, &["requires MFA"]),
            ("s3:PutBucketAcl", true, &[]),
        ]);
        let found = satisfies(&e, &two).unwrap();
        assert_eq!(found.actions, ["s3:PutBucketAcl"]);
        assert!(found.unconditional);
        let one = held_by(&[("s3:PutBucketPolicy", false, &["requires MFA"])]);
        let found = satisfies(&e, &one).unwrap();
        assert_eq!(found.conditions, ["s3:PutBucketPolicy: requires MFA"]);
    }

    #[test]
    fn optional_alone_requires_nothing() {
        let e = expr(json!({"OPTIONAL": "s3:DeleteBucket"}));
        assert!(!requires_permission(&e));
        assert!(satisfies(&e, &held_by(&[])).unwrap().actions.is_empty());
        // an OR whose optional branch would be free still needs a real branch
        let e = expr(json!({"OR": ["s3:GetObject", {"OPTIONAL": "s3:ListBucket"}]}));
        assert!(requires_permission(&e));
        assert_eq!(
            satisfies(&e, &held_by(&[("s3:ListBucket", true, &[])])),
            None
        );
    }

    #[test]
    fn nested_expressions_combine() {
        let e =
            expr(json!({"AND": ["kms:Decrypt", {"OR": ["s3:GetObject", "s3:GetObjectVersion"]}]}));
        let table = held_by(&[
            ("kms:Decrypt", true, &[]),
            ("s3:GetObjectVersion", true, &[]),
        ]);
        assert_eq!(
            satisfies(&e, &table).unwrap().actions,
            ["kms:Decrypt", "s3:GetObjectVersion"]
        );
    }

    #[test]
    fn actions_are_asked_of_the_bucket_or_its_objects() {
        assert_eq!(action_target("s3:GetObject"), ActionTarget::Object);
        assert_eq!(action_target("s3:PutBucketPolicy"), ActionTarget::Bucket);
        assert_eq!(action_target("s3:ListAllMyBuckets"), ActionTarget::Any);
        assert!(matches!(
            action_target("kms:Decrypt"),
            ActionTarget::Unnamed(_)
        ));
        assert!(matches!(action_target("s3:Nope"), ActionTarget::Unnamed(_)));
    }

    #[test]
    fn bucket_names_are_read_from_names_arns_and_urls() {
        assert_eq!(
            parse_bucket("acme-reports").as_deref(),
            Some("acme-reports")
        );
        assert_eq!(
            parse_bucket("arn:aws:s3:::acme-reports").as_deref(),
            Some("acme-reports")
        );
        assert_eq!(
            parse_bucket("s3://acme-reports/").as_deref(),
            Some("acme-reports")
        );
        for bad in [
            "",
            "arn:aws:kms:eu-west-1:1:key/x",
            "acme/*",
            "Acme Reports",
        ] {
            assert_eq!(parse_bucket(bad), None, "{bad}");
        }
    }
}
