//! What every diagram needs from a model: safe node ids, boundaries nested as
//! a tree (walked without recursion, so deep nesting cannot exhaust the stack),
//! endpoint lookup by id, and flows in sequence order.

use moat_model::{Dataflow, Model};
use std::collections::{HashMap, HashSet};

/// One step of a depth-first walk over the boundary tree. Inside a boundary its
/// elements come first, then its nested boundaries; top-level boundaries come
/// before elements that sit in no (known) boundary, as in pytm's DFD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Open { boundary: usize, depth: usize },
    Node { element: usize, depth: usize },
    Close { boundary: usize, depth: usize },
}

pub(crate) struct Layout<'m> {
    /// Sanitized, unique ids, by element index.
    pub element_ids: Vec<String>,
    /// Sanitized, unique ids (distinct from element ids), by boundary index.
    pub boundary_ids: Vec<String>,
    pub steps: Vec<Step>,
    elements_by_id: HashMap<&'m str, usize>,
}

impl<'m> Layout<'m> {
    /// `reserved` lists words the target format would read as keywords (matched
    /// case-insensitively); ids equal to one get a trailing `_`.
    pub fn new(model: &'m Model, reserved: &[&str]) -> Self {
        let mut ids = IdAllocator::new(reserved);
        let element_ids = model.elements.iter().map(|e| ids.allocate(&e.id)).collect();
        let boundary_ids = model
            .boundaries
            .iter()
            .map(|b| ids.allocate(&b.id))
            .collect();
        let mut elements_by_id = HashMap::with_capacity(model.elements.len());
        for (i, e) in model.elements.iter().enumerate() {
            elements_by_id.entry(e.id.as_str()).or_insert(i);
        }
        Layout {
            element_ids,
            boundary_ids,
            steps: boundary_walk(model),
            elements_by_id,
        }
    }

    /// The index of the element with model id `id`.
    pub fn element(&self, id: &str) -> Option<usize> {
        self.elements_by_id.get(id).copied()
    }

    pub fn element_id(&self, element: usize) -> &str {
        self.element_ids.get(element).map_or("", String::as_str)
    }

    pub fn boundary_id(&self, boundary: usize) -> &str {
        self.boundary_ids.get(boundary).map_or("", String::as_str)
    }

    /// The node ids of a flow's source and sink, or `None` when either names
    /// no element (loaders reject such flows; diagrams skip them).
    pub fn endpoints(&self, flow: &Dataflow) -> Option<(&str, &str)> {
        let source = self.element(&flow.source)?;
        let sink = self.element(&flow.sink)?;
        Some((self.element_id(source), self.element_id(sink)))
    }
}

/// The depth-first walk of boundaries and elements, see [`Step`]. A boundary
/// whose parent is unknown, itself, or part of a cycle is drawn at the top level.
pub(crate) fn boundary_walk(model: &Model) -> Vec<Step> {
    let mut boundaries_by_id: HashMap<&str, usize> = HashMap::new();
    for (i, b) in model.boundaries.iter().enumerate() {
        boundaries_by_id.entry(b.id.as_str()).or_insert(i);
    }
    let count = model.boundaries.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut roots = Vec::new();
    for (i, b) in model.boundaries.iter().enumerate() {
        match b.parent.as_deref().and_then(|p| boundaries_by_id.get(p)) {
            Some(&parent) if parent != i => {
                if let Some(list) = children.get_mut(parent) {
                    list.push(i);
                }
            }
            _ => roots.push(i),
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut loose = Vec::new();
    for (i, e) in model.elements.iter().enumerate() {
        match e.boundary.as_deref().and_then(|b| boundaries_by_id.get(b)) {
            Some(&b) => {
                if let Some(list) = members.get_mut(b) {
                    list.push(i);
                }
            }
            None => loose.push(i),
        }
    }

    enum Work {
        Enter(usize),
        Exit(usize),
    }
    let mut steps = Vec::with_capacity(2 * count + model.elements.len());
    let mut visited = vec![false; count];
    let mut depth = 0;
    // Roots first; then whatever a parent cycle kept out of reach, in model order.
    for start in roots.into_iter().chain(0..count) {
        let mut stack = vec![Work::Enter(start)];
        while let Some(work) = stack.pop() {
            match work {
                Work::Enter(b) => {
                    if visited.get(b).copied().unwrap_or(true) {
                        continue;
                    }
                    if let Some(v) = visited.get_mut(b) {
                        *v = true;
                    }
                    steps.push(Step::Open { boundary: b, depth });
                    depth += 1;
                    for &element in members.get(b).into_iter().flatten() {
                        steps.push(Step::Node { element, depth });
                    }
                    stack.push(Work::Exit(b));
                    for &child in children.get(b).into_iter().flatten().rev() {
                        stack.push(Work::Enter(child));
                    }
                }
                Work::Exit(b) => {
                    depth = depth.saturating_sub(1);
                    steps.push(Step::Close { boundary: b, depth });
                }
            }
        }
    }
    steps.extend(
        loose
            .into_iter()
            .map(|element| Step::Node { element, depth: 0 }),
    );
    steps
}

/// The flow's `order` attribute, when set to a non-negative integer.
pub(crate) fn flow_order(flow: &Dataflow) -> Option<i64> {
    flow.attributes
        .get("order")
        .and_then(serde_json::Value::as_i64)
        .filter(|order| *order >= 0)
}

/// Flows in sequence order, as pytm sorts them: a stable sort on `order`,
/// where an unset order counts as -1 (so unordered flows come first, in
/// definition order).
pub(crate) fn ordered_flows(model: &Model) -> Vec<&Dataflow> {
    let mut flows: Vec<&Dataflow> = model.flows.iter().collect();
    flows.sort_by_key(|f| flow_order(f).unwrap_or(-1));
    flows
}

/// A flow's label: its name, prefixed with `(order)` when ordered, like pytm.
pub(crate) fn flow_label(flow: &Dataflow) -> String {
    match flow_order(flow) {
        Some(order) => format!("({order}) {}", flow.name),
        None => flow.name.clone(),
    }
}

/// Hands out ids made of ASCII letters, digits and `_`, not starting with a
/// digit, never a reserved word, unique (`_2`, `_3`... on collisions).
struct IdAllocator<'r> {
    reserved: &'r [&'r str],
    used: HashSet<String>,
}

