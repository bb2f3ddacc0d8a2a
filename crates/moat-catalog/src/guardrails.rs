//! Guardrails for feature classes a deployment does not use: service control
//! policies (SCPs) that deny their IAM actions, and EventBridge patterns that
//! alert on the CloudTrail events of their API calls.
//!
//! [`guardrails`] resolves the blocked classes, collects their IAM actions
//! (checked against the vendored list in [`crate::iam_actions`]), leaves out the
//! actions a class that stays allowed also needs, shortens the list with
//! `service:Stem*` wildcards that match nothing else, and splits it over as many
//! policies as the SCP size quota requires.
//!
//! Two AWS behaviours the output cannot change: SCPs never restrict the
//! organization's management account or service-linked roles, and EventBridge
//! sees S3 object-level (data) events only when a trail or event data store
//! records them.

use crate::feature_class::FeatureClass;
use crate::{Catalog, iam_actions};
use moat_model::diag::did_you_mean;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The most characters an SCP document may have (the AWS Organizations quota).
/// Policies are measured minified, as `serde_json::to_string` writes them.
pub const SCP_MAX_CHARS: usize = 5120;

/// The most characters an EventBridge event pattern may have by default (an
/// adjustable quota). Patterns are measured minified.
pub const EVENT_PATTERN_MAX_CHARS: usize = 2048;

/// The statement id of the deny statement; `Part<n>` is appended when the
/// actions need several policies.
pub const SID: &str = "DenyBlockedS3Features";

/// The `detail-type` of the events CloudTrail delivers to EventBridge for API calls.
pub const DETAIL_TYPE: &str = "AWS API Call via CloudTrail";

/// The rule state under which EventBridge also delivers read-only management
/// events (names starting with `Get`, `List` or `Describe`) to a rule.
pub const READ_ONLY_RULE_STATE: &str = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/// The most policies one result may be split into (Sids stay `...Part999` or shorter).
const MAX_PARTS: usize = 999;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardrailOptions {
    /// A role (or any principal ARN pattern) the policies do not apply to, for
    /// break-glass access: adds `"Condition":{"ArnNotLike":{"aws:PrincipalArn": ARN}}`.
    pub exempt_role_arn: Option<String>,
    /// List every action instead of shortening groups with `service:Stem*`.
    /// A wildcard matches exactly the denied actions AWS knows today, and also
    /// any action AWS adds later under the same stem.
    pub exact_actions: bool,
}

/// What blocking a set of feature classes takes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Guardrails {
    /// The blocked feature classes, `(id, name)`, in the order asked for.
    pub blocked: Vec<(String, String)>,
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
    /// Actions the blocked classes name that are not denied, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Actions of the blocked classes that classes left allowed also need,
    /// with those classes; they are not denied.
    pub shared: Vec<(String, Vec<String>)>,
    /// Events (`eventSource:eventName`) of the blocked classes that classes
    /// left allowed also cause, with those classes; they are not alerted on.
    pub shared_events: Vec<(String, Vec<String>)>,
    /// Remarks about the result, e.g. a blocked class with nothing to deny.
    pub notes: Vec<String>,
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
    /// The exempt role ARN does not start with `arn:`.
    InvalidExemptRoleArn(String),
    /// Even a policy (or event pattern) with a single entry exceeds the quota.
    TooLarge { what: String, limit: usize },
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
            GuardrailError::InvalidExemptRoleArn(arn) => {
                write!(f, "exempt role `{arn}` is not an ARN (expected `arn:...`)")
            }
            GuardrailError::TooLarge { what, limit } => {
                write!(f, "{what} does not fit in {limit} characters")
            }
        }
    }
}

impl std::error::Error for GuardrailError {}

/// Guardrails for `blocked` feature classes with the default options (no
/// exempt role, wildcards allowed). Each entry is a feature class id, a
/// TrustOnCloud id a class lists (`S3.FC21`), or a class name (any case).
pub fn guardrails(catalog: &Catalog, blocked: &[String]) -> Result<Guardrails, GuardrailError> {
    guardrails_with(catalog, blocked, &GuardrailOptions::default())
}

