//! Writing risk decisions back into a model file (`moat serve`'s "write
//! back"): the smallest edit of the `decisions:` section that records them,
//! so a reviewer's diff shows the decisions and nothing else.
//!
//! A decision is identified by what it selects: its set of threat selectors
//! and its set of target selectors. Setting one replaces the entry that
//! selects the same (only that entry's lines change) or appends a new entry
//! after the last one; removing one deletes its lines. Comments, ordering,
//! quoting and blank lines elsewhere stay as written. A `decisions:` written
//! in flow style (`decisions: []`) is rewritten in block style, the one case
//! where more than the changed entries move. The edited text is loaded again
//! before it is returned: an edit that would not read back as the intended
//! decisions is an error, never a file written.

use super::doc::DecisionDoc;
use super::load;
use super::loc::Loc;
use crate::SourceFile;
use crate::decision::Decision;
use moat_source::node::{self, Node, NodeValue};
use std::collections::BTreeSet;

/// One change to a model's recorded decisions.
#[derive(Debug, Clone, PartialEq)]
pub enum DecisionChange {
    /// Records `decision`, replacing the entry that selects the same threats and targets.
    Set(Decision),
    /// Deletes the entry that selects exactly these threats and targets.
    Remove {
        threats: Vec<String>,
        targets: Vec<String>,
    },
}

impl DecisionChange {
    fn key(&self) -> Key {
        match self {
            DecisionChange::Set(d) => Key::of(&d.threats, &d.targets),
            DecisionChange::Remove { threats, targets } => Key::of(threats, targets),
        }
    }
}

/// Why decisions could not be written back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteBackError(pub String);

impl std::fmt::Display for WriteBackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteBackError {}

/// What a decision selects, order-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    threats: BTreeSet<String>,
    targets: BTreeSet<String>,
}

impl Key {
    fn of(threats: &[String], targets: &[String]) -> Key {
        Key {
            threats: threats.iter().cloned().collect(),
            targets: targets.iter().cloned().collect(),
        }
    }
}

/// `file`'s text with `changes` applied to its `decisions:` section.
pub fn write_decisions(
    file: &SourceFile,
    changes: &[DecisionChange],
) -> Result<String, WriteBackError> {
    let loaded = load(file);
    let first_error = loaded.diagnostics.iter().find(|d| d.is_error());
    let (Some(model), None) = (loaded.model, first_error) else {
        let why = first_error.map_or("not a model", |d| d.message.as_str());
        return Err(WriteBackError(format!(
            "`{}` does not load as a model ({why}); fix it before writing decisions into it",
            file.name
        )));
    };
    let expected = merged(&model.decisions, changes);
    let root = node::parse(file).map_err(|d| WriteBackError(d.message.clone()))?;
    let NodeValue::Map(entries) = &root.value else {
        return Err(WriteBackError(format!(
            "`{}` is not a mapping at the top level",
            file.name
        )));
    };
    let text: &str = &file.text;
    let section = entries
        .iter()
        .find(|(key, _)| matches!(&key.value, NodeValue::Str(k) if k == "decisions"));
    let edited = match section {
        Some((key, value)) => match block_items(text, value) {
            Some(items) => edit_block(text, &items, changes),
            None => replace_section(text, key, value, &expected),
        },
        None => append_section(text, &expected),
    };
    verify(file, edited, &expected)
}

/// The decisions after `changes`: replaced in place, removed, or appended in order.
fn merged(existing: &[Decision], changes: &[DecisionChange]) -> Vec<Decision> {
    let mut list: Vec<Decision> = existing.to_vec();
    for change in changes {
        let key = change.key();
        let position = list
            .iter()
            .position(|d| Key::of(&d.threats, &d.targets) == key);
        match (change, position) {
            (DecisionChange::Set(d), Some(i)) => list[i] = d.clone(),
            (DecisionChange::Set(d), None) => list.push(d.clone()),
            (DecisionChange::Remove { .. }, Some(i)) => {
                list.remove(i);
            }
            (DecisionChange::Remove { .. }, None) => {}
        }
    }
    list
}

/// One entry of a block-style `decisions:` list: the byte range of its lines
/// (from the start of the `-` line to the end of its last line) and what it selects.
struct Item {
    lines: std::ops::Range<usize>,
    dash_column: usize,
    key: Key,
}

/// The entries of a block sequence, or `None` for any other shape (flow
/// style, empty, not a list), which is then rewritten whole.
fn block_items(text: &str, value: &Node) -> Option<Vec<Item>> {
    let NodeValue::Seq(items) = &value.value else {
        return None;
    };
    let start = value.span.start as usize;
    if items.is_empty() || text.get(start..)?.starts_with('[') {
        return None;
    }
    let items: Vec<Item> = items
        .iter()
        .map(|item| block_item(text, item))
        .collect::<Option<_>>()?;
    // each entry on lines of its own, in order: anything else is rewritten whole
    let apart = items
        .windows(2)
        .all(|pair| pair[0].lines.end <= pair[1].lines.start);
    apart.then_some(items)
}

fn block_item(text: &str, item: &Node) -> Option<Item> {
    let start = item.span.start as usize;
    // the dash that opens the entry, before its first key (possibly on an earlier line)
    let before = text.get(..start)?;
    let dash = before.trim_end().strip_suffix('-').map(str::len)?;
    let line_start = before[..dash].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..dash].chars().all(|c| c == ' ') {
        return None;
    }
    let end = item.span.end as usize;
    let line_end = text
        .get(end..)?
        .find('\n')
        .map_or(text.len(), |i| end + i + 1);
    Some(Item {
        lines: line_start..line_end,
        dash_column: dash - line_start,
        key: item_key(item)?,
    })
}

