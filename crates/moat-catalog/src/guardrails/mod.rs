//! Guardrails for feature classes a deployment does not use: service control
//! policies (SCPs) that deny their IAM actions, and EventBridge patterns that
//! alert on the CloudTrail events of their API calls.
//!
//! [`guardrails`] resolves the blocked classes, collects their IAM actions
//! (checked against the vendored list in [`moat_policy::actions`]), leaves out the
//! actions a class that stays allowed also needs and those an SCP cannot
//! affect, sorts the rest ([`classify`]) and by default denies only those that
//! enable, widen or use the feature, refuses core classes and actions without
//! `force`, shortens each service's list with `service:Stem*` wildcards that
//! match nothing else, and splits the lists over as many policies as the SCP
//! size quota requires. docs/guardrails.md describes every rule.
//!
//! Two AWS behaviours the output cannot change: SCPs never restrict the
//! organization's management account or service-linked roles, and EventBridge
//! sees S3 object-level (data) events only when a trail or event data store
//! records them.

pub mod classify;
mod controls;
mod events;
mod table;

pub use classify::Category;
pub use events::is_data_event;
pub use moat_policy::scp::{SCP_MAX_CHARS, compress};

use crate::Catalog;
use crate::feature_class::FeatureClass;
use moat_policy::actions;
use moat_policy::scp::{self, DenyList, ScpError};
use moat_source::diag::did_you_mean;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The most SCPs AWS Organizations attaches to one root, OU or account,
/// `FullAWSAccess` included.
pub const SCPS_PER_TARGET: usize = 5;

/// The most characters an EventBridge event pattern may have by default (an
/// adjustable quota). Patterns are measured minified.
pub const EVENT_PATTERN_MAX_CHARS: usize = 2048;

/// Every Sid starts with this, followed by the service, the feature and what is
/// denied (`DenyS3WebsiteEnable`).
pub const SID_PREFIX: &str = "Deny";

/// The `detail-type` of the events CloudTrail delivers to EventBridge for API calls.
pub const DETAIL_TYPE: &str = "AWS API Call via CloudTrail";

/// The rule state under which EventBridge also delivers read-only management
/// events (names starting with `Get`, `List` or `Describe`) to a rule.
pub const READ_ONLY_RULE_STATE: &str = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GuardrailOptions {
    /// Roles (or any principal ARN patterns) the policies do not apply to, for
    /// break-glass access and remediation: adds
    /// `"Condition":{"ArnNotLike":{"aws:PrincipalArn": ...}}`.
    pub exempt_role_arns: Vec<String>,
    /// List every action instead of shortening groups with `service:Stem*`.
    /// A wildcard matches exactly the denied actions AWS knows today, and also
    /// any action AWS adds later under the same stem.
    pub exact_actions: bool,
    /// Also deny the actions that read the feature's settings ([`Category::Read`]).
    pub include_reads: bool,
    /// Also deny the actions that switch the feature off ([`Category::Remediate`]).
    pub include_remediation: bool,
    /// Block core classes and deny core actions although they lock out ordinary work.
    pub force: bool,
}

impl GuardrailOptions {
    /// Whether the SCPs deny actions of `category` with these options.
    pub fn denies(&self, category: Category) -> bool {
        category.denied_by_default()
            || (category == Category::Read && self.include_reads)
            || (category == Category::Remediate && self.include_remediation)
    }

    /// What the Sids say is denied: `Enable`, then `Remediate` and `Read` when included.
    fn sid_suffix(&self) -> String {
        let mut suffix = "Enable".to_string();
        if self.include_remediation {
            suffix.push_str("Remediate");
        }
        if self.include_reads {
            suffix.push_str("Read");
        }
        suffix
    }
}

/// One action of the blocked classes, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassifiedAction {
    pub action: String,
    pub category: Category,
    /// Why it has that category.
    pub reason: String,
    /// Whether the policies deny it.
    pub denied: bool,
}

