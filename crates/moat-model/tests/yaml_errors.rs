#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every class of problem in a YAML model, one fixture each, with the
//! diagnostics as users see them (`file:line:col: level: message`, then help).
//! Fixtures named `warn_*` have warnings only and must still give a model.

use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml/errors");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

fn render(diagnostics: &[moat_model::Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_fixture_reports_located_diagnostics() {
    let paths = fixtures();
    assert!(paths.len() >= 15, "fixtures missing: {paths:?}");
    for path in paths {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let loaded = moat_model::load(&format!("{stem}.yaml"), &text);
        let warnings_only = stem.starts_with("warn_");
        assert_eq!(loaded.model.is_some(), warnings_only, "{stem}: model");
        assert_eq!(loaded.has_errors(), !warnings_only, "{stem}: errors");
        for diagnostic in &loaded.diagnostics {
            assert!(diagnostic.location.is_some(), "{stem}: {diagnostic}");
            assert!(!diagnostic.message.ends_with('.'), "{stem}: {diagnostic}");
        }
        insta::with_settings!({input_file => &path, prepend_module_to_snapshot => true}, {
            insta::assert_snapshot!(stem.clone(), render(&loaded.diagnostics));
        });
    }
}
