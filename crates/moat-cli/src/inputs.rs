//! Reading models and catalogs from disk, collecting diagnostics as it goes.

use moat_catalog::Catalog;
use moat_model::{Diagnostic, Loaded, SourceFile};
use std::io::IsTerminal;
use std::path::Path;

pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A file's text, or a diagnostic saying why it could not be read: every input
/// (model, catalog, template) goes through the one bounded reader.
pub fn read(path: &Path) -> Result<String, Box<Diagnostic>> {
    moat_source::input::read_text(path)
}

/// Loads a model file (pytm script or YAML) with its source, for locating threats.
pub fn load_model(path: &Path) -> (Loaded, Option<SourceFile>) {
    let name = path.display().to_string();
    match read(path) {
        Ok(text) => {
            // one SourceFile (text and line index) serves loading and locating threats
            let file = SourceFile::new(name.as_str(), text);
            (moat_model::load_file(&file), Some(file))
        }
        Err(d) => (
            Loaded {
                model: None,
                diagnostics: vec![*d],
            },
            None,
        ),
    }
}

/// Loads a model and shows its diagnostics; `None` when it could not be built.
pub fn load_and_report(path: &Path) -> Option<moat_model::Model> {
    let (loaded, _) = load_model(path);
    crate::diagnostics::print_all(&loaded.diagnostics, stderr_color());
    loaded.model
}

/// The built-in catalog (unless `no_builtin`) merged with every `--catalog` file
/// that loads; a file that fails reports its errors and the others still count.
pub fn load_catalog(paths: &[std::path::PathBuf], no_builtin: bool) -> (Catalog, Vec<Diagnostic>) {
    let (mut catalog, mut diags) = if no_builtin {
        (Catalog::default(), Vec::new())
    } else {
        moat_catalog::builtin()
    };
    for path in paths {
        let name = path.display().to_string();
        match read(path) {
            Ok(text) => {
                let (loaded, d) = moat_catalog::load_str(&name, &text);
                diags.extend(d);
                if let Some(c) = loaded {
                    diags.extend(catalog.merge(c));
                }
            }
            Err(d) => diags.push(*d),
        }
    }
    if !paths.is_empty() {
        // references may cross files: check and join them once all are in
        diags.extend(catalog.link());
    }
    (catalog, diags)
}
