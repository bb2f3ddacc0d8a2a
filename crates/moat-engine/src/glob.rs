//! `*` and `?` wildcards, as decisions select threats and targets.

pub fn has_wildcards(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether `text` matches `pattern` as a whole (`*`: any run of characters,
/// `?`: one character). Linear backtracking on the last `*`, so no input is slow.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn wildcards() {
        assert!(matches("s3-*", "s3-bucket"));
        assert!(matches("*", ""));
        assert!(matches("T-S3-00?", "T-S3-001"));
        assert!(!matches("T-S3-00?", "T-S3-0012"));
        assert!(matches("*bucket*", "raw bucket (eu)"));
        assert!(!matches("s3-*", "kms"));
        assert!(matches("a*b*c", "axxbyyc"));
        assert!(!matches("a*b*c", "axxbyy"));
    }

    proptest! {
        #[test]
        fn a_pattern_without_wildcards_matches_only_itself(a in "[a-z-]{0,8}", b in "[a-z-]{0,8}") {
            prop_assert_eq!(matches(&a, &b), a == b);
        }

        #[test]
        fn a_star_matches_any_text(prefix in "[a-z]{0,4}", rest in "\\PC{0,12}") {
            let pattern = format!("{prefix}*");
            let text = format!("{prefix}{rest}");
            prop_assert!(matches(&pattern, &text));
        }
    }
}
