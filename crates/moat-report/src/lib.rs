//! Moat's renderers. Reports (text, JSON, Markdown, HTML, user templates) read only
//! the [`Assessment`]; diagrams (DOT, Mermaid, PlantUML, SVG) read only the [`Model`].
//! Every output is deterministic and linear in the size of its input.

mod catalog_html;
pub mod catalog_views;
mod context;
mod diagram;
mod dot;
pub mod drift;
mod error;
mod html_env;
mod join;
mod json;
mod markdown;
mod markdown_escape;
mod mermaid;
mod plantuml;
mod prose;
mod report_html;
pub mod scan;
mod schema_defaults;
mod svg;
mod template;
mod text;
mod threat_groups;
mod wrap;

pub use catalog_html::catalog_html;
pub use error::ReportError;
pub use report_html::HtmlView;

use moat_engine::Assessment;
use moat_model::Model;

/// The default terminal report: a header, a table of threats, a summary by
/// severity. ANSI colours only when `color` is true (the CLI passes true on a TTY).
pub fn text(a: &Assessment, color: bool) -> String {
    text::render(
        a,
        &Options {
            color,
            ..Options::default()
        },
    )
}

/// How a report is laid out.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// ANSI colours (text only).
    pub color: bool,
    /// Counts and one line per threat instead of the full report (text and Markdown).
    pub summary: bool,
    /// The width the text table must fit in; `None`: as wide as it needs.
    pub width: Option<usize>,
}

/// [`text`] with explicit [`Options`].
pub fn text_with(a: &Assessment, options: &Options) -> String {
    text::render(a, options)
}

/// [`markdown`] with explicit [`Options`] (`summary`).
pub fn markdown_with(a: &Assessment, options: &Options) -> Result<String, ReportError> {
    markdown::render(a, options)
}

/// The Assessment as JSON with a trailing newline (shape documented in
/// docs/json-output.md): indented when the assessment has at most 10,000
/// threat results and model parts together, on one line above that.
pub fn json(a: &Assessment) -> String {
    json::render(a)
}

/// The JSON Schema of [`json`]'s output, generated from the Assessment type.
pub fn assessment_json_schema() -> serde_json::Value {
    json::schema()
}

/// A GitHub-flavoured Markdown report, rendered from the embedded default template.
pub fn markdown(a: &Assessment) -> Result<String, ReportError> {
    markdown::render(a, &Options::default())
}

/// Renders a user's minijinja template, named `name` in error messages, with the
/// same context as [`markdown`] (documented in docs/templates.md).
pub fn template(a: &Assessment, name: &str, template_source: &str) -> Result<String, ReportError> {
    template::render(a, name, template_source, &Options::default())
}

/// The assessment as one self-contained HTML5 page (docs/html-report.md):
/// summary, data flow diagram, threats, findings, controls, plan, review and
/// compliance, whichever the assessment has, in the order `view` suits.
pub fn html(a: &Assessment, view: HtmlView) -> Result<String, ReportError> {
    report_html::render(a, view)
}

/// The HTML report's stylesheet and script, exactly as the page's only
/// `<style>` and `<script>` elements hold them (for Content-Security-Policy hashes).
pub fn html_assets() -> (&'static str, &'static str) {
    (report_html::CSS, report_html::SCRIPT)
}

/// The data-flow diagram in Graphviz DOT.
pub fn dot(m: &Model) -> String {
    dot::render(m)
}

/// The data-flow diagram as a Mermaid flowchart.
pub fn mermaid(m: &Model) -> String {
    mermaid::render(m)
}

/// The data-flow diagram as a self-contained SVG, laid out natively (no
/// Graphviz): every element's group has `id="el-<model id>"` and every flow's
/// `id="flow-<model id>"`, both with `data-id="<model id>"`.
///
/// The layered layout grows much faster than the model: 60 elements with 90
/// flows take seconds, a few hundred minutes. Larger models get an error
/// that says what to do instead of a run that seems to hang.
pub fn svg(m: &Model) -> Result<String, ReportError> {
    if m.elements.len() > SVG_MAX_ELEMENTS || m.flows.len() > SVG_MAX_FLOWS {
        return Err(ReportError {
            message: format!(
                "the native SVG layout draws at most {SVG_MAX_ELEMENTS} elements and {SVG_MAX_FLOWS} flows; this model has {} and {}: write `-f dot` and render it with Graphviz, or split the model",
                m.elements.len(),
                m.flows.len()
            ),
            line: None,
        });
    }
    // the layout crate is not ours: a panic in it is an error, not a crash
    std::panic::catch_unwind(|| svg::render(m)).map_err(|_| ReportError {
        message: "the SVG layout failed on this model; write `-f dot` instead".to_string(),
        line: None,
    })
}

/// The largest model [`svg`] lays out.
pub const SVG_MAX_ELEMENTS: usize = 60;
/// The most flows [`svg`] lays out.
pub const SVG_MAX_FLOWS: usize = 120;

/// The flows as a PlantUML sequence diagram, like pytm's `--seq`.
pub fn plantuml_sequence(m: &Model) -> String {
    plantuml::render(m)
}

/// The embedded default Markdown template: a starting point for users' own.
pub fn default_markdown_template() -> &'static str {
    markdown::DEFAULT_TEMPLATE
}
