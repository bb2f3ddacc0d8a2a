//! The pytm reader must turn any text into a model or located diagnostics, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let loaded = moat_model::load("fuzz.py", text);
    for d in &loaded.diagnostics {
        let _ = d.to_string();
    }
});
