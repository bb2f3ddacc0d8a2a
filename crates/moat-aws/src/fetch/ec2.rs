//! EC2 `DescribeVpcEndpoints`, the one EC2 call the scan makes, without
//! aws-sdk-ec2: that crate alone took 340 s of a clean build on two cores
//! (docs/live.md, "Build cost"), for one operation of the EC2 Query API.
//! The request is the documented Query form, signed with the SDK's own
//! SigV4 signer and the scan's credentials; the answer is read with
//! roxmltree; throttling and server errors are retried with backoff as the
//! SDK's standard mode does.

use super::{Clients, MAX_ATTEMPTS, causes};
use crate::answer::Answer;
use crate::calls;
use aws_credential_types::provider::ProvideCredentials;
use serde_json::{Value as Json, json};
use std::time::{Duration, SystemTime};

/// The EC2 API version the Query requests name.
const VERSION: &str = "2016-11-15";

/// A page of endpoints, and the token of the next one.
pub struct Page {
    pub endpoints: Vec<Json>,
    pub next: Option<String>,
}

/// The endpoint of EC2 in `region`: the custom endpoint when one is given,
/// else the Region's in its partition.
fn endpoint(clients: &Clients, region: &str) -> String {
    if let Some(url) = clients.base.endpoint_url() {
        return url.trim_end_matches('/').to_string() + "/";
    }
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://ec2.{region}.{suffix}/")
}

/// One `DescribeVpcEndpoints` page, or the call's error answer.
pub async fn describe_vpc_endpoints(
    clients: &Clients,
    region: &str,
    token: Option<&str>,
) -> Result<Page, Answer> {
    let failed =
        |code: &str, message: String| Answer::error(calls::DESCRIBE_VPC_ENDPOINTS, code, &message);
    let Some(provider) = clients.base.credentials_provider() else {
        return Err(failed(
            "NoCredentials",
            "no credentials are configured".into(),
        ));
    };
    let mut body = format!("Action=DescribeVpcEndpoints&Version={VERSION}");
    if let Some(t) = token {
        body.push_str("&NextToken=");
        body.push_str(&percent_encoding::utf8_percent_encode(t, QUERY).to_string());
    }
    let url = endpoint(clients, region);
    let mut attempt = 1;
    loop {
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| failed("NoCredentials", causes(&e)))?;
        let headers = sign(&url, &body, region, credentials)
            .map_err(|e| failed("ClientError", format!("cannot sign the request: {e}")))?;
        let (url2, body2) = (url.clone(), body.clone());
        let sent = tokio::task::spawn_blocking(move || post(&url2, &body2, &headers))
            .await
            .map_err(|e| failed("ClientError", e.to_string()))?;
        let retry = match &sent {
            Ok((status, text)) => {
                *status >= 500
                    || (*status >= 400
                        && error_of(text).is_some_and(|(code, _)| {
                            matches!(code.as_str(), "RequestLimitExceeded" | "Throttling")
                        }))
            }
            Err(_) => true,
        };
        if retry && attempt < MAX_ATTEMPTS {
            tokio::time::sleep(backoff(attempt)).await;
            attempt += 1;
            continue;
        }
        let (status, text) = sent.map_err(|e| failed("DispatchFailure", e))?;
        return if (200..300).contains(&status) {
            page(&text).map_err(|e| failed("UnreadableAnswer", e))
        } else {
            let (code, message) = error_of(&text)
                .unwrap_or_else(|| (format!("Http{status}"), text.chars().take(300).collect()));
            Err(failed(&code, message))
        };
    }
}

/// Characters a Query value must escape (RFC 3986 unreserved are kept).
const QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Exponential backoff with jitter, capped at 20 s: 1 s, 2 s, 4 s... each
/// between half and all of it.
fn backoff(attempt: u32) -> Duration {
    let full =
        Duration::from_secs(1u64 << attempt.min(5).saturating_sub(1)).min(Duration::from_secs(20));
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    full / 2 + full.mul_f64(f64::from(nanos % 1000) / 2000.0)
}

