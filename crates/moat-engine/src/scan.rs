//! The assessment of a scan: checks run over the Inventory, each failed,
//! partial or undecided verdict a numbered finding with its severity,
//! category, place, impact, fix, the threats its controls leave open and the
//! compliance ids they carry; every catalog control the checks verify gets a
//! status with the places that prove it; findings are planned in three tiers.

use crate::finding_severity::{self, Classification, InPlace, SeverityFacts};
use moat_catalog::Catalog;
use moat_checks::{Category, Check, Outcome, Severity, Verdict};
use moat_iac::scan::{FileStatus, Scan};
use moat_source::{Diagnostic, Location};
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Text many rows share (a resource's name, a message): cloned by reference count.
pub type Shared = Arc<str>;

/// What a scan of templates found: the `scan` part of an [`crate::Assessment`].
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ScanResults {
    /// Every file looked at, with what became of it.
    pub files: Vec<FileStatus>,
    /// Failed, partial and undecided verdicts in the review's order (by
    /// category, most severe first within each), numbered from 1.
    pub findings: Vec<Finding>,
    /// What the findings' checks say once for all their findings (impact,
    /// recommendation, fix, threats, controls, compliance), sorted by id.
    pub checks: Vec<CheckSummary>,
    /// Every verdict, passes included (for comparisons and audits).
    pub results: Vec<ResultRow>,
    /// The catalog controls the checks verify, with their status per resource.
    pub controls: Vec<ControlStatus>,
    pub plan: ActionPlan,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub number: usize,
    /// `CHECK@file#Resource`: stable across runs, for baselines.
    pub id: String,
    pub check: Shared,
    pub title: Shared,
    pub severity: Severity,
    /// How the severity follows from the threats left open and the data
    /// classification (docs/scan.md, "Severity").
    pub severity_reason: Shared,
    /// The catalog threats this finding leaves open on its resource (those
    /// of the check's threats no other control in place mitigates).
    pub threats_open: Arc<[String]>,
    pub category: Category,
    pub outcome: Outcome,
    pub location: Location,
    pub resource: Shared,
    pub resource_type: Shared,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdk_path: Option<String>,
    /// The language of the CDK app the resource comes from (`python`,
    /// or `typescript` for TypeScript, JavaScript and the rest): reports show
    /// the check's CDK fix in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cdk_language: Option<moat_iac::cdk::CdkLanguage>,
    /// The resource whose text the location is in, when not the resource itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub located_in: Option<String>,
    pub property: Shared,
    pub message: Shared,
    /// The source line at the location, for reports.
    pub source_line: String,
    /// Why the finding is suppressed (`Metadata: moat: skip` or the baseline); reports still list it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

/// A check as the findings refer to it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CheckSummary {
    pub id: String,
    pub title: String,
    /// The check's severity before data classification.
    pub severity: Severity,
    pub category: Category,
    pub impact: String,
    pub recommendation: String,
    /// A CloudFormation YAML snippet (reports show it as JSON for JSON templates).
    pub fix: String,
    /// The same fix as AWS CDK code, when CDK code can make it; reports show
    /// it for findings in a CDK app, in the app's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cdk: Option<CdkFixText>,
    /// The catalog threats the check's controls mitigate, most severe first.
    pub threats: Vec<ThreatRef>,
    pub controls: Vec<String>,
    pub security_hub: Vec<String>,
    /// Framework -> requirement ids, from the controls.
    pub compliance: BTreeMap<String, Vec<String>>,
}

/// A check's fix as AWS CDK v2 code.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CdkFixText {
    pub typescript: String,
    pub python: String,
}

impl CdkFixText {
    /// The snippet in `language`.
    pub fn code(&self, language: moat_iac::cdk::CdkLanguage) -> &str {
        match language {
            moat_iac::cdk::CdkLanguage::Python => &self.python,
            moat_iac::cdk::CdkLanguage::TypeScript => &self.typescript,
        }
    }
}

