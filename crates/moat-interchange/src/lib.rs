//! Interchange with other threat modeling tools: AWS Threat Composer
//! (`.tc.json`), Open Threat Model (OTM 0.2) and OWASP Threat Dragon v2.
//!
//! Exports read an [`Assessment`] (and the catalog, for controls and their
//! compliance ids); imports turn a Threat Composer or OTM file into a Moat
//! [`Model`] with its decisions, so every command reads it. What maps to what,
//! and what is lost, is in `docs/interchange.md`.

pub mod dragon;
mod ids;
pub mod otm;
mod read;
pub mod tc;
mod text;

use moat_model::{Diagnostic, Loaded, Model, SourceFile};

pub use moat_engine::Assessment;

/// The formats Moat can read a model from, besides its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    ThreatComposer,
    Otm,
}

impl ImportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::ThreatComposer => "Threat Composer",
            ImportFormat::Otm => "Open Threat Model",
        }
    }
}

/// Which interchange format `name` (and, for plain `.json` files, `text`) is in,
/// or `None` for Moat's own formats. `.tc.json` is Threat Composer;
/// `.otm.json`, `.otm.yaml` and `.otm.yml` are OTM; any other `.json`, `.yaml`
/// or `.yml` file whose top level names `otmVersion` is OTM, and a `.json`
/// file whose top level holds Threat Composer's `mitigationLinks` or
/// `applicationInfo` next to `schema` is Threat Composer.
pub fn detect(name: &str, text: &str) -> Option<ImportFormat> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tc.json") {
        return Some(ImportFormat::ThreatComposer);
    }
    if [".otm.json", ".otm.yaml", ".otm.yml"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        return Some(ImportFormat::Otm);
    }
    let json = lower.ends_with(".json");
    let yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    if !(json || yaml) {
        return None;
    }
    if has_top_key(text, "otmVersion", json) {
        return Some(ImportFormat::Otm);
    }
    if json
        && has_top_key(text, "schema", true)
        && (has_top_key(text, "mitigationLinks", true)
            || has_top_key(text, "applicationInfo", true))
    {
        return Some(ImportFormat::ThreatComposer);
    }
    None
}

/// Whether `text` appears to hold `key` at its top level: a cheap look that
/// only decides which reader runs (the reader then checks everything).
fn has_top_key(text: &str, key: &str, json: bool) -> bool {
    if json {
        let quoted = format!("\"{key}\"");
        // a Moat model never uses these names; a nested use is rare enough
        // that the reader's own errors then say what is wrong
        text.contains(&quoted)
    } else {
        text.lines().any(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    }
}

/// Reads `file` in `format` into a model, with located diagnostics.
pub fn import(format: ImportFormat, file: &SourceFile) -> Loaded {
    match format {
        ImportFormat::ThreatComposer => tc::import(file),
        ImportFormat::Otm => otm::import(file),
    }
}

/// Clears every span of `model`: an imported model's spans would point into
/// a text the caller does not hold.
pub(crate) fn clear_spans(model: &mut Model) {
    for b in &mut model.boundaries {
        b.span = None;
    }
    for e in &mut model.elements {
        e.span = None;
        for i in &mut e.implements {
            i.span = None;
        }
    }
    for f in &mut model.flows {
        f.span = None;
        for i in &mut f.implements {
            i.span = None;
        }
    }
    for d in &mut model.data {
        d.span = None;
    }
    for i in &mut model.implements {
        i.span = None;
    }
    for d in &mut model.decisions {
        d.span = None;
    }
}

/// Ends an import: unless the file had errors, the model built from it goes
/// through Moat's own model loader (as JSON), so it is checked exactly like
/// a YAML model (ids, references, attribute types, decisions). That loader's
/// messages name ids; they point at the start of the imported file.
pub(crate) fn finish(reader: read::Reader<'_>, model: Model) -> Loaded {
    let file = reader.file;
    let mut diagnostics = reader.diagnostics;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Loaded {
            model: None,
            diagnostics,
        };
    }
    let json = match moat_model::yaml::to_json(&model) {
        Ok(json) => json,
        Err(e) => {
            diagnostics
                .push(Diagnostic::error("interchange::model", e.to_string()).in_file(&file.name));
            return Loaded {
                model: None,
                diagnostics,
            };
        }
    };
    let inner = SourceFile::new(format!("{} (as a Moat model)", file.name), json);
    let loaded = moat_model::load_file(&inner);
    for mut d in loaded.diagnostics {
        d.message = format!("in the model read from this file: {}", d.message);
        d.location = None;
        d.source = None;
        diagnostics.push(d.in_file(&file.name));
    }
    let Some(mut checked) = loaded.model else {
        return Loaded {
            model: None,
            diagnostics,
        };
    };
    // what the JSON round trip cannot hold: where things came from
    checked.source = model.source;
    checked.incomplete = model.incomplete;
    for (d, original) in checked.decisions.iter_mut().zip(&model.decisions) {
        d.location = original.location.clone();
    }
    let relocate = |list: &mut [moat_model::Implementation],
                    from: &[moat_model::Implementation]| {
        for (i, original) in list.iter_mut().zip(from) {
            i.location = original.location.clone();
        }
    };
    relocate(&mut checked.implements, &model.implements);
    for (e, original) in checked.elements.iter_mut().zip(&model.elements) {
        relocate(&mut e.implements, &original.implements);
    }
    for (f, original) in checked.flows.iter_mut().zip(&model.flows) {
        relocate(&mut f.implements, &original.implements);
    }
    clear_spans(&mut checked);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Loaded {
        model: (!failed).then_some(checked),
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_by_name_then_content() {
        assert_eq!(detect("a.tc.json", ""), Some(ImportFormat::ThreatComposer));
        assert_eq!(detect("A.OTM.JSON", ""), Some(ImportFormat::Otm));
        assert_eq!(detect("x.otm.yaml", ""), Some(ImportFormat::Otm));
        assert_eq!(
            detect("x.yaml", "otmVersion: 0.2.0\nproject: {}\n"),
            Some(ImportFormat::Otm)
        );
        assert_eq!(
            detect("x.json", r#"{"schema": 1, "applicationInfo": {}}"#),
            Some(ImportFormat::ThreatComposer)
        );
        assert_eq!(detect("model.yaml", "name: x\n"), None);
        assert_eq!(detect("model.json", r#"{"name": "x"}"#), None);
        assert_eq!(detect("tm.py", "otmVersion: 1"), None);
    }
}
