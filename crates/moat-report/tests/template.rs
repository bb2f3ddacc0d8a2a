#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! User templates: the context, the filters, and errors that point at a line.

mod common;

use common::{fixture_path, nested, s3};
use moat_report::{ReportError, template};

fn render(source: &str) -> Result<String, ReportError> {
    template(&s3(), "custom.md.j2", source)
}

#[test]
fn user_template_renders_with_the_markdown_context() {
    let source = std::fs::read_to_string(fixture_path("user-template.md.j2")).unwrap();
    insta::assert_snapshot!(template(&s3(), "user-template.md.j2", &source).unwrap());
}

#[test]
fn the_default_template_is_a_valid_user_template() {
    let a = nested();
    let copy = template(&a, "copy.md.j2", moat_report::default_markdown_template()).unwrap();
    assert_eq!(
        copy.trim_end(),
        moat_report::markdown(&a).unwrap().trim_end()
    );
}

#[test]
fn fields_json_leaves_out_are_present_but_empty() {
    // Most fixture threats have no `example`, `condition` or `references`;
    // strict undefined behaviour must not trip over them.
    let out = render(
        "{% for t in threats %}[{{ t.example }}|{{ t.condition }}|{{ t.references | length }}|{{ t.target.location }}]\n{% endfor %}",
    )
    .unwrap();
    assert!(out.contains("\n[||0|]\n"), "{out}");
    let out =
        render("{% for e in model.elements %}{{ e.description }}{{ e.tags | length }}{% endfor %}");
    assert_eq!(out.unwrap(), "000000");
}

#[test]
fn misspelt_variables_are_errors_with_a_suggestion() {
    let err = render("# Report\n\n{{ treats | length }}\n").unwrap_err();
    assert_eq!(err.line, Some(3));
    insta::assert_snapshot!(err.to_string(), @"line 3: undefined variable `treats`, did you mean `threats`?");
}

#[test]
fn misspelt_attributes_are_errors_with_a_suggestion() {
    let err = render("{{ report.titel }}").unwrap_err();
    assert_eq!(err.line, Some(1));
    insta::assert_snapshot!(err.message, @"undefined variable `report.titel`, did you mean `title`?");
}

#[test]
fn misspelt_names_piped_through_filters_are_errors() {
    for source in [
        "{{ report.titel | md_escape }}",
        "{{ report.titel | md_text }}",
        "{{ report.titel | md_code }}",
        "{{ report.titel | md_link }}",
        "{{ report.titel | severity_badge }}",
        "{{ report.titel | severity_label }}",
        "{{ report.titel | stride_label }}",
        "{{ report.titel | kind_label }}",
    ] {
        let err = render(source).unwrap_err();
        assert_eq!(
            err.message, "undefined variable `report.titel`, did you mean `title`?",
            "{source}"
        );
    }
}

#[test]
fn misspelt_attributes_of_loop_variables_are_errors() {
    let err = render("{% for t in threats %}\n  {{ t.severty }}\n{% endfor %}").unwrap_err();
    assert_eq!(err.line, Some(2));
    insta::assert_snapshot!(err.message, @"undefined value in `t.severty`");
}

#[test]
fn syntax_errors_carry_the_line() {
    let err = render("ok\n{% for t in threats %}\n{{ t.name }}\n").unwrap_err();
    assert_eq!(err.line, Some(3));
    insta::assert_snapshot!(err.to_string(), @"line 3: syntax error: unexpected end of input, expected end of block");
}

#[test]
fn unknown_filters_carry_the_line() {
    let err = render("a\nb\n{{ report.title | md_escap }}").unwrap_err();
    assert_eq!(err.line, Some(3));
    insta::assert_snapshot!(err.to_string(), @"line 3: unknown filter `md_escap`, did you mean `md_escape`?");
}

#[test]
fn errors_become_located_diagnostics() {
    let err = render("\n\n\n{{ nope }}").unwrap_err();
    let diagnostic = err.diagnostic("templates/team.md.j2");
    insta::assert_snapshot!(diagnostic.to_string(), @"templates/team.md.j2:4:1: error: undefined variable `nope`");
}

#[test]
fn filters() {
    let out = render(concat!(
        "{{ 'critical' | severity_badge }}|{{ 'info' | severity_label }}|",
        "{{ 'elevation_of_privilege' | stride_label }}|{{ 'set_of_processes' | kind_label }}|",
        "{{ 'dataflow' | kind_label }}|{{ 'a|b_c' | md_escape }}|{{ 'x`y' | md_code }}|",
        "{{ 'a|b' | md_code(table=true) }}|{{ 'use `s3:*`' | md_text }}|",
        "{{ 'https://aws.amazon.com/s3/' | md_link }}|{{ none | md_escape }}",
    ))
    .unwrap();
    insta::assert_snapshot!(out, @"🔴 Critical|Info|Elevation of Privilege|set of processes|data flow|a\\|b\\_c|``x`y``|`a\\|b`|use `s3:*`|<https://aws.amazon.com/s3/>|");
}

