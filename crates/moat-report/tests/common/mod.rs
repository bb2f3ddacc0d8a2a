//! Fixtures shared by the integration tests.
// Each test crate uses only some of these.
#![allow(dead_code)]

use moat_engine::Assessment;
use std::path::PathBuf;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn assessment(name: &str) -> Assessment {
    let path = fixture_path(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The seed S3 model: two boundaries, six elements, six flows (one a self-flow).
pub fn s3() -> Assessment {
    assessment("s3-assessment.json")
}

/// Nested boundaries, every element kind that draws differently, ordered flows.
pub fn nested() -> Assessment {
    assessment("s3-nested-assessment.json")
}

/// Blank lines exactly where Markdown needs them: none doubled, none at the
/// end, no trailing spaces, every row of a table with the same number of cells.
pub fn assert_tidy_markdown(out: &str) {
    assert!(out.ends_with('\n') && !out.ends_with("\n\n"), "{out:?}");
    assert!(!out.contains("\n\n\n"), "{out}");
    for line in out.lines() {
        assert_eq!(line, line.trim_end(), "trailing space: {line:?}");
    }
    let mut columns = None;
    for line in out.lines() {
        if line.starts_with('|') {
            let cells = line.replace("\\|", "").matches('|').count();
            assert_eq!(*columns.get_or_insert(cells), cells, "{line}");
        } else {
            columns = None;
        }
    }
}
