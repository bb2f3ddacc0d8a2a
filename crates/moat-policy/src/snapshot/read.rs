//! Reads the output of `aws iam get-account-authorization-details` from the
//! spanned node tree, reporting every problem with its place and reading on:
//! an entry with an error is left out, the others still count.

use super::{AccountSnapshot, Attachment, Group, ManagedPolicy, Role, User};
use crate::document::read_node;
use crate::evaluate::NamedPolicy;
use moat_source::diag::did_you_mean;
use moat_source::node::{self, Node, NodeValue};
use moat_source::{Diagnostic, SourceFile, Span};

const TOP_KEYS: &[&str] = &[
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
    "IsTruncated",
    "Marker",
];

/// Reads the snapshot in `file`. Errors are located; whatever could be read
/// is returned, so one run shows every problem and still answers.
pub fn read_snapshot(file: &SourceFile) -> (AccountSnapshot, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut snapshot = AccountSnapshot {
        partition: "aws".into(),
        ..AccountSnapshot::default()
    };
    let root = match node::parse(file) {
        Ok(root) => root,
        Err(error) => return (snapshot, vec![*error]),
    };
    let mut reader = Reader {
        file,
        diagnostics: &mut diagnostics,
        snapshot: &mut snapshot,
    };
    reader.top(&root);
    reader.find_account();
    reader.check_references();
    (snapshot, diagnostics)
}

struct Reader<'a> {
    file: &'a SourceFile,
    diagnostics: &'a mut Vec<Diagnostic>,
    snapshot: &'a mut AccountSnapshot,
}

type Entries<'n> = [(Node<'n>, Node<'n>)];

