//! SARIF 2.1.0 for code-scanning services: one rule per check that ran,
//! one result per finding, 1-based regions, the resource as a logical
//! location, a stable fingerprint, and suppressions for skipped findings.

use moat_checks::{Outcome, Severity, registry};
use moat_engine::Assessment;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// GitHub code scanning's `security-severity` (0-10) for each severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(s: Severity, outcome: Outcome) -> &'static str {
    match (outcome, s) {
        (Outcome::Unknown, _) => "note",
        (_, Severity::Critical | Severity::High) => "error",
        (_, Severity::Medium) => "warning",
        _ => "note",
    }
}

pub fn render(assessment: &Assessment) -> String {
    let a = assessment.scan_results();
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in &a.findings {
        if rule_index.contains_key(&*f.check) {
            continue;
        }
        rule_index.insert(&*f.check, rules.len());
        let check = registry::find(&f.check);
        rules.push(json!({
            "id": f.check,
            "name": f.title.replace(' ', ""),
            "shortDescription": {"text": f.title},
            "fullDescription": {"text": a.check(&f.check).map_or("", |c| c.impact.as_str())},
            "help": {
                "text": a.check(&f.check).map_or("", |c| c.recommendation.as_str()),
                "markdown": check.map(|c| c.doc).unwrap_or(""),
            },
            "defaultConfiguration": {"level": level(check.map_or(f.severity, |c| c.severity), Outcome::Fail)},
            "properties": {
                "security-severity": security_severity(check.map_or(f.severity, |c| c.severity)),
                "tags": ["security", "s3", "cloudformation"],
            }
        }));
    }
    let results: Vec<Value> = a
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.check,
                "ruleIndex": rule_index.get(&*f.check).copied().unwrap_or(0),
                "level": level(f.severity, f.outcome),
                "message": {"text": format!("{}: {}", f.resource, f.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.location.file)},
                        "region": {
                            "startLine": f.location.line,
                            "startColumn": f.location.col,
                            "endLine": f.location.end_line.max(f.location.line),
                            "endColumn": if f.location.end_line > f.location.line { f.location.end_col } else { f.location.end_col.max(f.location.col + 1) },
                        }
                    },
                    "logicalLocations": [{
                        "name": f.resource,
                        "fullyQualifiedName": f.cdk_path.clone().unwrap_or_else(|| f.resource.to_string()),
                        "kind": "resource",
                    }]
                }],
                "partialFingerprints": {"moatFindingId/v1": f.id},
                "properties": {"severity": f.severity.as_str(), "severityReason": f.severity_reason, "threatsOpen": f.threats_open, "outcome": f.outcome.as_str(), "resourceType": f.resource_type},
            });
            if let Some(reason) = &f.suppressed
                && let Some(obj) = result.as_object_mut()
            {
                obj.insert("suppressions".into(), json!([{"kind": "inSource", "justification": reason}]));
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "moat",
                "version": assessment.tool.version,
                "rules": rules,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }]
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A relative path as a URI reference (forward slashes, no leading `./`).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path).to_string();
    path.split('/')
        .map(|seg| seg.replace(' ', "%20"))
        .collect::<Vec<_>>()
        .join("/")
}
