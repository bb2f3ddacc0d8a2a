#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A `kill -9` in the middle of a burst of writes loses no acknowledged write.
//!
//! The test binary runs itself again as a child (`kill9_child`, which does
//! nothing unless `MOAT_STORE_KILL9_CHILD` names a store). The child records
//! decisions as fast as it can, single and in bulk, and prints each key on
//! stdout only after the store returned `Ok`: that line is the acknowledgement
//! a server would send. The parent reads the lines, sends SIGKILL at an
//! arbitrary point of the burst (most likely inside a transaction), keeps every
//! complete line the child printed before it died, reopens the database and
//! requires every acknowledged decision to be there with its value. Three
//! rounds per backend, each resuming where the last one was killed.

mod common;

use common::Fixture;
use moat_model::DecisionStatus;
use moat_store::{DecisionKey, DecisionValue};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

const CHILD_VAR: &str = "MOAT_STORE_KILL9_CHILD";
const START_VAR: &str = "MOAT_STORE_KILL9_START";
const PROJECT: &str = "kill9";
const ROUNDS: usize = 3;

on_both_backends!(a_kill_mid_burst_loses_no_acknowledged_decision);

fn key(i: u64) -> DecisionKey {
    DecisionKey::new(format!("T-KILL-{i:07}"), "*")
}

fn value(i: u64) -> DecisionValue {
    DecisionValue {
        status: DecisionStatus::ALL[(i % 6) as usize],
        justification: format!("burst write {i}"),
        ticket: Some(format!("KILL-{i}")),
        date: Some("2026-12-08".into()),
        checked_by: None,
        expires: None,
    }
}

/// The child's side: write until killed. A no-op in a normal test run.
#[test]
fn kill9_child() {
    let Ok(spec) = std::env::var(CHILD_VAR) else {
        return;
    };
    let mut i: u64 = std::env::var(START_VAR).unwrap().parse().unwrap();
    let store = common::open_spec(&spec);
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    loop {
        if i.is_multiple_of(10) {
            // Every tenth write is a bulk write of five keys in one transaction.
            let batch: Vec<_> = (i..i + 5).map(|j| (key(j), value(j))).collect();
            store.set_decisions_bulk(PROJECT, &batch, "child").unwrap();
            for j in i..i + 5 {
                writeln!(out, "ACK {j}").unwrap();
            }
            i += 5;
        } else {
            store
                .set_decision(PROJECT, &key(i), &value(i), "child")
                .unwrap();
            writeln!(out, "ACK {i}").unwrap();
            i += 1;
        }
        out.flush().unwrap();
        assert!(
            i < 10_000_000,
            "the burst ended before the parent killed it"
        );
    }
}

/// Runs one child from `start`, kills it after at least `kill_after`
/// acknowledgements, and returns every acknowledged id.
fn burst_and_kill(fixture: &dyn Fixture, start: u64, kill_after: usize) -> Vec<u64> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["kill9_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, fixture.spec())
        .env(START_VAR, start.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut acked = Vec::new();
    let mut killed = false;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        // A line cut short by the kill was never acknowledged.
        let Some(complete) = line.strip_suffix('\n') else {
            break;
        };
        if let Some(id) = complete.strip_prefix("ACK ") {
            acked.push(id.parse::<u64>().unwrap());
        }
        if !killed && acked.len() >= kill_after {
            // SIGKILL: no destructor, no flush, no rollback runs in the child.
            child.kill().unwrap();
            killed = true;
        }
    }
    let status = child.wait().unwrap();
    assert!(
        killed,
        "the child stopped after {} acknowledgements ({status})",
        acked.len()
    );
    assert_eq!(status.signal(), Some(9), "{status}");
    acked
}

fn a_kill_mid_burst_loses_no_acknowledged_decision(fixture: &dyn Fixture) {
    // Migrate first, so each child only writes.
    drop(fixture.open());
    let mut all = Vec::new();
    let mut start = 0;
    for round in 0..ROUNDS {
        let acked = burst_and_kill(fixture, start, 150 + 70 * round);
        assert!(acked.len() >= 150 + 70 * round);
        let store = fixture.open();
        let stored: std::collections::HashMap<_, _> = store
            .list_decisions(PROJECT)
            .unwrap()
            .into_iter()
            .map(|r| (r.key, r.value))
            .collect();
        all.extend(acked);
        for &i in &all {
            assert_eq!(
                stored.get(&key(i)),
                Some(&value(i)),
                "round {round}: acknowledged write {i} is missing or wrong after kill -9"
            );
        }
        // Whatever a child committed but could not acknowledge before it died
        // (one transaction, at most five keys, per round) may be there too;
        // nothing else is.
        let highest = all.iter().max().copied().unwrap_or(0);
        assert!(
            stored.len() >= all.len() && stored.len() <= all.len() + 5 * (round + 1),
            "round {round}: {} stored for {} acknowledged (last {highest})",
            stored.len(),
            all.len()
        );
        // The next child goes on after the highest key stored.
        start = stored
            .keys()
            .map(|k| {
                k.selector
                    .trim_start_matches("T-KILL-")
                    .parse::<u64>()
                    .unwrap()
            })
            .max()
            .unwrap()
            + 1;
        // Every set is in the history too.
        assert!(fixture.query_i64("SELECT COUNT(*) FROM decision_history") >= all.len() as i64);
    }
    if let Some(path) = fixture.spec().strip_prefix("sqlite:") {
        let conn = rusqlite::Connection::open(path).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }
}
