//! Reading a live account with the AWS SDK: read-only calls only (those of
//! crate::calls), a bounded number at a time, throttling retried with
//! backoff, and every failure kept as the answer of its call so that one
//! refused call never stops the scan.

mod control;
mod ec2;
mod iam;
mod regional;
mod s3;

use crate::answer::{Account, Answer, ScopeFailure};
use crate::calls::{self, Call};
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Semaphore};

/// Calls in flight at once. AWS's S3 control-plane limits are per prefix and
/// high; IAM and KMS throttle earlier, and those calls are few.
pub const CONCURRENCY: usize = 12;
/// Attempts per call (the first included) when AWS throttles or a
/// transient error occurs; the SDK's standard mode backs off exponentially
/// with jitter between them.
pub const MAX_ATTEMPTS: u32 = 6;

/// Called as buckets are read: (buckets read, buckets found).
pub type Progress = dyn Fn(usize, usize) + Send + Sync;

#[derive(Default)]
pub struct Options {
    /// A named profile of the shared AWS config files; else the default chain.
    pub profile: Option<String>,
    /// The Regions whose regional resources (keys, trails, VPC endpoints,
    /// access points) are read; empty: the profile's Region. Buckets are
    /// read wherever they are.
    pub regions: Vec<String>,
    /// Send every call to this endpoint (an emulator); else the SDK's
    /// resolution, which honours `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
    pub progress: Option<Box<Progress>>,
}

/// Why an account could not be read at all.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The SDK clients of one scan.
pub struct Clients {
    base: aws_config::SdkConfig,
    /// S3 with the base Region: `ListBuckets` and `GetBucketLocation`.
    s3_global: aws_sdk_s3::Client,
    /// S3 per bucket Region (a bucket's settings are read in its Region).
    s3_regional: Mutex<BTreeMap<String, aws_sdk_s3::Client>>,
    custom_endpoint: bool,
    limit: Arc<Semaphore>,
}

impl Clients {
    fn s3_config(&self, region: Option<&str>) -> aws_sdk_s3::Config {
        let mut b = aws_sdk_s3::config::Builder::from(&self.base);
        if let Some(r) = region {
            b = b.region(aws_config::Region::new(r.to_string()));
        }
        // an emulator on a loopback address has no per-bucket host names
        if self.custom_endpoint {
            b = b.force_path_style(true);
        }
        b.build()
    }

    async fn s3_in(&self, region: Option<&str>) -> aws_sdk_s3::Client {
        let Some(region) = region else {
            return self.s3_global.clone();
        };
        let mut map = self.s3_regional.lock().await;
        map.entry(region.to_string())
            .or_insert_with(|| aws_sdk_s3::Client::from_conf(self.s3_config(Some(region))))
            .clone()
    }

    fn config_in(&self, region: &str) -> aws_config::SdkConfig {
        self.base
            .to_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build()
    }
}

/// Reads the account `options` point at.
pub fn read_account(options: &Options) -> Result<Account, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(read(options))
}

