//! Applies catalog threats to a model: every threat whose `applies_to` names
//! a target's kind and whose condition holds on it gives one result.

use crate::assessment::{TargetRef, TargetType, ThreatDefinition, ThreatResult, ThreatStatus};
use crate::fast::{self, Fast, Part};
use crate::gate::{Gates, Verdict};
use crate::need::Needs;
use crate::view::{self, ModelIndex, View};
use cel::common::value::CowVal;
use cel::context::VariableResolver;
use cel::{Context, Value};
use moat_catalog::search::natural;
use moat_catalog::{Catalog, CatalogThreat, OtherTarget, TargetKind};
use moat_model::schema::EnumKind;
use moat_model::{Diagnostic, Model, SourceFile, Span};
use rayon::prelude::*;

/// The variables of one CEL evaluation, converted to CEL values once and
/// then lent to every slow-path condition evaluated on the subject.
struct Vars<'m> {
    target: View<'m>,
    source: Option<View<'m>>,
    sink: Option<View<'m>>,
}

impl VariableResolver for Vars<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let value = match variable {
            "target" => &self.target,
            "source" => self.source.as_ref()?,
            "sink" => self.sink.as_ref()?,
            _ => return None,
        };
        Some(CowVal::Borrowed(value.as_ref()))
    }
}

/// The root context: the standard library plus the enumeration constants.
fn base_context<'v>() -> Context<'v, 'v> {
    let mut ctx = Context::default();
    for kind in EnumKind::ALL {
        let members: std::collections::HashMap<String, Value> = kind
            .members()
            .iter()
            .enumerate()
            .map(|(ordinal, m)| {
                let value = if kind.is_ordered() {
                    Value::Int(ordinal as i64)
                } else {
                    Value::String(std::sync::Arc::new(m.to_string()))
                };
                (m.to_string(), value)
            })
            .collect();
        ctx.add_variable_from_value(kind.pytm_name(), members);
    }
    ctx
}

fn location(source: Option<&SourceFile>, span: Option<Span>) -> Option<moat_model::Location> {
    Some(source?.location(span?))
}

/// Every element, flow and boundary of the model, in that order; a subject's
/// index in this list identifies it.
fn parts<'m>(index: &ModelIndex<'m>) -> Vec<Part<'m>> {
    let model = index.model;
    let mut out =
        Vec::with_capacity(model.elements.len() + model.flows.len() + model.boundaries.len());
    out.extend(model.elements.iter().map(Part::Element));
    out.extend(model.flows.iter().map(|flow| Part::Flow {
        flow,
        source: index.element(&flow.source),
        sink: index.element(&flow.sink),
    }));
    out.extend(model.boundaries.iter().map(Part::Boundary));
    out
}

fn kind_of(part: &Part<'_>) -> TargetKind {
    match part {
        Part::Element(e) => TargetKind::Element(e.kind),
        Part::Flow { .. } => TargetKind::DATAFLOW,
        Part::Boundary(_) => TargetKind::Other(OtherTarget::Boundary),
    }
}

fn id_of<'m>(part: &Part<'m>) -> &'m str {
    match part {
        Part::Element(e) => &e.id,
        Part::Flow { flow, .. } => &flow.id,
        Part::Boundary(b) => &b.id,
    }
}

fn target_ref(part: &Part<'_>, source: Option<&SourceFile>) -> TargetRef {
    let (id, name, target_type, kind, span) = match part {
        Part::Element(e) => (&e.id, &e.name, TargetType::Element, e.kind.as_str(), e.span),
        Part::Flow { flow, .. } => (
            &flow.id,
            &flow.name,
            TargetType::Dataflow,
            "dataflow",
            flow.span,
        ),
        Part::Boundary(b) => (&b.id, &b.name, TargetType::Boundary, "boundary", b.span),
    };
    TargetRef {
        id: id.clone(),
        name: name.clone(),
        target_type,
        kind: kind.to_string(),
        location: location(source, span),
    }
}

/// The CEL variables of a subject, with the fields `needs` names.
fn vars<'m>(index: &ModelIndex<'m>, part: &Part<'m>, needs: &Needs) -> Vars<'m> {
    let target = needs.of("target");
    match *part {
        Part::Element(e) => Vars {
            target: view::element_view(index, e, &target),
            source: None,
            sink: None,
        },
        Part::Flow { flow, source, sink } => Vars {
            target: view::flow_view(index, flow, &target),
            source: source.map(|e| view::endpoint_view(index, e, &needs.of("source"))),
            sink: sink.map(|e| view::endpoint_view(index, e, &needs.of("sink"))),
        },
        Part::Boundary(b) => Vars {
            target: view::boundary_view(index, b, &target),
            source: None,
            sink: None,
        },
    }
}

