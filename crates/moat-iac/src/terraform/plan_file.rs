//! `moat scan plan.json`: a plan file read, placed in the configuration
//! beside it when there is one, and lowered.

use super::plan::{self, Planned};
use super::{Read, config, lowering, plan_spans, with_stack};
use crate::node_util::{get, owned};
use moat_source::{Diagnostic, SourceFile};
use std::path::Path;

/// Reads the plan at `path` (its text is `text`): `Ok(None)` when it is
/// JSON but not a plan, `Err` when it is not JSON or not readable as one.
/// The `.tf` files of the plan's directory, when it has some, are the
/// configuration the plan's findings point into.
pub fn read_plan(
    path: &Path,
    text: String,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Read>, Box<Diagnostic>> {
    let file = SourceFile::new(path.display().to_string(), text);
    if let Some(error) = moat_source::node::json_syntax_error(&file) {
        return Err(Box::new(error));
    }
    let root = owned(&moat_source::node::parse(&file)?);
    if !plan::is_plan(&root) {
        return Ok(None);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = (!config::tf_files(dir).is_empty()).then(|| dir.to_path_buf());
    Ok(Some(with_stack(
        move || {
            let mut found = Vec::new();
            let read = read_parsed(file, &root, dir.as_deref(), &mut found);
            (read, found)
        },
        diagnostics,
    )))
}

/// Reads a plan given as text, with no configuration (tests and fuzzing).
pub fn read_plan_text(
    name: &str,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Read>, Box<Diagnostic>> {
    let file = SourceFile::new(name, text.to_string());
    if let Some(error) = moat_source::node::json_syntax_error(&file) {
        return Err(Box::new(error));
    }
    let root = owned(&moat_source::node::parse(&file)?);
    if !plan::is_plan(&root) {
        return Ok(None);
    }
    Ok(Some(read_parsed(file, &root, None, diagnostics)))
}

fn read_parsed(
    plan_file: SourceFile,
    root: &super::values::Val,
    dir: Option<&Path>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Read {
    let plan_name = plan_file.name.to_string();
    // an incomplete plan is never a clean one: the file is read with an error
    let incomplete = plan::incomplete(root);
    if let Some(why) = incomplete {
        diagnostics
            .push(Diagnostic::error("terraform::plan-incomplete", why).at(&plan_file, root.span));
    }
    let mut files = vec![(
        Path::new(&plan_name).to_path_buf(),
        incomplete.map(str::to_string),
    )];
    let (file, hcl) = match dir {
        Some(dir) => {
            let config = config::read(dir, diagnostics);
            files.extend(config.read.iter().cloned());
            let mut parts = config.file.parts();
            parts.push(plan_file);
            let file = SourceFile::joined(config.file.name.to_string(), parts);
            let base = file.part_start(&plan_name).unwrap_or(0);
            let variables = get(root, "variables").map(|v| super::values::shift(v.clone(), base));
            let hcl = plan_spans::hcl_instances(&config, variables.as_ref());
            (file, Some((hcl, base)))
        }
        None => (plan_file, None),
    };
    let base = hcl.as_ref().map(|(_, b)| *b).unwrap_or(0);
    let mut planned: Vec<Planned> = plan::instances(root, base);
    let mut unplaced = 0;
    let mut derived = Vec::new();
    for p in &mut planned {
        let same = hcl.as_ref().and_then(|(h, _)| h.get(&p.instance.address));
        // a block the HCL reader could not expand (`count` it cannot
        // know): its one instance gives the places, not the values
        let block = || {
            let key = plan::without_keys(&p.instance.address);
            hcl.as_ref()
                .and_then(|(h, _)| h.values().find(|i| plan::without_keys(&i.address) == key))
        };
        match same
            .map(|h| (h, true))
            .or_else(|| block().map(|h| (h, false)))
        {
            Some((h, fill)) => plan_spans::place(&mut p.instance, h, fill),
            None if !p.instance.data => {
                unplaced += 1;
                derived.append(&mut p.derived);
            }
            None => {}
        }
    }
    if unplaced > 0 {
        let why = match dir {
            Some(dir) => format!(
                "{} not in the configuration read from `{}`",
                if unplaced == 1 { "is" } else { "are" },
                dir.display()
            ),
            None => format!(
                "{} no configuration beside it (`.tf` files in the plan's directory)",
                if unplaced == 1 { "has" } else { "have" }
            ),
        };
        diagnostics.push(plan::unplaced_note(&file, unplaced, &why));
    }
    let instances: Vec<_> = planned.into_iter().map(|p| p.instance).collect();
    let mut inventory = lowering::lower_all(&instances, &file, &plan_name, diagnostics);
    // a value the plan shows resolved is written out in the plan, not in
    // the configuration: only one the configuration writes is hard-coded
    inventory.hard_coded.retain(|h| {
        !derived
            .iter()
            .any(|d| d.start <= h.span.start && h.span.end <= d.end)
    });
    inventory.files.push(file);
    Read { inventory, files }
}
