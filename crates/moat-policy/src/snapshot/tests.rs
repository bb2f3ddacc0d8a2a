#![allow(clippy::unwrap_used)]
use super::read::percent_decode;
use super::*;
use moat_source::SourceFile;

#[test]
fn url_encoding_is_decoded() {
    assert_eq!(
        percent_decode("%7B%22a%22%3A%201%7D", false).unwrap(),
        r#"{"a": 1}"#
    );
    // A `%` that starts no escape is kept, and `+` is a plus unless asked.
    assert_eq!(percent_decode("100%+x", false).unwrap(), "100%+x");
    assert_eq!(percent_decode("a+b", true).unwrap(), "a b");
    assert!(percent_decode("%FF", false).is_err());
}

#[test]
fn plus_as_space_is_tried_when_the_text_does_not_parse_otherwise() {
    let text = r#"{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
      "AssumeRolePolicyDocument": "%7B%22Version%22%3A+%222012-10-17%22%2C+%22Statement%22%3A+%5B%7B%22Effect%22%3A+%22Allow%22%2C+%22Principal%22%3A+%7B%22Service%22%3A+%22ec2.amazonaws.com%22%7D%2C+%22Action%22%3A+%22sts%3AAssumeRole%22%7D%5D%7D"}]}"#;
    let (snapshot, diagnostics) = read_snapshot(&SourceFile::new("s.json", text));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let trust = snapshot.roles[0].trust.as_ref().unwrap();
    assert_eq!(trust.policy.statements.len(), 1);
    assert_eq!(snapshot.account.as_deref(), Some("111122223333"));
}

#[test]
fn not_an_authorization_details_file() {
    let (_, diagnostics) =
        read_snapshot(&SourceFile::new("s.json", r#"{"Version": "2012-10-17"}"#));
    let shown: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
    assert!(
        shown
            .iter()
            .any(|m| m
                .contains("this is not the output of `aws iam get-account-authorization-details`")),
        "{shown:?}"
    );
}
