//! Looking actions and resource types up by name: is it real, how AWS spells
//! it, what a wildcard pattern covers, what is close to a misspelt one.

use super::data::{ActionInfo, ResourceTypeInfo, Source, index};
use super::names::unqualified;
use moat_source::diag::closest;

/// Everything known about `action` (`service:Name`, no wildcards; the name in
/// any case, the prefix as the reference spells it): its canonical name,
/// access level, resource types with their `required` marks, condition keys
/// and operations. `None` for unknown actions and for patterns; use [`expand`]
/// on a pattern first.
pub fn action(action: &str) -> Option<&'static ActionInfo> {
    index().action(action)
}

/// Whether `action` (`service:Name`, no wildcards) is a real IAM action.
pub fn is_known(action: &str) -> bool {
    index().action(action).is_some()
}

/// The action as AWS spells it (`s3:getobject` -> `s3:GetObject`).
pub fn canonical(action: &str) -> Option<&'static str> {
    index().action(action).map(|a| a.name.as_str())
}

/// The action's access level: `List`, `Read`, `Write`, `Tagging` or
/// `Permissions management`.
pub fn access_level(action: &str) -> Option<&'static str> {
    index().action(action).map(|a| a.access_level.as_str())
}

/// The service prefixes the list covers, sorted.
pub fn services() -> impl Iterator<Item = &'static str> {
    index().services.keys().map(String::as_str)
}

/// Whether the list covers the service `prefix` (exactly as the reference
/// spells it). For a prefix it does not cover, an unknown action or condition
/// key means "cannot check", not "does not exist".
pub fn is_known_service(prefix: &str) -> bool {
    index().services.contains_key(prefix)
}

/// Where the list came from.
pub fn source() -> &'static Source {
    &index().source
}

/// The resource type `name` of `service` (`("s3", "object")`): its ARN formats
/// and the condition keys a request on one can carry.
pub fn resource_type(service: &str, name: &str) -> Option<&'static ResourceTypeInfo> {
    index().services.get(service)?.resource_types.get(name)
}

/// The ARN formats of a resource type, with the reference's placeholders
/// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`), so that a checker
/// can tell which resource types a policy's `Resource` names and whether an
/// action can apply to it at all.
pub fn resource_type_arns(service: &str, name: &str) -> Option<&'static [String]> {
    resource_type(service, name).map(|r| r.arns.as_slice())
}

/// The known actions an IAM action pattern matches, sorted by service prefix and
/// then by name; empty when none match. `*` and `?` are wildcards as in IAM
/// policies (`s3:Get*`, `kms:*`, `*`); the part after the prefix matches
/// case-insensitively, as IAM matches it, the prefix exactly, so that the
/// catalog's files spell prefixes one way (AWS ignores the prefix's case too:
/// an evaluator lowercases it before asking). A statement's `Action` list is
/// the union of its entries' expansions; `NotAction` is every known action
/// but those.
pub fn expand(pattern: &str) -> Vec<&'static str> {
    let index = index();
    let Some((prefix_pattern, name_pattern)) = pattern.split_once(':') else {
        // Without a prefix only `*`, "every action", means anything to IAM.
        return if pattern == "*" {
            index.all_actions().map(|a| a.name.as_str()).collect()
        } else {
            Vec::new()
        };
    };
    let name_pattern = name_pattern.to_ascii_lowercase();
    index
        .services
        .iter()
        .filter(|(prefix, _)| glob_matches(prefix_pattern, prefix))
        .flat_map(|(_, service)| service.actions.iter())
        .filter(|(name, _)| glob_matches(&name_pattern, name))
        .map(|(_, action)| action.name.as_str())
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
        .and_then(|(prefix, name)| Some((&index.services.get(prefix)?.actions, name)));
    match service {
        Some((actions, name)) => {
            let names = actions.values().map(|a| unqualified(&a.name));
            let close = closest(name, names)?;
            actions
                .values()
                .find(|a| unqualified(&a.name) == close)
                .map(|a| a.name.clone())
        }
        None => closest(action, index.all_actions().map(|a| a.name.as_str())).map(str::to_string),
    }
}

