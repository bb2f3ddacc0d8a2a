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

/// Whether `path` is infrastructure code (a directory, a CDK assembly, or a
/// CloudFormation/SAM template) rather than a model file.
pub fn is_iac(path: &Path) -> bool {
    if path.is_dir() {
        return true;
    }
    // Terraform is read per directory; a .tf file names its module
    if path.extension().is_some_and(|e| e == "tf") {
        return true;
    }
    let Ok(text) = read(path) else { return false };
    // a model file never names these keys: only a possible template is parsed
    // twice (here, then by the scan), never every model
    const MARKS: [&str; 5] = [
        "Resources:",
        "AWSTemplateFormatVersion",
        "\"Resources\"",
        "\"artifacts\"",
        "Transform:",
    ];
    if !MARKS.iter().any(|m| text.contains(m)) {
        return false;
    }
    let file = SourceFile::new(path.display().to_string(), text);
    match moat_source::node::parse_tagged(&file, &moat_iac::cloudformation::tags::long_form) {
        Ok(root) => {
            let has = |k: &str| moat_iac::node_util::get(&root, k).is_some();
            has("AWSTemplateFormatVersion") || has("Resources") || moat_iac::cdk::is_manifest(&root)
        }
        // a short-form tag Moat does not know still marks a template
        Err(d) => d.code == "yaml::unknown-tag",
    }
}

/// The model a template (or a directory of them) implies, with each
/// element's implemented controls taken from the checks (docs/scan.md).
pub fn load_iac_model(path: &Path) -> (Loaded, Option<moat_engine::scan::ScanResults>) {
    let scan = moat_iac::scan::scan(&[path.to_path_buf()], &moat_iac::scan::Options::default());
    let mut diagnostics: Vec<Diagnostic> = scan.diagnostics.clone();
    for f in scan
        .files
        .iter()
        .filter(|f| f.status == moat_iac::scan::Status::Error)
    {
        if !diagnostics
            .iter()
            .any(|d| d.location.as_ref().is_some_and(|l| l.file == f.path))
        {
            diagnostics.push(Diagnostic::error(
                "scan::file",
                format!(
                    "`{}`: {}",
                    f.path,
                    f.reason.as_deref().unwrap_or("cannot be read")
                ),
            ));
        }
    }
    if !scan.files.iter().any(|f| {
        f.status != moat_iac::scan::Status::Skipped && moat_iac::scan::holds_resources(&f.format)
    }) {
        diagnostics.push(Diagnostic::error(
            "scan::empty",
            format!(
                "no CloudFormation, SAM or CDK template or Terraform configuration found in `{}`",
                path.display()
            ),
        ));
        return (
            Loaded {
                model: None,
                diagnostics,
            },
            None,
        );
    }
    let (catalog, _) = moat_catalog::builtin();
    let assessment = moat_engine::scan::assess_scan(
        &scan,
        moat_checks::registry::ALL,
        &catalog,
        &Default::default(),
    );
    let public: std::collections::BTreeSet<String> = assessment
        .scan_results()
        .results
        .iter()
        .filter(|r| {
            matches!(&*r.check, "CHK-S3-003" | "CHK-S3-004")
                && r.verdict == moat_checks::Outcome::Fail
        })
        .map(|r| r.resource.to_string())
        .collect();
    let model = moat_engine::infer::infer_model(
        &path.display().to_string(),
        &scan.merged(),
        &assessment.scan_results().controls,
        &public,
    );
    (
        Loaded {
            model: Some(model),
            diagnostics,
        },
        assessment.scan,
    )
}

/// Loads a model file (pytm script or YAML) with its source, for locating
/// threats; infrastructure code gives the model it implies.
pub fn load_model(path: &Path) -> (Loaded, Option<SourceFile>) {
    let (loaded, source, _) = load_model_with_scan(path);
    (loaded, source)
}

/// [`load_model`], with what the template checks found when `path` holds
/// templates (so one assessment carries threats and findings).
pub fn load_model_with_scan(
    path: &Path,
) -> (
    Loaded,
    Option<SourceFile>,
    Option<moat_engine::scan::ScanResults>,
) {
    if is_iac(path) {
        let (loaded, scan) = load_iac_model(path);
        return (loaded, None, scan);
    }
    let name = path.display().to_string();
    match read(path) {
        Ok(text) => {
            // one SourceFile (text and line index) serves loading and locating threats
            let file = SourceFile::new(name.as_str(), text);
            if let Some(format) = moat_interchange::detect(&name, &file.text) {
                // Threat Composer and OTM files: spans of the imported model
                // do not point into this text, so it is not kept for locating
                return (moat_interchange::import(format, &file), None, None);
            }
            (moat_model::load_file(&file), Some(file), None)
        }
        Err(d) => (
            Loaded {
                model: None,
                diagnostics: vec![*d],
            },
            None,
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
