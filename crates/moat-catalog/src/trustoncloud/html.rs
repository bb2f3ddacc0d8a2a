//! The small HTML subset TrustOnCloud writes in descriptions, turned into
//! Markdown-ish text ([`to_markdown`]) or plain text ([`to_plain`]).
//!
//! Handled: `<a href>` (a Markdown link for `http`/`https` targets, the bare
//! text otherwise), `<b>`/`<strong>` (`**`), `<i>`/`<em>` (`*`), `<code>`
//! (a code span), `<br>` (a line break), `<p>` (a blank line), `<ul>`/`<ol>`/
//! `<li>` (`- ` items), comments (dropped) and the entities `&amp;`, `&lt;`,
//! `&gt;`, `&quot;`, `&apos;`, `&#39;`, `&nbsp;` and numeric ones. Any other tag
//! is dropped and its text kept. Runs of white space collapse as a browser
//! would. A `<` or `>` that the input meant as text (a stray `<`, or `&lt;`)
//! never comes out as markup: Markdown output escapes it (`\<`), so a
//! renderer shows the character instead of reading a tag.

/// The HTML as Markdown-ish text: emphasis, links and code spans kept.
pub fn to_markdown(html: &str) -> String {
    render(html, Mode::Markdown)
}

/// The HTML as plain text: markup dropped, link targets left out.
pub fn to_plain(html: &str) -> String {
    render(html, Mode::Plain)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Markdown,
    Plain,
}

/// An inline element whose text is collected before it is wrapped.
enum FrameKind {
    Root,
    Bold,
    Italic,
    Code,
    /// A link and its target, when the target may be shown.
    Link(Option<String>),
}

struct Frame {
    kind: FrameKind,
    /// The tag name that closes it.
    tag: &'static str,
    text: String,
}

struct Renderer {
    mode: Mode,
    frames: Vec<Frame>,
}

impl Renderer {
    fn top(&mut self) -> &mut String {
        // the root frame is never popped, so the stack is never empty
        if self.frames.is_empty() {
            self.frames.push(Frame {
                kind: FrameKind::Root,
                tag: "",
                text: String::new(),
            });
        }
        let last = self.frames.len() - 1;
        &mut self.frames[last].text
    }

    fn in_code(&self) -> bool {
        self.frames
            .iter()
            .any(|f| matches!(f.kind, FrameKind::Code))
    }

    fn in_link(&self) -> bool {
        self.frames
            .iter()
            .any(|f| matches!(f.kind, FrameKind::Link(_)))
    }

    /// Text from the input (entities already decoded), white space collapsed.
    fn text(&mut self, text: &str) {
        let escape = self.mode == Mode::Markdown && !self.in_code();
        let in_link = self.in_link();
        let nested = self.frames.len() > 1;
        let out = self.top();
        for c in text.chars() {
            if c.is_whitespace() && c != '\u{a0}' {
                // a nested frame keeps its leading space: `wrap` moves it outside
                if (nested || !out.is_empty()) && !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
                continue;
            }
            let c = if c == '\u{a0}' { ' ' } else { c };
            // a backtick of the text could pair with a code span's fence
            if escape
                && (matches!(c, '<' | '>' | '\\' | '`') || (in_link && matches!(c, '[' | ']')))
            {
                out.push('\\');
            }
            out.push(c);
        }
    }

    fn newline(&mut self, blank_line: bool) {
        let out = self.top();
        while out.ends_with(' ') {
            out.pop();
        }
        if out.is_empty() {
            return;
        }
        let wanted = if blank_line { 2 } else { 1 };
        let have = out.len() - out.trim_end_matches('\n').len();
        for _ in have..wanted {
            out.push('\n');
        }
    }

    fn open(&mut self, kind: FrameKind, tag: &'static str) {
        self.frames.push(Frame {
            kind,
            tag,
            text: String::new(),
        });
    }

    /// Closes the innermost open `tag`, and any frame opened inside it.
    fn close(&mut self, tag: &str) {
        let Some(position) = self.frames.iter().rposition(|f| f.tag == tag) else {
            return;
        };
        if position == 0 {
            return;
        }
        while self.frames.len() > position {
            self.pop();
        }
    }

