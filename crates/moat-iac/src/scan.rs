//! `moat scan PATH...`: finds the files, tells what each is, reads every
//! template (in parallel) and merges them into one Inventory. Every file
//! looked at is listed with its status, so nothing is skipped silently.

use crate::cdk::{self, CdkLanguage};
use crate::cloudformation::{self, Read};
use crate::inventory::Inventory;
use moat_source::{Diagnostic, SourceFile};
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Templates larger than this are not read.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Scanned,
    Skipped,
    Error,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FileStatus {
    pub path: String,
    /// `cloudformation`, `sam`, `cdk-manifest`, `cdk-tree`, `yaml`, `json`, `other`.
    pub format: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Whether files of this format hold resources: what "files scanned"
/// counts (a CDK manifest or a `.tfvars` file does not).
pub fn holds_resources(format: &str) -> bool {
    // `aws`: a live account's scope (moat-aws)
    matches!(
        format,
        "cloudformation" | "sam" | "terraform" | "terraform-plan" | "cdktf" | "aws"
    )
}

/// What to call the files a scan read: `template` (CloudFormation, SAM),
/// `Terraform file` (HCL, plans, cdktf), `account scope` (a live account),
/// or `file` when kinds are mixed.
pub fn noun_for<'a>(formats: impl IntoIterator<Item = &'a str>) -> &'static str {
    let kinds: BTreeSet<&'static str> = formats
        .into_iter()
        .filter(|f| holds_resources(f))
        .map(|f| match f {
            "terraform" | "terraform-plan" | "cdktf" => "Terraform file",
            "aws" => "account scope",
            _ => "template",
        })
        .collect();
    match kinds.len() {
        0 => "template",
        1 => kinds.into_iter().next().unwrap_or("template"),
        _ => "file",
    }
}

/// Called as templates are read: (files read, files found so far).
pub type Progress = dyn Fn(usize, usize) + Send + Sync;

#[derive(Default)]
pub struct Options {
    /// `--param K=V`: parameter and pseudo-parameter values.
    pub params: BTreeMap<String, String>,
    /// Told after each batch of templates, for a progress display.
    pub progress: Option<Box<Progress>>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("params", &self.params)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What a scan read. Templates are grouped in units that deploy together
/// (one template with its nested stacks, or every stack of a CDK assembly):
/// checks relate resources within a unit only, since the stand-in names of
/// unnamed resources (`{LogicalId}`) are local to their template.
#[derive(Debug, Default)]
pub struct Scan {
    pub units: Vec<Inventory>,
    /// The `--param` values the units were read with: reading a unit again
    /// under assumed conditions ([`crate::variants`]) needs them.
    pub params: BTreeMap<String, String>,
    pub files: Vec<FileStatus>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Scan {
    /// Every unit's resources in one inventory (file indices renumbered), for
    /// readers that want the whole picture, such as the inferred model.
    pub fn merged(&self) -> Inventory {
        let mut all = Inventory::default();
        for unit in &self.units {
            all.merge(unit.clone());
        }
        all
    }
}

/// A template to read, with the construct paths CDK gives its logical ids.
struct Job {
    path: PathBuf,
    cdk_paths: BTreeMap<String, String>,
    /// The unit it deploys with (index into the units being built).
    unit: usize,
    /// The language of the CDK app the unit's assembly comes from.
    cdk_language: Option<CdkLanguage>,
    /// Pseudo parameters its CDK stack's environment fixes (a nested
    /// template has its parent's); `--param` overrides them.
    environment: BTreeMap<String, String>,
}

/// The jobs found so far, and the units they belong to.
#[derive(Default)]
struct Collector {
    jobs: Vec<Job>,
    seen: BTreeSet<PathBuf>,
    units: usize,
    /// Unit -> the language of the CDK app it comes from (assemblies only).
    languages: BTreeMap<usize, CdkLanguage>,
}

impl Collector {
    fn new_unit(&mut self) -> usize {
        self.units += 1;
        self.units - 1
    }

