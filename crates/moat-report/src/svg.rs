//! The data-flow diagram as a self-contained SVG, laid out in-process by
//! `layout-rs` (a layered, Sugiyama-style layout like Graphviz's `dot`), so no
//! Graphviz binary is needed. layout-rs only places nodes and routes edges:
//! this module draws every shape itself, so the output carries each model id
//! (`id="el-…"`, `id="flow-…"`, `data-id`) for reports to link to, escapes all
//! text, and is byte-identical for the same model.
//!
//! layout-rs knows no clusters, so a boundary is drawn as a dashed box around
//! the laid-out positions of its elements (and of its nested boundaries'
//! boxes), outermost first so the innermost is drawn last, on top.

use crate::diagram::{Layout, Step, flow_label, ordered_flows};
use crate::wrap::{LABEL_WIDTH, clean, truncate, width, wrap_label};
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use moat_model::{ElementKind, Model};
use std::fmt::Write as _;

/// Font sizes, and the width of a character assumed when sizing shapes
/// (there is no font to measure; this errs wide for a sans-serif face).
const NODE_FONT: f64 = 13.0;
const FLOW_FONT: usize = 11;
const CHAR_WIDTH: f64 = 7.5;
const LINE_HEIGHT: f64 = 16.0;
/// Flow labels longer than this are cut (the full label is in the `<title>`).
const FLOW_LABEL_MAX: usize = 28;
/// Space between a boundary's box and what it contains; room for its name on top.
const BOUNDARY_PAD: f64 = 12.0;
const BOUNDARY_TITLE: f64 = 16.0;
const MARGIN: f64 = 10.0;
const TITLE_HEIGHT: f64 = 30.0;

