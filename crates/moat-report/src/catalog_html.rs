//! The whole catalog as one self-contained HTML page (the "ControlCatalog"
//! view): controls in priority order, threats, feature classes and
//! frameworks, every entity with an anchor so ids link to each other, a live
//! search box and STRIDE / severity / priority-band filters.
//!
//! The page fetches nothing: its CSS and its small script are inline, so it
//! works offline from `file://`. Without JavaScript every section is shown one
//! after the other. Every piece of catalog text is HTML-escaped (catalogs can
//! come from users); prose gets a small Markdown subset (code spans, emphasis,
//! `[text](url)` links, bare URLs, `- ` lists) and only `http`/`https` URLs
//! ever become links. The output depends only on the catalog and the title.

use moat_catalog::priority::{Band, ControlPriority, prioritize};
use moat_catalog::{Catalog, Control, FeatureClass, Framework, MitigationImpact, Severity, Stride};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Renders `catalog` as one HTML5 document titled `title`.
pub fn catalog_html(catalog: &Catalog, title: &str) -> String {
    let page = Page::new(catalog);
    let mut out = String::with_capacity(64 * 1024);
    page.render(&mut out, title);
    out
}

// ------------------------------------------------------------------ escaping

/// Appends `text` with `& < > " '` escaped: safe in text and in quoted attributes.
fn push_esc(out: &mut String, text: &str) {
    for c in text.chars() {
        push_esc_char(out, c);
    }
}

fn push_esc_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        _ => out.push(c),
    }
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_esc(&mut out, text);
    out
}

/// Whether `url` may become a link: `http://` or `https://`, nothing else.
fn is_web_url(url: &str) -> bool {
    let lower = url
        .trim_start()
        .get(..8)
        .unwrap_or(url)
        .to_ascii_lowercase();
    (lower.starts_with("http://") && url.trim_start().len() > 7)
        || (lower.starts_with("https://") && url.trim_start().len() > 8)
}

/// A reference: a link when it is a web URL, escaped text otherwise.
fn push_url(out: &mut String, url: &str) {
    let url = url.trim();
    if is_web_url(url) && !url.chars().any(char::is_whitespace) {
        let _ = write!(
            out,
            "<a href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>",
            esc(url)
        );
    } else {
        push_esc(out, url);
    }
}

// ------------------------------------------------------------- prose markup

/// How deep emphasis may nest before delimiters are taken literally.
const MAX_NESTING: usize = 4;

/// How far (in characters) a closing delimiter is looked for.
const MAX_SPAN: usize = 2000;

/// Paragraphs (split on blank lines) and `- ` lists, with inline markup.
fn push_prose(out: &mut String, text: &str) {
    let text = text.replace("\r\n", "\n");
    for block in text.split("\n\n") {
        let mut paragraph: Vec<&str> = Vec::new();
        let mut items: Vec<&str> = Vec::new();
        for line in block.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            if let Some(item) = trimmed.strip_prefix("- ") {
                flush_paragraph(out, &mut paragraph);
                items.push(item);
            } else {
                flush_items(out, &mut items);
                paragraph.push(trimmed);
            }
        }
        flush_paragraph(out, &mut paragraph);
        flush_items(out, &mut items);
    }
}

fn flush_paragraph(out: &mut String, lines: &mut Vec<&str>) {
    if lines.is_empty() {
        return;
    }
    out.push_str("<p>");
    push_inline(out, &lines.join("\n"), 0, true);
    out.push_str("</p>\n");
    lines.clear();
}

fn flush_items(out: &mut String, items: &mut Vec<&str>) {
    if items.is_empty() {
        return;
    }
    out.push_str("<ul>\n");
    for item in items.iter() {
        out.push_str("<li>");
        push_inline(out, item, 0, true);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
    items.clear();
}

/// Inline markup: `\x` escapes, code spans, `**strong**`, `*em*`, `[text](url)`
/// and bare `http(s)://` URLs (when `links`). Anything that does not parse is
/// shown as written. Delimiters pair only within [`MAX_SPAN`] characters, so
/// the work stays linear in the text.
fn push_inline(out: &mut String, text: &str, depth: usize, links: bool) {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let slice = |from: usize, to: usize| -> String {
        chars
            .get(from..to.min(chars.len()))
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    };
    let nest = depth < MAX_NESTING;
    let mut i = 0;
    while let Some(c) = at(i) {
        let previous = i.checked_sub(1).and_then(at);
        match c {
            '\\' if at(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                if let Some(n) = at(i + 1) {
                    push_esc_char(out, n);
                }
                i += 2;
            }
            '`' => {
                let run = (i..chars.len()).take_while(|&j| at(j) == Some('`')).count();
                match find_backtick_run(&chars, i + run, run) {
                    Some(end) => {
                        let code = slice(i + run, end);
                        let code = match code.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
                            Some(inner) if !inner.trim().is_empty() => inner,
                            _ => code.as_str(),
                        };
                        out.push_str("<code>");
                        push_esc(out, code);
                        out.push_str("</code>");
                        i = end + run;
                    }
                    None => {
                        out.extend(std::iter::repeat_n('`', run));
                        i += run;
                    }
                }
            }
            '[' if links && nest => match find_link(&chars, i) {
                Some((label_end, url_end)) => {
                    let url = slice(label_end + 2, url_end);
                    if is_web_url(&url) {
                        let _ = write!(
                            out,
                            "<a href=\"{}\" rel=\"noopener noreferrer\">",
                            esc(&url)
                        );
                        push_inline(out, &slice(i + 1, label_end), depth + 1, false);
                        out.push_str("</a>");
                    } else {
                        push_esc(out, &slice(i, url_end + 1));
                    }
                    i = url_end + 1;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '*' if nest && at(i + 1) == Some('*') && opens_emphasis(previous, at(i + 2)) => {
                match find_closing(&chars, i + 2, "**") {
                    Some(end) => {
                        out.push_str("<strong>");
                        push_inline(out, &slice(i + 2, end), depth + 1, links);
                        out.push_str("</strong>");
                        i = end + 2;
                    }
                    None => {
                        out.push_str("**");
                        i += 2;
                    }
                }
            }
            '*' if nest && opens_emphasis(previous, at(i + 1)) => {
                match find_closing(&chars, i + 1, "*") {
                    Some(end) => {
                        out.push_str("<em>");
                        push_inline(out, &slice(i + 1, end), depth + 1, links);
                        out.push_str("</em>");
                        i = end + 1;
                    }
                    None => {
                        out.push('*');
                        i += 1;
                    }
                }
            }
            'h' if links && !previous.is_some_and(char::is_alphanumeric) => {
                let end = bare_url_end(&chars, i);
                if end > i {
                    push_url(out, &slice(i, end));
                    i = end;
                } else {
                    out.push('h');
                    i += 1;
                }
            }
            _ => {
                push_esc_char(out, c);
                i += 1;
            }
        }
    }
}

/// The start of the run of exactly `run` backticks closing a code span.
fn find_backtick_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    let limit = chars.len().min(from + MAX_SPAN);
    while i < limit {
        if chars.get(i) == Some(&'`') {
            let len = chars
                .get(i..)
                .map_or(0, |s| s.iter().take_while(|&&b| b == '`').count());
            if len == run {
                return Some(i);
            }
            i += len.max(1);
        } else {
            i += 1;
        }
    }
    None
}

/// For `[label](url)` starting at `start`: the index of `]` and of `)`.
fn find_link(chars: &[char], start: usize) -> Option<(usize, usize)> {
    let limit = chars.len().min(start + MAX_SPAN);
    let label_end = (start + 1..limit)
        .take_while(|&j| chars.get(j) != Some(&'\n'))
        .find(|&j| chars.get(j) == Some(&']'))?;
    if chars.get(label_end + 1) != Some(&'(') {
        return None;
    }
    let url_end = (label_end + 2..limit)
        .take_while(|&j| chars.get(j).is_some_and(|c| !c.is_whitespace()))
        .find(|&j| chars.get(j) == Some(&')'))?;
    Some((label_end, url_end))
}

/// The start of the closing `delimiter` after `from`: it ends a word (a letter,
/// digit or closing punctuation before it, white space or punctuation after),
/// so wildcards such as `arn:aws:iam::*:role/*` stay text.
fn find_closing(chars: &[char], from: usize, delimiter: &str) -> Option<usize> {
    let d: Vec<char> = delimiter.chars().collect();
    (from..chars.len().min(from + MAX_SPAN)).find(|&j| {
        chars.get(j..j + d.len()) == Some(d.as_slice())
            && j > from
            && chars
                .get(j - 1)
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, ')' | '.' | '\'' | '"'))
            && chars.get(j + d.len()).is_none_or(|c| {
                c.is_whitespace()
                    || matches!(
                        c,
                        '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '"' | '\''
                    )
            })
    })
}

