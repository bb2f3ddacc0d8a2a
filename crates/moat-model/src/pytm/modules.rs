//! The script's own modules (`from common import make_boundary`,
//! `import common`): read the same way as the script, from its directory,
//! once each (Python's `sys.modules`), so an import cycle sees the module as
//! far as it has run. pytm itself is never read: its names are known.

use super::guard;
use super::names::Frame;
use super::reader::{Binding, Globals, MAX_CALL_DEPTH, Reader, code, span_of};
use super::scope::{PYTM_EXPORTS, is_pytm_module, pytm_export};
use super::syntax;
use super::values::Value;
use crate::diag::did_you_mean;
use crate::span::{SourceFile, Span};
use rustpython_parser::Mode;
use rustpython_parser::ast::{Mod, StmtImport, StmtImportFrom};
use std::io::Read;
use std::path::{Path, PathBuf};

/// How many modules of its own a script may import.
const MAX_MODULES: usize = 64;

/// How many bytes of modules a script may import, all together.
const MAX_MODULE_BYTES: usize = guard::MAX_BYTES;

/// Standard-library modules whose names a script's own file never hides
/// (Python has loaded them before the script runs).
const ALWAYS_STANDARD: &[&str] = &["os", "sys", "builtins"];

/// Finds the text of a script's own modules.
pub trait Loader {
    /// The module file at `path`, relative to the script's directory, with
    /// `/` between directories (`common.py`, `lib/__init__.py`): `Ok(None)`
    /// when there is no such file, `Err` (why, in words) when there is one
    /// that cannot be read.
    fn load(&self, path: &str) -> Result<Option<SourceFile>, String>;
}

/// No modules: for a script held in memory, which has no directory.
pub struct NoModules;

impl Loader for NoModules {
    fn load(&self, _path: &str) -> Result<Option<SourceFile>, String> {
        Ok(None)
    }
}

/// Modules from the file system, in the directory of the script.
pub struct FileSystem {
    dir: PathBuf,
}

impl FileSystem {
    /// Modules next to the script named `script` (a path).
    pub fn beside(script: &str) -> Self {
        let dir = Path::new(script)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        FileSystem { dir }
    }
}

