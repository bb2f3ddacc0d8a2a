//! The whole catalog as one self-contained HTML page (the "ControlCatalog"
//! view): controls in priority order, threats, feature classes and
//! frameworks, every entity with an anchor so ids link to each other, a live
//! search box and STRIDE / severity / priority-band filters.
//!
//! The page is the minijinja template `templates/catalog.html.j2` over the
//! views this module builds; its CSS and script (`catalog.css`, `catalog.js`)
//! are embedded inline, so it fetches nothing and works offline from
//! `file://`. Without JavaScript every section is shown one after the other.
//! Every piece of catalog text is HTML-escaped (catalogs can come from
//! users): the template's formatter escapes every value, and prose becomes
//! markup only through the filters of [`crate::prose`] (CommonMark, raw HTML shown as
//! text, only web URLs linked). The output depends only on the
//! catalog and the title.

use moat_catalog::priority::{Band, ControlPriority, prioritize};
use moat_catalog::{Catalog, Control, FeatureClass, Framework, MitigationImpact, Severity, Stride};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) mod view;

use view::*;

const TEMPLATE: &str = include_str!("templates/catalog.html.j2");
const CSS: &str = include_str!("templates/catalog.css");
const SCRIPT: &str = include_str!("templates/catalog.js");

/// Renders `catalog` as one HTML5 document titled `title`.
pub fn catalog_html(catalog: &Catalog, title: &str) -> String {
    let page = Page::new(catalog);
    let view = page.view(title);
    match render(&view) {
        Ok(html) => html,
        // the template is embedded and tested: a failure is a bug, shown on the page
        Err(error) => crate::html_env::error_page("the catalog page", &error.to_string()),
    }
}

fn render(view: &View<'_>) -> Result<String, minijinja::Error> {
    let mut env = crate::html_env::environment();
    env.add_template("catalog.html.j2", TEMPLATE)?;
    env.get_template("catalog.html.j2")?.render(view)
}

// ----------------------------------------------------------------- anchors

/// Anchors are ids with white space replaced, unique across the page.
#[derive(Default)]
struct Anchors {
    taken: BTreeSet<String>,
}