/// The SigV4 headers for a Query POST of `body` to `url`.
fn sign(
    url: &str,
    body: &str,
    region: &str,
    credentials: aws_credential_types::Credentials,
) -> Result<Vec<(String, String)>, String> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let identity = credentials.into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("ec2")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let host = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default()
        .to_string();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let unsigned = [("host", host.as_str()), ("content-type", content_type)];
    let request = SignableRequest::new(
        "POST",
        url,
        unsigned.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(request, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    let mut headers: Vec<(String, String)> = vec![("content-type".into(), content_type.into())];
    headers.extend(
        instructions
            .headers()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    Ok(headers)
}

/// The status and text of the answer to a POST, or why there is none.
fn post(url: &str, body: &str, headers: &[(String, String)]) -> Result<(u16, String), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut request = agent.post(url);
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let mut response = request.send(body).map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    Ok((status, text))
}

/// `Errors/Error/Code` and `Message` of an EC2 error answer.
fn error_of(text: &str) -> Option<(String, String)> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let error = doc.descendants().find(|n| n.has_tag_name("Error"))?;
    let child = |name: &str| {
        error
            .children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    Some((child("Code"), child("Message")))
}

/// The endpoints of a `DescribeVpcEndpointsResponse`, as the API names
/// their fields, and its `nextToken`.
pub fn page(text: &str) -> Result<Page, String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not XML: {e}"))?;
    let root = doc.root_element();
    if !root.has_tag_name("DescribeVpcEndpointsResponse") {
        return Err(format!(
            "expected DescribeVpcEndpointsResponse, found `{}`",
            root.tag_name().name()
        ));
    }
    let child_text = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    let mut endpoints = Vec::new();
    if let Some(set) = root.children().find(|c| c.has_tag_name("vpcEndpointSet")) {
        for item in set.children().filter(|c| c.has_tag_name("item")) {
            let mut entry = json!({
                "VpcEndpointId": child_text(item, "vpcEndpointId"),
                "VpcEndpointType": child_text(item, "vpcEndpointType"),
                "VpcId": child_text(item, "vpcId"),
                "ServiceName": child_text(item, "serviceName"),
                "OwnerId": child_text(item, "ownerId"),
            });
            if let Some(p) = child_text(item, "policyDocument") {
                entry["PolicyDocument"] = super::policy_json(&p);
            }
            endpoints.push(entry);
        }
    }
    Ok(Page {
        endpoints,
        next: child_text(root, "nextToken").filter(|t| !t.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_read_with_its_policy_and_token() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>r</requestId>
  <vpcEndpointSet>
    <item>
      <vpcEndpointId>vpce-1</vpcEndpointId>
      <vpcEndpointType>Gateway</vpcEndpointType>
      <vpcId>vpc-1</vpcId>
      <serviceName>com.amazonaws.us-east-1.s3</serviceName>
      <policyDocument>{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}</policyDocument>
      <ownerId>111122223333</ownerId>
    </item>
  </vpcEndpointSet>
  <nextToken>t2</nextToken>
</DescribeVpcEndpointsResponse>"#;
        let p = page(xml).unwrap();
        assert_eq!(p.next.as_deref(), Some("t2"));
        assert_eq!(p.endpoints[0]["ServiceName"], "com.amazonaws.us-east-1.s3");
        assert_eq!(
            p.endpoints[0]["PolicyDocument"]["Statement"][0]["Action"],
            "*"
        );
        assert!(page("<Other/>").is_err());
    }

    #[test]
    fn errors_are_read_from_the_answer() {
        let xml = r#"<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized</Message></Error></Errors><RequestID>x</RequestID></Response>"#;
        assert_eq!(
            error_of(xml),
            Some((
                "UnauthorizedOperation".into(),
                "You are not authorized".into()
            ))
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) <= Duration::from_secs(1));
        assert!(backoff(3) >= Duration::from_secs(2));
        assert!(backoff(30) <= Duration::from_secs(20));
    }
}
