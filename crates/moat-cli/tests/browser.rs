#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The browser tests of `moat serve` (ui-tests/run.mjs), run with the test
//! suite: playwright-core drives the system's Chromium through the UI. They
//! need Node.js, `npm ci --prefix ui-tests` and Chromium, which `.ci/run`
//! installs; elsewhere a missing piece skips them with a note, except under
//! CI, where it fails.

use std::path::Path;
use std::process::Command;

fn missing_piece(root: &Path) -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        return Some("Node.js is not installed".into());
    }
    if !root.join("ui-tests/node_modules/playwright-core").exists() {
        return Some("playwright-core is not installed: run `npm ci --prefix ui-tests`".into());
    }
    let chromium = [
        "/usr/lib/chromium/chromium",
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ];
    if !chromium.iter().any(|p| Path::new(p).exists()) {
        return Some("Chromium is not installed (apt-get install chromium)".into());
    }
    None
}

#[test]
fn the_served_ui_works_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if let Some(why) = missing_piece(&root) {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser tests cannot run under CI: {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let output = Command::new("node")
        .arg(root.join("ui-tests/run.mjs"))
        .arg(env!("CARGO_BIN_EXE_moat"))
        .output()
        .expect("node runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{report}");
    assert!(output.status.success(), "browser tests failed:\n{report}");
}
