use crate::check::{Category, CdkFix, Check, Severity};
use moat_iac::{Inventory, Value};

pub static CHECK: Check = Check {
    id: "CHK-S3-041",
    title: "Customer managed key without automatic rotation",
    category: Category::ImplementationFlaw,
    severity: Severity::Medium,
    controls: &["C-S3-037"],
    proves: &["C-S3-037"],
    security_hub: &["KMS.4"],
    doc: "## What it does\nFails symmetric encryption KMS keys (`AWS::KMS::Key` with `KeySpec` absent or `SYMMETRIC_DEFAULT`) whose `EnableKeyRotation` is absent or `false` (absent means off). Asymmetric and HMAC keys (any other `KeySpec`) and keys with imported key material (`Origin: EXTERNAL`) are not applicable: KMS cannot rotate them automatically.\n\n## Why is this bad?\nWithout rotation, every data key S3 gets for SSE-KMS for the life of the key is protected by the same key material. Automatic rotation creates new key material every year (or every `RotationPeriodInDays`, 90 to 2560) and keeps the old material for decryption, so nothing needs re-encrypting and less data depends on any one version of the material.\n\n## Example\n```yaml\nDataKey:\n  Type: AWS::KMS::Key\n  Properties:\n    KeyPolicy: ...\n```\n\n## Remediation\nSet `EnableKeyRotation: true` (optionally `RotationPeriodInDays`).\n\n## References\n- https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html\n- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html\n- https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4",
    recommendation: "Turn on automatic rotation for the customer managed key.",
    fix: "EnableKeyRotation: true",
    cdk: Some(CdkFix {
        typescript: r#"const key = new kms.Key(this, 'DataKey', { enableKeyRotation: true });"#,
        python: r#"key = kms.Key(self, "DataKey", enable_key_rotation=True)"#,
    }),
    terraform: Some(
        r#"resource "aws_kms_key" "data" {
  description         = "default encryption of the data bucket"
  enable_key_rotation = true
}"#,
    ),
    run,
};

fn run(inventory: &Inventory, out: &mut crate::Out) {
    for key in &inventory.kms_keys {
        let o = &key.origin;
        match &key.key_spec {
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "KeySpec", reason);
                continue;
            }
            Value::Known { value, .. } if value != "SYMMETRIC_DEFAULT" => {
                out.not_applicable(
                    o,
                    "KeySpec",
                    format!(
                        "`{value}` key: KMS rotates only symmetric encryption keys automatically"
                    ),
                );
                continue;
            }
            _ => {}
        }
        match &key.key_origin {
            Value::Unknown { reason, span } => {
                out.unknown(o, Some(*span), "Origin", reason);
                continue;
            }
            Value::Known { value, .. } if value == "EXTERNAL" => {
                out.not_applicable(
                    o,
                    "Origin",
                    "imported key material (`EXTERNAL`): KMS cannot rotate it automatically; rotate it by importing new material",
                );
                continue;
            }
            _ => {}
        }
        let path = "EnableKeyRotation";
        match &key.rotation {
            Value::Absent => out.fail(
                o,
                None,
                path,
                "no `EnableKeyRotation` (off by default): the key material never changes",
            ),
            Value::Unknown { reason, span } => out.unknown(o, Some(*span), path, reason),
            Value::Known { value: false, span } => out.fail(
                o,
                Some(*span),
                path,
                "`EnableKeyRotation` is `false`: the key material never changes",
            ),
            Value::Known { value: true, span } => out.pass(
                o,
                Some(*span),
                path,
                "KMS rotates the key material automatically",
            ),
        }
    }
}
