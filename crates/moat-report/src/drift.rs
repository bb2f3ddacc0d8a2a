//! The drift between a live account and its code (moat_engine::drift), as
//! text or Markdown; JSON is the `Drift` itself.

use moat_engine::drift::Drift;
use std::fmt::Write;

/// `live` and `code` name the two sides (`aws:111122223333`, the paths).
pub fn text(drift: &Drift, live: &str, code: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Drift: {live} against {code}");
    let _ = writeln!(
        out,
        "{} in both, {} only in the account, {} only in the code, {}\n",
        moat_source::diag::count(drift.matched.len(), "bucket"),
        drift.only_live.len(),
        drift.only_code.len(),
        moat_source::diag::count(drift.differences.len(), "setting") + " differing",
    );
    if !drift.only_live.is_empty() {
        let _ = writeln!(out, "Only in the account (no code declares them):");
        for s in &drift.only_live {
            let _ = writeln!(out, "  {}  --> {}", s.bucket, s.location);
        }
        out.push('\n');
    }
    if !drift.only_code.is_empty() {
        let _ = writeln!(out, "Only in the code (not in the account):");
        for s in &drift.only_code {
            let _ = writeln!(out, "  {}  --> {}", s.bucket, s.location);
        }
        out.push('\n');
    }
    if !drift.differences.is_empty() {
        let _ = writeln!(out, "Settings that differ:");
        for d in &drift.differences {
            let _ = writeln!(out, "  {} {}", d.bucket, d.setting);
            let _ = writeln!(out, "    code:    {}  --> {}", d.code, d.code_location);
            let _ = writeln!(out, "    account: {}  --> {}", d.live, d.live_location);
        }
        out.push('\n');
    }
    if !drift.not_compared.is_empty() {
        let _ = writeln!(out, "Not compared:");
        for n in &drift.not_compared {
            let what = match &n.setting {
                Some(s) => format!("{} {s}", n.bucket),
                None => n.bucket.clone(),
            };
            let _ = writeln!(out, "  {what}: {}  --> {}", n.reason, n.location);
        }
        out.push('\n');
    }
    if !drift.drifted() {
        let _ = writeln!(out, "No drift in what was compared.");
    }
    out
}

pub fn markdown(drift: &Drift, live: &str, code: &str) -> String {
    let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = String::new();
    let _ = writeln!(out, "# Drift: `{live}` against `{code}`\n");
    let _ = writeln!(
        out,
        "{} in both, {} only in the account, {} only in the code, {} differing.\n",
        moat_source::diag::count(drift.matched.len(), "bucket"),
        drift.only_live.len(),
        drift.only_code.len(),
        moat_source::diag::count(drift.differences.len(), "setting"),
    );
    for (title, list) in [
        ("Only in the account", &drift.only_live),
        ("Only in the code", &drift.only_code),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n\n| Bucket | Where |\n| --- | --- |");
        for s in list {
            let _ = writeln!(
                out,
                "| `{}` | `{}` |",
                esc(&s.bucket),
                esc(&s.location.to_string())
            );
        }
        out.push('\n');
    }
    if !drift.differences.is_empty() {
        let _ = writeln!(
            out,
            "## Settings that differ\n\n| Bucket | Setting | Code | Account | Code location | Account evidence |\n| --- | --- | --- | --- | --- | --- |"
        );
        for d in &drift.differences {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | `{}` | `{}` |",
                esc(&d.bucket),
                d.setting,
                esc(&d.code),
                esc(&d.live),
                esc(&d.code_location.to_string()),
                esc(&d.live_location.to_string())
            );
        }
        out.push('\n');
    }
    if !drift.not_compared.is_empty() {
        let _ = writeln!(
            out,
            "## Not compared\n\n| Bucket | Setting | Why |\n| --- | --- | --- |"
        );
        for n in &drift.not_compared {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                esc(&n.bucket),
                n.setting.as_deref().unwrap_or("(all)"),
                esc(&n.reason)
            );
        }
        out.push('\n');
    }
    out
}
