//! Who can perform an action on a resource: every principal of an account
//! snapshot (each user, each role as a session of that role, the account's
//! root user), plus "any principal of another account", the accounts and
//! principals a resource policy names, anonymous callers, and the AWS
//! service and federated principals the resource policy or the snapshot's
//! trust policies name. Each is decided by the real [`evaluate`], with the
//! conditions under which it holds.
//!
//! How (docs/policy.md, "who-can"):
//!
//! 1. Each principal's request carries its *facts*: the keys AWS sets from
//!    who it is (`aws:PrincipalArn`, `aws:PrincipalAccount`,
//!    `aws:PrincipalType`, `aws:username`, `aws:userid`, `aws:PrincipalTag/*`
//!    from the snapshot's tags, `aws:PrincipalServiceName`), which no caller
//!    can choose. Everything else starts absent.
//! 2. That request is evaluated; then, for each `Allow` statement of an
//!    identity or resource policy that could apply (its action, resource
//!    and principal match), a context is chosen to satisfy its conditions
//!    ([`witness`]): the value a `StringEquals` names, a string a `StringLike`
//!    admits, `true` for a `Bool`, an address inside an `IpAddress` range...
//!    Statements other policies must also allow (boundaries, SCP levels,
//!    session and endpoint policies, the other side of a cross-account
//!    request) get the same treatment, and a `Deny` that then applies gets a
//!    value that makes one of its conditions fail. Every witness is checked
//!    by evaluating it.
//! 3. An allowed evaluation is a *route*. Its requirements are the
//!    conditions of the `Allow` statements the evaluation needed, and, for
//!    every `Deny` that could apply on that route, its conditions negated
//!    ("requires TLS" from a `Deny` on `aws:SecureTransport = false`).
//!    A principal allowed with no requirement it does not already meet is
//!    "allowed"; one allowed only under some context is "allowed when".
//! 4. Keys a service does not set for the action (per the Service
//!    Authorization Reference, [`keys`]) are treated as absent. The answer
//!    is "assumed" rather than "proved" when it depends on that table, on a
//!    key the caller writes itself (`aws:Referer`, `aws:UserAgent`), on a key
//!    not known to be set for the action, on a policy variable, on policies
//!    missing from the snapshot, or on another account's own policies.

mod describe;
pub mod keys;
pub mod text;
mod witness;

pub use describe::phrase;
pub use keys::{BuiltinKeys, KeyAvailability, KeySupport};

use crate::document::{Effect, PrincipalKind, Statement};
use crate::evaluate::{
    Decision, Evaluation, NamedPolicy, OrgLevel, PolicyKind, PolicySet, StatementRef, evaluate,
};
use crate::request::{Context, IamKind, Principal, Request};
use crate::snapshot::{AccountSnapshot, PolicySources};
use crate::statement::applies;
use moat_source::Location;
use serde::Serialize;
use std::collections::BTreeMap;
use witness::Assignment;

/// Keys only IAM principals' requests have.
const NOT_IAM: &[&str] = &[
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "aws:username",
    "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthAge",
];

/// The account id standing for "any other account" in requests.
pub const OTHER_ACCOUNT: &str = "000000000000";

/// The session name of the role sessions decided.
pub const SESSION: &str = "moat-session";

/// The account id standing for the snapshot's account when it names none.
pub const UNKNOWN_ACCOUNT: &str = "111111111111";

static BUILTIN: BuiltinKeys = BuiltinKeys;

/// The question: can `action` be performed on `resource`?
#[derive(Debug, Clone)]
pub struct Query {
    /// `service:Action`.
    pub action: String,
    /// The resource ARN (`*` for actions without one).
    pub resource: String,
    /// The account that owns the resource; the snapshot's account when `None`.
    pub resource_account: Option<String>,
    /// Keys every request of the question carries (e.g.
    /// `iam:PassedToService`): facts, like the principal's own keys.
    pub context: Context,
}

impl Query {
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Query {
        Query {
            action: action.into(),
            resource: resource.into(),
            resource_account: None,
            context: Context::default(),
        }
    }
}

/// Which principals to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// The snapshot's principals, other accounts, anonymous, services.
    #[default]
    Everyone,
    /// Only the snapshot's users, roles and root user.
    Account,
}

/// What the question is asked of.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub snapshot: &'a AccountSnapshot,
    /// The resource's policy (a bucket policy...). For `sts:AssumeRole*` on
    /// a role of the snapshot, the role's trust policy when this is `None`.
    pub resource_policy: Option<&'a NamedPolicy>,
    /// SCPs of the snapshot's account, root level first. AWS attaches
    /// `FullAWSAccess` by default: see [`scp_levels`].
    pub scps: &'a [OrgLevel],
    /// RCPs of the resource's account.
    pub rcps: &'a [OrgLevel],
    /// Where the resource policy, SCPs and RCPs were read, for locations.
    pub sources: Option<&'a PolicySources>,
    pub keys: &'a dyn KeyAvailability,
    pub scope: Scope,
    /// The organization of the snapshot's account: `aws:PrincipalOrgID` of
    /// its principals. Unknown (so a condition on it is a requirement) when
    /// `None`.
    pub organization: Option<&'a str>,
}

