//! Reading a large script while it is being parsed: pieces of it (see
//! `pieces`) are parsed on other threads, in order, while this thread reads
//! the ones already parsed, and parses too whenever the next one is not ready.
//! Each piece's syntax tree is dropped once read, so the whole tree of a large
//! script never has to be held at once.

use super::modules::Loader;
use super::parse;
use super::reader::Reader;
use crate::Loaded;
use crate::span::SourceFile;
use rustpython_parser::ast::Stmt;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// A piece's statements, or `None` when it did not parse (or the parser
/// panicked): the caller then parses the whole script, for the error the
/// whole script gives.
type Parsed = Option<Vec<Stmt>>;

/// How many pieces the parsing threads may get ahead of the reading one:
/// enough to keep them busy, few enough that little of the tree is held.
const MAX_AHEAD: usize = 8;

/// Reads `file` cut into `pieces` (in order, covering the text) at some of
/// its `cut_points`; `None` if a piece does not parse.
pub(super) fn read(
    file: &SourceFile,
    modules: &dyn Loader,
    pieces: &[Range<usize>],
    cut_points: &[usize],
) -> Option<Loaded> {
    let shared = Shared {
        file,
        pieces,
        cut_points,
        state: Mutex::new(State {
            parsed: std::iter::repeat_with(|| None).take(pieces.len()).collect(),
            next: 0,
            reading: 0,
        }),
        changed: Condvar::new(),
    };
    // this thread parses too, so one helper per other thread keeps all busy
    let helpers = rayon::current_num_threads().saturating_sub(1);
    rayon::in_place_scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|_| shared.help());
        }
        // after a parse error (or a panic) pieces are left: the helpers
        // must stop, or this scope would wait for them forever
        let _stop = StopOnDrop(&shared);
        // freeing a tree costs about a third of building it: other threads
        // do it while this one reads on
        shared.read(modules, |statements| scope.spawn(move |_| drop(statements)))
    })
}

struct StopOnDrop<'s, 'a>(&'s Shared<'a>);

impl Drop for StopOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

struct Shared<'a> {
    file: &'a SourceFile,
    pieces: &'a [Range<usize>],
    cut_points: &'a [usize],
    state: Mutex<State>,
    /// Signalled when a piece is parsed, and when reading moves on.
    changed: Condvar,
}

struct State {
    /// Pieces parsed and not yet read; `Some` once parsed.
    parsed: Vec<Option<Parsed>>,
    /// The first piece no thread has started parsing.
    next: usize,
    /// The piece the reading thread wants.
    reading: usize,
}

impl State {
    fn claim(&mut self) -> Option<usize> {
        let index = self.next;
        (index < self.parsed.len()).then(|| {
            self.next += 1;
            index
        })
    }
}

impl Shared<'_> {
    /// Reads the pieces in order, handing each to `done` once read.
    fn read(&self, modules: &dyn Loader, mut done: impl FnMut(Vec<Stmt>)) -> Option<Loaded> {
        let mut reader = Reader::new(self.file, modules);
        reader.expect_statements(self.cut_points.len());
        for index in 0..self.pieces.len() {
            let statements = self.take(index)?;
            reader.statements(&statements, 0);
            done(statements);
        }
        Some(reader.finish())
    }

    /// Parses pieces, never too far ahead of the reading, until none is left.
    fn help(&self) {
        loop {
            let index = {
                let mut state = self.lock();
                loop {
                    if state.next >= self.pieces.len() {
                        return;
                    }
                    if state.next < state.reading + MAX_AHEAD {
                        break;
                    }
                    state = self.wait(state);
                }
                state.claim()
            };
            let Some(index) = index else {
                return;
            };
            let parsed = self.parse(index);
            self.store(index, parsed);
        }
    }

    /// Piece `index`, once parsed: by another thread, or by this one, which
    /// parses the next piece not started while `index` is not ready.
    fn take(&self, index: usize) -> Parsed {
        {
            self.lock().reading = index;
        }
        self.changed.notify_all();
        loop {
            let claimed = {
                let mut state = self.lock();
                if let Some(parsed) = state.parsed.get_mut(index).and_then(Option::take) {
                    return parsed;
                }
                state.claim()
            };
            match claimed {
                Some(claimed) if claimed == index => return self.parse(index),
                Some(claimed) => {
                    let parsed = self.parse(claimed);
                    self.store(claimed, parsed);
                }
                // every piece is claimed: `index` is being parsed elsewhere
                None => {
                    let mut state = self.lock();
                    loop {
                        match state.parsed.get_mut(index) {
                            Some(slot @ Some(_)) => return slot.take().flatten(),
                            Some(None) => {}
                            None => return None,
                        }
                        state = self.wait(state);
                    }
                }
            }
        }
    }

    fn store(&self, index: usize, parsed: Parsed) {
        if let Some(slot) = self.lock().parsed.get_mut(index) {
            *slot = Some(parsed);
        }
        self.changed.notify_all();
    }

    /// No piece is to be parsed any more.
    fn stop(&self) {
        {
            self.lock().next = self.pieces.len();
        }
        self.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'g>(&self, state: MutexGuard<'g, State>) -> MutexGuard<'g, State> {
        self.changed
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn parse(&self, index: usize) -> Parsed {
        let piece = self.pieces.get(index)?.clone();
        let (text, name) = (&self.file.text, &self.file.name);
        // a panic here would leave the reading thread waiting; the whole
        // script is parsed again on that thread instead
        catch_unwind(AssertUnwindSafe(|| {
            parse::piece(text, name, piece, self.cut_points)
        }))
        .ok()
        .flatten()
    }
}
