use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::Inventory;
use moat_iac::inventory::{Origin, PolicyDoc};
use moat_iac::node_util::UNKNOWN_MARK;
use moat_policy::describe::pattern_examples;
use moat_policy::document::{Condition, OperatorFamily};
use moat_policy::matching::glob_str;

pub static CHECK: Check = Check {
    id: "CHK-S3-030",
    title: "Prefix condition admits sibling prefixes",
    category: Category::PolicyWeakness,
    severity: Severity::Medium,
    controls: &["C-S3-086"],
    proves: &[],
    security_hub: &[],
    doc: "## What it does\nReads every `StringLike` condition (with `IfExists` or a set qualifier too) on `s3:prefix` in identity policies (roles', users' and groups' inline policies, `AWS::IAM::ManagedPolicy` and `AWS::IAM::Policy`, SAM function policies), bucket policies and access point policies, and says exactly what each pattern admits. A pattern whose wildcards each follow the delimiter `/` passes with a note: `data/*` admits `data/` and every key under it (`data/a/b`), never `data` or `databackup/`. A pattern with a wildcard that does not follow `/` fails: `data*` admits `databackup/` and `data-archive/`, prefixes the grant never named. A `*` alone admits every prefix. A value only the deployment knows gives an unknown verdict.\n\n## Why is this bad?\n`s3:prefix` limits what `ListBucket` may list. In `StringLike`, `*` matches any run of characters, including `/`, so a wildcard right after a name matches every sibling that starts with that name. `data*` meant as \"the data folder\" also lists `databackup/` and `data-private/`, exposing the names (and often the existence) of objects the principal was never meant to see. A wildcard after `/` stays inside the folder. (A `*` after `/` still crosses deeper `/`: `data/*` admits `data/a/b/`.)\n\n## Example\n```yaml\nCondition:\n  StringLike:\n    s3:prefix:\n      - data*\n      - logs*\n```\n\n## Remediation\nEnd the literal part with the delimiter before the wildcard (`data/*`, `logs/*`), and add the folder itself (`data/`) where listing it is needed; use `StringEquals` for exact prefixes.\n\n## References\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String\n- https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html",
    recommendation: "Put the delimiter before the wildcard in s3:prefix patterns (`data/*`, not `data*`).",
    fix: "Condition:\n  StringLike:\n    s3:prefix:\n      - data/\n      - data/*\n      - logs/\n      - logs/*",
    cdk: Some(CdkFix {
        typescript: r#"// the delimiter before the wildcard: 'data/*' never matches 'databackup/'
role.addToPolicy(
  new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: {
      StringLike: { 's3:prefix': ['data/', 'data/*', 'logs/', 'logs/*'] },
    },
  }),
);"#,
        python: r#"# the delimiter before the wildcard: "data/*" never matches "databackup/"
role.add_to_policy(
    iam.PolicyStatement(
        actions=["s3:ListBucket"],
        resources=[bucket.bucket_arn],
        conditions={
            "StringLike": {"s3:prefix": ["data/", "data/*", "logs/", "logs/*"]}
        },
    )
)"#,
    }),
    terraform: Some(
        r#"# the delimiter before the wildcard: "data/*" never matches "databackup/"
data "aws_iam_policy_document" "list_prefixes" {
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.data.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["data/", "data/*", "logs/", "logs/*"]
    }
  }
}

resource "aws_iam_role_policy" "list_prefixes" {
  name   = "list-prefixes"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.list_prefixes.json
}"#,
    ),
    run,
};

/// Every policy document that may carry an `s3:prefix` condition, with the resource that holds it.
fn documents(inventory: &Inventory) -> Vec<(&Origin, &PolicyDoc)> {
    let mut docs: Vec<(&Origin, &PolicyDoc)> = Vec::new();
    for r in &inventory.roles {
        docs.extend(r.inline.iter().map(|d| (&r.origin, d)));
    }
    for p in inventory.users.iter().chain(&inventory.groups) {
        docs.extend(p.inline.iter().map(|d| (&p.origin, d)));
    }
    for p in &inventory.identity_policies {
        docs.push((&p.origin, &p.document));
    }
    for f in &inventory.functions {
        docs.extend(f.policies.iter().map(|d| (&f.origin, d)));
    }
    for p in &inventory.bucket_policies {
        docs.push((&p.origin, &p.document));
    }
    for a in &inventory.access_points {
        docs.extend(a.policy.iter().map(|d| (&a.origin, d)));
    }
    docs
}

/// The index of the first wildcard of `pattern` that does not follow `/`
/// (skipping `${...}` policy variables); `None` when every wildcard does.
fn loose_wildcard(pattern: &str) -> Option<usize> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' && chars.get(i + 1) == Some(&'{') {
            while i < chars.len() && chars[i] != '}' {
                i += 1;
            }
            i += 1;
            continue;
        }
        if matches!(chars[i], '*' | '?') && (i == 0 || chars[i - 1] != '/') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// A prefix `pattern` admits beside the one it names: the text before the
