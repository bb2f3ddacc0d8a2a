//! The fast ways of reading a script (the quick parser, pieces, threads)
//! give exactly what parsing the whole script with rustpython gives: the
//! same syntax tree, hence the same model and diagnostics.

use super::{NoModules, guard, parse, pieces, read_in_pieces, read_whole};
use crate::{Loaded, SourceFile};
use proptest::prelude::*;
use rustpython_parser::Mode;
use rustpython_parser::ast::{Mod, Stmt};
use std::fmt::Write as _;

/// Everything a reading yields, comparable: the model and the diagnostics.
fn outcome(loaded: &Loaded) -> (Option<crate::Model>, String) {
    let diagnostics = serde_json::to_string(&loaded.diagnostics).unwrap_or_default();
    (loaded.model.clone(), diagnostics)
}

/// The statements of `text` as rustpython parses the whole of it.
fn whole_tree(text: &str) -> Option<Vec<Stmt>> {
    match rustpython_parser::parse(text, Mode::Module, "t.py") {
        Ok(Mod::Module(module)) => Some(module.body),
        _ => None,
    }
}

/// The statements of `text` parsed in pieces of `piece_bytes`, with the
/// quick parser where it can.
fn tree_in_pieces(text: &str, piece_bytes: usize) -> Option<Vec<Stmt>> {
    let file = SourceFile::new("t.py", text);
    let lines = guard::check(&file).ok()?;
    let cut_points = pieces::cut_points(text, &lines);
    let mut body = Vec::new();
    for piece in pieces::pieces(text.len(), &cut_points, piece_bytes) {
        body.extend(parse::piece(text, "t.py", piece, &cut_points)?);
    }
    Some(body)
}

/// Reads `text` every way, with pieces of `piece_bytes`, and checks each
/// gives what the whole script parsed by rustpython gives: where both
/// parse, the very same tree, and in any case the same reading.
fn assert_same_reading(name: &str, text: &str, piece_bytes: usize) {
    if let Some(pieces) = tree_in_pieces(text, piece_bytes) {
        assert!(
            Some(&pieces) == whole_tree(text).as_ref(),
            "{name} in pieces of {piece_bytes} bytes parses differently"
        );
    }
    let file = SourceFile::new(name, text);
    let expected = outcome(&read_whole(&file, &NoModules));
    for parallel in [false, true] {
        let got = outcome(&read_in_pieces(&file, &NoModules, piece_bytes, parallel));
        assert!(
            got == expected,
            "{name} read in pieces of {piece_bytes} bytes (parallel: {parallel}) differs:\n{got:#?}\nexpected:\n{expected:#?}"
        );
    }
}

const PIECE_SIZES: &[usize] = &[1, 2, 7, 40, 300, 4096, usize::MAX];

#[test]
fn every_fixture_reads_the_same_in_pieces() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pytm");
    let mut read = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.display().to_string();
        for &piece_bytes in PIECE_SIZES {
            assert_same_reading(&name, &text, piece_bytes);
        }
        read += 1;
    }
    assert!(read >= 10, "fixtures found: {read}");
}

/// Statements of every kind the reader meets, `{i}` and `{j}` standing for
/// numbers that make names: simple ones for the quick parser, others for
/// rustpython, and some that look like statements inside strings or brackets.
const FRAGMENTS: &[&str] = &[
    "tm = TM(\"Model {i}\")\n",
    "tm.isOrdered = True\n",
    "b{i} = Boundary(\"Boundary {i}\")\n",
    "b{i}.inBoundary = b{j}\n",
    "e{i} = Server(\"Element {i}\", inBoundary=b{j})\n",
    "e{i} = Datastore('Store {i}', isSQL=False, boundary=b{j})\n",
    "e{i}.protocol = \"HTTPS\"  # why\n",
    "e{i}.controls.isHardened = True\n",
    "e{i}.controls.isHardend = 1\n",
    "f{i} = Dataflow(e{i}, e{j}, \"Flow {i}\")\n",
    "f{i}.responseTo = f{j}\n",
    "f{i}.data = [d{j}, d{i},]\n",
    "d{i} = Data(\"Data {i}\", classification=Classification.SECRET, traverses=[f{j}])\n",
    "x{i} = Server(\n    \"Multi {i}\",  # a comment\n    OS=\"linux\",\n\n)\n",
    "a{i} = c{i} = \"same\"\n",
    "s{i} = \"tab\\tbed\" 'joined'\n",
    "g{i} = f\"{e{j}.name} at {i}\"\n",
    "n{i} = -{i} + 3 * 2\n",
    "t{i} = (1,\n2)\n",
    "w{i} = '''text\nw{i} = 1\nelse:\n'''\n",
    "v{i} = 1 + \\\n    2\n",
    "u{i} = 'é {i}'\n",
    "z{i} = 0\n",
    "\n",
    "# a comment\n",
    "   \n",
    "\"\"\"A docstring.\n\nx = 1\n\"\"\"\n",
    "if __name__ == \"__main__\":\n    tm.process()\n",
    "for k{i} in range(3):\n    y{i} = k{i}\nelse:\n    pass\n",
    "try:\n    q{i} = 1\nexcept Exception:\n    pass\nfinally:\n    q{i} = 2\n",
    "@decorator\ndef fn{i}():\n    return e{j}\n",
    "class C{i}:\n    a = 1\n",
    "match m{i}:\n    case 1:\n        pass\n",
    "match = {i}\n",
    "type = {i}\n",
    "import os\n",
    "from pytm import TM, Boundary, Server, Datastore, Dataflow, Data, Classification\n",
    "tm.process()\n",
    "r{i} = e{j}.name\n",
    "p{i} = [Server(\"In list {i}\"), Datastore(\"In list {j}\")]\n",
    "def h{i}(x, y={j}, *rest, **kw):\n    return Server(f\"H{i} {x} {y}\", **kw)\n",
    "k{i} = h{j}(\"call\", port={i}) if {i} % 2 else None\n",
    "for n{i}, s{i} in enumerate({{\"a{i}\": 1, \"b{j}\": 2}}.items()):\n    e{i} = Server(f\"Loop {i} {{n{i}}}\")\n    if n{i}:\n        break\nelse:\n    pass\n",
    "c{i} = {{n: Datastore(n) for n in (\"p{i}\", \"q{j}\") if n}}\n",
    "while z{i} < 2:\n    z{i} += 1\n",
    "from common import helper\nimport os\ng{i} = os.environ.get(\"G{i}\", \"x\")\n",
];

