//! Checks the items of long lists on all cores.
//!
//! Each chunk of items reports to a reporter of its own; the chunks' reports
//! are taken back in item order, so what is reported, and in what order, is
//! exactly what checking the items one after another gives.

use super::report::{Reporter, Reports};
use rayon::prelude::*;

/// Shorter lists are checked in order: sharing the work would cost more than it saves.
const MIN_ITEMS: usize = 1024;

/// Whether a list of `len` items is worth sharing out.
pub(crate) fn worth_sharing(len: usize) -> bool {
    len >= MIN_ITEMS && !in_order_only()
}

#[cfg(test)]
thread_local! {
    static IN_ORDER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn in_order_only() -> bool {
    IN_ORDER.with(std::cell::Cell::get)
}

#[cfg(not(test))]
fn in_order_only() -> bool {
    false
}

/// Runs `work` with every list checked in order on this thread, as a reference.
#[cfg(test)]
pub(crate) fn in_order<R>(work: impl FnOnce() -> R) -> R {
    IN_ORDER.with(|flag| flag.set(true));
    let result = work();
    IN_ORDER.with(|flag| flag.set(false));
    result
}

#[cfg(test)]
mod tests;

/// `check` applied to each item, in order, reporting to `reporter`; the
/// items are dropped as they are checked, on the thread that checked them.
pub(crate) fn map<T, R>(
    reporter: &Reporter,
    items: impl IntoIterator<Item = T, IntoIter: ExactSizeIterator>,
    check: impl Fn(&Reporter, T) -> R + Sync,
) -> Vec<R>
where
    T: Send,
    R: Send,
{
    let mut rest = items.into_iter();
    if !worth_sharing(rest.len()) {
        return rest.map(|item| check(reporter, item)).collect();
    }
    let size = chunk_size(rest.len());
    let chunks: Vec<Vec<T>> = std::iter::from_fn(|| {
        let chunk: Vec<T> = rest.by_ref().take(size).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
    .collect();
    let flags = reporter.flags();
    let file = reporter.file;
    let parts: Vec<_> = chunks
        .into_par_iter()
        .map(|chunk| {
            let part = Reporter::part(file, &flags);
            let results: Vec<R> = chunk.into_iter().map(|item| check(&part, item)).collect();
            (results, part.into_reports())
        })
        .collect();
    join(reporter, parts)
}

/// A few chunks per thread, so one slow chunk does not leave the others idle.
fn chunk_size(len: usize) -> usize {
    (len / (4 * rayon::current_num_threads())).max(MIN_ITEMS / 4)
}

/// The chunks' results in order, their reports taken in by `reporter`.
fn join<R>(reporter: &Reporter, parts: Vec<(Vec<R>, Reports)>) -> Vec<R> {
    let mut results = Vec::with_capacity(parts.iter().map(|(part, _)| part.len()).sum());
    for (part, reports) in parts {
        reporter.absorb(reports);
        results.extend(part);
    }
    results
}
