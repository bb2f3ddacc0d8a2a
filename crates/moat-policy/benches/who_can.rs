//! `who-can` over a generated snapshot of 1,000 principals (users and roles,
//! 40 groups, 60 managed policies): the time to read the snapshot and to
//! answer three questions. Run with `cargo bench -p moat-policy --bench who_can`.
//! No timing is asserted anywhere; this prints the numbers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "support/snapshot_gen.rs"]
mod snapshot_gen;

use moat_policy::document::read;
use moat_policy::evaluate::NamedPolicy;
use moat_policy::snapshot::read_snapshot;
use moat_policy::whocan::{Inputs, Query, who_can};
use moat_source::SourceFile;
use std::time::{Duration, Instant};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        best = best.min(start.elapsed());
        last = Some(value);
    }
    (best, last.unwrap())
}

fn main() {
    let principals = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(1000);
    let text = snapshot_gen::generate(principals);
    let file = SourceFile::new("generated.json", text.as_str());
    let (read_time, (snapshot, diagnostics)) = best_of(5, || read_snapshot(&file));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    println!(
        "snapshot: {} users, {} roles, {} groups, {} managed policies, {} KiB; read in {:.1} ms",
        snapshot.users.len(),
        snapshot.roles.len(),
        snapshot.groups.len(),
        snapshot.policies.len(),
        text.len() / 1024,
        read_time.as_secs_f64() * 1000.0
    );
    let (bucket, _) = read("bucket.json", snapshot_gen::BUCKET_POLICY);
    let bucket = NamedPolicy {
        name: "bucket.json".into(),
        policy: bucket.unwrap(),
    };
    for (action, resource) in [
        ("s3:GetObject", "arn:aws:s3:::acme-reports/reports/q1.csv"),
        (
            "s3:DeleteObject",
            "arn:aws:s3:::acme-reports/home/user-7/notes.txt",
        ),
        ("s3:ListBucket", "arn:aws:s3:::acme-reports"),
    ] {
        let mut inputs = Inputs::new(&snapshot);
        inputs.resource_policy = Some(&bucket);
        let query = Query::new(action, resource);
        let (time, result) = best_of(5, || who_can(&query, &inputs));
        let can = result.can().count();
        println!(
            "who-can {action} {resource}: {} principals decided, {can} can; {:.1} ms ({:.1} µs a principal)",
            result.principals.len(),
            time.as_secs_f64() * 1000.0,
            time.as_secs_f64() * 1e6 / result.principals.len() as f64
        );
    }
}
