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
