//! Condition operators: `[ForAnyValue:|ForAllValues:]<Base>[IfExists]`.

use serde::Serialize;

/// What an operator compares, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum OperatorFamily {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

use OperatorFamily as F;

/// Every base operator, by its IAM name.
pub const OPERATORS: &[(&str, OperatorFamily)] = &[
    ("StringEquals", F::StringEquals),
    ("StringNotEquals", F::StringNotEquals),
    ("StringEqualsIgnoreCase", F::StringEqualsIgnoreCase),
    ("StringNotEqualsIgnoreCase", F::StringNotEqualsIgnoreCase),
    ("StringLike", F::StringLike),
    ("StringNotLike", F::StringNotLike),
    ("NumericEquals", F::NumericEquals),
    ("NumericNotEquals", F::NumericNotEquals),
    ("NumericLessThan", F::NumericLessThan),
    ("NumericLessThanEquals", F::NumericLessThanEquals),
    ("NumericGreaterThan", F::NumericGreaterThan),
    ("NumericGreaterThanEquals", F::NumericGreaterThanEquals),
    ("DateEquals", F::DateEquals),
    ("DateNotEquals", F::DateNotEquals),
    ("DateLessThan", F::DateLessThan),
    ("DateLessThanEquals", F::DateLessThanEquals),
    ("DateGreaterThan", F::DateGreaterThan),
    ("DateGreaterThanEquals", F::DateGreaterThanEquals),
    ("Bool", F::Bool),
    ("BinaryEquals", F::BinaryEquals),
    ("IpAddress", F::IpAddress),
    ("NotIpAddress", F::NotIpAddress),
    ("ArnEquals", F::ArnEquals),
    ("ArnLike", F::ArnLike),
    ("ArnNotEquals", F::ArnNotEquals),
    ("ArnNotLike", F::ArnNotLike),
    ("Null", F::Null),
];

impl OperatorFamily {
    pub fn name(self) -> &'static str {
        OPERATORS
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }

    /// The negated operators hold when the key matches none of the values,
    /// and hold when the key is absent.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            F::StringNotEquals
                | F::StringNotEqualsIgnoreCase
                | F::StringNotLike
                | F::NumericNotEquals
                | F::DateNotEquals
                | F::NotIpAddress
                | F::ArnNotEquals
                | F::ArnNotLike
        )
    }

    /// The operator this one negates (`StringNotLike` -> `StringLike`).
    pub fn positive(self) -> OperatorFamily {
        match self {
            F::StringNotEquals => F::StringEquals,
            F::StringNotEqualsIgnoreCase => F::StringEqualsIgnoreCase,
            F::StringNotLike => F::StringLike,
            F::NumericNotEquals => F::NumericEquals,
            F::DateNotEquals => F::DateEquals,
            F::NotIpAddress => F::IpAddress,
            F::ArnNotEquals => F::ArnEquals,
            F::ArnNotLike => F::ArnLike,
            other => other,
        }
    }

    /// Whether policy variables in its values are expanded: IAM expands them
    /// for the string and ARN operators only.
    pub fn takes_variables(self) -> bool {
        matches!(
            self.positive(),
            F::StringEquals | F::StringEqualsIgnoreCase | F::StringLike | F::ArnEquals | F::ArnLike
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// A parsed operator name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    pub family: OperatorFamily,
    /// `...IfExists`: holds when the key is absent.
    pub if_exists: bool,
}

/// How a name differs from IAM's spelling, when it is read anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spelling {
    Exact,
    /// Read without regard to case; the documented spelling is given.
    Case(String),
}

impl Operator {
    /// Parses `name`, accepting case variants (reported by the reader).
    pub fn parse(name: &str) -> Option<(Operator, Spelling)> {
        let (qualifier, rest) = match name.split_once(':') {
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAnyValue") => {
                (Some(SetQualifier::ForAnyValue), rest)
            }
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAllValues") => {
                (Some(SetQualifier::ForAllValues), rest)
            }
            Some(_) => return None,
            None => (None, name),
        };
        let lower = rest.to_ascii_lowercase();
        let (base, if_exists) = match lower.strip_suffix("ifexists") {
            Some(base) => (base, true),
            None => (lower.as_str(), false),
        };
        let family = OPERATORS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(base))
            .map(|(_, f)| *f)?;
        // `NullIfExists` is meaningless: Null already asks about presence.
        if family == F::Null && if_exists {
            return None;
        }
        let operator = Operator {
            qualifier,
            family,
            if_exists,
        };
        let canonical = operator.name();
        let spelling = if canonical == name {
            Spelling::Exact
        } else {
            Spelling::Case(canonical)
        };
        Some((operator, spelling))
    }

    /// IAM's spelling, e.g. `ForAnyValue:StringLikeIfExists`.
    pub fn name(&self) -> String {
        let qualifier = match self.qualifier {
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            None => "",
        };
        let suffix = if self.if_exists { "IfExists" } else { "" };
        format!("{qualifier}{}{suffix}", self.family.name())
    }

    /// Every operator name IAM documents, for "did you mean".
    pub fn known_names() -> Vec<String> {
        let mut names = Vec::new();
        for (name, family) in OPERATORS {
            names.push((*name).to_string());
            if *family != F::Null {
                names.push(format!("{name}IfExists"));
            }
        }
        let bases = names.clone();
        for q in ["ForAnyValue:", "ForAllValues:"] {
            names.extend(bases.iter().map(|n| format!("{q}{n}")));
        }
        names
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn qualifiers_and_if_exists_are_read() {
        let (op, spelling) = Operator::parse("ForAllValues:StringLikeIfExists").unwrap();
        assert_eq!(op.qualifier, Some(SetQualifier::ForAllValues));
        assert_eq!(op.family, F::StringLike);
        assert!(op.if_exists);
        assert_eq!(spelling, Spelling::Exact);
    }

    #[test]
    fn case_variants_are_read_with_the_documented_spelling() {
        let (op, spelling) = Operator::parse("stringequals").unwrap();
        assert_eq!(op.family, F::StringEquals);
        assert_eq!(spelling, Spelling::Case("StringEquals".into()));
    }

    #[test]
    fn unknown_names_and_null_if_exists_are_refused() {
        assert!(Operator::parse("StringEqual").is_none());
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("ForSomeValues:StringEquals").is_none());
        assert!(Operator::known_names().contains(&"ForAnyValue:ArnLikeIfExists".to_string()));
    }
}
