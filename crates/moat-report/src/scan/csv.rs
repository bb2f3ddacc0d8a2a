//! One row per finding.

use moat_engine::Assessment;

fn field(text: &str) -> String {
    // a leading =, +, - or @ would be a formula in a spreadsheet
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub fn render(assessment: &Assessment) -> String {
    let a = assessment.scan_results();
    let mut out = String::from(
        "number,severity,check,title,category,outcome,file,line,column,resource,resource_type,cdk_path,property,message,controls,threats_open,severity_reason,suppressed\n",
    );
    for f in &a.findings {
        let c = a.check(&f.check);
        let row = [
            f.number.to_string(),
            f.severity.as_str().to_string(),
            f.check.to_string(),
            f.title.to_string(),
            format!("{:?}", f.category),
            f.outcome.as_str().to_string(),
            f.location.file.clone(),
            f.location.line.to_string(),
            f.location.col.to_string(),
            f.resource.to_string(),
            f.resource_type.to_string(),
            f.cdk_path.clone().unwrap_or_default(),
            f.property.to_string(),
            f.message.to_string(),
            c.map(|c| c.controls.join(" ")).unwrap_or_default(),
            f.threats_open.join(" "),
            f.severity_reason.to_string(),
            f.suppressed.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = row.iter().map(|c| field(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}
