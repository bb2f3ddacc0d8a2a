//! Applies catalog threats to a model: every threat whose `applies_to` names
//! a target's kind and whose condition holds on it gives one result.

use crate::assessment::{TargetRef, TargetType, ThreatDefinition, ThreatResult};
use crate::need::Needs;
use crate::view::{self, ModelIndex, View};
use cel::common::value::CowVal;
use cel::context::VariableResolver;
use cel::{Context, Value};
use moat_catalog::{Catalog, CatalogThreat, OtherTarget, TargetKind};
use moat_model::schema::EnumKind;
use moat_model::{Diagnostic, Model, SourceFile, Span};
use rayon::prelude::*;

/// One thing threats can land on, with the variables its conditions see.
struct Subject<'m> {
    kind: TargetKind,
    target: TargetRef,
    vars: Vars<'m>,
}

/// The variables of one evaluation, converted to CEL values once and then
/// lent to every condition evaluated on the subject.
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

fn subjects<'m>(
    index: &ModelIndex<'m>,
    needs: &Needs,
    source: Option<&SourceFile>,
) -> Vec<Subject<'m>> {
    let model = index.model;
    let target_need = needs.of("target");
    let source_need = needs.of("source");
    let sink_need = needs.of("sink");
    let mut out =
        Vec::with_capacity(model.elements.len() + model.flows.len() + model.boundaries.len());
    let elements = model.elements.par_iter().map(|e| Subject {
        kind: TargetKind::Element(e.kind),
        target: TargetRef {
            id: e.id.clone(),
            name: e.name.clone(),
            target_type: TargetType::Element,
            kind: e.kind.as_str().to_string(),
            location: location(source, e.span),
        },
        vars: Vars {
            target: view::element_view(index, e, &target_need),
            source: None,
            sink: None,
        },
    });
    out.par_extend(elements);
    let flows = model.flows.par_iter().map(|f| {
        let endpoint = |id: &str, need: &crate::need::Need| {
            index
                .element(id)
                .map(|e| view::endpoint_view(index, e, need))
        };
        Subject {
            kind: TargetKind::DATAFLOW,
            target: TargetRef {
                id: f.id.clone(),
                name: f.name.clone(),
                target_type: TargetType::Dataflow,
                kind: "dataflow".to_string(),
                location: location(source, f.span),
            },
            vars: Vars {
                target: view::flow_view(index, f, &target_need),
                source: endpoint(&f.source, &source_need),
                sink: endpoint(&f.sink, &sink_need),
            },
        }
    });
    out.par_extend(flows);
    out.extend(model.boundaries.iter().map(|b| Subject {
        kind: TargetKind::Other(OtherTarget::Boundary),
        target: TargetRef {
            id: b.id.clone(),
            name: b.name.clone(),
            target_type: TargetType::Boundary,
            kind: "boundary".to_string(),
            location: location(source, b.span),
        },
        vars: Vars {
            target: view::boundary_view(index, b, &target_need),
            source: None,
            sink: None,
        },
    }));
    out
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
        references: t.references.clone(),
        condition: threat.condition.as_ref().map(|c| c.source.clone()),
        location: t.location.clone(),
    }
}

/// A match: (threat index, subject index).
type Match = (usize, usize);

/// What evaluating some subjects gave: matches, and conditions that failed to evaluate.
type Outcome = (Vec<Match>, Vec<(usize, usize, String)>);

fn evaluate(catalog: &Catalog, subjects: &[Subject], offset: usize) -> Outcome {
    let mut ctx = base_context();
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for (n, subject) in subjects.iter().enumerate() {
        ctx.set_variable_resolver(&subject.vars);
        for (i, threat) in catalog.threats.iter().enumerate() {
            if !threat.threat.applies_to.contains(&subject.kind) {
                continue;
            }
            let holds = match &threat.condition {
                None => true,
                Some(condition) => match condition.program.execute(&ctx) {
                    Ok(Value::Bool(b)) => b,
                    Ok(other) => {
                        failures.push((i, offset + n, format!("gave {other:?}, not a boolean")));
                        false
                    }
                    Err(err) => {
                        failures.push((i, offset + n, err.to_string()));
                        false
                    }
                },
            };
            if holds {
                found.push((i, offset + n));
            }
        }
    }
    (found, failures)
}

/// Position of each item in the order of `key`: sorting by ranks sorts by keys.
fn ranks<T>(items: &[T], key: impl Fn(&T) -> &str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| key(&items[a]).cmp(key(&items[b])));
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
    let mut needs = Needs::default();
    for threat in &catalog.threats {
        if let Some(condition) = &threat.condition {
            needs.add(&condition.program.expression().expr);
        }
    }
    let index = ModelIndex::new(model);
    let subjects = subjects(&index, &needs, source);
    // Chunks amortize building a context per worker.
    const CHUNK: usize = 512;
    let outcomes: Vec<Outcome> = subjects
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| evaluate(catalog, chunk, c * CHUNK))
        .collect();
    let mut matches: Vec<Match> = Vec::new();
    let mut failed: std::collections::BTreeMap<usize, (usize, String, usize)> = Default::default();
    for (found, failures) in outcomes {
        matches.extend(found);
        for (i, subject, err) in failures {
            failed.entry(i).or_insert((subject, err, 0)).2 += 1;
        }
    }
    let subject_rank = ranks(&subjects, |s| s.target.id.as_str());
    let threat_rank = ranks(&catalog.threats, |t| t.threat.id.as_str());
    let stride = |i: usize| catalog.threats.get(i).map(|t| t.threat.stride);
    matches.sort_unstable_by_key(|&(t, s)| (stride(t), subject_rank[s], threat_rank[t]));

    let mut used_threats = vec![false; catalog.threats.len()];
    let mut used_subjects = vec![false; subjects.len()];
    let threats = matches
        .iter()
        .filter_map(|&(t, s)| {
            let threat = &catalog.threats.get(t)?.threat;
            let target = &subjects.get(s)?.target;
            used_threats[t] = true;
            used_subjects[s] = true;
            Some(ThreatResult {
                id: format!("{}@{}", threat.id, target.id),
                threat_id: threat.id.clone(),
                target_id: target.id.clone(),
                stride: threat.stride,
                severity: threat.severity,
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
    definitions.sort_by(|a, b| a.id.cmp(&b.id));
    let mut targets: Vec<TargetRef> = subjects
        .iter()
        .zip(&used_subjects)
        .filter(|(_, used)| **used)
        .map(|(s, _)| s.target.clone())
        .collect();
    targets.sort_by(|a, b| a.id.cmp(&b.id));
    let diagnostics = failed
        .into_iter()
        .filter_map(|(i, (subject, err, count))| {
            let threat = catalog.threats.get(i)?;
            let target = subjects
                .get(subject)
                .map(|s| s.target.id.as_str())
                .unwrap_or("?");
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