impl ScanResults {
    /// The summary of check `id`, when it has findings.
    pub fn check(&self, id: &str) -> Option<&CheckSummary> {
        self.checks
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.checks.get(i))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ThreatRef {
    pub id: String,
    pub name: String,
    pub severity: moat_catalog::Severity,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ResultRow {
    pub check: Shared,
    pub verdict: Outcome,
    pub resource: Shared,
    pub resource_type: Shared,
    pub file: Shared,
    pub line: u32,
    pub col: u32,
    pub property: Shared,
    pub message: Shared,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ControlState {
    Implemented,
    Partial,
    Missing,
    Unknown,
}

impl ControlState {
    pub fn label(self) -> &'static str {
        match self {
            ControlState::Implemented => "implemented",
            ControlState::Partial => "partial",
            ControlState::Missing => "missing",
            ControlState::Unknown => "unknown",
        }
    }

    pub fn to_plan_status(self) -> crate::plan::Status {
        match self {
            ControlState::Implemented => crate::plan::Status::Implemented,
            ControlState::Partial => crate::plan::Status::Partial,
            ControlState::Missing => crate::plan::Status::Missing,
            ControlState::Unknown => crate::plan::Status::Unknown,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ControlStatus {
    pub control: String,
    pub name: String,
    /// Over every resource the control's checks looked at: missing if any
    /// misses it, else partial, else unknown, else implemented.
    pub status: ControlState,
    pub evidence: Vec<ControlEvidence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ControlEvidence {
    pub check: Shared,
    pub resource: Shared,
    pub status: ControlState,
    pub location: Place,
}

/// Where a piece of evidence is: file, 1-based line and column.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Place {
    pub file: Shared,
    pub line: u32,
    pub col: u32,
}

impl Place {
    /// As a [`Location`] (a point).
    pub fn to_location(&self) -> Location {
        Location {
            file: self.file.to_string(),
            line: self.line,
            col: self.col,
            end_line: self.line,
            end_col: self.col,
        }
    }
}

/// Findings by number, in three tiers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ActionPlan {
    /// Critical and high.
    pub immediate: Vec<usize>,
    /// Medium.
    pub next: Vec<usize>,
    /// Low, info, and what Moat could not decide.
    pub later: Vec<usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Templates read (CloudFormation and SAM; a CDK manifest is not counted).
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub files_with_errors: usize,
    pub resources: usize,
    pub checks_run: usize,
    pub passed: usize,
    pub findings: usize,
    pub suppressed: usize,
    /// Severity -> count of unsuppressed findings.
    pub by_severity: BTreeMap<String, usize>,
}

/// Options that change which findings count.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Finding ids (`Finding::id`) a baseline accepts.
    pub baseline: BTreeSet<String>,
}

/// Tag keys that classify data (case-insensitive).
pub const CLASSIFICATION_KEYS: &[&str] = &[
    "dataclassification",
    "data-classification",
    "data_classification",
    "classification",
];

/// What the assessment needs from the catalog, taken once so the catalog
/// itself can go before the findings are assembled.
struct CatalogFacts {
    summaries: BTreeMap<&'static str, CheckSummary>,
    control_names: BTreeMap<String, String>,
    severity: SeverityFacts,
    catalog: crate::CatalogSummary,
}

impl CatalogFacts {
    fn of(catalog: &Catalog, checks: &[&Check]) -> Self {
        let summaries = checks
            .iter()
            .map(|check| {
                (
                    check.id,
                    CheckSummary {
                        id: check.id.to_string(),
                        title: check.title.to_string(),
                        severity: check.severity,
                        category: check.category,
                        impact: impact(check),
                        recommendation: check.recommendation.to_string(),
                        fix: check.fix.to_string(),
                        cdk: check.cdk.map(|c| CdkFixText {
                            typescript: c.typescript.to_string(),
                            python: c.python.to_string(),
                        }),
                        threats: threats_of(check, catalog),
                        controls: check.controls.iter().map(|c| c.to_string()).collect(),
                        security_hub: check.security_hub.iter().map(|c| c.to_string()).collect(),
                        compliance: compliance_of(check, catalog),
                    },
                )
            })
            .collect();
        let wanted: BTreeSet<&str> = checks
            .iter()
            .flat_map(|c| c.controls.iter().copied())
            .collect();
        let control_names = catalog
            .controls
            .iter()
            .filter(|c| wanted.contains(c.id.as_str()))
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect();
        CatalogFacts {
            summaries,
            control_names,
            severity: SeverityFacts::of(catalog, checks),
            catalog: crate::CatalogSummary {
                sources: catalog.sources.clone(),
                threat_count: catalog.threats.len(),
            },
        }
    }
}

/// A verdict with what reports need from its file, taken while its unit is in memory.
pub struct UnitRow {
    pub verdict: Verdict,
    /// The subject bucket's data-classification tag, when it moves severity.
    pub classification: Option<Classification>,
    pub location: Location,
    pub source_line: String,
}

/// What checking one unit gives.
pub struct UnitResult {
    pub rows: Vec<UnitRow>,
    pub resources: usize,
}

/// Runs `checks` on one unit (read with the `--param` values `params`) and
/// locates every verdict; a verdict the unit's undecided conditions leave
/// open is decided, where it can be, by reading the unit both ways
/// ([`crate::variants`]).
pub fn check_unit(
    unit: &moat_iac::Inventory,
    params: &BTreeMap<String, String>,
    checks: &[&Check],
) -> UnitResult {
    let rows = crate::variants::run(checks, unit, params)
        .into_iter()
        .map(|v| {
            let classification = if v.outcome.is_finding() {
                classification_of(&v, unit)
            } else {
                None
            };
            let file = unit.files.get(v.file);
            let location = file
                .map(|f| f.location(v.span))
                .unwrap_or_else(|| Location {
                    file: String::new(),
                    line: 1,
                    col: 1,
                    end_line: 1,
                    end_col: 1,
                });
            let source_line = if v.outcome.is_finding() {
                file.map(|f| f.line_of(v.span).trim_end().to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            UnitRow {
                verdict: v,
                classification,
                location,
                source_line,
            }
        })
        .collect();
    UnitResult {
        rows,
        resources: inventory_size(unit),
    }
}

/// Builds the assessment of `scan` with `checks`.
pub fn assess_scan(
    scan: &Scan,
    checks: &[&Check],
    catalog: &Catalog,
    options: &ScanOptions,
) -> crate::Assessment {
    let units: Vec<UnitResult> = scan
        .units
        .par_iter()
        .map(|u| check_unit(u, &scan.params, checks))
        .collect();
    let facts = CatalogFacts::of(catalog, checks);
    assemble(
        units,
        scan.files.clone(),
        scan.diagnostics.clone(),
        checks,
        facts,
        options,
    )
}

/// Scans `paths` and assesses them, checking each unit as soon as it is read
/// and dropping it, so memory stays bounded on large trees.
pub fn assess_paths(
    paths: &[std::path::PathBuf],
    iac: &moat_iac::scan::Options,
    checks: &[&Check],
    catalog: impl FnOnce() -> Catalog,
    options: &ScanOptions,
) -> crate::Assessment {
    let (units, files, diagnostics) =
        moat_iac::scan::scan_each(paths, iac, |unit| check_unit(&unit, &iac.params, checks));
    // loaded once the templates are gone: the two are never in memory together
    let facts = CatalogFacts::of(&catalog(), checks);
    assemble(units, files, diagnostics, checks, facts, options)
}

fn assemble(
    units: Vec<UnitResult>,
    files: Vec<FileStatus>,
    diagnostics: Vec<Diagnostic>,
    checks: &[&Check],
    mut facts: CatalogFacts,
    options: &ScanOptions,
) -> crate::Assessment {
    let by_id: BTreeMap<&str, &Check> = checks.iter().map(|c| (c.id, *c)).collect();
    let ids: BTreeMap<&str, (Shared, Shared)> = checks
        .iter()
        .map(|c| (c.id, (Shared::from(c.id), Shared::from(c.title))))
        .collect();
    let resources: usize = units.iter().map(|u| u.resources).sum();
    let passed = units
        .iter()
        .flat_map(|u| &u.rows)
        .filter(|r| r.verdict.outcome == Outcome::Pass)
        .count();
    // each unit's rows are freed as soon as they are read; the controls a
    // unit shows in place are known before its findings are rated
    let rows = units.into_iter().flat_map(|u| {
        let mut in_place = InPlace::default();
        for r in u.rows.iter().filter(|r| r.verdict.outcome == Outcome::Pass) {
            if let Some(check) = by_id.get(r.verdict.check) {
                for control in check.proves {
                    in_place.add(&r.verdict.resource, &r.verdict.resource_type, control);
                }
            }
        }
        let in_place = Arc::new(in_place);
        u.rows.into_iter().map(move |r| (r, in_place.clone()))
    });
    let mut results = Vec::new();
    let mut findings = Vec::new();
    let mut evidence: BTreeMap<&str, Vec<ControlEvidence>> = BTreeMap::new();
    // one allocation per distinct text: resource names and types repeat across checks
    let mut interned: std::collections::HashMap<String, Shared> = std::collections::HashMap::new();
    let mut open_lists: std::collections::HashMap<Vec<String>, Arc<[String]>> =
        std::collections::HashMap::new();
    let mut intern = |text: String| -> Shared {
        if let Some(shared) = interned.get(&text) {
            return shared.clone();
        }
        let shared: Shared = Arc::from(text.as_str());
        interned.insert(text, shared.clone());
        shared
    };
    for (row, in_place) in rows {
        let UnitRow {
            verdict: v,
            classification,
            location: loc,
            source_line,
        } = row;
        let Some(check) = by_id.get(v.check) else {
            continue;
        };
        let rated = v.outcome.is_finding().then(|| {
            finding_severity::derive(
                check,
                &v.resource,
                &in_place,
                &facts.severity,
                classification.as_ref(),
            )
        });
        let resource = intern(v.resource);
        let resource_type = intern(v.resource_type);
        let file = intern(loc.file.clone());
        let row_file = file.clone();
        let property = intern(v.property);
        let message: Shared = Arc::from(v.message);
        let (check_id, check_title) = ids
            .get(check.id)
            .cloned()
            .unwrap_or_else(|| (Shared::from(check.id), Shared::from(check.title)));
        results.push(ResultRow {
            check: check_id.clone(),
            verdict: v.outcome,
            resource: resource.clone(),
            resource_type: resource_type.clone(),
            file: row_file,
            line: loc.line,
            col: loc.col,
            property: property.clone(),
            message: message.clone(),
        });
        let state = match v.outcome {
            Outcome::Pass => Some(ControlState::Implemented),
            Outcome::Fail => Some(ControlState::Missing),
            Outcome::Partial => Some(ControlState::Partial),
            Outcome::Unknown => Some(ControlState::Unknown),
            Outcome::NotApplicable => None,
        };
        if let Some(state) = state {
            // a pass shows only the controls the check proves in place
            let controls = if state == ControlState::Implemented {
                check.proves
            } else {
                check.controls
            };
            for control in controls {
                evidence.entry(control).or_default().push(ControlEvidence {
                    check: check_id.clone(),
                    resource: resource.clone(),
                    status: state,
                    location: Place {
                        file: file.clone(),
                        line: loc.line,
                        col: loc.col,
                    },
                });
            }
        }
        if !v.outcome.is_finding() {
            continue;
        }
        let id = format!("{}@{}#{}", check.id, loc.file, resource);
        let suppressed = v
            .skipped
            .as_ref()
            .map(|r| format!("skipped in the template: {r}"))
            .or_else(|| {
                options
                    .baseline
                    .contains(&id)
                    .then(|| "accepted in the baseline".to_string())
            });
        let Some(rated) = rated else { continue };
        findings.push(Finding {
            number: 0,
            id,
            check: check_id,
            title: check_title,
            severity: rated.severity,
            // thousands of findings share a handful of reasons and lists
            severity_reason: intern(rated.reason),
            threats_open: open_lists
                .entry(rated.open)
                .or_insert_with_key(|open| Arc::from(open.as_slice()))
                .clone(),
            category: check.category,
            outcome: v.outcome,
            location: loc,
            resource,
            resource_type,
            cdk_path: v.cdk_path,
            cdk_language: v.cdk_language,
            located_in: v.located_in,
            property,
            message,
            source_line,
            suppressed,
        });
    }
    // numbered in the order the review reads: its sections, then severity
    findings.sort_by(|a, b| {
        (
            a.suppressed.is_some(),
            a.category,
            std::cmp::Reverse(a.severity),
            &a.location.file,
            a.location.line,
            a.location.col,
            &a.check,
            &a.resource,
        )
            .cmp(&(
                b.suppressed.is_some(),
                b.category,
                std::cmp::Reverse(b.severity),
                &b.location.file,
                b.location.line,
                b.location.col,
                &b.check,
                &b.resource,
            ))
    });
    let mut plan = ActionPlan::default();
    for (i, f) in findings.iter_mut().enumerate() {
        f.number = i + 1;
        if f.suppressed.is_some() {
            continue;
        }
        match (f.outcome, f.severity) {
            (Outcome::Unknown, _) => plan.later.push(f.number),
            (_, Severity::Critical | Severity::High) => plan.immediate.push(f.number),
            (_, Severity::Medium) => plan.next.push(f.number),
            _ => plan.later.push(f.number),
        }
    }
    let with_findings: BTreeSet<&str> = findings.iter().map(|f| &*f.check).collect();
    let checks_summary: Vec<CheckSummary> = with_findings
        .into_iter()
        .filter_map(|id| facts.summaries.remove(id))
        .collect();
    let controls = evidence
        .into_iter()
        .map(|(id, evidence)| {
            let states: BTreeSet<ControlState> = evidence.iter().map(|e| e.status).collect();
            let status = [
                ControlState::Missing,
                ControlState::Partial,
                ControlState::Unknown,
            ]
            .into_iter()
            .find(|s| states.contains(s))
            .unwrap_or(ControlState::Implemented);
            ControlStatus {
                control: id.to_string(),
                name: facts.control_names.get(id).cloned().unwrap_or_default(),
                status,
                evidence,
            }
        })
        .collect();
    let mut summary = Summary {
        files_scanned: files
            .iter()
            .filter(|f| {
                f.status == moat_iac::scan::Status::Scanned
                    && matches!(
                        f.format.as_str(),
                        "cloudformation" | "sam" | "terraform" | "terraform-plan" | "cdktf"
                    )
            })
            .count(),
        files_skipped: files
            .iter()
            .filter(|f| f.status == moat_iac::scan::Status::Skipped)
            .count(),
        files_with_errors: files
            .iter()
            .filter(|f| f.status == moat_iac::scan::Status::Error)
            .count(),
        resources,
        checks_run: checks.len(),
        passed,
        findings: findings.iter().filter(|f| f.suppressed.is_none()).count(),
        suppressed: findings.iter().filter(|f| f.suppressed.is_some()).count(),
        by_severity: BTreeMap::new(),
    };
    for f in findings.iter().filter(|f| f.suppressed.is_none()) {
        *summary
            .by_severity
            .entry(f.severity.as_str().to_string())
            .or_default() += 1;
    }
    let results = ScanResults {
        files,
        findings,
        checks: checks_summary,
        results,
        controls,
        plan,
        summary,
    };
    crate::Assessment::of_scan(results, diagnostics, facts.catalog)
}

fn inventory_size(inventory: &moat_iac::Inventory) -> usize {
    let mut count = 0;
    count += inventory.buckets.len()
        + inventory.directory_buckets.len()
        + inventory.bucket_policies.len();
    count += inventory.access_points.len() + inventory.multi_region_access_points.len();
    count += inventory.roles.len()
        + inventory.users.len()
        + inventory.groups.len()
        + inventory.identity_policies.len();
    count += inventory.kms_keys.len() + inventory.trails.len() + inventory.vpc_endpoints.len();
    count += inventory.queue_topic_policies.len() + inventory.topics.len() + inventory.queues.len();
    count += inventory.functions.len()
        + inventory.lambda_permissions.len()
        + inventory.event_rules.len();
    count
}

/// The tag that classifies the data of the verdict's bucket, when it is
/// sensitive (severity one level up) or public (one level down).
fn classification_of(verdict: &Verdict, inventory: &moat_iac::Inventory) -> Option<Classification> {
    if verdict.resource_type != "AWS::S3::Bucket" {
        return None;
    }
    let bucket = inventory
        .buckets
        .iter()
        .find(|b| b.origin.logical_id == verdict.resource)?;
    let tag = bucket
        .tags
        .get()?
        .iter()
        .find(|t| CLASSIFICATION_KEYS.contains(&t.key.to_ascii_lowercase().as_str()))?;
    let value = tag.value.get()?;
    let lower = value.to_ascii_lowercase();
    let shift = if SENSITIVE.iter().any(|k| lower.contains(k)) {
        1
    } else if lower == "public" {
        -1
    } else {
        return None;
    };
    Some(Classification {
        tag: format!("{}={value}", tag.key),
        shift,
    })
}

/// Classification words that mark data whose exposure costs more.
const SENSITIVE: &[&str] = &[
    "confidential",
    "restricted",
    "secret",
    "pii",
    "personal",
    "sensitive",
];

/// The check's "Why is this bad?" section, as one paragraph.
fn impact(check: &Check) -> String {
    let doc = check.doc;
    let Some(start) = doc.find("## Why is this bad?") else {
        return String::new();
    };
    let rest = &doc[start + "## Why is this bad?".len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].trim().to_string()
}

/// The catalog threats the check's controls mitigate, most severe first.
fn threats_of(check: &Check, catalog: &Catalog) -> Vec<ThreatRef> {
    let mut ids = BTreeSet::new();
    for control in catalog
        .controls
        .iter()
        .filter(|c| check.controls.contains(&c.id.as_str()))
    {
        for m in &control.mitigates {
            ids.insert(m.threat.clone());
        }
    }
    let mut out: Vec<ThreatRef> = catalog
        .threats
        .iter()
        .filter(|t| ids.contains(&t.threat.id))
        .map(|t| ThreatRef {
            id: t.threat.id.clone(),
            name: t.threat.name.clone(),
            severity: t.threat.severity,
        })
        .collect();
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    out
}

fn compliance_of(check: &Check, catalog: &Catalog) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for control in catalog
        .controls
        .iter()
        .filter(|c| check.controls.contains(&c.id.as_str()))
    {
        for (framework, ids) in &control.compliance {
            out.entry(framework.clone())
                .or_default()
                .extend(ids.iter().cloned());
        }
    }
    if !check.security_hub.is_empty() {
        out.entry("aws-securityhub".to_string())
            .or_default()
            .extend(check.security_hub.iter().map(|s| s.to_string()));
    }
    out.into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}
