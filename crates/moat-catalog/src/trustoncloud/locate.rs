//! Where the sections, entries and fields of a ThreatModel are in its text,
//! so diagnostics point at the entry they are about. serde_json reads the
//! values; this scanner only finds byte ranges, and runs on text serde_json
//! has already accepted (on anything else it returns what it found so far).

use moat_model::Span;

/// A `"key": value` pair of an object, with the spans of both.
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    pub key: String,
    pub key_span: Span,
    pub value_span: Span,
}

/// A top-level section, its entries, and each entry's fields.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub pair: Pair,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub pair: Pair,
    pub fields: Vec<Pair>,
}

/// The sections of the document `text`, in file order; spans are shifted by `base`.
pub(crate) fn sections(text: &str, base: usize) -> Vec<Section> {
    let bytes = text.as_bytes();
    let start = skip_ws(bytes, 0);
    let Some(top) = object_pairs(text, start, base) else {
        return Vec::new();
    };
    top.into_iter()
        .map(|pair| {
            let entries = object_pairs(text, pair.value_span.start as usize - base, base)
                .unwrap_or_default()
                .into_iter()
                .map(|entry| {
                    let fields = object_pairs(text, entry.value_span.start as usize - base, base)
                        .unwrap_or_default();
                    Entry {
                        pair: entry,
                        fields,
                    }
                })
                .collect();
            Section { pair, entries }
        })
        .collect()
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The index just after the string starting at `i` (a `"`).
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match bytes.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The index just after the value starting at `i`.
fn value_end(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i)? {
        b'"' => string_end(bytes, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match bytes.get(j)? {
                    b'"' => {
                        j = string_end(bytes, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while bytes
                .get(j)
                .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b',' | b'}' | b']'))
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// The pairs of the object starting at `i`; `None` when no object starts there.
fn object_pairs(text: &str, i: usize, base: usize) -> Option<Vec<Pair>> {
    let bytes = text.as_bytes();
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    let mut pairs = Vec::new();
    let mut j = skip_ws(bytes, i + 1);
    loop {
        match bytes.get(j) {
            Some(b'}') | None => return Some(pairs),
            Some(b',') => {
                j = skip_ws(bytes, j + 1);
                continue;
            }
            Some(b'"') => {}
            Some(_) => return Some(pairs),
        }
        let key_end = string_end(bytes, j)?;
        let key = text
            .get(j..key_end)
            .and_then(|raw| serde_json::from_str::<String>(raw).ok())
            .unwrap_or_default();
        let colon = skip_ws(bytes, key_end);
        if bytes.get(colon) != Some(&b':') {
            return Some(pairs);
        }
        let value_start = skip_ws(bytes, colon + 1);
        let Some(value_end) = value_end(bytes, value_start) else {
            return Some(pairs);
        };
        pairs.push(Pair {
            key,
            key_span: Span::new(base + j, base + key_end),
            value_span: Span::new(base + value_start, base + value_end),
        });
        j = skip_ws(bytes, value_end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sections_entries_and_fields() {
        let text = r#"{"a": {"x": {"f": [1, {"g": "}"}], "h\"": "v"}}, "b": 3}"#;
        let found = sections(text, 0);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].pair.key, "a");
        assert_eq!(found[1].pair.key, "b");
        assert!(found[1].entries.is_empty());
        let entry = &found[0].entries[0];
        assert_eq!(entry.pair.key, "x");
        let keys: Vec<&str> = entry.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["f", "h\""]);
        let f = &entry.fields[0];
        assert_eq!(
            &text[f.value_span.start as usize..f.value_span.end as usize],
            r#"[1, {"g": "}"}]"#
        );
        let shifted = sections(text, 3);
        assert_eq!(
            shifted[0].pair.key_span.start,
            found[0].pair.key_span.start + 3
        );
    }

    #[test]
    fn stops_quietly_on_broken_text() {
        for text in [
            "",
            "[",
            "{\"a\"",
            "{\"a\": {\"b\": ",
            "{\"a\": \"\\",
            "{\"a\": }",
        ] {
            let _ = sections(text, 0);
        }
    }
}