/// How a threat's condition is evaluated.
enum Compiled<'c> {
    Always,
    Fast(Fast, &'c cel::Program),
    Slow(&'c cel::Program),
}

fn definition(threat: &CatalogThreat) -> ThreatDefinition {
    let t = &threat.threat;
    ThreatDefinition {
        id: t.id.clone(),
        name: t.name.clone(),
        stride: t.stride,
        severity: t.severity,
        likelihood: t.likelihood,
        impact: t.impact,
        description: t.description.clone(),
        example: t.example.clone(),
        mitigations: t.mitigations.clone(),
        controls: Vec::new(),
        control_count: 0,
        references: t.references.clone(),
        condition: threat.condition.as_ref().map(|c| c.source.clone()),
        location: t.location.clone(),
    }
}

/// A match: (threat index, subject index, feature assumed in use).
type Match = (usize, usize, bool);

/// What evaluating some subjects gave: matches, and conditions that failed to evaluate.
type Outcome = (Vec<Match>, Vec<(usize, usize, String)>);

/// The compiled conditions, and for each target kind the threats that apply to it.
struct Plan<'c> {
    compiled: Vec<Compiled<'c>>,
    gates: Gates<'c>,
    by_kind: std::collections::HashMap<TargetKind, Vec<usize>>,
    /// Fields the CEL path reads, for subjects that need it.
    needs: Needs,
}

impl<'c> Plan<'c> {
    fn new(catalog: &'c Catalog) -> Self {
        let mut needs = Needs::default();
        let compiled = catalog
            .threats
            .iter()
            .map(|threat| match &threat.condition {
                None => Compiled::Always,
                Some(condition) => {
                    let expr = &condition.program.expression().expr;
                    // the CEL path may have to take over any condition, fast or not
                    needs.add(expr);
                    match fast::compile(expr) {
                        Some(fast) => Compiled::Fast(fast, &condition.program),
                        None => Compiled::Slow(&condition.program),
                    }
                }
            })
            .collect();
        let mut by_kind: std::collections::HashMap<TargetKind, Vec<usize>> = Default::default();
        for (i, threat) in catalog.threats.iter().enumerate() {
            for kind in &threat.threat.applies_to {
                by_kind.entry(*kind).or_default().push(i);
            }
        }
        Plan {
            compiled,
            gates: Gates::new(catalog),
            by_kind,
            needs,
        }
    }
}

/// A subject whose conditions the CEL interpreter evaluates: its index, the
/// (threat, program, feature assumed) triples, and its variables.
type SlowJob<'p, 'm> = (usize, Vec<(usize, &'p cel::Program, bool)>, Vars<'m>);

fn evaluate<'m>(
    plan: &Plan<'_>,
    index: &ModelIndex<'m>,
    parts: &[Part<'m>],
    offset: usize,
) -> Outcome {
    let mut found = Vec::new();
    let mut failures = Vec::new();
    // subjects with conditions for the CEL interpreter, with their variables
    let mut slow_jobs: Vec<SlowJob<'_, '_>> = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        let Some(threats) = plan.by_kind.get(&kind_of(part)) else {
            continue;
        };
        let scope = plan.gates.scope(index, *part);
        let mut slow: Vec<(usize, &cel::Program, bool)> = Vec::new();
        for &i in threats {
            let assumed = match plan.gates.verdict(i, &scope) {
                Verdict::Skip => continue,
                Verdict::Apply => false,
                Verdict::Assumed => true,
            };
            match plan.compiled.get(i) {
                Some(Compiled::Always) => found.push((i, offset + n, assumed)),
                Some(Compiled::Fast(fast, program)) => match fast::eval(fast, index, *part) {
                    Some(true) => found.push((i, offset + n, assumed)),
                    Some(false) => {}
                    None => slow.push((i, program, assumed)),
                },
                Some(Compiled::Slow(program)) => slow.push((i, program, assumed)),
                None => {}
            }
        }
        if !slow.is_empty() {
            slow_jobs.push((offset + n, slow, vars(index, part, &plan.needs)));
        }
    }
    let mut ctx = base_context();
    for (subject, slow, vars) in &slow_jobs {
        ctx.set_variable_resolver(vars);
        for &(i, program, assumed) in slow {
            match program.execute(&ctx) {
                Ok(Value::Bool(true)) => found.push((i, *subject, assumed)),
                Ok(Value::Bool(false)) => {}
                Ok(other) => failures.push((i, *subject, format!("gave {other:?}, not a boolean"))),
                Err(err) => failures.push((i, *subject, err.to_string())),
            }
        }
    }
    (found, failures)
}