pub(crate) fn render(model: &Model) -> String {
    let layout = Layout::new(model, &[]);

    let mut graph = VisualGraph::new(Orientation::LeftToRight);
    let handles: Vec<_> = model
        .elements
        .iter()
        .map(|e| {
            let (w, h) = node_size(e.kind, &wrap_label(&e.name, LABEL_WIDTH));
            // The shape is drawn here, not by layout-rs: its text stays empty so
            // layout-rs keeps the size given. Circles make edges end on an ellipse.
            let shape = match e.kind {
                ElementKind::Server | ElementKind::Process | ElementKind::SetOfProcesses => {
                    ShapeKind::new_circle("")
                }
                _ => ShapeKind::new_box(""),
            };
            graph.add_node(Element::create(
                shape,
                StyleAttr::simple(),
                Orientation::LeftToRight,
                Point::new(w, h),
            ))
        })
        .collect();

    // Flows whose source or sink names no element are skipped (loaders reject them).
    let mut flows = Vec::new();
    for flow in ordered_flows(model) {
        let (Some(source), Some(sink)) = (layout.element(&flow.source), layout.element(&flow.sink))
        else {
            continue;
        };
        let (Some(&from), Some(&to)) = (handles.get(source), handles.get(sink)) else {
            continue;
        };
        let full = clean(&flow_label(flow));
        let short = truncate(&full, FLOW_LABEL_MAX);
        let look = StyleAttr::new(Color::fast("black"), 1, None, 0, FLOW_FONT);
        // The arrow's properties carry the flow's index; the backend reads it back.
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            LineStyleKind::Normal,
            short.trim(),
            &look,
            flows.len().to_string(),
            &None,
            &None,
        );
        graph.add_edge(arrow, from, to);
        flows.push((flow, full, short.trim().to_string()));
    }

    let mut backend = Recorder::default();
    if !model.elements.is_empty() {
        graph.do_it(false, false, false, &mut backend);
    }

    let mut bounds = Bounds::default();
    let boxes: Vec<(f64, f64, f64, f64)> = handles
        .iter()
        .map(|&h| {
            let (top_left, bottom_right) = graph.pos(h).bbox(false);
            (top_left.x, top_left.y, bottom_right.x, bottom_right.y)
        })
        .collect();
    for &(x0, y0, x1, y1) in &boxes {
        bounds.add(x0, y0);
        bounds.add(x1, y1);
    }
    let boundary_boxes = boundary_boxes(model, &layout, &boxes);
    for (x0, y0, x1, y1) in boundary_boxes.iter().flatten().copied() {
        bounds.add(x0, y0);
        bounds.add(x1, y1);
    }
    for arrow in &backend.arrows {
        for (a, b) in &arrow.points {
            bounds.add(a.x, a.y);
            bounds.add(b.x, b.y);
        }
    }
    for (p, text) in &backend.labels {
        let half = width(text) as f64 * CHAR_WIDTH * 0.5;
        bounds.add(p.x - half, p.y - LINE_HEIGHT);
        bounds.add(p.x + half, p.y + LINE_HEIGHT);
    }
    let title = clean(&model.name);
    bounds.add(0.0, 0.0);
    bounds.add(width(&title) as f64 * CHAR_WIDTH * 1.3, 0.0);

    // Everything is shifted so the drawing starts at (MARGIN, MARGIN + TITLE_HEIGHT).
    let dx = MARGIN - bounds.min_x;
    let dy = MARGIN + TITLE_HEIGHT - bounds.min_y;
    let total_w = bounds.max_x - bounds.min_x + 2.0 * MARGIN;
    let total_h = bounds.max_y - bounds.min_y + 2.0 * MARGIN + TITLE_HEIGHT;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"Arial, Helvetica, sans-serif\">",
        w = num(total_w),
        h = num(total_h)
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&title));
    out.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"black\"/></marker></defs>\n",
    );
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"18\">{}</text>",
        num(MARGIN),
        num(MARGIN + 18.0),
        escape(&title)
    );

    // Boundaries, outermost first (the walk opens a parent before its children).
    for step in &layout.steps {
        let Step::Open { boundary, .. } = *step else {
            continue;
        };
        let (Some(b), Some(Some((x0, y0, x1, y1)))) =
            (model.boundaries.get(boundary), boundary_boxes.get(boundary))
        else {
            continue;
        };
        let _ = writeln!(
            out,
            "<g id=\"boundary-{id}\" class=\"boundary\" data-id=\"{id}\">\
             <title>{name}</title>\
             <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"none\" \
             stroke=\"firebrick\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"11\" fill=\"firebrick\">{name}</text></g>",
            id = escape(&b.id),
            name = escape(&clean(&b.name)),
            x = num(x0 + dx),
            y = num(y0 + dy),
            w = num(x1 - x0),
            h = num(y1 - y0),
            tx = num(x0 + dx + 6.0),
            ty = num(y0 + dy + 13.0),
        );
    }

    // Flows: the routed path, and the label layout-rs placed in its middle.
    let mut labels_used = vec![false; backend.labels.len()];
    for arrow in &backend.arrows {
        let Some((flow, full, short)) = arrow.flow.and_then(|i| flows.get(i)) else {
            continue;
        };
        let d = curve(&arrow.points, dx, dy);
        let _ = write!(
            out,
            "<g id=\"flow-{id}\" class=\"flow\" data-id=\"{id}\"><title>{title}</title>\
             <path d=\"{d}\" fill=\"none\" stroke=\"black\" marker-end=\"url(#arrow)\"/>",
            id = escape(&flow.id),
            title = escape(full),
        );
        // Labels come back as text drawn at a point; pair each flow with the
        // first unused one of the same text (equal texts are interchangeable).
        let label =
            backend.labels.iter().enumerate().find(|(i, (_, text))| {
                !labels_used.get(*i).copied().unwrap_or(true) && text == short
            });
        if let Some((i, (p, text))) = label {
            if let Some(used) = labels_used.get_mut(i) {
                *used = true;
            }
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"{FLOW_FONT}\" text-anchor=\"middle\" \
                 paint-order=\"stroke\" stroke=\"white\" stroke-width=\"3\" \
                 dominant-baseline=\"central\">{}</text>",
                num(p.x + dx),
                num(p.y + dy),
                escape(text)
            );
        }
        out.push_str("</g>\n");
    }

    // Elements last, so arrows end on their outlines rather than cross them.
    for (e, &(x0, y0, x1, y1)) in model.elements.iter().zip(&boxes) {
        let (x0, y0, x1, y1) = (x0 + dx, y0 + dy, x1 + dx, y1 + dy);
        let _ = write!(
            out,
            "<g id=\"el-{id}\" class=\"element {kind}\" data-id=\"{id}\"><title>{name} ({label})</title>",
            id = escape(&e.id),
            kind = e.kind.as_str(),
            name = escape(&clean(&e.name)),
            label = e.kind.label(),
        );
        out.push_str(&shape(e.kind, x0, y0, x1, y1));
        let lines = wrap_label(&e.name, LABEL_WIDTH);
        let cx = (x0 + x1) / 2.0;
        let first = (y0 + y1) / 2.0 - (lines.len() as f64 - 1.0) * LINE_HEIGHT / 2.0;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{NODE_FONT}\" text-anchor=\"middle\" \
             dominant-baseline=\"central\">",
            num(cx),
            num(first)
        );
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                out,
                "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                num(cx),
                num(first + i as f64 * LINE_HEIGHT),
                escape(line)
            );
        }
        out.push_str("</text></g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// The size of an element's shape for its wrapped label: ellipses need more room
/// around the same text than boxes.
fn node_size(kind: ElementKind, lines: &[String]) -> (f64, f64) {
    let longest = lines.iter().map(|l| width(l)).max().unwrap_or(0) as f64;
    let w = longest * CHAR_WIDTH + 24.0;
    let h = lines.len() as f64 * LINE_HEIGHT + 18.0;
    match kind {
        ElementKind::Server | ElementKind::Process | ElementKind::SetOfProcesses => {
            (w * 1.3 + 8.0, h * 1.4)
        }
        _ => (w.max(60.0), h),
    }
}

/// The outline of an element inside its box, by DFD convention: external
/// entities as rectangles, processes as ellipses (a set of processes doubled),
/// data stores as open-ended boxes, lambdas and AI parts as rounded boxes.
fn shape(kind: ElementKind, x0: f64, y0: f64, x1: f64, y1: f64) -> String {
    let (w, h) = (x1 - x0, y1 - y0);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let stroke = "fill=\"white\" stroke=\"black\" stroke-width=\"1.5\"";
    let rect = |rx: f64| {
        format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {stroke}/>",
            num(x0),
            num(y0),
            num(w),
            num(h),
            num(rx)
        )
    };
    let ellipse = |inset: f64| {
        format!(
            "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {stroke}/>",
            num(cx),
            num(cy),
            num((w / 2.0 - inset).max(1.0)),
            num((h / 2.0 - inset).max(1.0))
        )
    };
    match kind {
        ElementKind::Actor | ElementKind::ExternalEntity => rect(0.0),
        ElementKind::Server | ElementKind::Process => ellipse(0.0),
        ElementKind::SetOfProcesses => format!("{}{}", ellipse(0.0), ellipse(4.0)),
        ElementKind::Lambda | ElementKind::Agent | ElementKind::Llm => rect(10.0),
        ElementKind::Datastore => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"white\" stroke=\"none\"/>\
             <path d=\"M{},{} H{} M{},{} H{}\" fill=\"none\" stroke=\"black\" stroke-width=\"1.5\"/>",
            num(x0),
            num(y0),
            num(w),
            num(h),
            num(x0),
            num(y0),
            num(x1),
            num(x0),
            num(y1),
            num(x1)
        ),
    }
}

