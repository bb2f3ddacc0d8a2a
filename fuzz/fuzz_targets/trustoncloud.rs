//! TrustOnCloud ThreatModel files never panic the loader, the HTML renderer of
//! its descriptions, or the cross-reference check and priority rules after it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let file = moat_model::SourceFile::new("fuzz.json", text);
    if let (Some(mut catalog), _) = moat_catalog::trustoncloud::load(&file) {
        let _ = catalog.link();
        let _ = moat_engine::plan::plan(&catalog);
    }
});