    fn pop(&mut self) {
        if self.frames.len() <= 1 {
            return;
        }
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let wrapped = self.wrap(frame);
        let out = self.top();
        if out.ends_with(' ') && wrapped.starts_with(' ') {
            out.push_str(wrapped.trim_start());
        } else {
            out.push_str(&wrapped);
        }
    }

    /// A closed frame's text with its markup; spaces stay outside the markers.
    fn wrap(&self, frame: Frame) -> String {
        let text = frame.text;
        let lead = if text.starts_with(' ') { " " } else { "" };
        let trail = if text.ends_with(' ') { " " } else { "" };
        let inner = text.trim_matches(' ');
        if inner.is_empty() {
            return format!("{lead}{trail}");
        }
        let body = match (self.mode, frame.kind) {
            (Mode::Plain, _) | (_, FrameKind::Root) => inner.to_string(),
            (Mode::Markdown, FrameKind::Bold) => format!("**{inner}**"),
            (Mode::Markdown, FrameKind::Italic) => format!("*{inner}*"),
            (Mode::Markdown, FrameKind::Code) => code_span(inner),
            (Mode::Markdown, FrameKind::Link(None)) => inner.to_string(),
            (Mode::Markdown, FrameKind::Link(Some(url))) => format!("[{inner}]({url})"),
        };
        format!("{lead}{body}{trail}")
    }

    fn finish(mut self) -> String {
        while self.frames.len() > 1 {
            self.pop();
        }
        let text = std::mem::take(self.top());
        tidy(&text)
    }
}

/// A code span with a fence longer than any backtick run inside.
fn code_span(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Trailing spaces off every line, at most one blank line in a row, no
/// blank lines at either end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        blank_run = 0;
        out.push_str(line.trim_start_matches(' '));
    }
    out
}

fn render(html: &str, mode: Mode) -> String {
    let mut renderer = Renderer {
        mode,
        frames: vec![Frame {
            kind: FrameKind::Root,
            tag: "",
            text: String::new(),
        }],
    };
    let mut rest = html;
    let mut pending = String::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").map_or(after.len(), |i| i + 3);
            renderer.text(&pending);
            pending.clear();
            rest = after.get(end..).unwrap_or("");
            continue;
        }
        if rest.starts_with('<')
            && let Some((tag, after)) = parse_tag(rest)
        {
            renderer.text(&pending);
            pending.clear();
            apply(&mut renderer, &tag);
            rest = after;
            continue;
        }
        if rest.starts_with('&')
            && let Some((decoded, after)) = parse_entity(rest)
        {
            pending.push(decoded);
            rest = after;
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            pending.push(c);
        }
        rest = chars.as_str();
    }
    renderer.text(&pending);
    renderer.finish()
}

struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
}

fn apply(renderer: &mut Renderer, tag: &Tag) {
    let name = tag.name.as_str();
    if tag.closing {
        match name {
            "b" | "strong" => renderer.close("b"),
            "i" | "em" => renderer.close("i"),
            "code" | "tt" | "kbd" | "samp" => renderer.close("code"),
            "a" => renderer.close("a"),
            "p" | "div" | "ul" | "ol" => renderer.newline(true),
            "li" | "tr" => renderer.newline(false),
            _ => {}
        }
        return;
    }
    match name {
        "b" | "strong" => renderer.open(FrameKind::Bold, "b"),
        "i" | "em" => renderer.open(FrameKind::Italic, "i"),
        "code" | "tt" | "kbd" | "samp" if !renderer.in_code() => {
            renderer.open(FrameKind::Code, "code");
        }
        "a" if !renderer.in_link() => {
            let url = tag.href.as_deref().and_then(safe_url);
            renderer.open(FrameKind::Link(url), "a");
        }
        "br" => renderer.newline(false),
        "p" | "div" | "ul" | "ol" => renderer.newline(true),
        "li" => {
            renderer.newline(false);
            renderer.top().push_str("- ");
        }
        "tr" => renderer.newline(false),
        _ => {}
    }
}

/// An `http`/`https` URL made safe inside `(...)` of a Markdown link.
fn safe_url(href: &str) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    if rest.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(href.len());
    for c in href.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() || c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// A tag at the start of `text` (which starts with `<`): `<name attr="v">`,
