//! The generic STRIDE threats shipped inside the binary (catalog/generic/*.yaml).

use crate::Catalog;
use moat_model::Diagnostic;

/// One embedded file: the name diagnostics use, and its text.
const GENERIC: &[(&str, &str)] = &[
    (
        "catalog/generic/spoofing.yaml",
        include_str!("../../../catalog/generic/spoofing.yaml"),
    ),
    (
        "catalog/generic/tampering.yaml",
        include_str!("../../../catalog/generic/tampering.yaml"),
    ),
    (
        "catalog/generic/repudiation.yaml",
        include_str!("../../../catalog/generic/repudiation.yaml"),
    ),
    (
        "catalog/generic/information_disclosure.yaml",
        include_str!("../../../catalog/generic/information_disclosure.yaml"),
    ),
    (
        "catalog/generic/denial_of_service.yaml",
        include_str!("../../../catalog/generic/denial_of_service.yaml"),
    ),
    (
        "catalog/generic/elevation_of_privilege.yaml",
        include_str!("../../../catalog/generic/elevation_of_privilege.yaml"),
    ),
];

/// The built-in catalog. A test holds it to having no diagnostics at all.
pub fn builtin() -> (Catalog, Vec<Diagnostic>) {
    let mut catalog = Catalog {
        threats: Vec::new(),
        sources: vec!["builtin:generic".to_string()],
        ..Default::default()
    };
    let mut diagnostics = Vec::new();
    for (name, text) in GENERIC {
        let (loaded, mut found) = crate::load_str(name, text);
        diagnostics.append(&mut found);
        if let Some(mut loaded) = loaded {
            // the files are one catalog: report them all as `builtin:generic`
            loaded.sources.clear();
            diagnostics.extend(catalog.merge(loaded));
        }
    }
    (catalog, diagnostics)
}
