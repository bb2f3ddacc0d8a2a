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
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(crate::commands::source::CATALOG_FORMATS))]
    pub format: Format,
    /// With `-f md`: each control's full implementation, snippets and tests too
    #[arg(long)]
    pub details: bool,
    /// Write to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let catalog = match args.catalog.load() {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let plan = moat_catalog::plan::plan(&catalog);
    let text = match args.format {
        Format::Text => Ok(views::plan_text(&plan)),
        Format::Md => Ok(views::plan_markdown(&plan, args.details)),
        Format::Csv => Ok(views::plan_csv(&plan)),
        Format::Json => to_json(&plan),
        other => Err(crate::format::unsupported(other)),
    };
    finish(text, args.output.as_deref())
}
