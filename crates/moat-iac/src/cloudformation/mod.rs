//! CloudFormation (and SAM) templates: read with the short-form tags mapped
//! to their long forms, resolved where the template decides, lowered into the
//! Inventory.

pub mod hard_coded;
pub mod lower;
pub mod notifications;
pub mod replication;
pub mod resolve;
pub mod sam;
pub mod tags;
pub mod template;

use crate::inventory::Inventory;
use moat_source::{Diagnostic, SourceFile};
use std::collections::BTreeMap;

/// What reading one file gave.
pub enum Read {
    /// A template, lowered into the inventory; `sam` when it uses the SAM transform.
    Template {
        sam: bool,
        /// Local `TemplateURL`s of nested stacks, as written.
        nested: Vec<String>,
    },
    /// Valid YAML or JSON that is not a template.
    NotTemplate(String),
}

/// Reads `file` as a template into `inventory` (as file number `index`).
/// Syntax errors and unknown tags are `Err`; problems inside a template go to `diagnostics`.
pub fn read(
    file: &SourceFile,
    index: usize,
    params: &BTreeMap<String, String>,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Read, Box<Diagnostic>> {
    read_assuming(
        file,
        index,
        params,
        &BTreeMap::new(),
        inventory,
        diagnostics,
    )
}

/// [`read`], taking `assumptions` (condition name -> value) for the
/// template's conditions that `params` leave undecided; a condition the
/// parameters decide keeps its value. A resource whose `Condition` is assumed
/// false is left out. The undecided conditions still used go to
/// `inventory.undecided`.
pub fn read_assuming(
    file: &SourceFile,
    index: usize,
    params: &BTreeMap<String, String>,
    assumptions: &BTreeMap<String, bool>,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Read, Box<Diagnostic>> {
    let root = moat_source::node::parse_tagged(file, &tags::long_form)?;
    let template = match template::read(file, root, diagnostics) {
        Ok(t) => t,
        Err(template::NotTemplate::Other(reason)) => return Ok(Read::NotTemplate(reason)),
    };
    lower_assuming(
        &template,
        index,
        params,
        assumptions,
        inventory,
        diagnostics,
    );
    let nested = template
        .resources
        .iter()
        .filter(|r| r.resource_type == "AWS::CloudFormation::Stack")
        .filter_map(|r| {
            let node = template.resource_node(r.index)?;
            let url =
                crate::node_util::get(crate::node_util::get(node, "Properties")?, "TemplateURL")?;
            let url = crate::node_util::text(url)?;
            (!url.contains("://")).then_some(url)
        })
        .collect();
    Ok(Read::Template {
        sam: template.is_sam(),
        nested,
    })
}

/// Lowers a template already read (as file number `index`), as [`read_assuming`] does.
pub fn lower_assuming(
    template: &template::Template<'_>,
    index: usize,
    params: &BTreeMap<String, String>,
    assumptions: &BTreeMap<String, bool>,
    inventory: &mut Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(account) = params.get("AWS::AccountId") {
        inventory.account = Some(account.clone());
    }
    if let Some(region) = params.get("AWS::Region") {
        inventory.region = Some(region.clone());
    }
    let resolver = resolve::Resolver::new(template, params).assuming(assumptions);
    lower::lower(template, &resolver, index, inventory, diagnostics);
    diagnostics.extend(resolver.take_diagnostics());
    inventory
        .undecided
        .extend(resolver.take_undecided().into_iter().map(|u| {
            crate::inventory::UndecidedCondition {
                file: index,
                name: u.name,
                span: u.span,
                reason: u.reason,
            }
        }));
}
