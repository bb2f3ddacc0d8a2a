//! What decides, besides its kinds and its condition, whether a threat lands on
//! a target (docs/catalog.md, "Managed services and features in use"):
//!
//! - a threat with `applies_to_managed_services: false` (the generic ones)
//!   skips AWS-managed services;
//! - a threat that needs its feature class in use skips a target whose model
//!   declares `features` without that class, and is marked "assumed in use"
//!   on a target that declares none.
//!
//! The gate is decided before any condition is evaluated, the same way for the
//! fast path and the CEL interpreter.

use crate::fast::Part;
use crate::service::declared_features;
use crate::view::ModelIndex;
use moat_catalog::{Catalog, CatalogThreat, FeatureClass, FeatureUse};
use std::collections::{HashMap, HashSet};

/// The gate of one threat.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Gate {
    /// The threat skips AWS-managed targets.
    pub skips_managed: bool,
    /// The feature ids (the class, and its counterparts in Moat's and
    /// TrustOnCloud's ids) one of which must be in use; `None`: not gated.
    pub feature: Option<Vec<String>>,
}

/// What the gate says about one threat on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Skip,
    Apply,
    /// Apply, and say the feature is assumed in use: the model declares none.
    Assumed,
}

/// The features a target's model declares in use, with the classes they build
/// on; `None` when nothing in scope declares `features` or a declared id is
/// unknown (then nothing can be ruled out).
pub type Declared<'c> = Option<HashSet<&'c str>>;

/// What a target offers the gates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope<'c> {
    pub managed: bool,
    pub declared: Declared<'c>,
}

/// The gates of a catalog's threats, and what is needed to read declarations.
pub struct Gates<'c> {
    pub gates: Vec<Gate>,
    /// Feature classes by id, from the catalog and the reference catalog.
    classes: HashMap<&'c str, &'c FeatureClass>,
    /// Every id a `features` entry may name: class ids and the TrustOnCloud
    /// ids Moat's classes record.
    known: HashSet<&'c str>,
    /// TrustOnCloud id -> Moat classes covering it.
    covering: HashMap<&'c str, Vec<&'c FeatureClass>>,
}

/// The built-in catalog, for `present_on` and TrustOnCloud mappings when the
/// catalog evaluated carries none (`--no-builtin` with a TrustOnCloud file).
fn builtin_reference() -> &'static Catalog {
    static REFERENCE: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    REFERENCE.get_or_init(|| moat_catalog::builtin().0)
}

/// The catalog whose classes say where each class is present: `catalog` when
/// it is Moat's own (it records `present_on`), else the built-in one.
pub fn reference(catalog: &Catalog) -> &Catalog {
    if catalog
        .feature_classes
        .iter()
        .any(|c| !c.present_on.is_empty())
    {
        catalog
    } else {
        builtin_reference()
    }
}

impl<'c> Gates<'c> {
    pub fn new(catalog: &'c Catalog) -> Self {
        Self::with_reference(catalog, reference(catalog))
    }

    pub fn with_reference(catalog: &'c Catalog, reference: &'c Catalog) -> Self {
        let mut classes: HashMap<&str, &FeatureClass> = HashMap::new();
        let mut covering: HashMap<&str, Vec<&FeatureClass>> = HashMap::new();
        let mut known: HashSet<&str> = HashSet::new();
        for class in reference
            .feature_classes
            .iter()
            .chain(&catalog.feature_classes)
        {
            classes.entry(class.id.as_str()).or_insert(class);
            known.insert(class.id.as_str());
        }
        for class in &reference.feature_classes {
            for toc in &class.trustoncloud {
                known.insert(toc.as_str());
                let list = covering.entry(toc.as_str()).or_default();
                if !list.iter().any(|c| c.id == class.id) {
                    list.push(class);
                }
            }
        }
        let mut gates = Gates {
            gates: Vec::new(),
            classes,
            known,
            covering,
        };
        gates.gates = catalog
            .threats
            .iter()
            .map(|t| gates.gate_of(catalog, t))
            .collect();
        gates
    }

    /// Whether `id` is a feature class a model may declare.
    pub fn is_known(&self, id: &str) -> bool {
        self.known.contains(id)
    }

    fn gate_of(&self, catalog: &Catalog, threat: &CatalogThreat) -> Gate {
        let t = &threat.threat;
        let feature = t.feature_class.as_deref().and_then(|class| {
            let used = t
                .feature_use
                .unwrap_or_else(|| derived_use(threat, catalog.feature_class(class)));
            (used == FeatureUse::Required && self.is_optional(class))
                .then(|| self.counterparts(class))
        });
        Gate {
            skips_managed: !t.applies_to_managed_services,
            feature,
        }
    }

