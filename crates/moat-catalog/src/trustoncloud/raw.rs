//! The ThreatModel JSON as TrustOnCloud writes it (schema version 20240423,
//! `tmxcaliber/schema/threatmodel/20240423.json`). Only the fields Moat maps
//! are read; the others (scorecard, DFD, queryable ids...) are ignored.
//!
//! The sections are read as ordered lists of raw values first, then each entry
//! on its own, so one malformed entry is reported at its place and the rest
//! of the file still loads.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::fmt;

/// The document's top level.
#[derive(Debug, Deserialize)]
pub(crate) struct Document {
    pub metadata: Metadata,
    pub feature_classes: Entries,
    pub threats: Entries,
    pub control_objectives: Entries,
    pub controls: Entries,
    #[serde(default)]
    pub actions: Entries,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Metadata {
    /// `S3`: the prefix of every id in the file.
    pub service: String,
    #[serde(default)]
    pub scf_version: String,
}

/// An object's entries in file order, duplicates kept (the loader reports them).
#[derive(Debug, Default)]
pub(crate) struct Entries(pub Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of entries by id")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    entries.push((key, value));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// `retired`: the schema says boolean, the files write `"true"`/`"false"`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Retired(pub bool);

impl<'de> Deserialize<'de> for Retired {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Bool(b) => Ok(Retired(b)),
            Value::Null => Ok(Retired(false)),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(Retired(true)),
                "false" | "" => Ok(Retired(false)),
                _ => Err(de::Error::custom(format!(
                    "`retired` must be `true` or `false`, found `{s}`"
                ))),
            },
            other => Err(de::Error::custom(format!(
                "`retired` must be `true` or `false`, found `{other}`"
            ))),
        }
    }
}

/// Control ids: a comma-separated string in the files (possibly empty), or a list.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct IdList(pub Vec<String>);

impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fn split(text: &str) -> impl Iterator<Item = String> + '_ {
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        }
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(IdList::default()),
            Value::String(s) => Ok(IdList(split(&s).collect())),
            Value::Array(items) => {
                let mut ids = Vec::new();
                for item in items {
                    let Value::String(s) = item else {
                        return Err(de::Error::custom(format!(
                            "expected control ids, found `{item}`"
                        )));
                    };
                    ids.extend(split(&s));
                }
                Ok(IdList(ids))
            }
            other => Err(de::Error::custom(format!(
                "expected comma-separated control ids, found `{other}`"
            ))),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct FeatureClass {
    pub name: String,
    #[serde(default)]
    pub class_relationship: Vec<Relationship>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub long_description: String,
    #[serde(default)]
    pub retired: Retired,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Relationship {
    #[serde(rename = "type")]
    pub kind: String,
    pub class: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Threat {
    pub feature_class: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub access: Value,
    #[serde(default)]
    pub hlgoal: String,
    #[serde(default)]
    pub mitre_attack: String,
    pub cvss: String,
    #[serde(default)]
    pub retired: Retired,
    #[serde(default)]
    pub cvss_score: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Objective {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub scf: Vec<String>,
    #[serde(default)]
    pub retired: Retired,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Control {
    pub coso: String,
    pub objective: String,
    #[serde(default)]
    pub retired: Retired,
    #[serde(default)]
    pub assured_by: IdList,
    #[serde(default)]
    pub depends_on: IdList,
    pub description: String,
    #[serde(default)]
    pub testing: String,
    pub effort: String,
    #[serde(default)]
    pub mitigate: Vec<Mitigate>,
    #[serde(default)]
    pub feature_class: Vec<String>,
    #[serde(default)]
    pub weighted_priority: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Mitigate {
    pub threat: String,
    pub impact: String,
    #[serde(default)]
    pub priority: Option<f64>,
    #[serde(default)]
    pub max_dependency: Option<f64>,
    #[serde(default)]
    pub priority_overall: Option<f64>,
    #[serde(default)]
    pub cvss: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Action {
    #[serde(default)]
    pub action_description: String,
    #[serde(default)]
    pub api: String,
    pub feature_class: String,
    pub iam_permission: String,
    #[serde(default)]
    pub event_name: String,
}