/// What blocking a set of feature classes takes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Guardrails {
    /// The blocked feature classes, `(id, name)`, in the order asked for.
    pub blocked: Vec<(String, String)>,
    /// The options the result was written with.
    pub options: GuardrailOptions,
    /// The IAM actions denied, as AWS spells them, sorted.
    pub actions: Vec<String>,
    /// `actions` as the policies write them: each entry an action or a
    /// `service:Stem*` wildcard that matches only denied actions.
    pub policy_actions: Vec<String>,
    /// SCP documents, each at most [`SCP_MAX_CHARS`] characters minified.
    pub policies: Vec<Value>,
    /// EventBridge event patterns, one or more per service, each at most
    /// [`EVENT_PATTERN_MAX_CHARS`] characters minified.
    pub event_patterns: Vec<Value>,
    /// The CloudTrail `eventName`s the patterns match, sorted, without duplicates.
    pub event_names: Vec<String>,
    /// The event names that are S3 data events: CloudTrail records them only
    /// when data events are logged for the buckets.
    pub data_events: Vec<String>,
    /// The management event names a rule receives only in the state
    /// [`READ_ONLY_RULE_STATE`].
    pub read_only_events: Vec<String>,
    /// Every known action of the blocked classes that no allowed class needs
    /// and an SCP can deny, with its category and whether it is denied, sorted.
    pub classified: Vec<ClassifiedAction>,
    /// Actions the blocked classes name that are not denied, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Actions of the blocked classes that classes left allowed also need,
    /// with those classes; they are not denied.
    pub shared: Vec<(String, Vec<String>)>,
    /// Events (`eventSource:eventName`) of the blocked classes that classes
    /// left allowed also cause, with those classes; they are not alerted on.
    pub shared_events: Vec<(String, Vec<String>)>,
    /// Denied actions that catalog controls need, with those controls.
    pub needed_by_controls: Vec<(String, Vec<String>)>,
    /// Things the user should act on before attaching the policies.
    pub warnings: Vec<String>,
    /// Remarks about the result, e.g. a blocked class with nothing to deny.
    pub notes: Vec<String>,
}

impl Guardrails {
    /// The actions of `category` that are not denied.
    pub fn kept(&self, category: Category) -> Vec<&str> {
        self.classified
            .iter()
            .filter(|c| c.category == category && !c.denied)
            .map(|c| c.action.as_str())
            .collect()
    }

    /// The denied actions of `category`.
    pub fn denied(&self, category: Category) -> Vec<&str> {
        self.classified
            .iter()
            .filter(|c| c.category == category && c.denied)
            .map(|c| c.action.as_str())
            .collect()
    }
}

/// What blocking would break, for the refusal without `force`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lockout {
    /// The core class (`feature class `FC-STS` (...)`) or action (`` `s3:GetObject` (from `S3.FC2`) ``).
    pub subject: String,
    pub consequence: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardrailError {
    /// No feature class was given.
    NothingBlocked,
    /// No feature class has this id, TrustOnCloud id or name.
    UnknownFeatureClass {
        id: String,
        suggestion: Option<String>,
    },
    /// The exempt role ARN is not an ARN.
    InvalidExemptRoleArn(String),
    /// Even a policy (or event pattern) with a single entry exceeds the quota.
    TooLarge { what: String, limit: usize },
    /// Core classes or actions would be denied and `force` is off.
    Lockout(Vec<Lockout>),
    /// The embedded guardrail table is broken.
    Table(String),
}

