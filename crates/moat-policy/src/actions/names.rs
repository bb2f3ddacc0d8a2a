//! The parts of an action name.

/// The leading verb of an action name: its first character and the lowercase
/// letters after it (`Put` in `PutBucketPolicy`, `Untag` in `UntagResource`,
/// `Re` in `ReEncryptFrom`). What an action does to its resource shows in its
/// verb, so the guardrails sort actions by it and the SCP packing never writes
/// a wildcard that stops at the verb (`s3:Put*` would deny far too much).
pub fn leading_verb(name: &str) -> &str {
    let mut chars = name.char_indices();
    let Some((_, first)) = chars.next() else {
        return "";
    };
    let end = chars
        .find(|(_, c)| !c.is_ascii_lowercase())
        .map_or(name.len(), |(i, _)| i);
    name.get(..end.max(first.len_utf8())).unwrap_or(name)
}

/// The name without its service prefix (`s3:GetObject` -> `GetObject`).
pub(super) fn unqualified(qualified: &str) -> &str {
    qualified
        .split_once(':')
        .map_or(qualified, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs() {
        assert_eq!(leading_verb("PutBucketPolicy"), "Put");
        assert_eq!(leading_verb("UntagResource"), "Untag");
        assert_eq!(leading_verb("ReEncryptFrom"), "Re");
        assert_eq!(leading_verb("Delete"), "Delete");
        assert_eq!(leading_verb(""), "");
    }

    #[test]
    fn names_without_prefix() {
        assert_eq!(unqualified("s3:GetObject"), "GetObject");
        assert_eq!(unqualified("GetObject"), "GetObject");
        assert_eq!(unqualified("a:b:c"), "b:c");
    }
}