impl<'a> Inputs<'a> {
    /// The snapshot alone, with the built-in key table.
    pub fn new(snapshot: &'a AccountSnapshot) -> Inputs<'a> {
        Inputs {
            snapshot,
            resource_policy: None,
            scps: &[],
            rcps: &[],
            sources: None,
            keys: &BUILTIN,
            scope: Scope::Everyone,
            organization: None,
        }
    }
}

/// SCP files attached at one level. When none of them has an `Allow`
/// statement, AWS's default `FullAWSAccess` is added (every account and OU
/// has it unless someone detached it), and a note says so.
pub fn scp_levels(policies: Vec<NamedPolicy>) -> (Vec<OrgLevel>, Option<String>) {
    if policies.is_empty() {
        return (Vec::new(), None);
    }
    let mut policies = policies;
    let any_allow = policies.iter().any(|p| {
        p.policy
            .statements
            .iter()
            .any(|s| s.effect.value == Effect::Allow)
    });
    let mut note = None;
    if !any_allow {
        let (full, _) = crate::document::read(
            "FullAWSAccess",
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
        );
        if let Some(policy) = full {
            policies.push(NamedPolicy {
                name: "FullAWSAccess (AWS default, assumed attached)".into(),
                policy,
            });
            note = Some("no SCP given has an Allow statement: AWS's default FullAWSAccess is assumed attached beside them".into());
        }
    }
    (
        vec![OrgLevel {
            id: "scp".into(),
            policies,
        }],
        note,
    )
}

/// What kind of principal an answer is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalClass {
    Root,
    User,
    Role,
    /// A principal or account a resource policy names, outside the snapshot.
    ExternalPrincipal,
    /// Any principal of an account not otherwise named.
    OtherAccount,
    Anonymous,
    Service,
    Federated,
}

impl PrincipalClass {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalClass::Root => "root",
            PrincipalClass::User => "user",
            PrincipalClass::Role => "role",
            PrincipalClass::ExternalPrincipal => "external",
            PrincipalClass::OtherAccount => "other account",
            PrincipalClass::Anonymous => "anonymous",
            PrincipalClass::Service => "service",
            PrincipalClass::Federated => "federated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessDecision {
    /// Allowed with no requirement the principal does not already meet.
    Allowed,
    /// Allowed only when the request meets the listed conditions.
    AllowedWhen,
    /// An explicit `Deny` applies to every request it could make.
    Denied,
    /// No policy allows it, under any context Moat could find.
    NotAllowed,
}

impl AccessDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessDecision::Allowed => "allowed",
            AccessDecision::AllowedWhen => "allowed when",
            AccessDecision::Denied => "denied",
            AccessDecision::NotAllowed => "not allowed",
        }
    }

    pub fn can(self) -> bool {
        matches!(self, AccessDecision::Allowed | AccessDecision::AllowedWhen)
    }
}

/// Whether an answer rests only on the policies, or also on an assumption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Proof {
    Proved,
    Assumed,
}

impl Proof {
    pub fn as_str(self) -> &'static str {
        match self {
            Proof::Proved => "proved",
            Proof::Assumed => "assumed",
        }
    }
}

/// One condition key's part of a requirement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clause {
    pub key: String,
    /// As IAM spells it, e.g. `StringLikeIfExists`.
    pub operator: String,
    pub values: Vec<String>,
    /// Whether the condition must hold (`Allow`) or fail (to escape a `Deny`).
    pub holds: bool,
    pub text: String,
}

/// What a request must be: the conditions of one statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    /// In words, e.g. `requires MFA (aws:MultiFactorAuthPresent = true)`.
    pub text: String,
    /// For an `Allow`, one clause per condition, all required; for a
    /// `Deny`, its conditions, any one of which must fail.
    pub clauses: Vec<Clause>,
    pub effect: Effect,
    pub policy: String,
    pub statement: String,
    /// Already true of the principal (its facts satisfy it).
    pub met: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A statement that took part in a decision, with where it is written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cited {
    #[serde(flatten)]
    pub statement: StatementRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// One way to be allowed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    pub conditions: Vec<Requirement>,
    pub statements: Vec<Cited>,
    /// Why this route is only assumed (empty when proved).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    /// The request context it was evaluated with.
    pub context: BTreeMap<String, Vec<String>>,
}

/// The answer for one principal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Access {
    /// Its ARN (the role's ARN for a role's sessions), the service or
    /// provider name, or `*` for anonymous callers.
    pub principal: String,
    /// A short name: the user or role name, the account id, the service.
    pub name: String,
    pub kind: PrincipalClass,
    pub decision: AccessDecision,
    /// What the request must be (the first route's requirements).
    pub conditions: Vec<Requirement>,
    /// The statements that decided.
    pub statements: Vec<Cited>,
    /// Other routes, each with different requirements.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Route>,
    pub proof: Proof,
    /// Why the answer is assumed (empty when proved).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    pub reason: String,
    /// The request context of the deciding evaluation.
    pub context: BTreeMap<String, Vec<String>>,
}

/// Every principal's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhoCan {
    pub action: String,
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_account: Option<String>,
    pub principals: Vec<Access>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl WhoCan {
    /// The principals that can, under some conditions or none.
    pub fn can(&self) -> impl Iterator<Item = &Access> {
        self.principals.iter().filter(|a| a.decision.can())
    }
}

