//! The data-flow diagram in Graphviz DOT, drawn like pytm's `--dfd`: boundaries
//! as dashed red clusters (nested boundaries as nested clusters), node shapes by
//! element kind, flows as labelled edges.

use crate::diagram::{Layout, Step, flow_label, ordered_flows};
use crate::wrap::{LABEL_WIDTH, clean, wrap_label};
use moat_model::{ElementKind, Model};
use std::fmt::Write as _;

/// Words DOT reads as keywords wherever an id may stand.
const RESERVED: &[&str] = &["node", "edge", "graph", "digraph", "subgraph", "strict"];

pub(crate) fn render(model: &Model) -> String {
    let layout = Layout::new(model, RESERVED);
    let mut out = String::new();
    out.push_str("digraph tm {\n");
    out.push_str("    graph [\n");
    out.push_str("        fontname = \"Arial\";\n");
    out.push_str("        fontsize = 20;\n");
    out.push_str("        labelloc = \"t\";\n");
    let _ = writeln!(out, "        label = \"{}\";", escape(&clean(&model.name)));
    out.push_str("        nodesep = 1;\n");
    out.push_str("        rankdir = LR;\n");
    out.push_str("    ]\n");
    out.push_str("    node [fontname = \"Arial\"; fontsize = 14;]\n");
    out.push_str("    edge [fontname = \"Arial\"; fontsize = 12; arrowtail = onormal;]\n");

    for step in &layout.steps {
        match *step {
            Step::Open { boundary, depth } => {
                let Some(b) = model.boundaries.get(boundary) else {
                    continue;
                };
                let pad = indent(depth);
                out.push('\n');
                let _ = writeln!(
                    out,
                    "{pad}subgraph cluster_{} {{",
                    layout.boundary_id(boundary)
                );
                let _ = writeln!(
                    out,
                    "{pad}    graph [fontsize = 10; fontcolor = black; style = dashed; \
                     color = firebrick2; label = \"{}\";]",
                    label(&b.name, LABEL_WIDTH)
                );
            }
            Step::Close { depth, .. } => {
                let _ = writeln!(out, "{}}}", indent(depth));
            }
            Step::Node { element, depth } => {
                let Some(e) = model.elements.get(element) else {
                    continue;
                };
                let _ = writeln!(
                    out,
                    "{}{} [shape = {}; color = black; fontcolor = black; label = \"{}\"; margin = 0.02;]",
                    indent(depth),
                    layout.element_id(element),
                    shape(e.kind),
                    label(&e.name, LABEL_WIDTH)
                );
            }
        }
    }

    if !model.flows.is_empty() {
        out.push('\n');
    }
    for flow in ordered_flows(model) {
        let Some((source, sink)) = layout.endpoints(flow) else {
            let _ = writeln!(
                out,
                "    // flow `{}` skipped: its source or sink is not an element",
                clean(&flow.id)
            );
            continue;
        };
        // Graphviz draws an edge from a node to itself as a loop.
        let _ = writeln!(
            out,
            "    {source} -> {sink} [color = black; fontcolor = black; dir = forward; label = \"{}\";]",
            label(&flow_label(flow), LABEL_WIDTH)
        );
    }
    out.push_str("}\n");
    out
}

fn indent(depth: usize) -> String {
    "    ".repeat(depth + 1)
}

fn shape(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Actor | ElementKind::ExternalEntity => "box",
        ElementKind::Server | ElementKind::Process => "circle",
        ElementKind::SetOfProcesses => "doublecircle",
        ElementKind::Lambda => "box; style = rounded",
        ElementKind::Datastore => "cylinder",
        ElementKind::Agent | ElementKind::Llm => "hexagon",
    }
}

/// `text` wrapped at `width` and escaped for a DOT quoted string, lines joined
/// with DOT's centred line break `\n`.
fn label(text: &str, width: usize) -> String {
    wrap_label(text, width)
        .iter()
        .map(|line| escape(line))
        .collect::<Vec<_>>()
        .join("\\n")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_wrapped_and_escaped() {
        assert_eq!(
            label("Say \"hi\" \\ to the\nbucket owner", 18),
            "Say \\\"hi\\\" \\\\ to the\\nbucket owner"
        );
    }
}
