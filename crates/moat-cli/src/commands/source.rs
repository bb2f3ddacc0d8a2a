//! The catalog every command works on, chosen the same way everywhere: the
//! built-in one plus each `--catalog` file, or, with `--no-builtin`, the
//! `--catalog` files alone.

use crate::{Outcome, diagnostics, inputs};
use moat_catalog::Catalog;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CatalogArgs {
    /// Add a catalog to the built-in one: a Moat YAML catalog, a TrustOnCloud
    /// ThreatModel JSON file or a pytm threats.json (repeatable)
    #[arg(long = "catalog", value_name = "PATH", global = true)]
    pub catalogs: Vec<PathBuf>,
    /// Leave out the built-in catalog: use the --catalog files alone
    #[arg(long, global = true, requires = "catalogs")]
    pub no_builtin: bool,
}

impl CatalogArgs {
    /// Loads the catalog and shows its diagnostics; errors end the command.
    pub fn load(&self) -> Result<Catalog, Outcome> {
        let (catalog, diags) = inputs::load_catalog(&self.catalogs, self.no_builtin);
        diagnostics::print_all(&diags, inputs::stderr_color());
        if diags.iter().any(moat_model::Diagnostic::is_error) {
            return Err(Outcome::InputError);
        }
        Ok(catalog)
    }
}

/// The formats every catalog command writes.
pub type Format = crate::format::OutputFormat;

/// What `plan`, `compliance` and `catalog` accept after `--format`.
pub const CATALOG_FORMATS: &[crate::format::OutputFormat] = &[
    crate::format::OutputFormat::Text,
    crate::format::OutputFormat::Md,
    crate::format::OutputFormat::Json,
    crate::format::OutputFormat::Csv,
];

/// What `plan` and `compliance` accept after `--format`: the catalog formats and HTML.
pub const CATALOG_FORMATS_HTML: &[crate::format::OutputFormat] = &[
    crate::format::OutputFormat::Text,
    crate::format::OutputFormat::Md,
    crate::format::OutputFormat::Json,
    crate::format::OutputFormat::Csv,
    crate::format::OutputFormat::Html,
];

/// The HTML page of a catalog command: its result put in the `--scan`
/// assessment when there is one (the page then shows the findings too), else
/// in an assessment of the catalog alone.
pub fn html_page(
    scanned: Option<moat_engine::Assessment>,
    catalog: &Catalog,
    view: moat_report::HtmlView,
    fill: impl FnOnce(&mut moat_engine::Assessment),
) -> Result<String, Outcome> {
    let mut assessment = scanned.unwrap_or_else(|| {
        moat_engine::Assessment::of_catalog(moat_engine::CatalogSummary {
            sources: catalog.sources.clone(),
            threat_count: catalog.threats.len(),
        })
    });
    fill(&mut assessment);
    moat_report::html(&assessment, view).map_err(|e| {
        eprintln!("error: {e}");
        Outcome::InputError
    })
}

/// JSON of a serializable value with a trailing newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Outcome> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| {
            eprintln!("error: cannot serialize the result: {e}");
            Outcome::InputError
        })
}
