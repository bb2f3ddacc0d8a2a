#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The pytm reader: the S3 example, one fixture per feature (model and
//! diagnostics as one snapshot each), the guards against huge and deeply
//! nested input, and properties over generated scripts.

use moat_model::{ElementKind, Level, Loaded, Model, pytm};
use std::path::Path;

fn fixture(name: &str) -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pytm")
        .join(format!("{name}.py"));
    let text = std::fs::read_to_string(&path).unwrap();
    pytm::read_str(&format!("{name}.py"), &text)
}

fn render_diagnostics(loaded: &Loaded) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            let location = d
                .location
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let mut line = format!("{location}: {}[{}]: {}", d.level, d.code, d.message);
            if let Some(help) = &d.help {
                line.push_str(&format!("\n  help: {help}"));
            }
            line
        })
        .collect()
}

fn snapshot(loaded: &Loaded) -> serde_json::Value {
    serde_json::json!({
        "diagnostics": render_diagnostics(loaded),
        "model": loaded.model,
    })
}

/// Reads fixture `name`, snapshots it and returns it for further checks.
fn read_fixture(name: &str) -> Loaded {
    let loaded = fixture(name);
    for diagnostic in &loaded.diagnostics {
        assert!(diagnostic.location.is_some(), "{name}: {diagnostic}");
        assert!(!diagnostic.message.ends_with('.'), "{name}: {diagnostic}");
    }
    insta::assert_yaml_snapshot!(name, snapshot(&loaded));
    loaded
}

fn model(loaded: &Loaded) -> &Model {
    loaded.model.as_ref().expect("a model")
}

fn codes(loaded: &Loaded, level: Level) -> Vec<&str> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.level == level)
        .map(|d| d.code.as_str())
        .collect()
}

fn messages(loaded: &Loaded) -> String {
    loaded
        .diagnostics
        .iter()
        .map(|d| format!("{d}\n"))
        .collect()
}

#[test]
fn s3_example_reads_like_pytm_would_have_meant_it() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/s3/tm.py");
    let text = std::fs::read_to_string(path).unwrap();
    let loaded = pytm::read_str("examples/s3/tm.py", &text);
    let model = model(&loaded);

    assert_eq!(model.name, "Amazon S3 Threat Model");
    assert_eq!(model.source.as_deref(), Some("examples/s3/tm.py"));
    assert_eq!(model.boundaries.len(), 2);
    assert_eq!(model.elements.len(), 6);
    let actors = model
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Actor);
    let servers = model
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Server);
    assert_eq!((actors.count(), servers.count()), (1, 5));
    assert!(model.elements.iter().all(|e| e.boundary.is_some()));
    assert_eq!(
        model.element("user").unwrap().boundary.as_deref(),
        Some("internet")
    );
    assert_eq!(model.flows.len(), 6);
    assert!(
        model
            .flows
            .iter()
            .any(|f| f.source == "s3-bucket" && f.sink == "s3-bucket"),
        "the replication self-flow"
    );
    // one note about `boundary=`, nothing else
    assert_eq!(codes(&loaded, Level::Note), ["pytm::boundary-keyword"]);
    assert_eq!(loaded.diagnostics.len(), 1, "{}", messages(&loaded));
    assert!(loaded.diagnostics[0].message.contains("6 elements"));
    let location = loaded.diagnostics[0].location.as_ref().unwrap();
    assert_eq!((location.line, location.col), (10, 22));

    insta::assert_yaml_snapshot!("s3_example", snapshot(&loaded));
}

