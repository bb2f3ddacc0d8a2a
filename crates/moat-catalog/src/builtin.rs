//! The catalog shipped inside the binary: the generic STRIDE threats
//! (catalog/generic) and the S3 catalog (catalog/s3), embedded by build.rs.

use crate::Catalog;
use moat_model::Diagnostic;

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// The built-in catalog, linked. A test holds it to having no diagnostics at all.
pub fn builtin() -> (Catalog, Vec<Diagnostic>) {
    let mut catalog = Catalog::default();
    let mut diagnostics = Vec::new();
    for (name, text) in FILES {
        let (loaded, mut found) = crate::load_str(name, text);
        diagnostics.append(&mut found);
        if let Some(mut loaded) = loaded {
            // the files are one catalog: name it by its sets, not its files
            loaded.sources.clear();
            diagnostics.extend(catalog.merge(loaded));
        }
    }
    catalog.sources = vec!["builtin:generic".to_string(), "builtin:s3".to_string()];
    diagnostics.extend(catalog.link());
    (catalog, diagnostics)
}

/// The names of the embedded files.
pub fn builtin_files() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(name, _)| *name)
}
