//! The Threat Composer importer must turn any text into a model or located
//! diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let file = moat_model::SourceFile::new("fuzz.tc.json", text);
    let loaded = moat_interchange::import(moat_interchange::ImportFormat::ThreatComposer, &file);
    for d in &loaded.diagnostics {
        let _ = d.to_string();
    }
});