#[test]
fn md_code_rejects_unknown_arguments() {
    let err = render("{{ 'x' | md_code(tabel=true) }}").unwrap_err();
    assert_eq!(err.line, Some(1));
}

#[test]
fn html_templates_escape_html() {
    let mut a = s3();
    a.model.name = "<script>alert(1)</script>".into();
    let out = template(&a, "report.html", "<h1>{{ report.title }}</h1>").unwrap();
    assert_eq!(out, "<h1>&lt;script&gt;alert(1)&lt;&#x2f;script&gt;</h1>");
}

/// The S3 fixture with `T-S3-010` on a second flow and a catalog location.
fn shared_definition() -> moat_engine::Assessment {
    let mut a = s3();
    let mut second = a
        .threats
        .iter()
        .find(|t| t.threat_id == "T-S3-010")
        .unwrap()
        .clone();
    second.target_id = "cross-region-replication".into();
    second.id = "T-S3-010@cross-region-replication".into();
    a.threats.push(second);
    let definition = a
        .definitions
        .iter_mut()
        .find(|d| d.id == "T-S3-010")
        .unwrap();
    definition.location = Some(moat_model::Location {
        file: "catalog/transit.yaml".into(),
        line: 12,
        col: 3,
        end_line: 12,
        end_col: 9,
    });
    a
}

#[test]
fn results_are_joined_with_their_definition_and_target() {
    let source = concat!(
        "{% for t in threats if t.threat_id == 'T-S3-010' %}",
        "{{ t.id }} | {{ t.name }} | {{ t.target.name }} ({{ t.target.type }}) | {{ t.condition }}",
        " | {{ t.definition.location.file }}:{{ t.definition.location.line }}\n",
        "{% endfor %}",
    );
    let out = template(&shared_definition(), "join.j2", source).unwrap();
    insta::assert_snapshot!(out, @r"
    T-S3-010@store-retrieve-object-data-metadata | Object data is modified in transit | Store/Retrieve Object Data & Metadata (dataflow) | !target.controls.isEncrypted | catalog/transit.yaml:12
    T-S3-010@cross-region-replication | Object data is modified in transit | Cross‑Region Replication (dataflow) | !target.controls.isEncrypted | catalog/transit.yaml:12
    ");
}

#[test]
fn the_markdown_report_shows_a_shared_definition_once_with_its_targets() {
    let out = moat_report::markdown(&shared_definition()).unwrap();
    let description =
        "A flow that is not encrypted lets an attacker on the path alter object data.";
    assert_eq!(out.matches(description).count(), 1, "{out}");
    assert!(
        out.contains("_Tampering, likelihood 2/5, impact 4/5; open on 2 of 2 targets._"),
        "{out}"
    );
    assert!(
        out.contains("**Open on:** Cross‑Region Replication `cross-region-replication`, Store/Retrieve Object Data \\& Metadata `store-retrieve-object-data-metadata`."),
        "{out}"
    );
}

#[test]
fn a_joined_result_lists_its_fields() {
    let out = render("{{ threats[1] | tojson }}").unwrap();
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    insta::assert_snapshot!(keys.join(" "), @"condition control_count controls decision definition description evidence example feature_assumed id impact likelihood mitigations name references severity status stride target target_id threat_id");
    assert_eq!(value["target"]["id"], "store-retrieve-object-data-metadata");
    assert_eq!(value["definition"]["id"], "T-S3-010");
}

#[test]
fn a_result_has_no_location_of_its_own() {
    // The definition's location is in the catalog; lifting it would read as
    // the target's.
    let err = render("{% for t in threats %}{{ t.location }}{% endfor %}").unwrap_err();
    insta::assert_snapshot!(err.message, @"undefined value in `t.location`");
}

#[test]
fn results_missing_their_definition_or_target_still_render() {
    let mut a = s3();
    a.definitions.retain(|d| d.id != "T-S3-001");
    a.targets.retain(|t| t.id != "kms");

    let text = moat_report::text(&a, false);
    let row = |id: &str| text.lines().find(|l| l.contains(id)).unwrap().to_string();
    insta::assert_snapshot!(format!("{}\n{}", row("T-S3-001"), row("T-S3-040")), @r"
    high      open    Spoofing                T-S3-001                                                  actor User
    high      open    Elevation of Privilege  T-S3-040 Key policy lets anyone in the account decrypt    kms
    ");

    let markdown = moat_report::markdown(&a).unwrap();
    common::assert_tidy_markdown(&markdown);
    let section = |heading: &str| {
        let start = markdown.find(heading).unwrap();
        let end = markdown[start..]
            .find("\n\n#")
            .map_or(markdown.len(), |e| start + e);
        markdown[start..end].to_string()
    };
    insta::assert_snapshot!(section("### 🟠 High T-S3-001"), @r"
    ### 🟠 High T-S3-001: T-S3-001

    _Spoofing; open on 1 of 1 target._

    The assessment has no definition of this threat.

    **Controls:** none in the catalog; record a decision.
    **Open on:** User `user`.
    ");
    assert!(markdown.contains("**Open on:** kms `kms`."), "{markdown}");
}
