//! Reads pytm scripts without running Python.
//!
//! The script is parsed into a syntax tree and read statement by statement:
//! pytm constructor calls make boundaries, elements, flows and data; names
//! bind values; attribute assignments set attributes, checked against
//! [`crate::schema`]. Whatever would need Python to run (loops, functions,
//! unknown calls) is skipped with a warning saying so, never silently.

mod assign;
mod bound_names;
mod build;
mod classes;
mod eval;
mod guard;
mod objects;
mod reader;
mod scope;
mod statements;
mod syntax;
mod values;

pub use guard::{MAX_BYTES, MAX_NESTING};

use crate::{Loaded, SourceFile};
use reader::Reader;
use rustpython_parser::{Mode, ast::Mod};

/// Reads the pytm script `file` into a model. Errors (a syntax error, input
/// too large or too deeply nested, a boundary inside itself) leave `model` empty.
pub fn read(file: &SourceFile) -> Loaded {
    if let Some(error) = guard::check(file) {
        return Loaded {
            model: None,
            diagnostics: vec![error],
        };
    }
    let module = match rustpython_parser::parse(&file.text, Mode::Module, &file.name) {
        Ok(Mod::Module(module)) => module,
        Ok(_) => {
            // Mode::Module yields a module; anything else is not a script
            return Loaded {
                model: None,
                diagnostics: Vec::new(),
            };
        }
        Err(error) => {
            return Loaded {
                model: None,
                diagnostics: vec![syntax::syntax_error(file, &error)],
            };
        }
    };
    let mut reader = Reader::new(file);
    reader.statements(&module.body, 0);
    reader.finish()
}

/// [`read`] for a script held in memory, named `name` in diagnostics.
pub fn read_str(name: &str, text: &str) -> Loaded {
    read(&SourceFile::new(name, text))
}
