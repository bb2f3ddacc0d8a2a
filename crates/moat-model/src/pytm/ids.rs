//! The ids of a script's objects, exactly as [`crate::model::IdAllocator`]
//! would hand them out in definition order (a name's slug; when taken, the
//! slug with `-2`, `-3`... the first one free), in time linear in the number
//! of objects however many share a name.

use super::hash::{FastMap, FastSet};
use super::objects::{Obj, ObjKind};
use crate::model::slug;
use rayon::prelude::*;

/// Below this many objects, slugs are made on one thread.
const PARALLEL_MIN: usize = 1024;

/// Each object's id, in order; the `TM`, which is no part of the model, gets
/// an empty one.
pub(super) fn ids(objects: &[Obj]) -> Vec<String> {
    let slugs: Vec<Option<String>> = objects
        .par_iter()
        .with_min_len(PARALLEL_MIN)
        .map(|o| (o.kind != ObjKind::Tm).then(|| slug(id_source(&o.name))))
        .collect();
    let renamed = rename_repeats(&slugs);
    slugs
        .into_iter()
        .zip(renamed)
        .map(|(slug, renamed)| renamed.or(slug).unwrap_or_default())
        .collect()
}

/// The part of a name its id is made from: ids stay short, since every
/// reference to an object repeats its id.
fn id_source(name: &str) -> &str {
    const MAX_CHARS: usize = 100;
    // a name of this many bytes has no more characters
    if name.len() <= MAX_CHARS {
        return name;
    }
    match name.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => name.get(..end).unwrap_or(name),
        None => name,
    }
}

/// For each slug already taken when its object comes (by an earlier slug or
/// a suffixed id), the suffixed id it gets instead. Each slug remembers the
/// first suffix that may be free: ids are never freed, so no suffix before
/// it can be free again.
fn rename_repeats(slugs: &[Option<String>]) -> Vec<Option<String>> {
    let mut taken: FastSet<&str> =
        FastSet::with_capacity_and_hasher(slugs.len(), Default::default());
    let mut suffixed: FastSet<String> = FastSet::default();
    let mut next_suffix: FastMap<&str, usize> = FastMap::default();
    let mut renamed = vec![None; slugs.len()];
    for (slug, renamed) in slugs.iter().zip(&mut renamed) {
        let Some(base) = slug.as_deref() else {
            continue;
        };
        if !suffixed.contains(base) && taken.insert(base) {
            continue;
        }
        let next = next_suffix.entry(base).or_insert(2);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if !taken.contains(candidate.as_str()) && !suffixed.contains(&candidate) {
                suffixed.insert(candidate.clone());
                *renamed = Some(candidate);
                break;
            }
        }
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IdAllocator;
    use crate::span::Span;

    fn objects(names: &[&str]) -> Vec<Obj> {
        names
            .iter()
            .map(|name| Obj::new(ObjKind::Dataflow, (*name).to_string(), Span::default()))
            .collect()
    }

    #[test]
    fn ids_are_those_the_model_allocator_gives() {
        let names = [
            "KMS", "kms", "kms-2", "kms", "kms-3", "kms", "", "!!", "unnamed", "a b", "a-b", "a b",
            "kms-2-2", "kms-2", "kms-2", "kms-4-2", "kms-4",
        ];
        let mut model = IdAllocator::default();
        let expected: Vec<String> = names.iter().map(|name| model.allocate(name)).collect();
        assert_eq!(ids(&objects(&names)), expected);
    }

    #[test]
    fn many_objects_sharing_a_name_get_numbered_in_order() {
        let names = vec!["Flow"; 20_000];
        let all = ids(&objects(&names));
        assert_eq!(all.first().map(String::as_str), Some("flow"));
        assert_eq!(all.get(1).map(String::as_str), Some("flow-2"));
        assert_eq!(all.last().map(String::as_str), Some("flow-20000"));
    }

    #[test]
    fn the_tm_gets_no_id() {
        let mut objects = objects(&["Model", "Model"]);
        if let Some(tm) = objects.first_mut() {
            tm.kind = ObjKind::Tm;
        }
        assert_eq!(ids(&objects), ["", "model"]);
    }
}
