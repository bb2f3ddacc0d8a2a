//! Condition keys: their types, whether they carry one value or a set, and
//! which ones a request for a given action can carry. The validator needs
//! these to say "`s3:x-amz-acl` is never present for `s3:GetObject`" and
//! "ForAllValues on a single-valued key"; the evaluator needs the types to
//! compare values the way IAM does.
//!
//! Names compare case-insensitively, as IAM compares condition key names.
//! Some keys are templates: AWS writes `aws:RequestTag/${TagKey}`,
//! `s3:ExistingObjectTag/<key>` or `kms:EncryptionContext:${EncryptionContextKey}`
//! for a family of keys, one per tag key or context key. A policy names a
//! member (`aws:RequestTag/team`), so a template matches any non-empty suffix
//! after the text before its placeholder.

use super::data::index;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The type of a condition key's values, which decides the condition
/// operators that compare it meaningfully (`String*`, `Arn*`, `Bool`, `Date*`,
/// `Numeric*`, `IpAddress`, `BinaryEquals`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyType {
    String,
    Arn,
    Bool,
    Date,
    Numeric,
    IpAddress,
    Binary,
}

impl KeyType {
    /// A base type as the reference writes it (`String`, `ARN`, `Bool`, `Date`,
    /// `Numeric`, `IPAddress`, `Binary`).
    pub fn named(name: &str) -> Option<KeyType> {
        Some(match name {
            "String" => KeyType::String,
            "ARN" => KeyType::Arn,
            "Bool" => KeyType::Bool,
            "Date" => KeyType::Date,
            "Numeric" => KeyType::Numeric,
            "IPAddress" => KeyType::IpAddress,
            "Binary" => KeyType::Binary,
            _ => return None,
        })
    }

    /// A type as the Service Authorization Reference writes it, and whether it
    /// is a list: `ArrayOfString` is a multivalued `String` key.
    pub fn parse(written: &str) -> Option<(KeyType, bool)> {
        match written.strip_prefix("ArrayOf") {
            Some(base) => KeyType::named(base).map(|t| (t, true)),
            None => KeyType::named(written).map(|t| (t, false)),
        }
    }

    /// The name the reference uses.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Bool => "Bool",
            KeyType::Date => "Date",
            KeyType::Numeric => "Numeric",
            KeyType::IpAddress => "IPAddress",
            KeyType::Binary => "Binary",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One condition key (or template of keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// As AWS writes it; a template keeps its placeholder
    /// (`aws:PrincipalTag/${TagKey}`).
    pub name: String,
    /// Its value types, the one AWS names first first. Nearly always one;
    /// `aws:EpochTime` takes date and numeric operators alike.
    pub types: Vec<KeyType>,
    /// Whether a request can carry several values (`aws:TagKeys`,
    /// `aws:PrincipalOrgPaths`): only such keys take `ForAllValues:` and
    /// `ForAnyValue:`, and a plain operator on one compares poorly.
    pub multivalued: bool,
    /// A global condition key (or one of the cross-service keys AWS lists with
    /// them): valid in a statement whatever its actions.
    pub global: bool,
    /// On AWS's list of sensitive keys (account, organization, VPC and VPC
    /// endpoint identities), where a wildcard in the value has no valid use.
    pub sensitive: bool,
}

impl KeyInfo {
    /// The type AWS names first.
    pub fn key_type(&self) -> KeyType {
        self.types.first().copied().unwrap_or(KeyType::String)
    }

    /// Whether the key's values can be compared as `key_type`.
    pub fn accepts(&self, key_type: KeyType) -> bool {
        self.types.contains(&key_type)
    }