type Rect = (f64, f64, f64, f64);

/// Each boundary's box: around its elements and its nested boundaries' boxes,
/// padded, with room for its name. `None` for a boundary with nothing inside.
fn boundary_boxes(model: &Model, layout: &Layout<'_>, boxes: &[Rect]) -> Vec<Option<Rect>> {
    let mut result: Vec<Option<Rect>> = vec![None; model.boundaries.len()];
    // The walk nests Open/Close properly, so a stack (not recursion) suffices.
    let mut stack: Vec<(usize, Option<Rect>)> = Vec::new();
    for step in &layout.steps {
        match *step {
            Step::Open { boundary, .. } => stack.push((boundary, None)),
            Step::Node { element, .. } => {
                if let (Some(top), Some(&r)) = (stack.last_mut(), boxes.get(element)) {
                    top.1 = Some(union(top.1, r));
                }
            }
            Step::Close { .. } => {
                let Some((boundary, Some((x0, y0, x1, y1)))) = stack.pop() else {
                    continue;
                };
                let padded = (
                    x0 - BOUNDARY_PAD,
                    y0 - BOUNDARY_PAD - BOUNDARY_TITLE,
                    x1 + BOUNDARY_PAD,
                    y1 + BOUNDARY_PAD,
                );
                if let Some(slot) = result.get_mut(boundary) {
                    *slot = Some(padded);
                }
                if let Some(parent) = stack.last_mut() {
                    parent.1 = Some(union(parent.1, padded));
                }
            }
        }
    }
    result
}

