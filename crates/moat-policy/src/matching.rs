//! Wildcard matching as IAM does it: `*` matches any run of characters
//! (including none and including `/` and `:`), `?` exactly one.

/// One element of a pattern after policy variables are expanded: a literal
/// character (including a `*` written as `${*}` or brought in by a variable's
/// value) or a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Char(char),
    AnyRun,
    AnyOne,
}

/// Tokens of a pattern without variables.
pub fn tokens(pattern: &str) -> Vec<Token> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Token::AnyRun,
            '?' => Token::AnyOne,
            c => Token::Char(c),
        })
        .collect()
}

/// Whether `text` matches `pattern` (`*` and `?` wildcards), comparing
/// characters with `eq`. Linear backtracking on the last `*`: no blowup.
fn glob_by(pattern: &[Token], text: &str, eq: impl Fn(char, char) -> bool) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::AnyRun) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Token::AnyOne) => {
                p += 1;
                t += 1;
                continue;
            }
            Some(Token::Char(c)) if eq(*c, text[t]) => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|t| *t == Token::AnyRun)
}

/// Case-sensitive wildcard match (resources, `StringLike`, ARNs).
pub fn glob(pattern: &[Token], text: &str) -> bool {
    glob_by(pattern, text, |a, b| a == b)
}

/// Wildcard match ignoring case (actions).
pub fn glob_ignore_case(pattern: &[Token], text: &str) -> bool {
    glob_by(pattern, text, |a, b| {
        a == b || a.to_lowercase().eq(b.to_lowercase())
    })
}

/// Wildcard match of a pattern written as text (no variables), without
/// allocating: the evaluator's hot path. `fold` ignores ASCII case (actions
/// are ASCII). `?` takes one character, however many bytes it has.
fn glob_text(pattern: &[u8], text: &[u8], fold: bool) -> bool {
    let eq = |a: u8, b: u8| a == b || (fold && a.eq_ignore_ascii_case(&b));
    let char_len = |b: u8| match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    };
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(b'?') => {
                p += 1;
                t += char_len(text[t]);
                continue;
            }
            Some(&c) if eq(c, text[t]) => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                // Resume one character further along the text.
                let next = st + char_len(text[st]);
                p = sp + 1;
                t = next;
                star = Some((sp, next));
            }
            None => return false,
        }
    }
    t == text.len() && pattern[p..].iter().all(|&b| b == b'*')
}

/// Fast path for patterns without variables: plain text against plain text.
pub fn glob_str(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == text;
    }
    glob_text(pattern.as_bytes(), text.as_bytes(), false)
}

/// Whether `action` (e.g. `s3:GetObject`) matches an `Action` pattern: IAM
/// compares actions without regard to case.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if !pattern.contains(['*', '?']) {
        return pattern.eq_ignore_ascii_case(action);
    }
    glob_text(pattern.as_bytes(), action.as_bytes(), true)
}

/// [`arn_matches`] for a pattern written as text (no variables), without allocating.
pub fn arn_matches_str(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if pattern.matches(':').count() < 5 || arn.matches(':').count() < 5 {
        return glob_str(pattern, arn);
    }
    pattern
        .splitn(6, ':')
        .zip(arn.splitn(6, ':'))
        .all(|(p, t)| glob_str(p, t))
}

/// ARN matching as `ArnLike` does it and as `Resource` patterns work: each of
/// the six colon-separated parts is matched on its own (so `*` in the region
/// part cannot swallow the account), the last part holding any further colons.
/// A pattern that is not ARN-shaped is matched against the whole text.
pub fn arn_matches(pattern: &[Token], arn: &str) -> bool {
    if pattern == [Token::AnyRun] {
        return true;
    }
    let pattern_parts = split_tokens(pattern);
    let text_parts: Vec<&str> = arn.splitn(6, ':').collect();
    if pattern_parts.len() < 6 || text_parts.len() < 6 {
        return glob(pattern, arn);
    }
    pattern_parts
        .iter()
        .zip(&text_parts)
        .all(|(p, t)| glob(p, t))
}

/// A pattern's tokens split at its first five literal colons.
fn split_tokens(pattern: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::with_capacity(6);
    let mut start = 0;
    for (i, token) in pattern.iter().enumerate() {
        if parts.len() == 5 {
            break;
        }
        if *token == Token::Char(':') {
            parts.push(&pattern[start..i]);
            start = i + 1;
        }
    }
    parts.push(&pattern[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_and_question_mark() {
        assert!(glob_str("data/*", "data/"));
        assert!(glob_str("data/*", "data/a/b"));
        assert!(!glob_str("data/*", "data"));
        assert!(!glob_str("data/*", "databackup/"));
        assert!(glob_str("a?c", "abc"));
        assert!(!glob_str("a?c", "ac"));
        assert!(glob_str("*a*b*", "xxaxxbxx"));
        assert!(!glob_str("*a*b*", "xxbxxaxx"));
    }

    #[test]
    fn actions_ignore_case_and_resources_do_not() {
        assert!(action_matches("S3:get*", "s3:GetObject"));
        assert!(action_matches("s3:*Object", "s3:PutObject"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(!glob_str("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/k"));
    }

    #[test]
    fn arn_parts_match_separately() {
        let p = tokens("arn:aws:iam::*:role/admin");
        assert!(arn_matches(&p, "arn:aws:iam::111122223333:role/admin"));
        let p = tokens("arn:aws:s3:::bucket/*");
        assert!(arn_matches(&p, "arn:aws:s3:::bucket/a:b/c"));
        let p = tokens("arn:*:s3:::b");
        assert!(!arn_matches(&p, "arn:aws:iam:x:s3:::b"));
    }

    proptest::proptest! {
        /// The allocation-free matcher agrees with the token matcher.
        #[test]
        fn both_matchers_agree(pattern in "[ab:/é*?]{0,10}", text in "[ab:/é]{0,12}") {
            proptest::prop_assert_eq!(glob_str(&pattern, &text), glob(&tokens(&pattern), &text));
            proptest::prop_assert_eq!(arn_matches_str(&pattern, &text), arn_matches(&tokens(&pattern), &text));
            let upper = text.to_ascii_uppercase();
            proptest::prop_assert_eq!(action_matches(&pattern, &upper), pattern == "*" || glob_ignore_case(&tokens(&pattern), &upper));
        }
    }

    #[test]
    fn many_stars_do_not_blow_up() {
        let pattern = "*a".repeat(40) + "b";
        let text = "a".repeat(200);
        assert!(!glob_str(&pattern, &text));
    }
}
