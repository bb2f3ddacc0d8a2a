//! S3: the bucket list and every bucket's settings, one call per setting,
//! each answer written as JSON with the API's field names.

use super::{Clients, answer, policy_json};
use crate::answer::{Answer, Kind, Resource};
use crate::calls::{self, Call};
use serde_json::{Value as Json, json};

/// `ListBuckets`, every page: the bucket names with what the list says.
pub async fn list(clients: &Clients) -> Result<Vec<(String, Json)>, Answer> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = clients
            .s3_global
            .list_buckets()
            .set_continuation_token(token.clone())
            .send()
            .await;
        let page = match page {
            Ok(p) => p,
            Err(e) => return Err(super::error_answer(calls::LIST_BUCKETS, &e)),
        };
        for b in page.buckets() {
            if let Some(name) = b.name() {
                let mut entry = json!({"Name": name});
                if let Some(region) = b.bucket_region() {
                    entry["BucketRegion"] = json!(region);
                }
                out.push((name.to_string(), entry));
            }
        }
        token = page.continuation_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The Region of a `GetBucketLocation` answer (`null` is us-east-1, `EU` eu-west-1).
pub fn region_of(location: &Answer) -> Option<String> {
    let Answer::Data(data) = location else {
        return None;
    };
    match data.get("LocationConstraint").and_then(Json::as_str) {
        None | Some("") => Some("us-east-1".to_string()),
        Some("EU") => Some("eu-west-1".to_string()),
        Some(r) => Some(r.to_string()),
    }
}

