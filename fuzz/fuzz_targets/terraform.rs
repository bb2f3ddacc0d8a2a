//! Terraform configurations (HCL) never panic the parser, the evaluator or the
//! lowering into the Inventory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut diagnostics = Vec::new();
    let _ = moat_iac::terraform::read_text(
        "fuzz.tf",
        text,
        &std::collections::BTreeMap::new(),
        &mut diagnostics,
    );
});
