#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The CDK fixes read as code: every Python snippet parses (with python3,
//! when it is on PATH), brackets balance in both languages, and the
//! TypeScript and Python snippets of a check are the same code (the same
//! names, props and strings, once case and underscores are set aside).
//! scripts/verify-cdk-fixes.py goes further: it synthesizes every snippet
//! with aws-cdk-lib and runs the check on the template.

use moat_checks::registry;
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

/// Checks that have no CDK fix, with the reason (also said in their file).
const WITHOUT_CDK_FIX: &[&str] = &[
    // the account's settings: CloudFormation (and so the CDK) has no resource for them
    "CHK-S3-053",
];

#[test]
fn every_check_has_a_cdk_fix_or_says_why_not() {
    for c in registry::ALL {
        assert_eq!(
            c.cdk.is_none(),
            WITHOUT_CDK_FIX.contains(&c.id),
            "{}: a CDK fix, or an entry in WITHOUT_CDK_FIX",
            c.id
        );
    }
}

#[test]
fn python_snippets_parse() {
    let python = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !python {
        eprintln!("skipped: python3 is not on PATH, so the Python CDK fixes were not parsed");
        return;
    }
    // one interpreter for all: snippets go in separated by NUL, each
    // failure comes back as `index: error` on a line
    const PARSE: &str = "import ast, sys\nfor i, code in enumerate(sys.stdin.read().split('\\0')):\n    try:\n        ast.parse(code)\n    except SyntaxError as e:\n        print(f'{i}: {e}')\n";
    let checks: Vec<_> = registry::ALL.iter().filter(|c| c.cdk.is_some()).collect();
    let input = checks
        .iter()
        .filter_map(|c| c.cdk.map(|f| f.python))
        .collect::<Vec<_>>()
        .join("\0");
    let mut child = Command::new("python3")
        .args(["-c", PARSE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python3 failed");
    let problems: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let (i, error) = line.split_once(": ").unwrap_or(("", line));
            let id = i
                .parse::<usize>()
                .ok()
                .and_then(|i| checks.get(i))
                .map_or("?", |c| c.id);
            format!("{id}: {error}")
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What a snippet is made of: code words and the words inside strings,
/// comments left out; and whether its brackets balance.
struct Scanned {
    words: BTreeSet<String>,
    /// Capitalized names called like functions (`s3.LifecycleRule(...)`):
    /// Python builds a struct with its class where TypeScript writes an
    /// object literal.
    constructors: BTreeSet<String>,
    balanced: Result<(), String>,
}

fn normal(word: &str) -> String {
    // `enforceSSL` and `enforce_ssl`, `lambda` and `lambda_`
    word.to_lowercase().replace('_', "")
}

/// `code` without TypeScript casts (`x as s3.CfnBucket`), which Python does
/// not write.
fn without_casts(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find(" as ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn scan(code: &str, comment: &str) -> Scanned {
    let at: Vec<usize> = code.char_indices().map(|(b, _)| b).collect();
    let chars: Vec<char> = code.chars().collect();
    let mut words = BTreeSet::new();
    let mut stack: Vec<char> = Vec::new();
    let mut balanced = Ok(());
    let mut word = String::new();
    let mut flush = |word: &mut String| {
        if !word.is_empty() {
            words.insert(normal(word));
            word.clear();
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if code[at[i]..].starts_with(comment) {
            flush(&mut word);
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if matches!(c, '\'' | '"' | '`') {
            flush(&mut word);
            // a string: its words count (keys such as `StringEquals` are
            // identifiers in TypeScript, strings in Python), its brackets not
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    i += 1;
                } else if chars[i].is_alphanumeric() || chars[i] == '_' {
                    word.push(chars[i]);
                } else {
                    flush(&mut word);
                }
                i += 1;
            }
            flush(&mut word);
            i += 1;
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word);
            match c {
                '(' | '[' | '{' => stack.push(c),
                ')' | ']' | '}' => {
                    let open = match c {
                        ')' => '(',
                        ']' => '[',
                        _ => '{',
                    };
                    if stack.pop() != Some(open) && balanced.is_ok() {
                        balanced = Err(format!("unmatched `{c}`"));
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    flush(&mut word);
    if !stack.is_empty() && balanced.is_ok() {
        balanced = Err(format!("unclosed {stack:?}"));
    }
    let mut constructors = BTreeSet::new();
    let mut name = String::new();
    for c in code.chars() {
        if c.is_alphanumeric() || c == '_' {
            name.push(c);
            continue;
        }
        if c == '(' && name.starts_with(|f: char| f.is_ascii_uppercase()) {
            constructors.insert(normal(&name));
        }
        name.clear();
    }
    Scanned {
        words,
        constructors,
        balanced,
    }
}

#[test]
fn typescript_and_python_snippets_are_the_same_code() {
    // what one language writes and the other does not
    const TYPESCRIPT_ONLY: &[&str] = &["const", "new", "this", "as"];
    const PYTHON_ONLY: &[&str] = &["self", "f"];
    let mut problems = Vec::new();
    for c in registry::ALL {
        let Some(fix) = c.cdk else { continue };
        let ts = scan(&without_casts(fix.typescript), "//");
        let py = scan(fix.python, "#");
        for (language, s) in [("typescript", &ts), ("python", &py)] {
            if let Err(e) = &s.balanced {
                problems.push(format!("{} ({language}): {e}", c.id));
            }
        }
        let ts: BTreeSet<&String> = ts
            .words
            .iter()
            .filter(|w| !TYPESCRIPT_ONLY.contains(&w.as_str()))
            .collect();
        let py: BTreeSet<&String> = py
            .words
            .iter()
            .filter(|w| !PYTHON_ONLY.contains(&w.as_str()))
            .filter(|w| ts.contains(*w) || !py.constructors.contains(*w))
            .collect();
        if ts != py {
            problems.push(format!(
                "{}: only in TypeScript {:?}, only in Python {:?}",
                c.id,
                ts.difference(&py).collect::<Vec<_>>(),
                py.difference(&ts).collect::<Vec<_>>()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_comparison_sees_a_difference() {
    let ts = scan("new s3.Bucket(this, 'Data', { enforceSSL: true });", "//");
    let py = scan("s3.Bucket(self, \"Data\", enforce_ssl=True)", "#");
    assert!(ts.balanced.is_ok() && py.balanced.is_ok());
    assert!(ts.words.contains("enforcessl") && py.words.contains("enforcessl"));
    assert_ne!(
        ts.words,
        scan("new s3.Bucket(this, 'Data', { enforceTLS: true });", "//").words
    );
    assert!(scan("f(a[0)]", "#").balanced.is_err());
    assert!(scan("x = '(' # )", "#").balanced.is_ok());
    assert_eq!(
        without_casts("(b.node.defaultChild as s3.CfnBucket).x"),
        "(b.node.defaultChild).x"
    );
    assert!(
        scan("s3.LifecycleRule(id=\"a\")", "#")
            .constructors
            .contains("lifecyclerule")
    );
}
