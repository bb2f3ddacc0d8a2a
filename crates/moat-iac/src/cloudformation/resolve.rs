//! Static resolution of intrinsic functions. What a template fixes is
//! resolved; what only a deployment knows becomes an unknown value with its
//! reason (node_util::UNKNOWN_MARK), so checks answer "unknown" instead of
//! guessing.
//!
//! Values stand in for what CloudFormation creates: a resource's `Ref` and
//! `Fn::GetAtt` give its name or ARN built from its name property, or from
//! `{LogicalId}` when the name is generated at deployment, and the stack's own
//! account is `000000000000` and Region `{AWS::Region}` unless `--param`
//! gives them. Within one template these stand-ins are consistent, which is
//! all policy questions need ("does this statement cover this bucket?").
//!
//! Parameters resolve to `--param` values, then defaults. A condition (and so
//! `Fn::If`) that depends on a parameter the user did not fix is unknown: a
//! default is what a stack gets when nobody says otherwise, not what a
//! deployment uses, and guessing it is how a scanner reports the wrong branch.
//!
//! Such a condition can instead be *assumed* true or false ([`Resolver::assuming`]),
//! to read the template once per way a deployment could go; the resolver
//! records which undecided conditions the values it resolves depend on
//! ([`Resolver::take_undecided`]), so only those need assuming.

use super::template::Template;
use crate::node_util::{entries, get, items, owned, string, text, unknown, unknown_reason};
use moat_source::node::{Node, NodeValue};
use moat_source::{Diagnostic, Span};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The stack's own account, unless `--param AWS::AccountId=...` says otherwise.
pub const DEFAULT_ACCOUNT: &str = "000000000000";
const MAX_DEPTH: usize = 64;

pub struct Resolver<'a, 't> {
    pub template: &'a Template<'t>,
    /// `--param` values (parameters and pseudo parameters).
    params: &'a BTreeMap<String, String>,
    diagnostics: RefCell<Vec<Diagnostic>>,
    /// What is being resolved, for cycle detection: `resource:X`, `condition:Y`.
    visiting: RefCell<Vec<String>>,
    /// Values for conditions no parameter decides.
    assumptions: Option<&'a BTreeMap<String, bool>>,
    /// Undecided conditions used by an `Fn::If` or a resource's `Condition`,
    /// in order of use (repeats included).
    undecided: RefCell<Vec<Undecided>>,
}

/// A condition no parameter decides, where something depends on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Undecided {
    pub name: String,
    /// The `Fn::If` or resource `Condition` that uses it.
    pub span: Span,
    /// Why it is undecided (the parameter it depends on).
    pub reason: String,
}

/// A condition's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Truth {
    Known(bool),
    Unknown(String),
}

impl<'a, 't> Resolver<'a, 't> {
    pub fn new(template: &'a Template<'t>, params: &'a BTreeMap<String, String>) -> Self {
        Resolver {
            template,
            params,
            diagnostics: RefCell::new(Vec::new()),
            visiting: RefCell::new(Vec::new()),
            assumptions: None,
            undecided: RefCell::new(Vec::new()),
        }
    }

    /// Takes `assumptions` as the values of conditions the parameters leave
    /// undecided; a condition the parameters decide keeps its value.
    pub fn assuming(mut self, assumptions: &'a BTreeMap<String, bool>) -> Self {
        self.assumptions = Some(assumptions);
        self
    }

    /// The undecided conditions used since the last call, each once, in order of first use.
    pub fn take_undecided(&self) -> Vec<Undecided> {
        let mut all = std::mem::take(&mut *self.undecided.borrow_mut());
        let mut seen = std::collections::BTreeSet::new();
        all.retain(|u| seen.insert(u.name.clone()));
        all
    }

    /// How many uses are recorded: with [`Self::forget_undecided`], the uses
    /// made while resolving something that turns out not to matter are dropped.
    pub fn undecided_mark(&self) -> usize {
        self.undecided.borrow().len()
    }

