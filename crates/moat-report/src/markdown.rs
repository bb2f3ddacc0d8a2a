//! The default Markdown report: the embedded template rendered with the same
//! context users' templates get.

use crate::error::ReportError;
use moat_engine::Assessment;

/// The default report template, also a starting point for users' own.
pub(crate) const DEFAULT_TEMPLATE: &str = include_str!("templates/report.md.j2");

pub(crate) fn render(a: &Assessment, options: &crate::Options) -> Result<String, ReportError> {
    let mut out = crate::template::render(a, "report.md.j2", DEFAULT_TEMPLATE, options)?;
    // Each section ends in a blank line to separate it from the next; the last
    // one has no next.
    out.truncate(out.trim_end().len());
    out.push('\n');
    Ok(out)
}