/// Every setting of bucket `name`, read with the client of its Region.
pub async fn bucket(clients: &Clients, name: String, listed: Json) -> Resource {
    let mut r = Resource::new(format!("arn:aws:s3:::{name}"), Kind::Bucket);
    r.answers.push((calls::LIST_BUCKETS, Answer::Data(listed)));
    let global = &clients.s3_global;
    let location = answer(
        calls::GET_BUCKET_LOCATION,
        global.get_bucket_location().bucket(&name).send().await,
        |o| json!({"LocationConstraint": o.location_constraint().map(|l| l.as_str())}),
    );
    let region = region_of(&location);
    r.answers.push((calls::GET_BUCKET_LOCATION, location));
    let s3 = clients.s3_in(region.as_deref()).await;
    let b = name.as_str();
    let mut push = |call: Call, a: Answer| r.answers.push((call, a));
    push(
        calls::GET_BUCKET_ENCRYPTION,
        answer(
            calls::GET_BUCKET_ENCRYPTION,
            s3.get_bucket_encryption().bucket(b).send().await,
            |o| {
                let rules: Vec<Json> = o
                    .server_side_encryption_configuration()
                    .map(|c| c.rules())
                    .unwrap_or_default()
                    .iter()
                    .map(|rule| {
                        let mut out = json!({});
                        if let Some(d) = rule.apply_server_side_encryption_by_default() {
                            let mut default = json!({"SSEAlgorithm": d.sse_algorithm().as_str()});
                            if let Some(k) = d.kms_master_key_id() {
                                default["KMSMasterKeyID"] = json!(k);
                            }
                            out["ApplyServerSideEncryptionByDefault"] = default;
                        }
                        if let Some(k) = rule.bucket_key_enabled() {
                            out["BucketKeyEnabled"] = json!(k);
                        }
                        out
                    })
                    .collect();
                json!({"ServerSideEncryptionConfiguration": {"Rules": rules}})
            },
        ),
    );
    push(
        calls::GET_BUCKET_VERSIONING,
        answer(
            calls::GET_BUCKET_VERSIONING,
            s3.get_bucket_versioning().bucket(b).send().await,
            |o| {
                let mut out = json!({});
                if let Some(s) = o.status() {
                    out["Status"] = json!(s.as_str());
                }
                if let Some(m) = o.mfa_delete() {
                    out["MFADelete"] = json!(m.as_str());
                }
                out
            },
        ),
    );
    push(
        calls::GET_OBJECT_LOCK,
        answer(
            calls::GET_OBJECT_LOCK,
            s3.get_object_lock_configuration().bucket(b).send().await,
            |o| {
                let Some(c) = o.object_lock_configuration() else {
                    return json!({});
                };
                let mut config = json!({});
                if let Some(e) = c.object_lock_enabled() {
                    config["ObjectLockEnabled"] = json!(e.as_str());
                }
                if let Some(d) = c.rule().and_then(|r| r.default_retention()) {
                    let mut retention = json!({});
                    if let Some(m) = d.mode() {
                        retention["Mode"] = json!(m.as_str());
                    }
                    if let Some(days) = d.days() {
                        retention["Days"] = json!(days);
                    }
                    if let Some(years) = d.years() {
                        retention["Years"] = json!(years);
                    }
                    config["Rule"] = json!({"DefaultRetention": retention});
                }
                json!({"ObjectLockConfiguration": config})
            },
        ),
    );
    push(
        calls::GET_BUCKET_PAB,
        answer(
            calls::GET_BUCKET_PAB,
            s3.get_public_access_block().bucket(b).send().await,
            |o| {
                let c = o.public_access_block_configuration();
                json!({"PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": c.and_then(|c| c.block_public_acls()).unwrap_or(false),
                    "IgnorePublicAcls": c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
                    "BlockPublicPolicy": c.and_then(|c| c.block_public_policy()).unwrap_or(false),
                    "RestrictPublicBuckets": c.and_then(|c| c.restrict_public_buckets()).unwrap_or(false),
                }})
            },
        ),
    );
    push(
        calls::GET_OWNERSHIP,
        answer(
            calls::GET_OWNERSHIP,
            s3.get_bucket_ownership_controls().bucket(b).send().await,
            |o| {
                let rules: Vec<Json> = o
                    .ownership_controls()
                    .map(|c| c.rules())
                    .unwrap_or_default()
                    .iter()
                    .map(|r| json!({"ObjectOwnership": r.object_ownership().as_str()}))
                    .collect();
                json!({"OwnershipControls": {"Rules": rules}})
            },
        ),
    );
    push(
        calls::GET_BUCKET_ACL,
        answer(
            calls::GET_BUCKET_ACL,
            s3.get_bucket_acl().bucket(b).send().await,
            |o| {
                let grants: Vec<Json> = o
                    .grants()
                    .iter()
                    .map(|g| {
                        let mut grantee = json!({});
                        if let Some(ge) = g.grantee() {
                            grantee["Type"] = json!(ge.r#type().as_str());
                            if let Some(u) = ge.uri() {
                                grantee["URI"] = json!(u);
                            }
                            if let Some(id) = ge.id() {
                                grantee["ID"] = json!(id);
                            }
                        }
                        json!({"Grantee": grantee, "Permission": g.permission().map(|p| p.as_str())})
                    })
                    .collect();
                json!({"Owner": {"ID": o.owner().and_then(|w| w.id())}, "Grants": grants})
            },
        ),
    );
    push(
        calls::GET_BUCKET_POLICY,
        answer(
            calls::GET_BUCKET_POLICY,
            s3.get_bucket_policy().bucket(b).send().await,
            |o| json!({"Policy": o.policy().map(policy_json)}),
        ),
    );
    push(
        calls::GET_BUCKET_POLICY_STATUS,
        answer(
            calls::GET_BUCKET_POLICY_STATUS,
            s3.get_bucket_policy_status().bucket(b).send().await,
            |o| json!({"PolicyStatus": {"IsPublic": o.policy_status().and_then(|s| s.is_public())}}),
        ),
    );
    push(
        calls::GET_BUCKET_LOGGING,
        answer(
            calls::GET_BUCKET_LOGGING,
            s3.get_bucket_logging().bucket(b).send().await,
            |o| match o.logging_enabled() {
                Some(l) => json!({"LoggingEnabled": {
                    "TargetBucket": l.target_bucket(),
                    "TargetPrefix": l.target_prefix(),
                }}),
                None => json!({}),
            },
        ),
    );
    push(
        calls::GET_BUCKET_REPLICATION,
        answer(
            calls::GET_BUCKET_REPLICATION,
            s3.get_bucket_replication().bucket(b).send().await,
            |o| {
                let Some(c) = o.replication_configuration() else {
                    return json!({});
                };
                let rules: Vec<Json> = c
                    .rules()
                    .iter()
                    .map(|r| {
                        let mut rule = json!({"ID": r.id(), "Status": r.status().as_str()});
                        if let Some(d) = r.destination() {
                            let mut dest = json!({"Bucket": d.bucket()});
                            if let Some(a) = d.account() {
                                dest["Account"] = json!(a);
                            }
                            if let Some(t) = d.access_control_translation() {
                                dest["AccessControlTranslation"] =
                                    json!({"Owner": t.owner().as_str()});
                            }
                            rule["Destination"] = dest;
                        }
                        rule
                    })
                    .collect();
                json!({"ReplicationConfiguration": {"Role": c.role(), "Rules": rules}})
            },
        ),
    );
    push(
        calls::GET_BUCKET_LIFECYCLE,
        answer(
            calls::GET_BUCKET_LIFECYCLE,
            s3.get_bucket_lifecycle_configuration()
                .bucket(b)
                .send()
                .await,
            |o| json!({"Rules": o.rules().iter().map(lifecycle_rule).collect::<Vec<_>>()}),
        ),
    );
    push(
        calls::GET_BUCKET_NOTIFICATION,
        answer(
            calls::GET_BUCKET_NOTIFICATION,
            s3.get_bucket_notification_configuration()
                .bucket(b)
                .send()
                .await,
            |o| {
                let events = |e: &[aws_sdk_s3::types::Event]| -> Vec<String> {
                    e.iter().map(|e| e.as_str().to_string()).collect()
                };
                let mut out = json!({});
                let topics: Vec<Json> = o
                    .topic_configurations()
                    .iter()
                    .map(|t| json!({"TopicArn": t.topic_arn(), "Events": events(t.events())}))
                    .collect();
                let queues: Vec<Json> = o
                    .queue_configurations()
                    .iter()
                    .map(|q| json!({"QueueArn": q.queue_arn(), "Events": events(q.events())}))
                    .collect();
                let lambdas: Vec<Json> = o
                    .lambda_function_configurations()
                    .iter()
                    .map(|l| {
                        json!({"LambdaFunctionArn": l.lambda_function_arn(), "Events": events(l.events())})
                    })
                    .collect();
                if !topics.is_empty() {
                    out["TopicConfigurations"] = json!(topics);
                }
                if !queues.is_empty() {
                    out["QueueConfigurations"] = json!(queues);
                }
                if !lambdas.is_empty() {
                    out["LambdaFunctionConfigurations"] = json!(lambdas);
                }
                if o.event_bridge_configuration().is_some() {
                    out["EventBridgeConfiguration"] = json!({});
                }
                out
            },
        ),
    );
    push(
        calls::GET_BUCKET_WEBSITE,
        answer(
            calls::GET_BUCKET_WEBSITE,
            s3.get_bucket_website().bucket(b).send().await,
            |o| {
                let mut out = json!({});
                if let Some(r) = o.redirect_all_requests_to() {
                    out["RedirectAllRequestsTo"] = json!({"HostName": r.host_name()});
                }
                if let Some(i) = o.index_document() {
                    out["IndexDocument"] = json!({"Suffix": i.suffix()});
                }
                out
            },
        ),
    );
    push(
        calls::GET_BUCKET_CORS,
        answer(
            calls::GET_BUCKET_CORS,
            s3.get_bucket_cors().bucket(b).send().await,
            |o| {
                let rules: Vec<Json> = o
                    .cors_rules()
                    .iter()
                    .map(|r| {
                        json!({"AllowedOrigins": r.allowed_origins(), "AllowedMethods": r.allowed_methods()})
                    })
                    .collect();
                json!({"CORSRules": rules})
            },
        ),
    );
    push(
        calls::GET_BUCKET_ACCELERATE,
        answer(
            calls::GET_BUCKET_ACCELERATE,
            s3.get_bucket_accelerate_configuration()
                .bucket(b)
                .send()
                .await,
            |o| match o.status() {
                Some(s) => json!({"Status": s.as_str()}),
                None => json!({}),
            },
        ),
    );
    push(
        calls::LIST_INTELLIGENT_TIERING,
        answer(
            calls::LIST_INTELLIGENT_TIERING,
            s3.list_bucket_intelligent_tiering_configurations()
                .bucket(b)
                .send()
                .await,
            |o| {
                let ids: Vec<Json> = o
                    .intelligent_tiering_configuration_list()
                    .iter()
                    .map(|c| json!({"Id": c.id()}))
                    .collect();
                json!({"IntelligentTieringConfigurationList": ids, "IsTruncated": o.is_truncated()})
            },
        ),
    );
    push(
        calls::LIST_INVENTORY,
        answer(
            calls::LIST_INVENTORY,
            s3.list_bucket_inventory_configurations()
                .bucket(b)
                .send()
                .await,
            |o| {
                let ids: Vec<Json> = o
                    .inventory_configuration_list()
                    .iter()
                    .map(|c| json!({"Id": c.id()}))
                    .collect();
                json!({"InventoryConfigurationList": ids, "IsTruncated": o.is_truncated()})
            },
        ),
    );
    push(
        calls::LIST_METRICS,
        answer(
            calls::LIST_METRICS,
            s3.list_bucket_metrics_configurations()
                .bucket(b)
                .send()
                .await,
            |o| {
                let ids: Vec<Json> = o
                    .metrics_configuration_list()
                    .iter()
                    .map(|c| json!({"Id": c.id()}))
                    .collect();
                json!({"MetricsConfigurationList": ids, "IsTruncated": o.is_truncated()})
            },
        ),
    );
    push(
        calls::GET_BUCKET_TAGGING,
        answer(
            calls::GET_BUCKET_TAGGING,
            s3.get_bucket_tagging().bucket(b).send().await,
            |o| {
                let mut tags: Vec<(&str, &str)> =
                    o.tag_set().iter().map(|t| (t.key(), t.value())).collect();
                tags.sort_unstable();
                json!({"TagSet": tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>()})
            },
        ),
    );
    r
}

