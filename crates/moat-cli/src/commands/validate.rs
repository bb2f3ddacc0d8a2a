//! `moat validate MODEL...`: load and check without evaluating threats.
//! Every file is checked, whatever the earlier ones gave.

use crate::commands::source::CatalogArgs;
use crate::{Outcome, diagnostics, inputs};
use moat_model::Level;
use moat_source::diag::{count, escape_controls};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Pytm scripts (.py) or Moat YAML models
    #[arg(required = true)]
    pub models: Vec<PathBuf>,
    /// Catalogs to check too, with the built-in one unless --no-builtin
    #[command(flatten)]
    pub catalog: CatalogArgs,
    /// Treat warnings and an incomplete model as errors: exit 2
    #[arg(long)]
    pub strict: bool,
}

pub fn run(args: Args) -> Outcome {
    let color = inputs::stderr_color();
    let mut failed = false;
    let (catalog, catalog_diags) =
        inputs::load_catalog(&args.catalog.catalogs, args.catalog.no_builtin);
    for path in &args.models {
        let (mut loaded, source) = inputs::load_model(path);
        // What only the catalog can tell (`service` and `features` values,
        // unknown controls in `implements:`,
        // decisions naming unknown threats or matching nothing) is checked by
        // assessing the model, as `moat threats` would.
        if let Some(model) = loaded.model.clone().filter(|_| !loaded.has_errors()) {
            let assessment = moat_engine::assess(model, source.as_ref(), &catalog, Vec::new());
            loaded.diagnostics.extend(assessment.diagnostics);
        }
        diagnostics::print_all(&loaded.diagnostics, color);
        let of_level = |level| {
            loaded
                .diagnostics
                .iter()
                .filter(|d| d.level == level)
                .count()
        };
        let errors = of_level(Level::Error);
        let shown = escape_controls(&path.display().to_string()).into_owned();
        let warnings = of_level(Level::Warning);
        match &loaded.model {
            Some(m) if errors == 0 => {
                // an incomplete model is never "ok": threats may be missing
                let verdict = if m.incomplete.is_empty() {
                    "ok".to_string()
                } else {
                    format!(
                        "incomplete ({} of the source skipped, threats may be missing)",
                        count(m.incomplete.len(), "part")
                    )
                };
                println!(
                    "{shown}: {verdict} ({}, {}, {}, {}; {}, {})",
                    count(m.boundaries.len(), "boundary"),
                    count(m.elements.len(), "element"),
                    count(m.flows.len(), "flow"),
                    count(m.data.len(), "data"),
                    count(warnings, "warning"),
                    count(of_level(Level::Note), "note"),
                );
                if args.strict && (warnings > 0 || !m.incomplete.is_empty()) {
                    failed = true;
                }
            }
            _ => {
                failed = true;
                println!("{shown}: {}", count(errors, "error"));
            }
        }
    }
    let diags = catalog_diags;
    diagnostics::print_all(&diags, color);
    if diags.iter().any(|d| d.is_error()) {
        failed = true;
    }
    if !args.catalog.catalogs.is_empty() {
        println!(
            "catalog: {} from {}",
            count(catalog.threats.len(), "threat"),
            catalog.sources.join(", ")
        );
    }
    if failed {
        Outcome::InputError
    } else {
        Outcome::Ok
    }
}
