//! The model document, with its long `elements:` and `flows:` lists checked
//! on all cores.
//!
//! The lists are taken out of the tree, the rest of the document is checked
//! as usual (seeing empty lists), and the items are checked in parallel by
//! [`crate::yaml::parallel`], exactly as the document's own deserializer
//! would check them. Diagnostics end up sorted by place, and items never
//! share a place with the rest of the document, so what users see is the
//! same. If a check gives up part way (it does not, for these types), the
//! file is read and checked again in order, so even that stays the same.

use super::{DeError, Input, NodeDe, check, deserialize};
use crate::yaml::doc::ModelDoc;
use crate::yaml::loc::Loc;
use crate::yaml::parallel;
use crate::yaml::report::Reporter;
use moat_source::node::{self, Node, NodeValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// [`check`] for the whole model; the tree is dropped as it is checked.
pub(crate) fn check_model(mut root: Node<'_>, reporter: &Reporter) -> Option<ModelDoc> {
    let elements = take_list(&mut root, "elements");
    let flows = take_list(&mut root, "flows");
    if elements.is_empty() && flows.is_empty() {
        return check::<ModelDoc>(&root, reporter);
    }
    let trial = Reporter::new(reporter.file);
    match check_with_lists(&root, &trial, elements, flows) {
        Some(doc) => {
            reporter.absorb(trial.into_reports());
            Some(doc)
        }
        None => {
            // The tree is gone; it reads the same again (it read without error).
            drop(root);
            let root = node::parse(reporter.file).ok()?;
            check::<ModelDoc>(&root, reporter)
        }
    }
}

fn check_with_lists(
    root: &Node<'_>,
    reporter: &Reporter,
    elements: Vec<Node<'_>>,
    flows: Vec<Node<'_>>,
) -> Option<ModelDoc> {
    let mut doc: ModelDoc = deserialize(root, reporter).ok()?;
    if !elements.is_empty() {
        doc.elements = check_items(reporter, elements, "elements")?;
    }
    if !flows.is_empty() {
        doc.flows = check_items(reporter, flows, "flows")?;
    }
    Some(doc)
}

/// Each item as the list's deserializer would read it (under the list's key).
fn check_items<T: DeserializeOwned + Send>(
    reporter: &Reporter,
    items: Vec<Node<'_>>,
    key: &'static str,
) -> Option<Vec<Loc<T>>> {
    let items = parallel::map(reporter, items, |reporter, item| {
        Loc::<T>::deserialize(NodeDe {
            reporter,
            input: Input::Node(&item),
            key: Some(key),
        })
    });
    items.into_iter().collect::<Result<Vec<_>, DeError>>().ok()
}

/// The items of the list under `key` (its first occurrence, as the checker
/// reads it), if it is long enough to share out; the list is left empty.
fn take_list<'t>(root: &mut Node<'t>, key: &str) -> Vec<Node<'t>> {
    match list(root, key) {
        Some(items) if parallel::worth_sharing(items.len()) => std::mem::take(items),
        _ => Vec::new(),
    }
}

fn list<'r, 't>(root: &'r mut Node<'t>, key: &str) -> Option<&'r mut Vec<Node<'t>>> {
    let NodeValue::Map(entries) = &mut root.value else {
        return None;
    };
    let (_, value) = entries
        .iter_mut()
        .find(|(k, _)| matches!(&k.value, NodeValue::Str(name) if name == key))?;
    match &mut value.value {
        NodeValue::Seq(items) => Some(items),
        _ => None,
    }
}