/// loose wildcard at `at` with `backup` after it.
fn sibling(pattern: &str, at: usize) -> Option<String> {
    let head: String = pattern.chars().take(at).collect();
    let rest: String = pattern.chars().skip(at + 1).collect();
    let rest: String = rest.chars().filter(|c| !matches!(c, '*' | '?')).collect();
    let tail = if rest.is_empty() { "/" } else { "" };
    [
        format!("{head}backup{tail}{rest}"),
        format!("{head}-archive{tail}{rest}"),
        format!("{head}xx{tail}{rest}"),
    ]
    .into_iter()
    .find(|s| glob_str(pattern, s))
}

fn quoted(list: &[String]) -> String {
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_prefix_like(c: &Condition) -> bool {
    c.key.value.eq_ignore_ascii_case("s3:prefix")
        && c.operator.value.family == OperatorFamily::StringLike
}

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for (origin, doc) in documents(inventory) {
        let Some(policy) = &doc.policy else {
            if let Some(reason) = &doc.unknown {
                out.unknown(origin, Some(doc.span), "PolicyDocument", reason);
            }
            continue;
        };
        for s in &policy.statements {
            for c in s.conditions.iter().filter(|c| is_prefix_like(c)) {
                let property = format!(
                    "Statement `{}` Condition.{}.s3:prefix",
                    s.label(),
                    c.operator.value.name()
                );
                if let Some(v) = c.values.iter().find(|v| v.value.starts_with(UNKNOWN_MARK)) {
                    out.unknown(
                        origin,
                        Some(v.span),
                        &property,
                        v.value.trim_start_matches(UNKNOWN_MARK),
                    );
                    continue;
                }
                let mut loose = Vec::new();
                let mut bounded = Vec::new();
                for v in &c.values {
                    let pattern = v.value.as_str();
                    match loose_wildcard(pattern) {
                        Some(0) => loose.push((v.span, format!("`{pattern}` admits every prefix"))),
                        Some(at) => {
                            let head: String = pattern.chars().take(at).collect();
                            let also = match sibling(pattern, at) {
                                Some(s) => format!(" such as `{s}`"),
                                None => String::new(),
                            };
                            let message = if pattern.chars().skip(at).collect::<String>() == "*" {
                                format!(
                                    "`{pattern}` admits every prefix that starts with `{head}`{also}, not only keys under `{head}/`"
                                )
                            } else {
                                format!(
                                    "`{pattern}` admits prefixes beside `{head}/`{also}: its wildcard follows `{head}`, not `/`"
                                )
                            };
                            loose.push((v.span, message));
                        }
                        None if pattern.contains(['*', '?']) => {
                            let e = pattern_examples(pattern, 3);
                            bounded.push(format!(
                                "`{pattern}` admits {} and never {}",
                                quoted(&e.admits),
                                quoted(&e.rejects)
                            ));
                        }
                        None if pattern.is_empty() => bounded
                            .push("the empty pattern matches only an empty prefix".to_string()),
                        None => bounded.push(format!("`{pattern}` matches that prefix exactly")),
                    }
                }
                if let Some((span, _)) = loose.first() {
                    let what: Vec<String> = loose.iter().map(|(_, m)| m.clone()).collect();
                    out.fail(
                        origin,
                        Some(*span),
                        &property,
                        format!("statement `{}`: {}", s.label(), what.join("; ")),
                    );
                } else {
                    let at = c.values.first().map(|v| v.span);
                    out.pass(
                        origin,
                        at,
                        &property,
                        format!("statement `{}`: {}", s.label(), bounded.join("; ")),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_after_the_delimiter_are_bounded() {
        assert_eq!(loose_wildcard("data/*"), None);
        assert_eq!(loose_wildcard("data/*/reports/*"), None);
        assert_eq!(loose_wildcard("home/${aws:username}/*"), None);
        assert_eq!(loose_wildcard("data*"), Some(4));
        assert_eq!(loose_wildcard("*"), Some(0));
        assert_eq!(loose_wildcard("logs/20??"), Some(7));
    }

    #[test]
    fn siblings_are_admitted() {
        assert_eq!(sibling("data*", 4).as_deref(), Some("databackup/"));
        assert_eq!(sibling("data*/x", 4).as_deref(), Some("databackup/x"));
        for s in ["data*", "data*/x", "logs/20??"] {
            if let Some(at) = loose_wildcard(s)
                && let Some(found) = sibling(s, at)
            {
                assert!(glob_str(s, &found), "{s} {found}");
            }
        }
    }
}
