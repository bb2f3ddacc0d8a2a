//! Trust analysis: who can assume a role, and what in its trust policy
//! widens that beyond what its owner likely meant (docs/policy.md, "trust").
//!
//! Findings, each with a severity, the statement (and its place) and the AWS
//! page that explains it:
//!
//! - `everyone`: `Principal: "*"` (or `{"AWS": "*"}`, or an `Allow` with
//!   `NotPrincipal`) lets any AWS principal of any account assume the role,
//!   unless a condition pins the caller's organization, account or ARN;
//! - `cross-account`: another account is trusted, by id or root ARN; without
//!   `sts:ExternalId` a third party serving several customers can be led to
//!   use the role for someone else (the confused deputy);
//! - `account-root`: the role's own account is trusted, which delegates to
//!   identity policies: every principal whose policies allow `sts:AssumeRole`
//!   on it can assume it (listed when a snapshot is given);
//! - `confused-deputy`: a service principal without `aws:SourceArn`,
//!   `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`;
//! - `pass-role`: a compute service (`ec2.amazonaws.com`,
//!   `lambda.amazonaws.com`) is trusted: anyone who can pass the role to it
//!   and launch compute runs code with the role (listed with a snapshot);
//! - `federation-no-audience` / `federation-no-subject`: OIDC or SAML
//!   federation without a condition on the token's audience or subject;
//! - `github-subject-wildcard`: GitHub Actions' `sub` matched with a pattern
//!   that admits other organizations, other repositories, or every branch,
//!   environment and pull request.

use crate::document::{Condition, Effect, OperatorFamily, PrincipalKind, SetQualifier, Statement};
use crate::evaluate::{NamedPolicy, OrgLevel};
use crate::matching::action_matches;
use crate::request::Context;
use crate::snapshot::{AccountSnapshot, PolicySources};
use crate::whocan::{
    self, Access, AccessDecision, Inputs, KeyAvailability, Proof, Query, Scope, WhoCan,
};
use moat_source::{Location, SourceFile, Span};
use serde::Serialize;

pub const DOC_EVERYONE: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous";
pub const DOC_NOT_PRINCIPAL: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html";
pub const DOC_ACCOUNT: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts";
pub const DOC_THIRD_PARTY: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html";
pub const DOC_CONFUSED_DEPUTY: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html";
pub const DOC_PASS_ROLE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html";
pub const DOC_EC2_PASS_ROLE: &str =
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/permission-to-pass-iam-roles.html";
pub const DOC_OIDC: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html";
pub const DOC_GITHUB: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub";
pub const DOC_WIF_KEYS: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif";
pub const DOC_SAML: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html";
pub const DOC_COGNITO: &str =
    "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html";

/// The actions a trust policy grants.
pub const ASSUME_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// A principal a finding is about, as decided over the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holder {
    pub principal: String,
    pub name: String,
    pub kind: whocan::PrincipalClass,
    pub decision: AccessDecision,
    /// Requirements in words (all of each question it took).
    pub conditions: Vec<String>,
    pub proof: Proof,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A stable short name: `confused-deputy`, `pass-role`...
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The statement's `Sid`, or `#n`.
    pub statement: String,
    #[serde(skip)]
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The AWS documentation page that explains it.
    pub doc: &'static str,
    /// With a snapshot: the principals that can use what the finding opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principals: Option<Vec<Holder>>,
}

/// What is asked of a trust policy.
#[derive(Clone, Copy)]
pub struct TrustInputs<'a> {
    /// The role's ARN, when known (else found in the snapshot by its trust
    /// policy, when the snapshot has exactly one role with this policy).
    pub role: Option<&'a str>,
    pub snapshot: Option<&'a AccountSnapshot>,
    /// SCPs of the role's account (for the principals listed).
    pub scps: &'a [OrgLevel],
    pub keys: Option<&'a dyn KeyAvailability>,
    /// Where the trust policy was read, for locations.
    pub file: Option<&'a SourceFile>,
}

