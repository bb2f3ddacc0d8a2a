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
    let mut plan = moat_catalog::plan::plan(&catalog);
    if !args.scan.is_empty() {
        let scan = moat_iac::scan::scan(&args.scan, &moat_iac::scan::Options::default());
        if scan
            .files
            .iter()
            .all(|f| !matches!(f.format.as_str(), "cloudformation" | "sam"))
        {
            eprintln!("error: no CloudFormation, SAM or CDK template found in the --scan paths");
            return crate::Outcome::InputError;
        }
        let errors = scan
            .files
            .iter()
            .filter(|f| f.status == moat_iac::scan::Status::Error)
            .count();
        let assessment = moat_engine::scan::assess_scan(
            &scan,
            moat_checks::registry::ALL,
            &catalog,
            &Default::default(),
        );
        for row in &mut plan.rows {
            if let Some(status) = assessment
                .controls
                .iter()
                .find(|c| c.control == row.control.id)
            {
                row.status = status.status.to_plan_status();
                row.evidence = status
                    .evidence
                    .iter()
                    .filter(|e| e.status == status.status)
                    .map(|e| format!("{}:{} {}", e.location.file, e.location.line, e.resource))
                    .collect();
            }
        }
        if errors > 0 {
            eprintln!(
                "warning: {} could not be read completely; statuses may be missing",
                moat_source::diag::count(errors, "file")
            );
        }
    }
    let text = match args.format {
        Format::Text => Ok(views::plan_text(&plan)),
        Format::Md => Ok(views::plan_markdown(&plan, args.details)),
        Format::Csv => Ok(views::plan_csv(&plan)),
        Format::Json => to_json(&plan),
        other => Err(crate::format::unsupported(other)),
    };
    finish(text, args.output.as_deref())
}
