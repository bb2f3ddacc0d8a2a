//! Replication: a flow from each bucket to every bucket its enabled rules
//! copy objects to. A destination the template defines is that bucket's
//! element; one it does not define becomes a datastore of its own, in the
//! destination account's boundary (`Destination.Account`), or in an unknown
//! account's when the rule does not say: a rule without `Account` may copy
//! to a bucket of any account that lets the role write to it.

use super::Flows;
use super::outside::{Outside, Outsider, Place};
use moat_checks::s3::principals::shown;
use moat_iac::inventory::{Bucket, ReplicationDestination};
use moat_iac::{Inventory, Value};
use moat_model::ElementKind;
use serde_json::json;

pub(super) fn add(inventory: &Inventory, outside: &mut Outside<'_>, flows: &mut Flows) {
    for b in &inventory.buckets {
        let Some(replication) = b.replication.get() else {
            continue;
        };
        for dest in &replication.destinations {
            let sink = match &dest.bucket {
                Value::Known { value, .. } => match inventory.bucket_named(value) {
                    Some(d) => d.origin.logical_id.clone(),
                    None => replica(outside, b, dest, Some(value)),
                },
                Value::Unknown { .. } => replica(outside, b, dest, None),
                Value::Absent => continue,
            };
            if sink != b.origin.logical_id {
                flows.add(&b.origin.logical_id, &sink, "replication", "s3");
            }
        }
    }
}

/// The element of a destination bucket the template does not define; `arn`
/// `None` when only the deployment knows it.
fn replica(
    outside: &mut Outside<'_>,
    source: &Bucket,
    dest: &ReplicationDestination,
    arn: Option<&str>,
) -> String {
    let place = match &dest.account {
        Value::Known { value, .. } => outside.account_place(Some(value)),
        _ => Place::UnknownAccount,
    };
    let owner = if dest.owner.get().is_some_and(|o| o == "Destination") {
        "the destination account owns the replicas"
    } else {
        "the source objects' owner keeps owning the replicas"
    };
    let account = dest.account.get().cloned();
    let (key, hint, name) = match arn {
        Some(arn) => {
            let name = arn.strip_prefix("arn:aws:s3:::").unwrap_or(arn);
            (
                format!("bucket:{arn}"),
                format!("replica {name}"),
                format!("Replica bucket {name}"),
            )
        }
        None => {
            let id = &source.origin.logical_id;
            (
                format!("replica-of:{id}"),
                format!("replica of {id}"),
                format!("Replica of {id} (bucket known only at deployment)"),
            )
        }
    };
    let mut properties = vec![("service", json!("s3:bucket"))];
    if let Some(arn) = arn {
        properties.push((
            "bucket",
            json!(arn.strip_prefix("arn:aws:s3:::").unwrap_or(arn)),
        ));
    }
    if let Some(account) = &account {
        properties.push(("account", json!(shown(account))));
    }
    outside.element(Outsider {
        key,
        id_hint: &hint,
        name,
        kind: ElementKind::Datastore,
        description: format!(
            "Replication destination outside the template, in {}; {owner}",
            match (&place, &account) {
                (Place::OwnAccount, _) => "the stack's account".to_string(),
                (_, Some(a)) => format!("account {a}"),
                (_, None) => "an account the rule does not state".to_string(),
            }
        ),
        place,
        properties,
    })
}