#[test]
fn constructors_take_positional_and_keyword_arguments() {
    let loaded = read_fixture("constructors");
    assert!(loaded.diagnostics.is_empty(), "{}", messages(&loaded));
    let model = model(&loaded);
    assert_eq!(model.description, "every class, called every way");
    let kinds: Vec<ElementKind> = model.elements.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            ElementKind::Actor,
            ElementKind::Server,
            ElementKind::Process,
            ElementKind::SetOfProcesses,
            ElementKind::Datastore,
            ElementKind::Lambda,
            ElementKind::ExternalEntity,
            ElementKind::Agent,
            ElementKind::Llm,
        ]
    );
    let web = model.element("web-server").unwrap();
    assert_eq!(web.attributes["protocol"], "HTTPS");
    assert_eq!(web.boundary.as_deref(), Some("vpc"));
    assert_eq!(model.flows.len(), 8);
    let enqueue = model.flows.iter().find(|f| f.name == "Enqueue").unwrap();
    assert_eq!(
        (enqueue.source.as_str(), enqueue.sink.as_str()),
        ("web-server", "worker")
    );
    // `data=` is evaluated before the flow is made, so the data's id comes first
    assert_eq!(model.flows[1].data, ["order"]);
    let span = web.span.unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pytm/constructors.py"),
    )
    .unwrap();
    assert!(text[span.start as usize..span.end as usize].starts_with("Server(name=\"Web Server\""));
}

#[test]
fn imports_from_pytm_are_read_and_others_warned_about_when_used() {
    let loaded = read_fixture("imports");
    let model = model(&loaded);
    assert_eq!(model.name, "Imports");
    assert_eq!(model.boundaries[0].name, "Zone");
    assert_eq!(model.elements.len(), 2);
    assert_eq!(model.flows.len(), 1);
    let warnings = codes(&loaded, Level::Warning);
    assert_eq!(
        warnings,
        [
            "pytm::unknown-import",
            "pytm::foreign-name",
            "pytm::foreign-name",
            "pytm::unread-name",
            "pytm::unread-name",
        ]
    );
    assert_eq!(
        loaded.diagnostics[0].help.as_deref(),
        Some("did you mean `Server`?")
    );
}

#[test]
fn typos_and_type_mismatches_are_warnings_with_suggestions() {
    let loaded = read_fixture("typos");
    let model = model(&loaded);
    let helps: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert!(helps.contains(&"did you mean `controls.isHardened`?"));
    assert!(helps.contains(&"did you mean `isSQL`?"));
    assert!(helps.contains(&"did you mean `controls.isEncrypted`?"));
    assert!(helps.contains(&"did you mean `protocol`?"));
    let web = model.element("web").unwrap();
    assert_eq!(web.attributes["controls"]["isHardened"], true);
    assert_eq!(web.attributes["port"], 8443);
    assert_eq!(web.attributes["minTLSVersion"], "TLSv12");
    assert_eq!(web.attributes["levels"], serde_json::json!([2]));
    assert!(!web.attributes.contains_key("protocoll"));
    assert!(!web.attributes.contains_key("sourceFiles"));
    assert_eq!(web.name, "Web");
    let db = model.element("db").unwrap();
    assert_eq!(db.attributes["isSQL"], false);
    assert!(!db.attributes.contains_key("controls"));
    let flow = &model.flows[0];
    assert_eq!(flow.attributes["controls"]["isEncrypted"], true);
    assert!(!flow.attributes.contains_key("tlsVersion"));
    let secret = model.data_asset("secret").unwrap();
    assert_eq!(secret.classification, moat_model::Classification::Unknown);
    assert!(secret.attributes.is_empty());
    let mismatches = codes(&loaded, Level::Warning)
        .into_iter()
        .filter(|c| *c == "pytm::type-mismatch")
        .count();
    assert_eq!(mismatches, 6, "{}", messages(&loaded));
}

