#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What a flow's `tls_version` implies beyond `attributes.tlsVersion`: TLS 1.2
//! or later is encrypted and authenticates the destination, unless the flow
//! says otherwise (docs/model.md, "Flow shorthands").

use moat_model::{Level, SourceFile};
use serde_json::{Value, json};

fn flow_controls(keys: &str) -> (Value, Vec<(Level, String)>) {
    let text = format!(
        "name: t\nelements:\n  - {{id: a, name: A, kind: actor}}\n  - {{id: b, name: B, kind: server}}\nflows:\n  - name: f\n    source: a\n    sink: b\n{keys}"
    );
    let loaded = moat_model::yaml::load(&SourceFile::new("t.yaml", text.as_str()));
    let diagnostics = loaded
        .diagnostics
        .iter()
        .map(|d| (d.level, d.to_string()))
        .collect();
    let model = loaded.model.unwrap();
    let controls = model.flows[0]
        .attributes
        .get("controls")
        .cloned()
        .unwrap_or(json!({}));
    (controls, diagnostics)
}

#[test]
fn tls_12_and_later_encrypt_and_authenticate_the_destination() {
    for version in ["TLSv12", "TLSv13"] {
        let (controls, diagnostics) = flow_controls(&format!("    tls_version: {version}\n"));
        assert_eq!(
            controls,
            json!({"isEncrypted": true, "authenticatesDestination": true}),
            "{version}"
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
}

#[test]
fn older_versions_imply_nothing() {
    for version in ["TLSv11", "TLSv10", "SSLv3", "NONE"] {
        let (controls, _) = flow_controls(&format!("    tls_version: {version}\n"));
        assert_eq!(controls, json!({}), "{version}");
    }
}

#[test]
fn what_the_flow_says_wins() {
    let (controls, diagnostics) = flow_controls(
        "    tls_version: TLSv12\n    controls: {authenticatesDestination: false, isEncrypted: true}\n",
    );
    assert_eq!(
        controls,
        json!({"isEncrypted": true, "authenticatesDestination": false})
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn encrypted_false_beside_tls_is_kept_with_a_warning() {
    let (controls, diagnostics) = flow_controls("    tls_version: TLSv12\n    encrypted: false\n");
    assert_eq!(
        controls,
        json!({"isEncrypted": false, "authenticatesDestination": true})
    );
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].0, Level::Warning);
    assert!(
        diagnostics[0].1.starts_with(
            "t.yaml:10:16: warning: `encrypted: false` contradicts `tls_version: TLSv12`"
        ),
        "{}",
        diagnostics[0].1
    );
}

#[test]
fn authorization_and_authentication_set_the_flow_controls_conditions_read() {
    let (controls, _) = flow_controls("    authentication: sigv4\n    authorization: true\n");
    assert_eq!(
        controls,
        json!({
            "authenticationScheme": "sigv4",
            "authenticatesSource": true,
            "authorizesSource": true
        })
    );
}