/// Guardrails for `blocked` feature classes; see [`guardrails`].
pub fn guardrails_with(
    catalog: &Catalog,
    blocked: &[String],
    options: &GuardrailOptions,
) -> Result<Guardrails, GuardrailError> {
    if blocked.iter().all(|b| b.trim().is_empty()) {
        return Err(GuardrailError::NothingBlocked);
    }
    let exempt = match options.exempt_role_arn.as_deref().map(str::trim) {
        Some(arn) if !arn.starts_with("arn:") => {
            return Err(GuardrailError::InvalidExemptRoleArn(arn.to_string()));
        }
        other => other,
    };

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
        ..Guardrails::default()
    };

    // Actions: the blocked classes', checked, minus those an allowed class needs.
    let mut wanted_actions: BTreeSet<&'static str> = BTreeSet::new();
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
                    wanted_actions.insert(known);
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
    for action in wanted_actions {
        match needed_by.get(action) {
            Some(users) => out.shared.push((
                action.to_string(),
                users.iter().map(|u| u.to_string()).collect(),
            )),
            None => denied.push(action),
        }
    }
    denied.sort_by_key(|a| sort_key(a));
    if denied.is_empty() && (!out.shared.is_empty() || !skipped.is_empty()) {
        out.notes.push(
            "nothing is left to deny: every action of the blocked classes is shared or skipped"
                .to_string(),
        );
    }
    out.skipped = skipped.into_iter().collect();
    out.actions = denied.iter().map(|a| a.to_string()).collect();

    // Policies.
    out.policy_actions = if options.exact_actions {
        out.actions.clone()
    } else {
        compress(&denied)
    };
    out.policies = policies(&out.policy_actions, exempt)?;
    if !out.policies.is_empty() {
        out.notes.push(
            "SCPs do not restrict the organization's management account or service-linked roles"
                .to_string(),
        );
    }

    // Events: the blocked classes', minus those an allowed class also causes.
    let mut wanted_events: BTreeMap<EventKey, bool> = BTreeMap::new();
    for class in &classes {
        for (key, data) in class_events(class) {
            *wanted_events.entry(key).or_insert(false) |= data;
        }
    }
    let mut caused_by: BTreeMap<EventKey, BTreeSet<&str>> = BTreeMap::new();
    for class in &allowed {
        for (key, _) in class_events(class) {
            caused_by.entry(key).or_default().insert(class.id.as_str());
        }
    }
    let mut by_service: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut names = BTreeSet::new();
    let mut data_events = BTreeSet::new();
    let mut read_only = BTreeSet::new();
    for ((service, name), data) in wanted_events {
        if let Some(users) = caused_by.get(&(service.clone(), name.clone())) {
            out.shared_events.push((
                format!("{service}.amazonaws.com:{name}"),
                users.iter().map(|u| u.to_string()).collect(),
            ));
            continue;
        }
        let data = data || is_data_event(&service, &name);
        if data {
            data_events.insert(name.clone());
        } else if is_read_only(&service, &name) {
            read_only.insert(name.clone());
        }
        names.insert(name.clone());
        by_service.entry(service).or_default().insert(name);
    }
    for (service, names) in &by_service {
        let names: Vec<String> = names.iter().cloned().collect();
        out.event_patterns.extend(event_patterns(service, &names)?);
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
    if !iam_actions::services().any(|s| s == prefix) {
        return Err(format!(
            "service `{prefix}` is not in the vendored IAM action list, so the action cannot be checked"
        ));
    }
    iam_actions::canonical(action).ok_or_else(|| match iam_actions::suggest(action) {
        Some(close) => format!("not a known IAM action; did you mean `{close}`?"),
        None => "not a known IAM action".to_string(),
    })
}

/// Orders actions and wildcards by service, then by name in any case.
fn sort_key(entry: &str) -> (String, String) {
    let (prefix, name) = entry.split_once(':').unwrap_or((entry, ""));
    (prefix.to_string(), name.to_ascii_lowercase())
}