#[test]
fn loops_functions_and_conditions_run_and_the_rest_is_skipped_with_a_warning() {
    let loaded = read_fixture("skipped");
    let model = model(&loaded);
    // the `__main__` guard's body runs, its `else` branch does not;
    // `if api:` holds (an object is true); the helper returns its server
    let flows: Vec<&str> = model.flows.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(flows, ["To later", "Call", "Maybe"]);
    let elements: Vec<&str> = model.elements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(elements, ["web", "api", "a", "b", "x", "y", "later", "x-2"]);
    // the loop at the end rebinds `web` to its last server
    assert_eq!(
        model.element("x-2").unwrap().attributes["protocol"],
        "HTTPS"
    );
    assert_eq!(model.element("web").unwrap().description, "ok");
    let text = messages(&loaded);
    for skipped in [
        "skipped.py:16:1: warning: skipped class `Custom`: moat reads pytm scripts without running them",
        "skipped.py:22:1: warning: skipped call to `web.dfd()`",
        "skipped.py:23:1: warning: unknown name `undefined_thing`",
        "skipped.py:28:1: warning: skipped `with` block",
    ] {
        assert!(
            text.contains(skipped),
            "no warning about {skipped}:\n{text}"
        );
    }
    assert!(
        !text.contains("process"),
        "tm.process() is read quietly:\n{text}"
    );
    assert!(loaded.diagnostics.iter().all(|d| d.level == Level::Warning));
    // each skipped construct makes the model incomplete, where it is
    let incomplete: Vec<u32> = model
        .incomplete
        .iter()
        .map(|i| i.location.as_ref().unwrap().line)
        .collect();
    assert_eq!(incomplete, [16, 22, 23, 28]);
}

#[test]
fn a_syntax_error_is_located_and_leaves_no_model() {
    let loaded = read_fixture("syntax_error");
    assert!(loaded.model.is_none());
    assert_eq!(codes(&loaded, Level::Error), ["pytm::syntax-error"]);
    let location = loaded.diagnostics[0].location.as_ref().unwrap();
    assert_eq!((location.line, location.col), (5, 1));
}

#[test]
fn f_strings_insert_constants_and_names_bound_to_them() {
    let loaded = read_fixture("fstrings");
    let model = model(&loaded);
    assert_eq!(model.name, "Shop (prod)");
    let web = model.element("web-prod-eu-west-1").unwrap();
    assert_eq!(web.description, "serves prod traffic, enabled=True");
    assert_eq!(web.attributes["port"], 443);
    let api = model.element("api-443").unwrap();
    // conversions and format specs as Python applies them
    assert_eq!(api.attributes["protocol"], "443");
    assert_eq!(api.attributes["OS"], "  443");
    assert_eq!(model.flows[0].name, "prod calls");
    // an object has no text moat can write out
    assert_eq!(
        codes(&loaded, Level::Warning),
        ["pytm::skipped"],
        "{}",
        messages(&loaded)
    );
}

#[test]
fn strings_concatenate_and_integers_add_up() {
    let loaded = read_fixture("concatenation");
    let model = model(&loaded);
    assert_eq!(model.name, "Shop Model");
    assert_eq!(model.description, "Implicit concatenation across quotes");
    let web = model.element("shop-web").unwrap();
    assert_eq!(web.description, "Line one. Line two.");
    assert_eq!(web.attributes["port"], -1);
    assert_eq!(web.attributes["severity"], 5);
    assert_eq!(web.attributes["levels"], serde_json::json!([0, 1, 2]));
    assert!(model.element("edge-router").is_some());
    assert_eq!(
        codes(&loaded, Level::Warning).len(),
        3,
        "{}",
        messages(&loaded)
    );
}

#[test]
fn data_traverses_flows_and_is_processed_by_elements() {
    let loaded = read_fixture("data");
    let model = model(&loaded);
    let creds = model.data_asset("credentials").unwrap();
    assert_eq!(creds.classification, moat_model::Classification::Secret);
    assert_eq!(creds.description, "user passwords");
    assert_eq!(creds.attributes["credentialsLife"], "HARDCODED");
    let flow = |name: &str| model.flows.iter().find(|f| f.name == name).unwrap();
    assert_eq!(flow("Login").data, ["credentials"]);
    assert_eq!(flow("Store").data, ["credentials", "profile"]);
    assert_eq!(flow("Audit").data, ["logs"]);
    assert_eq!(model.element("web").unwrap().data, ["credentials"]);
    assert_eq!(model.element("db").unwrap().data, ["credentials", "logs"]);
    assert_eq!(
        codes(&loaded, Level::Warning),
        [
            "pytm::type-mismatch",
            "pytm::type-mismatch",
            "pytm::type-mismatch"
        ]
    );
}

