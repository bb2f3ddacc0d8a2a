//! Which AWS service a model element is, from its name: the phrase table of
//! `catalog/aws/services.yaml` and the matching rule documented there.

use serde::Deserialize;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../catalog/aws/services.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    services: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    names: Vec<String>,
    #[serde(default = "managed_by_default")]
    managed: bool,
}

fn managed_by_default() -> bool {
    true
}

/// The table, read once: the phrases, and each id with whether AWS manages it.
struct Table {
    phrases: Vec<Phrase>,
    ids: Vec<(String, bool)>,
}

/// A phrase, as words, and the `service[:resource]` it names.
struct Phrase {
    words: Vec<String>,
    id: String,
}

/// The result of matching a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch {
    /// `service` or `service:resource`.
    pub id: &'static str,
    /// The phrase that matched, as written in the table.
    pub phrase: String,
}

fn loaded() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        // the file is ours and a test holds it to parse; a broken build infers nothing
        let document: Document = serde_saphyr::from_str(DATA).unwrap_or(Document {
            services: Vec::new(),
        });
        let mut phrases = Vec::new();
        let mut ids = Vec::new();
        for entry in document.services {
            for name in entry.names {
                phrases.push(Phrase {
                    words: words(&name),
                    id: entry.id.clone(),
                });
            }
            ids.push((entry.id, entry.managed));
        }
        Table { phrases, ids }
    })
}

fn table() -> &'static [Phrase] {
    &loaded().phrases
}

/// Lowercase words of `text`; any non-alphanumeric character separates words.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The service a name denotes: the longest phrase of the table found in it.
pub fn infer_from_name(name: &str) -> Option<NameMatch> {
    let name_words = words(name);
    let mut best: Option<&Phrase> = None;
    for phrase in table() {
        let n = phrase.words.len();
        if n == 0 || n > name_words.len() {
            continue;
        }
        let found = name_words.windows(n).any(|w| w == phrase.words.as_slice());
        if found && best.is_none_or(|b| n > b.words.len()) {
            best = Some(phrase);
        }
    }
    best.map(|p| NameMatch {
        id: &p.id,
        phrase: p.words.join(" "),
    })
}

/// `s3:bucket` -> (`s3`, `bucket`); `kms` -> (`kms`, ``).
pub fn split(id: &str) -> (&str, &str) {
    id.split_once(':').unwrap_or((id, ""))
}

/// Every `service[:resource]` id of the table, in order.
pub fn ids() -> Vec<&'static str> {
    loaded().ids.iter().map(|(id, _)| id.as_str()).collect()
}

/// How a `service` value compares with the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Written exactly as the table has it.
    Exact(&'static str),
    /// The same id in other case (`KMS`), or with surrounding spaces.
    Variant(&'static str),
}

impl Known {
    pub fn id(self) -> &'static str {
        match self {
            Known::Exact(id) | Known::Variant(id) => id,
        }
    }
}

/// The table's id for a `service` value, if it names one.
pub fn known(value: &str) -> Option<Known> {
    let ids = &loaded().ids;
    if let Some((id, _)) = ids.iter().find(|(id, _)| id == value) {
        return Some(Known::Exact(id));
    }
    let trimmed = value.trim();
    ids.iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(trimmed))
        .map(|(id, _)| Known::Variant(id))
}

/// Whether AWS runs the software behind `id` (a table id; `false` for any other).
pub fn is_managed(id: &str) -> bool {
    loaded()
        .ids
        .iter()
        .any(|(known, managed)| *managed && known == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        let document: Document = serde_saphyr::from_str(DATA).unwrap();
        assert!(document.services.len() > 10);
    }

    #[test]
    fn the_seed_names_are_recognised() {
        let id = |name: &str| infer_from_name(name).map(|m| m.id);
        assert_eq!(id("S3 Service"), Some("s3"));
        assert_eq!(id("S3 Bucket"), Some("s3:bucket"));
        assert_eq!(id("IAM Service"), Some("iam"));
        assert_eq!(id("KMS"), Some("kms"));
        assert_eq!(id("CloudTrail"), Some("cloudtrail"));
        assert_eq!(id("User"), None);
        assert_eq!(id("Logs bucket (S3)"), Some("s3:bucket"));
        assert_eq!(
            id("Multi-Region Access Point"),
            Some("s3:multi_region_access_point")
        );
        assert_eq!(id("web frontend"), None);
        // a word inside another word does not count
        assert_eq!(id("Buckethead"), None);
    }

    #[test]
    fn values_are_matched_exactly_or_in_other_case() {
        assert_eq!(known("kms"), Some(Known::Exact("kms")));
        assert_eq!(known("KMS"), Some(Known::Variant("kms")));
        assert_eq!(known(" S3:Bucket "), Some(Known::Variant("s3:bucket")));
        assert_eq!(known("s3:bukket"), None);
        assert_eq!(known("s4"), None);
    }

    #[test]
    fn lambda_runs_your_code_and_the_rest_is_managed() {
        assert!(is_managed("s3:bucket"));
        assert!(is_managed("kms"));
        assert!(!is_managed("lambda"));
        assert!(!is_managed("s4"));
        assert_eq!(ids().len(), loaded().ids.len());
        assert!(ids().contains(&"cloudtrail"));
    }

    #[test]
    fn ids_split_into_service_and_resource() {
        assert_eq!(split("s3:bucket"), ("s3", "bucket"));
        assert_eq!(split("kms"), ("kms", ""));
    }
}
