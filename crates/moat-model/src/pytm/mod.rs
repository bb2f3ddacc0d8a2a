//! Reads pytm scripts without running Python.
//!
//! The script is parsed into a syntax tree and interpreted statement by
//! statement, on values known from the script itself: pytm constructor calls
//! make boundaries, elements, flows and data; names bind values; attribute
//! assignments set attributes, checked against [`crate::schema`]; loops,
//! conditions, functions, comprehensions and the script's own modules run as
//! Python runs them. Whatever would need more (a value from outside the
//! script, a class) is skipped with a warning saying so, never silently,
//! and listed in the model's `incomplete`. Limits on steps, call depth and
//! the size of values stop hostile input with an error.
//!
//! Large scripts are parsed in pieces on several threads while the pieces
//! already parsed are read (`pieces`, `pipeline`); simple statements, most
//! of a generated script, by a parser of their own (`quick`), the rest by
//! rustpython. Whatever the way, the syntax tree is the one rustpython
//! builds for the whole script (`equivalence` tests it), and a script that
//! does not parse is parsed whole again, for rustpython's error.

mod args;
mod assign;
mod attributes;
mod bound_names;
mod build;
mod builtins;
mod calls;
mod classes;
mod containers;
mod convert;
mod eval;
mod format;
mod functions;
mod guard;
mod hash;
mod ids;
mod iteration;
mod methods;
mod modules;
mod names;
mod objects;
mod operators;
mod overrides;
mod parse;
mod pieces;
mod pipeline;
mod quick;
mod reader;
mod scope;
mod statements;
mod syntax;
mod values;

#[cfg(test)]
mod equivalence;

pub use guard::{MAX_BYTES, MAX_NESTING};
pub use modules::{FileSystem, Loader, NoModules};

use crate::{Loaded, SourceFile};
use reader::Reader;
use rustpython_parser::{Mode, ast::Mod};

/// Scripts are cut into pieces of about this size to be parsed in parallel:
/// small enough for the threads to share the work and for reading to start
/// early, large enough that the pieces do not cost more than they save.
const PIECE_BYTES: usize = 64 * 1024;

/// The stack the reading runs on: deep enough for [`reader::MAX_CALL_DEPTH`]
/// nested calls, each as deeply nested as the guard lets a script be.
const STACK_BYTES: usize = 256 * 1024 * 1024;

/// Reads the pytm script `file` into a model; the modules it imports are
/// read from its directory. Errors (a syntax error, input too large or too
/// deeply nested, a limit hit, a boundary inside itself) leave `model` empty.
pub fn read(file: &SourceFile) -> Loaded {
    read_with(file, &FileSystem::beside(&file.name))
}

/// [`read`] for a script held in memory, named `name` in diagnostics: it
/// imports no modules of its own (it has no directory).
pub fn read_str(name: &str, text: &str) -> Loaded {
    read_with(&SourceFile::new(name, text), &NoModules)
}

/// [`read`], finding the script's own modules with `modules`.
pub fn read_with(file: &SourceFile, modules: &(dyn Loader + Sync)) -> Loaded {
    let parallel = rayon::current_num_threads() > 1;
    let read = || read_in_pieces(file, modules, PIECE_BYTES, parallel);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("pytm-reader".to_string())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, read)
            .ok()
            .and_then(|thread| thread.join().ok())
    })
    // no thread to be had: read here, on a smaller stack
    .unwrap_or_else(read)
}

/// [`read`], parsing pieces of at least `piece_bytes` on several threads
/// when `parallel` and the script has more than one piece.
fn read_in_pieces(
    file: &SourceFile,
    modules: &dyn Loader,
    piece_bytes: usize,
    parallel: bool,
) -> Loaded {
    let cut_points = match guard::check(file) {
        Ok(unindented_lines) => pieces::cut_points(&file.text, &unindented_lines),
        Err(error) => return failed(*error),
    };
    let pieces = pieces::pieces(file.text.len(), &cut_points, piece_bytes);
    let loaded = if parallel && pieces.len() > 1 {
        pipeline::read(file, modules, &pieces, &cut_points)
    } else {
        parse::piece(&file.text, &file.name, 0..file.text.len(), &cut_points).map(|body| {
            let mut reader = Reader::new(file, modules);
            reader.expect_statements(cut_points.len());
            reader.statements(&body, 0);
            reader.finish()
        })
    };
    // a syntax error is reported as rustpython finds it in the whole script
    loaded.unwrap_or_else(|| read_whole(file, modules))
}

/// Parses the whole script at once with rustpython, then reads it: for the
/// error of a script that does not parse (and, in tests, as the reference
/// the faster ways of reading must match).
fn read_whole(file: &SourceFile, modules: &dyn Loader) -> Loaded {
    let module = match rustpython_parser::parse(&file.text, Mode::Module, &file.name) {
        Ok(Mod::Module(module)) => module,
        Ok(_) => {
            // Mode::Module yields a module; anything else is not a script
            return Loaded {
                model: None,
                diagnostics: Vec::new(),
            };
        }
        Err(error) => return failed(syntax::syntax_error(file, &error)),
    };
    let mut reader = Reader::new(file, modules);
    reader.statements(&module.body, 0);
    reader.finish()
}

fn failed(error: crate::Diagnostic) -> Loaded {
    Loaded {
        model: None,
        diagnostics: vec![error],
    }
}
