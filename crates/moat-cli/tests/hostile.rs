#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile inputs end with a clear error (exit 2), never a hang, an exhausted
//! memory or a terminal taken over by escape sequences from the input.

mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("moat-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The commands that read a model, and those that read a catalog, given `path`.
fn every_reader(path: &str) -> Vec<Vec<&str>> {
    vec![
        vec!["threats", path],
        vec!["validate", path],
        vec!["diagram", path],
        vec!["convert", path],
        vec!["review", "--features-from", path],
        vec!["plan", "--catalog", path],
        vec!["threats", "examples/s3/model.yaml", "--template", path],
    ]
}

fn assert_refused(args: &[&str], what: &str) {
    let out = moat(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.contains(&format!("it is {what}, not a regular file")),
        "{args:?}: {err}"
    );
}

#[cfg(unix)]
#[test]
fn a_device_is_refused_not_read() {
    for args in every_reader("/dev/zero") {
        assert_refused(&args, "a device");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let fifo = temp_dir().join("model.yaml");
    let _ = std::fs::remove_file(&fifo);
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !matches!(made, Ok(s) if s.success()) {
        eprintln!("skipped: `mkfifo` is unavailable ({made:?})");
        return;
    }
    // opening a FIFO for reading would block until a writer comes: the
    // refusal has to come before any open
    for args in every_reader(fifo.to_str().unwrap()) {
        assert_refused(&args, "a FIFO (named pipe)");
    }
}

#[test]
fn a_directory_is_refused() {
    // a model reader takes a directory as infrastructure code (docs/scan.md):
    // one without templates is an error that says so, never an empty model
    let dir = temp_dir().join("no-templates");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.to_str().unwrap();
    for args in every_reader(path) {
        let out = moat(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        let model_reader = !args.contains(&"--catalog") && !args.contains(&"--template");
        if model_reader {
            assert!(
                err.contains(
                    "no CloudFormation, SAM or CDK template or Terraform configuration found"
                ),
                "{args:?}: {err}"
            );
        } else {
            assert!(
                err.contains("it is a directory, not a regular file"),
                "{args:?}: {err}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_model_is_read() {
    let link = temp_dir().join("linked.yaml");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(root().join("examples/s3/model.yaml"), &link).unwrap();
    let out = moat(&["validate", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn escape_sequences_from_a_script_do_not_reach_the_terminal() {
    // a pytm script may hold any character in a string; the unknown class
    // makes the line appear in a diagnostic
    let script = temp_dir().join("escapes.py");
    std::fs::write(
        &script,
        "from pytm import TM\ntm = TM(\"x\")\nweb = Sever(\"\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}\u{9b}\")\ntm.process()\n",
    )
    .unwrap();
    let out = moat(&["validate", script.to_str().unwrap()]);
    let err = stderr(&out);
    let raw: Vec<char> = err
        .chars()
        .filter(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || *c == '\u{202e}')
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in:\n{err}");
    assert!(
        err.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{202e}\\u{9b}"),
        "{err}"
    );
}

#[test]
fn errors_without_a_place_escape_what_they_quote() {
    for args in [
        &["catalog", "show", "x\u{1b}[2J"][..],
        &["compliance", "--framework", "x\u{1b}[2J"],
        &["review", "--feature-class", "x\u{1b}[2J"],
    ] {
        let out = moat(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains('\u{1b}'), "{args:?}: {err}");
        assert!(err.contains("x\\u{1b}[2J"), "{args:?}: {err}");
    }
}
