//! What a wildcard pattern admits, shown by example: `data/*` admits `data/`
//! and `data/a/b`, never `data` or `databackup/`. Every example is checked
//! against the matcher before it is returned.

use crate::matching::glob_str;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatternExamples {
    pub pattern: String,
    /// Strings the pattern matches.
    pub admits: Vec<String>,
    /// Near misses: strings a reader might expect it to match, which it does not.
    pub rejects: Vec<String>,
}

/// Examples of what `pattern` (`*` and `?` wildcards, as `StringLike` and
/// resource ARNs use them) admits and rejects, at most `limit` of each.
pub fn pattern_examples(pattern: &str, limit: usize) -> PatternExamples {
    let fill = |star: &str| -> String {
        pattern
            .chars()
            .map(|c| match c {
                '*' => star.to_string(),
                '?' => "x".to_string(),
                c => c.to_string(),
            })
            .collect()
    };
    let mut admits = Vec::new();
    for star in ["", "a/b", "x"] {
        let s = fill(star);
        if glob_str(pattern, &s) && !admits.contains(&s) {
            admits.push(s);
        }
    }
    // Near misses, most telling first: next to each `*`, the literal
    // character before it dropped (`data`) or text slipped in before it
    // (`databackup/`); then the same at every other literal character.
    let base = fill("");
    let chars: Vec<char> = base.chars().collect();
    let mut positions: Vec<usize> = Vec::new();
    let mut at = 0;
    for c in pattern.chars() {
        if c == '*' {
            if at > 0 {
                positions.push(at - 1);
            }
        } else {
            at += 1;
        }
    }
    positions.extend((0..chars.len()).rev());
    let mut rejects: Vec<String> = Vec::new();
    for i in positions {
        let mut removed = chars.clone();
        removed.remove(i);
        let mut inserted = chars.clone();
        for (k, c) in "backup".chars().enumerate() {
            inserted.insert(i + k, c);
        }
        for candidate in [removed, inserted] {
            let candidate: String = candidate.into_iter().collect();
            if !candidate.is_empty()
                && !glob_str(pattern, &candidate)
                && !rejects.contains(&candidate)
            {
                rejects.push(candidate);
            }
        }
    }
    admits.truncate(limit);
    rejects.truncate(limit);
    PatternExamples {
        pattern: pattern.to_string(),
        admits,
        rejects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_prefix_example() {
        let e = pattern_examples("data/*", 3);
        assert!(e.admits.contains(&"data/".to_string()));
        assert!(e.admits.contains(&"data/a/b".to_string()));
        assert!(e.rejects.contains(&"data".to_string()), "{e:?}");
        assert!(
            e.rejects
                .iter()
                .any(|r| r.starts_with("data") && !r.starts_with("data/")),
            "{e:?}"
        );
    }

    proptest! {
        #[test]
        fn examples_are_true(pattern in "[a-c/*?]{0,8}") {
            let e = pattern_examples(&pattern, 5);
            for a in &e.admits {
                prop_assert!(glob_str(&pattern, a));
            }
            for r in &e.rejects {
                prop_assert!(!glob_str(&pattern, r));
            }
        }
    }
}
