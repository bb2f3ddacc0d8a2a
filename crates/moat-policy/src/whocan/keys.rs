//! Which condition keys AWS puts in a request's context, for which actions:
//! what decides whether an answer that depends on a key is "proved" or only
//! "assumed".
//!
//! Global keys follow the IAM User Guide's "AWS global condition context
//! keys" page (which keys are always present, which depend on how a request
//! is made, and which the caller writes itself: `aws:Referer` and
//! `aws:UserAgent`, which that page warns can be forged). Service keys follow
//! the Service Authorization Reference; the built-in table ([`BuiltinKeys`])
//! knows Amazon S3, `sts:AssumeRole*` and `iam:PassRole`. A caller with the
//! full action data plugs it in through [`KeyAvailability`].

/// How a condition key is set for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeySupport {
    /// In every request (`aws:SecureTransport`, `aws:PrincipalArn`...).
    Always,
    /// Set for this action, with a value that depends on the request or the
    /// principal (`aws:SourceVpce`, `aws:MultiFactorAuthPresent`, `s3:prefix`
    /// for `s3:ListBucket`): a condition on it is a real requirement.
    Request,
    /// Written by the caller and not checked by AWS (`aws:Referer`,
    /// `aws:UserAgent`): anyone can send any value.
    Spoofable,
    /// The service does not set the key for this action: a statement that
    /// needs it present never applies to the action.
    NotForAction,
    /// Not known here.
    Unknown,
}

/// Where the facts about condition keys come from.
pub trait KeyAvailability {
    /// How `key` (any case) is set for `action` (`service:Name`, any case).
    fn support(&self, action: &str, key: &str) -> KeySupport;
}

/// The built-in knowledge: global keys, Amazon S3's keys, and the keys of
/// `sts:AssumeRole*` and `iam:PassRole`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltinKeys;

/// Global keys present in every signed request.
const ALWAYS: &[&str] = &[
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:requestedregion",
    "aws:viaawsservice",
    "aws:userid",
    "aws:username",
];

/// Global keys whose presence and value depend on the principal or on how
/// the request is made.
const REQUEST: &[&str] = &[
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourcevpcarn",
    "aws:vpcsourceip",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:tokenissuetime",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceidentity",
    "aws:federatedprovider",
    "aws:ec2instancesourcevpc",
    "aws:ec2instancesourceprivateipv4",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:assumedroot",
    "aws:isaccessgrantscaller",
];

const SPOOFABLE: &[&str] = &["aws:referer", "aws:useragent"];

/// Amazon S3 keys S3 sets for (nearly) every S3 action.
const S3_EVERY_ACTION: &[&str] = &[
    "s3:resourceaccount",
    "s3:signatureversion",
    "s3:signatureage",
    "s3:authtype",
    "s3:tlsversion",
    "s3:x-amz-content-sha256",
];

