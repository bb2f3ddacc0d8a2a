//! A request as the evaluator sees it: who asks, for what action on which
//! resource, and the request context (condition keys and their values).

use serde::Serialize;

/// The request context. IAM compares key names without regard to case; a key
/// given as a list is multivalued (`aws:TagKeys`), even with one value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Context {
    /// (key in lowercase, key as given, values, multivalued)
    entries: Vec<(String, String, Vec<String>, bool)>,
}

impl Context {
    /// Sets `key` (replacing an earlier value of the same key in any case).
    pub fn insert(&mut self, key: &str, values: Vec<String>, multivalued: bool) {
        let lower = key.to_ascii_lowercase();
        self.entries.retain(|(k, ..)| *k != lower);
        self.entries
            .push((lower, key.to_string(), values, multivalued));
    }

    /// The values of `key`, if the request has it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, ..)| k.eq_ignore_ascii_case(key))
            .map(|(_, _, values, _)| values.as_slice())
    }

    /// The value of a single-valued key (what a policy variable can name).
    pub fn single(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some([value]) => Some(value.as_str()),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keys as given, with their values, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries
            .iter()
            .map(|(_, key, values, _)| (key.as_str(), values.as_slice()))
    }
}

/// Who makes the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Principal {
    /// An unsigned request (S3 allows them where a policy grants to `*`).
    Anonymous,
    /// An IAM identity, by ARN.
    Iam(IamPrincipal),
    /// An AWS service (`cloudtrail.amazonaws.com`) acting with its own
    /// service principal.
    Service(String),
    /// Anything else (an identity provider calling `AssumeRoleWithWebIdentity`,
    /// `cognito-identity.amazonaws.com`, a SAML provider ARN): matched only by a
    /// `Federated` principal naming it.
    Federated(String),
}

/// An IAM principal parsed from its ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IamPrincipal {
    pub arn: String,
    pub partition: String,
    pub account: String,
    pub kind: IamKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum IamKind {
    /// `arn:aws:iam::111122223333:root`.
    Root,
    /// `arn:aws:iam::111122223333:user/path/name`.
    User,
    /// A role's session, `arn:aws:sts::111122223333:assumed-role/Name/session`;
    /// a bare role ARN is read as a session of that role.
    RoleSession { role: String, session: String },
    /// `arn:aws:sts::111122223333:federated-user/name`.
    FederatedUser,
}

impl Principal {
    /// Reads a principal string: an IAM ARN, a service name, or another name.
    pub fn parse(text: &str) -> Result<Principal, String> {
        // SAML and OIDC providers call AssumeRoleWith* as themselves.
        if text.contains(":saml-provider/") || text.contains(":oidc-provider/") {
            return Ok(Principal::Federated(text.to_string()));
        }
        if text.starts_with("arn:") {
            return IamPrincipal::parse(text).map(Principal::Iam);
        }
        if text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn") {
            return Ok(Principal::Service(text.to_string()));
        }
        if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
            return IamPrincipal::parse(&format!("arn:aws:iam::{text}:root")).map(Principal::Iam);
        }
        Ok(Principal::Federated(text.to_string()))
    }

    pub fn account(&self) -> Option<&str> {
        match self {
            Principal::Iam(p) => Some(&p.account),
            _ => None,
        }
    }
}

impl IamPrincipal {
    pub fn parse(arn: &str) -> Result<IamPrincipal, String> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, partition, service, _, account, resource] = parts[..] else {
            return Err(format!("`{arn}` is not an ARN"));
        };
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{arn}` has no 12-digit account id"));
        }
        let kind = match (service, resource.split_once('/')) {
            ("iam", None) if resource == "root" => IamKind::Root,
            ("iam", Some(("user", _))) => IamKind::User,
            ("iam", Some(("role", path))) => {
                let role = path.rsplit('/').next().unwrap_or(path).to_string();
                IamKind::RoleSession {
                    role,
                    session: String::new(),
                }
            }
            ("sts", Some(("assumed-role", rest))) => match rest.split_once('/') {
                Some((role, session)) => IamKind::RoleSession {
                    role: role.to_string(),
                    session: session.to_string(),
                },
                None => return Err(format!("`{arn}` names no session after the role")),
            },
            ("sts", Some(("federated-user", _))) => IamKind::FederatedUser,
            _ => {
                return Err(format!(
                    "`{arn}` is not a principal ARN (root, user, role, assumed-role or federated-user)"
                ));
            }
        };
        Ok(IamPrincipal {
            arn: arn.to_string(),
            partition: partition.to_string(),
            account: account.to_string(),
            kind,
        })
    }

    /// The role's ARN for a session, without its path (which a session ARN
    /// does not carry): what a `Principal` naming the role is compared with.
    pub fn role_name(&self) -> Option<&str> {
        match &self.kind {
            IamKind::RoleSession { role, .. } => Some(role),
            _ => None,
        }
    }
}

/// One request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub principal: Principal,
    /// `service:Action`, e.g. `s3:GetObject`.
    pub action: String,
    /// The resource's ARN (`*` for actions without a resource).
    pub resource: String,
    /// The account that owns the resource; `None` when unknown (then read as
    /// the principal's account).
    pub resource_account: Option<String>,
    pub context: Context,
}

impl Request {
    /// Whether principal and resource are in the same account.
    pub fn same_account(&self) -> bool {
        match (&self.principal, &self.resource_account) {
            (Principal::Iam(p), Some(account)) => p.account == *account,
            (Principal::Iam(_), None) => true,
            _ => false,
        }
    }

    /// The action's service prefix, lowercased.
    pub fn service(&self) -> String {
        self.action
            .split_once(':')
            .map_or(String::new(), |(s, _)| s.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn principals_are_parsed() {
        let p = IamPrincipal::parse("arn:aws:sts::111122223333:assumed-role/Admin/alice").unwrap();
        assert_eq!(p.role_name(), Some("Admin"));
        let p = IamPrincipal::parse("arn:aws:iam::111122223333:role/team/Admin").unwrap();
        assert_eq!(p.role_name(), Some("Admin"));
        assert!(matches!(
            Principal::parse("s3.amazonaws.com").unwrap(),
            Principal::Service(_)
        ));
        assert!(IamPrincipal::parse("arn:aws:s3:::bucket").is_err());
    }

    #[test]
    fn context_keys_ignore_case() {
        let mut c = Context::default();
        c.insert("aws:SourceIp", vec!["10.0.0.1".into()], false);
        assert_eq!(c.single("AWS:sourceip"), Some("10.0.0.1"));
    }
}
