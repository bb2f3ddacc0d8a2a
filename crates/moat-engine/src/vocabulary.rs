//! The `service` and `features` properties checked against what Moat knows:
//! the service ids of `catalog/aws/services.yaml` (and the services of the
//! loaded catalogs' feature classes), and the feature-class ids of the loaded
//! catalogs. A typo must not quietly cost an element its threats: an unknown
//! value is a located warning with "did you mean", and the engine treats the
//! element as of unknown service (generic threats apply, AWS ones do not) or as
//! declaring no features (every feature threat is reported, assumed in use). A
//! value that differs only in case is rewritten to the known id, with a note.

use crate::gate::Gates;
use moat_catalog::{Catalog, services};
use moat_model::{Diagnostic, Model, Properties, SourceFile, Span};

/// Checks every element's, flow's and boundary's `service` and `features`,
/// rewriting case variants in place; returns the diagnostics, located in
/// `source` when given.
pub fn check(model: &mut Model, source: Option<&SourceFile>, catalog: &Catalog) -> Vec<Diagnostic> {
    let gates = Gates::new(catalog);
    let vocabulary = Vocabulary::new(catalog, &gates);
    let mut out = Vec::new();
    let mut owners: Vec<(&str, &str, Option<Span>, &mut Properties)> = Vec::new();
    for e in &mut model.elements {
        owners.push(("element", &e.id, e.span, &mut e.properties));
    }
    for f in &mut model.flows {
        owners.push(("flow", &f.id, f.span, &mut f.properties));
    }
    for b in &mut model.boundaries {
        owners.push(("boundary", &b.id, b.span, &mut b.properties));
    }
    for (what, id, span, properties) in owners {
        let owner = Owner {
            what,
            id,
            span,
            source,
        };
        vocabulary.service(&owner, properties, &mut out);
        vocabulary.features(&owner, properties, &mut out);
    }
    out
}

struct Owner<'a> {
    what: &'static str,
    id: &'a str,
    span: Option<Span>,
    source: Option<&'a SourceFile>,
}

impl Owner<'_> {
    /// Points `diagnostic` at `value` of `key` in the owner's source, or at the
    /// owner when the value cannot be found again.
    fn locate(&self, diagnostic: Diagnostic, key: &str, value: Option<&str>) -> Diagnostic {
        let Some(file) = self.source else {
            return diagnostic;
        };
        match locate(&file.text, self.span, key, value).or(self.span) {
            Some(span) => diagnostic.at(file, span),
            None => diagnostic.in_file(&file.name),
        }
    }
}

struct Vocabulary<'c> {
    gates: &'c Gates<'c>,
    /// Feature-class ids a suggestion may name, in catalog order.
    feature_ids: Vec<&'c str>,
    /// Service ids: the table's, then the catalogs' own services.
    service_ids: Vec<&'c str>,
}

impl<'c> Vocabulary<'c> {
    fn new(catalog: &'c Catalog, gates: &'c Gates<'c>) -> Self {
        let mut service_ids: Vec<&str> = services::ids();
        for class in &catalog.feature_classes {
            let service = class.service.as_str();
            if !service.is_empty() && !service_ids.contains(&service) {
                service_ids.push(service);
            }
        }
        let mut feature_ids: Vec<&str> = Vec::new();
        for class in &catalog.feature_classes {
            for id in std::iter::once(&class.id).chain(&class.trustoncloud) {
                if !feature_ids.contains(&id.as_str()) {
                    feature_ids.push(id);
                }
            }
        }
        Vocabulary {
            gates,
            feature_ids,
            service_ids,
        }
    }

    fn service(&self, owner: &Owner<'_>, properties: &mut Properties, out: &mut Vec<Diagnostic>) {
        let Some(value) = properties.get("service") else {
            return;
        };
        let Some(text) = value.as_str() else {
            out.push(
                owner.locate(
                    Diagnostic::warning(
                        "model::service",
                        format!(
                            "`service` of {} `{}` must be a string such as `s3:bucket`, found `{}`",
                            owner.what,
                            owner.id,
                            shown(&value.to_string())
                        ),
                    )
                    .with_help(UNKNOWN_SERVICE_EFFECT),
                    "service",
                    None,
                ),
            );
            return;
        };
        let text = text.to_string();
        if text.trim().is_empty() || self.service_ids.contains(&text.as_str()) {
            return;
        }
        if let Some(known) = self
            .service_ids
            .iter()
            .find(|id| id.eq_ignore_ascii_case(text.trim()))
        {
            out.push(
                owner.locate(
                    Diagnostic::note(
                        "model::service-case",
                        format!(
                            "`service` `{text}` of {} `{}` is read as `{known}`",
                            owner.what, owner.id
                        ),
                    )
                    .with_help(format!("write `{known}`: service ids are lowercase")),
                    "service",
                    Some(&text),
                ),
            );
            properties.insert("service".to_string(), (*known).into());
            return;
        }
        let suggestion = suggest(&text, self.service_ids.iter().copied())
            .map(|s| format!(", did you mean `{s}`?"))
            .unwrap_or_default();
        out.push(
            owner.locate(
                Diagnostic::warning(
                    "model::unknown-service",
                    format!(
                        "unknown service `{}` on {} `{}`{suggestion}",
                        shown(&text),
                        owner.what,
                        owner.id
                    ),
                )
                .with_help(UNKNOWN_SERVICE_EFFECT),
                "service",
                Some(&text),
            ),
        );
    }