impl Loader for FileSystem {
    fn load(&self, path: &str) -> Result<Option<SourceFile>, String> {
        let full = self.dir.join(path);
        let name = full.display().to_string();
        let Ok(meta) = std::fs::metadata(&full) else {
            return Ok(None);
        };
        if !meta.is_file() {
            return Err(format!("`{name}` is not a regular file"));
        }
        let limit = u64::try_from(guard::MAX_BYTES).unwrap_or(u64::MAX);
        let mut bytes = Vec::new();
        std::fs::File::open(&full)
            .and_then(|file| file.take(limit.saturating_add(1)).read_to_end(&mut bytes))
            .map_err(|e| format!("cannot read `{name}`: {e}"))?;
        if bytes.len() > guard::MAX_BYTES {
            return Err(format!(
                "`{name}` is larger than the {} bytes moat reads",
                guard::MAX_BYTES
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| format!("`{name}` is not valid UTF-8"))?;
        Ok(Some(SourceFile::new(name, text)))
    }
}

/// A module: the script (`__main__`) or one it imports.
pub(super) struct ModuleState {
    /// The dotted name (`common`, `lib.flows`).
    pub name: String,
    pub file: SourceFile,
    pub globals: Globals,
    /// A package (`__init__.py`): relative imports start from it, not its parent.
    pub package: bool,
}

impl ModuleState {
    pub(super) fn main(file: &SourceFile) -> Self {
        Self::new("__main__", file.clone(), false)
    }

    fn new(name: &str, file: SourceFile, package: bool) -> Self {
        let mut globals = Globals::default();
        globals.insert("__name__".to_string(), Binding::Value(Value::str(name)));
        globals.insert(
            "__file__".to_string(),
            Binding::Value(Value::str(&*file.name)),
        );
        ModuleState {
            name: name.to_string(),
            file,
            globals,
            package,
        }
    }
}

/// Whether `name` could be a module path moat looks for: dotted identifiers.
fn is_module_path(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

impl Reader<'_> {
    /// `import pytm`, `import common`, `import lib.flows as f`, `import os`.
    pub(super) fn import(&mut self, stmt: &StmtImport) {
        for alias in &stmt.names {
            let module = alias.name.as_str();
            let span = span_of(alias);
            // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`
            let top = module.split('.').next().unwrap_or(module);
            let bound = alias.asname.as_ref().map_or(top, |a| a.as_str());
            if is_pytm_module(module) {
                self.bind(bound, Some(Value::Module), span);
                continue;
            }
            let binding = match self.import_module(module, span) {
                Some(id) => {
                    let shown = if alias.asname.is_some() { module } else { top };
                    let id = self.module_id(shown).unwrap_or(id);
                    Binding::Value(Value::UserModule(id))
                }
                None if self.stopped => return,
                None => match (module, alias.asname.is_some()) {
                    ("os", _) => Binding::Value(Value::Stdlib("os")),
                    ("os.path", true) => Binding::Value(Value::Stdlib("os.path")),
                    ("os.path", false) => Binding::Value(Value::Stdlib("os")),
                    _ => Binding::Foreign {
                        module: module.to_string(),
                    },
                },
            };
            self.bind_binding(bound, binding);
        }
    }

    /// `from pytm import TM, Server`, `from pytm import *`, `from common import x`.
    pub(super) fn import_from(&mut self, stmt: &StmtImportFrom) {
        let level = stmt.level.map_or(0, |l| l.to_usize());
        let written = stmt.module.as_ref().map_or("", |m| m.as_str());
        let span = span_of(stmt);
        if level == 0 && is_pytm_module(written) {
            self.import_from_pytm(stmt);
            return;
        }
        let absolute = match self.absolute_module(level, written) {
            Ok(name) => name,
            Err(message) => {
                self.warn(code::PYTHON_ERROR, span, message);
                for alias in &stmt.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.bind(bound.as_str(), None, span);
                }
                return;
            }
        };
        let Some(id) = self.import_module(&absolute, span) else {
            if self.stopped {
                return;
            }
            let shown = format!("{}{written}", ".".repeat(level));
            for alias in &stmt.names {
                let name = alias.name.as_str();
                let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
                let binding = match (shown.as_str(), name) {
                    // star imports from elsewhere bind names moat cannot know
                    (_, "*") => continue,
                    ("os", "environ") => Binding::Value(Value::Stdlib("os.environ")),
                    ("os", "getenv") => Binding::Value(Value::Builtin("os.getenv")),
                    ("os", "path") => Binding::Value(Value::Stdlib("os.path")),
                    _ => Binding::Foreign {
                        module: shown.clone(),
                    },
                };
                self.bind_binding(bound, binding);
            }
            return;
        };
        for alias in &stmt.names {
            let name = alias.name.as_str();
            let alias_span = span_of(alias);
            if name == "*" {
                self.import_star(id);
                continue;
            }
            let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
            let found = self
                .modules
                .get(id)
                .and_then(|m| m.globals.get(name))
                .cloned();
            let binding = match found {
                Some(binding) => binding,
                None => match self.import_module(&format!("{absolute}.{name}"), alias_span) {
                    Some(sub) => Binding::Value(Value::UserModule(sub)),
                    None if self.stopped => return,
                    None => {
                        let help = self
                            .modules
                            .get(id)
                            .and_then(|m| did_you_mean(name, m.globals.keys().map(String::as_str)));
                        self.warn_with_help(
                            code::PYTHON_ERROR,
                            alias_span,
                            format!("cannot import `{name}` from `{absolute}`: it has no `{name}` (Python raises `ImportError`)"),
                            help,
                        );
                        self.bind(bound, None, alias_span);
                        continue;
                    }
                },
            };
            self.bind_binding(bound, binding);
        }
    }

    fn import_from_pytm(&mut self, stmt: &StmtImportFrom) {
        for alias in &stmt.names {
            let name = alias.name.as_str();
            let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
            if name == "*" {
                for export in PYTM_EXPORTS {
                    if let Some(value) = pytm_export(export) {
                        self.bind(export, Some(value), span_of(alias));
                    }
                }
                continue;
            }
            match pytm_export(name) {
                Some(value) => self.bind(bound, Some(value), span_of(alias)),
                None => {
                    let help = did_you_mean(name, PYTM_EXPORTS.iter().copied());
                    self.warn_with_help(
                        code::UNKNOWN_IMPORT,
                        span_of(alias),
                        format!("pytm has no `{name}`"),
                        help,
                    );
                    self.bind(bound, None, span_of(alias));
                }
            }
        }
    }

    /// `from module import *`: the names in its `__all__`, or else those not
    /// starting with `_`.
    fn import_star(&mut self, id: usize) {
        let Some(module) = self.modules.get(id) else {
            return;
        };
        let listed: Option<Vec<String>> = match module.globals.get("__all__") {
            Some(Binding::Value(all)) => all.items().map(|items| {
                items
                    .iter()
                    .filter_map(|item| match item {
                        Value::Str(name) => Some(name.to_string()),
                        _ => None,
                    })
                    .collect()
            }),
            _ => None,
        };
        let mut names: Vec<(String, Binding)> = match listed {
            Some(listed) => listed
                .into_iter()
                .filter_map(|name| {
                    let binding = module.globals.get(&name)?.clone();
                    Some((name, binding))
                })
                .collect(),
            None => module
                .globals
                .iter()
                .filter(|(name, _)| !name.starts_with('_'))
                .map(|(name, binding)| (name.clone(), binding.clone()))
                .collect(),
        };
        // the table's order is arbitrary; binding order must not be
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, binding) in names {
            self.bind_binding(&name, binding);
        }
    }