/// `</name>` or `<name/>`. `None` when it is not one (a stray `<`).
fn parse_tag(text: &str) -> Option<(Tag, &str)> {
    let body = text.strip_prefix('<')?;
    let (closing, body) = match body.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let name_len = body
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map_or(body.len(), |(i, _)| i);
    let name = body.get(..name_len)?;
    if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut rest = body.get(name_len..)?;
    // a tag name runs into white space, `/` or `>`
    if !rest.is_empty() && !rest.starts_with(|c: char| c.is_whitespace() || c == '/' || c == '>') {
        return None;
    }
    let mut href = None;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if let Some(after) = rest.strip_prefix('>') {
            let tag = Tag {
                name: name.to_ascii_lowercase(),
                closing,
                href,
            };
            return Some((tag, after));
        }
        if rest.is_empty() || rest.starts_with('<') {
            return None;
        }
        let attr_len = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || matches!(c, '=' | '>' | '/' | '<'))
            .map_or(rest.len(), |(i, _)| i);
        if attr_len == 0 {
            // `=` or another character where a name should be: skip it
            let mut chars = rest.chars();
            chars.next();
            rest = chars.as_str();
            continue;
        }
        let attr = rest.get(..attr_len)?.to_ascii_lowercase();
        rest = rest.get(attr_len..)?.trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            continue;
        };
        let after_eq = after_eq.trim_start();
        let (value, after_value) = match after_eq.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = after_eq.get(1..)?;
                let end = inner.find(quote)?;
                (inner.get(..end)?, inner.get(end + 1..)?)
            }
            _ => {
                let end = after_eq
                    .char_indices()
                    .find(|(_, c)| c.is_whitespace() || *c == '>')
                    .map_or(after_eq.len(), |(i, _)| i);
                (after_eq.get(..end)?, after_eq.get(end..)?)
            }
        };
        if attr == "href" && href.is_none() {
            href = Some(decode_entities(value));
        }
        rest = after_value;
    }
}