#[test]
fn enumeration_members_are_stored_by_name() {
    let loaded = read_fixture("enums");
    let model = model(&loaded);
    let web = model.element("web").unwrap();
    assert_eq!(web.attributes["maxClassification"], "TOP_SECRET");
    assert_eq!(web.attributes["minTLSVersion"], "TLSv13");
    assert_eq!(
        model.element("bucket").unwrap().attributes["type"],
        "AWS_S3"
    );
    let token = model.data_asset("token").unwrap();
    assert_eq!(token.classification, moat_model::Classification::Sensitive);
    assert_eq!(token.attributes["credentialsLife"], "SHORT");
    assert_eq!(model.flows[0].attributes["tlsVersion"], "TLSv12");
    let helps: Vec<&str> = loaded
        .diagnostics
        .iter()
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert!(
        helps.contains(&"did you mean `TLSv12`?"),
        "{}",
        messages(&loaded)
    );
    assert_eq!(
        codes(&loaded, Level::Warning).len(),
        3,
        "{}",
        messages(&loaded)
    );
}

#[test]
fn boundaries_nest_and_the_boundary_keyword_is_noted_once() {
    let loaded = read_fixture("boundaries");
    let model = model(&loaded);
    let parent = |id: &str| model.boundary(id).unwrap().parent.clone();
    assert_eq!(parent("cloud"), None);
    assert_eq!(parent("region").as_deref(), Some("cloud"));
    assert_eq!(parent("vpc").as_deref(), Some("region"));
    assert_eq!(
        model.boundary_chain(Some("vpc")),
        ["vpc", "region", "cloud"]
    );
    let boundary = |id: &str| model.element(id).unwrap().boundary.clone();
    assert_eq!(boundary("user").as_deref(), Some("internet"));
    assert_eq!(boundary("web").as_deref(), Some("vpc"));
    assert_eq!(boundary("db").as_deref(), Some("vpc"));
    assert_eq!(boundary("cache"), None);
    assert_eq!(boundary("stray"), None);
    assert_eq!(codes(&loaded, Level::Note), ["pytm::boundary-keyword"]);
    let note = loaded
        .diagnostics
        .iter()
        .find(|d| d.level == Level::Note)
        .unwrap();
    assert!(note.message.ends_with("applied it to 2 elements"), "{note}");
    assert_eq!(codes(&loaded, Level::Warning), ["pytm::type-mismatch"]);
}

#[test]
fn a_boundary_inside_itself_is_an_error() {
    let loaded = read_fixture("boundary_cycle");
    assert!(loaded.model.is_none());
    assert_eq!(
        codes(&loaded, Level::Error),
        ["pytm::boundary-cycle", "pytm::boundary-cycle"]
    );
    assert!(
        loaded.diagnostics[0]
            .message
            .ends_with("`A` -> `C` -> `B` -> `A`"),
        "{}",
        messages(&loaded)
    );
}

#[test]
fn responses_link_both_ways() {
    let loaded = read_fixture("responses");
    let model = model(&loaded);
    let flow = |name: &str| model.flows.iter().find(|f| f.name == name).unwrap();
    assert_eq!(flow("Reply").attributes["responseTo"], "request");
    assert_eq!(flow("Reply").attributes["isResponse"], true);
    assert_eq!(flow("Request").attributes["response"], "reply");
    assert!(!flow("Request").attributes.contains_key("isResponse"));
    assert_eq!(flow("Ping").attributes["response"], "pong");
    assert_eq!(flow("Pong").attributes["responseTo"], "ping");
    assert_eq!(flow("Pong").attributes["isResponse"], true);
    assert_eq!(codes(&loaded, Level::Warning), ["pytm::type-mismatch"]);
}

