//! Policies and requests written back in the exchange shape `moat policy
//! eval` reads, so that every witness can be replayed.

use crate::document::{Condition, Effect, Patterns, Policy, PrincipalKind, Statement};
use crate::evaluate::{Decision, NamedPolicy, OrgLevel, PolicySet};
use crate::request::{Principal, Request};
use serde_json::{Map, Value, json};

fn one_or_many(values: Vec<String>) -> Value {
    match <[String; 1]>::try_from(values) {
        Ok([one]) => Value::String(one),
        Err(values) => Value::Array(values.into_iter().map(Value::String).collect()),
    }
}

fn patterns(p: &Patterns) -> Value {
    one_or_many(p.patterns.iter().map(|s| s.value.clone()).collect())
}

fn conditions(conditions: &[Condition]) -> Value {
    let mut by_operator: Map<String, Value> = Map::new();
    for c in conditions {
        let entry = by_operator
            .entry(c.operator.value.name())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = entry {
            keys.insert(
                c.key.value.clone(),
                one_or_many(c.values.iter().map(|v| v.value.clone()).collect()),
            );
        }
    }
    Value::Object(by_operator)
}

fn statement(s: &Statement) -> Value {
    let mut out = Map::new();
    if let Some(sid) = &s.sid {
        out.insert("Sid".into(), json!(sid.value));
    }
    let effect = match s.effect.value {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    };
    out.insert("Effect".into(), json!(effect));
    if let Some(p) = &s.principal {
        let key = if p.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = if p.entries.len() == 1 && p.entries[0].kind == PrincipalKind::Everyone {
            json!("*")
        } else {
            let mut kinds: Map<String, Value> = Map::new();
            for kind in [
                PrincipalKind::Aws,
                PrincipalKind::Service,
                PrincipalKind::Federated,
                PrincipalKind::CanonicalUser,
            ] {
                let values: Vec<String> = p
                    .entries
                    .iter()
                    .filter(|e| e.kind == kind)
                    .map(|e| e.value.value.clone())
                    .collect();
                if !values.is_empty() {
                    kinds.insert(kind.key().into(), one_or_many(values));
                }
            }
            Value::Object(kinds)
        };
        out.insert(key.into(), value);
    }
    let key = if s.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    out.insert(key.into(), patterns(&s.action));
    if let Some(r) = &s.resource {
        let key = if r.negated { "NotResource" } else { "Resource" };
        out.insert(key.into(), patterns(r));
    }
    if !s.conditions.is_empty() {
        out.insert("Condition".into(), conditions(&s.conditions));
    }
    Value::Object(out)
}

/// The policy as IAM JSON.
pub fn policy_json(policy: &Policy) -> Value {
    let mut out = Map::new();
    if let Some(v) = &policy.version {
        out.insert("Version".into(), json!(v.value));
    }
    if let Some(id) = &policy.id {
        out.insert("Id".into(), json!(id.value));
    }
    out.insert(
        "Statement".into(),
        Value::Array(policy.statements.iter().map(statement).collect()),
    );
    Value::Object(out)
}

fn named(p: &NamedPolicy) -> Value {
    json!({"name": p.name, "policy": policy_json(&p.policy)})
}

fn levels(levels: &[OrgLevel]) -> Value {
    Value::Array(
        levels
            .iter()
            .map(|l| json!({"orgIdentifier": l.id, "policies": l.policies.iter().map(named).collect::<Vec<_>>()}))
            .collect(),
    )
}

/// The request in the exchange shape.
pub fn request_json(request: &Request) -> Value {
    let principal = match &request.principal {
        Principal::Anonymous => json!({"type": "Anonymous"}),
        Principal::Iam(p) => json!(p.arn),
        Principal::Service(name) | Principal::Federated(name) => json!(name),
    };
    let mut context = Map::new();
    for (key, values) in request.context.iter() {
        context.insert(key.to_string(), one_or_many(values.to_vec()));
    }
    let mut resource = Map::new();
    resource.insert("resource".into(), json!(request.resource));
    if let Some(account) = &request.resource_account {
        resource.insert("accountId".into(), json!(account));
    }
    json!({
        "action": request.action,
        "resource": resource,
        "principal": principal,
        "context": context,
    })
}

/// One case: the request, the policies, the decision expected.
pub fn case_json(
    name: &str,
    note: &str,
    request: &Request,
    set: &PolicySet,
    expected: Decision,
) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("note".into(), json!(note));
    out.insert("request".into(), request_json(request));
    out.insert(
        "identityPolicies".into(),
        Value::Array(set.identity.iter().map(named).collect()),
    );
    if let Some(p) = &set.resource {
        out.insert("resourcePolicy".into(), named(p));
    }
    if !set.boundaries.is_empty() {
        out.insert(
            "permissionBoundaries".into(),
            Value::Array(set.boundaries.iter().map(named).collect()),
        );
    }
    if let Some(p) = &set.session {
        out.insert("sessionPolicy".into(), named(p));
    }
    if !set.scps.is_empty() {
        out.insert("serviceControlPolicies".into(), levels(&set.scps));
    }
    if !set.rcps.is_empty() {
        out.insert("resourceControlPolicies".into(), levels(&set.rcps));
    }
    if !set.endpoints.is_empty() {
        out.insert(
            "endpointPolicies".into(),
            Value::Array(set.endpoints.iter().map(named).collect()),
        );
    }
    out.insert("expected".into(), json!({"response": expected.as_str()}));
    Value::Object(out)
}
