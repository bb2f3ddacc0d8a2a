//! `moat scan cdk.tf.json`: a configuration in Terraform's JSON syntax
//! (what cdktf synthesizes) read as HCL ([`super::json_config`]), evaluated
//! by the `.tf` reader's evaluator, and lowered with every place in the
//! JSON file. cdktf's construct paths name the resources in findings.

use super::json_config::{self, Generated};
use super::{Read, config, eval, lowering, values, with_stack};
use crate::node_util::owned;
use moat_source::{Diagnostic, SourceFile, Span};
use std::collections::BTreeMap;
use std::path::Path;

/// Reads the JSON configuration at `path` (its text is `text`); `params`
/// set variables by name.
pub fn read_json_config(
    path: &Path,
    text: String,
    params: &BTreeMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Read, Box<Diagnostic>> {
    let file = SourceFile::new(path.display().to_string(), text);
    if let Some(error) = moat_source::node::json_syntax_error(&file) {
        return Err(Box::new(error));
    }
    let root = owned(&moat_source::node::parse(&file)?);
    let path = path.to_path_buf();
    let params = params.clone();
    Ok(with_stack(
        move || {
            let mut found = Vec::new();
            let mut read = read_parsed(file, &root, &params, &mut found);
            read.files = vec![(path, None)];
            (read, found)
        },
        diagnostics,
    ))
}

fn read_parsed(
    file: SourceFile,
    root: &values::Val,
    params: &BTreeMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Read {
    let generated = json_config::generate(root);
    for (message, span) in &generated.not_read {
        diagnostics.push(
            Diagnostic::warning("terraform::json-not-read", message.clone()).at(&file, *span),
        );
    }
    let mut found = Vec::new();
    let config = config::read_text(&file.name, &generated.text, &mut found);
    let hcl = SourceFile::new("", generated.text.clone());
    for d in found {
        // the HCL spelling is Moat's own: its errors are the JSON's
        let span = d
            .location
            .as_ref()
            .map(|l| {
                let at = hcl.offset(l.line as usize, l.col as usize);
                generated.remap(Span::new(at, at))
            })
            .unwrap_or_default();
        diagnostics.push(
            Diagnostic::error(
                "terraform::json",
                format!(
                    "the JSON configuration cannot be read as Terraform: {}",
                    d.message
                ),
            )
            .at(&file, span),
        );
    }
    let given: BTreeMap<String, values::Val> = params
        .iter()
        .filter(|(name, _)| !name.contains("::"))
        .map(|(name, value)| (name.clone(), values::str(value.clone(), Span::default())))
        .collect();
    let module = eval::ModuleEval::new(&config, 0, String::new(), given);
    let mut instances = module.instances();
    for i in &mut instances {
        place(i, &generated);
    }
    let mut inventory = lowering::lower_all(&instances, &file, &file.name, diagnostics);
    for origin in inventory.origins_mut() {
        let block = super::plan::without_keys(&origin.logical_id);
        if let Some(path) = generated.construct_paths.get(&block) {
            origin.cdk_path = Some(path.clone());
        }
    }
    inventory.files.push(file);
    Read {
        inventory,
        files: Vec::new(),
    }
}

/// An instance's places moved from the HCL spelling to the JSON file.
fn place(i: &mut eval::Instance, generated: &Generated) {
    i.span = generated.remap(i.span);
    i.body_span = generated.remap(i.body_span);
    generated.remap_value(&mut i.attrs);
    if let Some((_, span)) = &mut i.unknown_count {
        *span = generated.remap(*span);
    }
}
