//! `moat serve PATH...`: the web UI and JSON API over the served paths
//! (docs/ui.md). The server crate knows nothing of file formats; this
//! command hands it an analyzer that runs what `moat threats PATH` runs.

use crate::commands::source::CatalogArgs;
use crate::{Outcome, inputs};
use moat_catalog::Catalog;
use moat_engine::Assessment;
use moat_model::Decision;
use moat_server::{Analyzer, AppState, ServedProject};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// Models, templates, CDK apps or directories of them (a directory of
    /// models serves each model; one with templates is scanned as a whole)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Address to listen on; anything but loopback exposes the UI to the network
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// The store: a SQLite file, or `postgres://...` for a team server
    /// (default: `.moat.db` beside the first path)
    #[arg(long, value_name = "PATH|URL")]
    pub db: Option<String>,
    /// The access token (default: a random one, printed at start); also MOAT_SERVE_TOKEN
    #[arg(long, env = "MOAT_SERVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// A TrustOnCloud ThreatModel JSON file to browse beside the built-in catalog
    #[arg(long, value_name = "FILE")]
    pub trustoncloud: Option<PathBuf>,
    /// Create an upload token for CI jobs (for the project named, or `*` for all), print it and go on
    #[arg(long, value_name = "PROJECT")]
    pub add_upload_token: Option<String>,
    #[command(flatten)]
    pub catalog: CatalogArgs,
}

/// Runs the pipeline of `moat threats PATH`, with the server's decisions added.
struct CliAnalyzer {
    catalog: Arc<Catalog>,
}

impl Analyzer for CliAnalyzer {
    fn analyze(
        &self,
        project: &ServedProject,
        decisions: &[Decision],
    ) -> Result<Assessment, String> {
        let (loaded, source, scan) = inputs::load_model_with_scan(&project.path);
        let diagnostics = loaded.diagnostics;
        let Some(mut model) = loaded.model else {
            let errors: Vec<String> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.to_string())
                .collect();
            return Err(format!(
                "`{}` could not be read: {}",
                project.path.display(),
                errors.join("; ")
            ));
        };
        model.decisions.extend(decisions.iter().cloned());
        let options = moat_engine::Options {
            today: moat_engine::today(),
        };
        let mut assessment =
            moat_engine::assess_with(model, source.as_ref(), &self.catalog, diagnostics, &options);
        assessment.scan = scan;
        Ok(assessment)
    }
}

/// The projects `paths` name: a file is one; a directory is one when it holds
/// templates or a CDK app, else each model file in it is one.
fn projects(paths: &[PathBuf]) -> Result<Vec<ServedProject>, String> {
    let mut out = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("`{}` does not exist", path.display()));
        }
        if path.is_dir() && !holds_infrastructure(path) {
            let models = model_files(path)?;
            if models.is_empty() {
                return Err(format!(
                    "`{}` holds no model, template or CDK app",
                    path.display()
                ));
            }
            out.extend(models.iter().map(|m| project(m)));
        } else {
            out.push(project(path));
        }
    }
    out.dedup_by(|a, b| a.name == b.name);
    Ok(out)
}

fn project(path: &Path) -> ServedProject {
    let is_yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    let shown = path.display().to_string();
    ServedProject {
        name: shown.strip_prefix("./").unwrap_or(&shown).to_string(),
        path: path.to_path_buf(),
        model_file: (is_yaml && !inputs::is_iac(path) && !is_interchange(path))
            .then(|| path.to_path_buf()),
    }
}

/// An OTM file in YAML: read as a model, but its text has no `decisions:` to write.
fn is_interchange(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .is_ok_and(|text| moat_interchange::detect(&path.display().to_string(), &text).is_some())
}

fn holds_infrastructure(dir: &Path) -> bool {
    dir.join("cdk.json").exists()
        || dir.join("manifest.json").exists()
        || entries(dir)
            .iter()
            .any(|p| p.is_file() && inputs::is_iac(p))
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    list.sort();
    list
}

fn model_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if std::fs::read_dir(dir).is_err() {
        return Err(format!("cannot read the directory `{}`", dir.display()));
    }
    Ok(entries(dir)
        .into_iter()
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json" | "py")
                )
        })
        .collect())
}

fn local_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .map(|u| format!("{u} (local)"))
        .unwrap_or_else(|_| "local user".to_string())
}

pub fn run(args: Args) -> Outcome {
    let projects = match projects(&args.paths) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::InputError;
        }
    };
    let catalog = match args.catalog.load() {
        Ok(c) => Arc::new(c),
        Err(outcome) => return outcome,
    };
    let trustoncloud = match &args.trustoncloud {
        None => None,
        Some(path) => {
            let (toc, diags) = inputs::load_catalog(std::slice::from_ref(path), true);
            crate::diagnostics::print_all(&diags, inputs::stderr_color());
            if diags.iter().any(moat_model::Diagnostic::is_error) {
                return Outcome::InputError;
            }
            Some(Arc::new(toc))
        }
    };
    let db = args.db.clone().unwrap_or_else(|| {
        moat_store::default_db_path(&args.paths[0])
            .display()
            .to_string()
    });
    let store = match moat_store::open(&db) {
        Ok(s) => Arc::<dyn moat_store::Store>::from(s),
        Err(e) => {
            eprintln!("error: cannot open the store `{db}`: {e}");
            return Outcome::InputError;
        }
    };
    if let Some(scope) = &args.add_upload_token {
        let project = (scope != "*").then_some(scope.as_str());
        match store.add_token(project, "moat serve --add-upload-token") {
            Ok((token, _)) => println!("upload token for {scope}: {token}"),
            Err(e) => {
                eprintln!("error: cannot create an upload token: {e}");
                return Outcome::InputError;
            }
        }
    }
    let token = match args.token.clone().filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => match moat_server::security::random_token() {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: no random access token: {e}");
                return Outcome::InputError;
            }
        },
    };
    let Ok(csrf) = moat_server::security::random_token() else {
        eprintln!("error: no random CSRF token");
        return Outcome::InputError;
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return Outcome::InputError;
        }
    };
    runtime.block_on(async move {
        let addr = SocketAddr::new(args.bind, args.port);
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {addr}: {e} (choose another with --port)");
                return Outcome::InputError;
            }
        };
        let addr = listener.local_addr().unwrap_or(addr);
        let state = Arc::new(AppState {
            store,
            analyzer: Arc::new(CliAnalyzer {
                catalog: Arc::clone(&catalog),
            }),
            projects,
            catalog,
            trustoncloud,
            token: token.clone(),
            csrf,
            allowed_hosts: moat_server::allowed_hosts(addr),
            local_user: local_user(),
            runs: Default::default(),
        });
        // analyse every project before the first page, and say which could not be read
        let first = Arc::clone(&state);
        let failures = tokio::task::spawn_blocking(move || {
            first
                .projects
                .iter()
                .filter_map(|p| {
                    moat_server::run_project(&first, p)
                        .err()
                        .map(|e| format!("{}: {e}", p.name))
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        for failure in &failures {
            eprintln!("warning: {failure}");
        }
        let host = if addr.ip().is_loopback() {
            format!("127.0.0.1:{}", addr.port())
        } else {
            addr.to_string()
        };
        eprintln!(
            "moat serve: {} project(s), store {} ({})",
            state.projects.len(),
            moat_store::redact(&db),
            state.store.backend()
        );
        println!("Open http://{host}/?token={token}");
        match moat_server::serve(listener, state).await {
            Ok(()) => Outcome::Ok,
            Err(e) => {
                eprintln!("error: the server stopped: {e}");
                Outcome::InputError
            }
        }
    })
}