/// Lines that make the script fail to parse.
const BROKEN: &[&str] = &[
    "x = (\n",
    "def f(:\n",
    "e = Server(\"x\"\n",
    "  indented = 1\n",
    "else:\n    pass\n",
    "x = 'unterminated\n",
    "f(a=1, a=2)\n",
    "f(a=1, b)\n",
    "x = 007\n",
    "@decorator\n",
];

fn script(parts: &[(usize, usize, usize)], fragments: &[&str]) -> String {
    let mut text = String::new();
    for &(fragment, i, j) in parts {
        let template = fragments
            .get(fragment % fragments.len())
            .copied()
            .unwrap_or("");
        let i = i.to_string();
        let j = j.to_string();
        text.push_str(&template.replace("{i}", &i).replace("{j}", &j));
    }
    text
}

/// A large script mixing every kind of statement, as a generator writes them.
fn generated_script(statements: usize) -> String {
    let mut text = String::from(
        "from pytm import TM, Boundary, Server, Datastore, Dataflow, Data, Classification\ntm = TM(\"Generated\")\n",
    );
    for n in 0..statements {
        let fragment = FRAGMENTS
            .get((n * 7) % FRAGMENTS.len())
            .copied()
            .unwrap_or("");
        let line = fragment
            .replace("{i}", &n.to_string())
            .replace("{j}", &((n * 31) % (n + 1)).to_string());
        let _ = write!(text, "{line}");
    }
    text
}

#[test]
fn a_generated_script_reads_the_same_in_pieces() {
    let text = generated_script(800);
    for &piece_bytes in PIECE_SIZES {
        assert_same_reading("generated.py", &text, piece_bytes);
    }
}

#[test]
fn a_syntax_error_in_a_later_piece_is_the_one_the_whole_script_has() {
    let clean = generated_script(150);
    for broken in BROKEN {
        let text = format!("{clean}{broken}{clean}");
        let file = SourceFile::new("broken.py", text.as_str());
        let whole = read_whole(&file, &NoModules);
        assert!(whole.model.is_none(), "{broken:?} breaks the script");
        for &piece_bytes in PIECE_SIZES {
            assert_same_reading("broken.py", &text, piece_bytes);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn valid_scripts_read_the_same_however_they_are_cut(
        parts in prop::collection::vec((0..FRAGMENTS.len(), 0..40usize, 0..40usize), 0..60),
        piece_bytes in 1..400usize,
    ) {
        let text = script(&parts, FRAGMENTS);
        assert_same_reading("random.py", &text, piece_bytes);
    }

    #[test]
    fn broken_scripts_read_the_same_however_they_are_cut(
        parts in prop::collection::vec((0..FRAGMENTS.len() + BROKEN.len(), 0..40usize, 0..40usize), 0..40),
        piece_bytes in 1..400usize,
    ) {
        let fragments: Vec<&str> = FRAGMENTS.iter().chain(BROKEN).copied().collect();
        let text = script(&parts, &fragments);
        assert_same_reading("random.py", &text, piece_bytes);
    }
}

/// Pieces of Python the quick parser accepts, and others near the edges of
/// what it accepts.
mod near_the_edges {
    pub const NAMES: &[&str] = &["x", "e1", "_a", "web", "Server", "controls", "isHardened"];
    pub const ODD_NAMES: &[&str] = &[
        "True",
        "False",
        "None",
        "if",
        "not",
        "lambda",
        "await",
        "match",
        "type",
        "case",
        "print",
        "__debug__",
        "é",
        "aé",
        "b",
        "rb",
        "f",
        "u",
    ];
    pub const STRINGS: &[&str] = &[
        r#""a""#,
        "'b'",
        r#""""#,
        "''",
        r#""it's""#,
        r#"'say "hi"'"#,
        r#""é ü""#,
    ];
    pub const ODD_STRINGS: &[&str] = &[
        r#""a\nb""#,
        "'''t'''",
        "b'x'",
        r#"f"{x}""#,
        "r'x'",
        "u'x'",
        r#""a" "b""#,
        r#""open"#,
        "'tab\there'",
        "'nul\u{0}'",
    ];
    pub const NUMBERS: &[&str] = &["0", "1", "42", "123456789012345678"];
    pub const ODD_NUMBERS: &[&str] = &[
        "007",
        "00",
        "1_000",
        "1.5",
        "1e3",
        "1j",
        "0x1f",
        "12345678901234567890",
        "1.real",
    ];
    /// What may separate tokens; line ends only inside brackets, where they are spaces.
    pub const GAPS: &[&str] = &["", " "];
    pub const ODD_GAPS: &[&str] = &["  ", "\t", " # note\n ", "\n", "\r\n", "\\\n", "\x0c"];
    pub const NOISE: &[&str] = &[
        ";", "+", "-", "*", ":", "(", ")", "[", "]", "{", "}", "=", "==", ",", ".", "@", "\\",
        "\x0c", "\r", "#", "\"", "'", " ", "\n", "\t", "é", "**", "->", ":=",
    ];
}

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(options).prop_map(String::from)
}

/// Mostly `usual`, sometimes `odd`.
fn mostly(usual: &'static [&'static str], odd: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![6 => pick(usual), 1 => pick(odd)].boxed()
}

