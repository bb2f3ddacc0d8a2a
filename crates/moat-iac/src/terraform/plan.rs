//! Terraform plans (`terraform show -json plan.out`) lowered like the
//! configuration they come from. Terraform has already evaluated
//! everything it can: variables, modules, `count` and `for_each`, the
//! values of data sources it read. What it leaves to `apply`
//! (`after_unknown`) becomes Moat's unknown marker, except the attributes
//! the configuration does not set (the provider computes them, as for the
//! HCL reader). The places come from the configuration when it is beside
//! the plan ([`super::plan_spans`]); the plan's own JSON otherwise.

use super::eval::Instance;
use super::values::{self, Val};
use crate::node_util::{entries, get, items, owned, text};
use moat_source::node::NodeValue;
use moat_source::{Diagnostic, SourceFile, Span};
use std::collections::BTreeMap;

/// Why a value the plan leaves to `apply` is unknown.
pub const AFTER_APPLY: &str = "known only after apply (the plan says so)";
/// Why a sensitive value the plan does not show is unknown.
const SENSITIVE: &str = "sensitive, and the plan does not show it";

/// Top-level arguments that name another resource (a bucket, a role, a
/// key...): when the plan leaves one to `apply` and its expression is a
/// reference to that resource, it is given the stand-in the HCL reader
/// gives the same reference. Only these: the plan lists an expression's
/// references, not the expression, so `"${aws_s3_bucket.x.arn}/*"` and
/// `aws_s3_bucket.x.arn` look alike; an identifying argument is the one
/// written as a bare reference in practice.
const NAMES_A_RESOURCE: &[&str] = &[
    "bucket",
    "target_bucket",
    "role",
    "user",
    "group",
    "policy_arn",
    "key_id",
    "target_key_id",
    "kms_key_id",
    "kms_master_key_id",
    "topic_arn",
    "queue_url",
    "function_name",
    "access_point_arn",
    "s3_bucket_name",
];

/// Whether a parsed JSON document is a plan (or a state) in Terraform's
/// JSON output format.
pub fn is_plan(root: &moat_source::node::Node<'_>) -> bool {
    get(root, "format_version").is_some()
        && (get(root, "planned_values").is_some()
            || get(root, "resource_changes").is_some()
            || (get(root, "terraform_version").is_some()
                && get(root, "values")
                    .and_then(|v| get(v, "root_module"))
                    .is_some()))
}

/// What the plan says about itself that makes it an incomplete picture:
/// Terraform stopped with an error, or left changes for later (`-target`,
/// deferred actions).
pub fn incomplete(root: &Val) -> Option<&'static str> {
    if matches!(
        get(root, "errored").map(|v| &v.value),
        Some(NodeValue::Bool(true))
    ) {
        return Some(
            "Terraform stopped with an error while planning: the plan's resources are incomplete",
        );
    }
    if matches!(
        get(root, "complete").map(|v| &v.value),
        Some(NodeValue::Bool(false))
    ) {
        return Some(
            "the plan is not complete (targeted, or with deferred changes): resources it leaves for later are not in it",
        );
    }
    None
}

/// Whether `text` may be a plan: the keys every plan has are in it (a test
/// that parses nothing, for deciding which reader tries a JSON file first).
pub fn may_be_plan(text: &str) -> bool {
    text.contains("\"format_version\"")
        && (text.contains("\"planned_values\"")
            || text.contains("\"resource_changes\"")
            || text.contains("\"terraform_version\""))
}

/// Whether `text` is a plan in Terraform's JSON output format.
pub fn looks_like_plan(text: &str) -> bool {
    if !may_be_plan(text) {
        return false;
    }
    let file = SourceFile::new("", text.to_string());
    moat_source::node::parse(&file).is_ok_and(|root| is_plan(&root))
}

/// A resource of the plan's `planned_values`.
pub struct Planned {
    pub instance: Instance,
    /// `module.a.` for a resource of module `a` (instance keys removed):
    /// where its configuration and its references are looked up.
    pub module: String,
    /// The configuration's expressions for its arguments, when the plan
    /// carries them.
    pub expressions: Option<Val>,
    /// The places of values built from references (variables, other
    /// resources): the plan shows them resolved, but they are not written
    /// out in the configuration.
    pub derived: Vec<Span>,
}

