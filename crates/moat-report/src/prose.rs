//! Prose (catalog text, check advice) as HTML: CommonMark read by pulldown-cmark, with every piece
//! of source text escaped here and handed to the HTML writer as finished
//! markup. Raw HTML in a catalog is shown as the text it is; only `http` and
//! `https` URLs become links (inline links, autolinks and bare URLs), any other
//! link or an image is shown as its own source. Headings inside prose become
//! paragraphs: the page's headings are its own.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Appends `text` with `& < > " '` escaped: safe in text and in quoted attributes.
pub(crate) fn push_esc(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_esc(&mut out, text);
    out
}

/// Whether `url` may become a link: `http://` or `https://` and more, no white space.
fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return false;
    };
    url.len() > scheme && !url.chars().any(char::is_whitespace)
}

fn link_start(url: &str) -> String {
    format!("<a href=\"{}\" rel=\"noopener noreferrer\">", esc(url))
}

/// A reference (a `references:` entry, a framework's URL): a link when it is
/// a web URL, escaped text otherwise.
pub(crate) fn url(text: &str) -> String {
    let text = text.trim();
    if is_web_url(text) {
        format!("{}{}</a>", link_start(text), esc(text))
    } else {
        esc(text)
    }
}

/// Paragraphs, lists, emphasis, code, links: the HTML of `text`.
pub(crate) fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::push_html(&mut out, events(text).into_iter());
    out
}

/// A phrase (an objective, one piece of advice): the HTML of `text` without
/// the paragraph around it when it is one paragraph.
pub(crate) fn inline(text: &str) -> String {
    let html = prose(text);
    match html
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>\n"))
    {
        // escaped text holds no `<p>`: a second one is a second paragraph
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// The parser's events with all source text turned into escaped markup.
fn events(text: &str) -> Vec<Event<'static>> {
    let mut out: Vec<Event<'static>> = Vec::new();
    let markup = |html: String| Event::Html(CowStr::from(html));
    // the parser splits text at characters that might be markup (`_`, `(`):
    // runs of it are joined again, so a URL is seen whole
    let mut pending = String::new();
    let flush = |pending: &mut String, out: &mut Vec<Event<'static>>| {
        if !pending.is_empty() {
            out.push(markup(linkify(pending)));
            pending.clear();
        }
    };
    // while > 0, the events of a link or image already shown as its source
    let mut skipping = 0usize;
    // for each open emphasis: the literal delimiter it is shown as, when it is
    // not emphasis by Moat's rule (see `is_emphasis`)
    let mut emphasis: Vec<Option<&'static str>> = Vec::new();
    let mut in_link = false;
    let mut in_code = false;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        if skipping > 0 {
            match event {
                Event::Start(_) => skipping += 1,
                Event::End(_) => skipping -= 1,
                _ => {}
            }
            continue;
        }
        if let Event::Text(t) = &event
            && !in_link
            && !in_code
        {
            pending.push_str(t);
            continue;
        }
        flush(&mut pending, &mut out);
        let source = || text.get(range.clone()).unwrap_or_default();
        let next = match event {
            Event::Start(Tag::Link { dest_url, .. }) if is_web_url(&dest_url) => {
                in_link = true;
                markup(link_start(&dest_url))
            }
            Event::End(TagEnd::Link) => {
                in_link = false;
                markup("</a>".to_string())
            }
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                skipping = 1;
                markup(esc(source()))
            }
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong)) => {
                let delimiter = if matches!(tag, Tag::Strong) {
                    "**"
                } else {
                    "*"
                };
                if is_emphasis(text, range.clone(), delimiter) {
                    emphasis.push(None);
                    Event::Start(tag.into_static())
                } else {
                    emphasis.push(Some(delimiter));
                    pending.push_str(delimiter);
                    continue;
                }
            }
            Event::End(end @ (TagEnd::Emphasis | TagEnd::Strong)) => match emphasis.pop().flatten()
            {
                Some(delimiter) => {
                    pending.push_str(delimiter);
                    continue;
                }
                None => Event::End(end),
            },
            Event::Start(Tag::Heading { .. } | Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::Heading(_) | TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            Event::Start(tag @ Tag::CodeBlock(_)) => {
                in_code = true;
                Event::Start(tag.into_static())
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                Event::End(TagEnd::CodeBlock)
            }
            Event::Text(t) => markup(esc(&t)),
            Event::Code(code) => markup(format!("<code>{}</code>", esc(&code))),
            // raw HTML is text in a catalog
            Event::Html(raw) | Event::InlineHtml(raw) => markup(esc(&raw)),
            other => other.into_static(),
        };
        out.push(next);
    }
    flush(&mut pending, &mut out);
    out
}

