//! `moat threats MODEL`: the threats that apply to each element and data flow.

use crate::commands::emit;
use crate::commands::source::CatalogArgs;
use crate::{Outcome, diagnostics, inputs};
use clap::ValueEnum;
use moat_catalog::Severity;
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Md,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn severity(self) -> Severity {
        match self {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// A pytm script (.py) or a Moat YAML model
    pub model: PathBuf,
    /// Output format
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: Format,
    /// Render with your own minijinja template instead (see docs/templates.md)
    #[arg(long, conflicts_with = "format")]
    pub template: Option<PathBuf>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Report only threats at or above this severity
    #[arg(long, value_enum)]
    pub min_severity: Option<SeverityArg>,
    /// Exit with 1 when a threat at or above this severity applies
    #[arg(long, value_enum)]
    pub fail_on: Option<SeverityArg>,
    /// Write the report to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let color = inputs::stderr_color();
    let (loaded, source) = inputs::load_model(&args.model);
    let (catalog, catalog_diags) =
        inputs::load_catalog(&args.catalog.catalogs, args.catalog.no_builtin);
    let mut diags = loaded.diagnostics;
    diags.extend(catalog_diags);
    diagnostics::print_all(&diags, color);
    let input_error = diags.iter().any(|d| d.is_error());
    let Some(model) = loaded.model else {
        return Outcome::InputError;
    };
    let mut assessment = moat_engine::assess(model, source.as_ref(), &catalog, diags.clone());
    // evaluation diagnostics are new; show them too
    diagnostics::print_all(
        assessment.diagnostics.get(diags.len()..).unwrap_or(&[]),
        color,
    );
    if let Some(min) = args.min_severity {
        assessment.retain(|t| t.severity >= min.severity());
    }
    let rendered = match (&args.template, args.format) {
        (Some(path), _) => inputs::read(path).and_then(|text| {
            let name = path.display().to_string();
            moat_report::template(&assessment, &name, &text)
                .map_err(|e| Box::new(e.diagnostic(&name)))
        }),
        (None, Format::Text) => Ok(moat_report::text(
            &assessment,
            args.output.is_none() && inputs::stdout_color(),
        )),
        (None, Format::Json) => Ok(moat_report::json(&assessment)),
        (None, Format::Md) => moat_report::markdown(&assessment).map_err(|e| {
            Box::new(moat_model::Diagnostic::error(
                "report::markdown",
                e.to_string(),
            ))
        }),
    };
    let text = match rendered {
        Ok(text) => text,
        Err(diag) => {
            diagnostics::print_all(&[*diag], color);
            return Outcome::InputError;
        }
    };
    if let Err(outcome) = emit(&text, args.output.as_deref()) {
        return outcome;
    }
    if input_error {
        return Outcome::InputError;
    }
    match args.fail_on {
        Some(threshold)
            if assessment
                .max_severity()
                .is_some_and(|s| s >= threshold.severity()) =>
        {
            Outcome::ThreatsAtOrAboveThreshold
        }
        _ => Outcome::Ok,
    }
}