#[test]
fn ordered_models_number_their_flows() {
    let loaded = read_fixture("ordered");
    assert!(loaded.diagnostics.is_empty(), "{}", messages(&loaded));
    let orders: Vec<(&str, &serde_json::Value)> = model(&loaded)
        .flows
        .iter()
        .map(|f| (f.name.as_str(), &f.attributes["order"]))
        .collect();
    assert_eq!(
        orders,
        [
            ("First", &1.into()),
            ("Fixed", &10.into()),
            ("Second", &2.into()),
            ("Third", &3.into()),
        ]
    );
}

#[test]
fn flows_need_elements_at_both_ends() {
    let loaded = read_fixture("bad_endpoints");
    let model = model(&loaded);
    let flows: Vec<&str> = model.flows.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(flows, ["Self call"]);
    assert_eq!(
        model
            .elements
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["Web", "Extra"]
    );
    assert_eq!(
        codes(&loaded, Level::Warning),
        [
            "pytm::bad-endpoint",
            "pytm::bad-endpoint",
            "pytm::bad-endpoint",
            "pytm::bad-arguments",
            "pytm::bad-arguments",
            "pytm::bad-arguments",
            "pytm::type-mismatch",
        ]
    );
}

#[test]
fn names_bind_values_and_objects_can_be_read_back() {
    let loaded = read_fixture("names");
    let model = model(&loaded);
    assert_eq!(model.name, "Names");
    assert_eq!(model.description, "names bound to values");
    let elements: Vec<&str> = model.elements.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        elements,
        ["Web", "DB", "Replica", "Cache", "One", "Spread", "Kwargs"]
    );
    // `**` spreads a known dictionary into keywords
    assert_eq!(model.element("kwargs").unwrap().attributes["port"], 80);
    let web = model.element("web").unwrap();
    // set through `alias`, then `web.protocol += "S"` reads it back and sets it again
    assert_eq!(web.attributes["protocol"], "HTTPSS");
    assert_eq!(web.attributes["maxClassification"], "SECRET");
    let flows: Vec<(&str, &str, &str)> = model
        .flows
        .iter()
        .map(|f| (f.name.as_str(), f.source.as_str(), f.sink.as_str()))
        .collect();
    assert_eq!(flows, [("Web to DB", "web", "db"), ("Answer", "db", "web")]);
    assert_eq!(codes(&loaded, Level::Note), ["pytm::threats-file"]);
    assert_eq!(
        codes(&loaded, Level::Warning),
        [
            "pytm::unsupported",
            "pytm::skipped",
            "pytm::bad-arguments",
            "pytm::second-tm",
        ]
    );
    // `web.protocol += "S"` reads the attribute back and sets it again
    assert_eq!(
        model.element("web").unwrap().attributes["protocol"],
        "HTTPSS"
    );
}

#[test]
fn ids_are_unique_across_every_kind_in_definition_order() {
    let loaded = pytm::read_str(
        "ids.py",
        "from pytm import TM, Boundary, Server, Data, Dataflow\n\
         tm = TM('Ids')\n\
         a = Boundary('Web')\n\
         b = Server('Web')\n\
         c = Server('web')\n\
         d = Data('Web')\n\
         Dataflow(b, c, 'Web')\n",
    );
    let model = model(&loaded);
    assert_eq!(model.boundaries[0].id, "web");
    let elements: Vec<&str> = model.elements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(elements, ["web-2", "web-3"]);
    assert_eq!(model.data[0].id, "web-4");
    assert_eq!(model.flows[0].id, "web-5");
}

