//! `moat compliance --framework ID`: requirement -> controls -> status, gaps, action plan.

use crate::Outcome;
use crate::commands::finish;
use crate::commands::source::{CatalogArgs, Format, to_json};
use crate::format::OutputFormat;
use moat_report::catalog_views as views;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Framework id: aws-securityhub, cis-aws-v3, cis-aws-v5, pci-dss-v4,
    /// nist-800-53-r5 (built-in catalog) or scf (TrustOnCloud files)
    #[arg(long)]
    pub framework: String,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(crate::commands::source::CATALOG_FORMATS_HTML))]
    pub format: Format,
    /// Write to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Take each requirement's status from a scan of these templates
    /// (implemented, partial, missing, unknown, with the file:line that shows it)
    #[arg(long, num_args = 1..)]
    pub scan: Vec<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let catalog = match args.catalog.load() {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let mut report = match moat_engine::compliance::compliance(&catalog, &args.framework) {
        Ok(r) => r,
        Err(message) => {
            crate::diagnostics::error(&message);
            return Outcome::InputError;
        }
    };
    let mut unread = false;
    let mut scanned = None;
    if !args.scan.is_empty() {
        let assessment = match crate::commands::scan::assess_for_status(&args.scan, &catalog) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        unread = assessment.scan_results().summary.files_with_errors > 0;
        moat_engine::scan_status::apply_to_compliance(&mut report, &assessment);
        scanned = Some(assessment);
    }
    let text = match args.format {
        Format::Text => Ok(views::compliance_text(&report)),
        Format::Md => Ok(views::compliance_markdown(&report)),
        Format::Csv => Ok(views::compliance_csv(&report)),
        Format::Json => to_json(&report),
        Format::Html => crate::commands::source::html_page(
            scanned,
            &catalog,
            moat_report::HtmlView::Compliance,
            |a| a.compliance = Some(report),
        ),
        other => Err(crate::format::unsupported(other)),
    };
    match finish(text, args.output.as_deref()) {
        // statuses from files that could not be read completely are not a pass
        Outcome::Ok if unread => Outcome::InputError,
        other => other,
    }
}