/// Whether a `*` or `**` may open emphasis here: at the start of a word.
fn opens_emphasis(previous: Option<char>, next: Option<char>) -> bool {
    previous.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\''))
        && next.is_some_and(char::is_alphanumeric)
}

/// The end of a bare `http(s)://` URL starting at `start` (== `start` if none);
/// trailing punctuation is left to the sentence.
fn bare_url_end(chars: &[char], start: usize) -> usize {
    let head: String = chars.iter().skip(start).take(8).collect();
    let scheme = if head.starts_with("https://") {
        8
    } else if head.starts_with("http://") {
        7
    } else {
        return start;
    };
    let mut end = start + scheme;
    while chars
        .get(end)
        .is_some_and(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"' | '\'' | '`'))
    {
        end += 1;
    }
    while end > start + scheme
        && chars
            .get(end - 1)
            .is_some_and(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']'))
    {
        // keep a closing parenthesis that has its opening one in the URL
        if chars.get(end - 1) == Some(&')') {
            let inner = chars.get(start..end).unwrap_or_default();
            let opens = inner.iter().filter(|&&c| c == '(').count();
            let closes = inner.iter().filter(|&&c| c == ')').count();
            if opens >= closes {
                break;
            }
        }
        end -= 1;
    }
    if end == start + scheme { start } else { end }
}

// ----------------------------------------------------------------- anchors

/// Anchors are ids with white space replaced, unique across the page.
#[derive(Default)]
struct Anchors {
    taken: BTreeSet<String>,
}