/// Amazon S3 keys S3 sets only for some actions (Service Authorization
/// Reference, "Actions defined by Amazon S3"). A key prefix ending in `/`
/// stands for the tag keys under it.
const S3_BY_ACTION: &[(&str, &[&str])] = &[
    ("s3:prefix", &["ListBucket", "ListBucketVersions"]),
    ("s3:delimiter", &["ListBucket", "ListBucketVersions"]),
    ("s3:max-keys", &["ListBucket", "ListBucketVersions"]),
    (
        "s3:existingobjecttag/",
        &[
            "DeleteObjectTagging",
            "DeleteObjectVersionTagging",
            "GetObject",
            "GetObjectAcl",
            "GetObjectAttributes",
            "GetObjectTagging",
            "GetObjectVersion",
            "GetObjectVersionAcl",
            "GetObjectVersionAttributes",
            "GetObjectVersionTagging",
            "PutObjectAcl",
            "PutObjectTagging",
            "PutObjectVersionAcl",
            "PutObjectVersionTagging",
        ],
    ),
    (
        "s3:versionid",
        &[
            "DeleteObjectVersion",
            "DeleteObjectVersionTagging",
            "GetObjectVersion",
            "GetObjectVersionAcl",
            "GetObjectVersionAttributes",
            "GetObjectVersionTagging",
            "GetObjectVersionTorrent",
            "PutObjectVersionAcl",
            "PutObjectVersionTagging",
        ],
    ),
    (
        "s3:x-amz-server-side-encryption",
        &[
            "BypassGovernanceRetention",
            "PutObject",
            "ReplicateObject",
            "UpdateObjectEncryption",
        ],
    ),
    (
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        &[
            "BypassGovernanceRetention",
            "PutObject",
            "ReplicateObject",
            "UpdateObjectEncryption",
        ],
    ),
    (
        "s3:x-amz-server-side-encryption-customer-algorithm",
        &["BypassGovernanceRetention", "PutObject", "ReplicateObject"],
    ),
    (
        "s3:x-amz-acl",
        &[
            "BypassGovernanceRetention",
            "CreateAccessPoint",
            "CreateBucket",
            "PutBucketAcl",
            "PutObject",
            "PutObjectAcl",
            "PutObjectVersionAcl",
        ],
    ),
    (
        "s3:x-amz-grant-",
        &[
            "BypassGovernanceRetention",
            "CreateBucket",
            "PutBucketAcl",
            "PutObject",
            "PutObjectAcl",
            "PutObjectVersionAcl",
        ],
    ),
    (
        "s3:x-amz-storage-class",
        &[
            "BypassGovernanceRetention",
            "PutObject",
            "PutObjectAcl",
            "PutObjectVersionAcl",
        ],
    ),
    (
        "s3:x-amz-metadata-directive",
        &["BypassGovernanceRetention", "PutObject"],
    ),
    (
        "s3:x-amz-copy-source",
        &["BypassGovernanceRetention", "PutObject"],
    ),
    (
        "s3:x-amz-website-redirect-location",
        &["BypassGovernanceRetention", "PutObject"],
    ),
    (
        "s3:requestobjecttag/",
        &[
            "BypassGovernanceRetention",
            "PutObject",
            "PutObjectTagging",
            "PutObjectVersionTagging",
        ],
    ),
    (
        "s3:requestobjecttagkeys",
        &[
            "BypassGovernanceRetention",
            "PutObject",
            "PutObjectTagging",
            "PutObjectVersionTagging",
        ],
    ),
    (
        "s3:object-lock-legal-hold",
        &["PutObject", "PutObjectLegalHold"],
    ),
    (
        "s3:object-lock-retain-until-date",
        &["PutObject", "PutObjectRetention"],
    ),
    (
        "s3:object-lock-remaining-retention-days",
        &["PutObject", "PutObjectRetention"],
    ),
    ("s3:object-lock-mode", &["PutObject", "PutObjectRetention"]),
    ("s3:if-match", &["DeleteObject", "PutObject"]),
    ("s3:if-none-match", &["PutObject"]),
    (
        "s3:locationconstraint",
        &["CreateAccessPoint", "CreateBucket"],
    ),
    ("s3:x-amz-object-ownership", &["CreateBucket"]),
    // The S3 User Guide delegates bucket access to access points with these
    // two keys on object and listing actions.
    (
        "s3:dataaccesspointarn",
        &[
            "AbortMultipartUpload",
            "DeleteObject",
            "DeleteObjectVersion",
            "GetObject",
            "GetObjectAcl",
            "GetObjectVersion",
            "ListBucket",
            "ListBucketMultipartUploads",
            "ListMultipartUploadParts",
            "PutObject",
            "PutObjectAcl",
        ],
    ),
    (
        "s3:dataaccesspointaccount",
        &[
            "AbortMultipartUpload",
            "DeleteObject",
            "DeleteObjectVersion",
            "GetObject",
            "GetObjectAcl",
            "GetObjectVersion",
            "ListBucket",
            "ListBucketMultipartUploads",
            "ListMultipartUploadParts",
            "PutObject",
            "PutObjectAcl",
        ],
    ),
    (
        "aws:requesttag/",
        &[
            "CreateAccessPoint",
            "CreateBucket",
            "CreateJob",
            "PutJobTagging",
            "TagResource",
        ],
    ),
    (
        "aws:tagkeys",
        &[
            "CreateAccessPoint",
            "CreateBucket",
            "CreateJob",
            "PutJobTagging",
            "TagResource",
            "UntagResource",
        ],
    ),
];

