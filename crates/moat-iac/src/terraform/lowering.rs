//! Instances of a configuration (read from HCL, a plan or cdktf's JSON)
//! lowered into an Inventory, with what could not be read said once.

use super::eval::Instance;
use super::{is_read, shape};
use crate::inventory::Inventory;
use moat_source::{Diagnostic, SourceFile, Span};
use std::collections::{BTreeMap, BTreeSet};

/// Lowers the resources among `instances` (data sources are read for
/// references only) spanned in `file`; `place` names the configuration in
/// notes that are about all of it.
pub fn lower_all(
    instances: &[Instance],
    file: &SourceFile,
    place: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Inventory {
    let instances: Vec<Instance> = instances.iter().filter(|i| !i.data).cloned().collect();
    let instances = &instances[..];
    // one warning per cause, naming the resources it leaves open
    let mut by_reason: BTreeMap<&str, (Span, Vec<&str>)> = BTreeMap::new();
    for i in instances {
        if let Some((reason, span)) = &i.unknown_count {
            let entry = by_reason
                .entry(reason.as_str())
                .or_insert((*span, Vec::new()));
            entry.1.push(i.address.as_str());
        }
    }
    for (reason, (span, addresses)) in by_reason {
        let listed: Vec<String> = addresses.iter().take(5).map(|a| format!("`{a}`")).collect();
        let more = addresses.len().saturating_sub(5);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        diagnostics.push(
            Diagnostic::warning(
                "terraform::unknown-count",
                format!(
                    "{}{more}: {reason}; each is read as one instance whose values that depend on it are unknown",
                    listed.join(", ")
                ),
            )
            .at(file, span),
        );
    }
    let unread: BTreeSet<&str> = instances
        .iter()
        .map(|i| i.resource_type.as_str())
        .filter(|t| t.starts_with("aws_") && !is_read(t))
        .collect();
    if !unread.is_empty() {
        let listed: Vec<String> = unread.iter().map(|t| format!("`{t}`")).collect();
        diagnostics.push(
            Diagnostic::note(
                "terraform::not-read",
                format!(
                    "{} not read by Moat (no check looks at them): {}",
                    moat_source::diag::count(unread.len(), "resource type"),
                    listed.join(", ")
                ),
            )
            .in_file(place),
        );
    }
    let mut inventory = Inventory::default();
    shape::lower(instances, file, 0, &mut inventory, diagnostics);
    inventory
}
