#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A model inferred from infrastructure code, written out with `moat convert`,
//! loads again: every attribute it carries exists on its element's class.

use std::process::Command;

#[test]
fn an_inferred_model_written_as_yaml_validates() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("model.yaml");
    let convert = Command::new(env!("CARGO_BIN_EXE_moat"))
        .arg("convert")
        .arg(root.join("examples/cdk-s3-review/cdk.out"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        convert.status.success(),
        "{}",
        String::from_utf8_lossy(&convert.stderr)
    );
    let validate = Command::new(env!("CARGO_BIN_EXE_moat"))
        .arg("validate")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        validate.status.success(),
        "{}",
        String::from_utf8_lossy(&validate.stderr)
    );
}
