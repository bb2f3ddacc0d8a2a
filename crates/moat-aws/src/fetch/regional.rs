//! One Region's KMS keys, CloudTrail trails and VPC endpoints.

use super::{Clients, answer, error_answer, policy_json};
use crate::answer::{Account, Answer, Kind, Resource, ScopeFailure};
use crate::calls::{self, Call};
use serde_json::{Value as Json, json};

pub async fn read(clients: &Clients, region: &str, id: &str, account: &mut Account) {
    let config = clients.config_in(region);
    kms(&aws_sdk_kms::Client::new(&config), region, account).await;
    trails(&aws_sdk_cloudtrail::Client::new(&config), region, account).await;
    endpoints(clients, region, id, account).await;
}

/// Records a call that failed for a whole Region.
fn scope_failure(account: &mut Account, call: Call, region: &str, failed: Answer) {
    if let Answer::Failed { code, message } | Answer::NotConfigured { code, message } = failed {
        account.failures.push(ScopeFailure {
            call,
            scope: region.to_string(),
            code,
            message,
        });
    }
}

async fn kms(kms: &aws_sdk_kms::Client, region: &str, account: &mut Account) {
    let mut keys = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        account.calls_made += 1;
        match kms.list_keys().set_marker(marker.clone()).send().await {
            Ok(page) => {
                keys.extend(
                    page.keys()
                        .iter()
                        .filter_map(|k| Some((k.key_arn()?.to_string(), k.key_id()?.to_string()))),
                );
                marker = if page.truncated() {
                    page.next_marker().map(str::to_string)
                } else {
                    None
                };
            }
            Err(e) => {
                scope_failure(
                    account,
                    calls::LIST_KEYS,
                    region,
                    error_answer(calls::LIST_KEYS, &e),
                );
                return;
            }
        }
        if marker.is_none() {
            break;
        }
    }
    for (arn, key_id) in keys {
        let mut r = Resource::new(arn, Kind::KmsKey);
        r.answers.push((
            calls::DESCRIBE_KEY,
            answer(
                calls::DESCRIBE_KEY,
                kms.describe_key().key_id(&key_id).send().await,
                |o| {
                    let m = o.key_metadata();
                    json!({"KeyMetadata": {
                        "KeyId": m.map(|m| m.key_id()),
                        "Arn": m.and_then(|m| m.arn()),
                        "KeySpec": m.and_then(|m| m.key_spec()).map(|s| s.as_str()),
                        "Origin": m.and_then(|m| m.origin()).map(|s| s.as_str()),
                        "KeyManager": m.and_then(|m| m.key_manager()).map(|s| s.as_str()),
                        "KeyState": m.and_then(|m| m.key_state()).map(|s| s.as_str()),
                        "MultiRegion": m.and_then(|m| m.multi_region()),
                    }})
                },
            ),
        ));
        r.answers.push((
            calls::GET_KEY_POLICY,
            answer(
                calls::GET_KEY_POLICY,
                kms.get_key_policy()
                    .key_id(&key_id)
                    .policy_name("default")
                    .send()
                    .await,
                |o| json!({"Policy": o.policy().map(policy_json)}),
            ),
        ));
        r.answers.push((
            calls::GET_KEY_ROTATION,
            answer(
                calls::GET_KEY_ROTATION,
                kms.get_key_rotation_status().key_id(&key_id).send().await,
                |o| json!({"KeyRotationEnabled": o.key_rotation_enabled()}),
            ),
        ));
        account.calls_made += 3;
        account.resources.push(r);
    }
}

