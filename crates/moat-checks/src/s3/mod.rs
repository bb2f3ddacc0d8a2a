//! Checks on S3 deployments, one per file.

pub mod access_logging;
pub mod acls_disabled;
pub mod block_public_access;
pub mod kms_encryption;
pub mod public;
pub mod public_read;
pub mod public_write;
pub mod tls_only;
pub mod versioning;
