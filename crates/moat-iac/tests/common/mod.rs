#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]
//! Reading one template text into an Inventory, for the reader's tests.

use moat_iac::Inventory;
use moat_iac::cloudformation::{Read, read};
use moat_source::{Diagnostic, SourceFile};
use std::collections::BTreeMap;

pub fn load(text: &str) -> (Inventory, Vec<Diagnostic>) {
    let file = SourceFile::new("t.yaml", text);
    let mut inventory = Inventory::default();
    let mut diagnostics = Vec::new();
    match read(&file, 0, &BTreeMap::new(), &mut inventory, &mut diagnostics) {
        Ok(Read::Template { .. }) => {}
        Ok(Read::NotTemplate(r)) => panic!("not a template: {r}"),
        Err(d) => panic!("{d}"),
    }
    inventory.files.push(file);
    (inventory, diagnostics)
}

pub fn bucket<'a>(inventory: &'a Inventory, logical_id: &str) -> &'a moat_iac::inventory::Bucket {
    inventory
        .buckets
        .iter()
        .find(|b| b.origin.logical_id == logical_id)
        .unwrap()
}

/// The text `span` covers.
pub fn at(inventory: &Inventory, span: moat_source::Span) -> &str {
    &inventory.files[0].text[span.start as usize..span.end as usize]
}
