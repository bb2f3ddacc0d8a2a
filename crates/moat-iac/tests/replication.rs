#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Replication rules: each enabled rule's destination bucket, account and
//! replica owner, with the places they are written.

mod common;

#[test]
fn destinations_keep_bucket_account_and_owner() {
    let text = r#"
Parameters:
  VaultAccount:
    Type: String
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      ReplicationConfiguration:
        Role: !GetAtt Replication.Arn
        Rules:
          - Id: to-vault
            Status: Enabled
            Destination:
              Bucket: arn:aws:s3:::vault-replica
              Account: !Ref VaultAccount
              AccessControlTranslation:
                Owner: Destination
          - Id: off
            Status: Disabled
            Destination:
              Bucket: arn:aws:s3:::old-replica
          - Id: local
            Status: Enabled
            Destination:
              Bucket: !GetAtt Copy.Arn
  Copy:
    Type: AWS::S3::Bucket
  Replication:
    Type: AWS::IAM::Role
"#;
    let (inv, _) = common::load(text);
    let replication = common::bucket(&inv, "Data").replication.get().unwrap();
    let [vault, local] = replication.destinations.as_slice() else {
        panic!("{:?}", replication.destinations)
    };
    assert_eq!(vault.bucket.get().unwrap(), "arn:aws:s3:::vault-replica");
    assert!(vault.account.reason().unwrap().contains("VaultAccount"));
    assert_eq!(
        common::at(&inv, vault.account.span().unwrap()),
        "!Ref VaultAccount"
    );
    assert_eq!(vault.owner.get().unwrap(), "Destination");
    assert_eq!(local.bucket.get().unwrap(), "arn:aws:s3:::{Copy}");
    assert!(local.account.is_absent());
    assert!(local.owner.is_absent());
}

#[test]
fn rules_only_the_deployment_knows_leave_replication_unknown() {
    let text = "Parameters:\n  Replicate:\n    Type: String\nConditions:\n  On: !Equals [!Ref Replicate, 'yes']\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      ReplicationConfiguration:\n        Role: arn:aws:iam::111122223333:role/r\n        Rules: !If [On, [{Status: Enabled, Destination: {Bucket: arn:aws:s3:::x}}], []]\n";
    let (inv, _) = common::load(text);
    assert!(common::bucket(&inv, "Data").replication.is_unknown());
}
