//! A plan's resources placed in the configuration they come from: the
//! configuration beside the plan is read and evaluated as the HCL reader
//! does (with the plan's variable values), each plan instance is matched
//! to the HCL instance of the same address, and its values take the places
//! of the arguments and nested blocks that set them. What the plan leaves
//! to `apply` is taken from the HCL evaluation when that knows it (a policy
//! built from a bucket's ARN, with the stand-ins the HCL reader uses), so a
//! plan and its configuration read the same.

use super::config::Config;
use super::eval::{Instance, ModuleEval};
use super::values::{self, Val};
use crate::node_util::{entries, get, text};
use moat_source::node::NodeValue;
use std::collections::BTreeMap;

/// The HCL instances of `config` by address, evaluated with `variables`
/// (the plan's `variables` object, spanned in the joined file).
pub fn hcl_instances(config: &Config, variables: Option<&Val>) -> BTreeMap<String, Instance> {
    let mut given = BTreeMap::new();
    for (name, v) in variables.map(entries).unwrap_or(&[]) {
        if let (Some(name), Some(value)) = (text(name), get(v, "value")) {
            given.insert(name, value.clone());
        }
    }
    if given.is_empty() {
        // no variables in the plan: the configuration's own variable files
        given = super::variable_files(config);
    }
    let root = ModuleEval::new(config, 0, String::new(), given);
    root.instances()
        .into_iter()
        .map(|i| (i.address.clone(), i))
        .collect()
}

/// `planned` placed where `hcl` was written: the instance's spans, and
/// every value's span from the value of the same argument or block. With
/// `fill`, what the plan leaves to apply and the HCL evaluation knows is
/// taken from it (only when `hcl` is the same instance, not merely the same
/// block: another instance's values are not this one's).
pub fn place(planned: &mut Instance, hcl: &Instance, fill: bool) {
    planned.span = hcl.span;
    planned.body_span = hcl.body_span;
    let attrs = std::mem::replace(&mut planned.attrs, values::null(hcl.span));
    planned.attrs = merge(attrs, &hcl.attrs, fill);
}

/// The plan's value with the HCL value's places; with `fill`, an unknown
/// of the plan that the HCL evaluation knows is the HCL value.
fn merge(plan: Val, hcl: &Val, fill: bool) -> Val {
    if values::is_unknown(&plan) {
        return if !fill || values::is_unknown(hcl) {
            values::unknown(
                crate::node_util::unknown_reason(&plan).unwrap_or(super::plan::AFTER_APPLY),
                hcl.span,
            )
        } else {
            hcl.clone()
        };
    }
    match (plan.value, &hcl.value) {
        (NodeValue::Map(list), NodeValue::Map(_)) => {
            let out = list
                .into_iter()
                .map(|(k, v)| {
                    let key = text(&k).unwrap_or_default();
                    match crate::node_util::entries(hcl)
                        .iter()
                        .find(|(hk, _)| text(hk).as_deref() == Some(&key))
                    {
                        Some((hk, hv)) => (values::str(key, hk.span), merge(v, hv, fill)),
                        // set by the provider, not written: the block is its place
                        None => (values::respan(k, hcl.span), values::respan(v, hcl.span)),
                    }
                })
                .collect();
            values::node(NodeValue::Map(out), hcl.span)
        }
        (NodeValue::Seq(list), NodeValue::Seq(hcl_items)) => {
            let out = list
                .into_iter()
                .enumerate()
                .map(|(i, v)| match hcl_items.get(i) {
                    Some(h) => merge(v, h, fill),
                    None => values::respan(v, hcl.span),
                })
                .collect();
            values::seq(out, hcl.span)
        }
        // a JSON string the configuration builds with `jsonencode`: the
        // structure as written, when it is the same document
        (NodeValue::Str(s), NodeValue::Map(_) | NodeValue::Seq(_))
            if values::from_json_text(&s, hcl.span, None)
                .is_some_and(|doc| same_document(&doc, hcl)) =>
        {
            hcl.clone()
        }
        (value, _) => values::node(value, hcl.span),
    }
}

/// Equal as JSON documents: object keys in any order (`jsonencode` sorts
/// them; the configuration writes them as it likes).
fn same_document(a: &Val, b: &Val) -> bool {
    match (&a.value, &b.value) {
        (NodeValue::Map(x), NodeValue::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    let key = text(k);
                    y.iter()
                        .any(|(k2, v2)| text(k2) == key && same_document(v, v2))
                })
        }
        (NodeValue::Seq(x), NodeValue::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_document(a, b))
        }
        _ => values::same(a, b),
    }
}
