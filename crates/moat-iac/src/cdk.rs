//! CDK cloud assemblies (`cdk.out`): `manifest.json` names each stack's
//! template and, in its metadata, the construct path of every logical id.

use crate::node_util::{entries, get, items, text};
use moat_source::node::Node;
use moat_source::{Diagnostic, SourceFile};
use std::collections::BTreeMap;

/// One stack of an assembly.
#[derive(Debug, Clone)]
pub struct Stack {
    pub name: String,
    /// The template's file name, relative to the assembly directory.
    pub template: String,
    /// Logical id -> construct path (`/Stack/Bucket/Resource`).
    pub paths: BTreeMap<String, String>,
}

/// What a manifest holds.
#[derive(Debug, Default)]
pub struct Assembly {
    pub stacks: Vec<Stack>,
    /// Nested assemblies (CDK stages), relative directory names.
    pub nested: Vec<String>,
}

/// Whether a parsed JSON file is a cloud assembly manifest.
pub fn is_manifest(root: &Node<'_>) -> bool {
    get(root, "artifacts").is_some() && get(root, "version").is_some()
}

/// Reads a `manifest.json`.
pub fn read_manifest(file: &SourceFile) -> Result<Assembly, Box<Diagnostic>> {
    let root = moat_source::node::parse(file)?;
    let mut assembly = Assembly::default();
    let Some(artifacts) = get(&root, "artifacts") else {
        return Ok(assembly);
    };
    for (key, artifact) in entries(artifacts) {
        let kind = get(artifact, "type").and_then(text).unwrap_or_default();
        let props = get(artifact, "properties");
        match kind.as_str() {
            "aws:cloudformation:stack" => {
                let Some(template) = props.and_then(|p| get(p, "templateFile")).and_then(text)
                else {
                    continue;
                };
                let mut paths = BTreeMap::new();
                if let Some(metadata) = get(artifact, "metadata") {
                    for (path, list) in entries(metadata) {
                        for entry in items(list) {
                            if get(entry, "type").and_then(text).as_deref()
                                == Some("aws:cdk:logicalId")
                                && let (Some(id), Some(path)) =
                                    (get(entry, "data").and_then(text), text(path))
                            {
                                paths.insert(id, path);
                            }
                        }
                    }
                }
                assembly.stacks.push(Stack {
                    name: text(key).unwrap_or_default(),
                    template,
                    paths,
                });
            }
            "cdk:cloud-assembly" => {
                if let Some(dir) = props.and_then(|p| get(p, "directoryName")).and_then(text) {
                    assembly.nested.push(dir);
                }
            }
            _ => {}
        }
    }
    Ok(assembly)
}
