#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Property: a bucket's settings written in Terraform, as split resources of
//! provider v4+ or as v3 inline blocks, in any order, read back as the same
//! Inventory fields, with places inside the configuration.

use moat_iac::Value;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
struct Settings {
    name: String,
    versioning: Option<bool>,
    pab: Option<[bool; 4]>,
    kms: Option<bool>,
    split: bool,
    reversed: bool,
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        "[a-z][a-z0-9-]{2,20}",
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<[bool; 4]>()),
        proptest::option::of(any::<bool>()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(name, versioning, pab, kms, split, reversed)| Settings {
            name,
            versioning,
            pab,
            kms,
            split,
            reversed,
        })
}

fn render(s: &Settings) -> String {
    let mut blocks = Vec::new();
    let algorithm = |kms: bool| if kms { "aws:kms" } else { "AES256" };
    if s.split {
        blocks.push(format!(
            "resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"{}\"\n}}\n",
            s.name
        ));
        if let Some(v) = s.versioning {
            blocks.push(format!(
                "resource \"aws_s3_bucket_versioning\" \"b\" {{\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {{\n    status = \"{}\"\n  }}\n}}\n",
                if v { "Enabled" } else { "Suspended" }
            ));
        }
        if let Some(kms) = s.kms {
            blocks.push(format!(
                "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"b\" {{\n  bucket = aws_s3_bucket.b.bucket\n  rule {{\n    apply_server_side_encryption_by_default {{\n      sse_algorithm = \"{}\"\n    }}\n  }}\n}}\n",
                algorithm(kms)
            ));
        }
    } else {
        let mut inner = format!("  bucket = \"{}\"\n", s.name);
        if let Some(v) = s.versioning {
            inner.push_str(&format!("  versioning {{\n    enabled = {v}\n  }}\n"));
        }
        if let Some(kms) = s.kms {
            inner.push_str(&format!(
                "  server_side_encryption_configuration {{\n    rule {{\n      apply_server_side_encryption_by_default {{\n        sse_algorithm = \"{}\"\n      }}\n    }}\n  }}\n",
                algorithm(kms)
            ));
        }
        blocks.push(format!("resource \"aws_s3_bucket\" \"b\" {{\n{inner}}}\n"));
    }
    // Block Public Access has no v3 inline form
    if let Some([a, b, c, d]) = s.pab {
        blocks.push(format!(
            "resource \"aws_s3_bucket_public_access_block\" \"b\" {{\n  bucket = \"{}\"\n  block_public_acls = {a}\n  block_public_policy = {b}\n  ignore_public_acls = {c}\n  restrict_public_buckets = {d}\n}}\n",
            s.name
        ));
    }
    if s.reversed {
        blocks.reverse();
    }
    blocks.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn settings_read_back(s in settings()) {
        let text = render(&s);
        let mut diagnostics = Vec::new();
        let read = moat_iac::terraform::read_text("main.tf", &text, &BTreeMap::new(), &mut diagnostics);
        prop_assert!(diagnostics.is_empty(), "{diagnostics:?}\n{text}");
        let inv = read.inventory;
        prop_assert_eq!(inv.buckets.len(), 1);
        let b = &inv.buckets[0];
        prop_assert_eq!(b.name.get(), Some(&s.name));
        let file = &inv.files[0];
        let in_text = |span: moat_source::Span| (span.end as usize) <= file.text.len();
        match s.versioning {
            None => prop_assert!(b.versioning.is_absent()),
            Some(v) => {
                let want = if v { "Enabled" } else { "Suspended" };
                prop_assert_eq!(b.versioning.get().map(String::as_str), Some(want));
                prop_assert!(in_text(b.versioning.span().unwrap()));
            }
        }
        match s.kms {
            None => prop_assert!(b.encryption.is_absent()),
            Some(kms) => {
                let enc = b.encryption.get().unwrap();
                let want = if kms { "aws:kms" } else { "AES256" };
                prop_assert_eq!(enc.algorithm.get().map(String::as_str), Some(want));
            }
        }
        match s.pab {
            None => prop_assert!(b.public_access_block.is_absent()),
            Some(flags) => {
                let pab = b.public_access_block.get().unwrap();
                let got: Vec<Option<bool>> = pab.settings().iter().map(|(_, v)| match v {
                    Value::Known { value, .. } => Some(*value),
                    _ => None,
                }).collect();
                // settings() order: BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets
                let want = vec![Some(flags[0]), Some(flags[1]), Some(flags[2]), Some(flags[3])];
                prop_assert_eq!(got, want);
            }
        }
    }

    /// Any text: the reader answers (with diagnostics), never panics.
    #[test]
    fn any_text_is_read_without_panic(text in "[ -~\\n]{0,400}") {
        let mut diagnostics = Vec::new();
        let _ = moat_iac::terraform::read_text("main.tf", &text, &BTreeMap::new(), &mut diagnostics);
    }
}
