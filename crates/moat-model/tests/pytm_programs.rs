#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The pytm reader as an interpreter: loops, conditions, helpers,
//! comprehensions and the script's own modules read as Python runs them
//! (each fixture's counts and names were checked against pytm 1.4 itself),
//! what stays unread listed in `Model::incomplete`, and pytm's overrides and
//! assumptions as decisions.

use moat_model::{DecisionStatus, Level, Loaded, Model, SourceFile, pytm};
use std::collections::BTreeMap;
use std::path::Path;

/// Reads a script under `tests/fixtures` by its path from the crate, as the
/// command line does: its modules come from its directory.
fn read_path(relative: &str) -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    // diagnostics name files as the user did: relative to the crate
    let name = format!("tests/fixtures/{relative}");
    let file = SourceFile::new(name.as_str(), text);
    pytm::read_with(&file, &pytm::FileSystem::beside(path.to_str().unwrap()))
}

fn lines(loaded: &Loaded) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            let location = d
                .location
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("{location}: {}[{}]: {}", d.level, d.code, d.message)
        })
        .collect()
}

fn snapshot(name: &str, loaded: &Loaded) {
    for diagnostic in &loaded.diagnostics {
        assert!(diagnostic.location.is_some(), "{name}: {diagnostic}");
        assert!(!diagnostic.message.ends_with('.'), "{name}: {diagnostic}");
    }
    insta::assert_yaml_snapshot!(
        name,
        serde_json::json!({ "diagnostics": lines(loaded), "model": loaded.model })
    );
}

fn model(loaded: &Loaded) -> &Model {
    loaded
        .model
        .as_ref()
        .unwrap_or_else(|| panic!("no model: {:#?}", lines(loaded)))
}

fn flows(model: &Model) -> Vec<(String, String, String)> {
    let name = |id: &str| {
        model
            .element(id)
            .map(|e| e.name.clone())
            .unwrap_or_default()
    };
    model
        .flows
        .iter()
        .map(|f| (f.name.clone(), name(&f.source), name(&f.sink)))
        .collect()
}

fn owned(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn the_helper_loops_and_import_script_reads_as_pytm_does() {
    // issue 7: this script was read as 3 elements and 0 flows, silently
    let loaded = read_path("pytm_modules/lake/tm.py");
    snapshot("lake", &loaded);
    let model = model(&loaded);
    assert_eq!(
        (
            model.boundaries.len(),
            model.elements.len(),
            model.flows.len()
        ),
        (3, 6, 6),
        "pytm 1.4 reads 3 boundaries, 6 elements and 6 flows"
    );
    assert!(model.incomplete.is_empty(), "{:?}", model.incomplete);
    assert_eq!(
        flows(model),
        owned(&[
            ("read raw", "raw bucket", "ETL job"),
            ("write curated", "ETL job", "curated bucket"),
            ("read curated", "curated bucket", "ETL job"),
            ("write results", "ETL job", "results bucket"),
            ("load results", "results bucket", "BI dashboard"),
            ("view dashboards", "Analyst", "BI dashboard"),
        ])
    );
    let raw = model.element("raw-bucket").unwrap();
    assert_eq!(raw.boundary.as_deref(), Some("aws-account"));
    assert_eq!(raw.attributes["type"], "AWS_S3");
    assert_eq!(raw.attributes["controls"]["isEncrypted"], false);
    assert_eq!(
        model.element("curated-bucket").unwrap().attributes["controls"]["isEncrypted"],
        true
    );
    assert_eq!(
        model.boundary("vpc").unwrap().parent.as_deref(),
        Some("aws-account")
    );
    let load = model
        .flows
        .iter()
        .find(|f| f.name == "load results")
        .unwrap();
    assert_eq!(load.attributes["dstPort"], 8445);
    // the environment is not read: its default is taken, with a note
    assert_eq!(
        model.element("bi-dashboard").unwrap().attributes["protocol"],
        "HTTPS"
    );
    let notes: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Note)
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(notes, ["pytm::environment"]);
    // objects made by a module's helper are located at the script's call
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pytm_modules/lake/tm.py"),
    )
    .unwrap();
    let span = raw.span.unwrap();
    assert!(
        text[span.start as usize..].starts_with("bucket(stage, aws"),
        "{span:?}"
    );
}

