//! The flows as a PlantUML sequence diagram, like pytm's `--seq`: every element
//! a participant (in model order), then one message per flow in sequence order.

use crate::diagram::{Layout, flow_label, ordered_flows};
use crate::wrap::clean;
use moat_model::{ElementKind, Model};
use std::fmt::Write as _;

/// Words PlantUML reads as keywords at the start of a sequence-diagram line.
const RESERVED: &[&str] = &[
    "actor",
    "participant",
    "boundary",
    "control",
    "entity",
    "database",
    "collections",
    "queue",
    "as",
    "note",
    "end",
    "title",
    "alt",
    "else",
    "opt",
    "loop",
    "par",
    "break",
    "critical",
    "group",
    "ref",
    "activate",
    "deactivate",
    "destroy",
    "create",
    "autonumber",
    "return",
    "hide",
    "show",
    "skinparam",
];

pub(crate) fn render(model: &Model) -> String {
    let layout = Layout::new(model, RESERVED);
    let mut out = String::from("@startuml\n");
    if !model.name.trim().is_empty() {
        let _ = writeln!(out, "title {}", escape(&model.name));
    }
    for (i, e) in model.elements.iter().enumerate() {
        let _ = writeln!(
            out,
            "{} \"{}\" as {}",
            participant(e.kind),
            escape(&e.name),
            layout.element_id(i)
        );
    }
    out.push('\n');
    for flow in ordered_flows(model) {
        let Some((source, sink)) = layout.endpoints(flow) else {
            let _ = writeln!(
                out,
                "' flow `{}` skipped: its source or sink is not an element",
                clean(&flow.id)
            );
            continue;
        };
        let _ = writeln!(out, "{source} -> {sink}: {}", escape(&flow_label(flow)));
        let note = flow
            .attributes
            .get("note")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        if !note.trim().is_empty() {
            let _ = writeln!(out, "note left: {}", escape(note));
        }
    }
    out.push_str("@enduml\n");
    out
}

fn participant(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Actor => "actor",
        ElementKind::Datastore => "database",
        _ => "entity",
    }
}

/// One line of display text: control characters become spaces, and the
/// characters PlantUML would read as string ends, escapes or markup become
/// `<U+XXXX>` code points.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '"' | '\\' | '<' | '>' | '~' => {
                let _ = write!(out, "<U+{:04X}>", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_text_escapes_quotes_and_backslashes() {
        assert_eq!(
            escape("a \"b\"\\n<c>\nd"),
            "a <U+0022>b<U+0022><U+005C>n<U+003C>c<U+003E> d"
        );
    }
}