    /// Queues `path` once; `unit` `None` starts a unit of its own.
    fn push(
        &mut self,
        path: &Path,
        cdk_paths: BTreeMap<String, String>,
        unit: Option<usize>,
        environment: BTreeMap<String, String>,
    ) {
        let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if self.seen.insert(key) {
            let unit = unit.unwrap_or_else(|| self.new_unit());
            self.jobs.push(Job {
                path: path.to_path_buf(),
                cdk_paths,
                unit,
                cdk_language: self.languages.get(&unit).copied(),
                environment,
            });
        }
    }
}

/// Scans `paths` (files and directories).
pub fn scan(paths: &[PathBuf], options: &Options) -> Scan {
    let (units, files, diagnostics) = scan_each(paths, options, |unit| unit);
    Scan {
        units,
        params: options.params.clone(),
        files,
        diagnostics,
    }
}

/// How many templates are read before the units they complete are handed on:
/// large scans then hold a bounded number of inventories at a time.
const CHUNK: usize = 16;

/// Scans `paths`, handing each completed unit to `each` (in parallel) and
/// dropping it: memory stays bounded however many templates there are.
/// Returns `each`'s results in unit order, every file's status, and the
/// diagnostics.
pub fn scan_each<U: Send>(
    paths: &[PathBuf],
    options: &Options,
    each: impl Fn(Inventory) -> U + Sync,
) -> (Vec<U>, Vec<FileStatus>, Vec<Diagnostic>) {
    let mut out = Scan::default();
    let mut c = Collector::default();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut c, &mut out);
        } else if path.exists() {
            if path.file_name().is_some_and(|n| n == "manifest.json") {
                assembly(path, &mut c, &mut out, None);
            } else if path.extension().is_some_and(|e| e == "tf") {
                // Terraform reads a module's directory, never one file of it
                let dir = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                c.push(dir, BTreeMap::new(), None, BTreeMap::new());
            } else {
                c.push(path, BTreeMap::new(), None, BTreeMap::new());
            }
        } else {
            out.files.push(FileStatus {
                path: path.display().to_string(),
                format: "other".into(),
                status: Status::Error,
                reason: Some("no such file or directory".into()),
            });
        }
    }
    // modules another directory calls are read with it, not as roots
    let tf_dirs: Vec<PathBuf> = c
        .jobs
        .iter()
        .filter(|j| j.path.is_dir())
        .map(|j| j.path.clone())
        .collect();
    if tf_dirs.len() > 1 {
        let called = crate::terraform::called_modules(&tf_dirs);
        c.jobs.retain(|j| {
            let key = j.path.canonicalize().unwrap_or_else(|_| j.path.clone());
            match called.get(&key) {
                Some(caller) if j.path.is_dir() => {
                    out.files.push(FileStatus {
                        path: j.path.display().to_string(),
                        format: "terraform-module".into(),
                        status: Status::Skipped,
                        reason: Some(format!(
                            "a module `{}` calls: read with it",
                            caller.display()
                        )),
                    });
                    false
                }
                _ => true,
            }
        });
    }
    // jobs still to read per unit: a unit is complete when it has none
    let mut pending: BTreeMap<usize, usize> = BTreeMap::new();
    for job in &c.jobs {
        *pending.entry(job.unit).or_default() += 1;
    }
    let mut queue: std::collections::VecDeque<Job> = std::mem::take(&mut c.jobs).into();
    let mut read = 0;
    let mut found = queue.len();
    let mut open: BTreeMap<usize, Inventory> = BTreeMap::new();
    let mut done: Vec<(usize, U)> = Vec::new();
    while !queue.is_empty() {
        let chunk: Vec<Job> = queue.drain(..queue.len().min(CHUNK)).collect();
        let results: Vec<(usize, &Job, FileResult)> = chunk
            .par_iter()
            .map(|job| (job.unit, job, read_one(job, options)))
            .collect();
        for (unit, job, result) in results {
            for nested in &result.nested {
                c.push(nested, BTreeMap::new(), Some(unit), job.environment.clone());
            }
            for job in c.jobs.drain(..) {
                *pending.entry(job.unit).or_default() += 1;
                found += 1;
                queue.push_back(job);
            }
            read += 1;
            if let Some(left) = pending.get_mut(&unit) {
                *left = left.saturating_sub(1);
            }
            out.files.extend(result.statuses);
            out.diagnostics.extend(result.diagnostics);
            if let Some(inventory) = result.inventory {
                open.entry(unit).or_default().merge(inventory);
            }
        }
        let complete: Vec<usize> = pending
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(u, _)| *u)
            .collect();
        let ready: Vec<(usize, Inventory)> = complete
            .into_iter()
            .filter_map(|u| {
                pending.remove(&u);
                open.remove(&u).map(|inv| (u, inv))
            })
            .collect();
        done.extend(
            ready
                .into_par_iter()
                .map(|(u, inv)| (u, each(inv)))
                .collect::<Vec<_>>(),
        );
        if let Some(progress) = &options.progress {
            progress(read, found);
        }
    }
    done.sort_by_key(|(u, _)| *u);
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    (
        done.into_iter().map(|(_, r)| r).collect(),
        out.files,
        out.diagnostics,
    )
}

