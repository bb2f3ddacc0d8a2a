//! Escaping for GitHub-flavoured Markdown. Model names and catalog text are data,
//! never markup: everything a user wrote renders as the characters they typed.

use crate::wrap::clean;

/// `text` as inline Markdown: safe in paragraphs, list items, headings and
/// table cells. Line breaks become `<br>` so the text stays on one line.
pub(crate) fn md_escape(text: &str) -> String {
    text.trim()
        .lines()
        .map(|line| escape_line(&clean(line)))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn escape_line(line: &str) -> String {
    escape_chars(line.trim(), true)
}

/// `text` with every character that Markdown or HTML could read escaped;
/// `at_line_start` says whether list and underline markers count.
fn escape_chars(text: &str, at_line_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        if needs_escape(text, i, c, at_line_start) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `c`, at byte `i` of `text`, could be read as Markdown or HTML.
fn needs_escape(text: &str, i: usize, c: char, at_line_start: bool) -> bool {
    let followed_by_space = || {
        text.get(i + c.len_utf8()..)
            .is_none_or(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    };
    match c {
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '&' | '$' | '!' => true,
        // `- `, `+ ` start a list item and `=` a setext underline at the start of a line.
        '-' | '+' => at_line_start && i == 0 && followed_by_space(),
        '=' => at_line_start && i == 0,
        // `1. ` or `1) ` at the start of a line starts an ordered list.
        '.' | ')' => {
            at_line_start && text.get(..i).is_some_and(is_all_digits) && followed_by_space()
        }
        _ => false,
    }
}

fn is_all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Prose as inline Markdown: like [`md_escape`], except that code spans
/// (text between matching backtick runs, as catalog text and diagnostics
/// quote names) stay code spans. Not for table cells: a `|` inside a code
/// span would end the cell.
pub(crate) fn md_text(text: &str) -> String {
    text.trim()
        .lines()
        .map(|line| text_line(&clean(line)))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn text_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line.trim();
    while let Some(start) = rest.find('`') {
        let (before, from_tick) = rest.split_at(start);
        out.push_str(&escape_chars(before, out.is_empty()));
        let fence_len = from_tick.len() - from_tick.trim_start_matches('`').len();
        let (fence, after_fence) = from_tick.split_at(fence_len);
        match closing_fence(after_fence, fence_len) {
            Some(end) => {
                let (code, after_code) = after_fence.split_at(end);
                out.push_str(fence);
                out.push_str(code);
                out.push_str(fence);
                rest = after_code.get(fence_len..).unwrap_or("");
            }
            None => {
                out.push_str(&"\\`".repeat(fence_len));
                rest = after_fence;
            }
        }
    }
    out.push_str(&escape_chars(rest, out.is_empty()));
    out
}

/// Where in `text` a backtick run of exactly `len` starts, if any.
fn closing_fence(text: &str, len: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i) == Some(&b'`') {
            let run = bytes
                .get(i..)
                .map_or(0, |b| b.iter().take_while(|&&c| c == b'`').count());
            if run == len {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// `text` as an inline code span, with a fence longer than any backtick run
/// inside. In a table cell a `|` must be written `\|` even inside code.
pub(crate) fn md_code(text: &str, in_table: bool) -> String {
    let mut body = clean(text);
    if in_table {
        body = body.replace('|', "\\|");
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A space pads a body that starts or ends with a backtick (CommonMark strips one).
    if body.starts_with('`') || body.ends_with('`') || body.is_empty() {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// A reference: an autolink when it is a plain http(s) URL, escaped text otherwise.
pub(crate) fn md_link(text: &str) -> String {
    let url = text.trim();
    let plain_url = (url.starts_with("https://") || url.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '|'));
    if plain_url {
        format!("<{url}>")
    } else {
        md_escape(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_table_separators() {
        assert_eq!(
            md_escape("a|b *c* `d` <e>"),
            "a\\|b \\*c\\* \\`d\\` \\<e\\>"
        );
        assert_eq!(md_escape("line 1\nline 2\r\n"), "line 1<br>line 2");
        assert_eq!(md_escape("- item"), "\\- item");
        assert_eq!(md_escape("12. point"), "12\\. point");
        assert_eq!(md_escape("0.1.0 -1 +x"), "0.1.0 -1 +x");
        assert_eq!(md_escape("v1.2 a-b"), "v1.2 a-b");
        assert_eq!(md_escape("s3_bucket #1"), "s3\\_bucket \\#1");
    }

    #[test]
    fn prose_keeps_code_spans_and_escapes_the_rest() {
        assert_eq!(
            md_text("grant `kms:*` to *everyone*"),
            "grant `kms:*` to \\*everyone\\*"
        );
        assert_eq!(md_text("``a`b`` and `c"), "``a`b`` and \\`c");
        assert_eq!(md_text("- `x` then 1. y"), "\\- `x` then 1. y");
        assert_eq!(md_text("`a` - b"), "`a` - b");
        assert_eq!(md_text("<b>`</b>`"), "\\<b\\>`</b>`");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(md_code("s3-bucket", false), "`s3-bucket`");
        assert_eq!(md_code("a`b", false), "``a`b``");
        assert_eq!(md_code("`x`", false), "`` `x` ``");
        assert_eq!(md_code("a|b", true), "`a\\|b`");
        assert_eq!(md_code("a|b", false), "`a|b`");
    }

    #[test]
    fn links_only_for_plain_urls() {
        assert_eq!(
            md_link("https://docs.aws.amazon.com/s3/"),
            "<https://docs.aws.amazon.com/s3/>"
        );
        assert_eq!(md_link("CWE-284"), "CWE-284");
        assert_eq!(md_link("https://x y"), "https://x y");
    }
}
