#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `diagram -f svg`: well-formed XML, every element and flow findable by its
//! model id, text escaped, the same bytes for the same model.

mod common;

use common::{nested, s3};
use moat_model::{Dataflow, Element, ElementKind, Model};

/// The ids of every `<g>` with a `data-id`, as `id` attribute and `data-id`.
/// The SVG of a model within the layout's limits.
fn svg_of(model: &Model) -> String {
    moat_report::svg(model).expect("a model within the limits lays out")
}

/// A model above the limits is refused with what to do instead, not laid
/// out for minutes.
#[test]
fn a_model_too_large_to_lay_out_says_so() {
    let mut model = Model::default();
    for i in 0..=moat_report::SVG_MAX_ELEMENTS {
        model
            .elements
            .push(element(&format!("e{i}"), ElementKind::Process));
    }
    let error = moat_report::svg(&model).expect_err("too large");
    assert!(error.message.contains("-f dot"), "{}", error.message);
}

fn groups(svg: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("g"))
        .filter_map(|n| {
            Some((
                n.attribute("id")?.to_string(),
                n.attribute("data-id")?.to_string(),
            ))
        })
        .collect()
}

fn assert_every_part_is_drawn(model: &Model) {
    let svg = svg_of(model);
    let groups = groups(&svg);
    for e in &model.elements {
        let id = format!("el-{}", e.id);
        assert!(groups.contains(&(id.clone(), e.id.clone())), "{id} missing");
    }
    for f in &model.flows {
        let id = format!("flow-{}", f.id);
        assert!(groups.contains(&(id.clone(), f.id.clone())), "{id} missing");
    }
    assert_eq!(svg, svg_of(model), "not deterministic");
}

#[test]
fn svg_s3() {
    insta::assert_snapshot!(svg_of(&s3().model));
}

#[test]
fn every_element_and_flow_of_nested_boundaries_is_drawn() {
    let model = nested().model;
    assert!(model.boundaries.iter().any(|b| b.parent.is_some()));
    assert_every_part_is_drawn(&model);
    let svg = svg_of(&model);
    let groups = groups(&svg);
    for b in &model.boundaries {
        assert!(
            groups.contains(&(format!("boundary-{}", b.id), b.id.clone())),
            "{}",
            b.id
        );
    }
    // Parents are drawn before (under) the boundaries nested in them.
    let position = |id: &str| svg.find(&format!("id=\"boundary-{id}\"")).unwrap();
    for b in &model.boundaries {
        if let Some(parent) = &b.parent {
            assert!(
                position(parent) < position(&b.id),
                "{} before {parent}",
                b.id
            );
        }
    }
    insta::assert_snapshot!(svg);
}

#[test]
fn the_seed_model_is_drawn() {
    assert_every_part_is_drawn(&s3().model);
}

const NAUGHTY: &str = "Say \"hi\" & 'bye' <b>bold</b> ]]> \u{7}\n- second";

#[test]
fn hostile_names_and_ids_are_escaped() {
    let mut model = s3().model;
    model.name = NAUGHTY.into();
    model.boundaries[0].name = NAUGHTY.into();
    model.boundaries[0].id = format!("b {NAUGHTY}");
    for e in &mut model.elements {
        e.boundary = Some(model.boundaries[0].id.clone());
    }
    let old = model.elements[0].id.clone();
    model.elements[0].id = format!("e {NAUGHTY}");
    model.elements[0].name = NAUGHTY.into();
    for f in &mut model.flows {
        for end in [&mut f.source, &mut f.sink] {
            if *end == old {
                *end = model.elements[0].id.clone();
            }
        }
        f.name = NAUGHTY.into();
    }
    model.flows[0].id = format!("f {NAUGHTY}");
    let svg = svg_of(&model);
    assert!(!svg.contains("<b>"));
    assert!(!svg.contains('\u{7}'));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // Names come back as text, whole (control characters made spaces or U+FFFD).
    let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
    assert!(
        title
            .text()
            .unwrap()
            .starts_with("Say \"hi\" & 'bye' <b>bold</b> ]]>")
    );
    let element = doc
        .descendants()
        .find(|n| {
            n.attribute("data-id")
                .is_some_and(|id| id.starts_with("e Say"))
        })
        .expect("the hostile element id round-trips");
    assert!(
        element
            .attribute("id")
            .unwrap()
            .starts_with("el-e Say \"hi\" & 'bye' <b>")
    );
}

fn element(id: &str, kind: ElementKind) -> Element {
    Element {
        id: id.into(),
        name: id.into(),
        kind,
        description: String::new(),
        boundary: None,
        data: vec![],
        attributes: Default::default(),
        tags: vec![],
        properties: Default::default(),
        span: None,
        implements: Vec::new(),
    }
}

fn flow(id: &str, source: &str, sink: &str) -> Dataflow {
    Dataflow {
        id: id.into(),
        name: id.into(),
        source: source.into(),
        sink: sink.into(),
        description: String::new(),
        data: vec![],
        attributes: Default::default(),
        tags: vec![],
        properties: Default::default(),
        span: None,
        implements: Vec::new(),
    }
}

