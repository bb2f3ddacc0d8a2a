//! The assessment as one self-contained HTML5 page: summary counts, the data
//! flow diagram as inline SVG ([`crate::svg`]), threats, scan findings,
//! controls with their evidence, the plan, the review and compliance, each
//! shown when the [`Assessment`] has it, in an order that suits the command.
//!
//! The page is the minijinja template `templates/report.html.j2` over the
//! view this module builds; the values shown are the Assessment's, joined and
//! counted for display only. The CSS and script (`report.css`, `report.js`)
//! are the page's only `<style>` and `<script>` blocks, byte for byte, so a
//! server can allow them by hash under a strict Content Security Policy: no
//! `style` attributes, no event handler attributes, no `javascript:` URLs.
//! Without JavaScript every section and row is shown. Every piece of user
//! text is HTML-escaped by the shared environment ([`crate::html_env`]).

use crate::catalog_html::view::{
    Tally, band_tally, impact_label, severity_label, severity_tally, stride_tally,
};
use crate::error::ReportError;
use moat_catalog::{Severity, Stride};
use moat_engine::assessment::{EvidenceSource, TargetType, ThreatStatus};
use moat_engine::{Assessment, plan::Status};
use moat_model::Location;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const TEMPLATE: &str = include_str!("templates/report.html.j2");
pub(crate) const CSS: &str = include_str!("templates/report.css");
pub(crate) const SCRIPT: &str = include_str!("templates/report.js");

/// Which command the page reports on: it decides the title and the order of
/// the sections (every section the assessment has is shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlView {
    Threats,
    Scan,
    Plan,
    Review,
    Compliance,
}

impl HtmlView {
    fn order(self) -> &'static [&'static str] {
        match self {
            HtmlView::Threats => &[
                "diagram",
                "threats",
                "findings",
                "controls",
                "actions",
                "checks",
                "decisions",
                "plan",
                "review",
                "compliance",
                "diagnostics",
            ],
            HtmlView::Scan => &[
                "findings",
                "actions",
                "checks",
                "controls",
                "diagram",
                "threats",
                "decisions",
                "plan",
                "review",
                "compliance",
                "diagnostics",
            ],
            HtmlView::Plan => &[
                "plan",
                "controls",
                "findings",
                "checks",
                "diagram",
                "threats",
                "decisions",
                "review",
                "compliance",
                "diagnostics",
            ],
            HtmlView::Review => &[
                "review",
                "controls",
                "findings",
                "checks",
                "diagram",
                "threats",
                "decisions",
                "plan",
                "compliance",
                "diagnostics",
            ],
            HtmlView::Compliance => &[
                "compliance",
                "controls",
                "findings",
                "checks",
                "diagram",
                "threats",
                "decisions",
                "plan",
                "review",
                "diagnostics",
            ],
        }
    }

    fn heading(self) -> &'static str {
        match self {
            HtmlView::Threats => "Threat model",
            HtmlView::Scan => "Scan",
            HtmlView::Plan => "Plan",
            HtmlView::Review => "Feature class review",
            HtmlView::Compliance => "Compliance",
        }
    }
}

pub(crate) fn render(a: &Assessment, view: HtmlView) -> Result<String, ReportError> {
    let page = page(a, view);
    let mut env = crate::html_env::environment();
    let rendered = env
        .add_template("report.html.j2", TEMPLATE)
        .and_then(|()| env.get_template("report.html.j2"))
        .and_then(|t| t.render(&page));
    rendered.map_err(|e| ReportError {
        message: format!("the HTML report could not be rendered: {e}"),
        line: e.line(),
    })
}

// ---------------------------------------------------------------- the view

