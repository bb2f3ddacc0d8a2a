//! A run's report page: the HTML report `-f html` writes.

use moat_engine::Assessment;

pub fn html(a: &Assessment) -> Result<String, String> {
    let markdown = moat_report::markdown(a).map_err(|e| e.to_string())?;
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moat report</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main><pre>{}</pre></main></body></html>\n",
        escape(&markdown)
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
