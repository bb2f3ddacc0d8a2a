#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `-f html`: one self-contained page that a strict Content Security Policy
//! allows by the hashes of its one style and one script, with every part of
//! the model in its diagram, every threat in a row, user text escaped, and
//! the same bytes for the same assessment.

mod common;

use common::{nested, s3};
use moat_catalog::Severity;
use moat_engine::Assessment;
use moat_model::{Element, ElementKind, Model};
use moat_report::HtmlView;

fn page(a: &Assessment, view: HtmlView) -> String {
    moat_report::html(a, view).expect("the embedded template renders")
}

/// The inline SVG of the page's diagram section, parsed.
fn diagram_svg(html: &str) -> String {
    let start = html
        .find("<div class=\"diagram\" id=\"diagram\">")
        .expect("a diagram");
    let from = start + html[start..].find("<svg").unwrap();
    let end = from + html[from..].find("</svg>").unwrap() + "</svg>".len();
    html[from..end].to_string()
}

/// What a Content Security Policy without `unsafe-inline` needs.
fn assert_csp_ready(html: &str) {
    let (css, js) = moat_report::html_assets();
    assert_eq!(html.matches("<style").count(), 1, "one style block");
    assert_eq!(html.matches("<script").count(), 1, "one script block");
    assert!(
        html.contains(&format!("<style>{css}</style>")),
        "the style block is html_assets().0"
    );
    assert!(
        html.contains(&format!("<script>{js}</script>")),
        "the script block is html_assets().1"
    );
    assert!(!html.contains(" style="), "a style attribute");
    for (tag, name, value) in attributes(html) {
        assert!(
            !name.starts_with("on"),
            "event handler attribute in <{tag}>"
        );
        assert_ne!(name, "style", "style attribute in <{tag}>");
        assert!(
            !value.trim().to_ascii_lowercase().starts_with("javascript:"),
            "javascript: URL in <{tag}>"
        );
    }
    let ids: Vec<String> = attributes(html)
        .into_iter()
        .filter(|(_, name, _)| name == "id")
        .map(|(_, _, value)| value)
        .collect();
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    assert!(!html.contains(" src="), "nothing fetched");
    assert!(!html.contains("<link"), "nothing fetched");
}

/// Every attribute of every tag outside the script and style blocks, as
/// (tag, lowercased name, value as written).
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if let Some(raw) = ["script>", "style>"].iter().find(|r| rest.starts_with(**r))
            && let Some(end) = rest.find(&format!("</{raw}"))
        {
            rest = &rest[end + 2 + raw.len()..];
            continue;
        }
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let mut chars = rest.char_indices().peekable();
        let mut tag = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() || c == '>' || c == '/' {
                break;
            }
            tag.push(c);
            chars.next();
        }
        // attributes: name[=value], values quoted with " (escaped text holds none)
        let mut end = rest.len();
        loop {
            while chars
                .peek()
                .is_some_and(|&(_, c)| c.is_whitespace() || c == '/')
            {
                chars.next();
            }
            let Some(&(at, c)) = chars.peek() else { break };
            if c == '>' {
                end = at;
                break;
            }
            let mut name = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_whitespace() || c == '=' || c == '>' {
                    break;
                }
                name.push(c.to_ascii_lowercase());
                chars.next();
            }
            let mut value = String::new();
            if chars.peek().is_some_and(|&(_, c)| c == '=') {
                chars.next();
                if chars.peek().is_some_and(|&(_, c)| c == '"') {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == '"' {
                            break;
                        }
                        value.push(c);
                    }
                } else {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() || c == '>' {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
            if !name.is_empty() {
                out.push((tag.clone(), name, value));
            }
        }
        rest = &rest[end..];
    }
    out
}

/// The s3 fixture with only its critical threats: a small page to snapshot.
fn small() -> Assessment {
    let mut a = s3();
    a.retain(|t| t.severity == Severity::Critical);
    a
}

#[test]
fn html_small_model() {
    let html = page(&small(), HtmlView::Threats);
    let (css, js) = moat_report::html_assets();
    // the stylesheet and script are tested apart; the snapshot shows the page
    let html = html
        .replace(css, "/* report.css */")
        .replace(js, "/* report.js */");
    insta::assert_snapshot!(html);
}

#[test]
fn every_element_flow_and_threat_is_on_the_page() {
    for a in [s3(), nested()] {
        let html = page(&a, HtmlView::Threats);
        assert_csp_ready(&html);
        let svg = diagram_svg(&html);
        let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
        let has = |id: String, data_id: &str| {
            doc.descendants().any(|n| {
                n.attribute("id") == Some(id.as_str()) && n.attribute("data-id") == Some(data_id)
            })
        };
        for e in &a.model.elements {
            assert!(has(format!("el-{}", e.id), &e.id), "element {}", e.id);
        }
        for f in &a.model.flows {
            assert!(has(format!("flow-{}", f.id), &f.id), "flow {}", f.id);
        }
        for b in &a.model.boundaries {
            assert!(
                has(format!("boundary-{}", b.id), &b.id),
                "boundary {}",
                b.id
            );
        }
        assert_eq!(
            html.matches("data-row=\"threats\"").count(),
            a.threats.len()
        );
        for (n, t) in a.threats.iter().enumerate() {
            assert!(
                html.contains(&format!("<tr id=\"threat-{}\" data-row=\"threats\"", n + 1)),
                "{}",
                t.id
            );
            assert!(html.contains(&format!("<code>{}</code>", t.id)), "{}", t.id);
            // the row links back to its target in the diagram
            assert!(
                html.contains(&format!("data-target=\"{}\"", t.target_id)),
                "{}",
                t.id
            );
        }
        // without JavaScript every row is shown; printing shows them all too
        for line in html.lines().filter(|l| l.contains("data-row=")) {
            assert!(!line.contains(" hidden"), "{line}");
        }
        assert!(moat_report::html_assets().0.contains("@media print"));
        assert_eq!(html, page(&a, HtmlView::Threats), "not deterministic");
    }
}

