#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The catalog as one HTML page: a snapshot of a tiny catalog, escaping of
//! hostile catalog text, and every id of the built-in catalog (and of
//! TrustOnCloud's S3 ThreatModel, when `../shared` beside the repository holds it) as an anchor.

use moat_catalog::{Catalog, load_str};
use moat_report::catalog_html;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A feature class, two threats, two controls and a framework, in our own words.
const TINY: &str = r#"feature_classes:
  - id: FC-S3-OBJECT
    name: Objects
    service: s3
    description: >-
      Reading and writing objects, see `GetObject` and [the guide](https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingObjects.html).
    actions: [s3:GetObject, s3:PutObject]
    trustoncloud: [S3.FC1]
    references: [https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingObjects.html]
threats:
  - id: T-S3-901
    name: Objects read over plain HTTP
    stride: information_disclosure
    feature_class: FC-S3-OBJECT
    description: >-
      A client that calls the S3 endpoint without TLS exposes object data to anyone on the path.
    example: >-
      A legacy job runs `aws s3 cp` against an `http://` endpoint.
    likelihood: 2
    impact: 4
    applies_to: [dataflow]
    applies_when: 'sink.service == "s3" && !target.controls.isEncrypted'
    access:
      UNIQUE: s3:GetObject
    mitre_attack: [T1040]
    trustoncloud: [S3.T34]
    references: [https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html]
  - id: T-S3-902
    name: Objects overwritten by a broad writer
    stride: tampering
    feature_class: FC-S3-OBJECT
    description: A principal with *more* write access than it needs replaces objects.
    likelihood: 4
    impact: 5
    applies_to: [datastore]
    access:
      AND: [s3:PutObject, {OPTIONAL: s3:PutObjectAcl}]
controls:
  - id: C-S3-901
    name: Deny requests that do not use TLS
    objective: Only encrypted connections reach the bucket.
    feature_classes: [FC-S3-OBJECT]
    type: preventive
    effort: low
    implementation:
      description: >-
        Add a bucket policy statement that denies `s3:*` when `aws:SecureTransport` is false.
      cloudformation: |
        Resources:
          Policy:
            Type: AWS::S3::BucketPolicy
      terraform: |
        resource "aws_s3_bucket_policy" "tls_only" {}
    testing:
      description: A request over HTTP must be denied.
      commands:
        - aws s3api get-bucket-policy --bucket my-bucket
    actions: [s3:PutBucketPolicy]
    mitigates:
      - {threat: T-S3-901, impact: full}
    assured_by: [C-S3-902]
    compliance:
      aws-securityhub: [S3.5]
      trustoncloud: [S3.C6]
    references: [https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html]
  - id: C-S3-902
    name: Alert on bucket policy changes
    objective: Someone hears about every bucket policy change.
    feature_classes: [FC-S3-OBJECT]
    type: detective
    effort: medium
    implementation:
      description: An EventBridge rule matches PutBucketPolicy events.
    testing:
      description: Change a test bucket policy and wait for the alert.
    mitigates:
      - {threat: T-S3-902, impact: low}
      - {threat: T-S3-901, impact: low}
    depends_on: [C-S3-901]
framework:
  id: aws-securityhub
  name: AWS Security Hub controls for Amazon S3
  version: "2025"
  url: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html
  requirements:
    - id: S3.5
      title: Buckets require TLS
      severity: medium
    - id: S3.9
      title: Server access logging turned on
      severity: medium
"#;

