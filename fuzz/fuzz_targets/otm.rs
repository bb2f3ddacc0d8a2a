//! The OTM importer (JSON and YAML) must turn any text into a model or
//! located diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (bool, &str)| {
    let (yaml, text) = data;
    let name = if yaml { "fuzz.otm.yaml" } else { "fuzz.otm.json" };
    let file = moat_model::SourceFile::new(name, text);
    let loaded = moat_interchange::import(moat_interchange::ImportFormat::Otm, &file);
    for d in &loaded.diagnostics {
        let _ = d.to_string();
    }
});
