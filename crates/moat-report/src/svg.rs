//! The data-flow diagram as a self-contained SVG, laid out in-process by
//! `layout-rs` (a layered, Sugiyama-style layout like Graphviz's `dot`), so no
//! Graphviz binary is needed. layout-rs only places nodes and routes edges:
//! this module draws every shape itself, so the output carries each model id
//! (`id="el-…"`, `id="flow-…"`, `data-id`) for reports to link to, escapes all
//! text, and is byte-identical for the same model.
//!
//! layout-rs knows no clusters, so boundaries are laid out as nested
//! clusters here (see [`place`]): each boundary's contents as a graph of
//! their own, the result one block in the graph around it. A boundary is
//! drawn as a dashed box, outermost first so the innermost is drawn last.

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
/// The width of a character of a boundary's name (11px against 13px).
const TITLE_CHAR_WIDTH: f64 = CHAR_WIDTH * 11.0 / 13.0;
const MARGIN: f64 = 10.0;
const TITLE_HEIGHT: f64 = 30.0;

pub(crate) fn render(model: &Model) -> String {
    let layout = Layout::new(model, &[]);
    let placed = place(model, &layout);
    let boxes = &placed.elements;
    let boundary_boxes = &placed.boundaries;

    let mut bounds = Bounds::default();
    for &(x0, y0, x1, y1) in boxes.iter().chain(boundary_boxes.iter().flatten()) {
        bounds.add(x0, y0);
        bounds.add(x1, y1);
    }
    for (_, route) in &placed.paths {
        for p in route.points() {
            bounds.add(p.x, p.y);
        }
    }
    for (_, p, text) in &placed.labels {
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
    let flows = ordered_flows(model);
    for (flow_index, d) in &placed.paths {
        let Some(flow) = flows.get(*flow_index) else {
            continue;
        };
        let full = clean(&flow_label(flow));
        let _ = write!(
            out,
            "<g id=\"flow-{id}\" class=\"flow\" data-id=\"{id}\"><title>{title}</title>\
             <path d=\"{d}\" fill=\"none\" stroke=\"black\" marker-end=\"url(#arrow)\"/>",
            id = escape(&flow.id),
            title = escape(&full),
            d = path_data(d, dx, dy),
        );
        if let Some((_, p, text)) = placed.labels.iter().find(|(i, _, _)| i == flow_index) {
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
    for (e, &(x0, y0, x1, y1)) in model.elements.iter().zip(boxes) {
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

/// The drawing in absolute coordinates: each element's box, each boundary's
/// box (`None` when it holds nothing), each flow's route by its index in
/// [`ordered_flows`], and the flow labels layout-rs placed.
struct Placed {
    elements: Vec<Rect>,
    boundaries: Vec<Option<Rect>>,
    paths: Vec<(usize, Route)>,
    labels: Vec<(usize, Point, String)>,
}

/// layout-rs's cubic Bézier chain (see [`path_data`]), with straight
/// connectors from the element inside a boundary to where the route meets
/// that boundary's box.
struct Route {
    start: Option<Point>,
    pairs: Vec<(Point, Point)>,
    end: Option<Point>,
    /// The route starts (ends) at a block that holds the flow's source (sink).
    from_block: bool,
    to_block: bool,
}

impl Route {
    fn points(&self) -> impl Iterator<Item = Point> + '_ {
        self.start
            .into_iter()
            .chain(self.pairs.iter().flat_map(|&(a, b)| [a, b]))
            .chain(self.end)
    }

    fn shifted(mut self, by: Point) -> Self {
        let add = |p: Point| Point::new(p.x + by.x, p.y + by.y);
        self.start = self.start.map(add);
        self.end = self.end.map(add);
        for pair in &mut self.pairs {
            *pair = (add(pair.0), add(pair.1));
        }
        self
    }
}

/// What sits directly in a boundary (or at the top level): elements, and
/// the boundaries nested in it, each laid out before as one block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Item {
    Element(usize),
    Block(usize),
}

/// One container laid out on its own, in its own coordinates.
#[derive(Default)]
struct Local {
    /// Each item's box.
    items: Vec<(Item, Rect)>,
    /// Routes of the flows between this container's items, with the items
    /// they join (a block stands for the element inside it).
    routes: Vec<(usize, Route)>,
    labels: Vec<(usize, Point, String)>,
    /// Everything drawn: items, routes, labels.
    extent: Option<Rect>,
}

/// Lays out the boundaries as nested clusters: each boundary's elements and
/// nested boundaries are laid out as a graph of their own, innermost first,
/// and the result becomes one block node, of its size, in the graph of the
/// boundary around it. An element outside a boundary can therefore never
/// land inside its box. A flow between two elements of different blocks is
/// routed by layout-rs between the blocks, at the level where they meet,
/// and joined to its elements by straight connectors.
fn place(model: &Model, layout: &Layout<'_>) -> Placed {
    let flows = ordered_flows(model);
    let count = model.boundaries.len();
    // containers: boundary index, or `count` for the top level
    let mut members: Vec<Vec<Item>> = vec![Vec::new(); count + 1];
    let mut parent_of: Vec<usize> = vec![count; count];
    let mut element_container: Vec<usize> = vec![count; model.elements.len()];
    let mut post_order = Vec::with_capacity(count + 1);
    let mut stack: Vec<usize> = Vec::new();
    for step in &layout.steps {
        let top = stack.last().copied().unwrap_or(count);
        match *step {
            Step::Open { boundary, .. } => {
                if let Some(p) = parent_of.get_mut(boundary) {
                    *p = top;
                }
                stack.push(boundary);
            }
            Step::Node { element, .. } => {
                if let Some(c) = element_container.get_mut(element) {
                    *c = top;
                }
                if let Some(list) = members.get_mut(top) {
                    list.push(Item::Element(element));
                }
            }
            Step::Close { boundary, .. } => {
                stack.pop();
                post_order.push(boundary);
            }
        }
    }
    // elements the walk left out (none expected) sit at the top level
    for (e, c) in element_container.iter().enumerate() {
        if *c == count
            && !members
                .get(count)
                .is_some_and(|list| list.contains(&Item::Element(e)))
            && let Some(list) = members.get_mut(count)
        {
            list.push(Item::Element(e));
        }
    }
    post_order.push(count);

    // the item of container `c` that holds element `e`, if `c` holds it at all
    let item_in = |e: usize, c: usize| -> Option<Item> {
        let mut at = *element_container.get(e)?;
        if at == c {
            return Some(Item::Element(e));
        }
        let mut guard = 0;
        while at != count && guard <= count {
            let up = *parent_of.get(at)?;
            if up == c {
                return Some(Item::Block(at));
            }
            at = up;
            guard += 1;
        }
        None
    };

    let mut locals: Vec<Local> = (0..=count).map(|_| Local::default()).collect();
    // the size of each boundary's block, once laid out
    let mut block_size: Vec<Option<(f64, f64)>> = vec![None; count];
    for &c in &post_order {
        // nested boundaries join their parent's items once laid out
        let mut items: Vec<Item> = members.get(c).cloned().unwrap_or_default();
        for (b, &p) in parent_of.iter().enumerate() {
            if p == c && b != c && block_size.get(b).copied().flatten().is_some() {
                items.push(Item::Block(b));
            }
        }
        let local = lay_out(model, &flows, &items, &block_size, |e| item_in(e, c));
        if c < count {
            // wide enough for its name too
            let title = model.boundaries.get(c).map_or(0.0, |b| {
                width(&clean(&b.name)) as f64 * TITLE_CHAR_WIDTH + 12.0
            });
            if let (Some(slot), Some((x0, y0, x1, y1))) = (block_size.get_mut(c), local.extent) {
                *slot = Some((
                    (x1 - x0 + 2.0 * BOUNDARY_PAD).max(title),
                    y1 - y0 + 2.0 * BOUNDARY_PAD + BOUNDARY_TITLE,
                ));
            }
        }
        if let Some(slot) = locals.get_mut(c) {
            *slot = local;
        }
    }

    // top-down: the top level at its own coordinates, each block's content
    // centred in the box its parent's layout gave the block
    let mut placed = Placed {
        elements: vec![(0.0, 0.0, 0.0, 0.0); model.elements.len()],
        boundaries: vec![None; count],
        paths: Vec::new(),
        labels: Vec::new(),
    };
    // each container with the box its parent gave it (the top level at 0,0)
    let mut work = vec![(count, (0.0, 0.0, 0.0, 0.0))];
    while let Some((c, frame)) = work.pop() {
        let Some(local) = locals.get_mut(c) else {
            continue;
        };
        // a block's content sits below its title, centred across its box
        let shift = match local.extent {
            Some((x0, y0, x1, _)) if c != count => Point::new(
                frame.0 + ((frame.2 - frame.0) - (x1 - x0)) / 2.0 - x0,
                frame.1 + BOUNDARY_PAD + BOUNDARY_TITLE - y0,
            ),
            _ => Point::new(frame.0, frame.1),
        };
        for &(item, (x0, y0, x1, y1)) in &local.items {
            let r = (x0 + shift.x, y0 + shift.y, x1 + shift.x, y1 + shift.y);
            match item {
                Item::Element(e) => {
                    if let Some(slot) = placed.elements.get_mut(e) {
                        *slot = r;
                    }
                }
                Item::Block(b) => {
                    if let Some(slot) = placed.boundaries.get_mut(b) {
                        *slot = Some(r);
                    }
                    work.push((b, r));
                }
            }
        }
        for (flow, route) in std::mem::take(&mut local.routes) {
            placed.paths.push((flow, route.shifted(shift)));
        }
        for (flow, p, text) in std::mem::take(&mut local.labels) {
            placed
                .labels
                .push((flow, Point::new(p.x + shift.x, p.y + shift.y), text));
        }
    }
    // connectors: from each flow's element to where its route meets the block
    for (flow_index, route) in &mut placed.paths {
        let Some(flow) = flows.get(*flow_index) else {
            continue;
        };
        let (Some(source), Some(sink)) = (layout.element(&flow.source), layout.element(&flow.sink))
        else {
            continue;
        };
        let (Some(first), Some(last)) = (
            route.pairs.first().map(|p| p.0),
            route.pairs.last().map(|p| p.1),
        ) else {
            continue;
        };
        if route.from_block
            && let (Some(r), Some(e)) = (placed.elements.get(source), model.elements.get(source))
        {
            route.start = Some(port(e.kind, r, first));
        }
        if route.to_block
            && let (Some(r), Some(e)) = (placed.elements.get(sink), model.elements.get(sink))
        {
            route.end = Some(port(e.kind, r, last));
        }
    }
    placed.paths.sort_by_key(|(i, _)| *i);
    placed.labels.sort_by_key(|(i, _, _)| *i);
    placed
}

/// Where the line from the centre of an element's box towards `towards`
/// crosses its outline (an ellipse for process shapes, else the box).
fn port(kind: ElementKind, r: &Rect, towards: Point) -> Point {
    let c = Point::new((r.0 + r.2) / 2.0, (r.1 + r.3) / 2.0);
    let (dx, dy) = (towards.x - c.x, towards.y - c.y);
    let (hw, hh) = (((r.2 - r.0) / 2.0).max(1.0), ((r.3 - r.1) / 2.0).max(1.0));
    if dx == 0.0 && dy == 0.0 {
        return c;
    }
    let t = match kind {
        ElementKind::Server | ElementKind::Process | ElementKind::SetOfProcesses => {
            1.0 / ((dx / hw).powi(2) + (dy / hh).powi(2)).sqrt()
        }
        _ => {
            let tx = if dx == 0.0 {
                f64::INFINITY
            } else {
                hw / dx.abs()
            };
            let ty = if dy == 0.0 {
                f64::INFINITY
            } else {
                hh / dy.abs()
            };
            tx.min(ty)
        }
    };
    Point::new(c.x + dx * t, c.y + dy * t)
}

/// Lays out one container's `items` with layout-rs: the flows whose two
/// ends are in different items here (`item_of` says which item holds an
/// element, `None` when the element is outside), and self-flows.
fn lay_out(
    model: &Model,
    flows: &[&moat_model::Dataflow],
    items: &[Item],
    block_size: &[Option<(f64, f64)>],
    item_of: impl Fn(usize) -> Option<Item>,
) -> Local {
    let mut local = Local::default();
    if items.is_empty() {
        return local;
    }
    let layout_ids: std::collections::HashMap<&str, usize> = {
        let mut m = std::collections::HashMap::new();
        for (i, e) in model.elements.iter().enumerate() {
            m.entry(e.id.as_str()).or_insert(i);
        }
        m
    };
    let mut graph = VisualGraph::new(Orientation::LeftToRight);
    let handles: Vec<_> = items
        .iter()
        .map(|&item| {
            let (shape, (w, h)) = match item {
                Item::Element(e) => {
                    let Some(el) = model.elements.get(e) else {
                        return graph.add_node(Element::create(
                            ShapeKind::new_box(""),
                            StyleAttr::simple(),
                            Orientation::LeftToRight,
                            Point::new(10.0, 10.0),
                        ));
                    };
                    let size = node_size(el.kind, &wrap_label(&el.name, LABEL_WIDTH));
                    // The shape is drawn here, not by layout-rs: its text stays empty so
                    // layout-rs keeps the size given. Circles make edges end on an ellipse.
                    let shape = match el.kind {
                        ElementKind::Server
                        | ElementKind::Process
                        | ElementKind::SetOfProcesses => ShapeKind::new_circle(""),
                        _ => ShapeKind::new_box(""),
                    };
                    (shape, size)
                }
                Item::Block(b) => (
                    ShapeKind::new_box(""),
                    block_size.get(b).copied().flatten().unwrap_or((10.0, 10.0)),
                ),
            };
            graph.add_node(Element::create(
                shape,
                StyleAttr::simple(),
                Orientation::LeftToRight,
                Point::new(w, h),
            ))
        })
        .collect();
    let index_of = |item: Item| items.iter().position(|&i| i == item);
    let mut blocks: std::collections::HashMap<usize, (bool, bool)> =
        std::collections::HashMap::new();

    for (flow_index, flow) in flows.iter().enumerate() {
        let (Some(&source), Some(&sink)) = (
            layout_ids.get(flow.source.as_str()),
            layout_ids.get(flow.sink.as_str()),
        ) else {
            continue;
        };
        let (Some(from), Some(to)) = (item_of(source), item_of(sink)) else {
            continue;
        };
        // two ends inside one nested block: laid out there
        if from == to && matches!(from, Item::Block(_)) {
            continue;
        }
        let (Some(&a), Some(&b)) = (
            index_of(from).and_then(|i| handles.get(i)),
            index_of(to).and_then(|i| handles.get(i)),
        ) else {
            continue;
        };
        let short = truncate(&clean(&flow_label(flow)), FLOW_LABEL_MAX);
        let look = StyleAttr::new(Color::fast("black"), 1, None, 0, FLOW_FONT);
        // The arrow's properties carry the flow's index; the backend reads it back.
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            LineStyleKind::Normal,
            short.trim(),
            &look,
            flow_index.to_string(),
            &None,
            &None,
        );
        graph.add_edge(arrow, a, b);
        blocks.insert(
            flow_index,
            (matches!(from, Item::Block(_)), matches!(to, Item::Block(_))),
        );
    }

    let mut backend = Recorder::default();
    graph.do_it(false, false, false, &mut backend);

    let mut extent: Option<Rect> = None;
    for (&item, &h) in items.iter().zip(&handles) {
        let (top_left, bottom_right) = graph.pos(h).bbox(false);
        let r = (top_left.x, top_left.y, bottom_right.x, bottom_right.y);
        extent = Some(union(extent, r));
        local.items.push((item, r));
    }
    // labels come back as text drawn at a point; pair each flow with the
    // first unused one of the same text (equal texts are interchangeable)
    let mut labels_used = vec![false; backend.labels.len()];
    for arrow in backend.arrows {
        let Some(flow_index) = arrow.flow else {
            continue;
        };
        for (a, b) in &arrow.points {
            extent = Some(union(extent, (a.x, a.y, a.x, a.y)));
            extent = Some(union(extent, (b.x, b.y, b.x, b.y)));
        }
        let short = flows
            .get(flow_index)
            .map(|f| {
                truncate(&clean(&flow_label(f)), FLOW_LABEL_MAX)
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();
        let label =
            backend.labels.iter().enumerate().find(|(i, (_, text))| {
                !labels_used.get(*i).copied().unwrap_or(true) && *text == short
            });
        if let Some((i, (p, text))) = label {
            if let Some(used) = labels_used.get_mut(i) {
                *used = true;
            }
            let half = width(text) as f64 * CHAR_WIDTH * 0.5;
            extent = Some(union(
                extent,
                (p.x - half, p.y - LINE_HEIGHT, p.x + half, p.y + LINE_HEIGHT),
            ));
            local.labels.push((flow_index, *p, text.clone()));
        }
        local.routes.push((
            flow_index,
            Route {
                start: None,
                pairs: arrow.points,
                end: None,
                from_block: blocks.get(&flow_index).is_some_and(|b| b.0),
                to_block: blocks.get(&flow_index).is_some_and(|b| b.1),
            },
        ));
    }
    local.extent = extent;
    local
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

/// SVG path data for a route, shifted by (`dx`, `dy`): layout-rs's chain,
/// where the first pair is the start and its control point, the second the
/// end of the first segment's curve and its incoming control point, and each
/// further pair a smooth continuation (control, end), as layout-rs's own SVG
/// writer reads it; with straight connectors before and after when set.
fn path_data(route: &Route, dx: f64, dy: f64) -> String {
    let at = |p: Point| format!("{},{}", num(p.x + dx), num(p.y + dy));
    let mut d = String::new();
    let mut rest = route.pairs.iter();
    match (rest.next(), rest.next()) {
        (Some(&(start, c1)), Some(&(c2, end))) => {
            match route.start {
                Some(s) => {
                    let _ = write!(d, "M{} L{} ", at(s), at(start));
                }
                None => {
                    let _ = write!(d, "M{} ", at(start));
                }
            }
            let _ = write!(d, "C{} {} {}", at(c1), at(c2), at(end));
        }
        // Fewer than two pairs: no curve to draw (layout-rs always gives two).
        _ => return d,
    }
    for &(control, end) in rest {
        let _ = write!(d, " S{} {}", at(control), at(end));
    }
    if let Some(e) = route.end {
        let _ = write!(d, " L{}", at(e));
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
