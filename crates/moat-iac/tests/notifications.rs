#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Notifications configured outside the bucket: by the CDK's
//! `Custom::S3BucketNotifications` resource and by SAM `S3` events.

mod common;

use moat_iac::Value;

fn targets(bucket: &moat_iac::inventory::Bucket) -> Vec<(&'static str, String, String)> {
    bucket
        .notifications
        .get()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n.kind,
                n.target.get().cloned().unwrap_or_default(),
                n.event.get().cloned().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn the_cdk_custom_resource_configures_the_bucket_it_names() {
    // the custom resource comes first: it is attached after every resource is read
    let text = r#"
Resources:
  Notifications:
    Type: Custom::S3BucketNotifications
    Properties:
      ServiceToken: !GetAtt Handler.Arn
      BucketName: !Ref Data
      NotificationConfiguration:
        TopicConfigurations:
          - Events: [s3:ObjectRemoved:*, s3:ObjectRestore:Completed]
            TopicArn: !Ref Alerts
        LambdaFunctionConfigurations:
          - Events: [s3:ObjectCreated:*]
            LambdaFunctionArn: !GetAtt Handler.Arn
        EventBridgeConfiguration: {}
      Managed: true
  Data:
    Type: AWS::S3::Bucket
  Other:
    Type: AWS::S3::Bucket
  Alerts:
    Type: AWS::SNS::Topic
  Handler:
    Type: AWS::Lambda::Function
"#;
    let (inv, diags) = common::load(text);
    assert!(diags.is_empty(), "{diags:?}");
    let data = common::bucket(&inv, "Data");
    assert_eq!(
        targets(data),
        [
            (
                "sns",
                "arn:aws:sns:{AWS::Region}:000000000000:{Alerts}".into(),
                "s3:ObjectRemoved:*".into()
            ),
            (
                "sns",
                "arn:aws:sns:{AWS::Region}:000000000000:{Alerts}".into(),
                "s3:ObjectRestore:Completed".into()
            ),
            (
                "lambda",
                "arn:aws:lambda:{AWS::Region}:000000000000:function:{Handler}".into(),
                "s3:ObjectCreated:*".into()
            ),
        ]
    );
    assert_eq!(data.eventbridge.get(), Some(&true));
    let other = common::bucket(&inv, "Other");
    assert!(other.notifications.is_absent());
    assert!(other.eventbridge.is_absent());
}

#[test]
fn a_sam_s3_event_is_a_lambda_notification_per_event_type() {
    let text = r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Images:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        QueueConfigurations:
          - Event: s3:ObjectRemoved:*
            Queue: arn:aws:sqs:us-east-1:111122223333:deletions
  Resize:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: resize
      Handler: app.handler
      Runtime: python3.12
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Images
            Events: s3:ObjectCreated:*
        Api:
          Type: Api
          Properties:
            Path: /
            Method: get
"#;
    let (inv, _) = common::load(text);
    assert_eq!(
        targets(common::bucket(&inv, "Images")),
        [
            (
                "sqs",
                "arn:aws:sqs:us-east-1:111122223333:deletions".into(),
                "s3:ObjectRemoved:*".into()
            ),
            (
                "lambda",
                "arn:aws:lambda:{AWS::Region}:000000000000:function:resize".into(),
                "s3:ObjectCreated:*".into()
            ),
        ]
    );
}

#[test]
fn a_bucket_only_the_deployment_names_leaves_every_bucket_undecided() {
    let text = "Parameters:\n  Target:\n    Type: String\nResources:\n  A:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      NotificationConfiguration:\n        EventBridgeConfiguration:\n          EventBridgeEnabled: true\n  N:\n    Type: Custom::S3BucketNotifications\n    Properties:\n      BucketName: !ImportValue shared-bucket\n      NotificationConfiguration:\n        EventBridgeConfiguration: {}\n";
    let (inv, _) = common::load(text);
    let a = common::bucket(&inv, "A");
    assert!(
        a.notifications
            .reason()
            .unwrap()
            .contains("Fn::ImportValue")
    );
    assert!(matches!(a.eventbridge, Value::Unknown { .. }));
    // B configures its own and keeps it
    assert_eq!(common::bucket(&inv, "B").eventbridge.get(), Some(&true));
}
