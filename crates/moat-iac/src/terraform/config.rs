//! A Terraform configuration as written: the `.tf` files of a root module
//! and of every module it calls that is on disk (local paths, and registry
//! modules `terraform init` put under `.terraform/modules`), parsed with
//! spans and joined into one [`SourceFile`] so that a value passed from one
//! module (or file) to another keeps the place it was written.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use moat_source::{Diagnostic, SourceFile, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Nesting deeper than this is refused before parsing: the HCL parser
/// recurses, and a hostile file must not exhaust the stack.
const MAX_NESTING: usize = 128;
/// Modules nested deeper than this are not read (a module calling itself).
const MAX_MODULE_DEPTH: usize = 16;

/// One `.tf` file, parsed.
pub struct TfFile {
    pub path: PathBuf,
    /// Where its text starts in the joined file.
    pub base: usize,
    pub body: Body,
    /// Its own text, for diagnostics placed in it while loading.
    pub source: SourceFile,
}

/// A variable file: HCL (an index into [`Config::files`]) or JSON (its
/// values, with places in the joined file).
pub enum TfVars {
    Hcl(usize),
    Json(Vec<(String, moat_source::node::Node<'static>)>),
}

/// A module directory and what its files declare.
pub struct Module {
    /// `""` for the root module, else `module.a.module.b`.
    pub path: String,
    pub dir: PathBuf,
    pub files: Vec<usize>,
    /// Calls to other modules: name -> index into [`Config::modules`], when read.
    pub calls: BTreeMap<String, Option<usize>>,
}

/// Everything read for one root module.
pub struct Config {
    pub root: PathBuf,
    pub file: SourceFile,
    pub files: Vec<TfFile>,
    /// `modules[0]` is the root module.
    pub modules: Vec<Module>,
    /// Each file read, with whether it parsed: (path, error).
    pub read: Vec<(PathBuf, Option<String>)>,
    /// The root module's variable files, in the order Terraform loads them.
    pub tfvars: Vec<TfVars>,
}

/// A block with the offset of its file, so spans can be made absolute.
#[derive(Clone, Copy)]
pub struct At<'c, T> {
    pub item: &'c T,
    pub base: usize,
}

impl<'c, T: hcl_edit::Span> At<'c, T> {
    pub fn span(&self) -> Span {
        span_of(self.item, self.base)
    }
}

pub fn span_of(item: &impl hcl_edit::Span, base: usize) -> Span {
    item.span()
        .map(|r| Span::new(r.start + base, r.end + base))
        .unwrap_or_else(|| Span::new(base, base))
}

/// The `.tf` files of `dir`, sorted (Terraform reads them all, in no order
/// that matters; sorting keeps reports stable).
pub fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "tf"))
        .collect();
    out.sort();
    out
}

/// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars` and
/// `*.auto.tfvars.json` in name order, as Terraform loads them (later
/// files win).
fn tfvars_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for main in ["terraform.tfvars", "terraform.tfvars.json"] {
        let main = dir.join(main);
        if main.is_file() {
            out.push(main);
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut auto: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.to_string_lossy();
                p.is_file()
                    && (name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json"))
            })
            .collect();
        auto.sort();
        out.extend(auto);
    }
    out
}

/// The `source` of each `module` block in the `.tf` files of `dir` that
/// names a local path: which directories are modules called from here.
pub fn local_module_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in tf_files(dir) {
        let Ok(text) = moat_source::input::read_text_limited(&path, crate::scan::MAX_FILE_BYTES)
        else {
            continue;
        };
        if too_deep(&text).is_some() {
            continue;
        }
        let Ok(body) = hcl_edit::parser::parse_body(&text) else {
            continue;
        };
        for block in body.get_blocks("module") {
            if let Some(source) = literal_attr(&block.body, "source")
                && is_local(&source)
            {
                out.push(dir.join(source));
            }
        }
    }
    out
}