#[test]
fn without_its_modules_the_script_says_it_is_incomplete() {
    // a script held in memory has no directory to import from
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pytm_modules/lake/tm.py");
    let loaded = pytm::read_str("tm.py", &std::fs::read_to_string(path).unwrap());
    let model = model(&loaded);
    assert!(model.flows.len() < 6);
    assert!(!model.incomplete.is_empty());
    // each incomplete part has a warning at the same place
    for part in &model.incomplete {
        let location = part.location.as_ref().unwrap();
        assert!(
            loaded.diagnostics.iter().any(|d| d.level == Level::Warning
                && d.location.as_ref() == Some(location)
                && d.message == part.reason),
            "{part:?}"
        );
    }
}

#[test]
fn loops_conditions_helpers_and_comprehensions_read_as_pytm_does() {
    let loaded = read_path("pytm/programs.py");
    snapshot("programs", &loaded);
    let model = model(&loaded);
    assert!(model.incomplete.is_empty(), "{:?}", model.incomplete);
    assert_eq!(
        (
            model.boundaries.len(),
            model.elements.len(),
            model.flows.len()
        ),
        (4, 6, 5)
    );
    assert_eq!(
        flows(model),
        owned(&[
            ("User to Primary API", "User", "Primary API"),
            ("User to Replica API 2", "User", "Replica API 2"),
            (
                "Replica API 2 to Primary store",
                "Replica API 2",
                "Primary store"
            ),
            (
                "Primary API to Replica store",
                "Primary API",
                "Replica store"
            ),
            ("Audit b", "Audit 2", "Primary store"),
        ])
    );
    let protocols: Vec<&str> = model
        .flows
        .iter()
        .map(|f| f.attributes["protocol"].as_str().unwrap())
        .collect();
    assert_eq!(protocols, ["HTTPS", "HTTPS", "HTTP", "HTTPS", "HTTPS"]);
    assert_eq!(model.description, "4 zones, 4 flows in prod");
    assert_eq!(
        model.element("audit-2").unwrap().description,
        "Primary API, Primary store, Replica API ..."
    );
    let ports: BTreeMap<&str, &serde_json::Value> = model
        .elements
        .iter()
        .filter_map(|e| Some((e.name.as_str(), e.attributes.get("port")?)))
        .collect();
    assert_eq!(ports["Primary API"], 8010);
    assert_eq!(ports["Replica API 2"], 8020);
    assert_eq!(
        model.boundary("internet").unwrap().attributes["levels"],
        serde_json::json!([0])
    );
}

#[test]
fn modules_of_the_script_run_once_each_in_import_order() {
    let loaded = read_path("pytm_modules/imports/tm.py");
    snapshot("imports", &loaded);
    let model = model(&loaded);
    assert!(model.incomplete.is_empty(), "{:?}", model.incomplete);
    let ids = |items: Vec<&str>| items.join(" ");
    assert_eq!(
        ids(model.boundaries.iter().map(|b| b.id.as_str()).collect()),
        "internet cloud"
    );
    assert_eq!(
        ids(model.elements.iter().map(|e| e.id.as_str()).collect()),
        "client web user-of-client"
    );
    assert_eq!(
        flows(model),
        owned(&[
            ("Browse", "User of client", "Web"),
            ("Call", "Client", "Web")
        ])
    );
    assert_eq!(
        model.element("web").unwrap().boundary.as_deref(),
        Some("cloud")
    );
    assert_eq!(
        model.element("user-of-client").unwrap().description,
        "not exported"
    );
}

#[test]
fn overrides_and_assumptions_become_decisions() {
    let loaded = read_path("pytm/overrides.py");
    snapshot("overrides", &loaded);
    let model = model(&loaded);
    let decisions: Vec<(Vec<&str>, Vec<&str>, DecisionStatus)> = model
        .decisions
        .iter()
        .map(|d| {
            (
                d.threats.iter().map(String::as_str).collect(),
                d.targets.iter().map(String::as_str).collect(),
                d.status,
            )
        })
        .collect();
    assert_eq!(
        decisions,
        [
            // `tm.assumptions`: every target
            (vec!["DO01", "DO02"], vec![], DecisionStatus::FalsePositive),
            // an element's override reaches the flows it is an end of, as in
            // pytm, unless the sink overrides the same threat
            (
                vec!["INP02"],
                vec!["web", "login"],
                DecisionStatus::Mitigated
            ),
            (
                vec!["AC01"],
                vec!["web", "login", "query"],
                DecisionStatus::Accepted
            ),
            (
                vec!["INP02"],
                vec!["db", "query"],
                DecisionStatus::FalsePositive
            ),
            (vec!["DS06"], vec!["db"], DecisionStatus::FalsePositive),
            (vec!["DE01"], vec!["login"], DecisionStatus::Accepted),
        ]
    );
    let first = &model.decisions[1];
    assert_eq!(first.justification, "mitigated by a memory-safe runtime");
    let location = first.location.as_ref().unwrap();
    assert_eq!((location.line, location.col), (15, 27), "at the threat id");
    assert!(first.span.is_some());
    assert_eq!(
        model.decisions[4].justification,
        "pytm assumption: Encrypted at rest by the platform: AWS RDS"
    );
    // what is not a decision is said, and makes the model incomplete
    let reasons: Vec<&str> = model.incomplete.iter().map(|i| i.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("`DS01`") && reasons[0].contains("`severity`"));
    assert!(reasons[1].contains("without `threat_id`"));
}

