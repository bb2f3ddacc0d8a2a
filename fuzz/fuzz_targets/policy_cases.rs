//! Any text read as a file of evaluation cases: no panic; every case read evaluates.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = moat_source::SourceFile::new("cases.json", text);
    let (cases, _) = moat_policy::cases::read_cases(&file);
    for case in cases {
        let _ = moat_policy::evaluate(&case.request, &case.policies);
    }
});
