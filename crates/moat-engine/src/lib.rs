//! Moat's threat engine: applies catalog threats to a system model and
//! produces the [`Assessment`] every renderer reads.

pub mod apply;
pub mod assessment;
pub mod compliance;
pub mod drift;
pub mod fast;
pub mod features;
pub mod finding_severity;
pub mod gate;
pub mod glob;
pub mod infer;
pub mod mitigation;
pub mod need;
pub mod plan;
pub mod reach;
pub mod review;
pub mod scan;
pub mod scan_status;
pub mod service;
pub mod status;
pub mod variants;
pub mod view;
pub mod vocabulary;

pub use assessment::*;

use moat_catalog::Catalog;
use moat_model::{Diagnostic, Model, SourceFile};

/// What an assessment depends on beyond its inputs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The day decisions' `expires` are compared with, `YYYY-MM-DD`.
    pub today: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { today: today() }
    }
}

/// Today in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    moat_model::decision::day_from_unix_days(i64::try_from(days).unwrap_or(0))
}

/// Builds the assessment of `model` against `catalog`. `diagnostics` are the
/// load-time messages to carry into the report; evaluation adds its own,
/// starting with the check of `service` and `features` values ([`vocabulary`]).
pub fn assess(
    model: Model,
    source: Option<&SourceFile>,
    catalog: &Catalog,
    diagnostics: Vec<Diagnostic>,
) -> Assessment {
    assess_with(model, source, catalog, diagnostics, &Options::default())
}

/// [`assess`] with explicit [`Options`].
pub fn assess_with(
    mut model: Model,
    source: Option<&SourceFile>,
    catalog: &Catalog,
    mut diagnostics: Vec<Diagnostic>,
    options: &Options,
) -> Assessment {
    // before anything reads them: case variants become the known ids
    diagnostics.extend(vocabulary::check(&mut model, source, catalog));
    let mut applied = apply::apply(catalog, &model, source);
    let inferred_services = service::inferences(&model);
    diagnostics.extend(applied.diagnostics);
    diagnostics.extend(status::settle(
        &model,
        source,
        catalog,
        &mut applied.threats,
        &options.today,
    ));
    mitigation::attach(catalog, &mut applied.definitions, &applied.threats);
    Assessment {
        schema_version: SCHEMA_VERSION,
        tool: Tool::moat(),
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
        scan: None,
        plan: None,
        review: None,
        compliance: None,
    }
}
