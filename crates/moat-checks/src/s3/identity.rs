//! IAM questions the identity and trust checks share: which policy documents
//! a role, user or group has in the template, whether a statement grants S3
//! actions, whether a condition pins a key or requires MFA, and whether an
//! account is the stack's own.

use crate::policy_questions::{covers_action, decided};
use moat_iac::Inventory;
use moat_iac::Value;
use moat_iac::inventory::{Origin, PolicyDoc, Principal, Role};
use moat_policy::document::{Condition, Effect, OperatorFamily, Statement};
use moat_policy::matching::glob_str;

/// The stand-in for the stack's own account (`AWS::AccountId`).
pub const STACK_ACCOUNT: &str = "000000000000";

/// S3 actions a grant is tested against: reading, writing, deleting and
/// changing access, on objects and on buckets.
pub const S3_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration",
    "s3:DeleteBucket",
    "s3:ListAllMyBuckets",
];

/// Whether `account` is the account the stack deploys to.
pub fn own_account(inventory: &Inventory, account: &str) -> bool {
    account == STACK_ACCOUNT || inventory.account.as_deref() == Some(account)
}

/// The account an `AWS` principal names, and whether it names the whole
/// account (`111122223333` or `arn:aws:iam::111122223333:root`).
pub fn principal_account(value: &str) -> Option<(&str, bool)> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some((value, true));
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts[..] {
        ["arn", _, "iam" | "sts", _, account, rest] if account.len() == 12 => {
            Some((account, rest == "root"))
        }
        _ => None,
    }
}

/// The last part of an IAM ARN (`role/x` gives `x`).
pub fn name_of(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Whether a condition limits its key to fixed values (moat-policy's rule).
pub use moat_policy::trust::constrains;

/// The first condition of `statement` that constrains one of `keys`.
pub fn constraint<'a>(statement: &'a Statement, keys: &[&str]) -> Option<&'a Condition> {
    statement
        .conditions
        .iter()
        .find(|c| keys.iter().any(|k| k.eq_ignore_ascii_case(&c.key.value)) && constrains(c))
}

/// Whether an `Allow` statement holds only for MFA-authenticated sessions:
/// `Bool aws:MultiFactorAuthPresent true`, or a numeric upper bound on
/// `aws:MultiFactorAuthAge`, without `IfExists` (absent keys, as with
/// long-term access keys, then fail the condition).
pub fn allow_needs_mfa(statement: &Statement) -> Option<&Condition> {
    statement.conditions.iter().find(|c| {
        let op = c.operator.value;
        if op.if_exists {
            return false;
        }
        if c.key
            .value
            .eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
        {
            return op.family == OperatorFamily::Bool
                && c.values
                    .iter()
                    .all(|v| v.value.eq_ignore_ascii_case("true"));
        }
        c.key.value.eq_ignore_ascii_case("aws:MultiFactorAuthAge")
            && matches!(
                op.family,
                OperatorFamily::NumericLessThan | OperatorFamily::NumericLessThanEquals
            )
    })
}

/// How a `Deny` statement treats requests without MFA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaDeny {
    /// Denies every request without MFA (`BoolIfExists ... false` or `Null ... true`).
    All,
    /// `Bool aws:MultiFactorAuthPresent false`: misses requests signed with
    /// long-term access keys, which carry no MFA key.
    SessionsOnly,
}

/// Whether a `Deny` statement's only conditions deny requests without MFA.
pub fn deny_without_mfa(statement: &Statement) -> Option<MfaDeny> {
    if statement.effect.value != Effect::Deny || statement.conditions.is_empty() {
        return None;
    }
    let mut kind = MfaDeny::All;
    for c in &statement.conditions {
        if !c
            .key
            .value
            .eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
        {
            return None;
        }
        let op = c.operator.value;
        let has = |v: &str| c.values.iter().any(|x| x.value.eq_ignore_ascii_case(v));
        match op.family {
            OperatorFamily::Bool if has("false") && op.if_exists => {}
            OperatorFamily::Bool if has("false") => kind = MfaDeny::SessionsOnly,
            OperatorFamily::Null if has("true") => {}
            _ => return None,
        }
    }
    Some(kind)
}

/// Whether an `Allow` statement grants any S3 action on an S3 resource.
pub fn grants_s3(statement: &Statement) -> bool {
    statement.effect.value == Effect::Allow
        && S3_ACTIONS.iter().any(|a| covers_action(statement, a))
        && statement
            .resource
            .as_ref()
            .is_none_or(|r| r.negated || r.patterns.iter().any(|p| is_s3_pattern(&p.value)))
}

