//! The attributes AWS gives a resource when it is created (`id`, `arn`,
//! `name` when generated), as stand-ins a static reading can compare: the
//! same shapes the CloudFormation reader gives `Ref` and `Fn::GetAtt`, with
//! `000000000000` for the deploying account and `{AWS::Region}` for its
//! Region, and `{address}` for a name AWS or Terraform generates.

use super::values::{self, Val, text};
use crate::cloudformation::resolve::DEFAULT_ACCOUNT;
use crate::node_util::get;
use moat_source::Span;
use moat_source::node::NodeValue;

const REGION: &str = "{AWS::Region}";

/// Adds the computed attributes of a `rtype` instance at `address` to
/// `attrs` where the configuration does not set them, and returns their
/// names; an attribute neither set nor computed is left out (a reference to
/// it is unknown).
pub fn add(rtype: &str, address: &str, attrs: &mut Val, span: Span) -> Vec<String> {
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
                format!("{name}.s3.{REGION}.amazonaws.com"),
            ));
        }
        "aws_s3_directory_bucket" => {
            let name = name_or("bucket");
            add.push(("id", name.clone()));
            add.push(("bucket", name.clone()));
            add.push((
                "arn",
                format!("arn:aws:s3express:{REGION}:{DEFAULT_ACCOUNT}:bucket/{name}"),
            ));
        }
        "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_policy" => {
            let kind = rtype.trim_start_matches("aws_iam_");
            let name = name_or("name");
            let path = set("path").unwrap_or_else(|| "/".into());
            add.push(("id", name.clone()));
            add.push(("name", name.clone()));
            add.push((
                "arn",
                format!("arn:aws:iam::{DEFAULT_ACCOUNT}:{kind}{path}{name}"),
            ));
            if rtype == "aws_iam_role" {
                add.push(("unique_id", standin.clone()));
            }
        }
        "aws_kms_key" => {
            add.push(("id", standin.clone()));
            add.push(("key_id", standin.clone()));
            add.push((
                "arn",
                format!("arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:key/{standin}"),
            ));
        }
        "aws_kms_alias" => {
            let name = name_or("name");
            add.push(("id", name.clone()));
            add.push((
                "arn",
                format!("arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:{name}"),
            ));
        }
        "aws_sns_topic" => {
            let name = name_or("name");
            let arn = format!("arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:{name}");
            add.push(("id", arn.clone()));
            add.push(("arn", arn));
        }
        "aws_sqs_queue" => {
            let name = name_or("name");
            add.push((
                "id",
                format!("https://sqs.{REGION}.amazonaws.com/{DEFAULT_ACCOUNT}/{name}"),
            ));
            add.push((
                "url",
                format!("https://sqs.{REGION}.amazonaws.com/{DEFAULT_ACCOUNT}/{name}"),
            ));
            add.push((
                "arn",
                format!("arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT}:{name}"),
            ));
        }
        "aws_lambda_function" => {
            let name = name_or("function_name");
            add.push(("id", name.clone()));
            add.push((
                "arn",
                format!("arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT}:function:{name}"),
            ));
        }
        "aws_s3_access_point" => {
            let name = name_or("name");
            let arn = format!("arn:aws:s3:{REGION}:{DEFAULT_ACCOUNT}:accesspoint/{name}");
            add.push(("id", format!("{DEFAULT_ACCOUNT}:{name}")));
            add.push(("arn", arn));
        }
        "aws_cloudtrail" => {
            let name = name_or("name");
            add.push(("id", name.clone()));
            add.push((
                "arn",
                format!("arn:aws:cloudtrail:{REGION}:{DEFAULT_ACCOUNT}:trail/{name}"),
            ));
        }
        "aws_caller_identity" => {
            add.push(("account_id", DEFAULT_ACCOUNT.to_string()));
            add.push(("id", DEFAULT_ACCOUNT.to_string()));
        }
        "aws_region" => {
            add.push(("name", REGION.to_string()));
            add.push(("region", REGION.to_string()));
            add.push(("id", REGION.to_string()));
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
