//! A CloudFormation template's sections, as read from the node tree: every
//! resource with its logical id, type, properties and where each is written.

use crate::node_util::{entries, get, text};
use moat_source::node::{Node, NodeValue};
use moat_source::{Diagnostic, SourceFile, Span};

/// The SAM transform's name (AWS SAM Developer Guide, "AWS SAM template anatomy").
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

pub struct Template<'t> {
    pub file: &'t SourceFile,
    pub root: Node<'t>,
    pub parameters: Vec<Parameter<'t>>,
    pub conditions: Vec<(String, Span)>,
    pub resources: Vec<RawResource>,
    /// Logical id -> index into `resources`: references are looked up once per use.
    by_id: std::collections::HashMap<String, usize>,
    /// The `Transform` section's macro names.
    pub transforms: Vec<String>,
}

pub struct Parameter<'t> {
    pub name: String,
    pub span: Span,
    pub kind: String,
    pub default: Option<Node<'t>>,
}

/// A resource before resolution.
pub struct RawResource {
    pub logical_id: String,
    /// The logical id's key.
    pub span: Span,
    pub resource_type: String,
    /// Index path of the resource's node inside `Resources`.
    pub index: usize,
    /// The resource's `Condition`, if any.
    pub condition: Option<String>,
}

impl<'t> Template<'t> {
    pub fn is_sam(&self) -> bool {
        self.transforms.iter().any(|t| t == SAM_TRANSFORM)
    }

    /// The resources section's node.
    pub fn resources_node(&self) -> Option<&Node<'t>> {
        get(&self.root, "Resources")
    }

    /// The node of resource `index`.
    pub fn resource_node(&self, index: usize) -> Option<&Node<'t>> {
        match &self.resources_node()?.value {
            NodeValue::Map(entries) => entries.get(index).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn condition_node(&self, name: &str) -> Option<&Node<'t>> {
        get(get(&self.root, "Conditions")?, name)
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter<'t>> {
        self.parameters.iter().find(|p| p.name == name)
    }

    pub fn resource(&self, logical_id: &str) -> Option<&RawResource> {
        self.by_id
            .get(logical_id)
            .and_then(|i| self.resources.get(*i))
    }
}

/// Why a file is not a template.
pub enum NotTemplate {
    /// Neither `Resources` nor `AWSTemplateFormatVersion`: some other YAML or JSON.
    Other(String),
}

/// Reads the sections of `root`. Problems inside a template go to `diagnostics`.
pub fn read<'t>(
    file: &'t SourceFile,
    root: Node<'t>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Template<'t>, NotTemplate> {
    let NodeValue::Map(_) = &root.value else {
        return Err(NotTemplate::Other(format!(
            "the document is {}, not a template",
            root.describe()
        )));
    };
    let has = |k: &str| get(&root, k).is_some();
    if !has("Resources") && !has("AWSTemplateFormatVersion") {
        return Err(NotTemplate::Other(
            "no `Resources` or `AWSTemplateFormatVersion`: not a CloudFormation template"
                .to_string(),
        ));
    }
    let mut parameters = Vec::new();
    if let Some(params) = get(&root, "Parameters") {
        for (key, value) in entries(params) {
            let name = text(key).unwrap_or_default();
            parameters.push(Parameter {
                name,
                span: key.span,
                kind: get(value, "Type").and_then(text).unwrap_or_default(),
                default: get(value, "Default").cloned(),
            });
        }
    }
    let conditions = get(&root, "Conditions")
        .map(|c| {
            entries(c)
                .iter()
                .map(|(k, _)| (text(k).unwrap_or_default(), k.span))
                .collect()
        })
        .unwrap_or_default();
    let transforms = match get(&root, "Transform") {
        Some(Node {
            value: NodeValue::Seq(items),
            ..
        }) => items.iter().filter_map(text).collect(),
        Some(node) => text(node).into_iter().collect(),
        None => Vec::new(),
    };
    let mut resources = Vec::new();
    match get(&root, "Resources") {
        Some(Node {
            value: NodeValue::Map(list),
            ..
        }) => {
            for (index, (key, value)) in list.iter().enumerate() {
                let logical_id = text(key).unwrap_or_default();
                if logical_id.starts_with("Fn::ForEach::") {
                    diagnostics.push(
                        Diagnostic::error(
                            "cfn::foreach",
                            format!("`{logical_id}` (the AWS::LanguageExtensions transform) is not expanded: the resources it generates are not checked"),
                        )
                        .at(file, key.span),
                    );
                    continue;
                }
                let resource_type = get(value, "Type").and_then(text);
                let Some(resource_type) = resource_type else {
                    diagnostics.push(
                        Diagnostic::error(
                            "cfn::resource-type",
                            format!("resource `{logical_id}` has no `Type`"),
                        )
                        .at(file, key.span),
                    );
                    continue;
                };
                resources.push(RawResource {
                    logical_id,
                    span: key.span,
                    resource_type,
                    index,
                    condition: get(value, "Condition").and_then(text),
                });
            }
        }
        Some(other) => diagnostics.push(
            Diagnostic::error(
                "cfn::resources",
                format!("`Resources` must be a mapping, not {}", other.describe()),
            )
            .at(file, other.span),
        ),
        None => {}
    }
    // the first definition wins, as a duplicate key is read first-come
    let mut by_id = std::collections::HashMap::with_capacity(resources.len());
    for (i, r) in resources.iter().enumerate() {
        by_id.entry(r.logical_id.clone()).or_insert(i);
    }
    Ok(Template {
        file,
        root,
        parameters,
        conditions,
        resources,
        by_id,
        transforms,
    })
}