/// The shortest list of actions and `service:Stem*` wildcards that matches
/// exactly `actions` (known, canonical) under [`iam_actions::expand`]. A
/// wildcard is used only where it matches two or more actions, all of them in
/// `actions`, and its stem goes past the leading verb (`s3:GetO*`, never
/// `s3:Get*` or `s3:G*`), so that actions AWS adds later match it only when they
/// resemble the denied ones closely; on equal length the exact names win.
pub fn compress(actions: &[&'static str]) -> Vec<String> {
    let mut by_prefix: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for action in actions {
        if let Some((prefix, name)) = action.split_once(':') {
            by_prefix.entry(prefix).or_default().push(name);
        }
    }
    let mut out = Vec::new();
    for (prefix, mut names) in by_prefix {
        names.sort_by_key(|n| n.to_ascii_lowercase());
        names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        let (_, entries) = cover(prefix, &names, 0);
        out.extend(entries);
    }
    out
}

/// The cheapest cover of `names` (sorted case-insensitively, all sharing their
/// first `depth` characters in any case): its cost in characters, counting the
/// quotes and comma of each JSON array entry, and its entries.
fn cover(prefix: &str, names: &[&str], depth: usize) -> (usize, Vec<String>) {
    let entry_cost = |text_len: usize| text_len + 3;
    // Every name individually or split by the next character.
    let mut split_cost = 0;
    let mut split = Vec::new();
    let mut rest = names;
    if let Some((first, tail)) = rest.split_first()
        && first.len() == depth
    {
        let text = format!("{prefix}:{first}");
        split_cost += entry_cost(text.len());
        split.push(text);
        rest = tail;
    }
    while let Some(first) = rest.first() {
        let next = first.as_bytes().get(depth).map(u8::to_ascii_lowercase);
        let group_len = rest
            .iter()
            .take_while(|n| n.as_bytes().get(depth).map(u8::to_ascii_lowercase) == next)
            .count()
            .max(1);
        let (group, tail) = rest.split_at(group_len);
        let (cost, entries) = if group.len() == 1 {
            let text = format!("{prefix}:{}", group[0]);
            (entry_cost(text.len()), vec![text])
        } else {
            cover(prefix, group, depth + 1)
        };
        split_cost += cost;
        split.extend(entries);
        rest = tail;
    }
    // One wildcard for the whole group, when it matches exactly these names.
    if names.len() >= 2
        && let Some(stem) = names.first().and_then(|n| n.get(..depth))
        && depth > verb_len(stem)
    {
        let pattern = format!("{prefix}:{stem}*");
        let cost = entry_cost(pattern.len());
        if cost < split_cost && iam_actions::expand(&pattern).len() == names.len() {
            return (cost, vec![pattern]);
        }
    }
    (split_cost, split)
}

/// The length of the leading verb of an action name: its first character and
/// the lowercase letters after it (`Get` in `GetObject`, `Re` in `ReEncrypt`).
fn verb_len(name: &str) -> usize {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.len_utf8() + chars.take_while(char::is_ascii_lowercase).count(),
        None => 0,
    }
}

