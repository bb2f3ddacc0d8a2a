use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

use super::classification;
use super::public::{Exposure, exposure};

pub static CHECK: Check = Check {
    id: "CHK-S3-026",
    title: "Static website hosting on a bucket not marked as public",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-026", "C-S3-004"],
    proves: &["C-S3-026"],
    security_hub: &[],
    doc: "## What it does\nFails buckets with a `WebsiteConfiguration` whose data-classification tag (see CHK-S3-021) does not mark them as public (a value with the word `public`). The message says whether the bucket is actually readable by everyone today (Moat's public-read analysis, as in CHK-S3-003). Buckets without website hosting pass; a bucket tagged public with website hosting passes with a note.\n\n## Why is this bad?\nThe website endpoint serves only plain HTTP and only content that is publicly readable. On a bucket that is public, every object is served to anyone over HTTP, including objects written there later that were never meant to be published. On a bucket that is not public the endpoint serves only errors, and the configuration is a standing invitation to open the bucket: the next change that relaxes Block Public Access publishes everything.\n\n## Example\n```yaml\nData:\n  Type: AWS::S3::Bucket\n  Properties:\n    WebsiteConfiguration:\n      IndexDocument: index.html\n```\n\n## Remediation\nServe sites from a private bucket through CloudFront with origin access control (HTTPS, security headers, Block Public Access left on), and remove `WebsiteConfiguration`. Keep website hosting only on buckets that hold public content alone, and tag them as such.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteHosting.html\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html\n- https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html",
    recommendation: "Serve web content through CloudFront with origin access control and remove website hosting from the bucket.",
    fix: "# remove WebsiteConfiguration from the bucket and serve it through CloudFront:\nDistribution:\n  Type: AWS::CloudFront::Distribution\n  Properties:\n    DistributionConfig:\n      Enabled: true\n      DefaultRootObject: index.html\n      Origins:\n        - Id: site\n          DomainName: !GetAtt Site.RegionalDomainName\n          OriginAccessControlId: !GetAtt SiteOac.Id\n          S3OriginConfig:\n            OriginAccessIdentity: ''\n      DefaultCacheBehavior:\n        TargetOriginId: site\n        ViewerProtocolPolicy: redirect-to-https\n        CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6",
    cdk: Some(CdkFix {
        typescript: r#"// no websiteIndexDocument: CloudFront serves the site, reading the bucket
// through origin access control
const bucket = new s3.Bucket(this, 'Site');
new cloudfront.Distribution(this, 'Distribution', {
  defaultRootObject: 'index.html',
  defaultBehavior: {
    origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
  },
});"#,
        python: r#"# no website_index_document: CloudFront serves the site, reading the bucket
# through origin access control
bucket = s3.Bucket(self, "Site")
cloudfront.Distribution(
    self,
    "Distribution",
    default_root_object="index.html",
    default_behavior=cloudfront.BehaviorOptions(
        origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
        viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    ),
)"#,
    }),
    terraform: Some(
        r#"# no aws_s3_bucket_website_configuration: CloudFront serves the site, reading
# the bucket through origin access control
resource "aws_cloudfront_origin_access_control" "data" {
  name                              = "data-bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  default_root_object = "index.html"
  origin {
    origin_id                = "site"
    domain_name              = aws_s3_bucket.data.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.data.id
  }
  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = data.aws_cloudfront_cache_policy.optimized.id
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

# the distribution, and only it, reads the objects
data "aws_iam_policy_document" "data" {
  statement {
    sid       = "CloudFrontReads"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.site.arn]
    }
  }
}

# a bucket has one policy: put the statements above into it if it has one
resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.data.json
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        let o = &bucket.origin;
        let path = "WebsiteConfiguration";
        let span = match &bucket.website {
            Value::Absent => {
                out.pass(o, None, path, "no website hosting");
                continue;
            }
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), path, reason);
                continue;
            }
            Value::Known { value, span } if value.redirect_only => {
                out.pass(o, Some(*span), path, "the website endpoint only redirects (`RedirectAllRequestsTo`): it serves no object");
                continue;
            }
            Value::Known { span, .. } => *span,
        };
        if let Value::Unknown { reason, span } = &bucket.tags {
            out.unknown(o, Some(*span), "Tags", reason);
            continue;
        }
        match classification::tag(bucket).map(|t| (&t.key, &t.value)) {
            Some((key, Value::Known { value, .. })) if classification::is_public(value) => {
                out.pass(o, Some(span), path, format!("website hosting on a bucket classified `{value}` by tag `{key}`; the website endpoint serves plain HTTP only"));
                continue;
            }
            Some((key, Value::Unknown { reason, span })) => {
                out.unknown(o, Some(*span), "Tags", format!("whether the bucket is meant to be public depends on its classification tag `{key}`, set at deployment: {reason}"));
                continue;
            }
            _ => {}
        }
        let class = match classification::tag(bucket).and_then(|t| t.value.get()) {
            Some(value) => format!("classified `{value}`"),
            None => "not classified as public".to_string(),
        };
        match exposure(inventory, bucket, false) {
            Exposure::Open(what, _, _) => out.fail(o, Some(span), path, format!("website hosting on a bucket {class}, which anyone can read ({what}): every object is served to everyone over plain HTTP")),
            Exposure::Blocked(_) | Exposure::Closed => out.fail(o, Some(span), path, format!("website hosting on a bucket {class} that is not public: the endpoint serves only errors, and any change that makes the bucket public publishes every object over plain HTTP")),
            Exposure::Unknown(reason, _) => out.unknown(o, Some(span), path, reason),
        }
    }
}
