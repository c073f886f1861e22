//! The size of the memory pages a build asks Linux for, suited to the book.
//!
//! mimalloc asks for transparent huge pages (2 MB) where it may. For a small
//! book that is faster: an article's build faulted in 400 pages where it
//! faulted in 3 500 small ones, and took 44 ms where it took 60 (median of 21,
//! this project's two-core machine). For a long book it is slower: each huge
//! page is zeroed whole however little of it is used (280 MB zeroed for a
//! 50-chapter book), and when memory is fragmented the kernel compacts it to
//! find them, which took the 50-chapter book's system time from 0.25 s to
//! 0.83 s and its build from 0.90 s to 1.12 s (medians of 7). At 10 and 25
//! chapters huge pages were still faster (0.15 s against 0.18, 0.38 against 0.44).

use crate::model::Book;

/// A book with more blocks than this (paragraphs, headings, lists, notes…) is
/// built in small pages: between the 25-chapter book (2 300 blocks), still
/// faster in huge pages, and the 50-chapter one (4 600), no longer.
const SMALL_PAGES_ABOVE_BLOCKS: usize = 3_000;

/// Turns huge pages off for the rest of the process if `book` is large.
pub fn suit_pages_to(book: &Book) {
    let blocks: usize = book.chapters.iter().flat_map(|c| &c.sections).map(|s| s.blocks.len()).sum::<usize>() + book.notes.len();
    if blocks > SMALL_PAGES_ABOVE_BLOCKS {
        small_pages_only();
    }
}

/// mimalloc's own switch for this (`MIMALLOC_ALLOW_THP=0`) is read only from
/// the environment, at start.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
