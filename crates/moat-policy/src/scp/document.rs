//! The JSON of deny statements and policy documents, and their size as AWS
//! Organizations measures it.

use serde_json::{Value, json};

/// One deny statement. `exempt` principals (ARN patterns) are left out with
/// `ArnNotLike` on `aws:PrincipalArn`; several values of a negated operator
/// apply together (NOR), so a principal matching any of them is exempt.
pub fn statement(sid: &str, actions: &[String], exempt: &[String]) -> Value {
    let mut statement = json!({
        "Sid": sid,
        "Effect": "Deny",
        "Action": actions,
        "Resource": "*",
    });
    let arns = match exempt {
        [] => None,
        [one] => Some(json!(one)),
        many => Some(json!(many)),
    };
    if let (Some(arns), Some(map)) = (arns, statement.as_object_mut()) {
        map.insert(
            "Condition".to_string(),
            json!({"ArnNotLike": {"aws:PrincipalArn": arns}}),
        );
    }
    statement
}

/// A policy document holding `statements`.
pub fn document(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The length of `value` minified, as AWS Organizations counts a policy.
pub fn minified_len(value: &Value) -> usize {
    serde_json::to_string(value)
        .map(|s| s.len())
        .unwrap_or(usize::MAX)
}

/// The length of `text` as a JSON string, quotes and escapes included.
pub(super) fn json_len(text: &str) -> usize {
    serde_json::to_string(text)
        .map(|s| s.len())
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_exempt_roles_make_one_list() {
        let one = statement("S", &["s3:A".to_string()], &["arn:a".to_string()]);
        assert_eq!(
            one["Condition"],
            json!({"ArnNotLike": {"aws:PrincipalArn": "arn:a"}})
        );
        let two = statement(
            "S",
            &["s3:A".to_string()],
            &["arn:a".to_string(), "arn:b".to_string()],
        );
        assert_eq!(
            two["Condition"],
            json!({"ArnNotLike": {"aws:PrincipalArn": ["arn:a", "arn:b"]}})
        );
        assert!(statement("S", &[], &[]).get("Condition").is_none());
    }
}
