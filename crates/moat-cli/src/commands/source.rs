//! The catalog the catalog commands (plan, review, compliance, guardrails,
//! catalog) work on: the built-in one, or the files given with `--catalog`.

use crate::{Outcome, diagnostics, inputs};
use clap::ValueEnum;
use moat_catalog::Catalog;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CatalogArgs {
    /// Use this catalog instead of the built-in one: a Moat YAML catalog, a
    /// TrustOnCloud ThreatModel JSON file or a pytm threats.json (repeatable)
    #[arg(long = "catalog", value_name = "PATH", global = true)]
    pub catalogs: Vec<PathBuf>,
    /// With --catalog, keep the built-in catalog as well
    #[arg(long, global = true)]
    pub with_builtin: bool,
}

impl CatalogArgs {
    /// Loads the catalog and shows its diagnostics; errors end the command.
    pub fn load(&self) -> Result<Catalog, Outcome> {
        let no_builtin = !self.catalogs.is_empty() && !self.with_builtin;
        let (catalog, diags) = inputs::load_catalog(&self.catalogs, no_builtin);
        diagnostics::print_all(&diags, inputs::stderr_color());
        if diags.iter().any(moat_model::Diagnostic::is_error) {
            return Err(Outcome::InputError);
        }
        Ok(catalog)
    }
}

/// The formats every catalog command writes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Md,
    Json,
    Csv,
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