/// Whether a `Resource` pattern can match an S3 bucket or object ARN.
pub fn is_s3_pattern(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    parts.len() >= 3 && parts[0] == "arn" && glob_str(parts[2], "s3")
}

/// The S3 actions (of [`S3_ACTIONS`]) a statement covers.
pub fn s3_actions(statement: &Statement) -> Vec<&'static str> {
    S3_ACTIONS
        .iter()
        .copied()
        .filter(|a| covers_action(statement, a))
        .collect()
}

/// Whether a statement's `Resource` covers every resource (`*`), or every
/// bucket and object (`arn:aws:s3:::*`).
pub fn all_resources(statement: &Statement) -> bool {
    statement.resource.as_ref().is_none_or(|r| {
        if r.negated {
            // `NotResource: "*"` leaves no resource at all
            return !no_resource(statement);
        }
        r.patterns.iter().any(|p| {
            matches!(
                p.value.as_str(),
                "*" | "arn:aws:s3:::*" | "arn:*:s3:::*" | "arn:aws:s3:::*/*"
            )
        })
    })
}

/// Whether the statement applies to no resource: `NotResource` with `*`.
pub fn no_resource(statement: &Statement) -> bool {
    statement
        .resource
        .as_ref()
        .is_some_and(|r| r.negated && r.patterns.iter().any(|p| p.value == "*"))
}

/// The resources of a statement as written, for messages.
pub fn resources_text(statement: &Statement) -> String {
    match &statement.resource {
        None => "`*`".to_string(),
        Some(r) => {
            let list: Vec<String> = r
                .patterns
                .iter()
                .map(|p| format!("`{}`", p.value))
                .collect();
            let list = list.join(", ");
            if r.negated {
                format!("everything but {list}")
            } else {
                list
            }
        }
    }
}

/// A policy document with the resource it is written in.
pub struct Held<'a> {
    pub holder: &'a Origin,
    pub doc: &'a PolicyDoc,
}

/// Every identity policy document of the template: `AWS::IAM::Policy` and
/// `ManagedPolicy`, the inline policies of roles, users and groups, and the
/// policies of SAM functions.
pub fn documents(inventory: &Inventory) -> Vec<Held<'_>> {
    let mut out = Vec::new();
    for p in &inventory.identity_policies {
        out.push(Held {
            holder: &p.origin,
            doc: &p.document,
        });
    }
    for r in &inventory.roles {
        out.extend(r.inline.iter().map(|doc| Held {
            holder: &r.origin,
            doc,
        }));
    }
    for p in inventory.users.iter().chain(&inventory.groups) {
        out.extend(p.inline.iter().map(|doc| Held {
            holder: &p.origin,
            doc,
        }));
    }
    for f in &inventory.functions {
        out.extend(f.policies.iter().map(|doc| Held {
            holder: &f.origin,
            doc,
        }));
    }
    out
}

/// The policies a principal has, as far as the template shows.
#[derive(Default)]
pub struct Policies<'a> {
    pub docs: Vec<Held<'a>>,
    /// Managed policy ARNs whose documents are not in the template.
    pub external: Vec<String>,
    /// Why an attachment cannot be read (a value only the deployment knows).
    pub unknown: Option<String>,
}

impl<'a> Policies<'a> {
    /// The documents' policies, or why one cannot be judged.
    pub fn decided(&self) -> Result<Vec<(&'a Origin, &'a moat_policy::Policy)>, String> {
        if let Some(reason) = &self.unknown {
            return Err(reason.clone());
        }
        self.docs
            .iter()
            .map(|h| decided(h.doc).map(|p| (h.holder, p)))
            .collect()
    }

    /// Whether an external managed policy is one AWS documents as granting S3
    /// actions (by its name: `AmazonS3...`, `AdministratorAccess`, `PowerUserAccess`).
    pub fn external_s3(&self) -> Option<&str> {
        self.external.iter().map(String::as_str).find(|arn| {
            let name = name_of(arn);
            arn.starts_with("arn:aws:iam::aws:policy/")
                && (name.starts_with("AmazonS3")
                    || matches!(name, "AdministratorAccess" | "PowerUserAccess"))
        })
    }