    fn features(&self, owner: &Owner<'_>, properties: &mut Properties, out: &mut Vec<Diagnostic>) {
        let Some(value) = properties.get_mut("features") else {
            return;
        };
        let items: Vec<&mut serde_json::Value> = match value {
            serde_json::Value::Array(items) => items.iter_mut().collect(),
            one @ serde_json::Value::String(_) => vec![one],
            other => {
                let rendered = other.to_string();
                out.push(owner.locate(
                    Diagnostic::warning(
                        "model::features",
                        format!(
                            "`features` of {} `{}` must be a list of feature-class ids, found `{}`",
                            owner.what,
                            owner.id,
                            shown(&rendered)
                        ),
                    )
                    .with_help(UNKNOWN_FEATURE_EFFECT),
                    "features",
                    None,
                ));
                return;
            }
        };
        for item in items {
            let Some(text) = item.as_str().map(str::to_string) else {
                let rendered = item.to_string();
                out.push(
                    owner.locate(
                        Diagnostic::warning(
                            "model::features",
                            format!(
                                "`features` of {} `{}` lists `{}`, which is not a feature-class id",
                                owner.what,
                                owner.id,
                                shown(&rendered)
                            ),
                        )
                        .with_help(UNKNOWN_FEATURE_EFFECT),
                        "features",
                        None,
                    ),
                );
                continue;
            };
            if self.gates.is_known(&text) {
                continue;
            }
            if let Some(known) = self
                .feature_ids
                .iter()
                .find(|id| id.eq_ignore_ascii_case(text.trim()))
            {
                out.push(
                    owner.locate(
                        Diagnostic::note(
                            "model::feature-case",
                            format!(
                                "feature class `{text}` of {} `{}` is read as `{known}`",
                                owner.what, owner.id
                            ),
                        )
                        .with_help(format!("write `{known}`")),
                        "features",
                        Some(&text),
                    ),
                );
                *item = (*known).into();
                continue;
            }
            let suggestion = suggest(&text, self.feature_ids.iter().copied())
                .map(|s| format!(", did you mean `{s}`?"))
                .unwrap_or_default();
            out.push(
                owner.locate(
                    Diagnostic::warning(
                        "model::unknown-feature",
                        format!(
                            "unknown feature class `{}` on {} `{}`{suggestion}",
                            shown(&text),
                            owner.what,
                            owner.id
                        ),
                    )
                    .with_help(UNKNOWN_FEATURE_EFFECT),
                    "features",
                    Some(&text),
                ),
            );
        }
    }
}