/// What an entry selects, read from `threat(s):` and `target(s):`.
fn item_key(item: &Node) -> Option<Key> {
    let NodeValue::Map(fields) = &item.value else {
        return None;
    };
    let mut threats = Vec::new();
    let mut targets = Vec::new();
    for (key, value) in fields {
        let NodeValue::Str(name) = &key.value else {
            continue;
        };
        let list = match name.as_ref() {
            "threat" | "threats" => &mut threats,
            "target" | "targets" => &mut targets,
            _ => continue,
        };
        match &value.value {
            NodeValue::Seq(values) => list.extend(values.iter().filter_map(scalar)),
            _ => list.extend(scalar(value)),
        }
    }
    Some(Key::of(&threats, &targets))
}

fn scalar(node: &Node) -> Option<String> {
    match &node.value {
        NodeValue::Str(s) => Some(s.to_string()),
        NodeValue::Int(i) => Some(i.to_string()),
        NodeValue::UInt(u) => Some(u.to_string()),
        _ => None,
    }
}

fn edit_block(text: &str, items: &[Item], changes: &[DecisionChange]) -> String {
    // the replacement of each entry (None: removed), and new entries at the end
    let mut replaced: Vec<Option<Option<String>>> = vec![None; items.len()];
    let mut appended: Vec<(Key, String)> = Vec::new();
    let dash_column = items.first().map_or(2, |i| i.dash_column);
    for change in changes {
        let key = change.key();
        let rendered = match change {
            DecisionChange::Set(d) => Some(render_entry(d, dash_column)),
            DecisionChange::Remove { .. } => None,
        };
        if let Some(i) = items.iter().position(|item| item.key == key) {
            replaced[i] = Some(rendered);
        } else if let Some(slot) = appended.iter_mut().find(|(k, _)| *k == key) {
            match rendered {
                Some(entry) => slot.1 = entry,
                None => slot.1.clear(),
            }
        } else if let Some(entry) = rendered {
            appended.push((key, entry));
        }
    }
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for (item, change) in items.iter().zip(&replaced) {
        if let Some(entry) = change {
            out.push_str(&text[at..item.lines.start]);
            if let Some(entry) = entry {
                out.push_str(entry);
            }
            at = item.lines.end;
        }
    }
    let end_of_list = items.last().map_or(text.len(), |i| i.lines.end);
    out.push_str(&text[at..end_of_list]);
    if !appended.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for (_, entry) in &appended {
        out.push_str(entry);
    }
    out.push_str(&text[end_of_list..]);
    out
}

/// Rewrites `decisions:` (flow style, empty or not a list) as a block list of `decisions`.
fn replace_section(text: &str, key: &Node, value: &Node, decisions: &[Decision]) -> String {
    let start = key.span.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = (value.span.end as usize).max(key.span.end as usize);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let mut out = String::with_capacity(text.len() + 256);
    out.push_str(&text[..line_start]);
    out.push_str(&section(decisions));
    out.push_str(&text[line_end..]);
    out
}

fn append_section(text: &str, decisions: &[Decision]) -> String {
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&section(decisions));
    out
}

fn section(decisions: &[Decision]) -> String {
    if decisions.is_empty() {
        return "decisions: []\n".to_string();
    }
    let mut out = "decisions:\n".to_string();
    for d in decisions {
        out.push_str(&render_entry(d, 2));
    }
    out
}

/// `d` as one entry of a block list whose dashes stand in `dash_column`,
/// using the single forms (`threat:`, `target:`) when there is one of each.
fn render_entry(d: &Decision, dash_column: usize) -> String {
    let one_or_many = |items: &[String]| -> (Option<Loc<String>>, Vec<Loc<String>>) {
        match items {
            [one] => (Some(Loc::detached(one.clone())), Vec::new()),
            many => (
                None,
                many.iter().map(|t| Loc::detached(t.clone())).collect(),
            ),
        }
    };
    let (threat, threats) = one_or_many(&d.threats);
    let (target, targets) = one_or_many(&d.targets);
    let doc = DecisionDoc {
        threat,
        threats,
        target,
        targets,
        ..super::export::decision(d).value
    };
    // serde-saphyr quotes whatever needs quoting; a failure leaves a plain note
    let body = serde_saphyr::to_string(&doc).unwrap_or_default();
    let pad = " ".repeat(dash_column);
    let mut out = String::new();
    for (i, line) in body.lines().enumerate() {
        out.push_str(&pad);
        out.push_str(if i == 0 { "- " } else { "  " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The edited text, if it loads and records exactly `expected`.
fn verify(
    file: &SourceFile,
    edited: String,
    expected: &[Decision],
) -> Result<String, WriteBackError> {
    let again = SourceFile::new(file.name.clone(), edited.as_str());
    let loaded = load(&again);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    let Some(model) = loaded.model.filter(|_| errors.is_empty()) else {
        return Err(WriteBackError(format!(
            "the edited `{}` would not load ({}); nothing written",
            file.name,
            errors.join("; ")
        )));
    };
    let plain = |list: &[Decision]| -> Vec<Decision> {
        list.iter()
            .map(|d| Decision {
                location: None,
                span: None,
                ..d.clone()
            })
            .collect()
    };
    if plain(&model.decisions) != plain(expected) {
        return Err(WriteBackError(format!(
            "the edited `{}` would not record the intended decisions; nothing written",
            file.name
        )));
    }
    Ok(edited)
}
