#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `check_condition`: what a condition may read, per target kind.

use moat_catalog::{TargetKind, check_condition};
use moat_model::ElementKind;

const DATAFLOW: &[TargetKind] = &[TargetKind::DATAFLOW];
const SERVER: &[TargetKind] = &[TargetKind::Element(ElementKind::Server)];
const SERVER_PROCESS: &[TargetKind] = &[
    TargetKind::Element(ElementKind::Server),
    TargetKind::Element(ElementKind::Process),
];
const BOUNDARY: &[TargetKind] = &[TargetKind::BOUNDARY];

#[test]
fn conditions_are_checked_against_the_view_schema() {
    let cases: &[(&str, &[TargetKind])] = &[
        // accepted
        (
            "!target.controls.isEncrypted && target.data.exists(d, d.isPII)",
            DATAFLOW,
        ),
        ("target.tlsVersion < TLSVersion.TLSv12", DATAFLOW),
        (
            "target.data.all(d, d.classification <= Classification.RESTRICTED)",
            DATAFLOW,
        ),
        ("source.inScope && sink.controls.authorizesSource", DATAFLOW),
        (
            "has(target.properties.owner) && target.properties.owner == 'team-a'",
            SERVER,
        ),
        ("target.kind == 'server' && 'pci' in target.tags", SERVER),
        ("target.response == null || target.isResponse", DATAFLOW),
        (
            "target.inputs.exists(f, f.protocol.startsWith('HTTP') && !f.isEncrypted)",
            SERVER,
        ),
        (
            "size(target.elements) > 0 && target.name.contains('VPC')",
            BOUNDARY,
        ),
        (
            "target.data.exists(d, d.credentialsLife in [Lifetime.LONG, Lifetime.HARDCODED])",
            DATAFLOW,
        ),
        (
            "target.classes.exists(c, c in ['Process']) ? target.controls.isHardened : true",
            SERVER_PROCESS,
        ),
        (
            "target.data.map(d, d.classification).exists(c, c > 3)",
            DATAFLOW,
        ),
        ("target.port + 1 > 443 && -target.port < 0", SERVER),
        ("true", &[]),
        // rejected
        ("target.controls.isEncrptd", DATAFLOW),
        ("target.data.exists(d, d.isPIII)", DATAFLOW),
        ("target.usesXMLParser", SERVER_PROCESS),
        ("source.inScope", SERVER),
        ("targt.inScope", SERVER),
        ("target.tlsVersion < TLSVersion.TLSv2", DATAFLOW),
        ("target.controls.isEncrypted == 'yes'", DATAFLOW),
        (
            "target.data.exists(d, d.credentialsLife in [1, 2])",
            DATAFLOW,
        ),
        ("target.name", DATAFLOW),
        ("target.name.foo", SERVER),
        ("target.protocol in 'HTTPS'", DATAFLOW),
        ("target.port < 'x'", SERVER),
        ("!target.protocol", SERVER),
        ("target.protocol && true", SERVER),
        (
            "target.isAdmin == null",
            &[TargetKind::Element(ElementKind::Actor)],
        ),
        ("sizee(target.data) > 0", DATAFLOW),
        ("size(target.isResponse) > 0", DATAFLOW),
        ("target.isResponse.exists(x, x)", DATAFLOW),
        ("has(target.controls.nope)", DATAFLOW),
        ("target.data[0].isPII && target.data['x']", DATAFLOW),
        ("1 +", SERVER),
        ("target.x == 'a", SERVER),
        ("target.isResponse &&& true", DATAFLOW),
        ("(target.isResponse", DATAFLOW),
        (
            "target.isResponse\n  && target.controls.isEncrypted\n  && )",
            DATAFLOW,
        ),
        ("", DATAFLOW),
        ("google.Type{}", DATAFLOW),
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|(expr, kinds)| {
            let kinds_text: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            match check_condition(expr, kinds) {
                Ok(_) => format!("ok    [{}] {expr}", kinds_text.join(", ")),
                Err(e) => format!("error [{}] {expr}\n      {e}", kinds_text.join(", ")),
            }
        })
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}

#[test]
fn error_offsets_point_at_the_problem() {
    let at = |expr: &str, kinds: &[TargetKind]| {
        let error = moat_catalog::condition::compile_checked(expr, kinds).unwrap_err();
        let offset = error.offset.unwrap();
        expr[offset..].to_string()
    };
    assert_eq!(at("target.controls.isEncrptd", DATAFLOW), "isEncrptd");
    assert_eq!(at("true && foo(1)", DATAFLOW), "foo(1)");
    assert_eq!(at("true && targt.x", DATAFLOW), "targt.x");
    assert_eq!(at("1 +", DATAFLOW), "");
    assert_eq!(at("a\n && b +", DATAFLOW), "");
}
