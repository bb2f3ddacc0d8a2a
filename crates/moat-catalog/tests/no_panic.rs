#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Arbitrary text never panics the translator, the checker or the loader.

use moat_catalog::{TargetKind, check_condition, load_str, py_to_cel};
use moat_model::ElementKind;
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "target",
    ".",
    "controls",
    "isEncrypted",
    "data",
    "d",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "and",
    "or",
    "not",
    "is",
    "None",
    "True",
    "in",
    "for",
    "any",
    "all",
    "len",
    "oneOf",
    "Server",
    "Boundary",
    "crosses",
    "enters",
    "hasDataLeaks",
    "checkTLSVersion",
    "inputs",
    "==",
    "<",
    "!",
    "&&",
    "||",
    "exists",
    "size",
    "has",
    "properties",
    "Classification",
    "SECRET",
    "'x'",
    "\"y\"",
    "1",
    "-",
    ",",
    ":",
    "\n",
    "  ",
    "lambda",
    "if",
    "else",
    "threats:",
    "- id:",
    "T-GEN-001",
    "applies_when:",
    "applies_to:",
    "[dataflow]",
    "likelihood:",
    "3",
    "SID",
    "condition",
    "\\",
    "'",
    "\"",
    "é",
    "\u{0}",
    "@result",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|t| t.join(" "))
}

fn kinds() -> Vec<TargetKind> {
    vec![
        TargetKind::DATAFLOW,
        TargetKind::Element(ElementKind::Server),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn translator_never_panics(text in any::<String>()) {
        let _ = py_to_cel::translate(&text);
    }

    #[test]
    fn translator_and_checker_never_panic_on_token_soup(text in token_soup()) {
        if let Ok(cel) = py_to_cel::translate(&text) {
            let _ = check_condition(&cel, &kinds());
        }
        let _ = check_condition(&text, &kinds());
    }

    #[test]
    fn checker_never_panics(text in any::<String>()) {
        let _ = check_condition(&text, &kinds());
    }

    #[test]
    fn loader_never_panics(text in any::<String>()) {
        let _ = load_str("random.yaml", &text);
        let _ = load_str("random.json", &format!("[{text}]"));
    }

    #[test]
    fn loader_never_panics_on_catalog_like_text(text in token_soup()) {
        let _ = load_str("soup.yaml", &format!("threats:\n  - id: T-GEN-001\n    {text}\n"));
        let _ = load_str("soup.json", &format!("[{{\"SID\": \"INP01\", \"condition\": \"{text}\"}}]"));
    }
}