impl Anchors {
    fn claim(&mut self, kind: &str, id: &str) -> String {
        let base: String = id
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        let base = if base.is_empty() {
            kind.to_string()
        } else {
            base
        };
        if self.taken.insert(base.clone()) {
            return base;
        }
        let prefixed = format!("{kind}-{base}");
        if self.taken.insert(prefixed.clone()) {
            return prefixed;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{prefixed}-{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

// ---------------------------------------------------------------------- page

struct Page<'a> {
    catalog: &'a Catalog,
    /// Indices into `catalog.controls`, highest priority first.
    control_order: Vec<usize>,
    /// By control id (the first control of an id).
    priority: BTreeMap<&'a str, ControlPriority>,
    /// Rank (1-based) of each control index in `control_order`.
    rank: BTreeMap<usize, usize>,
    control_anchors: Vec<String>,
    threat_anchors: Vec<String>,
    fc_anchors: Vec<String>,
    framework_anchors: Vec<String>,
    /// Link targets by id (the first entity of an id).
    control_link: BTreeMap<&'a str, String>,
    threat_link: BTreeMap<&'a str, String>,
    fc_link: BTreeMap<&'a str, String>,
    framework_link: BTreeMap<&'a str, String>,
    requirement_link: BTreeMap<(&'a str, &'a str), String>,
    /// Compliance keys no framework defines -> anchors of their blocks.
    other_frameworks: BTreeMap<&'a str, String>,
    /// threat id -> (control index, impact), strongest first.
    mitigated_by: BTreeMap<&'a str, Vec<(usize, MitigationImpact)>>,
    /// control id -> controls that depend on it / that it assures.
    needed_by: BTreeMap<&'a str, Vec<usize>>,
    assures: BTreeMap<&'a str, Vec<usize>>,
    /// (framework id, requirement id) -> control indices citing it.
    citations: BTreeMap<(&'a str, &'a str), Vec<usize>>,
}

/// The page's sections: key (for ids and filters), heading and introduction.
const SECTIONS: [(&str, &str, &str); 4] = [
    (
        "controls",
        "Controls",
        "Highest computed priority first: band and score come from the severity of the threats a control mitigates, how much it mitigates them, its effort, and the controls that depend on it.",
    ),
    ("threats", "Threats", ""),
    ("feature-classes", "Feature classes", ""),
    (
        "frameworks",
        "Frameworks",
        "Each requirement with the controls that cite it.",
    ),
];

impl<'a> Page<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        let mut priority: BTreeMap<&'a str, ControlPriority> = BTreeMap::new();
        for p in prioritize(catalog) {
            if let Some(control) = catalog.controls.iter().find(|c| c.id == p.control) {
                priority.insert(control.id.as_str(), p);
            }
        }
        let score = |c: &Control| priority.get(c.id.as_str()).map_or(0.0, |p| p.score);
        let mut control_order: Vec<usize> = (0..catalog.controls.len()).collect();
        control_order.sort_by(|&a, &b| {
            let (ca, cb) = (&catalog.controls[a], &catalog.controls[b]);
            score(cb)
                .total_cmp(&score(ca))
                .then_with(|| ca.id.cmp(&cb.id))
                .then_with(|| a.cmp(&b))
        });
        let rank: BTreeMap<usize, usize> = control_order
            .iter()
            .enumerate()
            .map(|(r, &i)| (i, r + 1))
            .collect();

        let mut anchors = Anchors::default();
        // the page's own element ids
        for reserved in [
            "top",
            "toolbar",
            "q",
            "f-stride",
            "f-severity",
            "f-band",
            "expand",
            "collapse",
            "reset",
            "status",
        ] {
            anchors.taken.insert(reserved.to_string());
        }
        for (key, _, _) in SECTIONS {
            anchors.taken.insert(format!("sec-{key}"));
        }
        let control_anchors: Vec<String> = catalog
            .controls
            .iter()
            .map(|c| anchors.claim("control", &c.id))
            .collect();
        let threat_anchors: Vec<String> = catalog
            .threats
            .iter()
            .map(|t| anchors.claim("threat", &t.threat.id))
            .collect();
        let fc_anchors: Vec<String> = catalog
            .feature_classes
            .iter()
            .map(|f| anchors.claim("feature-class", &f.id))
            .collect();
        let framework_anchors: Vec<String> = catalog
            .frameworks
            .iter()
            .map(|f| anchors.claim("framework", &f.id))
            .collect();
        let mut requirement_link = BTreeMap::new();
        for f in &catalog.frameworks {
            for r in &f.requirements {
                requirement_link
                    .entry((f.id.as_str(), r.id.as_str()))
                    .or_insert_with(|| anchors.claim("requirement", &format!("{}:{}", f.id, r.id)));
            }
        }
        let first = |ids: Vec<&'a str>, anchors: &[String]| -> BTreeMap<&'a str, String> {
            let mut map = BTreeMap::new();
            for (id, anchor) in ids.into_iter().zip(anchors) {
                map.entry(id).or_insert_with(|| anchor.clone());
            }
            map
        };
        let control_link = first(
            catalog.controls.iter().map(|c| c.id.as_str()).collect(),
            &control_anchors,
        );
        let threat_link = first(
            catalog
                .threats
                .iter()
                .map(|t| t.threat.id.as_str())
                .collect(),
            &threat_anchors,
        );
        let fc_link = first(
            catalog
                .feature_classes
                .iter()
                .map(|f| f.id.as_str())
                .collect(),
            &fc_anchors,
        );
        let framework_link = first(
            catalog.frameworks.iter().map(|f| f.id.as_str()).collect(),
            &framework_anchors,
        );
        let mut other_frameworks = BTreeMap::new();
        for control in &catalog.controls {
            for key in control.compliance.keys() {
                if !framework_link.contains_key(key.as_str()) {
                    other_frameworks
                        .entry(key.as_str())
                        .or_insert_with(|| anchors.claim("framework", key));
                }
            }
        }

        let mut mitigated_by: BTreeMap<&'a str, Vec<(usize, MitigationImpact)>> = BTreeMap::new();
        let mut needed_by: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        let mut assures: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        let mut citations: BTreeMap<(&'a str, &'a str), Vec<usize>> = BTreeMap::new();
        for (i, control) in catalog.controls.iter().enumerate() {
            for link in &control.mitigates {
                mitigated_by
                    .entry(link.threat.as_str())
                    .or_default()
                    .push((i, link.impact));
            }
            for dependency in &control.depends_on {
                needed_by.entry(dependency.as_str()).or_default().push(i);
            }
            for assurer in &control.assured_by {
                assures.entry(assurer.as_str()).or_default().push(i);
            }
            for (framework, ids) in &control.compliance {
                for id in ids {
                    let cited = citations
                        .entry((framework.as_str(), id.as_str()))
                        .or_default();
                    if !cited.contains(&i) {
                        cited.push(i);
                    }
                }
            }
        }
        // links a threat states that no control's `mitigates` carries (an unlinked catalog)
        for threat in &catalog.threats {
            for r in &threat.threat.controls {
                let Some(i) = catalog.controls.iter().position(|c| c.id == r.control) else {
                    continue;
                };
                let list = mitigated_by.entry(threat.threat.id.as_str()).or_default();
                if !list.iter().any(|(j, _)| *j == i) {
                    list.push((i, r.impact));
                }
            }
        }
        let by_rank = |i: &usize| rank.get(i).copied().unwrap_or(usize::MAX);
        for list in mitigated_by.values_mut() {
            list.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| by_rank(&a.0).cmp(&by_rank(&b.0)))
            });
        }
        for list in needed_by
            .values_mut()
            .chain(assures.values_mut())
            .chain(citations.values_mut())
        {
            list.sort_by_key(by_rank);
            list.dedup();
        }

        Page {
            catalog,
            control_order,
            priority,
            rank,
            control_anchors,
            threat_anchors,
            fc_anchors,
            framework_anchors,
            control_link,
            threat_link,
            fc_link,
            framework_link,
            requirement_link,
            other_frameworks,
            mitigated_by,
            needed_by,
            assures,
            citations,
        }
    }

    // ---------------------------------------------------------------- views

    fn view<'p>(&'p self, title: &'p str) -> View<'p> {
        let c = self.catalog;
        let requirements: usize = c.frameworks.iter().map(|f| f.requirements.len()).sum();
        let bands = Band::ALL
            .into_iter()
            .rev()
            .map(|band| {
                let n = self
                    .control_order
                    .iter()
                    .filter(|&&i| {
                        c.controls
                            .get(i)
                            .and_then(|ctl| self.priority.get(ctl.id.as_str()))
                            .is_some_and(|p| p.band == band)
                    })
                    .count();
                band_tally(band, n)
            })
            .collect();
        let severities = Severity::ALL
            .into_iter()
            .rev()
            .map(|severity| {
                let n = c
                    .threats
                    .iter()
                    .filter(|t| t.threat.severity == severity)
                    .count();
                severity_tally(severity, n)
            })
            .collect();
        let counts = [
            c.controls.len(),
            c.threats.len(),
            c.feature_classes.len(),
            requirements
                + self
                    .other_frameworks
                    .keys()
                    .map(|k| self.citations.keys().filter(|(f, _)| f == k).count())
                    .sum::<usize>(),
        ];
        let sections = SECTIONS
            .iter()
            .zip(counts)
            .map(|(&(key, label, intro), count)| SectionView {
                key,
                label,
                intro,
                count,
            })
            .collect();
        View {
            title,
            css: CSS,
            script: SCRIPT,
            sources: &c.sources,
            counts: Counts {
                controls: c.controls.len(),
                threats: c.threats.len(),
                feature_classes: c.feature_classes.len(),
                frameworks: c.frameworks.len(),
                requirements,
            },
            bands,
            severities,
            stride_options: Stride::ALL.into_iter().map(stride_tally).collect(),
            sections,
            controls: self
                .control_order
                .iter()
                .filter_map(|&i| Some(self.control(i, c.controls.get(i)?)))
                .collect(),
            threats: c
                .threats
                .iter()
                .enumerate()
                .map(|(i, t)| self.threat(i, &t.threat))
                .collect(),
            feature_classes: c
                .feature_classes
                .iter()
                .enumerate()
                .map(|(i, f)| self.feature_class(i, f))
                .collect(),
            frameworks: c
                .frameworks
                .iter()
                .enumerate()
                .map(|(i, f)| self.framework(i, f))
                .collect(),
            other_frameworks: self
                .other_frameworks
                .iter()
                .map(|(key, anchor)| self.other_framework(key, anchor))
                .collect(),
        }
    }

    // --------------------------------------------------------------- links

    /// A link to `anchor`, or `text` marked as not in this catalog.
    fn link(anchor: Option<&String>, text: &str) -> Ref {
        Ref {
            text: text.to_string(),
            anchor: anchor.cloned(),
            title: None,
            code: false,
        }
    }

    fn control_ref(&self, id: &str) -> Ref {
        Self::link(self.control_link.get(id), id)
    }

    fn threat_ref(&self, id: &str) -> Ref {
        Self::link(self.threat_link.get(id), id)
    }

    fn fc_ref(&self, id: &str) -> Ref {
        Self::link(self.fc_link.get(id), id)
    }

    /// Any entity of that id (TrustOnCloud ids may be the catalog's own), else code.
    fn any_ref(&self, id: &str) -> Ref {
        let anchor = self
            .control_link
            .get(id)
            .or_else(|| self.threat_link.get(id))
            .or_else(|| self.fc_link.get(id));
        Ref {
            text: id.to_string(),
            anchor: anchor.cloned(),
            title: None,
            code: true,
        }
    }

    fn refs(&self, ids: &[String], one: impl Fn(&Self, &str) -> Ref) -> Vec<Ref> {
        ids.iter().map(|id| one(self, id)).collect()
    }

    /// Controls by index, each a link titled with its name.
    fn control_index_refs(&self, indices: &[usize]) -> Vec<Ref> {
        indices
            .iter()
            .filter_map(|&i| {
                let control = self.catalog.controls.get(i)?;
                let anchor = self.control_anchors.get(i)?;
                Some(Ref {
                    text: control.id.clone(),
                    anchor: Some(anchor.clone()),
                    title: Some(control.name.clone()),
                    code: false,
                })
            })
            .collect()
    }

    // ------------------------------------------------------------ controls

    fn control<'p>(&'p self, i: usize, control: &'p Control) -> ControlView<'p> {
        let anchor = self.control_anchors.get(i).map_or("", String::as_str);
        let priority = self.priority.get(control.id.as_str());
        let band = priority.map_or(Band::VeryLow, |p| p.band);
        let score = priority.map_or(0.0, |p| p.score);
        let mut strides = BTreeSet::new();
        let mut severities = BTreeSet::new();
        for link in &control.mitigates {
            if let Some(t) = self.catalog.threat(&link.threat) {
                strides.insert(t.threat.stride.as_str());
                severities.insert(t.threat.severity.as_str());
            }
        }
        let mitigates = control
            .mitigates
            .iter()
            .map(|link| {
                let threat = self.catalog.threat(&link.threat).map(|t| &t.threat);
                MitigatesView {
                    threat: self.threat_ref(&link.threat),
                    name: threat.map(|t| t.name.as_str()),
                    severity: severity_tally(threat.map_or(Severity::Info, |t| t.severity), 0),
                    impact: impact_label(link.impact),
                }
            })
            .collect();
        let mut relations = Vec::new();
        for (label, ids) in [
            ("Depends on", &control.depends_on),
            ("Assured by", &control.assured_by),
        ] {
            if !ids.is_empty() {
                relations.push(Relation {
                    label,
                    refs: self.refs(ids, Self::control_ref),
                });
            }
        }
        for (label, map) in [("Needed by", &self.needed_by), ("Assures", &self.assures)] {
            if let Some(list) = map.get(control.id.as_str()) {
                relations.push(Relation {
                    label,
                    refs: self.control_index_refs(list),
                });
            }
        }
        let compliance = control
            .compliance
            .iter()
            .map(|(framework, ids)| {
                let name = self
                    .catalog
                    .framework(framework)
                    .map_or(framework.as_str(), |f| f.name.as_str());
                let anchor = self
                    .framework_link
                    .get(framework.as_str())
                    .or_else(|| self.other_frameworks.get(framework.as_str()));
                let requirements = ids
                    .iter()
                    .map(|id| {
                        match self
                            .requirement_link
                            .get(&(framework.as_str(), id.as_str()))
                        {
                            Some(anchor) => Self::link(Some(anchor), id),
                            None => self.any_ref(id),
                        }
                    })
                    .collect();
                ComplianceView {
                    framework: Self::link(anchor, framework),
                    name: (name != framework).then_some(name),
                    requirements,
                }
            })
            .collect();
        let snippets = [
            (
                "CloudFormation",
                "yaml",
                &control.implementation.cloudformation,
            ),
            ("Terraform", "hcl", &control.implementation.terraform),
            ("CDK", "typescript", &control.implementation.cdk),
        ]
        .into_iter()
        .filter_map(|(label, language, snippet)| {
            let code = snippet.as_deref().filter(|s| !s.trim().is_empty())?;
            Some(Snippet {
                label,
                language,
                code: code.trim_end(),
            })
        })
        .collect();
        ControlView {
            anchor,
            rank: self.rank.get(&i).copied().unwrap_or(0),
            id: &control.id,
            name: &control.name,
            band: band_tally(band, 0),
            score: format!("{score:.2}"),
            strides: strides.into_iter().collect::<Vec<_>>().join(" "),
            severities: severities.into_iter().collect::<Vec<_>>().join(" "),
            kind: control.kind.as_str(),
            effort: control.effort.label(),
            objective_id: control.objective_id.as_deref(),
            objective: control.objective.trim(),
            priority: priority.map(|p| PriorityView {
                band: band_tally(p.band, 0),
                score: format!("{:.2}", p.score),
                own_score: format!("{:.2}", p.own_score),
                inherited_from: p
                    .inherited_from
                    .as_deref()
                    .map(|from| self.control_ref(from)),
            }),
            stated_priority: control.stated_priority.as_deref(),
            feature_classes: self.refs(&control.feature_classes, Self::fc_ref),
            mitigates,
            relations,
            compliance,
            actions: &control.actions,
            checks: &control.checks,
            implementation: &control.implementation.description,
            snippets,
            testing: &control.testing.description,
            commands: control
                .testing
                .commands
                .iter()
                .map(|c| c.trim_end())
                .collect(),
            references: &control.references,
        }
    }

    // ------------------------------------------------------------- threats

    fn threat<'p>(&'p self, i: usize, t: &'p moat_catalog::Threat) -> ThreatView<'p> {
        let mitigated_by = self
            .mitigated_by
            .get(t.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|&(ci, impact)| {
                let control = self.catalog.controls.get(ci)?;
                let anchor = self.control_anchors.get(ci)?;
                let band = self
                    .priority
                    .get(control.id.as_str())
                    .map_or(Band::VeryLow, |p| p.band);
                Some(MitigatorView {
                    anchor,
                    id: &control.id,
                    name: &control.name,
                    impact: impact_label(impact),
                    band: band_tally(band, 0),
                })
            })
            .collect();
        ThreatView {
            anchor: self.threat_anchors.get(i).map_or("", String::as_str),
            id: &t.id,
            name: &t.name,
            stride: stride_tally(t.stride),
            severity: severity_tally(t.severity, 0),
            likelihood: t.likelihood,
            impact: t.impact,
            cvss: t.cvss.as_ref().map(|cvss| CvssView {
                score: format!("{:.1}", cvss.score),
                rating: &cvss.rating,
                vector: &cvss.vector,
            }),
            feature_class: t.feature_class.as_deref().map(|fc| self.fc_ref(fc)),
            feature_class_name: t
                .feature_class
                .as_deref()
                .and_then(|fc| self.catalog.feature_class(fc))
                .map(|f| f.name.as_str()),
            applies_to: t
                .applies_to
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            applies_when: t.applies_when.as_deref(),
            access: t.access.as_ref().map(ToString::to_string),
            mitre_attack: t
                .mitre_attack
                .iter()
                .map(|id| MitreView {
                    id,
                    url: mitre_url(id),
                })
                .collect(),
            trustoncloud: self.refs(&t.trustoncloud, Self::any_ref),
            mitigated_by,
            description: &t.description,
            example: if t.example.trim().is_empty() {
                ""
            } else {
                &t.example
            },
            mitigations: &t.mitigations,
            references: &t.references,
        }
    }

    // ------------------------------------------------------ feature classes

    fn feature_class<'p>(&'p self, i: usize, f: &'p FeatureClass) -> FeatureClassView<'p> {
        let mut relations = Vec::new();
        for (label, ids) in [("Parents", &f.parents), ("Uses", &f.uses)] {
            if !ids.is_empty() {
                relations.push(Relation {
                    label,
                    refs: self.refs(ids, Self::fc_ref),
                });
            }
        }
        let threats = self
            .catalog
            .threats
            .iter()
            .enumerate()
            .filter(|(_, t)| t.threat.feature_class.as_deref() == Some(f.id.as_str()))
            .filter_map(|(n, t)| {
                Some(Ref {
                    text: t.threat.id.clone(),
                    anchor: Some(self.threat_anchors.get(n)?.clone()),
                    title: Some(t.threat.name.clone()),
                    code: false,
                })
            })
            .collect();
        let controls: Vec<usize> = self
            .control_order
            .iter()
            .copied()
            .filter(|&ci| {
                self.catalog
                    .controls
                    .get(ci)
                    .is_some_and(|c| c.feature_classes.contains(&f.id))
            })
            .collect();
        FeatureClassView {
            anchor: self.fc_anchors.get(i).map_or("", String::as_str),
            id: &f.id,
            name: &f.name,
            service: &f.service,
            description: &f.description,
            relations,
            present_on: &f.present_on,
            trustoncloud: self.refs(&f.trustoncloud, Self::any_ref),
            actions: &f.actions,
            threats,
            controls: self.control_index_refs(&controls),
            operations: f
                .operations
                .iter()
                .map(|op| OperationView {
                    api: &op.api,
                    iam_permission: &op.iam_permission,
                    event_name: &op.event_name,
                    description: &op.description,
                })
                .collect(),
            references: &f.references,
        }
    }

    // ---------------------------------------------------------- frameworks

    fn framework<'p>(&'p self, i: usize, f: &'p Framework) -> FrameworkView<'p> {
        let cited = f
            .requirements
            .iter()
            .filter(|r| self.citations.contains_key(&(f.id.as_str(), r.id.as_str())))
            .count();
        let requirements = f
            .requirements
            .iter()
            .map(|r| RequirementView {
                anchor: self
                    .requirement_link
                    .get(&(f.id.as_str(), r.id.as_str()))
                    .cloned()
                    .unwrap_or_default(),
                id: &r.id,
                title: &r.title,
                retired: r.retired,
                severity: r.severity.as_deref().unwrap_or(""),
                controls: self
                    .citations
                    .get(&(f.id.as_str(), r.id.as_str()))
                    .map(|list| self.control_index_refs(list))
                    .unwrap_or_default(),
            })
            .collect();
        FrameworkView {
            anchor: self.framework_anchors.get(i).map_or("", String::as_str),
            id: &f.id,
            name: &f.name,
            version: &f.version,
            url: &f.url,
            cited,
            requirement_count: moat_source::diag::count(f.requirements.len(), "requirement"),
            requirements,
        }
    }

    /// A compliance key that controls cite but no framework in the catalog defines.
    fn other_framework<'p>(&'p self, key: &'p str, anchor: &'p str) -> OtherFrameworkView<'p> {
        let requirements = self
            .citations
            .iter()
            .filter(|((framework, _), _)| *framework == key)
            .map(|((_, id), list)| OtherRequirementView {
                id: self.any_ref(id),
                controls: self.control_index_refs(list),
            })
            .collect();
        OtherFrameworkView {
            anchor,
            key,
            requirements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mitre_ids_link_to_their_pages() {
        assert_eq!(
            mitre_url("T1078.004").as_deref(),
            Some("https://attack.mitre.org/techniques/T1078/004/")
        );
        assert_eq!(
            mitre_url("TA0040").as_deref(),
            Some("https://attack.mitre.org/tactics/TA0040/")
        );
        assert_eq!(mitre_url("T10"), None);
        assert_eq!(mitre_url("<x>"), None);
    }
}