async fn trails(ct: &aws_sdk_cloudtrail::Client, region: &str, account: &mut Account) {
    account.calls_made += 1;
    // shadow copies of multi-Region trails are left to their home Region
    let list = match ct
        .describe_trails()
        .include_shadow_trails(false)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) => {
            scope_failure(
                account,
                calls::DESCRIBE_TRAILS,
                region,
                error_answer(calls::DESCRIBE_TRAILS, &e),
            );
            return;
        }
    };
    for t in list.trail_list() {
        let Some(arn) = t.trail_arn() else { continue };
        if account.resources.iter().any(|r| r.arn == arn) {
            continue;
        }
        let mut r = Resource::new(arn, Kind::Trail);
        let mut described = json!({
            "Name": t.name(),
            "TrailARN": arn,
            "S3BucketName": t.s3_bucket_name(),
            "IsMultiRegionTrail": t.is_multi_region_trail(),
            "LogFileValidationEnabled": t.log_file_validation_enabled(),
            "HomeRegion": t.home_region(),
        });
        if let Some(k) = t.kms_key_id() {
            described["KmsKeyId"] = json!(k);
        }
        r.answers
            .push((calls::DESCRIBE_TRAILS, Answer::Data(described)));
        r.answers.push((
            calls::GET_TRAIL_STATUS,
            answer(
                calls::GET_TRAIL_STATUS,
                ct.get_trail_status().name(arn).send().await,
                |o| json!({"IsLogging": o.is_logging()}),
            ),
        ));
        r.answers.push((
            calls::GET_EVENT_SELECTORS,
            answer(
                calls::GET_EVENT_SELECTORS,
                ct.get_event_selectors().trail_name(arn).send().await,
                |o| {
                    let basic: Vec<Json> = o
                        .event_selectors()
                        .iter()
                        .map(|s| {
                            json!({
                                "ReadWriteType": s.read_write_type().map(|t| t.as_str()),
                                "IncludeManagementEvents": s.include_management_events(),
                                "DataResources": s.data_resources().iter().map(|d| json!({
                                    "Type": d.r#type(),
                                    "Values": d.values(),
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    let advanced: Vec<Json> = o
                        .advanced_event_selectors()
                        .iter()
                        .map(|s| {
                            let fields: Vec<Json> = s
                                .field_selectors()
                                .iter()
                                .map(|f| {
                                    let mut out = json!({"Field": f.field()});
                                    for (key, values) in [
                                        ("Equals", f.equals()),
                                        ("StartsWith", f.starts_with()),
                                        ("EndsWith", f.ends_with()),
                                        ("NotEquals", f.not_equals()),
                                        ("NotStartsWith", f.not_starts_with()),
                                        ("NotEndsWith", f.not_ends_with()),
                                    ] {
                                        if !values.is_empty() {
                                            out[key] = json!(values);
                                        }
                                    }
                                    out
                                })
                                .collect();
                            json!({"Name": s.name(), "FieldSelectors": fields})
                        })
                        .collect();
                    let mut out = json!({});
                    if !basic.is_empty() {
                        out["EventSelectors"] = json!(basic);
                    }
                    if !advanced.is_empty() {
                        out["AdvancedEventSelectors"] = json!(advanced);
                    }
                    out
                },
            ),
        ));
        account.calls_made += 2;
        account.resources.push(r);
    }
}

async fn endpoints(clients: &Clients, region: &str, id: &str, account: &mut Account) {
    let mut token: Option<String> = None;
    loop {
        account.calls_made += 1;
        let page = match super::ec2::describe_vpc_endpoints(clients, region, token.as_deref()).await
        {
            Ok(p) => p,
            Err(failed) => {
                scope_failure(account, calls::DESCRIBE_VPC_ENDPOINTS, region, failed);
                return;
            }
        };
        for entry in page.endpoints {
            let Some(endpoint_id) = entry["VpcEndpointId"].as_str().map(str::to_string) else {
                continue;
            };
            let owner = entry["OwnerId"].as_str().unwrap_or(id).to_string();
            let mut r = Resource::new(
                format!("arn:aws:ec2:{region}:{owner}:vpc-endpoint/{endpoint_id}"),
                Kind::VpcEndpoint,
            );
            r.answers
                .push((calls::DESCRIBE_VPC_ENDPOINTS, Answer::Data(entry)));
            account.resources.push(r);
        }
        token = page.next;
        if token.is_none() {
            break;
        }
    }
}
