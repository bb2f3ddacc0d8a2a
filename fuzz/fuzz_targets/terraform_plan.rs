//! Any text read as a Terraform plan (`terraform show -json`), with no
//! configuration beside it: no panic, and every check runs over whatever
//! it lowers to.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut diagnostics = Vec::new();
    if let Ok(Some(read)) = moat_iac::terraform::read_plan_text("plan.json", text, &mut diagnostics) {
        let _ = moat_checks::run(moat_checks::registry::ALL, &read.inventory);
    }
});
