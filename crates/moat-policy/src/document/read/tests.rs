#![allow(clippy::unwrap_used)]
use super::*;

fn messages(text: &str) -> Vec<String> {
    let (_, diagnostics) = read("p.json", text);
    diagnostics
        .iter()
        .map(|d| {
            let at = d
                .location
                .as_ref()
                .map_or(String::new(), |l| format!("{}:{}: ", l.line, l.col));
            format!("{at}{}", d.message)
        })
        .collect()
}

#[test]
fn every_element_form_is_read() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
      {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:role/R"], "Service": "s3.amazonaws.com"},
       "NotAction": "s3:Delete*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
       "Condition": {"Bool": {"aws:SecureTransport": true}, "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", "b"]}}},
      {"Effect": "Deny", "NotPrincipal": "*", "Action": "*", "NotResource": "*"}]}"#;
    let (policy, diagnostics) = read("p.json", text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let policy = policy.unwrap();
    assert_eq!(policy.statements.len(), 2);
    let first = &policy.statements[0];
    assert_eq!(first.principal.as_ref().unwrap().entries.len(), 3);
    assert!(first.action.negated);
    assert_eq!(first.conditions.len(), 2);
    assert_eq!(first.conditions[0].values[0].value, "true");
    assert_eq!(policy.statements[1].label(), "#2");
}

#[test]
fn mistakes_are_located_and_reading_goes_on() {
    let text = "{\"Version\": \"2012-10-17\", \"Statement\": [\n {\"Effect\": \"Alow\", \"Action\": \"s3:*\"},\n {\"Effect\": \"Allow\", \"Acton\": \"s3:*\"},\n {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Condition\": {\"StringEqual\": {\"a\": \"b\"}}}]}";
    let shown = messages(text);
    assert_eq!(
        shown,
        [
            "2:13: `Effect` must be `Allow` or `Deny`, not `Alow`",
            "3:22: unknown statement element `Acton`",
            "3:2: the statement has no `Action` or `NotAction`",
            "4:54: unknown condition operator `StringEqual`",
        ]
    );
}

#[test]
fn both_forms_and_string_principals_are_refused() {
    let shown = messages(
        r#"{"Statement": {"Effect": "Allow", "Action": "a:b", "NotAction": "a:c", "Principal": "111122223333"}}"#,
    );
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown[0].contains("`Action` or `NotAction`, not both"));
    assert!(shown[1].contains("must be `*`"));
}

#[test]
fn malformed_json_is_a_located_error() {
    let shown = messages("{\"Statement\": [\n  {\"Effect\": \"Allow\",, }]}");
    assert_eq!(shown.len(), 1);
    assert!(shown[0].starts_with("2:"), "{shown:?}");
}
