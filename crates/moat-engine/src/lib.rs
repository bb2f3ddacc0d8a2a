//! Moat's threat engine: applies catalog threats to a system model and
//! produces the [`Assessment`] every renderer reads.

pub mod apply;
pub mod assessment;
pub mod fast;
pub mod features;
pub mod gate;
pub mod need;
pub mod service;
pub mod view;
pub mod vocabulary;

pub use assessment::*;

use moat_catalog::Catalog;
use moat_model::{Diagnostic, Model, SourceFile};

/// Builds the assessment of `model` against `catalog`. `diagnostics` are the
/// load-time messages to carry into the report; evaluation adds its own,
/// starting with the check of `service` and `features` values ([`vocabulary`]).
pub fn assess(
    mut model: Model,
    source: Option<&SourceFile>,
    catalog: &Catalog,
    mut diagnostics: Vec<Diagnostic>,
) -> Assessment {
    // before anything reads them: case variants become the known ids
    diagnostics.extend(vocabulary::check(&mut model, source, catalog));
    let applied = apply::apply(catalog, &model, source);
    let inferred_services = service::inferences(&model);
    diagnostics.extend(applied.diagnostics);
    Assessment {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "moat".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        model,
        catalog: CatalogSummary {
            sources: catalog.sources.clone(),
            threat_count: catalog.threats.len(),
        },
        threats: applied.threats,
        definitions: applied.definitions,
        targets: applied.targets,
        inferred_services,
        diagnostics,
    }
}
