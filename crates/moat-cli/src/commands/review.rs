//! `moat review --feature-class ID...`: per feature class, its threats at or
//! above a severity, their controls, and the feature's data flow diagram.

use crate::commands::finish;
use crate::commands::source::{CatalogArgs, to_json};
use crate::commands::threats::SeverityArg;
use crate::format::OutputFormat;
use crate::{Outcome, inputs};
use clap::ValueEnum;
use moat_report::catalog_views::{self as views, DiagramSyntax};
use std::path::PathBuf;

pub type Format = OutputFormat;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Diagram {
    Mermaid,
    Dot,
}

#[derive(clap::Args)]
pub struct Args {
    /// Feature classes to review (ids like FC-S3-REPLICATION or S3.FC15, or names; repeatable)
    #[arg(long = "feature-class", value_name = "ID")]
    pub feature_classes: Vec<String>,
    /// Review the feature classes a model uses (its elements' services and `features`)
    #[arg(long, value_name = "MODEL")]
    pub features_from: Option<PathBuf>,
    /// Leave out threats below this severity
    #[arg(long, value_enum, default_value = "info")]
    pub min_severity: SeverityArg,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(&[OutputFormat::Text, OutputFormat::Md, OutputFormat::Json, OutputFormat::Html]))]
    pub format: Format,
    /// Diagram syntax for each feature class
    #[arg(long, value_enum, default_value = "mermaid")]
    pub diagram: Diagram,
    /// Write to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Give each control its status from a scan of these templates (with the
    /// file:line that shows it); with `--features-from` the same templates
    /// also say which feature classes are in use
    #[arg(long, num_args = 1..)]
    pub scan: Vec<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let catalog = match args.catalog.load() {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let mut classes = args.feature_classes.clone();
    if let Some(path) = &args.features_from {
        let Some(model) = inputs::load_and_report(path) else {
            return Outcome::InputError;
        };
        let (reference, _) = moat_catalog::builtin();
        let used = moat_engine::features::features_in_use(&model, &catalog, &reference);
        if used.is_empty() {
            eprintln!(
                "note: `{}` uses no feature class this catalog knows (set elements' `service` or `features`)",
                path.display()
            );
        }
        classes.extend(used);
    }
    if classes.is_empty() {
        eprintln!("error: name at least one --feature-class, or give --features-from MODEL");
        return Outcome::InputError;
    }
    let mut review =
        match moat_engine::review::review(&catalog, &classes, args.min_severity.severity()) {
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
        moat_engine::scan_status::apply_to_review(&mut review, &assessment);
        scanned = Some(assessment);
    }
    let syntax = match args.diagram {
        Diagram::Mermaid => DiagramSyntax::Mermaid,
        Diagram::Dot => DiagramSyntax::Dot,
    };
    let text = match args.format {
        Format::Text => Ok(views::review_text(&review, syntax)),
        Format::Md => Ok(views::review_markdown(&review, syntax)),
        Format::Json => to_json(&review),
        Format::Html => crate::commands::source::html_page(
            scanned,
            &catalog,
            moat_report::HtmlView::Review,
            |a| a.review = Some(review),
        ),
        other => Err(crate::format::unsupported(other)),
    };
    match finish(text, args.output.as_deref()) {
        // statuses from files that could not be read completely are not a pass
        Outcome::Ok if unread => Outcome::InputError,
        other => other,
    }
}