/// `a/b/../c` as `a/c`: module paths (`source = "../../"`) are shown as
/// the files they name.
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir
                if out.file_name().is_some() && !out.ends_with("..") =>
            {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

fn is_local(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// A string attribute written literally.
pub fn literal_attr(body: &Body, key: &str) -> Option<String> {
    match &body.get_attribute(key)?.value {
        Expression::String(s) => Some(s.value().to_string()),
        _ => None,
    }
}

/// Where nesting first goes past [`MAX_NESTING`], if it does.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' | '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A root module of one file, from text (tests and fuzzing).
pub fn read_text(name: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Config {
    let mut loader = Loader::new(BTreeMap::new());
    let files: Vec<usize> = loader
        .add(Path::new(name), text.to_string(), diagnostics)
        .into_iter()
        .collect();
    loader.modules.push(Module {
        path: String::new(),
        dir: PathBuf::from("."),
        files,
        calls: BTreeMap::new(),
    });
    Config {
        root: PathBuf::from("."),
        file: SourceFile::joined(name, loader.parts),
        files: loader.files,
        modules: loader.modules,
        read: loader.read,
        tfvars: Vec::new(),
    }
}

/// Reads the root module in `dir` and the modules it calls.
pub fn read(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Config {
    let mut loader = Loader::new(registry_modules(dir));
    loader.module(dir, String::new(), 0, diagnostics);
    let mut tfvars = Vec::new();
    for path in tfvars_files(dir) {
        if path.extension().is_some_and(|e| e == "json") {
            if let Some(values) = loader.json_vars(&path, diagnostics) {
                tfvars.push(TfVars::Json(values));
            }
        } else if let Some(i) = loader.file(&path, diagnostics) {
            tfvars.push(TfVars::Hcl(i));
        }
    }
    let file = SourceFile::joined(dir.display().to_string(), loader.parts);
    Config {
        root: dir.to_path_buf(),
        file,
        files: loader.files,
        modules: loader.modules,
        read: loader.read,
        tfvars,
    }
}

struct Loader {
    parts: Vec<SourceFile>,
    files: Vec<TfFile>,
    modules: Vec<Module>,
    read: Vec<(PathBuf, Option<String>)>,
    offset: usize,
    ends_in_newline: bool,
    /// `.terraform/modules/modules.json`: module key (`a.b`) -> directory.
    registry: BTreeMap<String, PathBuf>,
}

impl Loader {
    fn new(registry: BTreeMap<String, PathBuf>) -> Self {
        Loader {
            parts: Vec::new(),
            files: Vec::new(),
            modules: Vec::new(),
            read: Vec::new(),
            offset: 0,
            ends_in_newline: false,
            registry,
        }
    }

    fn module(
        &mut self,
        dir: &Path,
        path: String,
        depth: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> usize {
        let key = normalized(dir);
        if let Some(i) = self.modules.iter().position(|m| m.dir == key) {
            // a directory several calls use is read once; each call
            // evaluates it with its own arguments
            return i;
        }
        let dir = &key;
        let index = self.modules.len();
        self.modules.push(Module {
            path: path.clone(),
            dir: dir.to_path_buf(),
            files: Vec::new(),
            calls: BTreeMap::new(),
        });
        let mut files = Vec::new();
        for file_path in tf_files(dir) {
            if let Some(i) = self.file(&file_path, diagnostics) {
                files.push(i);
            }
        }
        let mut calls = BTreeMap::new();
        let mut wanted = Vec::new();
        for &f in &files {
            for block in self.files[f].body.get_blocks("module") {
                let Some(name) = block.labels.first().map(|l| l.as_str().to_string()) else {
                    continue;
                };
                wanted.push((
                    name,
                    literal_attr(&block.body, "source"),
                    f,
                    span_of(block, 0),
                ));
            }
        }
        for (name, source, f, span) in wanted {
            let key = if path.is_empty() {
                name.clone()
            } else {
                format!(
                    "{}.{name}",
                    path.trim_start_matches("module.").replace(".module.", ".")
                )
            };
            let child_path = if path.is_empty() {
                format!("module.{name}")
            } else {
                format!("{path}.module.{name}")
            };
            let target = match &source {
                Some(s) if is_local(s) => Some(dir.join(s)),
                _ => self.registry.get(&key).cloned(),
            };
            let called = match target {
                Some(t) if t.is_dir() && depth < MAX_MODULE_DEPTH => {
                    Some(self.module(&t, child_path, depth + 1, diagnostics))
                }
                Some(t) if t.is_dir() => {
                    diagnostics.push(
                        Diagnostic::warning(
                            "terraform::module-depth",
                            format!("module `{name}` is nested more than {MAX_MODULE_DEPTH} deep; not read"),
                        )
                        .at(&self.files[f].source, span),
                    );
                    None
                }
                _ => {
                    // its resources are not in the inventory: say so, so a
                    // clean report is not mistaken for a clean module
                    let source = source.as_deref().unwrap_or("?");
                    let message = if is_local(source) {
                        format!(
                            "module `{name}`: `{source}` is not a directory here; its resources are not read"
                        )
                    } else {
                        format!(
                            "module `{name}` (`{source}`) is not on disk: its resources are not read (run `terraform init` to fetch it into .terraform/modules)"
                        )
                    };
                    diagnostics.push(
                        Diagnostic::warning("terraform::module-missing", message)
                            .at(&self.files[f].source, span),
                    );
                    None
                }
            };
            calls.insert(name, called);
        }
        self.modules[index].files = files;
        self.modules[index].calls = calls;
        index
    }

    fn file(&mut self, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<usize> {
        let text = match moat_source::input::read_text_limited(path, crate::scan::MAX_FILE_BYTES) {
            Ok(t) => t,
            Err(d) => {
                self.read
                    .push((path.to_path_buf(), Some(d.message.clone())));
                diagnostics.push(*d);
                return None;
            }
        };
        self.add(path, text, diagnostics)
    }

    /// A `.tfvars.json` file: its text joins the others (so values keep
    /// their places) and its top-level object gives the values.
    fn json_vars(
        &mut self,
        path: &Path,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Vec<(String, moat_source::node::Node<'static>)>> {
        let text = match moat_source::input::read_text_limited(path, crate::scan::MAX_FILE_BYTES) {
            Ok(t) => t,
            Err(d) => {
                self.read
                    .push((path.to_path_buf(), Some(d.message.clone())));
                diagnostics.push(*d);
                return None;
            }
        };
        let source = SourceFile::new(path.display().to_string(), text);
        let root = match moat_source::node::parse(&source) {
            Ok(root) => crate::node_util::owned(&root),
            Err(d) => {
                self.read
                    .push((path.to_path_buf(), Some(d.message.clone())));
                diagnostics.push(*d);
                return None;
            }
        };
        let base = self.place(source);
        self.read.push((path.to_path_buf(), None));
        let by = u32::try_from(base).unwrap_or(u32::MAX);
        Some(
            crate::node_util::entries(&root)
                .iter()
                .filter_map(|(k, v)| {
                    Some((
                        crate::node_util::text(k)?,
                        super::values::shift(v.clone(), by),
                    ))
                })
                .collect(),
        )
    }

    /// Adds `source` to the joined text; returns where it starts.
    fn place(&mut self, source: SourceFile) -> usize {
        // as SourceFile::joined lays the parts out
        if self.offset > 0 && !self.ends_in_newline {
            self.offset += 1;
            self.ends_in_newline = true;
        }
        let base = self.offset;
        self.offset += source.text.len();
        if !source.text.is_empty() {
            self.ends_in_newline = source.text.ends_with('\n');
        }
        self.parts.push(source);
        base
    }

    fn add(
        &mut self,
        path: &Path,
        text: String,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<usize> {
        let source = SourceFile::new(path.display().to_string(), text);
        if let Some(at) = too_deep(&source.text) {
            let d = Diagnostic::error(
                "terraform::too-deep",
                format!("nesting deeper than {MAX_NESTING} levels; the file is not read"),
            )
            .at(&source, Span::new(at, at + 1));
            self.read
                .push((path.to_path_buf(), Some(d.message.clone())));
            diagnostics.push(d);
            return None;
        }
        match hcl_edit::parser::parse_body(&source.text) {
            Ok(body) => {
                let base = self.place(source.clone());
                self.read.push((path.to_path_buf(), None));
                self.files.push(TfFile {
                    path: path.to_path_buf(),
                    base,
                    body,
                    source,
                });
                Some(self.files.len() - 1)
            }
            Err(e) => {
                let offset = e.location().offset().min(source.text.len());
                let message = format!("not valid HCL: {}", e.message());
                let d = Diagnostic::error("terraform::syntax", message.clone())
                    .at(&source, Span::new(offset, offset));
                self.read.push((path.to_path_buf(), Some(message)));
                diagnostics.push(d);
                None
            }
        }
    }
}

/// Module directories `terraform init` recorded in `.terraform/modules/modules.json`.
fn registry_modules(root: &Path) -> BTreeMap<String, PathBuf> {
    let manifest = root.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return BTreeMap::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return BTreeMap::new();
    };
    json.get("Modules")
        .and_then(|m| m.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|m| {
                    let key = m.get("Key")?.as_str()?;
                    let dir = m.get("Dir")?.as_str()?;
                    (!key.is_empty()).then(|| (key.to_string(), root.join(dir)))
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Config {
    /// The blocks of `kind` (`resource`, `variable`...) in module `m`.
    pub fn blocks<'c>(
        &'c self,
        m: usize,
        kind: &'c str,
    ) -> impl Iterator<Item = At<'c, Block>> + 'c {
        self.modules[m].files.iter().flat_map(move |&f| {
            let file = &self.files[f];
            file.body.get_blocks(kind).map(move |b| At {
                item: b,
                base: file.base,
            })
        })
    }
}
