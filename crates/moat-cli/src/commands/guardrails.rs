//! `moat guardrails --block FEATURE_CLASS...`: SCPs denying the actions that
//! enable or use the blocked feature classes, and EventBridge patterns alerting
//! on their calls. docs/guardrails.md describes the defaults and every flag.

use crate::Outcome;
use crate::commands::finish;
use crate::commands::source::{CatalogArgs, to_json};
use crate::format::OutputFormat;
use moat_catalog::guardrails::{
    Category, EVENT_PATTERN_MAX_CHARS, GuardrailOptions, Guardrails, SCP_MAX_CHARS, guardrails_with,
};
use moat_source::diag::count;
use std::fmt::Write as _;
use std::path::PathBuf;

pub type Format = OutputFormat;

#[derive(clap::Args)]
pub struct Args {
    /// Feature classes to forbid (ids like FC-S3-TORRENT or S3.FC21, or names; repeatable)
    #[arg(long = "block", value_name = "FEATURE_CLASS", required = true)]
    pub block: Vec<String>,
    /// Exempt this principal ARN (a break-glass or remediation role) from the SCPs (repeatable)
    #[arg(long = "exempt-role", value_name = "ROLE_ARN")]
    pub exempt_roles: Vec<String>,
    /// Also deny the actions that only read the feature's settings (breaks `terraform plan`)
    #[arg(long)]
    pub include_reads: bool,
    /// Also deny the actions that switch the feature off (nobody could remove it)
    #[arg(long)]
    pub include_remediation: bool,
    /// Block core classes (IAM, STS, KMS, Organizations, CloudTrail, objects,
    /// buckets, Block Public Access) and core actions although that locks out ordinary work
    #[arg(long)]
    pub force: bool,
    /// Name every action instead of using wildcards
    #[arg(long)]
    pub exact_actions: bool,
    /// Also write each SCP and event pattern as its own minified JSON file in this directory
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(&[OutputFormat::Text, OutputFormat::Md, OutputFormat::Json]))]
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
        exempt_role_arns: args.exempt_roles.clone(),
        exact_actions: args.exact_actions,
        include_reads: args.include_reads,
        include_remediation: args.include_remediation,
        force: args.force,
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
    // The text and Markdown reports carry the warnings; JSON and files written
    // elsewhere would hide them, so they go to stderr as well.
    if args.format == Format::Json || args.output.is_some() {
        for warning in &result.warnings {
            eprintln!("warning: {warning}");
        }
    }
    let text = match args.format {
        Format::Json => to_json(&result),
        Format::Text => Ok(render(&result, false)),
        Format::Md => Ok(render(&result, true)),
        other => Err(crate::format::unsupported(other)),
    };
    finish(text, args.output.as_deref())
}

/// Minified, as the quotas count every character.
fn compact(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn write_files(result: &Guardrails, dir: &std::path::Path) -> Result<(), Outcome> {
    let fail = |e: std::io::Error| {
        eprintln!("error: cannot write to `{}`: {e}", dir.display());
        Outcome::InputError
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    for (n, policy) in result.policies.iter().enumerate() {
        let text = compact(policy) + "\n";
        std::fs::write(dir.join(format!("scp-{}.json", n + 1)), text).map_err(fail)?;
    }
    for (n, pattern) in result.event_patterns.iter().enumerate() {
        let text = compact(pattern) + "\n";
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
    let code_span = |text: &str| {
        if markdown {
            format!("`{text}`")
        } else {
            text.to_string()
        }
    };
    if markdown {
        let _ = writeln!(out, "# Guardrails\n");
    }
    let blocked: Vec<String> = g
        .blocked
        .iter()
        .map(|(id, name)| format!("{} ({})", clean(id, markdown), clean(name, markdown)))
        .collect();
    // One remark a line; a list item in Markdown so that lines stay apart.
    let item = if markdown { "- " } else { "" };
    let _ = writeln!(
        out,
        "Blocking {}: {} denied by {}, {} alerted on.",
        blocked.join(", "),
        count(g.actions.len(), "IAM action"),
        count(g.policies.len(), "SCP"),
        count(g.event_names.len(), "CloudTrail event")
    );
    let mut denied_kinds = vec!["enable", "use"];
    if g.options.include_remediation {
        denied_kinds.push("switch off");
    }
    if g.options.include_reads {
        denied_kinds.push("read");
    }
    let _ = writeln!(
        out,
        "Denied: the actions that {} the features.{}\n",
        join_words(&denied_kinds),
        if g.options.exempt_role_arns.is_empty() {
            String::new()
        } else {
            format!(
                " Exempt: {}.",
                g.options
                    .exempt_role_arns
                    .iter()
                    .map(|a| code_span(a))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    for warning in &g.warnings {
        let _ = writeln!(out, "{item}warning: {}", clean(warning, false));
    }
    if !g.warnings.is_empty() {
        out.push('\n');
    }
    for (n, policy) in g.policies.iter().enumerate() {
        let text = compact(policy);
        heading(
            &mut out,
            &format!(
                "Service control policy {} ({} of {} characters)",
                n + 1,
                thousands(text.len()),
                thousands(SCP_MAX_CHARS)
            ),
        );
        code(&mut out, &text);
    }
    for (n, pattern) in g.event_patterns.iter().enumerate() {
        let text = compact(pattern);
        heading(
            &mut out,
            &format!(
                "EventBridge rule pattern {} ({} of {} characters)",
                n + 1,
                thousands(text.len()),
                thousands(EVENT_PATTERN_MAX_CHARS)
            ),
        );
        code(&mut out, &text);
    }
    let kept_reads = g.kept(Category::Read);
    if !kept_reads.is_empty() {
        let _ = writeln!(
            out,
            "{item}Kept, they only read settings (--include-reads denies them): {}",
            kept_reads.join(", ")
        );
    }
    let kept_remediation = g.kept(Category::Remediate);
    if !kept_remediation.is_empty() {
        let _ = writeln!(
            out,
            "{item}Kept, they switch the feature off (--include-remediation denies them): {}",
            kept_remediation.join(", ")
        );
    }
    if !kept_reads.is_empty() || !kept_remediation.is_empty() {
        out.push('\n');
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
        let _ = writeln!(
            out,
            "{item}skipped `{}`: {}",
            clean(action, false),
            clean(reason, false)
        );
    }
    for (action, classes) in &g.shared {
        let _ = writeln!(
            out,
            "{item}not denied (also used by allowed {}): {action}",
            clean(&classes.join(", "), markdown)
        );
    }
    for note in &g.notes {
        let _ = writeln!(out, "{item}note: {}", clean(note, false));
    }
    out
}

/// Catalog text made safe to print: control characters escaped (no terminal
/// escape sequence gets through) and, for Markdown, the characters that would
/// start markup backslash-escaped.
fn clean(text: &str, markdown: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else if markdown && "\\`*_[]<>|#".contains(c) {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_text_is_cleaned() {
        assert_eq!(clean("a\u{1b}]0;x\u{7}b", false), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(clean("*bold* `x` | y", true), "\\*bold\\* \\`x\\` \\| y");
        assert_eq!(clean("*bold*", false), "*bold*");
        assert_eq!(thousands(5120), "5,120");
        assert_eq!(thousands(999), "999");
        assert_eq!(
            join_words(&["enable", "use", "read"]),
            "enable, use or read"
        );
    }
}
