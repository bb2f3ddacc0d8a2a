//! Evaluation cases in the exchange shape peer evaluators use, so cases can be
//! traded between tools (docs/policy.md, "Cases"):
//! `{name, request: {action, resource: {resource, accountId}, principal, context},
//! identityPolicies, resourcePolicy, permissionBoundaries, serviceControlPolicies,
//! resourceControlPolicies, sessionPolicy, endpointPolicies, expected: {response}}`.
//! A file holds one case or an array of them.

use crate::document::read_node;
use crate::evaluate::{
    BlockPublicAccess, BlockPublicAccessFlags, Decision, NamedPolicy, OrgLevel, PolicySet,
};
use crate::request::{Context, Principal, Request};
use moat_source::diag::did_you_mean;
use moat_source::node::{self, Node, NodeValue};
use moat_source::{Diagnostic, SourceFile, Span};

/// One case.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub request: Request,
    pub policies: PolicySet,
    pub expected: Option<Decision>,
    /// Where the case is written, for messages.
    pub span: Span,
}

const CASE_KEYS: &[&str] = &[
    "name",
    "reference",
    "note",
    "request",
    "identityPolicies",
    "resourcePolicy",
    "permissionBoundaries",
    "permissionBoundaryPolicies",
    "serviceControlPolicies",
    "resourceControlPolicies",
    "sessionPolicy",
    "endpointPolicies",
    "vpcEndpointPolicies",
    "blockPublicAccess",
    "expected",
];
const BPA_LEVELS: &[&str] = &["account", "bucket", "accessPoint"];
const BPA_FLAGS: &[&str] = &[
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];
const REQUEST_KEYS: &[&str] = &[
    "action",
    "resource",
    "principal",
    "context",
    "contextVariables",
];

/// Reads every case of `file`. A case with an error is left out and the
/// error reported, so a broken case can never pass by not running.
pub fn read_cases(file: &SourceFile) -> (Vec<Case>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let root = match node::parse(file) {
        Ok(root) => root,
        Err(error) => return (Vec::new(), vec![*error]),
    };
    let items: Vec<&Node> = match &root.value {
        NodeValue::Seq(items) => items.iter().collect(),
        _ => vec![&root],
    };
    let mut cases = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let mut reader = Reader {
            file,
            diagnostics: &mut diagnostics,
            failed: false,
        };
        if let Some(case) = reader.case(item, index)
            && !reader.failed
        {
            cases.push(case);
        }
    }
    (cases, diagnostics)
}

struct Reader<'a> {
    file: &'a SourceFile,
    diagnostics: &'a mut Vec<Diagnostic>,
    failed: bool,
}

