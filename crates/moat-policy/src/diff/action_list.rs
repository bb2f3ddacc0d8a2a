//! The IAM actions that serve as representatives of action classes, read
//! from the vendored list `catalog/aws/iam-actions.json` (the same file
//! `moat_catalog::iam_actions` reads; a reader inside this crate is on its way).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../../catalog/aws/iam-actions.json");

#[derive(Deserialize)]
struct Document {
    /// Service prefix -> action name -> access level.
    services: BTreeMap<String, BTreeMap<String, String>>,
}

/// Every action of the vendored list as `prefix:Name`, S3 first.
pub fn bundled() -> &'static [String] {
    static ACTIONS: OnceLock<Vec<String>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let Ok(document) = serde_json::from_str::<Document>(DATA) else {
            return Vec::new();
        };
        let mut actions: Vec<String> = document
            .services
            .iter()
            .flat_map(|(prefix, names)| names.keys().map(move |name| format!("{prefix}:{name}")))
            .collect();
        actions.sort_by_key(|a| (!a.starts_with("s3:"), a.clone()));
        actions
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_read() {
        let actions = bundled();
        assert!(actions.len() > 1000);
        assert!(actions[0].starts_with("s3:"));
        assert!(actions.iter().any(|a| a == "kms:Decrypt"));
    }
}
