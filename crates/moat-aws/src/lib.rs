//! `moat scan --aws`: a live account read into the same Inventory the
//! CloudFormation reader fills, so every check runs on it unchanged.
//!
//! Three steps, each testable alone: [`fetch`] makes the read-only calls of
//! [`calls`] and keeps each answer ([`answer`]); [`lower`] turns the answers
//! into one Inventory unit whose resources carry their evidence
//! ([`evidence`]: the API answers as files, so a finding names the call
//! that showed it); [`scan`] wraps that unit as a [`moat_iac::scan::Scan`]
//! with what could not be read in its file statuses and diagnostics.

pub mod answer;
pub mod calls;
pub mod evidence;
pub mod fetch;
pub mod lower;

pub use fetch::{Error, Options};

use answer::{Account, Answer, Kind};
use moat_iac::scan::{FileStatus, Scan, Status};
use std::collections::BTreeMap;

/// Reads the account `options` point at and lowers it into a scan of one unit.
pub fn scan(options: &Options) -> Result<Scan, Error> {
    let account = fetch::read_account(options)?;
    Ok(scan_of(&account))
}

/// The scan of an account already read.
pub fn scan_of(account: &Account) -> Scan {
    let (inventory, mut diagnostics) = lower::lower(account);
    for f in &account.failures {
        diagnostics.push(moat_source::Diagnostic::error(
            "aws::call-failed",
            format!(
                "{} in {}: nothing it lists is in the review",
                answer::failure_text(f.call, &f.code, &f.message),
                f.scope
            ),
        ));
    }
    Scan {
        units: vec![inventory],
        params: BTreeMap::new(),
        files: statuses(account),
        diagnostics,
    }
}

/// One status per scope read (`aws:ACCOUNT:global` for S3 buckets, IAM and
/// the account's settings; `aws:ACCOUNT:REGION` for each Region's keys,
/// trails, endpoints and access points), an error with the count of failed
/// calls wherever a call failed: a partial read is never reported as a clean one.
fn statuses(account: &Account) -> Vec<FileStatus> {
    let id = account.id.as_deref().unwrap_or("unknown");
    let mut failed: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut scopes: Vec<String> = vec!["global".to_string()];
    scopes.extend(account.regions.iter().cloned());
    for r in &account.resources {
        let scope = match r.kind {
            Kind::KmsKey | Kind::Trail | Kind::VpcEndpoint | Kind::AccessPoint => {
                r.arn.split(':').nth(3).unwrap_or("global").to_string()
            }
            _ => "global".to_string(),
        };
        for (call, a) in &r.answers {
            if let Answer::Failed { code, .. } = a {
                *failed
                    .entry(scope.clone())
                    .or_default()
                    .entry(format!("{} ({code})", call.name()))
                    .or_default() += 1;
            }
        }
    }
    for f in &account.failures {
        let scope = if f.scope == "account" || f.scope == "a bucket" {
            "global".to_string()
        } else {
            f.scope.clone()
        };
        *failed
            .entry(scope)
            .or_default()
            .entry(format!("{} ({})", f.call.name(), f.code))
            .or_default() += 1;
    }
    for scope in failed.keys() {
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    scopes
        .into_iter()
        .map(|scope| {
            let problems = failed.get(&scope);
            FileStatus {
                path: format!("aws:{id}:{scope}"),
                format: "aws".to_string(),
                status: if problems.is_some() {
                    Status::Error
                } else {
                    Status::Scanned
                },
                reason: problems.map(|p| {
                    let total: usize = p.values().sum();
                    let list: Vec<String> =
                        p.iter().map(|(call, n)| format!("{call} x{n}")).collect();
                    format!(
                        "{} failed, what they show is unknown: {}",
                        moat_source::diag::count(total, "call"),
                        list.join(", ")
                    )
                }),
            }
        })
        .collect()
}
