#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `moat scan --aws` against moto's server mode, never a real account: each
//! test starts its own moto on 127.0.0.1, creates the account of
//! `tests/live/setup.py` through the API, and runs the `moat` binary on it.
//! moto comes from `bench/.venv` (`.ci/run` installs it); elsewhere a
//! missing moto skips these tests with a note, except under CI, where they fail.

use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A moto server with the test account, or why there is none.
fn moto() -> Result<Moto, String> {
    let python = root().join("bench/.venv/bin/python");
    let importable = Command::new(&python)
        .args(["-c", "import moto.server, boto3"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !importable {
        return Err(format!(
            "moto is not installed in {}: run `bench/.venv/bin/pip install 'moto[server]==5.2.5'` (.ci/run does)",
            python.display()
        ));
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let child = Command::new(&python)
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start moto: {e}"))?;
    let moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("moto did not start listening within 60 s".to_string());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let setup = Command::new(&python)
        .arg(root().join("crates/moat-cli/tests/live/setup.py"))
        .arg(loopback(&moto.endpoint))
        .output()
        .map_err(|e| e.to_string())?;
    if !setup.status.success() {
        return Err(format!(
            "the account setup failed: {}",
            String::from_utf8_lossy(&setup.stderr)
        ));
    }
    Ok(moto)
}

/// `endpoint`, after checking it is on the loopback interface: these tests
/// never send a request anywhere else.
fn loopback(endpoint: &str) -> &str {
    let host = endpoint
        .strip_prefix("http://")
        .and_then(|r| r.split(':').next())
        .unwrap_or_default();
    let ip: IpAddr = host.parse().expect("an IP address");
    assert!(
        ip.is_loopback(),
        "refusing a non-loopback endpoint: {endpoint}"
    );
    endpoint
}

fn moto_or_skip() -> Option<Moto> {
    match moto() {
        Ok(m) => Some(m),
        Err(why) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "the live AWS tests cannot run under CI: {why}"
            );
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// `moat ARGS --aws --endpoint-url ENDPOINT` with moto's test credentials
/// and no shared AWS files, so nothing of the machine's own setup is used.
fn moat(moto: &Moto, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(args)
        .args(["--aws", "--endpoint-url", loopback(&moto.endpoint)])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(root())
        .output()
        .unwrap()
}

fn finding<'a>(v: &'a serde_json::Value, check: &str, resource: &str) -> &'a serde_json::Value {
    v["scan"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check && f["resource"] == resource)
        .unwrap_or_else(|| panic!("no {check} finding on {resource}"))
}

#[test]
fn a_moto_account_is_reviewed_with_the_api_calls_as_evidence() {
    let Some(moto) = moto_or_skip() else { return };
    let out = moat(&moto, &["scan", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let stderr = String::from_utf8_lossy(&out.stderr);

    // the public-policy bucket is public, shown by the GetBucketPolicy answer
    let public = finding(&v, "CHK-S3-003", "arn:aws:s3:::moat-public");
    assert_eq!(public["outcome"], "fail");
    assert_eq!(
        public["location"]["file"],
        "s3:GetBucketPolicy arn:aws:s3:::moat-public"
    );
    assert!(
        public["message"].as_str().unwrap().contains("`PublicRead`"),
        "{public}"
    );
    assert_eq!(
        public["location"]["line"], 4,
        "the statement, in the answer"
    );

    // Block Public Access off on the bucket, named from its own answer
    let pab = finding(&v, "CHK-S3-006", "arn:aws:s3:::moat-public");
    assert_eq!(pab["outcome"], "fail");
    assert_eq!(
        pab["location"]["file"],
        "s3:GetPublicAccessBlock arn:aws:s3:::moat-public"
    );
    // and a bucket without any Block Public Access configuration has them
    // off (not the "on by default" a template without the property means)
    let unset = finding(&v, "CHK-S3-006", "arn:aws:s3:::moat-logs");
    assert_eq!(unset["outcome"], "fail");

    // moto answers GetBucketVersioning with a document the SDK refuses: the
    // versioning finding says unknown with the call that failed, never pass
    let versioning = finding(&v, "CHK-S3-005", "arn:aws:s3:::moat-logs");
    assert_eq!(versioning["outcome"], "unknown");
    assert!(
        versioning["message"]
            .as_str()
            .unwrap()
            .contains("s3:GetBucketVersioning failed")
    );
    assert!(
        !v["scan"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["check"] == "CHK-S3-005"
                && r["resource"] == "arn:aws:s3:::moat-logs"
                && r["verdict"] == "pass")
    );

    // the role another account may assume, from GetAccountAuthorizationDetails
    let trust = v["scan"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == "arn:aws:iam::123456789012:role/moat-partner")
        .expect("a finding on the cross-account role");
    assert!(
        trust["location"]["file"]
            .as_str()
            .unwrap()
            .starts_with("iam:GetAccountAuthorizationDetails ")
    );

    // the regional resources: the VPC endpoint (read by Moat's own EC2 Query
    // call), the key, the trail, each with its call as the evidence
    let results = v["scan"]["results"].as_array().unwrap();
    let on = |check: &str, prefix: &str| {
        results
            .iter()
            .find(|r| r["check"] == check && r["resource"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no {check} result on {prefix}"))
    };
    let endpoint = on(
        "CHK-S3-036",
        "arn:aws:ec2:us-east-1:123456789012:vpc-endpoint/vpce-",
    );
    assert_eq!(
        endpoint["verdict"], "fail",
        "the default full-access policy"
    );
    assert!(
        endpoint["file"]
            .as_str()
            .unwrap()
            .starts_with("ec2:DescribeVpcEndpoints ")
    );
    let rotation = on("CHK-S3-041", "arn:aws:kms:us-east-1:123456789012:key/");
    assert_eq!(rotation["verdict"], "fail");
    assert!(
        rotation["file"]
            .as_str()
            .unwrap()
            .starts_with("kms:GetKeyRotationStatus ")
    );
    let validation = on(
        "CHK-S3-038",
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/moat-trail",
    );
    assert_eq!(validation["verdict"], "fail");

    // what could not be read is an error of the run, not a quiet green
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("could not be read completely"), "{stderr}");
    let files = v["scan"]["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f["path"] == "aws:123456789012:global"
        && f["format"] == "aws"
        && f["status"] == "error"));
}

#[test]
fn the_text_review_of_the_moto_account() {
    let Some(moto) = moto_or_skip() else { return };
    let out = moat(
        &moto,
        &["scan", "--select", "CHK-S3-003,CHK-S3-006,CHK-S3-002"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    insta::assert_snapshot!("live_moto_review", text);
}

#[test]
fn the_policy_the_scan_needs() {
    let out = Command::new(env!("CARGO_BIN_EXE_moat"))
        .args(["scan", "--aws", "--print-policy"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions = v["Statement"][0]["Action"].as_array().unwrap();
    assert!(actions.iter().any(|a| a == "s3:GetBucketPolicy"));
    assert!(
        actions.iter().all(|a| {
            let a = a.as_str().unwrap();
            ["Get", "List", "Describe"]
                .iter()
                .any(|verb| a.split(':').nth(1).unwrap().starts_with(verb))
        }),
        "read-only actions only: {actions:?}"
    );
}

#[test]
fn drift_between_the_account_and_a_template() {
    let Some(moto) = moto_or_skip() else { return };
    let out = moat(
        &moto,
        &[
            "scan",
            "--compare",
            "crates/moat-aws/tests/fixtures/drift-template.yaml",
            "-f",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let names = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["bucket"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("only_live"), ["moat-logs", "moat-public"]);
    assert_eq!(names("only_code"), ["moat-archive"]);
    assert_eq!(v["matched"], serde_json::json!(["moat-private"]));
    let differences = v["differences"].as_array().unwrap();
    let settings: Vec<&str> = differences
        .iter()
        .map(|d| d["setting"].as_str().unwrap())
        .collect();
    assert_eq!(settings, ["logging"], "{differences:?}");
    assert_eq!(differences[0]["code"], "off");
    assert_eq!(differences[0]["live"], "to moat-logs");
    assert_eq!(
        differences[0]["live_location"]["file"],
        "s3:GetBucketLogging arn:aws:s3:::moat-private"
    );
    let not_compared = v["not_compared"].as_array().unwrap();
    // the generated name, and what moto could not answer, are not drift
    assert!(
        not_compared
            .iter()
            .any(|n| n["bucket"] == "{Scratch}" && n["setting"].is_null())
    );
    assert!(not_compared.iter().any(|n| {
        n["setting"] == "versioning"
            && n["reason"]
                .as_str()
                .unwrap()
                .contains("the account did not show it")
    }));
    // drift found, and parts of the account unread: input error wins
    assert_eq!(out.status.code(), Some(2));
}
