//! Moat's YAML model format.
use crate::{Loaded, SourceFile};

pub fn load(_file: &SourceFile) -> Loaded {
    Loaded {
        model: None,
        diagnostics: vec![],
    }
}