impl<'a> TrustInputs<'a> {
    pub fn new() -> TrustInputs<'a> {
        TrustInputs {
            role: None,
            snapshot: None,
            scps: &[],
            keys: None,
            file: None,
        }
    }
}

impl Default for TrustInputs<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustReport {
    /// The role's ARN, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// Who can assume the role, per assume action the policy grants.
    pub who: Vec<WhoCan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl TrustReport {
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }
}

/// Compute services a role is passed to with `iam:PassRole`: the role is
/// then used by whatever runs there. (service, launch action, resource).
const PASSED_TO: &[(&str, &str, &str)] = &[
    (
        "ec2.amazonaws.com",
        "ec2:RunInstances",
        "arn:{p}:ec2:us-east-1:{a}:instance/*",
    ),
    (
        "lambda.amazonaws.com",
        "lambda:CreateFunction",
        "arn:{p}:lambda:us-east-1:{a}:function:*",
    ),
];

/// Analyzes `trust`, the trust policy of a role.
pub fn analyze_trust(trust: &NamedPolicy, inputs: &TrustInputs) -> TrustReport {
    let mut notes = Vec::new();
    let role = resolve_role(trust, inputs, &mut notes);
    let role_account = role
        .as_deref()
        .and_then(account_of)
        .map(str::to_string)
        .or_else(|| inputs.snapshot.and_then(|s| s.account.clone()));
    if role_account.is_none() {
        notes.push(format!(
            "the role's account is not known (give --role ARN or a snapshot): account {} stands for it, and every account named is read as another account",
            whocan::UNKNOWN_ACCOUNT
        ));
    }
    let empty = AccountSnapshot {
        account: role_account.clone(),
        partition: "aws".into(),
        ..AccountSnapshot::default()
    };
    let snapshot = inputs.snapshot.unwrap_or(&empty);
    let role_arn = role.clone().unwrap_or_else(|| {
        format!(
            "arn:aws:iam::{}:role/the-role",
            role_account.as_deref().unwrap_or(whocan::UNKNOWN_ACCOUNT)
        )
    });
    let mut sources = PolicySources::default();
    if let Some(file) = inputs.file {
        sources.insert(&trust.name, file);
    }
    let ctx = Ctx {
        trust,
        inputs,
        snapshot,
        role_arn: &role_arn,
        role_account: role_account.as_deref(),
        sources: &sources,
        has_snapshot: inputs.snapshot.is_some(),
    };
    let mut findings = Vec::new();
    for s in &trust.policy.statements {
        if s.effect.value != Effect::Allow {
            continue;
        }
        let actions: Vec<&str> = ASSUME_ACTIONS
            .iter()
            .copied()
            .filter(|a| statement_action(s, a))
            .collect();
        if actions.is_empty() {
            continue;
        }
        ctx.statement(s, &actions, &mut findings);
    }
    if trust
        .policy
        .statements
        .iter()
        .any(|s| s.effect.value == Effect::Deny)
    {
        notes.push("the policy has Deny statements: findings read its Allow statements; the who-can lists apply the denies".into());
    }
    findings.sort_by_key(|f| f.severity);

    // Who can assume it, per action the policy grants.
    let mut who = Vec::new();
    for action in ASSUME_ACTIONS {
        let granted = trust
            .policy
            .statements
            .iter()
            .any(|s| s.effect.value == Effect::Allow && statement_action(s, action));
        if !granted {
            continue;
        }
        let mut query = Query::new(*action, role_arn.clone());
        query.resource_account = role_account.clone();
        let mut whocan_inputs = ctx.whocan_inputs(Scope::Everyone);
        whocan_inputs.resource_policy = Some(trust);
        let mut answer = whocan::who_can(&query, &whocan_inputs);
        // Services and identity providers are asked about only where they
        // can call that action.
        // (AssumeRole takes a signed request: anonymous callers cannot.)
        answer.principals.retain(|a| match a.kind {
            whocan::PrincipalClass::Federated => *action != "sts:AssumeRole",
            whocan::PrincipalClass::Anonymous => false,
            _ => *action == "sts:AssumeRole",
        });
        who.push(answer);
    }
    TrustReport {
        role,
        findings,
        who,
        notes,
    }
}

