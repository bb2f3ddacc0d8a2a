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
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(crate::commands::source::CATALOG_FORMATS))]
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
    let report = match moat_catalog::compliance::compliance(&catalog, &args.framework) {
        Ok(r) => r,
        Err(message) => {
            crate::diagnostics::error(&message);
            return Outcome::InputError;
        }
    };
    let text = match args.format {
        Format::Text => Ok(views::compliance_text(&report)),
        Format::Md => Ok(views::compliance_markdown(&report)),
        Format::Csv => Ok(views::compliance_csv(&report)),
        Format::Json => to_json(&report),
        other => Err(crate::format::unsupported(other)),
    };
    finish(text, args.output.as_deref())
}
