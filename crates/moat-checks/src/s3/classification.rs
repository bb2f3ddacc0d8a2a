//! The data-classification tag of a bucket and what its value says.
//!
//! A tag counts when its key, ignoring case and the characters `-`, `_`,
//! `:`, `.`, `/` and spaces, ends with `classification` (`DataClassification`,
//! `data-classification`, `Classification`, `security:classification`) or is
//! `sensitivity` / `datasensitivity`. Its value marks personal data when one
//! of its words (split on anything but letters and digits, ignoring case) is
//! `pii`, `spi`, `phi`, `personal`, `personaldata` or `gdpr`; it marks public
//! data when one of its words is `public`.

use moat_iac::inventory::{Bucket, Tag};

/// Whether `key` names a data-classification tag.
pub fn is_classification_key(key: &str) -> bool {
    let key: String = key
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ':' | '.' | '/' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    key.ends_with("classification") || key == "sensitivity" || key == "datasensitivity"
}

/// The bucket's classification tag, if it has one.
pub fn tag(bucket: &Bucket) -> Option<&Tag> {
    bucket
        .tags
        .get()?
        .iter()
        .find(|t| is_classification_key(&t.key))
}

fn words(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Whether a classification value marks personal data.
pub fn is_personal(value: &str) -> bool {
    words(value).any(|w| {
        matches!(
            w.as_str(),
            "pii" | "spi" | "phi" | "personal" | "personaldata" | "gdpr"
        )
    })
}

/// Whether a classification value marks data meant for the public.
pub fn is_public(value: &str) -> bool {
    words(value).any(|w| w == "public")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        for key in [
            "DataClassification",
            "data-classification",
            "Classification",
            "security:classification",
            "Data_Sensitivity",
        ] {
            assert!(is_classification_key(key), "{key}");
        }
        for key in ["team", "classifier", "ClassificationOwner"] {
            assert!(!is_classification_key(key), "{key}");
        }
        for value in ["PII", "personal-data", "confidential-pii", "GDPR", "phi"] {
            assert!(is_personal(value), "{value}");
        }
        for value in ["internal", "philosophy", "confidential", "public"] {
            assert!(!is_personal(value), "{value}");
        }
        assert!(is_public("Public"));
        assert!(!is_public("publication"));
    }
}