/// The plan's resources as instances; `root` is the parsed plan, whose
/// text starts at `base` in the file its spans are read in.
pub fn instances(root: &Val, base: u32) -> Vec<Planned> {
    let root = &values::shift(root.clone(), base);
    let mut changes: BTreeMap<String, &Val> = BTreeMap::new();
    for change in items_of(root, "resource_changes") {
        if let (Some(address), Some(change)) =
            (get(change, "address").and_then(text), get(change, "change"))
        {
            changes.insert(address, change);
        }
    }
    let mut expressions: BTreeMap<String, Val> = BTreeMap::new();
    if let Some(module) = get(root, "configuration").and_then(|c| get(c, "root_module")) {
        configured(module, "", &mut expressions);
    }
    let mut out = Vec::new();
    // a state (`terraform show -json` without a plan) has `values`
    let values = get(root, "planned_values").or_else(|| get(root, "values"));
    if let Some(module) = values.and_then(|p| get(p, "root_module")) {
        planned(module, &changes, &expressions, 0, &mut out);
    }
    add_computed(&mut out);
    name_references(&mut out);
    out
}

fn items_of<'a>(v: &'a Val, key: &str) -> &'a [Val] {
    get(v, key).map(items).unwrap_or(&[])
}

/// The expressions of every resource block of the configuration, by
/// address without instance keys (`module.a.aws_s3_bucket.x`).
fn configured(module: &Val, prefix: &str, out: &mut BTreeMap<String, Val>) {
    for r in items_of(module, "resources") {
        if let (Some(address), Some(e)) = (get(r, "address").and_then(text), get(r, "expressions"))
        {
            out.insert(format!("{prefix}{address}"), e.clone());
        }
    }
    if let Some(calls) = get(module, "module_calls") {
        for (name, call) in entries(calls) {
            if let (Some(name), Some(m)) = (text(name), get(call, "module")) {
                configured(m, &format!("{prefix}module.{name}."), out);
            }
        }
    }
}

/// Modules nested deeper than this in a plan are not read (the JSON
/// parser's own depth bound stops far earlier; this keeps the walk
/// bounded whatever it is given).
const MAX_MODULES: usize = 64;

fn planned(
    module: &Val,
    changes: &BTreeMap<String, &Val>,
    expressions: &BTreeMap<String, Val>,
    depth: usize,
    out: &mut Vec<Planned>,
) {
    if depth > MAX_MODULES {
        return;
    }
    let prefix = get(module, "address")
        .and_then(text)
        .map(|a| format!("{}.", without_keys(&a)))
        .unwrap_or_default();
    for r in items_of(module, "resources") {
        let (Some(address), Some(rtype)) = (
            get(r, "address").and_then(text),
            get(r, "type").and_then(text),
        ) else {
            continue;
        };
        let data = get(r, "mode").and_then(text).as_deref() == Some("data");
        let change = changes.get(&address).copied();
        let empty = values::node(NodeValue::Map(Vec::new()), r.span);
        let given = get(r, "values").unwrap_or(&empty);
        let key = without_keys(&address);
        let expr = expressions.get(&key);
        let cfg = match expr {
            Some(e) => Cfg::Block(e),
            None => Cfg::Unread,
        };
        let mut derived = Vec::new();
        let attrs = build(
            Some(given),
            change.and_then(|c| get(c, "after_unknown")),
            get(r, "sensitive_values").or_else(|| change.and_then(|c| get(c, "after_sensitive"))),
            cfg,
            given.span,
            &mut derived,
        )
        .unwrap_or_else(|| empty.clone());
        // the address names the resource; its labels are its place
        let span = get(r, "address").map(|a| a.span).unwrap_or(r.span);
        out.push(Planned {
            instance: Instance {
                address,
                resource_type: rtype,
                data,
                span,
                body_span: r.span,
                attrs,
                computed: Vec::new(),
                unknown_count: None,
            },
            module: prefix.clone(),
            expressions: expr.cloned(),
            derived,
        });
    }
    for child in items_of(module, "child_modules") {
        planned(child, changes, expressions, depth + 1, out);
    }
}

