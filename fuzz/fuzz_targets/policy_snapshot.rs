//! Any text read as `aws iam get-account-authorization-details` output: no
//! panic, and who-can over whatever was read runs to the end.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = moat_source::SourceFile::new("snapshot.json", text);
    let (snapshot, _) = moat_policy::snapshot::read_snapshot(&file);
    let query = moat_policy::whocan::Query::new("s3:GetObject", "arn:aws:s3:::b/k");
    let inputs = moat_policy::whocan::Inputs::new(&snapshot);
    let _ = moat_policy::whocan::who_can(&query, &inputs);
});
