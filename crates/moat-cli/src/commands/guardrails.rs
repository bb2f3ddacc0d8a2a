//! `moat guardrails --block FEATURE_CLASS...`: SCPs denying exactly the blocked
//! feature classes' IAM actions, and EventBridge patterns alerting on their use.

use crate::Outcome;
use crate::commands::finish;
use crate::commands::source::{CatalogArgs, to_json};
use clap::ValueEnum;
use moat_catalog::guardrails::{GuardrailOptions, Guardrails, guardrails_with};
use moat_model::diag::count;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Md,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// Feature classes to forbid (ids like FC-S3-TORRENT or S3.FC21, or names; repeatable)
    #[arg(long = "block", value_name = "FEATURE_CLASS", required = true)]
    pub block: Vec<String>,
    /// Exempt this role (e.g. a break-glass role) from the SCPs
    #[arg(long, value_name = "ROLE_ARN")]
    pub exempt_role: Option<String>,
    /// Name every action instead of using wildcards
    #[arg(long)]
    pub exact_actions: bool,
    /// Also write each SCP and event pattern as its own JSON file in this directory
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let catalog = match args.catalog.load() {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let options = GuardrailOptions {
        exempt_role_arn: args.exempt_role.clone(),
        exact_actions: args.exact_actions,
    };
    let result = match guardrails_with(&catalog, &args.block, &options) {
        Ok(g) => g,
        Err(error) => {
            crate::diagnostics::error(&error.to_string());
            return Outcome::InputError;
        }
    };
    if let Some(dir) = &args.out_dir
        && let Err(outcome) = write_files(&result, dir)
    {
        return outcome;
    }
    let text = match args.format {
        Format::Json => to_json(&result),
        Format::Text => Ok(render(&result, false)),
        Format::Md => Ok(render(&result, true)),
    };
    finish(text, args.output.as_deref())
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn write_files(result: &Guardrails, dir: &std::path::Path) -> Result<(), Outcome> {
    let fail = |e: std::io::Error| {
        eprintln!("error: cannot write to `{}`: {e}", dir.display());
        Outcome::InputError
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    for (n, policy) in result.policies.iter().enumerate() {
        // minified: the SCP quota counts every character
        let text = serde_json::to_string(policy).unwrap_or_default();
        std::fs::write(dir.join(format!("scp-{}.json", n + 1)), text + "\n").map_err(fail)?;
    }
    for (n, pattern) in result.event_patterns.iter().enumerate() {
        let text = pretty(pattern) + "\n";
        std::fs::write(dir.join(format!("event-pattern-{}.json", n + 1)), text).map_err(fail)?;
    }
    Ok(())
}

fn render(g: &Guardrails, markdown: bool) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, text: &str| {
        if markdown {
            let _ = writeln!(out, "## {text}\n");
        } else {
            let _ = writeln!(out, "{text}:");
        }
    };
    let code = |out: &mut String, text: &str| {
        if markdown {
            let _ = writeln!(out, "```json\n{text}\n```\n");
        } else {
            let _ = writeln!(out, "{text}\n");
        }
    };
    if markdown {
        let _ = writeln!(out, "# Guardrails\n");
    }
    let blocked: Vec<String> = g
        .blocked
        .iter()
        .map(|(id, name)| format!("{id} ({name})"))
        .collect();
    let _ = writeln!(
        out,
        "Blocking {}: {} denied by {}, {} alerted on.\n",
        blocked.join(", "),
        count(g.actions.len(), "IAM action"),
        count(g.policies.len(), "SCP"),
        count(g.event_names.len(), "CloudTrail event")
    );
    for (n, policy) in g.policies.iter().enumerate() {
        let minified = serde_json::to_string(policy).unwrap_or_default();
        heading(
            &mut out,
            &format!(
                "Service control policy {} ({} of 5,120 characters)",
                n + 1,
                minified.len()
            ),
        );
        code(&mut out, &pretty(policy));
    }
    for (n, pattern) in g.event_patterns.iter().enumerate() {
        heading(&mut out, &format!("EventBridge rule pattern {}", n + 1));
        code(&mut out, &pretty(pattern));
    }
    if !g.data_events.is_empty() {
        let _ = writeln!(
            out,
            "CloudTrail records these only when S3 data events are enabled on a trail: {}\n",
            g.data_events.join(", ")
        );
    }
    if !g.read_only_events.is_empty() {
        let _ = writeln!(
            out,
            "A rule receives these read-only events only with `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`: {}\n",
            g.read_only_events.join(", ")
        );
    }
    for (action, reason) in &g.skipped {
        let _ = writeln!(out, "skipped `{action}`: {reason}");
    }
    for (class, actions) in &g.shared {
        let _ = writeln!(
            out,
            "not denied (also used by allowed {class}): {}",
            actions.join(", ")
        );
    }
    for note in &g.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out
}