/// What the configuration says about a value of the plan.
#[derive(Clone, Copy)]
enum Cfg<'a> {
    /// Nothing (the plan has no configuration for it): an unknown stays.
    Unread,
    /// Written as one expression: whatever is inside it is set by it.
    Expression(&'a Val),
    /// A block (or the resource): its arguments and nested blocks.
    Block(&'a Val),
    /// A list of nested blocks as written.
    Blocks(&'a Val),
}

impl<'a> Cfg<'a> {
    /// What it says about `key` of an object; `None` when the key is not
    /// written in a block (the provider computes it).
    fn key(self, key: &str) -> Option<Cfg<'a>> {
        match self {
            Cfg::Block(b) => match get(b, key) {
                None => None,
                Some(e) if matches!(e.value, NodeValue::Seq(_)) => Some(Cfg::Blocks(e)),
                Some(e) => Some(Cfg::Expression(e)),
            },
            Cfg::Blocks(_) => Some(Cfg::Unread),
            other => Some(other),
        }
    }

    fn item(self, i: usize) -> Cfg<'a> {
        match self {
            Cfg::Blocks(list) => match items(list).get(i) {
                Some(b) if matches!(b.value, NodeValue::Map(_)) => Cfg::Block(b),
                Some(e) => Cfg::Expression(e),
                // more blocks than written: `dynamic`
                None => Cfg::Unread,
            },
            Cfg::Block(_) => Cfg::Unread,
            other => other,
        }
    }
}

fn is_true(v: Option<&Val>) -> bool {
    matches!(v.map(|v| &v.value), Some(NodeValue::Bool(true)))
}

/// A value of the plan with what it leaves to `apply` (`unknown`) and what
/// it hides (`sensitive`) marked; `None` for a value to leave out. `at` is
/// the place for a value the plan does not write.
fn build(
    given: Option<&Val>,
    unknown: Option<&Val>,
    sensitive: Option<&Val>,
    cfg: Cfg<'_>,
    at: Span,
    derived: &mut Vec<Span>,
) -> Option<Val> {
    if let Cfg::Expression(e) = cfg
        && get(e, "references").is_some()
        && let Some(g) = given
    {
        derived.push(g.span);
    }
    if is_true(unknown) {
        return Some(values::unknown(
            AFTER_APPLY,
            given.map(|g| g.span).unwrap_or(at),
        ));
    }
    let Some(given) = given else {
        // the plan shows a sensitive value's place but not the value
        return is_true(sensitive).then(|| values::unknown(SENSITIVE, at));
    };
    match &given.value {
        NodeValue::Map(list) => {
            let mut out: Vec<(Val, Val)> = Vec::new();
            let mut keys: Vec<(String, Option<&Val>)> = list
                .iter()
                .filter_map(|(k, _)| text(k).map(|t| (t, Some(k))))
                .collect();
            // unknown values are left out of `values`: their keys come from `after_unknown`
            for (k, _) in unknown.map(entries).unwrap_or(&[]) {
                if let Some(t) = text(k)
                    && !keys.iter().any(|(x, _)| *x == t)
                {
                    keys.push((t, None));
                }
            }
            for (key, key_node) in keys {
                let child_unknown = unknown.and_then(|u| get(u, &key));
                let child = match cfg.key(&key) {
                    Some(child_cfg) => build(
                        get(given, &key),
                        child_unknown,
                        sensitive.and_then(|s| get(s, &key)),
                        child_cfg,
                        given.span,
                        derived,
                    ),
                    // not written: what the provider computes is not an argument
                    None if is_true(child_unknown) => None,
                    // a provider default, or blocks the configuration makes
                    // without writing them (`dynamic`): whatever inside is
                    // left to apply stays unknown
                    None => build(
                        get(given, &key),
                        child_unknown,
                        sensitive.and_then(|s| get(s, &key)),
                        Cfg::Unread,
                        given.span,
                        derived,
                    ),
                };
                if let Some(child) = child {
                    let key_node = key_node
                        .map(owned)
                        .unwrap_or_else(|| values::str(key, child.span));
                    out.push((key_node, child));
                }
            }
            Some(values::node(NodeValue::Map(out), given.span))
        }
        NodeValue::Seq(list) => {
            let out: Vec<Val> = list
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    build(
                        Some(item),
                        unknown.and_then(|u| items(u).get(i)),
                        sensitive.and_then(|s| items(s).get(i)),
                        cfg.item(i),
                        item.span,
                        derived,
                    )
                })
                .collect();
            Some(values::seq(out, given.span))
        }
        _ => Some(owned(given)),
    }
}

