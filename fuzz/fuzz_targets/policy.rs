//! Any text read as a policy: no panic, and a policy that reads cleanly
//! evaluates without panicking and gives one of the three decisions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use moat_policy::{Context, NamedPolicy, PolicySet, Principal, Request, evaluate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (policy, _) = moat_policy::document::read("fuzz.json", text);
    let Some(policy) = policy else { return };
    let mut context = Context::default();
    context.insert("aws:username", vec!["alice".into()], false);
    context.insert("aws:SourceIp", vec!["203.0.113.7".into()], false);
    context.insert("aws:TagKeys", vec!["a".into(), "b".into()], true);
    let request = Request {
        principal: Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap_or(Principal::Anonymous),
        action: "s3:GetObject".into(),
        resource: "arn:aws:s3:::b/k".into(),
        resource_account: Some("111122223333".into()),
        context,
    };
    let named = NamedPolicy { name: "p".into(), policy };
    let set = PolicySet {
        identity: vec![named.clone()],
        resource: Some(named),
        ..PolicySet::default()
    };
    let _ = evaluate(&request, &set);
});
