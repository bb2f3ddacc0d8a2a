//! `moat catalog list|show ID|search TEXT|html`: browse a catalog.

use crate::Outcome;
use crate::commands::finish;
use crate::commands::source::{CatalogArgs, Format, to_json};
use crate::format::OutputFormat;
use moat_catalog::Catalog;
use moat_catalog::search::{self, EntryKind};
use moat_report::catalog_views as views;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
    #[command(flatten)]
    pub catalog: CatalogArgs,
    #[arg(long, short, default_value = "text", value_parser = OutputFormat::parser(crate::commands::source::CATALOG_FORMATS), global = true)]
    pub format: Format,
    /// Write to this file instead of stdout
    #[arg(long, short, global = true)]
    pub output: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Every feature class, threat, control and framework
    List,
    /// One entry in full, by id
    Show { id: String },
    /// Entries whose text contains every word of the query
    Search { query: String },
    /// The whole catalog as one self-contained, searchable HTML file
    Html,
}

pub fn run(args: Args) -> Outcome {
    let catalog = match args.catalog.load() {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let text = match &args.action {
        Action::List => listing(&search::entries(&catalog), args.format),
        Action::Search { query } => listing(&search::search(&catalog, query), args.format),
        Action::Show { id } => show(&catalog, id, args.format),
        Action::Html => Ok(moat_report::catalog_html(&catalog, "Moat catalog")),
    };
    finish(text, args.output.as_deref())
}

fn listing(entries: &[search::Entry], format: Format) -> Result<String, Outcome> {
    Ok(match format {
        Format::Text => views::entries_text(entries),
        Format::Md => views::entries_markdown(entries),
        Format::Csv => views::entries_csv(entries),
        Format::Json => return to_json(&entries),
        other => return Err(crate::format::unsupported(other)),
    })
}

fn show(catalog: &Catalog, id: &str, format: Format) -> Result<String, Outcome> {
    let Some(entry) = search::entries(catalog).into_iter().find(|e| e.id == id) else {
        let ids = search::entries(catalog);
        let hint = moat_source::diag::did_you_mean(id, ids.iter().map(|e| e.id.as_str()))
            .map(|h| format!(", {h}"))
            .unwrap_or_default();
        crate::diagnostics::error(&format!("no catalog entry `{id}`{hint}"));
        return Err(Outcome::InputError);
    };
    let value = match entry.kind {
        EntryKind::FeatureClass => serde_json::to_value(catalog.feature_class(id)),
        EntryKind::Threat => serde_json::to_value(catalog.threat(id).map(|t| &t.threat)),
        EntryKind::Control => serde_json::to_value(catalog.control(id)),
        EntryKind::Framework => serde_json::to_value(catalog.framework(id)),
    }
    .map_err(|e| {
        eprintln!("error: cannot serialize `{id}`: {e}");
        Outcome::InputError
    })?;
    Ok(match format {
        Format::Json => return to_json(&value),
        Format::Csv => views::entries_csv(std::slice::from_ref(&entry)),
        Format::Md => views::entry_markdown(&value),
        Format::Text => views::entry_text(&value),
        other => return Err(crate::format::unsupported(other)),
    })
}