impl KeyAvailability for BuiltinKeys {
    fn support(&self, action: &str, key: &str) -> KeySupport {
        let key = key.to_ascii_lowercase();
        let (service, name) = action.split_once(':').unwrap_or((action, ""));
        let service = service.to_ascii_lowercase();
        if SPOOFABLE.contains(&key.as_str()) {
            return KeySupport::Spoofable;
        }
        if ALWAYS.contains(&key.as_str()) {
            return KeySupport::Always;
        }
        if REQUEST.contains(&key.as_str()) || key.starts_with("aws:principaltag/") {
            return KeySupport::Request;
        }
        match service.as_str() {
            "s3" => s3(name, &key),
            "sts"
                if name.to_ascii_lowercase().starts_with("assumerole")
                    || name.eq_ignore_ascii_case("TagSession") =>
            {
                sts(&key)
            }
            "iam" if name.eq_ignore_ascii_case("PassRole") => match key.as_str() {
                "iam:passedtoservice" | "iam:associatedresourcearn" => KeySupport::Request,
                _ => KeySupport::Unknown,
            },
            _ => KeySupport::Unknown,
        }
    }
}

fn s3(action: &str, key: &str) -> KeySupport {
    if S3_EVERY_ACTION.contains(&key) {
        return KeySupport::Request;
    }
    for (prefix, actions) in S3_BY_ACTION {
        let matches = if prefix.ends_with('/') || prefix.ends_with('-') {
            key.starts_with(prefix)
        } else {
            key == *prefix
        };
        if matches {
            return if actions.iter().any(|a| a.eq_ignore_ascii_case(action)) {
                KeySupport::Request
            } else {
                KeySupport::NotForAction
            };
        }
    }
    // Other S3 keys (Access Grants, Storage Lens, jobs...) and
    // `aws:ResourceTag/*` are not in this table.
    KeySupport::Unknown
}

fn sts(key: &str) -> KeySupport {
    const STS: &[&str] = &[
        "sts:externalid",
        "sts:rolesessionname",
        "sts:sourceidentity",
        "sts:transitivetagkeys",
        "aws:tagkeys",
        "saml:aud",
        "saml:sub",
        "saml:sub_type",
        "saml:iss",
        "saml:namequalifier",
        "saml:edupersonaffiliation",
        "saml:doc",
        "saml:cn",
    ];
    if STS.contains(&key)
        || key.starts_with("aws:requesttag/")
        || key.starts_with("iam:resourcetag/")
    {
        return KeySupport::Request;
    }
    // `<provider>:aud`, `:sub`, `:amr`...: claims of the web identity token.
    if key.contains(".com:") || key.contains(".amazonaws.com:") || key.contains(".io:") {
        return KeySupport::Request;
    }
    KeySupport::Unknown
}

/// Keys a real signed request always has: a witness never leaves them out.
pub(crate) fn always_present(key: &str) -> bool {
    ALWAYS.contains(&key.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_keys_by_action() {
        let k = BuiltinKeys;
        assert_eq!(k.support("s3:ListBucket", "s3:prefix"), KeySupport::Request);
        assert_eq!(
            k.support("s3:GetObject", "s3:prefix"),
            KeySupport::NotForAction
        );
        assert_eq!(
            k.support("s3:GetObject", "s3:ExistingObjectTag/team"),
            KeySupport::Request
        );
        assert_eq!(
            k.support("s3:PutObject", "s3:x-amz-grant-read"),
            KeySupport::Request
        );
        assert_eq!(
            k.support("s3:GetObject", "aws:Referer"),
            KeySupport::Spoofable
        );
        assert_eq!(
            k.support("s3:GetObject", "aws:SecureTransport"),
            KeySupport::Always
        );
        assert_eq!(
            k.support("dynamodb:GetItem", "dynamodb:LeadingKeys"),
            KeySupport::Unknown
        );
        assert_eq!(
            k.support(
                "sts:AssumeRoleWithWebIdentity",
                "token.actions.githubusercontent.com:sub"
            ),
            KeySupport::Request
        );
    }
}
