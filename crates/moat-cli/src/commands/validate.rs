//! `moat validate MODEL...`: load and check without evaluating threats.
//! Every file is checked, whatever the earlier ones gave.

use crate::{Outcome, diagnostics, inputs};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Pytm scripts (.py) or Moat YAML models
    #[arg(required = true)]
    pub models: Vec<PathBuf>,
    /// Catalogs to check too: Moat catalog YAML or pytm threats.json (repeatable)
    #[arg(long = "catalog", value_name = "PATH")]
    pub catalogs: Vec<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let color = inputs::stderr_color();
    let mut failed = false;
    let (catalog, catalog_diags) = inputs::load_catalog(&args.catalogs, false);
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
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = loaded.diagnostics.len() - errors;
        match &loaded.model {
            Some(m) if errors == 0 => println!(
                "{}: ok ({} boundaries, {} elements, {} flows, {} data; {warnings} warnings/notes)",
                path.display(),
                m.boundaries.len(),
                m.elements.len(),
                m.flows.len(),
                m.data.len()
            ),
            _ => {
                failed = true;
                println!("{}: {errors} errors", path.display());
            }
        }
    }
    let diags = catalog_diags;
    diagnostics::print_all(&diags, color);
    if diags.iter().any(|d| d.is_error()) {
        failed = true;
    }
    if !args.catalogs.is_empty() {
        println!(
            "catalog: {} threats from {}",
            catalog.threats.len(),
            catalog.sources.join(", ")
        );
    }
    if failed {
        Outcome::InputError
    } else {
        Outcome::Ok
    }
}