    /// A class some deployments use and others do not: present on no resource,
    /// and not a description of how others use the service (a class with no
    /// actions and nothing it builds on, such as `FC-S3-EXTERNAL` or
    /// TrustOnCloud's "Other uses", cannot be declared unused). A TrustOnCloud
    /// class is optional when every Moat class covering it is; one that Moat's
    /// classes do not map is never gated, since nothing says where it is present.
    fn is_optional(&self, id: &str) -> bool {
        let optional = |class: &FeatureClass| {
            class.present_on.is_empty() && !(class.actions.is_empty() && class.parents.is_empty())
        };
        if let Some(ours) = self.covering.get(id) {
            return ours.iter().all(|c| optional(c));
        }
        match self.classes.get(id) {
            // a TrustOnCloud class records its own id; Moat's record others
            Some(class) if !class.trustoncloud.iter().any(|t| t == id) => optional(class),
            _ => false,
        }
    }

    /// `id` and the ids that mean the same feature: a Moat class's TrustOnCloud
    /// ids, or the Moat classes covering a TrustOnCloud id.
    fn counterparts(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_string()];
        if let Some(class) = self.classes.get(id) {
            out.extend(class.trustoncloud.iter().cloned());
        }
        if let Some(ours) = self.covering.get(id) {
            out.extend(ours.iter().map(|c| c.id.clone()));
        }
        out.sort();
        out.dedup();
        out
    }

    /// The declared features of `properties` and what they build on; `None`
    /// when there is no `features` property or one of its ids is unknown.
    fn declared_in<'a>(
        &'a self,
        properties: &'a moat_model::Properties,
        into: &mut HashSet<&'a str>,
    ) -> Option<()> {
        for id in declared_features(properties) {
            if !self.is_known(id) {
                return None;
            }
            self.with_parents(id, into);
        }
        Some(())
    }

    fn with_parents<'a>(&'a self, id: &str, into: &mut HashSet<&'a str>) {
        let Some((&own, class)) = self.classes.get_key_value(id) else {
            // a TrustOnCloud id that only Moat's classes name
            if let Some((&own, _)) = self.covering.get_key_value(id) {
                into.insert(own);
            }
            return;
        };
        if !into.insert(own) {
            return;
        }
        for parent in &class.parents {
            self.with_parents(parent, into);
        }
    }

    /// The scope of a target: whether it is AWS-managed, and the features
    /// declared on it (a flow: on itself and on both ends).
    pub fn scope<'a>(&'a self, index: &ModelIndex<'a>, part: Part<'a>) -> Scope<'a> {
        let (managed, holders): (bool, [Option<&'a moat_model::Properties>; 3]) = match part {
            Part::Element(e) => (index.is_managed(&e.id), [Some(&e.properties), None, None]),
            Part::Flow { flow, source, sink } => (
                index.flow_managed(flow),
                [
                    Some(&flow.properties),
                    source.map(|e| &e.properties),
                    sink.map(|e| &e.properties),
                ],
            ),
            Part::Boundary(b) => (
                crate::service::declares_managed(&b.properties),
                [Some(&b.properties), None, None],
            ),
        };
        let mut declaring = holders
            .into_iter()
            .flatten()
            .filter(|p| p.contains_key("features"))
            .peekable();
        let declared = if declaring.peek().is_none() {
            None
        } else {
            let mut set = HashSet::new();
            declaring
                .try_for_each(|p| self.declared_in(p, &mut set))
                .map(|()| set)
        };
        Scope { managed, declared }
    }

    /// What the gate of threat `i` says on a target of `scope`.
    pub fn verdict(&self, i: usize, scope: &Scope<'_>) -> Verdict {
        let Some(gate) = self.gates.get(i) else {
            return Verdict::Apply;
        };
        if gate.skips_managed && scope.managed {
            return Verdict::Skip;
        }
        match (&gate.feature, &scope.declared) {
            (None, _) => Verdict::Apply,
            (Some(_), None) => Verdict::Assumed,
            (Some(ids), Some(declared)) if ids.iter().any(|id| declared.contains(id.as_str())) => {
                Verdict::Apply
            }
            (Some(_), Some(_)) => Verdict::Skip,
        }
    }
}

/// Whether a threat needs its feature in use when the catalog does not say:
/// not when its `access` names an action of the class that configures it
/// (access level Write, Permissions management or Tagging), since an attacker
/// with that permission can switch the feature on; otherwise it does.
pub fn derived_use(threat: &CatalogThreat, class: Option<&FeatureClass>) -> FeatureUse {
    let (Some(access), Some(class)) = (&threat.threat.access, class) else {
        return FeatureUse::Required;
    };
    let configures = access.actions().into_iter().any(|action| {
        class.actions.iter().any(|a| a.eq_ignore_ascii_case(action))
            && matches!(
                moat_policy::actions::access_level(action),
                Some("Write" | "Permissions management" | "Tagging")
            )
    });
    if configures {
        FeatureUse::NotRequired
    } else {
        FeatureUse::Required
    }
}
