#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fast readers must build exactly serde-saphyr's tree (values, types,
//! spans), or leave the text to serde-saphyr.

use super::{MAX_BYTES, MAX_DEPTH, Node, NodeValue, events, fast, lines, saphyr};
use crate::span::SourceFile;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use std::path::{Path, PathBuf};

/// serde-saphyr's tree, if it reads `text` without error.
fn saphyr_tree(text: &str) -> Option<Node<'static>> {
    let file = SourceFile::new("test.yaml", text);
    saphyr::parse(&file).ok()
}

/// Trees are equal with the same spans and values (floats by their bits, so NaN equals NaN).
fn same_tree(a: &Node, b: &Node) -> bool {
    if a.span != b.span || a.defined != b.defined {
        return false;
    }
    match (&a.value, &b.value) {
        (NodeValue::Float(x), NodeValue::Float(y)) => x.to_bits() == y.to_bits(),
        (NodeValue::Seq(x), NodeValue::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_tree(a, b))
        }
        (NodeValue::Map(x), NodeValue::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| same_tree(ka, kb) && same_tree(va, vb))
        }
        (x, y) => x == y,
    }
}

/// Which fast readers took `text`; panics if one built a tree other than serde-saphyr's.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Took {
    lines: bool,
    events: bool,
}

fn check(text: &str) -> Took {
    let slow = saphyr_tree(text);
    let agrees = |reader: &str, tree: Option<Node>| {
        let Some(tree) = tree else {
            return false;
        };
        let agree = slow.as_ref().is_some_and(|slow| same_tree(&tree, slow));
        assert!(
            agree,
            "{reader}: {text:?}\nfast: {tree:#?}\nserde-saphyr: {slow:#?}"
        );
        true
    };
    Took {
        lines: agrees("lines", fast(text, lines::read)),
        events: agrees("events", fast(text, events::read)),
    }
}

fn repo_yaml_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dirs = [
        root.join("examples/s3"),
        root.join("catalog/generic"),
        root.join("crates/moat-model/tests/fixtures/yaml/errors"),
    ];
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn real_files_read_the_same_every_way() {
    let files = repo_yaml_files();
    assert!(files.len() > 10, "{files:?}");
    let mut by_events = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        if check(&text).events {
            by_events += 1;
        }
    }
    // Only the fixtures with anchors, several documents or broken syntax go the long way.
    assert!(
        by_events + 6 >= files.len(),
        "{by_events} of {}",
        files.len()
    );
}

#[test]
fn the_block_style_moat_writes_takes_the_line_reader() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/s3/model.yaml");
    let example = std::fs::read_to_string(example).unwrap();
    let generated = "name: Generated model\ndescription: generated for benchmarks\n\
        boundaries:\n- id: boundary-0\n  name: Boundary 0\n- id: boundary-1\n  name: Boundary 1\n  parent: boundary-0\n\
        elements:\n- id: element-3\n  name: Element 3\n  kind: datastore\n  boundary: boundary-1\n  \
        controls:\n    isHardened: true\n    sanitizesInput: true\n\
        flows:\n- id: flow-0-0\n  name: Flow 0.0\n  source: element-3\n  sink: element-3\n  data:\n  - secret-data\n  \
        attributes:\n    protocol: HTTPS\n    dstPort: 443\n  controls:\n    isEncrypted: true\n\
        data:\n- id: secret-data\n  name: Secret data\n  classification: secret\n";
    // The hand-written example has flow collections (`[a, b]`), which the event reader handles.
    assert!(check(&example).events);
    assert_eq!(
        check(generated),
        Took {
            lines: true,
            events: true
        },
        "{generated}"
    );
}

