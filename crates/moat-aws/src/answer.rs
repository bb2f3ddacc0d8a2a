//! What the account answered, before it is lowered: per resource, each call's
//! answer as JSON in the API's own field names, a "not configured" error, or
//! a failure. Fetching fills these; lowering reads only these, so lowering is
//! tested on answers written by hand, without AWS or an emulator.

use crate::calls::{self, Call};

/// What one call answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The response, as JSON with the API's field names.
    Data(serde_json::Value),
    /// The error the API gives for a setting that is not set
    /// (`NoSuchBucketPolicy`...): the setting is not configured.
    NotConfigured { code: String, message: String },
    /// Any other error (refused, throttled past the retries, not
    /// implemented...): what the call feeds is unknown.
    Failed { code: String, message: String },
}

impl Answer {
    /// The answer for an error `code` of `call`: "not configured" for the
    /// codes that mean so, a failure otherwise.
    pub fn error(call: Call, code: &str, message: &str) -> Answer {
        let (code, message) = (code.to_string(), message.to_string());
        if not_configured(call, &code) {
            Answer::NotConfigured { code, message }
        } else {
            Answer::Failed { code, message }
        }
    }

    /// `s3:GetBucketPolicy was refused: AccessDenied: ...`, for a failure.
    pub fn failure(&self, call: Call) -> Option<String> {
        match self {
            Answer::Failed { code, message } => Some(failure_text(call, code, message)),
            _ => None,
        }
    }
}

/// How a failed call is described in values, diagnostics and reports.
pub fn failure_text(call: Call, code: &str, message: &str) -> String {
    let verb = if is_refusal(code) {
        "was refused"
    } else {
        "failed"
    };
    let message = message.trim();
    if message.is_empty() || message == code {
        format!("{} {verb}: {code}", call.name())
    } else {
        format!("{} {verb}: {code}: {message}", call.name())
    }
}

fn is_refusal(code: &str) -> bool {
    matches!(
        code,
        "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "AllAccessDisabled"
            | "UnauthorizedAccess"
    )
}

/// The error codes that mean "this setting is not configured", per call (S3
/// API reference, "Error responses", and each operation's page).
fn not_configured(call: Call, code: &str) -> bool {
    let codes: &[&str] = match call {
        c if c == calls::GET_BUCKET_ENCRYPTION => {
            &["ServerSideEncryptionConfigurationNotFoundError"]
        }
        c if c == calls::GET_OBJECT_LOCK => &["ObjectLockConfigurationNotFoundError"],
        c if c == calls::GET_BUCKET_PAB || c == calls::GET_ACCOUNT_PAB => {
            &["NoSuchPublicAccessBlockConfiguration"]
        }
        c if c == calls::GET_OWNERSHIP => &["OwnershipControlsNotFoundError"],
        c if c == calls::GET_BUCKET_POLICY || c == calls::GET_BUCKET_POLICY_STATUS => {
            &["NoSuchBucketPolicy"]
        }
        c if c == calls::GET_BUCKET_REPLICATION => &["ReplicationConfigurationNotFoundError"],
        c if c == calls::GET_BUCKET_LIFECYCLE => &["NoSuchLifecycleConfiguration"],
        c if c == calls::GET_BUCKET_WEBSITE => &["NoSuchWebsiteConfiguration"],
        c if c == calls::GET_BUCKET_CORS => &["NoSuchCORSConfiguration"],
        c if c == calls::GET_BUCKET_TAGGING => &["NoSuchTagSet"],
        c if c == calls::GET_ACCESS_POINT_POLICY => &["NoSuchAccessPointPolicy"],
        // rotation exists only for symmetric keys with AWS key material
        c if c == calls::GET_KEY_ROTATION => &["UnsupportedOperationException"],
        _ => &[],
    };
    codes.contains(&code)
}

/// The kind of resource an answer set describes, with the CloudFormation
/// type it corresponds to (reports group and name resources by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Bucket,
    BucketPolicy,
    AccountPublicAccessBlock,
    AccessPoint,
    Role,
    User,
    Group,
    ManagedPolicy,
    KmsKey,
    Trail,
    VpcEndpoint,
}

impl Kind {
    pub fn resource_type(self) -> &'static str {
        match self {
            Kind::Bucket => "AWS::S3::Bucket",
            Kind::BucketPolicy => "AWS::S3::BucketPolicy",
            Kind::AccountPublicAccessBlock => "AWS::S3::AccountPublicAccessBlock",
            Kind::AccessPoint => "AWS::S3::AccessPoint",
            Kind::Role => "AWS::IAM::Role",
            Kind::User => "AWS::IAM::User",
            Kind::Group => "AWS::IAM::Group",
            Kind::ManagedPolicy => "AWS::IAM::ManagedPolicy",
            Kind::KmsKey => "AWS::KMS::Key",
            Kind::Trail => "AWS::CloudTrail::Trail",
            Kind::VpcEndpoint => "AWS::EC2::VPCEndpoint",
        }
    }
}

/// One resource and what each call about it answered, in the order made.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub arn: String,
    pub kind: Kind,
    pub answers: Vec<(Call, Answer)>,
}

impl Resource {
    pub fn new(arn: impl Into<String>, kind: Kind) -> Self {
        Resource {
            arn: arn.into(),
            kind,
            answers: Vec::new(),
        }
    }

    pub fn answer(&self, call: Call) -> Option<&Answer> {
        self.answers
            .iter()
            .find(|(c, _)| *c == call)
            .map(|(_, a)| a)
    }
}

/// A call that failed for a whole scope (a Region's key list, the account's
/// IAM details): nothing it would have listed is in the inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeFailure {
    pub call: Call,
    /// `us-east-1`, or `account` for global calls.
    pub scope: String,
    pub code: String,
    pub message: String,
}

/// Everything read from one account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Account {
    pub id: Option<String>,
    /// The Regions read, in the order given.
    pub regions: Vec<String>,
    pub resources: Vec<Resource>,
    pub failures: Vec<ScopeFailure>,
    /// How many calls were made (answered, not configured or failed).
    pub calls_made: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_configured_codes_are_per_call() {
        let a = Answer::error(calls::GET_BUCKET_POLICY, "NoSuchBucketPolicy", "none");
        assert!(matches!(a, Answer::NotConfigured { .. }));
        // the same code from another call is a failure, not a default
        let a = Answer::error(calls::GET_BUCKET_ACL, "NoSuchBucketPolicy", "none");
        assert!(matches!(a, Answer::Failed { .. }));
        let a = Answer::error(calls::GET_BUCKET_POLICY, "AccessDenied", "Access Denied");
        assert_eq!(
            a.failure(calls::GET_BUCKET_POLICY).as_deref(),
            Some("s3:GetBucketPolicy was refused: AccessDenied: Access Denied")
        );
        let a = Answer::error(calls::GET_BUCKET_CORS, "SlowDown", "");
        assert_eq!(
            a.failure(calls::GET_BUCKET_CORS).as_deref(),
            Some("s3:GetBucketCors failed: SlowDown")
        );
    }
}
