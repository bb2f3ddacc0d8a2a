//! Cross-references of a merged catalog: every id a threat, control or feature
//! class names must exist, every IAM action must be real, and the two directions
//! of "control mitigates threat" are made one.

use crate::types::ControlRef;
use crate::{Catalog, control::Mitigation};
use moat_model::{Diagnostic, Location};
use moat_policy::actions;
use std::collections::{BTreeMap, BTreeSet};

/// Framework ids whose requirement ids are checked by shape, not against a
/// loaded framework file: TrustOnCloud controls and the Secure Controls Framework.
/// Tells whether a requirement id has its framework's shape.
type IdShape = fn(&str) -> bool;

const OPEN_FRAMEWORKS: &[(&str, IdShape)] = &[
    ("trustoncloud", is_trustoncloud_control),
    ("scf", is_scf_id),
];

fn is_trustoncloud_control(id: &str) -> bool {
    id.split_once(".C").is_some_and(|(service, n)| {
        !service.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    })
}

fn is_scf_id(id: &str) -> bool {
    id.split_once('-').is_some_and(|(domain, n)| {
        domain.len() == 3 && domain.bytes().all(|b| b.is_ascii_uppercase()) && !n.is_empty()
    })
}

fn error(code: &str, message: String, location: Option<&Location>) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(code, message);
    diagnostic.location = location.cloned();
    diagnostic
}

fn warning(code: &str, message: String, location: Option<&Location>) -> Diagnostic {
    let mut diagnostic = Diagnostic::warning(code, message);
    diagnostic.location = location.cloned();
    diagnostic
}

/// Checks an IAM action (or a wildcard pattern) against the vendored list.
/// Actions of services outside the list cannot be checked and pass.
pub fn check_action(action: &str) -> Result<(), String> {
    let Some((prefix, name)) = action.split_once(':') else {
        return Err(format!(
            "`{action}` is not an IAM action (`service:Action`)"
        ));
    };
    if !actions::services().any(|s| s == prefix) {
        return Ok(());
    }
    if name.contains('*') || name.contains('?') {
        if actions::expand(action).is_empty() {
            return Err(format!("`{action}` matches no {prefix} action"));
        }
        return Ok(());
    }
    if actions::is_known(action) {
        return Ok(());
    }
    let hint = actions::suggest(action)
        .map(|s| format!(", did you mean `{s}`?"))
        .unwrap_or_default();
    Err(format!("unknown IAM action `{action}`{hint}"))
}

