//! Does NEW grant any access OLD did not ("no new access", `moat policy
//! diff`), and does a policy grant an action at all ("access not granted",
//! `moat policy check-access-not-granted`)? Both are decided exactly, not by
//! sampling: the requests are split into the finitely many classes the two
//! policies can tell apart, and one request of each class is decided by
//! [`evaluate`](crate::evaluate()).
//!
//! # Classes
//!
//! A statement applies to a request when its action, resource, principal and
//! condition elements each match ([`statement::applies`](crate::statement::applies)
//! is that conjunction). Each element looks at one part of the request, so
//! the parts are classed apart, by what they make each statement's element do:
//!
//! - **actions**: every combination of the `Action`/`NotAction` patterns of
//!   both policies that some `service:Name` string matches (the product of
//!   the patterns' automata, so actions not in the IAM list are included),
//!   represented by an action from the IAM list where one fits;
//! - **resources**: likewise for `Resource`/`NotResource`, with the ARN rule
//!   that a wildcard stays within its colon-separated part;
//! - **principals**: each named principal, an unnamed principal of each kind
//!   in each named account and in unnamed ones, anonymous, each named service
//!   and an unnamed one, with the resource's account named or not;
//! - **context**: per condition key, every outcome of its conditions that a
//!   value (string patterns by automaton, numbers and dates by the intervals
//!   between bounds, addresses by the cells of the CIDR ranges), a set of
//!   values, or absence can produce.
//!
//! The evaluator's decision depends on a request only through the caller's
//! class, whether the action needs its resource policy (`sts:AssumeRole*`,
//! `kms:*`), and which statements apply; of those, only whether a `Deny`
//! applies and in which ways the applying `Allow`s name the caller (a
//! twelve-bit summary, see `summary`). For a combination of classes the
//! applying statements are the intersection of the classes' sets. The search
//! visits every realisable combination, combining condition keys by
//! elimination so that keys shared by no open statement cost nothing, and
//! evaluates one request per distinct summary: "no new access" is a proof
//! over all requests, and every witness is a request `evaluate` decides.
//!
//! # How a policy is evaluated alone
//!
//! See [`DiffKind`]: an identity policy is the caller's only identity policy
//! in the resource's account (with a trust or key policy delegating to the
//! account for `sts:AssumeRole*` and `kms:*`); a resource policy is the
//! resource's only resource policy, where a caller from another account is
//! taken to be allowed by its own account's policies (that side is not the
//! owner's to grant) and a caller of the owner's account has no identity
//! policy; an SCP, boundary or session policy limits a caller whose identity
//! policy allows everything; an RCP or endpoint policy sits over policies
//! that allow everything.
//!
//! # The requests
//!
//! Actions are `service:Name` strings (any, not only listed ones); resources
//! are any string; callers are IAM principals, services, identity providers
//! or anonymous; the resource's account is any account. A request carries one
//! value per context key, or several for AWS's multivalued keys and for keys
//! a policy reads with `ForAnyValue:`/`ForAllValues:`. Context keys are
//! independent of the caller, as in the evaluator (which invents no
//! `aws:PrincipalArn`): a witness may name a caller and a context that AWS
//! would not send together.
//!
//! # Limits
//!
//! The answer is "assumed" when it rests on something the classes do not
//! cover exactly: policy variables (tried with a few values, see
//! `assignments`), a condition key compared both as a string and as a
//! number, date or address, or a bound that cannot be written exactly. It is
//! "undecided" when a limit stops the search (`max_evaluations` distinct
//! classes evaluated, sixteen times as many steps combining classes, or
//! `max_states` automaton states): never a silent "no new access". A witness
//! is always proved: it is replayed through `read_cases` and `evaluate`.

mod action_list;
mod actions;
mod assignments;
mod bits;
mod context;
pub mod glob;
mod kind;
mod principals;
mod project;
pub mod render;
mod resources;
mod search;
mod summary;
mod values;

pub use action_list::bundled as bundled_actions;
pub use kind::{DiffKind, KINDS};

use crate::cases::read_cases;
use crate::evaluate::{Decision, Evaluation, NamedPolicy, evaluate};
use crate::request::Request;
use moat_source::SourceFile;
use serde::Serialize;
use serde_json::Value;