/// Whether the emphasis the parser found at `range` of `text` is one by
/// Moat's rule for `*`: it opens at the start of a word and closes at the end
/// of one. CommonMark also pairs a `*` between punctuation, which in catalog
/// prose is an IAM wildcard (`"s3:*"`, `arn:aws:s3:::prod-*/*`), not markup.
/// Emphasis with `_` keeps CommonMark's rule, which already needs word edges.
fn is_emphasis(text: &str, range: std::ops::Range<usize>, delimiter: &str) -> bool {
    let (Some(inner), Some(before), Some(after)) = (
        text.get(range.start + delimiter.len()..range.end.saturating_sub(delimiter.len())),
        text.get(..range.start),
        text.get(range.end..),
    ) else {
        return false;
    };
    if !text[range.clone()].starts_with('*') {
        return true;
    }
    let previous = before.chars().next_back();
    let first = inner.chars().next();
    let last = inner.chars().next_back();
    let next = after.chars().next();
    let opens = previous.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\''))
        && first.is_some_and(char::is_alphanumeric);
    let closes = last.is_some_and(|c| c.is_alphanumeric() || matches!(c, ')' | '.' | '\'' | '"'))
        && next.is_none_or(|c| {
            c.is_whitespace()
                || matches!(
                    c,
                    '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '"' | '\''
                )
        });
    opens && closes
}

