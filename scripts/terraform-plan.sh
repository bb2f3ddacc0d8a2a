#!/usr/bin/env bash
# Makes `terraform show -json` output for the configuration in DIR, offline:
# the AWS provider comes from the filesystem mirror (never the registry) and
# the credentials are fake, so the plan is what Terraform would do with no
# existing resources. DIR itself is not touched: the work happens in a copy,
# with an override file that tells the provider not to call AWS.
#
#   scripts/terraform-plan.sh DIR OUT.json
#
# TERRAFORM (default `terraform`) and TF_PLUGIN_MIRROR (default /opt/tf-plugins)
# say where the tools are. Used to regenerate the committed plan fixtures and by
# crates/moat-cli/tests/terraform_plan.rs.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 DIR OUT.json" >&2
  exit 2
fi
dir="$1"
out="$2"
terraform="${TERRAFORM:-terraform}"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"

if ! command -v "$terraform" >/dev/null 2>&1; then
  echo "error: \`$terraform\` is not installed" >&2
  exit 1
fi
if [ ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]; then
  echo "error: no hashicorp/aws provider in the mirror \`$mirror\`" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$dir/." "$work/"
rm -rf "$work/.terraform" "$work/.terraform.lock.hcl" "$work"/*.json

cat > "$work/cli.tfrc" <<CLI
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
CLI

# the provider's own settings stay (region...); only what reaches AWS is turned off
cat > "$work/moat_offline_override.tf" <<'TF'
provider "aws" {
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  access_key                  = "testing"
  secret_key                  = "testing"
  # the fake credentials name no account: a configuration that pins its
  # account (allowed_account_ids) would refuse them
  allowed_account_ids = null
  forbidden_account_ids = null
}
TF

export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE

(
  cd "$work"
  "$terraform" init -input=false -no-color -backend=false >init.log 2>&1 || { cat init.log >&2; exit 1; }
  "$terraform" plan -input=false -no-color -refresh=false -lock=false -out=plan.out >plan.log 2>&1 \
    || { cat plan.log >&2; exit 1; }
  "$terraform" show -json plan.out >plan.json
)
# one line of JSON from terraform, pretty-printed so that findings and diffs have lines
python3 -m json.tool --indent 2 "$work/plan.json" >"$out.tmp"
mv "$out.tmp" "$out"