/// `module.a["x"].aws_s3_bucket.b[0]` as `module.a.aws_s3_bucket.b`: the
/// address of the block that made an instance.
pub fn without_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in address.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '"' if depth > 0 => in_string = true,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The attributes AWS computes, as the HCL reader gives them (`id`,
/// `arn`...), where the plan leaves them to `apply`.
fn add_computed(planned: &mut [Planned]) {
    for p in planned {
        let i = &mut p.instance;
        i.computed = super::computed::add(
            &i.resource_type,
            &i.address,
            &mut i.attrs,
            i.span,
            &super::computed::Env::default(),
        );
    }
}

/// Gives an unknown argument in [`NAMES_A_RESOURCE`] that is a reference
/// to another resource's attribute the value of that attribute (known, or
/// its stand-in): the plan leaves `bucket = aws_s3_bucket.x.id` to
/// `apply`, and a split resource must still find its bucket.
fn name_references(planned: &mut [Planned]) {
    let mut found: Vec<(usize, String, Val)> = Vec::new();
    for (n, p) in planned.iter().enumerate() {
        let Some(expressions) = &p.expressions else {
            continue;
        };
        for key in NAMES_A_RESOURCE {
            let Some(v) = get(&p.instance.attrs, key) else {
                continue;
            };
            if !values::is_unknown(v) {
                continue;
            }
            let Some((target, attr)) = get(expressions, key).and_then(single_reference) else {
                continue;
            };
            let address = format!("{}{target}", p.module);
            let value = planned
                .iter()
                .find(|x| x.instance.address == address)
                .and_then(|x| get(&x.instance.attrs, &attr))
                .and_then(values::text);
            if let Some(value) = value {
                found.push((n, key.to_string(), values::str(value, v.span)));
            }
        }
    }
    for (n, key, value) in found {
        if let NodeValue::Map(list) = &mut planned[n].instance.attrs.value
            && let Some(slot) = list
                .iter_mut()
                .find(|(k, _)| text(k).as_deref() == Some(&key))
        {
            slot.1 = value;
        }
    }
}

/// `{"references": ["aws_s3_bucket.x.id", "aws_s3_bucket.x"]}` as
/// (`aws_s3_bucket.x`, `id`): an expression that refers to one attribute of
/// one resource and to nothing else.
fn single_reference(expression: &Val) -> Option<(String, String)> {
    let refs: Vec<String> = items(get(expression, "references")?)
        .iter()
        .filter_map(text)
        .collect();
    let [attribute, resource] = refs.as_slice() else {
        return None;
    };
    let attr = attribute
        .strip_prefix(resource.as_str())?
        .strip_prefix('.')?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let parts: Vec<&str> = resource.split('.').collect();
    let is_resource = match parts.as_slice() {
        [t, n] => {
            !matches!(
                *t,
                "var" | "local" | "module" | "path" | "each" | "count" | "self" | "terraform"
            ) && plain(t)
                && plain(n)
        }
        ["data", t, n] => plain(t) && plain(n),
        _ => false,
    };
    (is_resource && plain(attr)).then(|| (resource.clone(), attr.to_string()))
}

/// A note, once per plan, that `count` of its resources point into the plan.
pub fn unplaced_note(file: &SourceFile, count: usize, why: &str) -> Diagnostic {
    Diagnostic::note(
        "terraform::plan-locations",
        format!(
            "{} of the plan {why}: {} into the plan",
            moat_source::diag::count(count, "resource"),
            if count == 1 {
                "its findings point"
            } else {
                "their findings point"
            }
        ),
    )
    .in_file(&file.name)
}
