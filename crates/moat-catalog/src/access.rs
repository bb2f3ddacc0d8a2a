//! The IAM permissions a threat needs, in the shape TrustOnCloud's `access`
//! uses: `{UNIQUE: a}`, `{AND: [...]}`, `{OR: [...]}`, `{OPTIONAL: ...}`, where
//! list items are actions or nested expressions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Access {
    /// One action, written `{UNIQUE: s3:GetObject}` at the top or bare inside a list.
    #[serde(rename = "UNIQUE")]
    Unique(String),
    #[serde(rename = "AND")]
    And(Vec<Access>),
    #[serde(rename = "OR")]
    Or(Vec<Access>),
    /// Helps the attacker but is not required.
    #[serde(rename = "OPTIONAL")]
    Optional(Box<Access>),
}

impl Access {
    /// Reads an expression; `Ok(None)` for the empty mapping (no permission needed).
    pub fn from_value(value: &Value) -> Result<Option<Access>, String> {
        match value {
            Value::Object(map) if map.is_empty() => Ok(None),
            Value::Null => Ok(None),
            other => Self::read(other, 0).map(Some),
        }
    }

    fn read(value: &Value, depth: usize) -> Result<Access, String> {
        // our catalogs nest two or three levels; a deep nest is a broken file
        if depth > 32 {
            return Err("access expression nests too deeply".to_string());
        }
        match value {
            Value::String(action) if !action.trim().is_empty() => {
                Ok(Access::Unique(action.trim().to_string()))
            }
            Value::Object(map) if map.len() == 1 => {
                let Some((key, inner)) = map.iter().next() else {
                    return Err("empty access expression".to_string());
                };
                match key.as_str() {
                    "UNIQUE" => match inner {
                        Value::String(action) if !action.trim().is_empty() => {
                            Ok(Access::Unique(action.trim().to_string()))
                        }
                        other => Err(format!("`UNIQUE` takes one action, found `{other}`")),
                    },
                    "OPTIONAL" => Ok(Access::Optional(Box::new(Self::read(inner, depth + 1)?))),
                    "AND" | "OR" => {
                        let Value::Array(items) = inner else {
                            return Err(format!("`{key}` takes a list, found `{inner}`"));
                        };
                        if items.is_empty() {
                            return Err(format!("`{key}` has an empty list"));
                        }
                        let parts = items
                            .iter()
                            .map(|item| Self::read(item, depth + 1))
                            .collect::<Result<Vec<_>, _>>()?;
                        Ok(if key == "AND" {
                            Access::And(parts)
                        } else {
                            Access::Or(parts)
                        })
                    }
                    other => Err(format!(
                        "unknown access operator `{other}` (expected `UNIQUE`, `AND`, `OR` or `OPTIONAL`)"
                    )),
                }
            }
            other => Err(format!(
                "an access expression is an action or a one-key mapping, found `{other}`"
            )),
        }
    }

    /// Every action named, in order of appearance.
    pub fn actions(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Access::Unique(action) => out.push(action),
            Access::And(parts) | Access::Or(parts) => parts.iter().for_each(|p| p.collect(out)),
            Access::Optional(inner) => inner.collect(out),
        }
    }
}

impl std::fmt::Display for Access {
    /// `s3:PutObject AND (s3:PutObjectAcl)?`, for text reports.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn join(f: &mut std::fmt::Formatter<'_>, parts: &[Access], op: &str) -> std::fmt::Result {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    write!(f, " {op} ")?;
                }
                match part {
                    Access::And(_) | Access::Or(_) => write!(f, "({part})")?,
                    _ => write!(f, "{part}")?,
                }
            }
            Ok(())
        }
        match self {
            Access::Unique(action) => f.write_str(action),
            Access::And(parts) => join(f, parts, "AND"),
            Access::Or(parts) => join(f, parts, "OR"),
            Access::Optional(inner) => write!(f, "optional({inner})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_trustoncloud_shapes() {
        let value = json!({"AND": ["s3:PutObject", {"OPTIONAL": "s3:PutObjectAcl"}]});
        let access = Access::from_value(&value).unwrap().unwrap();
        assert_eq!(access.actions(), ["s3:PutObject", "s3:PutObjectAcl"]);
        assert_eq!(
            access.to_string(),
            "s3:PutObject AND optional(s3:PutObjectAcl)"
        );
        assert_eq!(Access::from_value(&json!({})).unwrap(), None);
        let unique = Access::from_value(&json!({"UNIQUE": "s3:GetObject"})).unwrap();
        assert_eq!(unique, Some(Access::Unique("s3:GetObject".into())));
    }

    #[test]
    fn rejects_malformed_expressions() {
        for bad in [
            json!({"XOR": ["a"]}),
            json!({"AND": []}),
            json!({"AND": "s3:GetObject"}),
            json!({"UNIQUE": ["a"]}),
            json!(3),
            json!({"AND": ["a"], "OR": ["b"]}),
        ] {
            assert!(Access::from_value(&bad).is_err(), "{bad}");
        }
    }
}
