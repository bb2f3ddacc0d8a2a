//! The IAM actions that serve as representatives of action classes: every
//! action of [`crate::actions`] (the vendored Service Authorization
//! Reference list), S3's first so that witnesses name S3 actions where they can.

use std::sync::OnceLock;

/// Every listed action as `prefix:Name`, S3 first.
pub fn bundled() -> &'static [String] {
    static ACTIONS: OnceLock<Vec<String>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let mut actions: Vec<String> = crate::actions::expand("*")
            .into_iter()
            .map(str::to_string)
            .collect();
        actions.sort_by_key(|a| (!a.starts_with("s3:"), a.clone()));
        actions.dedup();
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