#[test]
fn plain_scalars_get_serde_saphyrs_types() {
    let scalars = [
        "0",
        "00",
        "007",
        "08",
        "-0",
        "+0",
        "1",
        "-1",
        "+1",
        "+12",
        "42",
        "1_000",
        "1,000",
        "18446744073709551615",
        "18446744073709551616",
        "9223372036854775807",
        "-9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999",
        "1.5",
        "1.10",
        "-1.5",
        ".5",
        "+.5",
        "0.",
        "1e3",
        "1E3",
        "1e",
        "12e400",
        "-12e400",
        ".inf",
        "-.inf",
        "+.inf",
        ".Inf",
        ".INF",
        ".nan",
        ".NaN",
        ".NAN",
        "inf",
        "nan",
        "Infinity",
        "0x1F",
        "0X1F",
        "0o17",
        "0b101",
        "0xZZ",
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "Yes",
        "2024-01-01",
        "1:30",
        "12:30:45",
        "x",
        "-x",
        ":x",
        "?x",
        "1 2",
        "a b",
        "é",
        "日本",
        "1.2.3",
        "v1",
        "s3://bucket/key",
        "10.0.0.0/8",
        "-",
        "--",
        "---",
        "...",
        "+",
        ".",
        "0.0.0.0",
        "a#b",
        "a #b",
        "a:b",
        "\"q\"",
        "'q'",
        "\"a\\tb\"",
        "'it''s'",
        "\"\"",
    ];
    let mut taken = (0, 0);
    for scalar in scalars {
        for text in [
            format!("a: {scalar}\n"),
            format!("- {scalar}\n"),
            format!("[{scalar}]"),
            format!("{{k: {scalar}}}"),
            format!("{scalar}: v\n"),
            format!("{scalar}\n"),
            format!("a:\n- {scalar}\n- x\n"),
        ] {
            let took = check(&text);
            taken.0 += usize::from(took.lines);
            taken.1 += usize::from(took.events);
        }
    }
    assert!(taken.0 > 100 && taken.1 > 300, "{taken:?}");
}

#[test]
fn structures_and_styles_read_the_same_every_way() {
    let texts = [
        "a: 1\nb:\n  c: [1, 2, {d: e}]\n  f:\n  - g\n  - h: i\n    j: k\n",
        "a: 1\nb:\n  c: []\n  f:\n  - g\n  - h: i\n    j: k\n  -   l: m\n      n: o\n",
        "- - - a\n    - b\n  - c\n- d\n",
        "a:\n- b\n- c\n",
        "a:\n  - b\n  -\n  - ~\n",
        "a:\n    - b\n    - c: d\n      e: f\nz: 1\n",
        "a:\n  b:\n    c:\n      d: 1\n  e: 2\nf: 3\n",
        "a:\n\n  # comment\n  b: 1\n\n# end\n",
        "a: |\n  line\n  two\nb: >-\n  folded\n  text\n\nc: |+\n  kept\n\n",
        "a: >-\n  one two\n  three\n\nb: x\nc: |\n  l1\n  l2\n# c\nd: >\n  f1\n  f2\ne:\n  - >-\n    item one\n    item two\n  - y\n",
        "a: >-\n  one\n  two",
        "a: >\n  one\n  two",
        "a: |\n  one\n  two\n\n# x\n",
        "- a: |-\n    one\n    two\n  b: 1\n",
        "- >-\n   three\n   spaces\n- |\n  two\n",
        "a: >-\n\n  leading blank\n",
        "a: >-\n  blank\n\n  inside\n",
        "a: >-\n  more\n    indented\n",
        "a: >-\n    less\n  indented\n",
        "a: >-\n  trailing \n",
        "a: >-\n  x\n \nb: 1\n",
        "a: >-\n  x\n   \nb: 1\n",
        "a: >-\nb: 1\n",
        "a: >2\n  x\n",
        "a: >- # c\n  x\n",
        "a: |\n  # not a comment\n  key: value\n",
        "  a: >-\n   x\n  b: 1\n",
        "a:\n  b: >\n    x\n   c: 1\n",
        "a: 'it''s'\nb: \"esc\\x41\\u00e9\\n\"\nc: \"\"\nd: ''\ne: \"x # y\"\n",
        "a: multi\n  line\n  plain\nb: x\n",
        "a: first\n\n  second\n",
        "a: 1 # comment\n# whole line\nb: x#y\nc:   # nothing\nd: \"q\"  # c\n",
        "a: b\na: c\n",
        "\"quoted key\": 1\n'single': 2\n",
        "a:\nb:\n",
        "a:",
        "a: x",
        "a: {}\nb: []\nc: {x: }\nd: [] # c\ne: {}   \n",
        "{a: 1, b: [x, y], }",
        "[a, b, ]",
        "a: 1\r\nb:\r\n  - x\r\n",
        "\u{feff}a: 1\n",
        "a: é\nb: 日本語\nc: \"ß\"\nd: x\u{a0}y\n",
        "a: \u{85}\n",
        "a: x\u{2028}y\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "---\na: 1\n...\n",
        "\n\n# only a comment\n",
        "",
        "   ",
        "a",
        "  a: 1\n  b:\n  - x\n",
        "a: 1\n b: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "a:\n  - x\n - y\n",
        "a: 1\n---\nb: 2\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "<<: {a: 1}\n",
        "? a\n: b\n",
        "[a]: b\n",
        "{a: 1}: b\n",
        "~: x\n",
        "null: x\n",
        ": x\n",
        "a:\n\tb: 1\n",
        "a: b: c\n",
        "a: [1, 2\n",
        "a: \"open\n",
        "key: value\n  bad: indent\n",
        "- a\nb: c\n",
        "a:\n- b\n  - c\n",
        "a: -\n",
        "a: - b\n",
        "a: b\n- c\n",
        "a:b: c\n",
        "a.b/c-d_e: 1\n",
        "a: 1\n   \nb: 2\n",
        "a:\n  \n  b: 1\n",
        "a:\n    # deeper comment\n  b: 1\n   # and another\nc: 2\n",
        "key  : value\n",
        "a: [ ]\nb: []x\n",
        "a: x\n#c\n  # c\n",
        "a: 1   # c\nb:    two words   \n",
        "a\u{7f}: 1\n",
    ];
    let mut taken = (0, 0);
    for text in texts {
        let took = check(text);
        taken.0 += usize::from(took.lines);
        taken.1 += usize::from(took.events);
    }
    assert!(taken.0 >= 12 && taken.1 >= 25, "{taken:?}");
}