#[derive(Serialize)]
struct Page<'a> {
    title: String,
    heading: &'static str,
    css: &'static str,
    script: &'static str,
    version: &'a str,
    sources: &'a [String],
    model_source: Option<&'a str>,
    description: &'a str,
    summary: Vec<Stat>,
    sections: Vec<SectionLink>,
    severity_options: Vec<Tally>,
    stride_options: Vec<Tally>,
    status_options: Vec<Opt>,
    diagram: Option<DiagramView>,
    threats: Vec<ThreatRow<'a>>,
    definitions: Vec<DefinitionRow<'a>>,
    findings: Vec<FindingRow<'a>>,
    actions: Vec<Tier>,
    checks: Vec<CheckView<'a>>,
    controls: Vec<ControlRow<'a>>,
    decisions: Vec<DecisionRow<'a>>,
    plan: Option<PlanView<'a>>,
    review: Option<ReviewView<'a>>,
    compliance: Option<ComplianceView<'a>>,
    diagnostics: Vec<DiagnosticRow<'a>>,
}

#[derive(Serialize)]
struct Stat {
    label: String,
    value: usize,
    key: String,
}

#[derive(Serialize)]
struct SectionLink {
    key: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Opt {
    key: String,
    label: String,
}

#[derive(Serialize)]
struct DiagramView {
    svg: Option<String>,
    error: Option<String>,
    elements: usize,
    flows: usize,
    boundaries: usize,
}

#[derive(Serialize)]
struct ThreatRow<'a> {
    anchor: String,
    id: &'a str,
    threat_id: &'a str,
    name: &'a str,
    stride: Tally,
    severity: Tally,
    status: Opt,
    open: bool,
    target: &'a str,
    target_name: &'a str,
    target_kind: &'a str,
    /// The id of the target's group in the diagram, when the diagram is on the page.
    target_anchor: Option<String>,
    feature_assumed: bool,
    /// Where the threat's description and mitigations are, once for all its targets.
    definition: String,
    evidence: Vec<EvidenceRow<'a>>,
    decision: Option<AppliedRow>,
}

/// A threat as the catalog describes it, shown once however many targets it
/// lands on (a large model has tens of thousands of results of a hundred threats).
#[derive(Serialize)]
struct DefinitionRow<'a> {
    anchor: String,
    threat_id: &'a str,
    name: &'a str,
    likelihood: u8,
    impact: u8,
    description: &'a str,
    example: &'a str,
    mitigations: &'a [String],
    controls: Vec<MitigatorRow<'a>>,
    control_count: usize,
    references: &'a [String],
    condition: Option<&'a str>,
    results: usize,
}

#[derive(Serialize)]
struct MitigatorRow<'a> {
    id: &'a str,
    name: &'a str,
    impact: &'static str,
    priority: &'a str,
    declared: bool,
}

#[derive(Serialize)]
struct EvidenceRow<'a> {
    control: &'a str,
    impact: &'static str,
    source: &'static str,
    check: Option<&'a str>,
    declared_on: Option<&'a str>,
    location: Option<String>,
}

#[derive(Serialize)]
struct AppliedRow {
    anchor: String,
    status: &'static str,
    expired: bool,
}

#[derive(Serialize)]
struct FindingRow<'a> {
    anchor: String,
    number: usize,
    id: &'a str,
    check: &'a str,
    check_anchor: String,
    title: &'a str,
    severity: Tally,
    severity_reason: &'a str,
    outcome: &'static str,
    category: &'static str,
    location: String,
    resource: &'a str,
    resource_type: &'a str,
    cdk_path: Option<&'a str>,
    located_in: Option<&'a str>,
    property: &'a str,
    message: &'a str,
    source_line: &'a str,
    suppressed: Option<&'a str>,
    threats_open: &'a [String],
    recommendation: &'a str,
    /// The element the resource became in the model, when it is drawn.
    target_anchor: Option<String>,
}

#[derive(Serialize)]
struct Tier {
    key: &'static str,
    label: &'static str,
    intro: &'static str,
    findings: Vec<TierItem>,
}

#[derive(Serialize)]
struct TierItem {
    anchor: String,
    number: usize,
    text: String,
}