/// One principal to decide, with its policies and facts.
struct Candidate {
    principal: Principal,
    arn: String,
    name: String,
    kind: PrincipalClass,
    policies: PolicySet,
    facts: Context,
    /// Assumptions that hold whatever the answer.
    notes: Vec<String>,
    /// Keys its requests never have.
    absent: Vec<String>,
}

/// Decides who can perform `query.action` on `query.resource`.
pub fn who_can(query: &Query, inputs: &Inputs) -> WhoCan {
    let snapshot = inputs.snapshot;
    let resource_account = query
        .resource_account
        .clone()
        .or_else(|| snapshot.account.clone())
        .or_else(|| Some(UNKNOWN_ACCOUNT.to_string()));
    let mut notes = Vec::new();
    let trust;
    let resource_policy = match inputs.resource_policy {
        Some(p) => Some(p),
        None if query
            .action
            .to_ascii_lowercase()
            .starts_with("sts:assumerole") =>
        {
            trust = snapshot.role(&query.resource).and_then(|r| r.trust.clone());
            if let Some(t) = &trust {
                notes.push(format!("the resource policy is `{}`", t.name));
            }
            trust.as_ref()
        }
        None => None,
    };
    if snapshot.truncated {
        notes.push(
            "the snapshot is truncated (`IsTruncated`): principals on later pages are not decided"
                .into(),
        );
    }
    let mut query = query.clone();
    query.resource_account = resource_account.clone();
    let candidates = candidates(inputs, resource_policy);
    let mut stripped = Stripped::default();
    let principals = candidates
        .iter()
        .map(|c| Analysis::new(c, &query, inputs, &mut stripped).run())
        .collect();
    WhoCan {
        action: query.action.clone(),
        resource: query.resource.clone(),
        resource_account,
        principals,
        notes,
    }
}

