//! Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`)
//! and the escapes `${*}`, `${?}`, `${$}`, expanded against a request's
//! context. Only policies in the `2012-10-17` language have variables.

use crate::matching::Token;
use crate::request::Context;

/// One piece of a value that may hold variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// A literal character from `${*}`, `${?}` or `${$}`.
    Escaped(char),
    Variable {
        key: &'a str,
        default: Option<&'a str>,
    },
}

/// Splits `text` into pieces; `None` when it has no variable syntax at all
/// (the common case, which then matches as plain text).
pub fn pieces(text: &str) -> Option<Vec<Piece<'_>>> {
    if !text.contains("${") {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        let inner = &rest[start + 2..start + len];
        out.push(match inner {
            "*" => Piece::Escaped('*'),
            "?" => Piece::Escaped('?'),
            "$" => Piece::Escaped('$'),
            _ => variable(inner),
        });
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Some(out)
}

/// `key` or `key, 'default'`.
fn variable(inner: &str) -> Piece<'_> {
    if let Some((key, default)) = inner.split_once(',') {
        let default = default.trim();
        if let Some(value) = default
            .strip_prefix('\'')
            .and_then(|d| d.strip_suffix('\''))
        {
            return Piece::Variable {
                key: key.trim(),
                default: Some(value),
            };
        }
    }
    Piece::Variable {
        key: inner.trim(),
        default: None,
    }
}

/// The value's tokens for wildcard matching, with variables replaced by their
/// values as literal text (a `*` in a user name is not a wildcard). `None`
/// when a variable has no value and no default: IAM then treats the element
/// as not matching.
pub fn expand(pieces: &[Piece<'_>], context: &Context, wildcards: bool) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => {
                for c in text.chars() {
                    out.push(match c {
                        '*' if wildcards => Token::AnyRun,
                        '?' if wildcards => Token::AnyOne,
                        c => Token::Char(c),
                    });
                }
            }
            Piece::Escaped(c) => out.push(Token::Char(*c)),
            Piece::Variable { key, default } => {
                let value = match context.single(key) {
                    Some(value) => value,
                    None => (*default)?,
                };
                out.extend(value.chars().map(Token::Char));
            }
        }
    }
    Some(out)
}

/// The value as plain text (for exact comparisons), or `None` as in [`expand`].
pub fn expand_text(pieces: &[Piece<'_>], context: &Context) -> Option<String> {
    let tokens = expand(pieces, context, false)?;
    Some(
        tokens
            .into_iter()
            .map(|t| match t {
                Token::Char(c) => c,
                Token::AnyRun => '*',
                Token::AnyOne => '?',
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::matching::glob;

    fn context() -> Context {
        let mut c = Context::default();
        c.insert("aws:username", vec!["alice*".into()], false);
        c
    }

    #[test]
    fn variables_expand_to_literal_text() {
        let p = pieces("arn:aws:s3:::b/${aws:username}/*").unwrap();
        let t = expand(&p, &context(), true).unwrap();
        assert!(glob(&t, "arn:aws:s3:::b/alice*/x"));
        assert!(!glob(&t, "arn:aws:s3:::b/alicebob/x"));
    }

    #[test]
    fn missing_variables_use_the_default_or_fail() {
        let p = pieces("${aws:PrincipalTag/team, 'none'}").unwrap();
        assert_eq!(expand_text(&p, &context()).unwrap(), "none");
        let p = pieces("${aws:PrincipalTag/team}").unwrap();
        assert!(expand_text(&p, &context()).is_none());
    }

    #[test]
    fn escapes_are_literal() {
        let p = pieces("a${*}b${?}${$}").unwrap();
        let t = expand(&p, &context(), true).unwrap();
        assert!(glob(&t, "a*b?$"));
        assert!(!glob(&t, "axb?$"));
    }
}