const HOSTILE: &str = "<script>alert(\"x\")</script> & 'q' \"";

#[test]
fn hostile_names_are_shown_inert() {
    let mut a = s3();
    a.model.name = HOSTILE.to_string();
    a.model.description = HOSTILE.to_string();
    a.model.elements[0].name = HOSTILE.to_string();
    a.model.boundaries[0].name = HOSTILE.to_string();
    a.model.flows[0].name = HOSTILE.to_string();
    for t in &mut a.targets {
        t.name = HOSTILE.to_string();
    }
    for d in &mut a.definitions {
        d.name = HOSTILE.to_string();
        d.description = HOSTILE.to_string();
        d.references = vec![format!("javascript:{HOSTILE}")];
    }
    let html = page(&a, HtmlView::Threats);
    assert_csp_ready(&html);
    assert!(!html.contains("<script>alert"), "unescaped name");
    assert!(!html.contains("href=\"javascript"), "a javascript: link");
    assert!(html.contains("&lt;script&gt;alert("), "the name is shown");
    // the SVG inside parses, with the name as text
    roxmltree::Document::parse(&diagram_svg(&html)).expect("well-formed SVG");
}

#[test]
fn hostile_ids_stay_inside_their_attributes() {
    let mut a = s3();
    let id = "x\" onclick=\"alert(1)";
    let old = a.model.elements[0].id.clone();
    a.model.elements[0].id = id.to_string();
    for f in &mut a.model.flows {
        for end in [&mut f.source, &mut f.sink] {
            if *end == old {
                *end = id.to_string();
            }
        }
    }
    for t in &mut a.targets {
        if t.id == old {
            t.id = id.to_string();
        }
    }
    for t in &mut a.threats {
        if t.target_id == old {
            t.target_id = id.to_string();
        }
    }
    let html = page(&a, HtmlView::Threats);
    assert_csp_ready(&html);
    assert!(html.contains("data-target=\"x&quot; onclick=&quot;alert(1)\""));
}

#[test]
fn a_model_too_large_to_draw_says_so_and_lists_everything() {
    let mut a = s3();
    for i in 0..=moat_report::SVG_MAX_ELEMENTS {
        a.model.elements.push(Element {
            id: format!("extra{i}"),
            name: format!("Extra {i}"),
            ..element_like(&a.model)
        });
    }
    let html = page(&a, HtmlView::Threats);
    assert_csp_ready(&html);
    assert!(html.contains(
        "<p class=\"refused\" role=\"alert\"><strong>The diagram is not drawn:</strong>"
    ));
    assert!(html.contains("-f dot"), "says what to do instead");
    assert!(!html.contains("<svg"));
    assert_eq!(
        html.matches("data-row=\"threats\"").count(),
        a.threats.len()
    );
}

fn element_like(model: &Model) -> Element {
    let mut e = model.elements[0].clone();
    e.kind = ElementKind::Process;
    e.boundary = None;
    e
}

#[test]
fn a_plan_and_a_compliance_report_render_without_a_model() {
    let (catalog, _) = moat_catalog::builtin();
    let summary = moat_engine::CatalogSummary {
        sources: catalog.sources.clone(),
        threat_count: catalog.threats.len(),
    };
    let mut a = Assessment::of_catalog(summary.clone());
    a.plan = Some(moat_engine::plan::plan(&catalog));
    let html = page(&a, HtmlView::Plan);
    assert_csp_ready(&html);
    assert!(html.contains("id=\"sec-plan\""));
    assert!(!html.contains("id=\"sec-diagram\""), "no model, no diagram");
    assert_eq!(
        html.matches("data-row=\"plan\"").count(),
        catalog.controls.len()
    );

    let mut a = Assessment::of_catalog(summary);
    let framework = catalog.frameworks[0].id.clone();
    let report = moat_engine::compliance::compliance(&catalog, &framework).unwrap();
    let requirements = report.requirements.len();
    a.compliance = Some(report);
    let html = page(&a, HtmlView::Compliance);
    assert_csp_ready(&html);
    assert_eq!(
        html.matches("data-row=\"compliance\"").count(),
        requirements
    );
}

#[test]
fn a_review_draws_each_class_with_ids_of_its_own() {
    let (catalog, _) = moat_catalog::builtin();
    let classes: Vec<String> = catalog
        .feature_classes
        .iter()
        .take(3)
        .map(|f| f.id.clone())
        .collect();
    let mut a = Assessment::of_catalog(moat_engine::CatalogSummary {
        sources: catalog.sources.clone(),
        threat_count: catalog.threats.len(),
    });
    a.review = Some(moat_engine::review::review(&catalog, &classes, Severity::Info).unwrap());
    let html = page(&a, HtmlView::Review);
    assert_csp_ready(&html);
    let ids: Vec<String> = attributes(&html)
        .into_iter()
        .filter(|(_, name, _)| name == "id")
        .map(|(_, _, value)| value)
        .collect();
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    assert!(html.matches("<svg").count() >= 2);
}

#[test]
fn sections_follow_the_command() {
    let html = page(&s3(), HtmlView::Threats);
    let at = |key: &str| html.find(&format!("id=\"sec-{key}\"")).unwrap();
    assert!(at("diagram") < at("threats"));
}
