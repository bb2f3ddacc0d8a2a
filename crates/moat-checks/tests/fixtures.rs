//! Every check against its fixtures (`tests/fixtures/<CHECK-ID>/`): files
//! named `fail*` must fail, `pass*` must pass (no fail, partial or unknown),
//! `unknown*` must say unknown, `partial*` must say partial; each file's
//! verdicts are a snapshot that reads like the terminal output.

use moat_checks::{Outcome, Verdict, registry};
use moat_iac::scan::{Options, scan};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn render(verdicts: &[Verdict], inventory: &moat_iac::Inventory) -> String {
    let mut out = String::new();
    for v in verdicts {
        let file = &inventory.files[v.file];
        let loc = file.location(v.span);
        let name = Path::new(&loc.file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        let _ = writeln!(
            out,
            "{} {} {} --> {}:{}:{}",
            v.check,
            v.outcome.as_str(),
            v.resource,
            name,
            loc.line,
            loc.col
        );
        let _ = writeln!(out, "  {}", v.message);
        if let Some(reason) = &v.skipped {
            let _ = writeln!(out, "  skipped: {reason}");
        }
        {
            let line = file.line_of(v.span);
            let _ = writeln!(out, "  {:>4} | {}", loc.line, line);
            let pad = " ".repeat(loc.col as usize - 1);
            let _ = writeln!(out, "       | {pad}^");
        }
    }
    out
}

#[test]
fn every_check_meets_its_fixtures() {
    let mut failures = Vec::new();
    for check in registry::ALL {
        let dir = fixtures().join(check.id);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        let kinds = |prefix: &str| {
            files
                .iter()
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(prefix))
                })
                .count()
        };
        if kinds("pass") == 0 || kinds("fail") == 0 {
            failures.push(format!(
                "{}: needs at least one pass and one fail fixture in {}",
                check.id,
                dir.display()
            ));
            continue;
        }
        for file in &files {
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            let result = scan(std::slice::from_ref(file), &Options::default());
            let errors: Vec<String> = result
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.to_string())
                .collect();
            if !errors.is_empty() {
                failures.push(format!("{}/{name}: read with errors: {errors:?}", check.id));
            }
            let inventory = result.merged();
            let verdicts = moat_checks::run(&[*check], &inventory);
            let has = |o: Outcome| verdicts.iter().any(|v| v.outcome == o);
            let ok = if name.starts_with("fail") {
                has(Outcome::Fail)
            } else if name.starts_with("pass") {
                !verdicts.is_empty()
                    && !verdicts
                        .iter()
                        .any(|v| v.outcome.is_finding() && v.skipped.is_none())
            } else if name.starts_with("unknown") {
                has(Outcome::Unknown)
            } else if name.starts_with("partial") {
                has(Outcome::Partial)
            } else {
                false
            };
            if !ok {
                failures.push(format!(
                    "{}/{name}: unexpected verdicts:\n{}",
                    check.id,
                    render(&verdicts, &inventory)
                ));
            }
            let snapshot = format!("{}__{}", check.id, name.replace('.', "_"));
            insta::with_settings!({snapshot_path => "snapshots/fixtures", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(snapshot, render(&verdicts, &inventory));
            });
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_directory_has_a_check() {
    let mut strays = Vec::new();
    for entry in std::fs::read_dir(fixtures())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        if registry::find(&name).is_none() {
            strays.push(name);
        }
    }
    assert!(
        strays.is_empty(),
        "fixture directories without a check: {strays:?}"
    );
}

#[test]
fn a_pass_proves_only_controls_the_check_verifies() {
    for c in registry::ALL {
        for p in c.proves {
            assert!(
                c.controls.contains(p),
                "{}: proves {p}, which is not in its controls",
                c.id
            );
        }
    }
}

#[test]
fn check_ids_are_unique_and_in_order() {
    let ids: Vec<&str> = registry::ALL.iter().map(|c| c.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted);
}

/// docs/checks.md lists every check; it is generated from the registry and
/// must not go stale (`MOAT_UPDATE_DOCS=1 cargo test -p moat-checks` rewrites it).
#[test]
fn docs_checks_md_is_current() {
    let mut out = String::from(
        "# Checks\n\nGenerated from the check registry (crates/moat-checks); `MOAT_UPDATE_DOCS=1 cargo test -p moat-checks` rewrites it. Each check's own page is its doc comment, shown here in full, then its fix as AWS CDK code (TypeScript and Python; scripts/verify-cdk-fixes.py synthesizes them) and as CloudFormation.\n\n| id | title | severity | category | controls | proves | Security Hub |\n|---|---|---|---|---|---|---|\n",
    );
    for c in registry::ALL {
        let _ = writeln!(
            out,
            "| [{id}](#{anchor}) | {title} | {sev} | {cat} | {controls} | {proves} | {sh} |",
            id = c.id,
            anchor = c.id.to_lowercase(),
            title = c.title.replace('|', "\\|"),
            sev = c.severity.as_str(),
            cat = c.category.title(),
            controls = c.controls.join(", "),
            proves = c.proves.join(", "),
            sh = c.security_hub.join(", "),
        );
    }
    for c in registry::ALL {
        let doc = c.doc.replace("\n## ", "\n### ");
        let doc = doc
            .strip_prefix("## ")
            .map(|d| format!("### {d}"))
            .unwrap_or(doc);
        let _ = write!(out, "\n## {}\n\n**{}**\n\n{}\n", c.id, c.title, doc.trim());
        if let Some(cdk) = c.cdk {
            let _ = write!(
                out,
                "\n### Fix (CDK)\n\nTypeScript:\n\n```typescript\n{}\n```\n\nPython:\n\n```python\n{}\n```\n",
                cdk.typescript.trim(),
                cdk.python.trim()
            );
        }
        if !c.fix.is_empty() {
            let _ = write!(
                out,
                "\n### Fix (CloudFormation)\n\n```yaml\n{}\n```\n",
                c.fix.trim()
            );
        }
        if let Some(tf) = c.terraform {
            let _ = write!(out, "\n### Fix (Terraform)\n\n```hcl\n{}\n```\n", tf.trim());
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md");
    if std::env::var_os("MOAT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == out,
        "docs/checks.md is stale: run `MOAT_UPDATE_DOCS=1 cargo test -p moat-checks`"
    );
}

/// Every fix snippet is CloudFormation YAML that reads cleanly, with no key
/// written twice in one mapping (a duplicate silently replaces the first).
#[test]
fn fix_snippets_read_without_duplicate_keys() {
    fn duplicates(node: &moat_source::node::Node<'_>, out: &mut Vec<String>) {
        match &node.value {
            moat_source::node::NodeValue::Map(entries) => {
                let mut seen = std::collections::BTreeSet::new();
                for (k, v) in entries {
                    if let moat_source::node::NodeValue::Str(key) = &k.value
                        && !seen.insert(key.to_string())
                    {
                        out.push(key.to_string());
                    }
                    duplicates(v, out);
                }
            }
            moat_source::node::NodeValue::Seq(items) => {
                items.iter().for_each(|i| duplicates(i, out))
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    for check in registry::ALL.iter().filter(|c| !c.fix.is_empty()) {
        let file = moat_source::SourceFile::new(check.id, check.fix);
        match moat_source::node::parse_tagged(&file, &moat_iac::cloudformation::tags::long_form) {
            Ok(node) => {
                let mut dups = Vec::new();
                duplicates(&node, &mut dups);
                if !dups.is_empty() {
                    problems.push(format!("{}: duplicate keys {dups:?}", check.id));
                }
            }
            Err(d) => problems.push(format!("{}: {d}", check.id)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