impl Anchors {
    fn claim(&mut self, kind: &str, id: &str) -> String {
        let base: String = id
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        let base = if base.is_empty() {
            kind.to_string()
        } else {
            base
        };
        if self.taken.insert(base.clone()) {
            return base;
        }
        let prefixed = format!("{kind}-{base}");
        if self.taken.insert(prefixed.clone()) {
            return prefixed;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{prefixed}-{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

// -------------------------------------------------------------------- labels

fn band_key(band: Band) -> &'static str {
    match band {
        Band::VeryLow => "very_low",
        Band::Low => "low",
        Band::Medium => "medium",
        Band::High => "high",
        Band::VeryHigh => "very_high",
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "Info",
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

fn impact_label(impact: MitigationImpact) -> &'static str {
    match impact {
        MitigationImpact::VeryLow => "very low",
        MitigationImpact::Low => "low",
        MitigationImpact::Medium => "medium",
        MitigationImpact::High => "high",
        MitigationImpact::VeryHigh => "very high",
        MitigationImpact::Full => "full",
    }
}

/// A MITRE ATT&CK page for technique (`T1078`, `T1078.004`) and tactic (`TA0040`) ids.
fn mitre_url(id: &str) -> Option<String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = id.strip_prefix("TA") {
        return digits(rest, 4).then(|| format!("https://attack.mitre.org/tactics/{id}/"));
    }
    let rest = id.strip_prefix('T')?;
    match rest.split_once('.') {
        None if digits(rest, 4) => Some(format!("https://attack.mitre.org/techniques/{id}/")),
        Some((technique, sub)) if digits(technique, 4) && digits(sub, 3) => Some(format!(
            "https://attack.mitre.org/techniques/T{technique}/{sub}/"
        )),
        _ => None,
    }
}

// ---------------------------------------------------------------------- page

struct Page<'a> {
    catalog: &'a Catalog,
    /// Indices into `catalog.controls`, highest priority first.
    control_order: Vec<usize>,
    /// By control id (the first control of an id).
    priority: BTreeMap<&'a str, ControlPriority>,
    /// Rank (1-based) of each control index in `control_order`.
    rank: BTreeMap<usize, usize>,
    control_anchors: Vec<String>,
    threat_anchors: Vec<String>,
    fc_anchors: Vec<String>,
    framework_anchors: Vec<String>,
    /// Link targets by id (the first entity of an id).
    control_link: BTreeMap<&'a str, String>,
    threat_link: BTreeMap<&'a str, String>,
    fc_link: BTreeMap<&'a str, String>,
    framework_link: BTreeMap<&'a str, String>,
    requirement_link: BTreeMap<(&'a str, &'a str), String>,
    /// Compliance keys no framework defines -> anchors of their blocks.
    other_frameworks: BTreeMap<&'a str, String>,
    /// threat id -> (control index, impact), strongest first.
    mitigated_by: BTreeMap<&'a str, Vec<(usize, MitigationImpact)>>,
    /// control id -> controls that depend on it / that it assures.
    needed_by: BTreeMap<&'a str, Vec<usize>>,
    assures: BTreeMap<&'a str, Vec<usize>>,
    /// (framework id, requirement id) -> control indices citing it.
    citations: BTreeMap<(&'a str, &'a str), Vec<usize>>,
}

const SECTIONS: [(&str, &str); 4] = [
    ("controls", "Controls"),
    ("threats", "Threats"),
    ("feature-classes", "Feature classes"),
    ("frameworks", "Frameworks"),
];

impl<'a> Page<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        let mut priority: BTreeMap<&'a str, ControlPriority> = BTreeMap::new();
        for p in prioritize(catalog) {
            if let Some(control) = catalog.controls.iter().find(|c| c.id == p.control) {
                priority.insert(control.id.as_str(), p);
            }
        }
        let score = |c: &Control| priority.get(c.id.as_str()).map_or(0.0, |p| p.score);
        let mut control_order: Vec<usize> = (0..catalog.controls.len()).collect();
        control_order.sort_by(|&a, &b| {
            let (ca, cb) = (&catalog.controls[a], &catalog.controls[b]);
            score(cb)
                .total_cmp(&score(ca))
                .then_with(|| ca.id.cmp(&cb.id))
                .then_with(|| a.cmp(&b))
        });
        let rank: BTreeMap<usize, usize> = control_order
            .iter()
            .enumerate()
            .map(|(r, &i)| (i, r + 1))
            .collect();

        let mut anchors = Anchors::default();
        // the page's own element ids
        for reserved in [
            "top",
            "toolbar",
            "q",
            "f-stride",
            "f-severity",
            "f-band",
            "expand",
            "collapse",
            "reset",
            "status",
        ] {
            anchors.taken.insert(reserved.to_string());
        }
        for (key, _) in SECTIONS {
            anchors.taken.insert(format!("sec-{key}"));
        }
        let control_anchors: Vec<String> = catalog
            .controls
            .iter()
            .map(|c| anchors.claim("control", &c.id))
            .collect();
        let threat_anchors: Vec<String> = catalog
            .threats
            .iter()
            .map(|t| anchors.claim("threat", &t.threat.id))
            .collect();
        let fc_anchors: Vec<String> = catalog
            .feature_classes
            .iter()
            .map(|f| anchors.claim("feature-class", &f.id))
            .collect();
        let framework_anchors: Vec<String> = catalog
            .frameworks
            .iter()
            .map(|f| anchors.claim("framework", &f.id))
            .collect();
        let mut requirement_link = BTreeMap::new();
        for f in &catalog.frameworks {
            for r in &f.requirements {
                requirement_link
                    .entry((f.id.as_str(), r.id.as_str()))
                    .or_insert_with(|| anchors.claim("requirement", &format!("{}:{}", f.id, r.id)));
            }
        }
        let first = |ids: Vec<&'a str>, anchors: &[String]| -> BTreeMap<&'a str, String> {
            let mut map = BTreeMap::new();
            for (id, anchor) in ids.into_iter().zip(anchors) {
                map.entry(id).or_insert_with(|| anchor.clone());
            }
            map
        };
        let control_link = first(
            catalog.controls.iter().map(|c| c.id.as_str()).collect(),
            &control_anchors,
        );
        let threat_link = first(
            catalog
                .threats
                .iter()
                .map(|t| t.threat.id.as_str())
                .collect(),
            &threat_anchors,
        );
        let fc_link = first(
            catalog
                .feature_classes
                .iter()
                .map(|f| f.id.as_str())
                .collect(),
            &fc_anchors,
        );
        let framework_link = first(
            catalog.frameworks.iter().map(|f| f.id.as_str()).collect(),
            &framework_anchors,
        );
        let mut other_frameworks = BTreeMap::new();
        for control in &catalog.controls {
            for key in control.compliance.keys() {
                if !framework_link.contains_key(key.as_str()) {
                    other_frameworks
                        .entry(key.as_str())
                        .or_insert_with(|| anchors.claim("framework", key));
                }
            }
        }

        let mut mitigated_by: BTreeMap<&'a str, Vec<(usize, MitigationImpact)>> = BTreeMap::new();
        let mut needed_by: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        let mut assures: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        let mut citations: BTreeMap<(&'a str, &'a str), Vec<usize>> = BTreeMap::new();
        for (i, control) in catalog.controls.iter().enumerate() {
            for link in &control.mitigates {
                mitigated_by
                    .entry(link.threat.as_str())
                    .or_default()
                    .push((i, link.impact));
            }
            for dependency in &control.depends_on {
                needed_by.entry(dependency.as_str()).or_default().push(i);
            }
            for assurer in &control.assured_by {
                assures.entry(assurer.as_str()).or_default().push(i);
            }
            for (framework, ids) in &control.compliance {
                for id in ids {
                    let cited = citations
                        .entry((framework.as_str(), id.as_str()))
                        .or_default();
                    if !cited.contains(&i) {
                        cited.push(i);
                    }
                }
            }
        }
        // links a threat states that no control's `mitigates` carries (an unlinked catalog)
        for threat in &catalog.threats {
            for r in &threat.threat.controls {
                let Some(i) = catalog.controls.iter().position(|c| c.id == r.control) else {
                    continue;
                };
                let list = mitigated_by.entry(threat.threat.id.as_str()).or_default();
                if !list.iter().any(|(j, _)| *j == i) {
                    list.push((i, r.impact));
                }
            }
        }
        let by_rank = |i: &usize| rank.get(i).copied().unwrap_or(usize::MAX);
        for list in mitigated_by.values_mut() {
            list.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| by_rank(&a.0).cmp(&by_rank(&b.0)))
            });
        }
        for list in needed_by
            .values_mut()
            .chain(assures.values_mut())
            .chain(citations.values_mut())
        {
            list.sort_by_key(by_rank);
            list.dedup();
        }

        Page {
            catalog,
            control_order,
            priority,
            rank,
            control_anchors,
            threat_anchors,
            fc_anchors,
            framework_anchors,
            control_link,
            threat_link,
            fc_link,
            framework_link,
            requirement_link,
            other_frameworks,
            mitigated_by,
            needed_by,
            assures,
            citations,
        }
    }

    fn render(&self, out: &mut String, title: &str) {
        let c = self.catalog;
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str("<meta name=\"generator\" content=\"moat\">\n");
        let _ = writeln!(out, "<title>{}</title>", esc(title));
        let _ = writeln!(out, "<style>\n{CSS}</style>\n</head>\n<body>");
        self.header(out, title);
        self.toolbar(out);
        out.push_str("<main>\n");

        self.section_start(out, 0, "Highest computed priority first: band and score come from the severity of the threats a control mitigates, how much it mitigates them, its effort, and the controls that depend on it.");
        for &i in &self.control_order {
            if let Some(control) = c.controls.get(i) {
                self.control(out, i, control);
            }
        }
        section_end(out, c.controls.is_empty());

        self.section_start(out, 1, "");
        for (i, t) in c.threats.iter().enumerate() {
            self.threat(out, i, &t.threat);
        }
        section_end(out, c.threats.is_empty());

        self.section_start(out, 2, "");
        for (i, f) in c.feature_classes.iter().enumerate() {
            self.feature_class(out, i, f);
        }
        section_end(out, c.feature_classes.is_empty());

        self.section_start(out, 3, "Each requirement with the controls that cite it.");
        for (i, f) in c.frameworks.iter().enumerate() {
            self.framework(out, i, f);
        }
        for (key, anchor) in &self.other_frameworks {
            self.other_framework(out, key, anchor);
        }
        section_end(
            out,
            c.frameworks.is_empty() && self.other_frameworks.is_empty(),
        );

        out.push_str("</main>\n");
        let _ = write!(out, "<script>\n{SCRIPT}</script>\n</body>\n</html>\n");
    }

    fn header(&self, out: &mut String, title: &str) {
        let c = self.catalog;
        let _ = writeln!(out, "<header id=\"top\">\n<h1>{}</h1>", esc(title));
        out.push_str("<p class=\"sources\">Sources: ");
        if c.sources.is_empty() {
            out.push_str("<span class=\"muted\">none recorded</span>");
        }
        for (n, source) in c.sources.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "<code>{}</code>", esc(source));
        }
        out.push_str("</p>\n");
        let requirements: usize = c.frameworks.iter().map(|f| f.requirements.len()).sum();
        let _ = writeln!(
            out,
            "<p class=\"counts\">Controls: <b>{}</b> · Threats: <b>{}</b> · Feature classes: <b>{}</b> · Frameworks: <b>{}</b> (requirements: <b>{}</b>)</p>",
            c.controls.len(),
            c.threats.len(),
            c.feature_classes.len(),
            c.frameworks.len(),
            requirements
        );
        out.push_str("<p class=\"counts\">Controls by priority: ");
        let mut first = true;
        for band in Band::ALL.into_iter().rev() {
            let n = self
                .control_order
                .iter()
                .filter(|&&i| {
                    c.controls
                        .get(i)
                        .and_then(|ctl| self.priority.get(ctl.id.as_str()))
                        .is_some_and(|p| p.band == band)
                })
                .count();
            if !std::mem::take(&mut first) {
                out.push_str(" · ");
            }
            let _ = write!(
                out,
                "<span class=\"badge band-{}\">{}</span> {n}",
                band_key(band),
                band.label()
            );
        }
        out.push_str("</p>\n<p class=\"counts\">Threats by severity: ");
        let mut first = true;
        for severity in Severity::ALL.into_iter().rev() {
            let n = c
                .threats
                .iter()
                .filter(|t| t.threat.severity == severity)
                .count();
            if !std::mem::take(&mut first) {
                out.push_str(" · ");
            }
            let _ = write!(
                out,
                "<span class=\"badge sev-{}\">{}</span> {n}",
                severity.as_str(),
                severity_label(severity)
            );
        }
        out.push_str("</p>\n</header>\n");
    }

    fn toolbar(&self, out: &mut String) {
        out.push_str("<div id=\"toolbar\">\n<nav class=\"tabs\">");
        let counts = [
            self.catalog.controls.len(),
            self.catalog.threats.len(),
            self.catalog.feature_classes.len(),
            self.catalog
                .frameworks
                .iter()
                .map(|f| f.requirements.len())
                .sum::<usize>()
                + self
                    .other_frameworks
                    .keys()
                    .map(|k| self.citations.keys().filter(|(f, _)| f == k).count())
                    .sum::<usize>(),
        ];
        for ((key, label), count) in SECTIONS.iter().zip(counts) {
            let _ = write!(
                out,
                "<a class=\"tab\" href=\"#sec-{key}\" data-tab=\"{key}\">{label} <span class=\"count\" data-count=\"{key}\">{count}</span></a>"
            );
        }
        out.push_str("</nav>\n<div class=\"filters\">\n");
        out.push_str("<input type=\"search\" id=\"q\" placeholder=\"Search ids, names, text, compliance ids, IAM actions (press /)\" aria-label=\"Search\" autocomplete=\"off\">\n");
        out.push_str("<select id=\"f-stride\" aria-label=\"STRIDE category\"><option value=\"\">Any STRIDE</option>");
        for s in Stride::ALL {
            let _ = write!(
                out,
                "<option value=\"{}\">{}</option>",
                s.as_str(),
                s.label()
            );
        }
        out.push_str("</select>\n<select id=\"f-severity\" aria-label=\"Severity\"><option value=\"\">Any severity</option>");
        for s in Severity::ALL.into_iter().rev() {
            let _ = write!(
                out,
                "<option value=\"{}\">{}</option>",
                s.as_str(),
                severity_label(s)
            );
        }
        out.push_str("</select>\n<select id=\"f-band\" aria-label=\"Priority band\"><option value=\"\">Any priority</option>");
        for b in Band::ALL.into_iter().rev() {
            let _ = write!(
                out,
                "<option value=\"{}\">{}</option>",
                band_key(b),
                b.label()
            );
        }
        out.push_str("</select>\n<button type=\"button\" id=\"expand\">Expand all</button><button type=\"button\" id=\"collapse\">Collapse all</button><button type=\"button\" id=\"reset\">Reset</button>\n");
        out.push_str(
            "<span id=\"status\" class=\"muted\" aria-live=\"polite\"></span>\n</div>\n</div>\n",
        );
    }

    fn section_start(&self, out: &mut String, n: usize, intro: &str) {
        let Some((key, label)) = SECTIONS.get(n) else {
            return;
        };
        let _ = writeln!(
            out,
            "<section class=\"panel\" id=\"sec-{key}\" data-panel=\"{key}\">\n<h2>{label}</h2>"
        );
        if !intro.is_empty() {
            let _ = writeln!(out, "<p class=\"intro muted\">{}</p>", esc(intro));
        }
    }

    // --------------------------------------------------------------- links

    fn link(out: &mut String, anchor: Option<&String>, text: &str) {
        match anchor {
            Some(anchor) => {
                let _ = write!(out, "<a href=\"#{}\">{}</a>", esc(anchor), esc(text));
            }
            None => {
                let _ = write!(
                    out,
                    "<span class=\"unknown\" title=\"not in this catalog\">{}</span>",
                    esc(text)
                );
            }
        }
    }

    fn control_ref(&self, out: &mut String, id: &str) {
        Self::link(out, self.control_link.get(id), id);
    }

    fn threat_ref(&self, out: &mut String, id: &str) {
        Self::link(out, self.threat_link.get(id), id);
    }

    fn fc_ref(&self, out: &mut String, id: &str) {
        Self::link(out, self.fc_link.get(id), id);
    }

    /// Any entity of that id (TrustOnCloud ids may be the catalog's own).
    fn any_ref(&self, out: &mut String, id: &str) {
        let anchor = self
            .control_link
            .get(id)
            .or_else(|| self.threat_link.get(id))
            .or_else(|| self.fc_link.get(id));
        match anchor {
            Some(anchor) => {
                let _ = write!(out, "<a href=\"#{}\">{}</a>", esc(anchor), esc(id));
            }
            None => {
                let _ = write!(out, "<code>{}</code>", esc(id));
            }
        }
    }

    fn id_list(&self, out: &mut String, ids: &[String], one: impl Fn(&Self, &mut String, &str)) {
        for (n, id) in ids.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            one(self, out, id);
        }
    }

    fn control_index_list(&self, out: &mut String, indices: &[usize]) {
        for (n, &i) in indices.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            if let (Some(control), Some(anchor)) =
                (self.catalog.controls.get(i), self.control_anchors.get(i))
            {
                let _ = write!(
                    out,
                    "<a href=\"#{}\" title=\"{}\">{}</a>",
                    esc(anchor),
                    esc(&control.name),
                    esc(&control.id)
                );
            }
        }
    }

    // ------------------------------------------------------------ controls

    fn control(&self, out: &mut String, i: usize, control: &Control) {
        let anchor = self.control_anchors.get(i).map_or("", String::as_str);
        let priority = self.priority.get(control.id.as_str());
        let band = priority.map_or(Band::VeryLow, |p| p.band);
        let score = priority.map_or(0.0, |p| p.score);
        let mut strides = BTreeSet::new();
        let mut severities = BTreeSet::new();
        for link in &control.mitigates {
            if let Some(t) = self.catalog.threat(&link.threat) {
                strides.insert(t.threat.stride.as_str());
                severities.insert(t.threat.severity.as_str());
            }
        }
        let _ = writeln!(
            out,
            "<article class=\"entity control\" id=\"{}\" data-row=\"controls\" data-band=\"{}\" data-stride=\"{}\" data-severity=\"{}\">",
            esc(anchor),
            band_key(band),
            strides.into_iter().collect::<Vec<_>>().join(" "),
            severities.into_iter().collect::<Vec<_>>().join(" "),
        );
        let _ = write!(
            out,
            "<details>\n<summary><span class=\"rank\">#{}</span> <span class=\"id\">{}</span> <span class=\"name\">{}</span> <span class=\"badge band-{}\" title=\"priority band\">{}</span> <span class=\"score\" title=\"priority score\">{:.2}</span> <span class=\"tag\">{}</span> <span class=\"tag\" title=\"effort\">effort: {}</span></summary>\n<div class=\"body\">\n",
            self.rank.get(&i).copied().unwrap_or(0),
            esc(&control.id),
            esc(&control.name),
            band_key(band),
            band.label(),
            score,
            control.kind.as_str(),
            control.effort.label(),
        );
        out.push_str("<dl>\n");
        out.push_str("<dt>Objective</dt><dd>");
        if let Some(objective_id) = &control.objective_id {
            let _ = write!(out, "<code>{}</code> ", esc(objective_id));
        }
        push_inline(out, control.objective.trim(), 0, true);
        out.push_str("</dd>\n<dt>Priority</dt><dd>");
        match priority {
            Some(p) => {
                let _ = write!(
                    out,
                    "<span class=\"badge band-{}\">{}</span> score {:.2} (own {:.2}",
                    band_key(p.band),
                    p.band.label(),
                    p.score,
                    p.own_score
                );
                if let Some(from) = &p.inherited_from {
                    out.push_str(", inherited from ");
                    self.control_ref(out, from);
                }
                out.push(')');
            }
            None => out.push_str("<span class=\"muted\">not computed</span>"),
        }
        if let Some(stated) = &control.stated_priority {
            let _ = write!(out, "; source states <em>{}</em>", esc(stated));
        }
        out.push_str("</dd>\n");
        let _ = writeln!(
            out,
            "<dt>Type</dt><dd>{}</dd>\n<dt>Effort</dt><dd>{}</dd>",
            control.kind.as_str(),
            control.effort.label()
        );
        if !control.feature_classes.is_empty() {
            out.push_str("<dt>Feature classes</dt><dd>");
            self.id_list(out, &control.feature_classes, Self::fc_ref);
            out.push_str("</dd>\n");
        }
        if !control.mitigates.is_empty() {
            out.push_str("<dt>Mitigates</dt><dd><ul class=\"links\">\n");
            for link in &control.mitigates {
                out.push_str("<li>");
                self.threat_ref(out, &link.threat);
                if let Some(t) = self.catalog.threat(&link.threat) {
                    let _ = write!(
                        out,
                        " {} <span class=\"badge sev-{}\">{}</span>",
                        esc(&t.threat.name),
                        t.threat.severity.as_str(),
                        severity_label(t.threat.severity)
                    );
                }
                let _ = writeln!(
                    out,
                    " <span class=\"muted\">impact {}</span></li>",
                    impact_label(link.impact)
                );
            }
            out.push_str("</ul></dd>\n");
        }
        let relation = |out: &mut String, label: &str, ids: &[String]| {
            if !ids.is_empty() {
                let _ = write!(out, "<dt>{label}</dt><dd>");
                self.id_list(out, ids, Self::control_ref);
                out.push_str("</dd>\n");
            }
        };
        relation(out, "Depends on", &control.depends_on);
        relation(out, "Assured by", &control.assured_by);
        for (label, map) in [("Needed by", &self.needed_by), ("Assures", &self.assures)] {
            if let Some(list) = map.get(control.id.as_str()) {
                let _ = write!(out, "<dt>{label}</dt><dd>");
                self.control_index_list(out, list);
                out.push_str("</dd>\n");
            }
        }
        if !control.compliance.is_empty() {
            out.push_str("<dt>Compliance</dt><dd><ul class=\"links\">\n");
            for (framework, ids) in &control.compliance {
                out.push_str("<li>");
                let name = self
                    .catalog
                    .framework(framework)
                    .map_or(framework.as_str(), |f| f.name.as_str());
                let anchor = self
                    .framework_link
                    .get(framework.as_str())
                    .or_else(|| self.other_frameworks.get(framework.as_str()));
                Self::link(out, anchor, framework);
                if name != framework {
                    let _ = write!(out, " <span class=\"muted\">({})</span>", esc(name));
                }
                out.push_str(": ");
                for (n, id) in ids.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    match self
                        .requirement_link
                        .get(&(framework.as_str(), id.as_str()))
                    {
                        Some(anchor) => {
                            let _ = write!(out, "<a href=\"#{}\">{}</a>", esc(anchor), esc(id));
                        }
                        None => self.any_ref(out, id),
                    }
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ul></dd>\n");
        }
        if !control.actions.is_empty() {
            out.push_str("<dt>IAM actions</dt><dd>");
            code_list(out, &control.actions);
            out.push_str("</dd>\n");
        }
        if !control.checks.is_empty() {
            out.push_str("<dt>Checks</dt><dd>");
            code_list(out, &control.checks);
            out.push_str("</dd>\n");
        }
        out.push_str("</dl>\n<h3>Implementation</h3>\n");
        push_prose(out, &control.implementation.description);
        for (label, language, snippet) in [
            (
                "CloudFormation",
                "yaml",
                &control.implementation.cloudformation,
            ),
            ("Terraform", "hcl", &control.implementation.terraform),
            ("CDK", "typescript", &control.implementation.cdk),
        ] {
            if let Some(snippet) = snippet.as_deref().filter(|s| !s.trim().is_empty()) {
                let _ = writeln!(out, "<h4>{label}</h4>");
                code_block(out, language, snippet);
            }
        }
        out.push_str("<h3>Testing</h3>\n");
        push_prose(out, &control.testing.description);
        for command in &control.testing.commands {
            code_block(out, "sh", command);
        }
        references(out, &control.references);
        out.push_str("</div>\n</details>\n</article>\n");
    }

    // ------------------------------------------------------------- threats

    fn threat(&self, out: &mut String, i: usize, t: &moat_catalog::Threat) {
        let anchor = self.threat_anchors.get(i).map_or("", String::as_str);
        let _ = writeln!(
            out,
            "<article class=\"entity threat\" id=\"{}\" data-row=\"threats\" data-stride=\"{}\" data-severity=\"{}\">",
            esc(anchor),
            t.stride.as_str(),
            t.severity.as_str()
        );
        let _ = write!(
            out,
            "<details>\n<summary><span class=\"id\">{}</span> <span class=\"name\">{}</span> <span class=\"badge sev-{}\">{}</span> <span class=\"tag\">{}</span></summary>\n<div class=\"body\">\n<dl>\n",
            esc(&t.id),
            esc(&t.name),
            t.severity.as_str(),
            severity_label(t.severity),
            t.stride.label()
        );
        let _ = writeln!(
            out,
            "<dt>STRIDE</dt><dd>{}</dd>\n<dt>Severity</dt><dd><span class=\"badge sev-{}\">{}</span> (likelihood {} × impact {})</dd>",
            t.stride.label(),
            t.severity.as_str(),
            severity_label(t.severity),
            t.likelihood,
            t.impact
        );
        if let Some(cvss) = &t.cvss {
            let _ = writeln!(
                out,
                "<dt>CVSS 3.1</dt><dd>{:.1} {} <code>{}</code></dd>",
                cvss.score,
                esc(&cvss.rating),
                esc(&cvss.vector)
            );
        }
        if let Some(fc) = &t.feature_class {
            out.push_str("<dt>Feature class</dt><dd>");
            self.fc_ref(out, fc);
            if let Some(f) = self.catalog.feature_class(fc) {
                let _ = write!(out, " {}", esc(&f.name));
            }
            out.push_str("</dd>\n");
        }
        if !t.applies_to.is_empty() {
            let kinds: Vec<&str> = t.applies_to.iter().map(|k| k.as_str()).collect();
            let _ = writeln!(
                out,
                "<dt>Applies to</dt><dd>{}</dd>",
                esc(&kinds.join(", "))
            );
        }
        if let Some(when) = &t.applies_when {
            let _ = writeln!(
                out,
                "<dt>Applies when</dt><dd><code>{}</code></dd>",
                esc(when)
            );
        }
        if let Some(access) = &t.access {
            let _ = writeln!(
                out,
                "<dt>Access needed</dt><dd><code>{}</code></dd>",
                esc(&access.to_string())
            );
        }
        if !t.mitre_attack.is_empty() {
            out.push_str("<dt>MITRE ATT&amp;CK</dt><dd>");
            for (n, id) in t.mitre_attack.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                match mitre_url(id) {
                    Some(url) => {
                        let _ = write!(
                            out,
                            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                            esc(&url),
                            esc(id)
                        );
                    }
                    None => {
                        let _ = write!(out, "<code>{}</code>", esc(id));
                    }
                }
            }
            out.push_str("</dd>\n");
        }
        if !t.trustoncloud.is_empty() {
            out.push_str("<dt>TrustOnCloud</dt><dd>");
            self.id_list(out, &t.trustoncloud, Self::any_ref);
            out.push_str("</dd>\n");
        }
        out.push_str("<dt>Mitigating controls</dt><dd>");
        match self.mitigated_by.get(t.id.as_str()) {
            Some(list) if !list.is_empty() => {
                out.push_str("<ul class=\"links\">\n");
                for &(ci, impact) in list {
                    let (Some(control), Some(anchor)) =
                        (self.catalog.controls.get(ci), self.control_anchors.get(ci))
                    else {
                        continue;
                    };
                    let band = self
                        .priority
                        .get(control.id.as_str())
                        .map_or(Band::VeryLow, |p| p.band);
                    let _ = writeln!(
                        out,
                        "<li><a href=\"#{}\">{}</a> {} <span class=\"muted\">impact {}</span> <span class=\"badge band-{}\">{}</span></li>",
                        esc(anchor),
                        esc(&control.id),
                        esc(&control.name),
                        impact_label(impact),
                        band_key(band),
                        band.label()
                    );
                }
                out.push_str("</ul>");
            }
            _ => out.push_str("<span class=\"muted\">none in this catalog</span>"),
        }
        out.push_str("</dd>\n</dl>\n<h3>Description</h3>\n");
        push_prose(out, &t.description);
        if !t.example.trim().is_empty() {
            out.push_str("<h3>Example</h3>\n");
            push_prose(out, &t.example);
        }
        if !t.mitigations.is_empty() {
            out.push_str("<h3>Mitigation advice</h3>\n<ul>\n");
            for advice in &t.mitigations {
                out.push_str("<li>");
                push_inline(out, advice, 0, true);
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        references(out, &t.references);
        out.push_str("</div>\n</details>\n</article>\n");
    }

    // ------------------------------------------------------ feature classes

    fn feature_class(&self, out: &mut String, i: usize, f: &FeatureClass) {
        let anchor = self.fc_anchors.get(i).map_or("", String::as_str);
        let _ = writeln!(
            out,
            "<article class=\"entity fc\" id=\"{}\" data-row=\"feature-classes\">",
            esc(anchor)
        );
        let _ = write!(
            out,
            "<details>\n<summary><span class=\"id\">{}</span> <span class=\"name\">{}</span> <span class=\"tag\">{}</span></summary>\n<div class=\"body\">\n",
            esc(&f.id),
            esc(&f.name),
            esc(&f.service)
        );
        push_prose(out, &f.description);
        let _ = writeln!(
            out,
            "<dl>\n<dt>Service</dt><dd><code>{}</code></dd>",
            esc(&f.service)
        );
        let relation = |out: &mut String, label: &str, ids: &[String]| {
            if !ids.is_empty() {
                let _ = write!(out, "<dt>{label}</dt><dd>");
                self.id_list(out, ids, Self::fc_ref);
                out.push_str("</dd>\n");
            }
        };
        relation(out, "Parents", &f.parents);
        relation(out, "Uses", &f.uses);
        if !f.present_on.is_empty() {
            out.push_str("<dt>Always present on</dt><dd>");
            code_list(out, &f.present_on);
            out.push_str("</dd>\n");
        }
        if !f.trustoncloud.is_empty() {
            out.push_str("<dt>TrustOnCloud</dt><dd>");
            self.id_list(out, &f.trustoncloud, Self::any_ref);
            out.push_str("</dd>\n");
        }
        if !f.actions.is_empty() {
            out.push_str("<dt>IAM actions</dt><dd>");
            code_list(out, &f.actions);
            out.push_str("</dd>\n");
        }
        let threats: Vec<(usize, &moat_catalog::Threat)> = self
            .catalog
            .threats
            .iter()
            .enumerate()
            .filter(|(_, t)| t.threat.feature_class.as_deref() == Some(f.id.as_str()))
            .map(|(n, t)| (n, &t.threat))
            .collect();
        if !threats.is_empty() {
            out.push_str("<dt>Threats</dt><dd>");
            for (n, (ti, t)) in threats.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                if let Some(a) = self.threat_anchors.get(*ti) {
                    let _ = write!(
                        out,
                        "<a href=\"#{}\" title=\"{}\">{}</a>",
                        esc(a),
                        esc(&t.name),
                        esc(&t.id)
                    );
                }
            }
            out.push_str("</dd>\n");
        }
        let controls: Vec<usize> = self
            .control_order
            .iter()
            .copied()
            .filter(|&ci| {
                self.catalog
                    .controls
                    .get(ci)
                    .is_some_and(|c| c.feature_classes.contains(&f.id))
            })
            .collect();
        if !controls.is_empty() {
            out.push_str("<dt>Controls</dt><dd>");
            self.control_index_list(out, &controls);
            out.push_str("</dd>\n");
        }
        out.push_str("</dl>\n");
        if !f.operations.is_empty() {
            out.push_str("<h3>Operations</h3>\n<table>\n<thead><tr><th>API</th><th>IAM permission</th><th>CloudTrail event</th><th>Description</th></tr></thead>\n<tbody>\n");
            for op in &f.operations {
                let _ = writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                    esc(&op.api),
                    esc(&op.iam_permission),
                    esc(&op.event_name),
                    esc(&op.description)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        references(out, &f.references);
        out.push_str("</div>\n</details>\n</article>\n");
    }

    // ---------------------------------------------------------- frameworks

    fn framework(&self, out: &mut String, i: usize, f: &Framework) {
        let anchor = self.framework_anchors.get(i).map_or("", String::as_str);
        let _ = write!(
            out,
            "<article class=\"framework\" id=\"{}\">\n<h3><span class=\"id\">{}</span> {}",
            esc(anchor),
            esc(&f.id),
            esc(&f.name)
        );
        if !f.version.is_empty() {
            let _ = write!(out, " <span class=\"muted\">{}</span>", esc(&f.version));
        }
        out.push_str("</h3>\n");
        if !f.url.is_empty() {
            out.push_str("<p>");
            push_url(out, &f.url);
            out.push_str("</p>\n");
        }
        let cited = f
            .requirements
            .iter()
            .filter(|r| self.citations.contains_key(&(f.id.as_str(), r.id.as_str())))
            .count();
        let _ = writeln!(
            out,
            "<p class=\"muted\">{cited} of {} requirements cited by a control.</p>",
            f.requirements.len()
        );
        out.push_str("<table>\n<thead><tr><th>Requirement</th><th>Title</th><th>Severity</th><th>Controls</th></tr></thead>\n<tbody>\n");
        for r in &f.requirements {
            let anchor = self
                .requirement_link
                .get(&(f.id.as_str(), r.id.as_str()))
                .map_or(String::new(), |a| esc(a));
            let _ = write!(
                out,
                "<tr id=\"{anchor}\" data-row=\"frameworks\"><td><code>{}</code></td><td>{}",
                esc(&r.id),
                esc(&r.title)
            );
            if r.retired {
                out.push_str(" <span class=\"tag\">retired</span>");
            }
            let _ = write!(
                out,
                "</td><td>{}</td><td>",
                esc(r.severity.as_deref().unwrap_or(""))
            );
            match self.citations.get(&(f.id.as_str(), r.id.as_str())) {
                Some(list) => self.control_index_list(out, list),
                None => out.push_str("<span class=\"muted\">none</span>"),
            }
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</article>\n");
    }

    /// A compliance key that controls cite but no framework in the catalog defines.
    fn other_framework(&self, out: &mut String, key: &str, anchor: &str) {
        let _ = writeln!(
            out,
            "<article class=\"framework\" id=\"{}\">\n<h3><span class=\"id\">{}</span> <span class=\"muted\">cited by controls, not defined in this catalog</span></h3>",
            esc(anchor),
            esc(key)
        );
        out.push_str(
            "<table>\n<thead><tr><th>Requirement</th><th>Controls</th></tr></thead>\n<tbody>\n",
        );
        for ((framework, id), list) in &self.citations {
            if *framework != key {
                continue;
            }
            out.push_str("<tr data-row=\"frameworks\"><td>");
            self.any_ref(out, id);
            out.push_str("</td><td>");
            self.control_index_list(out, list);
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</article>\n");
    }
}

fn section_end(out: &mut String, empty: bool) {
    if empty {
        out.push_str("<p class=\"muted\">Nothing in this catalog.</p>\n");
    }
    out.push_str("<p class=\"empty muted\" hidden>No match.</p>\n</section>\n");
}

fn code_list(out: &mut String, items: &[String]) {
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        let _ = write!(out, "<code>{}</code>", esc(item));
    }
}

fn code_block(out: &mut String, language: &str, code: &str) {
    let _ = writeln!(
        out,
        "<pre><code class=\"language-{language}\">{}</code></pre>",
        esc(code.trim_end())
    );
}

fn references(out: &mut String, references: &[String]) {
    if references.is_empty() {
        return;
    }
    out.push_str("<h3>References</h3>\n<ul class=\"refs\">\n");
    for reference in references {
        out.push_str("<li>");
        push_url(out, reference);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

const CSS: &str = r#":root{--fg:#1d2330;--bg:#fff;--muted:#5f6b7a;--line:#d8dee6;--card:#f7f9fb;--link:#0b5cad;--code:#eef1f5;
--vh:#a4161a;--h:#d9480f;--m:#b7791f;--l:#2b8a3e;--vl:#5f6b7a}
@media (prefers-color-scheme:dark){:root{--fg:#e3e7ee;--bg:#14171c;--muted:#98a2b0;--line:#2e343d;--card:#1b1f26;--link:#7cb4ff;--code:#232832}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:1rem 1.5rem .5rem}
h1{margin:0 0 .4rem;font-size:1.6rem}
h2{margin:1.2rem 0 .4rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
h4{font-size:.9rem;margin:.8rem 0 .2rem;color:var(--muted)}
a{color:var(--link)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
code{background:var(--code);padding:0 .25em;border-radius:3px;overflow-wrap:anywhere}
pre{background:var(--code);padding:.6rem .8rem;border-radius:4px;overflow:auto;max-height:32rem}
pre code{padding:0;background:none;overflow-wrap:normal}
.muted{color:var(--muted)}
.counts,.sources{margin:.2rem 0}
#toolbar{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);padding:.5rem 1.5rem}
.tabs{display:flex;flex-wrap:wrap;gap:.3rem;margin-bottom:.4rem}
.tab{padding:.25rem .7rem;border:1px solid var(--line);border-radius:4px;text-decoration:none;color:var(--fg)}
.tab.active{background:var(--link);border-color:var(--link);color:var(--bg)}
.count{font-size:.8em;opacity:.8}
.filters{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
#q{flex:1 1 22rem;padding:.35rem .5rem;font:inherit}
select,button{font:inherit;padding:.25rem .4rem}
main{padding:0 1.5rem 3rem}
.js .panel:not(.active){display:none}
.entity{border:1px solid var(--line);border-radius:5px;margin:.35rem 0;background:var(--card)}
.entity:target,.framework:target,tr:target{outline:2px solid var(--link)}
summary{cursor:pointer;padding:.4rem .7rem}
summary .id{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}
.body{padding:0 1rem .8rem;border-top:1px solid var(--line)}
.rank,.score{color:var(--muted);font-size:.85em}
.badge,.tag{display:inline-block;padding:0 .45em;border-radius:3px;font-size:.8em;white-space:nowrap}
.tag{border:1px solid var(--line);color:var(--muted)}
.badge{color:#fff}
.band-very_high,.sev-critical{background:var(--vh)}.band-high,.sev-high{background:var(--h)}
.band-medium,.sev-medium{background:var(--m)}.band-low,.sev-low{background:var(--l)}.band-very_low,.sev-info{background:var(--vl)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .9rem;margin:.6rem 0}
dt{font-weight:600;color:var(--muted)}dd{margin:0}dd p:first-child{display:inline}
ul.links{margin:0;padding-left:1.1rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
.framework{margin:1rem 0 1.6rem}
.unknown{text-decoration:underline dotted;color:var(--muted)}
[hidden]{display:none!important}
@media print{#toolbar{display:none}.js .panel:not(.active){display:block}}
"#;

const SCRIPT: &str = r#"(function () {
  'use strict';
  var doc = document.documentElement;
  doc.classList.add('js');
  var rows = Array.prototype.slice.call(document.querySelectorAll('[data-row]'));
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var panels = Array.prototype.slice.call(document.querySelectorAll('.panel'));
  var tabs = Array.prototype.slice.call(document.querySelectorAll('.tab'));
  var q = document.getElementById('q');
  var fStride = document.getElementById('f-stride');
  var fSeverity = document.getElementById('f-severity');
  var fBand = document.getElementById('f-band');
  var status = document.getElementById('status');

  function activate(key) {
    panels.forEach(function (p) { p.classList.toggle('active', p.getAttribute('data-panel') === key); });
    tabs.forEach(function (t) { t.classList.toggle('active', t.getAttribute('data-tab') === key); });
  }

  function has(row, attr, value) {
    if (!value || !row.hasAttribute(attr)) { return true; }
    return row.getAttribute(attr).split(' ').indexOf(value) >= 0;
  }

  function apply() {
    var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var counts = {};
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = terms.every(function (t) { return texts[i].indexOf(t) >= 0; }) &&
        has(row, 'data-stride', fStride.value) &&
        has(row, 'data-severity', fSeverity.value) &&
        has(row, 'data-band', fBand.value);
      row.hidden = !ok;
      var key = row.getAttribute('data-row');
      counts[key] = (counts[key] || 0) + (ok ? 1 : 0);
      if (ok) { shown += 1; }
    });
    document.querySelectorAll('[data-count]').forEach(function (c) {
      c.textContent = counts[c.getAttribute('data-count')] || 0;
    });
    document.querySelectorAll('.framework').forEach(function (f) {
      var visible = f.querySelector('tr[data-row]:not([hidden])');
      f.hidden = !visible && f.querySelector('tr[data-row]') !== null;
    });
    panels.forEach(function (p) {
      var any = p.querySelector('[data-row]:not([hidden])');
      var empty = p.querySelector('.empty');
      if (empty) { empty.hidden = !!any || !p.querySelector('[data-row]'); }
    });
    var filtered = terms.length || fStride.value || fSeverity.value || fBand.value;
    status.textContent = filtered ? shown + ' of ' + rows.length + ' shown' : '';
  }

  function reveal(id) {
    var el = id ? document.getElementById(id) : null;
    if (!el) { return false; }
    var row = el.closest('[data-row]');
    if (row && row.hidden) {
      q.value = ''; fStride.value = ''; fSeverity.value = ''; fBand.value = '';
      apply();
    }
    var panel = el.closest('.panel');
    if (panel) { activate(panel.getAttribute('data-panel')); }
    var d = el.closest('details');
    while (d) { d.open = true; d = d.parentElement ? d.parentElement.closest('details') : null; }
    var own = el.querySelector(':scope > details');
    if (own) { own.open = true; }
    if (el.scrollIntoView) { el.scrollIntoView(); }
    return true;
  }

  function fromHash() {
    var id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = location.hash.slice(1); }
    var el = id ? document.getElementById(id) : null;
    if (el && el.classList.contains('panel')) { activate(el.getAttribute('data-panel')); window.scrollTo(0, 0); return; }
    if (!reveal(id)) { activate(panels.length ? panels[0].getAttribute('data-panel') : ''); }
  }

  tabs.forEach(function (t) {
    t.addEventListener('click', function (e) {
      e.preventDefault();
      activate(t.getAttribute('data-tab'));
      try { history.replaceState(null, '', '#sec-' + t.getAttribute('data-tab')); } catch (err) { /* some file:// pages refuse */ }
    });
  });
  [q, fStride, fSeverity, fBand].forEach(function (el) { el.addEventListener('input', apply); });
  document.getElementById('expand').addEventListener('click', function () {
    document.querySelectorAll('.panel.active details').forEach(function (d) { if (!d.closest('[hidden]')) { d.open = true; } });
  });
  document.getElementById('collapse').addEventListener('click', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = false; });
  });
  document.getElementById('reset').addEventListener('click', function () {
    q.value = ''; fStride.value = ''; fSeverity.value = ''; fBand.value = ''; apply();
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== q) { e.preventDefault(); q.focus(); }
  });
  window.addEventListener('hashchange', fromHash);
  apply();
  fromHash();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(text: &str) -> String {
        let mut out = String::new();
        push_inline(&mut out, text, 0, true);
        out
    }

    #[test]
    fn inline_markup_is_escaped_and_links_only_web_urls() {
        assert_eq!(inline("a <b> & \"c\""), "a &lt;b&gt; &amp; &quot;c&quot;");
        assert_eq!(inline("use `s3:<Get>`"), "use <code>s3:&lt;Get&gt;</code>");
        assert_eq!(
            inline("see [the <doc>](https://example.com/a?b=1&c=2)."),
            "see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">the &lt;doc&gt;</a>."
        );
        assert_eq!(
            inline("[x](javascript:alert(1))"),
            "[x](javascript:alert(1))"
        );
        assert_eq!(
            inline("[a [b](https://e.com/x) c](https://e.com/y)"),
            "<a href=\"https://e.com/x\" rel=\"noopener noreferrer\">a [b</a> c](<a href=\"https://e.com/y\" rel=\"noopener noreferrer\">https://e.com/y</a>)"
        );
        assert_eq!(
            inline("go to https://example.com/p."),
            "go to <a href=\"https://example.com/p\" rel=\"noopener noreferrer\">https://example.com/p</a>."
        );
        assert_eq!(
            inline("**bold** and *em*"),
            "<strong>bold</strong> and <em>em</em>"
        );
        assert_eq!(inline("s3:Get* and s3:List*"), "s3:Get* and s3:List*");
        assert_eq!(
            inline("arn:aws:iam::*:role/app/* or \"s3:*\" (*this*)"),
            "arn:aws:iam::*:role/app/* or &quot;s3:*&quot; (<em>this</em>)"
        );
        assert_eq!(inline("a \\<b\\>"), "a &lt;b&gt;");
        assert_eq!(inline("``` unclosed"), "``` unclosed");
        assert_eq!(inline("[no link"), "[no link");
        assert_eq!(inline("xhttps://e.com"), "xhttps://e.com");
    }

    #[test]
    fn pathological_markup_stays_bounded() {
        let text = "*a ".repeat(5000) + &"b* ".repeat(5000);
        assert!(inline(&text).matches("<em>").count() <= MAX_NESTING);
        let text = "**x".repeat(3000) + &"[`".repeat(3000);
        assert!(inline(&text).len() >= text.len());
    }

    #[test]
    fn prose_makes_paragraphs_and_lists() {
        let mut out = String::new();
        push_prose(&mut out, "one\ntwo\n\n- a\n- b\nafter");
        assert_eq!(
            out,
            "<p>one\ntwo</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>after</p>\n"
        );
    }

    #[test]
    fn only_web_urls_are_links() {
        let mut out = String::new();
        push_url(&mut out, "javascript:alert(1)");
        push_url(&mut out, "HTTPS://EXAMPLE.COM");
        push_url(&mut out, "https://");
        assert_eq!(
            out,
            "javascript:alert(1)<a href=\"HTTPS://EXAMPLE.COM\" rel=\"noopener noreferrer\">HTTPS://EXAMPLE.COM</a>https://"
        );
    }

    #[test]
    fn mitre_ids_link_to_their_pages() {
        assert_eq!(
            mitre_url("T1078.004").as_deref(),
            Some("https://attack.mitre.org/techniques/T1078/004/")
        );
        assert_eq!(
            mitre_url("TA0040").as_deref(),
            Some("https://attack.mitre.org/tactics/TA0040/")
        );
        assert_eq!(mitre_url("T10"), None);
        assert_eq!(mitre_url("<x>"), None);
    }
}