/// `text` escaped, with bare `http(s)://` URLs made links (trailing
/// punctuation is left to the sentence).
fn linkify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut previous: Option<char> = None;
    while !rest.is_empty() {
        let starts = rest.starts_with("https://") || rest.starts_with("http://");
        if starts && !previous.is_some_and(char::is_alphanumeric) {
            let end = bare_url_end(rest);
            if end > 0 {
                let (url, after) = rest.split_at(end);
                out.push_str(&link_start(url));
                push_esc(&mut out, url);
                out.push_str("</a>");
                previous = url.chars().next_back();
                rest = after;
                continue;
            }
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        push_esc(&mut out, &rest[..c.len_utf8()]);
        previous = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The byte length of the bare URL at the start of `text` (0 if none).
fn bare_url_end(text: &str) -> usize {
    let scheme = if text.starts_with("https://") { 8 } else { 7 };
    let mut end = text
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`'))
        .map_or(text.len(), |(i, _)| i);
    while end > scheme {
        let url = &text[..end];
        let Some(last) = url.chars().next_back() else {
            break;
        };
        if !matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']') {
            break;
        }
        // keep a closing parenthesis that has its opening one in the URL
        if last == ')' && url.matches('(').count() >= url.matches(')').count() {
            break;
        }
        end -= last.len_utf8();
    }
    if end > scheme { end } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_is_escaped_and_links_only_web_urls() {
        assert_eq!(inline("a <b> & \"c\""), "a &lt;b&gt; &amp; &quot;c&quot;");
        assert_eq!(inline("use `s3:<Get>`"), "use <code>s3:&lt;Get&gt;</code>");
        assert_eq!(
            inline("see [the <doc>](https://example.com/a?b=1&c=2)."),
            "see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">the &lt;doc&gt;</a>."
        );
        assert_eq!(
            inline("[x](javascript:alert(1)) ![i](https://e.com/i.png)"),
            "[x](javascript:alert(1)) ![i](https://e.com/i.png)"
        );
        assert_eq!(
            inline("<mailto:a@b.c> <https://e.com/x>"),
            "&lt;mailto:a@b.c&gt; <a href=\"https://e.com/x\" rel=\"noopener noreferrer\">https://e.com/x</a>"
        );
        assert_eq!(
            inline("go to https://example.com/p. Or (https://e.com/a_(b))."),
            "go to <a href=\"https://example.com/p\" rel=\"noopener noreferrer\">https://example.com/p</a>. Or (<a href=\"https://e.com/a_(b)\" rel=\"noopener noreferrer\">https://e.com/a_(b)</a>)."
        );
        assert_eq!(
            inline("**bold** and *em*"),
            "<strong>bold</strong> and <em>em</em>"
        );
        assert_eq!(inline("s3:Get* and s3:List*"), "s3:Get* and s3:List*");
        // wildcards between punctuation stay text; emphasis needs word edges
        assert_eq!(
            inline(
                "deny \"s3:*\", \"s3:Put*\", \"*\" on arn:aws:s3:::prod-*/* (*this* and **that**)"
            ),
            "deny &quot;s3:*&quot;, &quot;s3:Put*&quot;, &quot;*&quot; on arn:aws:s3:::prod-*/* (<em>this</em> and <strong>that</strong>)"
        );
        assert_eq!(inline("_under_ and a_b_c"), "<em>under</em> and a_b_c");
        assert_eq!(inline("a \\<b\\>"), "a &lt;b&gt;");
        assert_eq!(inline("a `` unclosed"), "a `` unclosed");
        assert_eq!(inline("[no link"), "[no link");
        assert_eq!(inline("xhttps://e.com"), "xhttps://e.com");
        assert_eq!(inline("it's"), "it&#39;s");
    }

    #[test]
    fn raw_html_is_text() {
        assert_eq!(
            prose("<script>alert(1)</script>\n\ntext <b onclick=x>bold</b>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n<p>text &lt;b onclick=x&gt;bold&lt;/b&gt;</p>\n"
        );
        assert_eq!(prose("<!-- c -->"), "<p>&lt;!-- c --&gt;</p>\n");
    }

    #[test]
    fn prose_makes_paragraphs_lists_and_code() {
        assert_eq!(
            prose("one\ntwo\n\n- a\n- b\n\nafter"),
            "<p>one\ntwo</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>after</p>\n"
        );
        assert_eq!(
            prose("1. first\n2. second"),
            "<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
        );
        assert_eq!(
            prose("```json\n{\"a\": \"<b>\"} https://e.com\n```"),
            "<pre><code class=\"language-json\">{&quot;a&quot;: &quot;&lt;b&gt;&quot;} https://e.com\n</code></pre>\n"
        );
        assert_eq!(prose("# Title"), "<p>Title</p>\n");
        // two paragraphs stay paragraphs where a phrase was expected
        assert_eq!(inline("a\n\nb"), "<p>a</p>\n<p>b</p>\n");
    }

    #[test]
    fn only_web_urls_are_links() {
        assert_eq!(url("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(
            url("HTTPS://EXAMPLE.COM"),
            "<a href=\"HTTPS://EXAMPLE.COM\" rel=\"noopener noreferrer\">HTTPS://EXAMPLE.COM</a>"
        );
        assert_eq!(url("https://"), "https://");
        assert_eq!(url("https://a b"), "https://a b");
    }

    #[test]
    fn pathological_markup_is_read_whole_and_escaped() {
        let text = "*a ".repeat(5000) + &"b* ".repeat(5000) + "<x>";
        let html = prose(&text);
        assert!(
            html.ends_with("&lt;x&gt;</p>\n"),
            "{}",
            &html[html.len() - 40..]
        );
        let text = "**x".repeat(3000) + &"[`".repeat(3000) + &"<".repeat(100);
        assert!(!prose(&text).contains("<<"));
    }
}
