//! Terraform configurations (HCL) lowered into the Inventory: a root module
//! directory with the modules it calls, its variables from defaults,
//! `terraform.tfvars`, `*.auto.tfvars` and `--param NAME=VALUE`, evaluated
//! statically (docs/terraform.md says what is read and what stays unknown).

mod computed;
pub mod config;
mod eval;
mod functions;
mod json_config;
mod json_file;
mod lowering;
pub mod plan;
mod plan_file;
mod plan_spans;
mod policy_document;
mod shape;
mod values;

use crate::inventory::Inventory;
use moat_source::{Diagnostic, Span};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

pub use json_file::read_json_config;
pub use plan_file::{read_plan, read_plan_text};
pub use shape::is_read;

/// What reading one root module gave.
pub struct Read {
    pub inventory: Inventory,
    /// Every file read: `.tf`, `.tfvars`, with the error that stopped it.
    pub files: Vec<(PathBuf, Option<String>)>,
}

/// Reads the root module in `dir`; `params` set variables by name.
pub fn read(
    dir: &Path,
    params: &BTreeMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Read {
    let (dir, params) = (dir.to_path_buf(), params.clone());
    with_stack(
        move || {
            let mut found = Vec::new();
            let config = config::read(&dir, &mut found);
            let read = evaluate(config, &params, &mut found);
            (read, found)
        },
        diagnostics,
    )
}

/// Reads a root module of one file given as text (tests and fuzzing).
pub fn read_text(
    name: &str,
    text: &str,
    params: &BTreeMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Read {
    let (name, text, params) = (name.to_string(), text.to_string(), params.clone());
    with_stack(
        move || {
            let mut found = Vec::new();
            let config = config::read_text(&name, &text, &mut found);
            let read = evaluate(config, &params, &mut found);
            (read, found)
        },
        diagnostics,
    )
}

/// The evaluator recurses through chains of references (bounded, but long
/// chains are legitimate): it runs on a thread with a stack large enough for
/// the bound, whatever thread asks. Each asking thread keeps its worker for
/// the next root module: a new thread per module started every module on
/// fresh allocator pages, which the kernel zeroes (a quarter of a scan's
/// time on a thousand small modules).
fn with_stack(
    work: impl FnOnce() -> (Read, Vec<Diagnostic>) + Send + 'static,
    diagnostics: &mut Vec<Diagnostic>,
) -> Read {
    let (tx, rx) = mpsc::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(work());
    });
    // a worker that stopped (a panic in an evaluation) drops its end of the
    // channel: the job is not done, and the next call starts a new worker
    let outcome = worker().and_then(|w| {
        w.send(job).ok()?;
        rx.recv().ok()
    });
    match outcome {
        Some((read, found)) => {
            diagnostics.extend(found);
            read
        }
        None => {
            WORKER.with(|w| *w.borrow_mut() = None);
            diagnostics.push(Diagnostic::error(
                "terraform::internal",
                "the Terraform configuration could not be evaluated (the evaluator stopped unexpectedly)",
            ));
            Read {
                inventory: Inventory::default(),
                files: Vec::new(),
            }
        }
    }
}

/// The values the root module's variable files set, in the order Terraform
/// loads them (later files win); they hold constants, evaluated in an
/// empty module.
pub(super) fn variable_files(config: &config::Config) -> BTreeMap<String, values::Val> {
    let mut given = BTreeMap::new();
    let constants = eval::ModuleEval::new(config, 0, String::new(), BTreeMap::new());
    for vars in &config.tfvars {
        match vars {
            config::TfVars::Hcl(f) => {
                let file = &config.files[*f];
                for attr in file.body.attributes() {
                    let v = constants.eval(&attr.value, file.base, &eval::Scope::default());
                    given.insert(attr.key.as_str().to_string(), v);
                }
            }
            config::TfVars::Json(values) => {
                for (name, v) in values {
                    given.insert(name.clone(), v.clone());
                }
            }
        }
    }
    given
}

type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// This thread's evaluation worker, started on first use.
    static WORKER: RefCell<Option<mpsc::Sender<Job>>> = const { RefCell::new(None) };
}

fn worker() -> Option<mpsc::Sender<Job>> {
    const STACK: usize = 256 << 20;
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        if w.is_none() {
            let (tx, rx) = mpsc::channel::<Job>();
            let spawned = std::thread::Builder::new()
                .name("moat-terraform".into())
                .stack_size(STACK)
                .spawn(move || {
                    for job in rx {
                        job();
                    }
                });
            if spawned.is_ok() {
                *w = Some(tx);
            }
        }
        w.clone()
    })
}

fn evaluate(
    config: config::Config,
    params: &BTreeMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Read {
    let dir = config.root.clone();
    let mut given = variable_files(&config);
    for (name, value) in params {
        if !name.contains("::") {
            given.insert(name.clone(), values::str(value.clone(), Span::default()));
        }
    }
    let mut root = eval::ModuleEval::new(&config, 0, String::new(), given);
    let (account, region) = deployment(&config, &root, params);
    if let Some(a) = &account {
        root.env.account = a.clone();
    }
    if let Some(r) = &region {
        root.env.region = r.clone();
    }
    let instances: Vec<eval::Instance> = root.instances().into_iter().filter(|i| !i.data).collect();

    let mut notes = root.take_notes();
    notes.sort_by_key(|(_, span)| *span);
    notes.dedup();
    for (reason, span) in notes {
        diagnostics.push(
            Diagnostic::warning(
                "terraform::unknown-count",
                format!(
                    "{reason}; read as one instance whose values that depend on it are unknown"
                ),
            )
            .at(&config.file, span),
        );
    }
    let mut inventory = lowering::lower_all(
        &instances,
        &config.file,
        &dir.display().to_string(),
        diagnostics,
    );
    inventory.account = account;
    inventory.region = region;
    let files = config.read.clone();
    inventory.files.push(config.file);
    Read { inventory, files }
}

/// The account and Region the root module deploys to: `--param
/// AWS::AccountId=` / `AWS::Region=`, else the default `aws` provider's
/// `allowed_account_ids` (when it names one) and `region`.
fn deployment(
    config: &config::Config,
    root: &eval::ModuleEval<'_>,
    params: &BTreeMap<String, String>,
) -> (Option<String>, Option<String>) {
    let provider = config.blocks(0, "provider").find(|b| {
        eval::label(b.item, 0).as_deref() == Some("aws") && !b.item.body.has_attribute("alias")
    });
    let read = |key: &str| {
        provider.as_ref().and_then(|p| {
            let attr = p.item.body.get_attribute(key)?;
            Some(root.eval(&attr.value, p.base, &eval::Scope::default()))
        })
    };
    let region = params
        .get("AWS::Region")
        .cloned()
        .or_else(|| read("region").and_then(|v| values::text(&v)));
    let account = params.get("AWS::AccountId").cloned().or_else(|| {
        read("allowed_account_ids").and_then(|v| match crate::node_util::items(&v) {
            [one] => values::text(one),
            _ => None,
        })
    });
    (account, region)
}

/// The directories among `dirs` that another of them calls as a local
/// module: they are read with their caller, not on their own.
pub fn called_modules(dirs: &[PathBuf]) -> BTreeMap<PathBuf, PathBuf> {
    let key = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let mut out = BTreeMap::new();
    for dir in dirs {
        for m in config::local_module_dirs(dir) {
            let k = key(&m);
            if k != key(dir) {
                out.entry(k).or_insert_with(|| dir.clone());
            }
        }
    }
    out
}
#[cfg(test)]
mod json_tests;
#[cfg(test)]
mod plan_tests;
#[cfg(test)]
mod tests;
