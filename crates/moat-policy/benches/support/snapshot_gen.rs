//! A generated `get-account-authorization-details` snapshot of any size, for
//! the who-can benchmark and its test: users in groups, roles with trust
//! policies, inline and managed policies with conditions (MFA, VPC endpoint,
//! policy variables, principal tags), permissions boundaries. Deterministic:
//! the same size always gives the same text.

use std::fmt::Write as _;

/// The account of the generated snapshot.
pub const ACCOUNT: &str = "111122223333";

/// A small deterministic generator (64-bit LCG): no dependency needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const BUCKETS: &[&str] = &["acme-reports", "acme-logs", "acme-data", "acme-site"];
const TEAMS: &[&str] = &["data", "platform", "analytics", "web", "security"];

fn statement(rng: &mut Rng, sid: &str) -> String {
    let bucket = BUCKETS[rng.below(BUCKETS.len() as u64) as usize];
    let actions = match rng.below(6) {
        0 => r#"["s3:GetObject", "s3:ListBucket"]"#,
        1 => r#"["s3:PutObject", "s3:GetObject"]"#,
        2 => r#"["s3:DeleteObject"]"#,
        3 => r#""s3:*""#,
        4 => r#"["s3:Get*", "s3:List*"]"#,
        _ => r#"["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]"#,
    };
    let resource = match rng.below(4) {
        0 => format!(r#""arn:aws:s3:::{bucket}/*""#),
        1 => format!(r#"["arn:aws:s3:::{bucket}", "arn:aws:s3:::{bucket}/*"]"#),
        2 => format!(r#""arn:aws:s3:::{bucket}/home/${{aws:username}}/*""#),
        _ => r#""*""#.to_string(),
    };
    let condition = match rng.below(7) {
        0 => r#", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#.to_string(),
        1 => format!(r#", "Condition": {{"StringEquals": {{"aws:SourceVpce": "vpce-{:08x}"}}}}"#, rng.below(16)),
        2 => format!(
            r#", "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "{}"}}}}"#,
            TEAMS[rng.below(TEAMS.len() as u64) as usize]
        ),
        3 => r#", "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}"#.to_string(),
        _ => String::new(),
    };
    let effect = if rng.below(12) == 0 { "Deny" } else { "Allow" };
    format!(
        r#"{{"Sid": "{sid}", "Effect": "{effect}", "Action": {actions}, "Resource": {resource}{condition}}}"#
    )
}

fn document(rng: &mut Rng, statements: u64) -> String {
    let body: Vec<String> = (0..statements)
        .map(|i| statement(rng, &format!("S{i}")))
        .collect();
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        body.join(", ")
    )
}

fn tags(rng: &mut Rng) -> String {
    format!(
        r#"[{{"Key": "team", "Value": "{}"}}]"#,
        TEAMS[rng.below(TEAMS.len() as u64) as usize]
    )
}

/// A snapshot of `principals` users and roles (half each), 40 groups and
/// 60 managed policies (one of them a boundary), as the CLI prints it.
pub fn generate(principals: usize) -> String {
    let mut rng = Rng(0x5EED_CAFE);
    let groups = 40;
    let managed = 60;
    let mut out = String::from("{\n\"UserDetailList\": [\n");
    let users = principals / 2;
    let roles = principals - users;
    for u in 0..users {
        let n = 1 + rng.below(3);
        let group_list: Vec<String> = (0..n)
            .map(|_| format!("\"group-{}\"", rng.below(groups)))
            .collect();
        let n = rng.below(3);
        let attached: Vec<String> = (0..n)
            .map(|_| {
                let p = rng.below(managed);
                format!(r#"{{"PolicyName": "managed-{p}", "PolicyArn": "arn:aws:iam::{ACCOUNT}:policy/managed-{p}"}}"#)
            })
            .collect();
        let inline = if rng.below(3) == 0 {
            format!(r#"[{{"PolicyName": "inline", "PolicyDocument": {}}}]"#, {
                let n = 1 + rng.below(3);
                document(&mut rng, n)
            })
        } else {
            "[]".into()
        };
        let boundary = if rng.below(10) == 0 {
            format!(
                r#", "PermissionsBoundary": {{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::{ACCOUNT}:policy/managed-0"}}"#
            )
        } else {
            String::new()
        };
        let _ = write!(
            out,
            r#"{{"Path": "/", "UserName": "user-{u}", "UserId": "AIDA{u:016}", "Arn": "arn:aws:iam::{ACCOUNT}:user/user-{u}", "CreateDate": "2024-01-01T00:00:00+00:00", "UserPolicyList": {inline}, "GroupList": [{}], "AttachedManagedPolicies": [{}]{boundary}, "Tags": {}}}"#,
            group_list.join(", "),
            attached.join(", "),
            tags(&mut rng)
        );
        out.push_str(if u + 1 < users { ",\n" } else { "\n" });
    }
    out.push_str("],\n\"GroupDetailList\": [\n");
    for g in 0..groups {
        let p = rng.below(managed);
        let inline = {
            let n = 1 + rng.below(2);
            document(&mut rng, n)
        };
        let _ = write!(
            out,
            r#"{{"Path": "/", "GroupName": "group-{g}", "GroupId": "AGPA{g:016}", "Arn": "arn:aws:iam::{ACCOUNT}:group/group-{g}", "CreateDate": "2024-01-01T00:00:00+00:00", "GroupPolicyList": [{{"PolicyName": "group-inline", "PolicyDocument": {inline}}}], "AttachedManagedPolicies": [{{"PolicyName": "managed-{p}", "PolicyArn": "arn:aws:iam::{ACCOUNT}:policy/managed-{p}"}}]}}"#
        );
        out.push_str(if g + 1 < groups { ",\n" } else { "\n" });
    }
    out.push_str("],\n\"RoleDetailList\": [\n");
    for r in 0..roles {
        let trust = match rng.below(4) {
            0 => r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#.to_string(),
            1 => r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#.to_string(),
            2 => format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{ACCOUNT}:root"}}, "Action": "sts:AssumeRole", "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "true"}}}}}}]}}"#
            ),
            _ => format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringLike": {{"token.actions.githubusercontent.com:sub": "repo:acme/app-{r}:*"}}}}}}]}}"#
            ),
        };
        let inline = {
            let n = 1 + rng.below(4);
            document(&mut rng, n)
        };
        let attached = if rng.below(2) == 0 {
            let p = rng.below(managed);
            format!(
                r#"{{"PolicyName": "managed-{p}", "PolicyArn": "arn:aws:iam::{ACCOUNT}:policy/managed-{p}"}}"#
            )
        } else {
            String::new()
        };
        let _ = write!(
            out,
            r#"{{"Path": "/service/", "RoleName": "role-{r}", "RoleId": "AROA{r:016}", "Arn": "arn:aws:iam::{ACCOUNT}:role/service/role-{r}", "CreateDate": "2024-01-01T00:00:00+00:00", "AssumeRolePolicyDocument": {trust}, "InstanceProfileList": [], "RolePolicyList": [{{"PolicyName": "role-inline", "PolicyDocument": {inline}}}], "AttachedManagedPolicies": [{attached}], "Tags": {}}}"#,
            tags(&mut rng)
        );
        out.push_str(if r + 1 < roles { ",\n" } else { "\n" });
    }
    out.push_str("],\n\"Policies\": [\n");
    for p in 0..managed {
        let doc = if p == 0 {
            // The boundary: S3 reads and writes only.
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:PutObject"], "Resource": "*"}]}"#.to_string()
        } else {
            {
                let n = 1 + rng.below(5);
                document(&mut rng, n)
            }
        };
        let _ = write!(
            out,
            r#"{{"PolicyName": "managed-{p}", "PolicyId": "ANPA{p:016}", "Arn": "arn:aws:iam::{ACCOUNT}:policy/managed-{p}", "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0, "IsAttachable": true, "CreateDate": "2024-01-01T00:00:00+00:00", "UpdateDate": "2024-01-01T00:00:00+00:00", "PolicyVersionList": [{{"Document": {doc}, "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": "2024-01-01T00:00:00+00:00"}}]}}"#
        );
        out.push_str(if p + 1 < managed { ",\n" } else { "\n" });
    }
    out.push_str("],\n\"IsTruncated\": false\n}\n");
    out
}

/// A bucket policy for the generated account's `acme-reports` bucket.
pub const BUCKET_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "PartnerRead", "Effect": "Allow", "Principal": {"AWS": "444455556666"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-reports/shared/*"}
  ]
}"#;