/// Decodes the entities of an attribute value.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '&'
            && let Some((decoded, after)) = parse_entity(rest)
        {
            out.push(decoded);
            rest = after;
            continue;
        }
        out.push(c);
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// An entity at the start of `text` (which starts with `&`).
fn parse_entity(text: &str) -> Option<(char, &str)> {
    let body = text.strip_prefix('&')?;
    let end = body.get(..body.len().min(12))?.find(';')?;
    let name = body.get(..end)?;
    let after = body.get(end + 1..)?;
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            let c = char::from_u32(code)?;
            // a NUL or other control character is not text
            if c.is_control() && !c.is_whitespace() {
                return None;
            }
            c
        }
    };
    Some((decoded, after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn links_become_markdown_only_for_web_urls() {
        assert_eq!(
            to_markdown(r#"See <a href="https://docs.aws.amazon.com/s3/">the guide</a>."#),
            "See [the guide](https://docs.aws.amazon.com/s3/)."
        );
        assert_eq!(
            to_markdown(r#"<a href="javascript:alert(1)">click</a> here"#),
            "click here"
        );
        assert_eq!(to_markdown("<a>bare</a>"), "bare");
        assert_eq!(
            to_markdown(r#"<a href='http://x.test/a b(c)'>x</a>"#),
            "[x](http://x.test/a%20b%28c%29)"
        );
        assert_eq!(
            to_plain(r#"See <a href="https://a.test">the guide</a>."#),
            "See the guide."
        );
        assert_eq!(
            to_markdown(r#"<a href="https://a.test?x=1&amp;y=2">q</a>"#),
            "[q](https://a.test?x=1&y=2)"
        );
    }

    #[test]
    fn emphasis_code_and_lists() {
        assert_eq!(
            to_markdown("a <b>bold</b> and <i>slanted </i>word"),
            "a **bold** and *slanted* word"
        );
        assert_eq!(to_markdown("<strong>x</strong><em>y</em>"), "**x***y*");
        assert_eq!(to_markdown("run <code>a`b</code>"), "run ``a`b``");
        assert_eq!(
            to_markdown("Steps:<ul><li>one</li><li>two</li></ul>done"),
            "Steps:\n\n- one\n- two\n\ndone"
        );
        assert_eq!(to_markdown("line<br>next<br/>last"), "line\nnext\nlast");
        assert_eq!(to_markdown("<p>one</p><p>two</p>"), "one\n\ntwo");
        assert_eq!(to_plain("a <b>b</b> <code>c</code>"), "a b c");
    }

    #[test]
    fn entities_and_stray_angle_brackets() {
        assert_eq!(
            to_markdown("a &amp; b &quot;c&quot; &#39;d&#39; &#x41;&nbsp;e"),
            "a & b \"c\" 'd' A e"
        );
        assert_eq!(to_markdown("&lt;script&gt;x"), "\\<script\\>x");
        assert_eq!(to_plain("&lt;script&gt;x"), "<script>x");
        assert_eq!(to_markdown("1 < 2 and 3 > 2"), "1 \\< 2 and 3 \\> 2");
        assert_eq!(to_markdown("a <unclosed"), "a \\<unclosed");
        // a backtick of the text cannot pair with the fence of a code span
        assert_eq!(to_markdown("`<code>&lt;a"), "\\``<a`");
        assert_eq!(to_markdown("a\\b"), "a\\\\b");
        assert_eq!(
            to_markdown("&unknown; &#0; &#xZZ;"),
            "&unknown; &#0; &#xZZ;"
        );
    }

    #[test]
    fn other_tags_keep_their_text() {
        assert_eq!(
            to_markdown(r#"<span class="x">kept</span><!-- gone -->!"#),
            "kept!"
        );
        assert_eq!(to_markdown("<script>text</script>"), "text");
        assert_eq!(to_markdown("  many \n\t spaces  "), "many spaces");
        assert_eq!(to_markdown("<b>unclosed"), "**unclosed**");
        assert_eq!(to_markdown("</b>stray close"), "stray close");
        assert_eq!(to_markdown("<b></b>empty"), "empty");
        assert_eq!(
            to_markdown(r#"<a href="https://a.test">[x]</a>"#),
            "[\\[x\\]](https://a.test)"
        );
    }

    /// Whether `text` holds a `<` that Markdown could read as the start of a
    /// tag: not backslash-escaped and not inside a code span.
    fn has_tag(text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let run_at = |i: usize| chars[i..].iter().take_while(|&&c| c == '`').count();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '\\' {
                i += 2;
                continue;
            }
            if chars[i] == '`' {
                let n = run_at(i);
                let mut j = i + n;
                let mut closed = None;
                while j < chars.len() {
                    if chars[j] == '`' {
                        let m = run_at(j);
                        if m == n {
                            closed = Some(j + m);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                i = closed.unwrap_or(i + n);
                continue;
            }
            if chars[i] == '<'
                && chars
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/' || *c == '!')
                && chars[..i].iter().rev().take_while(|&&c| c == '\\').count() % 2 == 0
            {
                return true;
            }
            i += 1;
        }
        false
    }

    proptest! {
        #[test]
        fn never_panics_and_never_emits_tags(input in "\\PC*") {
            let markdown = to_markdown(&input);
            let _ = to_plain(&input);
            prop_assert!(!has_tag(&markdown), "{markdown}");
        }

        #[test]
        fn never_panics_on_tag_soup(parts in proptest::collection::vec(
            prop_oneof![
                Just("<a href=\"https://x.test\">".to_string()),
                Just("<a href='javascript:x'>".to_string()),
                Just("</a>".to_string()),
                Just("<b>".to_string()),
                Just("</b>".to_string()),
                Just("<i>".to_string()),
                Just("</em>".to_string()),
                Just("<code>".to_string()),
                Just("</code>".to_string()),
                Just("<ul><li>".to_string()),
                Just("</li>".to_string()),
                Just("<br>".to_string()),
                Just("<p>".to_string()),
                Just("&lt;".to_string()),
                Just("&#x3c;".to_string()),
                Just("&amp".to_string()),
                Just("<".to_string()),
                Just(">".to_string()),
                Just("<!--".to_string()),
                Just("`".to_string()),
                Just(" ".to_string()),
                "[a-z\u{e9}]{0,4}",
            ],
            0..40,
        )) {
            let input = parts.concat();
            let markdown = to_markdown(&input);
            let _ = to_plain(&input);
            prop_assert!(!has_tag(&markdown), "{input} -> {markdown}");
        }
    }
}