/// IAM's wildcard match (`*` any run, `?` one character), case as given:
/// the evaluator's own matcher, so names expand as policies match them.
fn glob_matches(pattern: &str, text: &str) -> bool {
    crate::matching::glob_str(pattern, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_info_for_a_bucket_action() {
        let Some(info) = action("s3:putbucketpolicy") else {
            panic!("s3:PutBucketPolicy is unknown");
        };
        assert_eq!(info.name, "s3:PutBucketPolicy");
        assert_eq!(info.service(), "s3");
        assert_eq!(info.access_level, "Permissions management");
        assert_eq!(info.resource_types.len(), 1);
        assert_eq!(info.resource_types[0].name, "bucket");
        assert!(info.resource_types[0].required);
        assert!(info.requires("bucket"));
        assert!(info.condition_keys.iter().any(|k| k == "s3:TlsVersion"));
        assert_eq!(info.operations, ["PutBucketPolicy"]);
    }

    #[test]
    fn action_info_for_object_and_account_actions() {
        // Either an object or an access point object can be the resource, so
        // AWS's table marks neither required.
        let Some(get) = action("s3:GetObject") else {
            panic!("s3:GetObject is unknown");
        };
        let types: Vec<(&str, bool)> = get
            .resource_types
            .iter()
            .map(|r| (r.name.as_str(), r.required))
            .collect();
        assert_eq!(types, [("accesspointobject", false), ("object", false)]);
        assert!(
            get.condition_keys
                .iter()
                .any(|k| k == "s3:ExistingObjectTag/<key>")
        );
        // No resource-level permissions: only `"Resource": "*"` grants it.
        let list = action("s3:ListAllMyBuckets");
        assert!(list.is_some_and(|a| a.resource_types.is_empty()));
        // Row keys: ec2 lists keys per resource type.
        let run = action("ec2:RunInstances");
        assert!(run.is_some_and(|a| a.requires("image")
            && a.requires("subnet")
            && !a.requires("key-pair")
            && a.resource_types.iter().any(
                |r| r.name == "image" && r.condition_keys.iter().any(|k| k == "ec2:ImageType")
            )
            && a.condition_keys.iter().any(|k| k == "ec2:ImageType")));
    }

    #[test]
    fn action_lookup_case_rules() {
        assert!(action("s3:GETOBJECT").is_some_and(|a| a.name == "s3:GetObject"));
        assert!(action("kms:generatedatakey").is_some_and(|a| a.name == "kms:GenerateDataKey"));
        // The prefix is exact here; see the module documentation.
        assert!(action("S3:GetObject").is_none());
        for pattern in [
            "s3:Get*",
            "s3:GetObjec?",
            "*",
            "s3:",
            ":GetObject",
            "GetObject",
            "",
        ] {
            assert!(action(pattern).is_none(), "{pattern:?}");
        }
    }

    #[test]
    fn services_and_resource_types() {
        assert!(is_known_service("s3"));
        assert!(is_known_service("s3-object-lambda"));
        assert!(is_known_service("ec2"));
        assert!(!is_known_service("S3"));
        assert!(!is_known_service("lambda"));
        assert!(!is_known_service(""));
        assert_eq!(
            resource_type_arns("s3", "object"),
            Some(["arn:${Partition}:s3:::${BucketName}/${ObjectName}".to_string()].as_slice())
        );
        assert_eq!(
            resource_type_arns("s3", "bucket"),
            Some(["arn:${Partition}:s3:::${BucketName}".to_string()].as_slice())
        );
        let key = resource_type("kms", "key");
        assert!(key.is_some_and(|k| {
            k.name == "key"
                && k.arns
                    .iter()
                    .all(|a| a.starts_with("arn:${Partition}:kms:"))
        }));
        let role = resource_type("iam", "role");
        assert!(role.is_some_and(|r| {
            r.condition_keys
                .iter()
                .any(|k| k == "iam:ResourceTag/${TagKey}")
        }));
        assert_eq!(resource_type_arns("s3", "Object"), None);
        assert_eq!(resource_type_arns("s3", "table"), None);
        assert_eq!(resource_type_arns("lambda", "function"), None);
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
            assert_eq!(glob_matches(pattern, text), expected, "{pattern} ~ {text}");
        }
    }
}