async fn read(options: &Options) -> Result<Account, Error> {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(p) = &options.profile {
        loader = loader.profile_name(p);
    }
    if let Some(first) = options.regions.first() {
        loader = loader.region(aws_config::Region::new(first.clone()));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let base = loader.load().await;
    let Some(home) = base.region().map(|r| r.to_string()) else {
        return Err(Error(
            "no AWS Region: pass `--region`, set `AWS_REGION`, or give the profile a `region`"
                .to_string(),
        ));
    };
    let regions = if options.regions.is_empty() {
        vec![home]
    } else {
        options.regions.clone()
    };
    let custom_endpoint = base.endpoint_url().is_some();
    let mut clients = Clients {
        s3_global: aws_sdk_s3::Client::new(&base),
        base,
        s3_regional: Mutex::new(BTreeMap::new()),
        custom_endpoint,
        limit: Arc::new(Semaphore::new(CONCURRENCY)),
    };
    clients.s3_global = aws_sdk_s3::Client::from_conf(clients.s3_config(None));
    let clients = Arc::new(clients);

    // who we are: the account id names resources and scopes S3 Control calls
    let sts = aws_sdk_sts::Client::new(&clients.base);
    let id = match sts.get_caller_identity().send().await {
        Ok(o) => o.account().map(str::to_string),
        Err(e) => {
            return Err(Error(format!(
                "cannot tell which account the credentials belong to: {}",
                error_answer(calls::GET_CALLER_IDENTITY, &e)
                    .failure(calls::GET_CALLER_IDENTITY)
                    .unwrap_or_default()
            )));
        }
    };
    let Some(id) = id else {
        return Err(Error(
            "sts:GetCallerIdentity answered without an account id".to_string(),
        ));
    };
    let mut account = Account {
        id: Some(id.clone()),
        regions: regions.clone(),
        ..Account::default()
    };
    account.calls_made += 1;

    // the bucket list is the scan: without it there is nothing to say
    let listed = match s3::list(&clients).await {
        Ok(l) => l,
        Err(a) => {
            return Err(Error(format!(
                "cannot list the account's buckets: {}",
                a.failure(calls::LIST_BUCKETS).unwrap_or_default()
            )));
        }
    };
    account.calls_made += 1;
    let total = listed.len();
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let progress = options.progress.as_deref();
    let mut tasks = tokio::task::JoinSet::new();
    for (name, entry) in listed {
        let clients = Arc::clone(&clients);
        tasks.spawn(async move {
            let _permit = clients.limit.clone().acquire_owned().await;
            s3::bucket(&clients, name, entry).await
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(resource) => {
                account.calls_made += resource.answers.len().saturating_sub(1);
                account.resources.push(resource);
            }
            Err(e) => account.failures.push(ScopeFailure {
                call: calls::LIST_BUCKETS,
                scope: "a bucket".to_string(),
                code: "InternalError".to_string(),
                message: format!("reading a bucket stopped: {e}"),
            }),
        }
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(p) = progress {
            p(n, total);
        }
    }

    control::account(&clients, &id, &regions, &mut account).await;
    iam::read(&clients, &id, &mut account).await;
    for region in &regions {
        regional::read(&clients, region, &id, &mut account).await;
    }
    account
        .resources
        .sort_by(|a, b| a.arn.cmp(&b.arn).then(a.kind.cmp(&b.kind)));
    Ok(account)
}

/// A call's answer: its response as JSON, or its error.
pub(crate) fn answer<T, E, R>(
    call: Call,
    result: Result<T, SdkError<E, R>>,
    json: impl FnOnce(&T) -> serde_json::Value,
) -> Answer
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match result {
        Ok(out) => Answer::Data(json(&out)),
        Err(e) => error_answer(call, &e),
    }
}

/// The answer for an SDK error: the service's error code and message when
/// it sent one, else the kind of failure (no connection, timeout...).
pub(crate) fn error_answer<E, R>(call: Call, e: &SdkError<E, R>) -> Answer
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let (code, message) = match e {
        SdkError::ServiceError(service) => match (service.err().code(), service.err().message()) {
            (Some(code), message) => (code.to_string(), message.unwrap_or_default().to_string()),
            // an answer without an error code (one the SDK could not
            // parse): say what the SDK saw
            (None, _) => ("UnreadableAnswer".to_string(), causes(service.err())),
        },
        SdkError::TimeoutError(_) => ("Timeout".to_string(), "the call timed out".to_string()),
        SdkError::DispatchFailure(_) => ("DispatchFailure".to_string(), causes(e)),
        other => ("ClientError".to_string(), causes(other)),
    };
    Answer::error(call, &code, &message)
}

/// An error's chain of causes, one line, at most 300 characters (an SDK
/// error's debug form carries the whole HTTP response).
pub(crate) fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    let text = parts.join(": ").replace('\n', " ");
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// A policy the API returns as a JSON string, as JSON (kept as the string
/// when it is not JSON, and lowering says so).
pub(crate) fn policy_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}
