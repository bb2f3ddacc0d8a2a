#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `docs/model.schema.json` is generated from the YAML document types; this
//! test fails when the committed file is stale. `MOAT_UPDATE_DOCS=1` rewrites it.

use std::path::Path;

#[test]
fn committed_json_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/model.schema.json");
    let generated = serde_json::to_string_pretty(&moat_model::yaml::json_schema()).unwrap() + "\n";
    if std::env::var_os("MOAT_UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/model.schema.json is stale; regenerate it with \
         `MOAT_UPDATE_DOCS=1 cargo test -p moat-model --test yaml_schema`"
    );
}

#[test]
fn schema_describes_the_format() {
    let schema = moat_model::yaml::json_schema();
    assert_eq!(schema["title"], "Moat model");
    assert_eq!(schema["required"], serde_json::json!(["name"]));
    assert_eq!(schema["additionalProperties"], false);
    let element = &schema["$defs"]["Element"];
    assert_eq!(element["additionalProperties"], false);
    assert_eq!(
        element["properties"]["attributes"]["properties"]["type"]["enum"],
        serde_json::json!(["UNKNOWN", "FILE_SYSTEM", "SQL", "LDAP", "AWS_S3"])
    );
    assert_eq!(
        element["properties"]["controls"]["properties"]["isHardened"]["type"],
        "boolean"
    );
}