fn policy(sid: &str, actions: &[String], exempt: Option<&str>) -> Value {
    let mut statement = json!({
        "Sid": sid,
        "Effect": "Deny",
        "Action": actions,
        "Resource": "*",
    });
    if let (Some(arn), Some(map)) = (exempt, statement.as_object_mut()) {
        map.insert(
            "Condition".to_string(),
            json!({"ArnNotLike": {"aws:PrincipalArn": arn}}),
        );
    }
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn minified_len(value: &Value) -> usize {
    serde_json::to_string(value)
        .map(|s| s.len())
        .unwrap_or(usize::MAX)
}

/// Splits `entries` greedily, in order, into groups whose document, built by
/// `build`, stays within `limit` characters minified.
fn pack(
    entries: &[String],
    limit: usize,
    what: &str,
    build: impl Fn(&[String]) -> Value,
) -> Result<Vec<Vec<String>>, GuardrailError> {
    let base = minified_len(&build(&[]));
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut size = base;
    for entry in entries {
        let cost = serde_json::to_string(entry)
            .map(|s| s.len())
            .unwrap_or(usize::MAX);
        let added = cost.saturating_add(usize::from(!current.is_empty()));
        if size.saturating_add(added) > limit && !current.is_empty() {
            groups.push(std::mem::take(&mut current));
            size = base;
        }
        let added = cost.saturating_add(usize::from(!current.is_empty()));
        if size.saturating_add(added) > limit {
            return Err(GuardrailError::TooLarge {
                what: format!("{what} with only `{entry}`"),
                limit,
            });
        }
        size += added;
        current.push(entry.clone());
    }
    if !current.is_empty() {
        groups.push(current);
    }
    Ok(groups)
}

/// The SCP documents denying `entries`, split to respect [`SCP_MAX_CHARS`].
fn policies(entries: &[String], exempt: Option<&str>) -> Result<Vec<Value>, GuardrailError> {
    // Size with the longest Sid a part can get, so the Sids chosen after
    // splitting never push a policy over the limit.
    let longest_sid = format!("{SID}Part{MAX_PARTS}");
    let groups = pack(entries, SCP_MAX_CHARS, "a policy", |actions| {
        policy(&longest_sid, actions, exempt)
    })?;
    if groups.len() > MAX_PARTS {
        return Err(GuardrailError::TooLarge {
            what: format!("the deny list split into {MAX_PARTS} policies"),
            limit: SCP_MAX_CHARS,
        });
    }
    let single = groups.len() == 1;
    let documents: Vec<Value> = groups
        .iter()
        .enumerate()
        .map(|(i, actions)| {
            let sid = if single {
                SID.to_string()
            } else {
                format!("{SID}Part{}", i + 1)
            };
            policy(&sid, actions, exempt)
        })
        .collect();
    if documents.iter().any(|d| minified_len(d) > SCP_MAX_CHARS) {
        return Err(GuardrailError::TooLarge {
            what: "a policy".to_string(),
            limit: SCP_MAX_CHARS,
        });
    }
    Ok(documents)
}

fn event_pattern(service: &str, names: &[String]) -> Value {
    json!({
        "source": [format!("aws.{service}")],
        "detail-type": [DETAIL_TYPE],
        "detail": {
            "eventSource": [format!("{service}.amazonaws.com")],
            "eventName": names,
        },
    })
}

/// The event patterns for `names` of `service`, split to respect
/// [`EVENT_PATTERN_MAX_CHARS`].
fn event_patterns(service: &str, names: &[String]) -> Result<Vec<Value>, GuardrailError> {
    let groups = pack(
        names,
        EVENT_PATTERN_MAX_CHARS,
        "an event pattern",
        |names| event_pattern(service, names),
    )?;
    Ok(groups
        .iter()
        .map(|names| event_pattern(service, names))
        .collect())
}

/// `(service prefix, eventName)`.
type EventKey = (String, String);

/// The CloudTrail events a class's calls record, each with whether the source
/// marks it as a data event. From the class's operations when it lists them
/// (their event name, else their API name, else the operations of their IAM
/// permissions); for actions no operation names, from the operations the
/// vendored action list and [`MORE_OPERATIONS`] give.
fn class_events(class: &FeatureClass) -> BTreeMap<EventKey, bool> {
    let mut events: BTreeMap<EventKey, bool> = BTreeMap::new();
    let mut add = |service: &str, name: String, data: bool| {
        *events.entry((service.to_string(), name)).or_insert(false) |= data;
    };
    let mut covered: BTreeSet<&'static str> = BTreeSet::new();
    for operation in &class.operations {
        let permissions: Vec<&str> = operation
            .iam_permission
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty() && *p != "-")
            .collect();
        let known: Vec<&'static str> = permissions
            .iter()
            .filter_map(|p| iam_actions::canonical(p))
            .collect();
        covered.extend(known.iter().copied());
        let service = permissions
            .iter()
            .filter_map(|p| p.split_once(':').map(|(prefix, _)| prefix))
            .find(|prefix| iam_actions::services().any(|s| s == *prefix))
            .unwrap_or(class.service.as_str());
        let recorded = event_name(&operation.event_name);
        let api = api_name(&operation.api);
        if recorded.is_some() || api.is_some() {
            // Both, when they differ: the event name is what CloudTrail
            // records, the API name what a newer recording may use.
            let data = recorded.as_ref().is_some_and(|(_, data)| *data);
            if let Some((name, data)) = recorded {
                add(service, name, data);
            }
            if let Some(name) = api {
                add(service, name, data);
            }
        } else {
            for action in &known {
                for name in operations_of(action) {
                    add(prefix_of(action), name.to_string(), false);
                }
            }
        }
    }
    for action in &class.actions {
        let Some(action) = iam_actions::canonical(action.trim()) else {
            continue;
        };
        if covered.contains(action) {
            continue;
        }
        for name in operations_of(action) {
            add(prefix_of(action), name.to_string(), false);
        }
    }
    events
}

