//! Applies catalog threats to a model: every threat whose `applies_to` names
//! a target's kind and whose condition holds on it gives one result.

use crate::assessment::{TargetRef, TargetType, ThreatResult};
use crate::need::Needs;
use crate::view::{self, ModelIndex};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::{Context, Value};
use moat_catalog::{Catalog, CatalogThreat, OtherTarget, TargetKind};
use moat_model::schema::EnumKind;
use moat_model::{Diagnostic, Model, SourceFile, Span};
use rayon::prelude::*;

/// One thing threats can land on, with the variables its conditions see.
struct Subject {
    kind: TargetKind,
    target: TargetRef,
    vars: Vars,
}

/// The variables of one evaluation, converted to CEL values once and then
/// lent to every condition evaluated on the subject.
struct Vars {
    target: Box<dyn Val>,
    source: Option<Box<dyn Val>>,
    sink: Option<Box<dyn Val>>,
}

impl VariableResolver for Vars {
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

fn to_val(value: Value) -> Box<dyn Val> {
    // Only maps, lists and scalars are built, all of which convert.
    let converted: Result<Box<dyn Val>, _> = value.try_into();
    converted.unwrap_or_else(|_| Box::new(cel::common::types::CelNull))
}

/// The root context: the standard library plus the enumeration constants.
fn base_context<'v>() -> Context<'v, 'v> {
    let mut ctx = Context::default();
    for kind in EnumKind::ALL {
        let members: std::collections::HashMap<String, Value> = kind
            .members()
            .iter()
            .filter_map(|m| {
                kind.condition_value(m)
                    .map(|v| (m.to_string(), view::json_value(&v)))
            })
            .collect();
        ctx.add_variable_from_value(kind.pytm_name(), members);
    }
    ctx
}

fn location(source: Option<&SourceFile>, span: Option<Span>) -> Option<moat_model::Location> {
    Some(source?.location(span?))
}

fn subjects(model: &Model, needs: &Needs, source: Option<&SourceFile>) -> Vec<Subject> {
    let index = ModelIndex::new(model);
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
            target: to_val(view::element_view(&index, e, &target_need)),
            source: None,
            sink: None,
        },
    });
    out.par_extend(elements);
    let flows = model.flows.par_iter().map(|f| {
        let endpoint = |id: &str, need: &crate::need::Need| {
            index
                .element(id)
                .map(|e| to_val(view::endpoint_view(&index, e, need)))
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
                target: to_val(view::flow_view(&index, f, &target_need)),
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
            target: to_val(view::boundary_view(&index, b, &target_need)),
            source: None,
            sink: None,
        },
    }));
    out
}

fn result(threat: &CatalogThreat, target: &TargetRef) -> ThreatResult {
    let t = &threat.threat;
    ThreatResult {
        id: format!("{}@{}", t.id, target.id),
        threat_id: t.id.clone(),
        name: t.name.clone(),
        stride: t.stride,
        severity: t.severity,
        likelihood: t.likelihood,
        impact: t.impact,
        target: target.clone(),
        description: t.description.clone(),
        example: t.example.clone(),
        mitigations: t.mitigations.clone(),
        references: t.references.clone(),
        condition: threat.condition.as_ref().map(|c| c.source.clone()),
    }
}

/// What evaluating one subject gave: its threats, and conditions that failed to evaluate.
type Outcome = (Vec<ThreatResult>, Vec<(usize, String, String)>);

fn evaluate(catalog: &Catalog, subjects: &[Subject]) -> Outcome {
    let mut ctx = base_context();
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for subject in subjects {
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
                        failures.push((
                            i,
                            subject.target.id.clone(),
                            format!("gave {other:?}, not a boolean"),
                        ));
                        false
                    }
                    Err(err) => {
                        failures.push((i, subject.target.id.clone(), err.to_string()));
                        false
                    }
                },
            };
            if holds {
                found.push(result(threat, &subject.target));
            }
        }
    }
    (found, failures)
}

/// Every threat of `catalog` that applies to `model`, sorted by STRIDE
/// category, target and threat id; plus a warning for each threat whose
/// condition could not be evaluated (once per threat, naming the first target).
pub fn apply(
    catalog: &Catalog,
    model: &Model,
    source: Option<&SourceFile>,
) -> (Vec<ThreatResult>, Vec<Diagnostic>) {
    let mut needs = Needs::default();
    for threat in &catalog.threats {
        if let Some(condition) = &threat.condition {
            needs.add(&condition.program.expression().expr);
        }
    }
    let subjects = subjects(model, &needs, source);
    // Chunks amortize building a context per worker.
    let outcomes: Vec<Outcome> = subjects
        .par_chunks(512)
        .map(|chunk| evaluate(catalog, chunk))
        .collect();
    let mut threats = Vec::new();
    let mut failed: std::collections::BTreeMap<usize, (String, String, usize)> = Default::default();
    for (found, failures) in outcomes {
        threats.extend(found);
        for (i, target, err) in failures {
            failed.entry(i).or_insert((target, err, 0)).2 += 1;
        }
    }
    threats.sort_by(|a, b| {
        (a.stride, &a.target.id, &a.threat_id).cmp(&(b.stride, &b.target.id, &b.threat_id))
    });
    let diagnostics = failed
        .into_iter()
        .filter_map(|(i, (target, err, count))| {
            let threat = catalog.threats.get(i)?;
            let mut d = Diagnostic::warning(
                "engine::condition-failed",
                format!(
                    "condition of `{}` could not be evaluated on `{target}`{}: {err}",
                    threat.threat.id,
                    if count > 1 {
                        format!(" and {} other targets", count - 1)
                    } else {
                        String::new()
                    }
                ),
            )
            .with_help("the threat is treated as not applying there");
            d.location = threat.threat.location.clone();
            Some(d)
        })
        .collect();
    (threats, diagnostics)
}
