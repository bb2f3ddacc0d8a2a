//! S3 Control: the account's Block Public Access and each Region's access
//! points with their settings and policies.
//!
//! S3 Control names the account in the host (`{AccountId}.s3-control...`),
//! which its endpoint rules add even to a custom endpoint; an emulator on
//! 127.0.0.1 has no such host. This SDK version has no switch for it (the
//! `disable_host_prefix_injection` setting of other SDKs), so with a custom
//! endpoint the client resolves every call to the endpoint as given
//! ([`AsGiven`]); the account id still travels in the `x-amz-account-id`
//! header, as the API requires.

use super::{Clients, answer, error_answer, policy_json};
use crate::answer::{Account, Answer, Kind, Resource, ScopeFailure};
use crate::calls;
use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};
use serde_json::{Value as Json, json};

#[derive(Debug)]
struct AsGiven(String);

impl ResolveEndpoint for AsGiven {
    fn resolve_endpoint<'a>(&'a self, _params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}

fn client(clients: &Clients, region: &str) -> aws_sdk_s3control::Client {
    let config = clients.config_in(region);
    let mut b = aws_sdk_s3control::config::Builder::from(&config);
    if let Some(url) = config.endpoint_url() {
        b = b.endpoint_resolver(AsGiven(url.to_string()));
    }
    aws_sdk_s3control::Client::from_conf(b.build())
}

fn block_public_access(
    c: Option<&aws_sdk_s3control::types::PublicAccessBlockConfiguration>,
) -> Json {
    json!({
        "BlockPublicAcls": c.and_then(|c| c.block_public_acls()).unwrap_or(false),
        "IgnorePublicAcls": c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
        "BlockPublicPolicy": c.and_then(|c| c.block_public_policy()).unwrap_or(false),
        "RestrictPublicBuckets": c.and_then(|c| c.restrict_public_buckets()).unwrap_or(false),
    })
}

pub async fn account(clients: &Clients, id: &str, regions: &[String], account: &mut Account) {
    let home = regions.first().map_or("us-east-1", String::as_str);
    let control = client(clients, home);
    let mut pab = Resource::new(
        format!("account {id} (S3 Block Public Access)"),
        Kind::AccountPublicAccessBlock,
    );
    pab.answers.push((
        calls::GET_ACCOUNT_PAB,
        answer(
            calls::GET_ACCOUNT_PAB,
            control.get_public_access_block().account_id(id).send().await,
            |o| json!({"PublicAccessBlockConfiguration": block_public_access(o.public_access_block_configuration())}),
        ),
    ));
    account.calls_made += 1;
    account.resources.push(pab);
    for region in regions {
        access_points(&client(clients, region), id, region, account).await;
    }
}

async fn access_points(
    control: &aws_sdk_s3control::Client,
    id: &str,
    region: &str,
    account: &mut Account,
) {
    let mut token: Option<String> = None;
    let mut listed = Vec::new();
    loop {
        account.calls_made += 1;
        let page = control
            .list_access_points()
            .account_id(id)
            .set_next_token(token.clone())
            .send()
            .await;
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                let failure = error_answer(calls::LIST_ACCESS_POINTS, &e);
                if let Answer::Failed { code, message } | Answer::NotConfigured { code, message } =
                    failure
                {
                    account.failures.push(ScopeFailure {
                        call: calls::LIST_ACCESS_POINTS,
                        scope: region.to_string(),
                        code,
                        message,
                    });
                }
                return;
            }
        };
        for ap in page.access_point_list() {
            let mut entry = json!({
                "Name": ap.name(),
                "Bucket": ap.bucket(),
                "NetworkOrigin": ap.network_origin().as_str(),
            });
            if let Some(v) = ap.vpc_configuration() {
                entry["VpcConfiguration"] = json!({"VpcId": v.vpc_id()});
            }
            let arn = ap
                .access_point_arn()
                .map(str::to_string)
                .unwrap_or_else(|| format!("arn:aws:s3:{region}:{id}:accesspoint/{}", ap.name()));
            listed.push((arn, ap.name().to_string(), entry));
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    for (arn, name, entry) in listed {
        let mut r = Resource::new(arn, Kind::AccessPoint);
        r.answers
            .push((calls::LIST_ACCESS_POINTS, Answer::Data(entry)));
        r.answers.push((
            calls::GET_ACCESS_POINT,
            answer(
                calls::GET_ACCESS_POINT,
                control.get_access_point().account_id(id).name(&name).send().await,
                |o| {
                    json!({
                        "Name": o.name(),
                        "Bucket": o.bucket(),
                        "NetworkOrigin": o.network_origin().map(|n| n.as_str()),
                        "PublicAccessBlockConfiguration": block_public_access(o.public_access_block_configuration()),
                    })
                },
            ),
        ));
        r.answers.push((
            calls::GET_ACCESS_POINT_POLICY,
            answer(
                calls::GET_ACCESS_POINT_POLICY,
                control
                    .get_access_point_policy()
                    .account_id(id)
                    .name(&name)
                    .send()
                    .await,
                |o| json!({"Policy": o.policy().map(policy_json)}),
            ),
        ));
        account.calls_made += 2;
        account.resources.push(r);
    }
}