impl Catalog {
    /// Validates the references between the parts of the catalog and links
    /// controls to threats both ways. Run once, after every source is merged.
    pub fn link(&mut self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let threat_ids: BTreeSet<String> =
            self.threats.iter().map(|t| t.threat.id.clone()).collect();
        let control_ids: BTreeSet<String> = self.controls.iter().map(|c| c.id.clone()).collect();
        let fc_ids: BTreeSet<String> = self.feature_classes.iter().map(|f| f.id.clone()).collect();
        let requirements: BTreeMap<&str, BTreeSet<&str>> = self
            .frameworks
            .iter()
            .map(|f| {
                (
                    f.id.as_str(),
                    f.requirements.iter().map(|r| r.id.as_str()).collect(),
                )
            })
            .collect();

        for fc in &self.feature_classes {
            let at = fc.location.as_ref();
            for parent in fc.parents.iter().chain(&fc.uses) {
                if !fc_ids.contains(parent) {
                    out.push(error(
                        "catalog::unknown-feature-class",
                        format!(
                            "feature class `{}`: unknown feature class `{parent}`",
                            fc.id
                        ),
                        at,
                    ));
                }
            }
            for action in &fc.actions {
                if let Err(message) = check_action(action) {
                    out.push(warning(
                        "catalog::unknown-action",
                        format!("feature class `{}`: {message}", fc.id),
                        at,
                    ));
                }
            }
        }
        if let Some(cycle) = parent_cycle(self) {
            out.push(error(
                "catalog::cycle",
                format!("feature classes form a cycle: {}", cycle.join(" -> ")),
                None,
            ));
        }

        for threat in &self.threats {
            let t = &threat.threat;
            let at = t.location.as_ref();
            if let Some(fc) = &t.feature_class
                && !fc_ids.contains(fc)
            {
                out.push(error(
                    "catalog::unknown-feature-class",
                    format!("threat `{}`: unknown feature class `{fc}`", t.id),
                    at,
                ));
            }
            for action in t.access.iter().flat_map(|a| a.actions()) {
                if let Err(message) = check_action(action) {
                    out.push(warning(
                        "catalog::unknown-action",
                        format!("threat `{}`: {message}", t.id),
                        at,
                    ));
                }
            }
            for reference in &t.controls {
                if !control_ids.contains(&reference.control) {
                    out.push(error(
                        "catalog::unknown-control",
                        format!("threat `{}`: unknown control `{}`", t.id, reference.control),
                        at,
                    ));
                }
            }
        }

        for control in &self.controls {
            let at = control.location.as_ref();
            let name = &control.id;
            for fc in &control.feature_classes {
                if !fc_ids.contains(fc) {
                    out.push(error(
                        "catalog::unknown-feature-class",
                        format!("control `{name}`: unknown feature class `{fc}`"),
                        at,
                    ));
                }
            }
            for link in &control.mitigates {
                if !threat_ids.contains(&link.threat) {
                    out.push(error(
                        "catalog::unknown-threat",
                        format!(
                            "control `{name}`: mitigates unknown threat `{}`",
                            link.threat
                        ),
                        at,
                    ));
                }
            }
            for (key, ids) in [
                ("depends_on", &control.depends_on),
                ("assured_by", &control.assured_by),
            ] {
                for id in ids {
                    if !control_ids.contains(id) || id == name {
                        out.push(error(
                            "catalog::unknown-control",
                            format!("control `{name}`: `{key}` names unknown control `{id}`"),
                            at,
                        ));
                    }
                }
            }
            for action in &control.actions {
                if let Err(message) = check_action(action) {
                    out.push(warning(
                        "catalog::unknown-action",
                        format!("control `{name}`: {message}"),
                        at,
                    ));
                }
            }
            for (key, map) in [
                ("compliance", &control.compliance),
                ("supports", &control.supports),
            ] {
                for (framework, ids) in map {
                    if let Some((_, valid)) = OPEN_FRAMEWORKS.iter().find(|(f, _)| f == framework) {
                        for id in ids.iter().filter(|id| !valid(id)) {
                            out.push(error(
                                "catalog::unknown-requirement",
                                format!(
                                    "control `{name}`: `{key}`: `{id}` is not a {framework} id"
                                ),
                                at,
                            ));
                        }
                        continue;
                    }
                    let Some(known) = requirements.get(framework.as_str()) else {
                        out.push(error(
                            "catalog::unknown-framework",
                            format!(
                                "control `{name}`: `{key}` names unknown framework `{framework}`"
                            ),
                            at,
                        ));
                        continue;
                    };
                    for id in ids.iter().filter(|id| !known.contains(id.as_str())) {
                        out.push(error(
                            "catalog::unknown-requirement",
                            format!(
                                "control `{name}`: `{key}`: `{framework}` has no requirement `{id}`"
                            ),
                            at,
                        ));
                    }
                }
            }
        }
        if let Some(cycle) = dependency_cycle(self) {
            out.push(error(
                "catalog::cycle",
                format!(
                    "controls depend on each other in a cycle: {}",
                    cycle.join(" -> ")
                ),
                None,
            ));
        }
        self.join_mitigations();
        out
    }