/// The principals to decide.
fn candidates(inputs: &Inputs, resource_policy: Option<&NamedPolicy>) -> Vec<Candidate> {
    let snapshot = inputs.snapshot;
    let partition = snapshot.partition.clone();
    let account = snapshot
        .account
        .clone()
        .unwrap_or_else(|| UNKNOWN_ACCOUNT.into());
    let base = |identity: Vec<NamedPolicy>, boundary: Option<NamedPolicy>, scps: bool| PolicySet {
        identity,
        resource: resource_policy.cloned(),
        boundaries: boundary.into_iter().collect(),
        scps: if scps {
            inputs.scps.to_vec()
        } else {
            Vec::new()
        },
        rcps: inputs.rcps.to_vec(),
        ..PolicySet::default()
    };
    let mut out = Vec::new();
    let missing = |missing: &[String], incomplete: &[String]| {
        let mut notes = Vec::new();
        for m in missing {
            notes.push(format!(
                "`{m}` is attached but not in the snapshot: what it grants or denies is not counted"
            ));
        }
        for i in incomplete {
            notes.push(format!(
                "policy `{i}` has errors: statements with errors are left out"
            ));
        }
        notes
    };

    // The root user.
    let root_arn = format!("arn:{partition}:iam::{account}:root");
    if let Ok(principal) = Principal::parse(&root_arn) {
        let mut facts = principal_facts(&root_arn, &account, "Account", inputs.organization);
        facts.insert("aws:PrincipalIsAWSService", vec!["false".into()], false);
        out.push(Candidate {
            principal,
            arn: root_arn.clone(),
            name: "root".into(),
            kind: PrincipalClass::Root,
            policies: base(Vec::new(), None, true),
            facts,
            notes: Vec::new(),
            absent: Vec::new(),
        });
    }
    for user in &snapshot.users {
        let Ok(principal) = Principal::parse(&user.arn) else {
            continue;
        };
        let policies = snapshot.user_policies(user);
        let mut facts = principal_facts(
            &user.arn,
            principal.account().unwrap_or(&account),
            "User",
            inputs.organization,
        );
        facts.insert("aws:username", vec![user.name.clone()], false);
        if let Some(id) = &user.id {
            facts.insert("aws:userid", vec![id.clone()], false);
        }
        for (k, v) in &user.tags {
            facts.insert(&format!("aws:PrincipalTag/{k}"), vec![v.clone()], false);
        }
        out.push(Candidate {
            principal,
            arn: user.arn.clone(),
            name: user.name.clone(),
            kind: PrincipalClass::User,
            notes: missing(&policies.missing, &policies.incomplete),
            absent: Vec::new(),
            policies: base(policies.identity, policies.boundary, true),
            facts,
        });
    }
    for role in &snapshot.roles {
        // A session of the role is what makes requests: a resource policy
        // naming the role's ARN then grants to the role (within its
        // boundary), not to the caller itself.
        let session = match role.arn.splitn(6, ':').collect::<Vec<_>>()[..] {
            [_, partition, _, _, account, _] => {
                format!(
                    "arn:{partition}:sts::{account}:assumed-role/{}/{SESSION}",
                    role.name
                )
            }
            _ => continue,
        };
        let Ok(principal) = Principal::parse(&session) else {
            continue;
        };
        let policies = snapshot.role_policies(role);
        let mut facts = principal_facts(
            &role.arn,
            principal.account().unwrap_or(&account),
            "AssumedRole",
            inputs.organization,
        );
        for (k, v) in &role.tags {
            facts.insert(&format!("aws:PrincipalTag/{k}"), vec![v.clone()], false);
        }
        // (A service-linked role is outside SCPs: they are not applied to it.)
        let notes = missing(&policies.missing, &policies.incomplete);
        out.push(Candidate {
            principal,
            arn: role.arn.clone(),
            name: role.name.clone(),
            kind: PrincipalClass::Role,
            notes,
            absent: Vec::new(),
            policies: base(
                policies.identity,
                policies.boundary,
                !role.is_service_linked(),
            ),
            facts,
        });
    }
    if inputs.scope == Scope::Account {
        return out;
    }

    // Others: accounts and principals the resource policy names, any other
    // account, anonymous callers, services and identity providers.
    let mut external: Vec<(String, PrincipalClass)> = Vec::new();
    let mut services: Vec<String> = Vec::new();
    let mut federated: Vec<String> = Vec::new();
    let add = |list: &mut Vec<String>, v: &str| {
        if !list.iter().any(|x| x == v) {
            list.push(v.to_string());
        }
    };
    if let Some(policy) = resource_policy {
        for s in &policy.policy.statements {
            let Some(principals) = &s.principal else {
                continue;
            };
            for entry in &principals.entries {
                let value = entry.value.value.as_str();
                match entry.kind {
                    PrincipalKind::Aws if value != "*" => {
                        let (arn, kind) =
                            if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
                                (
                                    format!("arn:{partition}:iam::{value}:root"),
                                    PrincipalClass::ExternalPrincipal,
                                )
                            } else {
                                (value.to_string(), PrincipalClass::ExternalPrincipal)
                            };
                        let in_account = Principal::parse(&arn)
                            .ok()
                            .and_then(|p| p.account().map(str::to_string));
                        if in_account.as_deref() != Some(account.as_str())
                            && !external.iter().any(|(a, _)| *a == arn)
                        {
                            external.push((arn, kind));
                        }
                    }
                    PrincipalKind::Service => add(&mut services, value),
                    PrincipalKind::Federated => add(&mut federated, value),
                    _ => {}
                }
            }
        }
    }
    for role in &snapshot.roles {
        let Some(trust) = &role.trust else { continue };
        for s in &trust.policy.statements {
            for entry in s.principal.iter().flat_map(|p| &p.entries) {
                if entry.kind == PrincipalKind::Service {
                    add(&mut services, &entry.value.value);
                }
            }
        }
    }
    external.push((
        format!("arn:{partition}:iam::{OTHER_ACCOUNT}:root"),
        PrincipalClass::OtherAccount,
    ));
    for (arn, kind) in external {
        let Ok(principal) = Principal::parse(&arn) else {
            continue;
        };
        // An account stands for its principals, which act through users and
        // roles (the root user cannot assume roles): evaluate one of those.
        let principal = match &principal {
            Principal::Iam(p) if p.kind == IamKind::Root => Principal::parse(&format!(
                "arn:{}:sts::{}:assumed-role/moat-any-principal/moat-session",
                p.partition, p.account
            ))
            .unwrap_or(principal),
            _ => principal,
        };
        let other = principal.account().unwrap_or(OTHER_ACCOUNT).to_string();
        let own = format!("policies of account {other} (not in the snapshot; assumed to allow)");
        let allow_all = crate::document::read(
            &own,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
        )
        .0;
        let identity: Vec<NamedPolicy> = allow_all
            .map(|policy| NamedPolicy {
                name: own.clone(),
                policy,
            })
            .into_iter()
            .collect();
        let principal_type = match &principal {
            Principal::Iam(p) => match p.kind {
                IamKind::Root => "Account",
                IamKind::User => "User",
                IamKind::RoleSession { .. } => "AssumedRole",
                IamKind::FederatedUser => "FederatedUser",
            },
            _ => "Account",
        };
        let (name, note) = if kind == PrincipalClass::OtherAccount {
            (
                "any other account".to_string(),
                "stands for any principal of an account this question names nowhere; that account's own policies are assumed to allow".to_string(),
            )
        } else {
            (
                arn.clone(),
                format!(
                    "outside the snapshot: account {other}'s own policies are assumed to allow"
                ),
            )
        };
        out.push(Candidate {
            facts: principal_facts(&arn, &other, principal_type, None),
            principal,
            arn,
            name,
            kind,
            policies: PolicySet {
                identity,
                resource: resource_policy.cloned(),
                rcps: inputs.rcps.to_vec(),
                ..PolicySet::default()
            },
            notes: vec![note],
            absent: Vec::new(),
        });
    }
    let outside =
        |principal: Principal, arn: String, name: String, kind: PrincipalClass, facts: Context| {
            let mut absent: Vec<String> = NOT_IAM.iter().map(|k| (*k).to_string()).collect();
            if kind != PrincipalClass::Service {
                // Unsigned requests carry no principal keys at all.
                absent.extend(
                    ["aws:PrincipalIsAWSService", "aws:PrincipalServiceName"].map(String::from),
                );
            }
            Candidate {
                principal,
                arn,
                name,
                kind,
                policies: PolicySet {
                    resource: resource_policy.cloned(),
                    rcps: inputs.rcps.to_vec(),
                    ..PolicySet::default()
                },
                facts,
                notes: Vec::new(),
                absent,
            }
        };
    let mut facts = Context::default();
    facts.insert("aws:PrincipalType", vec!["Anonymous".into()], false);
    out.push(outside(
        Principal::Anonymous,
        "*".into(),
        "anonymous".into(),
        PrincipalClass::Anonymous,
        facts,
    ));
    for service in services {
        let mut facts = Context::default();
        facts.insert("aws:PrincipalServiceName", vec![service.clone()], false);
        facts.insert("aws:PrincipalIsAWSService", vec!["true".into()], false);
        out.push(outside(
            Principal::Service(service.clone()),
            service.clone(),
            service,
            PrincipalClass::Service,
            facts,
        ));
    }
    for provider in federated {
        out.push(outside(
            Principal::Federated(provider.clone()),
            provider.clone(),
            provider,
            PrincipalClass::Federated,
            Context::default(),
        ));
    }
    out
}

