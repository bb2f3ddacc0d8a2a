//! Control status from a scan, carried into the plan and compliance reports:
//! each control the checks verify is implemented, partial, missing or
//! unknown, with the places that show it; the others stay `not assessed`.

use crate::compliance::ComplianceReport;
use crate::plan::{Plan, Status};
use crate::review::Review;
use crate::scan::{ControlState, ScanResults};

/// `file:line resource` for each place that shows `state` of `control`.
fn evidence(a: &ScanResults, control: &str, state: ControlState) -> Vec<String> {
    a.controls
        .iter()
        .filter(|c| c.control == control)
        .flat_map(|c| &c.evidence)
        .filter(|e| e.status == state)
        .map(|e| format!("{}:{} {}", e.location.file, e.location.line, e.resource))
        .collect()
}

fn state(a: &ScanResults, control: &str) -> Option<ControlState> {
    a.controls
        .iter()
        .find(|c| c.control == control)
        .map(|c| c.status)
}

/// Sets each plan row's status from the scan.
pub fn apply_to_plan(plan: &mut Plan, assessment: &crate::Assessment) {
    let a = assessment.scan_results();
    for row in &mut plan.rows {
        if let Some(s) = state(a, &row.control.id) {
            row.status = s.to_plan_status();
            row.evidence = evidence(a, &row.control.id, s);
        }
    }
}

/// Sets each requirement's status from its controls': missing if one is
/// missing, else partial, else unknown; implemented only when every control
/// that satisfies it is implemented, partial when some could not be assessed
/// from the templates.
pub fn apply_to_compliance(report: &mut ComplianceReport, assessment: &crate::Assessment) {
    let a = assessment.scan_results();
    for r in &mut report.requirements {
        if r.controls.is_empty() {
            continue;
        }
        let states: Vec<(String, ControlState)> = r
            .controls
            .iter()
            .filter_map(|c| state(a, c).map(|s| (c.clone(), s)))
            .collect();
        if states.is_empty() {
            continue;
        }
        let worst = [
            ControlState::Missing,
            ControlState::Partial,
            ControlState::Unknown,
        ]
        .into_iter()
        .find(|w| states.iter().any(|(_, s)| s == w));
        let (status, shown) = match worst {
            Some(w) => (w.to_plan_status(), w),
            None if states.len() < r.controls.len() => (Status::Partial, ControlState::Implemented),
            None => (Status::Implemented, ControlState::Implemented),
        };
        r.status = status;
        r.evidence = states
            .iter()
            .filter(|(_, s)| *s == shown)
            .flat_map(|(c, s)| evidence(a, c, *s))
            .collect();
    }
}

/// Sets the status of every control a feature-class review lists.
pub fn apply_to_review(review: &mut Review, assessment: &crate::Assessment) {
    let a = assessment.scan_results();
    for class in &mut review.classes {
        for threat in &mut class.threats {
            for c in &mut threat.controls {
                if let Some(s) = state(a, &c.id) {
                    c.status = Some(s.to_plan_status());
                    c.evidence = evidence(a, &c.id, s);
                }
            }
        }
    }
}
