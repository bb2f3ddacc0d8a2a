//! Catalog files (Moat YAML or pytm threats.json) never panic the loader or the CEL checker.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = moat_catalog::load_str("fuzz.yaml", text);
});
