//! Moat's threat catalog: the data types, the YAML loader with its
//! validation (ids, CEL conditions, attributes), and the pytm threat library import.

pub mod types;
pub mod view_schema;

pub use types::*;

/// A compiled CEL condition and the text it came from.
#[derive(Debug)]
pub struct Condition {
    pub source: String,
    pub program: cel::Program,
}

/// A threat with its condition compiled.
#[derive(Debug)]
pub struct CatalogThreat {
    pub threat: Threat,
    pub condition: Option<Condition>,
}

#[derive(Debug, Default)]
pub struct Catalog {
    pub threats: Vec<CatalogThreat>,
    /// Where the threats came from (`builtin:generic`, file names).
    pub sources: Vec<String>,
}
