//! A resource's evidence: one file made of the answers of the calls about it,
//! each a part named after the call and the resource
//! (`s3:GetPublicAccessBlock arn:aws:s3:::my-bucket`) holding the answer as
//! pretty JSON, so a finding's location names the call that showed it and
//! the report shows the line.

use crate::answer::{Answer, Resource};
use crate::calls::Call;
use moat_iac::Value;
use moat_iac::node_util::owned;
use moat_source::node::{Node, NodeValue};
use moat_source::{Diagnostic, SourceFile, Span};

/// One call's answer, read.
#[derive(Debug, Clone)]
pub enum Part {
    Data(Node<'static>),
    /// Not configured; the span is the error code in the evidence.
    NotConfigured(Span),
    /// Failed: why, and the error code in the evidence.
    Failed(String, Span),
}

/// A resource's evidence file and its parts, read.
pub struct Evidence {
    pub file: SourceFile,
    parts: Vec<(Call, Part)>,
}

impl Evidence {
    /// Builds the file for `resource` (with `extra` answers from elsewhere,
    /// such as the account's Block Public Access settings shown beside each
    /// bucket's), reporting failed calls and unreadable answers to `diagnostics`.
    pub fn of(
        resource: &Resource,
        extra: &[(Call, &Answer, &str)],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Evidence {
        let mut sources = Vec::new();
        let mut order = Vec::new();
        let all = resource
            .answers
            .iter()
            .map(|(c, a)| (*c, a, resource.arn.as_str()))
            .chain(extra.iter().copied());
        for (call, answer, arn) in all {
            let shown = match answer {
                Answer::Data(v) => v.clone(),
                Answer::NotConfigured { code, message } | Answer::Failed { code, message } => {
                    serde_json::json!({"Error": {"Code": code, "Message": message}})
                }
            };
            let text = serde_json::to_string_pretty(&shown).unwrap_or_default() + "\n";
            sources.push(SourceFile::new(format!("{} {arn}", call.name()), text));
            order.push((call, answer));
        }
        let file = SourceFile::joined(resource.arn.as_str(), sources.clone());
        let mut parts = Vec::new();
        for ((call, answer), part_file) in order.into_iter().zip(&sources) {
            let start = file.part_start(&part_file.name).unwrap_or(0);
            let node = match moat_source::node::parse(part_file) {
                Ok(node) => shifted(&owned(&node), start),
                Err(d) => {
                    diagnostics.push(*d);
                    continue;
                }
            };
            let code_span = || error_code_span(&node);
            let part = match answer {
                Answer::Data(_) => Part::Data(node),
                Answer::NotConfigured { .. } => Part::NotConfigured(code_span()),
                Answer::Failed { .. } => {
                    let reason = answer.failure(call).unwrap_or_default();
                    diagnostics.push(
                        Diagnostic::error("aws::call-failed", reason.clone())
                            .at(&file, code_span())
                            .with_help(format!(
                                "grant `{}` to the scanning identity (`moat scan --aws --print-policy` prints every action the scan needs); until then what the call shows is unknown",
                                call.action
                            )),
                    );
                    Part::Failed(reason, code_span())
                }
            };
            parts.push((call, part));
        }
        Evidence { file, parts }
    }

    pub fn part(&self, call: Call) -> Option<&Part> {
        self.parts.iter().find(|(c, _)| *c == call).map(|(_, p)| p)
    }

    /// The answer's data, if the call answered.
    pub fn data(&self, call: Call) -> Option<&Node<'static>> {
        match self.part(call)? {
            Part::Data(n) => Some(n),
            _ => None,
        }
    }

    /// Where the evidence starts: a resource's origin.
    pub fn start(&self) -> Span {
        Span::new(0, 0)
    }

    /// A field read from `call`'s answer: `read` on the data, `unset` when
    /// the API says the setting is not configured, unknown when the call
    /// failed or was not made.
    pub fn field<T>(
        &self,
        call: Call,
        read: impl FnOnce(&Node<'static>) -> Value<T>,
        unset: impl FnOnce(Span) -> Value<T>,
    ) -> Value<T> {
        match self.part(call) {
            Some(Part::Data(n)) => read(n),
            Some(Part::NotConfigured(span)) => unset(*span),
            Some(Part::Failed(reason, span)) => Value::unknown(reason.clone(), *span),
            None => Value::unknown(format!("{} was not read", call.name()), self.start()),
        }
    }
}

/// `Error.Code`'s value in an error answer.
fn error_code_span(node: &Node<'static>) -> Span {
    moat_iac::node_util::get(node, "Error")
        .and_then(|e| moat_iac::node_util::get(e, "Code"))
        .map_or(node.span, |c| c.span)
}

/// `node` with every span moved `by` bytes: a part's tree placed in the joined file.
fn shifted(node: &Node<'static>, by: u32) -> Node<'static> {
    let move_span = |s: Span| Span {
        start: s.start.saturating_add(by),
        end: s.end.saturating_add(by),
    };
    let value = match &node.value {
        NodeValue::Seq(items) => NodeValue::Seq(items.iter().map(|i| shifted(i, by)).collect()),
        NodeValue::Map(entries) => NodeValue::Map(
            entries
                .iter()
                .map(|(k, v)| (shifted(k, by), shifted(v, by)))
                .collect(),
        ),
        other => other.clone(),
    };
    Node {
        span: move_span(node.span),
        defined: move_span(node.defined),
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Kind;
    use crate::calls;

    #[test]
    fn spans_point_into_the_part_of_the_call() {
        let mut r = Resource::new("arn:aws:s3:::b", Kind::Bucket);
        r.answers.push((
            calls::GET_BUCKET_VERSIONING,
            Answer::Data(serde_json::json!({"Status": "Enabled"})),
        ));
        r.answers.push((
            calls::GET_BUCKET_POLICY,
            Answer::error(calls::GET_BUCKET_POLICY, "AccessDenied", "Access Denied"),
        ));
        let mut diagnostics = Vec::new();
        let ev = Evidence::of(&r, &[], &mut diagnostics);
        let status = ev
            .data(calls::GET_BUCKET_VERSIONING)
            .and_then(|n| moat_iac::node_util::get(n, "Status"))
            .unwrap();
        let loc = ev.file.location(status.span);
        assert_eq!(loc.file, "s3:GetBucketVersioning arn:aws:s3:::b");
        assert_eq!((loc.line, loc.col), (2, 13));
        let v: Value<bool> = ev.field(
            calls::GET_BUCKET_POLICY,
            |_| Value::Absent,
            |_| Value::Absent,
        );
        assert_eq!(
            v.reason(),
            Some("s3:GetBucketPolicy was refused: AccessDenied: Access Denied")
        );
        let loc = ev.file.location(v.span().unwrap());
        assert_eq!(loc.file, "s3:GetBucketPolicy arn:aws:s3:::b");
        assert_eq!(loc.line, 3);
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].is_error());
    }
}
