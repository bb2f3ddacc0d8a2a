#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Terraform fixes: every check has one or says why not; each fix is
//! written out, word for word, in a `*_terraform_fix` fixture of its check
//! (so the fixture test proves what Moat says of the fixed configuration:
//! `pass`, or the verdict listed in `FIX_NOT_PASSING` with the reason); and
//! `terraform validate` accepts every such fixture against the AWS provider's
//! schema, when terraform and a provider mirror are on the machine (one
//! `init` for all: each fixture is a module of one root configuration).

use moat_checks::registry;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Checks that have no Terraform fix, with the reason (also said in their
/// file).
const WITHOUT_TERRAFORM_FIX: &[(&str, &str)] = &[];

/// Checks whose Terraform fix Moat cannot show passing: the fixture's
/// verdict (its name's prefix) and why.
const FIX_NOT_PASSING: &[(&str, &str, &str)] = &[
    (
        "CHK-S3-013",
        "unknown",
        "a bucket ARN names no Region: whether the copy is in another Region is known only at deployment (the CloudFormation fix says unknown too)",
    ),
    (
        "CHK-S3-044",
        "partial",
        "a trust policy cannot name EC2 instances: who may pass the role is decided outside it (the CloudFormation fix is partial too)",
    ),
];

/// The provider mirror `terraform init` installs hashicorp/aws from.
const DEFAULT_MIRROR: &str = "/opt/tf-plugins";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture directory that holds `id`'s Terraform fix.
fn fix_fixture(id: &str) -> PathBuf {
    let kind = FIX_NOT_PASSING
        .iter()
        .find(|(c, _, _)| *c == id)
        .map_or("pass", |(_, kind, _)| kind);
    fixtures().join(id).join(format!("{kind}_terraform_fix"))
}

#[test]
fn every_check_has_a_terraform_fix_or_says_why_not() {
    for c in registry::ALL {
        assert_eq!(
            c.terraform.is_none(),
            WITHOUT_TERRAFORM_FIX.iter().any(|(id, _)| *id == c.id),
            "{}: a Terraform fix, or an entry in WITHOUT_TERRAFORM_FIX",
            c.id
        );
    }
    for (id, _, _) in FIX_NOT_PASSING {
        assert!(
            registry::find(id).is_some_and(|c| c.terraform.is_some()),
            "{id}: listed in FIX_NOT_PASSING without a Terraform fix"
        );
    }
}

#[test]
fn every_terraform_fix_is_in_its_fixture() {
    let mut problems = Vec::new();
    for c in registry::ALL {
        let Some(fix) = c.terraform else { continue };
        let file = fix_fixture(c.id).join("main.tf");
        match std::fs::read_to_string(&file) {
            Ok(text) if text.contains(fix.trim()) => {}
            Ok(_) => problems.push(format!(
                "{}: {} does not contain the fix word for word",
                c.id,
                file.display()
            )),
            Err(e) => problems.push(format!("{}: {}: {e}", c.id, file.display())),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Removes the scratch directory however the test ends.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(terraform: &Path, dir: &Path, cli_config: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(terraform)
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", terraform.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn terraform_validates_every_fix() {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let terraform = PathBuf::from(std::env::var("TERRAFORM").unwrap_or("terraform".into()));
    let mirror =
        PathBuf::from(std::env::var("MOAT_TF_PLUGIN_MIRROR").unwrap_or(DEFAULT_MIRROR.to_string()));
    let has_terraform = Command::new(&terraform)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    let has_mirror = mirror.join("registry.terraform.io/hashicorp/aws").is_dir();
    if !(has_terraform && has_mirror) {
        let why = format!(
            "terraform ({}) {} and the provider mirror {} {}",
            terraform.display(),
            if has_terraform {
                "runs"
            } else {
                "does not run"
            },
            mirror.display(),
            if has_mirror { "is there" } else { "is missing" },
        );
        assert!(!in_ci, "the Terraform fixes must be validated in CI: {why}");
        eprintln!("skipped: the Terraform fixes were not validated: {why}");
        return;
    }
    let started = Instant::now();
    let scratch = Scratch(
        Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("terraform-fixes-{}", std::process::id())),
    );
    let dir = &scratch.0;
    let _ = std::fs::remove_dir_all(dir);
    let cache = dir.join("plugin-cache");
    std::fs::create_dir_all(&cache).unwrap();
    let cli_config = dir.join("cli.tfrc");
    std::fs::write(
        &cli_config,
        format!(
            "plugin_cache_dir = {cache:?}\nprovider_installation {{\n  filesystem_mirror {{\n    path    = {mirror:?}\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n",
        ),
    )
    .unwrap();
    // one root configuration, each fixture a module of it: one init, and
    // the provider's schema loaded once for all
    let mut root = String::from(
        "terraform {\n  required_providers {\n    aws = {\n      source = \"hashicorp/aws\"\n    }\n  }\n}\n",
    );
    let mut count = 0;
    for c in registry::ALL.iter().filter(|c| c.terraform.is_some()) {
        let from = fix_fixture(c.id);
        let name = c.id.to_lowercase().replace('-', "_");
        let to = dir.join("fixes").join(&name);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(&from)
            .unwrap_or_else(|e| panic!("{}: {e}", from.display()))
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "tf") {
                std::fs::copy(&path, to.join(entry.file_name())).unwrap();
            }
        }
        root.push_str(&format!(
            "\nmodule \"{name}\" {{\n  source = \"./fixes/{name}\"\n}}\n"
        ));
        count += 1;
    }
    std::fs::write(dir.join("main.tf"), root).unwrap();
    let (ok, out) = run(
        &terraform,
        dir,
        &cli_config,
        &["init", "-input=false", "-no-color", "-backend=false"],
    );
    assert!(ok, "terraform init failed:\n{out}");
    let (ok, out) = run(&terraform, dir, &cli_config, &["validate", "-no-color"]);
    assert!(
        ok && !out.contains("Warning"),
        "terraform validate (fixes/<check id> is tests/fixtures/<CHECK-ID>/*_terraform_fix):\n{out}"
    );
    eprintln!(
        "terraform validated {count} Terraform fixes in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}