fn prefix_of(action: &str) -> &str {
    action.split_once(':').map_or(action, |(prefix, _)| prefix)
}

/// The eventName CloudTrail records, from a source's event name: plain
/// (`PutBucketWebsite`) or qualified with the data event resource type
/// (`Data-AWS::S3::Object-GetObject`, then also marked as a data event).
fn event_name(raw: &str) -> Option<(String, bool)> {
    let raw = raw.trim();
    let (name, data) = match raw.rsplit_once('-') {
        Some((qualifier, name)) if qualifier.contains("::") => {
            (name, qualifier.starts_with("Data-"))
        }
        _ => (raw, false),
    };
    is_operation_name(name).then(|| (name.to_string(), data))
}

/// An API name as a source writes it, without call variants (`GetObject(VersionId=)`).
fn api_name(raw: &str) -> Option<String> {
    let name = raw.split('(').next().unwrap_or_default().trim();
    is_operation_name(name).then(|| name.to_string())
}

fn is_operation_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The API operations an action authorizes: the one the vendored list records
/// and those [`MORE_OPERATIONS`] adds.
fn operations_of(action: &str) -> Vec<&'static str> {
    let mut operations = iam_actions::operations(action);
    for (known, more) in MORE_OPERATIONS {
        if known.eq_ignore_ascii_case(action) {
            for operation in *more {
                if !operations.contains(operation) {
                    operations.push(operation);
                }
            }
        }
    }
    operations
}

/// S3 API calls an action authorizes besides the operation its reference page
/// names (the vendored list records one per action): other calls that need the
/// same permission per the S3 API reference, including the deletes that need
/// the matching `Put` action, the older API versions still served, and the
/// names CloudTrail records for some of them. Alerts on these catch uses of a
/// blocked feature through any of its calls.
const MORE_OPERATIONS: &[(&str, &[&str])] = &[
    (
        "s3:GetObject",
        &[
            "HeadObject",
            "SelectObjectContent",
            "CopyObject",
            "UploadPartCopy",
        ],
    ),
    (
        "s3:PutObject",
        &[
            "CreateMultipartUpload",
            "UploadPart",
            "CompleteMultipartUpload",
            "CopyObject",
            "UploadPartCopy",
        ],
    ),
    ("s3:GetObjectVersion", &["HeadObject"]),
    ("s3:DeleteObject", &["DeleteObjects"]),
    ("s3:DeleteObjectVersion", &["DeleteObjects"]),
    ("s3:ListBucket", &["ListObjects", "HeadBucket"]),
    ("s3:GetLifecycleConfiguration", &["GetBucketLifecycle"]),
    (
        "s3:PutLifecycleConfiguration",
        &["PutBucketLifecycle", "DeleteBucketLifecycle"],
    ),
    (
        "s3:GetBucketNotification",
        &["GetBucketNotificationConfiguration"],
    ),
    (
        "s3:PutBucketNotification",
        &["PutBucketNotificationConfiguration"],
    ),
    (
        "s3:PutReplicationConfiguration",
        &["DeleteBucketReplication"],
    ),
    ("s3:PutBucketCORS", &["DeleteBucketCors"]),
    ("s3:PutEncryptionConfiguration", &["DeleteBucketEncryption"]),
    ("s3:PutBucketTagging", &["DeleteBucketTagging"]),
    (
        "s3:PutBucketOwnershipControls",
        &["DeleteBucketOwnershipControls"],
    ),
    (
        "s3:PutBucketPublicAccessBlock",
        &["DeletePublicAccessBlock"],
    ),
    (
        "s3:PutAccountPublicAccessBlock",
        &["DeletePublicAccessBlock"],
    ),
    (
        "s3:GetAnalyticsConfiguration",
        &["ListBucketAnalyticsConfigurations"],
    ),
    (
        "s3:PutAnalyticsConfiguration",
        &["DeleteBucketAnalyticsConfiguration"],
    ),
    (
        "s3:GetInventoryConfiguration",
        &["ListBucketInventoryConfigurations"],
    ),
    (
        "s3:PutInventoryConfiguration",
        &["DeleteBucketInventoryConfiguration"],
    ),
    (
        "s3:GetMetricsConfiguration",
        &["ListBucketMetricsConfigurations"],
    ),
    (
        "s3:PutMetricsConfiguration",
        &["DeleteBucketMetricsConfiguration"],
    ),
    (
        "s3:GetIntelligentTieringConfiguration",
        &["ListBucketIntelligentTieringConfigurations"],
    ),
    (
        "s3:PutIntelligentTieringConfiguration",
        &["DeleteBucketIntelligentTieringConfiguration"],
    ),
];

