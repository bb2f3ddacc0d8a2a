//! Every check, in id order.

use crate::check::Check;
use crate::s3;

pub static ALL: &[&Check] = &[
    &s3::access_logging::CHECK,
    &s3::kms_encryption::CHECK,
    &s3::public_read::CHECK,
    &s3::public_write::CHECK,
    &s3::versioning::CHECK,
    &s3::block_public_access::CHECK,
    &s3::tls_only::CHECK,
    &s3::acls_disabled::CHECK,
    &s3::lifecycle_configuration::CHECK,
    &s3::noncurrent_expiration::CHECK,
    &s3::abort_multipart::CHECK,
    &s3::event_notifications::CHECK,
    &s3::cross_region_replication::CHECK,
    &s3::object_lock::CHECK,
    &s3::delete_protection::CHECK,
    &s3::cross_account_sensitive::CHECK,
    &s3::bucket_policy_present::CHECK,
    &s3::policy_allows_all::CHECK,
    &s3::sse_s3_pinned::CHECK,
    &s3::network_restriction::CHECK,
    &s3::classification_tag::CHECK,
    &s3::personal_data_expiry::CHECK,
    &s3::intelligent_tiering::CHECK,
    &s3::request_metrics::CHECK,
    &s3::cors_wildcard::CHECK,
    &s3::website_hosting::CHECK,
    &s3::bucket_key::CHECK,
    &s3::transfer_acceleration::CHECK,
    &s3::object_lock_retention::CHECK,
    &s3::prefix_wildcard::CHECK,
    &s3::hard_coded_region::CHECK,
    &s3::hard_coded_account::CHECK,
    &s3::access_point_block_public_access::CHECK,
    &s3::access_point_network_origin::CHECK,
    &s3::mrap_block_public_access::CHECK,
    &s3::vpc_endpoint_policy::CHECK,
    &s3::trail_data_events::CHECK,
    &s3::trail_log_validation::CHECK,
    &s3::trail_kms::CHECK,
    &s3::trail_multi_region::CHECK,
    &s3::kms_key_rotation::CHECK,
    &s3::kms_key_policy_broad::CHECK,
    &s3::identity_policy_wildcard::CHECK,
    &s3::role_service_trust::CHECK,
    &s3::role_cross_account_trust::CHECK,
    &s3::human_mfa::CHECK,
    &s3::identity_permissions_management::CHECK,
    &s3::user_direct_policies::CHECK,
    &s3::identity_delete_unguarded::CHECK,
    &s3::lambda_permission_s3::CHECK,
    &s3::topic_queue_policy_s3::CHECK,
    &s3::directory_bucket_lifecycle::CHECK,
    &s3::account_block_public_access::CHECK,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// The checks `select` picks (ids or prefixes; all when empty) minus those `ignore` names.
pub fn select(select: &[String], ignore: &[String]) -> Vec<&'static Check> {
    ALL.iter()
        .copied()
        .filter(|c| select.is_empty() || select.iter().any(|s| c.id.starts_with(s.as_str())))
        .filter(|c| !ignore.iter().any(|s| c.id.starts_with(s.as_str())))
        .collect()
}