impl<'r> IdAllocator<'r> {
    fn new(reserved: &'r [&'r str]) -> Self {
        IdAllocator {
            reserved,
            used: HashSet::new(),
        }
    }

    fn allocate(&mut self, raw: &str) -> String {
        let mut base: String = raw
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert_str(0, "n_");
        }
        if self.reserved.iter().any(|r| r.eq_ignore_ascii_case(&base)) {
            base.push('_');
        }
        if self.used.insert(base.clone()) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .unwrap_or(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_model::{Boundary, Element, ElementKind};

    fn boundary(id: &str, parent: Option<&str>) -> Boundary {
        Boundary {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            parent: parent.map(Into::into),
            attributes: Default::default(),
            tags: vec![],
            properties: Default::default(),
            span: None,
        }
    }

    fn element(id: &str, boundary: Option<&str>) -> Element {
        Element {
            id: id.into(),
            name: id.into(),
            kind: ElementKind::Server,
            description: String::new(),
            boundary: boundary.map(Into::into),
            data: vec![],
            attributes: Default::default(),
            tags: vec![],
            properties: Default::default(),
            span: None,
            implements: Vec::new(),
        }
    }

    #[test]
    fn ids_are_sanitized_unique_and_not_keywords() {
        let mut ids = IdAllocator::new(&["node", "end"]);
        assert_eq!(ids.allocate("s3-bucket"), "s3_bucket");
        assert_eq!(ids.allocate("s3_bucket"), "s3_bucket_2");
        assert_eq!(ids.allocate("3rd party"), "n_3rd_party");
        assert_eq!(ids.allocate(""), "n_");
        assert_eq!(ids.allocate("Node"), "Node_");
        assert_eq!(ids.allocate("\"x\" <y>"), "_x___y_");
    }

    #[test]
    fn walks_nested_boundaries_depth_first() {
        let model = Model {
            boundaries: vec![
                boundary("vpc", Some("aws")),
                boundary("aws", None),
                boundary("internet", Some("nowhere")),
            ],
            elements: vec![
                element("lambda", Some("vpc")),
                element("user", Some("internet")),
                element("s3", Some("aws")),
                element("loose", None),
            ],
            ..Model::default()
        };
        use Step::*;
        assert_eq!(
            boundary_walk(&model),
            [
                Open {
                    boundary: 1,
                    depth: 0
                },
                Node {
                    element: 2,
                    depth: 1
                },
                Open {
                    boundary: 0,
                    depth: 1
                },
                Node {
                    element: 0,
                    depth: 2
                },
                Close {
                    boundary: 0,
                    depth: 1
                },
                Close {
                    boundary: 1,
                    depth: 0
                },
                Open {
                    boundary: 2,
                    depth: 0
                },
                Node {
                    element: 1,
                    depth: 1
                },
                Close {
                    boundary: 2,
                    depth: 0
                },
                Node {
                    element: 3,
                    depth: 0
                },
            ]
        );
    }

    #[test]
    fn parent_cycles_still_draw_every_boundary_once() {
        let model = Model {
            boundaries: vec![boundary("a", Some("b")), boundary("b", Some("a"))],
            elements: vec![element("x", Some("b"))],
            ..Model::default()
        };
        let steps = boundary_walk(&model);
        let opens = steps
            .iter()
            .filter(|s| matches!(s, Step::Open { .. }))
            .count();
        assert_eq!(opens, 2);
        assert!(steps.contains(&Step::Node {
            element: 0,
            depth: 2
        }));
    }

    #[test]
    fn flows_follow_pytm_order() {
        let mut model = Model::default();
        for (id, order) in [("a", Some(2)), ("b", None), ("c", Some(1)), ("d", Some(-1))] {
            let mut flow = Dataflow {
                id: id.into(),
                name: id.into(),
                source: "x".into(),
                sink: "y".into(),
                description: String::new(),
                data: vec![],
                attributes: Default::default(),
                tags: vec![],
                properties: Default::default(),
                span: None,
                implements: Vec::new(),
            };
            if let Some(order) = order {
                flow.attributes.insert("order".into(), order.into());
            }
            model.flows.push(flow);
        }
        let ids: Vec<&str> = ordered_flows(&model)
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(ids, ["b", "d", "c", "a"]);
        assert_eq!(flow_label(&model.flows[0]), "(2) a");
        assert_eq!(flow_label(&model.flows[3]), "d");
    }
}
