//! What a check is and what it says.

use moat_iac::cdk::CdkLanguage;
use moat_iac::inventory::{Inventory, Origin};
use moat_source::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How bad a failure is before the threats it leaves open and the data it
/// exposes are taken into account (the catalog's threats use the same scale).
pub use moat_source::Severity;

/// The groups of a security review (seed 003's headings).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    CriticalSecurity,
    ImplementationFlaw,
    PolicyWeakness,
    Operational,
    MissingFeature,
    Compliance,
    Cost,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::CriticalSecurity,
        Category::ImplementationFlaw,
        Category::PolicyWeakness,
        Category::Operational,
        Category::MissingFeature,
        Category::Compliance,
        Category::Cost,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Category::CriticalSecurity => "Critical security failures",
            Category::ImplementationFlaw => "Implementation flaws",
            Category::PolicyWeakness => "Security policy weaknesses",
            Category::Operational => "Operational concerns",
            Category::MissingFeature => "Missing security features",
            Category::Compliance => "Compliance gaps",
            Category::Cost => "Performance and cost",
        }
    }
}

/// A check: its identity, documentation and logic.
pub struct Check {
    /// `CHK-S3-001`.
    pub id: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Catalog controls the check verifies (`C-S3-066`): a fail shows them
    /// missing on the resource.
    pub controls: &'static [&'static str],
    /// The controls a pass shows in place. Often all of `controls`; fewer
    /// when passing only means the resource does not break the control (no
    /// public grant is not Block Public Access; no `*` grant is not least
    /// privilege; an identity policy is not an SCP).
    pub proves: &'static [&'static str],
    /// Security Hub CSPM control ids the check decides (`S3.9`).
    pub security_hub: &'static [&'static str],
    /// Markdown: `## What it does`, `## Why is this bad?`, `## Example`,
    /// `## Remediation`, `## References`.
    pub doc: &'static str,
    /// What to change, said once for every finding of the check.
    pub recommendation: &'static str,
    /// A CloudFormation YAML snippet that fixes it.
    pub fix: &'static str,
    /// The same fix as AWS CDK code, for findings in a CDK app; `None` where
    /// CDK code cannot make the change (the check's file says why).
    pub cdk: Option<CdkFix>,
    /// The same fix in Terraform (AWS provider v5 resources), for findings
    /// in a Terraform configuration.
    pub terraform: Option<&'static str>,
    pub run: fn(&Inventory, &mut Out),
}

/// A fix written as AWS CDK v2 code (aws-cdk-lib), in the two languages
/// the report tells apart. Both are the same code: statements inside a
/// construct's constructor (`this` / `self` is the stack), with the module
/// aliases the AWS CDK documentation uses (`cdk` for aws-cdk-lib itself,
/// `s3`, `iam`, `kms`, `cloudtrail`, `ec2`, `lambda` / `lambda_`, `sns`,
/// `cloudfront`, `origins`, `s3express`) and no imports. The resource under
/// review is `bucket` (construct id `Data`), `role`, `key` or `trail`, as
/// in the CloudFormation snippet; L2 constructs and their props where they
/// exist, L1 (`Cfn*`) constructs where aws-cdk-lib has no L2.
/// scripts/verify-cdk-fixes.py synthesizes every snippet and runs the check
/// on the result.
#[derive(Debug, Clone, Copy)]
pub struct CdkFix {
    pub typescript: &'static str,
    pub python: &'static str,
}

impl CdkFix {
    /// The snippet in `language`.
    pub fn code(&self, language: CdkLanguage) -> &'static str {
        match language {
            CdkLanguage::Python => self.python,
            CdkLanguage::TypeScript => self.typescript,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    Partial,
    Unknown,
    NotApplicable,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Partial => "partial",
            Outcome::Unknown => "unknown",
            Outcome::NotApplicable => "not_applicable",
        }
    }

    /// Fail, partial and unknown are findings a user must see.
    pub fn is_finding(self) -> bool {
        matches!(self, Outcome::Fail | Outcome::Partial | Outcome::Unknown)
    }
}

