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

/// The text up to the end of its first sentence: a `.`, `!` or `?` followed by
/// a space and a capital letter or the end, after at least 40 characters (so
/// "e.g. S3" and "Amazon S3. " inside a first clause do not end it early).
pub(crate) fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if i < 40 || !matches!(b, b'.' | b'!' | b'?') {
            continue;
        }
        match (bytes.get(i + 1), bytes.get(i + 2)) {
            (None, _) => return text,
            (Some(b' ' | b'\n'), Some(next)) if next.is_ascii_uppercase() => {
                return text.get(..=i).unwrap_or(text);
            }
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod first_sentence_tests {
    use super::first_sentence;

    #[test]
    fn stops_after_the_first_sentence() {
        let text = "Anyone on the internet can list and read the objects of the bucket. A search engine indexes it.";
        assert_eq!(
            first_sentence(text),
            "Anyone on the internet can list and read the objects of the bucket."
        );
        assert_eq!(
            first_sentence("Short. Then more text follows here."),
            "Short. Then more text follows here."
        );
        let eg =
            "Requests are signed, e.g. With SigV4, and checked by the service before use. More.";
        assert_eq!(
            first_sentence(eg),
            "Requests are signed, e.g. With SigV4, and checked by the service before use."
        );
    }
}