fn union(a: Option<Rect>, b: Rect) -> Rect {
    match a {
        None => b,
        Some(a) => (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)),
    }
}

#[derive(Default)]
struct Bounds {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
    any: bool,
}

impl Bounds {
    fn add(&mut self, x: f64, y: f64) {
        // A non-finite coordinate (never expected from layout-rs) is ignored
        // rather than spread NaN through the whole drawing.
        if !x.is_finite() || !y.is_finite() {
            return;
        }
        if self.any {
            self.min_x = self.min_x.min(x);
            self.min_y = self.min_y.min(y);
            self.max_x = self.max_x.max(x);
            self.max_y = self.max_y.max(y);
        } else {
            (self.min_x, self.min_y, self.max_x, self.max_y, self.any) = (x, y, x, y, true);
        }
    }
}

/// What layout-rs asks to draw, kept for this module to draw itself: arrows
/// (routed paths, with the flow index passed in their properties) and the
/// flow labels it placed. Node shapes are drawn from the node positions instead.
#[derive(Default)]
struct Recorder {
    arrows: Vec<RecordedArrow>,
    labels: Vec<(Point, String)>,
}

struct RecordedArrow {
    flow: Option<usize>,
    /// layout-rs's cubic Bézier chain, see [`curve`].
    points: Vec<(Point, Point)>,
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        _: Point,
        _: Point,
        _: &StyleAttr,
        _: Option<String>,
        _: Option<ClipHandle>,
    ) {
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, xy: Point, text: &str, _: &StyleAttr) {
        // Node texts are empty (nodes are drawn by this module); the rest are flow labels.
        if !text.is_empty() {
            self.labels.push((xy, text.to_string()));
        }
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _: bool,
        _: (bool, bool),
        _: &StyleAttr,
        properties: Option<String>,
        _: &str,
    ) {
        self.arrows.push(RecordedArrow {
            flow: properties.and_then(|p| p.parse().ok()),
            points: path.to_vec(),
        });
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

/// SVG path data for layout-rs's edge route, shifted by (`dx`, `dy`): the
/// first pair is the start and its control point, the second the end of the
/// first segment's curve and its incoming control point, and each further pair
/// a smooth continuation (control, end), as layout-rs's own SVG writer reads it.
fn curve(path: &[(Point, Point)], dx: f64, dy: f64) -> String {
    let at = |p: Point| format!("{},{}", num(p.x + dx), num(p.y + dy));
    let mut d = String::new();
    let mut rest = path.iter();
    match (rest.next(), rest.next()) {
        (Some(&(start, c1)), Some(&(c2, end))) => {
            let _ = write!(d, "M{} C{} {} {}", at(start), at(c1), at(c2), at(end));
        }
        // Fewer than two pairs: no curve to draw (layout-rs always gives two).
        _ => return d,
    }
    for &(control, end) in rest {
        let _ = write!(d, " S{} {}", at(control), at(end));
    }
    d
}

/// A coordinate with at most one decimal, `-0` and non-finite values as `0`,
/// so output is stable and compact.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let rounded = (v * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0".into()
    } else {
        format!("{rounded}")
    }
}

/// `text` escaped for XML character data and quoted attributes; control
/// characters (not allowed in XML 1.0) made harmless first.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