/// The report as text: findings, most severe first, then who can assume.
pub fn render(report: &TrustReport, policy: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let role = report
        .role
        .as_deref()
        .map(|r| format!(" (role {r})"))
        .unwrap_or_default();
    let _ = writeln!(out, "trust policy {policy}{role}");
    if report.findings.is_empty() {
        let _ = writeln!(out, "\nno findings");
    }
    for f in &report.findings {
        let at = f
            .location
            .as_ref()
            .map(|l| format!(" {l}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n{:<8} {}{at} (statement `{}`)\n    {}\n    see {}",
            f.severity.as_str(),
            f.id,
            f.statement,
            f.message,
            f.doc
        );
        for h in f.principals.iter().flatten() {
            let when = if h.conditions.is_empty() {
                String::new()
            } else {
                format!(" when {}", h.conditions.join("; "))
            };
            let _ = writeln!(
                out,
                "    - {} {} ({}){when} [{}]",
                h.kind.as_str(),
                h.name,
                h.principal,
                h.proof.as_str()
            );
        }
    }
    for who in &report.who {
        out.push('\n');
        out.push_str(&whocan::text::render(who, false));
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

fn statement_action(s: &Statement, action: &str) -> bool {
    let any = s
        .action
        .patterns
        .iter()
        .any(|p| action_matches(&p.value, action));
    any != s.action.negated
}

fn account_of(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts[..] {
        [_, _, _, _, account, _] if account.len() == 12 => Some(account),
        _ => None,
    }
}

/// The role: as given, or the one snapshot role whose trust policy this is.
fn resolve_role(
    trust: &NamedPolicy,
    inputs: &TrustInputs,
    notes: &mut Vec<String>,
) -> Option<String> {
    if let Some(role) = inputs.role {
        if let Some(found) = inputs.snapshot.and_then(|s| s.role(role)) {
            return Some(found.arn.clone());
        }
        if role.starts_with("arn:") {
            return Some(role.to_string());
        }
        notes.push(format!("role `{role}` is not in the snapshot"));
        return None;
    }
    let snapshot = inputs.snapshot?;
    let wanted = serde_json::to_value(&trust.policy).ok()?;
    let matching: Vec<&str> = snapshot
        .roles
        .iter()
        .filter(|r| {
            r.trust
                .as_ref()
                .and_then(|t| serde_json::to_value(&t.policy).ok())
                .is_some_and(|v| v == wanted)
        })
        .map(|r| r.arn.as_str())
        .collect();
    match matching.as_slice() {
        [one] => {
            notes.push(format!(
                "the snapshot's role with this trust policy is `{one}`"
            ));
            Some((*one).to_string())
        }
        [] => None,
        many => {
            notes.push(format!(
                "{} roles of the snapshot have this trust policy; give --role to pick one",
                many.len()
            ));
            None
        }
    }
}

struct Ctx<'a> {
    trust: &'a NamedPolicy,
    inputs: &'a TrustInputs<'a>,
    snapshot: &'a AccountSnapshot,
    role_arn: &'a str,
    role_account: Option<&'a str>,
    sources: &'a PolicySources,
    has_snapshot: bool,
}

impl Ctx<'_> {
    fn whocan_inputs(&self, scope: Scope) -> Inputs<'_> {
        let mut inputs = Inputs::new(self.snapshot);
        inputs.scps = self.inputs.scps;
        inputs.sources = Some(self.sources);
        inputs.scope = scope;
        if let Some(keys) = self.inputs.keys {
            inputs.keys = keys;
        }
        inputs
    }

    fn finding(
        &self,
        id: &'static str,
        severity: Severity,
        s: &Statement,
        span: Span,
        message: String,
        doc: &'static str,
    ) -> Finding {
        Finding {
            id,
            severity,
            message,
            statement: s.label(),
            span,
            location: self.inputs.file.map(|f| f.location(span)),
            doc,
            principals: None,
        }
    }

    fn statement(&self, s: &Statement, actions: &[&str], out: &mut Vec<Finding>) {
        let Some(principals) = &s.principal else {
            return;
        };
        if principals.negated {
            out.push(self.finding(
                "everyone",
                Severity::Critical,
                s,
                principals.key_span,
                "`Allow` with `NotPrincipal` trusts every principal of every account except those listed".into(),
                DOC_NOT_PRINCIPAL,
            ));
            return;
        }
        for entry in &principals.entries {
            let value = entry.value.value.as_str();
            let span = entry.value.span;
            match entry.kind {
                PrincipalKind::Everyone => self.everyone(s, span, out),
                PrincipalKind::Aws if value == "*" => self.everyone(s, span, out),
                PrincipalKind::Aws => self.aws(s, value, span, out),
                PrincipalKind::Service if actions.contains(&"sts:AssumeRole") => {
                    self.service(s, value, span, out)
                }
                PrincipalKind::Federated => self.federated(s, value, span, actions, out),
                _ => {}
            }
        }
    }

    fn everyone(&self, s: &Statement, span: Span, out: &mut Vec<Finding>) {
        const PINNING: &[&str] = &[
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
            "aws:PrincipalAccount",
            "aws:PrincipalArn",
            "aws:SourceAccount",
            "aws:SourceArn",
            "aws:userid",
        ];
        let pinned: Vec<&str> = s
            .conditions
            .iter()
            .filter(|c| {
                PINNING.iter().any(|k| k.eq_ignore_ascii_case(&c.key.value)) && constrains(c)
            })
            .map(|c| c.key.value.as_str())
            .collect();
        let (severity, message) = if pinned.is_empty() {
            (
                Severity::Critical,
                "every AWS principal of every account can assume this role: `Principal: \"*\"` with no condition on the caller's organization, account or ARN".to_string(),
            )
        } else {
            (
                Severity::Medium,
                format!(
                    "every AWS principal can assume this role where {} allows: `Principal: \"*\"` narrowed only by conditions",
                    pinned.join(", ")
                ),
            )
        };
        out.push(self.finding("everyone", severity, s, span, message, DOC_EVERYONE));
    }

    fn aws(&self, s: &Statement, value: &str, span: Span, out: &mut Vec<Finding>) {
        let (account, is_root) = if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
            (Some(value), true)
        } else {
            (account_of(value), value.ends_with(":root"))
        };
        let Some(account) = account else { return };
        let own = self.role_account == Some(account);
        if own && is_root {
            let mut finding = self.finding(
                "account-root",
                if s.conditions.is_empty() { Severity::Medium } else { Severity::Low },
                s,
                span,
                format!(
                    "the role's own account ({account}) is trusted: every principal of it whose identity policies allow sts:AssumeRole on this role can assume it"
                ),
                DOC_ACCOUNT,
            );
            if self.has_snapshot {
                let holders = self.holders("sts:AssumeRole", Context::default(), true);
                finding.message.push_str(&format!(
                    "; in the snapshot, {}",
                    count(holders.len(), "principal can", "principals can")
                ));
                finding.principals = Some(holders);
            }
            out.push(finding);
            return;
        }
        if own {
            return;
        }
        let external_id = s
            .conditions
            .iter()
            .any(|c| c.key.value.eq_ignore_ascii_case("sts:ExternalId") && constrains(c));
        let what = if is_root {
            format!("account {account} is trusted: every principal it allows can assume this role")
        } else {
            format!("`{value}` of account {account} is trusted")
        };
        let (severity, message) = if external_id {
            (Severity::Low, format!("{what} (with sts:ExternalId)"))
        } else {
            (
                if is_root {
                    Severity::Medium
                } else {
                    Severity::Low
                },
                format!(
                    "{what}; no sts:ExternalId condition: if it is a third party serving several customers, another customer can lead it to use this role"
                ),
            )
        };
        out.push(self.finding("cross-account", severity, s, span, message, DOC_THIRD_PARTY));
    }

    fn service(&self, s: &Statement, service: &str, span: Span, out: &mut Vec<Finding>) {
        if let Some((_, launch, resource)) = PASSED_TO
            .iter()
            .find(|(svc, ..)| svc.eq_ignore_ascii_case(service))
        {
            self.pass_role(s, service, launch, resource, span, out);
            return;
        }
        if self.role_arn.contains(":role/aws-service-role/") {
            return;
        }
        const SOURCE: &[&str] = &[
            "aws:SourceArn",
            "aws:SourceAccount",
            "aws:SourceOrgID",
            "aws:SourceOrgPaths",
        ];
        let scoped = s
            .conditions
            .iter()
            .any(|c| SOURCE.iter().any(|k| k.eq_ignore_ascii_case(&c.key.value)) && constrains(c));
        if !scoped {
            out.push(self.finding(
                "confused-deputy",
                Severity::Medium,
                s,
                span,
                format!(
                    "service principal `{service}` is trusted with no aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths condition: the service can be led to assume this role on behalf of another account's resource (confused deputy)"
                ),
                DOC_CONFUSED_DEPUTY,
            ));
        }
    }

    fn pass_role(
        &self,
        s: &Statement,
        service: &str,
        launch: &str,
        resource: &str,
        span: Span,
        out: &mut Vec<Finding>,
    ) {
        let account = self.role_account.unwrap_or(whocan::UNKNOWN_ACCOUNT);
        let mut message = format!(
            "`{service}` is trusted: any principal that can iam:PassRole this role to {service} and call {launch} runs code with the role's permissions"
        );
        let doc = if service.starts_with("ec2.") {
            DOC_EC2_PASS_ROLE
        } else {
            DOC_PASS_ROLE
        };
        let mut finding = self.finding("pass-role", Severity::Medium, s, span, String::new(), doc);
        if self.has_snapshot {
            let mut passed = Context::default();
            passed.insert("iam:PassedToService", vec![service.to_string()], false);
            let passers = self.holders("iam:PassRole", passed, false);
            let resource = resource
                .replace("{p}", &self.snapshot.partition)
                .replace("{a}", account);
            let mut query = Query::new(launch, resource);
            query
                .context
                .insert("aws:RequestedRegion", vec!["us-east-1".into()], false);
            let launchers = whocan::who_can(&query, &self.whocan_inputs(Scope::Account));
            let holders: Vec<Holder> = passers
                .into_iter()
                .filter_map(|mut h| {
                    let launcher = launchers.can().find(|a| a.principal == h.principal)?;
                    h.conditions.extend(
                        launcher
                            .conditions
                            .iter()
                            .filter(|c| !c.met)
                            .map(|c| c.text.clone()),
                    );
                    h.conditions.dedup();
                    if launcher.decision == AccessDecision::AllowedWhen {
                        h.decision = AccessDecision::AllowedWhen;
                    }
                    if launcher.proof == Proof::Assumed {
                        h.proof = Proof::Assumed;
                    }
                    Some(h)
                })
                .collect();
            message.push_str(&format!(
                "; in the snapshot, {} (evaluated in us-east-1)",
                count(holders.len(), "principal can", "principals can")
            ));
            if holders.is_empty() {
                finding.severity = Severity::Low;
            }
            if service.starts_with("ec2.")
                && let Some(role) = self.snapshot.role(self.role_arn)
                && role.instance_profiles.is_empty()
            {
                message.push_str("; the role is in no instance profile, so launching with it also takes iam:CreateInstanceProfile and iam:AddRoleToInstanceProfile");
            }
            finding.principals = Some(holders);
        }
        finding.message = message;
        out.push(finding);
    }

    fn federated(
        &self,
        s: &Statement,
        provider: &str,
        span: Span,
        actions: &[&str],
        out: &mut Vec<Finding>,
    ) {
        let saml = provider.contains(":saml-provider/");
        if saml {
            if !actions.contains(&"sts:AssumeRoleWithSAML") {
                return;
            }
            if !has_key(s, "SAML:aud") {
                out.push(self.finding(
                    "federation-no-audience",
                    Severity::Medium,
                    s,
                    span,
                    format!(
                        "SAML provider `{provider}` is trusted with no SAML:aud condition: an assertion this provider issues for any service provider can be used to assume the role"
                    ),
                    DOC_SAML,
                ));
            }
            return;
        }
        if !actions.contains(&"sts:AssumeRoleWithWebIdentity") {
            return;
        }
        let host = provider
            .rsplit_once(":oidc-provider/")
            .map_or(provider, |(_, h)| h);
        let github = host.eq_ignore_ascii_case("token.actions.githubusercontent.com");
        let cognito = host.eq_ignore_ascii_case("cognito-identity.amazonaws.com");
        let audience = match host {
            "graph.facebook.com" | "www.amazon.com" => format!("{host}:app_id"),
            _ => format!("{host}:aud"),
        };
        let subject = match host {
            "graph.facebook.com" => format!("{host}:id"),
            "www.amazon.com" => format!("{host}:user_id"),
            _ => format!("{host}:sub"),
        };
        let doc = if github {
            DOC_GITHUB
        } else if cognito {
            DOC_COGNITO
        } else {
            DOC_OIDC
        };
        if !has_key(s, &audience) {
            let (severity, why) = if cognito {
                (Severity::Critical, "any Amazon Cognito identity pool, in any account, can get credentials for this role".to_string())
            } else if github {
                (Severity::Low, "every GitHub Actions token has audience sts.amazonaws.com when issued for the official action; the subject is what limits it".to_string())
            } else {
                (
                    Severity::High,
                    "a token the provider issues for any client application can be used"
                        .to_string(),
                )
            };
            out.push(self.finding(
                "federation-no-audience",
                severity,
                s,
                span,
                format!("OIDC provider `{host}` is trusted with no {audience} condition: {why}"),
                if cognito { DOC_COGNITO } else { DOC_WIF_KEYS },
            ));
        }
        if cognito {
            if !has_key(s, "cognito-identity.amazonaws.com:amr") {
                out.push(self.finding(
                    "federation-no-subject",
                    Severity::Medium,
                    s,
                    span,
                    "Amazon Cognito federation with no cognito-identity.amazonaws.com:amr condition: unauthenticated identities of the pool can assume the role too".into(),
                    DOC_COGNITO,
                ));
            }
            return;
        }
        let subjects: Vec<&Condition> = s
            .conditions
            .iter()
            .filter(|c| c.key.value.eq_ignore_ascii_case(&subject))
            .collect();
        if subjects.is_empty() || !subjects.iter().any(|c| constrains(c)) {
            let (severity, why) = if github {
                (
                    Severity::Critical,
                    "any GitHub Actions workflow, of any repository and any organization, can assume this role",
                )
            } else {
                (
                    Severity::Medium,
                    "every user the provider issues a token to (for the audience allowed) can assume this role",
                )
            };
            out.push(self.finding(
                "federation-no-subject",
                severity,
                s,
                span,
                format!("OIDC provider `{host}` is trusted with no {subject} condition that limits it: {why}"),
                doc,
            ));
            return;
        }
        if github {
            for c in subjects {
                self.github_subject(s, c, out);
            }
        }
    }

    fn github_subject(&self, s: &Statement, c: &Condition, out: &mut Vec<Finding>) {
        let family = c.operator.value.family;
        if !matches!(family, OperatorFamily::StringLike) {
            return;
        }
        let mut worst: Option<(Severity, String, Span)> = None;
        for v in &c.values {
            let Some((severity, what)) = github_pattern(&v.value) else {
                continue;
            };
            if worst.as_ref().is_none_or(|(w, ..)| severity < *w) {
                worst = Some((severity, format!("`{}` admits {what}", v.value), v.span));
            }
        }
        if let Some((severity, what, span)) = worst {
            out.push(self.finding(
                "github-subject-wildcard",
                severity,
                s,
                span,
                format!("token.actions.githubusercontent.com:sub {what}"),
                DOC_GITHUB,
            ));
        }
    }

    /// The snapshot's principals that can perform `action` on the role.
    fn holders(&self, action: &str, context: Context, trust_as_resource: bool) -> Vec<Holder> {
        let mut query = Query::new(action, self.role_arn);
        query.context = context;
        query.resource_account = self.role_account.map(str::to_string);
        let mut inputs = self.whocan_inputs(Scope::Account);
        if trust_as_resource {
            inputs.resource_policy = Some(self.trust);
        }
        whocan::who_can(&query, &inputs)
            .principals
            .into_iter()
            .filter(|a| a.decision.can())
            .map(holder)
            .collect()
    }
}

