//! `moat plan`: every control by computed priority, with implementation and testing.

use crate::Outcome;
use crate::commands::emit;
use crate::commands::source::{CatalogArgs, Format, to_json};
use moat_report::catalog_views as views;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub catalog: CatalogArgs,
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: Format,
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
        Format::Text => views::plan_text(&plan),
        Format::Md => views::plan_markdown(&plan),
        Format::Csv => views::plan_csv(&plan),
        Format::Json => match to_json(&plan) {
            Ok(t) => t,
            Err(o) => return o,
        },
    };
    match emit(&text, args.output.as_deref()) {
        Ok(()) => Outcome::Ok,
        Err(o) => o,
    }
}
