//! Any text read as a CloudFormation template (YAML with short-form tags, or
//! JSON): no panic, every check runs over whatever it lowers to, and the
//! template read again under each assignment of its undecided conditions
//! (what `moat scan` does for `Fn::If` on parameters nobody passed).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = moat_source::SourceFile::new("fuzz.yaml", text);
    let mut inventory = moat_iac::Inventory::default();
    let mut diagnostics = Vec::new();
    let params = BTreeMap::new();
    if moat_iac::cloudformation::read(&file, 0, &params, &mut inventory, &mut diagnostics).is_ok() {
        inventory.files.push(file);
        let _ = moat_checks::run(moat_checks::registry::ALL, &inventory);
        if let Ok(variants) = moat_iac::variants::variants(&inventory, &params) {
            for variant in variants {
                let _ = moat_checks::run(moat_checks::registry::ALL, &variant.inventory);
            }
        }
    }
});