fn holder(a: Access) -> Holder {
    Holder {
        conditions: a
            .conditions
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.text.clone())
            .collect(),
        principal: a.principal,
        name: a.name,
        kind: a.kind,
        decision: a.decision,
        proof: a.proof,
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

fn has_key(s: &Statement, key: &str) -> bool {
    s.conditions
        .iter()
        .any(|c| c.key.value.eq_ignore_ascii_case(key) && constrains(c))
}

/// Whether a condition limits its key to fixed values or patterns: a
/// positive string or ARN operator, without `IfExists` or `ForAllValues`
/// (both hold when the key is absent).
pub fn constrains(c: &Condition) -> bool {
    let op = c.operator.value;
    !op.if_exists
        && op.qualifier != Some(SetQualifier::ForAllValues)
        && matches!(
            op.family,
            OperatorFamily::StringEquals
                | OperatorFamily::StringEqualsIgnoreCase
                | OperatorFamily::StringLike
                | OperatorFamily::ArnEquals
                | OperatorFamily::ArnLike
        )
}

/// What a `StringLike` pattern on GitHub's `sub` claim admits beyond one
/// repository's chosen refs: `repo:OWNER/REPO:QUALIFIER`.
fn github_pattern(pattern: &str) -> Option<(Severity, String)> {
    let wild = |t: &str| t.contains(['*', '?']);
    let Some(rest) = pattern.strip_prefix("repo:") else {
        return wild(pattern).then(|| {
            (
                Severity::Critical,
                "subjects of any repository in any organization".to_string(),
            )
        });
    };
    let (owner, after) = rest.split_once('/').unwrap_or((rest, ""));
    if wild(owner) {
        return Some((
            Severity::Critical,
            format!("repositories of any organization whose name matches `{owner}`"),
        ));
    }
    let (repo, qualifier) = after.split_once(':').unwrap_or((after, ""));
    if wild(repo) {
        return Some((
            Severity::High,
            format!(
                "every repository of `{owner}` matching `{repo}`, with any branch, environment or pull request"
            ),
        ));
    }
    if wild(qualifier) || (qualifier.is_empty() && wild(after)) {
        return Some((
            Severity::Low,
            format!(
                "every branch, tag, environment and pull request of `{owner}/{repo}` matching `{qualifier}`"
            ),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_patterns_by_reach() {
        assert_eq!(github_pattern("*").map(|p| p.0), Some(Severity::Critical));
        assert_eq!(
            github_pattern("repo:*").map(|p| p.0),
            Some(Severity::Critical)
        );
        assert_eq!(
            github_pattern("repo:acme*/app:*").map(|p| p.0),
            Some(Severity::Critical)
        );
        assert_eq!(
            github_pattern("repo:acme/*").map(|p| p.0),
            Some(Severity::High)
        );
        assert_eq!(
            github_pattern("repo:acme/app:*").map(|p| p.0),
            Some(Severity::Low)
        );
        assert_eq!(github_pattern("repo:acme/app:ref:refs/heads/main"), None);
        assert_eq!(github_pattern("repo:acme/app:environment:prod"), None);
    }
}