#[test]
fn many_comments_in_a_row_are_fine() {
    let comments = "# note\n".repeat(100);
    let text = format!("name: x\nelements:\n{comments}- id: a\n{comments}  name: A\n");
    assert_eq!(
        check(&text),
        Took {
            lines: true,
            events: true
        }
    );
}

#[test]
fn nesting_limits_are_left_to_serde_saphyr() {
    for depth in [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
        let flow = format!("a: {}{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
        let block: String = (0..depth - 1)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect::<String>()
            + &"  ".repeat(depth - 1)
            + "leaf: value\n";
        let took = check(&flow);
        assert_eq!(took.events, depth <= MAX_DEPTH, "depth {depth}: {flow}");
        let took = check(&block);
        assert_eq!(took.events, depth <= MAX_DEPTH, "depth {depth}: {block}");
        assert_eq!(took.lines, depth <= MAX_DEPTH, "depth {depth}: {block}");
    }
}

#[test]
fn scalars_fit_serde_saphyrs_budget_without_counting() {
    let budget = serde_saphyr::Budget::default();
    assert!(budget.max_total_scalar_bytes >= 2 * MAX_BYTES);
}

/// A YAML value in the block style, with the choices of how to write it.
#[derive(Debug, Clone)]
enum Block {
    Scalar(&'static str),
    /// A block scalar: its header, lines, and how much deeper they are indented.
    Text(&'static str, Vec<&'static str>, usize),
    /// `key:` with nothing after it.
    Empty,
    Map(Vec<(&'static str, Block)>, usize),
    /// Items, whether the list is indented under its key, and spaces after `-`.
    Seq(Vec<Block>, bool, usize),
}

fn block() -> impl Strategy<Value = Block> {
    let scalars = vec![
        "x",
        "a b",
        "1",
        "-1",
        "443",
        "1.5",
        "true",
        "no",
        "~",
        "null",
        "\"q\"",
        "\"a b\"",
        "'s'",
        "''",
        "\"\"",
        "[]",
        "{}",
        "é",
        "x # c",
        "x#y",
        "a:b",
        "0",
        "007",
        ".inf",
        "https://h/p",
        "v1.2",
        "\"x # y\"",
        "'it''s'",
        "\"e\\n\"",
    ];
    let text = (
        select(vec![">", ">-", "|", "|-", ">+"]),
        vec(select(vec!["a b", "c: d", "# e", "f ", "", "  g"]), 1..4),
        1..4_usize,
    )
        .prop_map(|(header, lines, step)| Block::Text(header, lines, step));
    let leaf = prop_oneof![
        4 => select(scalars).prop_map(Block::Scalar),
        1 => Just(Block::Empty),
        1 => text,
    ];
    let keys = vec![
        "id", "name", "a", "b-c", "d.e", "f_g", "x1", "1", "true", "a",
    ];
    leaf.prop_recursive(5, 48, 4, move |inner| {
        prop_oneof![
            (vec((select(keys.clone()), inner.clone()), 1..4), 1..4_usize)
                .prop_map(|(entries, step)| Block::Map(entries, step)),
            (vec(inner, 1..4), any::<bool>(), 1..3_usize)
                .prop_map(|(items, indented, spaces)| Block::Seq(items, indented, spaces)),
        ]
    })
}

/// `value` written under a key at column `indent` (after the `:`).
fn write_value(value: &Block, indent: usize, out: &mut String) {
    match value {
        Block::Scalar(text) => out.push_str(&format!(" {text}\n")),
        Block::Text(header, lines, step) => write_text(header, lines, indent + step, out),
        Block::Empty => out.push('\n'),
        Block::Map(entries, step) => {
            out.push('\n');
            write_map(entries, indent + step, out);
        }
        Block::Seq(items, indented, spaces) => {
            out.push('\n');
            write_seq(items, indent + if *indented { 2 } else { 0 }, *spaces, out);
        }
    }
}

/// ` >-` and the lines, indented to `indent`.
fn write_text(header: &str, lines: &[&str], indent: usize, out: &mut String) {
    out.push_str(&format!(" {header}\n"));
    for line in lines {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(line);
        out.push('\n');
    }
}

fn write_map(entries: &[(&str, Block)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(key);
        out.push(':');
        write_value(value, indent, out);
    }
}

fn write_seq(items: &[Block], indent: usize, spaces: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        out.push_str(&" ".repeat(spaces));
        match item {
            Block::Scalar(text) => out.push_str(&format!("{text}\n")),
            Block::Text(header, lines, step) => {
                out.pop();
                write_text(header, lines, indent + step, out);
            }
            Block::Empty => out.push('\n'),
            Block::Map(entries, _) => {
                let column = indent + 1 + spaces;
                let mut inner = String::new();
                write_map(entries, column, &mut inner);
                out.push_str(inner.get(column..).unwrap_or(""));
            }
            Block::Seq(inner, _, inner_spaces) => {
                let mut nested = String::new();
                write_seq(inner, indent + 1 + spaces, *inner_spaces, &mut nested);
                out.push_str(nested.get(indent + 1 + spaces..).unwrap_or(""));
            }
        }
    }
}

fn block_document() -> impl Strategy<Value = String> {
    (
        vec(
            (select(vec!["name", "elements", "flows", "x"]), block()),
            1..4,
        ),
        any::<Index>(),
    )
        .prop_map(|(entries, comment)| {
            let mut text = String::new();
            write_map(&entries, 0, &mut text);
            // A comment or blank line somewhere.
            let lines: Vec<&str> = text.lines().collect();
            let at = comment.index(lines.len() + 1);
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
            out.insert(
                at,
                if at % 2 == 0 {
                    "# note".into()
                } else {
                    String::new()
                },
            );
            out.join("\n") + "\n"
        })
}

fn soup() -> impl Strategy<Value = String> {
    let tokens = vec![
        "name: ",
        "id: ",
        "kind: ",
        "elements:",
        "flows:",
        "- ",
        "  ",
        "    ",
        "\n",
        "\n",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        ":",
        "? ",
        "|\n",
        ">-\n",
        "'",
        "\"",
        "# c",
        "\t",
        "---\n",
        "...\n",
        "&a ",
        "*a",
        "!!str ",
        "x",
        "y z",
        "1",
        "-1",
        "0",
        "007",
        "1.5",
        "1e3",
        ".inf",
        "true",
        "no",
        "~",
        "null",
        "é",
        "\\",
        "\r\n",
        "0x1F",
        "-",
        ".",
    ];
    vec(select(tokens), 0..60).prop_map(|parts| parts.concat())
}

fn damaged_example() -> impl Strategy<Value = String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/s3/model.yaml");
    let example = std::fs::read_to_string(path).unwrap();
    let edits = vec(
        (
            any::<Index>(),
            any::<Index>(),
            "\\PC{0,3}|[\\[\\]{}:\\-#'\" \n\t~0-9]",
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn block_documents_read_the_same_every_way(text in block_document()) {
        check(&text);
    }

    #[test]
    fn yaml_soup_reads_the_same_every_way(text in soup()) {
        check(&text);
    }

    #[test]
    fn damaged_models_read_the_same_every_way(text in damaged_example()) {
        check(&text);
    }
}
