//! Instances of a configuration (read from HCL, a plan or cdktf's JSON)
//! lowered into an Inventory, with what could not be read said once.

use super::eval::Instance;
use super::{is_read, shape};
use crate::inventory::Inventory;
use moat_source::{Diagnostic, SourceFile};
use std::collections::BTreeSet;

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
    for i in instances {
        if let Some((reason, span)) = &i.unknown_count {
            diagnostics.push(
                Diagnostic::warning(
                    "terraform::unknown-count",
                    format!("`{}`: {reason}; read as one instance whose values that depend on it are unknown", i.address),
                )
                .at(file, *span),
            );
        }
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