#[test]
fn odd_graphs_do_not_panic() {
    // Empty, loops, cycles, duplicate edges, empty names, dangling endpoints,
    // unknown boundaries, every kind.
    assert!(svg_of(&Model::default()).starts_with("<svg"));
    let mut model = Model::default();
    for (i, kind) in ElementKind::ALL.into_iter().enumerate() {
        let mut e = element(&format!("e{i}"), kind);
        e.boundary = Some("nowhere".into());
        model.elements.push(e);
    }
    model.flows = vec![
        flow("loop", "e0", "e0"),
        flow("ab", "e1", "e2"),
        flow("ba", "e2", "e1"),
        flow("ab2", "e1", "e2"),
        flow("", "e3", "e4"),
        flow("dangling", "e3", "missing"),
        flow("long", "e0", "e8"),
    ];
    let svg = svg_of(&model);
    roxmltree::Document::parse(&svg).unwrap();
    let groups = groups(&svg);
    assert!(!groups.iter().any(|(id, _)| id == "flow-dangling"));
    model.flows.retain(|f| f.id != "dangling");
    assert_every_part_is_drawn(&model);
}

/// Each element's box and each boundary's box, by model id, as drawn.
type Boxes = (
    Vec<(String, (f64, f64, f64, f64))>,
    Vec<(String, (f64, f64, f64, f64))>,
);

fn drawn_boxes(svg: &str) -> Boxes {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let num = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    let mut elements = Vec::new();
    let mut boundaries = Vec::new();
    for g in doc.descendants().filter(|n| n.has_tag_name("g")) {
        let (Some(class), Some(id)) = (g.attribute("class"), g.attribute("data-id")) else {
            continue;
        };
        let mut r: Option<(f64, f64, f64, f64)> = None;
        for shape in g.children() {
            let b = if shape.has_tag_name("rect") {
                let (x, y) = (num(shape, "x"), num(shape, "y"));
                (x, y, x + num(shape, "width"), y + num(shape, "height"))
            } else if shape.has_tag_name("ellipse") {
                let (cx, cy, rx, ry) = (
                    num(shape, "cx"),
                    num(shape, "cy"),
                    num(shape, "rx"),
                    num(shape, "ry"),
                );
                (cx - rx, cy - ry, cx + rx, cy + ry)
            } else {
                continue;
            };
            r = Some(match r {
                None => b,
                Some(a) => (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)),
            });
        }
        let Some(r) = r else { continue };
        if class.starts_with("element") {
            elements.push((id.to_string(), r));
        } else if class.starts_with("boundary") {
            boundaries.push((id.to_string(), r));
        }
    }
    (elements, boundaries)
}

/// The boundaries that hold `element`, directly or through nesting.
fn enclosing(model: &Model, element: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = model
        .elements
        .iter()
        .find(|e| e.id == element)
        .and_then(|e| e.boundary.clone());
    while let Some(b) = at {
        if out.contains(&b) {
            break;
        }
        out.push(b.clone());
        at = model
            .boundaries
            .iter()
            .find(|x| x.id == b)
            .and_then(|x| x.parent.clone());
    }
    out
}

fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Boundaries are clusters: an element inside a boundary is drawn inside
/// its box, and no element outside it touches the box.
fn assert_boundaries_are_clusters(name: &str, model: &Model) {
    let svg = svg_of(model);
    let (elements, boundaries) = drawn_boxes(&svg);
    assert_eq!(elements.len(), model.elements.len(), "{name}");
    for (b, bbox) in &boundaries {
        for (e, ebox) in &elements {
            let inside = enclosing(model, e).contains(b);
            if inside {
                assert!(
                    ebox.0 >= bbox.0 && ebox.1 >= bbox.1 && ebox.2 <= bbox.2 && ebox.3 <= bbox.3,
                    "{name}: `{e}` belongs in boundary `{b}` but is drawn outside it"
                );
            } else {
                assert!(
                    !overlaps(*ebox, *bbox),
                    "{name}: `{e}` is outside boundary `{b}` but drawn on its box"
                );
            }
        }
    }
}

#[test]
fn no_element_outside_a_boundary_lies_inside_its_box_in_the_examples() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut checked = 0;
    for example in [
        "examples/s3/tm.py",
        "examples/s3/model.yaml",
        "examples/data-lake/model.yaml",
        "examples/reachability/model.yaml",
    ] {
        let text = std::fs::read_to_string(root.join(example)).unwrap();
        let loaded = moat_model::load(example, &text);
        let model = loaded.model.unwrap_or_else(|| panic!("{example} loads"));
        assert_boundaries_are_clusters(example, &model);
        checked += usize::from(!model.boundaries.is_empty());
    }
    assert!(checked >= 3, "the examples have boundaries");
    assert_boundaries_are_clusters("nested fixture", &nested().model);
    assert_boundaries_are_clusters("s3 fixture", &s3().model);
}

/// A model where an unbounded element sits between two members of a
/// boundary in the flow order: the old drawing put it inside the box.
#[test]
fn an_element_between_members_of_a_boundary_stays_outside_it() {
    let mut model = s3().model;
    model.boundaries.truncate(1);
    let b = model.boundaries[0].id.clone();
    model.boundaries[0].parent = None;
    for (i, e) in model.elements.iter_mut().enumerate() {
        e.boundary = (i % 2 == 0).then(|| b.clone());
    }
    assert_boundaries_are_clusters("alternating", &model);
}
