//! A finding's severity, derived from the threats its failed controls leave
//! open (docs/scan.md, "Severity"):
//!
//! 1. Each catalog link "control C mitigates threat T with impact I" of the
//!    check's controls rates the gap as T's severity, lowered one level for a
//!    medium mitigation, two for a low one and three for a very low one: a
//!    missing control that only dents a threat leaves less exposed.
//! 2. A threat that another control in place on the same resource (or a
//!    CloudTrail trail of the same deployment) also mitigates is not open:
//!    the failed control was defence in depth there.
//! 3. The finding takes the highest rating of its open links, kept within one
//!    level of the check's own severity (the check knows what it found; the
//!    catalog knows what it costs); with no open link it is one level below
//!    the check's, and with no catalog link at all it is the check's.
//! 4. A bucket tagged as holding confidential, restricted or personal data
//!    raises it one level; one tagged public lowers it one level.

use moat_catalog::{Catalog, MitigationImpact};
use moat_checks::{Check, Severity};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One "control mitigates threat" link of a check's controls.
#[derive(Debug, Clone)]
struct Link {
    threat: String,
    threat_severity: Severity,
    control: String,
    impact: MitigationImpact,
}

impl Link {
    /// The severity of the gap the missing control leaves in this threat.
    fn rating(&self) -> Severity {
        let down = match self.impact {
            MitigationImpact::Full | MitigationImpact::VeryHigh | MitigationImpact::High => 0,
            MitigationImpact::Medium => 1,
            MitigationImpact::Low => 2,
            MitigationImpact::VeryLow => 3,
        };
        self.threat_severity.shifted(-down)
    }
}

/// What derivation needs from the catalog, taken once per run.
#[derive(Debug, Default)]
pub struct SeverityFacts {
    /// Check id -> the links of its controls, sorted by threat then control.
    links: BTreeMap<&'static str, Vec<Link>>,
    /// Threat id -> every catalog control that mitigates it.
    mitigators: BTreeMap<String, BTreeSet<String>>,
}

impl SeverityFacts {
    pub fn of(catalog: &Catalog, checks: &[&Check]) -> Self {
        let severity: BTreeMap<&str, Severity> = catalog
            .threats
            .iter()
            .map(|t| (t.threat.id.as_str(), t.threat.severity))
            .collect();
        let mut mitigators: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for control in &catalog.controls {
            for m in &control.mitigates {
                mitigators
                    .entry(m.threat.clone())
                    .or_default()
                    .insert(control.id.clone());
            }
        }
        let links = checks
            .iter()
            .map(|check| {
                let mut links: Vec<Link> = catalog
                    .controls
                    .iter()
                    .filter(|c| check.controls.contains(&c.id.as_str()))
                    .flat_map(|c| {
                        c.mitigates.iter().filter_map(|m| {
                            Some(Link {
                                threat: m.threat.clone(),
                                threat_severity: *severity.get(m.threat.as_str())?,
                                control: c.id.clone(),
                                impact: m.impact,
                            })
                        })
                    })
                    .collect();
                links.sort_by(|a, b| (&a.threat, &a.control).cmp(&(&b.threat, &b.control)));
                (check.id, links)
            })
            .collect();
        SeverityFacts { links, mitigators }
    }
}

/// The controls shown in place in one deployment unit.
#[derive(Debug, Default)]
pub struct InPlace {
    /// Resource -> the controls passes prove there.
    on_resource: HashMap<String, HashSet<String>>,
    /// Controls a CloudTrail trail of the unit proves: they watch every bucket.
    unit_wide: HashSet<String>,
}

impl InPlace {
    pub fn add(&mut self, resource: &str, resource_type: &str, control: &str) {
        if resource_type == "AWS::CloudTrail::Trail" {
            self.unit_wide.insert(control.to_string());
        }
        // looked up for every finding: no allocation on the way in when
        // the resource is known, none at all on the way out
        match self.on_resource.get_mut(resource) {
            Some(controls) => {
                controls.insert(control.to_string());
            }
            None => {
                self.on_resource
                    .insert(resource.to_string(), HashSet::from([control.to_string()]));
            }
        }
    }

    fn holds(&self, resource: &str, control: &str) -> bool {
        self.unit_wide.contains(control)
            || self
                .on_resource
                .get(resource)
                .is_some_and(|controls| controls.contains(control))
    }
}

/// How the bucket's data classification moves the severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// The tag as written (`DataClassification=confidential`).
    pub tag: String,
    /// +1 for sensitive data, -1 for public data.
    pub shift: i32,
}

/// A finding's rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rated {
    pub severity: Severity,
    /// Why, in one line.
    pub reason: String,
    /// The threats the finding leaves open, by id.
    pub open: Vec<String>,
}