/// Directories never worth reading.
fn ignored_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "node_modules" | "target" | "__pycache__" | "venv")
}

fn walk(dir: &Path, c: &mut Collector, out: &mut Scan) {
    let manifest = dir.join("manifest.json");
    if manifest.is_file() && is_assembly(&manifest) {
        assembly(&manifest, c, out, None);
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        out.files.push(FileStatus {
            path: dir.display().to_string(),
            format: "other".into(),
            status: Status::Error,
            reason: Some("cannot read the directory".into()),
        });
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    // a directory with .tf files is a Terraform module: read as one
    let has_tf = paths
        .iter()
        .any(|p| p.is_file() && p.extension().is_some_and(|e| e == "tf"));
    if has_tf {
        c.push(dir, BTreeMap::new(), None, BTreeMap::new());
    }
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !ignored_dir(name) {
                walk(&path, c, out);
            }
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        // variable values, read with their module
        if name.ends_with(".tfvars.json") {
            continue;
        }
        if name.ends_with(".tf.json") {
            if has_tf {
                out.files.push(FileStatus {
                    path: path.display().to_string(),
                    format: "cdktf".into(),
                    status: Status::Skipped,
                    reason: Some(
                        "JSON configuration beside `.tf` files is not read: the module is read from its `.tf` files".into(),
                    ),
                });
            } else {
                c.push(&path, BTreeMap::new(), None, BTreeMap::new());
            }
            continue;
        }
        if name == "manifest.json" && is_cdktf_manifest(&path) {
            out.files.push(FileStatus {
                path: path.display().to_string(),
                format: "cdktf-manifest".into(),
                status: Status::Skipped,
                reason: Some("the cdktf manifest: each stack's `cdk.tf.json` is read".into()),
            });
            continue;
        }
        if matches!(ext.as_str(), "yaml" | "yml" | "json" | "template") {
            if has_tf && ext == "json" && is_plan_file(&path) {
                out.files.push(FileStatus {
                    path: path.display().to_string(),
                    format: "terraform-plan".into(),
                    status: Status::Skipped,
                    reason: Some(
                        "a plan of the configuration in its directory, which is read from its `.tf` files (scan the plan on its own to read it)".into(),
                    ),
                });
                continue;
            }
            c.push(&path, BTreeMap::new(), None, BTreeMap::new());
        }
    }
}

