//! The data-flow diagram as a Mermaid flowchart: boundaries as (nested)
//! subgraphs with a dashed red border, node shapes by element kind, flows as
//! labelled edges.

use crate::diagram::{Layout, Step, flow_label, ordered_flows};
use crate::wrap::{LABEL_WIDTH, clean, wrap_label};
use moat_model::{ElementKind, Model};
use std::fmt::Write as _;

/// Words Mermaid reads as keywords where a node id may stand (`end` closes a subgraph).
const RESERVED: &[&str] = &[
    "end",
    "graph",
    "flowchart",
    "subgraph",
    "direction",
    "style",
    "class",
    "classDef",
    "click",
    "linkStyle",
    "call",
    "href",
    "default",
];

const BOUNDARY_STYLE: &str = "fill:none,stroke:#cd2626,stroke-width:1px,stroke-dasharray:5 5";

pub(crate) fn render(model: &Model) -> String {
    let layout = Layout::new(model, RESERVED);
    let mut out = String::from("flowchart LR\n");
    for step in &layout.steps {
        match *step {
            Step::Open { boundary, depth } => {
                let Some(b) = model.boundaries.get(boundary) else {
                    continue;
                };
                let _ = writeln!(
                    out,
                    "{}subgraph {}[\"{}\"]",
                    indent(depth),
                    layout.boundary_id(boundary),
                    label(&b.name)
                );
            }
            Step::Close { depth, .. } => {
                let _ = writeln!(out, "{}end", indent(depth));
            }
            Step::Node { element, depth } => {
                let Some(e) = model.elements.get(element) else {
                    continue;
                };
                let (open, close) = shape(e.kind);
                let _ = writeln!(
                    out,
                    "{}{}{open}\"{}\"{close}",
                    indent(depth),
                    layout.element_id(element),
                    label(&e.name)
                );
            }
        }
    }
    for flow in ordered_flows(model) {
        match layout.endpoints(flow) {
            // Mermaid draws an edge from a node to itself as a loop.
            Some((source, sink)) => {
                let _ = writeln!(
                    out,
                    "    {source} -->|\"{}\"| {sink}",
                    label(&flow_label(flow))
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "    %% flow `{}` skipped: its source or sink is not an element",
                    clean(&flow.id)
                );
            }
        }
    }
    for boundary in 0..model.boundaries.len() {
        let _ = writeln!(
            out,
            "    style {} {BOUNDARY_STYLE}",
            layout.boundary_id(boundary)
        );
    }
    out
}

fn indent(depth: usize) -> String {
    "    ".repeat(depth + 1)
}

fn shape(kind: ElementKind) -> (&'static str, &'static str) {
    match kind {
        ElementKind::Actor | ElementKind::ExternalEntity => ("[", "]"),
        ElementKind::Server | ElementKind::Process => ("((", "))"),
        ElementKind::SetOfProcesses => ("(((", ")))"),
        ElementKind::Lambda => ("(", ")"),
        ElementKind::Datastore => ("[(", ")]"),
        ElementKind::Agent | ElementKind::Llm => ("{{", "}}"),
    }
}

/// `text` wrapped, each line escaped with Mermaid entity codes, joined by `<br/>`.
fn label(text: &str) -> String {
    wrap_label(text, LABEL_WIDTH)
        .iter()
        .map(|line| escape(line))
        .collect::<Vec<_>>()
        .join("<br/>")
}

/// Characters that would end a quoted label, start an entity, or be read as
/// HTML or Markdown become Mermaid entity codes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\\' => out.push_str("#92;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_use_entity_codes() {
        assert_eq!(
            label("C# \"app\" <a|b> & more text here"),
            "C#35; #quot;app#quot; #lt;a#124;b#gt; #amp;<br/>more text here"
        );
    }
}