/// The severity of `check`'s finding on `resource`, and why.
pub fn derive(
    check: &Check,
    resource: &str,
    in_place: &InPlace,
    facts: &SeverityFacts,
    classification: Option<&Classification>,
) -> Rated {
    let base = check.severity;
    let links = facts.links.get(check.id).map_or(&[][..], Vec::as_slice);
    let covered_by = |link: &Link| -> Option<String> {
        facts
            .mitigators
            .get(&link.threat)?
            .iter()
            .find(|c| !check.controls.contains(&c.as_str()) && in_place.holds(resource, c))
            .cloned()
    };
    let mut open: Vec<&Link> = Vec::new();
    let mut covered: BTreeMap<&str, String> = BTreeMap::new();
    for link in links {
        match covered_by(link) {
            Some(control) => {
                covered.insert(link.threat.as_str(), control);
            }
            None => open.push(link),
        }
    }
    let (from_threats, mut reason) = if links.is_empty() {
        (
            base,
            "the check's rating: its controls mitigate no catalog threat".to_string(),
        )
    } else if let Some(worst) = open
        .iter()
        .max_by(|a, b| a.rating().cmp(&b.rating()).then(b.threat.cmp(&a.threat)))
    {
        let rated = worst.rating();
        let kept = rated.clamp(base.lowered(), base.raised());
        let mut text = format!(
            "leaves {} open ({} threat; {} would mitigate it {})",
            worst.threat,
            worst.threat_severity,
            worst.control,
            worst.impact.as_str().replace('_', " ")
        );
        if kept != rated {
            text.push_str(&format!(
                "; {rated} kept within one level of the check's {base}"
            ));
        }
        let others = open
            .iter()
            .map(|l| l.threat.as_str())
            .filter(|t| *t != worst.threat)
            .collect::<BTreeSet<_>>();
        if !others.is_empty() {
            text.push_str(&format!(
                "; also open: {}",
                others.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        (kept, text)
    } else {
        let lowered = base.lowered();
        let by: Vec<String> = covered.iter().map(|(t, c)| format!("{t} by {c}")).collect();
        (
            lowered,
            format!(
                "defence in depth: its threats are mitigated by controls in place ({}); one level below the check's {base}",
                by.join(", ")
            ),
        )
    };
    let severity = match classification {
        Some(c) if c.shift != 0 => {
            let shifted = from_threats.shifted(c.shift);
            let word = if c.shift > 0 { "up" } else { "down" };
            reason = format!("{reason}; one level {word} for {}", c.tag);
            shifted
        }
        _ => from_threats,
    };
    let open: BTreeSet<String> = open.iter().map(|l| l.threat.clone()).collect();
    Rated {
        severity,
        reason,
        open: open.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(id: &str) -> (&'static Check, SeverityFacts) {
        let check = moat_checks::registry::find(id).expect("a registered check");
        let (catalog, _) = moat_catalog::builtin();
        let facts = SeverityFacts::of(&catalog, &[check]);
        (check, facts)
    }

    /// Every other control that mitigates one of `check`'s threats, in place on `resource`.
    fn others_in_place(
        check: &Check,
        facts: &SeverityFacts,
        resource: &str,
        kind: &str,
    ) -> InPlace {
        let mut in_place = InPlace::default();
        for link in &facts.links[check.id] {
            for c in &facts.mitigators[&link.threat] {
                if !check.controls.contains(&c.as_str()) {
                    in_place.add(resource, kind, c);
                }
            }
        }
        in_place
    }

    #[test]
    fn open_threats_rate_the_finding_within_one_level_of_the_check() {
        let (check, facts) = setup("CHK-S3-037");
        let rated = derive(check, "B", &InPlace::default(), &facts, None);
        let links = &facts.links[check.id];
        let worst = links.iter().map(Link::rating).max().expect("links");
        assert_eq!(
            rated.severity,
            worst.clamp(check.severity.lowered(), check.severity.raised())
        );
        let every: BTreeSet<String> = links.iter().map(|l| l.threat.clone()).collect();
        assert_eq!(rated.open, every.into_iter().collect::<Vec<_>>());
        assert!(rated.reason.starts_with("leaves T-S3-"), "{}", rated.reason);
    }

    #[test]
    fn threats_covered_by_controls_in_place_make_it_defence_in_depth() {
        let (check, facts) = setup("CHK-S3-007");
        let in_place = others_in_place(check, &facts, "B", "AWS::S3::Bucket");
        let rated = derive(check, "B", &in_place, &facts, None);
        assert_eq!(rated.severity, check.severity.lowered());
        assert!(rated.open.is_empty());
        assert!(
            rated.reason.starts_with("defence in depth"),
            "{}",
            rated.reason
        );
        // the same controls on another resource cover nothing here
        let elsewhere = derive(check, "Other", &in_place, &facts, None);
        assert!(!elsewhere.open.is_empty());
    }

    #[test]
    fn a_trail_covers_every_resource_of_its_unit() {
        let (check, facts) = setup("CHK-S3-001");
        let in_place = others_in_place(check, &facts, "Trail", "AWS::CloudTrail::Trail");
        let rated = derive(check, "AnyBucket", &in_place, &facts, None);
        assert!(rated.open.is_empty(), "{rated:?}");
    }

    #[test]
    fn classification_moves_it_one_level() {
        let (check, facts) = setup("CHK-S3-007");
        let plain = derive(check, "B", &InPlace::default(), &facts, None);
        let tag = Classification {
            tag: "DataClassification=confidential".to_string(),
            shift: 1,
        };
        let raised = derive(check, "B", &InPlace::default(), &facts, Some(&tag));
        assert_eq!(raised.severity, plain.severity.raised());
        assert!(
            raised
                .reason
                .ends_with("one level up for DataClassification=confidential")
        );
    }

    #[test]
    fn a_check_without_catalog_threats_keeps_its_rating() {
        let (check, facts) = setup("CHK-S3-023");
        let rated = derive(check, "B", &InPlace::default(), &facts, None);
        assert_eq!(rated.severity, check.severity);
        assert!(rated.open.is_empty());
    }

    #[test]
    fn ratings_follow_mitigation_strength() {
        let link = |impact| Link {
            threat: "T".into(),
            threat_severity: Severity::High,
            control: "C".into(),
            impact,
        };
        assert_eq!(link(MitigationImpact::Full).rating(), Severity::High);
        assert_eq!(link(MitigationImpact::Medium).rating(), Severity::Medium);
        assert_eq!(link(MitigationImpact::Low).rating(), Severity::Low);
        assert_eq!(link(MitigationImpact::VeryLow).rating(), Severity::Info);
    }
}