/// One check's verdict on one resource.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub check: &'static str,
    pub outcome: Outcome,
    /// Index into the inventory's files: where `span` is.
    #[serde(skip)]
    pub file: usize,
    /// Index into the inventory's files: where `resource` is defined (not
    /// `file` when the verdict points into another resource's text).
    #[serde(skip)]
    pub resource_file: usize,
    pub resource: String,
    pub resource_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cdk_path: Option<String>,
    /// The language of the CDK app the resource comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cdk_language: Option<CdkLanguage>,
    /// Where to look: the value at fault, or the key under which it is missing.
    #[serde(skip)]
    pub span: Span,
    /// The property path (`BucketEncryption.ServerSideEncryptionConfiguration`).
    pub property: String,
    pub message: String,
    /// The resource whose text `span` is in, when it is not the subject
    /// (a bucket's finding that points into its bucket policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub located_in: Option<String>,
    /// `Metadata: moat: skip` reason, when the resource skips this check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// Collects a check's verdicts.
pub struct Out<'a> {
    check: &'a Check,
    verdicts: Vec<Verdict>,
}

impl<'a> Out<'a> {
    pub fn new(check: &'a Check, _inventory: &Inventory) -> Self {
        Out {
            check,
            verdicts: Vec::new(),
        }
    }

    pub fn into_verdicts(self) -> Vec<Verdict> {
        self.verdicts
    }

    /// Records a verdict on the resource at `origin`; `span` `None` points at its properties.
    pub fn say(
        &mut self,
        origin: &Origin,
        outcome: Outcome,
        span: Option<Span>,
        property: &str,
        message: impl Into<String>,
    ) {
        let skipped = origin
            .skips
            .iter()
            .find(|s| self.check.id.starts_with(s.id.as_str()))
            .map(|s| s.reason.clone());
        self.verdicts.push(Verdict {
            check: self.check.id,
            outcome,
            file: origin.file,
            resource_file: origin.file,
            resource: origin.logical_id.clone(),
            resource_type: origin.resource_type.clone(),
            cdk_path: origin.cdk_path.clone(),
            cdk_language: origin.cdk_language,
            span: span.unwrap_or(origin.properties),
            property: property.to_string(),
            message: message.into(),
            located_in: None,
            skipped,
        });
    }

    /// A verdict on `subject` whose place is in `holder` (another resource, maybe another file).
    pub fn say_in(
        &mut self,
        subject: &Origin,
        holder: &Origin,
        outcome: Outcome,
        span: Option<Span>,
        property: &str,
        message: impl Into<String>,
    ) {
        self.say(subject, outcome, span, property, message);
        if let Some(v) = self.verdicts.last_mut() {
            v.file = holder.file;
            if span.is_none() {
                v.span = holder.properties;
            }
            if holder.logical_id != subject.logical_id {
                v.located_in = Some(holder.logical_id.clone());
            }
        }
    }

    pub fn pass(
        &mut self,
        origin: &Origin,
        span: Option<Span>,
        property: &str,
        message: impl Into<String>,
    ) {
        self.say(origin, Outcome::Pass, span, property, message);
    }

    pub fn fail(
        &mut self,
        origin: &Origin,
        span: Option<Span>,
        property: &str,
        message: impl Into<String>,
    ) {
        self.say(origin, Outcome::Fail, span, property, message);
    }

    pub fn partial(
        &mut self,
        origin: &Origin,
        span: Option<Span>,
        property: &str,
        message: impl Into<String>,
    ) {
        self.say(origin, Outcome::Partial, span, property, message);
    }

    pub fn unknown(
        &mut self,
        origin: &Origin,
        span: Option<Span>,
        property: &str,
        reason: impl AsRef<str>,
    ) {
        let message = format!("cannot decide: {}", reason.as_ref());
        self.say(origin, Outcome::Unknown, span, property, message);
    }

    pub fn not_applicable(&mut self, origin: &Origin, property: &str, message: impl Into<String>) {
        self.say(origin, Outcome::NotApplicable, None, property, message);
    }
}
