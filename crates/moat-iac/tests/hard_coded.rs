#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Literal Regions and account ids: found in the raw template however an ARN
//! is written, with the property path and how to name the place.

mod common;

fn found(text: &str) -> Vec<(String, String, String, String)> {
    let (inv, _) = common::load(text);
    inv.hard_coded
        .iter()
        .map(|h| {
            (
                h.kind.to_string(),
                h.value.clone(),
                h.property.clone(),
                h.place.clone(),
            )
        })
        .collect()
}

fn row(kind: &str, value: &str, property: &str, place: &str) -> (String, String, String, String) {
    (kind.into(), value.into(), property.into(), place.into())
}

#[test]
fn an_account_after_a_region_placeholder_in_a_sub() {
    let text = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !Sub 'arn:aws:s3:${AWS::Region}:123456789012:accesspoint/reports/object/*'\n";
    assert_eq!(
        found(text),
        [row(
            "account",
            "123456789012",
            "PolicyDocument.Statement[].Resource",
            "an ARN"
        )]
    );
}

#[test]
fn partition_placeholders_and_joins_are_read_as_arns() {
    let text = r#"
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub 'arn:${AWS::Partition}:iam::111122223333:root'
            Action: kms:Decrypt
            Resource: '*'
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmActions:
        - !Join ['', ['arn:', !Ref AWS::Partition, ':sns:eu-west-1:', '444455556666', ':alerts']]
"#;
    assert_eq!(
        found(text),
        [
            row(
                "account",
                "111122223333",
                "KeyPolicy.Statement[].Principal.AWS",
                "a policy principal"
            ),
            row("region", "eu-west-1", "AlarmActions[]", "an ARN"),
            row("account", "444455556666", "AlarmActions[]", "an ARN"),
        ]
    );
}

#[test]
fn pseudo_parameters_and_parameters_are_not_hard_coded() {
    let text = r#"
Parameters:
  Partner:
    Type: String
Resources:
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmActions:
        - !Join [':', ['arn', !Ref AWS::Partition, 'sns', !Ref AWS::Region, !Ref AWS::AccountId, 'alerts']]
        - !Sub 'arn:${AWS::Partition}:sns:${AWS::Region}:${Partner}:alerts'
        - !Sub ['arn:aws:sns:${AWS::Region}:${Acct}:alerts', {Acct: !Ref Partner}]
"#;
    assert!(found(text).is_empty(), "{:?}", found(text));
}

#[test]
fn account_valued_keys_and_unquoted_ids() {
    let text = "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      ReplicationConfiguration:\n        Role: !GetAtt R.Arn\n        Rules:\n          - Status: Enabled\n            Destination:\n              Bucket: arn:aws:s3:::replica\n              Account: 444455556666\n  R:\n    Type: AWS::IAM::Role\n";
    assert_eq!(
        found(text),
        [row(
            "account",
            "444455556666",
            "ReplicationConfiguration.Rules[].Destination.Account",
            "`Account`"
        )]
    );
}

#[test]
fn a_sub_variable_is_read_where_it_is_written() {
    let text = "Resources:\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmActions:\n        - !Sub ['arn:aws:sns:${Where}:${AWS::AccountId}:alerts', {Where: 'not-a-region'}]\n        - !Sub ['${Arn}', {Arn: 'arn:aws:sns:us-west-2:${AWS::AccountId}:alerts'}]\n";
    let (inv, _) = common::load(text);
    let hits: Vec<(&str, &str)> = inv
        .hard_coded
        .iter()
        .map(|h| (h.value.as_str(), common::at(&inv, h.span)))
        .collect();
    assert_eq!(
        hits,
        [(
            "us-west-2",
            "'arn:aws:sns:us-west-2:${AWS::AccountId}:alerts'"
        )]
    );
}