/// How to run a comparison.
#[derive(Debug, Clone)]
pub struct Options {
    pub kind: DiffKind,
    /// Witnesses to report at most (the search stops at this many; at least 1).
    pub max_witnesses: usize,
    /// Distinct request classes to evaluate at most before "undecided".
    pub max_evaluations: u64,
    /// States of one product automaton at most before "undecided".
    pub max_states: usize,
    /// The known IAM actions, as `service:Name`; `None` for the vendored list.
    pub actions: Option<Vec<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kind: DiffKind::Identity,
            max_witnesses: 3,
            max_evaluations: 1_000_000,
            max_states: 200_000,
            actions: None,
        }
    }
}

/// How firm the answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decided {
    /// Over every request: a checked witness, or every class found none.
    Proved,
    /// No witness, and the classes are exact under the listed assumptions.
    Assumed,
    /// No witness, and a limit stopped the search before every class was seen.
    Undecided,
}

/// A request NEW allows and OLD does not, checked by the evaluator, with
/// both cases in the exchange shape (`moat policy eval` replays them).
#[derive(Debug, Clone, Serialize)]
pub struct Witness {
    /// The request in the exchange shape.
    pub request: Value,
    /// Whether the action is in the IAM action list (else a future or
    /// unknown action that the patterns admit).
    pub action_known: bool,
    pub new: Evaluation,
    pub old: Evaluation,
    /// The request with NEW's policies, expected `Allowed`.
    pub new_case: Value,
    /// The request with OLD's policies, expected as OLD decides.
    pub old_case: Value,
}

/// What the search looked at.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub principal_classes: usize,
    pub action_classes: usize,
    /// The most resource classes under one variable assignment.
    pub resource_classes: usize,
    pub context_keys: usize,
    pub variable_assignments: usize,
    /// Distinct request classes decided by the evaluator (each twice: OLD and NEW).
    pub evaluations: u64,
    pub combinations: u64,
}

/// The answer.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub kind: DiffKind,
    /// Whether some request is allowed by NEW and not by OLD (for
    /// [`check_access_not_granted`]: whether the policy grants the access);
    /// `None` when undecided.
    pub new_access: Option<bool>,
    pub decided: Decided,
    pub witnesses: Vec<Witness>,
    /// What an "assumed" answer rests on.
    pub assumptions: Vec<String>,
    /// What stopped the search, when it did not finish.
    pub limits: Vec<String>,
    pub stats: Stats,
}

