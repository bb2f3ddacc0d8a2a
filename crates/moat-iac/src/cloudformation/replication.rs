//! A bucket's `ReplicationConfiguration`: the role, and where each enabled
//! rule copies objects to (the destination bucket's ARN, the account that
//! owns it, and whether replicas change owner).

use super::lower::value_text;
use crate::inventory::{Replication, ReplicationDestination};
use crate::node_util::{get, items, text, unknown_reason};
use crate::value::Value;
use moat_source::node::Node;

/// The resolved `ReplicationConfiguration`.
pub fn read(config: &Node<'static>) -> Value<Replication> {
    let rules = get(config, "Rules");
    if let Some(rules) = rules
        && let Some(reason) = unknown_reason(rules)
    {
        // which rules exist, and so whether any is enabled, is not decided
        return Value::unknown(reason, rules.span);
    }
    let destinations = rules
        .map(items)
        .unwrap_or_default()
        .iter()
        .filter(|r| get(r, "Status").and_then(text).as_deref() != Some("Disabled"))
        .map(destination)
        .collect();
    Value::known(
        Replication {
            role: value_text(get(config, "Role")),
            destinations,
        },
        config.span,
    )
}

fn destination(rule: &Node<'static>) -> ReplicationDestination {
    ReplicationDestination {
        span: rule.span,
        bucket: value_text(at(rule, &["Destination", "Bucket"])),
        account: value_text(at(rule, &["Destination", "Account"])),
        owner: value_text(at(
            rule,
            &["Destination", "AccessControlTranslation", "Owner"],
        )),
    }
}

/// The node at `path` under `node`; an unknown on the way stands for all
/// that is under it.
fn at<'n>(node: &'n Node<'static>, path: &[&str]) -> Option<&'n Node<'static>> {
    let mut node = node;
    for key in path {
        if unknown_reason(node).is_some() {
            return Some(node);
        }
        node = get(node, key)?;
    }
    Some(node)
}
