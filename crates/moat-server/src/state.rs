//! What every handler shares: the store, the served projects, the catalogs,
//! the secrets, and how to analyse a project again.

use crate::analysis::{Analyzer, ServedProject};
use moat_catalog::Catalog;
use moat_engine::Assessment;
use moat_store::RunMeta;
use moat_store::Store;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub analyzer: Arc<dyn Analyzer>,
    pub projects: Vec<ServedProject>,
    /// The built-in catalog (with any `--catalog` files merged), as the analyses use it.
    pub catalog: Arc<Catalog>,
    /// A TrustOnCloud ThreatModel loaded with `--trustoncloud`, browsed on its own.
    pub trustoncloud: Option<Arc<Catalog>>,
    /// The access token printed at start.
    pub token: String,
    /// The token pages embed for writes.
    pub csrf: String,
    /// `host:port` values the Host header may carry.
    pub allowed_hosts: Vec<String>,
    /// Who the history names for changes made in the browser when the form gives no name.
    pub local_user: String,
    /// Parsed assessments of recent runs.
    pub runs: RunCache,
}

/// The parsed assessments of the last [`RunCache::SIZE`] runs read, and
/// their HTML reports once rendered (runs never change, and a large run's
/// report takes longer to render than any other page).
#[derive(Default)]
pub struct RunCache {
    entries: Mutex<VecDeque<(i64, Arc<CachedRun>)>>,
}

pub struct CachedRun {
    pub meta: RunMeta,
    pub assessment: Arc<Assessment>,
    /// The rendered report (cheap to clone) and its Content-Security-Policy.
    pub report: OnceLock<Result<(axum::body::Bytes, String), String>>,
}

impl RunCache {
    const SIZE: usize = 8;

    pub fn get(&self, id: i64) -> Option<Arc<CachedRun>> {
        let entries = self.entries.lock().ok()?;
        entries
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, run)| Arc::clone(run))
    }

    pub fn put(&self, id: i64, run: Arc<CachedRun>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(i, _)| *i != id);
            entries.push_front((id, run));
            entries.truncate(Self::SIZE);
        }
    }
}

impl AppState {
    pub fn project(&self, name: &str) -> Option<&ServedProject> {
        self.projects.iter().find(|p| p.name == name)
    }
}