    fn add_managed(&mut self, inventory: &'a Inventory, managed: &'a [Value<String>]) {
        for m in managed {
            match m {
                Value::Known { value, .. } => {
                    let in_template = inventory.identity_policies.iter().find(|p| {
                        !p.arn.is_empty()
                            && !value.contains(":iam::aws:policy/")
                            && name_of(&p.arn) == name_of(value)
                    });
                    match in_template {
                        Some(p) => self.docs.push(Held {
                            holder: &p.origin,
                            doc: &p.document,
                        }),
                        None => self.external.push(value.clone()),
                    }
                }
                Value::Unknown { reason, .. } => {
                    self.unknown
                        .get_or_insert_with(|| format!("a managed policy ARN: {reason}"));
                }
                Value::Absent => {}
            }
        }
    }

    /// `AWS::IAM::Policy` / `ManagedPolicy` resources that attach to `name`
    /// through `list` (their `Roles`, `Users` or `Groups`).
    fn add_attached(
        &mut self,
        inventory: &'a Inventory,
        name: &str,
        list: fn(&moat_iac::inventory::IdentityPolicy) -> &Vec<Value<String>>,
    ) {
        for p in &inventory.identity_policies {
            for v in list(p) {
                match v {
                    Value::Known { value, .. }
                        if name_of(value) == name
                            && !self.docs.iter().any(|h| std::ptr::eq(h.doc, &p.document)) =>
                    {
                        self.docs.push(Held {
                            holder: &p.origin,
                            doc: &p.document,
                        });
                    }
                    Value::Unknown { reason, .. } => {
                        self.unknown.get_or_insert_with(|| {
                            format!(
                                "`{}` attaches to a principal the template does not fix: {reason}",
                                p.origin.logical_id
                            )
                        });
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The identity policies of `role`.
pub fn of_role<'a>(inventory: &'a Inventory, role: &'a Role) -> Policies<'a> {
    let mut out = Policies::default();
    out.docs.extend(role.inline.iter().map(|doc| Held {
        holder: &role.origin,
        doc,
    }));
    out.add_managed(inventory, &role.managed);
    out.add_attached(inventory, name_of(&role.arn), |p| &p.roles);
    out
}

/// The identity policies of `user`, its groups' included.
pub fn of_user<'a>(inventory: &'a Inventory, user: &'a Principal) -> Policies<'a> {
    let mut out = direct(inventory, user, |p| &p.users);
    for g in &user.groups {
        match g {
            Value::Known { value, .. } => {
                let group = inventory
                    .groups
                    .iter()
                    .find(|x| name_of(&x.arn) == name_of(value));
                match group {
                    Some(group) => {
                        let theirs = direct(inventory, group, |p| &p.groups);
                        out.docs.extend(theirs.docs);
                        out.external.extend(theirs.external);
                        if out.unknown.is_none() {
                            out.unknown = theirs.unknown;
                        }
                    }
                    None => {
                        out.unknown.get_or_insert_with(|| {
                            format!("group `{value}` is not in the template")
                        });
                    }
                }
            }
            Value::Unknown { reason, .. } => {
                out.unknown.get_or_insert_with(|| reason.clone());
            }
            Value::Absent => {}
        }
    }
    out
}

/// The policies attached to a user or group itself (not through groups).
pub fn direct<'a>(
    inventory: &'a Inventory,
    principal: &'a Principal,
    list: fn(&moat_iac::inventory::IdentityPolicy) -> &Vec<Value<String>>,
) -> Policies<'a> {
    let mut out = Policies::default();
    out.docs.extend(principal.inline.iter().map(|doc| Held {
        holder: &principal.origin,
        doc,
    }));
    out.add_managed(inventory, &principal.managed);
    out.add_attached(inventory, name_of(&principal.arn), list);
    out
}

/// Whether a condition pins its key to fixed values (no wildcard, no
/// variable): what Security Hub and IAM Access Analyzer accept as limiting.
pub fn pins(c: &Condition) -> bool {
    constrains(c)
        && c.values
            .iter()
            .all(|v| !v.value.contains(['*', '?']) && !v.value.contains("${"))
}

/// The first condition of `statement` that pins one of `keys` to fixed values.
pub fn pinned<'a>(statement: &'a Statement, keys: &[&str]) -> Option<&'a Condition> {
    statement
        .conditions
        .iter()
        .find(|c| keys.iter().any(|k| k.eq_ignore_ascii_case(&c.key.value)) && pins(c))
}

/// The statement's `Action` (or `NotAction`) as written, for messages.
pub fn actions_text(statement: &Statement) -> String {
    let list: Vec<String> = statement
        .action
        .patterns
        .iter()
        .map(|p| format!("`{}`", p.value))
        .collect();
    if statement.action.negated {
        format!("every action but {}", list.join(", "))
    } else {
        list.join(", ")
    }
}

/// What to say after a literal account id that may be the stack's own.
/// Whether `account` is a literal id that may or may not be the stack's own:
/// the user has not said which account the stack deploys to.
pub fn account_undecided(inventory: &Inventory, account: &str) -> bool {
    account != STACK_ACCOUNT && inventory.account.is_none()
}

/// Why a grant to a literal account is undecided.
pub fn undecided_reason(account: &str) -> String {
    format!(
        "the grant to account `{account}` is broad, but whether `{account}` is the stack's own account decides whether it matters; write `${{AWS::AccountId}}` for the own account, or pass `--param AWS::AccountId=...`"
    )
}

pub fn literal_account_note(inventory: &Inventory, account: &str) -> String {
    if inventory.account.is_some() || account == STACK_ACCOUNT {
        String::new()
    } else {
        format!(
            " (a literal account id: if the stack deploys to `{account}`, use `${{AWS::AccountId}}` or pass `--param AWS::AccountId={account}`)"
        )
    }
}

/// Where a statement grants `action`: the first `Action` pattern that covers
/// it, or the `NotAction` key.
pub fn action_span(statement: &Statement, action: &str) -> moat_source::Span {
    if statement.action.negated {
        return statement.action.key_span;
    }
    statement
        .action
        .patterns
        .iter()
        .find(|p| {
            moat_policy::matching::action_matches(
                &p.value.to_ascii_lowercase(),
                &action.to_ascii_lowercase(),
            )
        })
        .map_or(statement.span, |p| p.span)
}

/// An account for messages: the stand-in reads as the stack's own account.
pub fn account_text(account: &str) -> String {
    if account == STACK_ACCOUNT {
        "the stack's own account (`AWS::AccountId`)".to_string()
    } else {
        format!("account `{account}`")
    }
}

/// An `AWS` principal for messages.
pub fn principal_text(value: &str) -> String {
    match principal_account(value) {
        _ if value == "*" => "every principal of every account (`*`)".to_string(),
        Some((account, true)) => format!(
            "every principal of {} that its policies allow",
            account_text(account)
        ),
        Some(_) if value.contains(":user/") => format!("IAM user `{}`", name_of(value)),
        _ => format!("`{value}`"),
    }
}

/// A role's trust policy, or `None` after saying `unknown` (no trust policy
/// in the template, or one holding a value only the deployment knows).
pub fn trust_policy<'a>(
    role: &'a moat_iac::inventory::Role,
    out: &mut crate::Out,
) -> Option<&'a moat_policy::document::Policy> {
    let path = "AssumeRolePolicyDocument";
    let Some(doc) = &role.trust else {
        out.unknown(
            &role.origin,
            None,
            path,
            "the role has no trust policy in the template",
        );
        return None;
    };
    match crate::policy_questions::decided(doc) {
        Ok(p) => Some(p),
        Err(reason) => {
            out.unknown(&role.origin, Some(doc.span), path, reason);
            None
        }
    }
}

/// The worst of a policy's statements for a check: a fail beats a partial,
/// and the first of equals is kept.
#[derive(Default)]
pub struct Worst(Option<(crate::Outcome, String, moat_source::Span)>);

impl Worst {
    pub fn offer(&mut self, outcome: crate::Outcome, message: String, span: moat_source::Span) {
        let replace = self
            .0
            .as_ref()
            .is_none_or(|(w, ..)| outcome == crate::Outcome::Fail && *w != crate::Outcome::Fail);
        if replace {
            self.0 = Some((outcome, message, span));
        }
    }

    /// Says the worst found, or `pass` at `doc_span` when nothing was.
    pub fn say(
        self,
        out: &mut crate::Out,
        origin: &moat_iac::inventory::Origin,
        doc_span: moat_source::Span,
        pass: &str,
    ) {
        match self.0 {
            Some((outcome, message, span)) => out.say(
                origin,
                outcome,
                Some(span),
                "PolicyDocument.Statement",
                message,
            ),
            None => out.pass(origin, Some(doc_span), "PolicyDocument", pass),
        }
    }
}