/// A value as messages quote it: at most 80 characters.
fn shown(value: &str) -> String {
    const MAX: usize = 80;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

const UNKNOWN_SERVICE_EFFECT: &str = "until it names a known service the element is treated as of unknown service: threats of AWS services do not recognise it and generic threats apply to it; the known ids are listed in catalog/aws/services.yaml";

const UNKNOWN_FEATURE_EFFECT: &str = "until every id is known the element is treated as declaring no features: threats of optional features are reported on it as assumed in use; `moat catalog list` shows the feature classes";

/// The known name closest to `name` by edit distance (case ignored, adjacent
/// letters swapped counting once), if within a quarter of the shorter length
/// (at least 1): `s4` -> `s3`, `s3:bukket` -> `s3:bucket`, never `s3` -> `sts`.
pub fn suggest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // no id is this long; comparing a huge value would only cost time
    if name.len() > 128 {
        return None;
    }
    let lower = name.trim().to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        let other = candidate.to_lowercase();
        let shorter = lower.chars().count().min(other.chars().count());
        let limit = (shorter / 4).max(1);
        let distance = strsim::osa_distance(&lower, &other);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// How far past its owner's start a property is looked for: pytm scripts set
/// properties after the constructor, usually right after. Bounded so that a
/// model with thousands of unknown values is not searched end to end for each.
const SEARCH_WINDOW: usize = 64 * 1024;

/// Where `value` of `key` is written, searching the owner's own text first,
/// then what follows it; the key itself when the value is not found after it.
pub fn locate(text: &str, owner: Option<Span>, key: &str, value: Option<&str>) -> Option<Span> {
    let start = owner.map_or(0, |s| s.start as usize);
    let window = (start, start.saturating_add(SEARCH_WINDOW).min(text.len()));
    let regions = match owner {
        Some(span) => vec![(span.start as usize, span.end as usize), window],
        None => vec![window],
    };
    let mut key_only = None;
    for (start, end) in regions {
        // a window may end inside a character: step back to its start
        let mut end = end.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let Some(region) = text.get(start..end) else {
            continue;
        };
        for key_at in key_positions(region, key) {
            let after = key_at + key.len();
            let found = value.and_then(|v| {
                let window = region.get(after..)?;
                // a property's value is on its key's line, or (a block list) below it
                let limit = window.len().min(4096);
                let window = window.get(..limit).unwrap_or(window);
                find_token(window, v).map(|at| after + at)
            });
            match found {
                Some(at) => {
                    let len = value.map_or(0, str::len);
                    return Some(Span::new(start + at, start + at + len));
                }
                None => {
                    key_only.get_or_insert(Span::new(start + key_at, start + after));
                }
            }
        }
    }
    key_only
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

/// Offsets of `key` written as a key (`key:`, `key =`, `.key =`, `key=`).
fn key_positions<'a>(region: &'a str, key: &'a str) -> impl Iterator<Item = usize> + 'a {
    region.match_indices(key).filter_map(move |(at, _)| {
        let before = region.get(..at)?.chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let rest = region.get(at + key.len()..)?;
        let next = rest
            .trim_start_matches(['"', '\''])
            .trim_start_matches([' ', '\t']);
        (next.starts_with(':') || next.starts_with('=')).then_some(at)
    })
}

/// The first occurrence of `token` in `hay` not inside a longer word.
fn find_token(hay: &str, token: &str) -> Option<usize> {
    if token.is_empty() {
        return None;
    }
    hay.match_indices(token).map(|(at, _)| at).find(|&at| {
        let before = hay.get(..at).and_then(|s| s.chars().next_back());
        let after = hay.get(at + token.len()..).and_then(|s| s.chars().next());
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_stay_close() {
        let services = ["s3", "s3:bucket", "sts", "sns", "kms", "cloudtrail"];
        assert_eq!(suggest("s4", services), Some("s3"));
        assert_eq!(suggest("s3:bukket", services), Some("s3:bucket"));
        assert_eq!(suggest("cloudtrial", services), Some("cloudtrail"));
        assert_eq!(suggest("dynamodb", services), None);
        assert_eq!(suggest("s3:object", services), None);
        let features = ["FC-S3-REPLICATION", "FC-S3-WEBSITE"];
        assert_eq!(
            suggest("FC-S3-REPLICATON", features),
            Some("FC-S3-REPLICATION")
        );
        assert_eq!(suggest("FC-S3-TORRENT", features), None);
    }

    #[test]
    fn long_values_are_cut_and_not_compared() {
        let long = "s".repeat(10_000);
        assert_eq!(suggest(&long, ["s3"]), None);
        assert_eq!(shown(&long).chars().count(), 81);
        assert_eq!(shown("s3:bukket"), "s3:bukket");
    }

    #[test]
    fn values_are_found_after_their_key() {
        let yaml = "elements:\n  - id: b\n    properties:\n      service: \"s3:bukket\"\n      features: [A, FC-X]\n";
        let at = |key: &str, value: &str| {
            let span = locate(yaml, None, key, Some(value)).unwrap();
            &yaml[span.start as usize..span.end as usize]
        };
        assert_eq!(at("service", "s3:bukket"), "s3:bukket");
        assert_eq!(at("features", "FC-X"), "FC-X");
        // `A` inside `FC-X`'s neighbourhood is its own token
        let span = locate(yaml, None, "features", Some("A")).unwrap();
        assert_eq!(yaml[..span.start as usize].lines().count(), 5);
        let py =
            "b = Datastore(\"Data\")\nk = Server(\"Keys\", service=\"KMS\")\nb.service = 's4'\n";
        let owner = Span::new(0, 21);
        let span = locate(py, Some(owner), "service", Some("s4")).unwrap();
        assert_eq!(&py[span.start as usize..span.end as usize], "s4");
        let span = locate(py, None, "service", Some("KMS")).unwrap();
        assert_eq!(&py[span.start as usize..span.end as usize], "KMS");
        // a value that cannot be found again: the key
        let span = locate(py, None, "service", Some("zzz")).unwrap();
        assert_eq!(&py[span.start as usize..span.end as usize], "service");
        assert_eq!(locate(py, None, "features", Some("x")), None);
    }
}
