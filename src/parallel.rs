//! Work shared out to the cores a build leaves idle.
//!
//! A build makes its editions on one worker per core (`build::run_editions`).
//! When fewer editions than cores are in the making (the reader PDF built
//! alone, or the last edition of several), the others sit idle while one
//! thread sets a whole book. A stage made of independent pieces (pages to
//! compress, stretches of the flow between recto breaks) gives them to
//! [`map`], which sets the idle cores to them and leaves the busy ones be:
//! a build of four editions on two cores gets no more threads than it has.
//! Two steps of which the second takes the first's pieces in order (the
//! paragraphs prepared, then their lines broken) overlap through [`pipeline`];
//! two that do not wait on each other (a PDF's structure and its pages'
//! content streams) run side by side through [`join`].
//!
//! Every result lands in its piece's place, so what is made does not depend
//! on which thread made it or when.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Threads at a build's work now: edition workers and [`map`]'s helpers.
static BUSY: AtomicUsize = AtomicUsize::new(0);

/// The cores this process may use, asked once.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Marks the calling thread as at a build's work until dropped.
pub struct Working(());

impl Working {
    pub fn start() -> Self {
        BUSY.fetch_add(1, Ordering::SeqCst);
        Working(())
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        BUSY.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `wait` with the calling thread, a [`Working`] one, counted idle while it
/// waits (the EPUB's worker for the reader PDF's pages), so that the thread it
/// waits for may take its core.
pub fn idle_while<R>(wait: impl FnOnce() -> R) -> R {
    struct Resumes;
    impl Drop for Resumes {
        fn drop(&mut self) {
            BUSY.fetch_add(1, Ordering::SeqCst);
        }
    }
    BUSY.fetch_sub(1, Ordering::SeqCst);
    let _resumes = Resumes;
    wait()
}

/// A core for a helper, if one is idle: the helper is counted at work from
/// now, before it starts, so that no other caller takes the same core. A
/// caller not marked [`Working`] counts as one at work.
fn claim_idle_core() -> Option<Working> {
    let mut busy = BUSY.load(Ordering::SeqCst);
    loop {
        if cores() <= busy.max(1) {
            return None;
        }
        match BUSY.compare_exchange(busy, busy + 1, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return Some(Working(())),
            Err(now) => busy = now,
        }
    }
}

/// `make` of every piece, in the pieces' order. The calling thread works
/// through them, each thread taking the next piece not yet taken; before
/// each piece it takes, it starts a helper for each core idle by then: one
/// idle from the start, or one an edition's worker has left since, done with
/// its last edition (the A4 booklet's pages, written while the EPUB ends).
/// A helper's panic is the caller's, as if it had made that piece.
pub fn map<T: Sync, R: Send>(pieces: &[T], make: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if pieces.len() < 2 {
        return pieces.iter().map(make).collect();
    }
    let made: Vec<Mutex<Option<R>>> = pieces.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let make_one = |index: usize| {
        let Some(piece) = pieces.get(index) else { return false };
        let result = make(piece);
        *made[index].lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(result);
        true
    };
    let work = || while make_one(next.fetch_add(1, Ordering::Relaxed)) {};
    std::thread::scope(|scope| {
        let mut helpers = 0;
        loop {
            // A helper only for pieces beyond the one the caller takes next.
            while helpers + 1 < cores() && next.load(Ordering::Relaxed) + 1 < pieces.len() {
                let Some(working) = claim_idle_core() else { break };
                let work = &work;
                scope.spawn(move || {
                    let _working = working;
                    work();
                });
                helpers += 1;
            }
            if !make_one(next.fetch_add(1, Ordering::Relaxed)) {
                break;
            }
        }
    });
    made.into_iter().map(|slot| slot.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()).expect("every piece is made before the scope ends")).collect()
}

/// `first` on the calling thread and `second` beside it on an idle core, if
/// there is one (counted [`Working`]); otherwise one after the other, `first`
/// first. While the caller waits for `second` to end, it is counted idle, so
/// that a [`map`] within `second` may take its core for the pieces left. What
/// either makes is the same either way; a panic on either side is the caller's.
pub fn join<A, B: Send>(first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send) -> (A, B) {
    let Some(working) = claim_idle_core() else {
        let a = first();
        return (a, second());
    };
    std::thread::scope(|scope| {
        let beside = scope.spawn(move || {
            let _working = working;
            second()
        });
        let a = first();
        match idle_while(|| beside.join()) {
            Ok(b) => (a, b),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// How many pieces [`pipeline`]'s producer may be ahead of its consumer: enough
/// that neither waits on the other's every piece, few enough that what waits
/// between them stays small.
const PIPELINE_AHEAD: usize = 2;

/// `produce` hands pieces, in order, to the function it is given, and each is
/// `consume`d in that order. With an idle core the two overlap: `consume` works
/// through the pieces on a thread of its own (counted [`Working`]) while
/// `produce` makes the next ones, at most [`PIPELINE_AHEAD`] waiting between them;
/// otherwise each piece is consumed as it is handed over, as also when
/// `pieces`, how many `produce` hands over, is fewer than two: one piece would
/// gain nothing and be made on one thread and freed on another, which costs
/// (a megabyte's paragraph: 0.24 s → 0.26 s). What is made is the same either
/// way. A panic on either side is the caller's.
pub fn pipeline<T: Send>(pieces: usize, produce: impl FnOnce(&mut dyn FnMut(T)), mut consume: impl FnMut(T) + Send) {
    let Some(working) = (pieces >= 2).then(claim_idle_core).flatten() else {
        produce(&mut consume);
        return;
    };
    let (hand_over, pieces) = std::sync::mpsc::sync_channel::<T>(PIPELINE_AHEAD);
    std::thread::scope(|scope| {
        let consumer = scope.spawn(move || {
            let _working = working;
            for piece in pieces {
                consume(piece);
            }
        });
        {
            // Dropped before the join, so that the consumer's loop ends. A consumer
            // that panicked takes no more pieces: the rest are dropped, and its panic
            // is resumed below.
            let hand_over = hand_over;
            produce(&mut |piece| {
                let _ = hand_over.send(piece);
            });
        }
        if let Err(panic) = consumer.join() {
            std::panic::resume_unwind(panic);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_is_made_once_and_lands_in_its_place() {
        let pieces: Vec<u64> = (0..1000).collect();
        let calls = AtomicUsize::new(0);
        let made = map(&pieces, |&n| {
            calls.fetch_add(1, Ordering::Relaxed);
            n * n
        });
        assert_eq!(made, pieces.iter().map(|n| n * n).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::Relaxed), 1000);
    }

    #[test]
    fn a_helpers_panic_is_the_callers() {
        let pieces: Vec<u32> = (0..64).collect();
        let outcome = std::panic::catch_unwind(|| map(&pieces, |&n| if n == 63 { panic!("piece 63") } else { n }));
        assert!(outcome.is_err());
    }

    /// Side by side or one after the other, each makes what it makes alone;
    /// with an idle core, `second` runs on a thread of its own, and a `map`
    /// within it is not held to that one thread while the caller waits.
    #[test]
    fn join_gives_each_sides_result_and_either_sides_panic_is_the_callers() {
        let pieces: Vec<u64> = (0..200).collect();
        let caller = std::thread::current().id();
        let (a, (b, second_on)) = join(|| pieces.iter().sum::<u64>(), || (map(&pieces, |&n| n * 2), std::thread::current().id()));
        assert_eq!((a, b), (19_900, pieces.iter().map(|n| n * 2).collect::<Vec<_>>()));
        if cores() > 1 && BUSY.load(Ordering::SeqCst) + 1 < cores() {
            assert_ne!(second_on, caller, "with a core idle, the second side ran on the caller's thread");
        }
        assert!(std::panic::catch_unwind(|| join(|| panic!("first"), || 1)).is_err());
        assert!(std::panic::catch_unwind(|| join(|| 1, || panic!("second"))).is_err());
    }

    #[test]
    fn a_pipeline_consumes_every_piece_in_order() {
        let mut consumed = Vec::new();
        pipeline(500, |hand_over| (0..500u32).for_each(|n| hand_over(n)), |n| consumed.push(n));
        assert_eq!(consumed, (0..500).collect::<Vec<_>>());
    }

    #[test]
    fn a_consumers_panic_is_the_callers() {
        let outcome = std::panic::catch_unwind(|| pipeline(100, |hand_over| (0..100u32).for_each(|n| hand_over(n)), |n| assert!(n < 50, "piece {n}")));
        assert!(outcome.is_err());
    }
}