/// Evaluates `threat`'s condition on `part` with the CEL interpreter alone, as
/// the fast path's reference (tests compare the two).
pub fn holds_by_cel(
    threat: &CatalogThreat,
    index: &ModelIndex<'_>,
    part: Part<'_>,
) -> Result<bool, String> {
    let Some(condition) = &threat.condition else {
        return Ok(true);
    };
    let vars = vars(index, &part, &Needs::everything());
    let mut ctx = base_context();
    ctx.set_variable_resolver(&vars);
    match condition.program.execute(&ctx) {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(other) => Err(format!("gave {other:?}")),
        Err(err) => Err(err.to_string()),
    }
}

/// Every part of `index`'s model with its kind, in evaluation order.
pub fn model_parts<'m>(index: &ModelIndex<'m>) -> Vec<(TargetKind, Part<'m>)> {
    parts(index).into_iter().map(|p| (kind_of(&p), p)).collect()
}

/// Position of each item in the natural order of `key` (`S3.T4` before
/// `S3.T38`): sorting by ranks sorts by keys.
fn ranks<T>(items: &[T], key: impl Fn(&T) -> &str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| natural(key(&items[a]), key(&items[b])));
    let mut rank = vec![0; items.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r;
    }
    rank
}

/// What applying a catalog to a model gives.
pub struct Applied {
    pub threats: Vec<ThreatResult>,
    pub definitions: Vec<ThreatDefinition>,
    pub targets: Vec<TargetRef>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every threat of `catalog` that applies to `model`, sorted by STRIDE
/// category, target and threat id; plus a warning for each threat whose
/// condition could not be evaluated (once per threat, naming the first target).
pub fn apply(catalog: &Catalog, model: &Model, source: Option<&SourceFile>) -> Applied {
    let plan = Plan::new(catalog);
    let index = ModelIndex::new(model);
    let parts = parts(&index);
    // Chunks amortize building a context per worker.
    const CHUNK: usize = 1024;
    let outcomes: Vec<Outcome> = parts
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| evaluate(&plan, &index, chunk, c * CHUNK))
        .collect();
    let mut matches: Vec<Match> = Vec::new();
    let mut failed: std::collections::BTreeMap<usize, (usize, String, usize)> = Default::default();
    for (found, failures) in outcomes {
        matches.extend(found);
        for (i, subject, err) in failures {
            failed.entry(i).or_insert((subject, err, 0)).2 += 1;
        }
    }
    let subject_rank = ranks(&parts, |p| id_of(p));
    let threat_rank = ranks(&catalog.threats, |t| t.threat.id.as_str());
    let stride = |i: usize| catalog.threats.get(i).map(|t| t.threat.stride);
    matches.par_sort_unstable_by_key(|&(t, s, _)| (stride(t), subject_rank[s], threat_rank[t]));

    let mut used_threats = vec![false; catalog.threats.len()];
    let mut used_subjects = vec![false; parts.len()];
    for &(t, s, _) in &matches {
        used_threats[t] = true;
        used_subjects[s] = true;
    }
    let threats = matches
        .par_iter()
        .filter_map(|&(t, s, assumed)| {
            let threat = &catalog.threats.get(t)?.threat;
            let target_id = id_of(parts.get(s)?);
            Some(ThreatResult {
                id: format!("{}@{}", threat.id, target_id),
                threat_id: threat.id.clone(),
                target_id: target_id.to_string(),
                stride: threat.stride,
                severity: threat.severity,
                feature_assumed: assumed,
                status: ThreatStatus::Open,
                evidence: Vec::new(),
                decision: None,
                reachability: None,
            })
        })
        .collect();
    let mut definitions: Vec<ThreatDefinition> = catalog
        .threats
        .iter()
        .zip(&used_threats)
        .filter(|(_, used)| **used)
        .map(|(t, _)| definition(t))
        .collect();
    definitions.sort_by(|a, b| natural(&a.id, &b.id));
    let mut targets: Vec<TargetRef> = parts
        .par_iter()
        .zip(&used_subjects)
        .filter(|(_, used)| **used)
        .map(|(p, _)| target_ref(p, source))
        .collect();
    targets.par_sort_by(|a, b| natural(&a.id, &b.id));
    let diagnostics = failed
        .into_iter()
        .filter_map(|(i, (subject, err, count))| {
            let threat = catalog.threats.get(i)?;
            let target = parts.get(subject).map(id_of).unwrap_or("?");
            let others = if count > 1 {
                format!(" and {} other targets", count - 1)
            } else {
                String::new()
            };
            let mut d = Diagnostic::warning(
                "engine::condition-failed",
                format!(
                    "condition of `{}` could not be evaluated on `{target}`{others}: {err}",
                    threat.threat.id
                ),
            )
            .with_help("the threat is treated as not applying there");
            d.location = threat.threat.location.clone();
            Some(d)
        })
        .collect();
    Applied {
        threats,
        definitions,
        targets,
        diagnostics,
    }
}