fn principal_facts(
    arn: &str,
    account: &str,
    principal_type: &str,
    organization: Option<&str>,
) -> Context {
    let mut facts = Context::default();
    if let Some(org) = organization {
        facts.insert("aws:PrincipalOrgID", vec![org.to_string()], false);
    }
    facts.insert("aws:PrincipalArn", vec![arn.to_string()], false);
    facts.insert("aws:PrincipalAccount", vec![account.to_string()], false);
    facts.insert("aws:PrincipalType", vec![principal_type.to_string()], false);
    facts.insert("aws:PrincipalIsAWSService", vec!["false".into()], false);
    facts
}

/// Statements without their conditions, by policy, shared by every
/// candidate (the snapshot's policies are the same for all who have them).
#[derive(Default)]
struct Stripped(std::collections::HashMap<(String, usize), Vec<Statement>>);

impl Stripped {
    fn of(&mut self, policy: &NamedPolicy) -> &[Statement] {
        let key = (policy.name.clone(), policy.policy.statements.len());
        self.0.entry(key).or_insert_with(|| {
            policy
                .policy
                .statements
                .iter()
                .map(|s| Statement {
                    conditions: Vec::new(),
                    ..s.clone()
                })
                .collect()
        })
    }
}

/// A statement of one of the candidate's policies.
struct Stmt<'a> {
    kind: PolicyKind,
    policy: &'a NamedPolicy,
    level: Option<&'a str>,
    statement: &'a Statement,
    /// Policies that must each allow are told apart by this number.
    group: usize,
    /// Whether its action, resource and principal match (conditions aside).
    could: bool,
    /// Its `Sid` or `#n`.
    label: String,
    /// Its position in its policy.
    index: usize,
}

impl Stmt<'_> {
    fn variables(&self) -> bool {
        self.policy.policy.expands_variables()
    }

    fn is(&self, r: &StatementRef) -> bool {
        self.kind == r.kind
            && self.policy.name == r.policy
            && self.level == r.level.as_deref()
            && self.label == r.statement
    }

    fn allow(&self) -> bool {
        self.statement.effect.value == Effect::Allow
    }

    /// Whether it uses a policy variable in its resource or conditions.
    fn uses_variables(&self) -> Option<String> {
        if !self.variables() {
            return None;
        }
        let resources = self.statement.resource.iter().flat_map(|r| &r.patterns);
        let values = self.statement.conditions.iter().flat_map(|c| &c.values);
        resources
            .chain(values)
            .find(|v| {
                v.value.contains("${") && !matches!(v.value.as_str(), "${*}" | "${?}" | "${$}")
            })
            .map(|v| v.value.clone())
    }
}

/// The result of one search for a route.
enum Attempt {
    Allowed(Evaluation, Assignment),
    Denied(Evaluation),
    NotAllowed(Evaluation),
}

struct Analysis<'a> {
    candidate: &'a Candidate,
    query: &'a Query,
    inputs: &'a Inputs<'a>,
    stmts: Vec<Stmt<'a>>,
    bounded: bool,
}

const MANDATORY: &[PolicyKind] = &[
    PolicyKind::PermissionBoundary,
    PolicyKind::Session,
    PolicyKind::Scp,
    PolicyKind::Endpoint,
];
const GRANTING: &[PolicyKind] = &[PolicyKind::Identity, PolicyKind::Resource];