/// A request restricted to some actions or resources (patterns; empty: any).
#[derive(Debug, Clone, Default)]
pub struct Restrict {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// An internal inconsistency (a bug): the classes disagreed with the evaluator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Does `new` grant any request `old` does not?
pub fn diff(old: &NamedPolicy, new: &NamedPolicy, options: &Options) -> Result<Report, Error> {
    compare(old, new, &Restrict::default(), options)
}

/// Does `policy` allow any request for one of `actions` (patterns, e.g.
/// `s3:DeleteBucket`) on one of `resources` (any resource when empty)? The
/// policy is compared with an empty policy of the same kind, so access the
/// setting grants without it (the account root user in its own account) is
/// not counted. `new_access` in the report is "access granted".
pub fn check_access_not_granted(
    policy: &NamedPolicy,
    actions: &[String],
    resources: &[String],
    options: &Options,
) -> Result<Report, Error> {
    let empty = NamedPolicy {
        name: "moat:no-statements".into(),
        policy: kind::empty_policy()
            .ok_or_else(|| Error("internal error: the empty policy does not read".into()))?,
    };
    let restrict = Restrict {
        actions: actions.to_vec(),
        resources: resources.to_vec(),
    };
    compare(&empty, policy, &restrict, options)
}

/// The comparison behind [`diff`] and [`check_access_not_granted`], over the
/// requests `restrict` admits.
pub fn compare(
    old: &NamedPolicy,
    new: &NamedPolicy,
    restrict: &Restrict,
    options: &Options,
) -> Result<Report, Error> {
    let known: &[String] = match &options.actions {
        Some(list) => list,
        None => bundled_actions(),
    };
    let limits = search::Limits {
        max_evaluations: options.max_evaluations,
        max_witnesses: options.max_witnesses,
        max_states: options.max_states,
    };
    let searched =
        search::search(options.kind, old, new, known, restrict, &limits).map_err(Error)?;
    let mut witnesses = Vec::new();
    for (i, found) in searched.found.iter().enumerate() {
        witnesses.push(witness(i + 1, found)?);
    }
    let (new_access, decided) = if !witnesses.is_empty() {
        (Some(true), Decided::Proved)
    } else if !searched.stopped.is_empty() {
        (None, Decided::Undecided)
    } else if !searched.assumed.is_empty() {
        (Some(false), Decided::Assumed)
    } else {
        (Some(false), Decided::Proved)
    };
    Ok(Report {
        kind: options.kind,
        new_access,
        decided,
        witnesses,
        assumptions: searched.assumed,
        limits: searched.stopped,
        stats: searched.stats,
    })
}

fn reason(e: &Evaluation) -> String {
    let statements: Vec<String> = e
        .statements
        .iter()
        .map(|s| format!("`{}` of `{}`", s.statement, s.policy))
        .collect();
    if statements.is_empty() {
        format!("{}: {}", e.decision.as_str(), e.reason)
    } else {
        format!(
            "{}: {} ({})",
            e.decision.as_str(),
            e.reason,
            statements.join(", ")
        )
    }
}

/// Writes the witness as cases, reads them back as `moat policy eval` would,
/// and checks the evaluator's decisions again.
fn witness(n: usize, found: &search::Found) -> Result<Witness, Error> {
    let note = format!("NEW {}; OLD {}", reason(&found.new), reason(&found.old));
    let new_case = render::case_json(
        &format!("witness-{n}-new"),
        &note,
        &found.request,
        &found.new_set,
        Decision::Allowed,
    );
    let old_case = render::case_json(
        &format!("witness-{n}-old"),
        &note,
        &found.request,
        &found.old_set,
        found.old.decision,
    );
    let text = serde_json::to_string(&Value::Array(vec![new_case.clone(), old_case.clone()]))
        .map_err(|e| {
            Error(format!(
                "internal error: witness {n} does not serialise: {e}"
            ))
        })?;
    let (cases, diagnostics) = read_cases(&SourceFile::new(format!("witness-{n}"), text));
    if cases.len() != 2 || diagnostics.iter().any(moat_source::Diagnostic::is_error) {
        return Err(Error(format!(
            "internal error: witness {n} does not read back as cases: {diagnostics:?}"
        )));
    }
    for case in &cases {
        let got = evaluate(&case.request, &case.policies).decision;
        if Some(got) != case.expected {
            return Err(Error(format!(
                "internal error: witness {n} ({}) is {} when replayed, not {:?}",
                case.name,
                got.as_str(),
                case.expected
            )));
        }
    }
    if found.new.decision != Decision::Allowed || found.old.decision == Decision::Allowed {
        return Err(Error(format!(
            "internal error: witness {n} is not new access"
        )));
    }
    Ok(Witness {
        request: render::request_json(&found.request),
        action_known: found.known_action,
        new: found.new.clone(),
        old: found.old.clone(),
        new_case,
        old_case,
    })
}

/// Evaluates `request` against `policy` alone, as the comparison does (see
/// [`DiffKind`]): `None` when a policy of this kind cannot concern the
/// request (a caller it does not apply to, or, for the caller's own
/// policies, a resource in another account).
pub fn evaluate_alone(
    kind: DiffKind,
    policy: &NamedPolicy,
    request: &Request,
) -> Option<Evaluation> {
    if !kind.concerns(&request.principal) {
        return None;
    }
    if kind.owner_is_callers() && request.resource_account.as_deref() != request.principal.account()
    {
        return None;
    }
    let extras = kind::Extras::new()?;
    let set = kind::policy_set(kind, policy, &kind::SetKey::of(request), &extras);
    Some(evaluate(request, &set))
}

/// The request a witness stands for (for callers that want to evaluate it).
pub fn request_of(witness: &Witness) -> Option<Request> {
    let text = serde_json::to_string(&witness.new_case).ok()?;
    let (mut cases, _) = read_cases(&SourceFile::new("witness", text));
    cases.pop().map(|c| c.request)
}