    /// Makes `threat.controls` and `control.mitigates` say the same thing.
    fn join_mitigations(&mut self) {
        let mut by_threat: BTreeMap<String, Vec<ControlRef>> = BTreeMap::new();
        for control in &self.controls {
            for link in &control.mitigates {
                by_threat
                    .entry(link.threat.clone())
                    .or_default()
                    .push(ControlRef {
                        control: control.id.clone(),
                        impact: link.impact,
                    });
            }
        }
        let mut from_threats: Vec<(String, String, crate::MitigationImpact)> = Vec::new();
        for threat in &mut self.threats {
            let t = &mut threat.threat;
            for reference in &t.controls {
                from_threats.push((reference.control.clone(), t.id.clone(), reference.impact));
            }
            for reference in by_threat.remove(&t.id).unwrap_or_default() {
                if !t.controls.iter().any(|c| c.control == reference.control) {
                    t.controls.push(reference);
                }
            }
        }
        for (control_id, threat_id, impact) in from_threats {
            if let Some(control) = self.controls.iter_mut().find(|c| c.id == control_id)
                && !control.mitigates.iter().any(|m| m.threat == threat_id)
            {
                control.mitigates.push(Mitigation {
                    threat: threat_id,
                    impact,
                    stated: None,
                });
            }
        }
    }
}

/// A cycle through `parents`, if any (parents form a DAG).
fn parent_cycle(catalog: &Catalog) -> Option<Vec<String>> {
    let edges: BTreeMap<&str, Vec<&str>> = catalog
        .feature_classes
        .iter()
        .map(|f| {
            (
                f.id.as_str(),
                f.parents.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    find_cycle(&edges)
}

fn dependency_cycle(catalog: &Catalog) -> Option<Vec<String>> {
    let edges: BTreeMap<&str, Vec<&str>> = catalog
        .controls
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.depends_on.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    find_cycle(&edges)
}

/// Depth-first search with colours; returns the first cycle met, closed.
pub fn find_cycle(edges: &BTreeMap<&str, Vec<&str>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        White,
        Grey,
        Black,
    }
    let mut colour: BTreeMap<&str, Colour> = edges.keys().map(|k| (*k, Colour::White)).collect();
    for start in edges.keys() {
        if colour.get(start) != Some(&Colour::White) {
            continue;
        }
        // explicit stack: (node, next edge index); catalogs may be deep
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        colour.insert(start, Colour::Grey);
        while let Some((node, index)) = stack.last_mut() {
            let next = edges.get(*node).and_then(|e| e.get(*index)).copied();
            *index += 1;
            match next {
                None => {
                    colour.insert(node, Colour::Black);
                    stack.pop();
                }
                Some(child) => match colour.get(child).copied() {
                    Some(Colour::White) => {
                        colour.insert(child, Colour::Grey);
                        stack.push((child, 0));
                    }
                    Some(Colour::Grey) => {
                        let from = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            stack[from..].iter().map(|(n, _)| n.to_string()).collect();
                        cycle.push(child.to_string());
                        return Some(cycle);
                    }
                    _ => {}
                },
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles() {
        let edges: BTreeMap<&str, Vec<&str>> = [
            ("a", vec!["b"]),
            ("b", vec!["c"]),
            ("c", vec!["a"]),
            ("d", vec![]),
        ]
        .into();
        assert_eq!(find_cycle(&edges).unwrap(), ["a", "b", "c", "a"]);
        let dag: BTreeMap<&str, Vec<&str>> =
            [("a", vec!["b", "c"]), ("b", vec!["c"]), ("c", vec![])].into();
        assert_eq!(find_cycle(&dag), None);
    }

    #[test]
    fn actions_are_checked_against_the_vendored_list() {
        assert!(check_action("s3:GetObject").is_ok());
        assert!(check_action("s3:Get*").is_ok());
        assert!(
            check_action("sns:Publish").is_ok(),
            "services outside the list pass"
        );
        assert!(
            check_action("s3:GetObjekt")
                .unwrap_err()
                .contains("did you mean")
        );
        assert!(check_action("s3:Zzz*").is_err());
        assert!(check_action("GetObject").is_err());
    }

    #[test]
    fn open_framework_ids_have_their_shapes() {
        assert!(is_trustoncloud_control("S3.C12"));
        assert!(!is_trustoncloud_control("S3.T12"));
        assert!(is_scf_id("CRY-03"));
        assert!(!is_scf_id("cry-03"));
    }
}