#[derive(Serialize)]
struct CheckView<'a> {
    anchor: String,
    id: &'a str,
    title: &'a str,
    severity: Tally,
    category: &'static str,
    impact: &'a str,
    recommendation: &'a str,
    fix: &'a str,
    cdk_typescript: Option<&'a str>,
    cdk_python: Option<&'a str>,
    terraform: Option<&'a str>,
    threats: Vec<(String, String, Tally)>,
    controls: &'a [String],
    security_hub: &'a [String],
    compliance: Vec<(String, String)>,
}

#[derive(Serialize)]
struct ControlRow<'a> {
    id: &'a str,
    name: &'a str,
    status: &'static str,
    evidence: Vec<ControlEvidenceRow<'a>>,
}

#[derive(Serialize)]
struct ControlEvidenceRow<'a> {
    check: &'a str,
    resource: &'a str,
    status: &'static str,
    location: String,
    target_anchor: Option<String>,
}

#[derive(Serialize)]
struct DecisionRow<'a> {
    anchor: String,
    threats: &'a [String],
    targets: &'a [String],
    status: &'static str,
    justification: &'a str,
    ticket: Option<&'a str>,
    date: Option<&'a str>,
    checked_by: Option<&'a str>,
    expires: Option<&'a str>,
    location: Option<String>,
}

#[derive(Serialize)]
struct PlanView<'a> {
    sources: &'a [String],
    bands: Vec<Tally>,
    rows: Vec<PlanRowView<'a>>,
}

#[derive(Serialize)]
struct PlanRowView<'a> {
    rank: usize,
    id: &'a str,
    name: &'a str,
    objective: &'a str,
    band: Tally,
    score: String,
    kind: &'static str,
    effort: &'static str,
    threat_count: usize,
    severity: Option<Tally>,
    status: Opt,
    evidence: &'a [String],
    feature_classes: &'a [String],
    stated: Option<&'a str>,
}

#[derive(Serialize)]
struct ReviewView<'a> {
    min_severity: Tally,
    classes: Vec<ClassView<'a>>,
}

#[derive(Serialize)]
struct ClassView<'a> {
    id: &'a str,
    name: &'a str,
    service: &'a str,
    description: &'a str,
    below: usize,
    threats: Vec<ReviewThreat<'a>>,
    diagram: Option<String>,
    diagram_error: Option<String>,
}

#[derive(Serialize)]
struct ReviewThreat<'a> {
    id: &'a str,
    name: &'a str,
    stride: Tally,
    severity: Tally,
    controls: Vec<ReviewControl<'a>>,
}

#[derive(Serialize)]
struct ReviewControl<'a> {
    id: &'a str,
    name: &'a str,
    impact: &'static str,
    band: Tally,
    status: Option<Opt>,
    evidence: &'a [String],
}

#[derive(Serialize)]
struct ComplianceView<'a> {
    framework: &'a str,
    name: &'a str,
    version: &'a str,
    url: &'a str,
    subset: Option<String>,
    active: usize,
    satisfied: usize,
    supported_only: usize,
    requirements: Vec<RequirementRow<'a>>,
    gaps: &'a [String],
    actions: Vec<ActionRow<'a>>,
}

#[derive(Serialize)]
struct RequirementRow<'a> {
    id: &'a str,
    title: &'a str,
    severity: Option<&'a str>,
    retired: bool,
    controls: &'a [String],
    supporting: &'a [String],
    status: Opt,
    evidence: &'a [String],
}

#[derive(Serialize)]
struct ActionRow<'a> {
    control: &'a str,
    name: &'a str,
    band: Tally,
    score: String,
    requirements: &'a [String],
    supports: &'a [String],
}

#[derive(Serialize)]
struct DiagnosticRow<'a> {
    level: String,
    code: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    location: Option<String>,
}

// ------------------------------------------------------------ building it

fn opt(key: &str, label: &str) -> Opt {
    Opt {
        key: key.to_string(),
        label: label.to_string(),
    }
}

fn status_opt(status: ThreatStatus) -> Opt {
    opt(status.as_str(), status.label())
}

fn plan_status_opt(status: Status) -> Opt {
    opt(&status.label().replace(' ', "_"), status.label())
}

fn place(location: &Location) -> String {
    format!("{}:{}:{}", location.file, location.line, location.col)
}