    /// Whether the name is a template standing for a family of keys.
    pub fn is_template(&self) -> bool {
        placeholder_at(&self.name).is_some()
    }
}

/// Where a template's placeholder starts (`${TagKey}`, `<key>`), if any.
fn placeholder_at(name: &str) -> Option<usize> {
    match (name.find("${"), name.find('<')) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Every known key, global first, then the services'; looked up by name.
#[derive(Default)]
pub(super) struct Keys {
    /// Sorted by lowercased name; a key's id is its position.
    all: Vec<KeyInfo>,
    /// Lowercased name -> id, templates included under their written name.
    exact: BTreeMap<String, usize>,
    /// Lowercased text before the placeholder -> id, longest first, so that
    /// the most specific template wins.
    templates: Vec<(String, usize)>,
    /// The ids of the global keys.
    global: BTreeSet<usize>,
}

impl Keys {
    /// The global keys take precedence over a service's entry for the same
    /// name (`aws:TagKeys` is in both): the global page is the authority on
    /// `aws:` keys and carries what the service tables lack (multivaluedness
    /// beyond `ArrayOf`, sensitivity).
    pub fn build(
        global: impl IntoIterator<Item = KeyInfo>,
        services: impl IntoIterator<Item = KeyInfo>,
    ) -> Keys {
        let mut by_name: BTreeMap<String, KeyInfo> = BTreeMap::new();
        for key in global.into_iter().chain(services) {
            by_name.entry(key.name.to_lowercase()).or_insert(key);
        }
        let mut keys = Keys::default();
        for (id, (lower, key)) in by_name.into_iter().enumerate() {
            if let Some(at) = placeholder_at(&key.name) {
                keys.templates
                    .push((lower.get(..at).unwrap_or_default().to_string(), id));
            }
            if key.global {
                keys.global.insert(id);
            }
            keys.exact.insert(lower, id);
            keys.all.push(key);
        }
        keys.templates
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        keys
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.all.len()
    }

    /// The id of the key `name` names: the key itself, in any case, or the
    /// template it is a member of.
    pub fn find(&self, name: &str) -> Option<usize> {
        let lower = name.to_lowercase();
        if let Some(&id) = self.exact.get(&lower) {
            return Some(id);
        }
        self.templates
            .iter()
            .find(|(stem, _)| lower.len() > stem.len() && lower.starts_with(stem.as_str()))
            .map(|&(_, id)| id)
    }

    pub fn get(&self, id: usize) -> Option<&KeyInfo> {
        self.all.get(id)
    }

    pub fn global_ids(&self) -> &BTreeSet<usize> {
        &self.global
    }
}

/// The condition key `name` names, if Moat knows it: a global key, a key of a
/// covered service, or a member of a templated key (`aws:PrincipalTag/team`
/// -> `aws:PrincipalTag/${TagKey}`). `None` for a key of a service outside
/// the list as much as for a misspelt one, so a caller warns rather than errs
/// unless the key's prefix is a covered service.
pub fn condition_key(name: &str) -> Option<&'static KeyInfo> {
    let keys = &index().keys;
    keys.find(name).and_then(|id| keys.get(id))
}

/// A set of condition keys, as [`keys_valid_for`] returns it: membership
/// follows IAM's rules (any case, template members).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySet {
    ids: BTreeSet<usize>,
}

impl KeySet {
    /// Whether `name` is one of the keys or a member of one of the templates.
    pub fn contains(&self, name: &str) -> bool {
        index()
            .keys
            .find(name)
            .is_some_and(|id| self.ids.contains(&id))
    }

