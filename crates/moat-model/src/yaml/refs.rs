//! Ids and references between model objects: one namespace for boundaries,
//! elements, flows and data; every reference resolved to an object of the
//! right kind; boundary parents without cycles; data that nothing uses.

use super::loc::Loc;
use super::report::{Reporter, list, quoted};
use crate::diag::{Diagnostic, did_you_mean};
use crate::span::Span;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdKind {
    Boundary,
    Element,
    Flow,
    Data,
}

impl IdKind {
    fn noun(self) -> &'static str {
        match self {
            IdKind::Boundary => "boundary",
            IdKind::Element => "element",
            IdKind::Flow => "flow",
            IdKind::Data => "data asset",
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            IdKind::Boundary => "a boundary",
            IdKind::Element => "an element",
            IdKind::Flow => "a flow",
            IdKind::Data => "a data asset",
        }
    }
}

/// An id to declare: where it is written, and whether it was derived from a name.
pub(crate) struct Declaration<'a> {
    pub id: Loc<&'a str>,
    pub kind: IdKind,
    pub derived: bool,
}

/// Declared ids, borrowed from the document, and whether each is referenced.
/// Hashed for speed; nothing is emitted in their order (candidate lists are
/// sorted). References may be resolved from several threads at once.
#[derive(Debug, Default)]
pub(crate) struct Ids<'a> {
    declared: HashMap<&'a str, Declared>,
}

#[derive(Debug)]
struct Declared {
    kind: IdKind,
    span: Span,
    used: AtomicBool,
}

/// At most this many ids are listed when none is close to a wrong reference.
const LIST_LIMIT: usize = 8;

impl<'a> Ids<'a> {
    /// Declares every id in file order, so a duplicate is reported where it repeats.
    pub fn declare_all(reporter: &Reporter, mut declarations: Vec<Declaration<'a>>) -> Ids<'a> {
        declarations.sort_by_key(|d| d.id.span.start);
        let mut ids = Ids {
            declared: HashMap::with_capacity(declarations.len()),
        };
        for declaration in declarations {
            ids.declare(reporter, declaration);
        }
        ids
    }

    fn declare(&mut self, reporter: &Reporter, declaration: Declaration<'a>) {
        let Declaration { id, kind, derived } = declaration;
        if reporter.is_flagged(id.span) {
            return;
        }
        if id.value.trim().is_empty() {
            reporter.report(
                Diagnostic::error(
                    "yaml::empty-id",
                    format!("{} has an empty id", kind.with_article()),
                ),
                id.span,
            );
            return;
        }
        if let Some(first) = self.declared.get(id.value) {
            let mut help = format!(
                "{} is already the id of the {} at {}",
                quoted(id.value),
                first.kind.noun(),
                reporter.line_of(first.span)
            );
            if derived {
                help.push_str(
                    "; a flow's id defaults to its name's slug, so give this flow an `id:`",
                );
            }
            reporter.report(
                Diagnostic::error(
                    "yaml::duplicate-id",
                    format!("duplicate id {}", quoted(id.value)),
                )
                .with_help(help),
                id.span,
            );
            return;
        }
        let used = AtomicBool::new(false);
        self.declared.insert(
            id.value,
            Declared {
                kind,
                span: id.span,
                used,
            },
        );
    }

    /// Whether `reference` names a declared object of kind `want`; reports it if not.
    pub fn resolve(&self, reporter: &Reporter, reference: Loc<&str>, want: IdKind) -> bool {
        let declared = self.declared.get(reference.value);
        if let Some(declared) = declared {
            declared.used.store(true, Ordering::Relaxed);
        }
        if reporter.is_flagged(reference.span) {
            return false;
        }
        match declared.map(|d| (d.kind, d.span)) {
            Some((kind, _)) if kind == want => true,
            Some((kind, span)) => {
                reporter.report(
                    Diagnostic::error(
                        "yaml::wrong-reference",
                        format!(
                            "{} is {}, not {}",
                            quoted(reference.value),
                            kind.with_article(),
                            want.with_article()
                        ),
                    )
                    .with_help(format!("it is declared at {}", reporter.line_of(span))),
                    reference.span,
                );
                false
            }
            None => {
                let mut candidates: Vec<&str> = self
                    .declared
                    .iter()
                    .filter(|(_, declared)| declared.kind == want)
                    .map(|(id, _)| *id)
                    .collect();
                candidates.sort_unstable();
                let help =
                    did_you_mean(reference.value, candidates.iter().copied()).or_else(|| {
                        match candidates.len() {
                            0 => Some(format!("the model declares no {}", want.noun())),
                            n if n <= LIST_LIMIT => {
                                Some(format!("expected {}", list(candidates.iter().copied())))
                            }
                            _ => None,
                        }
                    });
                let mut diagnostic = Diagnostic::error(
                    "yaml::unknown-reference",
                    format!("unknown {} {}", want.noun(), quoted(reference.value)),
                );
                if let Some(help) = help {
                    diagnostic = diagnostic.with_help(help);
                }
                reporter.report(diagnostic, reference.span);
                false
            }
        }
    }

    /// Whether `id`, declared at `span`, is declared but never referenced.
    pub fn is_unused(&self, id: &str, span: Span) -> bool {
        self.declared
            .get(id)
            .is_some_and(|d| d.span == span && !d.used.load(Ordering::Relaxed))
    }
}

/// Reports each cycle of boundary parents once, at the `parent:` that closes it.
/// `parents` maps a boundary id to its parent reference, in file order.
pub(crate) fn check_parent_cycles(reporter: &Reporter, parents: &[(&str, &Loc<String>)]) {
    let parent_of: BTreeMap<&str, &Loc<String>> = parents.iter().copied().collect();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    for &(start, _) in parents {
        let mut path: Vec<&str> = vec![start];
        let mut current = start;
        while let Some(parent) = parent_of.get(current) {
            current = parent.value.as_str();
            if current == start {
                if path.iter().all(|id| !reported.contains(id)) {
                    reported.extend(path.iter().copied());
                    let closing = parent_of.get(path.last().copied().unwrap_or(start));
                    let mut chain: Vec<String> = path.iter().map(|id| format!("`{id}`")).collect();
                    chain.push(format!("`{start}`"));
                    reporter.report(
                        Diagnostic::error(
                            "yaml::boundary-cycle",
                            format!(
                                "boundary `{start}` is inside itself: {}",
                                chain.join(" -> ")
                            ),
                        )
                        .with_help("a boundary's parents must end at a boundary without `parent:`"),
                        closing.map(|p| p.span).unwrap_or_default(),
                    );
                }
                break;
            }
            if path.contains(&current) {
                // A cycle further up; it is reported from one of its own members.
                break;
            }
            path.push(current);
        }
    }
}
