//! Renderers for a scan's assessment: text for a terminal, Markdown in the
//! shape of a security review (numbered findings grouped by category, then
//! an Immediate / Next / Later plan), JSON, SARIF 2.1.0 and CSV.

mod csv;
mod markdown;
mod sarif;
mod snippet;
mod text;

pub use csv::render as csv;
pub use markdown::render as markdown;
pub use sarif::render as sarif;
pub use text::render as text;

use moat_engine::Assessment;
use moat_engine::scan::ScanResults;

/// The assessment as JSON (docs/scan.md describes the shape).
pub fn json(a: &Assessment) -> String {
    let mut text =
        serde_json::to_string_pretty(a).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// `3 high`, `7 medium`...: unsuppressed findings per severity, most severe first.
fn by_severity(a: &ScanResults) -> Vec<String> {
    ["critical", "high", "medium", "low", "info"]
        .iter()
        .filter_map(|k| a.summary.by_severity.get(*k).map(|n| format!("{n} {k}")))
        .collect()
}

/// The CDK fix to show for `f`, in its app's language: only for a resource
/// CDK synthesized (it has a construct path) and a check with a CDK fix. An
/// app whose language is not known gets TypeScript.
/// The check's Terraform fix, for a finding in a Terraform file.
fn terraform_fix<'a>(
    f: &moat_engine::scan::Finding,
    c: &'a moat_engine::scan::CheckSummary,
) -> Option<&'a str> {
    if !f.location.file.ends_with(".tf") {
        return None;
    }
    c.terraform.as_deref()
}

fn cdk_fix<'a>(
    f: &moat_engine::scan::Finding,
    c: &'a moat_engine::scan::CheckSummary,
) -> Option<(moat_iac::cdk::CdkLanguage, &'a str)> {
    f.cdk_path.as_ref()?;
    let language = f
        .cdk_language
        .unwrap_or(moat_iac::cdk::CdkLanguage::TypeScript);
    c.cdk.as_ref().map(|fix| (language, fix.code(language)))
}