fn lifecycle_rule(r: &aws_sdk_s3::types::LifecycleRule) -> Json {
    let mut out = json!({"ID": r.id(), "Status": r.status().as_str()});
    #[allow(deprecated)]
    if let Some(p) = r.prefix() {
        out["Prefix"] = json!(p);
    }
    if let Some(f) = r.filter() {
        let mut filter = json!({});
        if let Some(p) = f.prefix() {
            filter["Prefix"] = json!(p);
        }
        if let Some(t) = f.tag() {
            filter["Tag"] = json!({"Key": t.key(), "Value": t.value()});
        }
        if f.and().is_some() {
            filter["And"] = json!({});
        }
        if let Some(n) = f.object_size_greater_than() {
            filter["ObjectSizeGreaterThan"] = json!(n);
        }
        if let Some(n) = f.object_size_less_than() {
            filter["ObjectSizeLessThan"] = json!(n);
        }
        out["Filter"] = filter;
    }
    if let Some(e) = r.expiration() {
        let mut exp = json!({});
        if let Some(d) = e.days() {
            exp["Days"] = json!(d);
        }
        if let Some(d) = e.date() {
            exp["Date"] = json!(d.to_string());
        }
        if let Some(m) = e.expired_object_delete_marker() {
            exp["ExpiredObjectDeleteMarker"] = json!(m);
        }
        out["Expiration"] = exp;
    }
    let transitions: Vec<Json> = r
        .transitions()
        .iter()
        .map(|t| json!({"Days": t.days(), "StorageClass": t.storage_class().map(|s| s.as_str())}))
        .collect();
    if !transitions.is_empty() {
        out["Transitions"] = json!(transitions);
    }
    if let Some(n) = r.noncurrent_version_expiration() {
        out["NoncurrentVersionExpiration"] = json!({"NoncurrentDays": n.noncurrent_days()});
    }
    if let Some(a) = r.abort_incomplete_multipart_upload() {
        out["AbortIncompleteMultipartUpload"] =
            json!({"DaysAfterInitiation": a.days_after_initiation()});
    }
    out
}