fn stat(label: &str, value: usize, key: &str) -> Stat {
    Stat {
        label: label.to_string(),
        value,
        key: key.to_string(),
    }
}

fn page(a: &Assessment, view: HtmlView) -> Page<'_> {
    let model = &a.model;
    let has_model = !model.is_empty();
    let diagram = has_model.then(|| match crate::svg(model) {
        Ok(svg) => DiagramView {
            svg: Some(svg),
            error: None,
            elements: model.elements.len(),
            flows: model.flows.len(),
            boundaries: model.boundaries.len(),
        },
        Err(e) => DiagramView {
            svg: None,
            error: Some(e.message),
            elements: model.elements.len(),
            flows: model.flows.len(),
            boundaries: model.boundaries.len(),
        },
    });
    let drawn = diagram.as_ref().is_some_and(|d| d.svg.is_some());
    let element_ids: BTreeSet<&str> = model.elements.iter().map(|e| e.id.as_str()).collect();
    let anchor_of = |target_type: TargetType, id: &str| -> Option<String> {
        if !drawn {
            return None;
        }
        Some(match target_type {
            TargetType::Element => format!("el-{id}"),
            TargetType::Dataflow => format!("flow-{id}"),
            TargetType::Boundary => format!("boundary-{id}"),
        })
    };
    let element_anchor = |resource: &str| -> Option<String> {
        (drawn && element_ids.contains(resource)).then(|| format!("el-{resource}"))
    };

    // --------------------------------------------------------- threats
    let index = a.index();
    let threats: Vec<ThreatRow<'_>> = a
        .threats
        .iter()
        .enumerate()
        .map(|(n, t)| {
            let definition = index.definition(&t.threat_id);
            let target = index.target(&t.target_id);
            ThreatRow {
                anchor: format!("threat-{}", n + 1),
                id: &t.id,
                threat_id: &t.threat_id,
                name: definition.map_or(t.threat_id.as_str(), |d| d.name.as_str()),
                stride: stride_tally(t.stride),
                severity: severity_tally(t.severity, 0),
                status: status_opt(t.status),
                open: t.is_open(),
                target: &t.target_id,
                target_name: target.map_or(t.target_id.as_str(), |x| x.name.as_str()),
                target_kind: target.map_or("", |x| x.kind.as_str()),
                target_anchor: target.and_then(|x| anchor_of(x.target_type, &x.id)),
                feature_assumed: t.feature_assumed,
                definition: definition_anchor(&t.threat_id),
                evidence: t
                    .evidence
                    .iter()
                    .map(|e| EvidenceRow {
                        control: &e.control,
                        impact: impact_label(e.impact),
                        source: match e.source {
                            EvidenceSource::Declared => "declared",
                            EvidenceSource::Check => "check",
                        },
                        check: e.check.as_deref(),
                        declared_on: e.declared_on.as_deref(),
                        location: e.location.as_ref().map(place),
                    })
                    .collect(),
                decision: t.decision.as_ref().map(|d| AppliedRow {
                    anchor: format!("decision-{}", d.index + 1),
                    status: d.status.as_str(),
                    expired: d.expired,
                }),
            }
        })
        .collect();
    let mut results: HashMap<&str, usize> = HashMap::new();
    for t in &a.threats {
        *results.entry(t.threat_id.as_str()).or_default() += 1;
    }
    let definitions: Vec<DefinitionRow<'_>> = a
        .definitions
        .iter()
        .filter(|d| results.contains_key(d.id.as_str()))
        .map(|d| DefinitionRow {
            anchor: definition_anchor(&d.id),
            threat_id: &d.id,
            name: &d.name,
            likelihood: d.likelihood,
            impact: d.impact,
            description: &d.description,
            example: &d.example,
            mitigations: &d.mitigations,
            controls: d
                .controls
                .iter()
                .map(|c| MitigatorRow {
                    id: &c.id,
                    name: &c.name,
                    impact: impact_label(c.impact),
                    priority: &c.priority,
                    declared: c.declared,
                })
                .collect(),
            control_count: d.control_count,
            references: &d.references,
            condition: d.condition.as_deref(),
            results: results.get(d.id.as_str()).copied().unwrap_or(0),
        })
        .collect();

    // --------------------------------------------------------- scan
    let scan = a.scan.as_ref();
    let check_anchor = |id: &str| format!("check-{id}");
    let findings: Vec<FindingRow<'_>> = scan
        .map(|s| {
            s.findings
                .iter()
                .map(|f| FindingRow {
                    anchor: format!("finding-{}", f.number),
                    number: f.number,
                    id: &f.id,
                    check: &f.check,
                    check_anchor: check_anchor(&f.check),
                    title: &f.title,
                    severity: severity_tally(f.severity, 0),
                    severity_reason: &f.severity_reason,
                    outcome: f.outcome.as_str(),
                    category: f.category.title(),
                    location: place(&f.location),
                    resource: &f.resource,
                    resource_type: &f.resource_type,
                    cdk_path: f.cdk_path.as_deref(),
                    located_in: f.located_in.as_deref(),
                    property: &f.property,
                    message: &f.message,
                    source_line: f.source_line.trim_end(),
                    suppressed: f.suppressed.as_deref(),
                    threats_open: &f.threats_open,
                    recommendation: s.check(&f.check).map_or("", |c| c.recommendation.as_str()),
                    target_anchor: element_anchor(&f.resource),
                })
                .collect()
        })
        .unwrap_or_default();
    let actions: Vec<Tier> = scan
        .filter(|s| !s.findings.is_empty())
        .map(|s| {
            let by_number: BTreeMap<usize, &moat_engine::scan::Finding> =
                s.findings.iter().map(|f| (f.number, f)).collect();
            let tier = |key, label, intro, numbers: &[usize]| Tier {
                key,
                label,
                intro,
                findings: numbers
                    .iter()
                    .map(|&n| TierItem {
                        anchor: format!("finding-{n}"),
                        number: n,
                        text: by_number
                            .get(&n)
                            .map_or(String::new(), |f| format!("{} on {}", f.title, f.resource)),
                    })
                    .collect(),
            };
            vec![
                tier(
                    "immediate",
                    "Immediate",
                    "critical and high",
                    &s.plan.immediate,
                ),
                tier("next", "Next", "medium", &s.plan.next),
                tier(
                    "later",
                    "Later",
                    "low, info, and what Moat could not decide",
                    &s.plan.later,
                ),
            ]
        })
        .unwrap_or_default();
    let checks: Vec<CheckView<'_>> = scan
        .map(|s| {
            s.checks
                .iter()
                .map(|c| CheckView {
                    anchor: check_anchor(&c.id),
                    id: &c.id,
                    title: &c.title,
                    severity: severity_tally(c.severity, 0),
                    category: c.category.title(),
                    impact: &c.impact,
                    recommendation: &c.recommendation,
                    fix: c.fix.trim_end(),
                    cdk_typescript: c.cdk.as_ref().map(|x| x.typescript.trim_end()),
                    cdk_python: c.cdk.as_ref().map(|x| x.python.trim_end()),
                    terraform: c.terraform.as_deref().map(str::trim_end),
                    threats: c
                        .threats
                        .iter()
                        .map(|t| (t.id.clone(), t.name.clone(), severity_tally(t.severity, 0)))
                        .collect(),
                    controls: &c.controls,
                    security_hub: &c.security_hub,
                    compliance: c
                        .compliance
                        .iter()
                        .map(|(k, v)| (k.clone(), v.join(", ")))
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let controls: Vec<ControlRow<'_>> = scan
        .map(|s| {
            s.controls
                .iter()
                .map(|c| ControlRow {
                    id: &c.control,
                    name: &c.name,
                    status: c.status.label(),
                    evidence: c
                        .evidence
                        .iter()
                        .map(|e| ControlEvidenceRow {
                            check: &e.check,
                            resource: &e.resource,
                            status: e.status.label(),
                            location: place(&e.location.to_location()),
                            target_anchor: element_anchor(&e.resource),
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();

    // --------------------------------------------------------- decisions
    let decisions: Vec<DecisionRow<'_>> = model
        .decisions
        .iter()
        .enumerate()
        .map(|(i, d)| DecisionRow {
            anchor: format!("decision-{}", i + 1),
            threats: &d.threats,
            targets: &d.targets,
            status: d.status.as_str(),
            justification: &d.justification,
            ticket: d.ticket.as_deref(),
            date: d.date.as_deref(),
            checked_by: d.checked_by.as_deref(),
            expires: d.expires.as_deref(),
            location: d.location.as_ref().map(place),
        })
        .collect();

    // --------------------------------------------------------- catalog views
    let plan = a.plan.as_ref().map(|p| PlanView {
        sources: &p.sources,
        bands: p.bands.iter().map(|&(b, n)| band_tally(b, n)).collect(),
        rows: p
            .rows
            .iter()
            .map(|r| PlanRowView {
                rank: r.rank,
                id: &r.control.id,
                name: &r.control.name,
                objective: r.control.objective.trim(),
                band: band_tally(r.priority.band, 0),
                score: format!("{:.2}", r.priority.score),
                kind: r.control.kind.as_str(),
                effort: r.control.effort.label(),
                threat_count: r.threat_count,
                severity: r.max_severity.map(|s| severity_tally(s, 0)),
                status: plan_status_opt(r.status),
                evidence: &r.evidence,
                feature_classes: &r.control.feature_classes,
                stated: r.stated.as_ref().map(|s| s.stated.as_str()),
            })
            .collect(),
    });
    let review = a.review.as_ref().map(|r| ReviewView {
        min_severity: severity_tally(r.min_severity, 0),
        classes: r
            .classes
            .iter()
            .map(|c| {
                let (diagram, diagram_error) = if c.diagram.elements.is_empty() {
                    (None, None)
                } else {
                    match crate::svg(&c.diagram) {
                        Ok(svg) => (Some(prefix_ids(&svg, &format!("class-{}-", c.id))), None),
                        Err(e) => (None, Some(e.message)),
                    }
                };
                ClassView {
                    id: &c.id,
                    name: &c.name,
                    service: &c.service,
                    description: &c.description,
                    below: c.below,
                    threats: c
                        .threats
                        .iter()
                        .map(|t| ReviewThreat {
                            id: &t.id,
                            name: &t.name,
                            stride: stride_tally(t.stride),
                            severity: severity_tally(t.severity, 0),
                            controls: t
                                .controls
                                .iter()
                                .map(|x| ReviewControl {
                                    id: &x.id,
                                    name: &x.name,
                                    impact: impact_label(x.impact),
                                    band: band_tally(x.band, 0),
                                    status: x.status.map(plan_status_opt),
                                    evidence: &x.evidence,
                                })
                                .collect(),
                        })
                        .collect(),
                    diagram,
                    diagram_error,
                }
            })
            .collect(),
    });
    let compliance = a.compliance.as_ref().map(|c| ComplianceView {
        framework: &c.framework,
        name: &c.name,
        version: &c.version,
        url: &c.url,
        subset: c.subset.as_ref().map(|s| s.summary()),
        active: c.active_count(),
        satisfied: c.satisfied_count(),
        supported_only: c.supported_only_count(),
        requirements: c
            .requirements
            .iter()
            .map(|r| RequirementRow {
                id: &r.id,
                title: &r.title,
                severity: r.severity.as_deref(),
                retired: r.retired,
                controls: &r.controls,
                supporting: &r.supporting,
                status: plan_status_opt(r.status),
                evidence: &r.evidence,
            })
            .collect(),
        gaps: &c.gaps,
        actions: c
            .actions
            .iter()
            .map(|x| ActionRow {
                control: &x.control,
                name: &x.name,
                band: band_tally(x.band, 0),
                score: format!("{:.2}", x.score),
                requirements: &x.requirements,
                supports: &x.supports,
            })
            .collect(),
    });
    let diagnostics: Vec<DiagnosticRow<'_>> = a
        .diagnostics
        .iter()
        .map(|d| DiagnosticRow {
            level: d.level.to_string(),
            code: &d.code,
            message: &d.message,
            help: d.help.as_deref(),
            location: d.location.as_ref().map(place),
        })
        .collect();

    // --------------------------------------------------------- summary
    let mut summary = Vec::new();
    if has_model {
        summary.push(stat("Elements", model.elements.len(), "elements"));
        summary.push(stat("Flows", model.flows.len(), "flows"));
        summary.push(stat("Boundaries", model.boundaries.len(), "boundaries"));
    }
    if has_model || !a.threats.is_empty() {
        summary.push(stat("Threats", a.threats.len(), "threats"));
        for status in ThreatStatus::ALL {
            let n = a.threats.iter().filter(|t| t.status == status).count();
            if n > 0 {
                summary.push(stat(
                    &capitalized(status.label()),
                    n,
                    &format!("st-{}", status.as_str()),
                ));
            }
        }
        for severity in Severity::ALL.into_iter().rev() {
            let n = a
                .threats
                .iter()
                .filter(|t| t.is_open() && t.severity == severity)
                .count();
            if n > 0 {
                summary.push(stat(
                    &format!("Open {}", severity.as_str()),
                    n,
                    &format!("sev-{}", severity.as_str()),
                ));
            }
        }
    }
    if let Some(s) = scan {
        let m = &s.summary;
        summary.push(stat("Templates", m.files_scanned, "files"));
        summary.push(stat("Resources", m.resources, "resources"));
        summary.push(stat("Checks run", m.checks_run, "checks"));
        summary.push(stat("Passed", m.passed, "st-pass"));
        summary.push(stat("Findings", m.findings, "findings"));
        if m.suppressed > 0 {
            summary.push(stat("Suppressed", m.suppressed, "suppressed"));
        }
        for severity in Severity::ALL.into_iter().rev() {
            if let Some(&n) = m.by_severity.get(severity.as_str()).filter(|&&n| n > 0) {
                summary.push(stat(
                    &format!("{} findings", capitalized(severity.as_str())),
                    n,
                    &format!("sev-{}", severity.as_str()),
                ));
            }
        }
        if m.files_with_errors > 0 {
            summary.push(stat("Files with errors", m.files_with_errors, "errors"));
        }
    }
    if let Some(p) = &plan {
        summary.push(stat("Controls", p.rows.len(), "controls"));
        for b in &p.bands {
            summary.push(stat(b.label, b.count, &format!("band-{}", b.key)));
        }
    }
    if let Some(c) = &compliance {
        summary.push(stat("Requirements", c.active, "requirements"));
        summary.push(stat(
            "Satisfied by a control",
            c.satisfied,
            "st-implemented",
        ));
        summary.push(stat("Gaps", c.gaps.len(), "st-missing"));
    }
    if let Some(r) = &review {
        summary.push(stat("Feature classes", r.classes.len(), "classes"));
        summary.push(stat(
            "Threats",
            r.classes.iter().map(|c| c.threats.len()).sum(),
            "threats",
        ));
    }

    // --------------------------------------------------------- filters
    let mut severities: BTreeSet<Severity> = a.threats.iter().map(|t| t.severity).collect();
    severities.extend(
        findings
            .iter()
            .filter_map(|f| Severity::parse(f.severity.key)),
    );
    if let Some(p) = &a.plan {
        severities.extend(p.rows.iter().filter_map(|r| r.max_severity));
    }
    if let Some(r) = &a.review {
        severities.extend(
            r.classes
                .iter()
                .flat_map(|c| c.threats.iter().map(|t| t.severity)),
        );
    }
    let mut strides: BTreeSet<Stride> = a.threats.iter().map(|t| t.stride).collect();
    if let Some(r) = &a.review {
        strides.extend(
            r.classes
                .iter()
                .flat_map(|c| c.threats.iter().map(|t| t.stride)),
        );
    }
    let mut statuses: Vec<Opt> = Vec::new();
    let mut push_status = |o: Opt| {
        if !statuses.iter().any(|s| s.key == o.key) {
            statuses.push(o);
        }
    };
    for t in &threats {
        push_status(t.status.clone());
    }
    for f in &findings {
        push_status(opt(f.outcome, f.outcome));
    }
    for c in &controls {
        push_status(opt(c.status, c.status));
    }
    if let Some(p) = &plan {
        p.rows.iter().for_each(|r| push_status(r.status.clone()));
    }
    if let Some(c) = &compliance {
        c.requirements
            .iter()
            .for_each(|r| push_status(r.status.clone()));
    }
    statuses.sort();

    // --------------------------------------------------------- sections
    let counts: BTreeMap<&str, (bool, usize)> = [
        (
            "diagram",
            (diagram.is_some(), usize::from(diagram.is_some())),
        ),
        ("threats", (has_model || !threats.is_empty(), threats.len())),
        ("findings", (scan.is_some(), findings.len())),
        ("actions", (!actions.is_empty(), findings.len())),
        ("checks", (!checks.is_empty(), checks.len())),
        ("controls", (!controls.is_empty(), controls.len())),
        ("decisions", (!decisions.is_empty(), decisions.len())),
        (
            "plan",
            (plan.is_some(), plan.as_ref().map_or(0, |p| p.rows.len())),
        ),
        (
            "review",
            (
                review.is_some(),
                review.as_ref().map_or(0, |r| r.classes.len()),
            ),
        ),
        (
            "compliance",
            (
                compliance.is_some(),
                compliance.as_ref().map_or(0, |c| c.requirements.len()),
            ),
        ),
        ("diagnostics", (!diagnostics.is_empty(), diagnostics.len())),
    ]
    .into_iter()
    .collect();
    let sections = view
        .order()
        .iter()
        .filter_map(|&key| {
            let &(shown, count) = counts.get(key)?;
            shown.then(|| SectionLink {
                key,
                label: section_label(key),
                count,
            })
        })
        .collect();

    let title = if !model.name.trim().is_empty() {
        format!("{}: {}", view.heading(), model.name.trim())
    } else if let Some(c) = &a.compliance {
        format!("{}: {}", view.heading(), c.name)
    } else {
        view.heading().to_string()
    };
    Page {
        title,
        heading: view.heading(),
        css: CSS,
        script: SCRIPT,
        version: &a.tool.version,
        sources: &a.catalog.sources,
        model_source: model.source.as_deref(),
        description: model.description.trim(),
        summary,
        sections,
        severity_options: severities
            .into_iter()
            .rev()
            .map(|s| Tally {
                key: s.as_str(),
                label: severity_label(s),
                count: 0,
            })
            .collect(),
        stride_options: strides.into_iter().map(stride_tally).collect(),
        status_options: statuses,
        diagram,
        threats,
        definitions,
        findings,
        actions,
        checks,
        controls,
        decisions,
        plan,
        review,
        compliance,
        diagnostics,
    }
}

/// `svg` with every `id` (and the arrow marker's references) prefixed, so
/// several diagrams share a page without sharing ids. User text in the SVG
/// is escaped: a `"` in it is `&quot;`, so ` id="` occurs only as an attribute.
fn prefix_ids(svg: &str, prefix: &str) -> String {
    let prefix = crate::prose::esc(prefix);
    svg.replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace("url(#arrow)", &format!("url(#{prefix}arrow)"))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn section_label(key: &str) -> &'static str {
    match key {
        "diagram" => "Diagram",
        "threats" => "Threats",
        "findings" => "Findings",
        "actions" => "Action plan",
        "checks" => "Checks",
        "controls" => "Controls",
        "decisions" => "Decisions",
        "plan" => "Plan",
        "review" => "Review",
        "compliance" => "Compliance",
        _ => "Diagnostics",
    }
}

/// The anchor of a threat's definition on the page.
fn definition_anchor(threat_id: &str) -> String {
    format!("def-{threat_id}")
}
