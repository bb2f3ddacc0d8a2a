//! The attributes AWS gives a resource when it is created (`id`, `arn`,
//! `name` when generated), as stand-ins a static reading can compare: the
//! same shapes the CloudFormation reader gives `Ref` and `Fn::GetAtt`, with
//! `000000000000` for the deploying account and `{AWS::Region}` for its
//! Region, and `{address}` for a name AWS or Terraform generates.

use super::values::{self, Val, text};
use crate::cloudformation::resolve::DEFAULT_ACCOUNT;

/// The account and Region the configuration deploys to, when known
/// (`--param AWS::AccountId=...`, the provider's `allowed_account_ids` and
/// `region`); otherwise the stand-ins.
#[derive(Debug, Clone)]
pub struct Env {
    pub account: String,
    pub region: String,
}

impl Default for Env {
    fn default() -> Self {
        Env {
            account: DEFAULT_ACCOUNT.to_string(),
            region: "{AWS::Region}".to_string(),
        }
    }
}
use crate::node_util::get;
use moat_source::Span;
use moat_source::node::NodeValue;

/// Adds the computed attributes of a `rtype` instance at `address` to
/// `attrs` where the configuration does not set them, and returns their
/// names; an attribute neither set nor computed is left out (a reference to
/// it is unknown).
pub fn add(rtype: &str, address: &str, attrs: &mut Val, span: Span, env: &Env) -> Vec<String> {
    let (account, region) = (env.account.as_str(), env.region.as_str());
    let set = |key: &str| get(attrs, key).and_then(text);
    let standin = format!("{{{address}}}");
    let name_or = |key: &str| set(key).unwrap_or_else(|| standin.clone());
    let mut add: Vec<(&str, String)> = Vec::new();
    match rtype {
        "aws_s3_bucket" => {
            let name = name_or("bucket");
            add.push(("id", name.clone()));
            add.push(("bucket", name.clone()));
            add.push(("arn", format!("arn:aws:s3:::{name}")));
            add.push(("bucket_domain_name", format!("{name}.s3.amazonaws.com")));
            add.push((
                "bucket_regional_domain_name",
                format!("{name}.s3.{region}.amazonaws.com"),
            ));
        }
        "aws_s3_directory_bucket" => {
            let name = name_or("bucket");
            add.push(("id", name.clone()));
            add.push(("bucket", name.clone()));
            add.push((
                "arn",
                format!("arn:aws:s3express:{region}:{account}:bucket/{name}"),
            ));
        }
        "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_policy" => {
            let kind = rtype.trim_start_matches("aws_iam_");
            let name = name_or("name");
            let path = set("path").unwrap_or_else(|| "/".into());
            add.push(("id", name.clone()));
            add.push(("name", name.clone()));
            add.push(("arn", format!("arn:aws:iam::{account}:{kind}{path}{name}")));
            if rtype == "aws_iam_role" {
                add.push(("unique_id", standin.clone()));
            }
        }
        "aws_kms_key" => {
            add.push(("id", standin.clone()));
            add.push(("key_id", standin.clone()));
            add.push((
                "arn",
                format!("arn:aws:kms:{region}:{account}:key/{standin}"),
            ));
        }
        "aws_kms_alias" => {
            let name = name_or("name");
            add.push(("id", name.clone()));
            add.push(("arn", format!("arn:aws:kms:{region}:{account}:{name}")));
        }
        "aws_sns_topic" => {
            let name = name_or("name");
            let arn = format!("arn:aws:sns:{region}:{account}:{name}");
            add.push(("id", arn.clone()));
            add.push(("arn", arn));
        }
        "aws_sqs_queue" => {
            let name = name_or("name");
            add.push((
                "id",
                format!("https://sqs.{region}.amazonaws.com/{account}/{name}"),
            ));
            add.push((
                "url",
                format!("https://sqs.{region}.amazonaws.com/{account}/{name}"),
            ));
            add.push(("arn", format!("arn:aws:sqs:{region}:{account}:{name}")));
        }
        "aws_lambda_function" => {
            let name = name_or("function_name");
            add.push(("id", name.clone()));
            add.push((
                "arn",
                format!("arn:aws:lambda:{region}:{account}:function:{name}"),
            ));
        }
        "aws_s3_access_point" => {
            let name = name_or("name");
            let arn = format!("arn:aws:s3:{region}:{account}:accesspoint/{name}");
            add.push(("id", format!("{account}:{name}")));
            add.push(("arn", arn));
        }
        "aws_cloudtrail" => {
            let name = name_or("name");
            add.push(("id", name.clone()));
            add.push((
                "arn",
                format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}"),
            ));
        }
        "aws_caller_identity" => {
            add.push(("account_id", account.to_string()));
            add.push(("id", account.to_string()));
        }
        "aws_region" => {
            add.push(("name", region.to_string()));
            add.push(("region", region.to_string()));
            add.push(("id", region.to_string()));
        }
        "aws_partition" => {
            add.push(("partition", "aws".to_string()));
            add.push(("dns_suffix", "amazonaws.com".to_string()));
            add.push(("id", "aws".to_string()));
        }
        "aws_iam_policy_document" => {
            if get(attrs, "json").is_none() {
                let doc = super::policy_document::build(attrs, span);
                if let NodeValue::Map(list) = &mut attrs.value {
                    list.push((values::str("json", span), doc.clone()));
                    list.push((values::str("minified_json", span), doc));
                }
                return vec!["json".into(), "minified_json".into()];
            }
            return Vec::new();
        }
        // the bucket's configuration resources take the bucket's name as id
        t if t.starts_with("aws_s3_bucket_") => {
            add.push(("id", set("bucket").unwrap_or_else(|| standin.clone())));
        }
        _ => add.push(("id", standin.clone())),
    }
    let mut added = Vec::new();
    if let NodeValue::Map(list) = &mut attrs.value {
        for (key, value) in add {
            if !list.iter().any(|(k, _)| text(k).as_deref() == Some(key)) {
                list.push((values::str(key, span), values::str(value, span)));
                added.push(key.to_string());
            }
        }
    }
    added
}