/// Modules held in memory, by path.
struct Memory(Vec<(&'static str, &'static str)>);

impl pytm::Loader for Memory {
    fn load(&self, path: &str) -> Result<Option<SourceFile>, String> {
        match self.0.iter().find(|(p, _)| *p == path) {
            Some((_, "<unreadable>")) => Err(format!("`{path}` is not a regular file")),
            Some((p, text)) => Ok(Some(SourceFile::new(*p, *text))),
            None => Ok(None),
        }
    }
}

fn read_memory(script: &str, modules: Vec<(&'static str, &'static str)>) -> Loaded {
    pytm::read_with(&SourceFile::new("tm.py", script), &Memory(modules))
}

#[test]
fn import_problems_are_located_in_the_file_that_has_them() {
    let script = "from pytm import TM, Server\nfrom common import helper, missing\nimport broken\nimport odd\ntm = TM('x')\nServer(helper())\n";
    let loaded = read_memory(
        script,
        vec![
            ("common.py", "def helper():\n    return 'Helped'\n"),
            ("broken.py", "def (:\n"),
            ("odd.py", "<unreadable>"),
        ],
    );
    assert!(
        loaded.model.is_none(),
        "a module that does not parse fails the script"
    );
    assert_eq!(
        lines(&loaded),
        [
            "tm.py:2:28: warning[pytm::python-error]: cannot import `missing` from `common`: it has no `missing` (Python raises `ImportError`)",
            "tm.py:4:8: warning[pytm::module]: skipped importing `odd.py`: `odd.py` is not a regular file",
            "broken.py:1:5: error[pytm::syntax-error]: python syntax error: unexpected `(`",
        ]
    );
}

#[test]
fn a_relative_import_in_the_script_is_reported() {
    let loaded = read_memory(
        "from pytm import TM\nfrom .common import x\ntm = TM('x')\n",
        vec![("common.py", "x = 1\n")],
    );
    let model = model(&loaded);
    assert_eq!(model.incomplete.len(), 1);
    assert!(
        model.incomplete[0].reason.contains("not in a package"),
        "{:?}",
        model.incomplete
    );
}

#[test]
fn import_cycles_and_repeated_imports_run_each_module_once() {
    let loaded = read_memory(
        "from pytm import TM, Server\nimport a\nimport a\nimport b\ntm = TM('x')\n",
        vec![
            (
                "a.py",
                "from pytm import Server\nimport b\nServer('from a')\n",
            ),
            (
                "b.py",
                "from pytm import Server\nimport a\nServer('from b')\n",
            ),
        ],
    );
    let model = model(&loaded);
    let names: Vec<&str> = model.elements.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["from b", "from a"]);
}

#[test]
fn a_module_importing_itself_without_end_is_bounded() {
    // each module imports the next: a chain longer than moat follows
    let mut modules: Vec<(&'static str, &'static str)> = Vec::new();
    for i in 0..80 {
        let path: &'static str = Box::leak(format!("m{i}.py").into_boxed_str());
        let text: &'static str = Box::leak(format!("import m{}\n", i + 1).into_boxed_str());
        modules.push((path, text));
    }
    let loaded = read_memory("from pytm import TM\nimport m0\ntm = TM('x')\n", modules);
    let errors: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(errors, ["pytm::call-too-deep"], "{:#?}", lines(&loaded));
}

