//! The reviewed guardrail table, `catalog/aws/guardrail-actions.yaml`: core
//! classes and actions, actions an SCP cannot affect, and the exceptions to
//! the access-level-and-verb rule of [`super::classify`].

use super::classify::Category;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../../../catalog/aws/guardrail-actions.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    core_classes: Vec<CoreClass>,
    core_actions: Vec<CoreAction>,
    unaffected: Vec<Unaffected>,
    overrides: Vec<Override>,
    references: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreClass {
    pub id: String,
    pub consequence: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreAction {
    pub action: String,
    pub consequence: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unaffected {
    pub action: String,
    pub reason: String,
    pub reference: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub action: String,
    pub category: Category,
    pub reason: String,
}

/// The table, keyed for lookups. Action keys are lowercase, as IAM compares them.
#[derive(Debug, Default)]
pub struct Table {
    pub core_classes: Vec<CoreClass>,
    pub core_actions: BTreeMap<String, CoreAction>,
    pub unaffected: BTreeMap<String, Unaffected>,
    pub overrides: BTreeMap<String, Override>,
    pub references: Vec<String>,
}

impl Table {
    pub fn core_class(&self, id: &str) -> Option<&CoreClass> {
        self.core_classes.iter().find(|c| c.id == id)
    }

    pub fn core_action(&self, action: &str) -> Option<&CoreAction> {
        self.core_actions.get(&action.to_ascii_lowercase())
    }

    pub fn unaffected(&self, action: &str) -> Option<&Unaffected> {
        self.unaffected.get(&action.to_ascii_lowercase())
    }

    pub fn override_for(&self, action: &str) -> Option<&Override> {
        self.overrides.get(&action.to_ascii_lowercase())
    }
}

fn parse(text: &str) -> Result<Table, String> {
    let document: Document = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    let mut table = Table {
        core_classes: document.core_classes,
        references: document.references,
        ..Table::default()
    };
    for entry in document.core_actions {
        let key = entry.action.to_ascii_lowercase();
        if table.core_actions.insert(key, entry.clone()).is_some() {
            return Err(format!("core action `{}` listed twice", entry.action));
        }
    }
    for entry in document.unaffected {
        let key = entry.action.to_ascii_lowercase();
        if table.unaffected.insert(key, entry.clone()).is_some() {
            return Err(format!("unaffected action `{}` listed twice", entry.action));
        }
    }
    for entry in document.overrides {
        let key = entry.action.to_ascii_lowercase();
        if table.overrides.insert(key, entry.clone()).is_some() {
            return Err(format!("override for `{}` listed twice", entry.action));
        }
    }
    Ok(table)
}

/// The embedded table. An error here means the build shipped a broken file;
/// guardrails refuse to run rather than lose their safety checks.
pub fn table() -> Result<&'static Table, String> {
    static TABLE: OnceLock<Result<Table, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| parse(DATA))
        .as_ref()
        .map_err(|e| format!("the embedded guardrail table does not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_policy::actions;

    #[test]
    fn embedded_table_parses_and_names_real_actions() {
        let table = table().unwrap();
        assert!(!table.core_classes.is_empty());
        let actions = table
            .core_actions
            .values()
            .map(|a| &a.action)
            .chain(table.unaffected.values().map(|a| &a.action))
            .chain(table.overrides.values().map(|a| &a.action));
        for action in actions {
            assert_eq!(
                actions::canonical(action),
                Some(action.as_str()),
                "`{action}` is not an IAM action as AWS spells it"
            );
        }
        for entry in table.unaffected.values() {
            assert!(entry.reference.starts_with("https://docs.aws.amazon.com/"));
        }
        for reference in &table.references {
            assert!(reference.starts_with("https://docs.aws.amazon.com/"));
        }
    }

    #[test]
    fn core_classes_exist_in_the_builtin_catalog() {
        let catalog = crate::builtin().0;
        for core in &table().unwrap().core_classes {
            assert!(
                catalog.feature_classes.iter().any(|c| c.id == core.id),
                "core class `{}` is not a built-in feature class",
                core.id
            );
            assert!(!core.consequence.ends_with('.'), "{}", core.id);
        }
    }

    #[test]
    fn duplicates_are_rejected() {
        let text = "core_classes: []\ncore_actions: []\nunaffected: []\nreferences: []\noverrides:\n  - {action: s3:GetObject, category: use, reason: a}\n  - {action: s3:getobject, category: read, reason: b}\n";
        let error = parse(text).unwrap_err();
        assert!(error.contains("listed twice"), "{error}");
        assert!(parse("core_classes: [").is_err());
    }
}