fn name() -> BoxedStrategy<String> {
    mostly(near_the_edges::NAMES, near_the_edges::ODD_NAMES)
}

fn gap() -> BoxedStrategy<String> {
    mostly(near_the_edges::GAPS, near_the_edges::ODD_GAPS)
}

fn expression() -> impl Strategy<Value = String> {
    use near_the_edges::{NUMBERS, ODD_NUMBERS, ODD_STRINGS, STRINGS};
    let leaf = prop_oneof![
        name(),
        mostly(STRINGS, ODD_STRINGS),
        mostly(NUMBERS, ODD_NUMBERS)
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (inner.clone(), gap(), name())
                .prop_map(|(value, gap, name)| format!("{value}{gap}.{gap}{name}")),
            (
                inner.clone(),
                prop::collection::vec((prop::option::of(name()), inner.clone(), gap()), 0..4),
                any::<bool>(),
            )
                .prop_map(|(func, args, trailing_comma)| {
                    let args: Vec<String> = args
                        .into_iter()
                        .map(|(keyword, value, gap)| match keyword {
                            Some(keyword) => format!("{gap}{keyword}{gap}={gap}{value}{gap}"),
                            None => format!("{gap}{value}{gap}"),
                        })
                        .collect();
                    let comma = if trailing_comma && !args.is_empty() {
                        ","
                    } else {
                        ""
                    };
                    format!("{func}({}{comma})", args.join(","))
                }),
            prop::collection::vec((inner, gap()), 0..4).prop_map(|items| {
                let items: Vec<String> = items
                    .into_iter()
                    .map(|(e, g)| format!("{g}{e}{g}"))
                    .collect();
                format!("[{}]", items.join(","))
            }),
        ]
    })
}

/// A statement, maybe with a stray token somewhere in it.
fn statement() -> impl Strategy<Value = String> {
    use near_the_edges::NOISE;
    let target = (name(), prop::collection::vec(name(), 0..3)).prop_map(|(name, attrs)| {
        std::iter::once(name)
            .chain(attrs)
            .collect::<Vec<_>>()
            .join(".")
    });
    (
        prop::collection::vec(target, 0..3),
        expression(),
        prop::sample::select(&[" ", "", "  # done"][..]),
        prop::option::weighted(0.15, (pick(NOISE), any::<prop::sample::Index>())),
    )
        .prop_map(|(targets, value, tail, noise)| {
            let mut line: String = targets.iter().map(|t| format!("{t} = ")).collect();
            line.push_str(&value);
            line.push_str(tail);
            if let Some((noise, at)) = noise {
                let boundaries: Vec<usize> = line
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain(std::iter::once(line.len()))
                    .collect();
                let at = boundaries
                    .get(at.index(boundaries.len()))
                    .copied()
                    .unwrap_or(0);
                line.insert_str(at, &noise);
            }
            line
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the quick parser accepts, rustpython accepts too, with the
    /// very same tree.
    #[test]
    fn the_quick_parser_builds_rustpython_trees(
        lines in prop::collection::vec(
            (statement(), prop::sample::select(&["\n", "\r\n", "\n\n", "\n# note\n", "\n   \n"][..])),
            1..6,
        ),
        piece_bytes in 1..200usize,
    ) {
        let text: String = lines.iter().map(|(line, end)| format!("{line}{end}")).collect();
        if let Some(pieces) = tree_in_pieces(&text, piece_bytes) {
            prop_assert_eq!(Some(pieces), whole_tree(&text), "{:?}", text);
        }
    }
}
