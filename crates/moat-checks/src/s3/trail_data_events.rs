use crate::check::{Category, CdkFix, Check, Outcome, Severity};
use moat_iac::inventory::{Bucket, DataEventSelector, Trail};
use moat_iac::{Inventory, Value};
use moat_source::Span;

pub static CHECK: Check = Check {
    id: "CHK-S3-037",
    title: "No CloudTrail trail logs S3 data events for the bucket",
    category: Category::CriticalSecurity,
    severity: Severity::Medium,
    controls: &["C-S3-062"],
    proves: &["C-S3-062"],
    security_hub: &["S3.22", "S3.23"],
    doc: "## What it does\nFor each bucket, looks at every `AWS::CloudTrail::Trail` in the templates scanned and the S3 data events their `EventSelectors` (`DataResources` of type `AWS::S3::Object`) and `AdvancedEventSelectors` (`eventCategory` `Data`, `resources.type` `AWS::S3::Object`) record. Read and write events both recorded for the whole bucket pass; only one of them, or only part of the bucket (an object prefix, a `NotStartsWith` exclusion, a filter on `eventName` or another field), is partial; none fails. A trail with `IsLogging: false` records nothing. A trail in another stack or account (an organization trail) may cover the bucket: the finding says what the templates show.\n\n## Why is this bad?\nCloudTrail records management events (bucket policy and configuration changes) by default, but object-level requests (`GetObject`, `PutObject`, `DeleteObject`) only as data events, which are off unless a trail selects them. Without them nobody can tell after an incident which objects a leaked credential read or deleted, or from where.\n\n## Example\nA template with a bucket and no trail, or a trail whose selector covers `arn:aws:s3:::other-bucket/` only.\n\n## Remediation\nAdd an advanced event selector with `eventCategory` `Data` and `resources.type` `AWS::S3::Object` (and no `readOnly` field, so both reads and writes are kept) to a multi-Region trail, ideally the organization trail; exclude the trail's own log bucket with `resources.ARN` `NotStartsWith`.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html\n- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-22\n- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-23",
    recommendation: "Record read and write S3 data events for the bucket in a (multi-Region) trail.",
    fix: "AdvancedEventSelectors:\n  - Name: S3DataEvents\n    FieldSelectors:\n      - Field: eventCategory\n        Equals: [Data]\n      - Field: resources.type\n        Equals: ['AWS::S3::Object']",
    cdk: Some(CdkFix {
        typescript: r#"const trail = new cloudtrail.Trail(this, 'Trail', { isMultiRegionTrail: true });
trail.addS3EventSelector([{ bucket }], {
  readWriteType: cloudtrail.ReadWriteType.ALL,
});"#,
        python: r#"trail = cloudtrail.Trail(self, "Trail", is_multi_region_trail=True)
trail.add_s3_event_selector(
    [cloudtrail.S3EventSelector(bucket=bucket)],
    read_write_type=cloudtrail.ReadWriteType.ALL,
)"#,
    }),
    terraform: Some(
        r#"resource "aws_cloudtrail" "main" {
  name                  = "main"
  s3_bucket_name        = aws_s3_bucket.trail_logs.id
  is_multi_region_trail = true
  advanced_event_selector {
    name = "S3DataEvents"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
  }
  # with advanced selectors, management events are logged only when asked for
  advanced_event_selector {
    name = "ManagementEvents"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }
}"#,
    ),
    run,
};

/// How much of a bucket a selector covers, for reads or for writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cover {
    None,
    Part,
    Whole,
}

/// What one selector covers of the bucket whose object ARNs start with `key`.
/// Whether a selector would cover the bucket but leaves it out by name.
fn excludes(selector: &DataEventSelector, key: &str) -> bool {
    cover_and_exclusion(selector, key).1
}

fn cover_and_exclusion(selector: &DataEventSelector, key: &str) -> (Cover, bool) {
    let (cover, excluded, _) = cover_detail(selector, key);
    (cover, excluded)
}

/// The coverage, whether the bucket is left out by name, and what limits a
/// partial coverage.
fn cover_detail(selector: &DataEventSelector, key: &str) -> (Cover, bool, String) {
    let mut best = Cover::None;
    let mut detail = String::new();
    for r in &selector.resources {
        if key.starts_with(r.as_str()) {
            best = Cover::Whole;
        } else if r.starts_with(key) && best == Cover::None {
            best = Cover::Part;
            detail = format!("objects under `{r}` only");
        }
    }
    if best == Cover::None {
        return (best, false, detail);
    }
    for e in &selector.excludes {
        if key.starts_with(e.as_str()) {
            return (Cover::None, true, detail);
        }
        if e.starts_with(key) {
            best = Cover::Part;
            detail = format!("objects under `{e}` left out");
        }
    }
    if !selector.narrowed_by.is_empty() {
        best = best.min(Cover::Part);
        detail = format!(
            "only the events matching its `{}` field",
            selector.narrowed_by.join("`, `")
        );
    }
    (best, false, detail)
}

/// The best coverage found, with the trail and selector that give it.
struct Found<'a> {
    cover: Cover,
    trail: Option<&'a Trail>,
    span: Option<Span>,
    note: String,
}

impl<'a> Found<'a> {
    fn none() -> Self {
        Found {
            cover: Cover::None,
            trail: None,
            span: None,
            note: String::new(),
        }
    }

    fn offer(
        &mut self,
        cover: Cover,
        trail: &'a Trail,
        selector: &DataEventSelector,
        detail: &str,
    ) {
        if cover > self.cover {
            *self = Found {
                cover,
                trail: Some(trail),
                span: Some(selector.span),
                note: detail.to_string(),
            };
        }
    }

