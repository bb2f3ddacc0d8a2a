//! Reads a policy document from the spanned node tree, reporting every
//! problem with its place and reading on.

use super::operator::Spelling;
use super::{
    Condition, Effect, Operator, Patterns, Policy, PrincipalEntry, PrincipalKind, Principals,
    Spanned, Statement,
};
use moat_source::diag::did_you_mean;
use moat_source::node::{self, Node, NodeValue};
use moat_source::{Diagnostic, SourceFile, Span};

const POLICY_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const VERSIONS: &[&str] = &["2012-10-17", "2008-10-17"];

/// Reads the policy in `file` (JSON, or YAML for hand-written fixtures).
pub fn read_file(file: &SourceFile) -> (Option<Policy>, Vec<Diagnostic>) {
    match node::parse(file) {
        Ok(root) => {
            let mut diagnostics = Vec::new();
            let policy = read_node(&root, file, &mut diagnostics);
            (policy, diagnostics)
        }
        Err(error) => (None, vec![*error]),
    }
}

/// Reads a policy from text, naming it `name` in messages.
pub fn read(name: &str, text: &str) -> (Option<Policy>, Vec<Diagnostic>) {
    read_file(&SourceFile::new(name, text))
}

/// Reads the policy at `node` of `file` (a policy inside a larger document,
/// such as an evaluation case or a CloudFormation template). Problems go to
/// `diagnostics`; the policy is `None` only when it has no usable shape.
/// A statement with an error is left out, so an incomplete policy never
/// evaluates as if the broken part were absent: callers must check errors.
pub fn read_node(
    node: &Node,
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Policy> {
    let mut reader = Reader { file, diagnostics };
    reader.policy(node)
}

struct Reader<'a> {
    file: &'a SourceFile,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, span: Span, code: &str, message: String) {
        self.diagnostics
            .push(Diagnostic::error(code, message).at(self.file, span));
    }

    fn error_help(&mut self, span: Span, code: &str, message: String, help: Option<String>) {
        let mut diagnostic = Diagnostic::error(code, message).at(self.file, span);
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.diagnostics.push(diagnostic);
    }

    fn warning(&mut self, span: Span, code: &str, message: String) {
        self.diagnostics
            .push(Diagnostic::warning(code, message).at(self.file, span));
    }

    /// The map's entries with keys matched to `known`; unknown keys are
    /// reported, case variants read with a warning, duplicates refused.
    fn entries<'n>(
        &mut self,
        node: &'n Node<'n>,
        known: &[&'static str],
        what: &str,
    ) -> Option<Vec<(&'static str, &'n Node<'n>, Span)>> {
        let NodeValue::Map(entries) = &node.value else {
            self.error(
                node.span,
                "policy::shape",
                format!("{what} must be a JSON object, not {}", node.describe()),
            );
            return None;
        };
        let mut out: Vec<(&'static str, &'n Node<'n>, Span)> = Vec::new();
        for (key, value) in entries {
            let Some(name) = key.scalar_text(self.file) else {
                self.error(key.span, "policy::shape", "a key must be a string".into());
                continue;
            };
            let found = known
                .iter()
                .find(|k| **k == name)
                .or_else(|| known.iter().find(|k| k.eq_ignore_ascii_case(&name)));
            let Some(&canonical) = found else {
                self.error_help(
                    key.span,
                    "policy::unknown-element",
                    format!("unknown {what} element `{name}`"),
                    did_you_mean(&name, known.iter().copied()),
                );
                continue;
            };
            if canonical != name {
                self.warning(
                    key.span,
                    "policy::element-case",
                    format!("`{name}` is read as `{canonical}`; write it as IAM documents it"),
                );
            }
            if out.iter().any(|(k, _, _)| *k == canonical) {
                self.error(
                    key.span,
                    "policy::duplicate-element",
                    format!("`{canonical}` is given twice in one {what}"),
                );
                continue;
            }
            out.push((canonical, value, key.span));
        }
        Some(out)
    }

    fn policy(&mut self, node: &Node) -> Option<Policy> {
        let entries = self.entries(node, POLICY_KEYS, "policy")?;
        let mut policy = Policy {
            version: None,
            id: None,
            statements: Vec::new(),
            span: node.span,
        };
        let mut saw_statement = false;
        for (key, value, _) in entries {
            match key {
                "Version" => {
                    let version = self.string(value, "`Version`")?;
                    if !VERSIONS.contains(&version.value.as_str()) {
                        self.error(
                            version.span,
                            "policy::version",
                            format!(
                                "unknown policy language version `{}`: IAM knows `2012-10-17` and `2008-10-17`",
                                version.value
                            ),
                        );
                    }
                    policy.version = Some(version);
                }
                "Id" => policy.id = self.string(value, "`Id`"),
                _ => {
                    saw_statement = true;
                    let items: Vec<&Node> = match &value.value {
                        NodeValue::Seq(items) => items.iter().collect(),
                        _ => vec![value],
                    };
                    for (index, item) in items.into_iter().enumerate() {
                        if let Some(statement) = self.statement(item, index) {
                            policy.statements.push(statement);
                        }
                    }
                }
            }
        }
        if !saw_statement {
            self.error(
                node.span,
                "policy::missing-statement",
                "the policy has no `Statement`".into(),
            );
        }
        Some(policy)
    }

    fn statement(&mut self, node: &Node, index: usize) -> Option<Statement> {
        let errors_before = self.error_count();
        let entries = self.entries(node, STATEMENT_KEYS, "statement")?;
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<Principals> = None;
        let mut action: Option<Patterns> = None;
        let mut resource: Option<Patterns> = None;
        let mut conditions = Vec::new();
        for (key, value, key_span) in entries {
            match key {
                "Sid" => sid = self.string(value, "`Sid`"),
                "Effect" => effect = self.effect(value),
                "Principal" | "NotPrincipal" => {
                    if principal.is_some() {
                        self.error(
                            key_span,
                            "policy::both-forms",
                            "a statement takes `Principal` or `NotPrincipal`, not both".into(),
                        );
                        continue;
                    }
                    principal = self.principals(value, key == "NotPrincipal", key_span);
                }
                "Action" | "NotAction" => {
                    if action.is_some() {
                        self.error(
                            key_span,
                            "policy::both-forms",
                            "a statement takes `Action` or `NotAction`, not both".into(),
                        );
                        continue;
                    }
                    action = self.patterns(value, key == "NotAction", key_span, key);
                }
                "Resource" | "NotResource" => {
                    if resource.is_some() {
                        self.error(
                            key_span,
                            "policy::both-forms",
                            "a statement takes `Resource` or `NotResource`, not both".into(),
                        );
                        continue;
                    }
                    resource = self.patterns(value, key == "NotResource", key_span, key);
                }
                _ => self.conditions(value, &mut conditions),
            }
        }
        let Some(effect) = effect else {
            if self.error_count() == errors_before {
                self.error(
                    node.span,
                    "policy::missing-effect",
                    "the statement has no `Effect`".into(),
                );
            }
            return None;
        };
        let Some(action) = action else {
            self.error(
                node.span,
                "policy::missing-action",
                "the statement has no `Action` or `NotAction`".into(),
            );
            return None;
        };
        if self.error_count() > errors_before {
            return None;
        }
        Some(Statement {
            index,
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
            span: node.span,
        })
    }

    fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    fn effect(&mut self, node: &Node) -> Option<Spanned<Effect>> {
        let text = self.string(node, "`Effect`")?;
        match text.value.as_str() {
            "Allow" => Some(Spanned::new(Effect::Allow, text.span)),
            "Deny" => Some(Spanned::new(Effect::Deny, text.span)),
            other => {
                self.error(
                    text.span,
                    "policy::effect",
                    format!("`Effect` must be `Allow` or `Deny`, not `{other}`"),
                );
                None
            }
        }
    }

    /// A scalar as text (IAM reads unquoted numbers and booleans as their text).
    fn string(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        match node.scalar_text(self.file) {
            Some(text) => Some(Spanned::new(text.into_owned(), node.span)),
            None => {
                self.error(
                    node.span,
                    "policy::shape",
                    format!("{what} must be a string, not {}", node.describe()),
                );
                None
            }
        }
    }

    /// A string or a non-empty array of strings.
    fn strings(&mut self, node: &Node, what: &str) -> Option<Vec<Spanned<String>>> {
        match &node.value {
            NodeValue::Seq(items) => {
                if items.is_empty() {
                    self.error(
                        node.span,
                        "policy::empty",
                        format!("{what} is an empty list, which matches nothing"),
                    );
                    return None;
                }
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.string(item, what)?);
                }
                Some(out)
            }
            _ => Some(vec![self.string(node, what)?]),
        }
    }

    fn patterns(
        &mut self,
        node: &Node,
        negated: bool,
        key_span: Span,
        key: &str,
    ) -> Option<Patterns> {
        let patterns = self.strings(node, &format!("`{key}`"))?;
        Some(Patterns {
            negated,
            patterns,
            key_span,
        })
    }

    fn principals(&mut self, node: &Node, negated: bool, key_span: Span) -> Option<Principals> {
        let mut entries = Vec::new();
        if let Some(text) = node.scalar_text(self.file) {
            if text != "*" {
                self.error_help(
                    node.span,
                    "policy::principal",
                    format!("a principal given as a string must be `*`, not `{text}`"),
                    Some(
                        "write `{\"AWS\": \"...\"}` (or `Service`, `Federated`, `CanonicalUser`)"
                            .into(),
                    ),
                );
                return None;
            }
            entries.push(PrincipalEntry {
                kind: PrincipalKind::Everyone,
                value: Spanned::new("*".into(), node.span),
            });
        } else {
            const KINDS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];
            for (key, value, _) in self.entries(node, KINDS, "principal")? {
                let kind = match key {
                    "AWS" => PrincipalKind::Aws,
                    "Service" => PrincipalKind::Service,
                    "Federated" => PrincipalKind::Federated,
                    _ => PrincipalKind::CanonicalUser,
                };
                for value in self.strings(value, &format!("`{key}` principal"))? {
                    entries.push(PrincipalEntry { kind, value });
                }
            }
            if entries.is_empty() {
                self.error(
                    node.span,
                    "policy::empty",
                    "the principal names no one".into(),
                );
                return None;
            }
        }
        Some(Principals {
            negated,
            entries,
            key_span,
        })
    }

    fn conditions(&mut self, node: &Node, out: &mut Vec<Condition>) {
        let NodeValue::Map(blocks) = &node.value else {
            self.error(
                node.span,
                "policy::shape",
                format!("`Condition` must be a JSON object, not {}", node.describe()),
            );
            return;
        };
        for (op_node, keys) in blocks {
            let Some(name) = op_node.scalar_text(self.file) else {
                self.error(
                    op_node.span,
                    "policy::shape",
                    "an operator must be a string".into(),
                );
                continue;
            };
            let Some((operator, spelling)) = Operator::parse(&name) else {
                let known = Operator::known_names();
                self.error_help(
                    op_node.span,
                    "policy::unknown-operator",
                    format!("unknown condition operator `{name}`"),
                    did_you_mean(&name, known.iter().map(String::as_str)),
                );
                continue;
            };
            if let Spelling::Case(canonical) = spelling {
                self.warning(
                    op_node.span,
                    "policy::operator-case",
                    format!("`{name}` is read as `{canonical}`; write it as IAM documents it"),
                );
            }
            let NodeValue::Map(pairs) = &keys.value else {
                self.error(
                    keys.span,
                    "policy::shape",
                    format!(
                        "`{name}` must map condition keys to values, not be {}",
                        keys.describe()
                    ),
                );
                continue;
            };
            for (key, values) in pairs {
                let Some(key) = self.string(key, "a condition key") else {
                    continue;
                };
                let values = match &values.value {
                    // An empty list is legal JSON; IAM refuses it, and so do we.
                    NodeValue::Seq(items) if items.is_empty() => {
                        self.error(
                            values.span,
                            "policy::empty",
                            format!("`{}` has no values", key.value),
                        );
                        continue;
                    }
                    _ => match self.strings(values, &format!("the value of `{}`", key.value)) {
                        Some(values) => values,
                        None => continue,
                    },
                };
                out.push(Condition {
                    operator: Spanned::new(operator, op_node.span),
                    key,
                    values,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