#[test]
fn a_script_without_tm_is_named_after_its_file() {
    let loaded = pytm::read_str("models/shop.py", "from pytm import Server\nServer('Web')\n");
    assert_eq!(model(&loaded).name, "shop");
    assert_eq!(codes(&loaded, Level::Warning), ["pytm::no-tm"]);
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let depth = pytm::MAX_NESTING + 1;
    let text = format!(
        "from pytm import TM\ntm = TM('Deep')\nx = {}1{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let loaded = pytm::read_str("deep.py", &text);
    assert!(loaded.model.is_none());
    assert_eq!(codes(&loaded, Level::Error), ["pytm::too-deep"]);
    let location = loaded.diagnostics[0].location.as_ref().unwrap();
    assert_eq!(
        (location.line, location.col),
        (3, 5 + pytm::MAX_NESTING as u32)
    );

    // operators nest too; a long chain of them would overflow the stack when the tree is dropped
    let chain = format!("x = 1{}\n", " + 1".repeat(100_000));
    assert_eq!(
        codes(&pytm::read_str("chain.py", &chain), Level::Error),
        ["pytm::too-deep"]
    );
    let fstrings = format!("x = f'{{{}}}'\n", "(".repeat(1000));
    assert_eq!(
        codes(&pytm::read_str("f.py", &fstrings), Level::Error),
        ["pytm::too-deep"]
    );
}

#[test]
fn nesting_just_under_the_limit_is_read() {
    // parentheses make no syntax tree nodes: the parser takes this depth
    let depth = pytm::MAX_NESTING - 10;
    let text = format!(
        "from pytm import TM\ntm = TM({}'Nested'{})\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let loaded = pytm::read_str("nested.py", &text);
    assert!(loaded.diagnostics.is_empty(), "{}", messages(&loaded));
    assert_eq!(model(&loaded).name, "Nested");

    // lists do; the reader stops following them at its own limit
    let lists = format!(
        "from pytm import TM\ntm = TM('Lists')\nx = {}1{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let loaded = pytm::read_str("lists.py", &lists);
    assert!(!loaded.has_errors(), "{}", messages(&loaded));
    assert_eq!(codes(&loaded, Level::Warning), ["pytm::skipped"]);
}

#[test]
fn every_kind_of_nesting_under_the_limit_is_read_without_overflow() {
    let n = pytm::MAX_NESTING - 5;
    let wrap = |open: &str, close: &str| format!("{}1{}", open.repeat(n), close.repeat(n));
    let cases = [
        wrap("[", "]"),
        wrap("{1: ", "}"),
        wrap("Server(", ")"),
        wrap("(1, ", ")"),
        format!("{}1", "-".repeat(n)),
        format!("{}True", "not ".repeat(n)),
        format!("{}1", "lambda: ".repeat(n)),
        format!("x{}", ".a".repeat(n)),
        format!("x{}", "[0]".repeat(n)),
        format!("f{}", "()".repeat(n)),
        format!("1{}", " if x else 1".repeat(n / 2)),
        format!("f'{{{}}}'", wrap("[", "]")),
    ];
    for expr in cases {
        let text = format!("from pytm import TM, Server\ntm = TM('Deep')\nx = {expr}\n");
        let loaded = pytm::read_str("deep.py", &text);
        assert!(!loaded.has_errors(), "{expr}: {}", messages(&loaded));
    }
    let mut blocks = String::from("from pytm import TM\ntm = TM('Blocks')\n");
    for level in 0..n {
        blocks.push_str(&format!("{}if x:\n", " ".repeat(level)));
    }
    blocks.push_str(&format!("{}pass\n", " ".repeat(n)));
    let loaded = pytm::read_str("blocks.py", &blocks);
    assert!(!loaded.has_errors(), "{}", messages(&loaded));
}

#[test]
fn huge_files_are_refused_before_parsing() {
    let text = format!("# {}\n", "x".repeat(pytm::MAX_BYTES));
    let loaded = pytm::read_str("huge.py", &text);
    assert!(loaded.model.is_none());
    assert_eq!(codes(&loaded, Level::Error), ["pytm::too-large"]);
    assert!(loaded.diagnostics[0].location.is_some());
}

/// The one error a hostile script gets, with where it is.
fn only_error(loaded: &Loaded) -> (&str, u32) {
    assert!(loaded.model.is_none(), "{}", messages(loaded));
    let errors: Vec<&moat_model::Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{}", messages(loaded));
    let line = errors[0].location.as_ref().unwrap().line;
    (errors[0].code.as_str(), line)
}

#[test]
fn values_built_by_doubling_stop_at_the_budget() {
    for double in [
        "s = s + s",
        "s = f'{s}{s}'",
        "l = l + l",
        "l += l",
        "s = s * 2",
    ] {
        let mut text =
            String::from("from pytm import TM, Server\ntm = TM('Big')\ns = 'x'\nl = [1]\n");
        for _ in 0..64 {
            text.push_str(double);
            text.push('\n');
        }
        text.push_str("Server(s)\n");
        let loaded = pytm::read_str("big.py", &text);
        let (code, line) = only_error(&loaded);
        assert_eq!(code, "pytm::value-too-large", "{double}");
        assert!((20..69).contains(&line), "{double}: line {line}");
    }
}

#[test]
fn a_tuple_nesting_itself_is_refused_at_its_logical_size() {
    // 355 bytes that once ran for minutes: each line holds the tuple before
    // it four times, so the last is 4^16 strings long when written out
    let mut text = String::from("from pytm import TM, Server\ntm = TM('Bomb')\na = \"z\"\n");
    for _ in 0..16 {
        text.push_str("a = (a, a, a, a)\n");
    }
    text.push_str("Server(\"s\").sourceFiles = a\nb = a == (a, a, a, a)\nServer(str(a))\n");
    let loaded = pytm::read_str("bomb.py", &text);
    let (code, line) = only_error(&loaded);
    assert_eq!(code, "pytm::value-too-large");
    // refused where the logical size passes the budget, before anything walks it
    assert!(
        (12..=19).contains(&line),
        "line {line}: {}",
        messages(&loaded)
    );
}

#[test]
fn loops_that_do_not_end_meet_the_step_limit() {
    for endless in [
        "while True:\n    pass\n",
        "for i in range(10**15):\n    x = i\n",
        "def f(n):\n    for i in range(1000):\n        x = [i]\n    return f\ng = f\nwhile g:\n    g = g(1)\n",
    ] {
        let text = format!("from pytm import TM\ntm = TM('Loop')\n{endless}");
        let loaded = pytm::read_str("loop.py", &text);
        let (code, _) = only_error(&loaded);
        assert_eq!(code, "pytm::too-many-steps", "{endless}");
    }
}

#[test]
fn calls_that_do_not_end_meet_the_call_depth_limit() {
    let text = "from pytm import TM, Server\ntm = TM('Deep')\n\ndef f(n):\n    return f(n + 1)\n\nServer('x')\nf(0)\n";
    let loaded = pytm::read_str("recursion.py", text);
    let (code, line) = only_error(&loaded);
    assert_eq!(code, "pytm::call-too-deep");
    assert_eq!(line, 5, "located at the call that goes too deep");
    // containers nested without end meet their own limit
    let nested =
        "from pytm import TM\ntm = TM('Nested')\na = []\nfor i in range(1000):\n    a = [a]\n";
    let loaded = pytm::read_str("nested.py", nested);
    let (code, line) = only_error(&loaded);
    assert_eq!((code, line), ("pytm::value-too-large", 5));
}

#[test]
fn a_list_holding_itself_is_read_and_dropped_without_end() {
    let text = "from pytm import TM, Server\ntm = TM('Cycle')\nl = [1]\nl.append(l)\nm = l == l\nweb = Server('Web')\nweb.levels = l\n";
    let loaded = pytm::read_str("cycle.py", text);
    assert!(!loaded.has_errors(), "{}", messages(&loaded));
    assert_eq!(codes(&loaded, Level::Warning), ["pytm::type-mismatch"]);
}

#[test]
fn warnings_stop_being_kept_after_a_thousand() {
    let text = "class C:\n    pass\n".repeat(1500);
    let loaded = pytm::read_str("many.py", &text);
    assert_eq!(loaded.diagnostics.len(), 1001);
    let last = loaded.diagnostics.last().unwrap();
    assert_eq!(last.code, "pytm::too-many-warnings");
    assert!(last.message.starts_with("501 more warnings"), "{last}");
    // the incomplete parts are capped alike, the rest counted in one entry
    let incomplete = &loaded.model.as_ref().unwrap().incomplete;
    assert_eq!(incomplete.len(), 1001);
    assert!(
        incomplete[1000].reason.starts_with("500 more parts"),
        "{:?}",
        incomplete[1000]
    );
}

#[test]
fn long_names_make_ids_of_their_first_hundred_characters() {
    let name = "n".repeat(5000);
    let loaded = pytm::read_str(
        "long.py",
        &format!(
            "from pytm import TM, Server\ntm = TM('Long')\nServer('{name}')\nServer('{name}')\n"
        ),
    );
    let ids: Vec<&str> = model(&loaded)
        .elements
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(ids, ["n".repeat(100), format!("{}-2", "n".repeat(100))]);
    assert_eq!(model(&loaded).elements[0].name.len(), 5000);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Fragments of Python, so generated text reaches the reader, not just the parser.
    fn python_fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("from pytm import *\n".to_string()),
            Just("tm = TM('x')\n".to_string()),
            Just("b = Boundary('b')\n".to_string()),
            Just("s = Server('s', inBoundary=b)\n".to_string()),
            Just("Dataflow(s, s, 'f')\n".to_string()),
            Just("s.controls.isHardened = True\n".to_string()),
            Just("b.inBoundary = b\n".to_string()),
            Just("for x in y:\n    pass\n".to_string()),
            Just("d = Data('d', traverses=[s])\n".to_string()),
            Just("x = f'{s}' + 1\n".to_string()),
            Just("x = f'{s!r:>{w}}' f\"{'a'}\" rb'\\x00' '\\N{BULLET}'\n".to_string()),
            Just("async def f():\n    await g()\n".to_string()),
            Just("match s:\n    case Server(): pass\n".to_string()),
            Just("@decorator\nclass C: pass\n".to_string()),
            Just("if x:\n\tpass\n        pass\n".to_string()),
            Just("s.protocol = \\\n    'HTTPS'\r\n".to_string()),
            Just("é = Server('é')\n".to_string()),
            "[a-zA-Z_(){}\\[\\]'\"=+.,:\n 0-9#\\\\-]{0,40}",
            "[fbrFBR'\"{}!:=\\\\\n\t\r xé€0-9]{0,30}",
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let loaded = pytm::read_str("any.py", &text);
            prop_assert!(loaded.model.is_some() || loaded.has_errors());
        }

        #[test]
        fn python_like_text_never_panics(parts in prop::collection::vec(python_fragment(), 0..20)) {
            let text = parts.concat();
            let loaded = pytm::read_str("frag.py", &text);
            prop_assert!(loaded.model.is_some() || loaded.has_errors());
            for diagnostic in &loaded.diagnostics {
                prop_assert!(diagnostic.location.is_some());
            }
        }

        #[test]
        fn generated_scripts_round_trip(
            names in prop::collection::vec("[A-Za-z][A-Za-z0-9 ]{0,12}", 1..12),
            edges in prop::collection::vec((0usize..12, 0usize..12), 0..20),
        ) {
            let mut script = String::from("from pytm import TM, Server, Dataflow\ntm = TM('Generated')\n");
            for (i, name) in names.iter().enumerate() {
                script.push_str(&format!("e{i} = Server({name:?})\n"));
            }
            let edges: Vec<(usize, usize)> = edges
                .into_iter()
                .map(|(a, b)| (a % names.len(), b % names.len()))
                .collect();
            for (i, (a, b)) in edges.iter().enumerate() {
                script.push_str(&format!("Dataflow(e{a}, e{b}, 'flow {i}')\n"));
            }
            let loaded = pytm::read_str("gen.py", &script);
            prop_assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
            let model = loaded.model.unwrap();
            prop_assert_eq!(model.elements.len(), names.len());
            prop_assert_eq!(model.flows.len(), edges.len());
            for (flow, (a, b)) in model.flows.iter().zip(&edges) {
                prop_assert_eq!(&flow.source, &model.elements[*a].id);
                prop_assert_eq!(&flow.sink, &model.elements[*b].id);
            }
        }
    }
}