    fn trail_name(&self) -> &str {
        self.trail
            .map(|t| t.origin.logical_id.as_str())
            .unwrap_or_default()
    }

    /// What part of the bucket it covers, in words.
    fn scope(&self) -> String {
        match self.cover {
            Cover::Whole => "the whole bucket".to_string(),
            _ if self.note.starts_with("only") => format!("this bucket, {}", self.note),
            _ => format!("part of the bucket ({})", self.note),
        }
    }
}

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for bucket in &inventory.buckets {
        judge(inventory, bucket, out);
    }
}

fn judge(inventory: &Inventory, bucket: &Bucket, out: &mut crate::Out) {
    let o = &bucket.origin;
    let key = format!("{}/", bucket.arn());
    let mut read = Found::none();
    let mut write = Found::none();
    let mut undecided: Option<(String, &Trail, Option<Span>)> = None;
    for trail in &inventory.trails {
        // a trail whose logging or selectors only the deployment knows is
        // left out of the coverage: it can neither confirm nor deny it
        match &trail.logging {
            Value::Known { value: false, .. } => continue,
            Value::Unknown { reason, .. } => {
                undecided.get_or_insert((
                    format!(
                        "`IsLogging` of trail `{}`: {reason}",
                        trail.origin.logical_id
                    ),
                    trail,
                    trail.logging.span(),
                ));
                continue;
            }
            _ => {}
        }
        if let Some((reason, span)) = &trail.selectors_unknown {
            undecided.get_or_insert((
                format!(
                    "the event selectors of trail `{}`: {reason}",
                    trail.origin.logical_id
                ),
                trail,
                Some(*span),
            ));
            continue;
        }
        for selector in &trail.s3_data_events {
            let (c, _, detail) = cover_detail(selector, &key);
            if selector.read {
                read.offer(c, trail, selector, &detail);
            }
            if selector.write {
                write.offer(c, trail, selector, &detail);
            }
        }
    }
    let whole = |f: &Found| f.cover == Cover::Whole;
    if whole(&read) && whole(&write) {
        let (trail, span) = (read.trail, read.span);
        let same =
            read.trail.map(|t| &t.origin.logical_id) == write.trail.map(|t| &t.origin.logical_id);
        let message = if same {
            format!(
                "trail `{}` records read and write data events for this bucket",
                trail
                    .map(|t| t.origin.logical_id.as_str())
                    .unwrap_or_default()
            )
        } else {
            format!(
                "trail `{}` records its read and trail `{}` its write data events",
                trail
                    .map(|t| t.origin.logical_id.as_str())
                    .unwrap_or_default(),
                write
                    .trail
                    .map(|t| t.origin.logical_id.as_str())
                    .unwrap_or_default()
            )
        };
        say(out, bucket, trail, Outcome::Pass, span, message);
        return;
    }
    if let Some((reason, trail, span)) = undecided {
        out.say_in(
            o,
            &trail.origin,
            Outcome::Unknown,
            span,
            "EventSelectors",
            format!("cannot decide: {reason}"),
        );
        return;
    }
    if read.cover == Cover::None && write.cover == Cover::None {
        // the trail's own log bucket, left out on purpose
        let own = inventory.trails.iter().find(|t| {
            t.bucket.get().is_some_and(|b| b == &bucket.standin)
                && t.s3_data_events.iter().any(|s| excludes(s, &key))
        });
        if let Some(t) = own {
            let span = t
                .s3_data_events
                .iter()
                .find(|s| excludes(s, &key))
                .map(|s| s.span);
            say(
                out,
                bucket,
                Some(t),
                Outcome::Pass,
                span,
                format!(
                    "the log bucket of trail `{}`, left out of its data events so the trail does not record its own deliveries",
                    t.origin.logical_id
                ),
            );
            return;
        }
        let message = if inventory.trails.is_empty() {
            "no trail in the templates scanned: object reads and writes leave no CloudTrail record here (a trail in another stack or account may record them; the templates show none)".to_string()
        } else {
            "no trail in the templates scanned records this bucket's S3 data events: object reads and writes leave no CloudTrail record (a trail in another stack or account may; the templates show none)".to_string()
        };
        out.fail(o, None, "", message);
        return;
    }
    let same = read.cover == write.cover
        && read.trail_name() == write.trail_name()
        && read.note == write.note;
    let body = if same {
        format!(
            "trail `{}` records read and write data events for {}",
            read.trail_name(),
            read.scope()
        )
    } else {
        let part = |f: &Found, what: &str| -> String {
            match f.cover {
                Cover::None => format!("no trail records its {what} data events"),
                _ => format!(
                    "trail `{}` records {what} data events for {}",
                    f.trail_name(),
                    f.scope()
                ),
            }
        };
        format!("{}; {}", part(&read, "read"), part(&write, "write"))
    };
    let best = if read.cover >= write.cover {
        &read
    } else {
        &write
    };
    let message = format!("{body}; a trail in another stack or account may record the rest");
    say(
        out,
        bucket,
        best.trail,
        Outcome::Partial,
        best.span,
        message,
    );
}

fn say(
    out: &mut crate::Out,
    bucket: &Bucket,
    trail: Option<&Trail>,
    outcome: Outcome,
    span: Option<Span>,
    message: String,
) {
    let property = "EventSelectors";
    match trail {
        Some(t) => out.say_in(&bucket.origin, &t.origin, outcome, span, property, message),
        None => out.say(&bucket.origin, outcome, span, property, message),
    }
}