#[test]
fn reading_twice_gives_the_same_model() {
    let first = read_path("pytm_modules/lake/tm.py");
    let second = read_path("pytm_modules/lake/tm.py");
    assert_eq!(first.model, second.model);
    assert_eq!(lines(&first), lines(&second));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Statements of what the reader interprets, to combine at random; the
    /// script may import `common`, which is the same text.
    const FRAGMENTS: &[&str] = &[
        "from pytm import *\n",
        "import common\n",
        "from common import f, items\n",
        "tm = TM('x')\n",
        "items = [Server(f'S{i}') for i in range(3)]\n",
        "def f(a, b=1, *c, **d):\n    return f(a) if a else [a, b, c, d]\n",
        "for x in items:\n    Dataflow(x, items[0], 'f')\n",
        "while len(items) < 5:\n    items.append(items)\n",
        "items += items\n",
        "d = {k: v for k, v in zip('abc', items)}\n",
        "if d and items[-1]:\n    x = d.get('a', 1)\nelse:\n    pass\n",
        "g = lambda *a: g(*a)\n",
        "y = g(1)\n",
        "z = (items, items, items)\nz = (z, z, z)\n",
        "common.f(common)\n",
        "s = str(f(0)) + 1\n",
        "try:\n    q = undefined\nexcept NameError:\n    q = 1\n",
        "Server('w').overrides = [Finding(threat_id='X', response='accepted')]\n",
        "x.assumptions = [Assumption('a', exclude=['Y'])]\n",
    ];

    struct Itself(SourceFile);

    impl pytm::Loader for Itself {
        fn load(&self, path: &str) -> Result<Option<SourceFile>, String> {
            Ok((path == "common.py").then(|| self.0.clone()))
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn interpreted_scripts_never_panic_and_always_say_where(
            parts in prop::collection::vec(0..FRAGMENTS.len(), 0..16),
        ) {
            let text: String = parts.iter().map(|&i| FRAGMENTS[i]).collect();
            let loaded = pytm::read_with(
                &SourceFile::new("tm.py", text.as_str()),
                &Itself(SourceFile::new("common.py", text.as_str())),
            );
            prop_assert!(loaded.model.is_some() || loaded.has_errors());
            for diagnostic in &loaded.diagnostics {
                prop_assert!(diagnostic.location.is_some(), "{}", diagnostic);
            }
            if let Some(model) = &loaded.model {
                for part in &model.incomplete {
                    prop_assert!(part.location.is_some() || part.reason.contains("more parts"));
                }
            }
        }
    }
}

#[test]
fn the_deepest_calls_of_the_most_nested_functions_fit_on_the_stack() {
    // every call as deeply nested as the guard lets a script be, 32 deep
    let blocks = 90;
    let mut body = String::from("from pytm import TM\ntm = TM('Deep')\ndef f(n):\n");
    for level in 1..=blocks {
        body.push_str(&format!("{}if n >= 0:\n", " ".repeat(level)));
    }
    body.push_str(&format!(
        "{}return f(n + 1)\nf(0)\n",
        " ".repeat(blocks + 1)
    ));
    let expressions = format!(
        "from pytm import TM\ntm = TM('Deep')\ndef g(n):\n    return {}g(n + 1){}\ng(0)\n",
        "[".repeat(95),
        "]".repeat(95)
    );
    for text in [body, expressions] {
        let loaded = pytm::read_str("deep.py", &text);
        let errors: Vec<&str> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(errors, ["pytm::call-too-deep"], "{:#?}", lines(&loaded));
    }
}

#[test]
fn starred_targets_take_what_the_others_leave() {
    let loaded = pytm::read_str(
        "star.py",
        "from pytm import TM, Server, Dataflow\ntm = TM('Star')\nhead, *rest, last = [Server(n) for n in 'abcd']\nDataflow(head, last, 'ends')\nfor r in rest:\n    Dataflow(head, r, r.name)\nfor x, *ys in [(head, last, head)]:\n    Dataflow(x, ys[0], str(len(ys)))\n",
    );
    let model = model(&loaded);
    assert!(loaded.diagnostics.is_empty(), "{:#?}", lines(&loaded));
    assert_eq!(
        flows(model),
        owned(&[
            ("ends", "a", "d"),
            ("b", "a", "b"),
            ("c", "a", "c"),
            ("2", "a", "d")
        ])
    );
}

#[test]
fn a_construct_met_again_in_a_loop_is_said_once() {
    let loaded = pytm::read_str(
        "loop.py",
        "import os\nfrom pytm import TM, Server\ntm = TM('Loop')\nfor i in range(500):\n    Server(undefined)\n    os.environ.get('X', 'y')\n",
    );
    assert_eq!(
        lines(&loaded),
        [
            "loop.py:5:12: warning[pytm::unknown-name]: unknown name `undefined`",
            "loop.py:6:5: note[pytm::stdlib-call]: moat does not run this call of `os`: a standard-library call whose result is unused cannot change the model",
        ]
    );
    assert_eq!(model(&loaded).incomplete.len(), 1);
}