impl fmt::Display for GuardrailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardrailError::NothingBlocked => f.write_str("no feature class to block"),
            GuardrailError::UnknownFeatureClass { id, suggestion } => {
                write!(f, "unknown feature class `{id}`")?;
                if let Some(suggestion) = suggestion {
                    write!(f, "; {suggestion}")?;
                }
                Ok(())
            }
            GuardrailError::InvalidExemptRoleArn(arn) => write!(
                f,
                "exempt role `{arn}` is not an ARN (expected `arn:PARTITION:iam::ACCOUNT:role/NAME`)"
            ),
            GuardrailError::TooLarge { what, limit } => {
                write!(f, "{what} does not fit in {limit} characters")
            }
            GuardrailError::Lockout(items) => {
                f.write_str(
                    "refusing to write SCPs that would lock out ordinary work (use `--force` to write them anyway):",
                )?;
                for item in items {
                    write!(f, "\n  {}: {}", item.subject, item.consequence)?;
                }
                Ok(())
            }
            GuardrailError::Table(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for GuardrailError {}

/// The packing in `moat_policy::scp` knows no guardrails; its one failure is a
/// document over its size limit.
impl From<ScpError> for GuardrailError {
    fn from(error: ScpError) -> Self {
        match error {
            ScpError::TooLarge { what, limit } => GuardrailError::TooLarge { what, limit },
        }
    }
}

/// Guardrails for `blocked` feature classes with the default options (no
/// exempt role, wildcards allowed, only enabling actions denied, core classes
/// refused). Each entry is a feature class id, a TrustOnCloud id a class lists
/// (`S3.FC21`), or a class name (any case).
pub fn guardrails(catalog: &Catalog, blocked: &[String]) -> Result<Guardrails, GuardrailError> {
    guardrails_with(catalog, blocked, &GuardrailOptions::default())
}

/// Guardrails for `blocked` feature classes; see [`guardrails`].
pub fn guardrails_with(
    catalog: &Catalog,
    blocked: &[String],
    options: &GuardrailOptions,
) -> Result<Guardrails, GuardrailError> {
    let table = table::table().map_err(GuardrailError::Table)?;
    if blocked.iter().all(|b| b.trim().is_empty()) {
        return Err(GuardrailError::NothingBlocked);
    }
    let mut exempt: Vec<String> = Vec::new();
    for arn in options.exempt_role_arns.iter().map(|a| a.trim()) {
        if !is_arn(arn) {
            return Err(GuardrailError::InvalidExemptRoleArn(arn.to_string()));
        }
        if !exempt.iter().any(|e| e == arn) {
            exempt.push(arn.to_string());
        }
    }

    let mut classes: Vec<&FeatureClass> = Vec::new();
    for wanted in blocked.iter().map(|b| b.trim()).filter(|b| !b.is_empty()) {
        let found = resolve(catalog, wanted);
        if found.is_empty() {
            return Err(GuardrailError::UnknownFeatureClass {
                id: wanted.to_string(),
                suggestion: suggest(catalog, wanted),
            });
        }
        for class in found {
            if !classes.iter().any(|c| c.id == class.id) {
                classes.push(class);
            }
        }
    }
    let blocked_ids: BTreeSet<&str> = classes.iter().map(|c| c.id.as_str()).collect();
    let allowed: Vec<&FeatureClass> = catalog
        .feature_classes
        .iter()
        .filter(|c| !blocked_ids.contains(c.id.as_str()))
        .collect();

    let mut out = Guardrails {
        blocked: classes
            .iter()
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect(),
        options: GuardrailOptions {
            exempt_role_arns: exempt.clone(),
            ..options.clone()
        },
        ..Guardrails::default()
    };

    // Actions: the blocked classes', checked, with the classes naming each.
    let mut wanted: BTreeMap<&'static str, BTreeSet<&str>> = BTreeMap::new();
    let mut skipped: BTreeMap<String, String> = BTreeMap::new();
    for class in &classes {
        let raw = raw_actions(class);
        if raw.is_empty() {
            out.notes.push(format!(
                "feature class `{}` names no IAM action, so no policy can deny it",
                class.id
            ));
        }
        for action in raw {
            match check_action(&action) {
                Ok(known) => {
                    wanted.entry(known).or_default().insert(class.id.as_str());
                }
                Err(reason) => {
                    skipped.entry(action).or_insert(reason);
                }
            }
        }
    }
    let mut needed_by: BTreeMap<&'static str, BTreeSet<&str>> = BTreeMap::new();
    for class in &allowed {
        for action in raw_actions(class) {
            if let Ok(known) = check_action(&action) {
                needed_by
                    .entry(known)
                    .or_default()
                    .insert(class.id.as_str());
            }
        }
    }
    let mut denied: Vec<&'static str> = Vec::new();
    for &action in wanted.keys() {
        if let Some(users) = needed_by.get(action) {
            out.shared.push((
                action.to_string(),
                users.iter().map(|u| u.to_string()).collect(),
            ));
            continue;
        }
        if let Some(entry) = table.unaffected(action) {
            skipped.insert(
                action.to_string(),
                format!(
                    "an SCP cannot deny it: {} ({})",
                    entry.reason.trim(),
                    entry.reference
                ),
            );
            continue;
        }
        let (category, reason) = classify::classify(table, action);
        let is_denied = options.denies(category);
        out.classified.push(ClassifiedAction {
            action: action.to_string(),
            category,
            reason,
            denied: is_denied,
        });
        if is_denied {
            denied.push(action);
        }
    }
    out.classified.sort_by_key(|c| sort_key(&c.action));
    denied.sort_by_key(|a| sort_key(a));
    out.skipped = skipped.into_iter().collect();
    out.actions = denied.iter().map(|a| a.to_string()).collect();

    // Core classes and actions: refused unless forced.
    let lockouts = lockouts(table, &classes, &denied, &wanted);
    if !lockouts.is_empty() {
        if !options.force {
            return Err(GuardrailError::Lockout(lockouts));
        }
        for item in &lockouts {
            out.warnings
                .push(format!("forced: {}: {}", item.subject, item.consequence));
        }
    }
    if denied.is_empty() && !wanted.is_empty() {
        out.notes.push(
            "nothing is left to deny: every action of the blocked classes is shared, kept or cannot be denied"
                .to_string(),
        );
    }

    // Policies: one deny list per service, named for the feature and the mode.
    let mut by_service: BTreeMap<&str, Vec<&'static str>> = BTreeMap::new();
    for action in &denied {
        by_service
            .entry(prefix_of(action))
            .or_default()
            .push(action);
    }
    let mut lists: Vec<DenyList> = Vec::new();
    let mut sids: BTreeSet<String> = BTreeSet::new();
    for (service, actions) in &by_service {
        let contributors: BTreeSet<&str> = actions
            .iter()
            .filter_map(|a| wanted.get(a))
            .flatten()
            .copied()
            .collect();
        let subject = match contributors.iter().next() {
            Some(id) if contributors.len() == 1 => classes
                .iter()
                .find(|c| c.id == *id)
                .map(|c| scp::class_label(&c.id, &c.service))
                .unwrap_or_default(),
            _ => "Features".to_string(),
        };
        let base = format!(
            "{SID_PREFIX}{}{subject}{}",
            scp::service_label(service),
            options.sid_suffix()
        );
        let mut sid = base.clone();
        let mut n = 2;
        while !sids.insert(sid.clone()) {
            sid = format!("{base}{n}");
            n += 1;
        }
        let entries = if options.exact_actions {
            actions.iter().map(|a| a.to_string()).collect()
        } else {
            compress(actions)
        };
        out.policy_actions.extend(entries.iter().cloned());
        lists.push(DenyList { sid, entries });
    }
    out.policies = scp::policies(&lists, &exempt)?;
    if !out.policies.is_empty() {
        out.notes.push(
            "SCPs do not restrict the organization's management account or service-linked roles"
                .to_string(),
        );
    }
    if out.policies.len() >= SCPS_PER_TARGET {
        out.warnings.push(format!(
            "{} SCPs: AWS Organizations attaches at most {SCPS_PER_TARGET} to one root, OU or account (`FullAWSAccess` included), so they must be spread over several levels",
            out.policies.len()
        ));
    }
    let dual = out.denied(Category::Dual);
    if !dual.is_empty() {
        out.notes.push(format!(
            "{}: the same permission also switches the feature off, so the SCPs block that remediation too; exempt a role to remediate",
            dual.join(", ")
        ));
    }

    // Catalog controls that need a denied action.
    let denied_set: BTreeSet<&'static str> = denied.iter().copied().collect();
    let needing = controls::controls_needing(catalog, &denied_set);
    // One warning per set of controls, naming every action they need.
    let mut by_controls: BTreeMap<&[String], Vec<&str>> = BTreeMap::new();
    for (action, controls) in &needing {
        by_controls.entry(controls).or_default().push(action);
    }
    let mut grouped: Vec<(&[String], Vec<&str>)> = by_controls.into_iter().collect();
    grouped.sort_by_key(|(_, actions)| actions.first().map(|a| sort_key(a)));
    for (controls, actions) in grouped {
        let actions: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
        out.warnings.push(format!(
            "catalog control{} {} need{} {}, which the SCPs deny: exempt the role that applies or runs {}, or leave the feature allowed",
            if controls.len() == 1 { "" } else { "s" },
            controls.join(", "),
            if controls.len() == 1 { "s" } else { "" },
            actions.join(", "),
            if controls.len() == 1 { "it" } else { "them" },
        ));
    }
    out.needed_by_controls = needing
        .into_iter()
        .map(|(action, controls)| (action.to_string(), controls))
        .collect();

    // Events: those of denied actions, minus those an allowed class also causes.
    let mut blocked_events: BTreeMap<events::EventKey, events::EventInfo> = BTreeMap::new();
    for class in &classes {
        for (key, info) in events::class_events(class) {
            let entry = blocked_events.entry(key).or_default();
            entry.data |= info.data;
            entry.actions.extend(info.actions);
            entry.unauthorized |= info.unauthorized;
        }
    }
    let mut caused_by: BTreeMap<events::EventKey, BTreeSet<&str>> = BTreeMap::new();
    for class in &allowed {
        for (key, _) in events::class_events(class) {
            caused_by.entry(key).or_default().insert(class.id.as_str());
        }
    }
    let mut by_service: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut names = BTreeSet::new();
    let mut data_events = BTreeSet::new();
    let mut read_only = BTreeSet::new();
    for ((service, name), info) in blocked_events {
        let alerted = info.actions.iter().any(|a| denied_set.contains(a))
            || (info.unauthorized
                && (options.include_reads || !events::is_read_only(&service, &name)));
        if !alerted {
            continue;
        }
        if let Some(users) = caused_by.get(&(service.clone(), name.clone())) {
            out.shared_events.push((
                format!("{service}.amazonaws.com:{name}"),
                users.iter().map(|u| u.to_string()).collect(),
            ));
            continue;
        }
        if info.data || is_data_event(&service, &name) {
            data_events.insert(name.clone());
        } else if events::is_read_only(&service, &name) {
            read_only.insert(name.clone());
        }
        names.insert(name.clone());
        by_service.entry(service).or_default().insert(name);
    }
    for (service, names) in &by_service {
        let names: Vec<String> = names.iter().cloned().collect();
        out.event_patterns
            .extend(events::event_patterns(service, &names)?);
    }
    out.event_names = names.into_iter().collect();
    out.data_events = data_events.into_iter().collect();
    out.read_only_events = read_only.into_iter().collect();
    if !out.data_events.is_empty() {
        out.notes.push(
            "S3 data events reach EventBridge only when a trail or event data store logs data events for the buckets"
                .to_string(),
        );
    }
    if !out.read_only_events.is_empty() {
        out.notes.push(format!(
            "read-only management events reach a rule only in the state `{READ_ONLY_RULE_STATE}`"
        ));
    }
    Ok(out)
}

/// Whether `text` looks like an ARN pattern: `arn:` and at least the five
/// colons that separate partition, service, region, account and resource.
fn is_arn(text: &str) -> bool {
    text.starts_with("arn:")
        && text.matches(':').count() >= 5
        && !text.contains(char::is_whitespace)
}

/// The core classes blocked and the core actions denied that no core class
/// already explains, in that order.
fn lockouts(
    table: &table::Table,
    classes: &[&FeatureClass],
    denied: &[&'static str],
    wanted: &BTreeMap<&'static str, BTreeSet<&str>>,
) -> Vec<Lockout> {
    let mut out = Vec::new();
    let mut core_ids: BTreeSet<&str> = BTreeSet::new();
    for class in classes {
        if let Some(core) = table.core_class(&class.id) {
            core_ids.insert(class.id.as_str());
            out.push(Lockout {
                subject: format!("core feature class `{}` ({})", class.id, class.name),
                consequence: core.consequence.trim().to_string(),
            });
        }
    }
    for action in denied {
        let Some(core) = table.core_action(action) else {
            continue;
        };
        let from: Vec<&str> = wanted
            .get(action)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default();
        if from.iter().all(|id| core_ids.contains(id)) && !from.is_empty() {
            continue;
        }
        let from: Vec<String> = from.iter().map(|id| format!("`{id}`")).collect();
        out.push(Lockout {
            subject: format!("`{action}` (from {})", from.join(", ")),
            consequence: core.consequence.trim().to_string(),
        });
    }
    out
}

fn prefix_of(action: &str) -> &str {
    action.split_once(':').map_or(action, |(prefix, _)| prefix)
}

/// The classes `wanted` names: by exact id, by id in any case, by a TrustOnCloud
/// id they list, or by name in any case (the first kind that matches).
fn resolve<'a>(catalog: &'a Catalog, wanted: &str) -> Vec<&'a FeatureClass> {
    let classes = &catalog.feature_classes;
    if let Some(class) = classes.iter().find(|c| c.id == wanted) {
        return vec![class];
    }
    let matchers: [&dyn Fn(&FeatureClass) -> bool; 3] = [
        &|c| c.id.eq_ignore_ascii_case(wanted),
        &|c| {
            c.trustoncloud
                .iter()
                .any(|t| t.eq_ignore_ascii_case(wanted))
        },
        &|c| c.name.trim().eq_ignore_ascii_case(wanted),
    ];
    for matches in matchers {
        let found: Vec<&FeatureClass> = classes.iter().filter(|c| matches(c)).collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn suggest(catalog: &Catalog, wanted: &str) -> Option<String> {
    let candidates = catalog.feature_classes.iter().flat_map(|c| {
        std::iter::once(c.id.as_str())
            .chain(std::iter::once(c.name.as_str()))
            .chain(c.trustoncloud.iter().map(String::as_str))
    });
    did_you_mean(wanted, candidates)
}

/// The IAM actions a class names: its `actions` and the permissions of its
/// operations (comma-separated in TrustOnCloud files), trimmed, `-` left out.
fn raw_actions(class: &FeatureClass) -> BTreeSet<String> {
    class
        .actions
        .iter()
        .map(String::as_str)
        .chain(
            class
                .operations
                .iter()
                .flat_map(|o| o.iam_permission.split(',')),
        )
        .map(str::trim)
        .filter(|a| !a.is_empty() && *a != "-")
        .map(str::to_string)
        .collect()
}

/// The action as AWS spells it, or why it cannot be denied.
fn check_action(action: &str) -> Result<&'static str, String> {
    if action.contains(['*', '?']) {
        return Err("a wildcard pattern, not one action".to_string());
    }
    let Some((prefix, _)) = action.split_once(':') else {
        return Err("not of the form `service:Action`".to_string());
    };
    if !actions::services().any(|s| s == prefix) {
        return Err(format!(
            "service `{prefix}` is not in the vendored IAM action list, so the action cannot be checked"
        ));
    }
    actions::canonical(action).ok_or_else(|| match actions::suggest(action) {
        Some(close) => format!("not a known IAM action; did you mean `{close}`?"),
        None => "not a known IAM action".to_string(),
    })
}

/// Orders actions and wildcards by service, then by name in any case.
fn sort_key(entry: &str) -> (String, String) {
    let (prefix, name) = entry.split_once(':').unwrap_or((entry, ""));
    (prefix.to_string(), name.to_ascii_lowercase())
}