    /// Drops the uses recorded after `mark`.
    pub fn forget_undecided(&self, mark: usize) {
        self.undecided.borrow_mut().truncate(mark);
    }

    /// The value of condition `name` where `span` uses it (an `Fn::If`, a
    /// resource's `Condition`): as [`Self::condition`], and an undecided one is recorded.
    pub fn decide(&self, name: &str, span: Span) -> Truth {
        let truth = self.condition(name, span);
        if let Truth::Unknown(reason) = &truth
            && self.template.condition_node(name).is_some()
        {
            self.undecided.borrow_mut().push(Undecided {
                name: name.to_string(),
                span,
                reason: reason.clone(),
            });
        }
        truth
    }

    pub fn take_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics.borrow_mut())
    }

    fn report(&self, code: &str, message: String, span: Span) {
        self.diagnostics
            .borrow_mut()
            .push(Diagnostic::error(code, message).at(self.template.file, span));
    }

    /// `node` with every intrinsic resolved; `None` where `AWS::NoValue` removes it.
    pub fn resolve(&self, node: &Node<'t>) -> Option<Node<'static>> {
        self.value(node, 0, false)
    }

    fn value(&self, node: &Node<'t>, depth: usize, in_condition: bool) -> Option<Node<'static>> {
        if depth > MAX_DEPTH {
            return Some(unknown("nesting too deep to resolve", node.span));
        }
        match &node.value {
            NodeValue::Map(list) => {
                if list.len() == 1
                    && let Some((key, arg)) = list.first()
                    && let NodeValue::Str(name) = &key.value
                    && (name == "Ref"
                        || name.starts_with("Fn::")
                        || (in_condition && name == "Condition"))
                {
                    return self.intrinsic(name, arg, node.span, depth, in_condition);
                }
                let mut out = Vec::with_capacity(list.len());
                for (k, v) in list {
                    if let Some(v) = self.value(v, depth + 1, in_condition) {
                        out.push((owned(k), v));
                    }
                }
                Some(Node {
                    span: node.span,
                    defined: node.defined,
                    value: NodeValue::Map(out),
                })
            }
            NodeValue::Seq(list) => {
                let out = list
                    .iter()
                    .filter_map(|v| self.value(v, depth + 1, in_condition))
                    .collect();
                Some(Node {
                    span: node.span,
                    defined: node.defined,
                    value: NodeValue::Seq(out),
                })
            }
            _ => Some(owned(node)),
        }
    }

    fn intrinsic(
        &self,
        name: &str,
        arg: &Node<'t>,
        span: Span,
        depth: usize,
        in_condition: bool,
    ) -> Option<Node<'static>> {
        let d = depth + 1;
        let resolved = match name {
            "Ref" => match text(arg) {
                Some(target) => return self.reference(&target, span, in_condition),
                None => unknown("`Ref` needs a name", span),
            },
            "Condition" => match text(arg) {
                Some(c) => truth_node(self.condition(&c, span), span),
                None => unknown("`Condition` needs a name", span),
            },
            "Fn::GetAtt" => self.get_att(arg, span, d, in_condition),
            "Fn::Sub" => self.sub(arg, span, d, in_condition),
            "Fn::Join" => self.join(arg, span, d, in_condition),
            "Fn::Select" => self.select(arg, span, d, in_condition),
            "Fn::Split" => self.split(arg, span, d, in_condition),
            "Fn::FindInMap" => self.find_in_map(arg, span, d, in_condition),
            "Fn::If" => return self.if_(arg, span, d, in_condition),
            "Fn::Base64" => {
                let inner = self.value(arg, d, in_condition)?;
                let mut inner = inner;
                inner.span = span;
                inner
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                truth_node(self.truth_of(name, arg, span, d), span)
            }
            "Fn::ImportValue" => unknown("a value another stack exports (`Fn::ImportValue`)", span),
            "Fn::GetAZs" => unknown("the Region's Availability Zones (`Fn::GetAZs`)", span),
            "Fn::Cidr" => unknown("address blocks computed by `Fn::Cidr`", span),
            "Fn::Transform" => unknown(
                "the output of a macro (`Fn::Transform`) that runs at deployment",
                span,
            ),
            "Fn::Length" => match self.value(arg, d, in_condition) {
                Some(Node {
                    value: NodeValue::Seq(list),
                    ..
                }) => Node {
                    span,
                    defined: span,
                    value: NodeValue::UInt(list.len() as u64),
                },
                Some(other) if unknown_reason(&other).is_some() => other,
                _ => unknown("`Fn::Length` needs a list", span),
            },
            other => {
                self.report(
                    "cfn::unknown-function",
                    format!("unknown intrinsic function `{other}`"),
                    span,
                );
                unknown(format!("unknown intrinsic function `{other}`"), span)
            }
        };
        Some(resolved)
    }

    /// `Ref` to a parameter, pseudo parameter or resource.
    fn reference(&self, target: &str, span: Span, in_condition: bool) -> Option<Node<'static>> {
        if let Some(value) = self.params.get(target) {
            return Some(self.parameter_value(target, value, span));
        }
        let pseudo = match target {
            "AWS::NoValue" => return None,
            "AWS::AccountId" => Some(string(DEFAULT_ACCOUNT, span)),
            "AWS::Region" => Some(string("{AWS::Region}", span)),
            "AWS::Partition" => Some(string("aws", span)),
            "AWS::URLSuffix" => Some(string("amazonaws.com", span)),
            "AWS::StackName" => Some(string("{AWS::StackName}", span)),
            "AWS::StackId" => Some(unknown("the stack id (`AWS::StackId`)", span)),
            "AWS::NotificationARNs" => Some(unknown("the stack's notification ARNs", span)),
            _ => None,
        };
        if let Some(pseudo) = pseudo {
            return Some(pseudo);
        }
        if let Some(param) = self.template.parameter(target) {
            if in_condition {
                return Some(unknown(
                    format!(
                        "depends on parameter `{target}`, which a deployment may set; pass `--param {target}=VALUE` to decide it"
                    ),
                    span,
                ));
            }
            return Some(match &param.default {
                Some(default) => {
                    let mut value = match text(default) {
                        Some(t) => self.parameter_value(target, &t, default.span),
                        None => owned(default),
                    };
                    value.span = span;
                    value
                }
                None => unknown(
                    format!("parameter `{target}` has no default; pass `--param {target}=VALUE`"),
                    span,
                ),
            });
        }
        if self.template.resource(target).is_some() {
            return Some(self.resource_ref(target, span));
        }
        let known = self
            .template
            .parameters
            .iter()
            .map(|p| p.name.as_str())
            .chain(
                self.template
                    .resources
                    .iter()
                    .map(|r| r.logical_id.as_str()),
            );
        let hint = moat_source::diag::did_you_mean(target, known)
            .map(|m| format!("; {m}"))
            .unwrap_or_default();
        self.report(
            "cfn::unresolved-ref",
            format!("`Ref` to `{target}`, which is no parameter, pseudo parameter or resource of this template{hint}"),
            span,
        );
        Some(unknown(
            format!("`{target}` is not defined in the template"),
            span,
        ))
    }

    /// A parameter's text: lists (`CommaDelimitedList`, `List<...>`) become lists.
    fn parameter_value(&self, name: &str, value: &str, span: Span) -> Node<'static> {
        let kind = self
            .template
            .parameter(name)
            .map(|p| p.kind.as_str())
            .unwrap_or("");
        if kind == "CommaDelimitedList" || kind.starts_with("List<") {
            let list = value.split(',').map(|v| string(v.trim(), span)).collect();
            return Node {
                span,
                defined: span,
                value: NodeValue::Seq(list),
            };
        }
        string(value, span)
    }

    /// The physical name a resource's `Ref` gives.
    fn resource_ref(&self, logical_id: &str, span: Span) -> Node<'static> {
        let Some(resource) = self.template.resource(logical_id) else {
            return unknown(format!("`{logical_id}` is not defined"), span);
        };
        let name = || self.physical_name(logical_id, span);
        let value = match resource.resource_type.as_str() {
            "AWS::S3::Bucket"
            | "AWS::IAM::Role"
            | "AWS::IAM::User"
            | "AWS::IAM::Group"
            | "AWS::Lambda::Function"
            | "AWS::S3::AccessPoint"
            | "AWS::CloudTrail::Trail"
            | "AWS::Serverless::Function"
            | "AWS::S3Express::DirectoryBucket" => name(),
            // ids AWS assigns (`vpc-...`, `vpce-...`): a stand-in that is the
            // same wherever the template refers to the resource, so a
            // condition naming the VPC or endpoint can be compared and an
            // access point's VPC is known to be one
            "AWS::KMS::Key" | "AWS::EC2::VPC" | "AWS::EC2::VPCEndpoint" => {
                Ok(format!("{{{logical_id}}}"))
            }
            "AWS::KMS::Alias" => name(),
            "AWS::IAM::ManagedPolicy" => {
                name().map(|n| format!("arn:aws:iam::{}:policy/{n}", self.account()))
            }
            "AWS::SNS::Topic" => {
                name().map(|n| format!("arn:aws:sns:{}:{}:{n}", self.region(), self.account()))
            }
            "AWS::SQS::Queue" => name().map(|n| {
                format!(
                    "https://sqs.{}.amazonaws.com/{}/{n}",
                    self.region(),
                    self.account()
                )
            }),
            other => Err(format!(
                "the `Ref` of `{logical_id}` ({other}) is known only after deployment"
            )),
        };
        match value {
            Ok(v) => string(v, span),
            Err(reason) => unknown(reason, span),
        }
    }

    fn account(&self) -> String {
        self.params
            .get("AWS::AccountId")
            .cloned()
            .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string())
    }

    fn region(&self) -> String {
        self.params
            .get("AWS::Region")
            .cloned()
            .unwrap_or_else(|| "{AWS::Region}".to_string())
    }

    /// A resource's name property if the template fixes it, else `{LogicalId}`.
    fn physical_name(&self, logical_id: &str, span: Span) -> Result<String, String> {
        let Some(resource) = self.template.resource(logical_id) else {
            return Err(format!("`{logical_id}` is not defined"));
        };
        let property = match resource.resource_type.as_str() {
            "AWS::S3::Bucket" => "BucketName",
            "AWS::S3Express::DirectoryBucket" => "BucketName",
            "AWS::IAM::Role" => "RoleName",
            "AWS::IAM::User" => "UserName",
            "AWS::IAM::Group" => "GroupName",
            "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
            "AWS::Lambda::Function" | "AWS::Serverless::Function" => "FunctionName",
            "AWS::SNS::Topic" => "TopicName",
            "AWS::SQS::Queue" => "QueueName",
            "AWS::S3::AccessPoint" => "Name",
            "AWS::CloudTrail::Trail" => "TrailName",
            "AWS::KMS::Alias" => "AliasName",
            _ => "",
        };
        let fallback = format!("{{{logical_id}}}");
        let Some(node) = self
            .template
            .resource_node(resource.index)
            .and_then(|r| get(r, "Properties"))
            .and_then(|p| get(p, property))
        else {
            return Ok(fallback);
        };
        let key = format!("resource:{logical_id}");
        if self.visiting.borrow().len() >= MAX_DEPTH {
            self.report("cfn::too-deep", format!("the name of `{logical_id}` depends on a chain of more than {MAX_DEPTH} references"), span);
            return Err("a chain of references too long to follow".to_string());
        }
        if self.visiting.borrow().contains(&key) {
            let chain = self.visiting.borrow().join(" -> ");
            self.report(
                "cfn::cycle",
                format!("the name of `{logical_id}` depends on itself ({chain} -> {key})"),
                span,
            );
            return Err(format!("cycle through `{logical_id}`"));
        }
        self.visiting.borrow_mut().push(key);
        let value = self.value(node, 1, false);
        self.visiting.borrow_mut().pop();
        match value.as_ref().map(|v| (text(v), unknown_reason(v))) {
            Some((Some(name), _)) => Ok(name),
            Some((None, Some(reason))) => Err(reason.to_string()),
            _ => Ok(fallback),
        }
    }

    fn get_att(&self, arg: &Node<'t>, span: Span, d: usize, c: bool) -> Node<'static> {
        let parts: Vec<String> = match &arg.value {
            NodeValue::Str(s) => match s.split_once('.') {
                Some((r, a)) => vec![r.to_string(), a.to_string()],
                None => vec![s.to_string()],
            },
            NodeValue::Seq(list) => list
                .iter()
                .map(|n| {
                    self.value(n, d, c)
                        .as_ref()
                        .and_then(text)
                        .unwrap_or_default()
                })
                .collect(),
            _ => Vec::new(),
        };
        let [resource, attribute] = parts.as_slice() else {
            return unknown("`Fn::GetAtt` needs a resource and an attribute", span);
        };
        self.attribute(resource, attribute, span)
    }

    /// The value of `Fn::GetAtt resource.attribute`, where the template decides it.
    fn attribute(&self, logical_id: &str, attribute: &str, span: Span) -> Node<'static> {
        let Some(resource) = self.template.resource(logical_id) else {
            self.report(
                "cfn::unresolved-ref",
                format!("`Fn::GetAtt` of `{logical_id}`, which is not a resource of this template"),
                span,
            );
            return unknown(
                format!("`{logical_id}` is not defined in the template"),
                span,
            );
        };
        let name = match self.physical_name(logical_id, span) {
            Ok(n) => n,
            Err(reason) => return unknown(reason, span),
        };
        let (acct, region) = (self.account(), self.region());
        let value = match (resource.resource_type.as_str(), attribute) {
            ("AWS::S3::Bucket", "Arn") => format!("arn:aws:s3:::{name}"),
            ("AWS::S3::Bucket", "DomainName") => format!("{name}.s3.amazonaws.com"),
            ("AWS::S3::Bucket", "RegionalDomainName") => {
                format!("{name}.s3.{region}.amazonaws.com")
            }
            ("AWS::S3::Bucket", "DualStackDomainName") => {
                format!("{name}.s3.dualstack.{region}.amazonaws.com")
            }
            ("AWS::S3::Bucket", "WebsiteURL") => {
                format!("http://{name}.s3-website.{region}.amazonaws.com")
            }
            ("AWS::S3Express::DirectoryBucket", "Arn") => {
                format!("arn:aws:s3express:{region}:{acct}:bucket/{name}")
            }
            ("AWS::IAM::Role", "Arn") => format!("arn:aws:iam::{acct}:role/{name}"),
            ("AWS::IAM::User", "Arn") => format!("arn:aws:iam::{acct}:user/{name}"),
            ("AWS::IAM::Group", "Arn") => format!("arn:aws:iam::{acct}:group/{name}"),
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => {
                format!("arn:aws:iam::{acct}:policy/{name}")
            }
            ("AWS::KMS::Key", "Arn") => format!("arn:aws:kms:{region}:{acct}:key/{{{logical_id}}}"),
            ("AWS::KMS::Key", "KeyId") => format!("{{{logical_id}}}"),
            ("AWS::SNS::Topic", "TopicArn") => format!("arn:aws:sns:{region}:{acct}:{name}"),
            ("AWS::SNS::Topic", "TopicName") => name,
            ("AWS::SQS::Queue", "Arn") => format!("arn:aws:sqs:{region}:{acct}:{name}"),
            ("AWS::SQS::Queue", "QueueName") => name,
            ("AWS::SQS::Queue", "QueueUrl") => {
                format!("https://sqs.{region}.amazonaws.com/{acct}/{name}")
            }
            ("AWS::Lambda::Function" | "AWS::Serverless::Function", "Arn") => {
                format!("arn:aws:lambda:{region}:{acct}:function:{name}")
            }
            ("AWS::S3::AccessPoint", "Arn") => {
                format!("arn:aws:s3:{region}:{acct}:accesspoint/{name}")
            }
            ("AWS::S3::AccessPoint", "Name") => name,
            ("AWS::CloudTrail::Trail", "Arn") => {
                format!("arn:aws:cloudtrail:{region}:{acct}:trail/{name}")
            }
            (kind, attr) => {
                return unknown(
                    format!(
                        "attribute `{attr}` of `{logical_id}` ({kind}) is known only after deployment"
                    ),
                    span,
                );
            }
        };
        string(value, span)
    }

    fn sub(&self, arg: &Node<'t>, span: Span, d: usize, c: bool) -> Node<'static> {
        let (template, vars) = match &arg.value {
            NodeValue::Str(s) => (s.to_string(), None),
            NodeValue::Seq(list) if list.len() == 2 => {
                let Some(t) = list.first().and_then(text) else {
                    return unknown("`Fn::Sub` needs a string", span);
                };
                (t, list.get(1))
            }
            _ => return unknown("`Fn::Sub` needs a string or [string, variables]", span),
        };
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = match vars.and_then(|v| get(v, name)) {
                Some(node) => self.value(node, d, c),
                None => match name.split_once('.') {
                    Some((r, a)) if self.template.resource(r).is_some() => {
                        Some(self.attribute(r, a, span))
                    }
                    _ => self.reference(name, span, c),
                },
            };
            match value {
                Some(v) => match (text(&v), unknown_reason(&v)) {
                    (Some(t), _) => out.push_str(&t),
                    (None, Some(reason)) => return unknown(reason, span),
                    (None, None) => return unknown(format!("`${{{name}}}` is not a string"), span),
                },
                None => return unknown(format!("`${{{name}}}` is AWS::NoValue"), span),
            }
        }
        out.push_str(rest);
        string(out, span)
    }

    fn join(&self, arg: &Node<'t>, span: Span, d: usize, c: bool) -> Node<'static> {
        let [delimiter, list] = items(arg) else {
            return unknown("`Fn::Join` needs [delimiter, list]", span);
        };
        let delimiter = text(delimiter).unwrap_or_default();
        let Some(list) = self.value(list, d, c) else {
            return unknown("`Fn::Join` of AWS::NoValue", span);
        };
        if let Some(reason) = unknown_reason(&list) {
            return unknown(reason, span);
        }
        let mut parts = Vec::new();
        for item in items(&list) {
            match (text(item), unknown_reason(item)) {
                (Some(t), _) => parts.push(t),
                (None, Some(reason)) => return unknown(reason, span),
                (None, None) => return unknown("`Fn::Join` of a value that is not a string", span),
            }
        }
        string(parts.join(&delimiter), span)
    }

    fn select(&self, arg: &Node<'t>, span: Span, d: usize, c: bool) -> Node<'static> {
        let [index, list] = items(arg) else {
            return unknown("`Fn::Select` needs [index, list]", span);
        };
        let index = self
            .value(index, d, c)
            .as_ref()
            .and_then(text)
            .and_then(|t| t.parse::<usize>().ok());
        let list = self.value(list, d, c);
        match (index, list) {
            (_, Some(l)) if unknown_reason(&l).is_some() => {
                let reason = unknown_reason(&l).unwrap_or_default().to_string();
                unknown(reason, span)
            }
            (Some(i), Some(l)) => match items(&l).get(i) {
                Some(item) => {
                    let mut item = item.clone();
                    item.span = span;
                    item
                }
                None => unknown(
                    format!("`Fn::Select` index {i} is past the list's end"),
                    span,
                ),
            },
            _ => unknown("`Fn::Select` needs a number and a list", span),
        }
    }

    fn split(&self, arg: &Node<'t>, span: Span, d: usize, c: bool) -> Node<'static> {
        let [delimiter, source] = items(arg) else {
            return unknown("`Fn::Split` needs [delimiter, string]", span);
        };
        let delimiter = text(delimiter).unwrap_or_default();
        let Some(source) = self.value(source, d, c) else {
            return unknown("`Fn::Split` of AWS::NoValue", span);
        };
        match (text(&source), unknown_reason(&source)) {
            (Some(t), _) if !delimiter.is_empty() => Node {
                span,
                defined: span,
                value: NodeValue::Seq(
                    t.split(delimiter.as_str())
                        .map(|p| string(p, span))
                        .collect(),
                ),
            },
            (_, Some(reason)) => unknown(reason, span),
            _ => unknown("`Fn::Split` needs a delimiter and a string", span),
        }
    }

    fn find_in_map(&self, arg: &Node<'t>, span: Span, d: usize, c: bool) -> Node<'static> {
        let list = items(arg);
        if list.len() < 3 {
            return unknown(
                "`Fn::FindInMap` needs [map, top-level key, second-level key]",
                span,
            );
        }
        let mut keys = Vec::new();
        for item in list.iter().take(3) {
            let Some(v) = self.value(item, d, c) else {
                return unknown("`Fn::FindInMap` key is AWS::NoValue", span);
            };
            match (text(&v), unknown_reason(&v)) {
                (Some(t), _) => keys.push(t),
                (None, Some(reason)) => return unknown(reason, span),
                _ => return unknown("`Fn::FindInMap` keys must be strings", span),
            }
        }
        let found = get(&self.template.root, "Mappings")
            .and_then(|m| get(m, &keys[0]))
            .and_then(|m| get(m, &keys[1]))
            .and_then(|m| get(m, &keys[2]));
        match found {
            Some(node) => {
                let mut v = self
                    .value(node, d, c)
                    .unwrap_or_else(|| unknown("AWS::NoValue", span));
                v.span = span;
                v
            }
            None => {
                self.report(
                    "cfn::mapping",
                    format!(
                        "`Fn::FindInMap` finds no `{}` -> `{}` -> `{}` in `Mappings`",
                        keys[0], keys[1], keys[2]
                    ),
                    span,
                );
                unknown("the mapping has no such entry", span)
            }
        }
    }

    fn if_(&self, arg: &Node<'t>, span: Span, d: usize, c: bool) -> Option<Node<'static>> {
        let [condition, yes, no] = items(arg) else {
            return Some(unknown(
                "`Fn::If` needs [condition, value if true, value if false]",
                span,
            ));
        };
        let Some(condition) = text(condition) else {
            return Some(unknown("`Fn::If` needs a condition name", span));
        };
        match self.decide(&condition, span) {
            Truth::Known(true) => self.value(yes, d, c),
            Truth::Known(false) => self.value(no, d, c),
            Truth::Unknown(reason) => {
                // both branches are resolved, their values dropped: a condition
                // a branch uses is then recorded (to be assumed in turn), and a
                // branch's errors are reported, as CloudFormation rejects them
                // whichever branch a deployment takes
                let _ = self.value(yes, d, c);
                let _ = self.value(no, d, c);
                Some(unknown(
                    format!("`Fn::If` on condition `{condition}`: {reason}"),
                    span,
                ))
            }
        }
    }

    /// The value of the named condition, or its assumed value when the
    /// parameters leave it undecided.
    pub fn condition(&self, name: &str, span: Span) -> Truth {
        let Some(node) = self.template.condition_node(name) else {
            let known = self.template.conditions.iter().map(|(n, _)| n.as_str());
            let hint = moat_source::diag::did_you_mean(name, known)
                .map(|m| format!("; {m}"))
                .unwrap_or_default();
            self.report(
                "cfn::condition",
                format!("condition `{name}` is not defined in `Conditions`{hint}"),
                span,
            );
            return Truth::Unknown(format!("condition `{name}` is not defined"));
        };
        let key = format!("condition:{name}");
        if self.visiting.borrow().len() >= MAX_DEPTH {
            self.report(
                "cfn::too-deep",
                format!(
                    "condition `{name}` depends on a chain of more than {MAX_DEPTH} conditions"
                ),
                span,
            );
            return Truth::Unknown("a chain of conditions too long to follow".to_string());
        }
        if self.visiting.borrow().contains(&key) {
            let chain = self.visiting.borrow().join(" -> ");
            self.report(
                "cfn::cycle",
                format!("condition `{name}` depends on itself ({chain} -> {key})"),
                span,
            );
            return Truth::Unknown(format!("condition `{name}` is part of a cycle"));
        }
        self.visiting.borrow_mut().push(key);
        let value = match self.value(node, 1, true) {
            Some(v) => node_truth(&v),
            None => Truth::Unknown("AWS::NoValue as a condition".to_string()),
        };
        self.visiting.borrow_mut().pop();
        match (value, self.assumptions.and_then(|a| a.get(name))) {
            (Truth::Unknown(_), Some(assumed)) => Truth::Known(*assumed),
            (value, _) => value,
        }
    }

    fn truth_of(&self, name: &str, arg: &Node<'t>, span: Span, d: usize) -> Truth {
        let args: Vec<Node<'static>> = items(arg)
            .iter()
            .map(|a| {
                self.value(a, d, true)
                    .unwrap_or_else(|| unknown("AWS::NoValue", span))
            })
            .collect();
        match name {
            "Fn::Equals" => {
                let [a, b] = args.as_slice() else {
                    return Truth::Unknown("`Fn::Equals` needs two values".to_string());
                };
                for v in [a, b] {
                    if let Some(reason) = crate::node_util::first_unknown(v) {
                        return Truth::Unknown(reason.0);
                    }
                }
                Truth::Known(same(a, b))
            }
            "Fn::Not" => match args.as_slice() {
                [one] => match node_truth(one) {
                    Truth::Known(b) => Truth::Known(!b),
                    unknown => unknown,
                },
                _ => Truth::Unknown("`Fn::Not` needs one condition".to_string()),
            },
            _ => {
                let is_and = name == "Fn::And";
                let mut undecided = None;
                for a in &args {
                    match node_truth(a) {
                        Truth::Known(b) if b != is_and => return Truth::Known(b),
                        Truth::Known(_) => {}
                        Truth::Unknown(r) => undecided = Some(r),
                    }
                }
                match undecided {
                    Some(r) => Truth::Unknown(r),
                    None => Truth::Known(is_and),
                }
            }
        }
    }
}

fn same(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.value, &b.value) {
        (NodeValue::Seq(x), NodeValue::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (NodeValue::Map(x), NodeValue::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| text(k1) == text(k2) && same(v1, v2))
        }
        _ => text(a) == text(b),
    }
}

/// A resolved condition as a node: `true`, `false`, or an unknown.
fn truth_node(truth: Truth, span: Span) -> Node<'static> {
    match truth {
        Truth::Known(b) => Node {
            span,
            defined: span,
            value: NodeValue::Bool(b),
        },
        Truth::Unknown(reason) => unknown(reason, span),
    }
}

fn node_truth(node: &Node<'_>) -> Truth {
    if let Some(reason) = unknown_reason(node) {
        return Truth::Unknown(reason.to_string());
    }
    match &node.value {
        NodeValue::Bool(b) => Truth::Known(*b),
        NodeValue::Str(s) if s.eq_ignore_ascii_case("true") => Truth::Known(true),
        NodeValue::Str(s) if s.eq_ignore_ascii_case("false") => Truth::Known(false),
        _ => Truth::Unknown(format!(
            "a condition must be true or false, not {}",
            node.describe()
        )),
    }
}

/// The entries of a resolved map, for callers outside this module.
pub fn resolved_entries<'a>(node: &'a Node<'static>) -> &'a [(Node<'static>, Node<'static>)] {
    entries(node)
}
