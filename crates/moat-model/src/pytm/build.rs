//! From the objects a script made to a [`Model`]: ids in definition order,
//! response links and flow numbering as pytm does them, boundary cycles refused.

use super::objects::{ObjId, ObjKind};
use super::reader::{MAX_WARNINGS, Reader, code};
use super::{convert, ids, overrides};
use crate::decision::Incomplete;
use crate::model::Model;
use crate::span::Span;
use crate::{Diagnostic, Loaded};
use serde_json::Value as Json;

impl Reader<'_> {
    pub(super) fn finish(mut self) -> Loaded {
        // whatever ran last, what follows is about the script
        self.file = self.main.clone();
        self.anchor = None;
        self.note_boundary_keyword();
        self.check_boundary_cycles();
        self.link_responses();
        self.number_flows();
        let mut model = self.model();
        let dropped = self.dropped_warnings();
        let main = self.main;
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        // the script's own diagnostics first, then each module's, by position
        diagnostics.sort_by_key(|d| {
            d.location
                .as_ref()
                .map(|l| (l.file != *main.name, l.file.clone(), l.line, l.col))
        });
        if dropped > 0 {
            let message =
                format!("{dropped} more warnings not shown: moat keeps the first {MAX_WARNINGS}");
            diagnostics.push(
                Diagnostic::warning(code::TOO_MANY_WARNINGS, message).at(main, Span::new(0, 0)),
            );
        }
        model.incomplete = std::mem::take(&mut self.incomplete);
        let more = self.dropped_incomplete();
        if more > 0 {
            model.incomplete.push(Incomplete {
                reason: format!("{more} more parts of the script were not read: moat lists the first {MAX_WARNINGS}"),
                location: None,
            });
        }
        let failed = diagnostics.iter().any(Diagnostic::is_error);
        Loaded {
            model: (!failed).then_some(model),
            diagnostics,
        }
    }

    fn note_boundary_keyword(&mut self) {
        let Some(used) = self.boundary_keyword else {
            return;
        };
        let applied = match (used.elements, used.boundaries) {
            (elements, 0) => count(elements, "element", "elements"),
            (0, boundaries) => count(boundaries, "boundary", "boundaries"),
            (elements, boundaries) => format!(
                "{} and {}",
                count(elements, "element", "elements"),
                count(boundaries, "boundary", "boundaries")
            ),
        };
        self.note(
            code::BOUNDARY_KEYWORD,
            used.first,
            format!("pytm ignores `boundary=` (its keyword is `inBoundary=`); moat treats it as `inBoundary` and applied it to {applied}"),
        );
    }

    /// Follows each boundary's parent once (linear time even for long chains)
    /// and reports every cycle where its last link was set.
    fn check_boundary_cycles(&mut self) {
        const UNSEEN: u8 = 0;
        const ON_PATH: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![UNSEEN; self.objects.len()];
        let mut cycles: Vec<Vec<ObjId>> = Vec::new();
        for start in 0..self.objects.len() {
            if self.obj(start).map(|o| o.kind) != Some(ObjKind::Boundary) {
                continue;
            }
            let mut path: Vec<ObjId> = Vec::new();
            let mut current = Some(start);
            while let Some(id) = current {
                match state.get(id).copied() {
                    Some(ON_PATH) => {
                        if let Some(pos) = path.iter().position(|&p| p == id) {
                            cycles.push(path.get(pos..).unwrap_or_default().to_vec());
                        }
                        break;
                    }
                    Some(UNSEEN) => {}
                    _ => break,
                }
                if let Some(s) = state.get_mut(id) {
                    *s = ON_PATH;
                }
                path.push(id);
                current = self.obj(id).and_then(|o| o.in_boundary).map(|(b, _)| b);
            }
            for id in path {
                if let Some(s) = state.get_mut(id) {
                    *s = DONE;
                }
            }
        }
        for cycle in cycles {
            self.report_cycle(&cycle);
        }
    }

    fn report_cycle(&mut self, cycle: &[ObjId]) {
        let link = |id: &ObjId| {
            self.obj(*id)
                .and_then(|o| o.in_boundary)
                .map(|(_, span)| span)
        };
        let Some(last) = cycle.iter().copied().max_by_key(|id| link(id)) else {
            return;
        };
        let span = link(&last).unwrap_or_default();
        let start = cycle.iter().position(|&id| id == last).unwrap_or(0);
        let names: Vec<String> = cycle
            .iter()
            .cycle()
            .skip(start)
            .take(cycle.len() + 1)
            .filter_map(|&id| self.obj(id).map(|o| format!("`{}`", o.name)))
            .collect();
        let name = self.obj(last).map(|o| o.name.clone()).unwrap_or_default();
        self.error(
            code::BOUNDARY_CYCLE,
            span,
            format!("boundary `{name}` is inside itself: {}", names.join(" -> ")),
        );
    }

    /// pytm links a response both ways: `b.responseTo = a` makes `b` a
    /// response and, unless `a` has one, `a.response = b` (and the reverse).
    fn link_responses(&mut self) {
        let mut links: Vec<(ObjId, ObjId)> = Vec::new();
        for (id, obj) in self.objects.iter().enumerate() {
            if let Some(&request) = obj.flow_refs.get("responseTo") {
                links.push((id, request));
            }
            if let Some(&response) = obj.flow_refs.get("response") {
                links.push((response, id));
            }
        }
        for (response, request) in links {
            if let Some(obj) = self.obj_mut(response) {
                obj.attributes
                    .insert("isResponse".to_string(), Json::Bool(true));
                obj.flow_refs.entry("responseTo").or_insert(request);
            }
            if let Some(obj) = self.obj_mut(request) {
                obj.flow_refs.entry("response").or_insert(response);
            }
        }
    }

    /// `tm.isOrdered = True`: flows without an order get 1, 2, ... in definition order.
    fn number_flows(&mut self) {
        let ordered = self
            .tm
            .and_then(|tm| self.obj(tm))
            .and_then(|tm| tm.attributes.get("isOrdered"))
            == Some(&Json::Bool(true));
        if !ordered {
            return;
        }
        let mut next = 1i64;
        for obj in self
            .objects
            .iter_mut()
            .filter(|o| o.kind == ObjKind::Dataflow)
        {
            let unset = obj
                .attributes
                .get("order")
                .is_none_or(|order| order == &Json::from(-1));
            if unset {
                obj.attributes.insert("order".to_string(), Json::from(next));
                next += 1;
            }
        }
    }

    /// The model, made of the objects moved out of the reader.
    fn model(&mut self) -> Model {
        let objects = std::mem::take(&mut self.objects);
        let ids = ids::ids(&objects);
        let mut model = Model {
            source: Some(self.main.name.to_string()),
            decisions: overrides::decisions(&objects, &ids, self.tm),
            ..Model::default()
        };
        if convert::fill(&mut model, objects, &ids, self.tm).is_none() {
            model.name = file_stem(&self.main.name).to_string();
            self.warn(
                code::NO_TM,
                Span::new(0, 0),
                "no `TM(...)` in the script: the model is named after the file",
            );
        }
        model
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `examples/s3/tm.py` -> `tm`.
fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_suffix(".py").unwrap_or(name)
}