impl Reader<'_> {
    fn error(&mut self, span: Span, message: String) {
        self.failed = true;
        self.diagnostics
            .push(Diagnostic::error("case::invalid", message).at(self.file, span));
    }

    fn map<'n>(
        &mut self,
        node: &'n Node<'n>,
        known: &[&str],
        what: &str,
    ) -> Vec<(String, &'n Node<'n>)> {
        let NodeValue::Map(entries) = &node.value else {
            self.error(
                node.span,
                format!("{what} must be a JSON object, not {}", node.describe()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in entries {
            let Some(name) = key.scalar_text(self.file) else {
                continue;
            };
            if !known.contains(&name.as_ref()) {
                let hint = did_you_mean(&name, known.iter().copied())
                    .map(|h| format!(", {h}"))
                    .unwrap_or_default();
                self.error(key.span, format!("unknown {what} field `{name}`{hint}"));
                continue;
            }
            out.push((name.into_owned(), value));
        }
        out
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = node.scalar_text(self.file).map(|t| t.into_owned());
        if text.is_none() {
            self.error(
                node.span,
                format!("{what} must be a string, not {}", node.describe()),
            );
        }
        text
    }

    fn policy(&mut self, node: &Node, default_name: String) -> Option<NamedPolicy> {
        // `{name, policy}` or a bare policy document.
        let (name, document) = match &node.value {
            NodeValue::Map(entries)
                if entries
                    .iter()
                    .any(|(k, _)| k.scalar_text(self.file).as_deref() == Some("policy")) =>
            {
                let mut name = default_name;
                let mut document = None;
                for (key, value) in self.map(node, &["name", "policy"], "policy entry") {
                    if key == "name" {
                        name = self.text(value, "`name`")?;
                    } else {
                        document = Some(value);
                    }
                }
                (name, document?)
            }
            _ => (default_name, node),
        };
        let before = self.diagnostics.len();
        let policy = read_node(document, self.file, self.diagnostics);
        if self.diagnostics[before..].iter().any(Diagnostic::is_error) {
            self.failed = true;
        }
        Some(NamedPolicy {
            name,
            policy: policy?,
        })
    }

    fn policies(&mut self, node: &Node, prefix: &str) -> Vec<NamedPolicy> {
        let NodeValue::Seq(items) = &node.value else {
            self.error(
                node.span,
                format!("`{prefix}` must be a list, not {}", node.describe()),
            );
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.policy(item, format!("{prefix}[{i}]")))
            .collect()
    }

    fn levels(&mut self, node: &Node, prefix: &str) -> Vec<OrgLevel> {
        let NodeValue::Seq(items) = &node.value else {
            self.error(
                node.span,
                format!("`{prefix}` must be a list, not {}", node.describe()),
            );
            return Vec::new();
        };
        let mut levels = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let mut id = format!("level {}", i + 1);
            let mut policies = Vec::new();
            for (key, value) in self.map(item, &["orgIdentifier", "policies"], "organization level")
            {
                if key == "orgIdentifier" {
                    id = self.text(value, "`orgIdentifier`").unwrap_or(id);
                } else {
                    policies = self.policies(value, &format!("{prefix}[{i}].policies"));
                }
            }
            levels.push(OrgLevel { id, policies });
        }
        levels
    }

    fn case(&mut self, node: &Node, index: usize) -> Option<Case> {
        let mut name = format!("case {}", index + 1);
        let mut request = None;
        let mut policies = PolicySet::default();
        let mut expected = None;
        for (key, value) in self.map(node, CASE_KEYS, "case") {
            match key.as_str() {
                "name" => name = self.text(value, "`name`").unwrap_or(name),
                "reference" | "note" => {}
                "request" => request = self.request(value),
                "identityPolicies" => policies.identity = self.policies(value, "identityPolicies"),
                "resourcePolicy" => policies.resource = self.policy(value, "resourcePolicy".into()),
                "permissionBoundaries" | "permissionBoundaryPolicies" => {
                    policies.boundaries = self.policies(value, "permissionBoundaries");
                }
                "serviceControlPolicies" => {
                    policies.scps = self.levels(value, "serviceControlPolicies")
                }
                "resourceControlPolicies" => {
                    policies.rcps = self.levels(value, "resourceControlPolicies")
                }
                "sessionPolicy" => policies.session = self.policy(value, "sessionPolicy".into()),
                "endpointPolicies" | "vpcEndpointPolicies" => {
                    policies.endpoints = self.policies(value, "endpointPolicies");
                }
                "blockPublicAccess" => {
                    policies.block_public_access = self.block_public_access(value)
                }
                _ => expected = self.expected(value),
            }
        }
        let Some(request) = request else {
            if !self.failed {
                self.error(node.span, format!("case `{name}` has no `request`"));
            }
            return None;
        };
        Some(Case {
            name,
            request,
            policies,
            expected,
            span: node.span,
        })
    }

    fn block_public_access(&mut self, node: &Node) -> BlockPublicAccess {
        let mut settings = BlockPublicAccess::default();
        for (level, flags_node) in self.map(node, BPA_LEVELS, "blockPublicAccess") {
            let mut flags = BlockPublicAccessFlags::default();
            for (flag, value) in self.map(flags_node, BPA_FLAGS, "Block Public Access") {
                let on = match &value.value {
                    NodeValue::Bool(b) => *b,
                    _ => {
                        self.error(value.span, format!("`{flag}` must be true or false"));
                        continue;
                    }
                };
                match flag.as_str() {
                    "BlockPublicAcls" => flags.block_public_acls = on,
                    "IgnorePublicAcls" => flags.ignore_public_acls = on,
                    "BlockPublicPolicy" => flags.block_public_policy = on,
                    _ => flags.restrict_public_buckets = on,
                }
            }
            match level.as_str() {
                "account" => settings.account = flags,
                "bucket" => settings.bucket = flags,
                _ => settings.access_point = flags,
            }
        }
        settings
    }

    fn expected(&mut self, node: &Node) -> Option<Decision> {
        let entries = self.map(node, &["response"], "expected");
        if let Some((_, value)) = entries.first() {
            let value = *value;
            let text = self.text(value, "`response`")?;
            return match text.as_str() {
                "Allowed" => Some(Decision::Allowed),
                "ExplicitlyDenied" => Some(Decision::ExplicitlyDenied),
                "ImplicitlyDenied" => Some(Decision::ImplicitlyDenied),
                other => {
                    self.error(
                        value.span,
                        format!("`response` must be `Allowed`, `ExplicitlyDenied` or `ImplicitlyDenied`, not `{other}`"),
                    );
                    None
                }
            };
        }
        None
    }

    fn request(&mut self, node: &Node) -> Option<Request> {
        let mut action = None;
        let mut resource = None;
        let mut account = None;
        let mut principal = None;
        let mut context = Context::default();
        for (key, value) in self.map(node, REQUEST_KEYS, "request") {
            match key.as_str() {
                "action" => action = self.text(value, "`action`"),
                "resource" => match &value.value {
                    NodeValue::Map(_) => {
                        for (k, v) in self.map(value, &["resource", "accountId"], "resource") {
                            if k == "resource" {
                                resource = self.text(v, "`resource`");
                            } else {
                                account = self.text(v, "`accountId`");
                            }
                        }
                    }
                    _ => resource = self.text(value, "`resource`"),
                },
                "principal" => principal = self.principal(value),
                _ => context = self.context(value),
            }
        }
        let Some(action) = action else {
            self.error(node.span, "the request has no `action`".into());
            return None;
        };
        let Some(principal) = principal else {
            self.error(node.span, "the request has no `principal`".into());
            return None;
        };
        Some(Request {
            principal,
            action,
            resource: resource.unwrap_or_else(|| "*".into()),
            resource_account: account,
            context,
        })
    }

    fn principal(&mut self, node: &Node) -> Option<Principal> {
        if let NodeValue::Map(_) = &node.value {
            for (_, value) in self.map(node, &["type"], "principal") {
                let kind = self.text(value, "`type`")?;
                if kind == "Anonymous" {
                    return Some(Principal::Anonymous);
                }
                self.error(
                    value.span,
                    format!("unknown principal type `{kind}`: only `Anonymous`"),
                );
            }
            return None;
        }
        let text = self.text(node, "`principal`")?;
        match Principal::parse(&text) {
            Ok(principal) => Some(principal),
            Err(message) => {
                self.error(node.span, message);
                None
            }
        }
    }

    fn context(&mut self, node: &Node) -> Context {
        let mut context = Context::default();
        let NodeValue::Map(entries) = &node.value else {
            self.error(
                node.span,
                format!("`context` must be a JSON object, not {}", node.describe()),
            );
            return context;
        };
        for (key, value) in entries {
            let Some(key) = self.text(key, "a context key") else {
                continue;
            };
            match &value.value {
                NodeValue::Seq(items) => {
                    let values = items
                        .iter()
                        .filter_map(|i| self.text(i, "a context value"))
                        .collect();
                    context.insert(&key, values, true);
                }
                _ => {
                    if let Some(v) = self.text(value, "a context value") {
                        context.insert(&key, vec![v], false);
                    }
                }
            }
        }
        context
    }
}
