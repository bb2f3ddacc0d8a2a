//! A bucket's policies as far as the template decides them. A question
//! whose answer is found in the known statements (a grant that is there, a
//! `Deny` that is there) need not wait for values only the deployment knows;
//! only "nothing found" does.

use crate::check::Outcome;
use moat_iac::Inventory;
use moat_iac::inventory::{AttachedPolicy, Bucket, Origin};
use moat_iac::node_util::first_unknown;
use moat_policy::document::Policy;
use moat_source::Span;

/// The first value of a bucket policy that only the deployment knows.
pub struct Undecided {
    pub reason: String,
    pub holder: Origin,
    pub span: Span,
}

impl Undecided {
    /// Says "unknown" for `bucket`, pointing at the value in its policy.
    pub fn say(&self, out: &mut crate::Out, bucket: &Origin) {
        out.say_in(
            bucket,
            &self.holder,
            Outcome::Unknown,
            Some(self.span),
            "PolicyDocument",
            format!(
                "cannot decide: bucket policy `{}` holds a value only the deployment knows: {}",
                self.holder.logical_id, self.reason
            ),
        );
    }
}

/// The bucket's policies that could be read, with the first value in them
/// that only the deployment knows.
pub fn bucket_policies_partly<'a>(
    inventory: &'a Inventory,
    bucket: &'a Bucket,
) -> (Vec<(&'a AttachedPolicy, &'a Policy)>, Option<Undecided>) {
    let mut known = Vec::new();
    let mut unknown = None;
    for attached in inventory.policies_of(bucket) {
        let doc = &attached.document;
        if let Some(reason) = &doc.unknown {
            let span = first_unknown(&doc.node).map_or(doc.span, |(_, s)| s);
            unknown.get_or_insert_with(|| Undecided {
                reason: reason.clone(),
                holder: attached.origin.clone(),
                span,
            });
        }
        match &doc.policy {
            Some(policy) => known.push((attached, policy)),
            None => {
                unknown.get_or_insert_with(|| Undecided {
                    reason: "the policy document could not be read".to_string(),
                    holder: attached.origin.clone(),
                    span: doc.span,
                });
            }
        }
    }
    (known, unknown)
}
