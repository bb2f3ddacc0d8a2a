//! Label wrapping and truncation, measured in terminal columns (not bytes),
//! shared by the text table and the diagrams.

use textwrap::core::display_width;

/// Diagram labels wrap at this width, like pytm's DFD labels.
pub(crate) const LABEL_WIDTH: usize = 18;

/// `text` with every control character made harmless: whitespace (newlines,
/// tabs) becomes a space so it cannot break a line-oriented format, anything
/// else (an escape sequence that would drive a terminal) becomes U+FFFD.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if c.is_whitespace() && c != ' ' && c.is_control() => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `text` cleaned and wrapped at word boundaries to lines of at most `width`
/// columns; words longer than a line are split. Never returns no lines.
pub(crate) fn wrap_label(text: &str, width: usize) -> Vec<String> {
    let cleaned = clean(text);
    // Greedy filling, like Python's textwrap (and so pytm's labels).
    let options =
        textwrap::Options::new(width.max(1)).wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    let lines: Vec<String> = textwrap::wrap(&cleaned, options)
        .into_iter()
        .map(|line| line.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// The width of `text` in terminal columns.
pub(crate) fn width(text: &str) -> usize {
    display_width(text)
}

/// `text` cut to at most `max` columns, ending in `…` when something was cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    let budget = max.saturating_sub(1);
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    out
}

/// `text` followed by spaces up to `columns` terminal columns.
pub(crate) fn pad(text: &str, columns: usize) -> String {
    let mut out = text.to_string();
    out.extend(std::iter::repeat_n(
        ' ',
        columns.saturating_sub(width(text)),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(
            wrap_label("Store/Retrieve Object Data & Metadata", 18),
            ["Store/Retrieve", "Object Data &", "Metadata"]
        );
        assert_eq!(wrap_label("", 18), [""]);
        assert_eq!(wrap_label("a\nb\tc", 18), ["a b c"]);
    }

    #[test]
    fn truncates_by_columns() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("a long threat name", 10), "a long th…");
        assert_eq!(truncate("a long threat", 8), "a long…");
        assert_eq!(width(&truncate("日本語のテキスト", 7)), 7);
        assert_eq!(pad("日本", 6), "日本  ");
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        assert_eq!(clean("a\u{1b}[31mb\r\n"), "a\u{fffd}[31mb  ");
    }
}