/// cdktf's `cdktf.out/manifest.json`, which lists the stacks' `cdk.tf.json`.
fn is_cdktf_manifest(path: &Path) -> bool {
    moat_source::input::read_text_limited(path, MAX_FILE_BYTES).is_ok_and(|text| {
        let file = SourceFile::new("", text);
        moat_source::node::parse(&file).is_ok_and(|root| {
            crate::node_util::get(&root, "stacks")
                .map(crate::node_util::entries)
                .is_some_and(|stacks| {
                    stacks
                        .iter()
                        .any(|(_, s)| crate::node_util::get(s, "synthesizedStackPath").is_some())
                })
        })
    })
}

fn is_plan_file(path: &Path) -> bool {
    moat_source::input::read_text_limited(path, MAX_FILE_BYTES)
        .is_ok_and(|text| crate::terraform::plan::looks_like_plan(&text))
}

fn is_assembly(manifest: &Path) -> bool {
    std::fs::read_to_string(manifest)
        .ok()
        .and_then(|text| {
            let file = SourceFile::new(manifest.display().to_string(), text);
            moat_source::node::parse(&file)
                .ok()
                .map(|root| cdk::is_manifest(&root))
        })
        .unwrap_or(false)
}

/// A CDK assembly: its stacks' templates become jobs with their construct
/// paths. `language` is the app's, for a nested assembly (a stage); a
/// top-level assembly finds it from the app's `cdk.json`.
fn assembly(manifest: &Path, c: &mut Collector, out: &mut Scan, language: Option<CdkLanguage>) {
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let text = match moat_source::input::read_text_limited(manifest, MAX_FILE_BYTES) {
        Ok(t) => t,
        Err(d) => {
            out.files.push(error_status(manifest, "cdk-manifest", &d));
            out.diagnostics.push(*d);
            return;
        }
    };
    let file = SourceFile::new(manifest.display().to_string(), text);
    match cdk::read_manifest(&file) {
        Ok(assembly) => {
            c.seen.insert(
                manifest
                    .canonicalize()
                    .unwrap_or_else(|_| manifest.to_path_buf()),
            );
            out.files.push(FileStatus {
                path: manifest.display().to_string(),
                format: "cdk-manifest".into(),
                status: Status::Scanned,
                reason: Some(format!(
                    "CDK cloud assembly with {}",
                    moat_source::diag::count(assembly.stacks.len(), "stack")
                )),
            });
            // every stack of an assembly deploys together: one unit
            let unit = c.new_unit();
            let language = language.unwrap_or_else(|| cdk::language_of(dir));
            c.languages.insert(unit, language);
            for stack in assembly.stacks {
                c.push(
                    &dir.join(&stack.template),
                    stack.paths,
                    Some(unit),
                    stack.environment,
                );
            }
            for nested in assembly.nested {
                let nested_manifest = dir.join(nested).join("manifest.json");
                if nested_manifest.is_file() {
                    self::assembly(&nested_manifest, c, out, Some(language));
                }
            }
            // the assembly's other files are CDK's bookkeeping, not templates
            if let Ok(entries) = std::fs::read_dir(dir) {
                let mut rest: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file())
                    .collect();
                rest.sort();
                for path in rest {
                    let key = path.canonicalize().unwrap_or_else(|_| path.clone());
                    if c.seen.contains(&key) || c.jobs.iter().any(|j| j.path == path) {
                        continue;
                    }
                    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    let (format, reason) = if name == "tree.json" {
                        (
                            "cdk-tree",
                            "the CDK construct tree; construct paths come from the manifest",
                        )
                    } else {
                        ("other", "CDK assembly bookkeeping, not a template")
                    };
                    c.seen.insert(key);
                    out.files.push(FileStatus {
                        path: path.display().to_string(),
                        format: format.into(),
                        status: Status::Skipped,
                        reason: Some(reason.into()),
                    });
                }
            }
        }
        Err(d) => {
            out.files.push(error_status(manifest, "cdk-manifest", &d));
            out.diagnostics.push(*d);
        }
    }
}