impl<'a> Analysis<'a> {
    fn new(
        candidate: &'a Candidate,
        query: &'a Query,
        inputs: &'a Inputs<'a>,
        stripped: &mut Stripped,
    ) -> Analysis<'a> {
        let iam = matches!(candidate.principal, Principal::Iam(_));
        let bounded = iam && !candidate.policies.boundaries.is_empty();
        let mut analysis = Analysis {
            candidate,
            query,
            inputs,
            stmts: Vec::new(),
            bounded,
        };
        let set = &candidate.policies;
        let mut group = 0;
        let push = |stmts: &mut Vec<Stmt<'a>>,
                    kind,
                    policy: &'a NamedPolicy,
                    level: Option<&'a str>,
                    group: usize| {
            for (index, statement) in policy.policy.statements.iter().enumerate() {
                stmts.push(Stmt {
                    kind,
                    policy,
                    level,
                    statement,
                    group,
                    could: false,
                    label: statement.label(),
                    index,
                });
            }
        };
        let mut stmts = Vec::new();
        if iam {
            for p in &set.identity {
                push(&mut stmts, PolicyKind::Identity, p, None, 0);
            }
            for p in &set.boundaries {
                group += 1;
                push(&mut stmts, PolicyKind::PermissionBoundary, p, None, group);
            }
            if let Some(p) = &set.session {
                group += 1;
                push(&mut stmts, PolicyKind::Session, p, None, group);
            }
            for level in &set.scps {
                group += 1;
                for p in &level.policies {
                    push(&mut stmts, PolicyKind::Scp, p, Some(&level.id), group);
                }
            }
        }
        if let Some(p) = &set.resource {
            push(&mut stmts, PolicyKind::Resource, p, None, 0);
        }
        for level in &set.rcps {
            group += 1;
            for p in &level.policies {
                push(&mut stmts, PolicyKind::Rcp, p, Some(&level.id), group);
            }
        }
        for p in &set.endpoints {
            group += 1;
            push(&mut stmts, PolicyKind::Endpoint, p, None, group);
        }
        let request = analysis.request(&candidate.facts);
        for s in &mut stmts {
            let bare = &stripped.of(s.policy)[s.index];
            s.could = applies(&s.policy.policy, bare, &request, bounded).is_some();
        }
        analysis.stmts = stmts;
        analysis
    }

    fn request(&self, context: &Context) -> Request {
        Request {
            principal: self.candidate.principal.clone(),
            action: self.query.action.clone(),
            resource: self.query.resource.clone(),
            resource_account: self.query.resource_account.clone(),
            context: context.clone(),
        }
    }

    fn evaluate(&self, assign: &Assignment) -> Evaluation {
        evaluate(&self.request(assign.context()), &self.candidate.policies)
    }

    fn holds_now(&self, s: &Stmt, request: &Request) -> bool {
        applies(&s.policy.policy, s.statement, request, self.bounded).is_some()
    }

    fn find(&self, r: &StatementRef) -> Option<&Stmt<'a>> {
        self.stmts.iter().find(|s| s.is(r))
    }

    /// The facts, plus absence for every key the service does not set for
    /// the action (when `lock_unset`).
    fn start(&self, lock_unset: bool) -> (Assignment, Vec<String>) {
        let mut facts = self.candidate.facts.clone();
        for (k, v) in self.query.context.iter() {
            facts.insert(k, v.to_vec(), v.len() > 1);
        }
        let mut assign = Assignment::new(&facts).with_absent(&self.candidate.absent);
        let mut unset = Vec::new();
        if lock_unset {
            for s in self.stmts.iter().filter(|s| s.could) {
                for c in &s.statement.conditions {
                    let key = &c.key.value;
                    if !assign.decided(key)
                        && self.inputs.keys.support(&self.query.action, key)
                            == KeySupport::NotForAction
                        && !unset.iter().any(|u: &String| u.eq_ignore_ascii_case(key))
                    {
                        unset.push(key.clone());
                    }
                }
            }
            assign = assign.with_absent(&unset);
        }
        (assign, unset)
    }

    /// Searches for a route from `seed` (an `Allow` to satisfy first).
    fn attempt(&self, start: &Assignment, seed: Option<&Stmt>) -> Attempt {
        let mut assign = start.clone();
        if let Some(s) = seed
            && !assign.make_all(&s.statement.conditions, s.variables())
        {
            return Attempt::NotAllowed(self.evaluate(&assign));
        }
        for _ in 0..8 {
            let evaluation = self.evaluate(&assign);
            match evaluation.decision {
                Decision::Allowed => return Attempt::Allowed(evaluation, assign),
                Decision::ExplicitlyDenied => {
                    for r in &evaluation.statements {
                        let Some(s) = self.find(r) else {
                            return Attempt::Denied(evaluation);
                        };
                        if assign
                            .break_one(&s.statement.conditions, s.variables())
                            .is_none()
                        {
                            return Attempt::Denied(evaluation);
                        }
                    }
                }
                Decision::ImplicitlyDenied => {
                    if !self.satisfy_groups(&mut assign, MANDATORY, false)
                        && !self.satisfy_groups(&mut assign, GRANTING, true)
                    {
                        return Attempt::NotAllowed(evaluation);
                    }
                }
            }
        }
        Attempt::NotAllowed(self.evaluate(&assign))
    }

    /// For each policy group of `kinds` with no applying `Allow`, makes the
    /// first `Allow` that can apply do so (in the first such group only, when
    /// `first_only`). Returns whether anything changed.
    fn satisfy_groups(
        &self,
        assign: &mut Assignment,
        kinds: &[PolicyKind],
        first_only: bool,
    ) -> bool {
        let mut changed = false;
        let mut groups: Vec<(PolicyKind, usize)> = Vec::new();
        for s in self
            .stmts
            .iter()
            .filter(|s| s.could && s.allow() && kinds.contains(&s.kind))
        {
            if !groups.contains(&(s.kind, s.group)) {
                groups.push((s.kind, s.group));
            }
        }
        for (kind, group) in groups {
            let request = self.request(assign.context());
            let members = || {
                self.stmts
                    .iter()
                    .filter(move |s| s.could && s.allow() && s.kind == kind && s.group == group)
            };
            if members().any(|s| self.holds_now(s, &request)) {
                continue;
            }
            for s in members() {
                if assign.make_all(&s.statement.conditions, s.variables()) {
                    changed = true;
                    break;
                }
            }
            if changed && first_only {
                break;
            }
        }
        changed
    }

    fn run(&self) -> Access {
        let (start, unset) = self.start(true);
        let base = self.evaluate(&start);
        let mut routes: Vec<(Route, Vec<String>)> = Vec::new();
        let mut denied: Option<Evaluation> = None;
        let mut refused: Option<Evaluation> = None;
        let seeds = self.stmts.iter().filter(|s| {
            s.could && s.allow() && GRANTING.contains(&s.kind) && !s.statement.conditions.is_empty()
        });
        for seed in std::iter::once(None).chain(seeds.map(Some)) {
            // A statement a route already took gives that route again.
            if let Some(s) = seed
                && routes
                    .iter()
                    .any(|(r, _)| r.statements.iter().any(|c| s.is(&c.statement)))
            {
                continue;
            }
            let attempt = self.attempt(&start, seed);
            match attempt {
                Attempt::Allowed(evaluation, assign) => {
                    let route = self.route(&evaluation, &assign);
                    let key = route_key(&route);
                    if !routes.iter().any(|(_, k)| *k == key) {
                        routes.push((route, key));
                    }
                }
                Attempt::Denied(evaluation) => {
                    if denied.is_none() {
                        denied = Some(evaluation);
                    }
                }
                Attempt::NotAllowed(evaluation) => {
                    if refused.is_none() {
                        refused = Some(evaluation);
                    }
                }
            }
        }
        // Fewest unmet requirements first, then the fewest assumptions; the
        // search order breaks ties.
        let mut routes: Vec<Route> = routes
            .into_iter()
            .map(|(mut r, _)| {
                r.assumptions = self.route_assumptions(&r);
                r
            })
            .collect();
        routes.sort_by_key(|r| {
            (
                r.conditions.iter().filter(|c| !c.met).count(),
                r.assumptions.len(),
            )
        });
        routes.truncate(4);
        let mut assumptions = self.candidate.notes.clone();
        if routes.is_empty() {
            // Would it be allowed if the service set the keys the table says it does not?
            if !unset.is_empty() {
                let (open, _) = self.start(false);
                let mut found = self.attempt(&open, None);
                if !matches!(found, Attempt::Allowed(..)) {
                    for s in self
                        .stmts
                        .iter()
                        .filter(|s| s.could && s.allow() && GRANTING.contains(&s.kind))
                    {
                        found = self.attempt(&open, Some(s));
                        if matches!(found, Attempt::Allowed(..)) {
                            break;
                        }
                    }
                }
                if let Attempt::Allowed(evaluation, assign) = found {
                    let route = self.route(&evaluation, &assign);
                    let texts: Vec<&str> =
                        route.conditions.iter().map(|r| r.text.as_str()).collect();
                    assumptions.push(format!(
                        "{} treated as absent: the Service Authorization Reference lists no such key for {}; if the request had it, access would be allowed when {}",
                        unset.join(", "),
                        self.query.action,
                        texts.join("; ")
                    ));
                }
            }
            let (decision, evaluation) = match denied {
                Some(evaluation) => (AccessDecision::Denied, evaluation),
                None => (AccessDecision::NotAllowed, refused.unwrap_or(base)),
            };
            let statements = self.cite(&evaluation.statements);
            return self.access(
                decision,
                Vec::new(),
                statements,
                Vec::new(),
                assumptions,
                evaluation.reason.into_owned(),
                start.shown(),
            );
        }
        let first = routes.remove(0);
        assumptions.extend(first.assumptions.iter().cloned());
        let decision = if first.conditions.iter().all(|c| c.met) {
            AccessDecision::Allowed
        } else {
            AccessDecision::AllowedWhen
        };
        let reason = if base.decision == Decision::Allowed {
            base.reason
        } else {
            "allowed only when the request meets the conditions".into()
        };
        self.access(
            decision,
            first.conditions,
            first.statements,
            routes,
            assumptions,
            reason.into_owned(),
            first.context,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn access(
        &self,
        decision: AccessDecision,
        conditions: Vec<Requirement>,
        statements: Vec<Cited>,
        alternatives: Vec<Route>,
        assumptions: Vec<String>,
        reason: String,
        context: BTreeMap<String, Vec<String>>,
    ) -> Access {
        let c = self.candidate;
        Access {
            principal: c.arn.clone(),
            name: c.name.clone(),
            kind: c.kind,
            decision,
            conditions,
            statements,
            alternatives,
            proof: if assumptions.is_empty() {
                Proof::Proved
            } else {
                Proof::Assumed
            },
            assumptions,
            reason,
            context,
        }
    }

    fn locate(&self, policy: &str, span: moat_source::Span) -> Option<Location> {
        self.inputs
            .sources
            .and_then(|s| s.locate(policy, span))
            .or_else(|| self.inputs.snapshot.sources.locate(policy, span))
    }

    fn cite(&self, refs: &[StatementRef]) -> Vec<Cited> {
        refs.iter()
            .map(|r| Cited {
                location: self.locate(&r.policy, r.span),
                statement: r.clone(),
            })
            .collect()
    }

    /// The route an allowed evaluation took: the conditions of the allows it
    /// needed, and the negated conditions of every deny that could apply.
    fn route(&self, evaluation: &Evaluation, assign: &Assignment) -> Route {
        let mut conditions: Vec<Requirement> = Vec::new();
        let facts = |key: &str| {
            self.candidate.facts.get(key).is_some() || self.query.context.get(key).is_some()
        };
        for r in &evaluation.statements {
            let Some(s) = self.find(r) else { continue };
            for c in &s.statement.conditions {
                let clause = clause(c, true, assign.context(), s.variables());
                let met = facts(&c.key.value);
                let requirement = Requirement {
                    text: clause.text.clone(),
                    clauses: vec![clause],
                    effect: Effect::Allow,
                    policy: s.policy.name.clone(),
                    statement: s.label.clone(),
                    met,
                    location: self.locate(&s.policy.name, c.key.span),
                };
                if !conditions.iter().any(|x| x.text == requirement.text) {
                    conditions.push(requirement);
                }
            }
        }
        // Keys the route depends on stay as they are; a deny that can be
        // made to apply by choosing any other key is a guard.
        let fixed: Vec<String> = conditions
            .iter()
            .flat_map(|r| r.clauses.iter().map(|c| c.key.to_ascii_lowercase()))
            .collect();
        let locked = assign.only(|k| facts(k) || fixed.iter().any(|f| f == k));
        let request = self.request(assign.context());
        for s in self.stmts.iter().filter(|s| s.could && !s.allow()) {
            if s.statement.conditions.is_empty() || self.holds_now(s, &request) {
                continue;
            }
            let mut trial = locked.clone();
            if !trial.make_all(&s.statement.conditions, s.variables()) {
                continue;
            }
            // The conditions that can fail here: facts never change.
            let clauses: Vec<Clause> = s
                .statement
                .conditions
                .iter()
                .filter(|c| locked.clone().make(c, false, s.variables()))
                .map(|c| clause(c, false, assign.context(), s.variables()))
                .collect();
            let text = match clauses.as_slice() {
                [one] => one.text.clone(),
                _ => format!(
                    "one of: {}",
                    clauses
                        .iter()
                        .map(|c| c.text.as_str())
                        .collect::<Vec<_>>()
                        .join("; or ")
                ),
            };
            let requirement = Requirement {
                text,
                clauses,
                effect: Effect::Deny,
                policy: s.policy.name.clone(),
                statement: s.label.clone(),
                met: false,
                location: self.locate(&s.policy.name, s.statement.span),
            };
            if !conditions.iter().any(|x| x.text == requirement.text) {
                conditions.push(requirement);
            }
        }
        Route {
            conditions,
            statements: self.cite(&evaluation.statements),
            assumptions: Vec::new(),
            context: assign.shown(),
        }
    }

    /// Why a route's answer is only assumed.
    fn route_assumptions(&self, route: &Route) -> Vec<String> {
        let mut out = Vec::new();
        let action = &self.query.action;
        let service = action.split_once(':').map_or(action.as_str(), |(s, _)| s);
        for requirement in route.conditions.iter().filter(|r| !r.met) {
            for clause in &requirement.clauses {
                let reason = match self.inputs.keys.support(action, &clause.key) {
                    KeySupport::Spoofable => Some(format!(
                        "{} is written by the caller, who can send any value: `{}` limits nothing",
                        clause.key, requirement.statement
                    )),
                    KeySupport::NotForAction => Some(format!(
                        "{} does not set {} for {action} (Service Authorization Reference): statement `{}` assumes it does",
                        service, clause.key, requirement.statement
                    )),
                    KeySupport::Unknown => Some(format!(
                        "whether {service} sets {} for {action} is not known here",
                        clause.key
                    )),
                    KeySupport::Always | KeySupport::Request => None,
                };
                if let Some(reason) = reason
                    && !out.contains(&reason)
                {
                    out.push(reason);
                }
            }
        }
        let cited = route
            .statements
            .iter()
            .map(|c| {
                (
                    c.statement.kind,
                    c.statement.policy.as_str(),
                    c.statement.statement.clone(),
                )
            })
            .chain(
                route
                    .conditions
                    .iter()
                    .filter(|r| r.effect == Effect::Deny)
                    .map(|r| (PolicyKind::Identity, r.policy.as_str(), r.statement.clone())),
            );
        for (_, policy, label) in cited {
            let Some(s) = self
                .stmts
                .iter()
                .find(|s| s.policy.name == policy && s.label == label)
            else {
                continue;
            };
            if let Some(variable) = s.uses_variables() {
                let reason = format!(
                    "statement `{label}` of `{policy}` uses the policy variable in `{variable}`, evaluated with the principal's values from the snapshot"
                );
                if !out.contains(&reason) {
                    out.push(reason);
                }
            }
        }
        out
    }
}

/// `c` as a clause; its text shows policy variables with the values
/// `context` gives them (`home/${aws:username}/*` as `home/bob/*`).
fn clause(
    c: &crate::document::Condition,
    holds: bool,
    context: &Context,
    variables: bool,
) -> Clause {
    let mut shown = c.clone();
    if variables && c.operator.value.family.takes_variables() {
        for v in &mut shown.values {
            if let Some(text) = crate::variables::pieces(&v.value)
                .and_then(|p| crate::variables::expand_text(&p, context))
            {
                v.value = text;
            }
        }
    }
    Clause {
        key: c.key.value.clone(),
        operator: c.operator.value.name(),
        values: c.values.iter().map(|v| v.value.clone()).collect(),
        holds,
        text: phrase(&shown, holds),
    }
}

fn route_key(route: &Route) -> Vec<String> {
    let mut key: Vec<String> = route
        .conditions
        .iter()
        .filter(|c| !c.met)
        .map(|c| c.text.clone())
        .collect();
    key.sort();
    key
}