impl Reader<'_> {
    fn error(&mut self, span: Span, message: String) {
        self.diagnostics
            .push(Diagnostic::error("snapshot::invalid", message).at(self.file, span));
    }

    fn warning(&mut self, span: Span, code: &str, message: String) {
        self.diagnostics
            .push(Diagnostic::warning(code, message).at(self.file, span));
    }

    fn map<'n>(&mut self, node: &'n Node<'n>, what: &str) -> Option<&'n Entries<'n>> {
        match &node.value {
            NodeValue::Map(entries) => Some(entries),
            _ => {
                self.error(
                    node.span,
                    format!("{what} must be a JSON object, not {}", node.describe()),
                );
                None
            }
        }
    }

    fn list<'n>(&mut self, node: &'n Node<'n>, what: &str) -> &'n [Node<'n>] {
        match &node.value {
            NodeValue::Seq(items) => items,
            NodeValue::Null => &[],
            _ => {
                self.error(
                    node.span,
                    format!("`{what}` must be a list, not {}", node.describe()),
                );
                &[]
            }
        }
    }

    fn get<'n>(&self, entries: &'n Entries<'n>, key: &str) -> Option<&'n Node<'n>> {
        entries
            .iter()
            .find(|(k, _)| k.scalar_text(self.file).as_deref() == Some(key))
            .map(|(_, v)| v)
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = node.scalar_text(self.file).map(|t| t.into_owned());
        if text.is_none() {
            self.error(
                node.span,
                format!("`{what}` must be a string, not {}", node.describe()),
            );
        }
        text
    }

    /// A required string field of an entry.
    fn required(
        &mut self,
        entries: &Entries,
        owner: &Node,
        key: &str,
        what: &str,
    ) -> Option<String> {
        match self.get(entries, key) {
            Some(node) => self.text(node, key),
            None => {
                self.error(owner.span, format!("{what} has no `{key}`"));
                None
            }
        }
    }

    fn optional(&mut self, entries: &Entries, key: &str) -> Option<String> {
        let node = self.get(entries, key)?;
        self.text(node, key)
    }

    fn top(&mut self, root: &Node) {
        let Some(entries) = self.map(root, "the account snapshot") else {
            return;
        };
        let mut seen_any = false;
        for (key, value) in entries {
            let Some(name) = key.scalar_text(self.file) else {
                continue;
            };
            match name.as_ref() {
                "UserDetailList" => {
                    seen_any = true;
                    for item in self.list(value, "UserDetailList") {
                        if let Some(user) = self.user(item) {
                            self.snapshot.users.push(user);
                        }
                    }
                }
                "GroupDetailList" => {
                    seen_any = true;
                    for item in self.list(value, "GroupDetailList") {
                        if let Some(group) = self.group(item) {
                            self.snapshot.groups.push(group);
                        }
                    }
                }
                "RoleDetailList" => {
                    seen_any = true;
                    for item in self.list(value, "RoleDetailList") {
                        if let Some(role) = self.role(item) {
                            self.snapshot.roles.push(role);
                        }
                    }
                }
                "Policies" => {
                    seen_any = true;
                    for item in self.list(value, "Policies") {
                        if let Some(policy) = self.managed(item) {
                            self.snapshot.policies.push(policy);
                        }
                    }
                }
                "IsTruncated" => {
                    if matches!(value.value, NodeValue::Bool(true)) {
                        self.snapshot.truncated = true;
                        self.warning(
                            value.span,
                            "snapshot::truncated",
                            "the snapshot is one page of a longer answer (`IsTruncated`); principals and policies on later pages are missing".into(),
                        );
                    }
                }
                "Marker" => {}
                other => {
                    let help = did_you_mean(other, TOP_KEYS.iter().copied());
                    let mut d = Diagnostic::warning(
                        "snapshot::unknown-field",
                        format!("`{other}` is not part of `get-account-authorization-details` output; it is ignored"),
                    )
                    .at(self.file, key.span);
                    if let Some(help) = help {
                        d = d.with_help(help);
                    }
                    self.diagnostics.push(d);
                }
            }
        }
        if !seen_any {
            self.error(
                root.span,
                "no `UserDetailList`, `GroupDetailList`, `RoleDetailList` or `Policies`: this is not the output of `aws iam get-account-authorization-details`".into(),
            );
        }
    }

    fn user(&mut self, node: &Node) -> Option<User> {
        let entries = self.map(node, "a user")?;
        let name = self.required(entries, node, "UserName", "a user")?;
        let arn = self.required(entries, node, "Arn", &format!("user `{name}`"))?;
        let inline = self.inline(entries, "UserPolicyList", &format!("user/{name}"));
        let attached = self.attached(entries);
        let mut groups = Vec::new();
        if let Some(list) = self.get(entries, "GroupList") {
            for item in self.list(list, "GroupList") {
                if let Some(group) = self.text(item, "GroupList") {
                    groups.push(group);
                }
            }
        }
        Some(User {
            id: self.optional(entries, "UserId"),
            path: self.optional(entries, "Path").unwrap_or_else(|| "/".into()),
            boundary: self.boundary(entries),
            tags: self.tags(entries),
            name,
            arn,
            inline,
            attached,
            groups,
            span: node.span,
        })
    }

    fn group(&mut self, node: &Node) -> Option<Group> {
        let entries = self.map(node, "a group")?;
        let name = self.required(entries, node, "GroupName", "a group")?;
        let arn = self.required(entries, node, "Arn", &format!("group `{name}`"))?;
        let inline = self.inline(entries, "GroupPolicyList", &format!("group/{name}"));
        Some(Group {
            id: self.optional(entries, "GroupId"),
            path: self.optional(entries, "Path").unwrap_or_else(|| "/".into()),
            attached: self.attached(entries),
            name,
            arn,
            inline,
            span: node.span,
        })
    }

    fn role(&mut self, node: &Node) -> Option<Role> {
        let entries = self.map(node, "a role")?;
        let name = self.required(entries, node, "RoleName", "a role")?;
        let arn = self.required(entries, node, "Arn", &format!("role `{name}`"))?;
        let trust = match self.get(entries, "AssumeRolePolicyDocument") {
            Some(doc) => self.document(doc, format!("role/{name} trust policy")),
            None => {
                self.error(
                    node.span,
                    format!("role `{name}` has no `AssumeRolePolicyDocument`"),
                );
                None
            }
        };
        let inline = self.inline(entries, "RolePolicyList", &format!("role/{name}"));
        let mut instance_profiles = Vec::new();
        if let Some(list) = self.get(entries, "InstanceProfileList") {
            for item in self.list(list, "InstanceProfileList") {
                let Some(profile) = self.map(item, "an instance profile") else {
                    continue;
                };
                if let Some(arn) = self.required(profile, item, "Arn", "an instance profile") {
                    instance_profiles.push(arn);
                }
            }
        }
        Some(Role {
            id: self.optional(entries, "RoleId"),
            path: self.optional(entries, "Path").unwrap_or_else(|| "/".into()),
            attached: self.attached(entries),
            boundary: self.boundary(entries),
            tags: self.tags(entries),
            name,
            arn,
            trust,
            inline,
            instance_profiles,
            span: node.span,
        })
    }

    fn managed(&mut self, node: &Node) -> Option<ManagedPolicy> {
        let entries = self.map(node, "a managed policy")?;
        let name = self.required(entries, node, "PolicyName", "a managed policy")?;
        let arn = self.required(entries, node, "Arn", &format!("managed policy `{name}`"))?;
        // Two policies of one name (an AWS managed and a customer managed
        // one) are told apart by ARN.
        let shown = if self.snapshot.policies.iter().any(|p| p.name == name) {
            arn.clone()
        } else {
            name.clone()
        };
        let default_id = self.optional(entries, "DefaultVersionId");
        let mut document = None;
        let mut found = false;
        if let Some(list) = self.get(entries, "PolicyVersionList") {
            for item in self.list(list, "PolicyVersionList") {
                let Some(version) = self.map(item, "a policy version") else {
                    continue;
                };
                let is_default = match self.get(version, "IsDefaultVersion") {
                    Some(Node {
                        value: NodeValue::Bool(b),
                        ..
                    }) => *b,
                    Some(other) => {
                        self.error(
                            other.span,
                            "`IsDefaultVersion` must be true or false".into(),
                        );
                        false
                    }
                    None => {
                        let id = self.optional(version, "VersionId");
                        id.is_some() && id == default_id
                    }
                };
                if !is_default {
                    continue;
                }
                found = true;
                match self.get(version, "Document") {
                    Some(doc) => document = self.document(doc, shown.clone()),
                    None => self.error(
                        item.span,
                        format!("the default version of `{name}` has no `Document`"),
                    ),
                }
            }
        }
        if !found {
            self.error(
                node.span,
                format!("managed policy `{name}` has no default version in `PolicyVersionList`: its grants are unknown"),
            );
        }
        Some(ManagedPolicy {
            name,
            arn,
            document,
            span: node.span,
        })
    }

    /// `UserPolicyList` and its kin: `[{PolicyName, PolicyDocument}]`.
    fn inline(&mut self, entries: &Entries, key: &str, owner: &str) -> Vec<NamedPolicy> {
        let mut out = Vec::new();
        let Some(list) = self.get(entries, key) else {
            return out;
        };
        for item in self.list(list, key) {
            let Some(fields) = self.map(item, "an inline policy") else {
                continue;
            };
            let Some(name) = self.required(fields, item, "PolicyName", "an inline policy") else {
                continue;
            };
            let Some(doc) = self.get(fields, "PolicyDocument") else {
                self.error(
                    item.span,
                    format!("inline policy `{name}` has no `PolicyDocument`"),
                );
                continue;
            };
            let full = format!("{owner}/{name}");
            match self.document(doc, full.clone()) {
                Some(policy) => out.push(policy),
                // Unreadable: kept empty, so the principal's answers say
                // they are incomplete rather than pretend it grants nothing.
                None => out.push(NamedPolicy {
                    name: full,
                    policy: crate::document::Policy {
                        version: None,
                        id: None,
                        statements: Vec::new(),
                        span: doc.span,
                    },
                }),
            }
        }
        out
    }

    fn attached(&mut self, entries: &Entries) -> Vec<Attachment> {
        let mut out = Vec::new();
        let Some(list) = self.get(entries, "AttachedManagedPolicies") else {
            return out;
        };
        for item in self.list(list, "AttachedManagedPolicies") {
            let Some(fields) = self.map(item, "an attached policy") else {
                continue;
            };
            let Some(arn) = self.required(fields, item, "PolicyArn", "an attached policy") else {
                continue;
            };
            let name = self
                .optional(fields, "PolicyName")
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(&arn).to_string());
            out.push(Attachment {
                name,
                arn,
                span: item.span,
            });
        }
        out
    }

    fn boundary(&mut self, entries: &Entries) -> Option<Attachment> {
        let node = self.get(entries, "PermissionsBoundary")?;
        let fields = self.map(node, "`PermissionsBoundary`")?;
        let arn = self.required(
            fields,
            node,
            "PermissionsBoundaryArn",
            "`PermissionsBoundary`",
        )?;
        let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
        Some(Attachment {
            name,
            arn,
            span: node.span,
        })
    }

    fn tags(&mut self, entries: &Entries) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Some(list) = self.get(entries, "Tags") else {
            return out;
        };
        for item in self.list(list, "Tags") {
            let Some(fields) = self.map(item, "a tag") else {
                continue;
            };
            let key = self.required(fields, item, "Key", "a tag");
            let value = self.optional(fields, "Value").unwrap_or_default();
            if let Some(key) = key {
                out.push((key, value));
            }
        }
        out
    }

    /// A policy document: a JSON object, or a URL-encoded string.
    fn document(&mut self, node: &Node, name: String) -> Option<NamedPolicy> {
        let before = self.error_count();
        let policy = match &node.value {
            NodeValue::Map(_) => {
                let policy = read_node(node, self.file, self.diagnostics);
                self.snapshot.sources.insert(&name, self.file);
                policy
            }
            NodeValue::Str(text) => self.encoded(node, text, &name),
            _ => {
                self.error(
                    node.span,
                    format!(
                        "policy `{name}` must be a JSON object or a URL-encoded string, not {}",
                        node.describe()
                    ),
                );
                return None;
            }
        };
        if self.error_count() > before && !self.snapshot.incomplete.contains(&name) {
            self.snapshot.incomplete.push(name.clone());
        }
        Some(NamedPolicy {
            name,
            policy: policy?,
        })
    }

    fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// A document given as a string: URL-decoded (RFC 3986; a `+` is read as
    /// a space only when the text does not parse otherwise), then parsed as
    /// its own file.
    fn encoded(&mut self, node: &Node, text: &str, name: &str) -> Option<crate::document::Policy> {
        let at = self.file.location(node.span);
        let virtual_name = format!("{}:{}:{} (URL-decoded)", at.file, at.line, at.col);
        let mut attempts = vec![percent_decode(text, false)];
        if text.contains('+') {
            attempts.push(percent_decode(text, true));
        }
        let mut last_error = None;
        for decoded in attempts {
            let decoded = match decoded {
                Ok(decoded) => decoded,
                Err(message) => {
                    last_error = Some(
                        Diagnostic::error("snapshot::encoding", message).at(self.file, node.span),
                    );
                    continue;
                }
            };
            let file = SourceFile::new(virtual_name.as_str(), decoded);
            let root = match node::parse(&file) {
                Ok(root) => root,
                Err(error) => {
                    last_error = Some(*error);
                    continue;
                }
            };
            self.snapshot.sources.insert(name, &file);
            return read_node(&root, &file, self.diagnostics);
        }
        if let Some(error) = last_error {
            self.diagnostics.push(error);
        }
        None
    }

    /// The account and partition, from the first principal or policy ARN
    /// (AWS managed policies name the account `aws`, so they do not count).
    fn find_account(&mut self) {
        let arns = self
            .snapshot
            .users
            .iter()
            .map(|u| &u.arn)
            .chain(self.snapshot.roles.iter().map(|r| &r.arn))
            .chain(self.snapshot.groups.iter().map(|g| &g.arn))
            .chain(self.snapshot.policies.iter().map(|p| &p.arn));
        for arn in arns {
            let parts: Vec<&str> = arn.splitn(6, ':').collect();
            if let [_, partition, _, _, account, _] = parts[..]
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
            {
                self.snapshot.account = Some(account.to_string());
                self.snapshot.partition = partition.to_string();
                return;
            }
        }
    }

    /// Attached policies and groups named but not in the file.
    fn check_references(&mut self) {
        let mut problems = Vec::new();
        let known = |arn: &str| self.snapshot.policies.iter().any(|p| p.arn == arn);
        let attachments = self
            .snapshot
            .users
            .iter()
            .flat_map(|u| u.attached.iter().chain(u.boundary.iter()))
            .chain(self.snapshot.groups.iter().flat_map(|g| g.attached.iter()))
            .chain(
                self.snapshot
                    .roles
                    .iter()
                    .flat_map(|r| r.attached.iter().chain(r.boundary.iter())),
            );
        for a in attachments {
            if !known(&a.arn)
                && !problems
                    .iter()
                    .any(|(arn, _): &(String, Span)| *arn == a.arn)
            {
                problems.push((a.arn.clone(), a.span));
            }
        }
        for (arn, span) in problems {
            self.warning(
                span,
                "snapshot::missing-policy",
                format!("managed policy `{arn}` is attached but not in `Policies`; answers for the principals it is attached to are assumed"),
            );
        }
        let mut missing_groups = Vec::new();
        for user in &self.snapshot.users {
            for group in &user.groups {
                if self.snapshot.group(group).is_none() {
                    missing_groups.push((group.clone(), user.name.clone(), user.span));
                }
            }
        }
        for (group, user, span) in missing_groups {
            self.warning(
                span,
                "snapshot::missing-group",
                format!("user `{user}` is in group `{group}`, which is not in `GroupDetailList`"),
            );
        }
    }
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`).
pub(super) fn percent_decode(text: &str, plus_is_space: bool) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => match text
                .get(i + 1..i + 3)
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(b) => {
                    out.push(b);
                    i += 3;
                }
                None => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map_err(|_| "the URL-decoded policy document is not valid UTF-8".to_string())
}