    /// The absolute name a `from` import with `level` dots names.
    fn absolute_module(&self, level: usize, written: &str) -> Result<String, String> {
        if level == 0 {
            return Ok(written.to_string());
        }
        let module = self.modules.get(self.current_module());
        let Some(module) = module.filter(|m| m.name != "__main__") else {
            return Err(format!(
                "skipped a relative import (`from {}{written} import ...`): the script is not in a package (Python raises `ImportError`)",
                ".".repeat(level)
            ));
        };
        let mut parts: Vec<&str> = module.name.split('.').collect();
        if !module.package {
            parts.pop();
        }
        for _ in 1..level {
            if parts.pop().is_none() {
                return Err(
                    "skipped a relative import that goes above the script's directory".to_string(),
                );
            }
        }
        if !written.is_empty() {
            parts.push(written);
        }
        if parts.is_empty() {
            return Err("skipped a relative import that names no module".to_string());
        }
        Ok(parts.join("."))
    }

    /// The id of module `name` once imported.
    fn module_id(&self, name: &str) -> Option<usize> {
        self.modules.iter().position(|m| m.name == name)
    }

    /// Imports module `name` (and the packages it is in) if it is one of
    /// the script's own, running it the first time: its id, or `None` when
    /// it is not the script's own (or could not be read, with a warning).
    pub(super) fn import_module(&mut self, name: &str, span: Span) -> Option<usize> {
        if let Some(id) = self.module_id(name) {
            return Some(id);
        }
        let top = name.split('.').next().unwrap_or(name);
        if !is_module_path(name) || ALWAYS_STANDARD.contains(&top) || is_pytm_module(name) {
            return None;
        }
        // find every file first: a module that is not there is not ours,
        // and then none of its packages runs
        let parts: Vec<&str> = name.split('.').collect();
        let mut files: Vec<(String, Option<(SourceFile, bool)>)> = Vec::new();
        for end in 1..=parts.len() {
            let prefix = parts.get(..end).unwrap_or_default().join(".");
            if self.module_id(&prefix).is_some() {
                files.push((prefix, None));
                continue;
            }
            let path = parts.get(..end).unwrap_or_default().join("/");
            let found = self.find_module_file(&path, span)?;
            let last = end == parts.len();
            match found {
                Some(file) => files.push((prefix, Some(file))),
                // a directory without `__init__.py` may hold modules
                None if !last => files.push((prefix, None)),
                None => return None,
            }
        }
        let mut parent: Option<usize> = None;
        for (prefix, file) in files {
            let id = match self.module_id(&prefix) {
                Some(id) => id,
                None => {
                    let (file, package) = match file {
                        Some(found) => found,
                        // a namespace package: nothing to run
                        None => (SourceFile::new(prefix.replace('.', "/"), ""), true),
                    };
                    self.run_module(&prefix, file, package, span)?
                }
            };
            // `import a.b` makes `b` an attribute of `a`
            if let (Some(parent), Some(last)) = (parent, prefix.rsplit('.').next())
                && let Some(state) = self.modules.get_mut(parent)
                && prefix.contains('.')
            {
                state
                    .globals
                    .insert(last.to_string(), Binding::Value(Value::UserModule(id)));
            }
            parent = Some(id);
        }
        parent
    }