    /// The keys, sorted by name in any case.
    pub fn iter(&self) -> impl Iterator<Item = &'static KeyInfo> + '_ {
        let keys = &index().keys;
        self.ids.iter().filter_map(|&id| keys.get(id))
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Adds the keys of `other`: the keys valid for a statement with several
    /// actions are those valid for any of them.
    pub fn extend(&mut self, other: &KeySet) {
        self.ids.extend(other.ids.iter().copied());
    }
}

/// The condition keys a request for `action` (`service:Name`, no wildcards,
/// the same case rules as [`super::action`]) can carry: the global keys, the
/// keys the reference lists for the action, and the keys of each resource
/// type it applies to. A key outside this set never matches for the action,
/// which is what Access Analyzer reports as a condition key that is not
/// valid for the statement's actions. `None` when the action is unknown.
pub fn keys_valid_for(action: &str) -> Option<KeySet> {
    let index = index();
    let info = index.action(action)?;
    let keys = &index.keys;
    let mut ids = keys.global_ids().clone();
    let service = index.services.get(info.service());
    let resource_keys = info
        .resource_types
        .iter()
        .filter_map(|row| service?.resource_types.get(&row.name))
        .flat_map(|resource| resource.condition_keys.iter());
    for name in info.condition_keys.iter().chain(resource_keys) {
        if let Some(id) = keys.find(name) {
            ids.insert(id);
        }
    }
    Some(KeySet { ids })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::data::{GLOBAL_KEYS, parse_global};

    fn key(name: &str, types: &[KeyType], multivalued: bool, global: bool) -> KeyInfo {
        KeyInfo {
            name: name.to_string(),
            types: types.to_vec(),
            multivalued,
            global,
            sensitive: false,
        }
    }

    #[test]
    fn types_parse_as_the_reference_writes_them() {
        assert_eq!(KeyType::parse("String"), Some((KeyType::String, false)));
        assert_eq!(
            KeyType::parse("ArrayOfString"),
            Some((KeyType::String, true))
        );
        assert_eq!(KeyType::parse("ARN"), Some((KeyType::Arn, false)));
        assert_eq!(KeyType::parse("ArrayOfARN"), Some((KeyType::Arn, true)));
        assert_eq!(
            KeyType::parse("IPAddress"),
            Some((KeyType::IpAddress, false))
        );
        assert_eq!(KeyType::parse("ArrayOfBool"), Some((KeyType::Bool, true)));
        assert_eq!(KeyType::parse("Binary"), Some((KeyType::Binary, false)));
        assert_eq!(KeyType::parse("string"), None);
        assert_eq!(KeyType::parse("ArrayOf"), None);
        assert_eq!(KeyType::parse("Long"), None);
        for t in [
            KeyType::String,
            KeyType::Arn,
            KeyType::Bool,
            KeyType::Date,
            KeyType::Numeric,
            KeyType::IpAddress,
            KeyType::Binary,
        ] {
            assert_eq!(KeyType::named(t.as_str()), Some(t));
            assert_eq!(t.to_string(), t.as_str());
        }
    }

    #[test]
    fn lookups_ignore_case_and_match_template_members() {
        let keys = Keys::build(
            [key(
                "aws:RequestTag/${TagKey}",
                &[KeyType::String],
                false,
                true,
            )],
            [
                key(
                    "s3:ExistingObjectTag/<key>",
                    &[KeyType::String],
                    false,
                    false,
                ),
                key(
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    &[KeyType::String],
                    false,
                    false,
                ),
                key("kms:EncryptionContextKeys", &[KeyType::String], true, false),
                key("s3:prefix", &[KeyType::String], false, false),
            ],
        );
        let name = |n: &str| {
            keys.find(n)
                .and_then(|id| keys.get(id))
                .map(|k| k.name.as_str())
        };
        assert_eq!(name("s3:prefix"), Some("s3:prefix"));
        assert_eq!(name("S3:PREFIX"), Some("s3:prefix"));
        assert_eq!(
            name("aws:RequestTag/team"),
            Some("aws:RequestTag/${TagKey}")
        );
        assert_eq!(
            name("AWS:requesttag/Team"),
            Some("aws:RequestTag/${TagKey}")
        );
        assert_eq!(
            name("aws:RequestTag/${TagKey}"),
            Some("aws:RequestTag/${TagKey}")
        );
        // A tag key may itself hold slashes and colons.
        assert_eq!(
            name("aws:RequestTag/a/b:c"),
            Some("aws:RequestTag/${TagKey}")
        );
        assert_eq!(
            name("s3:ExistingObjectTag/classification"),
            Some("s3:ExistingObjectTag/<key>")
        );
        assert_eq!(
            name("kms:EncryptionContext:aws:s3:arn"),
            Some("kms:EncryptionContext:${EncryptionContextKey}")
        );
        // Not members: an empty suffix, a different separator, a longer stem.
        assert_eq!(name("aws:RequestTag/"), None);
        assert_eq!(name("aws:RequestTag"), None);
        assert_eq!(name("aws:RequestTags/team"), None);
        assert_eq!(name("s3:ExistingObjectTag"), None);
        // An exact key beats a template whose stem it starts with.
        assert_eq!(
            name("kms:EncryptionContextKeys"),
            Some("kms:EncryptionContextKeys")
        );
        assert_eq!(name("s3:prefixes"), None);
    }

    #[test]
    fn global_entries_win_over_service_entries() {
        let keys = Keys::build(
            [key("aws:TagKeys", &[KeyType::String], true, true)],
            [key("AWS:TAGKEYS", &[KeyType::Arn], false, false)],
        );
        assert_eq!(keys.len(), 1);
        let found = keys.find("aws:tagkeys").and_then(|id| keys.get(id));
        assert!(
            found.is_some_and(|k| k.global && k.multivalued && k.key_type() == KeyType::String)
        );
        assert_eq!(keys.global_ids().len(), 1);
    }

    #[test]
    fn the_longest_template_stem_wins() {
        let keys = Keys::build(
            [],
            [
                key("x:Tag/${TagKey}", &[KeyType::String], false, false),
                key("x:Tag/Special/${Name}", &[KeyType::Arn], false, false),
            ],
        );
        let name = |n: &str| {
            keys.find(n)
                .and_then(|id| keys.get(id))
                .map(|k| k.name.as_str())
        };
        assert_eq!(name("x:tag/special/a"), Some("x:Tag/Special/${Name}"));
        assert_eq!(name("x:tag/other"), Some("x:Tag/${TagKey}"));
        assert_eq!(name("x:tag/special/"), Some("x:Tag/${TagKey}"));
    }

    #[test]
    fn every_global_key_in_the_file_is_loaded_as_global() {
        let file = parse_global(GLOBAL_KEYS).unwrap_or_default();
        assert!(file.len() >= 50, "{}", file.len());
        for entry in &file {
            let info = condition_key(&entry.name);
            assert!(
                info.is_some_and(|k| k.global && k.name == entry.name),
                "{} is not loaded as a global key",
                entry.name
            );
        }
        let keys = &index().keys;
        assert_eq!(keys.global_ids().len(), file.len());
    }

    #[test]
    fn global_keys_have_the_pages_types() {
        let cases = [
            ("aws:SourceIp", KeyType::IpAddress, false),
            ("aws:VpcSourceIp", KeyType::IpAddress, false),
            ("aws:SourceVpce", KeyType::String, false),
            ("aws:SourceArn", KeyType::Arn, false),
            ("aws:PrincipalArn", KeyType::Arn, false),
            ("aws:SecureTransport", KeyType::Bool, false),
            ("aws:MultiFactorAuthPresent", KeyType::Bool, false),
            ("aws:MultiFactorAuthAge", KeyType::Numeric, false),
            ("aws:CurrentTime", KeyType::Date, false),
            ("aws:TokenIssueTime", KeyType::Date, false),
            ("aws:PrincipalOrgPaths", KeyType::String, true),
            ("aws:ResourceOrgPaths", KeyType::String, true),
            ("aws:CalledVia", KeyType::String, true),
            ("aws:TagKeys", KeyType::String, true),
            ("aws:PrincipalServiceNamesList", KeyType::String, true),
            ("ec2:SourceInstanceArn", KeyType::Arn, false),
            ("ec2:RoleDelivery", KeyType::Numeric, false),
        ];
        for (name, key_type, multivalued) in cases {
            let Some(info) = condition_key(name) else {
                panic!("{name} is unknown");
            };
            assert_eq!(info.key_type(), key_type, "{name}");
            assert_eq!(info.multivalued, multivalued, "{name}");
            assert!(info.global, "{name}");
        }
        let epoch = condition_key("aws:EpochTime");
        assert!(epoch.is_some_and(|k| k.accepts(KeyType::Date) && k.accepts(KeyType::Numeric)));
        assert!(condition_key("aws:SourceAccount").is_some_and(|k| k.sensitive));
        assert!(condition_key("aws:SourceIp").is_some_and(|k| !k.sensitive));
    }

    #[test]
    fn templated_global_and_service_keys_resolve() {
        let cases = [
            ("aws:PrincipalTag/department", "aws:PrincipalTag/${TagKey}"),
            ("aws:RequestTag/Team", "aws:RequestTag/${TagKey}"),
            ("aws:ResourceTag/env", "aws:ResourceTag/${TagKey}"),
            (
                "s3:ExistingObjectTag/classification",
                "s3:ExistingObjectTag/<key>",
            ),
            ("s3:RequestObjectTag/owner", "s3:RequestObjectTag/<key>"),
            ("s3:BucketTag/owner", "s3:BucketTag/${TagKey}"),
            (
                "kms:EncryptionContext:aws:s3:arn",
                "kms:EncryptionContext:${EncryptionContextKey}",
            ),
            ("iam:ResourceTag/x", "iam:ResourceTag/${TagKey}"),
            ("ec2:ResourceTag/Name", "ec2:ResourceTag/${TagKey}"),
        ];
        for (member, template) in cases {
            let info = condition_key(member);
            assert!(
                info.is_some_and(|k| k.name == template && k.is_template()),
                "{member}"
            );
        }
        assert!(condition_key("aws:principaltag/Department").is_some());
        assert!(condition_key("aws:PrincipalTag/").is_none());
        assert!(condition_key("aws:PrincipalTag").is_none());
    }

    #[test]
    fn service_keys_carry_their_types_and_case_rules() {
        let acl = condition_key("s3:x-amz-acl");
        assert!(
            acl.is_some_and(|k| !k.global && k.key_type() == KeyType::String && !k.multivalued)
        );
        assert_eq!(condition_key("S3:X-AMZ-ACL"), acl);
        assert!(condition_key("kms:EncryptionContextKeys").is_some_and(|k| k.multivalued));
        assert!(condition_key("s3:max-keys").is_some_and(|k| k.key_type() == KeyType::Numeric));
        assert!(condition_key("kms:ViaService").is_some_and(|k| k.key_type() == KeyType::String));
        // Made up, or of a service outside the list.
        assert!(condition_key("s3:x-amz-nonsense").is_none());
        assert!(condition_key("lambda:FunctionArn").is_none());
        assert!(condition_key("SourceIp").is_none());
        assert!(condition_key("").is_none());
    }

    /// The service tables and the global page agree on the `aws:` keys both
    /// name, and the services name no `aws:` key the page lacks.
    #[test]
    fn service_tables_name_only_known_global_keys() {
        let Ok(document) = crate::actions::data::parse(crate::actions::data::DATA) else {
            panic!("the embedded list does not parse");
        };
        for (prefix, keys) in &document.condition_keys {
            for (name, written) in keys {
                if !name.to_ascii_lowercase().starts_with("aws:") {
                    continue;
                }
                let Some(info) = condition_key(name) else {
                    panic!("{prefix} names {name}, which the global page lacks");
                };
                assert!(info.global, "{name}");
                let parsed = KeyType::parse(written);
                assert!(
                    parsed.is_some_and(|(t, multi)| info.accepts(t) && multi == info.multivalued),
                    "{prefix} says {name} is {written}; the global page says {:?}, multivalued {}",
                    info.types,
                    info.multivalued
                );
            }
        }
    }

    #[test]
    fn keys_valid_for_an_object_read() {
        let Some(valid) = keys_valid_for("s3:GetObject") else {
            panic!("s3:GetObject is unknown");
        };
        // Global keys.
        assert!(valid.contains("aws:SourceIp"));
        assert!(valid.contains("aws:PrincipalOrgID"));
        assert!(valid.contains("aws:PrincipalTag/team"));
        assert!(valid.contains("AWS:SecureTransport"));
        // The action's own keys, in any case, templates by member.
        assert!(valid.contains("s3:ExistingObjectTag/classification"));
        assert!(valid.contains("s3:signatureversion"));
        assert!(valid.contains("S3:TlsVersion"));
        // Keys of its resource types (`object`, `accesspointobject`).
        assert!(valid.contains("s3:BucketTag/owner"));
        assert!(valid.contains("s3:DataAccessPointArn"));
        // Keys of other actions never reach a GetObject request.
        assert!(!valid.contains("s3:x-amz-acl"));
        assert!(!valid.contains("s3:prefix"));
        assert!(!valid.contains("s3:RequestObjectTag/owner"));
        assert!(!valid.contains("kms:ViaService"));
        assert!(!valid.contains("s3:nonsense"));
        let names: Vec<&str> = valid.iter().map(|k| k.name.as_str()).collect();
        assert!(names.contains(&"s3:ExistingObjectTag/<key>"));
        assert_eq!(names.len(), valid.len());
    }

    #[test]
    fn keys_valid_for_follows_each_action() {
        let put = keys_valid_for("s3:putobject");
        assert!(put.as_ref().is_some_and(|k| k.contains("s3:x-amz-acl")
            && k.contains("s3:x-amz-server-side-encryption-aws-kms-key-id")
            && k.contains("s3:RequestObjectTag/owner")
            && !k.contains("s3:ExistingObjectTag/owner")));
        let list = keys_valid_for("s3:ListBucket");
        assert!(list.is_some_and(|k| k.contains("s3:prefix") && k.contains("s3:max-keys")));
        let decrypt = keys_valid_for("kms:Decrypt");
        assert!(decrypt.is_some_and(|k| k.contains("kms:ViaService")
            && k.contains("kms:EncryptionContext:aws:s3:arn")
            && !k.contains("s3:x-amz-acl")));
        let assume = keys_valid_for("sts:AssumeRole");
        assert!(assume.is_some_and(|k| k.contains("sts:ExternalId") && !k.contains("saml:aud")));
        // ec2's per-resource-type row keys count.
        let run = keys_valid_for("ec2:RunInstances");
        assert!(run.is_some_and(|k| k.contains("ec2:ImageType") && k.contains("ec2:Vpc")));
        // Every key set holds at least the global keys.
        let globals = index().keys.global_ids().len();
        assert!(keys_valid_for("s3:ListAllMyBuckets").is_some_and(|k| k.len() >= globals));
        assert!(keys_valid_for("s3:NoSuchAction").is_none());
        assert!(keys_valid_for("s3:Get*").is_none());
        assert!(keys_valid_for("S3:GetObject").is_none());
    }

    #[test]
    fn key_sets_extend() {
        let (Some(mut get), Some(put)) = (
            keys_valid_for("s3:GetObject"),
            keys_valid_for("s3:PutObject"),
        ) else {
            panic!("unknown actions");
        };
        assert!(!get.contains("s3:x-amz-acl"));
        get.extend(&put);
        assert!(get.contains("s3:x-amz-acl") && get.contains("s3:ExistingObjectTag/x"));
        assert!(!get.is_empty());
        assert!(KeySet::default().is_empty());
    }
}