fn load(name: &str, text: &str) -> Catalog {
    let (catalog, diagnostics) = load_str(name, text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let mut catalog = catalog.unwrap();
    let diagnostics = catalog.link();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    catalog
}

/// The values of `attr="..."` in the page, in order.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Every `id` is unique and every in-page link lands on one.
fn assert_links_resolve(html: &str) -> BTreeSet<&str> {
    let mut ids = BTreeSet::new();
    for id in attribute_values(html, "id") {
        assert!(ids.insert(id), "duplicate id {id:?}");
    }
    for href in attribute_values(html, "href") {
        if let Some(target) = href.strip_prefix('#') {
            assert!(ids.contains(target), "dangling link {href:?}");
        } else {
            assert!(
                href.starts_with("https://") || href.starts_with("http://"),
                "{href:?}"
            );
        }
    }
    ids
}

/// Nothing is fetched: no external scripts, styles, images, fonts or frames.
fn assert_self_contained(html: &str) {
    // catalog text is escaped, so any tag here is the page's own
    for needle in [
        "<link", "<img", "<iframe", "<object", "<embed", "<source", "<audio", "<video",
    ] {
        assert!(
            !html.contains(needle),
            "the page fetches something: {needle}"
        );
    }
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script>\n"));
    assert_eq!(html.matches("<style>").count(), 1);
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    for needle in ["@import", "url(", "http"] {
        assert!(
            !style.contains(needle),
            "the style fetches something: {needle}"
        );
    }
    let script = &html[html.find("<script>").unwrap()..html.find("</script>").unwrap()];
    for needle in ["fetch(", "XMLHttpRequest", "http", "import(", "src"] {
        assert!(
            !script.contains(needle),
            "the script fetches something: {needle}"
        );
    }
    assert!(html.starts_with("<!DOCTYPE html>\n") && html.ends_with("</html>\n"));
    assert_balanced(body(html));
}

/// Every tag the page opens is closed in order: catalog text, escaped, adds none.
fn assert_balanced(html: &str) {
    const VOID: [&str; 4] = ["meta", "input", "br", "hr"];
    let mut stack: Vec<&str> = Vec::new();
    for (at, _) in html.match_indices('<') {
        let tag = &html[at + 1..];
        let end = tag.find(['>', ' ']).unwrap();
        let name = &tag[..end];
        if let Some(closing) = name.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(closing), "at byte {at}");
        } else if !VOID.contains(&name) {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

/// The page between the header and the script: what the catalog decides.
fn body(html: &str) -> &str {
    let start = html.find("<header").unwrap();
    let end = html.find("<script>").unwrap();
    &html[start..end]
}

#[test]
fn tiny_catalog() {
    let catalog = load("tiny.yaml", TINY);
    let html = catalog_html(&catalog, "Tiny <catalog>");
    assert_self_contained(&html);
    let ids = assert_links_resolve(&html);
    for id in [
        "C-S3-901",
        "C-S3-902",
        "T-S3-901",
        "T-S3-902",
        "FC-S3-OBJECT",
        "aws-securityhub",
        "aws-securityhub:S3.5",
    ] {
        assert!(ids.contains(id), "{id}");
    }
    assert!(html.contains("<title>Tiny &lt;catalog&gt;</title>"));
    // highest priority first: C-S3-901 mitigates a medium threat fully at low effort
    assert!(html.find("id=\"C-S3-901\"").unwrap() < html.find("id=\"C-S3-902\"").unwrap());
    insta::assert_snapshot!(body(&html));
}

#[test]
fn catalog_text_is_escaped_and_only_web_urls_link() {
    let hostile = TINY
        .replace(
            "Objects read over plain HTTP",
            "<script>alert('name')</script>",
        )
        .replace(
            "A principal with *more* write access",
            "<img src=x onerror=alert(1)> & \"quoted\" access",
        )
        .replace(
            "Deny requests that do not use TLS",
            "</script><script>alert(2)</script>",
        )
        .replace("Type: AWS::S3::BucketPolicy", "Type: \"</code></pre><b>\"");
    let mut catalog = load("hostile.yaml", &hostile);
    catalog.sources.push("<script>source</script>".to_string());
    let control = &mut catalog.controls[0];
    control.references.extend([
        "javascript:alert(3)".to_string(),
        "data:text/html,<b>".to_string(),
    ]);
    control.objective = "[click](javascript:alert(4)) and [ok](https://example.com/\"x)".into();
    control
        .compliance
        .insert("<fw>".to_string(), vec!["<req onclick=x>".to_string()]);
    catalog.threats[1].threat.mitre_attack = vec!["\"><u>x</u>".to_string()];
    // Markdown that would fetch, run or inject something: shown as text
    catalog.feature_classes[0].description = "<div onclick=x>\n\n![i](https://e.com/i.png) \
        <https://e.com/ok> <javascript:alert(5)> [r][ref]\n\n[ref]: javascript:alert(6)\n\n***\n\n\
        1. one\n2. `<two>`"
        .to_string();
    // ids that are the page's own element ids get other anchors
    catalog.feature_classes[0].id = "status".to_string();
    catalog.threats[1].threat.id = "sec-controls".to_string();

    let html = catalog_html(&catalog, "<script>title</script>");
    assert_self_contained(&html);
    assert_links_resolve(&html);
    for raw in [
        "<script>alert",
        "<script>title",
        "<script>source",
        "</script><script>",
        "<img",
        "onerror=alert(1)>",
        "<fw>",
        "<req",
        "</code></pre><b>",
        "<u>",
    ] {
        assert!(!html.contains(raw), "{raw} unescaped");
    }
    assert!(!html.contains("href=\"javascript"));
    assert!(!html.contains("href=\"data:"));
    assert!(html.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;"));
    assert!(html.contains("&lt;/code&gt;&lt;/pre&gt;&lt;b&gt;"));
    assert!(html.contains("[click](javascript:alert(4))"));
    assert!(html.contains("href=\"https://example.com/&quot;x\""));
    assert!(html.contains("<li>javascript:alert(3)</li>"));
    assert!(html.contains("&lt;req onclick=x&gt;"));
    assert!(html.contains("&lt;div onclick=x&gt;"));
    assert!(html.contains("![i](https://e.com/i.png)"));
    assert!(html.contains("<a href=\"https://e.com/ok\" rel=\"noopener noreferrer\">"));
    assert!(html.contains("&lt;javascript:alert(5)&gt; [r][ref]"));
    assert!(html.contains("<ol>\n<li>one</li>\n<li><code>&lt;two&gt;</code></li>\n</ol>"));
    assert!(html.contains("id=\"feature-class-status\""));
    assert!(html.contains("id=\"threat-sec-controls\""));
}

#[test]
fn built_in_catalog_has_an_anchor_for_every_id() {
    let (catalog, diagnostics) = moat_catalog::builtin();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let html = catalog_html(&catalog, "Moat built-in catalog");
    assert_self_contained(&html);
    let ids = assert_links_resolve(&html);
    for control in &catalog.controls {
        assert!(ids.contains(control.id.as_str()), "{}", control.id);
    }
    for threat in &catalog.threats {
        assert!(
            ids.contains(threat.threat.id.as_str()),
            "{}",
            threat.threat.id
        );
    }
    for fc in &catalog.feature_classes {
        assert!(ids.contains(fc.id.as_str()), "{}", fc.id);
    }
    for framework in &catalog.frameworks {
        assert!(ids.contains(framework.id.as_str()), "{}", framework.id);
    }
    // every snippet is on the page
    let snippets = catalog
        .controls
        .iter()
        .flat_map(|c| {
            [
                &c.implementation.cloudformation,
                &c.implementation.terraform,
                &c.implementation.cdk,
            ]
        })
        .flatten()
        .count();
    assert!(html.matches("<pre><code class=\"language-").count() >= snippets);
    // size sanity: more than the catalog's prose, far less than a runaway
    let prose: usize = catalog
        .controls
        .iter()
        .map(|c| c.implementation.description.len() + c.testing.description.len())
        .sum();
    assert!(html.len() > prose, "{} <= {prose}", html.len());
    assert!(html.len() < 16 * 1024 * 1024, "{} bytes", html.len());
    // deterministic
    assert_eq!(html, catalog_html(&catalog, "Moat built-in catalog"));
    // rows carry what the filters read
    let rows: BTreeMap<&str, usize> =
        attribute_values(&html, "data-row")
            .into_iter()
            .fold(BTreeMap::new(), |mut m, r| {
                *m.entry(r).or_default() += 1;
                m
            });
    assert_eq!(rows.get("controls"), Some(&catalog.controls.len()));
    assert_eq!(rows.get("threats"), Some(&catalog.threats.len()));
    assert_eq!(
        rows.get("feature-classes"),
        Some(&catalog.feature_classes.len())
    );
}

#[test]
fn empty_catalog_renders() {
    let html = catalog_html(&Catalog::default(), "");
    assert_self_contained(&html);
    assert_links_resolve(&html);
    assert!(html.contains("Nothing in this catalog."));
}

fn trustoncloud_file() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/trustoncloud/threatmodel-aws-s3.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) => {
            eprintln!(
                "skipped: TrustOnCloud's S3 ThreatModel is not at {} ({error})",
                path.display()
            );
            None
        }
    }
}

#[test]
fn trustoncloud_catalog_renders_every_control() {
    let Some(text) = trustoncloud_file() else {
        return;
    };
    let (catalog, diagnostics) = load_str("threatmodel-aws-s3.json", &text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let mut catalog = catalog.unwrap();
    // the file's own dangling references are the loader's business, not ours
    let _ = catalog.link();
    let html = catalog_html(&catalog, "TrustOnCloud S3");
    assert_self_contained(&html);
    let ids = assert_links_resolve(&html);
    assert_eq!(catalog.controls.len(), 173);
    let anchored = catalog
        .controls
        .iter()
        .filter(|c| ids.contains(c.id.as_str()))
        .count();
    assert_eq!(anchored, 173);
    for threat in &catalog.threats {
        assert!(
            ids.contains(threat.threat.id.as_str()),
            "{}",
            threat.threat.id
        );
    }
    assert_eq!(html, catalog_html(&catalog, "TrustOnCloud S3"));
}
