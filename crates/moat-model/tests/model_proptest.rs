#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Round trips over arbitrary models: through JSON, and through Moat's YAML
//! format and back through the loader; and no input makes the loader panic.

use moat_model::schema::{self, AttrType, Target};
use moat_model::{
    Attributes, Boundary, Classification, DataAsset, Dataflow, Element, ElementKind, Model,
    Properties,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};
use serde_json::Value;
use std::path::Path;

/// Any printable text, including YAML-significant spellings (`null`, `- x`, `#`).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        select(vec![
            "null", "~", "true", "no", "0x1F", "1e3", "- x", "a: b", "#c", "'q'", " x "
        ])
        .prop_map(str::to_string),
    ]
}

fn name() -> impl Strategy<Value = String> {
    text().prop_filter("names are not blank", |s| !s.trim().is_empty())
}

/// Unique by construction: whatever `base` is, the suffix tells objects apart.
fn id(base: String, kind: char, index: usize) -> String {
    format!("{base}·{kind}{index}")
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Binary fractions with few digits: serde_json (without its
        // `float_roundtrip` feature) parses only those back exactly.
        (-1e6..1e6_f64).prop_map(|x| Value::from((x * 64.0).round() / 64.0)),
        text().prop_map(Value::from),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn properties() -> impl Strategy<Value = Properties> {
    btree_map(text(), json(), 0..3)
}

fn attribute_value(ty: AttrType) -> BoxedStrategy<Value> {
    match ty {
        AttrType::Bool => any::<bool>().prop_map(Value::from).boxed(),
        AttrType::Int => any::<i64>().prop_map(Value::from).boxed(),
        AttrType::Str | AttrType::FlowRef => text().prop_map(Value::from).boxed(),
        AttrType::StrList => vec(text(), 0..3).prop_map(Value::from).boxed(),
        AttrType::IntList => vec(any::<i64>(), 0..3).prop_map(Value::from).boxed(),
        AttrType::Enum(kind) => select(kind.members()).prop_map(Value::from).boxed(),
    }
}

/// Some of `target`'s attributes and controls, with values of the right type.
fn attributes(target: Target) -> impl Strategy<Value = Attributes> {
    // Flow references need flow ids; the loader's reference checks have their own tests.
    let specs: Vec<_> = schema::attributes(target)
        .iter()
        .filter(|s| s.ty != AttrType::FlowRef)
        .collect();
    let count = specs.len().min(4);
    let plain = subsequence(specs, 0..=count).prop_flat_map(|chosen| {
        chosen
            .into_iter()
            .map(|s| attribute_value(s.ty).prop_map(move |v| (s.name.to_string(), v)))
            .collect::<Vec<_>>()
    });
    let with_controls = schema::has_controls(target);
    let controls =
        subsequence(schema::CONTROLS.iter().collect::<Vec<_>>(), 0..=3).prop_flat_map(|chosen| {
            chosen
                .into_iter()
                .map(|s| attribute_value(s.ty).prop_map(move |v| (s.name.to_string(), v)))
                .collect::<Vec<_>>()
        });
    (plain, controls).prop_map(move |(plain, controls)| {
        let mut attributes: Attributes = plain.into_iter().collect();
        if with_controls && !controls.is_empty() {
            let flags: serde_json::Map<String, Value> = controls.into_iter().collect();
            attributes.insert("controls".to_string(), Value::Object(flags));
        }
        attributes
    })
}

/// Parts of an object; references are indexes, resolved once the counts are known.
type Common = (String, String, String, Vec<String>, Properties);

type BoundaryParts = (Common, Option<Index>, Attributes);
type ElementParts = (Common, ElementKind, Attributes, Option<Index>, Vec<Index>);
type FlowParts = (Common, Index, Index, Attributes, Vec<Index>);
type DataParts = (Common, Classification, Attributes);

fn common() -> impl Strategy<Value = Common> {
    (text(), name(), text(), vec(text(), 0..3), properties())
}

fn boundaries(count: usize) -> impl Strategy<Value = Vec<BoundaryParts>> {
    vec(
        (
            common(),
            any::<Option<Index>>(),
            attributes(Target::Boundary),
        ),
        count,
    )
}

fn elements(count: usize) -> impl Strategy<Value = Vec<ElementParts>> {
    vec(
        select(ElementKind::ALL.to_vec()).prop_flat_map(|kind| {
            (
                common(),
                Just(kind),
                attributes(Target::Element(kind)),
                any::<Option<Index>>(),
                vec(any::<Index>(), 0..3),
            )
        }),
        count,
    )
}

fn flows(count: usize) -> impl Strategy<Value = Vec<FlowParts>> {
    vec(
        (
            common(),
            any::<Index>(),
            any::<Index>(),
            attributes(Target::Dataflow),
            vec(any::<Index>(), 0..3),
        ),
        count,
    )
}

fn data(count: usize) -> impl Strategy<Value = Vec<DataParts>> {
    vec(
        (
            common(),
            select(Classification::ALL.to_vec()),
            attributes(Target::Data),
        ),
        count,
    )
}

fn model() -> impl Strategy<Value = Model> {
    (0..4_usize, 1..5_usize, 0..6_usize, 0..4_usize)
        .prop_flat_map(|(nb, ne, nf, nd)| {
            (
                name(),
                text(),
                boundaries(nb),
                elements(ne),
                flows(nf),
                data(nd),
            )
        })
        .prop_map(|(name, description, bs, es, fs, ds)| {
            let boundary_ids: Vec<String> = bs
                .iter()
                .enumerate()
                .map(|(i, b)| id(b.0.0.clone(), 'b', i))
                .collect();
            let element_ids: Vec<String> = es
                .iter()
                .enumerate()
                .map(|(i, e)| id(e.0.0.clone(), 'e', i))
                .collect();
            let data_ids: Vec<String> = ds
                .iter()
                .enumerate()
                .map(|(i, d)| id(d.0.0.clone(), 'd', i))
                .collect();
            let data_refs = |refs: &[Index]| -> Vec<String> {
                if data_ids.is_empty() {
                    return Vec::new();
                }
                refs.iter()
                    .map(|r| data_ids[r.index(data_ids.len())].clone())
                    .collect()
            };
            let boundaries = bs
                .iter()
                .enumerate()
                .map(
                    |(i, ((_, name, description, tags, properties), parent, attributes))| {
                        Boundary {
                            id: boundary_ids[i].clone(),
                            name: name.clone(),
                            description: description.clone(),
                            // Only earlier boundaries: parents never form a cycle.
                            parent: parent
                                .filter(|_| i > 0)
                                .map(|p| boundary_ids[p.index(i)].clone()),
                            attributes: attributes.clone(),
                            tags: tags.clone(),
                            properties: properties.clone(),
                            span: None,
                        }
                    },
                )
                .collect();
            let elements = es
                .iter()
                .enumerate()
                .map(
                    |(
                        i,
                        (
                            (_, name, description, tags, properties),
                            kind,
                            attributes,
                            boundary,
                            data,
                        ),
                    )| {
                        Element {
                            id: element_ids[i].clone(),
                            name: name.clone(),
                            kind: *kind,
                            description: description.clone(),
                            boundary: boundary
                                .filter(|_| !boundary_ids.is_empty())
                                .map(|b| boundary_ids[b.index(boundary_ids.len())].clone()),
                            data: data_refs(data),
                            attributes: attributes.clone(),
                            tags: tags.clone(),
                            properties: properties.clone(),
                            span: None,
                            implements: Vec::new(),
                        }
                    },
                )
                .collect();
            let flows = fs
                .iter()
                .enumerate()
                .map(
                    |(
                        i,
                        (
                            (base, name, description, tags, properties),
                            source,
                            sink,
                            attributes,
                            data,
                        ),
                    )| {
                        Dataflow {
                            id: id(base.clone(), 'f', i),
                            name: name.clone(),
                            source: element_ids[source.index(element_ids.len())].clone(),
                            sink: element_ids[sink.index(element_ids.len())].clone(),
                            description: description.clone(),
                            data: data_refs(data),
                            attributes: attributes.clone(),
                            tags: tags.clone(),
                            properties: properties.clone(),
                            span: None,
                            implements: Vec::new(),
                        }
                    },
                )
                .collect();
            let data = ds
                .iter()
                .enumerate()
                .map(
                    |(
                        i,
                        ((_, name, description, tags, properties), classification, attributes),
                    )| {
                        DataAsset {
                            id: data_ids[i].clone(),
                            name: name.clone(),
                            description: description.clone(),
                            classification: *classification,
                            attributes: attributes.clone(),
                            tags: tags.clone(),
                            properties: properties.clone(),
                            span: None,
                        }
                    },
                )
                .collect();
            Model {
                name,
                description,
                source: Some("model.yaml".to_string()),
                boundaries,
                elements,
                flows,
                data,
                implements: Vec::new(),
                decisions: Vec::new(),
                incomplete: Vec::new(),
            }
        })
}

fn without_spans(mut model: Model) -> Model {
    model.boundaries.iter_mut().for_each(|b| b.span = None);
    model.elements.iter_mut().for_each(|e| e.span = None);
    model.flows.iter_mut().for_each(|f| f.span = None);
    model.data.iter_mut().for_each(|d| d.span = None);
    model
}

/// Byte-level edits of a real model: text that is almost, but not quite, valid.
fn mutated_example() -> impl Strategy<Value = String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/s3/model.yaml");
    let example = std::fs::read_to_string(path).unwrap();
    let edits = vec(
        (
            any::<Index>(),
            any::<Index>(),
            "\\PC{0,3}|[\\[\\]{}:\\-&*!|>#'\" \n\t]",
        ),
        1..6,
    );
    edits.prop_map(move |edits| {
        let mut text = example.clone();
        for (at, len, insert) in edits {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|i| text.is_char_boundary(*i))
                .collect();
            let start = boundaries[at.index(boundaries.len())];
            let rest: Vec<usize> = boundaries.iter().copied().filter(|i| *i >= start).collect();
            let end = rest[len.index(rest.len().min(4))];
            text.replace_range(start..end, &insert);
        }
        text
    })
}

