//! `moat plan`: every control by computed priority, with implementation and testing.

use crate::Outcome;
use crate::commands::finish;
use crate::commands::source::{CatalogArgs, Format, to_json};
use crate::format::OutputFormat;
use moat_report::catalog_views as views;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub catalog: CatalogArgs,
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(crate::commands::source::CATALOG_FORMATS_HTML))]
    pub format: Format,
    /// With `-f md`: each control's full implementation, snippets and tests too
    #[arg(long)]
    pub details: bool,
    /// Write to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Take each control's status from a scan of these templates (implemented,
    /// partial, missing, unknown, with the file:line that shows it)
    #[arg(long, num_args = 1..)]
    pub scan: Vec<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let catalog = match args.catalog.load() {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let mut plan = moat_engine::plan::plan(&catalog);
    let mut unread = false;
    let mut scanned = None;
    if !args.scan.is_empty() {
        let assessment = match crate::commands::scan::assess_for_status(&args.scan, &catalog) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        unread = assessment.scan_results().summary.files_with_errors > 0;
        moat_engine::scan_status::apply_to_plan(&mut plan, &assessment);
        scanned = Some(assessment);
    }
    let text = match args.format {
        Format::Text => Ok(views::plan_text(&plan)),
        Format::Md => Ok(views::plan_markdown(&plan, args.details)),
        Format::Csv => Ok(views::plan_csv(&plan)),
        Format::Json => to_json(&plan),
        Format::Html => crate::commands::source::html_page(
            scanned,
            &catalog,
            moat_report::HtmlView::Plan,
            |a| a.plan = Some(plan),
        ),
        other => Err(crate::format::unsupported(other)),
    };
    match finish(text, args.output.as_deref()) {
        // statuses from files that could not be read completely are not a pass
        Outcome::Ok if unread => Outcome::InputError,
        other => other,
    }
}
