//! The pytm reader must turn any text into a model or located diagnostics, never a panic.
//! The script may import `common`, which is the same text: imports, cycles
//! and module code are fuzzed too, without touching the file system.
#![no_main]
use libfuzzer_sys::fuzz_target;
use moat_model::{SourceFile, pytm};

struct Itself(SourceFile);

impl pytm::Loader for Itself {
    fn load(&self, path: &str) -> Result<Option<SourceFile>, String> {
        Ok((path == "common.py").then(|| self.0.clone()))
    }
}

fuzz_target!(|text: &str| {
    let script = SourceFile::new("fuzz.py", text);
    let common = Itself(SourceFile::new("common.py", text));
    let loaded = pytm::read_with(&script, &common);
    for d in &loaded.diagnostics {
        let _ = d.to_string();
    }
});