fn yaml_soup() -> impl Strategy<Value = String> {
    let tokens = vec![
        "name: ",
        "id: ",
        "kind: ",
        "elements:",
        "flows:",
        "data:",
        "boundaries:",
        "- ",
        "  ",
        "\n",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "&a ",
        "*a",
        "<<: *a",
        "!!str ",
        "? ",
        "|\n",
        ">-\n",
        "'",
        "\"",
        "#",
        "---\n",
        "...\n",
        "\t",
        "source: ",
        "sink: ",
        "parent: ",
        "attributes: ",
        "controls: ",
        "actor",
        "x",
        "1",
        "true",
        "~",
        "\u{feff}",
    ];
    vec(select(tokens), 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn models_round_trip_through_json(model in model()) {
        let json = serde_json::to_string(&model).unwrap();
        let back: Model = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, model);
    }

    #[test]
    fn models_round_trip_through_the_yaml_format(model in model()) {
        let document = moat_model::yaml::document(&model);
        let text = serde_saphyr::to_string(&document).unwrap();
        let loaded = moat_model::load("model.yaml", &text);
        let errors: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect();
        prop_assert!(errors.is_empty(), "{:#?}\n{}", errors, text);
        prop_assert_eq!(without_spans(loaded.model.unwrap()), model, "{}", text);
    }

    #[test]
    fn loading_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = moat_model::load("any.yaml", &text);
    }

    #[test]
    fn loading_never_panics_on_yaml_like_text(text in yaml_soup()) {
        let loaded = moat_model::load("soup.yaml", &text);
        prop_assert!(loaded.model.is_some() || loaded.has_errors());
    }

    #[test]
    fn loading_never_panics_on_a_damaged_model(text in mutated_example()) {
        let loaded = moat_model::load("damaged.yaml", &text);
        for diagnostic in &loaded.diagnostics {
            prop_assert!(diagnostic.location.is_some(), "{}", diagnostic);
        }
    }
}