fn error_status(path: &Path, format: &str, d: &Diagnostic) -> FileStatus {
    let location = d
        .location
        .as_ref()
        .map(|l| format!("{}:{}: ", l.line, l.col))
        .unwrap_or_default();
    FileStatus {
        path: path.display().to_string(),
        format: format.into(),
        status: Status::Error,
        reason: Some(format!("{location}{}", d.message)),
    }
}

/// A Terraform root module: every `.tf` and `.tfvars` file read is listed.
fn read_terraform(dir: &Path, options: &Options) -> FileResult {
    let mut diagnostics = Vec::new();
    let read = crate::terraform::read(dir, &options.params, &mut diagnostics);
    let statuses = read
        .files
        .into_iter()
        .map(|(path, error)| FileStatus {
            path: path.display().to_string(),
            format: if path.to_string_lossy().ends_with(".tfvars")
                || path.to_string_lossy().ends_with(".tfvars.json")
            {
                "terraform-vars"
            } else {
                "terraform"
            }
            .into(),
            status: if error.is_some() {
                Status::Error
            } else {
                Status::Scanned
            },
            reason: error,
        })
        .collect();
    FileResult {
        statuses,
        inventory: Some(read.inventory),
        diagnostics,
        nested: Vec::new(),
    }
}

/// A Terraform plan (`terraform show -json`), with the `.tf` files beside
/// it that give its places; the text back when it is not a plan after all.
fn read_terraform_plan(path: &Path, text: String) -> Result<FileResult, String> {
    let mut diagnostics = Vec::new();
    let read = match crate::terraform::read_plan(path, text.clone(), &mut diagnostics) {
        Ok(Some(read)) => read,
        Ok(None) => return Err(text),
        Err(d) => {
            return Ok(FileResult {
                statuses: vec![error_status(path, "terraform-plan", &d)],
                inventory: None,
                diagnostics: vec![*d],
                nested: Vec::new(),
            });
        }
    };
    let plan = path.display().to_string();
    let statuses = read
        .files
        .into_iter()
        .map(|(file, error)| {
            let name = file.display().to_string();
            let is_plan = name == plan;
            FileStatus {
                path: name,
                format: if is_plan {
                    "terraform-plan"
                } else if file.extension().is_some_and(|e| e == "tfvars") {
                    "terraform-vars"
                } else {
                    "terraform"
                }
                .into(),
                status: if error.is_some() {
                    Status::Error
                } else {
                    Status::Scanned
                },
                reason: error.or_else(|| {
                    (!is_plan).then(|| "read for the places of the plan beside it".into())
                }),
            }
        })
        .collect();
    Ok(FileResult {
        statuses,
        inventory: Some(read.inventory),
        diagnostics,
        nested: Vec::new(),
    })
}

/// A configuration in Terraform's JSON syntax (cdktf's `cdk.tf.json`).
fn read_json_config(path: &Path, options: &Options) -> FileResult {
    let failed = |d: Box<Diagnostic>| FileResult {
        statuses: vec![error_status(path, "cdktf", &d)],
        inventory: None,
        diagnostics: vec![*d],
        nested: Vec::new(),
    };
    let text = match moat_source::input::read_text_limited(path, MAX_FILE_BYTES) {
        Ok(t) => t,
        Err(d) => return failed(d),
    };
    let mut diagnostics = Vec::new();
    match crate::terraform::read_json_config(path, text, &options.params, &mut diagnostics) {
        Ok(read) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            FileResult {
                statuses: vec![FileStatus {
                    path: path.display().to_string(),
                    format: "cdktf".into(),
                    status: if errors > 0 {
                        Status::Error
                    } else {
                        Status::Scanned
                    },
                    reason: (errors > 0).then(|| {
                        format!(
                            "read with {}: the findings for this file may be incomplete",
                            moat_source::diag::count(errors, "error")
                        )
                    }),
                }],
                inventory: Some(read.inventory),
                diagnostics,
                nested: Vec::new(),
            }
        }
        Err(d) => failed(d),
    }
}

