//! A run's report page: the self-contained HTML report `-f html` writes,
//! with the threats first when the run has a model, else the findings.

use moat_engine::Assessment;
use moat_report::HtmlView;

pub fn html(a: &Assessment) -> Result<String, String> {
    let view = if a.model.is_empty() {
        HtmlView::Scan
    } else {
        HtmlView::Threats
    };
    moat_report::html(a, view).map_err(|e| e.to_string())
}
