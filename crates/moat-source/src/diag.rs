//! Diagnostics: errors, warnings and notes about inputs, each with a location.
//! Library code collects them; only the CLI decides how they end a run.

use crate::span::{Location, SourceFile, Span};
use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        })
    }
}

/// One message about an input. Messages are lowercase, without a final period,
/// with user input in backticks.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Diagnostic {
    pub level: Level,
    /// A stable short code, e.g. `pytm::unknown-attribute`.
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The source and span, kept for snippet rendering; not serialized.
    #[serde(skip)]
    #[schemars(skip)]
    pub source: Option<(SourceFile, Span)>,
}

impl Diagnostic {
    pub fn new(level: Level, code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            code: code.to_string(),
            message: message.into(),
            help: None,
            location: None,
            source: None,
        }
    }

    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Self::new(Level::Error, code, message)
    }

    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Self::new(Level::Warning, code, message)
    }

    pub fn note(code: &str, message: impl Into<String>) -> Self {
        Self::new(Level::Note, code, message)
    }

    /// Points the diagnostic at `span` of `file`.
    pub fn at(mut self, file: &SourceFile, span: Span) -> Self {
        let (file, span) = file.resolve(span);
        self.location = Some(file.location(span));
        self.source = Some((file, span));
        self
    }

    /// Points the diagnostic at a file without a position inside it.
    pub fn in_file(mut self, file: &str) -> Self {
        self.location = Some(Location {
            file: file.to_string(),
            line: 1,
            col: 1,
            end_line: 1,
            end_col: 1,
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // shown on terminals: user text inside is escaped
        if let Some(loc) = &self.location {
            write!(f, "{}: ", escape_controls(&loc.to_string()))?;
        }
        write!(f, "{}: {}", self.level, escape_controls(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", escape_controls(help))?;
        }
        Ok(())
    }
}

/// "did you mean `x`?" for the known name closest to `name`, if one is close enough.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(name, known).map(|k| format!("did you mean `{k}`?"))
}

/// The known name closest to `name`, when it is close enough to be what the
/// user meant: at most one edit (insertion, deletion, substitution or swap of
/// neighbours, ignoring case) per three characters of `name`, and at least one.
/// Every "did you mean" in Moat comes from here. A relative bound and not a
/// similarity score: scores reward a shared prefix, which made `s3:HeadBucket`
/// suggest `s3:GetBucketAbac`.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    known
        .into_iter()
        .filter_map(|k| {
            let candidate = k.to_lowercase();
            let distance = strsim::damerau_levenshtein(&lower, &candidate);
            (distance <= limit).then(|| (distance, strsim::jaro_winkler(&lower, &candidate), k))
        })
        // fewest edits, then the most similar, then the first in sorted order
        .min_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| b.1.total_cmp(&a.1))
                .then_with(|| a.2.cmp(b.2))
        })
        .map(|(_, _, k)| k)
}

/// "1 warning", "2 warnings", "3 boundaries": every count Moat writes in
/// words goes through here, so none says "1 warnings".
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {}", plural(n, noun))
}

/// `noun` as it goes after the number `n`: English plural rules for the nouns
/// Moat counts (words ending in a consonant and `y`, in `s`/`x`/`ch`/`sh`),
/// uncountables kept, a noun of several words pluralized at its last word.
pub fn plural(n: usize, noun: &str) -> std::borrow::Cow<'_, str> {
    const UNCOUNTABLE: [&str; 3] = ["data", "information", "guidance"];
    let last = noun.rsplit(' ').next().unwrap_or(noun);
    if n == 1 || UNCOUNTABLE.contains(&last) || last.is_empty() {
        return std::borrow::Cow::Borrowed(noun);
    }
    let before_y = last
        .len()
        .checked_sub(2)
        .and_then(|i| last.as_bytes().get(i));
    if last.ends_with('y') && before_y.is_some_and(|c| !b"aeiou".contains(c)) {
        return std::borrow::Cow::Owned(format!("{}ies", &noun[..noun.len() - 1]));
    }
    if ["s", "x", "ch", "sh"].iter().any(|e| last.ends_with(e)) {
        return std::borrow::Cow::Owned(format!("{noun}es"));
    }
    std::borrow::Cow::Owned(format!("{noun}s"))
}

/// `text` safe to show on a terminal: C0 controls other than tab, DEL, C1
/// controls and the bidirectional overrides (which reorder what a reader sees,
/// "Trojan Source") become `\u{..}` escapes; an escape sequence in a model
/// could otherwise retitle or clear the user's terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// Whether `c` is shown as an escape rather than sent to the terminal.
/// `text` with control characters escaped line by line, keeping its line
/// breaks: how a multi-line report that quotes input reaches a terminal.
pub fn escape_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(body) => escape_controls(body).into_owned() + "\n",
            None => escape_controls(line).into_owned(),
        })
        .collect()
}

pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Appends `c`, escaped when [`needs_escape`] says so.
pub fn push_escaped(out: &mut String, c: char) {
    if needs_escape(c) {
        use std::fmt::Write as _;
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

/// The diagnostics of one load, plus whether it produced a usable result.
pub type Diagnostics = Vec<Diagnostic>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("isSql", ["isSQL", "isShared"]).as_deref(),
            Some("did you mean `isSQL`?")
        );
        assert_eq!(did_you_mean("zzz", ["isSQL", "isShared"]), None);
    }

    #[test]
    fn suggestions_stay_within_one_edit_per_three_characters() {
        // a typo and a case variant are suggested
        assert_eq!(
            closest("FC-S3-REPLICATON", ["FC-S3-REPLICATION", "FC-S3-REPLICA"]),
            Some("FC-S3-REPLICATION")
        );
        assert_eq!(closest("kms", ["KMS", "IAM"]), Some("KMS"));
        assert_eq!(closest("s4", ["s3", "sqs"]), Some("s3"));
        // a shared prefix alone is not a reason: jaro-winkler rated this 0.87
        assert_eq!(closest("HeadBucket", ["GetBucketAbac", "ListBucket"]), None);
        assert_eq!(closest("s3:HeadBucket", ["s3:GetBucketAbac"]), None);
        // ties go to the closest by similarity, then the name sorted first
        assert_eq!(closest("ab", ["ax", "ay"]), Some("ax"));
    }

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1, "warning"), "1 warning");
        assert_eq!(count(0, "warning"), "0 warnings");
        assert_eq!(count(2, "boundary"), "2 boundaries");
        assert_eq!(count(1, "boundary"), "1 boundary");
        assert_eq!(count(3, "entry"), "3 entries");
        assert_eq!(count(2, "policy"), "2 policies");
        assert_eq!(count(2, "key"), "2 keys");
        assert_eq!(count(2, "data"), "2 data");
        assert_eq!(count(4, "match"), "4 matches");
        assert_eq!(count(2, "IAM action"), "2 IAM actions");
        assert_eq!(count(2, "CloudTrail event"), "2 CloudTrail events");
    }

    #[test]
    fn terminal_controls_are_escaped_and_text_kept() {
        assert_eq!(
            escape_controls("a\u{1b}]0;owned\u{7}b\tc\u{9b}d\u{7f}"),
            "a\\u{1b}]0;owned\\u{7}b\tc\\u{9b}d\\u{7f}"
        );
        assert_eq!(
            escape_controls("x\u{202e}y\u{2066}z\n"),
            "x\\u{202e}y\\u{2066}z\\u{a}"
        );
        assert!(matches!(
            escape_controls("caf\u{e9} `id`"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
