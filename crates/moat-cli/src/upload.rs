//! `--upload URL`: a CI job posts its run to a team server (`moat serve`),
//! authenticated by an upload token from `MOAT_UPLOAD_TOKEN` (docs/ui.md).
//! A failed upload fails the command: a run that silently did not arrive
//! would leave the server's view quietly stale.

use moat_engine::Assessment;
use std::path::Path;

#[derive(clap::Args, Debug, Default)]
pub struct UploadArgs {
    /// Post the run to a `moat serve` team server (its base URL); the upload
    /// token is read from MOAT_UPLOAD_TOKEN
    #[arg(long, value_name = "URL")]
    pub upload: Option<String>,
    /// The project the run belongs to on the server (default: the path given)
    #[arg(long, value_name = "NAME", requires = "upload")]
    pub upload_project: Option<String>,
    /// A label for the run, such as the commit (default: GITHUB_SHA or CI_COMMIT_SHA when set)
    #[arg(long, value_name = "TEXT", requires = "upload")]
    pub upload_label: Option<String>,
}

/// Posts `assessment` when `--upload` is given; the error says what went wrong.
pub fn upload(args: &UploadArgs, assessment: &Assessment, path: &Path) -> Result<(), String> {
    let Some(base) = &args.upload else {
        return Ok(());
    };
    let token = std::env::var("MOAT_UPLOAD_TOKEN")
        .map_err(|_| "`--upload` needs the upload token in MOAT_UPLOAD_TOKEN".to_string())?;
    let project = args
        .upload_project
        .clone()
        .unwrap_or_else(|| path.display().to_string());
    let label = args
        .upload_label
        .clone()
        .or_else(|| std::env::var("GITHUB_SHA").ok())
        .or_else(|| std::env::var("CI_COMMIT_SHA").ok());
    let mut url = format!(
        "{}/api/upload?project={}",
        base.trim_end_matches('/'),
        moat_server::percent_encode(&project)
    );
    if let Some(label) = label {
        url.push_str(&format!("&label={}", moat_server::percent_encode(&label)));
    }
    let body = serde_json::to_string(assessment).map_err(|e| e.to_string())?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(&url)
        .header("x-moat-upload-token", &token)
        .header("content-type", "application/json")
        .send(&body)
        .map_err(|e| format!("cannot upload to `{base}`: {e}"))?;
    let status = response.status();
    if status.is_success() {
        eprintln!("moat: run uploaded to {base} as project `{project}`");
        return Ok(());
    }
    let answer = response.body_mut().read_to_string().unwrap_or_default();
    let why = serde_json::from_str::<serde_json::Value>(&answer)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_string))
        .unwrap_or(answer);
    Err(format!("the server refused the upload ({status}): {why}"))
}