struct FileResult {
    statuses: Vec<FileStatus>,
    inventory: Option<Inventory>,
    diagnostics: Vec<Diagnostic>,
    nested: Vec<PathBuf>,
}

fn read_one(job: &Job, options: &Options) -> FileResult {
    let path = &job.path;
    if path.is_dir() {
        return read_terraform(path, options);
    }
    if path.to_string_lossy().ends_with(".tf.json") {
        return read_json_config(path, options);
    }
    let format_of_ext = match path.extension().and_then(|e| e.to_str()) {
        Some("json") => "json",
        _ => "yaml",
    };
    let mut diagnostics = Vec::new();
    let text = match moat_source::input::read_text_limited(path, MAX_FILE_BYTES) {
        Ok(t) => t,
        Err(d) => {
            return FileResult {
                statuses: vec![error_status(path, format_of_ext, &d)],
                inventory: None,
                diagnostics: vec![*d],
                nested: Vec::new(),
            };
        }
    };
    // a Terraform plan is JSON too: it is told apart by its content
    let text = if format_of_ext == "json" && crate::terraform::plan::may_be_plan(&text) {
        match read_terraform_plan(path, text) {
            Ok(result) => return result,
            Err(text) => text,
        }
    } else {
        text
    };
    let file = SourceFile::new(path.display().to_string(), text);
    let mut inventory = Inventory::default();
    // the stack's environment, unless the user says otherwise
    let params = if job.environment.is_empty() {
        std::borrow::Cow::Borrowed(&options.params)
    } else {
        let mut merged = job.environment.clone();
        merged.extend(options.params.iter().map(|(k, v)| (k.clone(), v.clone())));
        std::borrow::Cow::Owned(merged)
    };
    if !job.environment.is_empty() {
        inventory.file_params.insert(0, (*params).clone());
    }
    match cloudformation::read(&file, 0, &params, &mut inventory, &mut diagnostics) {
        Ok(Read::Template { sam, nested }) => {
            for resource in inventory.origins_mut() {
                if resource.cdk_path.is_none() {
                    resource.cdk_path = job.cdk_paths.get(&resource.logical_id).cloned();
                }
            }
            // a template of an assembly, or one read alone that CDK
            // synthesized (construct paths in its metadata): its app is
            // the one whose cdk.json is beside the assembly directory
            let language = job.cdk_language.or_else(|| {
                inventory
                    .origins_mut()
                    .iter()
                    .any(|o| o.cdk_path.is_some())
                    .then(|| cdk::language_of(path.parent().unwrap_or(Path::new("."))))
            });
            if let Some(language) = language {
                for resource in inventory.origins_mut() {
                    resource.cdk_language = Some(language);
                }
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let base = path.parent().unwrap_or(Path::new("."));
            let nested: Vec<PathBuf> = nested.iter().map(|n| base.join(n)).collect();
            inventory.files.push(file);
            FileResult {
                statuses: vec![FileStatus {
                    path: path.display().to_string(),
                    format: if sam { "sam" } else { "cloudformation" }.into(),
                    status: if errors > 0 {
                        Status::Error
                    } else {
                        Status::Scanned
                    },
                    reason: (errors > 0).then(|| {
                        format!(
                            "read with {}: the findings for this file may be incomplete",
                            moat_source::diag::count(errors, "error")
                        )
                    }),
                }],
                inventory: Some(inventory),
                diagnostics,
                nested,
            }
        }
        Ok(Read::NotTemplate(reason)) => FileResult {
            statuses: vec![FileStatus {
                path: path.display().to_string(),
                format: format_of_ext.into(),
                status: Status::Skipped,
                reason: Some(reason),
            }],
            inventory: None,
            diagnostics,
            nested: Vec::new(),
        },
        Err(d) => FileResult {
            statuses: vec![error_status(path, format_of_ext, &d)],
            inventory: None,
            diagnostics: vec![*d],
            nested: Vec::new(),
        },
    }
}