    /// `path.py` or `path/__init__.py` (with whether it is a package);
    /// `Some(None)` when neither exists, `None` (with a warning) when one
    /// cannot be read or the script imports too much.
    fn find_module_file(&mut self, path: &str, span: Span) -> Option<Option<(SourceFile, bool)>> {
        for (candidate, package) in [
            (format!("{path}.py"), false),
            (format!("{path}/__init__.py"), true),
        ] {
            match self.loader.load(&candidate) {
                Ok(Some(file)) => return Some(Some((file, package))),
                Ok(None) => {}
                Err(why) => {
                    self.warn(
                        code::MODULE,
                        span,
                        format!("skipped importing `{candidate}`: {why}"),
                    );
                    return None;
                }
            }
        }
        Some(None)
    }

    /// Runs module `name` from `file`: its id once run.
    fn run_module(
        &mut self,
        name: &str,
        file: SourceFile,
        package: bool,
        span: Span,
    ) -> Option<usize> {
        let read_bytes: usize = self.modules.iter().skip(1).map(|m| m.file.text.len()).sum();
        if self.modules.len() > MAX_MODULES
            || read_bytes.saturating_add(file.text.len()) > MAX_MODULE_BYTES
        {
            self.warn(
                code::MODULE,
                span,
                format!("skipped importing `{name}`: moat reads at most {MAX_MODULES} modules and {MAX_MODULE_BYTES} bytes of them"),
            );
            return None;
        }
        if self.frames.len() > MAX_CALL_DEPTH {
            self.stop(
                code::CALL_TOO_DEEP,
                span,
                format!("imports and calls nest more than {MAX_CALL_DEPTH} deep: moat stops reading here"),
            );
            return None;
        }
        let id = self.modules.len();
        self.modules
            .push(ModuleState::new(name, file.clone(), package));
        let body = match guard::check(&file) {
            Err(error) => {
                self.diagnostics.push(*error);
                return Some(id);
            }
            Ok(_) => match rustpython_parser::parse(&file.text, Mode::Module, &file.name) {
                Ok(Mod::Module(module)) => module.body,
                Ok(_) => Vec::new(),
                Err(error) => {
                    self.diagnostics.push(syntax::syntax_error(&file, &error));
                    return Some(id);
                }
            },
        };
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_anchor = self.anchor;
        self.anchor = Some(self.site(span));
        self.frames.push(Frame::module(id));
        self.statements(&body, 0);
        self.frames.pop();
        self.file = saved_file;
        self.anchor = saved_anchor;
        Some(id)
    }

    /// `module.name`.
    pub(super) fn module_attribute(&mut self, id: usize, name: &str, span: Span) -> Option<Value> {
        let binding = self
            .modules
            .get(id)
            .and_then(|m| m.globals.get(name))
            .cloned();
        if let Some(binding) = binding {
            return self.resolve(name, binding, span);
        }
        let module = self
            .modules
            .get(id)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        if let Some(sub) = self.module_id(&format!("{module}.{name}")) {
            return Some(Value::UserModule(sub));
        }
        let help = self
            .modules
            .get(id)
            .and_then(|m| did_you_mean(name, m.globals.keys().map(String::as_str)));
        self.warn_with_help(
            code::PYTHON_ERROR,
            span,
            format!("module `{module}` has no `{name}` (Python raises `AttributeError`)"),
            help,
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_are_dotted_identifiers() {
        assert!(is_module_path("common"));
        assert!(is_module_path("lib.flows_2"));
        for bad in ["", "..", "a..b", "a/b", "1a", "a.", "é"] {
            assert!(!is_module_path(bad), "{bad}");
        }
    }
}
