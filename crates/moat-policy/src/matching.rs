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

/// Fast path for patterns without variables: plain text against plain text.
pub fn glob_str(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == text;
    }
    glob(&tokens(pattern), text)
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
    glob_ignore_case(&tokens(pattern), action)
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

    #[test]
    fn many_stars_do_not_blow_up() {
        let pattern = "*a".repeat(40) + "b";
        let text = "a".repeat(200);
        assert!(!glob_str(&pattern, &text));
    }
}