/// S3 object-level calls, which CloudTrail records as data events.
const S3_DATA_EVENTS: &[&str] = &[
    "AbortMultipartUpload",
    "CompleteMultipartUpload",
    "CopyObject",
    "CreateMultipartUpload",
    "DeleteObject",
    "DeleteObjectTagging",
    "DeleteObjects",
    "GetObject",
    "GetObjectAcl",
    "GetObjectAttributes",
    "GetObjectLegalHold",
    "GetObjectRetention",
    "GetObjectTagging",
    "GetObjectTorrent",
    "HeadBucket",
    "HeadObject",
    "ListObjectVersions",
    "ListObjects",
    "ListObjectsV2",
    "ListParts",
    "PutObject",
    "PutObjectAcl",
    "PutObjectLegalHold",
    "PutObjectRetention",
    "PutObjectTagging",
    "RestoreObject",
    "SelectObjectContent",
    "UploadPart",
    "UploadPartCopy",
];

/// Whether CloudTrail records the event as a data event: S3 object-level calls,
/// the same calls and `CreateSession` on directory buckets, and every S3 Object
/// Lambda call.
pub fn is_data_event(service: &str, name: &str) -> bool {
    match service {
        "s3" => S3_DATA_EVENTS.contains(&name),
        "s3express" => name == "CreateSession" || S3_DATA_EVENTS.contains(&name),
        "s3-object-lambda" => true,
        _ => false,
    }
}

/// Whether EventBridge treats a management event as read-only (names starting
/// with `Get`, `List` or `Describe`, except the STS calls that issue credentials).
fn is_read_only(service: &str, name: &str) -> bool {
    let issues_credentials =
        service == "sts" && matches!(name, "GetFederationToken" | "GetSessionToken");
    !issues_credentials
        && ["Get", "List", "Describe"].iter().any(|verb| {
            name.strip_prefix(verb)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_normalize() {
        assert_eq!(
            event_name("Data-AWS::S3::Object-AbortMultipartUpload"),
            Some(("AbortMultipartUpload".to_string(), true))
        );
        assert_eq!(
            event_name(" PutBucketWebsite "),
            Some(("PutBucketWebsite".to_string(), false))
        );
        assert_eq!(event_name("-"), None);
        assert_eq!(event_name(""), None);
        assert_eq!(
            api_name("GetObjectAttributes(VersionId=)"),
            Some("GetObjectAttributes".to_string())
        );
        assert_eq!(api_name("-"), None);
    }

    #[test]
    fn read_only_follows_eventbridge() {
        assert!(is_read_only("s3", "GetBucketWebsite"));
        assert!(is_read_only("kms", "DescribeKey"));
        assert!(!is_read_only("s3", "PutBucketWebsite"));
        assert!(!is_read_only("sts", "GetSessionToken"));
        assert!(!is_read_only("s3", "Getaway"));
    }

    #[test]
    fn more_operations_name_known_actions() {
        for (action, operations) in MORE_OPERATIONS {
            assert_eq!(iam_actions::canonical(action), Some(*action), "{action}");
            for operation in *operations {
                assert!(is_operation_name(operation), "{operation}");
            }
        }
    }

    #[test]
    fn compress_uses_only_exact_wildcards() {
        let website = [
            "s3:DeleteBucketWebsite",
            "s3:GetBucketWebsite",
            "s3:PutBucketWebsite",
        ];
        assert_eq!(compress(&website), website.map(String::from).to_vec());
        let torrent = ["s3:GetObjectTorrent", "s3:GetObjectVersionTorrent"];
        for entry in compress(&torrent) {
            for action in iam_actions::expand(&entry) {
                assert!(torrent.contains(&action), "{entry} -> {action}");
            }
        }
    }
}
