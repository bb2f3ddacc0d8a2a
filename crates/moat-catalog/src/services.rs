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

fn table() -> &'static [Phrase] {
    static TABLE: OnceLock<Vec<Phrase>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // the file is ours and a test holds it to parse; a broken build infers nothing
        let document: Document = serde_saphyr::from_str(DATA).unwrap_or(Document {
            services: Vec::new(),
        });
        let mut phrases = Vec::new();
        for entry in document.services {
            for name in entry.names {
                phrases.push(Phrase {
                    words: words(&name),
                    id: entry.id.clone(),
                });
            }
        }
        phrases
    })
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
    let mut out: Vec<&'static str> = Vec::new();
    for phrase in table() {
        if !out.contains(&phrase.id.as_str()) {
            out.push(&phrase.id);
        }
    }
    out
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
    fn ids_split_into_service_and_resource() {
        assert_eq!(split("s3:bucket"), ("s3", "bucket"));
        assert_eq!(split("kms"), ("kms", ""));
    }
}
