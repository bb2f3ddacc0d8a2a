//! The feature classes a model uses: those its elements and flows declare in
//! `features`, and those always present on the AWS resources its elements are
//! (a bucket always has a bucket policy, ACLs and default encryption).

use crate::service::{declared_features, service_ref};
use moat_catalog::Catalog;
use moat_model::Model;
use std::collections::BTreeSet;

/// Feature-class ids of `catalog` that `model` uses, sorted. `reference` is the
/// catalog whose `present_on` lists say what a resource always has (Moat's
/// built-in one); ids are translated to `catalog`'s own through the
/// TrustOnCloud ids the reference records, so a TrustOnCloud catalog works too.
pub fn features_in_use(model: &Model, catalog: &Catalog, reference: &Catalog) -> Vec<String> {
    let mut ours: BTreeSet<String> = BTreeSet::new();
    for element in &model.elements {
        ours.extend(declared_features(&element.properties).map(String::from));
        if let Some((service, resource)) = service_ref(element) {
            let full = format!("{service}:{resource}");
            for class in &reference.feature_classes {
                if class
                    .present_on
                    .iter()
                    .any(|p| *p == service || (!resource.is_empty() && *p == full))
                {
                    ours.insert(class.id.clone());
                }
            }
        }
    }
    for flow in &model.flows {
        ours.extend(declared_features(&flow.properties).map(String::from));
    }
    let mut out: BTreeSet<String> = BTreeSet::new();
    for id in ours {
        if catalog.feature_class(&id).is_some() {
            out.insert(id);
            continue;
        }
        // a TrustOnCloud catalog: its ids are the ones ours covers
        if let Some(class) = reference.feature_class(&id) {
            out.extend(
                class
                    .trustoncloud
                    .iter()
                    .filter(|t| catalog.feature_class(t).is_some())
                    .cloned(),
            );
        } else {
            // a declared id neither catalog knows is kept, so the caller can report it
            out.insert(id);
        }
    }
    out.into_iter().collect()
}
